//! Tracking every shipment of an order through the host's carriers.
//!
//! [`track_order`] groups an order's shipments by tracking carrier, asks each carrier for all
//! its numbers at once (in batches of the carrier's `tracking_batch`, e.g. 35 for USPS v3r2)
//! and runs the carriers concurrently. Every shipment gets its own answer: the normalized
//! [`Tracking`], or a typed error — one failing carrier never costs the others.
//!
//! ```no_run
//! use std::sync::Arc;
//! use shipmux_core::Carrier;
//! use shipmux_core::orders::{Fulfilment, Order};
//!
//! # async fn example(order: Order, carriers: Vec<Arc<dyn Carrier>>) {
//! let results = shipmux_host::orders::track_order(&order, &carriers).await;
//! for (shipment, result) in &results {
//!     match result {
//!         Ok(tracking) => println!("{shipment}: {:?}", tracking.status),
//!         Err(error) => println!("{shipment}: {error}"),
//!     }
//! }
//! println!("{:?}", Fulfilment::with_tracking(&order, &results).state);
//! # }
//! ```

use std::sync::Arc;

use futures::future::join_all;
use shipmux_core::orders::Order;
use shipmux_core::{Carrier, CarrierId, Error, ErrorKind, Result, Tracking, TrackingNumber};

/// A tracking number with the index of its shipment in the order.
type Numbered = (usize, TrackingNumber);

/// One result per shipment of `order`, in the order's shipment order: `(shipment id, tracking
/// or error)`. `carriers` are the host's carriers, found by id. A shipment without a tracking
/// number is `invalid_request`; one whose carrier the host does not have, or that does not
/// track, is `unsupported`.
pub async fn track_order(
    order: &Order,
    carriers: &[Arc<dyn Carrier>],
) -> Vec<(String, Result<Tracking>)> {
    track_order_with(order, |id| {
        carriers.iter().find(|c| &c.info().id == id).cloned()
    })
    .await
}

/// [`track_order`] with the carriers found by `lookup` (a registry, a map …).
pub async fn track_order_with(
    order: &Order,
    lookup: impl Fn(&CarrierId) -> Option<Arc<dyn Carrier>>,
) -> Vec<(String, Result<Tracking>)> {
    let shipments = order.shipments();
    let mut results: Vec<Option<Result<Tracking>>> = vec![None; shipments.len()];

    // Shipment indexes per carrier, in order of first appearance.
    let mut groups: Vec<(Arc<dyn Carrier>, Vec<Numbered>)> = Vec::new();
    for (index, shipment) in shipments.iter().enumerate() {
        let Some(number) = shipment.tracking_number.clone() else {
            results[index] = Some(Err(Error::invalid_request(
                "tracking_number",
                format!("shipment `{}` has no tracking number to track", shipment.id),
            )));
            continue;
        };
        let Some(carrier_id) = shipment.tracking_carrier.as_ref() else {
            results[index] = Some(Err(Error::invalid_request(
                "tracking_carrier",
                format!("shipment `{}` names no tracking carrier", shipment.id),
            )));
            continue;
        };
        let Some(carrier) = lookup(carrier_id) else {
            results[index] = Some(Err(Error::unsupported(format!(
                "carrier `{carrier_id}` is not configured in this host"
            ))
            .with_carrier(carrier_id)));
            continue;
        };
        if !carrier.info().capabilities.tracking {
            results[index] = Some(Err(Error::unsupported(format!(
                "carrier `{carrier_id}` does not offer tracking"
            ))
            .with_carrier(carrier_id)));
            continue;
        }
        match groups.iter_mut().find(|(c, _)| &c.info().id == carrier_id) {
            Some((_, numbers)) => numbers.push((index, number)),
            None => groups.push((carrier, vec![(index, number)])),
        }
    }

    let batches = groups.iter().flat_map(|(carrier, numbers)| {
        let size = carrier.info().capabilities.tracking_batch;
        // Carriers without batches get every number in one call: their `track_many`
        // tracks each concurrently.
        let size = if size > 1 { size } else { numbers.len().max(1) };
        numbers
            .chunks(size)
            .map(move |chunk| track_batch(carrier.as_ref(), chunk))
    });
    for answers in join_all(batches).await {
        for (index, result) in answers {
            results[index] = Some(result);
        }
    }

    shipments
        .iter()
        .zip(results)
        .map(|(shipment, result)| {
            let result = result.unwrap_or_else(|| {
                Err(Error::new(
                    ErrorKind::Parse,
                    "no tracking result was produced",
                ))
            });
            (shipment.id.clone(), result)
        })
        .collect()
}

