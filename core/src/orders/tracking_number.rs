//! Which carrier a tracking number belongs to, and whether its check digit is right.
//!
//! The well-known formats and their check-digit algorithms follow the community
//! tracking-number data (the `tracking_number_data` project), UPU S10 international items
//! included. Which carrier tracks which format is each carrier's descriptor's to say, so every
//! function here takes the carriers to consider (the host's built-ins, say). A number is first
//! normalized like [`TrackingNumber`] (spaces removed, upper case), then matched against each
//! format's shape; a shape that matches but whose check digit is wrong is reported with the
//! digit it should have been.
//!
//! ```
//! use shipmux_core::CarrierId;
//! use shipmux_core::orders::tracking_number::{detect, validate};
//!
//! // The functions without `_in` consider the carriers installed as known to the process.
//! shipmux_core::descriptor::install(&[&shipmux_ups::DESCRIPTOR, &shipmux_fedex::DESCRIPTOR]);
//! // A 12-digit FedEx Express number (check digit computed with the FedEx mod-11 weights).
//! assert_eq!(detect("1234 5678 9012"), vec![CarrierId::from_static("fedex")]);
//! let err = validate(&CarrierId::from_static("fedex"), "123456789015").unwrap_err();
//! assert!(err.message.contains("check digit should be 2, not 5"), "{}", err.message);
//! ```

use std::fmt;

use serde::Serialize;

use super::check_digit::{fedex_mod11, gs1_mod10, s10_mod11, ups_mod10};
use crate::descriptor::CarrierDescriptor;
use crate::error::{Error, Result};
use crate::model::country::is_iso_country;
use crate::model::{CarrierId, TrackingNumber};

/// A tracking-number format some carrier prints on its labels: a shape, a check digit, and
/// how distinctive it is. Formats are values, so a carrier crate can define its own with
/// [`TrackingFormat::new`]; the well-known ones are associated constants (`TrackingFormat::Ups1Z`).
/// Which carrier tracks which format is the carrier's descriptor's to say
/// ([`TrackingRules`](crate::descriptor::TrackingRules)). Serializes as its id (`ups1_z`).
#[derive(Clone, Copy)]
pub struct TrackingFormat {
    id: &'static str,
    name: &'static str,
    rank: u8,
    examine: fn(&str) -> Option<Verdict>,
}

impl PartialEq for TrackingFormat {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for TrackingFormat {}

impl std::hash::Hash for TrackingFormat {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl fmt::Debug for TrackingFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

impl Serialize for TrackingFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

#[allow(non_upper_case_globals)] // named like the enum variants they replaced
impl TrackingFormat {
    /// A format: `id` (stable, snake case, what it serializes as), a human `name` for
    /// messages, its `rank` (0–1 for a fixed prefix such as `1Z`, 2–3 for a bare run of digits
    /// other carriers' formats could also produce; detection lists lower ranks first), and
    /// `examine`, which gets the normalized number and says `None` when it does not have the
    /// format's shape, else whether its check digit is right.
    pub const fn new(
        id: &'static str,
        name: &'static str,
        rank: u8,
        examine: fn(&str) -> Option<Verdict>,
    ) -> Self {
        TrackingFormat {
            id,
            name,
            rank,
            examine,
        }
    }

