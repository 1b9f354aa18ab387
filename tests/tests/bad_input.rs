//! Bad input at every door: checkout JSON, config files, plugin files, carrier answers and
//! CLI flags. Each is refused with a typed error (or, for the CLI, one line and a non-zero
//! exit other than a panic's 101) whose message names what is wrong — never a panic or a
//! hang. `docs/reliability.md` has the table of what was tried and what came back; run with
//! `--nocapture` to print it again.

mod plugin_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use plugin_support::{canadapost_plugin, scratch_dir, workspace};
use serde_json::json;
use shipmux_core::checkout::Checkout;
use shipmux_core::{
    Carrier, CarrierProtocol, Error, ErrorKind, Exchange, HttpResponse, RateRequest,
};
use shipmux_host::plugin::Plugin;
use shipmux_host::{Config, HttpCarrier, HttpCarrierOptions, HttpDriver, RetryPolicy, builtins};

/// Prints one row of the table in docs/reliability.md.
fn row(door: &str, input: &str, answer: &str) {
    let clip = |s: &str| {
        let s = s.replace('\n', " ").replace('|', "\\|");
        if s.chars().count() > 160 {
            format!("{}…", s.chars().take(160).collect::<String>())
        } else {
            s
        }
    };
    println!("| {door} | {} | {} |", clip(input), clip(answer));
}

/// Asserts `result` is an error of `kind` whose message contains every one of `names`.
fn refused<T: std::fmt::Debug>(
    door: &str,
    input: &str,
    result: Result<T, Error>,
    kind: ErrorKind,
    names: &[&str],
) {
    let e = match result {
        Ok(v) => panic!("{door}: `{input}` was accepted: {v:?}"),
        Err(e) => e,
    };
    row(door, input, &e.to_string());
    assert_eq!(e.kind, kind, "{door}: `{input}` → {e}");
    for name in names {
        assert!(
            e.message.contains(name),
            "{door}: `{input}` → `{e}` does not name `{name}`"
        );
    }
}

const CHECKOUT: &str = r#"{"origin": {"country": "US", "postal_code": "90210", "region": "CA"},
 "currency": "USD",
 "line_items": [{"id": "li-1", "quantity": 2, "unit_price": "19.99",
                 "weight": {"value": "2.5", "unit": "lb"}}],
 "consignments": [{"id": "c1", "address": {"country": "US", "postal_code": "10001"},
                   "line_items": [{"item_id": "li-1", "quantity": 2}]}]}"#;

fn checkout(json: &str) -> Result<Checkout, Error> {
    let c = Checkout::from_json(json)?;
    c.validate()?;
    Ok(c)
}

/// `CHECKOUT` with `from` replaced by `to`.
fn edited(from: &str, to: &str) -> String {
    assert!(CHECKOUT.contains(from), "{from}");
    CHECKOUT.replacen(from, to, 1)
}

