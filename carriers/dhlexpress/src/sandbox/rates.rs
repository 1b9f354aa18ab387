//! `POST /rates` (multi-piece, JSON body) and `GET /rates` (one piece, query): DHL's checks,
//! then the kit's deterministic prices in DHL's answer shape.

use std::str::FromStr;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};
use shipmux_core::model::country::is_iso_country;
use shipmux_core::{Dimensions, LengthUnit, Weight, WeightUnit};
use shipmux_sandbox::price::{self, Place, ServiceLevel, Shipment, Speed};

use super::address::{city, currency, euros_per, service_area, vat_percent};
use super::{Auth, bad_request, ok_json, problem_body, validate};
use crate::json::{field, list, number, text};

const INSTANCE: &str = "/rates";

pub(super) use crate::rate::request::EU;

/// One end of the shipment.
#[derive(Clone, Debug)]
struct End {
    country: String,
    postal: String,
    city: String,
}

/// One package as sent.
#[derive(Clone, Debug)]
struct Package {
    weight: Decimal,
    dimensions: Option<[Decimal; 3]>,
    type_code: Option<String>,
}

/// A rate request, from either operation.
#[derive(Clone, Debug)]
struct Quote {
    origin: End,
    destination: End,
    accounts: Vec<String>,
    payer_country: Option<String>,
    planned: String,
    customs: bool,
    metric: bool,
    packages: Vec<Package>,
    products: Vec<String>,
    edd_requested: bool,
    edd_type: String,
    all_services: bool,
    next_business_day: bool,
    product_type: String,
}

/// A DHL product as the sandbox prices it.
struct Product {
    /// Code for customs-declarable (non-document) shipments.
    code: &'static str,
    /// Code for documents (not customs-declarable).
    doc_code: &'static str,
    name: &'static str,
    /// Price factor in hundredths.
    factor: i64,
    /// The time-of-day premium row, if any.
    premium: Option<(&'static str, &'static str)>,
    /// Delivery time of day.
    time: &'static str,
    economy: bool,
}

const fn product(
    code: &'static str,
    doc_code: &'static str,
    name: &'static str,
    factor: i64,
    premium: Option<(&'static str, &'static str)>,
    time: &'static str,
    economy: bool,
) -> Product {
    Product {
        code,
        doc_code,
        name,
        factor,
        premium,
        time,
        economy,
    }
}

const DOMESTIC_STANDARD: i64 = 160;
const DOMESTIC: [Product; 4] = [
    product("N", "N", "EXPRESS DOMESTIC", 160, None, "23:59:00", false),
    product(
        "1",
        "1",
        "EXPRESS DOMESTIC 12:00",
        190,
        Some(("YK", "12:00 PREMIUM")),
        "12:00:00",
        false,
    ),
    product(
        "O",
        "O",
        "EXPRESS DOMESTIC 10:30",
        230,
        Some(("YJ", "10:30 PREMIUM")),
        "10:30:00",
        false,
    ),
    product(
        "I",
        "I",
        "EXPRESS DOMESTIC 9:00",
        280,
        Some(("YI", "9:00 PREMIUM")),
        "09:00:00",
        false,
    ),
];

const INTERNATIONAL_STANDARD: i64 = 200;
const INTERNATIONAL: [Product; 5] = [
    product("P", "D", "EXPRESS WORLDWIDE", 200, None, "23:59:00", false),
    product(
        "Y",
        "T",
        "EXPRESS 12:00",
        250,
        Some(("YK", "12:00 PREMIUM")),
        "12:00:00",
        false,
    ),
    product(
        "M",
        "L",
        "EXPRESS 10:30",
        290,
        Some(("YJ", "10:30 PREMIUM")),
        "10:30:00",
        false,
    ),
    product(
        "E",
        "K",
        "EXPRESS 9:00",
        340,
        Some(("YI", "9:00 PREMIUM")),
        "09:00:00",
        false,
    ),
    product("H", "W", "ECONOMY SELECT", 130, None, "23:59:00", true),
];

