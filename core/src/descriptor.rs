//! What a carrier crate says about itself, as one plain value: [`CarrierDescriptor`].
//!
//! Everything outside a carrier's own folder that needs to know about the carrier — config
//! loading, the CLI, `decode`, tracking-number detection, public tracking links, dimensional
//! weight, BigCommerce's carrier names, default rate limits — reads it from the carrier's
//! descriptor instead of naming the carrier. The host keeps the one list of built-in
//! descriptors, so adding a carrier is a folder plus one line there.
//!
//! ```
//! use shipmux_core::descriptor::{CarrierDescriptor, Reach};
//!
//! fn describe(d: &CarrierDescriptor) -> String {
//!     format!("{} ({}) ships from {:?}", d.name, d.id, d.reach.origin_countries)
//! }
//! # let _ = describe;
//! ```

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use serde::{Deserialize, Serialize};

use crate::checkout::DimWeightRule;
use crate::error::{Error, Result};
use crate::model::{CarrierId, RateRequest, TrackingNumber, Weight};
use crate::orders::tracking_number::TrackingFormat;
use crate::protocol::CarrierProtocol;

/// Builds a carrier's protocol from its config section as JSON (the `[carriers.<id>]` TOML
/// section, with `${VAR}` references already resolved).
pub type FromConfig = fn(&serde_json::Value) -> Result<Arc<dyn CarrierProtocol>>;

/// Builds a carrier's protocol from environment variables, read through the lookup
/// (`std::env::var` in production, a map in tests).
pub type FromEnv = fn(&dyn Fn(&str) -> Option<String>) -> Result<Arc<dyn CarrierProtocol>>;

/// How a carrier's requests are authenticated, as far as a caller needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthStyle {
    /// Nothing, or something the protocol puts in each request itself.
    None,
    /// HTTP Basic on every request (no token round trip).
    Basic,
    /// OAuth2 client credentials: the host fetches and caches a token.
    OAuth2,
}

/// Where a carrier can take a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reach {
    /// ISO country codes it ships from; empty means any country.
    pub origin_countries: &'static [&'static str],
    /// Whether it quotes to a country other than the origin's.
    pub international: bool,
}

impl Reach {
    /// Why a carrier with this reach cannot quote `request`, or `None` when it can.
    pub fn refusal(&self, request: &RateRequest) -> Option<String> {
        route_refusal(self.origin_countries, self.international, request)
    }

    /// The origin countries as owned strings, for a protocol's
    /// [`Capabilities`](crate::Capabilities).
    pub fn origin_countries(&self) -> Vec<String> {
        self.origin_countries
            .iter()
            .map(|c| c.to_string())
            .collect()
    }
}

/// Why a carrier that ships from `origin_countries` (any when empty), abroad or not, cannot
/// quote `request`, or `None` when it can.
pub fn route_refusal(
    origin_countries: &[impl AsRef<str>],
    international: bool,
    request: &RateRequest,
) -> Option<String> {
    let from = request.origin.country.trim();
    let to = request.destination.country.trim();
    if !origin_countries.is_empty()
        && !origin_countries
            .iter()
            .any(|c| c.as_ref().eq_ignore_ascii_case(from))
    {
        let list: Vec<&str> = origin_countries.iter().map(AsRef::as_ref).collect();
        return Some(format!(
            "ships only from {}, not from {from}",
            list.join(", ")
        ));
    }
    if !international && !to.eq_ignore_ascii_case(from) {
        return Some(format!(
            "quotes only within one country, not {from} to {to}"
        ));
    }
    None
}

/// How BigCommerce names a carrier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BigCommerceNames {
    /// The names BigCommerce uses for this carrier in shipping methods (`method.type`) and
    /// in shipments (`shipping_provider`), lower case; the carrier's own id always matches.
    pub aliases: &'static [&'static str],
    /// The courier slug BigCommerce writes in a shipment's `tracking_carrier` (AfterShip's
    /// slugs), when it is not the carrier's id (`canada-post`).
    pub tracking_slug: Option<&'static str>,
    /// BigCommerce's names for the carrier's services in a method's `carrier_options`, and
    /// the carrier's code for each (`("Ground", "03")`).
    pub services: &'static [(&'static str, &'static str)],
}

/// A tracking-number format and the rules for numbers issued by a post under the UPU S10
/// scheme (`RR123456785US`): which country's post this carrier is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TrackingRules {
    /// The formats this carrier prints on its labels, in the order a number is checked
    /// against them.
    pub formats: &'static [TrackingFormat],
    /// The shapes of its numbers in words, for errors (`12, 15, 18, 20, 22, 32 or 34 digits`).
    pub expected: &'static str,
    /// For a national post: its two-letter country, the suffix of the S10 numbers it issues.
    pub s10_issuer: Option<&'static str>,
    /// The public tracking page: this prefix followed by the number (`None`: no public page).
    pub url_prefix: Option<&'static str>,
}

/// A field a store fills in to connect its own account of a carrier (BigCommerce's
/// `connection_options`; `shipmux serve` reads them as `<carrier>_<name>`): a key of the
/// carrier's config JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConnectionField {
    /// The config key (`client_id`).
    pub name: &'static str,
    /// What a merchant reads beside the box (`Client ID`).
    pub label: &'static str,
    /// A password, an API secret: never echoed, logged or shown.
    pub secret: bool,
    /// The account cannot be used without it.
    pub required: bool,
}

impl ConnectionField {
    /// A required text field.
    pub const fn text(name: &'static str, label: &'static str) -> Self {
        ConnectionField {
            name,
            label,
            secret: false,
            required: true,
        }
    }

    /// A required secret field.
    pub const fn secret(name: &'static str, label: &'static str) -> Self {
        ConnectionField {
            name,
            label,
            secret: true,
            required: true,
        }
    }

