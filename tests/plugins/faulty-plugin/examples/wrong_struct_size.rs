//! Reports a table smaller than v1.0's: the host must refuse it before touching its fields.

use shipmux_core::plugin::PluginV1;

/// Entry point.
#[unsafe(no_mangle)]
pub extern "C" fn shipmux_plugin_v1() -> *const PluginV1 {
    static TABLE: PluginV1 = {
        let mut t = shipmux_faulty_plugin::table(shipmux_faulty_plugin::standard_manifest);
        t.struct_size = 16;
        t
    };
    &TABLE
}
