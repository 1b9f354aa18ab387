//! The carriers a command talks to when no `--config` is given: every built-in carrier and the
//! Canada Post plugin, pointed at sandboxes with sandbox credentials.

use std::sync::Arc;

use serde_json::json;
use shipmux_core::{Carrier, CarrierId, CarrierProtocol, Error, Result};
use shipmux_host::plugin::Plugin;
use shipmux_host::{HttpCarrier, HttpCarrierOptions, HttpDriver};

use super::plugin_path::find_canadapost_plugin;

/// Client id every sandbox accepts (any non-empty pair is accepted).
pub const SANDBOX_CLIENT_ID: &str = "shipmux-sandbox";
/// Client secret sent to sandboxes. Not a secret: sandboxes accept any non-empty one.
pub const SANDBOX_CLIENT_SECRET: &str = "sandbox-secret";

/// One carrier in the fleet and where it is served.
pub struct FleetCarrier {
    /// Its id.
    pub id: CarrierId,
    /// Where its API is.
    pub base_url: String,
    /// The carrier, driven over HTTP.
    pub carrier: Arc<dyn Carrier>,
    /// Where it came from: `built-in` or the plugin file.
    pub origin: String,
}

/// The protocol of `carrier` pointed at `base_url` with sandbox credentials. Canada Post is
/// loaded from its plugin library; `Ok(None)` when that library is not found.
pub fn sandbox_protocol(
    carrier: &CarrierId,
    base_url: &str,
) -> Result<Option<(Arc<dyn CarrierProtocol>, String)>> {
    let builtin = |p: Arc<dyn CarrierProtocol>| Ok(Some((p, "built-in".to_string())));
    match carrier.as_str() {
        "ups" => builtin(Arc::new(
            shipmux_ups::Ups::builder()
                .client_id(SANDBOX_CLIENT_ID)
                .client_secret(SANDBOX_CLIENT_SECRET)
                .account_number("A1B2C3")
                .base_url(base_url)
                .build()?,
        )),
        "fedex" => builtin(Arc::new(
            shipmux_fedex::Fedex::builder()
                .client_id(SANDBOX_CLIENT_ID)
                .client_secret(SANDBOX_CLIENT_SECRET)
                .account_number("510087020")
                .base_url(base_url)
                .build()?,
        )),
        "usps" => builtin(Arc::new(
            shipmux_usps::Usps::builder()
                .client_id(SANDBOX_CLIENT_ID)
                .client_secret(SANDBOX_CLIENT_SECRET)
                .base_url(base_url)
                .build()?,
        )),
        "canadapost" => {
            let Some(path) = find_canadapost_plugin() else {
                return Ok(None);
            };
            let plugin = Plugin::load(&path)?;
            let protocol = plugin.instantiate(&json!({
                "username": SANDBOX_CLIENT_ID,
                "password": SANDBOX_CLIENT_SECRET,
                "customer_number": "2004381",
                "base_url": base_url,
            }))?;
            Ok(Some((Arc::new(protocol), path.display().to_string())))
        }
        other => Err(Error::config(format!("`{other}` has no sandbox"))),
    }
}

/// `carrier` as an [`HttpCarrier`] on `driver`, pointed at its sandbox; `None` when it is the
/// Canada Post plugin and no plugin library was found.
pub fn sandbox_carrier(
    carrier: &CarrierId,
    base_url: &str,
    driver: &HttpDriver,
    options: HttpCarrierOptions,
) -> Result<Option<FleetCarrier>> {
    let Some((protocol, origin)) = sandbox_protocol(carrier, base_url)? else {
        return Ok(None);
    };
    let http = HttpCarrier::from_arc_with_options(protocol, driver.clone(), options);
    Ok(Some(FleetCarrier {
        id: carrier.clone(),
        base_url: base_url.to_string(),
        carrier: Arc::new(http),
        origin,
    }))
}

/// The note printed when the Canada Post plugin is missing.
pub fn missing_plugin_note() -> String {
    format!(
        "note: Canada Post plugin not found (looked for {} next to the binary and in target/); \
         build it with `cargo build --release -p shipmux-canadapost`",
        shipmux_host::plugin::dylib_file_name(super::plugin_path::CANADAPOST_PLUGIN)
    )
}

/// Sandboxes running in this process and the carriers pointed at them.
pub struct SandboxFleet {
    /// The simulators (stopped when dropped).
    pub sandboxes: Vec<super::sandboxes::RunningSandbox>,
    /// The carriers, in the order asked for.
    pub carriers: Vec<FleetCarrier>,
    /// What was left out and why (printed on stderr by the commands).
    pub notes: Vec<String>,
}

impl SandboxFleet {
    /// The carriers as the host's `Arc<dyn Carrier>`s.
    pub fn carriers(&self) -> Vec<Arc<dyn Carrier>> {
        self.carriers.iter().map(|c| c.carrier.clone()).collect()
    }

    /// Stops the sandboxes and waits until they have stopped.
    pub async fn shutdown(self) {
        for s in self.sandboxes {
            s.sandbox.shutdown().await;
        }
    }
}

/// Starts a sandbox for each of `wanted` (all four sandboxed carriers when empty) and builds
/// its carrier on `driver` with `options(carrier)`. Canada Post is left out, with a note,
/// when its plugin library is not found.
pub async fn start_sandbox_fleet(
    wanted: &[CarrierId],
    sim: &super::args::SimulationArgs,
    driver: &HttpDriver,
    options: impl Fn(&CarrierId) -> HttpCarrierOptions,
) -> std::result::Result<SandboxFleet, super::error::CliError> {
    let mut ids: Vec<CarrierId> = if wanted.is_empty() {
        super::args::SANDBOX_CARRIERS
            .iter()
            .map(|c| CarrierId::from_static(c))
            .collect()
    } else {
        wanted.to_vec()
    };
    let mut notes = Vec::new();
    for id in &ids {
        if !super::args::SANDBOX_CARRIERS.contains(&id.as_str()) {
            return Err(super::error::CliError::usage(format!(
                "`{id}` has no sandbox; pass --config to quote it"
            )));
        }
    }
    if ids.iter().any(|c| c.as_str() == "canadapost") && find_canadapost_plugin().is_none() {
        ids.retain(|c| c.as_str() != "canadapost");
        notes.push(missing_plugin_note());
    }
    let sandboxes = super::sandboxes::start_all(&ids, sim, None).await?;
    let mut carriers = Vec::with_capacity(sandboxes.len());
    for running in &sandboxes {
        let base_url = running.sandbox.base_url();
        if let Some(c) = sandbox_carrier(
            &running.carrier,
            &base_url,
            driver,
            options(&running.carrier),
        )? {
            carriers.push(c);
        }
    }
    Ok(SandboxFleet {
        sandboxes,
        carriers,
        notes,
    })
}
