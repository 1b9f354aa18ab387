//! `--plugin FILE` on the commands that quote: the carrier a plugin is a build of runs on that
//! file — the `.so` or the `.wasm` — against its simulator, or as the account a config gives
//! it, and answers what the built-in answers. A file that is not a plugin, or a plugin with no
//! account to take, is a usage error naming it.
//!
//! The `.wasm` half skips with a note when the `wasm32-wasip2` target is not installed, unless
//! `SHIPMUX_REQUIRE_WASM=1` (CI), where that is a failure.

#[path = "../../tests/tests/plugin_support/mod.rs"]
mod plugin_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use plugin_support::{canadapost_config, canadapost_plugin, canadapost_wasm, scratch_dir};
use serde_json::Value;
use shipmux_sandbox::SandboxOptions;

fn shipmux(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_shipmux"))
        .args(args)
        .output()
        .expect("the shipmux binary runs")
}

fn json_of(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("--json prints JSON")
}

/// The Canada Post plugin as a `.so`, and as a `.wasm` when the target is installed.
fn canadapost_files() -> Vec<PathBuf> {
    let mut files = vec![canadapost_plugin()];
    files.extend(canadapost_wasm());
    files
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Ottawa to Toronto, as `quote` flags.
const ROUTE: [&str; 6] = [
    "--from",
    "CA K1G 3H7",
    "--to",
    "CA M5V 2T6",
    "--parcel",
    "2.25kg,30x20x10.5cm",
];

/// `quote --json` with `flags` on the route: its rates, after checking that no carrier failed.
fn quoted_rates(flags: &[&str]) -> Value {
    let mut args = vec!["quote", "--json"];
    args.extend_from_slice(flags);
    args.extend_from_slice(&ROUTE);
    let answer = json_of(&shipmux(&args));
    assert_eq!(answer["errors"], Value::Array(vec![]), "{answer}");
    let rates = answer["rates"].clone();
    assert!(rates.as_array().is_some_and(|r| !r.is_empty()), "{answer}");
    rates
}

/// The `from` column of `carriers --json` for Canada Post.
fn canadapost_origin(flags: &[&str]) -> String {
    let mut args = vec!["carriers", "--json"];
    args.extend_from_slice(flags);
    let listed = json_of(&shipmux(&args));
    let cp = listed
        .as_array()
        .and_then(|l| l.iter().find(|c| c["id"] == "canadapost"))
        .unwrap_or_else(|| panic!("Canada Post is listed: {listed}"));
    cp["origin"].as_str().expect("an origin").to_string()
}

#[test]
fn a_quote_runs_the_carrier_on_the_plugin_given_and_answers_what_the_built_in_answers() {
    let built_in = quoted_rates(&["--carriers", "canadapost"]);
    for file in canadapost_files() {
        assert_eq!(
            canadapost_origin(&["--plugin", text(&file)]),
            text(&file),
            "carriers says which file Canada Post runs on"
        );
        // Named by --plugin alone, the carrier joins the others chosen.
        let on_plugin = quoted_rates(&["--carriers", "ups", "--plugin", text(&file)]);
        let canadapost: Vec<&Value> = on_plugin
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["carrier"] == "canadapost")
            .collect();
        assert_eq!(
            canadapost,
            built_in.as_array().unwrap().iter().collect::<Vec<_>>(),
            "{}",
            file.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_account_runs_on_the_plugin_given_with_its_settings() {
    let sandbox = shipmux_canadapost::sandbox::start(SandboxOptions::default())
        .await
        .unwrap();
    let dir = scratch_dir("plugin-flag");
    let config = dir.join("shipmux.toml");
    let mut section = toml::Table::new();
    for (k, v) in canadapost_config(&sandbox.base_url()).as_object().unwrap() {
        section.insert(k.clone(), v.as_str().unwrap().into());
    }
    std::fs::write(
        &config,
        format!(
            "[carriers.canadapost]\n{}",
            toml::to_string(&section).unwrap()
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let files = canadapost_files();
    tokio::task::spawn_blocking(move || {
        let built_in = quoted_rates(&["--config", &config]);
        assert_eq!(canadapost_origin(&["--config", &config]), "built-in");
        for file in files {
            let flags = ["--config", config.as_str(), "--plugin", text(&file)];
            assert_eq!(canadapost_origin(&flags), text(&file));
            assert_eq!(quoted_rates(&flags), built_in, "{}", file.display());
        }
    })
    .await
    .unwrap();
    sandbox.shutdown().await;
}

#[test]
fn a_plugin_with_no_account_in_the_config_is_refused() {
    let dir = scratch_dir("plugin-flag-no-account");
    let config = dir.join("shipmux.toml");
    std::fs::write(
        &config,
        "[carriers.ups]\nclient_id = \"id\"\nclient_secret = \"secret\"\naccount_number = \"A1B2C3\"\nbase_url = \"http://127.0.0.1:1\"\n",
    )
    .unwrap();
    let file = canadapost_plugin();
    let out = shipmux(&[
        "quote",
        "--config",
        text(&config),
        "--plugin",
        text(&file),
        "--from",
        "US 90210",
        "--to",
        "US 10001",
        "--parcel",
        "1lb",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stands in for no account"), "{err}");
    assert!(err.contains(text(&file)), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_file_that_is_not_a_plugin_is_refused_by_every_command_that_takes_plugins() {
    let not_a_plugin = format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR"));
    let checkout = format!(
        "{}/tests/fixtures/cli/checkout.json",
        env!("CARGO_MANIFEST_DIR")
    );
    for command in [
        vec![
            "quote", "--from", "US 90210", "--to", "US 10001", "--parcel", "1lb",
        ],
        vec!["checkout", "--request", checkout.as_str()],
        vec!["carriers"],
        vec!["loadtest", "--quotes", "1"],
        vec!["serve", "--listen", "127.0.0.1:0"],
    ] {
        let mut args = command.clone();
        args.extend(["--plugin", not_a_plugin.as_str()]);
        let out = shipmux(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {err}");
        assert!(err.contains(&not_a_plugin), "{command:?}: {err}");
        assert!(err.contains("refused"), "{command:?}: {err}");
    }
}

#[test]
fn a_load_test_runs_its_carrier_on_the_plugin_given() {
    for file in canadapost_files() {
        let dir = scratch_dir("plugin-flag-loadtest");
        let report = dir.join("report.json");
        let out = shipmux(&[
            "loadtest",
            "--plugin",
            text(&file),
            "--carriers",
            "canadapost",
            "--from",
            "CA K1G 3H7",
            "--quotes",
            "200",
            "--distinct",
            "20",
            "--json",
            text(&report),
        ]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        assert_eq!(report["quotes"], 200, "{report}");
        assert_eq!(report["errors"], serde_json::json!({}), "{report}");
        let settings = &report["settings"];
        assert_eq!(settings["plugins"]["canadapost"], text(&file), "{report}");
        assert_eq!(settings["from"], "CA K1G 3H7", "{report}");
        assert!(
            report["upstream_calls"]["canadapost"].as_u64() >= Some(20),
            "{report}"
        );
    }
}
