//! What the simulated USPS offers: request ingredients read and validated with the error
//! inventory's codes, mail classes with their limits, prices from the kit's model,
//! commitments, extra services, and each option as a [`wire::RateOption`].

use std::str::FromStr;

use axum::response::Response;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use shipmux_core::{Dimensions, Weight};
use shipmux_sandbox::price::{self, Package, Place, ServiceLevel, Shipment, Speed};

use super::http::bad_request;
use super::wire;

/// Heaviest package any mail class takes, in pounds.
pub const MAX_WEIGHT_LB: u32 = 70;
/// Tracking numbers ending with this are unknown to the sandbox (`150002`).
pub const UNKNOWN_TRACKING_SUFFIX: &str = "0000";
/// Effective date printed on every rate.
const START_DATE: &str = "2026-01-18";

/// Where a package goes.
pub enum Destination {
    /// A US ZIP Code (as sent, for echoing back).
    Domestic(String),
    /// A country and maybe a foreign postal code.
    International {
        country: String,
        postal_code: Option<String>,
    },
}

/// The rate ingredients of a request, wherever its API puts them.
pub struct Ingredients {
    pub origin_zip: String,
    pub destination: Destination,
    pub weight: Decimal,
    pub length: Decimal,
    pub width: Decimal,
    pub height: Decimal,
    /// `None` for all classes.
    pub mail_classes: Option<Vec<String>>,
    pub price_type: String,
    pub mailing_date: Option<NaiveDate>,
    pub extra_services: Vec<u64>,
}

/// A field that must be present (`030010` names it when missing).
pub fn required<'a>(v: &'a Value, key: &str, path: &str) -> Result<&'a Value, Response> {
    v.get(key).filter(|x| !x.is_null()).ok_or_else(|| {
        bad_request(
            "030010",
            "One or more required field(s) are missing from the request",
            Some(&format!("{path}{key}")),
        )
    })
}

/// A positive number (weights and sides).
pub fn positive(v: &Value, key: &str, path: &str) -> Result<Decimal, Response> {
    let raw = required(v, key, path)?;
    let d = match raw {
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .ok(),
        _ => None,
    };
    match d {
        Some(d) if d > Decimal::ZERO => Ok(d),
        _ => Err(bad_request(
            "030010",
            &format!("{path}{key} must be a number greater than 0"),
            Some(&format!("{path}{key}")),
        )),
    }
}

/// A ZIP Code matching `^\d{5}(?:[-\s]\d{4})?$`; the inventory's `160243` / `160244`.
pub fn zip(v: &Value, key: &str, code: &str) -> Result<String, Response> {
    let raw = required(v, key, "")?;
    let s = raw.as_str().unwrap_or("").trim();
    let b = s.as_bytes();
    let ok = match b.len() {
        5 => b.iter().all(u8::is_ascii_digit),
        10 => {
            b[..5].iter().all(u8::is_ascii_digit)
                && (b[5] == b'-' || b[5] == b' ')
                && b[6..].iter().all(u8::is_ascii_digit)
        }
        _ => false,
    };
    if ok {
        Ok(s.to_string())
    } else {
        Err(bad_request(code, "ZIP Code is not valid", Some(key)))
    }
}

/// A price type from the enum.
pub fn price_type(raw: Option<&Value>, path: &str) -> Result<String, Response> {
    let Some(raw) = raw.filter(|v| !v.is_null()) else {
        return Ok("RETAIL".to_string());
    };
    match raw.as_str() {
        Some(
            p @ ("RETAIL" | "COMMERCIAL" | "CONTRACT" | "COMMERCIAL_BASE" | "COMMERCIAL_PLUS"),
        ) => Ok(p.to_string()),
        _ => Err(bad_request(
            "030010",
            &format!("{path}priceType must be one of RETAIL, COMMERCIAL, CONTRACT"),
            Some(&format!("{path}priceType")),
        )),
    }
}

/// `YYYY-MM-DD` or a date-time; the sandbox has no clock, so any real date is accepted.
pub fn mailing_date(raw: Option<&Value>, path: &str) -> Result<Option<NaiveDate>, Response> {
    let Some(raw) = raw.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    raw.as_str()
        .and_then(|s| s.get(..10))
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .map(Some)
        .ok_or_else(|| {
            bad_request(
                "030003",
                "The provided mailing date is not supported. The earliest supported date is 2022-10-02.",
                Some(&format!("{path}mailingDate")),
            )
        })
}

