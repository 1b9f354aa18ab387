//! UPS Rating v2409: our [`RateRequest`] → `POST /api/rating/v2409/{Rate|Shop}timeintransit`,
//! and the `RateResponse` → [`Rate`]s, as NORMALIZATION.md §1 says.

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use shipmux_core::{
    Address, Charge, ChargeKind, Error, HttpRequest, HttpResponse, LengthUnit, Money, Rate,
    RateRequest, Weight, WeightUnit,
};

use crate::codes;
use crate::config::{RATING_VERSION, UpsConfig};
use crate::error;
use crate::json::{at, decimal, list, money, text, text_at, yyyymmdd};

/// UPS takes at most this many packages in one shipment.
pub const MAX_PACKAGES: usize = 200;

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
    let fnv = |seed: u64| {
        bytes.iter().fold(seed, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x8422_2325_cbf2_9ce4)
    )
}

fn rate_body(config: &UpsConfig, request: &RateRequest, option: &str) -> Result<Value, Error> {
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
        let mut package = json!({
            "PackagingType": {"Code": "02", "Description": "Package"},
            "PackageWeight": {
                "UnitOfMeasurement": {"Code": weight_code},
                "Weight": weight.normalize().to_string(),
            },
        });
        if let Some(d) = &parcel.dimensions {
            let [l, w, h] = d.ceil_to(length_unit, hundredth);
            package["Dimensions"] = json!({
                "UnitOfMeasurement": {"Code": length_code},
                "Length": l.normalize().to_string(),
                "Width": w.normalize().to_string(),
                "Height": h.normalize().to_string(),
            });
        }
        if let Some(value) = &parcel.declared_value {
            package["PackageServiceOptions"] = json!({
                "DeclaredValue": {
                    "CurrencyCode": value.currency.as_str(),
                    "MonetaryValue": value.rounded().amount.to_string(),
                }
            });
        }
        packages.push(package);
    }

    let mut shipper = party(&request.origin, "Shipper");
    let mut shipment = Map::new();
    if let Some(account) = &config.account_number {
        shipper["ShipperNumber"] = json!(account);
        shipment.insert(
            "PaymentDetails".into(),
            json!({"ShipmentCharge": [{"Type": "01", "BillShipper": {"AccountNumber": account}}]}),
        );
        shipment.insert(
            "ShipmentRatingOptions".into(),
            json!({"NegotiatedRatesIndicator": "Y"}),
        );
    }
    shipment.insert("Shipper".into(), shipper);
    shipment.insert("ShipTo".into(), party(&request.destination, "Recipient"));
    shipment.insert("ShipFrom".into(), party(&request.origin, "Shipper"));
    if option.starts_with("Rate")
        && let Some(code) = request.services.as_ref().and_then(|s| s.first())
    {
        let mut service = json!({"Code": code.trim()});
        if let Some(name) = codes::service_name(code) {
            service["Description"] = json!(name);
        }
        shipment.insert("Service".into(), service);
    }
    shipment.insert("NumOfPieces".into(), json!(packages.len().to_string()));
    shipment.insert(
        "ShipmentTotalWeight".into(),
        json!({
            "UnitOfMeasurement": {"Code": weight_code},
            "Weight": total_weight.normalize().to_string(),
        }),
    );
    shipment.insert("Package".into(), Value::Array(packages));
    let mut delivery = json!({"PackageBillType": "03"});
    if let Some(date) = request.ship_date {
        delivery["Pickup"] = json!({"Date": date.format("%Y%m%d").to_string()});
    }
    shipment.insert("DeliveryTimeInformation".into(), delivery);

    let mut rate_request = json!({
        "Request": {
            "RequestOption": if option.starts_with("Rate") { "Rate" } else { "Shop" },
            "SubVersion": "2409",
            "TransactionReference": {"CustomerContext": "shipmux"},
        },
        "Shipment": Value::Object(shipment),
    });
    if config.account_number.is_some() && imperial {
        rate_request["CustomerClassification"] = json!({"Code": "00"});
    }
    Ok(json!({ "RateRequest": rate_request }))
}

