//! Cache keys: (carrier, scope, normalized shipment fingerprint), encoded compactly.
//!
//! A key is the canonical byte encoding of its parts, held inline (no heap allocation for
//! ordinary keys, ~64 bytes in the cache instead of a dozen `String`s), so building one per
//! quote on the cache-hit path allocates nothing and a cache of 100,000s of entries stays
//! small. Text fields end with `0xFF`, which never occurs in UTF-8, so the encoding is
//! unambiguous: two keys are equal exactly when their parts are.

use std::fmt;
use std::hash::{Hash, Hasher};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use shipmux_core::{Address, LengthUnit, Parcel, RateRequest, WeightUnit};

/// How finely shipments are told apart: weights and dimensions are rounded *up* to these steps
/// (the carriers' billable steps), so 2.01 lb and 2.05 lb share an entry but 40 g never
/// becomes 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FingerprintSteps {
    /// Weight step in grams (default one ounce, USPS's step and finer than UPS/FedEx's pound).
    pub weight_grams: Decimal,
    /// Dimension step in millimetres (default one inch).
    pub length_mm: Decimal,
}

impl Default for FingerprintSteps {
    fn default() -> Self {
        FingerprintSteps {
            weight_grams: WeightUnit::Oz.grams(),
            length_mm: LengthUnit::In.millimetres(),
        }
    }
}

/// Bytes kept inline before a key spills to the heap (many services or parcels); a key is
/// then 48 bytes. A one-parcel checkout key (carrier, `zone/method`, two places) fits.
const INLINE: usize = 46;
/// Ends every text field; never part of UTF-8.
const END: u8 = 0xFF;

/// Canonical bytes, inline when short.
#[derive(Clone)]
enum Bytes {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Bytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Inline { len, buf } => &buf[..usize::from(*len)],
            Bytes::Heap(b) => b,
        }
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Bytes {}

impl Hash for Bytes {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.as_slice());
    }
}

/// Builds [`Bytes`] without allocating until the inline space runs out.
struct Writer {
    buf: [u8; INLINE],
    len: usize,
    spill: Option<Vec<u8>>,
}

impl Writer {
    fn new() -> Self {
        Writer {
            buf: [0; INLINE],
            len: 0,
            spill: None,
        }
    }

    fn len(&self) -> usize {
        self.spill.as_ref().map_or(self.len, Vec::len)
    }

