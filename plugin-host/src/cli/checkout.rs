//! `shipmux checkout`: a checkout's consignments → shipping options through zones and methods.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use shipmux_core::WeightUnit;
use shipmux_core::checkout::{Checkout, CheckoutQuote};
use shipmux_core::rules::{BigCommerceImport, ZoneMatcher};

use super::args::weight_unit;
use super::error::CliError;
use super::output::{print_json, print_text, read_text, table};
use super::setup::{PluginArgs, Wanted, setup};

/// Flags of `shipmux checkout`.
#[derive(Debug, Args)]
#[command(
    after_help = "--zones takes a store's shipping setup exactly as BigCommerce's V2 API \
returns it: a JSON array of zone objects, each with an extra \"methods\" array of that zone's \
method objects. It replaces any zones from the config."
)]
pub struct CheckoutArgs {
    /// Host configuration (TOML); default: embedded sandboxes.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub plugin: PluginArgs,
    /// BigCommerce V2 zones, each with its "methods".
    #[arg(long, value_name = "FILE")]
    pub zones: Option<PathBuf>,
    /// The store's weight unit: the unit of weight-range limits in --zones.
    #[arg(long = "weight-unit", value_name = "lb|oz|kg|g", value_parser = weight_unit,
          default_value = "lb")]
    pub weight_unit: WeightUnit,
    /// The Checkout as JSON.
    #[arg(long, value_name = "FILE")]
    pub request: PathBuf,
    /// Print the CheckoutQuote as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Quotes the checkout and prints the options. Without `--config` or `--zones`, the demo
/// store's zones are used (see `shipmux demo`). Exit 0 when every consignment got at least
/// one option, 1 otherwise.
pub async fn run(args: CheckoutArgs) -> Result<ExitCode, CliError> {
    let checkout = Checkout::from_json(&read_text(&args.request)?)
        .map_err(|e| CliError::usage(format!("{}: {}", args.request.display(), e.message)))?;
    let rules = match (&args.zones, &args.config) {
        (Some(path), _) => Some(bigcommerce_zones(&read_text(path)?, args.weight_unit)?),
        (None, Some(_)) => None,
        (None, None) => Some(bigcommerce_zones(super::demo::STORE_ZONES, WeightUnit::Lb)?),
    };
    let ready = setup(Wanted {
        config: args.config.as_deref(),
        plugins: &args.plugin.plugins,
        rules,
        ..Wanted::default()
    })
    .await?;
    let quote = ready.host.quote_checkout(&checkout).await?;
    if args.json {
        print_json(&quote)?;
    } else {
        print_text(&render(&quote))?;
    }
    let all_served = quote.consignments.iter().all(|c| !c.options.is_empty());
    ready.shutdown().await;
    Ok(if all_served {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A store's BigCommerce V2 zones (each with its `methods`) as shipping rules.
pub fn bigcommerce_zones(json: &str, unit: WeightUnit) -> Result<ZoneMatcher, CliError> {
    let zones = BigCommerceImport::new(unit).zones(json)?;
    Ok(ZoneMatcher::new(zones)?)
}

/// Per consignment: its zone, a table of options (cheapest first), then its errors.
pub fn render(quote: &CheckoutQuote) -> String {
    let mut out = String::new();
    for c in &quote.consignments {
        out.push_str(&format!(
            "{} — zone: {}\n",
            c.id,
            c.zone.as_deref().unwrap_or("(none)")
        ));
        let rows: Vec<Vec<String>> = c
            .options
            .iter()
            .map(|o| {
                vec![
                    o.carrier.as_ref().map_or("-".into(), ToString::to_string),
                    o.description.clone(),
                    o.cost.to_string(),
                    o.transit_days.map_or("-".into(), |d| d.to_string()),
                ]
            })
            .collect();
        if rows.is_empty() {
            out.push_str("no shipping options\n");
        } else {
            out.push_str(&table(
                &["carrier", "service", "price", "transit days"],
                &rows,
                &[2, 3],
            ));
        }
        for e in &c.errors {
            out.push_str(&format!("error: {e}\n"));
        }
        out.push('\n');
    }
    out
}
