//! Claims ABI major 2 under the v1 symbol: the host must refuse it.

use shipmux_core::plugin::PluginV1;

/// Entry point.
#[unsafe(no_mangle)]
pub extern "C" fn shipmux_plugin_v1() -> *const PluginV1 {
    static TABLE: PluginV1 = {
        let mut t = shipmux_faulty_plugin::table(shipmux_faulty_plugin::standard_manifest);
        t.abi_major = 2;
        t
    };
    &TABLE
}