    fn truncate(&mut self, len: usize) {
        match &mut self.spill {
            Some(v) => v.truncate(len),
            None => self.len = self.len.min(len),
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        if let Some(v) = &mut self.spill {
            v.extend_from_slice(bytes);
        } else if self.len + bytes.len() <= INLINE {
            self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
        } else {
            let mut v = Vec::with_capacity(2 * INLINE + bytes.len());
            v.extend_from_slice(&self.buf[..self.len]);
            v.extend_from_slice(bytes);
            self.spill = Some(v);
        }
    }

    fn byte(&mut self, b: u8) {
        self.push(&[b]);
    }

    /// LEB128.
    fn number(&mut self, mut n: u64) {
        let mut out = [0u8; 10];
        let mut i = 0;
        loop {
            let low = (n & 0x7F) as u8;
            n >>= 7;
            if n == 0 {
                out[i] = low;
                i += 1;
                break;
            }
            out[i] = low | 0x80;
            i += 1;
        }
        self.push(&out[..i]);
    }

    fn text(&mut self, s: &str) {
        self.push(s.as_bytes());
        self.byte(END);
    }

    fn chars(&mut self, chars: impl Iterator<Item = char>) {
        let mut tmp = [0u8; 4];
        for c in chars {
            self.push(c.encode_utf8(&mut tmp).as_bytes());
        }
    }

    /// ASCII `bytes` in upper case, pushed a few at a time.
    fn ascii_upper(&mut self, bytes: impl Iterator<Item = u8>) {
        let mut chunk = [0u8; 16];
        let mut n = 0;
        for b in bytes {
            chunk[n] = b.to_ascii_uppercase();
            n += 1;
            if n == chunk.len() {
                self.push(&chunk);
                n = 0;
            }
        }
        self.push(&chunk[..n]);
    }

    /// Country (trimmed, upper case) and normalized postcode (as
    /// [`Address::normalized_postal_code`]: no white space or `-`, upper case, absent when
    /// empty), without allocating.
    fn place(&mut self, a: &Address) {
        let country = a.country.trim();
        if country.is_ascii() {
            self.ascii_upper(country.bytes());
        } else {
            self.chars(country.chars().map(|c| c.to_ascii_uppercase()));
        }
        self.byte(END);
        let tag = self.len();
        self.byte(1);
        let start = self.len();
        match &a.postal_code {
            // Nearly every postcode: byte by byte, the same as the general case below.
            Some(p) if p.is_ascii() => self.ascii_upper(
                p.bytes()
                    .filter(|b| !char::from(*b).is_whitespace() && *b != b'-'),
            ),
            Some(p) => self.chars(
                p.chars()
                    .filter(|c| !c.is_whitespace() && *c != '-')
                    .flat_map(char::to_uppercase),
            ),
            None => {}
        }
        if self.len() == start {
            self.truncate(tag);
            self.byte(0);
        } else {
            self.byte(END);
        }
    }

    /// The parts of `request` that change the price.
    fn shipment(&mut self, request: &Shipment<'_>, s: &FingerprintSteps) {
        self.place(request.origin);
        self.place(request.destination);
        self.byte(match request.destination.residential {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
        self.number(request.parcels.len() as u64);
        for p in request.parcels {
            self.number(steps(p.weight.grams(), s.weight_grams));
            match p.dimensions {
                None => self.byte(0),
                Some(d) => {
                    let mm = d.to(LengthUnit::Mm);
                    let mut v = [
                        steps(mm.length, s.length_mm),
                        steps(mm.width, s.length_mm),
                        steps(mm.height, s.length_mm),
                    ];
                    v.sort_unstable();
                    self.byte(1);
                    v.iter().for_each(|n| self.number(*n));
                }
            }
        }
        match request.services {
            None => self.byte(0),
            Some(services) => {
                let mut sorted: Vec<&str> = services.iter().map(String::as_str).collect();
                sorted.sort_unstable();
                sorted.dedup();
                self.byte(1);
                self.number(sorted.len() as u64);
                sorted.iter().for_each(|s| self.text(s));
            }
        }
        match request.ship_date {
            None => self.byte(0),
            Some(d) => {
                self.byte(1);
                self.push(&d.num_days_from_ce().to_le_bytes());
            }
        }
    }

    fn finish(self) -> Bytes {
        match self.spill {
            Some(v) => Bytes::Heap(v.into_boxed_slice()),
            None => Bytes::Inline {
                len: self.len as u8,
                buf: self.buf,
            },
        }
    }
}

fn steps(value: Decimal, step: Decimal) -> u64 {
    if step <= Decimal::ZERO {
        return 0;
    }
    let n = (value / step).ceil();
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A rate request's parts, borrowed: a key can be made before (or without) building the
/// request.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shipment<'a> {
    pub origin: &'a Address,
    pub destination: &'a Address,
    pub parcels: &'a [Parcel],
    pub services: Option<&'a [String]>,
    pub ship_date: Option<NaiveDate>,
}

impl<'a> From<&'a RateRequest> for Shipment<'a> {
    fn from(r: &'a RateRequest) -> Self {
        Shipment {
            origin: &r.origin,
            destination: &r.destination,
            parcels: &r.parcels,
            services: r.services.as_deref(),
            ship_date: r.ship_date,
        }
    }
}

/// The parts of a rate request that change the price, normalized: origin and destination
/// country and postcode (plus residential for the destination), parcels rounded to the
/// billable steps (dimensions sorted), requested services sorted, ship date.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ShipmentFingerprint(Bytes);

impl ShipmentFingerprint {
    /// The fingerprint of `request`.
    pub fn of(request: &RateRequest, s: &FingerprintSteps) -> Self {
        let mut w = Writer::new();
        w.shipment(&request.into(), s);
        ShipmentFingerprint(w.finish())
    }
}

impl fmt::Debug for ShipmentFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ShipmentFingerprint({} bytes)", self.0.as_slice().len())
    }
}

