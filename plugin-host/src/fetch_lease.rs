//! One fetch for the whole fleet: how replicas sharing a store (Redis) agree on which of them
//! asks a carrier for something they all want — a quote's rates, an account's OAuth token —
//! while the others wait for its answer.
//!
//! A process looks in the store; on a miss it tries to take the key's short *fetch lease*
//! (`SET NX PX`). The holder fetches and stores the answer, which also ends the lease. The
//! others look again every few milliseconds until the answer is there, or the lease lapses
//! (its holder died or is slow) and one of them takes it over. A holder looks once more
//! after taking the lease: the previous holder may have stored its answer and ended its lease
//! between our miss and our take. A store that is unavailable answers `None` and the process
//! fetches for itself, as it would without one.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// What a lookup in the shared store found.
pub enum Lookup<V> {
    /// The answer another process stored.
    Found(V),
    /// Nothing there.
    Missing,
    /// The store did not answer.
    Unavailable,
}

/// How the fetch lease is used.
#[derive(Clone, Copy, Debug)]
pub struct LeaseTiming {
    /// How long a holder may take before another process takes over.
    pub lease: Duration,
    /// How often a waiting process looks for the holder's answer.
    pub poll: Duration,
}

/// The waiter's deadline passed while another process held the lease.
#[derive(Debug, PartialEq, Eq)]
pub struct WaitedPastDeadline;

/// The answer another process stored — waiting while one holds the fetch lease — or `None`
/// when this process must fetch: it now holds the lease (and must store its answer, or call
/// `release` on failure), or the store is unavailable. `look` reads the store, `take` tries
/// to take the lease (`Some(true)` taken, `Some(false)` held elsewhere, `None` unavailable),
/// `release` ends a lease this process took but does not need. Never waits past `deadline`;
/// without one, the caller bounds the wait by dropping the future.
pub async fn found_or_leased<V, Look, LookFut, Take, TakeFut, Release, ReleaseFut>(
    timing: LeaseTiming,
    deadline: Option<Instant>,
    mut look: Look,
    mut take: Take,
    release: Release,
) -> Result<Option<V>, WaitedPastDeadline>
where
    Look: FnMut() -> LookFut,
    LookFut: Future<Output = Lookup<V>>,
    Take: FnMut(Duration) -> TakeFut,
    TakeFut: Future<Output = Option<bool>>,
    Release: FnOnce() -> ReleaseFut,
    ReleaseFut: Future<Output = ()>,
{
    loop {
        match look().await {
            Lookup::Found(v) => return Ok(Some(v)),
            Lookup::Unavailable => return Ok(None),
            Lookup::Missing => {}
        }
        match take(timing.lease).await {
            Some(false) => {
                if deadline.is_some_and(|d| Instant::now() + timing.poll >= d) {
                    return Err(WaitedPastDeadline);
                }
                tokio::time::sleep(timing.poll).await;
            }
            Some(true) => {
                // The last holder may have answered between our miss and our take.
                return Ok(match look().await {
                    Lookup::Found(v) => {
                        release().await;
                        Some(v)
                    }
                    Lookup::Missing | Lookup::Unavailable => None,
                });
            }
            None => return Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A store of one value and one lease, in memory.
    #[derive(Default)]
    struct Store {
        value: Mutex<Option<u32>>,
        leased: Mutex<bool>,
        released: Mutex<u32>,
    }

    const TIMING: LeaseTiming = LeaseTiming {
        lease: Duration::from_secs(3),
        poll: Duration::from_millis(5),
    };

    async fn ask(
        store: &Store,
        deadline: Option<Instant>,
    ) -> Result<Option<u32>, WaitedPastDeadline> {
        found_or_leased(
            TIMING,
            deadline,
            || async {
                store
                    .value
                    .lock()
                    .unwrap()
                    .map_or(Lookup::Missing, Lookup::Found)
            },
            |_| async {
                let mut leased = store.leased.lock().unwrap();
                Some(!std::mem::replace(&mut *leased, true))
            },
            || async {
                *store.leased.lock().unwrap() = false;
                *store.released.lock().unwrap() += 1;
            },
        )
        .await
    }

    #[tokio::test]
    async fn a_stored_answer_is_found_and_a_miss_takes_the_lease() {
        let store = Store::default();
        assert_eq!(ask(&store, None).await, Ok(None));
        assert!(*store.leased.lock().unwrap());
        *store.value.lock().unwrap() = Some(7);
        assert_eq!(ask(&store, None).await, Ok(Some(7)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_gets_the_holders_answer_or_gives_up_at_its_deadline() {
        let store = Store::default();
        *store.leased.lock().unwrap() = true;
        let deadline = Instant::now() + Duration::from_millis(50);
        assert_eq!(ask(&store, Some(deadline)).await, Err(WaitedPastDeadline));

        let waiting = ask(&store, None);
        let answering = async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            *store.value.lock().unwrap() = Some(9);
            *store.leased.lock().unwrap() = false;
        };
        let (got, ()) = tokio::join!(waiting, answering);
        assert_eq!(got, Ok(Some(9)));
    }

    #[tokio::test]
    async fn a_lease_taken_just_after_the_last_holder_answered_is_given_back() {
        // The answer appears between the miss and the take: the store answers `Missing`
        // once, then the value.
        let store = Store::default();
        let looks = Mutex::new(0);
        let got = found_or_leased(
            TIMING,
            None,
            || async {
                let mut n = looks.lock().unwrap();
                *n += 1;
                if *n == 1 {
                    Lookup::Missing
                } else {
                    Lookup::Found(5)
                }
            },
            |_| async { Some(true) },
            || async { *store.released.lock().unwrap() += 1 },
        )
        .await;
        assert_eq!(got, Ok(Some(5)));
        assert_eq!(*store.released.lock().unwrap(), 1);
    }
}
