//! USPS's [`CarrierDescriptor`] and, with feature `sandbox`, its simulator's.

use std::sync::Arc;

use shipmux_core::checkout::DimWeightRule;
use shipmux_core::descriptor::{
    AuthStyle, BigCommerceNames, CarrierDescriptor, ConnectionField, Reach, TrackingRules,
    config_from_json,
};
use shipmux_core::orders::TrackingFormat;
use shipmux_core::{Address, CarrierProtocol, Parcel, RateRequest, Result, Weight, WeightUnit};

use crate::{CARRIER_ID, Usps, UspsConfig, UspsProtocol};

/// USPS as the rest of shipmux sees it: config, reach, tracking numbers, dimensional weight,
/// BigCommerce names.
pub const DESCRIPTOR: CarrierDescriptor = CarrierDescriptor {
    id: CARRIER_ID,
    name: "USPS",
    reach: Reach {
        origin_countries: crate::codes::DOMESTIC_COUNTRIES,
        international: true,
    },
    auth: AuthStyle::OAuth2,
    from_config,
    from_env,
    offline,
    sample_request,
    tracking: TrackingRules {
        formats: &[
            TrackingFormat::UspsImpb,
            TrackingFormat::UspsLegacy,
            TrackingFormat::Usps20,
            TrackingFormat::S10,
        ],
        expected: "20, 22, 26 or 30 digits (optionally after a `420` ZIP routing code), or an S10 \
                   international number (2 letters, 9 digits, a country code)",
        s10_issuer: Some("US"),
        url_prefix: Some("https://tools.usps.com/go/TrackConfirmAction?tLabels="),
    },
    // Priority Mail and Ground Advantage: 166 in³/lb, only above one cubic foot.
    dim_weight: Some(DimWeightRule::cubic_inches_per_pound(166, Some(1728))),
    max_parcel_weight: Weight::whole(70, WeightUnit::Lb),
    bigcommerce: BigCommerceNames {
        aliases: &["endicia"],
        tracking_slug: None,
        services: &[
            ("PriorityExpress", "PRIORITY_MAIL_EXPRESS"),
            ("Priority", "PRIORITY_MAIL"),
            (
                "PriorityMailExpressInternational",
                "PRIORITY_MAIL_EXPRESS_INTERNATIONAL",
            ),
            ("PriorityMailInternational", "PRIORITY_MAIL_INTERNATIONAL"),
            (
                "FirstClassPackageInternationalService",
                "FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE",
            ),
            // First-Class Package Service became USPS Ground Advantage in 2023.
            ("First", "USPS_GROUND_ADVANTAGE"),
            ("ParcelSelect", "PARCEL_SELECT"),
            ("MediaMail", "MEDIA_MAIL"),
        ],
    },
    connection: &[
        ConnectionField::text("client_id", "Consumer key"),
        ConnectionField::secret("client_secret", "Consumer secret"),
    ],
    default_rate_limit: None,
    plugin_library: None,
};

fn from_config(config: &serde_json::Value) -> Result<Arc<dyn CarrierProtocol>> {
    Ok(Arc::new(UspsProtocol::new(
        config_from_json::<UspsConfig>(config)?,
    )?))
}

fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Arc<dyn CarrierProtocol>> {
    Ok(Arc::new(Usps::builder().from_lookup(lookup)?.build()?))
}

fn offline() -> Arc<dyn CarrierProtocol> {
    Arc::new(
        Usps::builder()
            .client_id("offline")
            .client_secret("offline")
            .build()
            .expect("placeholder USPS credentials are valid"),
    )
}

fn sample_request() -> RateRequest {
    RateRequest {
        origin: Address::new("US", "90210"),
        destination: Address::new("US", "10001"),
        parcels: vec![Parcel::new(Weight::lb(1.into()))],
        services: None,
        ship_date: None,
    }
}

/// The USPS simulator as the host's sandbox fleet starts it.
#[cfg(feature = "sandbox")]
pub const SANDBOX: shipmux_sandbox::SandboxDescriptor = shipmux_sandbox::SandboxDescriptor {
    id: CARRIER_ID,
    start: |options| Box::pin(crate::sandbox::start(options)),
    config: |base_url| {
        serde_json::json!({
            "client_id": shipmux_sandbox::SANDBOX_CLIENT_ID,
            "client_secret": shipmux_sandbox::SANDBOX_CLIENT_SECRET,
            "base_url": base_url,
        })
    },
    rate_endpoint: "/options/",
};
