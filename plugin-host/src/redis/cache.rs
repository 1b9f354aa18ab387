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
        self.redis
            .get_fresh("get", self.redis.key(key))
            .await
            .flatten()
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
        let (lease, key) = (self.lease_key(key), self.redis.key(key));
        self.redis
            .put_releasing("put", key, value, ttl, lease)
            .await;
    }

    async fn lease(&self, key: &[u8], lease: Duration) -> Option<bool> {
        self.redis
            .take_lease("lease", self.lease_key(key), lease)
            .await
    }

    async fn release(&self, key: &[u8]) {
        self.redis.delete("release", self.lease_key(key)).await;
    }
}
