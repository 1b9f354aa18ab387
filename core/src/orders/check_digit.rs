//! The check-digit algorithms carriers put at the end (or middle) of their tracking numbers.
//!
//! Each function takes the data characters the check digit covers and returns the digit they
//! call for, or `None` when a character is outside the algorithm's alphabet. Which characters a
//! format covers is decided in [`tracking_number`](super::tracking_number); here is only the
//! arithmetic, as described by the community tracking-number data every carrier library uses.

/// UPS "mod 10": digits count as themselves and letters as `(ASCII − 3) mod 10` (A = 2, B = 3,
/// …); every second character from the left is doubled (no digit splitting, unlike Luhn); the
/// check digit brings the sum up to a multiple of ten.
pub fn ups_mod10(data: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, b) in data.bytes().enumerate() {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => (u32::from(b) - 3) % 10,
            _ => return None,
        };
        sum += if i % 2 == 1 { value * 2 } else { value };
    }
    Some(ten_complement(sum))
}

/// GS1 mod 10 (UCC/EAN, IMpb, SSCC, Canada Post PINs, FedEx Ground): from the rightmost data
/// digit leftwards the weights are 3, 1, 3, 1, …; the check digit brings the sum up to a
/// multiple of ten.
pub fn gs1_mod10(data: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, b) in data.bytes().rev().enumerate() {
        let digit = digit(b)?;
        sum += if i % 2 == 0 { digit * 3 } else { digit };
    }
    Some(ten_complement(sum))
}

/// FedEx Express mod 11: from the rightmost data digit leftwards the weights are 1, 3, 7, 1, 3,
/// 7, …; the check digit is the sum mod 11, then mod 10 (a remainder of 10 gives 0).
pub fn fedex_mod11(data: &str) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [1, 3, 7];
    let mut sum = 0u32;
    for (i, b) in data.bytes().rev().enumerate() {
        sum += digit(b)? * WEIGHTS[i % 3];
    }
    Some((sum % 11 % 10) as u8)
}

/// UPU S10 mod 11 over the eight serial digits, weighted 8, 6, 4, 2, 3, 5, 9, 7: the check
/// digit is 11 − (sum mod 11), where 10 becomes 0 and 11 becomes 5.
pub fn s10_mod11(serial: &str) -> Option<u8> {
    const WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];
    if serial.len() != WEIGHTS.len() {
        return None;
    }
    let mut sum = 0u32;
    for (b, w) in serial.bytes().zip(WEIGHTS) {
        sum += digit(b)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        d => d as u8,
    })
}

fn digit(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

fn ten_complement(sum: u32) -> u8 {
    ((10 - sum % 10) % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs1_weights_start_with_three_at_the_right() {
        // 3·1 = 3 → 7; 3·1 + 1·2 = 5 → 5.
        assert_eq!(gs1_mod10("1"), Some(7));
        assert_eq!(gs1_mod10("21"), Some(5));
        assert_eq!(gs1_mod10("2A"), None);
    }

    #[test]
    fn ups_letters_count_as_ascii_minus_three() {
        // A = 2, B = 3 doubled: 2 + 6 = 8 → 2.
        assert_eq!(ups_mod10("AB"), Some(2));
        assert_eq!(ups_mod10("a"), None);
    }

    #[test]
    fn fedex_mod11_weights_one_three_seven_from_the_right() {
        assert_eq!(fedex_mod11("1"), Some(1));
        // 1·1 + 1·3 = 4.
        assert_eq!(fedex_mod11("11"), Some(4));
        // 9·7 = 63, 63 mod 11 = 8.
        assert_eq!(fedex_mod11("900"), Some(8));
        // 0·1 + 7·3 = 21, 21 mod 11 = 10, 10 mod 10 = 0.
        assert_eq!(fedex_mod11("70"), Some(0));
    }

    #[test]
    fn s10_turns_ten_into_zero_and_eleven_into_five() {
        // 1·8 = 8 → 11 − 8 = 3.
        assert_eq!(s10_mod11("10000000"), Some(3));
        // 3·4 = 12, remainder 1 → 10 → 0.
        assert_eq!(s10_mod11("00300000"), Some(0));
        // 1·2 + 1·9 = 11, remainder 0 → 11 → 5.
        assert_eq!(s10_mod11("00010010"), Some(5));
        assert_eq!(s10_mod11("0030000"), None);
    }
}
