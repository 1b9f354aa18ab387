//! Writing [`Rate`]s as JSON inside ABI 1.1 frames: the same contract JSON as serde, byte for
//! byte, without the derived serializer's copies.
//!
//! The derived code clones every [`CarrierId`](crate::CarrierId) and
//! [`Currency`](crate::Currency) into a `String` (they serialize `into = "String"`) and
//! formats every decimal and date through `fmt`. [`RateOut`] borrows every string and formats
//! decimals and dates by hand into a stack buffer (the same text as their `Display`). This is
//! what a plugin answers a host that does not ask for binary rates
//! ([`binary`](super::binary)), such as a 1.1 host from before they existed; because the
//! JSON is unchanged, any host reads it.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::model::{Charge, Money, Rate, Weight};

/// Writes a [`Rate`] as its contract JSON, borrowing everything.
#[derive(Clone, Copy, Debug)]
pub struct RateOut<'a>(pub &'a Rate);

impl Serialize for RateOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rate = self.0;
        // The fields and their order are those of the derived `Rate` serializer.
        let mut s = serializer.serialize_struct("Rate", 10)?;
        s.serialize_field("carrier", rate.carrier.as_str())?;
        s.serialize_field("service", &rate.service)?;
        s.serialize_field("service_name", &rate.service_name)?;
        s.serialize_field("total", &MoneyOut(&rate.total))?;
        s.serialize_field("list_total", &rate.list_total.as_ref().map(MoneyOut))?;
        s.serialize_field("charges", &ChargesOut(&rate.charges))?;
        s.serialize_field("transit_days", &rate.transit_days)?;
        s.serialize_field("estimated_delivery", &rate.estimated_delivery.map(DateOut))?;
        s.serialize_field("guaranteed", &rate.guaranteed)?;
        s.serialize_field("billed_weight", &rate.billed_weight.as_ref().map(WeightOut))?;
        s.end()
    }
}

struct ChargesOut<'a>(&'a [Charge]);

impl Serialize for ChargesOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for charge in self.0 {
            seq.serialize_element(&ChargeOut(charge))?;
        }
        seq.end()
    }
}

struct ChargeOut<'a>(&'a Charge);

impl Serialize for ChargeOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let charge = self.0;
        let mut s = serializer.serialize_struct("Charge", 3)?;
        s.serialize_field("kind", &charge.kind)?;
        s.serialize_field("code", &charge.code)?;
        s.serialize_field("amount", &MoneyOut(&charge.amount))?;
        s.end()
    }
}

struct MoneyOut<'a>(&'a Money);

impl Serialize for MoneyOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Money", 2)?;
        s.serialize_field("amount", &DecimalOut(self.0.amount))?;
        s.serialize_field("currency", self.0.currency.as_str())?;
        s.end()
    }
}

struct WeightOut<'a>(&'a Weight);

impl Serialize for WeightOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Weight", 2)?;
        s.serialize_field("value", &DecimalOut(self.0.value))?;
        s.serialize_field("unit", &self.0.unit)?;
        s.end()
    }
}

/// A decimal written as a JSON string, exactly as `Decimal`'s `Display` writes it.
struct DecimalOut(Decimal);

impl Serialize for DecimalOut {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; DECIMAL_TEXT];
        serializer.serialize_str(decimal_text(&self.0, &mut buf))
    }
}

/// Room for the longest decimal: a sign, 29 digits, a leading `0` and the point.
const DECIMAL_TEXT: usize = 40;

/// `value` as `Decimal`'s `Display` writes it (`"16.00"`, `"-0.5"`, `"0"`), into `buf`.
///
/// The digits of the mantissa, with a point `scale` digits from the right (zero-padded on
/// the left so there is always a digit before the point), and a `-` when the sign is
/// negative, as it is for a negative zero.
pub fn decimal_text<'b>(value: &Decimal, buf: &'b mut [u8; DECIMAL_TEXT]) -> &'b str {
    let scale = value.scale() as usize;
    let mut mantissa = value.mantissa().unsigned_abs();
    // Digits, last first, written from the end of the buffer.
    let mut at = buf.len();
    let mut digits = 0;
    // Most amounts fit 64 bits, where division by 10 is a multiplication.
    while mantissa > u64::MAX as u128 {
        at -= 1;
        buf[at] = b'0' + (mantissa % 10) as u8;
        mantissa /= 10;
        digits += 1;
        if digits == scale {
            at -= 1;
            buf[at] = b'.';
        }
    }
    let mut small = mantissa as u64;
    while small > 0 || digits <= scale {
        at -= 1;
        buf[at] = b'0' + (small % 10) as u8;
        small /= 10;
        digits += 1;
        if digits == scale {
            at -= 1;
            buf[at] = b'.';
        }
    }
    if value.is_sign_negative() {
        at -= 1;
        buf[at] = b'-';
    }
    // Only ASCII digits, '.' and '-' were written.
    std::str::from_utf8(&buf[at..]).unwrap_or_default()
}

