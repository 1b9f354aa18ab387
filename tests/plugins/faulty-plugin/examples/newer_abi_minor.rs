//! Claims a newer ABI minor than the host speaks: the host must refuse it.

use shipmux_core::plugin::{ABI_MINOR, PluginV1};

/// Entry point.
#[unsafe(no_mangle)]
pub extern "C" fn shipmux_plugin_v1() -> *const PluginV1 {
    static TABLE: PluginV1 = {
        let mut t = shipmux_faulty_plugin::table(shipmux_faulty_plugin::standard_manifest);
        t.abi_minor = ABI_MINOR + 1;
        t
    };
    &TABLE
}
