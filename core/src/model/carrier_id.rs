//! Carrier identifiers and what a carrier offers.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A carrier's id: lower-case letters, digits, `_` and `-` (`ups`, `fedex`, `canadapost`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, pattern = "^[a-z0-9_-]{1,64}$", example = "ups")
)]
#[serde(try_from = "String", into = "String")]
// Shared text: every rate and shipping option names its carrier, and a clone of an `Arc`
// does not allocate.
pub struct CarrierId(Arc<str>);

impl CarrierId {
    /// Checks and wraps an id.
    pub fn new(id: &str) -> Result<Self, Error> {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if ok {
            Ok(CarrierId(Arc::from(id)))
        } else {
            Err(Error::invalid_request(
                "carrier",
                format!("`{id}` is not a carrier id (lower-case letters, digits, `_`, `-`)"),
            ))
        }
    }

    /// An id known to be valid at compile time; panics on a bad literal.
    pub fn from_static(id: &'static str) -> Self {
        CarrierId::new(id).expect("static carrier id is valid")
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CarrierId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        CarrierId::new(&s)
    }
}

impl From<CarrierId> for String {
    fn from(c: CarrierId) -> String {
        c.0.to_string()
    }
}

impl fmt::Debug for CarrierId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for CarrierId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A service a carrier offers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceInfo {
    /// The carrier's code (`03`).
    pub code: String,
    /// Its human name (`UPS Ground`).
    pub name: String,
}

impl ServiceInfo {
    /// A service.
    pub fn new(code: &str, name: &str) -> Self {
        ServiceInfo {
            code: code.into(),
            name: name.into(),
        }
    }
}

/// What a carrier can do.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Capabilities {
    /// Quotes rates.
    pub rates: bool,
    /// Tracks shipments.
    pub tracking: bool,
    /// Tracks many numbers in one call (the largest batch; 0 or 1 for none).
    pub tracking_batch: usize,
    /// Quotes to other countries.
    pub international: bool,
    /// Returns delivery estimates with rates.
    pub transit_times: bool,
    /// ISO countries it ships from; empty means any. The host skips a carrier for a request
    /// from elsewhere instead of calling that an error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origin_countries: Vec<String>,
}

impl Capabilities {
    /// Why a carrier with these capabilities cannot serve `request`'s route (origin country
    /// not among its own, or international when it quotes only domestic), or `None`.
    pub fn route_refusal(&self, request: &crate::model::RateRequest) -> Option<String> {
        crate::descriptor::route_refusal(&self.origin_countries, self.international, request)
    }
}

/// A carrier's id, name, services and capabilities.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CarrierInfo {
    /// Its id.
    pub id: CarrierId,
    /// Its display name.
    pub name: String,
    /// Services it offers, with names.
    pub services: Vec<ServiceInfo>,
    /// What it can do.
    pub capabilities: Capabilities,
}

impl CarrierInfo {
    /// The human name of `code`, if the carrier lists it.
    pub fn service_name(&self, code: &str) -> Option<&str> {
        self.services
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.name.as_str())
    }
}
