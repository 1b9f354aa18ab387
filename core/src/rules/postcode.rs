//! Postcode patterns for ZIP zones: exact codes, `*` / `?` wildcards and `a...b` ranges.
//!
//! BigCommerce (`*`, `?`) and WooCommerce (trailing `*`, ranges) differ; we decided:
//! - Patterns and postcodes compare upper-cased with spaces and hyphens removed, so
//!   `SW1A 1AA` matches `sw1a1aa`.
//! - `*` matches **zero** or more characters anywhere in the pattern (WooCommerce: `90210*`
//!   matches `90210`, `*` matches everything); `?` matches exactly one character (BigCommerce).
//! - `min...max` (also with the Unicode ellipsis `…`) is inclusive at both ends. When both ends
//!   are all digits the comparison is numeric (the postcode must be all digits too). Otherwise
//!   every character becomes two digits (`0`–`9` → `00`–`09`, `A`=`01` … `Z`=`26`, anything
//!   else `00`; `PE30` → `16050300`), the ends are right-padded with `0` to the converted
//!   postcode's length, and the digit strings compare as numbers.
//! - A partial postcode (the first characters only, as digital wallets send for the UK and
//!   Canada) matches a pattern when *some* full postcode starting with it would.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::normalize_postcode;

/// One postcode rule of a ZIP zone. JSON: the pattern as a string (`"90210"`, `"902*"`,
/// `"665?6"`, `"90000...90299"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostcodePattern {
    /// The pattern as the merchant wrote it (trimmed), kept for display and JSON.
    text: String,
    /// What it means.
    kind: PatternKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum PatternKind {
    /// One postcode, normalized.
    Exact(String),
    /// A glob with `*` and `?`, normalized.
    Wildcard(String),
    /// An inclusive range, both ends normalized.
    Range { min: String, max: String },
}

impl PostcodePattern {
    /// Parses a pattern; an empty one, or a range with an empty end, is an error.
    pub fn parse(pattern: &str) -> Result<Self, Error> {
        let text = pattern.trim().replace('…', "...");
        let invalid = |why: &str| {
            Error::invalid_request(
                "postcode",
                format!("`{pattern}` is not a postcode pattern: {why}"),
            )
        };
        if text.is_empty() {
            return Err(invalid("it is empty"));
        }
        let kind = if let Some((min, max)) = text.split_once("...") {
            let (min, max) = (normalize_postcode(min), normalize_postcode(max));
            if min.is_empty() || max.is_empty() {
                return Err(invalid("a range needs both ends (`min...max`)"));
            }
            if min.contains(['*', '?', '.']) || max.contains(['*', '?', '.']) {
                return Err(invalid("range ends cannot hold wildcards"));
            }
            PatternKind::Range { min, max }
        } else {
            let norm = normalize_postcode(&text);
            if norm.is_empty() {
                return Err(invalid("it holds no characters"));
            }
            if norm.contains(['*', '?']) {
                PatternKind::Wildcard(norm)
            } else {
                PatternKind::Exact(norm)
            }
        };
        Ok(PostcodePattern { text, kind })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// How specific the pattern is, for breaking ties between ZIP zones: an exact code beats a
    /// range, which beats a wildcard.
    pub fn specificity(&self) -> u8 {
        match self.kind {
            PatternKind::Exact(_) => 2,
            PatternKind::Range { .. } => 1,
            PatternKind::Wildcard(_) => 0,
        }
    }

    /// Does the full postcode match? Case, spaces and hyphens are ignored.
    pub fn matches(&self, postcode: &str) -> bool {
        let code = normalize_postcode(postcode);
        if code.is_empty() {
            return false;
        }
        match &self.kind {
            PatternKind::Exact(p) => *p == code,
            PatternKind::Wildcard(p) => glob(p.as_bytes(), code.as_bytes(), false),
            PatternKind::Range { min, max } => in_range(min, max, &code),
        }
    }

    /// Could a full postcode that starts with `partial` match? Used for the truncated UK and
    /// Canadian postcodes digital wallets send while quoting.
    pub fn matches_prefix(&self, partial: &str) -> bool {
        let code = normalize_postcode(partial);
        if code.is_empty() {
            return false;
        }
        match &self.kind {
            PatternKind::Exact(p) => p.starts_with(&code),
            PatternKind::Wildcard(p) => glob(p.as_bytes(), code.as_bytes(), true),
            PatternKind::Range { min, max } => prefix_in_range(min, max, &code),
        }
    }
}

impl TryFrom<String> for PostcodePattern {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        PostcodePattern::parse(&s)
    }
}

