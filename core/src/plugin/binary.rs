//! Binary forms of the values a quote sends across the boundary, for the extensions
//! `build_rate_binary` and `parse_rate_binary` ([`Op`](super::Op)): the [`RateRequest`]
//! (it crosses twice per quote) and the [`Rate`]s that come back, as compact bytes in a
//! frame's bodies section instead of JSON.
//!
//! As JSON, most of their cost is the JSON itself: field names, quotes and decimal text,
//! scanned one string at a time, and copies of every decimal, id and currency. Here there are
//! no names and no text to scan; strings are copied once, into the `String`s the values keep,
//! and every value goes through the same checked constructors as from JSON
//! ([`CarrierId::new`], [`Currency::new`], the decimal's and the date's own bounds), so a
//! damaged blob is an error, never a panic or an invalid value. Like the derived JSON
//! deserializers, the readers check types, not business rules (`RateRequest::validate`).
//!
//! Layout (all integers little-endian), format 1. Each blob starts with its format byte; a
//! reader refuses a format it does not know, and nothing may follow the value.
//!
//! ```text
//! rates blob   = format: u8 (= 1), count: u32, rate × count
//! rate         = carrier: str, service: str, service_name: str, total: money,
//!                list_total: opt<money>, charge count: u32, charge × count,
//!                transit_days: opt<u32>, estimated_delivery: opt<date>, guaranteed: bool,
//!                billed_weight: opt<weight>
//! charge       = kind: u8 (base 0, fuel 1, surcharge 2, tax 3, other 4), code: opt<str>,
//!                amount: money
//! request blob = format: u8 (= 1), origin: address, destination: address,
//!                parcel count: u32, parcel × count, services: opt<count: u32, str × count>,
//!                ship_date: opt<date>
//! address      = country: str, postal_code: opt<str>, region: opt<str>, city: opt<str>,
//!                line count: u32, str × count, residential: opt<bool>, name: opt<str>,
//!                company: opt<str>
//! parcel       = weight, dimensions: opt<dimensions>, declared_value: opt<money>
//! dimensions   = length: decimal, width: decimal, height: decimal,
//!                unit: u8 (mm 0, cm 1, m 2, in 3, ft 4)
//! weight       = value: decimal, unit: u8 (g 0, kg 1, oz 2, lb 3)
//! money        = amount: decimal, currency: str
//! decimal      = 16 bytes: flags (bits 16–23 the scale ≤ 28, bit 31 the sign, others 0),
//!                then the 96-bit magnitude as lo, mid, hi: u32 (`rust_decimal`'s
//!                `serialize()`), so the scale and a negative zero are kept as written
//! date         = i32: days since 0001-01-01 (day 1 of the common era is 1)
//! str          = length: u32, UTF-8 bytes
//! opt<T>       = 0 | 1 T;  bool = 0 | 1
//! ```

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::frame::{
    BodyRef, ExchangeOwnedWire, ExchangeWire, Frame, FrameWriter, PutFrame, TakeFrame,
};
use super::ops::{ParseRateInput, ParseRateInputRef};
use crate::model::{
    Address, CarrierId, Charge, ChargeKind, Currency, Dimensions, LengthUnit, Money, Parcel, Rate,
    RateRequest, Weight, WeightUnit,
};
use crate::protocol::Exchange;

/// The layout version written first in every blob.
pub const FORMAT: u8 = 1;

/// Rates that cross a frame as a binary blob in its bodies section (the JSON holds the
/// blob's `[offset, length]`). Outside frames (plain JSON) they are the usual JSON list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BinaryRates(pub Vec<Rate>);

impl PutFrame for BinaryRates {
    type Wire<'a> = BodyRef;
    fn put(&self, frame: &mut FrameWriter) -> BodyRef {
        frame.body_with(|out| encode_rates(&self.0, out))
    }
}

impl TakeFrame for BinaryRates {
    type Wire = BodyRef;
    fn take(wire: BodyRef, frame: &Frame<'_>) -> Result<Self, String> {
        decode_rates(frame.body(wire)?).map(BinaryRates)
    }
}

/// A rate request that crosses a frame as a binary blob (`build_rate_binary`'s input).
/// Outside frames it is the usual JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BinaryRequest(pub RateRequest);

/// Borrowed form of [`BinaryRequest`], so the host writes it without a clone.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(transparent)]
pub struct BinaryRequestRef<'a>(pub &'a RateRequest);

