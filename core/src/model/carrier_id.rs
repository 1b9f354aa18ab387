//! Carrier identifiers and what a carrier offers.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A carrier's id: lower-case letters, digits, `_` and `-` (`ups`, `fedex`, `canadapost`).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, pattern = "^[a-z0-9_-]{1,64}$", example = "ups")
)]
#[serde(try_from = "String", into = "String")]
// Every rate and shipping option names its carrier, and ids are compared for every option of
// every quote: a short id is held inline (a clone copies 24 bytes, with no allocation and no
// reference count that threads would share; equality compares fixed-size arrays), a long one
// as shared text.
pub struct CarrierId(Repr);

/// The longest id held inline.
const INLINE: usize = 22;

/// An id's text: inline exactly when it fits (so that equal ids have equal representations),
/// the unused bytes zero.
#[derive(Clone, PartialEq, Eq)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Shared(Arc<str>),
}

impl Repr {
    fn new(id: &str) -> Self {
        if id.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..id.len()].copy_from_slice(id.as_bytes());
            Repr::Inline {
                len: id.len() as u8,
                bytes,
            }
        } else {
            Repr::Shared(Arc::from(id))
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Repr::Inline { len, bytes } => {
                // Only ever copied from a `str`, whole.
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Repr::Shared(text) => text,
        }
    }
}

impl CarrierId {
    /// Checks and wraps an id.
    pub fn new(id: &str) -> Result<Self, Error> {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if ok {
            Ok(CarrierId(Repr::new(id)))
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
        self.0.as_str()
    }
}

impl PartialEq for CarrierId {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for CarrierId {}

// Hashed and ordered as its text.
impl Hash for CarrierId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for CarrierId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CarrierId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
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
        c.as_str().to_string()
    }
}

impl fmt::Debug for CarrierId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for CarrierId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_ids_read_back_compare_and_order_as_their_text() {
        let long = "a-carrier-with-a-rather-long-name_0123456789";
        let ids = [
            "ups",
            "canadapost",
            "a",
            long,
            "zz",
            "dhl-express-v2-eu-zone_x",
        ];
        for a in ids {
            let id = CarrierId::new(a).unwrap();
            assert_eq!(id.as_str(), a);
            assert_eq!(id.to_string(), a);
            assert_eq!(String::from(id.clone()), a);
            for b in ids {
                let other = CarrierId::new(b).unwrap();
                assert_eq!(id == other, a == b, "{a} == {b}");
                assert_eq!(id.cmp(&other), a.cmp(b), "{a} cmp {b}");
            }
        }
        // Hashed as the text, so equal ids find each other in maps whatever their length.
        let set: std::collections::HashSet<CarrierId> =
            ids.iter().map(|i| CarrierId::new(i).unwrap()).collect();
        assert!(
            ids.iter()
                .all(|i| set.contains(&CarrierId::new(i).unwrap()))
        );
        assert_eq!(set.len(), ids.len());
    }

    #[test]
    fn ids_round_trip_through_json() {
        let id: CarrierId = serde_json::from_str("\"dhlexpress\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"dhlexpress\"");
        assert!(serde_json::from_str::<CarrierId>("\"UPS\"").is_err());
    }
}
