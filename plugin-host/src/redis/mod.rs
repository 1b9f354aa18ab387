//! Redis as the state several `serve` replicas share (feature `redis`): the quote cache's
//! second level ([`RedisCache`]), carriers' rate limits ([`RedisLimit`]) and OAuth tokens
//! ([`RedisTokens`]).
//! docs/scale-out.md has the picture.
//!
//! Redis is never on the critical path of a quote. Every call has a short timeout; when one
//! fails, this process marks Redis down, says so once in its log, and for the next
//! [`RedisOptions::retry_after`] does not try at all (quotes use the local cache only); the
//! first call that succeeds after that says Redis is back. A checkout never fails because
//! Redis did.
//!
//! ```no_run
//! use std::sync::Arc;
//! use shipmux_host::cache::{CacheOptions, QuoteCache};
//! use shipmux_host::redis::{Redis, RedisCache, RedisOptions};
//!
//! let redis = Redis::connect(RedisOptions::new("redis://127.0.0.1:6379"))?;
//! let cache = QuoteCache::new(CacheOptions::default())
//!     .with_second_level(Arc::new(RedisCache::new(redis)));
//! # Ok::<(), shipmux_core::Error>(())
//! ```

mod cache;
mod limit;
mod token;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use shipmux_core::{Error, Secret};
use tokio::time::Instant;

pub use cache::RedisCache;
pub use limit::RedisLimit;
pub use token::RedisTokens;

/// How long the connection waits to connect, or for a reply, before it is replaced.
const CONNECTION_PATIENCE: Duration = Duration::from_secs(1);

/// How to reach Redis and how patient to be with it.
#[derive(Clone, Debug)]
pub struct RedisOptions {
    /// `redis://[user:password@]host:port[/db]`, `rediss://…` (TLS) or
    /// `redis+unix:///path/to/socket`. A secret: it may hold a password.
    pub url: Secret,
    /// Longest wait for one Redis call; past it the call counts as failed.
    pub timeout: Duration,
    /// After a failure, how long this process works without Redis before trying again.
    pub retry_after: Duration,
    /// Put before every key, so several deployments can share one Redis.
    pub prefix: String,
    /// With a `rediss://` URL (TLS, through rustls): PEM certificate(s) to trust instead of
    /// the system's roots.
    pub ca_file: Option<PathBuf>,
}

impl RedisOptions {
    /// `url` with the defaults: 50 ms per call, 1 s without Redis after a failure, keys under
    /// `shipmux:`.
    pub fn new(url: impl Into<String>) -> Self {
        RedisOptions {
            url: Secret::new(url.into()),
            timeout: Duration::from_millis(50),
            retry_after: Duration::from_secs(1),
            prefix: "shipmux:".to_string(),
            ca_file: None,
        }
    }
}

/// What this process's Redis calls did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RedisStats {
    /// Calls that answered.
    pub calls: u64,
    /// Calls that failed or timed out.
    pub errors: u64,
    /// Calls not made because Redis was marked down (the local state served instead).
    pub skipped: u64,
}

/// A connection to Redis shared by everything in this process that uses it. Cheap to share
/// in an `Arc`; reconnects by itself.
pub struct Redis {
    connection: ConnectionManager,
    options: RedisOptions,
    /// Marked on a failure; calls before `retry_at` are skipped.
    down: AtomicBool,
    /// Milliseconds after `epoch` before which no call is tried while down.
    retry_at_ms: AtomicU64,
    epoch: Instant,
    calls: AtomicU64,
    errors: AtomicU64,
    skipped: AtomicU64,
}

