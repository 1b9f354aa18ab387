//! [`RedisCache`]: the quote cache's second level on Redis. An entry is one string key (the
//! prefix, the encoding version, the carrier, the scope and the shipment) holding the rates'
//! JSON, with the carrier's TTL as Redis's own expiry; its freshness is read back with `PTTL`
//! in the same round trip, so replicas never compare clocks.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::Redis;
use crate::cache::second_level::{SecondLevel, SecondLevelHealth};

/// The quote cache's second level on a shared [`Redis`].
#[derive(Clone, Debug)]
pub struct RedisCache {
    redis: Arc<Redis>,
}

impl RedisCache {
    /// A second level on `redis`.
    pub fn new(redis: Arc<Redis>) -> Self {
        RedisCache { redis }
    }

    /// The connection it uses.
    pub fn redis(&self) -> &Arc<Redis> {
        &self.redis
    }

    /// The key of `key`'s fetch lease.
    fn lease_key(&self, key: &[u8]) -> Vec<u8> {
        let mut lease = b"lease:".to_vec();
        lease.extend_from_slice(key);
        self.redis.key(&lease)
    }
}

#[async_trait]
impl SecondLevel for RedisCache {
    async fn get(&self, key: &[u8]) -> Option<(Vec<u8>, Duration)> {
        let key = self.redis.key(key);
        let (value, left_ms): (Option<Vec<u8>>, i64) = self
            .redis
            .run("get", |mut c| async move {
                redis::pipe()
                    .get(&key)
                    .cmd("PTTL")
                    .arg(&key)
                    .query_async(&mut c)
                    .await
            })
            .await?;
        // PTTL: -2 no key (expired between the two), -1 no expiry (never written by us).
        let left = u64::try_from(left_ms).ok().filter(|ms| *ms > 0)?;
        Some((value?, Duration::from_millis(left)))
    }

    fn health(&self) -> SecondLevelHealth {
        let stats = self.redis.stats();
        SecondLevelHealth {
            calls: stats.calls,
            errors: stats.errors,
            skipped: stats.skipped,
            down: self.redis.is_down(),
        }
    }

    async fn put(&self, key: &[u8], value: Vec<u8>, ttl: Duration) {
        let lease = self.lease_key(key);
        let key = self.redis.key(key);
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let _: Option<()> = self
            .redis
            .run("put", |mut c| async move {
                redis::pipe()
                    .cmd("SET")
                    .arg(&key)
                    .arg(value)
                    .arg("PX")
                    .arg(ms)
                    .ignore()
                    .del(&lease)
                    .ignore()
                    .query_async(&mut c)
                    .await
            })
            .await;
    }

    async fn lease(&self, key: &[u8], lease: Duration) -> Option<bool> {
        let key = self.lease_key(key);
        let ms = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX).max(1);
        let taken: Option<String> = self
            .redis
            .run("lease", |mut c| async move {
                redis::cmd("SET")
                    .arg(&key)
                    .arg(1)
                    .arg("NX")
                    .arg("PX")
                    .arg(ms)
                    .query_async(&mut c)
                    .await
            })
            .await?;
        Some(taken.is_some())
    }

    async fn release(&self, key: &[u8]) {
        let key = self.lease_key(key);
        let _: Option<()> = self
            .redis
            .run("release", |mut c| async move {
                redis::cmd("DEL").arg(&key).query_async(&mut c).await
            })
            .await;
    }
}
