//! UPS Rating v2409: our [`RateRequest`] → `POST /api/rating/v2409/{Rate|Shop}timeintransit`,
//! and the `RateResponse` → [`Rate`]s, as docs/carriers/ups.md says.

use rust_decimal::Decimal;
use shipmux_core::{
    Address, Charge, ChargeKind, Error, HttpRequest, HttpResponse, LengthUnit, Money, Rate,
    RateRequest, Weight, WeightUnit,
};

use crate::codes;
use crate::config::{RATING_VERSION, UpsConfig};
use crate::error;
use shipmux_core::raw::json::{self, List};
use shipmux_core::raw::time::{ymd, yyyymmdd};

mod request;
mod response;

pub(crate) use request::AsText;
use request::{self as body, RateRequestWrapper};
use response::{Amount, ErrorResponse, NegotiatedRateCharges, RateAnswer, RatedShipment, money};

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
            body::Dimensions {
                height: AsText(h.normalize()),
                length: AsText(l.normalize()),
                unit_of_measurement: body::Code { code: length_code },
                width: AsText(w.normalize()),
            }
        });
        let package_service_options =
            parcel
                .declared_value
                .as_ref()
                .map(|value| body::PackageServiceOptions {
                    declared_value: body::MonetaryValue {
                        currency_code: value.currency.as_str(),
                        monetary_value: AsText(value.rounded().amount),
                    },
                });
        packages.push(body::Package {
            dimensions,
            package_service_options,
            package_weight: body::WeightValue {
                unit_of_measurement: body::Code { code: weight_code },
                weight: AsText(weight.normalize()),
            },
            packaging_type: body::CodeDescription {
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
        .map(|code| body::CodeDescription {
            code: code.trim(),
            description: codes::service_name(code),
        });
    let shipment = body::Shipment {
        delivery_time_information: body::DeliveryTimeInformation {
            package_bill_type: "03",
            pickup: request.ship_date.map(|date| body::Pickup {
                date: AsText(date.format("%Y%m%d")),
            }),
        },
        num_of_pieces: AsText(packages.len()),
        package: packages,
        payment_details: account.map(|account| body::PaymentDetails {
            shipment_charge: [body::ShipmentCharge {
                bill_shipper: body::BillShipper {
                    account_number: account,
                },
                charge_type: "01",
            }],
        }),
        service,
        ship_from: party(&request.origin, "Shipper", None),
        ship_to: party(&request.destination, "Recipient", None),
        shipment_rating_options: account.map(|_| body::ShipmentRatingOptions {
            negotiated_rates_indicator: "Y",
        }),
        shipment_total_weight: body::WeightValue {
            unit_of_measurement: body::Code { code: weight_code },
            weight: AsText(total_weight.normalize()),
        },
        shipper: party(&request.origin, "Shipper", account),
    };
    Ok(RateRequestWrapper {
        rate_request: body::RateRequestBody {
            customer_classification: (account.is_some() && imperial)
                .then_some(body::Code { code: "00" }),
            request: body::Request {
                request_option: if rate { "Rate" } else { "Shop" },
                sub_version: "2409",
                transaction_reference: body::TransactionReference {
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
) -> body::Party<'a> {
    let name = address
        .name
        .as_deref()
        .or(address.company.as_deref())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(fallback_name);
    let present = |s: &'a Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty());
    body::Party {
        address: body::PartyAddress {
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

/// Reads a rating answer (any status) into rates, in response order.
pub fn parse_rate(response: &HttpResponse) -> Result<Vec<Rate>, Error> {
    if !response.is_success() {
        return Err(error::from_response(response, "rating"));
    }
    let answer = read_answer(&response.body).map_err(|e| {
        Error::parse(format!("ups rating: body is not JSON ({e})"))
            .with_carrier(&crate::carrier_id())
    })?;
    let Some(rate_response) = &answer.rate_response else {
        if answer
            .response
            .as_ref()
            .is_some_and(ErrorResponse::has_error)
        {
            return Err(error::from_response(response, "rating"));
        }
        return Err(Error::parse("ups rating: the answer has no RateResponse")
            .with_carrier(&crate::carrier_id()));
    };
    rate_response
        .rated_shipments
        .iter()
        .enumerate()
        .map(|(i, shipment)| {
            rated_shipment(shipment)
                .map_err(|e| Error::parse(format!("ups rating: RatedShipment[{i}]: {}", e.message)))
                .map_err(|e| e.with_carrier(&crate::carrier_id()))
        })
        .collect()
}

/// The typed answer, refusing exactly the bodies a `serde_json::Value` refuses.
fn read_answer(body: &[u8]) -> Result<RateAnswer<'_>, serde_json::Error> {
    json::from_body(body)
}

/// One `RatedShipment` → one [`Rate`].
fn rated_shipment(s: &RatedShipment<'_>) -> Result<Rate, Error> {
    let service = s
        .service
        .as_ref()
        .and_then(|v| v.code.get())
        .ok_or_else(|| Error::parse("Service.Code is missing"))?;
    let summary = s
        .time_in_transit
        .as_ref()
        .and_then(|t| t.service_summary.first());
    let service_name = s
        .service
        .as_ref()
        .and_then(|v| v.description.get())
        .or_else(|| {
            summary
                .and_then(|sum| sum.service.as_ref())
                .and_then(|v| v.description.get())
        })
        .map(str::to_string)
        .or_else(|| codes::service_name(service).map(str::to_string))
        .unwrap_or_else(|| format!("UPS service {service}"));

    let published_with_taxes = money(s.total_charges_with_taxes.as_ref(), "TotalChargesWithTaxes")?;
    let published_total = money(s.total_charges.as_ref(), "TotalCharges")?;
    let published = published_with_taxes.clone().or(published_total);
    let negotiated = s.negotiated.as_ref();

    let (total, charges) = match negotiated {
        Some(n) => {
            let with_taxes = money(
                n.total_charges_with_taxes.as_ref(),
                "NegotiatedRateCharges.TotalChargesWithTaxes",
            )?;
            let plain = money(n.total_charge.as_ref(), "NegotiatedRateCharges.TotalCharge")?;
            let includes_taxes = with_taxes.is_some();
            match with_taxes.or(plain) {
                Some(total) => {
                    let charges = charges_of(&Breakdown::negotiated(n), &total, includes_taxes)?;
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

    let arrival = summary.and_then(|sum| sum.estimated_arrival.as_ref());
    let guaranteed_delivery = s.guaranteed_delivery.as_ref();
    let transit_days = arrival
        .and_then(|a| a.business_days_in_transit.get())
        .or_else(|| guaranteed_delivery.and_then(|g| g.business_days_in_transit.get()))
        .and_then(|d| d.parse::<u32>().ok());
    let estimated_delivery = arrival
        .and_then(|a| a.arrival.as_ref().and_then(|d| d.date.get()))
        .and_then(yyyymmdd)
        .or_else(|| {
            guaranteed_delivery
                .and_then(|g| g.scheduled_delivery_date.get())
                .and_then(|d| yyyymmdd(d).or_else(|| ymd(d)))
        });
    let guaranteed = guaranteed_delivery
        .is_some_and(|g| g.business_days_in_transit.get().is_some())
        || summary.is_some_and(|sum| sum.guaranteed_indicator.is_some());

    let billed_weight = match &s.billing_weight {
        Some(bw) => {
            let value = response::decimal(&bw.weight, "BillingWeight.Weight")?;
            let unit = bw
                .unit_of_measurement
                .as_ref()
                .and_then(|u| u.code.get())
                .and_then(WeightUnit::parse);
            value.zip(unit).map(|(v, u)| Weight::new(v, u))
        }
        None => None,
    };

    let mut rate = Rate::new(crate::carrier_id(), service, &service_name, total);
    rate.list_total = list_total;
    rate.charges = charges;
    rate.transit_days = transit_days;
    rate.estimated_delivery = estimated_delivery;
    rate.guaranteed = guaranteed;
    rate.billed_weight = billed_weight;
    Ok(rate)
}

fn published_total_and_charges(
    s: &RatedShipment<'_>,
    published: Option<Money>,
    includes_taxes: bool,
) -> Result<(Money, Vec<Charge>), Error> {
    let total = published.ok_or_else(|| Error::parse("TotalCharges is missing"))?;
    let charges = charges_of(&Breakdown::published(s), &total, includes_taxes)?;
    Ok((total, charges))
}

/// The charge lists of one container: a `RatedShipment` (published prices) or its
/// `NegotiatedRateCharges`.
struct Breakdown<'a, 'de> {
    base: &'a List<Amount<'de>>,
    itemized: &'a List<Amount<'de>>,
    taxes: &'a List<Amount<'de>>,
    service_options: Option<&'a Amount<'de>>,
}

impl<'a, 'de> Breakdown<'a, 'de> {
    fn published(s: &'a RatedShipment<'de>) -> Self {
        Breakdown {
            base: &s.base_service_charge,
            itemized: &s.itemized_charges,
            taxes: &s.tax_charges,
            service_options: s.service_options_charges.as_ref(),
        }
    }

    fn negotiated(n: &'a NegotiatedRateCharges<'de>) -> Self {
        Breakdown {
            base: &n.base_service_charge,
            itemized: &n.itemized_charges,
            taxes: &n.tax_charges,
            service_options: n.service_options_charges.as_ref(),
        }
    }
}

/// The components of `total` in one container, zero amounts dropped. Taxes count only when
/// `total` includes them.
fn charges_of(
    c: &Breakdown<'_, '_>,
    total: &Money,
    includes_taxes: bool,
) -> Result<Vec<Charge>, Error> {
    let mut charges = Vec::new();
    let mut push = |kind: ChargeKind,
                    code: Option<&str>,
                    item: &Amount<'_>,
                    what: &str|
     -> Result<(), Error> {
        let Some(amount) = response::decimal(&item.monetary_value, what)? else {
            return Ok(());
        };
        if amount.is_zero() {
            return Ok(());
        }
        let currency = match item.currency_code.get() {
            Some(code) => response::currency(code, what)?,
            None => total.currency.clone(),
        };
        charges.push(Charge {
            kind,
            code: code.map(str::to_string),
            amount: Money::new(amount, currency),
        });
        Ok(())
    };
    for base in c.base.iter() {
        push(ChargeKind::Base, None, base, "BaseServiceCharge")?;
    }
    for item in c.itemized.iter() {
        let code = item.code.get();
        let kind = if code == Some("375") {
            ChargeKind::Fuel
        } else {
            ChargeKind::Surcharge
        };
        push(kind, code, item, "ItemizedCharges")?;
    }
    if includes_taxes {
        for tax in c.taxes.iter() {
            push(ChargeKind::Tax, tax.tax_type.get(), tax, "TaxCharges")?;
        }
    }
    if let Some(options) = c.service_options {
        push(
            ChargeKind::Surcharge,
            None,
            options,
            "ServiceOptionsCharges",
        )?;
    }
    Ok(charges)
}
