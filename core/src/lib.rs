//! # shipmux-core
//!
//! The shipping domain (addresses, parcels, money, rates, tracking), the [`Carrier`] trait the
//! host fans out over, the [`CarrierProtocol`] trait every carrier adapter implements as a
//! pure translator, the one public [`Error`], and shipping rules (zones, methods, packing).
//!
//! ```
//! use std::str::FromStr;
//! use rust_decimal::Decimal;
//! use shipmux_core::{Address, Dimensions, Parcel, RateRequest, Weight};
//!
//! let request = RateRequest::new(
//!     Address::new("US", "90210").with_region("CA"),
//!     Address::new("US", "10001").with_region("NY").residential(true),
//!     vec![Parcel::new(Weight::lb(Decimal::from_str("2.5")?))
//!         .with_dimensions(Dimensions::inches(12.into(), 8.into(), 6.into()))],
//! )?;
//! assert_eq!(request.parcels.len(), 1);
//!
//! // Bad input is a typed error naming the field.
//! let err = RateRequest::new(Address::new("XX", "1"), Address::new("US", "10001"), vec![])
//!     .unwrap_err();
//! assert_eq!(err.kind, shipmux_core::ErrorKind::InvalidRequest);
//! assert!(err.message.starts_with("origin.country"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod carrier;
pub mod checkout;
pub mod descriptor;
pub mod error;
pub mod model;
pub mod orders;
pub mod plugin;
pub mod protocol;
pub mod raw;
pub mod rules;
pub mod secret;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use carrier::{Carrier, CarrierExt};
pub use descriptor::CarrierDescriptor;
pub use error::{Error, ErrorKind, Operation, Result};
pub use model::*;
pub use protocol::{
    AccessToken, Auth, CarrierProtocol, Exchange, HttpRequest, HttpResponse, Method, Step,
};
pub use secret::Secret;
