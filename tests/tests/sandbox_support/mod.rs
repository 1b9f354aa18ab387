//! The end-to-end tests' one sandbox harness, over `shipmux_host::builtins()`: a built-in
//! carrier's simulator and the carrier pointed at it, alone ([`CarrierSandbox`]) or every
//! built-in at once ([`Fleet`]), without naming a carrier.
//!
//! A carrier whose descriptor names a `plugin_library` (Canada Post) is loaded from that
//! plugin, built from this workspace's sources by [`plugin_support`] — not whatever `.so`
//! happens to lie in `target/` (the host's `prefer_plugins` looks there and falls back to the
//! built-in protocol when it finds none).

#![allow(dead_code)]

#[path = "../plugin_support/mod.rs"]
pub mod plugin_support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use shipmux_core::descriptor::AuthStyle;
use shipmux_core::{Carrier, CarrierId, CarrierProtocol, Error, ErrorKind, RateRequest};
use shipmux_host::layers::{Layer, ShipFromLayer};
use shipmux_host::plugin::Plugin;
use shipmux_host::sandbox_fleet::{RunningSandbox, start_sandboxes};
use shipmux_host::{
    Builtin, DriverOptions, HttpCarrier, HttpCarrierOptions, HttpDriver, RetryPolicy, builtin,
    builtins,
};
use shipmux_sandbox::{Fault, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, Sandbox, SandboxOptions};

/// The secret [`CarrierSandbox::wrong_secret_config`] puts in place of the right one.
pub const WRONG_SECRET: &str = "not-the-secret";

/// Builds the plugin library of every built-in that ships as one (cargo runs once per test
/// binary), off the async runtime's threads.
pub async fn build_plugins() {
    tokio::task::spawn_blocking(|| {
        for b in builtins() {
            if let Some(stem) = b.carrier.plugin_library {
                plugin_support::plugin_library(stem);
            }
        }
    })
    .await
    .expect("the plugins build");
}

/// `builtin`'s protocol configured by `config` (its `[carriers.<id>]` section as JSON), and
/// where it came from: the plugin file for a carrier that ships as a plugin, else `built-in`.
pub fn protocol(builtin: &Builtin, config: &Value) -> (Arc<dyn CarrierProtocol>, String) {
    let id = builtin.id();
    match builtin.carrier.plugin_library {
        Some(stem) => {
            let path = plugin_support::plugin_library(stem);
            let plugin = Plugin::load(&path)
                .unwrap_or_else(|e| panic!("the {id} plugin {} loads: {e}", path.display()));
            assert!(
                plugin.uses_frames(),
                "a current plugin is called with frames"
            );
            let protocol = plugin
                .instantiate(config)
                .unwrap_or_else(|e| panic!("the {id} plugin instantiates: {e}"));
            (Arc::new(protocol), path.display().to_string())
        }
        None => (
            builtin
                .carrier
                .protocol_from_config(&format!("sandbox {id}"), config)
                .unwrap_or_else(|e| panic!("{e}")),
            "built-in".to_string(),
        ),
    }
}

/// `carrier` as it must be set up to quote `request`: unchanged when its reach covers the
/// route, else shipping from a warehouse of its own — the origin of its descriptor's
/// `sample_request` — as a merchant sets `ship_from` for, say, a Canada Post account beside
/// carriers shipping from the US.
pub fn serving(
    builtin: &Builtin,
    carrier: Arc<dyn Carrier>,
    request: &RateRequest,
) -> Arc<dyn Carrier> {
    if builtin.carrier.reach.refusal(request).is_none() {
        return carrier;
    }
    let warehouse = (builtin.carrier.sample_request)().origin;
    ShipFromLayer::new(warehouse)
        .unwrap_or_else(|e| panic!("{}'s sample origin is a warehouse: {e}", builtin.id()))
        .layer(carrier)
}

/// Call options with no retries and no breaker, a 500 ms attempt and a 5 s call, so each
/// fault shows quickly as exactly the error the protocol made of it.
pub fn without_retries() -> HttpCarrierOptions {
    HttpCarrierOptions {
        retry: RetryPolicy::none(),
        breaker: None,
        attempt_timeout: Duration::from_millis(500),
        call_timeout: Duration::from_secs(5),
        ..HttpCarrierOptions::default()
    }
}

