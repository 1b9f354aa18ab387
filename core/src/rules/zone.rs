//! Shipping zones and finding the one for an address (docs/bigcommerce.md).
//!
//! The most specific zone wins: a ZIP zone over a state zone over a country zone over the
//! global ("rest of the world") zone. The winner's methods are the only ones offered — a ZIP
//! zone hides the methods of the state zone around it; zones are never merged. Between two
//! matching ZIP zones the more specific pattern wins (exact code > range > wildcard), then the
//! earlier zone. Disabled zones are skipped as if absent, so the next enabled zone can match;
//! when none does the address gets a typed [`NoShippingZone`].

use std::collections::HashSet;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::decimal_text;
use super::fees::{FeeSchedule, HandlingFee};
use super::method::{Method, MethodOutcome};
use super::postcode::{PostcodePattern, is_partial_postcode};
use crate::checkout::ConsignmentSummary;
use crate::error::{Error, ErrorKind};
use crate::model::country::is_iso_country;
use crate::model::{Address, Money, normalize_postcode};

fn enabled_by_default() -> bool {
    true
}

/// What a zone's locations are: postcodes, states, countries, or everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    /// The rest of the world: matches every address.
    Global,
    /// Whole countries.
    Country,
    /// States or provinces of a country.
    State,
    /// Postcode patterns in a country.
    Zip,
}

/// One location of a zone. JSON: `{"country": "US", "region": "CA" | null, "postcode": "902*" | null}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ZoneLocation {
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// State or province code (state zones).
    #[serde(default)]
    pub region: Option<String>,
    /// Postcode pattern (ZIP zones).
    #[serde(default)]
    pub postcode: Option<PostcodePattern>,
}

impl ZoneLocation {
    /// A whole country.
    pub fn country(country: &str) -> Self {
        ZoneLocation {
            country: country.to_string(),
            region: None,
            postcode: None,
        }
    }

    /// A state or province of a country.
    pub fn state(country: &str, region: &str) -> Self {
        ZoneLocation {
            region: Some(region.to_string()),
            ..ZoneLocation::country(country)
        }
    }

    /// A postcode pattern in a country; a bad pattern is an error.
    pub fn postcode(country: &str, pattern: &str) -> Result<Self, Error> {
        Ok(ZoneLocation {
            postcode: Some(PostcodePattern::parse(pattern)?),
            ..ZoneLocation::country(country)
        })
    }
}

/// Zone-level free shipping (BigCommerce `free_shipping`): when the subtotal reaches the
/// minimum, the zone offers a single free option instead of its methods (ours: our fee order
/// puts free shipping last, so it replaces everything). JSON:
/// `{"minimum_subtotal": "100.00", "exclude_fixed_shipping_products": false}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ZoneFreeShipping {
    /// Smallest subtotal that ships free (`subtotal ≥ minimum`).
    #[serde(with = "decimal_text")]
    pub minimum_subtotal: Decimal,
    /// Products with a fixed shipping cost neither count toward the minimum nor ship free
    /// (their fixed costs are still charged).
    #[serde(default)]
    pub exclude_fixed_shipping_products: bool,
}

/// A shipping zone with its methods. JSON:
/// `{"id": "z1", "name": "US West", "type": "zip", "enabled": true, "locations": [ZoneLocation],
///   "free_shipping": ZoneFreeShipping | null, "handling_fee": HandlingFee | null, "methods": [Method]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// Its id (cache keys and logs name it).
    pub id: String,
    /// Its name, shown in quotes.
    pub name: String,
    /// What its locations are.
    #[serde(rename = "type")]
    pub kind: ZoneKind,
    /// A disabled zone keeps its settings but matches nothing.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// Where it applies (none for a global zone).
    #[serde(default)]
    pub locations: Vec<ZoneLocation>,
    /// Free shipping above a subtotal.
    #[serde(default)]
    pub free_shipping: Option<ZoneFreeShipping>,
    /// Handling fee added to every option of the zone, after the method's.
    #[serde(default)]
    pub handling_fee: Option<HandlingFee>,
    /// Its methods, in order.
    #[serde(default)]
    pub methods: Vec<Method>,
}

