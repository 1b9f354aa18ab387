//! `POST /rate/v1/rates/quotes`: validated like FedEx, priced by the kit's model, answered in
//! the shape of FedEx's samples (one `rateReplyDetails` entry per service, one
//! `ratedShipmentDetails` entry per rate type).

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};
use shipmux_core::WeightUnit;
use shipmux_sandbox::price::{self, Place, PriceQuote, Shipment};
use shipmux_sandbox::tracking::default_base_date;

use super::rate_request::{self, PARCEL_LIMIT_LB, QuoteRequest};
use super::reply::{self, FedexError};
use super::services::{self, LaneFacts, Service};
use crate::codes;
use crate::json::number;

/// The axum handler of the rate path.
pub async fn quote(headers: HeaderMap, body: Bytes) -> Response {
    answer(&headers, &body)
}

/// What the rate path answers to these headers and this body, without HTTP: FedEx's status
/// and body (the bearer check and the project window come before it, in the router). Public
/// so benchmarks can measure the simulator's own work.
pub fn answer(headers: &HeaderMap, body: &[u8]) -> Response {
    let customer = reply::customer_transaction_id(headers);
    let customer = customer.as_deref();
    if !reply::is_json(headers) {
        return reply::invalid_input(customer);
    }
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return reply::invalid_input(customer);
    };
    let request = match rate_request::read(&body) {
        Ok(r) => r,
        Err(errors) => return reply::errors(StatusCode::BAD_REQUEST, customer, &errors),
    };
    let offered = offered(&request);
    if offered.is_empty() {
        let what = request.service_type.as_deref().unwrap_or("FedEx service");
        return reply::errors(
            StatusCode::BAD_REQUEST,
            customer,
            &[FedexError::new(
                "RATE.SERVICE.UNAVAILABLE",
                format!(
                    "{what} is not available from {} to {} for this shipment.",
                    request.shipper.country, request.recipient.country
                ),
            )],
        );
    }
    let details: Vec<Value> = offered.iter().map(|s| reply_detail(&request, s)).collect();
    let mut alerts = Vec::new();
    if request.packages.len() > 1 {
        alerts.push(json!({"code": "SHIPMENT.CHARGES.NOTE",
            "message": "Shipment level charges have been added to first package.",
            "alertType": "NOTE"}));
    }
    reply::output(
        customer,
        json!({
            "alerts": alerts,
            "rateReplyDetails": details,
            "quoteDate": ship_date(&request).format("%Y-%m-%d").to_string(),
            "encoded": false,
        }),
    )
}

fn ship_date(request: &QuoteRequest) -> NaiveDate {
    request.ship_date.unwrap_or_else(default_base_date)
}

/// The services for the request: by lane and weight, then the `serviceType` and
/// `carrierCodes` filters, then the requested order.
fn offered(request: &QuoteRequest) -> Vec<Service> {
    let limit = Decimal::from(PARCEL_LIMIT_LB);
    let facts = LaneFacts {
        from: &request.shipper.country,
        to: &request.recipient.country,
        residential: request.recipient.residential,
        heavy: request
            .packages
            .iter()
            .any(|p| p.weight.to(WeightUnit::Lb).value > limit),
        own_packaging: request.packaging == "YOUR_PACKAGING",
    };
    let mut list: Vec<Service> = services::offered(facts)
        .into_iter()
        .filter(|s| request.service_type.as_deref().is_none_or(|t| t == s.code))
        .filter(|s| {
            request.carrier_codes.is_empty()
                || request.carrier_codes.iter().any(|c| c == s.carrier_code)
        })
        .collect();
    let days = |s: &Service| price::transit_days(zone(request), s.level.speed);
    match request.sort.as_deref() {
        Some("COMMITASCENDING") => list.sort_by_key(days),
        Some("COMMITDESCENDING") => list.sort_by_key(|s| std::cmp::Reverse(days(s))),
        _ => {}
    }
    list
}