/// Tracks one batch and pairs each answer with its shipment index; a carrier answering fewer
/// results than numbers gets a `parse` error for each missing one.
async fn track_batch(carrier: &dyn Carrier, chunk: &[Numbered]) -> Vec<(usize, Result<Tracking>)> {
    let numbers: Vec<TrackingNumber> = chunk.iter().map(|(_, n)| n.clone()).collect();
    let mut answers = carrier.track_many(&numbers).await.into_iter();
    chunk
        .iter()
        .map(|(index, number)| {
            let result = answers.next().unwrap_or_else(|| {
                Err(
                    Error::parse(format!("the carrier returned no result for {number}"))
                        .with_carrier(&carrier.info().id),
                )
            });
            (*index, result)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use shipmux_core::orders::{NewShipment, Order};
    use shipmux_core::{Capabilities, CarrierInfo, Rate, RateRequest, Status};

    use super::*;

    /// Tracks by table; records the size of every batch; fails numbers ending in 0.
    struct Recorder {
        info: CarrierInfo,
        batches: Mutex<Vec<usize>>,
    }

    impl Recorder {
        fn new(id: &str, batch: usize) -> Arc<Recorder> {
            Arc::new(Recorder {
                info: CarrierInfo {
                    id: CarrierId::new(id).unwrap(),
                    name: id.to_uppercase(),
                    services: vec![],
                    capabilities: Capabilities {
                        tracking: true,
                        tracking_batch: batch,
                        ..Capabilities::default()
                    },
                },
                batches: Mutex::new(Vec::new()),
            })
        }
    }

    #[async_trait]
    impl Carrier for Recorder {
        fn info(&self) -> &CarrierInfo {
            &self.info
        }
        async fn connect(&self) -> Result<()> {
            Ok(())
        }
        async fn quote(&self, _: &RateRequest) -> Result<Vec<Rate>> {
            Ok(vec![])
        }
        async fn track(&self, number: &TrackingNumber) -> Result<Tracking> {
            if number.as_str().ends_with('0') {
                return Err(Error::new(ErrorKind::NotFound, "unknown").with_carrier(&self.info.id));
            }
            Ok(Tracking {
                carrier: self.info.id.clone(),
                tracking_number: number.to_string(),
                status: Status::InTransit,
                estimated_delivery: None,
                delivered_at: None,
                signed_by: None,
                events: vec![],
            })
        }
        async fn track_many(&self, numbers: &[TrackingNumber]) -> Vec<Result<Tracking>> {
            self.batches.lock().unwrap().push(numbers.len());
            let mut out = Vec::new();
            for n in numbers {
                out.push(self.track(n).await);
            }
            out
        }
    }

    /// An order with one unit per shipment, each shipped alone with its (carrier, number);
    /// an empty number ships untracked. Carriers are named, so the made-up ones are only
    /// checked on syntax.
    fn order(shipments: &[(&str, &str)]) -> Order {
        let json = serde_json::json!({
            "id": "1", "currency": "USD",
            "line_items": [{"id": "1", "product_id": "1", "quantity": shipments.len().max(1),
                            "weight": {"value": "1", "unit": "lb"}, "price": "1.00"}],
            "shipping_addresses": [{"id": "a", "address": {"country": "US", "postal_code": "10001"},
                                    "items": [{"item_id": "1", "quantity": shipments.len().max(1)}]}]
        });
        let mut order: Order = serde_json::from_value(json).unwrap();
        for (carrier, number) in shipments {
            let mut new = NewShipment::to("a").item("1", 1);
            if !number.is_empty() {
                new = new.tracking(Some(carrier), number);
            }
            order.create_shipment(new).unwrap();
        }
        order
    }

    #[tokio::test]
    async fn numbers_are_batched_per_carrier_and_answers_keep_shipment_order() {
        let usps = Recorder::new("usps-like", 35);
        let acme = Recorder::new("acme", 0);
        let mut shipments: Vec<(String, String)> = (0..40)
            .map(|i| ("usps-like".to_string(), format!("NUM{i:04}1")))
            .collect();
        shipments.insert(3, ("acme".into(), "ACME00011".into()));
        shipments.insert(5, ("acme".into(), "ACME00020".into()));
        let refs: Vec<(&str, &str)> = shipments
            .iter()
            .map(|(c, n)| (c.as_str(), n.as_str()))
            .collect();
        let order = order(&refs);
        let carriers: Vec<Arc<dyn Carrier>> = vec![usps.clone(), acme.clone()];

        let results = track_order(&order, &carriers).await;

        assert_eq!(results.len(), 42);
        let ids: Vec<&str> = results.iter().map(|(id, _)| id.as_str()).collect();
        let expected: Vec<String> = order.shipments().iter().map(|s| s.id.clone()).collect();
        assert_eq!(ids, expected);
        for ((_, result), shipment) in results.iter().zip(order.shipments()) {
            let number = shipment.tracking_number.as_ref().unwrap().as_str();
            match result {
                Ok(t) => assert_eq!(t.tracking_number, number),
                Err(e) => {
                    assert_eq!(number, "ACME00020");
                    assert_eq!(e.kind, ErrorKind::NotFound);
                }
            }
        }
        let mut usps_batches = usps.batches.lock().unwrap().clone();
        usps_batches.sort();
        assert_eq!(usps_batches, vec![5, 35]);
        assert_eq!(*acme.batches.lock().unwrap(), vec![2]);
    }

    #[tokio::test]
    async fn shipments_that_cannot_be_tracked_get_typed_errors() {
        let order = order(&[("acme", "ACME00011"), ("dhl", "JD0123456789"), ("acme", "")]);
        let carriers: Vec<Arc<dyn Carrier>> = vec![Recorder::new("acme", 0)];
        let results = track_order(&order, &carriers).await;
        assert!(results[0].1.is_ok());
        let missing = results[1].1.as_ref().unwrap_err();
        assert_eq!(missing.kind, ErrorKind::Unsupported);
        assert_eq!(missing.carrier.as_ref().unwrap().as_str(), "dhl");
        let untracked = results[2].1.as_ref().unwrap_err();
        assert_eq!(untracked.kind, ErrorKind::InvalidRequest);
        assert!(untracked.message.contains("no tracking number"));
    }
}