    /// UPS `1Z` + shipper, service and package (18 characters, UPS mod 10).
    pub const Ups1Z: TrackingFormat =
        TrackingFormat::new("ups1_z", "UPS 1Z", 0, |n| Shape::Ups1Z.examine(n));
    /// UPS freight waybill: one of `A H J K T V` + 10 digits (UPS mod 10).
    pub const UpsWaybill: TrackingFormat =
        TrackingFormat::new("ups_waybill", "UPS waybill", 2, |n| {
            Shape::UpsWaybill.examine(n)
        });
    /// FedEx Express, 12 digits (FedEx mod 11).
    pub const FedexExpress12: TrackingFormat =
        TrackingFormat::new("fedex_express12", "FedEx Express (12 digits)", 2, |n| {
            Shape::FedexExpress12.examine(n)
        });
    /// FedEx Express barcode, 34 digits, not starting with 9 (FedEx mod 11 on the last 13).
    pub const FedexExpress34: TrackingFormat =
        TrackingFormat::new("fedex_express34", "FedEx Express (34 digits)", 3, |n| {
            Shape::FedexExpress34.examine(n)
        });
    /// FedEx legacy ASTRA barcode, 32 digits starting with 3 (the Express number inside).
    pub const FedexAstra32: TrackingFormat =
        TrackingFormat::new("fedex_astra32", "FedEx ASTRA (32 digits)", 2, |n| {
            Shape::FedexAstra32.examine(n)
        });
    /// FedEx Ground, 15 digits (GS1 mod 10).
    pub const FedexGround15: TrackingFormat =
        TrackingFormat::new("fedex_ground15", "FedEx Ground (15 digits)", 2, |n| {
            Shape::FedexGround15.examine(n)
        });
    /// FedEx Ground SSCC-18: 18 digits, or 20 when printed with the `00` application
    /// identifier (GS1 mod 10).
    pub const FedexSscc18: TrackingFormat =
        TrackingFormat::new("fedex_sscc18", "FedEx Ground SSCC-18", 3, |n| {
            Shape::FedexSscc18.examine(n)
        });
    /// FedEx Ground `96` barcode, 22 digits (GS1 mod 10).
    pub const FedexGround96: TrackingFormat =
        TrackingFormat::new("fedex_ground96", "FedEx Ground 96 (22 digits)", 1, |n| {
            Shape::FedexGround96.examine(n)
        });
    /// FedEx Ground 34-digit barcode with the Ground shipper number, starting with `96`.
    pub const FedexGroundGsn: TrackingFormat =
        TrackingFormat::new("fedex_ground_gsn", "FedEx Ground GSN (34 digits)", 1, |n| {
            Shape::FedexGroundGsn.examine(n)
        });
    /// USPS 20-digit Delivery/Signature Confirmation, printed without `91` (GS1 mod 10).
    pub const Usps20: TrackingFormat = TrackingFormat::new("usps20", "USPS (20 digits)", 3, |n| {
        Shape::Usps20.examine(n)
    });
    /// USPS legacy Confirmation numbers under application identifier `91` (printed or not),
    /// optionally after a `420` + ZIP routing code.
    pub const UspsLegacy: TrackingFormat =
        TrackingFormat::new("usps_legacy", "USPS legacy (91)", 3, |n| {
            Shape::UspsLegacy.examine(n)
        });
    /// USPS Intelligent Mail package barcode: `92`–`95` + service + mailer id + package,
    /// 22, 26 or 30 digits, optionally after a `420` + ZIP routing code (GS1 mod 10).
    pub const UspsImpb: TrackingFormat =
        TrackingFormat::new("usps_impb", "USPS IMpb", 1, |n| Shape::UspsImpb.examine(n));
    /// Canada Post 16-digit PIN (GS1 mod 10).
    pub const CanadaPost16: TrackingFormat =
        TrackingFormat::new("canada_post16", "Canada Post (16 digits)", 2, |n| {
            Shape::CanadaPost16.examine(n)
        });
    /// UPU S10 international item: 2 letters, 8 digits, check digit, issuing country
    /// (`RR…US`); tracked by the posts at both ends.
    pub const S10: TrackingFormat =
        TrackingFormat::new("s10", "S10 international", 0, |n| Shape::S10.examine(n));

    /// Every well-known format, most distinctive first.
    pub fn all() -> &'static [TrackingFormat] {
        &ALL
    }

    /// Its stable id (`ups1_z`).
    pub fn id(self) -> &'static str {
        self.id
    }

    /// A human name, used in error messages.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// How distinctive the format is (lower is more).
    pub fn rank(self) -> u8 {
        self.rank
    }

    /// Checks `number` (normalized) against this format: `None` when it does not have the
    /// format's shape at all.
    pub fn examine(self, number: &str) -> Option<Verdict> {
        (self.examine)(number)
    }
}

