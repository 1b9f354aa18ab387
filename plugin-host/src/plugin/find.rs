//! Where a carrier's plugin library is looked for when no config names one: next to the
//! running binary (where `cargo run` puts it, since the root build builds the plugin too),
//! then in `target/`.

use std::path::{Path, PathBuf};

use super::dylib_file_name;

/// The first existing plugin library built from the crate whose library is `stem`
/// (`shipmux_canadapost` → `libshipmux_canadapost.so` on Linux), if any.
pub fn find_library(stem: &str) -> Option<PathBuf> {
    library_candidates(stem).into_iter().find(|p| p.is_file())
}

/// Every place [`find_library`] looks, in order.
pub fn library_candidates(stem: &str) -> Vec<PathBuf> {
    let file = dylib_file_name(stem);
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
    dirs.into_iter().map(|d| d.join(&file)).collect()
}