/// Extra service codes (integers).
pub fn extra_services(raw: Option<&Value>, path: &str) -> Result<Vec<u64>, Response> {
    let items = match raw {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(Value::Number(n)) => return Ok(n.as_u64().into_iter().collect()),
        Some(_) => {
            return Err(bad_request(
                "030010",
                "extraServices must be an array of integers",
                Some(&format!("{path}extraServices")),
            ));
        }
    };
    items
        .iter()
        .map(|i| {
            i.as_u64()
                .or_else(|| i.as_str().and_then(|s| s.parse().ok()))
                .filter(|c| extra_service(*c, false).is_some())
                .ok_or_else(|| {
                    bad_request(
                        "160155",
                        &format!("Extra service {i} is not supported by this sandbox"),
                        Some(&format!("{path}extraServices")),
                    )
                })
        })
        .collect()
}

/// Name, SKU and price of an extra service the sandbox knows.
pub fn extra_service(
    code: u64,
    international: bool,
) -> Option<(&'static str, &'static str, Decimal)> {
    Some(match (code, international) {
        (365, _) => ("Global Direct Entry", "NA", Decimal::new(0, 2)),
        (415, _) => ("Label Delivery", "DXQX0XXXXCX0000", Decimal::new(125, 2)),
        (813, _) => (
            "Class 7 Radioactive Materials Package",
            "NA",
            Decimal::new(0, 2),
        ),
        (920, _) => ("USPS Tracking", "DXTX0EXXXRX0000", Decimal::new(0, 2)),
        (921, _) => (
            "Signature Confirmation",
            "DXSX0XXXXRX0000",
            Decimal::new(365, 2),
        ),
        (930, _) => ("Insurance <= $500", "DXIX0XXXXRX0100", Decimal::new(285, 2)),
        (931, _) => ("Insurance > $500", "DXIX0XXXXRX0600", Decimal::new(1760, 2)),
        (955, true) => ("Return Receipt", "IXRX0XXXXCX0000", Decimal::new(580, 2)),
        (955, false) => ("Return Receipt", "DXRX0XXXXRX0000", Decimal::new(410, 2)),
        (957, _) => (
            "Return Receipt Electronic",
            "DXRX0EXXXCX0000",
            Decimal::new(262, 2),
        ),
        _ => return None,
    })
}

/// A mail class the sandbox offers.
struct MailClass {
    code: &'static str,
    name: &'static str,
    letter: char,
    factor_hundredths: i64,
    max_weight_lb: u32,
    max_length_plus_girth: u32,
    guaranteed: bool,
    international: bool,
}

const CLASSES: &[MailClass] = &[
    MailClass {
        code: "USPS_GROUND_ADVANTAGE",
        name: "USPS Ground Advantage",
        letter: 'U',
        factor_hundredths: 100,
        max_weight_lb: 70,
        max_length_plus_girth: 130,
        guaranteed: false,
        international: false,
    },
    MailClass {
        code: "PRIORITY_MAIL",
        name: "Priority Mail",
        letter: 'P',
        factor_hundredths: 150,
        max_weight_lb: 70,
        max_length_plus_girth: 108,
        guaranteed: false,
        international: false,
    },
    MailClass {
        code: "PRIORITY_MAIL_EXPRESS",
        name: "Priority Mail Express",
        letter: 'E',
        factor_hundredths: 320,
        max_weight_lb: 70,
        max_length_plus_girth: 108,
        guaranteed: true,
        international: false,
    },
    MailClass {
        code: "PARCEL_SELECT",
        name: "Parcel Select",
        letter: 'V',
        factor_hundredths: 95,
        max_weight_lb: 70,
        max_length_plus_girth: 130,
        guaranteed: false,
        international: false,
    },
    MailClass {
        code: "FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE",
        name: "First-Class Package International Service",
        letter: 'F',
        factor_hundredths: 80,
        max_weight_lb: 4,
        max_length_plus_girth: 108,
        guaranteed: false,
        international: true,
    },
    MailClass {
        code: "PRIORITY_MAIL_INTERNATIONAL",
        name: "Priority Mail International",
        letter: 'P',
        factor_hundredths: 150,
        max_weight_lb: 66,
        max_length_plus_girth: 108,
        guaranteed: false,
        international: true,
    },
    MailClass {
        code: "PRIORITY_MAIL_EXPRESS_INTERNATIONAL",
        name: "Priority Mail Express International",
        letter: 'E',
        factor_hundredths: 220,
        max_weight_lb: 66,
        max_length_plus_girth: 108,
        guaranteed: false,
        international: true,
    },
];