/// The well-known formats in the order detection lists them when several match.
const ALL: [TrackingFormat; 14] = [
    TrackingFormat::Ups1Z,
    TrackingFormat::S10,
    TrackingFormat::UspsImpb,
    TrackingFormat::FedexGround96,
    TrackingFormat::FedexGroundGsn,
    TrackingFormat::UpsWaybill,
    TrackingFormat::FedexExpress12,
    TrackingFormat::FedexGround15,
    TrackingFormat::CanadaPost16,
    TrackingFormat::FedexAstra32,
    TrackingFormat::UspsLegacy,
    TrackingFormat::Usps20,
    TrackingFormat::FedexSscc18,
    TrackingFormat::FedexExpress34,
];

/// The shapes of the well-known formats.
#[derive(Clone, Copy)]
enum Shape {
    Ups1Z,
    UpsWaybill,
    FedexExpress12,
    FedexExpress34,
    FedexAstra32,
    FedexGround15,
    FedexSscc18,
    FedexGround96,
    FedexGroundGsn,
    Usps20,
    UspsLegacy,
    UspsImpb,
    CanadaPost16,
    S10,
}

impl Shape {
    /// Checks `number` (normalized) against this format: `None` when it does not have the
    /// format's shape at all.
    fn examine(self, n: &str) -> Option<Verdict> {
        let b = n.as_bytes();
        let digits = b.iter().all(u8::is_ascii_digit);
        match self {
            Shape::Ups1Z => (b.len() == 18
                && n.starts_with("1Z")
                && b[2..17].iter().all(u8::is_ascii_alphanumeric)
                && b[17].is_ascii_digit())
            .then(|| Verdict::of(ups_mod10(&n[2..17]), b[17])),
            Shape::UpsWaybill => (b.len() == 11
                && b"AHJKTV".contains(&b[0])
                && b[1..].iter().all(u8::is_ascii_digit))
            .then(|| Verdict::of(ups_mod10(&n[1..10]), b[10])),
            Shape::FedexExpress12 => {
                (digits && b.len() == 12).then(|| Verdict::of(fedex_mod11(&n[..11]), b[11]))
            }
            Shape::FedexExpress34 => (digits && b.len() == 34 && b[0] != b'9')
                .then(|| Verdict::of(fedex_mod11(&n[20..33]), b[33])),
            Shape::FedexAstra32 => (digits && b.len() == 32 && b[0] == b'3')
                .then(|| Verdict::of(fedex_mod11(&n[16..27]), b[27])),
            Shape::FedexGround15 => {
                (digits && b.len() == 15).then(|| Verdict::of(gs1_mod10(&n[..14]), b[14]))
            }
            Shape::FedexSscc18 => {
                // The reference data computes the check over the 15 digits after the
                // two-digit container type.
                let sscc = match b.len() {
                    18 => n,
                    20 if n.starts_with("00") => &n[2..],
                    _ => return None,
                };
                digits.then(|| Verdict::of(gs1_mod10(&sscc[2..17]), sscc.as_bytes()[17]))
            }
            Shape::FedexGround96 => (digits && b.len() == 22 && n.starts_with("96"))
                .then(|| Verdict::of(gs1_mod10(&n[7..21]), b[21])),
            Shape::FedexGroundGsn => (digits && b.len() == 34 && n.starts_with("96"))
                .then(|| Verdict::of(fedex_mod11(&n[20..33]), b[33])),
            Shape::Usps20 => {
                (digits && b.len() == 20).then(|| Verdict::of(gs1_mod10(&n[..19]), b[19]))
            }
            Shape::UspsLegacy => {
                if !digits {
                    return None;
                }
                let bodies = usps_bodies(n).filter(|(body, _)| {
                    body.len() == 20 || (body.len() == 22 && body.starts_with("91"))
                });
                best(bodies.map(|(body, _)| {
                    let data = if body.len() == 20 {
                        format!("91{}", &body[..19])
                    } else {
                        body[..21].to_string()
                    };
                    Verdict::of(
                        gs1_mod10(&data),
                        *body.as_bytes().last().expect("non-empty"),
                    )
                }))
            }
            Shape::UspsImpb => {
                if !digits {
                    return None;
                }
                let bodies = usps_bodies(n).filter(|(body, routing)| is_impb(body, *routing));
                best(bodies.map(|(body, _)| {
                    let len = body.len();
                    Verdict::of(gs1_mod10(&body[..len - 1]), body.as_bytes()[len - 1])
                }))
            }
            Shape::CanadaPost16 => {
                (digits && b.len() == 16).then(|| Verdict::of(gs1_mod10(&n[..15]), b[15]))
            }
            Shape::S10 => {
                let shaped = b.len() == 13
                    && b[..2].iter().all(u8::is_ascii_uppercase)
                    && b[2..11].iter().all(u8::is_ascii_digit)
                    && b[11..].iter().all(u8::is_ascii_uppercase);
                if !shaped {
                    return None;
                }
                let country = &n[11..];
                if !is_iso_country(country) {
                    return Some(Verdict::UnknownCountry(country.to_string()));
                }
                Some(Verdict::of(s10_mod11(&n[2..10]), b[10]))
            }
        }
    }
}

