//! `shipmux new carrier` creates a carrier crate in the common shape that compiles and passes
//! its own tests as generated.

use std::path::Path;
use std::process::Command;

fn shipmux(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shipmux"))
        .args(args)
        .output()
        .expect("the shipmux binary runs")
}

#[test]
fn refuses_a_bad_id_a_builtin_and_an_existing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("x");
    let into = into.to_str().unwrap();
    for (id, why) in [
        ("Acme", "not a carrier id"),
        ("9acme", "not a carrier id"),
        ("ups", "already a built-in carrier"),
    ] {
        let out = shipmux(&["new", "carrier", id, "--dir", into]);
        assert_eq!(out.status.code(), Some(2), "{id}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(why), "{id}: {stderr}");
    }
    std::fs::create_dir_all(into).unwrap();
    let out = shipmux(&["new", "carrier", "acme", "--dir", into]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

/// Builds and tests the generated crate: it takes a few minutes on a fresh machine (its own
/// dependency build), so it runs when `SHIPMUX_SCAFFOLD_TEST` is set, as CI does.
#[test]
fn a_generated_carrier_compiles_and_passes_its_tests() {
    let dir = tempfile::tempdir().unwrap();
    let crate_dir = dir.path().join("acme");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = shipmux(&[
        "new",
        "carrier",
        "acme",
        "--name",
        "Acme Freight",
        "--dir",
        crate_dir.to_str().unwrap(),
        "--shipmux",
        root.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/config.rs",
        "src/descriptor.rs",
        "src/protocol.rs",
        "src/rate.rs",
        "src/track.rs",
        "src/error.rs",
        "src/sandbox/mod.rs",
        "tests/sandbox.rs",
    ] {
        assert!(crate_dir.join(file).is_file(), "{file} was not created");
    }
    let descriptor = std::fs::read_to_string(crate_dir.join("src/descriptor.rs")).unwrap();
    assert!(
        descriptor.contains("name: \"Acme Freight\""),
        "{descriptor}"
    );

    if std::env::var_os("SHIPMUX_SCAFFOLD_TEST").is_none() {
        eprintln!("SHIPMUX_SCAFFOLD_TEST is not set: not building the generated crate");
        return;
    }
    // Its own target folder beside the workspace's: this test runs while cargo holds the
    // workspace's, and the crate's dependency features differ anyway.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scaffold");
    let test = Command::new(env!("CARGO"))
        .args([
            "test",
            "--offline",
            "--features",
            "sandbox",
            "--manifest-path",
        ])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&test.stderr);
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert!(test.status.success(), "{stderr}\n{stdout}");
    assert!(stdout.contains("2 passed"), "{stdout}");
}
