//! `POST /rate/v1/rates/quotes`: validated like FedEx, priced by the kit's model, answered in
//! the shape of FedEx's samples (one `rateReplyDetails` entry per service, one
//! `ratedShipmentDetails` entry per rate type).

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use shipmux_core::WeightUnit;
use shipmux_sandbox::price::{self, Place, PriceQuote, Shipment};
use shipmux_sandbox::tracking::default_base_date;

use super::reply::{self, FedexError};
use super::request::{self, PARCEL_LIMIT_LB, Party, QuoteRequest};
use super::services::{self, LaneFacts, Service};
use super::wire::{
    Alert, Charge, Commit, CurrencyExchangeRate, DateDetail, DerivedLocation, OperationalDetail,
    PackageRateDetail, ProductName, RateOutput, RateReplyDetail, RatedPackage, RatedShipmentDetail,
    ServiceDescription, ShipmentRateDetail, Surcharge, TransitDays, Weight,
};
use crate::codes;
use shipmux_core::raw::json::Dec;

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
    let request = match request::read(&body) {
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
    let details: Vec<RateReplyDetail<'_>> =
        offered.iter().map(|s| reply_detail(&request, s)).collect();
    let mut alerts = Vec::new();
    if request.packages.len() > 1 {
        alerts.push(Alert {
            code: "SHIPMENT.CHARGES.NOTE",
            message: "Shipment level charges have been added to first package.",
            alert_type: "NOTE",
        });
    }
    // About 1.5 KB per rated detail and 0.3 KB per package in it, 1 KB per service.
    let rated: usize = details.iter().map(|d| d.rated_shipment_details.len()).sum();
    let capacity = 512 + details.len() * 1024 + rated * (1536 + request.packages.len() * 320);
    reply::output(
        customer,
        &RateOutput {
            alerts,
            rate_reply_details: details,
            quote_date: ship_date(&request).to_string(),
            encoded: false,
        },
        capacity,
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

fn rated_detail<'a>(
    request: &QuoteRequest,
    rate_type: &'static str,
    amounts: &Amounts,
    currency: &'a str,
    quote: &PriceQuote,
    exchange: Option<(&'a str, Decimal)>,
) -> RatedShipmentDetail<'a> {
    let method = if request
        .packages
        .iter()
        .all(|p| price::billable_pounds(p) <= p.weight.to(WeightUnit::Lb).value.ceil())
    {
        "ACTUAL"
    } else {
        "DIM"
    };
    let mut surcharges = vec![Surcharge {
        kind: "FUEL",
        description: "Fuel Surcharge",
        level: "PACKAGE",
        amount: Dec(amounts.fuel),
    }];
    if !amounts.residential.is_zero() {
        surcharges.push(Surcharge {
            kind: "RESIDENTIAL_DELIVERY",
            description: "Residential delivery surcharge",
            level: "PACKAGE",
            amount: Dec(amounts.residential),
        });
    }
    let charges = |list: &[(&'static str, &'static str, Decimal)]| -> Vec<Charge> {
        list.iter()
            .map(|&(kind, description, amount)| Charge {
                kind,
                description,
                amount: Dec(amount),
            })
            .collect()
    };
    let net = amounts.net();
    let package_type = match rate_type {
        "LIST" => "PAYOR_LIST_PACKAGE",
        "ACCOUNT" => "PAYOR_ACCOUNT_PACKAGE",
        _ => "PREFERRED_ACCOUNT_PACKAGE",
    };
    let rated_packages = request
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            // FedEx puts shipment-level charges on the first package.
            let share = |d: Decimal| Dec(if i == 0 { d } else { Decimal::ZERO });
            RatedPackage {
                group_number: 0,
                sequence_number: i + 1,
                package_rate_detail: PackageRateDetail {
                    rate_type: package_type,
                    rated_weight_method: method,
                    base_charge: share(amounts.base),
                    total_freight_discounts: share(amounts.discount),
                    total_surcharges: share(amounts.fuel + amounts.residential),
                    net_charge: share(net),
                    billing_weight: Weight {
                        units: "LB",
                        value: Dec(price::billable_pounds(p)),
                    },
                    currency,
                },
            }
        })
        .collect();
    let shipment_rate_detail = ShipmentRateDetail {
        rate_zone: quote.zone.to_string(),
        dim_divisor: 139,
        fuel_surcharge_percent: Dec(Decimal::new(145, 1)),
        total_surcharges: Dec(amounts.fuel + amounts.residential),
        total_freight_discount: Dec(amounts.discount),
        sur_charges: surcharges,
        taxes: charges(&amounts.taxes),
        total_billing_weight: billing_weight(request, quote),
        currency,
        currency_exchange_rate: exchange.map(|(from, rate)| CurrencyExchangeRate {
            from_currency: from,
            into_currency: currency,
            rate: Dec(rate),
        }),
    };
    RatedShipmentDetail {
        rate_type,
        rated_weight_method: method,
        total_discounts: Dec(amounts.discount),
        total_base_charge: Dec(amounts.base),
        total_net_charge: Dec(net),
        total_vat_charge: 0,
        total_net_fed_ex_charge: Dec(amounts.net_fedex()),
        total_duties_and_taxes: Dec(amounts.duties),
        total_net_charge_with_duties_and_taxes: Dec(net + amounts.duties + amounts.fee_total()),
        total_duties_taxes_and_fees: Dec(amounts.duties + amounts.fee_total()),
        total_ancillary_fees_and_taxes: Dec(amounts.fee_total()),
        shipment_rate_detail,
        rated_packages,
        currency,
        ancillary_fees_and_taxes: charges(&amounts.fees),
    }
}