/// A `Shipper` / `ShipTo` / `ShipFrom` object.
fn party(address: &Address, fallback_name: &str) -> Value {
    let name = address
        .name
        .as_deref()
        .or(address.company.as_deref())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(fallback_name);
    let mut a = Map::new();
    let lines: Vec<&str> = address
        .lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .take(3)
        .collect();
    if !lines.is_empty() {
        a.insert("AddressLine".into(), json!(lines));
    }
    if let Some(city) = address.city.as_deref().filter(|c| !c.trim().is_empty()) {
        a.insert("City".into(), json!(city.trim()));
    }
    if let Some(region) = address.region.as_deref().filter(|r| !r.trim().is_empty()) {
        a.insert("StateProvinceCode".into(), json!(region.trim()));
    }
    if let Some(postal) = address.normalized_postal_code() {
        a.insert("PostalCode".into(), json!(postal));
    }
    a.insert(
        "CountryCode".into(),
        json!(address.country.trim().to_ascii_uppercase()),
    );
    if address.residential == Some(true) {
        a.insert("ResidentialAddressIndicator".into(), json!("Y"));
    }
    json!({"Name": name, "Address": Value::Object(a)})
}

/// Reads a rating answer (any status) into rates, in response order.
pub fn parse_rate(response: &HttpResponse) -> Result<Vec<Rate>, Error> {
    if !response.is_success() {
        return Err(error::from_response(response, "rating"));
    }
    let body: Value = serde_json::from_slice(&response.body).map_err(|e| {
        Error::parse(format!("ups rating: body is not JSON ({e})"))
            .with_carrier(&crate::carrier_id())
    })?;
    let Some(rate_response) = at(&body, &["RateResponse"]) else {
        if error::first_error(&body).is_some() {
            return Err(error::from_response(response, "rating"));
        }
        return Err(Error::parse("ups rating: the answer has no RateResponse")
            .with_carrier(&crate::carrier_id()));
    };
    list(rate_response.get("RatedShipment"))
        .into_iter()
        .enumerate()
        .map(|(i, shipment)| {
            rated_shipment(shipment)
                .map_err(|e| Error::parse(format!("ups rating: RatedShipment[{i}]: {}", e.message)))
                .map_err(|e| e.with_carrier(&crate::carrier_id()))
        })
        .collect()
}

