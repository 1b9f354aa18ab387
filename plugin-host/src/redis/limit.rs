//! [`RedisLimit`]: carriers' rate limits shared by every replica, as a GCRA (generic cell rate
//! algorithm) in one Lua script on Redis's own clock.
//!
//! One key per carrier account holds its *theoretical arrival time* (TAT): when the next
//! permit would be due at the sustained rate. A call reserves the next permit atomically: the
//! script advances the TAT by one interval and answers how long the caller must wait for it
//! (zero inside the burst). A wait longer than the caller's deadline reserves nothing. The
//! semantics are governor's (rate + burst), so one replica alone behaves as before, and N
//! replicas together stay within the one quota.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::Redis;
use crate::resilience::{RateLimit, SharedLimit};

/// Reserve the next permit. KEYS[1]: the account's TAT (microseconds on Redis's clock).
/// ARGV: interval µs, burst tolerance µs (interval × (burst − 1)), longest acceptable wait µs.
/// Answers the wait in µs (≥ 0, reserved) or −wait (refused, nothing reserved).
const RESERVE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > max_wait then return -wait end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return wait
";

/// Push the account's TAT to at least now + ARGV[1] µs (a carrier's `Retry-After`).
const PUSH_BACK: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or 0)
if tat < until_ then
  redis.call('SET', KEYS[1], string.format('%d', until_), 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
end
return 0
";

/// Carriers' rate limits on a shared [`Redis`].
#[derive(Clone)]
pub struct RedisLimit {
    redis: Arc<Redis>,
    reserve: Arc<redis::Script>,
    push_back: Arc<redis::Script>,
}

impl std::fmt::Debug for RedisLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLimit")
            .field("redis", &self.redis)
            .finish_non_exhaustive()
    }
}

impl RedisLimit {
    /// Limits kept on `redis`.
    pub fn new(redis: Arc<Redis>) -> Self {
        RedisLimit {
            redis,
            reserve: Arc::new(redis::Script::new(RESERVE)),
            push_back: Arc::new(redis::Script::new(PUSH_BACK)),
        }
    }

    fn key(&self, account: &str) -> Vec<u8> {
        self.redis.key(format!("limit1:{account}").as_bytes())
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

#[async_trait]
impl SharedLimit for RedisLimit {
    async fn reserve(
        &self,
        account: &str,
        limit: RateLimit,
        max_wait: Duration,
    ) -> Option<Result<Duration, Duration>> {
        let interval = micros(limit.interval()).max(1);
        let tolerance = interval.saturating_mul(i64::from(limit.burst_size()) - 1);
        let key = self.key(account);
        let script = self.reserve.clone();
        let answer: i64 = self
            .redis
            .run("reserve", |mut c| async move {
                script
                    .key(key)
                    .arg(interval)
                    .arg(tolerance)
                    .arg(micros(max_wait))
                    .invoke_async(&mut c)
                    .await
            })
            .await?;
        let wait = Duration::from_micros(answer.unsigned_abs());
        Some(if answer >= 0 { Ok(wait) } else { Err(wait) })
    }

    async fn push_back(&self, account: &str, after: Duration) {
        let key = self.key(account);
        let script = self.push_back.clone();
        let _: Option<i64> = self
            .redis
            .run("push_back", |mut c| async move {
                script
                    .key(key)
                    .arg(micros(after))
                    .invoke_async(&mut c)
                    .await
            })
            .await;
    }
}
