//! `shipmux carriers`: built-in carriers and loaded plugins, with their capabilities.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;
use shipmux_core::{Capabilities, CarrierId, CarrierInfo};

use shipmux_host::sandbox_fleet::{PluginChoice, sandbox_protocol, simulated_builtin};
use shipmux_host::{Config, HttpDriver, registry_from_config};

use super::error::CliError;
use super::output::{print_json, print_text, table};
use super::setup::{PluginArgs, load_plugins};

/// Flags of `shipmux carriers`.
#[derive(Debug, Args)]
pub struct CarriersArgs {
    /// Host configuration (TOML); default: the built-ins and the Canada Post plugin.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub plugin: PluginArgs,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// One line of the listing.
#[derive(Debug, Serialize)]
struct Listed {
    id: CarrierId,
    name: String,
    /// `built-in` or the plugin file.
    origin: String,
    capabilities: Capabilities,
    services: Vec<shipmux_core::ServiceInfo>,
}

impl Listed {
    fn new(info: CarrierInfo, origin: String) -> Self {
        Listed {
            id: info.id,
            name: info.name,
            origin,
            capabilities: info.capabilities,
            services: info.services,
        }
    }
}

/// Lists the carriers.
pub async fn run(args: CarriersArgs) -> Result<ExitCode, CliError> {
    let mut listed = Vec::new();
    if let Some(path) = &args.config {
        let config = Config {
            stand_ins: load_plugins(&args.plugin.plugins)?,
            ..Config::load(path)?
        };
        let driver = HttpDriver::new()?;
        let env = |name: &str| std::env::var(name).ok();
        let registry = registry_from_config(&config, &driver, &env)?;
        let builtin: Vec<&str> = config
            .carriers
            .iter()
            .map(|(id, c)| c.kind.as_deref().unwrap_or(id.as_str()))
            .collect();
        for info in registry.list() {
            let origin = if let Some(p) = config.stand_in_for_builtin(info.id.as_str()) {
                p.path().display().to_string()
            } else if builtin.contains(&info.id.as_str()) {
                "built-in".to_string()
            } else {
                "plugin".to_string()
            };
            listed.push(Listed::new(info, origin));
        }
        return print_listing(&listed, args.json);
    }
    let mut notes = Vec::new();
    let plugins = PluginChoice {
        given: load_plugins(&args.plugin.plugins)?,
        find_libraries: true,
    };
    for given in &plugins.given {
        simulated_builtin(given)?;
    }
    for builtin in shipmux_host::builtins() {
        let chosen = sandbox_protocol(builtin, "http://127.0.0.1:1", &plugins, &mut notes)?;
        listed.push(Listed::new(chosen.protocol.info(), chosen.origin()));
    }
    for note in notes {
        eprintln!("{note}");
    }
    print_listing(&listed, args.json)
}

fn print_listing(listed: &[Listed], json: bool) -> Result<ExitCode, CliError> {
    if json {
        print_json(listed)?;
    } else {
        print_text(&render(listed))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn render(listed: &[Listed]) -> String {
    let yes = |b: bool| if b { "yes" } else { "-" }.to_string();
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                c.name.clone(),
                yes(c.capabilities.rates),
                yes(c.capabilities.tracking),
                if c.capabilities.tracking_batch > 1 {
                    c.capabilities.tracking_batch.to_string()
                } else {
                    "-".to_string()
                },
                yes(c.capabilities.international),
                yes(c.capabilities.transit_times),
                c.services.len().to_string(),
                c.origin.clone(),
            ]
        })
        .collect();
    table(
        &[
            "carrier", "name", "rates", "tracking", "batch", "intl", "transit", "services", "from",
        ],
        &rows,
        &[4, 7],
    )
}