fn shipment(request: &QuoteRequest) -> Shipment {
    Shipment {
        origin: Place::new(&request.shipper.country, &request.shipper.postal_code),
        destination: Place::new(&request.recipient.country, &request.recipient.postal_code),
        packages: request.packages.clone(),
        residential: request.recipient.residential,
    }
}

fn zone(request: &QuoteRequest) -> u32 {
    price::zone(
        &Place::new(&request.shipper.country, &request.shipper.postal_code),
        &Place::new(&request.recipient.country, &request.recipient.postal_code),
    )
}

fn money(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A rated detail's amounts, before they become FedEx JSON.
#[derive(Clone, Debug)]
struct Amounts {
    base: Decimal,
    discount: Decimal,
    fuel: Decimal,
    residential: Decimal,
    taxes: Vec<(&'static str, &'static str, Decimal)>,
    duties: Decimal,
    fees: Vec<(&'static str, &'static str, Decimal)>,
}

impl Amounts {
    fn net_fedex(&self) -> Decimal {
        self.base - self.discount + self.fuel + self.residential
    }

    fn net(&self) -> Decimal {
        self.net_fedex() + self.taxes.iter().map(|t| t.2).sum::<Decimal>()
    }

    fn fee_total(&self) -> Decimal {
        self.fees.iter().map(|f| f.2).sum()
    }

    fn converted(&self, rate: Decimal) -> Amounts {
        let c = |d: Decimal| money(d * rate);
        Amounts {
            base: c(self.base),
            discount: c(self.discount),
            fuel: c(self.fuel),
            residential: c(self.residential),
            taxes: self.taxes.iter().map(|(t, n, a)| (*t, *n, c(*a))).collect(),
            duties: c(self.duties),
            fees: self.fees.iter().map(|(t, n, a)| (*t, *n, c(*a))).collect(),
        }
    }
}

/// The account's discount off list: 5–25 %, fixed per account number.
fn discount_percent(account: &str) -> u32 {
    let h = account.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    5 + (h % 21) as u32
}

fn amounts(
    request: &QuoteRequest,
    service: &Service,
    quote: &PriceQuote,
    account: bool,
) -> Amounts {
    let net = if account {
        quote.discounted(discount_percent(&request.account))
    } else {
        quote.clone()
    };
    let mut a = Amounts {
        base: quote.base,
        discount: quote.base - net.base,
        fuel: net.fuel,
        residential: quote.residential,
        taxes: Vec::new(),
        duties: Decimal::ZERO,
        fees: Vec::new(),
    };
    let domestic = request.shipper.country == request.recipient.country;
    if domestic && request.shipper.country == "CA" {
        a.taxes.push((
            "HST",
            "Canada HST",
            money(a.net_fedex() * Decimal::new(13, 2)),
        ));
    }
    if !domestic {
        a.duties = money(request.declared_value * Decimal::new(12, 2));
        if service.carrier_code == "FDXG" {
            a.fees.push((
                "CLEARANCE_ENTRY_FEE",
                "Clearance Entry Fee",
                Decimal::new(990, 2),
            ));
        }
    }
    a
}

fn rated_detail(
    request: &QuoteRequest,
    rate_type: &str,
    amounts: &Amounts,
    currency: &str,
    quote: &PriceQuote,
    exchange: Option<(&str, Decimal)>,
) -> Value {
    let billing = billing_weight(request, quote);
    let method = if request
        .packages
        .iter()
        .all(|p| price::billable_pounds(p) <= p.weight.to(WeightUnit::Lb).value.ceil())
    {
        "ACTUAL"
    } else {
        "DIM"
    };
    let mut surcharges = vec![json!({"type": "FUEL", "description": "Fuel Surcharge",
        "level": "PACKAGE", "amount": number(amounts.fuel)})];
    if !amounts.residential.is_zero() {
        surcharges.push(json!({"type": "RESIDENTIAL_DELIVERY",
            "description": "Residential delivery surcharge", "level": "PACKAGE",
            "amount": number(amounts.residential)}));
    }
    let taxes: Vec<Value> = amounts
        .taxes
        .iter()
        .map(|(t, d, a)| json!({"type": t, "description": d, "amount": number(*a)}))
        .collect();
    let fees: Vec<Value> = amounts
        .fees
        .iter()
        .map(|(t, d, a)| json!({"type": t, "description": d, "amount": number(*a)}))
        .collect();
    let net = amounts.net();
    let package_type = match rate_type {
        "LIST" => "PAYOR_LIST_PACKAGE",
        "ACCOUNT" => "PAYOR_ACCOUNT_PACKAGE",
        _ => "PREFERRED_ACCOUNT_PACKAGE",
    };
    let packages: Vec<Value> = request
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            // FedEx puts shipment-level charges on the first package.
            let share = |d: Decimal| number(if i == 0 { d } else { Decimal::ZERO });
            json!({"groupNumber": 0, "sequenceNumber": i + 1,
                "packageRateDetail": {"rateType": package_type, "ratedWeightMethod": method,
                    "baseCharge": share(amounts.base), "totalFreightDiscounts": share(amounts.discount),
                    "totalSurcharges": share(amounts.fuel + amounts.residential),
                    "netCharge": share(net), "billingWeight": {"units": "LB",
                        "value": number(price::billable_pounds(p))},
                    "currency": currency}})
        })
        .collect();
    let mut shipment_detail = json!({
        "rateZone": quote.zone.to_string(),
        "dimDivisor": 139,
        "fuelSurchargePercent": 14.5,
        "totalSurcharges": number(amounts.fuel + amounts.residential),
        "totalFreightDiscount": number(amounts.discount),
        "surCharges": surcharges,
        "taxes": taxes,
        "totalBillingWeight": billing,
        "currency": currency,
    });
    if let Some((from, rate)) = exchange {
        shipment_detail["currencyExchangeRate"] =
            json!({"fromCurrency": from, "intoCurrency": currency, "rate": number(rate)});
    }
    let mut detail = json!({
        "rateType": rate_type,
        "ratedWeightMethod": method,
        "totalDiscounts": number(amounts.discount),
        "totalBaseCharge": number(amounts.base),
        "totalNetCharge": number(net),
        "totalVatCharge": 0,
        "totalNetFedExCharge": number(amounts.net_fedex()),
        "totalDutiesAndTaxes": number(amounts.duties),
        "totalNetChargeWithDutiesAndTaxes": number(net + amounts.duties + amounts.fee_total()),
        "totalDutiesTaxesAndFees": number(amounts.duties + amounts.fee_total()),
        "totalAncillaryFeesAndTaxes": number(amounts.fee_total()),
        "shipmentRateDetail": shipment_detail,
        "ratedPackages": packages,
        "currency": currency,
    });
    if !fees.is_empty() {
        detail["ancillaryFeesAndTaxes"] = Value::Array(fees);
    }
    detail
}

