//! Domain types that cross every boundary; their JSON is a contract (docs/design.md).

mod address;
mod carrier_id;
pub mod country;
mod decimal;
mod exchange;
mod measure;
mod money;
mod parcel;
mod rate;
mod tracking;

pub use address::{Address, normalize_postcode};
pub use carrier_id::{Capabilities, CarrierId, CarrierInfo, ServiceInfo};
#[cfg(feature = "openapi")]
pub use decimal::DecimalSchema;
pub use decimal::{MAX_DECIMAL_TEXT, decimal_str, parse_decimal, parse_decimal_or_scientific};
pub use exchange::ExchangeRates;
pub use measure::{Dimensions, LengthUnit, Weight, WeightUnit, ceil_to_step};
pub use money::{Currency, Money};
pub use parcel::{Parcel, RateRequest};
pub use rate::{Charge, ChargeKind, Rate};
pub use tracking::{Location, Status, Tracking, TrackingEvent, TrackingNumber};
