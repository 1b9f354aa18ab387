//! Loads under way, by key: the first miss for a key loads it, identical misses meanwhile wait
//! for its result — an answer or an error, shared with every waiter and never stored.
//!
//! If the loading call is dropped before it finishes (its caller gave up), its waiters are
//! woken and one of them loads instead: nobody waits on a load that no one is running.

use std::collections::HashMap;
use std::sync::Mutex;

use shipmux_core::Error;
use tokio::sync::watch;

use super::{Entry, QuoteKey};

/// What a finished load produced.
type Outcome = Option<Result<Entry, Error>>;

/// The loads under way.
#[derive(Default)]
pub(super) struct InFlight {
    loads: Mutex<HashMap<QuoteKey, watch::Receiver<Outcome>>>,
}

/// A caller's part in a load of one key.
pub(super) enum Turn<'a> {
    /// Nobody is loading the key: this caller does, and must [`finish`](Loader::finish).
    Load(Loader<'a>),
    /// Another call is loading the key: wait for its result with [`wait`].
    Wait(watch::Receiver<Outcome>),
}

impl InFlight {
    /// Joins the load of `key`, or starts it.
    pub(super) fn join(&self, key: &QuoteKey) -> Turn<'_> {
        let mut loads = self.loads.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(load) = loads.get(key) {
            return Turn::Wait(load.clone());
        }
        let (sender, receiver) = watch::channel(None);
        loads.insert(key.clone(), receiver.clone());
        Turn::Load(Loader {
            loads: self,
            key: key.clone(),
            sender,
            receiver,
        })
    }

    /// Forgets `load` of `key` (if it is still the one under way).
    fn end(&self, key: &QuoteKey, load: &watch::Receiver<Outcome>) {
        let mut loads = self.loads.lock().unwrap_or_else(|e| e.into_inner());
        if loads.get(key).is_some_and(|r| r.same_channel(load)) {
            loads.remove(key);
        }
    }
}

/// The result of the load being waited for; `None` if its caller dropped it unfinished (then
/// [`InFlight::join`] again).
pub(super) async fn wait(mut load: watch::Receiver<Outcome>) -> Option<Result<Entry, Error>> {
    let outcome = load.wait_for(Option::is_some).await.ok()?;
    outcome.clone()
}

/// The one call loading a key.
pub(super) struct Loader<'a> {
    loads: &'a InFlight,
    key: QuoteKey,
    sender: watch::Sender<Outcome>,
    /// The receiving end of this load, as registered in [`InFlight`].
    receiver: watch::Receiver<Outcome>,
}

impl Loader<'_> {
    /// Hands `result` to every waiter; later calls no longer join this load (store an answer
    /// before finishing, so that they find it).
    pub(super) fn finish(self, result: &Result<Entry, Error>) {
        self.loads.end(&self.key, &self.receiver);
        self.sender.send_replace(Some(result.clone()));
    }
}

impl Drop for Loader<'_> {
    fn drop(&mut self) {
        // Unfinished (dropped mid-load) or finished: either way the key is no longer loading;
        // dropping the sender wakes waiters that got no result.
        self.loads.end(&self.key, &self.receiver);
    }
}
