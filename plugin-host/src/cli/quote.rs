//! `shipmux quote`: fans one rate request out to every carrier at once.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use std::time::Duration;

use clap::Args;
use serde_json::json;
use shipmux_core::{Address, CarrierId, Error, Parcel, Rate, RateRequest};

use super::args::{carrier_id, parcel, place};
use super::error::CliError;
use super::output::{print_json, print_text, read_json, table};
use super::setup::{PluginArgs, Wanted, setup};
use shipmux_host::Skipped;

/// Flags of `shipmux quote`.
#[derive(Debug, Args)]
#[command(
    after_help = "Without --config, quotes in-process sandboxes of every built-in carrier \
and of the Canada Post plugin when its library is found next to the binary or in target/. \
--json prints {\"rates\": [Rate...], \"errors\": [Error...], \"skipped\": [{\"carrier\", \"reason\"}...]}; \
skipped carriers cannot serve the route (they ship only from other countries)."
)]
pub struct QuoteArgs {
    /// Host configuration (TOML); default: embedded sandboxes.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub plugin: PluginArgs,
    /// A RateRequest as JSON (instead of --from/--to/--parcel).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["from", "to", "parcels"],
          required_unless_present_all = ["from", "to", "parcels"])]
    pub request: Option<PathBuf>,
    /// Origin, "COUNTRY POSTCODE".
    #[arg(long, value_name = "\"US 90210\"", value_parser = place, requires_all = ["to", "parcels"])]
    pub from: Option<Address>,
    /// Destination, "COUNTRY POSTCODE".
    #[arg(long, value_name = "\"US 10001\"", value_parser = place, requires_all = ["from", "parcels"])]
    pub to: Option<Address>,
    /// A parcel: weight with unit, then optional LxWxH with unit (repeat for more parcels).
    #[arg(long = "parcel", id = "parcels", value_name = "2lb,12x8x6in", value_parser = parcel,
          num_args = 1.., requires_all = ["from", "to"])]
    pub parcels: Vec<Parcel>,
    /// Only these carriers (comma-separated ids).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = carrier_id)]
    pub carriers: Vec<CarrierId>,
    /// Answer with whatever arrived after this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub deadline: u64,
    /// Print {"rates": [...], "errors": [...], "skipped": [...]} as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Quotes and prints.
/// Exit 0 when at least one rate arrived, 1 when none did.
pub async fn run(args: QuoteArgs) -> Result<ExitCode, CliError> {
    let request = request(&args)?;
    let ready = setup(Wanted {
        config: args.config.as_deref(),
        plugins: &args.plugin.plugins,
        carriers: &args.carriers,
        deadline: Some(Duration::from_millis(args.deadline)),
        ..Wanted::default()
    })
    .await?;
    let quote = ready.host.quote(&request).await?;
    let rates: Vec<&Rate> = quote.rates().collect();
    let errors: Vec<&Error> = quote.errors().collect();
    let skipped: Vec<&Skipped> = quote.skipped().collect();
    if args.json {
        print_json(&json!({ "rates": rates, "errors": errors, "skipped": skipped }))?;
    } else {
        let dim = std::io::stdout().is_terminal();
        print_text(&render(&rates, &errors, &skipped, dim))?;
    }
    let failed = rates.is_empty() && !errors.is_empty();
    ready.shutdown().await;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The request from `--request`, or from `--from`/`--to`/`--parcel`.
fn request(args: &QuoteArgs) -> Result<RateRequest, CliError> {
    let request = match (&args.request, &args.from, &args.to) {
        (Some(path), _, _) => read_json::<RateRequest>(path, "RateRequest")?,
        (None, Some(from), Some(to)) => RateRequest {
            origin: from.clone(),
            destination: to.clone(),
            parcels: args.parcels.clone(),
            services: None,
            ship_date: None,
        },
        _ => {
            return Err(CliError::usage(
                "give --request FILE, or --from, --to and --parcel",
            ));
        }
    };
    request.validate()?;
    Ok(request)
}

/// Rates as a table, cheapest first, then one line per carrier error, then one line (dim on a
/// terminal) per carrier skipped because it cannot serve the route.
pub fn render(rates: &[&Rate], errors: &[&Error], skipped: &[&Skipped], dim: bool) -> String {
    let mut sorted: Vec<&Rate> = rates.to_vec();
    sorted.sort_by_key(|r| r.total.amount);
    let rows: Vec<Vec<String>> = sorted
        .iter()
        .map(|r| {
            vec![
                r.carrier.to_string(),
                r.service.clone(),
                r.service_name.clone(),
                r.total.to_string(),
                r.transit_days.map_or("-".into(), |d| d.to_string()),
            ]
        })
        .collect();
    let mut out = if rows.is_empty() {
        "no rates\n".to_string()
    } else {
        table(
            &["carrier", "service", "name", "price", "days"],
            &rows,
            &[3, 4],
        )
    };
    for e in errors {
        out.push_str(&format!("error: {e}\n"));
    }
    let (start, end) = if dim {
        ("\x1b[2m", "\x1b[0m")
    } else {
        ("", "")
    };
    for s in skipped {
        out.push_str(&format!(
            "{start}skipped: {}: {}{end}\n",
            s.carrier, s.reason
        ));
    }
    out
}