    /// The same field, optional.
    pub const fn optional(self) -> Self {
        ConnectionField {
            required: false,
            ..self
        }
    }
}

/// A rate limit: `requests` per `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DefaultRateLimit {
    /// How many requests…
    pub requests: u32,
    /// …per this window.
    pub per: Duration,
}

/// Everything the rest of shipmux needs to know about one carrier, as a plain value.
///
/// Each carrier crate exports one as `DESCRIPTOR`; the host's `builtins()` lists them.
#[derive(Clone, Copy)]
pub struct CarrierDescriptor {
    /// The carrier's id (`ups`).
    pub id: &'static str,
    /// Its display name (`UPS`).
    pub name: &'static str,
    /// Where it can take a shipment.
    pub reach: Reach,
    /// How its requests are authenticated.
    pub auth: AuthStyle,
    /// Builds its protocol from a config section.
    pub from_config: FromConfig,
    /// Builds its protocol from environment variables.
    pub from_env: FromEnv,
    /// Its protocol with placeholder credentials, for parsing saved responses offline.
    pub offline: fn() -> Arc<dyn CarrierProtocol>,
    /// A request it can quote (used by `decode` and by tests that need any valid request).
    pub sample_request: fn() -> RateRequest,
    /// Its tracking numbers and tracking page.
    pub tracking: TrackingRules,
    /// Its dimensional-weight rule, if it bills by volume.
    pub dim_weight: Option<DimWeightRule>,
    /// The heaviest parcel it takes (checkout packing splits heavier consignments).
    pub max_parcel_weight: Weight,
    /// Its BigCommerce names.
    pub bigcommerce: BigCommerceNames,
    /// What a store fills in to use its own account (the credential keys of its config).
    pub connection: &'static [ConnectionField],
    /// The rate limit its accounts get when the config names none (a published quota).
    pub default_rate_limit: Option<DefaultRateLimit>,
    /// The file stem of the native plugin library the crate also builds (`shipmux_canadapost`
    /// for `libshipmux_canadapost.so`), when it ships as one.
    pub plugin_library: Option<&'static str>,
}

impl std::fmt::Debug for CarrierDescriptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CarrierDescriptor")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("reach", &self.reach)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl CarrierDescriptor {
    /// The id as a [`CarrierId`].
    pub fn carrier_id(&self) -> CarrierId {
        CarrierId::from_static(self.id)
    }

    /// Whether BigCommerce's `name` (a method type or a shipment's provider, any case) means
    /// this carrier.
    pub fn is_bigcommerce_name(&self, name: &str) -> bool {
        name.eq_ignore_ascii_case(self.id)
            || self
                .bigcommerce
                .aliases
                .iter()
                .any(|a| name.eq_ignore_ascii_case(a))
    }

    /// The public tracking page for `number`, if the carrier has one.
    pub fn tracking_url(&self, number: &TrackingNumber) -> Option<String> {
        // Tracking numbers are letters and digits only, so they need no escaping.
        self.tracking
            .url_prefix
            .map(|prefix| format!("{prefix}{number}"))
    }

    /// Its protocol from a config section, with errors naming `section`.
    pub fn protocol_from_config(
        &self,
        section: &str,
        config: &serde_json::Value,
    ) -> Result<Arc<dyn CarrierProtocol>> {
        (self.from_config)(config).map_err(|e| Error::config(format!("{section}: {}", e.message)))
    }
}

/// The carriers installed as known to this process (see [`install`]): a list replaced whole
/// on each install, read without a lock (the checkout's hot path reads it on both cores, and
/// a lock's reader count would be one more cache line they both write).
static KNOWN: ArcSwapOption<Vec<&'static CarrierDescriptor>> = ArcSwapOption::const_empty();

/// Held while a new list is made, so that two installs at once both land.
static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Makes `descriptors` known to this process, after those already known (a descriptor with an
/// id already known is skipped). Functions that cannot be handed a list of carriers — reading
/// an order's JSON, whose shipments' tracking carriers are detected from their numbers — use
/// the known ones. The host installs its built-in carriers when it builds a host or loads a
/// config; a program that reads orders without a host installs the carriers it wants.
pub fn install(descriptors: &[&'static CarrierDescriptor]) {
    let _one_at_a_time = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    let mut known = known();
    let before = known.len();
    for d in descriptors {
        if !known.iter().any(|k| k.id == d.id) {
            known.push(d);
        }
    }
    if known.len() > before {
        KNOWN.store(Some(Arc::new(known)));
    }
}

/// The carriers known to this process, in the order they were installed.
pub fn known() -> Vec<&'static CarrierDescriptor> {
    KNOWN.load().as_deref().cloned().unwrap_or_default()
}

/// The descriptor of `id` among the carriers known to this process (no list is copied: the
/// checkout's hot path asks this for every real-time method).
pub fn find_known(id: &str) -> Option<&'static CarrierDescriptor> {
    KNOWN
        .load()
        .as_deref()?
        .iter()
        .copied()
        .find(|d| d.id == id)
}

/// The descriptor of `id` among `descriptors`.
pub fn find<'a>(
    descriptors: impl IntoIterator<Item = &'a CarrierDescriptor>,
    id: &str,
) -> Option<&'a CarrierDescriptor> {
    descriptors.into_iter().find(|d| d.id == id)
}

/// Deserializes a carrier's config section, naming the carrier's config type in errors the
/// way serde does (`missing field \`client_id\``).
pub fn config_from_json<T: serde::de::DeserializeOwned>(config: &serde_json::Value) -> Result<T> {
    T::deserialize(config).map_err(|e| Error::config(e.to_string()))
}
