//! OAuth token cache: one slot per (carrier, account and environment), refreshed before
//! expiry, fetched once however many calls wait for it — and however they come and go: the
//! fetch runs in its own task, so a caller cancelled by its deadline does not cancel it and the
//! next caller joins it instead of starting another.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use shipmux_core::{AccessToken, CarrierId, Error, ErrorKind, Result, Secret};
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

/// A fetch in flight: every waiter polls the same shared handle of the fetch task.
type Pending = Shared<BoxFuture<'static, Result<Secret>>>;

#[derive(Default)]
struct InFlight {
    /// Which fetch this is (so a finished fetch clears only itself).
    id: u64,
    pending: Option<Pending>,
}

#[derive(Default)]
struct SlotState {
    current: RwLock<Option<Cached>>,
    in_flight: Mutex<InFlight>,
}

impl SlotState {
    /// Stores what the fetch `id` got (a token; errors are not kept) and ends it, so the next
    /// caller after an error starts a new fetch.
    fn finish(&self, id: u64, result: Result<AccessToken>, margin: Duration) -> Result<Secret> {
        let received = Instant::now();
        let outcome = result.map(|t| {
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
            t.token
        });
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if in_flight.id == id {
            in_flight.pending = None;
        }
        outcome
    }
}

/// One account's token. Readers take the cached token without waiting; when it is due, one
/// fetch runs (in its own task) and every caller that needs the token meanwhile waits for it
/// and shares its result, error included, so a broken token endpoint gets one request, not one
/// per waiting call. A caller that gives up (its deadline passed) leaves the fetch running for
/// the others; the fetch is bounded by the deadline of the call that started it.
#[derive(Default)]
pub struct TokenSlot {
    state: Arc<SlotState>,
    fetches: AtomicU64,
}

impl std::fmt::Debug for TokenSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSlot")
            .field("fetches", &self.fetches())
            .finish_non_exhaustive()
    }
}

impl TokenSlot {
    /// The cached token, or the one `fetch` gets. A token is refreshed `margin` before it
    /// expires (or at half its life when that is shorter); while one call refreshes a token
    /// that is still valid, other calls keep using it.
    ///
    /// `fetch` is run in a tokio task of its own (so this needs a tokio runtime); its result
    /// is shared with every caller waiting at the time, and stored even when none is left.
    pub async fn get<F, Fut>(&self, margin: Duration, fetch: F) -> Result<Secret>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken>> + Send + 'static,
    {
        let now = Instant::now();
        let still_valid = match self.cached(now) {
            (Some(token), true) => return Ok(token),
            (token, _) => token,
        };
        let pending = {
            let mut in_flight = self
                .state
                .in_flight
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            match (&in_flight.pending, still_valid) {
                // Someone is refreshing a token that still works: use it meanwhile.
                (Some(_), Some(token)) => return Ok(token),
                (Some(pending), None) => pending.clone(),
                (None, _) => {
                    // A fetch may have finished since we looked.
                    if let (Some(token), true) = self.cached(Instant::now()) {
                        return Ok(token);
                    }
                    in_flight.id += 1;
                    let id = in_flight.id;
                    self.fetches.fetch_add(1, Ordering::Relaxed);
                    let state = self.state.clone();
                    let work = fetch();
                    let task = tokio::spawn(async move {
                        let result = work.await;
                        state.finish(id, result, margin)
                    });
                    let pending: Pending = async move {
                        task.await.unwrap_or_else(|e| {
                            Err(Error::new(
                                ErrorKind::Unavailable,
                                format!("the token fetch did not finish: {e}"),
                            ))
                        })
                    }
                    .boxed()
                    .shared();
                    in_flight.pending = Some(pending.clone());
                    pending
                }
            }
        };
        pending.await
    }

    /// (the cached token if it may still be used, whether it is not yet due for a refresh).
    fn cached(&self, now: Instant) -> (Option<Secret>, bool) {
        let current = self.state.current.read().unwrap_or_else(|e| e.into_inner());
        match &*current {
            Some(c) if now < c.refresh_at => (Some(c.token.clone()), true),
            Some(c) if now < c.expires_at => (Some(c.token.clone()), false),
            _ => (None, false),
        }
    }

    /// Drops `token` if it is still the cached one (the carrier answered 401 with it).
    pub fn invalidate(&self, token: &Secret) {
        let mut current = self
            .state
            .current
            .write()
            .unwrap_or_else(|e| e.into_inner());
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
    use std::sync::atomic::AtomicU32;

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

    /// Callers cancelled by their deadline while the token endpoint hangs: each new caller
    /// joins the one fetch already running instead of starting another, and the token it
    /// finally gets is kept even though nobody who was waiting for it is left.
    #[tokio::test(start_paused = true)]
    async fn cancelled_callers_do_not_restart_the_fetch() {
        let slot = TokenSlot::default();
        let margin = Duration::from_secs(60);
        let started = Arc::new(AtomicU32::new(0));
        let fetch = || {
            let started = started.clone();
            move || async move {
                started.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_secs(5)).await;
                Ok(AccessToken::new("slow", Duration::from_secs(600)))
            }
        };
        for _ in 0..40 {
            let gave_up =
                tokio::time::timeout(Duration::from_millis(100), slot.get(margin, fetch())).await;
            assert!(
                gave_up.is_err(),
                "the fetch hangs past every caller's deadline"
            );
        }
        assert_eq!(slot.fetches(), 1);
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(started.load(Ordering::Relaxed), 1);
        // Finished with no caller left: the token is cached, nothing is fetched again.
        assert_eq!(slot.get(margin, fetch()).await.unwrap().expose(), "slow");
        assert_eq!(slot.fetches(), 1);
        assert_eq!(started.load(Ordering::Relaxed), 1);
    }

    /// After a failed fetch, the next caller starts a new one (errors are not cached), and a
    /// caller waiting on it when it fails gets the error.
    #[tokio::test(start_paused = true)]
    async fn a_failed_fetch_ends_so_the_next_caller_retries() {
        let slot = Arc::new(TokenSlot::default());
        let margin = Duration::from_secs(60);
        let waiter = {
            let slot = slot.clone();
            tokio::spawn(async move {
                slot.get(margin, || async {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    Err(Error::new(ErrorKind::Unavailable, "token endpoint down"))
                })
                .await
            })
        };
        tokio::task::yield_now().await;
        let joined = slot
            .get(margin, || async {
                unreachable!("joins the fetch in flight")
            })
            .await
            .unwrap_err();
        assert_eq!(joined.message, "token endpoint down");
        assert_eq!(
            waiter.await.unwrap().unwrap_err().message,
            "token endpoint down"
        );
        let ok = slot
            .get(margin, || async {
                Ok(AccessToken::new("t", Duration::from_secs(600)))
            })
            .await
            .unwrap();
        assert_eq!(ok.expose(), "t");
        assert_eq!(slot.fetches(), 2);
    }
}
