//! Carrier dates, clocks and offsets → our dates and event times.
//!
//! An event time is the carrier's local date and clock, `YYYY-MM-DDTHH:MM:SS`, followed by
//! the offset the carrier gave for it (`-05:00`). A time keeps that offset and is never
//! converted; where the carrier gives none, it stays local, without a suffix and never
//! with `Z`.

use chrono::NaiveDate;

/// A `YYYYMMDD` date (surrounding blanks ignored); anything else is `None`.
pub fn yyyymmdd(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    date_of_digits(&s[..4], &s[4..6], &s[6..])
}

/// A `YYYY-MM-DD` date, the whole text; anything else is `None`.
pub fn ymd(s: &str) -> Option<NaiveDate> {
    // Carriers write the ten characters; chrono's format reader (which parses its format
    // string on every call, and also takes one-digit months and days) is the fallback.
    match s.as_bytes() {
        [y @ .., b'-', _, _, b'-', _, _] if y.len() == 4 => {
            date_of_digits(&s[..4], &s[5..7], &s[8..])
                .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        }
        _ => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
    }
}

/// The date of a year, month and day each written in ASCII digits; `None` for other text or
/// a day the calendar does not have.
fn date_of_digits(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    let number = |t: &str| {
        t.bytes().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let year = i32::try_from(number(year)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(month)?, number(day)?)
}

/// The date part of a date or a date-time, as written, with no time-zone conversion
/// (`2026-12-10T00:00:00-07:00` → 2026-12-10).
pub fn date_part(s: &str) -> Option<NaiveDate> {
    ymd(s.trim().get(..10)?)
}

/// An offset as `±HH:MM`: `-5:00`, `-0500`, `-05` and `+5` are read; hours past 14 and
/// anything else are `None`.
pub fn normalize_offset(offset: &str) -> Option<String> {
    let offset = offset.trim();
    let (sign, body) = match offset.chars().next()? {
        c @ ('+' | '-') => (c, &offset[1..]),
        _ => return None,
    };
    let (hours, minutes) = match body.split_once(':') {
        Some((h, m)) => (h, m),
        None if body.len() == 4 => body.split_at(2),
        None => (body, "00"),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours) || minutes.len() != 2 || !digits(minutes) {
        return None;
    }
    let h: u32 = hours.parse().ok()?;
    let m: u32 = minutes.parse().ok()?;
    (h <= 14 && m < 60).then(|| format!("{sign}{h:02}:{m:02}"))
}

/// A clock as `HH:MM:SS`: `14:03` gains `:00`, `14:03:12.041` loses its fraction; anything
/// else is `None`.
pub fn normalize_clock(clock: &str) -> Option<String> {
    let clock = clock.split('.').next().unwrap_or(clock).trim();
    let parts: Vec<&str> = clock.split(':').collect();
    let two = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [h, m] if two(h) && two(m) => Some(format!("{h}:{m}:00")),
        [h, m, s] if two(h) && two(m) && two(s) => Some(format!("{h}:{m}:{s}")),
        _ => None,
    }
}

/// An event time from a `YYYYMMDD` date, an `HHMMSS` clock and an optional offset (read by
/// [`normalize_offset`]; one it cannot read is left out). `None` unless date and clock are
/// valid.
pub fn compact_time(date: &str, clock: &str, offset: Option<&str>) -> Option<String> {
    let date = yyyymmdd(date)?;
    let t = clock.trim();
    if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m, s) = (&t[0..2], &t[2..4], &t[4..6]);
    if !(h < "24" && m < "60" && s < "61") {
        return None;
    }
    let offset = offset.and_then(normalize_offset).unwrap_or_default();
    Some(format!("{}T{h}:{m}:{s}{offset}", date.format("%Y-%m-%d")))
}