/// An option a zone offers a consignment: the method's id and name and what it costs or what
/// to ask a carrier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// The method's id ([`Zone::FREE_SHIPPING_ID`] for zone-level free shipping).
    pub method_id: String,
    /// The method's name.
    pub method_name: String,
    /// A static cost or a real-time query; never `Unavailable`.
    pub outcome: MethodOutcome,
}

impl Zone {
    /// The method id of the option zone-level free shipping offers.
    pub const FREE_SHIPPING_ID: &'static str = "zone_free_shipping";

    /// An enabled zone with no fees, free shipping or methods.
    pub fn new(id: &str, name: &str, kind: ZoneKind, locations: Vec<ZoneLocation>) -> Self {
        Zone {
            id: id.to_string(),
            name: name.to_string(),
            kind,
            enabled: true,
            locations,
            free_shipping: None,
            handling_fee: None,
            methods: Vec::new(),
        }
    }

    /// The rest-of-the-world zone.
    pub fn global(id: &str, name: &str) -> Self {
        Zone::new(id, name, ZoneKind::Global, Vec::new())
    }

    /// Adds a method.
    pub fn with_method(mut self, method: Method) -> Self {
        self.methods.push(method);
        self
    }

    /// Sets the zone's handling fee.
    pub fn with_handling_fee(mut self, fee: HandlingFee) -> Self {
        self.handling_fee = Some(fee);
        self
    }

    /// Sets zone-level free shipping.
    pub fn with_free_shipping(mut self, free: ZoneFreeShipping) -> Self {
        self.free_shipping = Some(free);
        self
    }

    /// Enables or disables the zone.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// The method with this id.
    pub fn method(&self, id: &str) -> Option<&Method> {
        self.methods.iter().find(|m| m.id == id)
    }

    /// How well the zone covers `address`: `None` when it does not (or is disabled), else a
    /// score where larger is more specific.
    fn score(&self, address: &MatchAddress) -> Option<(ZoneKind, u8)> {
        if !self.enabled {
            return None;
        }
        if self.kind == ZoneKind::Global {
            return Some((ZoneKind::Global, 0));
        }
        let best = self
            .locations
            .iter()
            .filter(|loc| loc.country.trim().eq_ignore_ascii_case(&address.country))
            .filter_map(|loc| match self.kind {
                ZoneKind::Country => Some(0),
                ZoneKind::State => {
                    let region = address.region.as_deref()?;
                    (normalize_region(loc.region.as_deref()?) == region).then_some(0)
                }
                ZoneKind::Zip => {
                    let pattern = loc.postcode.as_ref()?;
                    let full = address.postcodes.iter().any(|p| pattern.matches(p));
                    let partial = address
                        .partial
                        .as_ref()
                        .is_some_and(|p| pattern.matches_prefix(p));
                    (full || partial).then(|| pattern.specificity())
                }
                ZoneKind::Global => Some(0),
            })
            .max()?;
        Some((self.kind, best))
    }

    /// Does zone-level free shipping apply to this consignment?
    pub fn free_shipping_applies(&self, summary: &ConsignmentSummary) -> bool {
        self.free_shipping.as_ref().is_some_and(|free| {
            let subtotal = if free.exclude_fixed_shipping_products {
                summary
                    .subtotal
                    .amount
                    .checked_sub(summary.fixed_shipping_subtotal.amount)
            } else {
                Some(summary.subtotal.amount)
            };
            subtotal.is_some_and(|s| s >= free.minimum_subtotal)
        })
    }