/// One rate option.
pub struct Offer {
    pub mail_class: &'static str,
    pub description: String,
    pub product_name: String,
    pub processing_category: &'static str,
    pub rate_indicator: &'static str,
    pub sku: String,
    pub price: Decimal,
    pub zone: String,
    pub weight: Decimal,
    pub dim_weight: Decimal,
    pub commitment: Option<(u32, NaiveDate, bool)>,
    pub extras: Vec<(u64, &'static str, &'static str, Decimal)>,
    pub international: bool,
    pub price_type: String,
}

impl Offer {
    /// Base plus extra services.
    pub fn total(&self) -> Decimal {
        self.price + self.extras.iter().map(|e| e.3).sum::<Decimal>()
    }

    /// This option as USPS writes it: `with_commitment` for Shipping Options, `with_total`
    /// when extra services were asked for, `with_extras` for all but base rates.
    pub fn rate_option(
        &self,
        with_commitment: bool,
        with_total: bool,
        with_extras: bool,
    ) -> wire::RateOption<'_> {
        wire::RateOption {
            commitment: self.commitment.filter(|_| with_commitment).map(
                |(days, date, guaranteed)| wire::Commitment {
                    guaranteed_delivery: guaranteed,
                    name: if days == 1 {
                        "1-Day".to_string()
                    } else {
                        format!("{days} Days")
                    },
                    schedule_delivery_date: date.to_string(),
                },
            ),
            extra_services: with_extras.then(|| {
                self.extras
                    .iter()
                    .map(|(code, name, sku, price)| wire::ExtraService {
                        sku,
                        extra_service: code.to_string(),
                        name,
                        price: money(*price),
                        price_type: &self.price_type,
                        warnings: &[],
                    })
                    .collect()
            }),
            rates: [wire::RateItem {
                sku: &self.sku,
                description: &self.description,
                destination_entry_facility_type: if self.international {
                    "INTERNATIONAL_SERVICE_CENTER"
                } else {
                    "NONE"
                },
                dim_weight: self.dim_weight.normalize(),
                dimensional_weight: self.dim_weight.normalize(),
                end_date: "",
                fees: &[],
                mail_class: self.mail_class,
                price: money(self.price),
                price_type: &self.price_type,
                processing_category: self.processing_category,
                product_definition: "",
                product_name: &self.product_name,
                rate_indicator: self.rate_indicator,
                start_date: START_DATE,
                weight: self.weight.normalize(),
                zone: &self.zone,
            }],
            total_base_price: money(self.price),
            total_price: with_total.then(|| money(self.total())),
        }
    }
}

/// A price with exactly two decimals (`19.30`).
pub fn money(d: Decimal) -> Decimal {
    let mut d = d.round_dp(2);
    d.rescale(2);
    d
}

