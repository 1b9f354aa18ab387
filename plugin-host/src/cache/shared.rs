//! Identical answers share one rate list.
//!
//! Carriers price by zone and billable weight, so the many postcodes of one zone get the same
//! rates: a cache of 100,000 destinations holds a few hundred distinct answers. Each answer is
//! stored once (hash-consed) and every entry with the same rates points at it.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, Weak};

use shipmux_core::{Charge, Rate};

/// Rate lists by content. Only entries (through their `Arc`) keep a list alive; the table
/// holds weak references and forgets dead ones as it grows.
#[derive(Default)]
pub(super) struct SharedRates {
    hasher: RandomState,
    table: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    by_hash: HashMap<u64, Vec<Weak<Vec<Rate>>>>,
    /// Weak references held.
    len: usize,
    /// `len` after the last sweep: sweep again when it has doubled.
    swept: usize,
}

/// A sweep is not worth it below this many references.
const MIN_SWEEP: usize = 1024;

impl SharedRates {
    /// The shared list equal to `rates` (stored if new), and whether it was new.
    pub(super) fn share(&self, mut rates: Vec<Rate>) -> (Arc<Vec<Rate>>, bool) {
        let hash = self.hasher.hash_one(&rates);
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(same) = table.by_hash.get(&hash).and_then(|bucket| {
            bucket
                .iter()
                .filter_map(Weak::upgrade)
                .find(|held| **held == rates)
        }) {
            return (same, false);
        }
        rates.shrink_to_fit();
        let shared = Arc::new(rates);
        table
            .by_hash
            .entry(hash)
            .or_default()
            .push(Arc::downgrade(&shared));
        table.len += 1;
        if table.len >= MIN_SWEEP.max(2 * table.swept) {
            table.by_hash.retain(|_, bucket| {
                bucket.retain(|w| w.strong_count() > 0);
                !bucket.is_empty()
            });
            table.len = table.by_hash.values().map(Vec::len).sum();
            table.swept = table.len;
        }
        (shared, true)
    }

    /// Distinct lists currently held by someone.
    #[cfg(test)]
    pub(super) fn live(&self) -> usize {
        let table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        table
            .by_hash
            .values()
            .flatten()
            .filter(|w| w.strong_count() > 0)
            .count()
    }
}

/// Roughly what a rate list costs in memory (its `Vec`, every `Rate` and their text).
pub(super) fn rates_size(rates: &[Rate]) -> usize {
    std::mem::size_of::<Vec<Rate>>()
        + rates
            .iter()
            .map(|r| {
                std::mem::size_of::<Rate>()
                    + r.carrier.as_str().len()
                    + r.service.len()
                    + r.service_name.len()
                    + r.charges.len() * std::mem::size_of::<Charge>()
                    + r.charges
                        .iter()
                        .filter_map(|c| c.code.as_ref())
                        .map(String::len)
                        .sum::<usize>()
            })
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use shipmux_core::{CarrierId, Currency, Money};

    use super::*;

    fn rates(price: &str) -> Vec<Rate> {
        vec![Rate::new(
            CarrierId::from_static("ups"),
            "03",
            "UPS Ground",
            Money::new(price.parse().unwrap(), Currency::usd()),
        )]
    }

    #[test]
    fn equal_lists_are_stored_once_and_dropped_with_their_last_holder() {
        let shared = SharedRates::default();
        let (a, new_a) = shared.share(rates("9.99"));
        let (b, new_b) = shared.share(rates("9.99"));
        let (c, new_c) = shared.share(rates("10.00"));
        assert!(new_a && !new_b && new_c);
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(shared.live(), 2);
        drop((a, b));
        assert_eq!(shared.live(), 1);
        let (again, new) = shared.share(rates("9.99"));
        assert!(new, "a dropped list is stored anew");
        assert_eq!(again[0].total.amount.to_string(), "9.99");
    }

    #[test]
    fn dead_references_are_swept_as_the_table_grows() {
        let shared = SharedRates::default();
        for i in 0..10 * MIN_SWEEP {
            drop(shared.share(rates(&format!("{i}.00"))));
        }
        let len = shared.table.lock().unwrap().len;
        assert!(len <= 2 * MIN_SWEEP, "{len} references kept");
    }
}