impl PutFrame for BinaryRequestRef<'_> {
    type Wire<'a>
        = BodyRef
    where
        Self: 'a;
    fn put(&self, frame: &mut FrameWriter) -> BodyRef {
        frame.body_with(|out| encode_request(self.0, out))
    }
}

impl TakeFrame for BinaryRequest {
    type Wire = BodyRef;
    fn take(wire: BodyRef, frame: &Frame<'_>) -> Result<Self, String> {
        decode_request(frame.body(wire)?).map(BinaryRequest)
    }
}

/// `parse_rate_binary`'s input: as `parse_rate`'s, with the request as a binary blob.
/// Outside frames it is `parse_rate`'s usual JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BinaryParseRateInput(pub ParseRateInput);

/// Borrowed form of [`BinaryParseRateInput`].
#[derive(Serialize)]
#[serde(transparent)]
pub struct BinaryParseRateInputRef<'a>(pub ParseRateInputRef<'a>);

/// The JSON of [`BinaryParseRateInputRef`] in a frame.
#[derive(Debug, Serialize)]
pub struct BinaryParseRateWire<'a> {
    request: BodyRef,
    exchange: ExchangeWire<'a>,
}

/// The JSON of [`BinaryParseRateInput`] as read from a frame.
#[derive(Debug, Deserialize)]
pub struct BinaryParseRateOwnedWire {
    request: BodyRef,
    exchange: ExchangeOwnedWire,
}

impl PutFrame for BinaryParseRateInputRef<'_> {
    type Wire<'a>
        = BinaryParseRateWire<'a>
    where
        Self: 'a;
    fn put<'a>(&'a self, frame: &mut FrameWriter) -> BinaryParseRateWire<'a> {
        BinaryParseRateWire {
            request: BinaryRequestRef(self.0.request).put(frame),
            exchange: self.0.exchange.put(frame),
        }
    }
}

impl TakeFrame for BinaryParseRateInput {
    type Wire = BinaryParseRateOwnedWire;
    fn take(wire: BinaryParseRateOwnedWire, frame: &Frame<'_>) -> Result<Self, String> {
        Ok(BinaryParseRateInput(ParseRateInput {
            request: BinaryRequest::take(wire.request, frame)?.0,
            exchange: Exchange::take(wire.exchange, frame)?,
        }))
    }
}

/// Appends `rates` to `out` as a rates blob.
pub fn encode_rates(rates: &[Rate], out: &mut Vec<u8>) {
    out.push(FORMAT);
    put_len(out, rates.len());
    for rate in rates {
        put_str(out, rate.carrier.as_str());
        put_str(out, &rate.service);
        put_str(out, &rate.service_name);
        put_money(out, &rate.total);
        put_opt(out, rate.list_total.as_ref(), put_money);
        put_len(out, rate.charges.len());
        for charge in &rate.charges {
            out.push(kind_code(charge.kind));
            put_opt(out, charge.code.as_deref(), put_str);
            put_money(out, &charge.amount);
        }
        put_opt(out, rate.transit_days, |out, days| {
            out.extend_from_slice(&days.to_le_bytes())
        });
        put_opt(out, rate.estimated_delivery, put_date);
        put_bool(out, rate.guaranteed);
        put_opt(out, rate.billed_weight.as_ref(), put_weight);
    }
}

/// Reads a rates blob, or says what is wrong with it.
pub fn decode_rates(bytes: &[u8]) -> Result<Vec<Rate>, String> {
    let mut r = Reader::open(bytes, "rates")?;
    let count = r.count(MIN_RATE)?;
    let mut rates = Vec::with_capacity(count);
    for _ in 0..count {
        rates.push(r.rate()?);
    }
    r.close()?;
    Ok(rates)
}

/// Appends `request` to `out` as a request blob.
pub fn encode_request(request: &RateRequest, out: &mut Vec<u8>) {
    out.push(FORMAT);
    put_address(out, &request.origin);
    put_address(out, &request.destination);
    put_len(out, request.parcels.len());
    for parcel in &request.parcels {
        put_weight(out, &parcel.weight);
        put_opt(out, parcel.dimensions.as_ref(), |out, d| {
            for value in [d.length, d.width, d.height] {
                out.extend_from_slice(&value.serialize());
            }
            out.push(length_code(d.unit));
        });
        put_opt(out, parcel.declared_value.as_ref(), put_money);
    }
    put_opt(out, request.services.as_deref(), put_strs);
    put_opt(out, request.ship_date, put_date);
}

