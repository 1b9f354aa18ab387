//! Canada Post's [`CarrierDescriptor`] and, with feature `sandbox`, its simulator's.

use std::sync::Arc;

use shipmux_core::descriptor::{
    AuthStyle, BigCommerceNames, CarrierDescriptor, ConnectionField, Reach, TrackingRules,
    config_from_json,
};
use shipmux_core::orders::TrackingFormat;
use shipmux_core::{Address, CarrierProtocol, Parcel, RateRequest, Result, Weight, WeightUnit};

use crate::{CARRIER_ID, CanadaPost, CanadaPostConfig, CanadaPostProtocol};

/// Canada Post as the rest of shipmux sees it: config, reach, tracking numbers, dimensional weight,
/// BigCommerce names.
pub const DESCRIPTOR: CarrierDescriptor = CarrierDescriptor {
    id: CARRIER_ID,
    name: "Canada Post",
    reach: Reach {
        origin_countries: &["CA"],
        international: true,
    },
    auth: AuthStyle::Basic,
    from_config,
    from_env,
    offline,
    sample_request,
    tracking: TrackingRules {
        formats: &[TrackingFormat::CanadaPost16, TrackingFormat::S10],
        expected: "16 digits, or an S10 international number (2 letters, 9 digits, a country code)",
        s10_issuer: Some("CA"),
        url_prefix: Some(
            "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=",
        ),
    },
    dim_weight: None,
    max_parcel_weight: Weight::whole(30, WeightUnit::Kg),
    bigcommerce: BigCommerceNames {
        aliases: &[],
        tracking_slug: Some("canada-post"),
        services: &[],
    },
    connection: &[
        ConnectionField::secret("username", "API username"),
        ConnectionField::secret("password", "API password"),
        ConnectionField::text("customer_number", "Customer number").optional(),
        ConnectionField::text("contract_id", "Contract ID").optional(),
    ],
    default_rate_limit: None,
    plugin_library: Some("shipmux_canadapost"),
};

fn from_config(config: &serde_json::Value) -> Result<Arc<dyn CarrierProtocol>> {
    Ok(Arc::new(CanadaPostProtocol::new(config_from_json::<
        CanadaPostConfig,
    >(config)?)?))
}

fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Arc<dyn CarrierProtocol>> {
    Ok(Arc::new(CanadaPostProtocol::new(
        CanadaPostConfig::from_lookup(lookup)?,
    )?))
}

fn offline() -> Arc<dyn CarrierProtocol> {
    Arc::new(
        CanadaPost::builder()
            .username("offline")
            .password("offline")
            .build()
            .expect("placeholder Canada Post credentials are valid"),
    )
}

fn sample_request() -> RateRequest {
    RateRequest {
        origin: Address::new("CA", "K1A 0B1"),
        destination: Address::new("CA", "M5V 3L9"),
        parcels: vec![Parcel::new(Weight::lb(1.into()))],
        services: None,
        ship_date: None,
    }
}

/// The Canada Post simulator as the host's sandbox fleet starts it.
#[cfg(feature = "sandbox")]
pub const SANDBOX: shipmux_sandbox::SandboxDescriptor = shipmux_sandbox::SandboxDescriptor {
    id: CARRIER_ID,
    start: |options| Box::pin(crate::sandbox::start(options)),
    config: |base_url| {
        serde_json::json!({
            "username": shipmux_sandbox::SANDBOX_CLIENT_ID,
            "password": shipmux_sandbox::SANDBOX_CLIENT_SECRET,
            "customer_number": "2004381",
            "base_url": base_url,
        })
    },
    rate_endpoint: "/rs/ship/price",
};
