//! What a plugin says about itself before anything else is called.

use serde::{Deserialize, Serialize};

use super::abi::{ABI_MAJOR, ABI_MINOR};

/// The target triple `shipmux-core` was compiled for (in a plugin: the plugin's target).
pub const BUILD_TARGET: &str = env!("SHIPMUX_BUILD_TARGET");

/// The `rustc --version` that compiled `shipmux-core`. Logged, never compared: no Rust type
/// crosses the boundary, so plugins built by another compiler work.
pub const BUILD_RUSTC: &str = env!("SHIPMUX_BUILD_RUSTC");

/// The version of `shipmux-core` (in a plugin: the one it was built against).
pub const CORE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// How a binary handles panics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanicStrategy {
    /// Panics unwind and are caught at the boundary: a panicking plugin becomes an error.
    Unwind,
    /// Panics abort the whole process: the host refuses such plugins.
    Abort,
}

impl PanicStrategy {
    /// `abort` when `aborts`, else `unwind`.
    pub fn from_abort(aborts: bool) -> Self {
        if aborts {
            PanicStrategy::Abort
        } else {
            PanicStrategy::Unwind
        }
    }
}

/// A plugin's manifest. JSON:
/// `{"name": "shipmux-canadapost", "version": "0.1.0", "abi_major": 1, "abi_minor": 1,
///   "target": "x86_64-unknown-linux-gnu", "rustc": "rustc 1.95.0 (…)", "panic": "unwind",
///   "core_version": "0.1.0", "extensions": ["parse_rate_binary"]}`. Unknown fields are ignored, so newer plugins can add some.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The plugin crate's name.
    pub name: String,
    /// The plugin crate's version.
    pub version: String,
    /// ABI major version it was built for.
    pub abi_major: u16,
    /// ABI minor version it was built for.
    pub abi_minor: u16,
    /// Target triple it was built for.
    pub target: String,
    /// Compiler that built it.
    #[serde(default)]
    pub rustc: String,
    /// Whether it was built with `panic=abort`.
    pub panic: PanicStrategy,
    /// The `shipmux-core` version it was built against.
    #[serde(default)]
    pub core_version: String,
    /// The ABI extensions it understands, by operation name (see [`Op`](super::Op)): a host
    /// calls an extension only on a plugin that lists it. Absent from older manifests (empty).
    #[serde(default)]
    pub extensions: Vec<String>,
}

impl Manifest {
    /// The manifest of a plugin crate `name` `version` built in this very build (the
    /// `export_plugin!` macro passes its crate's name, version and panic strategy), listing
    /// no extensions (see [`with_extensions`](Self::with_extensions)).
    pub fn current(name: &str, version: &str, panic_aborts: bool) -> Self {
        Manifest {
            name: name.to_string(),
            version: version.to_string(),
            abi_major: ABI_MAJOR,
            abi_minor: ABI_MINOR,
            target: BUILD_TARGET.to_string(),
            rustc: BUILD_RUSTC.to_string(),
            panic: PanicStrategy::from_abort(panic_aborts),
            core_version: CORE_VERSION.to_string(),
            extensions: Vec::new(),
        }
    }

    /// The same manifest listing every extension this build's standard table answers
    /// ([`EXTENSIONS`](super::EXTENSIONS)).
    pub fn with_extensions(mut self) -> Self {
        self.extensions = super::ops::EXTENSIONS
            .iter()
            .map(|op| op.name().to_string())
            .collect();
        self
    }

    /// True when the plugin lists extension `op`.
    pub fn has_extension(&self, op: super::Op) -> bool {
        self.extensions.iter().any(|e| e == op.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_json_is_the_documented_shape() {
        let m = Manifest::current("acme", "1.2.3", false);
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["name"], "acme");
        assert_eq!(v["panic"], "unwind");
        assert_eq!(v["abi_major"], 1);
        assert_eq!(v["target"], BUILD_TARGET);
        assert!(BUILD_TARGET.contains('-'), "{BUILD_TARGET}");
        let back: Manifest = serde_json::from_value(v).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn unknown_manifest_fields_are_ignored() {
        let m: Manifest = serde_json::from_str(
            r#"{"name":"x","version":"1","abi_major":1,"abi_minor":3,"target":"t",
                "panic":"abort","capabilities":{"new":true}}"#,
        )
        .unwrap();
        assert_eq!(m.panic, PanicStrategy::Abort);
        assert_eq!(m.rustc, "");
    }

    #[test]
    fn extensions_are_listed_and_invisible_to_older_hosts() {
        assert!(
            Manifest::current("acme", "1.2.3", false)
                .extensions
                .is_empty()
        );
        let m = Manifest::current("acme", "1.2.3", false).with_extensions();
        assert!(m.has_extension(super::super::Op::ParseRateBinary));
        assert!(m.has_extension(super::super::Op::BuildRateBinary));
        assert!(!m.has_extension(super::super::Op::ParseRate));
        let json = serde_json::to_string(&m).unwrap();
        assert!(
            json.ends_with(r#""extensions":["build_rate_binary","parse_rate_binary"]}"#),
            "{json}"
        );

        // The manifest as a host from before extensions reads it: the same struct without
        // the field. It loads, and the host never calls an operation it does not know.
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct OlderManifest {
            name: String,
            version: String,
            abi_major: u16,
            abi_minor: u16,
            target: String,
            #[serde(default)]
            rustc: String,
            panic: PanicStrategy,
            #[serde(default)]
            core_version: String,
        }
        let older: OlderManifest = serde_json::from_str(&json).unwrap();
        assert_eq!((older.abi_major, older.abi_minor), (ABI_MAJOR, ABI_MINOR));

        // A manifest from before extensions lists none, so this host uses none with it.
        let mut v = serde_json::to_value(&m).unwrap();
        v.as_object_mut().unwrap().remove("extensions");
        let before: Manifest = serde_json::from_value(v).unwrap();
        assert!(before.extensions.is_empty());
        assert!(!before.has_extension(super::super::Op::ParseRateBinary));
    }
}
