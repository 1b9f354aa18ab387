//! The UPS Rating request we send: [`build_rate`] and the `RateRequest` body (v2409 schema
//! `RATERequestWrapper`) as serializable structs borrowing from our
//! [`RateRequest`](shipmux_core::RateRequest).
//!
//! Fields are declared in byte order of their JSON names, so the body comes out exactly as
//! a sorted `serde_json::Map` wrote it before (and its `transId` is unchanged); optional
//! fields are left out, never `null`.

use std::fmt::Display;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use shipmux_core::{Address, Error, HttpRequest, LengthUnit, RateRequest, WeightUnit};

use super::MAX_PACKAGES;
use crate::codes;
use crate::config::{RATING_VERSION, UpsConfig};

/// Writes a value through its `Display` (a decimal, a count, a date) as a JSON string,
/// without building a `String` first.
pub(crate) struct AsText<T>(pub T);

impl<T: Display> Serialize for AsText<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// The document: `{"RateRequest": …}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RateRequestWrapper<'a> {
    pub rate_request: RateRequestBody<'a>,
}

/// `RateRequest`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RateRequestBody<'a> {
    /// Sent with an account number for imperial origins: `{"Code": "00"}` (rates for the
    /// shipper's account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_classification: Option<Code<'a>>,
    pub request: Request,
    pub shipment: Shipment<'a>,
}

/// `RateRequest.Request`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Request {
    /// `Rate` or `Shop`.
    pub request_option: &'static str,
    pub sub_version: &'static str,
    pub transaction_reference: TransactionReference,
}

/// `Request.TransactionReference`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TransactionReference {
    pub customer_context: &'static str,
}

/// `RateRequest.Shipment`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Shipment<'a> {
    pub delivery_time_information: DeliveryTimeInformation,
    pub num_of_pieces: AsText<usize>,
    pub package: Vec<Package<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_details: Option<PaymentDetails<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<CodeDescription<'a>>,
    pub ship_from: Party<'a>,
    pub ship_to: Party<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipment_rating_options: Option<ShipmentRatingOptions>,
    pub shipment_total_weight: WeightValue<'a>,
    pub shipper: Party<'a>,
}

/// `Shipment.DeliveryTimeInformation`: what time in transit needs.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DeliveryTimeInformation {
    /// `03`: non-document packages.
    pub package_bill_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pickup: Option<Pickup>,
}

/// `DeliveryTimeInformation.Pickup`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Pickup {
    /// `YYYYMMDD`.
    pub date: AsText<chrono::format::DelayedFormat<chrono::format::StrftimeItems<'static>>>,
}

/// `Shipment.Package[]`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Package<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Dimensions<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_service_options: Option<PackageServiceOptions<'a>>,
    pub package_weight: WeightValue<'a>,
    pub packaging_type: CodeDescription<'a>,
}

/// `Package.Dimensions`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Dimensions<'a> {
    pub height: AsText<rust_decimal::Decimal>,
    pub length: AsText<rust_decimal::Decimal>,
    pub unit_of_measurement: Code<'a>,
    pub width: AsText<rust_decimal::Decimal>,
}

/// `Package.PackageServiceOptions`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PackageServiceOptions<'a> {
    pub declared_value: MonetaryValue<'a>,
}

/// `{CurrencyCode, MonetaryValue}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MonetaryValue<'a> {
    pub currency_code: &'a str,
    pub monetary_value: AsText<rust_decimal::Decimal>,
}

/// `PackageWeight` and `ShipmentTotalWeight`: `{UnitOfMeasurement, Weight}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WeightValue<'a> {
    pub unit_of_measurement: Code<'a>,
    pub weight: AsText<rust_decimal::Decimal>,
}

/// `{Code}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Code<'a> {
    pub code: &'a str,
}

/// `{Code, Description}` (`PackagingType`, `Service`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CodeDescription<'a> {
    pub code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
}

