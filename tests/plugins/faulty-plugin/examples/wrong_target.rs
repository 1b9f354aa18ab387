//! Its manifest names another target triple: the host must refuse it.

use shipmux_core::plugin::{Manifest, PluginBuf, PluginV1, Status, status};

unsafe extern "C" fn manifest(out: *mut PluginBuf) -> Status {
    let mut m = Manifest::current(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"), false);
    m.target = "riscv64gc-unknown-none-elf".to_string();
    let bytes = serde_json::to_vec(&m).unwrap_or_default();
    // SAFETY: `out` is the host's, per the ABI.
    unsafe { out.write(PluginBuf::from_vec(bytes)) };
    status::OK
}

/// Entry point.
#[unsafe(no_mangle)]
pub extern "C" fn shipmux_plugin_v1() -> *const PluginV1 {
    static TABLE: PluginV1 = shipmux_faulty_plugin::table(manifest);
    &TABLE
}
