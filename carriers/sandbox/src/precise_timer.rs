//! A sub-millisecond timer for simulated latency.
//!
//! tokio's timer counts whole milliseconds and rounds every deadline up to the next one, and
//! the wait for it is rounded up again, so a simulated 50 ms answer would leave after 51–52 ms.
//! Here one thread keeps the deadlines in a heap and sleeps on a condition variable until the
//! earliest (the kernel's timeout has microsecond precision), then wakes that answer's task.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Instant;

use tokio::sync::oneshot;

/// Waits until `at`, to within tens of microseconds; returns at once if `at` has passed.
pub(crate) async fn sleep_until(at: Instant) {
    if at <= Instant::now() {
        return;
    }
    let (wake, woken) = oneshot::channel();
    timer().schedule(at, wake);
    // The timer thread never drops a sender without sending, and lives as long as the process.
    let _ = woken.await;
}

struct Entry {
    at: Instant,
    seq: u64,
    wake: oneshot::Sender<()>,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

#[derive(Default)]
struct Deadlines {
    heap: BinaryHeap<Reverse<Entry>>,
    seq: u64,
}

struct Timer {
    deadlines: Mutex<Deadlines>,
    changed: Condvar,
}

fn timer() -> &'static Timer {
    static TIMER: OnceLock<&'static Timer> = OnceLock::new();
    TIMER.get_or_init(|| {
        let timer: &'static Timer = Box::leak(Box::new(Timer {
            deadlines: Mutex::new(Deadlines::default()),
            changed: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("sandbox-latency".into())
            .spawn(move || timer.run())
            .expect("the sandbox latency thread starts");
        timer
    })
}

impl Timer {
    fn schedule(&self, at: Instant, wake: oneshot::Sender<()>) {
        let mut d = self.deadlines.lock().unwrap_or_else(|p| p.into_inner());
        d.seq += 1;
        let seq = d.seq;
        let earliest = d.heap.peek().is_none_or(|Reverse(e)| at < e.at);
        d.heap.push(Reverse(Entry { at, seq, wake }));
        drop(d);
        if earliest {
            self.changed.notify_one();
        }
    }

    fn run(&self) {
        let mut d = self.deadlines.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let now = Instant::now();
            while d.heap.peek().is_some_and(|Reverse(e)| e.at <= now) {
                if let Some(Reverse(e)) = d.heap.pop() {
                    // The answer's task may be gone (its client hung up): nothing to wake.
                    let _ = e.wake.send(());
                }
            }
            d = match d.heap.peek().map(|Reverse(e)| e.at - now) {
                Some(wait) => {
                    self.changed
                        .wait_timeout(d, wait)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
                None => self.changed.wait(d).unwrap_or_else(|p| p.into_inner()),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn wakes_every_sleeper_at_or_after_its_deadline_in_order() {
        let start = Instant::now();
        let sleepers: Vec<_> = [30u64, 10, 20, 10, 0]
            .into_iter()
            .map(|ms| {
                tokio::spawn(async move {
                    let at = start + Duration::from_millis(ms);
                    sleep_until(at).await;
                    (at, Instant::now())
                })
            })
            .collect();
        for s in sleepers {
            let (at, woke) = s.await.unwrap();
            assert!(woke >= at, "woke {:?} before its deadline", at - woke);
        }
    }
}
