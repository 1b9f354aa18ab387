//! [`RedisTokens`]: carrier accounts' OAuth tokens shared by every replica, so the fleet makes
//! one token fetch per account (see `crate::http::SharedTokens`). A token is a secret: it is
//! stored under the account's key with Redis's own expiry and never logged.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use shipmux_core::Secret;

use super::Redis;
use crate::http::SharedTokens;

/// Delete the token only if it is still the one refused (another replica may have stored a
/// new one meanwhile).
const INVALIDATE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// Tokens kept on a shared [`Redis`].
#[derive(Clone)]
pub struct RedisTokens {
    redis: Arc<Redis>,
    invalidate: Arc<redis::Script>,
}

impl std::fmt::Debug for RedisTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisTokens")
            .field("redis", &self.redis)
            .finish_non_exhaustive()
    }
}

impl RedisTokens {
    /// Tokens kept on `redis`.
    pub fn new(redis: Arc<Redis>) -> Self {
        RedisTokens {
            redis,
            invalidate: Arc::new(redis::Script::new(INVALIDATE)),
        }
    }

    fn key(&self, account: &str) -> Vec<u8> {
        self.redis.key(format!("token1:{account}").as_bytes())
    }

    fn lease_key(&self, account: &str) -> Vec<u8> {
        self.redis.key(format!("token1-lease:{account}").as_bytes())
    }
}

#[async_trait]
impl SharedTokens for RedisTokens {
    async fn get(&self, account: &str) -> Option<Option<(Secret, Duration)>> {
        let found = self.redis.get_fresh("token get", self.key(account)).await?;
        // Bytes that are not text were not written by us: as if there were no token.
        Some(
            found.and_then(|(bytes, left)| {
                Some((Secret::new(String::from_utf8(bytes).ok()?), left))
            }),
        )
    }

    async fn lease(&self, account: &str, lease: Duration) -> Option<bool> {
        self.redis
            .take_lease("token lease", self.lease_key(account), lease)
            .await
    }

    async fn put(&self, account: &str, token: &Secret, ttl: Duration) {
        let (key, lease) = (self.key(account), self.lease_key(account));
        let token = token.expose().as_bytes().to_vec();
        self.redis
            .put_releasing("token put", key, token, ttl, lease)
            .await;
    }

    async fn release(&self, account: &str) {
        self.redis
            .delete("token release", self.lease_key(account))
            .await;
    }

    async fn invalidate(&self, account: &str, token: &Secret) {
        let key = self.key(account);
        let token = token.expose().to_string();
        let script = self.invalidate.clone();
        let _: Option<i64> = self
            .redis
            .run("token invalidate", |mut c| async move {
                script.key(key).arg(token).invoke_async(&mut c).await
            })
            .await;
    }
}
