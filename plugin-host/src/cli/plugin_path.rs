//! Where the Canada Post plugin is looked for when no config names one: next to the `shipmux`
//! binary (where `cargo run` puts it, since the root build builds both), then in `target/`.

use std::path::{Path, PathBuf};

use shipmux_host::plugin::dylib_file_name;

/// The Canada Post plugin's crate name.
pub const CANADAPOST_PLUGIN: &str = "shipmux_canadapost";

/// The first existing Canada Post plugin library, if any.
pub fn find_canadapost_plugin() -> Option<PathBuf> {
    candidates(&dylib_file_name(CANADAPOST_PLUGIN))
        .into_iter()
        .find(|p| p.is_file())
}

fn candidates(file: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        dirs.push(dir.to_path_buf());
        // A test binary lives in `target/<profile>/deps/`.
        if dir.file_name().is_some_and(|n| n == "deps")
            && let Some(profile) = dir.parent()
        {
            dirs.push(profile.to_path_buf());
        }
    }
    let workspace_target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    for target in [PathBuf::from("target"), workspace_target] {
        dirs.push(target.join("release"));
        dirs.push(target.join("debug"));
    }
    dirs.into_iter().map(|d| d.join(file)).collect()
}