/// Requests to `sandbox` whose route contains `builtin`'s rate endpoint fragment.
fn rate_calls(builtin: &Builtin, sandbox: &Sandbox) -> u64 {
    builtin.sandbox.rate_calls(&sandbox.stats())
}

/// The path prefix of the route `builtin`'s rate calls went to, for `Sandbox::inject_at`:
/// the route pattern counted under the descriptor's `rate_endpoint` (a fragment, not a
/// prefix: UPS's `/rating/` is in `/api/rating/{version}/{requestoption}`), cut at its first
/// `{` parameter. Needs at least one rate call first.
fn rate_route(builtin: &Builtin, sandbox: &Sandbox) -> String {
    let stats = sandbox.stats();
    let routes: Vec<&str> = stats
        .endpoints
        .iter()
        .filter(|(route, e)| route.contains(builtin.sandbox.rate_endpoint) && e.requests > 0)
        .map(|(route, _)| route.as_str())
        .collect();
    let [route] = routes[..] else {
        panic!(
            "{}: want one rate route called, got {routes:?}",
            builtin.id()
        );
    };
    let path = route.split_once(' ').map_or(route, |(_method, path)| path);
    path.split('{').next().unwrap_or(path).to_string()
}

/// Sandbox options for one carrier's end-to-end tests: only the sandbox credentials are
/// accepted, an oversized body is 4 MiB and a slow drip sends every 50 ms.
pub fn e2e_options() -> SandboxOptions {
    SandboxOptions::default()
        .expect_credentials(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET)
        .with_oversized_bytes(4 * 1024 * 1024)
        .with_drip_interval(Duration::from_millis(50))
}

/// What each injected fault becomes, without retries, at a carrier that reads a failed
/// answer by its HTTP status (UPS, FedEx; Canada Post reads its message codes instead).
pub fn fault_kinds_by_status() -> Vec<(Fault, ErrorKind)> {
    vec![
        (Fault::Status500, ErrorKind::Unavailable),
        (
            Fault::Status503 {
                retry_after_secs: Some(2),
            },
            ErrorKind::Unavailable,
        ),
        (
            Fault::Status429 {
                retry_after_secs: Some(1),
            },
            ErrorKind::RateLimited,
        ),
        (Fault::MalformedBody, ErrorKind::Parse),
        (Fault::WrongContentType, ErrorKind::Parse),
        (Fault::TruncatedBody, ErrorKind::Unavailable),
        (Fault::ConnectionReset, ErrorKind::Unavailable),
        (Fault::OversizedBody, ErrorKind::Parse),
        (Fault::Hang, ErrorKind::Timeout),
        (Fault::SlowDrip, ErrorKind::Timeout),
    ]
}

/// One built-in carrier's simulator, and carriers pointed at it.
pub struct CarrierSandbox {
    pub builtin: &'static Builtin,
    pub sandbox: Sandbox,
}

impl CarrierSandbox {
    /// `id`'s simulator with [`e2e_options`].
    pub async fn start(id: &str) -> CarrierSandbox {
        CarrierSandbox::start_with(id, e2e_options()).await
    }

    /// `id`'s simulator with `options`.
    pub async fn start_with(id: &str, options: SandboxOptions) -> CarrierSandbox {
        let builtin = builtin(id).unwrap_or_else(|| panic!("`{id}` is not built in"));
        build_plugins().await;
        let sandbox = (builtin.sandbox.start)(options)
            .await
            .unwrap_or_else(|e| panic!("the {id} sandbox starts: {e}"));
        CarrierSandbox { builtin, sandbox }
    }

    /// A simulator of `id` started the carrier's own way (with settings only it has).
    pub fn on(id: &str, sandbox: Sandbox) -> CarrierSandbox {
        let builtin = builtin(id).unwrap_or_else(|| panic!("`{id}` is not built in"));
        CarrierSandbox { builtin, sandbox }
    }

    /// Stops the simulator and waits until it has stopped.
    pub async fn shutdown(self) {
        self.sandbox.shutdown().await;
    }

