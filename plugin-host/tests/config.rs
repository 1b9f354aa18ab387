//! The TOML config: sections, env credentials, defaults, secrets kept out of Debug, and a
//! host built from it.

use std::collections::HashMap;
use std::time::Duration;

use shipmux_core::ErrorKind;
use shipmux_host::builtin::default_rate_limit;
use shipmux_host::{
    Config, HttpDriver, RateLimit, Stragglers, host_from_config, registry_from_config,
};

const CONFIG: &str = r#"
[host]
quote_deadline_ms = 1500
stragglers = "finish"

[cache]
capacity = 500
ttl_secs = 120
serve_stale_on_error = true
ttl_per_carrier = { usps = 30 }

[carriers.ups]
client_id_env = "TEST_UPS_ID"
client_secret_env = "TEST_UPS_SECRET"
account_number = "A1B2C3"
base_url = "http://127.0.0.1:9/"
rate_limit = "10/s burst 20"
timeout_ms = 4000

[carriers.fedex]
client_id_env = "TEST_FEDEX_ID"
client_secret_env = "TEST_FEDEX_SECRET"
account_number = "740561073"
base_url = "http://127.0.0.1:9"

[carriers.usps]
enabled = false
client_id = "x"

[rules]
file = "rules.json"
"#;

fn env() -> HashMap<&'static str, &'static str> {
    HashMap::from([
        ("TEST_UPS_ID", "ups-client"),
        ("TEST_UPS_SECRET", "ups-Sup3rS3cret"),
        ("TEST_FEDEX_ID", "fedex-client"),
        ("TEST_FEDEX_SECRET", "fedex-Sup3rS3cret"),
    ])
}

fn lookup(name: &str) -> Option<String> {
    env().get(name).map(|v| v.to_string())
}

#[test]
fn sections_parse_with_defaults() {
    let config = Config::from_toml(CONFIG, "/nowhere").unwrap();
    let host = config.host_options();
    assert_eq!(host.quote_deadline, Duration::from_millis(1500));
    assert_eq!(host.stragglers, Stragglers::Finish);
    let cache = config.cache_options().unwrap();
    assert_eq!((cache.capacity, cache.ttl), (500, Duration::from_secs(120)));
    assert!(cache.serve_stale_on_error);
    let ups = &config.carriers["ups"];
    assert_eq!(
        ups.call.rate_limit,
        Some(RateLimit::per_second(10).burst(20))
    );
    assert_eq!(ups.call.timeout_ms, Some(4000));
    assert!(!ups.settings.contains_key("rate_limit"));
    assert!(!config.carriers["usps"].enabled);
    assert_eq!(
        default_rate_limit("fedex"),
        Some(RateLimit::new(1400, Duration::from_secs(10)))
    );
    let empty = Config::from_toml("", ".").unwrap();
    assert_eq!(empty.host_options().quote_deadline, Duration::from_secs(5));
}

#[test]
fn carriers_are_built_from_config_with_env_credentials() {
    let config = Config::from_toml(CONFIG, "/nowhere").unwrap();
    let registry = registry_from_config(&config, &HttpDriver::new().unwrap(), &lookup).unwrap();
    let ids: Vec<_> = registry.ids().iter().map(|i| i.to_string()).collect();
    assert_eq!(ids, ["fedex", "ups"], "usps is disabled");
}

#[test]
fn a_missing_env_var_is_named_without_values() {
    let config = Config::from_toml(CONFIG, "/nowhere").unwrap();
    let err = registry_from_config(&config, &HttpDriver::new().unwrap(), &|_| None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);
    assert!(
        err.message.contains("TEST_FEDEX_ID") || err.message.contains("TEST_UPS_ID"),
        "{err}"
    );
}

