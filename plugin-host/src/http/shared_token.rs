//! OAuth tokens shared by several processes (Redis, in `crate::redis`): one token fetch per
//! carrier account for the whole fleet.
//!
//! When a process needs a token, it first looks in the shared store; a token another replica
//! fetched is used for the time it has left. Otherwise it takes a short lease: the holder
//! fetches from the carrier and stores the token with its lifetime (or, when the fetch fails,
//! gives the lease back); the others look again every few milliseconds until the token is
//! there or the lease is free, then take it themselves — never past their call's deadline
//! (`crate::fetch_lease`). A 401 removes the token for
//! everyone (only if it is still the one that failed). A store that is unavailable is skipped:
//! the process fetches for itself, as without one.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use async_trait::async_trait;
use shipmux_core::{AccessToken, Error, Result, Secret};
use tokio::time::Instant;

use crate::fetch_lease::{self, LeaseTiming, Lookup};

/// Where tokens are shared. Every call is bounded by the store's own short timeout; `None`
/// means the store is unavailable.
#[async_trait]
pub trait SharedTokens: Send + Sync + fmt::Debug {
    /// The token stored for `account` and the time it has left, if any.
    async fn get(&self, account: &str) -> Option<Option<(Secret, Duration)>>;

    /// Takes `account`'s fetch lease for `lease` if nobody holds it: `Some(true)` — fetch;
    /// `Some(false)` — another process is fetching.
    async fn lease(&self, account: &str, lease: Duration) -> Option<bool>;

    /// Stores `token` for `account` for `ttl` and releases the lease.
    async fn put(&self, account: &str, token: &Secret, ttl: Duration);

    /// Ends `account`'s fetch lease without a token (the fetch failed, or was not needed).
    async fn release(&self, account: &str);

    /// Removes `account`'s token if it is still `token` (it was refused).
    async fn invalidate(&self, account: &str, token: &Secret);
}

/// How long one process may hold an account's fetch lease (a token request's usual time, with
/// room; after it, another process fetches), and how often the others look for the token.
pub const FETCH_LEASE: LeaseTiming = LeaseTiming {
    lease: Duration::from_secs(5),
    poll: Duration::from_millis(25),
};

/// The token of `account`: from `shared` when another process fetched it and it outlives
/// `margin`, else from `fetch` (run by one process at a time across the fleet), stored there
/// for the others. Bounded by `deadline`.
pub async fn shared_token<F, Fut>(
    shared: &dyn SharedTokens,
    account: &str,
    margin: Duration,
    deadline: Instant,
    fetch: F,
) -> Result<AccessToken>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<AccessToken>>,
{
    let look = || async {
        match shared.get(account).await {
            Some(Some((token, left))) if left > margin => Lookup::Found(AccessToken {
                token,
                expires_in_secs: left.as_secs(),
            }),
            // None, or one too close to its end to use.
            Some(_) => Lookup::Missing,
            None => Lookup::Unavailable,
        }
    };
    let take = |lease| shared.lease(account, lease);
    let release = || shared.release(account);
    let found = fetch_lease::found_or_leased(FETCH_LEASE, Some(deadline), look, take, release)
        .await
        .map_err(|_| {
            Error::timeout("another replica's token fetch did not finish before the deadline")
        })?;
    if let Some(token) = found {
        return Ok(token);
    }
    // This process holds the lease (or the store is unavailable): fetch, and share the token,
    // or give the lease back at once so that another replica can try.
    match fetch().await {
        Ok(token) => {
            let ttl = Duration::from_secs(token.expires_in_secs);
            shared.put(account, &token.token, ttl).await;
            Ok(token)
        }
        Err(e) => {
            shared.release(account).await;
            Err(e)
        }
    }
}