/// Optional services listed without a price when all value-added services are asked for.
const OPTIONAL_SERVICES: [(&str, &str, &str); 5] = [
    ("II", "SHIPMENT INSURANCE", "XCH"),
    ("AA", "SATURDAY DELIVERY", "XCH"),
    ("TK", "RESIDENTIAL DELIVERY", "XCH"),
    ("SF", "DIRECT SIGNATURE", "XCH"),
    ("PT", "DATA STAGING 03", "TEC"),
];

/// `POST /rates`.
pub(super) async fn post_rates(
    State(auth): State<Auth>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(r) = auth.refusal(&headers, INSTANCE) {
        return r;
    }
    let value: Value = match serde_json::from_str(&body) {
        Ok(v) => v,
        Err(e) => return unprocessable(&[format!("#: the body is not JSON ({e})")]),
    };
    let problems = validate::rate_request(&value);
    if !problems.is_empty() {
        return unprocessable(&problems);
    }
    match quote_of_body(&value).and_then(answer) {
        Ok(v) => ok_json(&v),
        Err(detail) => bad_request(INSTANCE, "Bad request", &detail),
    }
}

/// `GET /rates?accountNumber=…&originCountryCode=…&…` (one piece).
pub(super) async fn get_rates(
    State(auth): State<Auth>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = auth.refusal(&headers, INSTANCE) {
        return r;
    }
    let get = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
    };
    const REQUIRED: [&str; 12] = [
        "accountNumber",
        "originCountryCode",
        "originCityName",
        "destinationCountryCode",
        "destinationCityName",
        "weight",
        "length",
        "width",
        "height",
        "plannedShippingDate",
        "isCustomsDeclarable",
        "unitOfMeasurement",
    ];
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|k| get(k).is_none_or(|v| v.is_empty()))
        .collect();
    if !missing.is_empty() {
        return bad_request(
            INSTANCE,
            "Missing parameters",
            &format!("Missing mandatory parameters: {}", missing.join(", ")),
        );
    }
    let format_error = |name: &str| {
        bad_request(
            INSTANCE,
            "Wrong format",
            &format!("Parameters not having correct format: {name}"),
        )
    };
    let mut numbers = Vec::new();
    for name in ["weight", "length", "width", "height"] {
        match get(name).and_then(|v| Decimal::from_str(&v).ok()) {
            Some(d) if d > Decimal::ZERO => numbers.push(d),
            _ => return format_error(name),
        }
    }
    let boolean = |name: &str| match get(name).as_deref() {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(name.to_string()),
    };
    let (customs, next_day, all_services, edd) = match (
        boolean("isCustomsDeclarable"),
        boolean("nextBusinessDay"),
        boolean("getAllValueAddedServices"),
        boolean("requestEstimatedDeliveryDate"),
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d)) => (a.unwrap_or(false), b, c, d),
        (Err(n), ..) | (_, Err(n), ..) | (_, _, Err(n), _) | (.., Err(n)) => {
            return format_error(&n);
        }
    };
    let unit = get("unitOfMeasurement").unwrap_or_default();
    if unit != "metric" && unit != "imperial" {
        return format_error("unitOfMeasurement");
    }
    let date = get("plannedShippingDate").unwrap_or_default();
    if NaiveDate::parse_from_str(&date, "%Y-%m-%d").is_err() {
        return format_error("plannedShippingDate");
    }
    let edd_type = get("estimatedDeliveryDateType").unwrap_or_else(|| "QDDF".into());
    if edd_type != "QDDF" && edd_type != "QDDC" {
        return format_error("estimatedDeliveryDateType");
    }
    let end = |prefix: &str| End {
        country: get(&format!("{prefix}CountryCode"))
            .unwrap_or_default()
            .to_ascii_uppercase(),
        postal: get(&format!("{prefix}PostalCode")).unwrap_or_default(),
        city: get(&format!("{prefix}CityName")).unwrap_or_default(),
    };
    let quote = Quote {
        origin: end("origin"),
        destination: end("destination"),
        accounts: vec![get("accountNumber").unwrap_or_default()],
        payer_country: None,
        planned: format!("{date}T{}", "12:00:00 GMT+00:00"),
        customs,
        metric: unit == "metric",
        packages: vec![Package {
            weight: numbers[0],
            dimensions: Some([numbers[1], numbers[2], numbers[3]]),
            type_code: None,
        }],
        products: Vec::new(),
        edd_requested: edd.unwrap_or(true),
        edd_type,
        all_services: all_services.unwrap_or(false),
        next_business_day: next_day.unwrap_or(false),
        product_type: "all".into(),
    };
    match answer(quote) {
        Ok(v) => ok_json(&v),
        Err(detail) => bad_request(INSTANCE, "Bad request", &detail),
    }
}

