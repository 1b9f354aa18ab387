//! `--replicas N`: a fleet of `shipmux serve` processes quoting against one set of carrier
//! sandboxes — as replicas behind a load balancer share one account with each carrier — and,
//! with `--redis`, sharing one Redis. The load test writes their config (the sandboxes as
//! carriers, its zone, the cache, deadline and rate limits asked for), starts them on free
//! loopback ports, drives them round-robin over HTTP like `--server`, and at the end reads the
//! calls the sandboxes received from the whole fleet and each replica's cache counters.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use super::report::{Cache, Upstream};
use super::server::Servers;
use super::upstreams::Upstreams;
use super::{LoadtestArgs, Switch, workload};
use crate::cli::error::CliError;
use crate::cli::setup::load_plugins;
use shipmux_host::plugin::Plugin;

/// How long a replica has to print where it listens.
const START_WITHIN: Duration = Duration::from_secs(30);

/// The replicas, the sandboxes they share, and the client that drives them.
pub struct Fleet {
    /// The replicas' HTTP target.
    pub servers: Arc<Servers>,
    /// The carriers' sandboxes.
    pub upstreams: Upstreams,
    replicas: Vec<Replica>,
    /// For the replicas' `/metrics`.
    http: reqwest::Client,
    /// Holds the config; removed when the fleet is dropped.
    _dir: tempfile::TempDir,
}