/// A cache key: which carrier, in which scope (a checkout's zone and method, or empty for
/// plain quotes), for which shipment ([`ShipmentFingerprint`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct QuoteKey(Bytes);

impl QuoteKey {
    /// The key of `carrier`'s quote of `request` in `scope` (`"US West/12"`, or `""`).
    pub fn new(carrier: &str, scope: &str, request: &RateRequest, s: &FingerprintSteps) -> Self {
        Self::of_parts(carrier, &[scope], &request.into(), s)
    }

    /// The key with the scope given in pieces (`[zone, "/", method]`, joined), from borrowed
    /// parts: nothing is allocated for an ordinary key.
    pub(crate) fn of_parts(
        carrier: &str,
        scope: &[&str],
        shipment: &Shipment<'_>,
        s: &FingerprintSteps,
    ) -> Self {
        let mut w = Writer::new();
        w.text(carrier);
        scope.iter().for_each(|piece| w.push(piece.as_bytes()));
        w.byte(END);
        w.shipment(shipment, s);
        QuoteKey(w.finish())
    }

    /// The carrier quoted.
    pub fn carrier(&self) -> &str {
        self.text_at(0).0
    }

    /// The zone and method, or `""`.
    pub fn scope(&self) -> &str {
        let (_, next) = self.text_at(0);
        self.text_at(next).0
    }

    /// The text field starting at `from`, and where the next field starts.
    fn text_at(&self, from: usize) -> (&str, usize) {
        let bytes = &self.0.as_slice()[from..];
        let end = bytes.iter().position(|b| *b == END).unwrap_or(bytes.len());
        // Written from a `&str`, so valid UTF-8.
        (
            std::str::from_utf8(&bytes[..end]).unwrap_or_default(),
            from + end + 1,
        )
    }

    /// The key's bytes (the shared second level's key is made from them).
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// Roughly what the key costs in memory.
    pub(crate) fn size(&self) -> usize {
        match &self.0 {
            Bytes::Inline { .. } => std::mem::size_of::<Self>(),
            Bytes::Heap(b) => std::mem::size_of::<Self>() + b.len(),
        }
    }
}

