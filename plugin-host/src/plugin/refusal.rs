//! Why a plugin was refused or failed, as one [`Error`] of kind `plugin` whose `code` says
//! which check failed and whose message names the file.

use std::path::Path;

use shipmux_core::{Error, ErrorKind};

/// Which check refused a plugin: the `code` of the error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The file does not exist or is not a regular file.
    MissingFile,
    /// The dynamic loader could not load it (not a library, wrong architecture, …).
    NotALibrary,
    /// It has no `shipmux_plugin_v1` symbol.
    MissingSymbol,
    /// The symbol returned a null table.
    NullTable,
    /// The table is built for another ABI major version.
    AbiMajor,
    /// The table is built for a newer ABI minor version than this host speaks.
    AbiMinor,
    /// The table is smaller than the ABI version it claims.
    StructSize,
    /// The manifest could not be read.
    Manifest,
    /// The plugin was built for another target triple.
    Target,
    /// The plugin was built with `panic=abort`: a panic would take the host down.
    PanicAbort,
    /// A `.wasm` file that is not a valid WebAssembly component (or is a core module), or a
    /// host built without the `wasm` feature.
    NotAComponent,
    /// A component importing something a plugin is not granted (sockets, HTTP, …).
    ForbiddenImport,
    /// A component that does not export the carrier world in a version this host speaks.
    WorldVersion,
}

impl Refusal {
    /// The error code.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::MissingFile => "missing_file",
            Refusal::NotALibrary => "not_a_library",
            Refusal::MissingSymbol => "missing_symbol",
            Refusal::NullTable => "null_table",
            Refusal::AbiMajor => "abi_major",
            Refusal::AbiMinor => "abi_minor",
            Refusal::StructSize => "struct_size",
            Refusal::Manifest => "manifest",
            Refusal::Target => "target",
            Refusal::PanicAbort => "panic_abort",
            Refusal::NotAComponent => "not_a_component",
            Refusal::ForbiddenImport => "forbidden_import",
            Refusal::WorldVersion => "world_version",
        }
    }

    /// The error: `plugin <file> refused: <reason>`.
    pub fn error(self, path: &Path, reason: impl std::fmt::Display) -> Error {
        Error::new(
            ErrorKind::Plugin,
            format!("plugin {} refused: {reason}", path.display()),
        )
        .with_code(self.code())
    }

    /// Which refusal `error` is, if it is one.
    pub fn of(error: &Error) -> Option<Refusal> {
        const ALL: [Refusal; 13] = [
            Refusal::MissingFile,
            Refusal::NotALibrary,
            Refusal::MissingSymbol,
            Refusal::NullTable,
            Refusal::AbiMajor,
            Refusal::AbiMinor,
            Refusal::StructSize,
            Refusal::Manifest,
            Refusal::Target,
            Refusal::PanicAbort,
            Refusal::NotAComponent,
            Refusal::ForbiddenImport,
            Refusal::WorldVersion,
        ];
        if error.kind != ErrorKind::Plugin {
            return None;
        }
        let code = error.code.as_deref()?;
        ALL.into_iter().find(|r| r.code() == code)
    }
}
