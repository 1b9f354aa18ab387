//! Opening a plugin file and checking it before anything in it is trusted, and negotiating
//! the ABI minor version: a 1.1 plugin is called with frames, a 1.0 one with plain JSON. A
//! `.wasm` file goes to the Wasm loader (`wasm`), behind the same [`Plugin`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use shipmux_core::plugin::{
    ABI_MAJOR, ABI_MINOR, BUILD_TARGET, CallFn, CreateFn, DestroyFn, EntryPoint, FreeFn, Manifest,
    ManifestFn, PanicStrategy, PluginBuf, PluginV1, SYMBOL, V1_0_STRUCT_SIZE, V1_1_STRUCT_SIZE,
    status,
};
use shipmux_core::{Error, ErrorKind, Result};

use super::instance::PluginProtocol;
use super::refusal::Refusal;

/// The fields at the start of every version of the table, read before anything else.
#[repr(C)]
#[derive(Clone, Copy)]
struct TableHeader {
    struct_size: u32,
    abi_major: u16,
    abi_minor: u16,
}

/// The functions of a checked table, copied out of it: only the fields its version and size
/// cover are read (a 1.0 table is smaller than this host's [`PluginV1`]).
#[derive(Clone, Copy)]
pub(super) struct Table {
    pub(super) manifest: ManifestFn,
    pub(super) create: CreateFn,
    pub(super) destroy: DestroyFn,
    pub(super) call: CallFn,
    pub(super) free: FreeFn,
    /// ABI 1.1's `call_framed`; `None` for a 1.0 plugin, which is called through `call`.
    pub(super) call_framed: Option<CallFn>,
}

impl Table {
    /// Copies the functions out of a table whose header passed [`check_header`].
    ///
    /// # Safety
    /// `table` points at a static table of at least `header.struct_size` bytes, and the header
    /// passed [`check_header`].
    unsafe fn read(table: *const PluginV1, header: TableHeader) -> Table {
        use std::mem::offset_of;
        /// The field of type `T` at byte `offset` of the table.
        unsafe fn field<T: Copy>(table: *const PluginV1, offset: usize) -> T {
            // SAFETY: the caller checked that the table's size covers the field.
            unsafe { table.cast::<u8>().add(offset).cast::<T>().read() }
        }
        // SAFETY: every field read lies within the size the header vouched for: the 1.0
        // fields within V1_0_STRUCT_SIZE, `call_framed` only when the table is a 1.1 one.
        unsafe {
            Table {
                manifest: field(table, offset_of!(PluginV1, manifest)),
                create: field(table, offset_of!(PluginV1, create)),
                destroy: field(table, offset_of!(PluginV1, destroy)),
                call: field(table, offset_of!(PluginV1, call)),
                free: field(table, offset_of!(PluginV1, free)),
                call_framed: (header.abi_minor >= 1)
                    .then(|| field(table, offset_of!(PluginV1, call_framed))),
            }
        }
    }
}

/// A loaded and checked plugin library. Cheap to clone. Make carriers from it with
/// [`Plugin::instantiate`].
///
/// The library is never unloaded: unloading Rust libraries with thread-locals is unsound in
/// practice, and a plugin's static table must outlive every instance.
#[derive(Clone)]
pub struct Plugin {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    manifest: Manifest,
    kind: Kind,
}

/// What runs the plugin.
pub(super) enum Kind {
    /// A native library: its checked table and the ABI minor it declares.
    Native { abi_minor: u16, table: Table },
    /// A WebAssembly component.
    #[cfg(feature = "wasm")]
    Wasm(Arc<super::wasm::WasmPlugin>),
}

/// Which kind of file a [`Plugin`] was loaded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PluginKind {
    /// A native library (`.so`, `.dylib`, `.dll`): runs in the host's process.
    Native,
    /// A WebAssembly component (`.wasm`): runs in a wasmtime sandbox.
    Wasm,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("path", &self.inner.path)
            .field("manifest", &self.inner.manifest)
            .finish()
    }
}

