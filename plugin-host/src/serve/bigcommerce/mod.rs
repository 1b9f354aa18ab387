//! BigCommerce's Shipping Provider API, served under `/bigcommerce` (docs/serve.md walks
//! through registering the app):
//!
//! - `POST /bigcommerce/rate`: a cart (items, origin, destination) → quotes from every carrier
//!   the zone offers (`zone_options.carriers` / `services`), packed per carrier, in the
//!   store's currency, cheapest first per carrier; a carrier that failed is a message.
//! - `POST /bigcommerce/check_connection_options`: whether the store's carrier accounts
//!   (`connection_options`, `<carrier>_<field>`) connect.

pub mod auth;
pub mod connection;
pub mod payload;
pub mod rate;