/// `Shipment.PaymentDetails`: bill the shipper's account (needed for negotiated rates).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PaymentDetails<'a> {
    pub shipment_charge: [ShipmentCharge<'a>; 1],
}

/// `PaymentDetails.ShipmentCharge[]`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ShipmentCharge<'a> {
    pub bill_shipper: BillShipper<'a>,
    /// `01`: transportation.
    #[serde(rename = "Type")]
    pub charge_type: &'static str,
}

/// `ShipmentCharge.BillShipper`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BillShipper<'a> {
    pub account_number: &'a str,
}

/// `Shipment.ShipmentRatingOptions`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ShipmentRatingOptions {
    pub negotiated_rates_indicator: &'static str,
}

/// `Shipper`, `ShipTo`, `ShipFrom`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Party<'a> {
    pub address: PartyAddress<'a>,
    pub name: &'a str,
    /// The account, on `Shipper` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipper_number: Option<&'a str>,
}

/// A party's `Address`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PartyAddress<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub address_line: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<&'a str>,
    pub country_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// `Y` for a home; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residential_address_indicator: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_province_code: Option<&'a str>,
}

/// Countries that rate in pounds and inches; everyone else in kilograms and centimetres.
const IMPERIAL_COUNTRIES: &[&str] = &["US", "PR", "VI", "GU", "AS", "MP"];

/// `Rate` for exactly one requested service, `Shop` for all; always with time in transit.
pub fn request_option(request: &RateRequest) -> &'static str {
    match &request.services {
        Some(services) if services.len() == 1 => "Ratetimeintransit",
        _ => "Shoptimeintransit",
    }
}

/// The rating request for `request`.
pub fn build_rate(config: &UpsConfig, request: &RateRequest) -> Result<HttpRequest, Error> {
    build_checked(config, request).map_err(|e| e.with_carrier(&crate::carrier_id()))
}

fn build_checked(config: &UpsConfig, request: &RateRequest) -> Result<HttpRequest, Error> {
    request.validate()?;
    if request.parcels.len() > MAX_PACKAGES {
        return Err(Error::invalid_request(
            "parcels",
            format!(
                "UPS rates at most {MAX_PACKAGES} packages per shipment, got {}",
                request.parcels.len()
            ),
        ));
    }
    let option = request_option(request);
    let body = rate_body(config, request, option)?;
    let bytes = serde_json::to_vec(&body)
        .map_err(|e| Error::parse(format!("cannot encode the UPS rate request: {e}")))?;
    let url = format!("{}/api/rating/{RATING_VERSION}/{option}", config.base());
    Ok(HttpRequest::post(url)
        .header("Accept", "application/json")
        .header("transId", transaction_id(&bytes))
        .header("transactionSrc", config.transaction_src.clone())
        .body("application/json", bytes))
}

/// A `transId` (≤ 32 characters) derived from the request itself, so the protocol stays a
/// pure function.
pub fn transaction_id(bytes: &[u8]) -> String {
    // Two FNV-1a hashes with different seeds, taken in one pass (two independent chains of
    // multiplies run side by side).
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let (a, b) = bytes.iter().fold(
        (0xcbf2_9ce4_8422_2325_u64, 0x8422_2325_cbf2_9ce4_u64),
        |(a, b), byte| {
            let byte = u64::from(*byte);
            (
                (a ^ byte).wrapping_mul(PRIME),
                (b ^ byte).wrapping_mul(PRIME),
            )
        },
    );
    format!("{a:016x}{b:016x}")
}

