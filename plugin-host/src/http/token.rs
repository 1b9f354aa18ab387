//! OAuth token cache: one slot per (carrier, account and environment), refreshed before
//! expiry, fetched once however many calls wait for it.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use shipmux_core::{AccessToken, CarrierId, Error, Result, Secret};
use tokio::time::Instant;

/// Every carrier's token slots, keyed by carrier id and `Auth::OAuth2 { cache_key }`.
#[derive(Debug, Default)]
pub struct TokenCache {
    slots: Mutex<HashMap<(CarrierId, String), Arc<TokenSlot>>>,
}

impl TokenCache {
    /// The slot for one carrier account (created empty on first use).
    pub fn slot(&self, carrier: &CarrierId, cache_key: &str) -> Arc<TokenSlot> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots
            .entry((carrier.clone(), cache_key.to_string()))
            .or_default()
            .clone()
    }
}

#[derive(Debug)]
struct Cached {
    token: Secret,
    refresh_at: Instant,
    expires_at: Instant,
}

#[derive(Debug, Default)]
struct FetchState {
    last_error: Option<Error>,
}

/// One account's token. Readers take the cached token without waiting; when it is due, one
/// caller fetches and the others wait for that fetch (single flight) and share its result,
/// error included, so a broken token endpoint gets one request, not one per waiting call.
#[derive(Debug, Default)]
pub struct TokenSlot {
    current: RwLock<Option<Cached>>,
    fetch: tokio::sync::Mutex<FetchState>,
    generation: AtomicU64,
    fetches: AtomicU64,
}

impl TokenSlot {
    /// The cached token, or the one `fetch` gets. A token is refreshed `margin` before it
    /// expires (or at half its life when that is shorter); while one call refreshes a token
    /// that is still valid, other calls keep using it.
    pub async fn get<F, Fut>(&self, margin: Duration, fetch: F) -> Result<Secret>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken>>,
    {
        let now = Instant::now();
        let still_valid = {
            let current = self.current.read().unwrap_or_else(|e| e.into_inner());
            match &*current {
                Some(c) if now < c.refresh_at => return Ok(c.token.clone()),
                Some(c) if now < c.expires_at => Some(c.token.clone()),
                _ => None,
            }
        };
        let seen = self.generation.load(Ordering::Acquire);
        let mut state = match (self.fetch.try_lock(), still_valid) {
            (Ok(state), _) => state,
            // Someone is refreshing a token that still works: use it meanwhile.
            (Err(_), Some(token)) => return Ok(token),
            (Err(_), None) => self.fetch.lock().await,
        };
        if self.generation.load(Ordering::Acquire) != seen {
            // A fetch finished while we waited: share its outcome.
            if let Some(c) = &*self.current.read().unwrap_or_else(|e| e.into_inner())
                && Instant::now() < c.expires_at
            {
                return Ok(c.token.clone());
            }
            if let Some(e) = &state.last_error {
                return Err(e.clone());
            }
        }
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let result = fetch().await;
        let received = Instant::now();
        let outcome = match result {
            Ok(t) => {
                let life = Duration::from_secs(t.expires_in_secs);
                let early = if life > margin * 2 {
                    life - margin
                } else {
                    life / 2
                };
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Cached {
                    token: t.token.clone(),
                    refresh_at: received + early,
                    expires_at: received + life,
                });
                state.last_error = None;
                Ok(t.token)
            }
            Err(e) => {
                state.last_error = Some(e.clone());
                Err(e)
            }
        };
        self.generation.fetch_add(1, Ordering::AcqRel);
        outcome
    }

    /// Drops `token` if it is still the cached one (the carrier answered 401 with it).
    pub fn invalidate(&self, token: &Secret) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_some_and(|c| &c.token == token) {
            *current = None;
        }
    }

    /// How many token fetches this slot has started.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_fetch() {
        let slot = Arc::new(TokenSlot::default());
        let margin = Duration::from_secs(60);
        let calls = (0..100).map(|_| {
            let slot = slot.clone();
            async move {
                slot.get(margin, || async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok(AccessToken::new("t1", Duration::from_secs(3600)))
                })
                .await
            }
        });
        let tokens = futures::future::join_all(calls).await;
        assert!(tokens.iter().all(|t| t.as_ref().unwrap().expose() == "t1"));
        assert_eq!(slot.fetches(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn refreshes_before_expiry_and_after_invalidation() {
        let slot = TokenSlot::default();
        let margin = Duration::from_secs(60);
        let fetch = |t: &'static str| {
            move || async move { Ok(AccessToken::new(t, Duration::from_secs(600))) }
        };
        assert_eq!(slot.get(margin, fetch("a")).await.unwrap().expose(), "a");
        tokio::time::advance(Duration::from_secs(539)).await;
        assert_eq!(slot.get(margin, fetch("b")).await.unwrap().expose(), "a");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(slot.get(margin, fetch("b")).await.unwrap().expose(), "b");
        slot.invalidate(&Secret::new("b"));
        assert_eq!(slot.get(margin, fetch("c")).await.unwrap().expose(), "c");
        assert_eq!(slot.fetches(), 3);
    }

    #[tokio::test]
    async fn errors_are_shared_by_waiters_not_cached() {
        let slot = TokenSlot::default();
        let margin = Duration::from_secs(60);
        let err = slot
            .get(margin, || async { Err(Error::config("bad client id")) })
            .await
            .unwrap_err();
        assert_eq!(err.message, "bad client id");
        let ok = slot
            .get(margin, || async {
                Ok(AccessToken::new("t", Duration::from_secs(600)))
            })
            .await;
        assert!(ok.is_ok());
    }
}