/// One `shipmux serve` child process, killed when dropped (also when the run fails).
struct Replica {
    child: Child,
    url: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Fleet {
    /// Starts the sandboxes, writes the replicas' config, starts `count` replicas and waits
    /// until every one is ready (its carriers connected).
    pub async fn start(args: &LoadtestArgs, count: u32) -> Result<Self, CliError> {
        let plugins = load_plugins(&args.plugin.plugins)?;
        let upstreams = Upstreams::start(args, &plugins).await?;
        let dir = tempfile::Builder::new()
            .prefix("shipmux-fleet-")
            .tempdir()
            .map_err(|e| CliError::failed(format!("cannot make a folder for the config: {e}")))?;
        let config = write_config(args, &upstreams, count, dir.path())?;
        let exe = std::env::current_exe()
            .map_err(|e| CliError::failed(format!("cannot find the shipmux binary: {e}")))?;
        // Every replica starts before any is waited for: they connect their carriers at once.
        let mut starting = Vec::new();
        for _ in 0..count {
            starting.push(spawn_serve(&exe, &config, &plugins)?);
        }
        let mut replicas = Vec::new();
        for (i, child) in starting.into_iter().enumerate() {
            replicas.push(listening(i + 1, child).await?);
        }
        let servers = Servers::new(
            replicas.iter().map(|r| r.url.clone()).collect(),
            None,
            args.concurrency,
            args.distinct,
            args.origin(),
        )?;
        servers.wait_ready().await?;
        Ok(Fleet {
            servers: Arc::new(servers),
            upstreams,
            replicas,
            http: reqwest::Client::new(),
            _dir: dir,
        })
    }

    /// Reads what the sandboxes received and the replicas' cache counters (summed), checks
    /// that every replica lived through the run, then stops the replicas and the sandboxes.
    pub async fn finish(mut self) -> Result<Upstream, CliError> {
        let calls = self.upstreams.calls().await?;
        let mut cache = Cache::default();
        for (i, replica) in self.replicas.iter_mut().enumerate() {
            if let Ok(Some(status)) = replica.child.try_wait() {
                return Err(CliError::failed(format!(
                    "replica {} ({}) exited during the run: {status}",
                    i + 1,
                    replica.url
                )));
            }
            let text = self
                .http
                .get(format!("{}/metrics", replica.url))
                .timeout(Duration::from_secs(5))
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .map_err(|e| CliError::failed(format!("{}/metrics: {e}", replica.url)))?
                .text()
                .await
                .map_err(|e| CliError::failed(format!("{}/metrics: {e}", replica.url)))?;
            cache.hits += counter(&text, "shipmux_cache_hits_total");
            cache.misses += counter(&text, "shipmux_cache_misses_total");
            cache.coalesced += counter(&text, "shipmux_cache_coalesced_total");
            cache.stale += counter(&text, "shipmux_cache_stale_total");
            cache.shared_hits += counter(&text, "shipmux_cache_shared_hits_total");
        }
        drop(self.replicas);
        self.upstreams.shutdown().await;
        Ok(Upstream {
            upstream_calls: calls.rate,
            token_calls: calls.token,
            cache,
        })
    }
}

/// Writes `shipmux.toml` (and the zone's `rules.json`) into `dir`: each carrier aimed at its
/// sandbox with credentials it accepts, the load test's zone, the cache, the deadline, the
/// rate limits and, with `--redis`, the Redis the `count` replicas share.
fn write_config(
    args: &LoadtestArgs,
    upstreams: &Upstreams,
    count: u32,
    dir: &Path,
) -> Result<PathBuf, CliError> {
    let rules = serde_json::to_string(&workload::rules_json(&upstreams.carriers))
        .map_err(|e| CliError::failed(format!("load-test rules: {e}")))?;
    write(&dir.join("rules.json"), &rules)?;

    let mut config = toml::Table::new();
    config.insert(
        "host".into(),
        table([("quote_deadline_ms", (args.deadline as i64).into())]),
    );
    let capacity = workload::cache_capacity(args.distinct, upstreams.carriers.len());
    config.insert(
        "cache".into(),
        table([
            ("enabled", (args.cache == Switch::On).into()),
            ("capacity", (capacity as i64).into()),
        ]),
    );
    config.insert("rules".into(), table([("file", "rules.json".into())]));
    let mut carriers = toml::Table::new();
    for id in &upstreams.carriers {
        let builtin = shipmux_host::builtin(id.as_str())
            .ok_or_else(|| CliError::usage(format!("`{id}` is not a built-in carrier")))?;
        let json = (builtin.sandbox.config)(upstreams.url(id)?);
        let Some(toml::Value::Table(mut section)) = json_to_toml(json) else {
            return Err(CliError::failed(format!(
                "{id}: its simulator's config is not a table"
            )));
        };
        section.insert("kind".into(), id.as_str().into());
        if let Some(limit) = args.rate_limit.iter().rev().find(|l| &l.carrier == id) {
            section.insert("rate_limit".into(), limit.limit.to_string().into());
        }
        carriers.insert(id.to_string(), toml::Value::Table(section));
    }
    config.insert("carriers".into(), toml::Value::Table(carriers));
    if let Some(url) = &args.redis {
        let mut redis = toml::Table::new();
        redis.insert("url".into(), url.as_str().into());
        redis.insert("replicas".into(), i64::from(count).into());
        if let Some(ms) = args.redis_timeout_ms {
            redis.insert("timeout_ms".into(), (ms as i64).into());
        }
        config.insert("redis".into(), toml::Value::Table(redis));
    }
    let path = dir.join("shipmux.toml");
    let text = toml::to_string(&config)
        .map_err(|e| CliError::failed(format!("cannot write the replicas' config: {e}")))?;
    write(&path, &text)?;
    Ok(path)
}

/// A TOML table of `fields`.
fn table<const N: usize>(fields: [(&str, toml::Value); N]) -> toml::Value {
    toml::Value::Table(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text)
        .map_err(|e| CliError::failed(format!("cannot write {}: {e}", path.display())))
}

/// JSON as TOML: nulls (which TOML lacks) are left out.
fn json_to_toml(json: serde_json::Value) -> Option<toml::Value> {
    use serde_json::Value as J;
    Some(match json {
        J::Null => return None,
        J::Bool(b) => toml::Value::Boolean(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        J::String(s) => toml::Value::String(s),
        J::Array(items) => toml::Value::Array(items.into_iter().filter_map(json_to_toml).collect()),
        J::Object(fields) => toml::Value::Table(
            fields
                .into_iter()
                .filter_map(|(k, v)| Some((k, json_to_toml(v)?)))
                .collect(),
        ),
    })
}

/// Starts `shipmux serve --config CONFIG` (with a `--plugin` for each of `plugins`) on a free
/// loopback port. Its logs go to this process's stderr at `warn` (a replica that cannot start
/// says why there) unless `RUST_LOG` says otherwise.
fn spawn_serve(exe: &Path, config: &Path, plugins: &[Plugin]) -> Result<Child, CliError> {
    let mut command = Command::new(exe);
    command.arg("serve").arg("--config").arg(config);
    for plugin in plugins {
        let path = std::path::absolute(plugin.path()).map_err(|e| {
            CliError::failed(format!("cannot resolve {}: {e}", plugin.path().display()))
        })?;
        command.arg("--plugin").arg(path);
    }
    command
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("SHIPMUX_API_KEYS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if std::env::var_os("RUST_LOG").is_none() {
        command.env("RUST_LOG", "warn");
    }
    command
        .spawn()
        .map_err(|e| CliError::failed(format!("cannot start {} serve: {e}", exe.display())))
}

/// Waits for replica `n`'s `listening on URL` line, then keeps draining its stdout.
async fn listening(n: usize, child: Child) -> Result<Replica, CliError> {
    // Killed when dropped, on every path from here.
    let mut replica = Replica {
        child,
        url: String::new(),
    };
    let stdout = replica
        .child
        .stdout
        .take()
        .ok_or_else(|| CliError::failed("a replica's stdout is not piped"))?;
    let read = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout);
        let mut first = String::new();
        let read = lines.read_line(&mut first).map(|_| first);
        // The rest is not needed, but a replica must never block on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
        read
    });
    // On a timeout, dropping the replica kills it, which ends the blocked read too.
    let first = match tokio::time::timeout(START_WITHIN, read).await {
        Ok(Ok(Ok(line))) => line,
        Ok(Ok(Err(e))) => return Err(CliError::failed(format!("replica {n}: {e}"))),
        Ok(Err(e)) => return Err(CliError::failed(format!("replica {n}: {e}"))),
        Err(_) => {
            return Err(CliError::failed(format!(
                "replica {n} did not start listening within {} s",
                START_WITHIN.as_secs()
            )));
        }
    };
    match first.trim().strip_prefix("listening on ") {
        Some(url) => {
            replica.url = url.to_string();
            Ok(replica)
        }
        None => Err(CliError::failed(format!(
            "replica {n} did not start (its first line: {:?}; its log is above)",
            first.trim()
        ))),
    }
}

