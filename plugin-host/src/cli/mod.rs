//! The `shipmux` command line: one file per command, plus the pieces they share.

mod args;
mod carriers;
mod checkout;
mod connect;
mod decode;
mod demo;
mod error;
mod fleet;
mod loadtest;
mod new_carrier;
mod output;
mod plugin;
mod quote;
mod sandbox;
mod sandboxes;
mod serve;
mod setup;
mod track;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use error::CliError;

/// Real-time shipping quotes from UPS, FedEx, USPS and carrier plugins, all at once.
///
/// With no `--config`, commands run against embedded carrier sandboxes (loopback simulators of
/// each carrier's official API), so everything works with no setup.
#[derive(Debug, Parser)]
#[command(name = "shipmux", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Quote a sample two-consignment checkout against embedded sandboxes (no setup).
    Demo(demo::DemoArgs),
    /// Run the carrier simulators until interrupted; prints `<carrier> <base-url>` per carrier.
    Sandbox(sandbox::SandboxArgs),
    /// Fan a rate request out to every carrier at once.
    Quote(quote::QuoteArgs),
    /// Quote a checkout: shipping options per consignment through zones and methods.
    Checkout(checkout::CheckoutArgs),
    /// Track a shipment (the carrier is detected from the number when not given).
    Track(track::TrackArgs),
    /// Check a carrier's credentials and say what is wrong.
    Connect(connect::ConnectArgs),
    /// List built-in carriers and loaded plugins with their capabilities.
    Carriers(carriers::CarriersArgs),
    /// Run a carrier's parser on a saved response body (for support engineers).
    Decode(decode::DecodeArgs),
    /// Inspect carrier plugins.
    #[command(subcommand)]
    Plugin(plugin::PluginCommand),
    /// Load-test checkout quoting through the real host against sandboxes.
    Loadtest(loadtest::LoadtestArgs),
    /// Serve the host over HTTP: BigCommerce's Shipping Provider API and a JSON API.
    Serve(serve::ServeArgs),
    /// Create a carrier crate in the common shape (`shipmux new carrier acme`).
    #[command(subcommand)]
    New(new_carrier::NewCommand),
}

/// Parses the command line, runs the command, prints any error as one line on stderr and
/// returns the exit code: 0 success, 1 failure, 2 usage error, 3 (decode) a carrier error.
pub fn main() -> ExitCode {
    shipmux_host::builtin::install_builtins();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    // `serve` logs a line per request by default; the other commands only when asked.
    let _logs = init_tracing(
        matches!(cli.command, Command::Serve(_)).then_some("shipmux=info,shipmux_host=info"),
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return report(CliError::failed(format!("cannot start the runtime: {e}"))),
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => report(e),
    }
}

async fn run(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::Demo(a) => demo::run(a).await,
        Command::Sandbox(a) => sandbox::run(a).await,
        Command::Quote(a) => quote::run(a).await,
        Command::Checkout(a) => checkout::run(a).await,
        Command::Track(a) => track::run(a).await,
        Command::Connect(a) => connect::run(a).await,
        Command::Carriers(a) => carriers::run(a).await,
        Command::Decode(a) => decode::run(a),
        Command::Plugin(c) => plugin::run(c),
        Command::Loadtest(a) => loadtest::run(a).await,
        Command::Serve(a) => serve::run(a).await,
        Command::New(c) => new_carrier::run(c),
    }
}

/// Help and version go to stdout with exit 0; any other parse failure is one line on stderr
/// and exit 2.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            // clap's first paragraph (its message may continue on indented lines), as one line.
            let text = e.to_string();
            let paragraph: Vec<&str> = text
                .lines()
                .map(str::trim)
                .skip_while(|l| l.is_empty())
                .take_while(|l| !l.is_empty())
                .collect();
            let line = paragraph.join(" ");
            let line = line.strip_prefix("error: ").unwrap_or(&line);
            eprintln!("shipmux: {line} (see --help)");
            ExitCode::from(2)
        }
    }
}

fn report(e: CliError) -> ExitCode {
    eprintln!("shipmux: {}", e.message);
    ExitCode::from(e.code)
}

/// Logs go to stderr, off unless `RUST_LOG` asks for them, so stdout stays machine-readable.
///
/// Lines are written by a thread of their own, in batches (a buffer flushed whenever no line
/// is waiting): a request never waits for a write to stderr, and a busy server does not make a
/// system call per line. None is dropped — when the queue is full, logging waits. The returned
/// guard flushes what is left when dropped, so it lives as long as `main`.
fn init_tracing(default: Option<&str>) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let filter = match (std::env::var_os("RUST_LOG"), default) {
        (Some(_), _) => tracing_subscriber::EnvFilter::from_default_env(),
        (None, Some(default)) => tracing_subscriber::EnvFilter::new(default),
        (None, None) => return None,
    };
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("shipmux-log")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    Some(guard)
}
