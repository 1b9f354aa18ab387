//! Orders, their shipping addresses, and the shipments that fulfil them.
//!
//! An [`Order`] is what a checkout becomes: line items, and shipping addresses (a checkout's
//! consignments) each receiving some of them by the method the shopper chose. [`Shipment`]s
//! send items to one address with a tracking number; the order checks every rule when one is
//! created, updated or deleted, and its [`Fulfilment`] follows from them. The
//! [`bigcommerce`] module reads and writes BigCommerce's V2 shipment objects.
//!
//! Tracking-number formats and check digits live in [`tracking_number`], tracking links in
//! [`links`].

pub mod bigcommerce;
mod check_digit;
pub mod fulfilment;
pub mod links;
pub mod order;
pub mod shipment;
pub mod tracking_number;

pub use fulfilment::{Fulfilment, FulfilmentState, LineFulfilment};
pub use links::tracking_url;
pub use order::{AddressItem, LineItem, Order, ShippingAddress};
pub use shipment::{NewShipment, Shipment, ShipmentItem, ShipmentUpdate};
pub use tracking_number::{TrackingFormat, ValidTrackingNumber};
