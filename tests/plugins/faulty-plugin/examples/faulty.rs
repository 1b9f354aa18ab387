//! The faulty plugin: loads fine, then misbehaves as its config says (see the crate docs).

use shipmux_core::plugin::PluginV1;

/// Entry point.
#[unsafe(no_mangle)]
pub extern "C" fn shipmux_plugin_v1() -> *const PluginV1 {
    static TABLE: PluginV1 = shipmux_faulty_plugin::table(shipmux_faulty_plugin::standard_manifest);
    &TABLE
}