fn rate_body<'a>(
    config: &'a UpsConfig,
    request: &'a RateRequest,
    option: &str,
) -> Result<RateRequestWrapper<'a>, Error> {
    let imperial = IMPERIAL_COUNTRIES.contains(&request.origin.country.trim());
    let (weight_unit, weight_code, length_unit, length_code) = if imperial {
        (WeightUnit::Lb, "LBS", LengthUnit::In, "IN")
    } else {
        (WeightUnit::Kg, "KGS", LengthUnit::Cm, "CM")
    };
    let tenth = Decimal::new(1, 1);
    let hundredth = Decimal::new(1, 2);

    let mut packages = Vec::with_capacity(request.parcels.len());
    let mut total_weight = Decimal::ZERO;
    for parcel in &request.parcels {
        let weight = parcel.weight.ceil_to(weight_unit, tenth);
        total_weight += weight;
        let dimensions = parcel.dimensions.as_ref().map(|d| {
            let [l, w, h] = d.ceil_to(length_unit, hundredth);
            Dimensions {
                height: AsText(h.normalize()),
                length: AsText(l.normalize()),
                unit_of_measurement: Code { code: length_code },
                width: AsText(w.normalize()),
            }
        });
        let package_service_options =
            parcel
                .declared_value
                .as_ref()
                .map(|value| PackageServiceOptions {
                    declared_value: MonetaryValue {
                        currency_code: value.currency.as_str(),
                        monetary_value: AsText(value.rounded().amount),
                    },
                });
        packages.push(Package {
            dimensions,
            package_service_options,
            package_weight: WeightValue {
                unit_of_measurement: Code { code: weight_code },
                weight: AsText(weight.normalize()),
            },
            packaging_type: CodeDescription {
                code: "02",
                description: Some("Package"),
            },
        });
    }

    let account = config.account_number.as_deref();
    let rate = option.starts_with("Rate");
    let service = request
        .services
        .as_ref()
        .and_then(|s| s.first())
        .filter(|_| rate)
        .map(|code| CodeDescription {
            code: code.trim(),
            description: codes::service_name(code),
        });
    let shipment = Shipment {
        delivery_time_information: DeliveryTimeInformation {
            package_bill_type: "03",
            pickup: request.ship_date.map(|date| Pickup {
                date: AsText(date.format("%Y%m%d")),
            }),
        },
        num_of_pieces: AsText(packages.len()),
        package: packages,
        payment_details: account.map(|account| PaymentDetails {
            shipment_charge: [ShipmentCharge {
                bill_shipper: BillShipper {
                    account_number: account,
                },
                charge_type: "01",
            }],
        }),
        service,
        ship_from: party(&request.origin, "Shipper", None),
        ship_to: party(&request.destination, "Recipient", None),
        shipment_rating_options: account.map(|_| ShipmentRatingOptions {
            negotiated_rates_indicator: "Y",
        }),
        shipment_total_weight: WeightValue {
            unit_of_measurement: Code { code: weight_code },
            weight: AsText(total_weight.normalize()),
        },
        shipper: party(&request.origin, "Shipper", account),
    };
    Ok(RateRequestWrapper {
        rate_request: RateRequestBody {
            customer_classification: (account.is_some() && imperial).then_some(Code { code: "00" }),
            request: Request {
                request_option: if rate { "Rate" } else { "Shop" },
                sub_version: "2409",
                transaction_reference: TransactionReference {
                    customer_context: "shipmux",
                },
            },
            shipment,
        },
    })
}

/// A `Shipper` / `ShipTo` / `ShipFrom` object.
fn party<'a>(
    address: &'a Address,
    fallback_name: &'a str,
    shipper_number: Option<&'a str>,
) -> Party<'a> {
    let name = address
        .name
        .as_deref()
        .or(address.company.as_deref())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(fallback_name);
    let present = |s: &'a Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Party {
        address: PartyAddress {
            address_line: address
                .lines
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .take(3)
                .collect(),
            city: present(&address.city),
            country_code: address.country.trim().to_ascii_uppercase(),
            postal_code: address.normalized_postal_code(),
            residential_address_indicator: (address.residential == Some(true)).then_some("Y"),
            state_province_code: present(&address.region),
        },
        name,
        shipper_number,
    }
}