/// The 422 DHL answers for schema problems.
fn unprocessable(problems: &[String]) -> Response {
    let mut body = json!({
        "instance": "/expressapi/rates",
        "detail": if problems.len() == 1 { problems[0].clone() } else { "Multiple problems found, see Additional Details".to_string() },
        "title": "Validation error",
        "message": "Unprocessable Entity",
        "status": "422",
    });
    if problems.len() > 1 {
        body["additionalDetails"] = json!(problems);
    }
    problem_body(StatusCode::UNPROCESSABLE_ENTITY, body)
}

/// A schema-valid `POST /rates` body as a [`Quote`].
fn quote_of_body(body: &Value) -> Result<Quote, String> {
    let details = field(body, "customerDetails").cloned().unwrap_or_default();
    let end = |key: &str| {
        let a = field(&details, key).cloned().unwrap_or_default();
        End {
            country: text(&a, "countryCode")
                .unwrap_or_default()
                .to_ascii_uppercase(),
            postal: text(&a, "postalCode").unwrap_or_default(),
            city: text(&a, "cityName").unwrap_or_default(),
        }
    };
    let mut products: Vec<String> = text(body, "productCode").into_iter().collect();
    products.extend(
        list(body, "productsAndServices")
            .iter()
            .filter_map(|p| text(p, "productCode")),
    );
    let all_services = field(body, "requestAllValueAddedServices").and_then(Value::as_bool)
        == Some(true)
        || list(body, "getAdditionalInformation").iter().any(|g| {
            text(g, "typeCode").is_some_and(|t| t.starts_with("allValueAddedServices"))
                && field(g, "isRequested").and_then(Value::as_bool) == Some(true)
        });
    let edd = field(body, "estimatedDeliveryDate")
        .cloned()
        .unwrap_or_default();
    let packages = list(body, "packages")
        .iter()
        .map(|p| {
            let dims = field(p, "dimensions").map(|d| {
                ["length", "width", "height"].map(|k| {
                    crate::json::decimal(d, k)
                        .ok()
                        .flatten()
                        .unwrap_or(Decimal::ZERO)
                })
            });
            Package {
                weight: crate::json::decimal(p, "weight")
                    .ok()
                    .flatten()
                    .unwrap_or(Decimal::ZERO),
                dimensions: dims,
                type_code: text(p, "typeCode"),
            }
        })
        .collect();
    Ok(Quote {
        origin: end("shipperDetails"),
        destination: end("receiverDetails"),
        accounts: list(body, "accounts")
            .iter()
            .filter(|a| text(a, "typeCode").as_deref() != Some("duties-taxes"))
            .filter_map(|a| text(a, "number"))
            .collect(),
        payer_country: text(body, "payerCountryCode"),
        planned: text(body, "plannedShippingDateAndTime").unwrap_or_default(),
        customs: field(body, "isCustomsDeclarable").and_then(Value::as_bool) == Some(true),
        metric: text(body, "unitOfMeasurement").as_deref() != Some("imperial"),
        packages,
        products,
        edd_requested: field(&edd, "isRequested").and_then(Value::as_bool) != Some(false),
        edd_type: text(&edd, "typeCode").unwrap_or_else(|| "QDDF".into()),
        all_services,
        next_business_day: field(body, "nextBusinessDay").and_then(Value::as_bool) == Some(true),
        product_type: text(body, "productTypeCode").unwrap_or_else(|| "all".into()),
    })
}