impl Plugin {
    /// Loads the plugin at `path` and runs every check: the symbol, the table's ABI major,
    /// size and minor, the manifest, the target triple and the panic strategy. A refusal is a
    /// `plugin` error whose code is a [`Refusal`] and whose message names the file.
    ///
    /// A `.wasm` file (or one that starts like WebAssembly) is loaded as a component, with
    /// the default [`WasmLimits`](super::WasmLimits) (see [`Plugin::load_wasm`]).
    pub fn load(path: impl AsRef<Path>) -> Result<Plugin> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(Refusal::MissingFile.error(path, "no such file"));
        }
        if is_wasm(path) {
            #[cfg(feature = "wasm")]
            return Plugin::load_wasm(path, super::WasmLimits::default());
            #[cfg(not(feature = "wasm"))]
            return Err(Refusal::NotAComponent.error(
                path,
                "a WebAssembly plugin, and this host was built without the `wasm` feature",
            ));
        }
        // A cut-short file would be mapped anyway and crash the process on first touch.
        super::elf::check_complete(path).map_err(|why| Refusal::NotALibrary.error(path, why))?;
        // SAFETY: loading runs the library's initialisers. Plugins are code the operator
        // chose to install, like the host binary itself; this is the trust boundary.
        let library = unsafe { libloading::Library::new(path) }.map_err(|e| {
            Refusal::NotALibrary.error(path, format!("not a loadable library ({e})"))
        })?;
        // Never unloaded, refused or not: see the type's docs.
        let library: &'static libloading::Library = Box::leak(Box::new(library));
        // SAFETY: the symbol's type is fixed by the ABI; a library that exports the name with
        // another type is not a shipmux plugin, and nothing can detect that.
        let entry: EntryPoint = unsafe { library.get::<EntryPoint>(SYMBOL.as_bytes()) }
            .map(|symbol| *symbol)
            .map_err(|_| {
                Refusal::MissingSymbol.error(
                    path,
                    format!("no `{SYMBOL}` symbol: not a shipmux plugin for ABI {ABI_MAJOR}"),
                )
            })?;
        // SAFETY: per the ABI, the entry point takes nothing and returns a static table.
        let table = unsafe { entry() };
        if table.is_null() {
            return Err(Refusal::NullTable.error(path, format!("`{SYMBOL}` returned no table")));
        }
        // SAFETY: every version of the table starts with this header.
        let header = unsafe { table.cast::<TableHeader>().read() };
        check_header(path, header)?;
        // SAFETY: the header passed the checks, so its size covers every field of its minor
        // version, and the table is static.
        let table = unsafe { Table::read(table, header) };
        let manifest = read_manifest(path, &table)?;
        check_manifest(path, &manifest)?;
        Ok(Plugin {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                manifest,
                kind: Kind::Native {
                    abi_minor: header.abi_minor,
                    table,
                },
            }),
        })
    }

    /// Loads the WebAssembly component at `path` with the sandbox's `limits`, checking that
    /// it is a component, imports only what the sandbox allows, exports the carrier world in
    /// a version this host speaks, and has a manifest of plugin ABI major 1 built for wasm32.
    #[cfg(feature = "wasm")]
    pub fn load_wasm(path: impl AsRef<Path>, limits: super::WasmLimits) -> Result<Plugin> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(Refusal::MissingFile.error(path, "no such file"));
        }
        let (manifest, wasm) = super::wasm::load(path, limits)?;
        Ok(Plugin {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                manifest,
                kind: Kind::Wasm(wasm),
            }),
        })
    }

    /// Which kind of plugin it is.
    pub fn kind(&self) -> PluginKind {
        match &self.inner.kind {
            Kind::Native { .. } => PluginKind::Native,
            #[cfg(feature = "wasm")]
            Kind::Wasm(_) => PluginKind::Wasm,
        }
    }

    /// The file it was loaded from.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// What it says about itself.
    pub fn manifest(&self) -> &Manifest {
        &self.inner.manifest
    }

    /// The library name its crate builds, `shipmux_canadapost` for the crate
    /// `shipmux-canadapost`: how a plugin is matched to the built-in carrier it can stand in
    /// for (the descriptor's `plugin_library`) and to a configured plugin file of the same
    /// carrier (`libshipmux_canadapost.so`, `shipmux_canadapost.wasm`).
    pub fn library_stem(&self) -> String {
        self.inner.manifest.name.replace('-', "_")
    }

    /// Makes a carrier protocol from the carrier's config JSON (its config struct, with
    /// credentials in plain text). The protocol runs through `HttpCarrier` like a built-in.
    pub fn instantiate(&self, config: &serde_json::Value) -> Result<PluginProtocol> {
        PluginProtocol::create(self.clone(), config)
    }

    /// The ABI minor version its table declares (at most the host's); for a Wasm plugin,
    /// the one its manifest says.
    pub fn abi_minor(&self) -> u16 {
        match &self.inner.kind {
            Kind::Native { abi_minor, .. } => *abi_minor,
            #[cfg(feature = "wasm")]
            Kind::Wasm(_) => self.inner.manifest.abi_minor,
        }
    }

    /// True when the host calls it with frames (ABI 1.1: HTTP bodies as raw bytes), false
    /// when through ABI 1.0's all-JSON `call`. A Wasm plugin always takes frames.
    pub fn uses_frames(&self) -> bool {
        match &self.inner.kind {
            Kind::Native { table, .. } => table.call_framed.is_some(),
            #[cfg(feature = "wasm")]
            Kind::Wasm(_) => true,
        }
    }

    /// For a Wasm plugin, the carrier interface it exports (with its world version), e.g.
    /// `shipmux:carrier/protocol@1.0.0`; `None` for a native plugin.
    pub fn wasm_interface(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::Native { .. } => None,
            #[cfg(feature = "wasm")]
            Kind::Wasm(wasm) => Some(wasm.interface()),
        }
    }

    pub(super) fn kind_inner(&self) -> &Kind {
        &self.inner.kind
    }

    /// A native plugin's table.
    pub(super) fn native_table(&self) -> Option<&Table> {
        match &self.inner.kind {
            Kind::Native { table, .. } => Some(table),
            #[cfg(feature = "wasm")]
            Kind::Wasm(_) => None,
        }
    }

    /// `plugin <name> <version> (<file>)`, for messages.
    pub(super) fn describe(&self) -> String {
        format!(
            "plugin {} {} ({})",
            self.inner.manifest.name,
            self.inner.manifest.version,
            self.inner.path.display()
        )
    }
}