impl From<PostcodePattern> for String {
    fn from(p: PostcodePattern) -> String {
        p.text
    }
}

impl fmt::Display for PostcodePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Is `postcode` (normalized) a partial code as wallets send it: a Canadian forward sortation
/// area (`K1A`) or a UK outward code (`SW1A`, `M1`)?
pub fn is_partial_postcode(country: &str, postcode: &str) -> bool {
    let code = normalize_postcode(postcode);
    let b = code.as_bytes();
    match country.trim().to_ascii_uppercase().as_str() {
        "CA" => {
            b.len() == 3
                && b[0].is_ascii_alphabetic()
                && b[1].is_ascii_digit()
                && b[2].is_ascii_alphabetic()
        }
        // A full UK postcode ends in an inward code of digit + two letters (5 to 7
        // characters in all); an outward code alone is 2 to 4 characters.
        "GB" | "UK" | "IM" | "JE" | "GG" => {
            (2..=4).contains(&b.len())
                && b[0].is_ascii_alphabetic()
                && b.iter().all(u8::is_ascii_alphanumeric)
        }
        _ => false,
    }
}

/// Glob match with `*` (zero or more) and `?` (exactly one). With `prefix`, the text only has
/// to be consumable by some prefix of the pattern (the rest can match whatever follows).
/// Iterative with backtracking on the last star: linear space, no recursion.
fn glob(pattern: &[u8], text: &[u8], prefix: bool) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    if prefix {
        return true;
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Compares two digit strings as non-negative integers of any length.
fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// WooCommerce's letter→digit conversion: two digits per character.
fn to_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => format!("0{c}"),
            'A'..='Z' => format!("{:02}", c as u32 - 'A' as u32 + 1),
            _ => "00".to_string(),
        })
        .collect()
}

fn pad_right(s: String, len: usize) -> String {
    if s.len() >= len {
        s
    } else {
        let mut s = s;
        s.extend(std::iter::repeat_n('0', len - s.len()));
        s
    }
}

fn in_range(min: &str, max: &str, code: &str) -> bool {
    if all_digits(min) && all_digits(max) {
        return all_digits(code)
            && cmp_digits(code, min) != Ordering::Less
            && cmp_digits(code, max) != Ordering::Greater;
    }
    // WooCommerce pads only the ends, to the code's length; an end *longer* than the code then
    // compares as a bigger number and the range over-matches (`K1...K1A` took `Z9`). Padding
    // all three to the longest and comparing fixed-width strings gives WooCommerce's answer
    // whenever the ends are no longer than the code, and the sensible one otherwise.
    let (code, min, max) = (to_digits(code), to_digits(min), to_digits(max));
    let width = code.len().max(min.len()).max(max.len());
    let (code, min, max) = (
        pad_right(code, width),
        pad_right(min, width),
        pad_right(max, width),
    );
    min <= code && code <= max
}

/// Some completion of `partial` lies in `[min, max]` iff the partial lies between the ends
/// cut to its length (comparing the converted, fixed-width digit strings).
fn prefix_in_range(min: &str, max: &str, partial: &str) -> bool {
    let code = to_digits(partial);
    let cut = |end: &str| -> String {
        let d = pad_right(to_digits(end), code.len());
        d[..code.len()].to_string()
    };
    let (min, max) = (cut(min), cut(max));
    code.as_str() >= min.as_str() && code.as_str() <= max.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PostcodePattern {
        PostcodePattern::parse(s).unwrap()
    }

    #[test]
    fn letters_convert_to_two_digits() {
        assert_eq!(to_digits("PE30"), "16050300");
    }

    #[test]
    fn glob_backtracks() {
        assert!(p("9*1").matches("90211"));
        assert!(p("*").matches("K1A0B1"));
        assert!(p("665?6").matches("66526"));
        assert!(!p("665?6").matches("665226"));
        assert!(p("SW1*").matches("SW1"));
        assert!(!p("SW1?*").matches("SW1"));
        assert!(p("SW1?*").matches_prefix("SW1"));
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(PostcodePattern::parse("  ").is_err());
        assert!(PostcodePattern::parse("...100").is_err());
        assert!(PostcodePattern::parse("1*...100").is_err());
    }
}
