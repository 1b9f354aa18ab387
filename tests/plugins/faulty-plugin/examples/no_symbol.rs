//! An ordinary shared library with no `shipmux_plugin_v1`: the host must refuse it.

/// Something exported, so the library is not empty.
#[unsafe(no_mangle)]
pub extern "C" fn not_a_shipmux_plugin() -> u32 {
    42
}
