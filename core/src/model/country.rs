//! ISO 3166-1 alpha-2 country codes, and which countries use postal codes.

/// Every officially assigned ISO 3166-1 alpha-2 code.
const ISO_3166_ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// Countries with no postal code system (an empty postal code is fine there).
const WITHOUT_POSTAL_CODES: &str = "AE AG AO AQ AW BF BI BJ BO BQ BS BW BZ CD CF CG CI CK CM CW DJ DM ER FJ GA GD GH GM GQ GY HK HM KI KM KN KP LY ML MO MR MW NR NU QA RW SB SC SL SR SS ST SX SY TD TF TG TK TL TO TT TV UG VU YE ZW";

/// Is `code` in a space-separated list of two-letter codes? The lists are sorted, and each
/// entry sits at a fixed offset (three bytes apart), so this is a binary search without
/// allocating — it runs on every address of every quote.
fn in_code_list(list: &str, code: &str) -> bool {
    let (list, code) = (list.as_bytes(), code.as_bytes());
    if code.len() != 2 {
        return false;
    }
    let (mut lo, mut hi) = (0, list.len().div_ceil(3));
    while lo < hi {
        let mid = (lo + hi) / 2;
        match list[mid * 3..mid * 3 + 2].cmp(code) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Is `code` (upper case) an assigned ISO 3166-1 alpha-2 code?
pub fn is_iso_country(code: &str) -> bool {
    in_code_list(ISO_3166_ALPHA2, code)
}

/// Does the country (upper case ISO code) use postal codes?
pub fn uses_postal_codes(code: &str) -> bool {
    !in_code_list(WITHOUT_POSTAL_CODES, code)
}

/// Checks a postal code's shape for the countries whose format we know. Partial postcodes
/// (UK and Canada: the first three characters, as digital wallets send them) are accepted.
pub fn postal_code_shape_ok(country: &str, postal_code: &str) -> bool {
    // Postcodes are short and ASCII: normalized on the stack (this runs for every address of
    // every quote); anything else takes the long way, with the same result.
    let mut buffer = [0u8; 32];
    let mut len = 0;
    for byte in postal_code.bytes() {
        if !byte.is_ascii() || len == buffer.len() {
            return shape_ok(country, normalized(postal_code).as_bytes());
        }
        if !char::from(byte).is_whitespace() {
            buffer[len] = byte.to_ascii_uppercase();
            len += 1;
        }
    }
    shape_ok(country, &buffer[..len])
}

/// A postcode without whitespace, ASCII letters in upper case.
fn normalized(postal_code: &str) -> String {
    postal_code
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// [`postal_code_shape_ok`] of a postcode already [`normalized`].
fn shape_ok(country: &str, b: &[u8]) -> bool {
    let digit = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_digit());
    let alpha = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphabetic());
    match country {
        "US" | "PR" | "VI" | "GU" | "AS" | "MP" => {
            let digits = b.iter().filter(|&&c| c != b'-');
            let count = digits.clone().count();
            (count == 5 || count == 9) && digits.into_iter().all(|c| c.is_ascii_digit())
        }
        "CA" => {
            (b.len() == 3 || b.len() == 6)
                && alpha(0)
                && digit(1)
                && alpha(2)
                && (b.len() == 3 || (digit(3) && alpha(4) && digit(5)))
        }
        "GB" => {
            (2..=7).contains(&b.len()) && alpha(0) && b.iter().all(|c| c.is_ascii_alphanumeric())
        }
        "DE" | "FR" | "IT" | "ES" | "MX" => b.len() == 5 && b.iter().all(|c| c.is_ascii_digit()),
        "AU" | "AT" | "BE" | "CH" | "DK" | "NO" | "NZ" | "ZA" => {
            b.len() == 4 && b.iter().all(|c| c.is_ascii_digit())
        }
        _ => b.len() <= 12 && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode_shapes_agree_with_the_allocating_check() {
        let codes = [
            "90210",
            "90210-1234",
            " 9021 0 ",
            "902101234",
            "1-2-3-4-5-6-7-8-9",
            "9021",
            "k1a 0b1",
            "K1A",
            "K1A0B1X",
            "sw1a 1aa",
            "SW1A\u{a0}1AA",
            "SW1A\u{3000}1AA",
            "EC1A\t1BB",
            "10115",
            "1011",
            "2000",
            "ÄB12",
            "é",
            "",
            "   ",
            "\u{b}90210",
            "ABCDEFGHIJKLM",
            "ABCDEFGHIJKL",
            "A-1",
            "123456789012345678901234567890123",
            "1234567890123456789012345678901-",
            "90210\u{85}",
        ];
        for country in ["US", "PR", "CA", "GB", "DE", "AU", "JP", "BR"] {
            for code in codes {
                // The stack path against the allocating normalization, through the same rules.
                assert_eq!(
                    postal_code_shape_ok(country, code),
                    shape_ok(country, normalized(code).as_bytes()),
                    "{country} {code:?}"
                );
            }
        }
    }

    #[test]
    fn code_lists_are_sorted_and_evenly_spaced() {
        for list in [ISO_3166_ALPHA2, WITHOUT_POSTAL_CODES] {
            let codes: Vec<&str> = list.split(' ').collect();
            assert!(codes.iter().all(|c| c.len() == 2), "two letters each");
            assert!(
                codes.windows(2).all(|w| w[0] < w[1]),
                "sorted, no duplicates"
            );
            for c in &codes {
                assert!(in_code_list(list, c), "{c} found");
            }
        }
        assert_eq!(ISO_3166_ALPHA2.split(' ').count(), 249);
        for missing in ["AA", "ZZ", "A", "", "usa", "us"] {
            assert!(!is_iso_country(missing), "{missing}");
        }
    }

    #[test]
    fn knows_countries_and_postcodes() {
        assert!(is_iso_country("US"));
        assert!(is_iso_country("CA"));
        assert!(!is_iso_country("XX"));
        assert!(!is_iso_country("USA"));
        assert!(uses_postal_codes("US"));
        assert!(!uses_postal_codes("HK"));
        assert!(postal_code_shape_ok("US", "90210"));
        assert!(postal_code_shape_ok("US", "90210-1234"));
        assert!(!postal_code_shape_ok("US", "9021"));
        assert!(postal_code_shape_ok("CA", "K1A 0B1"));
        assert!(postal_code_shape_ok("CA", "K1A"));
        assert!(!postal_code_shape_ok("CA", "12345"));
        assert!(postal_code_shape_ok("GB", "SW1A 1AA"));
        assert!(postal_code_shape_ok("GB", "SW1"));
    }
}
