//! Reading token requests the way an OAuth server does: the media type of `Content-Type`
//! (case-insensitive, parameters dropped) and `application/x-www-form-urlencoded` bodies
//! (percent-decoding, `+` as a space).

use axum::http::{HeaderMap, header};

/// The media type of the request's `Content-Type`, lower-cased and without parameters
/// (`Application/JSON; charset=UTF-8` → `application/json`); `None` without the header.
pub fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or("").trim();
    Some(essence.to_ascii_lowercase())
}

/// The `name=value` pairs of a form body, decoded, in order (a name may repeat). Whitespace
/// around a pair is dropped, so `a=1 &b=2` reads as `a=1&b=2`. `None` when the body is not
/// UTF-8 once decoded.
pub fn form_fields(body: &[u8]) -> Option<Vec<(String, String)>> {
    let text = std::str::from_utf8(body).ok()?;
    let mut fields = Vec::new();
    for pair in text.split('&') {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        fields.push((decode(name)?, decode(value)?));
    }
    Some(fields)
}

/// Percent-decoding with `+` as a space; a `%` not followed by two hex digits stays as is.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_like_a_browser_sends_them() {
        let fields =
            form_fields(b"grant_type=client%5Fcredentials&scope=a+b%20c&empty=&flag").unwrap();
        assert_eq!(
            fields,
            vec![
                ("grant_type".into(), "client_credentials".into()),
                ("scope".into(), "a b c".into()),
                ("empty".into(), String::new()),
                ("flag".into(), String::new()),
            ]
        );
        // Spaces around the separators, a lone `%`, a `%` at the very end.
        let fields = form_fields(b"a=1 &b=50%&c=%4").unwrap();
        assert_eq!(
            fields,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "50%".into()),
                ("c".into(), "%4".into()),
            ]
        );
        assert_eq!(form_fields(b"a=%FF"), None);
        assert_eq!(form_fields(b""), Some(vec![]));
    }

    #[test]
    fn media_types_ignore_case_and_parameters() {
        let mut h = HeaderMap::new();
        assert_eq!(media_type(&h), None);
        h.insert(
            header::CONTENT_TYPE,
            "Application/X-WWW-Form-Urlencoded ; charset=UTF-8"
                .parse()
                .unwrap(),
        );
        assert_eq!(
            media_type(&h).as_deref(),
            Some("application/x-www-form-urlencoded")
        );
    }
}
