//! `shipmux decode`: runs a carrier's parser on a saved response body, for support engineers
//! replaying what a carrier actually sent.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use serde_json::json;
use shipmux_core::orders::tracking_number;
use shipmux_core::{
    CarrierId, CarrierProtocol, Error, ErrorKind, Exchange, HttpResponse, RateRequest, Step,
    TrackingNumber,
};

use super::args::sandbox_carrier;
use super::error::{CliError, EXIT_CARRIER_ERROR, EXIT_FAILED};
use super::output::{print_json, read_json};

/// Which parser to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Operation {
    /// A rate response → `{"rates": [...]}`.
    Rate,
    /// A tracking response → `{"tracking": {...}}`.
    Track,
    /// An OAuth token response → `{"token": {...}}` (the token itself is redacted).
    Token,
}

/// Flags of `shipmux decode`.
#[derive(Debug, Args)]
#[command(
    after_help = "Prints {\"rates\": [...]}, {\"tracking\": {...}}, {\"token\": {...}} or \
{\"error\": Error}. Exit 0 when a result was decoded, 3 when the body decoded to a carrier error, \
1 when the body could not be read as the carrier's format, 2 on usage errors."
)]
pub struct DecodeArgs {
    /// The carrier whose parser runs (any built-in: `shipmux carriers` lists them).
    #[arg(value_parser = sandbox_carrier)]
    pub carrier: CarrierId,
    /// What the body answers.
    #[arg(value_enum)]
    pub op: Operation,
    /// The saved response body.
    pub file: PathBuf,
    /// The HTTP status the carrier answered with.
    #[arg(long, value_name = "N", default_value_t = 200,
          value_parser = clap::value_parser!(u16).range(100..=599))]
    pub status: u16,
    /// A response header, `'Name: value'` (repeat for more).
    #[arg(long = "header", value_name = "'Name: value'", value_parser = header)]
    pub headers: Vec<(String, String)>,
    /// For `rate`: the RateRequest JSON that produced the response.
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// For `track`: the tracking number(s) the response answers (default: the carrier's
    /// numbers found in the body).
    #[arg(long = "number", value_name = "NUMBER")]
    pub numbers: Vec<String>,
}

fn header(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once(':')
        .ok_or_else(|| format!("`{s}` is not 'Name: value'"))?;
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!("`{name}` is not a header name"));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// Decodes the body and prints what it says.
pub fn run(args: DecodeArgs) -> Result<ExitCode, CliError> {
    let body = std::fs::read(&args.file)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", args.file.display())))?;
    let mut response = HttpResponse::new(args.status, body);
    for (name, value) in &args.headers {
        response = response.with_header(name, value);
    }
    let protocol = offline_protocol(&args.carrier)?;
    match args.op {
        Operation::Token => decode_token(protocol.as_ref(), &response),
        Operation::Rate => {
            let request = match &args.request {
                Some(path) => read_json::<RateRequest>(path, "RateRequest")?,
                None => default_request(&args.carrier)?,
            };
            decode_rate(protocol.as_ref(), &request, response)
        }
        Operation::Track => {
            let numbers = tracking_numbers(&args, &response)?;
            decode_track(protocol.as_ref(), &numbers, response)
        }
    }
}

/// The carrier's protocol with placeholder credentials: parsing needs no account.
fn offline_protocol(carrier: &CarrierId) -> Result<Arc<dyn CarrierProtocol>, CliError> {
    let builtin = shipmux_host::builtin(carrier.as_str())
        .ok_or_else(|| CliError::usage(format!("`{carrier}` has no parser")))?;
    Ok((builtin.carrier.offline)())
}

/// A plausible request when none is given: the carrier's own sample (domestic, one 1 lb
/// parcel).
fn default_request(carrier: &CarrierId) -> Result<RateRequest, CliError> {
    let builtin = shipmux_host::builtin(carrier.as_str())
        .ok_or_else(|| CliError::usage(format!("`{carrier}` has no parser")))?;
    Ok((builtin.carrier.sample_request)())
}