impl fmt::Display for TrackingFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a format says about a number whose shape it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The check digit is right.
    Valid,
    /// The check digit is wrong.
    WrongCheckDigit {
        /// What it should be.
        expected: u8,
        /// What it is.
        found: u8,
    },
    /// An S10 number whose last two letters are not a country code.
    UnknownCountry(String),
}

impl Verdict {
    /// The verdict on a check digit computed as `expected` (`None` when the algorithm could
    /// not compute one) where the number has the ASCII digit `found`.
    pub fn of(expected: Option<u8>, found: u8) -> Verdict {
        match expected {
            Some(expected) if expected == found.wrapping_sub(b'0') => Verdict::Valid,
            Some(expected) => Verdict::WrongCheckDigit {
                expected,
                found: found.wrapping_sub(b'0'),
            },
            // Only reachable if a shape check let a character through that the algorithm
            // rejects; treat it as a wrong digit rather than panic.
            None => Verdict::WrongCheckDigit {
                expected: 0,
                found: found.wrapping_sub(b'0'),
            },
        }
    }
}

/// The first valid verdict, else the first failure, else `None` (no shape matched).
fn best(verdicts: impl Iterator<Item = Verdict>) -> Option<Verdict> {
    let mut first = None;
    for v in verdicts {
        if v == Verdict::Valid {
            return Some(v);
        }
        first.get_or_insert(v);
    }
    first
}

/// The number itself, and what follows a `420` + ZIP (5 or 9 digits) routing code; the flag
/// says which routing code was stripped (0 none, 5 or 9).
fn usps_bodies(n: &str) -> impl Iterator<Item = (&str, u8)> {
    let routed = n.starts_with("420");
    [(0usize, 0u8), (8, 5), (12, 9)]
        .into_iter()
        .filter(move |(skip, _)| *skip == 0 || (routed && n.len() > *skip))
        .map(move |(skip, zip)| (&n[skip..], zip))
}

/// Whether `body` has an IMpb shape: `94` with a 9-digit mailer id (starting 9) and a 7, 11 or
/// 15-digit package, or a 6-digit mailer id and a 10 or 14-digit package; `92` (9-digit
/// mailer), `93` (6-digit mailer) or `95` without the 30-digit length. A ZIP+4 routing code
/// only precedes a 22-digit body, and nothing routed is 30 digits long.
fn is_impb(body: &str, routing_zip: u8) -> bool {
    let b = body.as_bytes();
    let len = b.len();
    if !matches!(len, 22 | 26 | 30) || (routing_zip == 9 && len != 22) {
        return false;
    }
    if routing_zip != 0 && len == 30 {
        return false;
    }
    let nine_digit_mailer = b[5] == b'9';
    match &body[..2] {
        "94" => len != 30 || nine_digit_mailer,
        "92" => len != 30 && nine_digit_mailer,
        "93" => len != 30 && !nine_digit_mailer,
        "95" => len != 30,
        _ => false,
    }
}

/// A tracking number known to fit its carrier.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ValidTrackingNumber {
    /// The normalized number.
    pub number: TrackingNumber,
    /// The carrier that tracks it.
    pub carrier: CarrierId,
    /// The format it matched; `None` for carriers whose formats shipmux does not know, whose
    /// numbers are accepted on syntax alone.
    pub format: Option<TrackingFormat>,
}