/// Every option for the ingredients, or USPS's 400 when nothing can carry the package.
pub fn offers(i: &Ingredients) -> Result<Vec<Offer>, Response> {
    if i.origin_zip.starts_with("000") {
        return Err(no_zone());
    }
    let international = match &i.destination {
        Destination::Domestic(zip) if zip.starts_with("000") => return Err(no_zone()),
        Destination::Domestic(_) => false,
        Destination::International { country, .. } => {
            let ok = country.len() == 2
                && shipmux_core::model::country::is_iso_country(country)
                && country != "US";
            if !ok {
                return Err(bad_request(
                    "030013",
                    "There was no valid international price group for the provided country, date, mail class, and mail class.",
                    Some("destinationCountryCode"),
                ));
            }
            true
        }
    };
    if i.weight > Decimal::from(MAX_WEIGHT_LB) {
        return Err(bad_request(
            "030004",
            "Package weight does not qualify for this product.",
            Some("weight"),
        ));
    }
    let mut sides = [i.length, i.width, i.height];
    sides.sort_by(|a, b| b.cmp(a));
    let length_plus_girth = sides[0] + Decimal::TWO * (sides[1] + sides[2]);
    let origin = Place::new("US", &i.origin_zip);
    let destination = match &i.destination {
        Destination::Domestic(zip) => Place::new("US", zip),
        Destination::International {
            country,
            postal_code,
        } => Place::new(country, postal_code.as_deref().unwrap_or("")),
    };
    let shipment = Shipment {
        origin,
        destination,
        packages: vec![Package {
            weight: Weight::lb(i.weight),
            dimensions: Some(Dimensions::inches(sides[0], sides[1], sides[2])),
        }],
        residential: false,
    };
    let zone = price::zone(&shipment.origin, &shipment.destination);
    let cubic = sides[0] * sides[1] * sides[2];
    let dim_weight = if cubic > Decimal::from(1728) {
        (cubic / Decimal::from(166)).ceil()
    } else {
        Decimal::ZERO
    };
    let wanted = |code: &str| {
        i.mail_classes
            .as_ref()
            .is_none_or(|c| c.iter().any(|w| w == code || w == "ALL"))
    };
    let mut out = Vec::new();
    let mut size_refused = false;
    for class in CLASSES
        .iter()
        .filter(|c| c.international == international && wanted(c.code))
    {
        if i.weight > Decimal::from(class.max_weight_lb) {
            continue;
        }
        if length_plus_girth > Decimal::from(class.max_length_plus_girth) {
            size_refused = true;
            continue;
        }
        let speed = match (class.code, zone) {
            (_, _) if international => Speed::Days(0),
            ("USPS_GROUND_ADVANTAGE" | "PARCEL_SELECT", _) => Speed::Ground,
            ("PRIORITY_MAIL_EXPRESS", z) => Speed::Days(if z <= 4 { 1 } else { 2 }),
            (_, z) => Speed::Days(match z {
                0..=4 => 1,
                5 | 6 => 2,
                _ => 3,
            }),
        };
        let level = ServiceLevel::new(class.factor_hundredths, speed, class.guaranteed);
        let mut quote = price::quote(&shipment, &level);
        quote = match i.price_type.as_str() {
            "COMMERCIAL" | "COMMERCIAL_BASE" | "COMMERCIAL_PLUS" => quote.discounted(10),
            "CONTRACT" => quote.discounted(15),
            _ => quote,
        };
        let commitment = (!international).then(|| {
            let from = i
                .mailing_date
                .unwrap_or_else(shipmux_sandbox::tracking::default_base_date);
            (
                quote.transit_days,
                price::add_business_days(from, quote.transit_days),
                class.guaranteed,
            )
        });
        let extras: Vec<_> = i
            .extra_services
            .iter()
            .filter_map(|c| extra_service(*c, international).map(|(n, s, p)| (*c, n, s, p)))
            .collect();
        let machinable = sides[0] <= Decimal::from(22) && i.weight <= Decimal::from(25);
        let category = if machinable {
            "MACHINABLE"
        } else {
            "NONSTANDARD"
        };
        let pounds = i.weight.ceil();
        let zone_text = if international {
            format!("{:02}", zone - 8)
        } else {
            format!("{zone:02}")
        };
        let sku_prefix = if international { 'I' } else { 'D' };
        out.push(Offer {
            mail_class: class.code,
            description: format!(
                "{} {} Single-piece",
                class.name,
                if machinable {
                    "Machinable"
                } else {
                    "Nonstandard"
                }
            ),
            product_name: class.name.to_string(),
            processing_category: category,
            rate_indicator: if class.code == "PRIORITY_MAIL_EXPRESS" {
                "PA"
            } else {
                "SP"
            },
            sku: format!(
                "{sku_prefix}{}XR0XXXXR{zone_text}{:03}",
                class.letter,
                pounds.to_string().parse::<u32>().unwrap_or(0).min(999)
            ),
            price: quote.total,
            zone: zone_text.clone(),
            weight: i.weight,
            dim_weight,
            commitment,
            extras: extras.clone(),
            international,
            price_type: i.price_type.clone(),
        });
        // A Priority Mail Medium Flat Rate Box when the package fits in one.
        let fits_box = sides[0] <= Decimal::from(11)
            && sides[1] <= Decimal::new(85, 1)
            && sides[2] <= Decimal::new(55, 1);
        if class.code == "PRIORITY_MAIL" && fits_box {
            out.push(Offer {
                mail_class: class.code,
                description: "Priority Mail Medium Flat Rate Box".to_string(),
                product_name: "Priority Mail Medium Flat Rate Box".to_string(),
                processing_category: "NONSTANDARD",
                rate_indicator: "FB",
                sku: "DPFB1XXXXR00700".to_string(),
                price: Decimal::new(1930, 2),
                zone: zone_text,
                weight: i.weight,
                dim_weight,
                commitment,
                extras,
                international,
                price_type: i.price_type.clone(),
            });
        }
    }
    if out.is_empty() {
        return Err(if size_refused {
            bad_request(
                "030008",
                "Package size exceeds maximum allowed for mail class",
                Some("length/width/height"),
            )
        } else if international {
            bad_request(
                "030009",
                "Pricing failure.  Mail piece was over the weight limit for the associated international price group.",
                Some("weight"),
            )
        } else {
            bad_request("030020", "No valid rates for these parameters.", None)
        });
    }
    Ok(out)
}

fn no_zone() -> Response {
    bad_request(
        "030001",
        "Could not find zone from provided ZIPs, date, and mail class",
        None,
    )
}
