//! Says ABI minor 1 but has a table only as large as 1.0's: the host must refuse it rather
//! than read `call_framed` past its end.

use shipmux_core::plugin::{PluginV1, V1_0_STRUCT_SIZE};

/// Entry point.
#[unsafe(no_mangle)]
pub extern "C" fn shipmux_plugin_v1() -> *const PluginV1 {
    static TABLE: PluginV1 = {
        let mut t = shipmux_faulty_plugin::table(shipmux_faulty_plugin::standard_manifest);
        t.struct_size = V1_0_STRUCT_SIZE as u32;
        t.abi_minor = 1;
        t
    };
    &TABLE
}