/// Checks that `number` is a tracking number of `carrier`: the shape of one of its formats and
/// the right check digit. Carriers whose formats `carriers` does not describe are accepted on
/// syntax (4–50 letters and digits). Errors are `invalid_request` on `tracking_number` and say
/// what is wrong (`check digit should be 7, not 8`).
pub fn validate_in(
    carriers: &[&CarrierDescriptor],
    carrier: &CarrierId,
    number: &str,
) -> Result<ValidTrackingNumber> {
    let normalized = TrackingNumber::new(number)?;
    let Some(descriptor) = known(carriers, carrier) else {
        return Ok(ValidTrackingNumber {
            number: normalized,
            carrier: carrier.clone(),
            format: None,
        });
    };
    let n = normalized.as_str();
    let mut failures = Vec::new();
    for &format in descriptor.tracking.formats {
        match format.examine(n) {
            Some(Verdict::Valid) => {
                return Ok(ValidTrackingNumber {
                    number: normalized,
                    carrier: carrier.clone(),
                    format: Some(format),
                });
            }
            Some(failure) => failures.push((format, failure)),
            None => {}
        }
    }
    let carrier_name = descriptor.name;
    let message = match failures.as_slice() {
        [] => format!(
            "`{n}` is not a {carrier_name} tracking number: expected {}",
            descriptor.tracking.expected
        ),
        [(format, failure)] => format!(
            "`{n}` has the shape of a {format} number but {}",
            describe(failure, "its check digit")
        ),
        many => format!(
            "`{n}` has the shape of {carrier_name} numbers but fails each: {}",
            many.iter()
                .map(|(format, failure)| format!(
                    "as {format} {}",
                    describe(failure, "the check digit")
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    Err(Error::invalid_request("tracking_number", message).with_carrier(carrier))
}

/// The descriptor of `carrier` among `carriers`, when it lists tracking formats.
fn known<'a>(
    carriers: &[&'a CarrierDescriptor],
    carrier: &CarrierId,
) -> Option<&'a CarrierDescriptor> {
    carriers
        .iter()
        .copied()
        .find(|d| d.id == carrier.as_str() && !d.tracking.formats.is_empty())
}

fn describe(failure: &Verdict, what: &str) -> String {
    match failure {
        Verdict::WrongCheckDigit { expected, found } => {
            format!("{what} should be {expected}, not {found}")
        }
        Verdict::UnknownCountry(country) => {
            format!("`{country}` is not a country code")
        }
        Verdict::Valid => "is valid".to_string(),
    }
}

/// The formats of `carriers` whose shape and check digit `number` fits, most distinctive
/// first. Empty when `number` is not even a tracking number.
pub fn matching_formats_in(carriers: &[&CarrierDescriptor], number: &str) -> Vec<TrackingFormat> {
    let Ok(normalized) = TrackingNumber::new(number) else {
        return Vec::new();
    };
    let mut formats: Vec<TrackingFormat> = Vec::new();
    for format in carriers
        .iter()
        .flat_map(|d| d.tracking.formats.iter().copied())
    {
        if !formats.contains(&format) && format.examine(normalized.as_str()) == Some(Verdict::Valid)
        {
            formats.push(format);
        }
    }
    // Equal ranks in the well-known order, then carriers' own formats in the carriers' order.
    formats.sort_by_key(|f| {
        (
            f.rank(),
            ALL.iter().position(|a| a == f).unwrap_or(ALL.len()),
        )
    });
    formats
}

/// The carriers of `carriers` that track numbers of `format`. An S10 number is tracked by the
/// post that issued it (its last two letters) and by the post that delivers it: the post whose
/// country issued it when `carriers` has it, else every post that tracks S10 numbers.
fn trackers_of(
    carriers: &[&CarrierDescriptor],
    format: TrackingFormat,
    number: &str,
) -> Vec<CarrierId> {
    let tracking: Vec<&CarrierDescriptor> = carriers
        .iter()
        .copied()
        .filter(|d| d.tracking.formats.contains(&format))
        .collect();
    if format == TrackingFormat::S10
        && let Some(issuer) = number.get(11..)
        && let Some(post) = tracking
            .iter()
            .find(|d| d.tracking.s10_issuer == Some(issuer))
    {
        return vec![post.carrier_id()];
    }
    tracking.iter().map(|d| d.carrier_id()).collect()
}

/// The carriers of `carriers` that may track `number`, most likely first: formats with a fixed
/// prefix (`1Z`, S10, IMpb, `96`) before bare runs of digits that several carriers print.
/// Empty when no format fits (wrong check digit included).
pub fn detect_in(carriers: &[&CarrierDescriptor], number: &str) -> Vec<CarrierId> {
    let normalized = TrackingNumber::new(number)
        .map(String::from)
        .unwrap_or_default();
    let mut found: Vec<CarrierId> = Vec::new();
    for format in matching_formats_in(carriers, number) {
        for carrier in trackers_of(carriers, format, &normalized) {
            if !found.contains(&carrier) {
                found.push(carrier);
            }
        }
    }
    found
}

/// The one carrier of `carriers` that `number` belongs to, for when no carrier was named.
/// Refused (naming the candidates) when the most distinctive formats it fits belong to
/// different carriers, and when it fits none.
pub fn detect_one_in(carriers: &[&CarrierDescriptor], number: &str) -> Result<ValidTrackingNumber> {
    let normalized = TrackingNumber::new(number)?;
    let formats = matching_formats_in(carriers, number);
    let Some(first) = formats.first() else {
        let names: Vec<&str> = carriers
            .iter()
            .filter(|d| !d.tracking.formats.is_empty())
            .map(|d| d.name)
            .collect();
        return Err(Error::invalid_request(
            "tracking_number",
            format!(
                "`{normalized}` fits no {} format (or its check digit is wrong); name the \
                 tracking_carrier",
                or_list(&names)
            ),
        ));
    };
    let mut found: Vec<CarrierId> = Vec::new();
    for format in formats.iter().filter(|f| f.rank() == first.rank()) {
        for carrier in trackers_of(carriers, *format, normalized.as_str()) {
            if !found.contains(&carrier) {
                found.push(carrier);
            }
        }
    }
    if found.len() > 1 {
        let names: Vec<&str> = found.iter().map(CarrierId::as_str).collect();
        return Err(Error::invalid_request(
            "tracking_number",
            format!(
                "`{normalized}` could be tracked by {}; name the tracking_carrier",
                names.join(" or ")
            ),
        ));
    }
    Ok(ValidTrackingNumber {
        number: normalized,
        carrier: found.remove(0),
        format: Some(*first),
    })
}

/// `a, b or c`.
fn or_list(names: &[&str]) -> String {
    match names {
        [] => "known".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Whether `carriers` describes `carrier`'s tracking-number formats (and so checks them).
pub fn knows_formats_of_in(carriers: &[&CarrierDescriptor], carrier: &CarrierId) -> bool {
    known(carriers, carrier).is_some()
}

/// [`validate_in`] the carriers known to this process ([`crate::descriptor::known`]).
pub fn validate(carrier: &CarrierId, number: &str) -> Result<ValidTrackingNumber> {
    validate_in(&crate::descriptor::known(), carrier, number)
}

/// [`detect_in`] the carriers known to this process ([`crate::descriptor::known`]).
pub fn detect(number: &str) -> Vec<CarrierId> {
    detect_in(&crate::descriptor::known(), number)
}

/// [`detect_one_in`] the carriers known to this process ([`crate::descriptor::known`]).
pub fn detect_one(number: &str) -> Result<ValidTrackingNumber> {
    detect_one_in(&crate::descriptor::known(), number)
}

/// [`matching_formats_in`] the carriers known to this process.
pub fn matching_formats(number: &str) -> Vec<TrackingFormat> {
    matching_formats_in(&crate::descriptor::known(), number)
}

/// [`knows_formats_of_in`] the carriers known to this process.
pub fn knows_formats_of(carrier: &CarrierId) -> bool {
    knows_formats_of_in(&crate::descriptor::known(), carrier)
}