    /// What the zone offers a consignment: nothing when disabled; one free option when
    /// zone-level free shipping applies; else each enabled method that applies, in order, with
    /// the zone's handling fee included. Absent methods are left out.
    pub fn offers(&self, summary: &ConsignmentSummary) -> Vec<Offer> {
        if !self.enabled {
            return Vec::new();
        }
        if self.free_shipping_applies(summary) {
            let excluded = self
                .free_shipping
                .as_ref()
                .is_some_and(|f| f.exclude_fixed_shipping_products);
            let fees = FeeSchedule {
                fixed_shipping: if excluded {
                    summary.fixed_shipping_cost.amount
                } else {
                    Decimal::ZERO
                },
                ..FeeSchedule::default()
            };
            let zero = Money::zero(summary.subtotal.currency.clone());
            return match fees.apply(&zero) {
                Ok(priced) => vec![Offer {
                    method_id: Zone::FREE_SHIPPING_ID.to_string(),
                    method_name: "Free Shipping".to_string(),
                    outcome: MethodOutcome::Static(priced),
                }],
                Err(_) => Vec::new(),
            };
        }
        self.methods
            .iter()
            .filter_map(|method| {
                let outcome = method.evaluate_with(summary, self.handling_fee.as_ref());
                (!outcome.is_unavailable()).then(|| Offer {
                    method_id: method.id.clone(),
                    method_name: method.name.clone(),
                    outcome,
                })
            })
            .collect()
    }

    /// Checks the zone; `field` names it in errors (e.g. `zones[2]`).
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        if self.id.trim().is_empty() {
            return Err(Error::invalid_request(
                &format!("{field}.id"),
                "must not be empty",
            ));
        }
        if self.kind != ZoneKind::Global && self.locations.is_empty() {
            return Err(Error::invalid_request(
                &format!("{field}.locations"),
                format!("a {:?} zone needs at least one location", self.kind).to_lowercase(),
            ));
        }
        for (i, loc) in self.locations.iter().enumerate() {
            let field = format!("{field}.locations[{i}]");
            if !is_iso_country(&loc.country.trim().to_ascii_uppercase()) {
                return Err(Error::invalid_request(
                    &format!("{field}.country"),
                    format!(
                        "`{}` is not an ISO 3166-1 alpha-2 country code",
                        loc.country
                    ),
                ));
            }
            if self.kind == ZoneKind::State
                && loc.region.as_deref().is_none_or(|r| r.trim().is_empty())
            {
                return Err(Error::invalid_request(
                    &format!("{field}.region"),
                    "a state zone's location needs a state or province code",
                ));
            }
            if self.kind == ZoneKind::Zip && loc.postcode.is_none() {
                return Err(Error::invalid_request(
                    &format!("{field}.postcode"),
                    "a ZIP zone's location needs a postcode pattern",
                ));
            }
        }
        let mut ids = HashSet::new();
        for (i, method) in self.methods.iter().enumerate() {
            let field = format!("{field}.methods[{i}]");
            method.validate(&field)?;
            if !ids.insert(method.id.as_str()) {
                return Err(Error::invalid_request(
                    &format!("{field}.id"),
                    format!("`{}` appears twice in the zone", method.id),
                ));
            }
        }
        Ok(())
    }
}

/// `CA` from `ca`, ` CA ` or `US-CA`.
fn normalize_region(region: &str) -> String {
    let region = region.trim().to_ascii_uppercase();
    match region.split_once('-') {
        Some((country, code)) if country.len() == 2 && !code.is_empty() => code.to_string(),
        _ => region,
    }
}

/// An address prepared once for matching against every zone.
struct MatchAddress {
    country: String,
    region: Option<String>,
    /// The normalized postcode and, for a US ZIP+4, its five-digit ZIP.
    postcodes: Vec<String>,
    /// The postcode when it is a UK/Canadian partial code.
    partial: Option<String>,
}

impl MatchAddress {
    fn new(address: &Address) -> Self {
        let country = address.country.trim().to_ascii_uppercase();
        let region = address
            .region
            .as_deref()
            .map(normalize_region)
            .filter(|r| !r.is_empty());
        let mut postcodes = Vec::new();
        let mut partial = None;
        if let Some(code) = address.postal_code.as_deref().map(normalize_postcode)
            && !code.is_empty()
        {
            if country == "US" && code.len() == 9 && code.bytes().all(|b| b.is_ascii_digit()) {
                postcodes.push(code[..5].to_string());
            }
            if is_partial_postcode(&country, &code) {
                partial = Some(code.clone());
            }
            postcodes.push(code);
        }
        MatchAddress {
            country,
            region,
            postcodes,
            partial,
        }
    }
}

