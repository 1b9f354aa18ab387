//! How far an order is fulfilled, derived from its shipments and their tracking.
//!
//! Nothing is stored: the state follows from what was shipped (quantities) and, for
//! `delivered`, from what the carriers say. Unlike BigCommerce's stored status, deleting a
//! shipment therefore moves the order back to partially shipped or unshipped.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::order::Order;
use super::shipment::Shipment;
use crate::error::Result;
use crate::model::{Status, Tracking};

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FulfilmentState {
    /// Nothing shipped yet.
    Unshipped,
    /// Some items shipped, some not.
    PartiallyShipped,
    /// Every item shipped.
    Shipped,
    /// Every item shipped and every shipment's tracking says delivered.
    Delivered,
}

/// One line item at one address: ordered and shipped quantities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineFulfilment {
    /// The shipping address.
    pub address_id: String,
    /// The line item.
    pub item_id: String,
    /// How many go to the address.
    pub ordered: u32,
    /// How many the shipments carry.
    pub shipped: u32,
}

/// An order's fulfilment: its state and the quantities behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fulfilment {
    /// The state.
    pub state: FulfilmentState,
    /// Items ordered (physical units, over all addresses).
    pub items_total: u32,
    /// Items shipped.
    pub items_shipped: u32,
    /// Per address and line item.
    pub lines: Vec<LineFulfilment>,
}

impl Fulfilment {
    /// The fulfilment of `order`, given each shipment's tracking status where known.
    pub fn of(order: &Order, status_of: impl Fn(&Shipment) -> Option<Status>) -> Fulfilment {
        let mut lines = Vec::new();
        for address in order.shipping_addresses() {
            for item in &address.items {
                lines.push(LineFulfilment {
                    address_id: address.id.clone(),
                    item_id: item.item_id.clone(),
                    ordered: item.quantity,
                    shipped: order.shipped_quantity(&address.id, &item.item_id),
                });
            }
        }
        let items_total = lines.iter().map(|l| l.ordered).sum();
        let items_shipped = lines.iter().map(|l| l.shipped).sum();
        let delivered = || {
            order
                .shipments()
                .iter()
                .all(|s| status_of(s) == Some(Status::Delivered))
        };
        let state = if items_shipped == 0 {
            FulfilmentState::Unshipped
        } else if items_shipped < items_total {
            FulfilmentState::PartiallyShipped
        } else if delivered() {
            FulfilmentState::Delivered
        } else {
            FulfilmentState::Shipped
        };
        Fulfilment {
            state,
            items_total,
            items_shipped,
            lines,
        }
    }

    /// The fulfilment of `order` given tracking results per shipment id (as `track_order`
    /// returns them); a shipment whose tracking failed or is missing is not delivered.
    pub fn with_tracking(order: &Order, tracking: &[(String, Result<Tracking>)]) -> Fulfilment {
        let statuses: HashMap<&str, Status> = tracking
            .iter()
            .filter_map(|(id, result)| Some((id.as_str(), result.as_ref().ok()?.status)))
            .collect();
        Fulfilment::of(order, |s| statuses.get(s.id.as_str()).copied())
    }
}
