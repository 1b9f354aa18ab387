//! The plugin C ABI and `export_plugin!`. Being built.
