//! `shipmux plugin check` refuses what is not a plugin, saying why.

use std::process::Command;

#[test]
fn a_file_that_is_not_a_library_is_refused() {
    let path = format!(
        "{}/tests/fixtures/cli/not_a_plugin.so",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_shipmux"))
        .args(["plugin", "check", &path])
        .output()
        .expect("the shipmux binary runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("refused"), "{err}");
    assert!(err.contains("not_a_library"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_file_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_shipmux"))
        .args(["plugin", "check", "/nonexistent/libacme.so"])
        .output()
        .expect("the shipmux binary runs");
    assert_ne!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing_file"));
}
