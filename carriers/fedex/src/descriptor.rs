//! FedEx's [`CarrierDescriptor`] and, with feature `sandbox`, its simulator's.

use std::sync::Arc;

use shipmux_core::checkout::DimWeightRule;
use shipmux_core::descriptor::{
    AuthStyle, BigCommerceNames, CarrierDescriptor, ConnectionField, DefaultRateLimit, Reach,
    TrackingRules, config_from_json,
};
use shipmux_core::orders::TrackingFormat;
use shipmux_core::{Address, CarrierProtocol, Parcel, RateRequest, Result, Weight, WeightUnit};

use crate::{CARRIER_ID, Fedex, FedexConfig, FedexProtocol};

/// FedEx as the rest of shipmux sees it: config, reach, tracking numbers, dimensional weight,
/// BigCommerce names.
pub const DESCRIPTOR: CarrierDescriptor = CarrierDescriptor {
    id: CARRIER_ID,
    name: "FedEx",
    reach: Reach {
        origin_countries: &[],
        international: true,
    },
    auth: AuthStyle::OAuth2,
    from_config,
    from_env,
    offline,
    sample_request,
    tracking: TrackingRules {
        formats: &[
            TrackingFormat::FedexExpress12,
            TrackingFormat::FedexGround15,
            TrackingFormat::FedexSscc18,
            TrackingFormat::FedexGround96,
            TrackingFormat::FedexAstra32,
            TrackingFormat::FedexExpress34,
            TrackingFormat::FedexGroundGsn,
        ],
        expected: "12, 15, 18, 20, 22, 32 or 34 digits",
        s10_issuer: None,
        url_prefix: Some("https://www.fedex.com/fedextrack/?trknbr="),
    },
    // 139 in³/lb on every package.
    dim_weight: Some(DimWeightRule::cubic_inches_per_pound(139, None)),
    max_parcel_weight: Weight::whole(150, WeightUnit::Lb),
    bigcommerce: BigCommerceNames {
        aliases: &[],
        tracking_slug: None,
        services: &[],
    },
    connection: &[
        ConnectionField::text("client_id", "API key"),
        ConnectionField::secret("client_secret", "Secret key"),
        ConnectionField::text("account_number", "Account number"),
    ],
    default_rate_limit: Some(DefaultRateLimit {
        requests: crate::DEFAULT_RATE_LIMIT.0,
        per: crate::DEFAULT_RATE_LIMIT.1,
    }),
    plugin_library: None,
};

fn from_config(config: &serde_json::Value) -> Result<Arc<dyn CarrierProtocol>> {
    Ok(Arc::new(FedexProtocol::new(config_from_json::<
        FedexConfig,
    >(config)?)?))
}

fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Arc<dyn CarrierProtocol>> {
    Ok(Arc::new(FedexProtocol::new(FedexConfig::from_lookup(
        lookup,
    )?)?))
}

fn offline() -> Arc<dyn CarrierProtocol> {
    Arc::new(
        Fedex::builder()
            .client_id("offline")
            .client_secret("offline")
            .account_number("000000000")
            .build()
            .expect("placeholder FedEx credentials are valid"),
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

/// The FedEx simulator as the host's sandbox fleet starts it.
#[cfg(feature = "sandbox")]
pub const SANDBOX: shipmux_sandbox::SandboxDescriptor = shipmux_sandbox::SandboxDescriptor {
    id: CARRIER_ID,
    start: |options| {
        Box::pin(crate::sandbox::start_with(
            options,
            crate::sandbox::FedexSandboxSettings {
                rate_limit: (u32::MAX, std::time::Duration::from_secs(10)),
                ..Default::default()
            },
        ))
    },
    config: |base_url| {
        serde_json::json!({
            "client_id": shipmux_sandbox::SANDBOX_CLIENT_ID,
            "client_secret": shipmux_sandbox::SANDBOX_CLIENT_SECRET,
            "account_number": "510087020",
            "base_url": base_url,
        })
    },
    rate_endpoint: "/rate/",
};