impl std::fmt::Debug for Redis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redis")
            .field("options", &self.options)
            .field("down", &self.down.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Redis {
    /// A connection to `options.url`, made on first use: Redis need not be up yet. Call it
    /// inside a tokio runtime (the connection's task runs there); outside one it is a `config`
    /// error, not a panic.
    pub fn connect(options: RedisOptions) -> Result<Arc<Redis>, Error> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::config(
                "Redis is connected from inside a tokio runtime (none is running here)",
            ));
        }
        // The URL may hold a password: errors name the problem, not the URL.
        let client = match &options.ca_file {
            None => redis::Client::open(options.url.expose()),
            Some(path) => {
                let pem = std::fs::read(path)
                    .map_err(|e| Error::config(format!("redis ca_file {}: {e}", path.display())))?;
                let certificates = redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem),
                };
                redis::Client::build_with_tls(options.url.expose(), certificates)
            }
        }
        .map_err(|e| Error::config(format!("redis url is not usable: {}", e.category())))?;
        // Each call is bounded by `options.timeout` on our side (`run`). The connection's own
        // limits are looser: a reply that is late for one call must not tear down the
        // connection every other call is waiting on (a timed-out response counts as an I/O
        // error, and the manager would reconnect), but a connection that stopped answering
        // altogether is replaced.
        let patience = options.timeout.max(CONNECTION_PATIENCE);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(patience))
            .set_response_timeout(Some(patience))
            .set_number_of_retries(1)
            .set_max_delay(options.retry_after);
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| Error::config(format!("cannot set up redis: {}", e.category())))?;
        Ok(Arc::new(Redis {
            connection,
            options,
            down: AtomicBool::new(false),
            retry_at_ms: AtomicU64::new(0),
            epoch: Instant::now(),
            calls: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
        }))
    }

    /// The options in use.
    pub fn options(&self) -> &RedisOptions {
        &self.options
    }

    /// Whether the last call failed (and this process works without Redis for now).
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// The counters so far.
    pub fn stats(&self) -> RedisStats {
        RedisStats {
            calls: self.calls.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            skipped: self.skipped.load(Ordering::Relaxed),
        }
    }

    /// `prefix` + `key`.
    pub(crate) fn key(&self, key: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.options.prefix.len() + key.len());
        out.extend_from_slice(self.options.prefix.as_bytes());
        out.extend_from_slice(key);
        out
    }

    /// The value under `key` (prefixed) and how long it has left, read in one round trip
    /// (`GET` and `PTTL`: Redis's clock, never compared across replicas); `Some(None)` when
    /// there is none (or it has no expiry, so it was not written by us); `None` when Redis is
    /// unavailable.
    pub(crate) async fn get_fresh(
        &self,
        what: &str,
        key: Vec<u8>,
    ) -> Option<Option<(Vec<u8>, Duration)>> {
        let (value, left_ms): (Option<Vec<u8>>, i64) = self
            .run(what, |mut c| async move {
                redis::pipe()
                    .get(&key)
                    .cmd("PTTL")
                    .arg(&key)
                    .query_async(&mut c)
                    .await
            })
            .await?;
        // PTTL: -2 no key (expired between the two), -1 no expiry.
        let left = u64::try_from(left_ms).ok().filter(|ms| *ms > 0);
        Some(
            value
                .zip(left)
                .map(|(v, ms)| (v, Duration::from_millis(ms))),
        )
    }

    /// Stores `value` under `key` for `ttl` and deletes `lease` (the fetch lease the value
    /// answers), in one round trip.
    pub(crate) async fn put_releasing(
        &self,
        what: &str,
        key: Vec<u8>,
        value: Vec<u8>,
        ttl: Duration,
        lease: Vec<u8>,
    ) {
        let _: Option<()> = self
            .run(what, |mut c| async move {
                redis::pipe()
                    .cmd("SET")
                    .arg(&key)
                    .arg(value)
                    .arg("PX")
                    .arg(millis(ttl))
                    .ignore()
                    .del(&lease)
                    .ignore()
                    .query_async(&mut c)
                    .await
            })
            .await;
    }

    /// Takes the lease `key` for `lease` unless someone holds it (`SET NX PX`): `Some(true)`
    /// when taken, `Some(false)` when held elsewhere, `None` when Redis is unavailable.
    pub(crate) async fn take_lease(
        &self,
        what: &str,
        key: Vec<u8>,
        lease: Duration,
    ) -> Option<bool> {
        let taken: Option<String> = self
            .run(what, |mut c| async move {
                redis::cmd("SET")
                    .arg(&key)
                    .arg(1)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(lease))
                    .query_async(&mut c)
                    .await
            })
            .await?;
        Some(taken.is_some())
    }

    /// Deletes `key` (prefixed): a lease given back.
    pub(crate) async fn delete(&self, what: &str, key: Vec<u8>) {
        let _: Option<()> = self
            .run(what, |mut c| async move {
                redis::cmd("DEL").arg(&key).query_async(&mut c).await
            })
            .await;
    }

    /// The fleet's shared random key `name` (16 bytes): the first replica to ask stores one
    /// (`SET NX`), every replica reads the same. Asked once at start, so it waits
    /// up to a second for the connection; `None` when Redis does not answer.
    pub async fn fleet_key(&self, name: &str) -> Option<[u8; 16]> {
        let key = self.key(format!("{name}1").as_bytes());
        let candidate = format!("{:032x}", rand::random::<u128>());
        let call = async {
            let mut c = self.connection.clone();
            redis::pipe()
                .cmd("SET")
                .arg(&key)
                .arg(&candidate)
                .arg("NX")
                .ignore()
                .get(&key)
                .query_async::<(String,)>(&mut c)
                .await
        };
        let (stored,) = tokio::time::timeout(CONNECTION_PATIENCE, call)
            .await
            .ok()?
            .ok()?;
        u128::from_str_radix(&stored, 16)
            .ok()
            .map(u128::to_be_bytes)
    }

    /// Runs `call` on the shared connection within the timeout; `None` when Redis is marked
    /// down, fails or is too slow (marking it down, logged once).
    pub(crate) async fn run<T, F, Fut>(&self, what: &str, call: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let now_ms = self.epoch.elapsed().as_millis() as u64;
        if self.down.load(Ordering::Relaxed) && now_ms < self.retry_at_ms.load(Ordering::Relaxed) {
            self.skipped.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let outcome = tokio::time::timeout(self.options.timeout, call(self.connection.clone()))
            .await
            .map_err(|_| format!("no answer within {} ms", self.options.timeout.as_millis()))
            .and_then(|r| r.map_err(|e| e.category().to_string()));
        match outcome {
            Ok(value) => {
                self.calls.fetch_add(1, Ordering::Relaxed);
                if self.down.swap(false, Ordering::Relaxed) {
                    tracing::info!("redis answers again; shared state resumed");
                }
                Some(value)
            }
            Err(why) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                let retry_at = now_ms + self.options.retry_after.as_millis() as u64;
                self.retry_at_ms.store(retry_at, Ordering::Relaxed);
                if !self.down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        call = what,
                        error = %why,
                        "redis unavailable; using this process's own state until it answers"
                    );
                }
                None
            }
        }
    }
}

/// `d` in whole milliseconds, at least 1 (Redis refuses an expiry of 0).
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}
