//! Text clean-up for USPS: HTML in names (`Priority Mail<SUP>&reg;</SUP>`), entities, and
//! event times written with or without offsets (NORMALIZATION.md §0.9, §0.10).

/// Strips the HTML USPS puts in names and text: `<SUP>…</SUP>` marks are dropped whole,
/// other tags removed, entities decoded, runs of spaces collapsed, ends trimmed. `None` when
/// nothing is left.
pub fn clean(raw: &str) -> Option<String> {
    // Entities first, so doubly escaped markup (`&lt;SUP&gt;`) becomes tags we can strip.
    let decoded = decode_entities(raw);
    let without_sup = remove_sup(&decoded);
    let mut out = String::with_capacity(without_sup.len());
    let mut rest = without_sup.as_str();
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        let starts_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>').filter(|_| starts_tag) {
            Some(gt) => rest = &after[gt + 1..],
            None => {
                // `<= $500` is text, not a tag.
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(collapsed).filter(|s| !s.is_empty())
}

/// Removes every `<sup>…</sup>` element (any case) with its content.
fn remove_sup(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut pos = 0;
    while let Some(start) = lower[pos..].find("<sup").map(|i| i + pos) {
        out.push_str(&s[pos..start]);
        match lower[start..].find("</sup>") {
            Some(end) => pos = start + end + "</sup>".len(),
            None => {
                // Unclosed: drop just the opening tag.
                pos = lower[start..].find('>').map_or(s.len(), |i| start + i + 1);
            }
        }
    }
    out.push_str(&s[pos..]);
    out
}

/// Decodes named (`&reg;`, `&amp;` …) and numeric (`&#174;`, `&#xAE;`) character references;
/// anything unknown is kept as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi > 0 && semi <= 10)
            .and_then(|semi| entity(&after[..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "reg" => '®',
        "trade" => '™',
        "copy" => '©',
        "ndash" => '–',
        "mdash" => '—',
        _ => return None,
    })
}

/// An event time as NORMALIZATION.md §0.9 wants it: `YYYY-MM-DDTHH:MM:SS` plus the offset the
/// carrier gave for the event, never converted. Accepts `2024-11-22T13:58:00` (+ `GMTOffset`
/// `-05:00`), `2024-04-04 14:03:12-07:00`, fractional seconds, and a bare date (kept as a
/// date). A trailing `Z` is not an offset here: USPS writes local times with it (the official
/// README's `07:31:00Z` is 7:31 am in Richmond, VA), so `GMTOffset` applies, else none.
/// Text that is no date at all is kept as written.
pub fn event_time(timestamp: &str, gmt_offset: Option<&str>) -> Option<String> {
    let ts = timestamp.trim();
    if ts.is_empty() {
        return None;
    }
    let Some(date) = ts.get(..10).filter(|d| is_date(d)) else {
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
    let offset = explicit.or_else(|| gmt_offset.and_then(normalize_offset));
    Some(format!("{date}T{clock}{}", offset.unwrap_or_default()))
}

fn is_date(d: &str) -> bool {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()
}

/// `14:03` → `14:03:00`, `14:03:12.041` → `14:03:12`.
fn normalize_clock(clock: &str) -> Option<String> {
    let clock = clock.split('.').next().unwrap_or(clock).trim();
    let parts: Vec<&str> = clock.split(':').collect();
    let two = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [h, m] if two(h) && two(m) => Some(format!("{h}:{m}:00")),
        [h, m, s] if two(h) && two(m) && two(s) => Some(format!("{h}:{m}:{s}")),
        _ => None,
    }
}

/// `-5:00` → `-05:00`, `-0500` → `-05:00`, `+5` → `+05:00`; anything else `None`.
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

/// The date part of a date or date-time (`2026-12-10T00:00:00-07:00` → `2026-12-10`).
pub fn date_part(value: &str) -> Option<chrono::NaiveDate> {
    let v = value.trim();
    chrono::NaiveDate::parse_from_str(v.get(..10)?, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_stripped_from_names() {
        assert_eq!(
            clean("Priority Mail<SUP>&reg;</SUP>").unwrap(),
            "Priority Mail"
        );
        assert_eq!(
            clean("USPS Ground Advantage<SUP>&#153;</SUP> ").unwrap(),
            "USPS Ground Advantage"
        );
        assert_eq!(
            clean("Priority Mail Express 1-Day&lt;sup&gt;&#8482;&lt;/sup&gt;").unwrap(),
            "Priority Mail Express 1-Day"
        );
        assert_eq!(clean("Media <b>Mail</b>").unwrap(), "Media Mail");
        assert_eq!(clean("Insurance &lt;= $500").unwrap(), "Insurance <= $500");
        assert_eq!(clean("Tom &amp; Jerry&apos;s").unwrap(), "Tom & Jerry's");
        assert_eq!(clean("  <SUP>x</SUP> "), None);
        assert_eq!(clean("a & b").unwrap(), "a & b");
    }

    #[test]
    fn times_keep_local_clock_and_offset() {
        let t = |ts, off| event_time(ts, off);
        assert_eq!(
            t("2024-11-22T13:58:00", Some("-05:00")).unwrap(),
            "2024-11-22T13:58:00-05:00"
        );
        assert_eq!(
            t("2024-11-22T13:58:00", None).unwrap(),
            "2024-11-22T13:58:00"
        );
        assert_eq!(
            t("2024-04-04 14:03:12-07:00", Some("-05:00")).unwrap(),
            "2024-04-04T14:03:12-07:00"
        );
        assert_eq!(
            t("2024-04-04T14:03:12.041-0700", None).unwrap(),
            "2024-04-04T14:03:12-07:00"
        );
        assert_eq!(
            t("2023-08-02T07:31:00Z", None).unwrap(),
            "2023-08-02T07:31:00"
        );
        assert_eq!(
            t("2023-08-02T07:31Z", Some("-7:00")).unwrap(),
            "2023-08-02T07:31:00-07:00"
        );
        assert_eq!(t("2024-04-04", Some("-07:00")).unwrap(), "2024-04-04");
        assert_eq!(t("yesterday", None).unwrap(), "yesterday");
        assert_eq!(t("  ", None), None);
    }

    #[test]
    fn offsets_normalize() {
        assert_eq!(normalize_offset("-7:00").unwrap(), "-07:00");
        assert_eq!(normalize_offset("+0530").unwrap(), "+05:30");
        assert_eq!(normalize_offset("-05:00").unwrap(), "-05:00");
        assert_eq!(normalize_offset("05:00"), None);
        assert_eq!(normalize_offset("-99:00"), None);
    }
}
