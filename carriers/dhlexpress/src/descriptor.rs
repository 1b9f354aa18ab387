//! DHL Express's [`CarrierDescriptor`] and, with feature `sandbox`, its simulator's.

use std::sync::Arc;

use shipmux_core::checkout::DimWeightRule;
use shipmux_core::descriptor::{
    AuthStyle, BigCommerceNames, CarrierDescriptor, ConnectionField, Reach, TrackingRules,
    config_from_json,
};
use shipmux_core::orders::TrackingFormat;
use shipmux_core::orders::tracking_number::Verdict;
use shipmux_core::{
    Address, CarrierProtocol, Dimensions, LengthUnit, Parcel, RateRequest, Result, Weight,
    WeightUnit,
};

use crate::{CARRIER_ID, DhlExpress, DhlExpressConfig, DhlExpressProtocol};

/// A DHL Express waybill: 10 digits, the last being the first nine modulo 7.
pub const WAYBILL: TrackingFormat = TrackingFormat::new(
    "dhlexpress_waybill10",
    "DHL Express waybill (10 digits)",
    2,
    examine_waybill,
);

/// A DHL Express piece licence plate: `JD` and 18 digits, no check digit.
pub const PIECE: TrackingFormat = TrackingFormat::new(
    "dhlexpress_piece_jd",
    "DHL Express piece (JD + 18 digits)",
    1,
    examine_piece,
);

/// `None` unless `n` is 10 digits; else whether the last is the first nine mod 7.
fn examine_waybill(n: &str) -> Option<Verdict> {
    if n.len() != 10 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let serial: u64 = n[..9].parse().ok()?;
    Some(Verdict::of(Some((serial % 7) as u8), n.as_bytes()[9]))
}

fn examine_piece(n: &str) -> Option<Verdict> {
    let digits = n.strip_prefix("JD")?;
    (digits.len() == 18 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(Verdict::Valid)
}

/// DHL Express as the rest of shipmux sees it: config, reach, tracking numbers, dimensional
/// weight, BigCommerce names.
pub const DESCRIPTOR: CarrierDescriptor = CarrierDescriptor {
    id: CARRIER_ID,
    name: "DHL Express",
    reach: Reach {
        origin_countries: &[],
        international: true,
    },
    auth: AuthStyle::Basic,
    from_config,
    from_env,
    offline,
    sample_request,
    tracking: TrackingRules {
        formats: &[PIECE, WAYBILL],
        expected: "10 digits (a waybill ending in its mod-7 check digit), or a piece number (JD and 18 digits)",
        s10_issuer: None,
        url_prefix: Some(
            "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=",
        ),
    },
    // DHL divides by 5,000 cm³ per kg, which is 138.4 in³ per lb: the nearest whole-inch rule
    // is 139 (docs/carriers/dhlexpress.md, "Units").
    dim_weight: Some(DimWeightRule::cubic_inches_per_pound(139, None)),
    max_parcel_weight: Weight::whole(70, WeightUnit::Kg),
    bigcommerce: BigCommerceNames {
        aliases: &[],
        tracking_slug: Some("dhl"),
        services: &[],
    },
    connection: &[
        ConnectionField::secret("username", "API username"),
        ConnectionField::secret("password", "API password"),
        ConnectionField::text("account_number", "Account number"),
    ],
    default_rate_limit: None,
    plugin_library: None,
};

fn from_config(config: &serde_json::Value) -> Result<Arc<dyn CarrierProtocol>> {
    Ok(Arc::new(DhlExpressProtocol::new(config_from_json::<
        DhlExpressConfig,
    >(config)?)?))
}

fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Arc<dyn CarrierProtocol>> {
    Ok(Arc::new(DhlExpressProtocol::new(
        DhlExpressConfig::from_lookup(lookup)?,
    )?))
}

fn offline() -> Arc<dyn CarrierProtocol> {
    Arc::new(
        DhlExpress::builder()
            .username("offline")
            .password("offline")
            .account_number("000000000")
            .build()
            .expect("placeholder DHL Express credentials are valid"),
    )
}

/// Bonn to New York, one 2 kg box, on a fixed Tuesday: names both cities and a date, so it
/// is quoted in one round (what `decode` needs).
fn sample_request() -> RateRequest {
    RateRequest {
        origin: Address::new("DE", "53113").with_city("Bonn"),
        destination: Address::new("US", "10001").with_city("New York"),
        parcels: vec![
            Parcel::new(Weight::kg(2.into())).with_dimensions(Dimensions::new(
                30.into(),
                20.into(),
                10.into(),
                LengthUnit::Cm,
            )),
        ],
        services: None,
        ship_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
    }
}

/// The DHL Express simulator as the host's sandbox fleet starts it (its test environment's
/// path, `/mydhlapi/test`).
#[cfg(feature = "sandbox")]
pub const SANDBOX: shipmux_sandbox::SandboxDescriptor = shipmux_sandbox::SandboxDescriptor {
    id: CARRIER_ID,
    start: |options| Box::pin(crate::sandbox::start(options)),
    config: |base_url| {
        serde_json::json!({
            "username": shipmux_sandbox::SANDBOX_CLIENT_ID,
            "password": shipmux_sandbox::SANDBOX_CLIENT_SECRET,
            "account_number": crate::sandbox::ACCOUNT_NUMBER,
            "base_url": format!("{}/mydhlapi/test", base_url.trim_end_matches('/')),
        })
    },
    rate_endpoint: "/rates",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waybills_carry_a_mod_7_check_digit() {
        for n in [
            "9356579890",
            "3436501003",
            "4818240420",
            "5584773180",
            "8066924740",
        ] {
            assert_eq!(WAYBILL.examine(n), Some(Verdict::Valid), "{n}");
        }
        assert_eq!(
            WAYBILL.examine("9356579891"),
            Some(Verdict::WrongCheckDigit {
                expected: 0,
                found: 1
            })
        );
        // A check digit of 7, 8 or 9 can never be right.
        assert!(matches!(
            WAYBILL.examine("0000000008"),
            Some(Verdict::WrongCheckDigit { .. })
        ));
        assert_eq!(WAYBILL.examine("935657989"), None);
        assert_eq!(WAYBILL.examine("93565798901"), None);
        assert_eq!(WAYBILL.examine("JD01234567"), None);
        assert_eq!(PIECE.examine("JD012345678901234567"), Some(Verdict::Valid));
        assert_eq!(PIECE.examine("JD01234567890123456"), None);
        assert_eq!(PIECE.examine("JJD0123456789012345"), None);
    }

    #[test]
    fn the_descriptor_builds_protocols() {
        let p = (DESCRIPTOR.from_config)(&serde_json::json!({
            "username": "u", "password": "p", "account_number": "123456789"
        }))
        .unwrap();
        assert_eq!(p.info().id.as_str(), "dhlexpress");
        assert!(p.info().capabilities.origin_countries.is_empty());
        let request = (DESCRIPTOR.sample_request)();
        assert_eq!(
            (DESCRIPTOR.offline)().build_rate(&request).unwrap().len(),
            1
        );
        assert!((DESCRIPTOR.from_config)(&serde_json::json!({"username": "u"})).is_err());
    }
}
