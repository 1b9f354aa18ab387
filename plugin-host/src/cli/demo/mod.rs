//! `shipmux demo`: embedded sandboxes, a sample two-consignment checkout through a store's
//! zones and methods, a table of options — then the same again, answered by the cache.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use shipmux_core::checkout::Checkout;
use shipmux_core::{Address, WeightUnit};
use shipmux_host::{CacheOptions, HostOptions, HttpCarrierOptions, HttpDriver};

use super::args::SimulationArgs;
use super::checkout::{bigcommerce_zones, render};
use super::error::CliError;
use super::fleet::start_sandbox_fleet;
use super::output::print_text;
use super::setup::host_over;

/// The demo store's shipping setup, as BigCommerce's V2 API returns it (zones, each with its
/// methods): a US zone with a flat rate and UPS/FedEx/USPS real-time methods, a Canada zone.
pub const STORE_ZONES: &str = include_str!("store_zones.json");

/// The demo checkout: two mugs to New York, a poster to Toronto, from Beverly Hills.
pub const CHECKOUT: &str = include_str!("checkout.json");

/// Flags of `shipmux demo` (none: it needs no setup).
#[derive(Debug, Args)]
pub struct DemoArgs {}

/// Runs the demo.
pub async fn run(_args: DemoArgs) -> Result<ExitCode, CliError> {
    let checkout = Checkout::from_json(CHECKOUT)?;
    let rules = bigcommerce_zones(STORE_ZONES, WeightUnit::Lb)?;
    let driver = HttpDriver::new()?;
    let fleet = start_sandbox_fleet(&[], Vec::new(), &SimulationArgs::default(), &driver, |_| {
        HttpCarrierOptions::default()
    })
    .await?;
    let mut out = String::from("Carrier sandboxes on loopback (each speaks its carrier's API):\n");
    for c in &fleet.carriers {
        out.push_str(&format!(
            "  {:<11} {}  ({})\n",
            c.id.as_str(),
            c.base_url,
            c.origin
        ));
    }
    for note in &fleet.notes {
        out.push_str(&format!("  {note}\n"));
    }
    print_text(&out)?;
    let host = host_over(
        fleet.carriers(),
        rules,
        CacheOptions::default(),
        HostOptions {
            quote_deadline: Duration::from_secs(5),
            ..HostOptions::default()
        },
    )?;

    print_text(&format!(
        "\nCheckout from {}: 2 mugs to New York, 1 poster to Toronto\n\n",
        place(&checkout.origin)
    ))?;
    for pass in ["first quote (carriers asked)", "same checkout again"] {
        let before = host.cache().stats();
        let started = Instant::now();
        let quote = host.quote_checkout(&checkout).await?;
        let took = started.elapsed();
        let after = host.cache().stats();
        print_text(&format!("== {pass}\n\n{}", render(&quote)))?;
        print_text(&format!(
            "answered in {:.1} ms — cache: {} hits, {} misses, {} coalesced\n\n",
            took.as_secs_f64() * 1000.0,
            after.hits - before.hits,
            after.misses - before.misses,
            after.coalesced - before.coalesced,
        ))?;
    }

    // Carriers loaded from a plugin library: each quotes its own sample shipment, since one
    // may ship only from its own country (Canada Post ships from Canada only).
    for plugin in fleet.carriers.iter().filter(|c| c.origin != "built-in") {
        let Some(builtin) = shipmux_host::builtin(plugin.id.as_str()) else {
            continue;
        };
        let request = (builtin.carrier.sample_request)();
        print_text(&format!(
            "== {} plugin ({}): {} → {}\n\n",
            builtin.carrier.name,
            plugin.origin,
            place(&request.origin),
            place(&request.destination),
        ))?;
        match plugin.carrier.quote(&request).await {
            Ok(rates) => {
                let rates: Vec<_> = rates.iter().collect();
                print_text(&super::quote::render(&rates, &[], &[], false))?;
            }
            Err(e) => print_text(&format!("error: {e}\n"))?,
        }
    }
    fleet.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

fn place(a: &Address) -> String {
    [
        a.city.as_deref(),
        a.region.as_deref(),
        a.postal_code.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}