    /// The carrier's id.
    pub fn id(&self) -> &'static str {
        self.builtin.id()
    }

    /// The carrier's id as a [`CarrierId`].
    pub fn carrier_id(&self) -> CarrierId {
        self.builtin.carrier.carrier_id()
    }

    /// Whether the carrier fetches OAuth tokens.
    pub fn uses_tokens(&self) -> bool {
        self.builtin.carrier.auth == AuthStyle::OAuth2
    }

    /// A request the carrier can quote: its descriptor's sample.
    pub fn sample_request(&self) -> RateRequest {
        (self.builtin.carrier.sample_request)()
    }

    /// The config of an account on this simulator, with credentials it accepts.
    pub fn config(&self) -> Value {
        (self.builtin.sandbox.config)(&self.sandbox.base_url())
    }

    /// [`config`](Self::config) with the keys of `changes` set (`null` removes a key).
    pub fn config_with(&self, changes: Value) -> Value {
        let mut config = self.config();
        let (Some(fields), Value::Object(changes)) = (config.as_object_mut(), changes) else {
            panic!("a config and its changes are JSON objects");
        };
        for (key, value) in changes {
            if value.is_null() {
                fields.remove(&key);
            } else {
                fields.insert(key, value);
            }
        }
        config
    }

    /// [`config`](Self::config) with [`WRONG_SECRET`] wherever the sandbox secret was.
    pub fn wrong_secret_config(&self) -> Value {
        let mut config = self.config();
        let fields = config.as_object_mut().expect("a config is a JSON object");
        let mut replaced = 0;
        for value in fields.values_mut() {
            if value == SANDBOX_CLIENT_SECRET {
                *value = WRONG_SECRET.into();
                replaced += 1;
            }
        }
        assert_eq!(replaced, 1, "{}: one secret in {config:?}", self.id());
        config
    }

    /// The carrier's protocol on this simulator, configured by `config`.
    pub fn protocol_from(&self, config: &Value) -> Arc<dyn CarrierProtocol> {
        protocol(self.builtin, config).0
    }

    /// The carrier, driven with the host's default options.
    pub fn carrier(&self) -> HttpCarrier<dyn CarrierProtocol> {
        self.carrier_from(&self.config(), HttpCarrierOptions::default())
    }

    /// The carrier configured by `config`, driven with `options` (the driver caps bodies at
    /// 1 MiB).
    pub fn carrier_from(
        &self,
        config: &Value,
        options: HttpCarrierOptions,
    ) -> HttpCarrier<dyn CarrierProtocol> {
        let driver = HttpDriver::with_options(DriverOptions {
            max_body_bytes: 1024 * 1024,
            ..DriverOptions::default()
        })
        .expect("driver");
        HttpCarrier::from_arc_with_options(self.protocol_from(config), driver, options)
    }

    /// The carrier with [`without_retries`].
    pub fn carrier_without_retries(&self) -> HttpCarrier<dyn CarrierProtocol> {
        self.carrier_from(&self.config(), without_retries())
    }

    /// Rate calls the simulator has received.
    pub fn rate_calls(&self) -> u64 {
        rate_calls(self.builtin, &self.sandbox)
    }

    /// Where the rate calls went, for `inject_at` (after at least one).
    pub fn rate_route(&self) -> String {
        rate_route(self.builtin, &self.sandbox)
    }

    /// The error of a carrier whose secret is wrong, on `connect` (OAuth: the token request)
    /// or else its first quote: `unauthenticated`, naming the carrier, the secret nowhere in
    /// it.
    pub async fn wrong_credentials_error(&self) -> Error {
        let carrier = self.carrier_from(&self.wrong_secret_config(), without_retries());
        let e = match carrier.connect().await {
            Err(e) => e,
            Ok(()) => carrier
                .quote(&self.sample_request())
                .await
                .expect_err("a wrong secret is refused"),
        };
        assert_eq!(e.kind, ErrorKind::Unauthenticated, "{}: {e}", self.id());
        assert_eq!(e.carrier, Some(self.carrier_id()), "{e}");
        assert!(!format!("{e:?}").contains(WRONG_SECRET), "{e:?}");
        e
    }

    /// Injects each fault of `cases` once at `path` and quotes `request` with `carrier`
    /// (without retries): the error has the fault's kind and names the carrier, `check` sees
    /// it for what only this carrier says (its codes), and the next quote, the fault spent,
    /// succeeds.
    pub async fn assert_faults_map_to_kinds(
        &self,
        carrier: &dyn Carrier,
        path: &str,
        request: &RateRequest,
        cases: Vec<(Fault, ErrorKind)>,
        check: impl Fn(&Fault, &Error),
    ) {
        let faults_before = self.sandbox.stats().faults;
        let n = cases.len() as u64;
        for (fault, kind) in cases {
            self.sandbox.inject_at(path, fault.clone(), 1);
            let e = carrier.quote(request).await.unwrap_err();
            assert_eq!(e.kind, kind, "{fault:?} → {e}");
            assert_eq!(e.carrier, Some(self.carrier_id()), "{fault:?} → {e}");
            check(&fault, &e);
            // The carrier recovers as soon as the fault is spent.
            assert!(carrier.quote(request).await.is_ok(), "after {fault:?}");
        }
        assert_eq!(self.sandbox.stats().faults - faults_before, n);
    }
}