fn decode_token(
    protocol: &dyn CarrierProtocol,
    response: &HttpResponse,
) -> Result<ExitCode, CliError> {
    match protocol.parse_token(response) {
        Ok(token) => {
            print_json(&json!({"token": {
                "token": "[redacted]",
                "expires_in_secs": token.expires_in_secs,
            }}))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => print_error(&e),
    }
}

fn decode_rate(
    protocol: &dyn CarrierProtocol,
    request: &RateRequest,
    response: HttpResponse,
) -> Result<ExitCode, CliError> {
    let requests = protocol.build_rate(request).map_err(CliError::from)?;
    let exchange = Exchange {
        round: 0,
        requests: requests.into_iter().take(1).collect(),
        responses: vec![response],
    };
    match protocol.parse_rate(request, &exchange) {
        Ok(Step::Done(rates)) => {
            print_json(&json!({ "rates": rates }))?;
            Ok(ExitCode::SUCCESS)
        }
        Ok(Step::Next(more)) => Err(CliError::failed(format!(
            "the response asks for another round of {} request(s) (a fallback); decode that \
             round's response instead",
            more.len()
        ))),
        Err(e) => print_error(&e),
    }
}

fn decode_track(
    protocol: &dyn CarrierProtocol,
    numbers: &[TrackingNumber],
    response: HttpResponse,
) -> Result<ExitCode, CliError> {
    let requests = protocol.build_track(numbers).map_err(CliError::from)?;
    let exchange = Exchange {
        round: 0,
        requests: requests.into_iter().take(1).collect(),
        responses: vec![response],
    };
    match protocol.parse_track(numbers, &exchange) {
        Ok(results) => {
            let mut decoded = 0;
            let mut last_error = None;
            for result in results {
                match result {
                    Ok(tracking) => {
                        decoded += 1;
                        print_json(&json!({ "tracking": tracking }))?;
                    }
                    Err(e) => {
                        print_json(&json!({ "error": e }))?;
                        last_error = Some(e);
                    }
                }
            }
            match (decoded, last_error) {
                (0, Some(e)) => Ok(exit_for(&e)),
                (0, None) => Err(CliError::failed("the parser returned no tracking")),
                _ => Ok(ExitCode::SUCCESS),
            }
        }
        Err(e) => print_error(&e),
    }
}

/// Prints `{"error": …}`: exit 3 for a carrier's error, 1 when the body was unreadable.
fn print_error(e: &Error) -> Result<ExitCode, CliError> {
    print_json(&json!({ "error": e }))?;
    Ok(exit_for(e))
}

fn exit_for(e: &Error) -> ExitCode {
    if e.kind == ErrorKind::Parse {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::from(EXIT_CARRIER_ERROR)
    }
}

/// `--number`s, else the carrier's tracking numbers that appear in the body, in order.
fn tracking_numbers(
    args: &DecodeArgs,
    response: &HttpResponse,
) -> Result<Vec<TrackingNumber>, CliError> {
    if !args.numbers.is_empty() {
        return args
            .numbers
            .iter()
            .map(|n| TrackingNumber::new(n).map_err(CliError::from))
            .collect();
    }
    let text = response.text();
    let mut seen = HashSet::new();
    let found: Vec<TrackingNumber> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| (10..=34).contains(&t.len()))
        .filter(|t| seen.insert(t.to_ascii_uppercase()))
        .filter_map(|t| tracking_number::validate(&args.carrier, t).ok())
        .filter(|v| v.format.is_some())
        .map(|v| v.number)
        .collect();
    if found.is_empty() {
        return Err(CliError::usage(format!(
            "no {} tracking number found in {}; pass --number",
            args.carrier,
            args.file.display()
        )));
    }
    Ok(found)
}
