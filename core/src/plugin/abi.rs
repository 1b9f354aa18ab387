//! The `#[repr(C)]` types that cross the plugin boundary, and nothing else.
//!
//! Only C types cross: integers, raw pointers and `extern "C"` function pointers. Rust types
//! (`String`, `Vec`, trait objects, enums) never do, because Rust has no stable ABI and a
//! plugin may have been built by another compiler. Every message is JSON bytes.
//!
//! Evolution rules: a minor version only *appends* fields to [`PluginV1`] (so `struct_size`
//! grows); anything else is a new major version, which gets a new symbol name
//! (`shipmux_plugin_v2`), so an old host never finds a table it cannot read.

use std::ffi::c_void;

/// The symbol every plugin exports: `extern "C" fn() -> *const PluginV1`.
pub const SYMBOL: &str = "shipmux_plugin_v1";

/// The ABI major version. It is part of [`SYMBOL`]; changing it means a new symbol.
pub const ABI_MAJOR: u16 = 1;

/// The ABI minor version this build speaks. A host accepts plugins of an equal or older
/// minor and refuses newer ones (they may rely on fields this host does not know).
///
/// - 1.0: [`PluginV1::call`], every message JSON (HTTP bodies base64 inside it).
/// - 1.1: appends [`PluginV1::call_framed`], the same operations with HTTP bodies as raw
///   bytes beside the JSON ([`super::frame`]). A 1.1 host calls a 1.0 plugin through `call`.
pub const ABI_MINOR: u16 = 1;

/// The signature of the exported [`SYMBOL`].
pub type EntryPoint = unsafe extern "C" fn() -> *const PluginV1;

/// A status code returned by the table's functions. Plain integers, never a Rust enum: an
/// unknown enum discriminant from a newer plugin would be undefined behaviour.
pub type Status = u32;

/// Status codes and what the output buffer holds with each.
pub mod status {
    use super::Status;

    /// Success: the output is the JSON of the operation's answer.
    pub const OK: Status = 0;
    /// The operation failed the ordinary way: the output is the JSON of a
    /// [`crate::Error`].
    pub const ERROR: Status = 1;
    /// The plugin panicked; the panic was caught at the boundary. The output is the panic
    /// message as UTF-8 text. The host treats the instance as poisoned from then on.
    pub const PANIC: Status = 2;
    /// The plugin could not read its input (JSON that does not match the operation). The
    /// output is a message as UTF-8 text.
    pub const BAD_INPUT: Status = 3;
    /// The plugin does not know this operation (an older plugin asked by a newer host).
    pub const UNKNOWN_OP: Status = 4;
}

/// Bytes lent for the duration of one call; the callee copies what it keeps.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PluginSlice {
    /// First byte (may be dangling when `len` is 0).
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

impl PluginSlice {
    /// Lends `bytes`.
    pub fn new(bytes: &[u8]) -> Self {
        PluginSlice {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
        }
    }

    /// The bytes.
    ///
    /// # Safety
    /// `ptr` must point at `len` readable bytes that outlive the returned slice (or `len` is 0).
    pub unsafe fn as_bytes<'a>(&self) -> &'a [u8] {
        if self.len == 0 || self.ptr.is_null() {
            &[]
        } else {
            // SAFETY: guaranteed by the caller.
            unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
        }
    }
}

/// Bytes allocated by the plugin and owned by the caller until it hands them back to the
/// plugin's [`PluginV1::free`]: each side frees only what its own allocator allocated.
#[repr(C)]
#[derive(Debug)]
pub struct PluginBuf {
    /// First byte; null for an empty buffer.
    pub ptr: *mut u8,
    /// Number of bytes.
    pub len: usize,
    /// The allocation's capacity (needed to free it).
    pub cap: usize,
}

impl PluginBuf {
    /// An empty buffer that owns nothing.
    pub const EMPTY: PluginBuf = PluginBuf {
        ptr: std::ptr::null_mut(),
        len: 0,
        cap: 0,
    };