/// The sum of metric `name`'s samples in a Prometheus text exposition.
fn counter(text: &str, name: &str) -> u64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (metric, value) = l.rsplit_once(' ')?;
            let metric = metric.split('{').next()?;
            (metric == name).then(|| value.parse::<f64>().ok())?
        })
        .map(|v| v as u64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_summed_over_labels_and_comments_skipped() {
        let text = "# HELP shipmux_cache_hits_total Quotes answered from the cache\n\
                    # TYPE shipmux_cache_hits_total counter\n\
                    shipmux_cache_hits_total 12\n\
                    shipmux_cache_misses_total 3\n\
                    upstream_attempts_total{carrier=\"ups\"} 4\n\
                    upstream_attempts_total{carrier=\"usps\"} 5\n";
        assert_eq!(counter(text, "shipmux_cache_hits_total"), 12);
        assert_eq!(counter(text, "upstream_attempts_total"), 9);
        assert_eq!(counter(text, "shipmux_cache_stale_total"), 0);
    }

    #[test]
    fn json_config_becomes_toml_without_nulls() {
        let v = json_to_toml(serde_json::json!({
            "base_url": "http://127.0.0.1:1", "account": null, "n": 3, "nested": {"x": true}
        }))
        .unwrap();
        let text = toml::to_string(&v).unwrap();
        assert!(text.contains("base_url = \"http://127.0.0.1:1\""), "{text}");
        assert!(!text.contains("account"), "{text}");
        assert!(
            text.contains("n = 3") && text.contains("x = true"),
            "{text}"
        );
    }
}