/// `YYYY-MM-DDTHH:MM:SS GMT+HH:MM` (the space optional) → the date.
fn planned_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let (date, rest) = (t.get(..10)?, t.get(10..)?);
    let rest = rest.strip_prefix('T')?;
    let (time, zone) = (rest.get(..8)?, rest.get(8..)?);
    let zone = zone.strip_prefix(' ').unwrap_or(zone);
    let offset = zone.strip_prefix("GMT")?;
    let ok_time = chrono::NaiveTime::parse_from_str(time, "%H:%M:%S").is_ok();
    let b = offset.as_bytes();
    let ok_offset = b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3] == b':'
        && b[4..].iter().all(u8::is_ascii_digit);
    if !ok_time || !ok_offset {
        return None;
    }
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

fn money(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// DHL's checks, then the answer.
fn answer(quote: Quote) -> Result<Value, String> {
    const NOT_AVAILABLE: &str =
        "1001: The requested product(s) not available based on your search criteria.";
    if quote.accounts.is_empty() && quote.payer_country.is_none() {
        return Err("998: The account number is not found or invalid. Please check the account number and retry.".into());
    }
    if quote
        .accounts
        .iter()
        .any(|n| !(6..=12).contains(&n.len()) || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("998: The account number is not found or invalid. Please check the account number and retry.".into());
    }
    let Some(mut date) = planned_date(&quote.planned) else {
        return Err("998: ShipTimeStamp is not well formatted.(Expected Sample Format : '2010-02-11T17:10:09 GMT+01:00')".into());
    };
    for (i, p) in quote.packages.iter().enumerate() {
        if p.dimensions.is_none() && p.type_code.is_none() {
            return Err(format!(
                "7160: Either the package type or the dimensions of package {} must be provided.",
                i + 1
            ));
        }
    }
    for end in [&quote.origin, &quote.destination] {
        if !is_iso_country(&end.country) {
            return Err(NOT_AVAILABLE.into());
        }
    }
    let heaviest_kg = quote
        .packages
        .iter()
        .map(|p| {
            if quote.metric {
                p.weight
            } else {
                Weight::lb(p.weight).to(WeightUnit::Kg).value
            }
        })
        .max()
        .unwrap_or(Decimal::ZERO);
    if heaviest_kg > Decimal::from(70) {
        return Err(NOT_AVAILABLE.into());
    }
    let mut moved = false;
    while matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        if !quote.next_business_day {
            return Err("1003: Pickup is not available on the planned shipping date. Please retry with another date or with nextBusinessDay.".into());
        }
        date = date.succ_opt().unwrap_or(date);
        moved = true;
    }

    let domestic = quote.origin.country == quote.destination.country;
    let both_eu = EU.contains(&quote.origin.country.as_str())
        && EU.contains(&quote.destination.country.as_str());
    let (catalogue, standard): (&[Product], i64) = if domestic {
        (&DOMESTIC, DOMESTIC_STANDARD)
    } else {
        (&INTERNATIONAL, INTERNATIONAL_STANDARD)
    };
    let length_unit = if quote.metric {
        LengthUnit::Cm
    } else {
        LengthUnit::In
    };
    let shipment = Shipment {
        origin: Place::new(&quote.origin.country, &quote.origin.postal),
        destination: Place::new(&quote.destination.country, &quote.destination.postal),
        packages: quote
            .packages
            .iter()
            .map(|p| price::Package {
                weight: if quote.metric {
                    Weight::kg(p.weight)
                } else {
                    Weight::lb(p.weight)
                },
                dimensions: p
                    .dimensions
                    .map(|[l, w, h]| Dimensions::new(l, w, h, length_unit)),
            })
            .collect(),
        residential: false,
    };
    let zone = price::zone(&shipment.origin, &shipment.destination);
    let express_days = if domestic {
        1
    } else {
        1 + zone.saturating_sub(8)
    };
    let billing = currency(&quote.origin.country);
    let vat = if domestic {
        vat_percent(&quote.origin.country)
    } else {
        None
    };
    let origin_city = if quote.origin.city.is_empty() {
        city(&quote.origin.country, &quote.origin.postal)
    } else {
        quote.origin.city.to_ascii_uppercase()
    };
    let destination_city = if quote.destination.city.is_empty() {
        city(&quote.destination.country, &quote.destination.postal)
    } else {
        quote.destination.city.to_ascii_uppercase()
    };
    let weight = weight_block(&quote);

    let mut products = Vec::new();
    for p in catalogue {
        let code = if quote.customs {
            p.code
        } else if p.code == "P" && both_eu {
            "U"
        } else {
            p.doc_code
        };
        if !quote.products.is_empty() && !quote.products.iter().any(|c| c == code) {
            continue;
        }
        if (quote.product_type == "dayDefinite" && !p.economy)
            || (quote.product_type == "timeDefinite" && p.economy)
        {
            continue;
        }
        let mut days = if p.economy {
            express_days + 3
        } else {
            express_days
        };
        if quote.edd_type == "QDDC" && quote.customs {
            days += 1;
        }
        let level = ServiceLevel::new(p.factor, Speed::Days(days), false);
        let priced = price::quote(&shipment, &level);
        let standard_base = price::quote(
            &shipment,
            &ServiceLevel::new(standard, Speed::Days(days), false),
        )
        .base;
        let mut rows = vec![(None, p.name, standard_base.min(priced.base))];
        if let Some((service, name)) = p.premium {
            rows.push((Some((service, "SCH")), name, priced.base - standard_base));
        }
        rows.push((Some(("FF", "SCH")), "FUEL SURCHARGE", priced.fuel));
        let mut breakdown = Vec::new();
        let (mut total, mut taxes) = (Decimal::ZERO, Decimal::ZERO);
        let mut product_row_price = Decimal::ZERO;
        for (service, name, net) in rows {
            let net = money(net);
            if net.is_zero() {
                continue;
            }
            let tax = vat.map_or(Decimal::ZERO, |pct| {
                money(net * Decimal::from(pct) / Decimal::from(100))
            });
            let gross = net + tax;
            total += gross;
            taxes += tax;
            let mut row = json!({"name": name});
            if let Some((code, kind)) = service {
                row["serviceCode"] = json!(code);
                row["localServiceCode"] = json!(code);
                row["serviceTypeCode"] = json!(kind);
            } else {
                product_row_price = gross;
            }
            row["price"] = number(gross);
            if service.is_some() {
                row["isCustomerAgreement"] = json!(false);
                row["isMarketedService"] = json!(code_is_marketed(service));
            }
            row["priceBreakdown"] = json!([{
                "priceType": "TAX",
                "typeCode": if vat.is_some() { "DEFAUL" } else { "All Bu" },
                "price": number(tax),
                "rate": vat.unwrap_or(0),
                "basePrice": number(net),
            }]);
            breakdown.push(row);
        }
        if quote.all_services {
            for (code, name, kind) in OPTIONAL_SERVICES {
                breakdown.push(json!({
                    "name": name, "serviceCode": code, "localServiceCode": code,
                    "serviceTypeCode": kind, "isCustomerAgreement": false, "isMarketedService": true,
                }));
            }
        }
        let mut total_price = vec![
            json!({"currencyType": "BILLC", "priceCurrency": billing, "price": number(total)}),
        ];
        let mut total_breakdown = vec![json!({
            "currencyType": "BILLC",
            "priceCurrency": billing,
            "priceBreakdown": [
                {"typeCode": "STTXA", "price": number(taxes)},
                {"typeCode": "SPRQT", "price": number(product_row_price)},
            ],
        })];
        if billing == "EUR" {
            total_price.push(json!({"currencyType": "PULCL", "price": 0}));
            total_price.push(json!({"currencyType": "BASEC", "price": 0}));
        } else {
            let rate = euros_per(billing);
            total_price.push(
                json!({"currencyType": "PULCL", "priceCurrency": billing, "price": number(total)}),
            );
            total_price.push(json!({"currencyType": "BASEC", "priceCurrency": "EUR", "price": number(money(total * rate))}));
            total_breakdown.push(json!({
                "currencyType": "PULCL",
                "priceCurrency": billing,
                "priceBreakdown": [
                    {"typeCode": "STTXA", "price": number(taxes)},
                    {"typeCode": "SPRQT", "price": number(product_row_price)},
                ],
            }));
        }
        let delivery = price::add_business_days(date, days);
        let mut capabilities = json!({
            "destinationServiceAreaCode": service_area(&destination_city),
            "destinationFacilityAreaCode": format!("{}1", &service_area(&destination_city)[..2]),
        });
        if quote.edd_requested {
            capabilities["deliveryTypeCode"] = json!(quote.edd_type);
            capabilities["estimatedDeliveryDateAndTime"] =
                json!(format!("{}T{}", delivery.format("%Y-%m-%d"), p.time));
            capabilities["deliveryAdditionalDays"] = json!(0);
            capabilities["deliveryDayOfWeek"] = json!(delivery.weekday().number_from_monday());
            capabilities["totalTransitDays"] = json!(days);
        }
        products.push(json!({
            "productName": p.name,
            "productCode": code,
            "localProductCode": code,
            "localProductCountryCode": quote.origin.country,
            "networkTypeCode": if p.economy { "DD" } else { "TD" },
            "isCustomerAgreement": false,
            "weight": weight,
            "totalPrice": total_price,
            "totalPriceBreakdown": total_breakdown,
            "detailedPriceBreakdown": [{
                "currencyType": "BILLC",
                "priceCurrency": billing,
                "breakdown": breakdown,
            }],
            "pickupCapabilities": {
                "nextBusinessDay": moved,
                "localCutoffDateAndTime": format!("{}T18:00:00", date.format("%Y-%m-%d")),
                "GMTCutoffTime": "17:00:00",
                "pickupEarliest": "09:00:00",
                "pickupLatest": "18:00:00",
                "originServiceAreaCode": service_area(&origin_city),
                "originFacilityAreaCode": format!("{}1", &service_area(&origin_city)[..2]),
                "pickupAdditionalDays": 0,
                "pickupDayOfWeek": date.weekday().number_from_monday(),
            },
            "deliveryCapabilities": capabilities,
            "pricingDate": date.format("%Y-%m-%d").to_string(),
        }));
    }
    if domestic
        && !quote.customs
        && (quote.products.is_empty() || quote.products.iter().any(|c| c == "7"))
    {
        // A capability-only product, priced at zero, as DHL lists EXPRESS EASY DOC.
        products.push(json!({
            "productName": "EXPRESS EASY DOC",
            "productCode": "7",
            "localProductCode": "7",
            "localProductCountryCode": quote.origin.country,
            "networkTypeCode": "TD",
            "isCustomerAgreement": false,
            "weight": weight,
            "totalPrice": [
                {"currencyType": "BILLC", "price": 0},
                {"currencyType": "PULCL", "price": 0},
                {"currencyType": "BASEC", "price": 0},
            ],
            "detailedPriceBreakdown": [],
        }));
    }
    if products.is_empty() {
        return Err(NOT_AVAILABLE.into());
    }
    let mut body = json!({ "products": products });
    if billing != "EUR" {
        body["exchangeRates"] = json!([{
            "currentExchangeRate": number(euros_per(billing)),
            "currency": billing,
            "baseCurrency": "EUR",
        }]);
    }
    Ok(body)
}

