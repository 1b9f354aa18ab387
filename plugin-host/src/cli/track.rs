//! `shipmux track`: one tracking number (the carrier detected from it when not named), or
//! every shipment of an order.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;
use shipmux_core::orders::tracking_number;
use shipmux_core::{CarrierId, ErrorKind, Tracking, TrackingNumber};
use shipmux_host::{HttpCarrierOptions, HttpDriver};

use super::args::{SimulationArgs, carrier_id};
use super::error::CliError;
use super::fleet::start_sandbox_fleet;
use super::output::{print_json, print_text, table};

/// Flags of `shipmux track`.
#[derive(Debug, Args)]
#[command(
    after_help = "Without --carrier the carrier is detected from the number (UPS 1Z with \
check digit, FedEx 12/15/20/22/34 digits, USPS 20-22 digits / IMpb, S10 international, Canada \
Post PINs); when several carriers fit, each is tried in order. --json prints {\"tracking\": \
Tracking}."
)]
pub struct TrackArgs {
    /// The tracking number.
    #[arg(required_unless_present = "order")]
    pub number: Option<String>,
    /// The carrier (default: detected from the number).
    #[arg(long, value_parser = carrier_id)]
    pub carrier: Option<CarrierId>,
    /// An order with shipments (JSON): prints the status of every shipment.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["number", "carrier"])]
    pub order: Option<PathBuf>,
    /// Host configuration (TOML); default: embedded sandboxes.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Tracks and prints.
pub async fn run(args: TrackArgs) -> Result<ExitCode, CliError> {
    if args.config.is_some() {
        return Err(CliError::usage("track --config: not built yet"));
    }
    if args.order.is_some() {
        return Err(CliError::usage("track --order: not built yet"));
    }
    let number = args.number.as_deref().unwrap_or_default();
    let (number, candidates) = candidates(number, args.carrier.as_ref())?;
    let driver = HttpDriver::new()?;
    let fleet = start_sandbox_fleet(&candidates, &SimulationArgs::default(), &driver, |_| {
        HttpCarrierOptions::default()
    })
    .await?;
    for note in &fleet.notes {
        eprintln!("{note}");
    }
    let mut last_error = None;
    for carrier in &fleet.carriers {
        match carrier.carrier.track(&number).await {
            Ok(tracking) => {
                if args.json {
                    print_json(&json!({ "tracking": tracking }))?;
                } else {
                    print_text(&render(&tracking))?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            // Another candidate may know it.
            Err(e) if e.kind == ErrorKind::NotFound => last_error = Some(e),
            Err(e) => return Err(e.into()),
        }
    }
    Err(match last_error {
        Some(e) => CliError::failed(e.to_string()),
        None => CliError::failed(format!("no carrier could track `{number}`")),
    })
}

/// The number, normalized, and the carriers to try in order.
fn candidates(
    number: &str,
    carrier: Option<&CarrierId>,
) -> Result<(TrackingNumber, Vec<CarrierId>), CliError> {
    let normalized = TrackingNumber::new(number)?;
    if let Some(carrier) = carrier {
        return Ok((normalized, vec![carrier.clone()]));
    }
    let detected = tracking_number::detect(normalized.as_str());
    if detected.is_empty() {
        // detect_one says why, in words.
        return Err(match tracking_number::detect_one(normalized.as_str()) {
            Err(e) => CliError::usage(e.message),
            Ok(_) => CliError::usage(format!("cannot tell the carrier of `{normalized}`")),
        });
    }
    Ok((normalized, detected))
}

/// A tracking as text: a summary, then the events.
pub fn render(t: &Tracking) -> String {
    let status = |s: shipmux_core::Status| {
        serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let mut out = format!(
        "{} {}: {}\n",
        t.carrier,
        t.tracking_number,
        status(t.status)
    );
    if let Some(d) = &t.estimated_delivery {
        out.push_str(&format!("estimated delivery: {d}\n"));
    }
    if let Some(d) = &t.delivered_at {
        out.push_str(&format!("delivered at: {d}\n"));
    }
    if let Some(s) = &t.signed_by {
        out.push_str(&format!("signed by: {s}\n"));
    }
    if !t.events.is_empty() {
        out.push('\n');
        let rows: Vec<Vec<String>> = t
            .events
            .iter()
            .map(|e| {
                let place = [&e.location.city, &e.location.region, &e.location.country]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                vec![
                    e.time.clone().unwrap_or_default(),
                    status(e.status),
                    place,
                    e.description.clone().unwrap_or_default(),
                ]
            })
            .collect();
        out.push_str(&table(&["time", "status", "where", "what"], &rows, &[]));
    }
    out
}