fn check_header(path: &Path, header: TableHeader) -> Result<()> {
    if header.abi_major != ABI_MAJOR {
        return Err(Refusal::AbiMajor.error(
            path,
            format!(
                "built for plugin ABI {}.{}; this host speaks {ABI_MAJOR}.{ABI_MINOR}",
                header.abi_major, header.abi_minor
            ),
        ));
    }
    if (header.struct_size as usize) < V1_0_STRUCT_SIZE {
        return Err(Refusal::StructSize.error(
            path,
            format!(
                "its table is {} bytes, smaller than the {V1_0_STRUCT_SIZE} bytes of ABI {ABI_MAJOR}.0",
                header.struct_size
            ),
        ));
    }
    if header.abi_minor > ABI_MINOR {
        return Err(Refusal::AbiMinor.error(
            path,
            format!(
                "built for plugin ABI {}.{}, newer than this host's {ABI_MAJOR}.{ABI_MINOR}; upgrade shipmux",
                header.abi_major, header.abi_minor
            ),
        ));
    }
    if header.abi_minor >= 1 && (header.struct_size as usize) < V1_1_STRUCT_SIZE {
        return Err(Refusal::StructSize.error(
            path,
            format!(
                "its table is {} bytes, smaller than the {V1_1_STRUCT_SIZE} bytes of ABI {ABI_MAJOR}.{} it claims",
                header.struct_size, header.abi_minor
            ),
        ));
    }
    Ok(())
}

fn read_manifest(path: &Path, table: &Table) -> Result<Manifest> {
    let mut out = PluginBuf::EMPTY;
    // SAFETY: the table passed the header checks; `out` is ours to fill.
    let code = unsafe { (table.manifest)(&mut out) };
    // SAFETY: filled by the plugin (or still empty); freed once, by the plugin, below.
    let parsed = serde_json::from_slice::<Manifest>(unsafe { out.as_bytes() });
    // SAFETY: a buffer the plugin gave out, handed back once.
    unsafe { (table.free)(out) };
    if code != status::OK {
        return Err(
            Refusal::Manifest.error(path, format!("its manifest call failed (status {code})"))
        );
    }
    parsed
        .map_err(|e| Refusal::Manifest.error(path, format!("its manifest is not valid JSON ({e})")))
}

fn check_manifest(path: &Path, manifest: &Manifest) -> Result<()> {
    if manifest.abi_major != ABI_MAJOR {
        return Err(Refusal::Manifest.error(
            path,
            format!(
                "its manifest says ABI {}.{} but its table says {ABI_MAJOR}",
                manifest.abi_major, manifest.abi_minor
            ),
        ));
    }
    if manifest.target != BUILD_TARGET {
        return Err(Refusal::Target.error(
            path,
            format!(
                "built for target {}, this host is {BUILD_TARGET}",
                manifest.target
            ),
        ));
    }
    if manifest.panic == PanicStrategy::Abort {
        return Err(Refusal::PanicAbort.error(
            path,
            "built with panic=abort: a panic in it would abort the whole host; rebuild it with the default panic=unwind",
        ));
    }
    Ok(())
}

/// True when `path` is to be loaded as a WebAssembly component.
fn is_wasm(path: &Path) -> bool {
    let mut head = [0u8; 4];
    path.extension().is_some_and(|e| e == "wasm")
        || std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok_and(|()| &head == b"\0asm")
}

/// Loads every plugin in `dir` (files ending in this platform's library extension or in
/// `.wasm`, in name order). One result per file: a refused plugin does not stop the others. The outer error is
/// for a folder that cannot be read.
pub fn scan(dir: impl AsRef<Path>) -> Result<Vec<Result<Plugin>>> {
    let dir = dir.as_ref();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::config(format!("cannot read plugin folder {}: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|ext| ext == std::env::consts::DLL_EXTENSION || ext == "wasm")
        })
        .collect();
    files.sort();
    Ok(files.into_iter().map(Plugin::load).collect())
}

/// Loads and checks the plugin at `path` and returns its manifest, or the refusal (for
/// `shipmux plugin check`). The library stays loaded.
pub fn inspect(path: impl AsRef<Path>) -> Result<Manifest> {
    Plugin::load(path).map(|p| p.manifest().clone())
}

/// A `plugin` error about a loaded plugin.
pub(super) fn plugin_error(code: &str, message: String) -> Error {
    Error::new(ErrorKind::Plugin, message).with_code(code)
}
