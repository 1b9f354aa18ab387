//! The load test's store and checkouts: a US zone offering one real-time method per chosen
//! carrier, and one-consignment checkouts (one parcel) whose destination — postcode, then
//! weight by the ounce — is drawn from `distinct` keys.

use rust_decimal::Decimal;
use serde_json::json;
use shipmux_core::checkout::{Checkout, Consignment, ConsignmentLine, LineItem};
use shipmux_core::rules::ZoneMatcher;
use shipmux_core::{Address, CarrierId, Currency, Error, Weight};

/// US five-digit postcodes used for destinations (10000..99999).
const POSTCODES: u64 = 90_000;

/// Where the load-test checkouts ship from unless `--from` says otherwise.
pub fn default_origin() -> Address {
    Address::new("US", "90210").with_region("CA")
}

/// The currency of a store shipping from `origin`: Canadian dollars from Canada, US dollars
/// elsewhere (the load test configures no exchange rates, and Canada Post prices in CAD).
fn store_currency(origin: &Address) -> Currency {
    match origin.country.as_str() {
        "CA" => Currency::cad(),
        _ => Currency::usd(),
    }
}

/// Why `carrier` cannot quote the load test's checkouts from `origin`, or `None` when it can.
pub fn refusal(carrier: &CarrierId, origin: &Address) -> Option<String> {
    let builtin = shipmux_host::builtin(carrier.as_str())?;
    let sample = checkout(origin, 0).ok()?;
    let request = shipmux_core::RateRequest {
        origin: sample.origin.clone(),
        destination: sample.consignments[0].address.clone(),
        parcels: Vec::new(),
        services: None,
        ship_date: None,
    };
    builtin.carrier.reach.refusal(&request).map(|why| {
        format!("{carrier} cannot be load-tested here: it {why}, and the load test's checkouts ship from {} to {} (--from sets where from)", request.origin.country, request.destination.country)
    })
}

/// The built-in carriers that can quote the load test's checkouts from `origin`, in order.
pub fn default_carriers(origin: &Address) -> Vec<CarrierId> {
    shipmux_host::builtins()
        .iter()
        .map(|b| b.carrier.carrier_id())
        .filter(|c| refusal(c, origin).is_none())
        .collect()
}

/// A store with one US zone whose methods are a real-time method per carrier.
pub fn rules(carriers: &[CarrierId]) -> Result<ZoneMatcher, Error> {
    serde_json::from_value(rules_json(carriers))
        .map_err(|e| Error::config(format!("load-test rules: {e}")))
}

/// [`rules`] as the rules JSON a config's `[rules] file` names.
pub fn rules_json(carriers: &[CarrierId]) -> serde_json::Value {
    let methods: Vec<_> = carriers
        .iter()
        .map(|c| json!({"id": c.as_str(), "name": c.as_str(), "type": "real_time", "carrier": c.as_str()}))
        .collect();
    json!({"zones": [{
        "id": "us", "name": "United States", "type": "country",
        "locations": [{"country": "US"}],
        "methods": methods,
    }]})
}

/// Cache entries for `distinct` keys quoted by `carriers` carriers, with a quarter to spare
/// (the cache's shards fill unevenly, and one that is full evicts).
pub fn cache_capacity(distinct: u32, carriers: usize) -> u64 {
    (u64::from(distinct) * carriers as u64 * 5 / 4).max(10_000)
}

/// The checkout of key `key` from `origin`: the same key always gives the same shipment (one
/// cache entry per carrier), different keys different shipments.
pub fn checkout(origin: &Address, key: u64) -> Result<Checkout, Error> {
    let postcode = format!("{:05}", 10_000 + key % POSTCODES);
    // Beyond 90,000 keys the weight changes by whole ounces, a new billable step each time.
    let ounces = 16 + key / POSTCODES;
    let weight = Weight::oz(Decimal::from(ounces));
    Checkout::new(
        origin.clone(),
        store_currency(origin),
        vec![LineItem::new("item", 1, Decimal::new(2500, 2), weight)],
        vec![Consignment::new(
            "c1",
            Address::new("US", &postcode).residential(true),
            vec![ConsignmentLine::new("item", 1)],
        )],
    )
}

/// Which key quote number `n` uses: spread evenly over `distinct` keys, in a scrambled order
/// (splitmix64), the same in every run.
pub fn key_for(n: u64, distinct: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) % distinct.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_in_range_and_checkouts_differ_by_key() {
        for n in 0..1000 {
            assert!(key_for(n, 7) < 7);
        }
        let a = checkout(&default_origin(), 1).unwrap();
        let b = checkout(&default_origin(), 90_001).unwrap();
        assert_eq!(a.consignments[0].address, b.consignments[0].address);
        assert_ne!(a.line_items[0].weight, b.line_items[0].weight);
        let rules = rules(&[CarrierId::from_static("ups")]).unwrap();
        assert!(rules.zone_for(&a.consignments[0].address).is_ok());
    }
}