#[test]
fn secrets_never_show_in_debug_of_config_or_registry() {
    let mut text = CONFIG.to_string();
    text.push_str("\n[carriers.extra]\nenabled = false\nkind = \"ups\"\nclient_id = \"c\"\nclient_secret = \"literal-Sup3rS3cret\"\nbase_url = \"http://127.0.0.1:9\"\n");
    let config = Config::from_toml(&text, "/nowhere").unwrap();
    let debug = format!("{config:?}");
    assert!(!debug.contains("Sup3rS3cret"), "{debug}");
    assert!(debug.contains("TEST_UPS_SECRET"), "variable names may show");
    let registry = registry_from_config(&config, &HttpDriver::new().unwrap(), &lookup).unwrap();
    let debug = format!("{registry:?} {:?}", registry.list());
    assert!(!debug.contains("Sup3rS3cret"), "{debug}");
}

#[test]
fn unknown_kinds_and_fields_are_config_errors() {
    let err = Config::from_toml("[carriers.dhl]\nkind = \"dhl\"\n", ".").unwrap();
    let err = registry_from_config(&err, &HttpDriver::new().unwrap(), &lookup).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);
    assert!(err.message.contains("unknown carrier kind `dhl`"), "{err}");
    let err = Config::from_toml("[host]\nquote_deadline = 3\n", ".").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);
    let err = Config::from_toml("[carriers.ups]\nrate_limit = \"lots\"\n", ".").unwrap_err();
    assert!(err.message.contains("rate limit"), "{err}");
}

#[tokio::test]
async fn a_host_is_built_with_rules_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.json"),
        r#"{"zones": [{"id": "us", "name": "US", "type": "country",
            "locations": [{"country": "US"}],
            "methods": [{"id": "flat", "name": "Flat", "type": "per_order", "rate": "7.00"}]}]}"#,
    )
    .unwrap();
    let path = dir.path().join("shipmux.toml");
    std::fs::write(&path, CONFIG).unwrap();
    let config = Config::load(&path).unwrap();
    let host = host_from_config(&config, &HttpDriver::new().unwrap(), &lookup).unwrap();
    assert_eq!(host.rules().zones().len(), 1);
    assert_eq!(host.registry().len(), 2);
    assert_eq!(host.cache().options().capacity, 500);
}

#[test]
fn a_bad_config_file_is_named_in_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shipmux.toml");
    std::fs::write(&path, "[host\nquote_deadline_ms = 5").unwrap();
    let e = shipmux_host::Config::load(&path).unwrap_err();
    assert_eq!(e.kind, shipmux_core::ErrorKind::Config, "{e}");
    assert!(e.message.contains("shipmux.toml"), "{e}");
    assert!(!e.to_string().contains("config: config:"), "{e}");
}

#[test]
fn a_carrier_account_may_ship_from_its_own_warehouse() {
    let mut text = CONFIG.to_string();
    text = text.replace(
        "timeout_ms = 4000\n",
        "timeout_ms = 4000\nship_from = { country = \"CA\", postal_code = \"K1G 3H7\", city = \"Ottawa\" }\n",
    );
    let config = Config::from_toml(&text, "/nowhere").unwrap();
    let ups = &config.carriers["ups"];
    let origin = ups.call.ship_from.as_ref().expect("ship_from is read");
    assert_eq!(
        (origin.country.as_str(), origin.postal_code.as_deref()),
        ("CA", Some("K1G 3H7"))
    );
    assert!(
        !ups.settings.contains_key("ship_from"),
        "not passed on to the carrier's own config"
    );
    registry_from_config(&config, &HttpDriver::new().unwrap(), &lookup).unwrap();

    let bad = text.replace("K1G 3H7", "90210");
    let config = Config::from_toml(&bad, "/nowhere").unwrap();
    let err = registry_from_config(&config, &HttpDriver::new().unwrap(), &lookup).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);
    assert!(
        err.message
            .contains("carriers.ups.ship_from.postal_code: `90210` is not a valid CA postal code"),
        "{err}"
    );
}