/// One `RatedShipment` → one [`Rate`].
fn rated_shipment(s: &Value) -> Result<Rate, Error> {
    let service =
        text_at(s, &["Service", "Code"]).ok_or_else(|| Error::parse("Service.Code is missing"))?;
    let summary =
        at(s, &["TimeInTransit", "ServiceSummary"]).and_then(|v| list(Some(v)).into_iter().next());
    let service_name = text_at(s, &["Service", "Description"])
        .or_else(|| summary.and_then(|sum| text_at(sum, &["Service", "Description"])))
        .or_else(|| codes::service_name(&service).map(str::to_string))
        .unwrap_or_else(|| format!("UPS service {service}"));

    let published_with_taxes = money(at(s, &["TotalChargesWithTaxes"]), "TotalChargesWithTaxes")?;
    let published_total = money(at(s, &["TotalCharges"]), "TotalCharges")?;
    let published = published_with_taxes.clone().or(published_total);
    let negotiated = at(s, &["NegotiatedRateCharges"]);

    let (total, charges) = match negotiated {
        Some(n) => {
            let with_taxes = money(
                at(n, &["TotalChargesWithTaxes"]),
                "NegotiatedRateCharges.TotalChargesWithTaxes",
            )?;
            let plain = money(at(n, &["TotalCharge"]), "NegotiatedRateCharges.TotalCharge")?;
            let includes_taxes = with_taxes.is_some();
            match with_taxes.or(plain) {
                Some(total) => {
                    let charges = charges_of(n, &total, includes_taxes)?;
                    (total, charges)
                }
                // A negotiated container without a total: fall back to the published price.
                None => published_total_and_charges(
                    s,
                    published.clone(),
                    published_with_taxes.is_some(),
                )?,
            }
        }
        None => published_total_and_charges(s, published.clone(), published_with_taxes.is_some())?,
    };
    let list_total = published.filter(|p| p.amount != total.amount || p.currency != total.currency);
    let list_total = if negotiated.is_some() {
        list_total
    } else {
        None
    };

    let arrival = summary.and_then(|sum| at(sum, &["EstimatedArrival"]));
    let guaranteed_delivery = at(s, &["GuaranteedDelivery"]);
    let transit_days = arrival
        .and_then(|a| text_at(a, &["BusinessDaysInTransit"]))
        .or_else(|| guaranteed_delivery.and_then(|g| text_at(g, &["BusinessDaysInTransit"])))
        .and_then(|d| d.parse::<u32>().ok());
    let estimated_delivery = arrival
        .and_then(|a| yyyymmdd(text_at(a, &["Arrival", "Date"]).as_deref()))
        .or_else(|| {
            guaranteed_delivery
                .and_then(|g| text_at(g, &["ScheduledDeliveryDate"]))
                .and_then(|d| {
                    yyyymmdd(Some(&d))
                        .or_else(|| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                })
        });
    let guaranteed = guaranteed_delivery
        .is_some_and(|g| text_at(g, &["BusinessDaysInTransit"]).is_some())
        || summary.is_some_and(|sum| at(sum, &["GuaranteedIndicator"]).is_some());

    let billed_weight = match at(s, &["BillingWeight"]) {
        Some(bw) => {
            let value = decimal(at(bw, &["Weight"]), "BillingWeight.Weight")?;
            let unit =
                text_at(bw, &["UnitOfMeasurement", "Code"]).and_then(|u| WeightUnit::parse(&u));
            value.zip(unit).map(|(v, u)| Weight::new(v, u))
        }
        None => None,
    };

    let mut rate = Rate::new(crate::carrier_id(), &service, &service_name, total);
    rate.list_total = list_total;
    rate.charges = charges;
    rate.transit_days = transit_days;
    rate.estimated_delivery = estimated_delivery;
    rate.guaranteed = guaranteed;
    rate.billed_weight = billed_weight;
    Ok(rate)
}

fn published_total_and_charges(
    s: &Value,
    published: Option<Money>,
    includes_taxes: bool,
) -> Result<(Money, Vec<Charge>), Error> {
    let total = published.ok_or_else(|| Error::parse("TotalCharges is missing"))?;
    let charges = charges_of(s, &total, includes_taxes)?;
    Ok((total, charges))
}

/// The components of `total` in container `c` (a RatedShipment or its NegotiatedRateCharges),
/// zero amounts dropped. Taxes count only when `total` includes them.
fn charges_of(c: &Value, total: &Money, includes_taxes: bool) -> Result<Vec<Charge>, Error> {
    let mut charges = Vec::new();
    let mut push =
        |kind: ChargeKind, code: Option<String>, item: &Value, what: &str| -> Result<(), Error> {
            let Some(amount) = decimal(item.get("MonetaryValue"), what)? else {
                return Ok(());
            };
            if amount.is_zero() {
                return Ok(());
            }
            let currency = match text(item.get("CurrencyCode")) {
                Some(code) => shipmux_core::Currency::new(&code).map_err(|_| {
                    Error::parse(format!("{what}: `{code}` is not a currency code"))
                })?,
                None => total.currency.clone(),
            };
            charges.push(Charge {
                kind,
                code,
                amount: Money::new(amount, currency),
            });
            Ok(())
        };
    for base in list(at(c, &["BaseServiceCharge"])) {
        push(ChargeKind::Base, None, base, "BaseServiceCharge")?;
    }
    for item in list(at(c, &["ItemizedCharges"])) {
        let code = text(item.get("Code"));
        let kind = if code.as_deref() == Some("375") {
            ChargeKind::Fuel
        } else {
            ChargeKind::Surcharge
        };
        push(kind, code, item, "ItemizedCharges")?;
    }
    if includes_taxes {
        for tax in list(at(c, &["TaxCharges"])) {
            push(ChargeKind::Tax, text(tax.get("Type")), tax, "TaxCharges")?;
        }
    }
    if let Some(options) = at(c, &["ServiceOptionsCharges"]) {
        push(
            ChargeKind::Surcharge,
            None,
            options,
            "ServiceOptionsCharges",
        )?;
    }
    Ok(charges)
}