fn billing_weight(request: &QuoteRequest, quote: &PriceQuote) -> Value {
    match request.weight_unit {
        WeightUnit::Kg => json!({"units": "KG",
            "value": number(quote.billable_in(WeightUnit::Kg, Decimal::new(1, 1)))}),
        _ => json!({"units": "LB", "value": number(quote.billable_weight.value)}),
    }
}

fn weekday(date: NaiveDate) -> String {
    date.weekday().to_string().to_ascii_uppercase()
}

fn reply_detail(request: &QuoteRequest, service: &Service) -> Value {
    let quote = price::quote(&shipment(request), &service.level);
    let currency = services::currency_of(&request.shipper.country);
    let mut rated = Vec::new();
    let account = amounts(request, service, &quote, true);
    let list = amounts(request, service, &quote, false);
    let wants = |t: &str| request.rate_types.iter().any(|r| r == t);
    if wants("ACCOUNT") {
        rated.push(rated_detail(
            request, "ACCOUNT", &account, currency, &quote, None,
        ));
    }
    if wants("LIST") {
        rated.push(rated_detail(request, "LIST", &list, currency, &quote, None));
    }
    if wants("PREFERRED")
        && let Some(preferred) = request.preferred_currency.as_deref()
        && let (Some(from), Some(into)) =
            (services::per_usd(currency), services::per_usd(preferred))
        && preferred != currency
    {
        let rate = (into / from).round_dp(4);
        let base = if wants("ACCOUNT") { &account } else { &list };
        rated.push(rated_detail(
            request,
            "PREFERRED_CURRENCY",
            &base.converted(rate),
            preferred,
            &quote,
            Some((currency, rate)),
        ));
    }
    if rated.is_empty() {
        // PREFERRED without a usable preferredCurrency: FedEx falls back to the account rate.
        rated.push(rated_detail(
            request, "ACCOUNT", &account, currency, &quote, None,
        ));
    }
    let international = request.shipper.country != request.recipient.country;
    let name = match service.code {
        "FEDEX_GROUND" if international => "FedEx International Ground®",
        code => codes::service_name(code).unwrap_or(code),
    };
    let mut detail = json!({
        "serviceType": service.code,
        "serviceName": name,
        "packagingType": request.packaging,
        "ratedShipmentDetails": rated,
        "signatureOptionType": "SERVICE_DEFAULT",
        "serviceDescription": {
            "serviceType": service.code,
            "code": service.code,
            "names": [{"type": "long", "encoding": "utf-8", "value": name}],
            "serviceCategory": if service.freight { "freight" } else { "parcel" },
            "description": name,
        },
    });
    let mut operational = json!({
        "ineligibleForMoneyBackGuarantee": false,
        "originServiceAreas": ["A1"],
        "destinationServiceAreas": ["A1"],
        "countryCodes": [request.recipient.country],
        "serviceCode": service.code,
    });
    if request.return_transit_times {
        let days = quote.transit_days;
        let delivery = price::add_business_days(ship_date(request), days);
        let hour = if service.carrier_code == "FDXE" {
            "10:30:00"
        } else {
            "23:59:00"
        };
        let day_format = format!("{}T{hour}", delivery.format("%Y-%m-%d"));
        let mut commit = json!({
            "derivedOriginDetail": {"countryCode": request.shipper.country,
                "stateOrProvinceCode": request.shipper.region,
                "postalCode": request.shipper.postal_code},
            "derivedDestinationDetail": {"countryCode": request.recipient.country,
                "stateOrProvinceCode": request.recipient.region,
                "postalCode": request.recipient.postal_code},
            "saturdayDelivery": false,
        });
        if service.code == "SMART_POST" {
            // FedEx gives Ground Economy a range, not a day count.
            commit["daysInTransit"] = json!("SMARTPOST_TRANSIT_DAYS");
            commit["label"] = json!("Delivery date unavailable");
        } else {
            let word = codes::transit_word(days).unwrap_or_else(|| "UNKNOWN".to_string());
            commit["dateDetail"] =
                json!({"dayOfWeek": weekday(delivery)[..3], "dayFormat": day_format});
            commit["transitDays"] = json!({"description": format!("{days} Business Days"),
                "minimumTransitTime": word});
            operational["transitTime"] = json!(word);
            operational["deliveryDate"] = json!(day_format);
            operational["deliveryDay"] = json!(weekday(delivery)[..3]);
        }
        if service.level.guaranteed {
            commit["guaranteedType"] = json!("GUARANTEED_DELIVERY");
        }
        detail["commit"] = commit;
    }
    detail["operationalDetail"] = operational;
    detail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_discounts_are_per_account_and_bounded() {
        for account in ["740561073", "510087020", "Your account number", ""] {
            let p = discount_percent(account);
            assert!((5..=25).contains(&p), "{account}: {p}");
        }
        assert_eq!(discount_percent("740561073"), discount_percent("740561073"));
    }
}