fn billing_weight(request: &QuoteRequest, quote: &PriceQuote) -> Weight {
    match request.weight_unit {
        WeightUnit::Kg => Weight {
            units: "KG",
            value: Dec(quote.billable_in(WeightUnit::Kg, Decimal::new(1, 1))),
        },
        _ => Weight {
            units: "LB",
            value: Dec(quote.billable_weight.value),
        },
    }
}

/// FedEx's three-letter day: `MON` … `SUN`.
fn weekday(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "MON",
        Weekday::Tue => "TUE",
        Weekday::Wed => "WED",
        Weekday::Thu => "THU",
        Weekday::Fri => "FRI",
        Weekday::Sat => "SAT",
        Weekday::Sun => "SUN",
    }
}

fn reply_detail<'a>(request: &'a QuoteRequest, service: &Service) -> RateReplyDetail<'a> {
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
    let mut operational = OperationalDetail {
        ineligible_for_money_back_guarantee: false,
        origin_service_areas: ["A1"],
        destination_service_areas: ["A1"],
        country_codes: [&request.recipient.country],
        service_code: service.code,
        transit_time: None,
        delivery_date: None,
        delivery_day: None,
    };
    let commit = request.return_transit_times.then(|| {
        let days = quote.transit_days;
        let delivery = price::add_business_days(ship_date(request), days);
        let hour = if service.carrier_code == "FDXE" {
            "10:30:00"
        } else {
            "23:59:00"
        };
        // `NaiveDate`'s `Display` is `%Y-%m-%d`.
        let day_format = format!("{delivery}T{hour}");
        let location = |party: &'a Party| DerivedLocation {
            country_code: &party.country,
            state_or_province_code: party.region.as_deref(),
            postal_code: &party.postal_code,
        };
        let mut commit = Commit {
            derived_origin_detail: location(&request.shipper),
            derived_destination_detail: location(&request.recipient),
            saturday_delivery: false,
            days_in_transit: None,
            label: None,
            date_detail: None,
            transit_days: None,
            guaranteed_type: service.level.guaranteed.then_some("GUARANTEED_DELIVERY"),
        };
        if service.code == "SMART_POST" {
            // FedEx gives Ground Economy a range, not a day count.
            commit.days_in_transit = Some("SMARTPOST_TRANSIT_DAYS");
            commit.label = Some("Delivery date unavailable");
        } else {
            let word = codes::transit_word(days).unwrap_or_else(|| "UNKNOWN".to_string());
            commit.date_detail = Some(DateDetail {
                day_of_week: weekday(delivery),
                day_format: day_format.clone(),
            });
            commit.transit_days = Some(TransitDays {
                description: format!("{days} Business Days"),
                minimum_transit_time: word.clone(),
            });
            operational.transit_time = Some(word);
            operational.delivery_date = Some(day_format);
            operational.delivery_day = Some(weekday(delivery));
        }
        commit
    });
    RateReplyDetail {
        service_type: service.code,
        service_name: name,
        packaging_type: &request.packaging,
        rated_shipment_details: rated,
        signature_option_type: "SERVICE_DEFAULT",
        service_description: ServiceDescription {
            service_type: service.code,
            code: service.code,
            names: [ProductName {
                kind: "long",
                encoding: "utf-8",
                value: name,
            }],
            service_category: if service.freight { "freight" } else { "parcel" },
            description: name,
        },
        commit,
        operational_detail: operational,
    }
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
