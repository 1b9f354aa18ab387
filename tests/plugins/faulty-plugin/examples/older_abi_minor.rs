//! Built as if against ABI 1.0: its table has only the 1.0 fields (it is smaller than this
//! build's `PluginV1`) and says minor 0, and so does its manifest. The host must load it and
//! call it through 1.0's all-JSON `call`, never reading past the end of its table.

use std::ffi::c_void;

use shipmux_core::plugin::{
    ABI_MAJOR, CallFn, CreateFn, DestroyFn, FreeFn, Manifest, ManifestFn, PluginBuf, PluginV1,
    Status, status,
};

/// The ABI 1.0 table, exactly as a plugin built against 1.0 laid it out.
#[repr(C)]
pub struct PluginV1Minor0 {
    struct_size: u32,
    abi_major: u16,
    abi_minor: u16,
    manifest: ManifestFn,
    create: CreateFn,
    destroy: DestroyFn,
    call: CallFn,
    free: FreeFn,
}

unsafe extern "C" fn manifest(out: *mut PluginBuf) -> Status {
    let mut m = Manifest::current(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"), false);
    m.abi_minor = 0;
    let bytes = serde_json::to_vec(&m).unwrap_or_default();
    // SAFETY: `out` is the host's, per the ABI.
    unsafe { out.write(PluginBuf::from_vec(bytes)) };
    status::OK
}

static TABLE: PluginV1Minor0 = {
    let t = shipmux_faulty_plugin::table(manifest);
    PluginV1Minor0 {
        struct_size: std::mem::size_of::<PluginV1Minor0>() as u32,
        abi_major: ABI_MAJOR,
        abi_minor: 0,
        manifest: t.manifest,
        create: t.create,
        destroy: t.destroy,
        call: t.call,
        free: t.free,
    }
};

/// Entry point.
#[unsafe(no_mangle)]
pub extern "C" fn shipmux_plugin_v1() -> *const PluginV1 {
    (&raw const TABLE).cast::<c_void>().cast()
}