impl fmt::Debug for QuoteKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuoteKey")
            .field("carrier", &self.carrier())
            .field("scope", &self.scope())
            .field("bytes", &self.0.as_slice().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use shipmux_core::{Dimensions, Weight};

    use super::*;

    fn req(weight: &str) -> RateRequest {
        RateRequest::new(
            Address::new("US", "90210"),
            Address::new("US", "10001-1234").residential(true),
            vec![Parcel::new(Weight::lb(Decimal::from_str(weight).unwrap()))],
        )
        .unwrap()
    }

    #[test]
    fn billable_steps_group_nearby_weights_but_never_zero() {
        let s = FingerprintSteps::default();
        assert_eq!(
            ShipmentFingerprint::of(&req("2.01"), &s),
            ShipmentFingerprint::of(&req("2.05"), &s)
        );
        assert_ne!(
            ShipmentFingerprint::of(&req("2.0"), &s),
            ShipmentFingerprint::of(&req("2.1"), &s)
        );
        // 0.0001 lb rounds up to one ounce, not down to nothing.
        let tiny = ShipmentFingerprint::of(&req("0.0001"), &s);
        assert_eq!(tiny, ShipmentFingerprint::of(&req("0.0625"), &s));
        assert_ne!(tiny, ShipmentFingerprint::of(&req("0.125"), &s));
    }

    #[test]
    fn ascii_and_other_postcodes_normalize_alike() {
        // ASCII text takes a byte-wise path; any other character the general one. Both drop
        // white space (vertical tab included) and `-`, and upper-case.
        let s = FingerprintSteps::default();
        let with = |country: &str, postcode: &str| {
            let mut r = req("1");
            r.destination.country = country.into();
            r.destination.postal_code = Some(postcode.into());
            ShipmentFingerprint::of(&r, &s)
        };
        assert_eq!(with("ca", "k1a\u{0B}0b-1"), with(" CA ", "K1A0B1"));
        assert_eq!(with("CA", "k1a 0b1\u{e9}"), with("CA", "K1A-0B1\u{c9}"));
        assert_eq!(with("DE", "\u{df}1"), with("DE", "SS1"));
        assert_ne!(with("CA", "K1A0B1"), with("CA", "K1A0B2"));
    }

    #[test]
    fn services_order_and_postcode_format_do_not_matter() {
        let s = FingerprintSteps::default();
        let a = req("1").with_services(["B", "A"]);
        let mut b = req("1").with_services(["A", "B"]);
        b.destination.postal_code = Some("100011234".into());
        assert_eq!(
            ShipmentFingerprint::of(&a, &s),
            ShipmentFingerprint::of(&b, &s)
        );
        let mut c = req("1");
        c.parcels[0] = c.parcels[0].clone().with_dimensions(Dimensions::inches(
            Decimal::from(12),
            Decimal::from(8),
            Decimal::from(6),
        ));
        let mut d = req("1");
        d.parcels[0] = d.parcels[0].clone().with_dimensions(Dimensions::inches(
            Decimal::from(6),
            Decimal::from(12),
            Decimal::from(8),
        ));
        assert_eq!(
            ShipmentFingerprint::of(&c, &s),
            ShipmentFingerprint::of(&d, &s)
        );
    }

    #[test]
    fn every_part_tells_keys_apart() {
        let s = FingerprintSteps::default();
        let key = |r: &RateRequest| QuoteKey::new("ups", "us/1", r, &s);
        let base = req("1");
        let mut variants = vec![
            QuoteKey::new("fedex", "us/1", &base, &s),
            QuoteKey::new("ups", "us/2", &base, &s),
            QuoteKey::new("ups", "", &base, &s),
            key(&req("1.1")),
            key(&base.clone().with_services(["03"])),
            key(&base.clone().with_services(["03", "12"])),
            key(&base
                .clone()
                .with_ship_date(NaiveDate::from_ymd_opt(2026, 1, 2).unwrap())),
        ];
        let mut other = base.clone();
        other.destination.residential = Some(false);
        variants.push(key(&other));
        other.destination.residential = None;
        variants.push(key(&other));
        let mut other = base.clone();
        other.destination.postal_code = None;
        variants.push(key(&other));
        let mut other = base.clone();
        other.destination.postal_code = Some(" - ".into());
        variants.push(key(&other));
        let mut other = base.clone();
        other.origin.country = "CA".into();
        variants.push(key(&other));
        let mut other = base.clone();
        other.parcels.push(other.parcels[0].clone());
        variants.push(key(&other));
        let all: std::collections::HashSet<_> = variants.iter().cloned().collect();
        assert_eq!(
            all.len(),
            variants.len() - 1,
            "only the two empty postcodes agree"
        );
        assert!(!all.contains(&key(&base)));
        let mut same = base.clone();
        same.destination.country = " us ".into();
        assert_eq!(key(&same), key(&base));
    }

    #[test]
    fn a_scope_in_pieces_is_the_joined_scope() {
        let s = FingerprintSteps::default();
        let r = req("1");
        let joined = QuoteKey::new("ups", "us/ground", &r, &s);
        let pieces = QuoteKey::of_parts("ups", &["us", "/", "ground"], &(&r).into(), &s);
        assert_eq!(joined, pieces);
        assert_eq!(pieces.scope(), "us/ground");
    }

    #[test]
    fn long_keys_spill_to_the_heap_and_read_back() {
        let s = FingerprintSteps::default();
        let many: Vec<String> = (0..40).map(|i| format!("SERVICE_{i}")).collect();
        let long = req("1").with_services(many.clone());
        let k = QuoteKey::new("fedex", "zone/method", &long, &s);
        assert!(matches!(k.0, Bytes::Heap(_)));
        assert_eq!(k.carrier(), "fedex");
        assert_eq!(k.scope(), "zone/method");
        let mut reversed = many;
        reversed.reverse();
        assert_eq!(
            k,
            QuoteKey::new(
                "fedex",
                "zone/method",
                &req("1").with_services(reversed),
                &s
            )
        );
        let short = QuoteKey::new("ups", "", &req("1"), &s);
        assert!(matches!(short.0, Bytes::Inline { .. }));
        assert_eq!((short.carrier(), short.scope()), ("ups", ""));
    }
}