/// FF is not a marketed service; the premiums are.
fn code_is_marketed(service: Option<(&str, &str)>) -> bool {
    !matches!(service, Some(("FF", _)))
}

/// `weight`: the sum of the packages as sent, and their volumetric weight (5,000 cm³ per kg,
/// or 139 in³ per lb).
fn weight_block(quote: &Quote) -> Value {
    let provided: Decimal = quote.packages.iter().map(|p| p.weight).sum();
    let divisor = Decimal::from(if quote.metric { 5000 } else { 139 });
    let volumetric: Decimal = quote
        .packages
        .iter()
        .filter_map(|p| p.dimensions)
        .map(|[l, w, h]| l * w * h / divisor)
        .sum();
    json!({
        "volumetric": number(volumetric.round_dp_with_strategy(3, RoundingStrategy::MidpointAwayFromZero)),
        "provided": number(provided),
        "unitOfMeasurement": if quote.metric { "metric" } else { "imperial" },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planned_dates_take_both_spellings() {
        let d = NaiveDate::from_ymd_opt(2022, 11, 20);
        assert_eq!(planned_date("2022-11-20T13:00:00GMT+00:00"), d);
        assert_eq!(planned_date("2022-11-20T13:00:00 GMT+01:00"), d);
        assert_eq!(planned_date("2022-11-20 13:00:00 GMT+01:00"), None);
        assert_eq!(planned_date("2022-11-20T13:00:00"), None);
    }
}