/// No enabled zone covers an address: the checkout must say "no shipping to this address".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoShippingZone {
    /// The address's country.
    pub country: String,
    /// Its region, if given.
    pub region: Option<String>,
    /// Its postcode, if given.
    pub postal_code: Option<String>,
    /// The merchant's message for shoppers, if configured.
    pub message: Option<String>,
}

impl fmt::Display for NoShippingZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no shipping to this address ({}", self.country)?;
        if let Some(region) = &self.region {
            write!(f, " {region}")?;
        }
        if let Some(code) = &self.postal_code {
            write!(f, " {code}")?;
        }
        write!(f, "): no enabled shipping zone covers it")?;
        if let Some(message) = &self.message {
            write!(f, "; {message}")?;
        }
        Ok(())
    }
}

impl std::error::Error for NoShippingZone {}

impl From<NoShippingZone> for Error {
    /// `not_found` with code `no_shipping_zone`, for a consignment's `errors`.
    fn from(no: NoShippingZone) -> Error {
        Error::new(ErrorKind::NotFound, no.to_string()).with_code("no_shipping_zone")
    }
}

/// Finds the zone for an address among a store's zones. JSON (as a config holds it):
/// `{"zones": [Zone], "out_of_zone_message": "…" | null}`; zones are validated on load.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ZoneMatcherData")]
pub struct ZoneMatcher {
    zones: Vec<Zone>,
    out_of_zone_message: Option<String>,
}

#[derive(Deserialize)]
struct ZoneMatcherData {
    #[serde(default)]
    zones: Vec<Zone>,
    #[serde(default)]
    out_of_zone_message: Option<String>,
}

impl TryFrom<ZoneMatcherData> for ZoneMatcher {
    type Error = Error;
    fn try_from(data: ZoneMatcherData) -> Result<Self, Error> {
        let matcher = ZoneMatcher::new(data.zones)?;
        Ok(match data.out_of_zone_message {
            Some(message) => matcher.with_out_of_zone_message(&message),
            None => matcher,
        })
    }
}

impl ZoneMatcher {
    /// Validates the zones (ids unique, locations fit the zone type, methods sane).
    pub fn new(zones: Vec<Zone>) -> Result<Self, Error> {
        let mut ids = HashSet::new();
        for (i, zone) in zones.iter().enumerate() {
            zone.validate(&format!("zones[{i}]"))?;
            if !ids.insert(zone.id.as_str()) {
                return Err(Error::invalid_request(
                    &format!("zones[{i}].id"),
                    format!("`{}` appears twice", zone.id),
                ));
            }
        }
        Ok(ZoneMatcher {
            zones,
            out_of_zone_message: None,
        })
    }

    /// The shopper-facing text for addresses no zone covers (BigCommerce
    /// `checkout.out_of_delivery_zone_message`).
    pub fn with_out_of_zone_message(mut self, message: &str) -> Self {
        self.out_of_zone_message = Some(message.to_string());
        self
    }

    /// The zones, in order.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// The zone with this id.
    pub fn zone(&self, id: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.id == id)
    }

    /// The most specific enabled zone covering `address`, if any.
    pub fn find(&self, address: &Address) -> Option<&Zone> {
        let address = MatchAddress::new(address);
        let mut best: Option<(&Zone, (ZoneKind, u8))> = None;
        for zone in &self.zones {
            if let Some(score) = zone.score(&address)
                && best.is_none_or(|(_, s)| score > s)
            {
                best = Some((zone, score));
            }
        }
        best.map(|(zone, _)| zone)
    }

    /// Like [`ZoneMatcher::find`], but no zone is a typed [`NoShippingZone`].
    pub fn zone_for(&self, address: &Address) -> Result<&Zone, NoShippingZone> {
        self.find(address).ok_or_else(|| NoShippingZone {
            country: address.country.clone(),
            region: address.region.clone(),
            postal_code: address.postal_code.clone(),
            message: self.out_of_zone_message.clone(),
        })
    }
}