/// An event time from an ISO-like timestamp (`2024-11-22T13:58:00`, `2024-04-04
/// 14:03:12-07:00`, fractional seconds, a bare date), with `offset` used when the timestamp
/// carries none. A trailing `Z` is read as "no offset": carriers write local times with it.
/// A bare date stays a date; text that is no date-time at all is kept as written; blank is
/// `None`.
pub fn event_time(timestamp: &str, offset: Option<&str>) -> Option<String> {
    let ts = timestamp.trim();
    if ts.is_empty() {
        return None;
    }
    let Some(date) = ts.get(..10).filter(|d| ymd(d).is_some()) else {
        return Some(ts.to_string());
    };
    let rest = &ts[10..];
    if rest.is_empty() {
        return Some(date.to_string());
    }
    let Some(rest) = rest.strip_prefix(['T', 't', ' ']) else {
        return Some(ts.to_string());
    };
    // Split the clock from a zone designator.
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let Some(clock) = normalize_clock(clock) else {
        return Some(ts.to_string());
    };
    let explicit = match zone {
        "" | "Z" | "z" => None,
        z => normalize_offset(z),
    };
    let offset = explicit.or_else(|| offset.and_then(normalize_offset));
    Some(format!("{date}T{clock}{}", offset.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_chrono_reads_them() {
        for text in [
            "2026-11-26",
            "2026-02-29",
            "2028-02-29",
            "2026-13-01",
            "2026-00-10",
            "0000-01-01",
            "2026-1-05",
            "2026-01-5",
            "2026/01/05",
            "20a6-01-05",
            "2026-01-0x",
            " 2026-01-05",
            "2026-01-05 ",
            "+2026-01-05",
            "-2026-01-05",
            "2026-01-05T00:00:00",
            "",
            "2026-é1-05",
        ] {
            let chrono = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            assert_eq!(ymd(text), chrono, "{text:?}");
        }
        for text in ["20261126", "20260229", "20281231", "20261301", " 20260105 "] {
            let chrono = NaiveDate::parse_from_str(text.trim(), "%Y%m%d").ok();
            assert_eq!(yyyymmdd(text), chrono, "{text:?}");
        }
        // Exactly eight digits, where chrono would also take seven.
        assert_eq!(yyyymmdd("2026015"), None);
    }

    #[test]
    fn times_keep_the_carriers_offset_or_none() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(yyyymmdd(" 20261128 "), d(2026, 11, 28));
        assert_eq!(yyyymmdd("20261332"), None);
        assert_eq!(yyyymmdd("2026-11-28"), None);
        assert_eq!(ymd("2026-11-28"), d(2026, 11, 28));
        assert_eq!(ymd("2026-11-28T10:00:00"), None);
        assert_eq!(date_part(" 2026-12-10T00:00:00-07:00"), d(2026, 12, 10));
        assert_eq!(date_part("2024-07-2"), None);
        assert_eq!(date_part("20240725"), None);
        for (offset, expected) in [
            ("-05:00", Some("-05:00")),
            ("-7:00", Some("-07:00")),
            ("+0530", Some("+05:30")),
            ("+5", Some("+05:00")),
            ("05:00", None),
            ("-99:00", None),
            ("Z", None),
        ] {
            assert_eq!(normalize_offset(offset).as_deref(), expected, "{offset}");
        }
        let compact = |d, t, o| compact_time(d, t, o);
        let iso = |ts, o| event_time(ts, o);
        for (got, expected) in [
            (
                compact("20261124", "101200", Some("-05:00")),
                Some("2026-11-24T10:12:00-05:00"),
            ),
            (
                compact("20261124", "101200", None),
                Some("2026-11-24T10:12:00"),
            ),
            (
                compact("20261124", "101200", Some("bogus")),
                Some("2026-11-24T10:12:00"),
            ),
            (
                compact("20110404", "133457", Some("-0500")),
                Some("2011-04-04T13:34:57-05:00"),
            ),
            (compact("string", "101200", None), None),
            (compact("20261124", "99", None), None),
            (compact("20261124", "246000", None), None),
            (
                iso("2024-11-22T13:58:00", Some("-05:00")),
                Some("2024-11-22T13:58:00-05:00"),
            ),
            (
                iso("2024-11-22T13:58:00", None),
                Some("2024-11-22T13:58:00"),
            ),
            (
                iso("2024-04-04 14:03:12-07:00", Some("-05:00")),
                Some("2024-04-04T14:03:12-07:00"),
            ),
            (
                iso("2024-04-04T14:03:12.041-0700", None),
                Some("2024-04-04T14:03:12-07:00"),
            ),
            (
                iso("2023-08-02T07:31:00Z", None),
                Some("2023-08-02T07:31:00"),
            ),
            (
                iso("2023-08-02T07:31Z", Some("-7:00")),
                Some("2023-08-02T07:31:00-07:00"),
            ),
            (
                iso("2011-04-04T13:34", Some("-03:30")),
                Some("2011-04-04T13:34:00-03:30"),
            ),
            (iso("2024-04-04", Some("-07:00")), Some("2024-04-04")),
            (iso("yesterday", None), Some("yesterday")),
            (iso("  ", None), None),
        ] {
            assert_eq!(got.as_deref(), expected);
        }
    }
}