/// How the table shows a checkout: the edit made to the valid one, or the whole text.
fn label(json: &str) -> String {
    if json.len() < 60 {
        return format!("`{json}`");
    }
    // The first difference from the reference checkout, as the edited text.
    let start = CHECKOUT
        .bytes()
        .zip(json.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    let start = json[..start].rfind([',', '{']).map_or(0, |i| i + 1);
    let end = json[start..]
        .find(['}', ']'])
        .map_or(json.len(), |i| start + i);
    format!(
        "valid checkout but `{}`",
        json[start..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_end_matches(',')
    )
}

#[test]
fn checkout_json_is_refused_naming_the_field() {
    checkout(CHECKOUT).expect("the reference checkout is valid");
    let door = "checkout JSON";
    let cases: Vec<(String, &[&str])> = vec![
        (String::new(), &[]),
        ("{".into(), &[]),
        ("[]".into(), &[]),
        ("null".into(), &[]),
        (r#"{"currency": "USD"}"#.into(), &["origin"]),
        (
            edited(
                r#""country": "US", "postal_code": "90210""#,
                r#""country": "XX", "postal_code": "90210""#,
            ),
            &["origin.country"],
        ),
        (
            edited(
                r#""quantity": 2, "unit_price""#,
                r#""quantity": -2, "unit_price""#,
            ),
            &["line_items[0].quantity"],
        ),
        (
            edited(
                r#""quantity": 2, "unit_price""#,
                r#""quantity": 1e400, "unit_price""#,
            ),
            &[],
        ),
        (
            edited(r#""unit_price": "19.99""#, r#""unit_price": "-1""#),
            &["line_items[0].unit_price"],
        ),
        (
            edited(r#""unit_price": "19.99""#, r#""unit_price": "1e999""#),
            &["1e999"],
        ),
        (
            edited(r#""value": "2.5""#, r#""value": "0""#),
            &["line_items[0].weight"],
        ),
        (
            edited(r#""value": "2.5""#, r#""value": "99999999999999999999999""#),
            &["line_items[0].weight"],
        ),
        (edited(r#""unit": "lb""#, r#""unit": "stone""#), &["stone"]),
        (
            edited(r#""currency": "USD""#, r#""currency": "dollars""#),
            &["currency"],
        ),
        (
            edited(r#""item_id": "li-1""#, r#""item_id": "li-9""#),
            &["li-9"],
        ),
        (
            edited(
                r#""item_id": "li-1", "quantity": 2"#,
                r#""item_id": "li-1", "quantity": 3"#,
            ),
            &["li-1"],
        ),
        (
            edited(r#""id": "c1""#, r#""id": """#),
            &["consignments[0].id"],
        ),
        (
            edited(
                r#""line_items": [{"item_id""#,
                r#""line_items": [], "x": [{"item_id""#,
            ),
            &["consignments[0]"],
        ),
        (
            edited(
                r#""postal_code": "10001""#,
                r#""postal_code": "10001", "country": "US""#,
            ),
            &[],
        ),
    ];
    for (json, names) in cases {
        let result = checkout(&json);
        let e = match &result {
            Ok(c) => panic!("{door}: `{json}` was accepted: {c:?}"),
            Err(e) => e.clone(),
        };
        assert!(
            matches!(e.kind, ErrorKind::InvalidRequest | ErrorKind::Parse),
            "{door}: `{json}` → {e}"
        );
        refused(door, &label(&json), result, e.kind, names);
    }
}

fn config(toml: &str) -> Result<Config, Error> {
    Config::from_toml(toml, std::env::temp_dir())
}

#[test]
fn config_files_are_refused_naming_what_is_wrong() {
    let door = "config file";
    let cases: &[(&str, &[&str])] = &[
        ("[host\nquote_deadline_ms = 3000", &[]),
        (
            "[host]\nquote_deadline_ms = \"soon\"",
            &["quote_deadline_ms"],
        ),
        ("[host]\nquote_deadline_ms = -5", &["quote_deadline_ms"]),
        ("[host]\nstragglers = \"ignore\"", &["stragglers"]),
        ("[cache]\ncapacity = 1.5", &["capacity"]),
        ("[carriers.ups]\nrate_limit = \"fast\"", &["fast"]),
        ("[carriers.ups]\nrate_limit = \"0/s\"", &["0/s"]),
        ("[carriers.dhl]\nclient_id = \"x\"", &["dhl"]),
        ("[[plugins]]\nrate_limit = \"5/s\"", &["path"]),
        (
            "[rules]\nfile = \"/nonexistent/rules.json\"",
            &["/nonexistent/rules.json"],
        ),
    ];
    for (toml, names) in cases {
        let result = config(toml).and_then(|c| {
            // Loading the rules and building the carriers is where a config meets the world.
            c.load_rules()?;
            let driver = HttpDriver::new()?;
            shipmux_host::registry_from_config(&c, &driver, &|_| None).map(|_| c)
        });
        let e = result.as_ref().err().cloned();
        let Some(e) = e else {
            panic!("{door}: `{toml}` was accepted");
        };
        refused(door, toml, result, e.kind, names);
        assert!(
            matches!(e.kind, ErrorKind::Config | ErrorKind::InvalidRequest),
            "{door}: `{toml}` → {e}"
        );
    }

    // A credential whose variable is not set names the variable, never a value.
    let toml = "[carriers.ups]\nclient_id_env = \"SHIPMUX_TEST_UNSET_ID\"\nclient_secret_env = \"SHIPMUX_TEST_UNSET_SECRET\"";
    let c = config(toml).expect("parses");
    let driver = HttpDriver::new().unwrap();
    refused(
        door,
        toml,
        shipmux_host::registry_from_config(&c, &driver, &|_| None),
        ErrorKind::Config,
        &["SHIPMUX_TEST_UNSET_"],
    );

    // A rules file that is not JSON, and one whose zones are wrong.
    let dir = scratch_dir("bad-rules");
    for (text, names) in [
        ("zones: none", &[][..]),
        (
            r#"{"zones": [{"id": "z", "name": "Z", "type": "zip", "locations": [{"country": "US", "postcode": "..."}]}]}"#,
            &["postcode"][..],
        ),
        (
            r#"{"zones": [{"id": "z", "name": "Z", "type": "global"}, {"id": "z", "name": "Z2", "type": "global"}]}"#,
            &["z"][..],
        ),
    ] {
        std::fs::write(dir.join("rules.json"), text).unwrap();
        let c = Config::from_toml("[rules]\nfile = \"rules.json\"", &dir).expect("parses");
        let result = c.load_rules();
        let kind = result
            .as_ref()
            .err()
            .map(|e| e.kind)
            .unwrap_or(ErrorKind::Config);
        refused("rules file", text, result, kind, names);
        assert!(matches!(
            kind,
            ErrorKind::Config | ErrorKind::InvalidRequest
        ));
    }
}

#[test]
fn plugin_files_are_refused_naming_the_file() {
    let door = "plugin file";
    let dir = scratch_dir("bad-plugins");
    let files: Vec<(&str, PathBuf)> = {
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        vec![
            ("a path that does not exist", dir.join("missing.so")),
            ("an empty file", write("empty.so", b"")),
            (
                "a text file",
                write("notes.so", b"this is not a shared library\n"),
            ),
            (
                "random bytes",
                write(
                    "noise.so",
                    &(0..4096u32)
                        .map(|i| (i * 7919 % 251) as u8)
                        .collect::<Vec<_>>(),
                ),
            ),
            ("a folder", dir.clone()),
        ]
    };
    for (what, path) in files {
        let e = Plugin::load(&path).map(|p| p.manifest().clone());
        let label = format!("{what} ({})", path.file_name().unwrap().to_string_lossy());
        refused(
            door,
            &label,
            e,
            ErrorKind::Plugin,
            &[&path.display().to_string()],
        );
    }

    let plugin = Plugin::load(canadapost_plugin()).expect("the real plugin loads");
    for (config, names) in [
        (json!(null), &[][..]),
        (json!([]), &[][..]),
        (json!({}), &["username"][..]),
        // Names the type, not the field: the plugin config reader keeps no path.
        (json!({"username": 5, "password": "p"}), &["number"][..]),
        (
            json!({"username": "u", "password": "p", "base_url": "not a url"}),
            &["base_url"][..],
        ),
        (
            json!({"username": "u", "password": "p", "tracking_view": "sideways"}),
            &["sideways"][..],
        ),
    ] {
        let result = plugin.instantiate(&config).map(|_| ());
        let kind = result
            .as_ref()
            .err()
            .map(|e| e.kind)
            .unwrap_or(ErrorKind::Config);
        refused("plugin config", &config.to_string(), result, kind, names);
        assert!(
            matches!(kind, ErrorKind::Config | ErrorKind::Plugin),
            "{config}"
        );
    }
}

/// In a child process (see [`a_truncated_plugin_is_refused_not_a_crash`]): loads the
/// plugin file named by `SHIPMUX_LOAD_PLUGIN`, which must be refused. Does nothing without it.
#[test]
fn child_loads_the_plugin_named_by_shipmux_load_plugin() {
    let Ok(path) = std::env::var("SHIPMUX_LOAD_PLUGIN") else {
        return;
    };
    let e = Plugin::load(&path)
        .map(|p| p.manifest().clone())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Plugin, "{e}");
}

/// Runs `test` of this binary in a child process with the variable `env` set, so that a crash
/// (a signal, a stack overflow) fails an assertion instead of the whole run. Records the
/// `(door, input)` row with the child's exit and returns the crash, if any.
fn crash_in_child(
    test: &str,
    env: (&str, &std::ffi::OsStr),
    (door, input): (&str, &str),
) -> Option<String> {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test])
        .env(env.0, env.1)
        .output()
        .expect("the test binary runs");
    row(door, input, &format!("child process: {:?}", out.status));
    (!out.status.success()).then(|| format!("{input}: {:?}", out.status))
}

/// Found here: `dlopen` of a copy of the real Canada Post plugin cut short maps segments
/// past the end of the file, and touching them kills the whole process with SIGBUS before
/// the loader can refuse anything — a host scanning a plugin folder dies on a half-copied
/// file. Fixed in the loader (`plugin-host/src/plugin/elf.rs`): the ELF headers are read
/// first and a file shorter than they promise is refused. Each load runs in a child process,
/// so a regression shows as a failed assertion instead of killing the test run.
#[test]
fn a_truncated_plugin_is_refused_not_a_crash() {
    let real = std::fs::read(canadapost_plugin()).expect("the Canada Post plugin is built");
    let dir = scratch_dir("cut-plugins");
    let mut crashes = Vec::new();
    for (what, len) in [("cut to 4 KiB", 4096), ("cut to 64 KiB", 65536)] {
        let path = dir.join(format!("cut-{len}.so"));
        std::fs::write(&path, &real[..len]).unwrap();
        crashes.extend(crash_in_child(
            "child_loads_the_plugin_named_by_shipmux_load_plugin",
            ("SHIPMUX_LOAD_PLUGIN", path.as_os_str()),
            ("plugin file", &format!("the real plugin {what}")),
        ));
    }
    assert!(crashes.is_empty(), "{crashes:?}");
}

/// In a child process (see [`decimal_text_with_many_underscores_is_refused_not_a_crash`]):
/// reads one amount written `1` followed by 100,000 underscores through the door named by
/// `SHIPMUX_DECIMAL_DOOR`, on a thread with tokio's 2 MiB worker stack. Does nothing
/// without it.
#[test]
fn child_reads_a_long_underscored_amount() {
    let Ok(door) = std::env::var("SHIPMUX_DECIMAL_DOOR") else {
        return;
    };
    let amount = format!("1{}", "_".repeat(100_000));
    let worker = std::thread::Builder::new().stack_size(2 * 1024 * 1024);
    let handle = worker
        .spawn(move || match door.as_str() {
            "checkout" => {
                let json = edited(r#""unit_price": "19.99""#, &format!(r#""unit_price": "{amount}""#));
                checkout(&json).map(|_| ()).unwrap_err();
            }
            "rate_json" => {
                let json = format!(
                    r#"{{"carrier": "ups", "service": "03", "service_name": "Ground",
                        "total": {{"amount": "{amount}", "currency": "USD"}}, "list_total": null,
                        "charges": [], "transit_days": null, "estimated_delivery": null,
                        "guaranteed": false, "billed_weight": null}}"#
                );
                serde_json::from_str::<shipmux_core::Rate>(&json).unwrap_err();
            }
            "ups_answer" => {
                let (protocol, request) = offline(&shipmux_ups::DESCRIPTOR);
                let body = format!(
                    r#"{{"RateResponse": {{"Response": {{"ResponseStatus": {{"Code": "1"}}}},
                        "RatedShipment": [{{"Service": {{"Code": "03"}},
                        "TotalCharges": {{"CurrencyCode": "USD", "MonetaryValue": "{amount}"}}}}]}}}}"#
                );
                let requests = protocol.build_rate(&request).unwrap();
                let exchange = Exchange {
                    round: 0,
                    responses: vec![HttpResponse::new(200, body.into_bytes()); requests.len()],
                    requests,
                };
                let _ = protocol.parse_rate(&request, &exchange);
            }
            other => panic!("unknown door {other}"),
        })
        .expect("a worker thread");
    handle.join().expect("the door refuses the amount");
}

/// Found by fuzzing `design_json` (a SIGSEGV with no input saved; reproduced from the corpus
/// with a small stack): `rust_decimal` 1.43's `Decimal::from_str` parses with one call per
/// byte that it counts on being a tail call, and an underscore (allowed between digits)
/// costs a stack frame each. `"16.____…"` with ~40,000 underscores overflows a 2 MiB tokio
/// worker stack and **kills the whole process** (SIGSEGV; a stack overflow cannot be caught).
/// Every door that parses decimal text goes through it: a checkout's money and measures,
/// any contract JSON, BigCommerce rules, and carrier answers that carry amounts as strings (UPS
/// `MonetaryValue`, Canada Post's XML). The fix is one guarded parser in core (refuse `_`,
/// which no carrier or shop writes, or any text longer than ~64 bytes, before
/// `Decimal::from_str`), used by `Money`, the measures, `decimal_text` and the carriers —
/// done: `shipmux_core::parse_decimal` and `decimal_str`. Each door runs in a child process,
/// so a regression shows as a failed assertion instead of killing the test run.
#[test]
fn decimal_text_with_many_underscores_is_refused_not_a_crash() {
    let mut crashes = Vec::new();
    for door in ["checkout", "rate_json", "ups_answer"] {
        crashes.extend(crash_in_child(
            "child_reads_a_long_underscored_amount",
            ("SHIPMUX_DECIMAL_DOOR", door.as_ref()),
            ("decimal text", &format!("{door}: `1` and 100,000 `_`")),
        ));
    }
    assert!(crashes.is_empty(), "{crashes:?}");
}

/// Answers to a rate request no carrier should send, and what each must become.
fn bad_answers() -> Vec<(&'static str, HttpResponse)> {
    let json = |status: u16, body: &str| {
        HttpResponse::new(status, body.as_bytes().to_vec())
            .with_header("Content-Type", "application/json")
    };
    vec![
        ("200, empty body", json(200, "")),
        ("200, `null`", json(200, "null")),
        ("200, `{}`", json(200, "{}")),
        ("200, `[]`", json(200, "[]")),
        (
            "200, not UTF-8",
            json(200, "\u{0}\u{1}\u{7f}").with_header("X", "y"),
        ),
        (
            "200, HTML page",
            HttpResponse::new(
                200,
                b"<!DOCTYPE html><html><body>Bad gateway</body></html>".to_vec(),
            )
            .with_header("Content-Type", "text/html"),
        ),
        (
            "200, XML for a JSON API (and JSON for XML)",
            json(200, "<?xml version=\"1.0\"?><price-quotes><price-quote>"),
        ),
        (
            "200, nested 10 000 deep",
            json(
                200,
                &format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
            ),
        ),
        (
            "200, a number of 400 digits",
            json(200, &format!("{{\"amount\": 1{}}}", "0".repeat(400))),
        ),
        (
            "429, `Retry-After: 1e300`",
            json(429, "{}").with_header("Retry-After", "1e300"),
        ),
        (
            "503, `Retry-After: -1`",
            json(503, "").with_header("Retry-After", "-1"),
        ),
        (
            "302 redirect",
            HttpResponse::new(302, Vec::new()).with_header("Location", "http://example.invalid/"),
        ),
        ("999, unknown status", json(999, "{}")),
    ]
}

/// `carrier`'s protocol for reading answers offline, and a request it can quote.
fn offline(carrier: &shipmux_core::CarrierDescriptor) -> (Arc<dyn CarrierProtocol>, RateRequest) {
    ((carrier.offline)(), (carrier.sample_request)())
}

/// Every built-in carrier's, as [`offline`].
fn protocols() -> Vec<(Arc<dyn CarrierProtocol>, RateRequest)> {
    builtins().iter().map(|b| offline(b.carrier)).collect()
}

#[test]
fn carrier_answers_that_make_no_sense_are_errors_naming_the_carrier() {
    for (protocol, request) in protocols() {
        let id = protocol.info().id.clone();
        let requests = protocol.build_rate(&request).expect("builds");
        for (what, response) in bad_answers() {
            let exchange = Exchange {
                round: 0,
                responses: vec![response.clone(); requests.len()],
                requests: requests.clone(),
            };
            let result = protocol.parse_rate(&request, &exchange);
            let e = match result {
                Ok(shipmux_core::Step::Done(rates)) => {
                    panic!("{id}: {what} gave rates {rates:?}")
                }
                // USPS falls back to its prices API on some answers: a fine reaction.
                Ok(shipmux_core::Step::Next(next)) => {
                    row(
                        "carrier answer",
                        &format!("{id}: {what}"),
                        &format!("asks for another round ({} requests)", next.len()),
                    );
                    continue;
                }
                Err(e) => e,
            };
            row("carrier answer", &format!("{id}: {what}"), &e.to_string());
            assert_eq!(e.carrier.as_ref(), Some(&id), "{id}: {what} → {e}");
            assert!(!e.message.trim().is_empty(), "{id}: {what}");
            let status = response.status;
            let want = match status {
                200 | 302 | 999 => vec![ErrorKind::Parse, ErrorKind::Rejected],
                429 => vec![ErrorKind::RateLimited],
                503 => vec![ErrorKind::Unavailable, ErrorKind::RateLimited],
                _ => vec![],
            };
            assert!(want.contains(&e.kind), "{id}: {what} → {e}");
            if status == 429 || status == 503 {
                assert_eq!(
                    e.retry_after_ms, None,
                    "{id}: {what}: a nonsense Retry-After is dropped"
                );
            }
        }
    }
}

/// A loopback server that answers every request with `status`, `headers` and `body`.
async fn answering(status: u16, headers: &'static str, body: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.1 {status} X\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

/// Through the real host: a carrier answering 429 with `Retry-After: 1e300` once panicked
/// the host's retry loop (fuzzing found it); now it is a `rate_limited` error, from every
/// built-in carrier (for one with OAuth, the token request is what gets the 429).
#[tokio::test]
async fn an_absurd_retry_after_through_the_host_is_a_rate_limit_not_a_panic() {
    let url = answering(
        429,
        "retry-after: 1e300\r\ncontent-type: application/json\r\n",
        "{}",
    )
    .await;
    for b in builtins() {
        let protocol = b
            .carrier
            .protocol_from_config(b.id(), &(b.sandbox.config)(&url))
            .unwrap();
        let carrier = HttpCarrier::from_arc_with_options(
            protocol,
            HttpDriver::new().unwrap(),
            HttpCarrierOptions {
                retry: RetryPolicy::default(),
                call_timeout: Duration::from_secs(5),
                ..HttpCarrierOptions::default()
            },
        );
        let e = carrier
            .quote(&(b.carrier.sample_request)())
            .await
            .unwrap_err();
        row(
            "carrier answer (host)",
            &format!("{}: 429 with `Retry-After: 1e300`", b.id()),
            &e.to_string(),
        );
        assert_eq!(e.kind, ErrorKind::RateLimited, "{}: {e}", b.id());
        assert_eq!(e.retry_after_ms, None, "{}: {e}", b.id());
    }
}

/// The `shipmux` binary cargo built for this profile, if it is there (`cargo test
/// --workspace` builds it for the host's CLI tests).
fn shipmux_binary() -> Option<PathBuf> {
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let path = workspace().join("target").join(profile).join("shipmux");
    path.is_file().then_some(path)
}

/// Runs the binary with a deadline; (exit code, stderr).
fn run(binary: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(binary)
        .args(args)
        .env_remove("UPS_CLIENT_ID")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("shipmux starts");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stderr = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return (status.code(), stderr);
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("shipmux {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn cli_flags_and_files_are_refused_in_one_line() {
    let Some(binary) = shipmux_binary() else {
        eprintln!(
            "target/<profile>/shipmux is not built: skipping the CLI door (cargo test --workspace builds it)"
        );
        return;
    };
    let dir = scratch_dir("bad-cli");
    let garbage = dir.join("garbage.json");
    std::fs::write(&garbage, "{\"origin\": ").unwrap();
    let checkout_zero = dir.join("zero.json");
    std::fs::write(
        &checkout_zero,
        CHECKOUT.replacen(
            "\"quantity\": 2, \"unit_price\"",
            "\"quantity\": 0, \"unit_price\"",
            1,
        ),
    )
    .unwrap();
    let garbage_json_ok = dir.join("checkout.json");
    std::fs::write(&garbage_json_ok, CHECKOUT).unwrap();
    let (checkout_zero, garbage_json_ok) = (
        checkout_zero.display().to_string(),
        garbage_json_ok.display().to_string(),
    );
    let bad_toml = dir.join("bad.toml");
    std::fs::write(&bad_toml, "[host\n").unwrap();
    let text = dir.join("plugin.so");
    std::fs::write(&text, "not a plugin").unwrap();
    let (garbage, bad_toml, text) = (
        garbage.display().to_string(),
        bad_toml.display().to_string(),
        text.display().to_string(),
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "quote",
                "--from",
                "US 90210",
                "--to",
                "US 10001",
                "--parcel",
                "2lb",
                "--deadline",
                "soon",
            ],
            "--deadline",
        ),
        (
            vec![
                "quote",
                "--from",
                "US 90210",
                "--to",
                "US 10001",
                "--parcel=-2lb",
            ],
            "parcel",
        ),
        (
            vec![
                "quote",
                "--from",
                "US 90210",
                "--to",
                "US 10001",
                "--parcel",
                "2lb",
                "--carriers",
                "dhl",
            ],
            "dhl",
        ),
        (
            vec!["quote", "--request", "/nonexistent/request.json"],
            "/nonexistent/request.json",
        ),
        (vec!["quote", "--request", &garbage], "garbage.json"),
        (
            vec![
                "quote", "--config", &bad_toml, "--from", "US 90210", "--to", "US 10001",
                "--parcel", "2lb",
            ],
            // The TOML error, but not the file's name (see docs/reliability.md).
            "unclosed table",
        ),
        (vec!["checkout", "--request", &garbage], "garbage.json"),
        (
            vec!["checkout", "--request", "/nonexistent/checkout.json"],
            "/nonexistent/checkout.json",
        ),
        (vec!["checkout", "--request", &checkout_zero], "quantity"),
        (
            vec![
                "checkout",
                "--request",
                &garbage_json_ok,
                "--zones",
                &garbage,
            ],
            // Says what is wrong but not which file (see docs/reliability.md).
            "unreadable BigCommerce JSON",
        ),
        (vec!["loadtest", "--concurrency", "0"], "--concurrency"),
        (vec!["loadtest", "--fail-rate", "2"], "--fail-rate"),
        (
            vec!["loadtest", "--carriers", "canadapost", "--quotes", "1"],
            "canadapost",
        ),
        (vec!["loadtest", "--faults", "gremlins"], "gremlins"),
        (
            vec!["track", "--carrier", "ups", "not a tracking number!"],
            "tracking",
        ),
        (
            vec!["decode", "ups", "rate", "/nonexistent/answer.json"],
            "/nonexistent/answer.json",
        ),
        (vec!["plugin", "check", &text], "plugin.so"),
    ];
    for (args, names) in cases {
        let (code, stderr) = run(&binary, &args);
        row(
            "CLI",
            &format!("shipmux {}", args.join(" ")),
            &format!("exit {code:?}: {}", stderr.trim()),
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            matches!(code, Some(c) if c != 0 && c != 101),
            "{args:?}: exit {code:?}: {stderr}"
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("shipmux: "), "{args:?}: {stderr}");
        assert!(
            stderr.contains(names),
            "{args:?}: `{stderr}` does not name `{names}`"
        );
    }
}