/// One carrier of a [`Fleet`].
pub struct Member {
    /// Its simulator (and descriptor).
    pub running: RunningSandbox,
    /// The carrier, driven over HTTP.
    pub carrier: Arc<dyn Carrier>,
    /// Where its protocol came from: `built-in` or the plugin file.
    pub origin: String,
}

impl Member {
    /// The carrier.
    pub fn builtin(&self) -> &'static Builtin {
        self.running.builtin
    }

    /// Its id.
    pub fn id(&self) -> &'static str {
        self.running.builtin.id()
    }

    /// Its simulator.
    pub fn sandbox(&self) -> &Sandbox {
        &self.running.sandbox
    }

    /// Whether it fetches OAuth tokens.
    pub fn uses_tokens(&self) -> bool {
        self.builtin().carrier.auth == AuthStyle::OAuth2
    }

    /// Requests its rate endpoint has received (faults included).
    pub fn rate_calls(&self) -> u64 {
        self.running.rate_calls()
    }

    /// Requests its token endpoint has received (refused ones included).
    pub fn token_calls(&self) -> u64 {
        self.sandbox().stats().requests_matching("token")
    }

    /// Every request its simulator has received.
    pub fn all_calls(&self) -> u64 {
        self.sandbox().stats().total
    }

    /// Where its rate calls went, for `inject_at` (after at least one).
    pub fn rate_route(&self) -> String {
        rate_route(self.builtin(), self.sandbox())
    }
}

/// Every built-in carrier, each on its own simulator.
pub struct Fleet {
    pub members: Vec<Member>,
}

impl Fleet {
    /// Starts every built-in's simulator with the options `sandbox` gives it, and makes its
    /// carrier with `carrier` from the protocol aimed at it (the plugin for a carrier that
    /// ships as one).
    pub async fn start(
        sandbox: impl Fn(&'static Builtin) -> SandboxOptions,
        carrier: impl Fn(&'static Builtin, Arc<dyn CarrierProtocol>) -> Arc<dyn Carrier>,
    ) -> Fleet {
        build_plugins().await;
        let options = |_: usize, id: &CarrierId| {
            sandbox(builtin(id.as_str()).expect("the fleet starts built-ins only"))
        };
        let running = start_sandboxes(&[], &options)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let members = running
            .into_iter()
            .map(|running| {
                let config = (running.builtin.sandbox.config)(&running.sandbox.base_url());
                let (protocol, origin) = protocol(running.builtin, &config);
                Member {
                    carrier: carrier(running.builtin, protocol),
                    running,
                    origin,
                }
            })
            .collect();
        Fleet { members }
    }

    /// The member with id `id`.
    pub fn member(&self, id: &str) -> &Member {
        self.members
            .iter()
            .find(|m| m.id() == id)
            .unwrap_or_else(|| panic!("`{id}` is not in the fleet"))
    }

    /// The carriers, for a fan-out or a registry.
    pub fn carriers(&self) -> Vec<Arc<dyn Carrier>> {
        self.members.iter().map(|m| m.carrier.clone()).collect()
    }

    /// Stops every simulator.
    pub async fn shutdown(self) {
        for m in self.members {
            m.running.sandbox.shutdown().await;
        }
    }
}
