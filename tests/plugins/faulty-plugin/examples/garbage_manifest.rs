//! Its manifest is not JSON: the host must refuse it.

use shipmux_core::plugin::{PluginBuf, PluginV1, Status, status};

unsafe extern "C" fn manifest(out: *mut PluginBuf) -> Status {
    // SAFETY: `out` is the host's, per the ABI.
    unsafe { out.write(PluginBuf::from_vec(b"<manifest/>".to_vec())) };
    status::OK
}

/// Entry point.
#[unsafe(no_mangle)]
pub extern "C" fn shipmux_plugin_v1() -> *const PluginV1 {
    static TABLE: PluginV1 = shipmux_faulty_plugin::table(manifest);
    &TABLE
}