/// A date written as `YYYY-MM-DD`, as chrono writes it.
struct DateOut(NaiveDate);

impl Serialize for DateOut {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let date = self.0;
        let year = date.year();
        if !(0..=9999).contains(&year) {
            // Chrono writes a sign and more digits; rare enough to leave to it.
            return date.serialize(serializer);
        }
        let mut text = *b"0000-00-00";
        let mut put = |at: usize, value: u32, width: usize| {
            let mut value = value;
            for i in (at..at + width).rev() {
                text[i] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, year as u32, 4);
        put(5, date.month(), 2);
        put(8, date.day(), 2);
        serializer.serialize_str(std::str::from_utf8(&text).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::model::{CarrierId, ChargeKind};

    fn full_rate() -> Rate {
        let cad = |s: &str| Money::parse(s, "CAD").unwrap();
        Rate {
            carrier: CarrierId::from_static("canadapost"),
            service: "DOM.EP".into(),
            service_name: "Expedited \"Parcel\" \\ é\n".into(),
            total: cad("18.20"),
            list_total: Some(cad("21.00")),
            charges: vec![
                Charge {
                    kind: ChargeKind::Base,
                    code: None,
                    amount: cad("16.00"),
                },
                Charge {
                    kind: ChargeKind::Tax,
                    code: Some("GST".into()),
                    amount: cad("-0.80"),
                },
            ],
            transit_days: Some(2),
            estimated_delivery: NaiveDate::from_ymd_opt(2026, 3, 9),
            guaranteed: true,
            billed_weight: Some(Weight::kg(Decimal::from_str("2.250").unwrap())),
        }
    }

    fn sparse_rate() -> Rate {
        Rate::new(
            CarrierId::from_static("ups"),
            "03",
            "UPS Ground",
            Money::parse("0", "USD").unwrap(),
        )
    }

    #[test]
    fn writes_the_same_json_as_the_derived_serializer() {
        let mut far = full_rate();
        far.estimated_delivery = NaiveDate::from_ymd_opt(12345, 1, 2);
        let mut early = sparse_rate();
        early.estimated_delivery = NaiveDate::from_ymd_opt(7, 12, 31);
        for rate in [full_rate(), sparse_rate(), far, early] {
            assert_eq!(
                serde_json::to_string(&RateOut(&rate)).unwrap(),
                serde_json::to_string(&rate).unwrap()
            );
        }
    }

    #[test]
    fn decimal_text_is_decimal_display() {
        let mut cases: Vec<Decimal> = vec![
            Decimal::ZERO,
            {
                let mut negative_zero = Decimal::new(0, 2);
                negative_zero.set_sign_negative(true);
                negative_zero
            },
            Decimal::from_str("0.0001").unwrap(),
            Decimal::from_str("-0.5").unwrap(),
            Decimal::from_str("16.00").unwrap(),
            Decimal::from_str("100").unwrap(),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_i128_with_scale(1, 28),
            Decimal::from_i128_with_scale(-(u64::MAX as i128) - 7, 3),
            Decimal::from_i128_with_scale(u64::MAX as i128, 20),
        ];
        // A deterministic spread of mantissas and scales, both signs.
        let mut x: u128 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..5000u32 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let bits = (x >> (i % 64)) & ((1u128 << 96) - 1);
            let mantissa = (bits >> (i % 96)) as i128;
            let signed = if i % 2 == 0 { mantissa } else { -mantissa };
            cases.push(Decimal::from_i128_with_scale(signed, i % 29));
        }
        let mut buf = [0u8; DECIMAL_TEXT];
        for d in cases {
            assert_eq!(decimal_text(&d, &mut buf), d.to_string(), "{d:?}");
        }
    }
}
