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
    // Exactly the files of every carrier folder (docs/carriers.md), nothing else.
    let mut files = Vec::new();
    let mut dirs = vec![crate_dir.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let relative = path.strip_prefix(&crate_dir).unwrap();
                files.push(relative.to_str().unwrap().replace('\\', "/"));
            }
        }
    }
    files.sort();
    assert_eq!(
        files,
        [
            "Cargo.toml",
            "src/codes.rs",
            "src/config.rs",
            "src/descriptor.rs",
            "src/error.rs",
            "src/lib.rs",
            "src/protocol.rs",
            "src/rate/mod.rs",
            "src/rate/request.rs",
            "src/rate/response.rs",
            "src/sandbox/mod.rs",
            "src/sandbox/rates.rs",
            "src/sandbox/tracking.rs",
            "src/track.rs",
            "tests/conformance.rs",
            "tests/protocol.rs",
            "tests/sandbox.rs",
            "tests/shared.rs",
        ]
    );
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
    // conformance 1, protocol 3, sandbox 2, shared 1 (skips without samples), the doc test 1.
    let passed: usize = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(passed, 8, "{stdout}");
}