/// Reads a request blob, or says what is wrong with it.
pub fn decode_request(bytes: &[u8]) -> Result<RateRequest, String> {
    let mut r = Reader::open(bytes, "request")?;
    let origin = r.address()?;
    let destination = r.address()?;
    let count = r.count(MIN_PARCEL)?;
    let mut parcels = Vec::with_capacity(count);
    for _ in 0..count {
        parcels.push(r.parcel()?);
    }
    let services = r.opt("services", Reader::strs)?;
    let ship_date = r.opt("ship_date", Reader::date)?;
    r.close()?;
    Ok(RateRequest {
        origin,
        destination,
        parcels,
        services,
        ship_date,
    })
}

/// The fewest bytes a rate takes: three empty strings, a money, four absent options, no
/// charges, the flag.
const MIN_RATE: usize = 3 * 4 + MIN_MONEY + 1 + 4 + 1 + 1 + 1 + 1;
/// The fewest bytes a charge takes.
const MIN_CHARGE: usize = 1 + 1 + MIN_MONEY;
/// A decimal and an empty currency.
const MIN_MONEY: usize = 16 + 4;
/// A weight and two absent options.
const MIN_PARCEL: usize = 16 + 1 + 1 + 1;

fn put_len(out: &mut Vec<u8>, len: usize) {
    // Lengths here are far below 4 GiB; saturate rather than wrap, so that an impossible
    // length is refused by the reader instead of misread.
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_strs(out: &mut Vec<u8>, strs: &[String]) {
    put_len(out, strs.len());
    for s in strs {
        put_str(out, s);
    }
}

fn put_bool(out: &mut Vec<u8>, value: bool) {
    out.push(u8::from(value));
}

fn put_date(out: &mut Vec<u8>, date: NaiveDate) {
    out.extend_from_slice(&date.num_days_from_ce().to_le_bytes());
}

fn put_money(out: &mut Vec<u8>, money: &Money) {
    out.extend_from_slice(&money.amount.serialize());
    put_str(out, money.currency.as_str());
}

fn put_weight(out: &mut Vec<u8>, weight: &Weight) {
    out.extend_from_slice(&weight.value.serialize());
    out.push(weight_code(weight.unit));
}

fn put_address(out: &mut Vec<u8>, a: &Address) {
    put_str(out, &a.country);
    put_opt(out, a.postal_code.as_deref(), put_str);
    put_opt(out, a.region.as_deref(), put_str);
    put_opt(out, a.city.as_deref(), put_str);
    put_strs(out, &a.lines);
    put_opt(out, a.residential, put_bool);
    put_opt(out, a.name.as_deref(), put_str);
    put_opt(out, a.company.as_deref(), put_str);
}

fn put_opt<T>(out: &mut Vec<u8>, value: Option<T>, put: impl FnOnce(&mut Vec<u8>, T)) {
    match value {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            put(out, v);
        }
    }
}

// The codes of the enums, both ways. A kind or unit added to the model must get a new code
// here (the compiler insists on the writing side).

const CHARGE_KINDS: [ChargeKind; 5] = [
    ChargeKind::Base,
    ChargeKind::Fuel,
    ChargeKind::Surcharge,
    ChargeKind::Tax,
    ChargeKind::Other,
];
const WEIGHT_UNITS: [WeightUnit; 4] = [
    WeightUnit::G,
    WeightUnit::Kg,
    WeightUnit::Oz,
    WeightUnit::Lb,
];
const LENGTH_UNITS: [LengthUnit; 5] = [
    LengthUnit::Mm,
    LengthUnit::Cm,
    LengthUnit::M,
    LengthUnit::In,
    LengthUnit::Ft,
];

fn kind_code(kind: ChargeKind) -> u8 {
    match kind {
        ChargeKind::Base => 0,
        ChargeKind::Fuel => 1,
        ChargeKind::Surcharge => 2,
        ChargeKind::Tax => 3,
        ChargeKind::Other => 4,
    }
}

fn weight_code(unit: WeightUnit) -> u8 {
    match unit {
        WeightUnit::G => 0,
        WeightUnit::Kg => 1,
        WeightUnit::Oz => 2,
        WeightUnit::Lb => 3,
    }
}

