//! `shipmux track`: one tracking number (the carrier detected from it when not named), or
//! every shipment of an order.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde_json::json;
use shipmux_core::orders::{Order, tracking_number};
use shipmux_core::{CarrierId, ErrorKind, Tracking, TrackingNumber};

use super::args::carrier_id;
use super::error::CliError;
use super::output::{print_json, print_text, read_json, table};
use super::setup::{Wanted, setup};

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

/// Tracks and prints: exit 0 when a tracking came back (for `--order`, when every shipment
/// was tracked), 1 otherwise.
pub async fn run(args: TrackArgs) -> Result<ExitCode, CliError> {
    if let Some(order) = &args.order {
        return track_order(order, &args).await;
    }
    let number = args.number.as_deref().unwrap_or_default();
    let (number, mut candidates) = candidates(number, args.carrier.as_ref())?;
    if args.config.is_none() {
        candidates.retain(|c| shipmux_host::builtin(c.as_str()).is_some());
    }
    let ready = setup(Wanted {
        config: args.config.as_deref(),
        // With a config, every configured carrier; the candidates are picked below.
        carriers: if args.config.is_some() {
            &[]
        } else {
            &candidates
        },
        ..Wanted::default()
    })
    .await?;
    let mut last_error = None;
    let mut tried = 0;
    for id in &candidates {
        let Some(carrier) = ready.host.registry().get(id).cloned() else {
            continue;
        };
        tried += 1;
        match carrier.track(&number).await {
            Ok(tracking) => {
                if args.json {
                    print_json(&json!({ "tracking": tracking }))?;
                } else {
                    print_text(&render(&tracking))?;
                }
                ready.shutdown().await;
                return Ok(ExitCode::SUCCESS);
            }
            // Another candidate may know it.
            Err(e) if e.kind == ErrorKind::NotFound => last_error = Some(e),
            Err(e) => {
                ready.shutdown().await;
                return Err(CliError::failed(e.to_string()));
            }
        }
    }
    ready.shutdown().await;
    Err(match last_error {
        Some(e) => CliError::failed(e.to_string()),
        None if tried == 0 => CliError::usage(format!(
            "`{number}` looks like a {} number, and no such carrier is configured",
            candidates
                .iter()
                .map(CarrierId::as_str)
                .collect::<Vec<_>>()
                .join(" or ")
        )),
        None => CliError::failed(format!("no carrier could track `{number}`")),
    })
}

/// `--order FILE`: every shipment of the order, tracked concurrently through the host.
async fn track_order(path: &Path, args: &TrackArgs) -> Result<ExitCode, CliError> {
    let order: Order = read_json(path, "order")?;
    let ready = setup(Wanted {
        config: args.config.as_deref(),
        ..Wanted::default()
    })
    .await?;
    let results = shipmux_host::orders::track_order(&order, &ready.host.registry().all()).await;
    ready.shutdown().await;
    let all_tracked = results.iter().all(|(_, r)| r.is_ok());
    if args.json {
        let shipments: Vec<_> = results
            .iter()
            .map(|(id, r)| match r {
                Ok(t) => json!({"shipment": id, "tracking": t}),
                Err(e) => json!({"shipment": id, "error": e}),
            })
            .collect();
        print_json(&json!({ "shipments": shipments }))?;
    } else {
        let rows: Vec<Vec<String>> = results
            .iter()
            .map(|(id, r)| match r {
                Ok(t) => vec![
                    id.clone(),
                    t.carrier.to_string(),
                    t.tracking_number.clone(),
                    status_name(t.status),
                    t.estimated_delivery.map_or("-".into(), |d| d.to_string()),
                ],
                Err(e) => vec![
                    id.clone(),
                    e.carrier.as_ref().map_or("-".into(), ToString::to_string),
                    "-".into(),
                    format!("error: {}", e.message),
                    "-".into(),
                ],
            })
            .collect();
        print_text(&table(
            &[
                "shipment",
                "carrier",
                "number",
                "status",
                "estimated delivery",
            ],
            &rows,
            &[],
        ))?;
    }
    Ok(if all_tracked {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn status_name(s: shipmux_core::Status) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
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
    let status = status_name;
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
