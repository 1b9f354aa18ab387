//! Postcode patterns (docs/bigcommerce.md): exact, `*`, `?`, `a...b` ranges, partial codes.

use shipmux_core::rules::{PostcodePattern, is_partial_postcode};

fn pattern(text: &str) -> PostcodePattern {
    PostcodePattern::parse(text).unwrap_or_else(|e| panic!("`{text}` should parse: {e}"))
}

#[test]
fn full_postcodes_match_patterns_as_the_table_says() {
    // (pattern, postcode, matches?)
    let table = [
        // exact, ignoring case, spaces and hyphens
        ("90210", "90210", true),
        ("90210", "90211", false),
        ("SW1A 1AA", "sw1a1aa", true),
        ("K1A 0B1", "K1A-0B1", true),
        // `*`: zero or more characters (WooCommerce: `90210*` and `*` match 90210)
        ("902*", "90210", true),
        ("90210*", "90210", true),
        ("*", "90210", true),
        ("9021*", "90310", false),
        ("665*", "66502", true),
        ("SW1*", "SW1A 1AA", true),
        // `?`: exactly one character, letters too (BigCommerce `665?6`)
        ("665?6", "66546", true),
        ("665?6", "6656", false),
        ("665?6", "665446", false),
        ("K?A*", "K1A 0B1", true),
        // numeric ranges compare as numbers, inclusive at both ends
        ("90000...90299", "90000", true),
        ("90000...90299", "90299", true),
        ("90000...90299", "90210", true),
        ("90000...90299", "90300", false),
        ("90000...90299", "89999", false),
        ("2000...2999", "3000", false),
        ("2000…2999", "2500", true), // Unicode ellipsis is a range too
        // a numeric range never matches a postcode with letters
        ("1000...2000", "AB12", false),
        // letter ranges: every character to two digits, ends padded to the postcode's length
        ("PE1...PE35", "PE30 1AA", true),
        ("PE1...PE35", "PE36 1AA", false),
        ("PE1...PE35", "PD9 9ZZ", false),
        ("AA1...AA9", "AA5", true),
    ];
    for (p, code, expected) in table {
        assert_eq!(
            pattern(p).matches(code),
            expected,
            "pattern `{p}` against `{code}`"
        );
    }
}

#[test]
fn partial_postcodes_match_when_some_full_postcode_could() {
    let table = [
        // (pattern, partial postcode, could match?)
        ("K1A*", "K1A", true),
        ("K1A 0B1", "K1A", true),
        ("K1B 0B1", "K1A", false),
        ("K?A*", "K1A", true),
        ("SW1A 1AA", "SW1A", true),
        ("SW1A?AA", "SW1A", true),
        ("M1 1AE", "SW1A", false),
        ("PE1...PE35", "PE3", true),
        ("PE10...PE35", "PE9", false),
    ];
    for (p, partial, expected) in table {
        assert_eq!(
            pattern(p).matches_prefix(partial),
            expected,
            "pattern `{p}` against partial `{partial}`"
        );
    }
}

#[test]
fn only_uk_and_canadian_outward_codes_are_partial() {
    assert!(is_partial_postcode("CA", "K1A"));
    assert!(!is_partial_postcode("CA", "K1A 0B1"));
    assert!(is_partial_postcode("GB", "SW1A"));
    assert!(is_partial_postcode("GB", "M1"));
    assert!(!is_partial_postcode("GB", "SW1A 1AA"));
    assert!(!is_partial_postcode("US", "902"));
}

#[test]
fn patterns_keep_their_text_in_json() {
    let p: PostcodePattern = serde_json::from_str(r#"" 902* ""#).unwrap();
    assert_eq!(serde_json::to_string(&p).unwrap(), r#""902*""#);
    assert!(serde_json::from_str::<PostcodePattern>(r#""""#).is_err());
    assert!(serde_json::from_str::<PostcodePattern>(r#""100...""#).is_err());
}

#[test]
fn exact_beats_range_beats_wildcard() {
    assert!(pattern("90210").specificity() > pattern("90000...90299").specificity());
    assert!(pattern("90000...90299").specificity() > pattern("902*").specificity());
}