    /// Gives up `bytes` to the caller (the plugin side).
    pub fn from_vec(bytes: Vec<u8>) -> Self {
        let mut bytes = std::mem::ManuallyDrop::new(bytes);
        PluginBuf {
            ptr: bytes.as_mut_ptr(),
            len: bytes.len(),
            cap: bytes.capacity(),
        }
    }

    /// Takes the bytes back to free them (the plugin side).
    ///
    /// # Safety
    /// The buffer must come from [`PluginBuf::from_vec`] in the same binary, and be taken
    /// back only once.
    pub unsafe fn into_vec(self) -> Vec<u8> {
        if self.ptr.is_null() {
            Vec::new()
        } else {
            // SAFETY: guaranteed by the caller: ptr/len/cap come from a Vec of this allocator.
            unsafe { Vec::from_raw_parts(self.ptr, self.len, self.cap) }
        }
    }

    /// The bytes, borrowed (the host side, before freeing).
    ///
    /// # Safety
    /// The buffer must still be alive (not yet freed).
    pub unsafe fn as_bytes(&self) -> &[u8] {
        if self.ptr.is_null() || self.len == 0 {
            &[]
        } else {
            // SAFETY: guaranteed by the caller.
            unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
        }
    }
}

/// Writes the manifest JSON into `out`.
pub type ManifestFn = unsafe extern "C" fn(out: *mut PluginBuf) -> Status;

/// Creates an instance from config JSON; on `OK` writes it to `instance`, otherwise writes
/// an error (per the status) to `out`.
pub type CreateFn = unsafe extern "C" fn(
    config: PluginSlice,
    instance: *mut *mut c_void,
    out: *mut PluginBuf,
) -> Status;

/// Drops an instance made by [`CreateFn`].
pub type DestroyFn = unsafe extern "C" fn(instance: *mut c_void);

/// Runs operation `op` (see [`crate::plugin::Op`]) on an instance with JSON `input`,
/// writing the answer (per the status) to `out`. May be called from many threads at once.
pub type CallFn = unsafe extern "C" fn(
    instance: *const c_void,
    op: u32,
    input: PluginSlice,
    out: *mut PluginBuf,
) -> Status;

/// Frees a buffer the plugin gave out.
pub type FreeFn = unsafe extern "C" fn(buf: PluginBuf);

/// The table a plugin's [`SYMBOL`] returns. Lives as long as the process (a `static` in the
/// plugin; plugins are never unloaded).
#[repr(C)]
#[derive(Debug)]
pub struct PluginV1 {
    /// `size_of::<PluginV1>()` as the plugin was compiled; the host reads only fields that fit.
    pub struct_size: u32,
    /// Must equal [`ABI_MAJOR`].
    pub abi_major: u16,
    /// Must not exceed the host's [`ABI_MINOR`].
    pub abi_minor: u16,
    /// The build manifest.
    pub manifest: ManifestFn,
    /// Makes an instance.
    pub create: CreateFn,
    /// Drops an instance.
    pub destroy: DestroyFn,
    /// Runs an operation.
    pub call: CallFn,
    /// Frees an output buffer.
    pub free: FreeFn,
    // Minor versions append fields here, and only here.
    /// ABI 1.1: runs an operation like [`call`](Self::call), but the input is a frame and,
    /// with status OK, so is the output ([`crate::plugin::frame`]): HTTP bodies travel as
    /// raw bytes instead of base64. Other statuses answer what `call` answers. A host reads
    /// this field only when `abi_minor >= 1` and `struct_size >= V1_1_STRUCT_SIZE`.
    pub call_framed: CallFn,
}

/// The size of the v1.0 table: the least `struct_size` a host accepts.
pub const V1_0_STRUCT_SIZE: usize = std::mem::offset_of!(PluginV1, call_framed);

/// The size of the v1.1 table: the least `struct_size` of a table that says minor 1.
pub const V1_1_STRUCT_SIZE: usize = std::mem::size_of::<PluginV1>();
