//! `shipmux serve`: the host as an HTTP service — BigCommerce's Shipping Provider API, our
//! JSON API, health and metrics (docs/serve.md).

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use shipmux_core::WeightUnit;
use shipmux_host::serve::from_config::{account_templates, serve_options};
use shipmux_host::serve::{AccountTemplate, Accounts, Service, refuse_open_bind};
use shipmux_host::{Config, HttpCarrierOptions};

use super::checkout::bigcommerce_zones;
use super::demo::STORE_ZONES;
use super::error::CliError;
use super::setup::{PluginArgs, Wanted, setup};

/// Flags of `shipmux serve`.
#[derive(Debug, Args)]
#[command(
    after_help = "Without --config, serves against in-process sandboxes of every \
built-in carrier with the demo store's zones. The first line on stdout is `listening on \
http://HOST:PORT`. /v1 requires `Authorization: Bearer <key>` when keys are set \
(SHIPMUX_API_KEYS, comma-separated, or [serve] api_keys_env). SIGTERM or Ctrl-C: stop \
accepting, finish the requests in flight, exit 0."
)]
pub struct ServeArgs {
    /// Host configuration (TOML); default: embedded sandboxes.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub plugin: PluginArgs,
    /// Where to listen (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Serve on a non-loopback address with no API keys or store secrets.
    #[arg(long)]
    pub allow_unauthenticated: bool,
    /// Requests worked on at once before more are shed with 503 (default 1024).
    #[arg(long, value_name = "N")]
    pub max_in_flight: Option<usize>,
    /// Share the quote cache with other replicas through this Redis (`redis://host:port` or
    /// `redis+unix:///path`); overrides the config's `[redis] url`.
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,
}

/// Serves until SIGTERM or Ctrl-C.
pub async fn run(args: ServeArgs) -> Result<ExitCode, CliError> {
    let env = |name: &str| std::env::var(name).ok();
    let (mut options, templates) = match &args.config {
        Some(path) => {
            let config = Config::load(path)?;
            (
                serve_options(&config.serve, &env)?,
                Some(account_templates(&config, &env)?),
            )
        }
        None => (serve_options(&Default::default(), &env)?, None),
    };
    if let Some(n) = args.max_in_flight {
        options.max_in_flight = n.max(1);
    }
    if let Some(refusal) = refuse_open_bind(&args.listen, &options, args.allow_unauthenticated) {
        return Err(CliError::usage(refusal));
    }
    let rules = match &args.config {
        Some(_) => None,
        None => Some(bigcommerce_zones(STORE_ZONES, WeightUnit::Lb)?),
    };
    let ready = setup(Wanted {
        config: args.config.as_deref(),
        plugins: &args.plugin.plugins,
        rules,
        redis: args.redis.as_deref(),
        ..Wanted::default()
    })
    .await?;
    let templates = match templates {
        Some(t) => t,
        None => sandbox_templates(&ready),
    };
    // Store accounts' scopes under a key every replica on this Redis shares, so their quotes,
    // limits and tokens are shared too; without Redis (or if it does not answer now), a key of
    // this process's own.
    let scope_key = match &ready.redis {
        Some(redis) => {
            let key = redis.fleet_key("scope-key").await;
            if key.is_none() {
                tracing::warn!(
                    "redis did not answer at start: store accounts are not shared with other \
                     replicas until this one restarts"
                );
            }
            key
        }
        None => None,
    };
    let host = Arc::new(ready.host);
    let service = Service::new(
        host.clone(),
        options.clone(),
        Some(Accounts {
            driver: ready.driver.clone(),
            templates,
            scope_key,
        }),
    );
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| CliError::failed(format!("cannot listen on {}: {e}", args.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::failed(format!("cannot read the bound address: {e}")))?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{addr}");
        let _ = out.flush();
    }
    tracing::info!(%addr, carriers = host.registry().len(), "serving");
    let warm = service.clone();
    tokio::spawn(async move { warm.connect_carriers(Duration::from_secs(15)).await });
    let served = axum::serve(listener, service.router())
        .with_graceful_shutdown(stop_signal())
        .await;
    if let Some(fleet) = ready.fleet {
        fleet.shutdown().await;
    }
    served.map_err(|e| CliError::failed(format!("the server failed: {e}")))?;
    eprintln!("shipmux serve: stopped");
    Ok(ExitCode::SUCCESS)
}

/// The sandboxes' accounts, for stores that connect their own (the sandboxes accept only
/// their own test credentials, so other credentials are refused as a real carrier would).
fn sandbox_templates(
    ready: &super::setup::Setup,
) -> BTreeMap<shipmux_core::CarrierId, AccountTemplate> {
    let mut out = BTreeMap::new();
    let Some(fleet) = &ready.fleet else {
        return out;
    };
    for c in &fleet.carriers {
        let Some(b) = shipmux_host::builtin(c.id.as_str()) else {
            continue;
        };
        out.insert(
            c.id.clone(),
            AccountTemplate {
                descriptor: b.carrier,
                config: (b.sandbox.config)(&c.base_url),
                call: HttpCarrierOptions::default(),
                plugin: c.plugin.clone(),
            },
        );
    }
    out
}

/// Resolves on SIGTERM or Ctrl-C.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("stopping: finishing the requests in flight");
}
