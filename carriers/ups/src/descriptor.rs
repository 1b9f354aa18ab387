//! UPS's [`CarrierDescriptor`] and, with feature `sandbox`, its simulator's.

use std::sync::Arc;

use shipmux_core::checkout::DimWeightRule;
use shipmux_core::descriptor::{
    AuthStyle, BigCommerceNames, CarrierDescriptor, ConnectionField, Reach, TrackingRules,
    config_from_json,
};
use shipmux_core::orders::TrackingFormat;
use shipmux_core::{Address, CarrierProtocol, Parcel, RateRequest, Result, Weight, WeightUnit};

use crate::{CARRIER_ID, Ups, UpsConfig, UpsProtocol};

/// UPS as the rest of shipmux sees it: config, reach, tracking numbers, dimensional weight,
/// BigCommerce names.
pub const DESCRIPTOR: CarrierDescriptor = CarrierDescriptor {
    id: CARRIER_ID,
    name: "UPS",
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
        formats: &[TrackingFormat::Ups1Z, TrackingFormat::UpsWaybill],
        expected: "`1Z` and 16 letters or digits, or a waybill letter (A, H, J, K, T, V) and 10 digits",
        s10_issuer: None,
        url_prefix: Some("https://www.ups.com/track?loc=en_US&tracknum="),
    },
    // Daily rates: 139 in³/lb on every package.
    dim_weight: Some(DimWeightRule::cubic_inches_per_pound(139, None)),
    max_parcel_weight: Weight::whole(150, WeightUnit::Lb),
    bigcommerce: BigCommerceNames {
        aliases: &["upsready", "upsonline"],
        tracking_slug: None,
        services: &[
            ("Next_Day_Air", "01"),
            ("2nd_Day_Air", "02"),
            ("Ground", "03"),
            ("Express", "07"),
            ("Worldwide_Express", "07"),
            ("Expedited", "08"),
            ("Worldwide_Expedited", "08"),
            ("Standard", "11"),
            ("3_Day_Select", "12"),
            ("Next_Day_Air_Saver", "13"),
            ("Next_Day_Air_Early_AM", "14"),
            ("Express_Plus", "54"),
            ("Worldwide_Express_Plus", "54"),
            ("2nd_Day_Air_AM", "59"),
            ("Saver", "65"),
            ("Express_Saver", "65"),
            ("Worldwide_Saver", "65"),
            ("Worldwide_Express_Saver", "65"),
            ("Today_Standard", "82"),
            ("Today_Dedicated_Courier", "83"),
            ("Today_Intercity", "84"),
            ("Today_Express", "85"),
            ("Today_Express_Saver", "86"),
        ],
    },
    connection: &[
        ConnectionField::text("client_id", "Client ID"),
        ConnectionField::secret("client_secret", "Client secret"),
        ConnectionField::text("account_number", "Account number").optional(),
    ],
    default_rate_limit: None,
    plugin_library: None,
};

fn from_config(config: &serde_json::Value) -> Result<Arc<dyn CarrierProtocol>> {
    Ok(Arc::new(UpsProtocol::new(config_from_json::<UpsConfig>(
        config,
    )?)?))
}

fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Arc<dyn CarrierProtocol>> {
    Ok(Arc::new(UpsProtocol::new(UpsConfig::from_lookup(lookup)?)?))
}

fn offline() -> Arc<dyn CarrierProtocol> {
    Arc::new(
        Ups::builder()
            .client_id("offline")
            .client_secret("offline")
            .build()
            .expect("placeholder UPS credentials are valid"),
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

/// The UPS simulator as the host's sandbox fleet starts it.
#[cfg(feature = "sandbox")]
pub const SANDBOX: shipmux_sandbox::SandboxDescriptor = shipmux_sandbox::SandboxDescriptor {
    id: CARRIER_ID,
    start: |options| Box::pin(crate::sandbox::start(options)),
    config: |base_url| {
        serde_json::json!({
            "client_id": shipmux_sandbox::SANDBOX_CLIENT_ID,
            "client_secret": shipmux_sandbox::SANDBOX_CLIENT_SECRET,
            "account_number": "A1B2C3",
            "base_url": base_url,
        })
    },
    rate_endpoint: "/rating/",
};