fn length_code(unit: LengthUnit) -> u8 {
    match unit {
        LengthUnit::Mm => 0,
        LengthUnit::Cm => 1,
        LengthUnit::M => 2,
        LengthUnit::In => 3,
        LengthUnit::Ft => 4,
    }
}

/// Reads a blob front to back; every read is bounds-checked.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// What the blob holds (`rates`, `request`), for messages.
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// Starts reading a blob of `what`, checking its format byte.
    fn open(bytes: &'a [u8], what: &'static str) -> Result<Self, String> {
        let mut r = Reader { bytes, at: 0, what };
        let format = r.u8()?;
        if format != FORMAT {
            return Err(format!(
                "binary {what} in format {format}; this build reads format {FORMAT}"
            ));
        }
        Ok(r)
    }

    /// Ends reading: nothing may be left.
    fn close(self) -> Result<(), String> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(self.error(format!(
                "{} bytes left over after the value",
                self.bytes.len() - self.at
            )))
        }
    }

    fn error(&self, message: String) -> String {
        format!("binary {}: {message}", self.what)
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let chunk = self
            .bytes
            .get(self.at..)
            .and_then(|rest| rest.first_chunk::<N>())
            .ok_or_else(|| self.truncated(N))?;
        self.at += N;
        Ok(*chunk)
    }

    fn slice(&mut self, len: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len());
        let end = end.ok_or_else(|| self.truncated(len))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn truncated(&self, wanted: usize) -> String {
        self.error(format!(
            "ends at byte {} of {}, {wanted} more wanted",
            self.at,
            self.bytes.len()
        ))
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take()?))
    }

    /// A count of items of at least `min_size` bytes each, refused if the rest of the blob
    /// cannot hold them (so a lying count never reserves memory).
    fn count(&mut self, min_size: usize) -> Result<usize, String> {
        let count = self.u32()? as usize;
        let room = (self.bytes.len() - self.at) / min_size;
        if count > room {
            return Err(self.error(format!(
                "{count} items announced at byte {}, room for {room}",
                self.at - 4
            )));
        }
        Ok(count)
    }

    /// A code `0..names.len()` for one of `values`.
    fn code<T: Copy>(&mut self, what: &str, values: &[T]) -> Result<T, String> {
        let at = self.at;
        let code = self.u8()?;
        values
            .get(usize::from(code))
            .copied()
            .ok_or_else(|| self.error(format!("{what} {code} at byte {at} is unknown")))
    }

    fn bool(&mut self) -> Result<bool, String> {
        self.code("flag", &[false, true])
    }

    fn opt<T>(
        &mut self,
        what: &str,
        read: impl FnOnce(&mut Self) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        let at = self.at;
        match self.u8()? {
            0 => Ok(None),
            1 => read(self).map(Some),
            other => Err(self.error(format!(
                "{what} at byte {at} is marked {other}, not 0 (absent) or 1 (present)"
            ))),
        }
    }

    fn str(&mut self) -> Result<&'a str, String> {
        let len = self.u32()? as usize;
        let at = self.at;
        let bytes = self.slice(len)?;
        std::str::from_utf8(bytes)
            .map_err(|e| self.error(format!("the text at byte {at} is not UTF-8 ({e})")))
    }

    fn string(&mut self) -> Result<String, String> {
        self.str().map(str::to_string)
    }

    fn strs(&mut self) -> Result<Vec<String>, String> {
        let count = self.count(4)?;
        let mut strs = Vec::with_capacity(count);
        for _ in 0..count {
            strs.push(self.string()?);
        }
        Ok(strs)
    }

    fn date(&mut self) -> Result<NaiveDate, String> {
        let at = self.at;
        let days = i32::from_le_bytes(self.take()?);
        NaiveDate::from_num_days_from_ce_opt(days)
            .ok_or_else(|| self.error(format!("day {days} at byte {at} is not a date")))
    }

    fn decimal(&mut self) -> Result<Decimal, String> {
        let at = self.at;
        let bytes: [u8; 16] = self.take()?;
        let flags = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        let scale = (flags >> 16) & 0xFF;
        if flags & !0x80FF_0000 != 0 || scale > Decimal::MAX_SCALE {
            return Err(self.error(format!(
                "the decimal at byte {at} has flags {flags:#010x} (scale {scale})"
            )));
        }
        Ok(Decimal::deserialize(bytes))
    }

    fn money(&mut self) -> Result<Money, String> {
        let amount = self.decimal()?;
        let currency = Currency::new(self.str()?).map_err(|e| self.error(e.to_string()))?;
        Ok(Money::new(amount, currency))
    }

    fn weight(&mut self) -> Result<Weight, String> {
        let value = self.decimal()?;
        let unit = self.code("weight unit", &WEIGHT_UNITS)?;
        Ok(Weight::new(value, unit))
    }

    fn rate(&mut self) -> Result<Rate, String> {
        let carrier = CarrierId::new(self.str()?).map_err(|e| self.error(e.to_string()))?;
        let service = self.string()?;
        let service_name = self.string()?;
        let total = self.money()?;
        let list_total = self.opt("list_total", Self::money)?;
        let count = self.count(MIN_CHARGE)?;
        let mut charges = Vec::with_capacity(count);
        for _ in 0..count {
            let kind = self.code("charge kind", &CHARGE_KINDS)?;
            let code = self.opt("code", Self::string)?;
            let amount = self.money()?;
            charges.push(Charge { kind, code, amount });
        }
        Ok(Rate {
            carrier,
            service,
            service_name,
            total,
            list_total,
            charges,
            transit_days: self.opt("transit_days", Self::u32)?,
            estimated_delivery: self.opt("estimated_delivery", Self::date)?,
            guaranteed: self.bool()?,
            billed_weight: self.opt("billed_weight", Self::weight)?,
        })
    }

    fn address(&mut self) -> Result<Address, String> {
        Ok(Address {
            country: self.string()?,
            postal_code: self.opt("postal_code", Self::string)?,
            region: self.opt("region", Self::string)?,
            city: self.opt("city", Self::string)?,
            lines: self.strs()?,
            residential: self.opt("residential", Self::bool)?,
            name: self.opt("name", Self::string)?,
            company: self.opt("company", Self::string)?,
        })
    }

    fn parcel(&mut self) -> Result<Parcel, String> {
        Ok(Parcel {
            weight: self.weight()?,
            dimensions: self.opt("dimensions", |r| {
                Ok(Dimensions::new(
                    r.decimal()?,
                    r.decimal()?,
                    r.decimal()?,
                    r.code("length unit", &LENGTH_UNITS)?,
                ))
            })?,
            declared_value: self.opt("declared_value", Self::money)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> Vec<Rate> {
        let cad = |s: &str| Money::parse(s, "CAD").unwrap();
        let full = Rate {
            carrier: CarrierId::from_static("canadapost"),
            service: "DOM.EP".into(),
            service_name: "Expedited \"Parcel\" é".into(),
            total: cad("18.20"),
            list_total: Some(cad("21.000")),
            charges: vec![
                Charge {
                    kind: ChargeKind::Base,
                    code: None,
                    amount: cad("16.00"),
                },
                Charge {
                    kind: ChargeKind::Tax,
                    code: Some("GST".into()),
                    amount: Money::new(negative_zero(), Currency::cad()),
                },
                Charge {
                    kind: ChargeKind::Other,
                    code: Some(String::new()),
                    amount: Money::new(Decimal::MIN, Currency::usd()),
                },
            ],
            transit_days: Some(u32::MAX),
            estimated_delivery: NaiveDate::from_ymd_opt(2026, 3, 9),
            guaranteed: true,
            billed_weight: Some(Weight::new(
                Decimal::from_i128_with_scale(1, 28),
                WeightUnit::Oz,
            )),
        };
        let sparse = Rate::new(
            CarrierId::from_static("ups"),
            "",
            "",
            Money::parse("0", "USD").unwrap(),
        );
        let mut far = sparse.clone();
        far.estimated_delivery = Some(NaiveDate::MIN);
        far.billed_weight = Some(Weight::lb(Decimal::MAX));
        vec![full, sparse, far]
    }

    fn negative_zero() -> Decimal {
        let mut zero = Decimal::new(0, 2);
        zero.set_sign_negative(true);
        assert_eq!(zero.to_string(), "-0.00");
        zero
    }

    fn blob(rates: &[Rate]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_rates(rates, &mut out);
        out
    }

    #[test]
    fn rates_come_back_exactly() {
        for rates in [rates(), vec![]] {
            let back = decode_rates(&blob(&rates)).unwrap();
            assert_eq!(back, rates);
            // Exactly: the scale, and the sign of a negative zero, survive.
            for (a, b) in back.iter().zip(&rates) {
                for (x, y) in a.charges.iter().zip(&b.charges) {
                    assert_eq!(x.amount.amount.to_string(), y.amount.amount.to_string());
                }
            }
        }
        let back = decode_rates(&blob(&rates())).unwrap();
        assert_eq!(back[0].charges[1].amount.amount.to_string(), "-0.00");
        assert_eq!(
            back[0].list_total.as_ref().unwrap().amount.to_string(),
            "21.000"
        );
    }

    #[test]
    fn the_layout_is_the_documented_one() {
        let rate = Rate::new(
            CarrierId::from_static("ab"),
            "S",
            "N",
            Money::parse("1.5", "USD").unwrap(),
        );
        let mut expected = vec![FORMAT, 1, 0, 0, 0];
        expected.extend_from_slice(&[2, 0, 0, 0, b'a', b'b', 1, 0, 0, 0, b'S', 1, 0, 0, 0, b'N']);
        // 1.5: scale 1 in flags byte 2, mantissa 15.
        expected.extend_from_slice(&[0, 0, 1, 0, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        expected.extend_from_slice(&[3, 0, 0, 0, b'U', b'S', b'D']);
        // No list_total, no charges, no transit days, no date, not guaranteed, no weight.
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(blob(&[rate]), expected);
    }

    #[test]
    fn every_truncation_and_extension_is_an_error() {
        let bytes = blob(&rates());
        for len in 0..bytes.len() {
            assert!(decode_rates(&bytes[..len]).is_err(), "cut at {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_rates(&longer).unwrap_err().contains("left over"));
    }

    #[test]
    fn damaged_blobs_are_errors_never_panics_or_bad_values() {
        let bytes = blob(&rates());
        // Every single-byte change either still decodes to valid values or is refused.
        for at in 0..bytes.len() {
            for value in [0u8, 1, 2, 5, 0x1D, 0x7F, 0x80, 0xFF] {
                let mut damaged = bytes.clone();
                damaged[at] = value;
                if let Ok(rates) = decode_rates(&damaged) {
                    for r in rates {
                        CarrierId::new(r.carrier.as_str()).unwrap();
                        assert!(r.total.amount.scale() <= Decimal::MAX_SCALE);
                    }
                }
            }
        }
        let mut long_string = blob(&rates()[1..2]);
        long_string[5..9].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
        let cases: [(&[u8], &str); 6] = [
            (&[2, 0, 0, 0, 0], "format 2"),
            (&[FORMAT, 0xFF, 0xFF, 0xFF, 0xFF], "announced"),
            (&[FORMAT, 1, 0, 0, 0], "announced"),
            (&long_string, "ends at byte 9"),
            (&[], "ends at byte 0"),
            (&[FORMAT], "ends at byte 1"),
        ];
        for (bytes, why) in cases {
            let e = decode_rates(bytes).unwrap_err();
            assert!(e.contains(why), "{e}");
        }
        // A scale over 28, a bad id, a bad currency, an unknown unit.
        let mut scale = blob(&rates()[1..2]);
        let total_flags = 5 + 4 + 3 + 4 + 4 + 2;
        scale[total_flags] = 29;
        assert!(decode_rates(&scale).unwrap_err().contains("scale 29"));
        let mut id = blob(&rates()[1..2]);
        id[9] = b'U';
        assert!(decode_rates(&id).unwrap_err().contains("carrier id"));
    }

    #[test]
    fn in_a_frame_the_rates_are_a_body_and_the_step_keeps_its_shape() {
        let step = crate::Step::Done(BinaryRates(rates()));
        let bytes = FrameWriter::encode(Vec::new(), &step).unwrap();
        let frame = Frame::parse(&bytes).unwrap();
        let json = std::str::from_utf8(frame.json()).unwrap();
        let len = blob(&rates()).len();
        assert_eq!(json, format!(r#"{{"done":[0,{len}]}}"#));
        let back: crate::Step<BinaryRates> = frame.decode().unwrap();
        assert_eq!(back, step);
        // Outside a frame, the usual JSON list.
        let plain = serde_json::to_string(&BinaryRates(rates())).unwrap();
        assert_eq!(plain, serde_json::to_string(&rates()).unwrap());
    }

    fn requests() -> Vec<RateRequest> {
        let full_address = Address {
            country: "CA".into(),
            postal_code: Some("K1G 3H7".into()),
            region: Some("ON".into()),
            city: Some("Ottawa é".into()),
            lines: vec!["2701 Riverside Dr".into(), String::new()],
            residential: Some(false),
            name: Some("\"Quoted\" name".into()),
            company: Some("Canada Post".into()),
        };
        let full = RateRequest {
            origin: full_address.clone(),
            destination: Address {
                residential: Some(true),
                ..Address::new("US", "90210")
            },
            parcels: vec![
                Parcel::new(Weight::kg(Decimal::new(2250, 3)))
                    .with_dimensions(Dimensions::new(
                        Decimal::new(30, 0),
                        Decimal::new(205, 1),
                        Decimal::MAX,
                        LengthUnit::Ft,
                    ))
                    .with_declared_value(Money::parse("50.00", "USD").unwrap()),
                Parcel::new(Weight::oz(Decimal::new(1, 28))),
            ],
            services: Some(vec!["DOM.EP".into(), "".into()]),
            ship_date: NaiveDate::from_ymd_opt(2026, 11, 25),
        };
        let sparse = RateRequest {
            origin: Address::default(),
            destination: Address::default(),
            parcels: vec![],
            services: Some(vec![]),
            ship_date: Some(NaiveDate::MAX),
        };
        vec![full, sparse]
    }

    fn request_blob(request: &RateRequest) -> Vec<u8> {
        let mut out = Vec::new();
        encode_request(request, &mut out);
        out
    }

    #[test]
    fn requests_come_back_exactly_and_damage_is_an_error() {
        for request in requests() {
            let bytes = request_blob(&request);
            assert_eq!(decode_request(&bytes).unwrap(), request);
            for len in 0..bytes.len() {
                assert!(decode_request(&bytes[..len]).is_err(), "cut at {len}");
            }
            for at in 0..bytes.len() {
                for value in [0u8, 2, 0x1D, 0xFF] {
                    let mut damaged = bytes.clone();
                    damaged[at] = value;
                    let _ = decode_request(&damaged);
                }
            }
        }
        let mut bad_unit = request_blob(&requests()[0]);
        // The second parcel's weight unit comes before its two absent options (1 + 1), the
        // services (1 + 4 + (4 + 6) + 4) and the date (1 + 4).
        let at = bad_unit.len() - (1 + 1) - (1 + 4 + 4 + 6 + 4) - (1 + 4) - 1;
        assert_eq!(bad_unit[at], 2, "the oz code");
        bad_unit[at] = 9;
        let e = decode_request(&bad_unit).unwrap_err();
        assert!(e.contains("weight unit 9"), "{e}");
    }

    #[test]
    fn the_parse_rate_input_carries_the_request_as_a_body() {
        let request = &requests()[0];
        let exchange = Exchange {
            round: 1,
            requests: vec![
                crate::HttpRequest::post("https://x/rate").body("a/b", b"<q/>".to_vec()),
            ],
            responses: vec![crate::HttpResponse::new(200, "<rates/>")],
        };
        let input = BinaryParseRateInputRef(ParseRateInputRef {
            request,
            exchange: &exchange,
        });
        let bytes = FrameWriter::encode(Vec::new(), &input).unwrap();
        let frame = Frame::parse(&bytes).unwrap();
        let json = std::str::from_utf8(frame.json()).unwrap();
        let len = request_blob(request).len();
        assert!(
            json.starts_with(&format!(r#"{{"request":[0,{len}],"exchange":"#)),
            "{json}"
        );
        let BinaryParseRateInput(back) = frame.decode().unwrap();
        assert_eq!(&back.request, request);
        assert_eq!(back.exchange, exchange);
        // Outside a frame, `parse_rate`'s JSON.
        assert_eq!(
            serde_json::to_string(&input).unwrap(),
            serde_json::to_string(&input.0).unwrap()
        );
        let bytes = FrameWriter::encode(Vec::new(), &BinaryRequestRef(request)).unwrap();
        let BinaryRequest(back) = Frame::parse(&bytes).unwrap().decode().unwrap();
        assert_eq!(&back, request);
    }
}
