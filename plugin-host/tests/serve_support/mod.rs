//! What the `serve` tests share: the service over every built-in carrier's simulator, served
//! over loopback, and a BigCommerce cart.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use shipmux_core::Secret;
use shipmux_host::sandbox_fleet::{FleetOptions, SandboxFleet};
use shipmux_host::serve::{AccountTemplate, Accounts, ServeOptions, Service};
use shipmux_host::{Host, HostOptions, HttpDriver, Registry, builtin};
use shipmux_sandbox::{SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SandboxOptions};
use tokio::sync::oneshot;

/// A running service over a fleet of simulators.
pub struct Served {
    pub base: String,
    pub client: reqwest::Client,
    pub fleet: SandboxFleet,
    pub host: Arc<Host>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Served {
    pub async fn start(options: ServeOptions) -> Served {
        Served::start_with(options, Duration::ZERO).await
    }

    /// With every simulator answering after `latency`.
    pub async fn start_with(options: ServeOptions, latency: Duration) -> Served {
        let driver = HttpDriver::new().unwrap();
        let fleet = SandboxFleet::start(
            FleetOptions {
                sandbox: Box::new(move |i, _| SandboxOptions {
                    credentials: Some((
                        SANDBOX_CLIENT_ID.to_string(),
                        Secret::new(SANDBOX_CLIENT_SECRET),
                    )),
                    ..SandboxOptions::default()
                        .with_seed(0x5EED + i as u64)
                        .with_latency(latency, Duration::ZERO)
                }),
                ..FleetOptions::default()
            },
            &driver,
        )
        .await
        .unwrap();
        let mut registry = Registry::new();
        let mut templates = std::collections::BTreeMap::new();
        for c in &fleet.carriers {
            registry.register(c.carrier.clone()).unwrap();
            let b = builtin(c.id.as_str()).unwrap();
            templates.insert(
                c.id.clone(),
                AccountTemplate {
                    descriptor: b.carrier,
                    config: (b.sandbox.config)(&c.base_url),
                    call: Default::default(),
                    plugin: c.plugin.clone(),
                },
            );
        }
        let rules = serde_json::from_value(json!({"zones": [{
        "id": "us", "name": "United States", "type": "country",
        "locations": [{"country": "US"}],
        "methods": [
            {"id": "flat", "name": "Flat rate", "type": "per_order", "rate": "8.00"},
            {"id": "ups", "name": "UPS", "type": "real_time", "carrier": "ups"}
        ]}]}))
        .unwrap();
        let host = Host::builder(registry)
            .rules(rules)
            .options(HostOptions {
                quote_deadline: Duration::from_secs(5),
                ..HostOptions::default()
            })
            .build();
        let host = Arc::new(host);
        let service = Service::new(
            host.clone(),
            options,
            Some(Accounts {
                driver: driver.clone(),
                templates,
                scope_key: None,
            }),
        );
        service.connect_carriers(Duration::from_secs(5)).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let router = service.router();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Served {
            base,
            client: reqwest::Client::new(),
            fleet,
            host,
            stop: Some(stop),
            task,
        }
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.get_response(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The body of `GET path` as text (the metrics).
    pub async fn get_text(&self, path: &str) -> String {
        self.get_response(path).await.text().await.unwrap()
    }

    async fn get_response(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = self.task.await;
        self.fleet.shutdown().await;
    }
}

pub fn cart(connection: Value) -> Value {
    json!({
        "base_options": {
            "origin": {"street_1": "1 Main St", "zip": "90210", "city": "Beverly Hills",
                       "state_iso2": "CA", "country_iso2": "US", "address_type": "COMMERCIAL"},
            "destination": {"zip": "10001", "city": "New York", "state_iso2": "NY",
                            "country_iso2": "US", "address_type": "residential"},
            "items": [
                {"sku": "MUG-1", "variant_id": "11", "product_id": "7", "name": "Mug",
                 "weight": {"units": "oz", "value": 16},
                 "length": {"units": "in", "value": 4}, "width": {"units": "in", "value": 4},
                 "height": {"units": "in", "value": 5},
                 "discounted_price": {"currency": "USD", "amount": 12.5},
                 "declared_value": {"currency": "USD", "amount": 12.5},
                 "quantity": 2},
                {"sku": "POSTER", "weight": {"units": "g", "value": 300}, "quantity": 1}
            ],
            "store_id": "1001",
            "customer": {"customer_id": 0, "customer_groups": [{"customer_group_id": 0}]},
            "request_context": {"reference_values": [{"name": "cart_id", "value": "abc"}]}
        },
        "zone_options": {},
        "connection_options": connection
    })
}
