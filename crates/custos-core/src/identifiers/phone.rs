//! Telephone numbers in E.164 form (`+447700900123`).
//!
//! UK numbers may be written nationally (`07700 900123`), with `+44`, `0044` or `+44 (0)`; the
//! length is checked against the UK National Telephone Numbering Plan (Ofcom): numbers starting
//! 02, 03, 05, 07 and 09 have 10 digits after the 0; 01 has 9 or 10; 0800 has 9 or 10 (plus the
//! single 7-digit 0800 1111); other 08 numbers have 10; 04 and 06 are not in use. Other countries
//! must be written with `+` or `00` and a country code; ITU-T E.164 allows at most 15 digits, and
//! we require at least 8. Test numbers below are from Ofcom's ranges reserved for drama.

use serde::{Deserialize, Serialize};

use super::{IdentifierError, string_identifier};

const KIND: &str = "phone number";

/// A telephone number in E.164 form, e.g. `+447700900123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

string_identifier!(PhoneNumber);

fn invalid(reason: impl std::fmt::Display) -> IdentifierError {
    IdentifierError::invalid(KIND, reason)
}

impl PhoneNumber {
    /// Parses a UK number in national or international form, or any `+CC` international number.
    /// Spaces, hyphens, dots, brackets and a `(0)` after the country code are ignored.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let cleaned: String = input
            .replace("(0)", "")
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')')))
            .collect();
        if cleaned.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        let (international, digits) = if let Some(rest) = cleaned.strip_prefix('+') {
            (true, rest)
        } else if let Some(rest) = cleaned.strip_prefix("00") {
            (true, rest)
        } else if let Some(rest) = cleaned.strip_prefix('0') {
            (false, rest)
        } else {
            return Err(invalid(
                "should start with 0 (UK) or with + and a country code",
            ));
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                "should contain only digits after the + or leading 0",
            ));
        }
        if !international {
            return uk(digits);
        }
        if let Some(national) = digits.strip_prefix("44") {
            // "+44 07700…" is a common slip: drop the national 0 after the country code.
            return uk(national.strip_prefix('0').unwrap_or(national));
        }
        if digits.starts_with('0') {
            return Err(invalid("country code cannot start with 0"));
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(invalid(format!(
                "in international form should have 8 to 15 digits including the country code (this has {})",
                digits.len()
            )));
        }
        Ok(Self(format!("+{digits}")))
    }

    /// Whether this is a UK (+44) number.
    pub fn is_uk(&self) -> bool {
        self.0.starts_with("+44")
    }

    /// The UK national form (`07700900123`), or `None` for other countries.
    pub fn uk_national(&self) -> Option<String> {
        self.0.strip_prefix("+44").map(|n| format!("0{n}"))
    }
}

/// Checks a UK national significant number (the digits after the leading 0).
fn uk(nsn: &str) -> Result<PhoneNumber, IdentifierError> {
    let Some(first) = nsn.chars().next() else {
        return Err(invalid("is too short"));
    };
    let allowed: &[usize] = match first {
        '2' | '3' | '5' | '7' | '9' => &[10],
        '1' => &[9, 10],
        '8' if nsn == "8001111" => &[7],
        '8' if nsn.starts_with("800") => &[9, 10],
        '8' => &[10],
        _ => {
            return Err(invalid(format!(
                "cannot start 0{first}: UK numbers starting 00, 04 or 06 are not in use"
            )));
        }
    };
    if !allowed.contains(&nsn.len()) {
        let want = allowed
            .iter()
            .map(|n| (n + 1).to_string())
            .collect::<Vec<_>>()
            .join(" or ");
        return Err(invalid(format!(
            "starting 0{first} should have {want} digits including the 0 (this has {})",
            nsn.len() + 1
        )));
    }
    Ok(PhoneNumber(format!("+44{nsn}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::identifiers::check_parse(PhoneNumber::parse, input, expected);
    }

    #[test]
    fn uk_forms_normalise() {
        for input in [
            "07700 900123",
            "+44 7700 900123",
            "0044 7700 900123",
            "+44 (0)7700 900123",
            "+44 07700-900-123",
            "(07700) 900.123",
        ] {
            check(input, Ok("+447700900123"));
        }
        check("020 7946 0000", Ok("+442079460000"));
        check("0113 496 0000", Ok("+441134960000"));
        check("01632 960000", Ok("+441632960000"));
        check("016977 2345", Ok("+44169772345"));
        check("0808 157 0000", Ok("+448081570000"));
        check("0800 123 456", Ok("+44800123456"));
        check("0800 1111", Ok("+448001111"));
        check("0303 123 4567", Ok("+443031234567"));
    }

    #[test]
    fn uk_lengths_and_ranges() {
        check(
            "07700 90012",
            Err("phone number starting 07 should have 11 digits including the 0 (this has 10)"),
        );
        check(
            "07700 9001234",
            Err("phone number starting 07 should have 11 digits including the 0 (this has 12)"),
        );
        check(
            "0113 496 00",
            Err(
                "phone number starting 01 should have 10 or 11 digits including the 0 (this has 9)",
            ),
        );
        check(
            "0800 12345",
            Err(
                "phone number starting 08 should have 10 or 11 digits including the 0 (this has 9)",
            ),
        );
        check(
            "0845 123 456",
            Err("phone number starting 08 should have 11 digits including the 0 (this has 10)"),
        );
        check(
            "0412 345 6789",
            Err("phone number cannot start 04: UK numbers starting 00, 04 or 06 are not in use"),
        );
        check(
            "+44 6123 456789",
            Err("phone number cannot start 06: UK numbers starting 00, 04 or 06 are not in use"),
        );
        check(
            "0",
            Err("phone number should contain only digits after the + or leading 0"),
        );
        check("+44", Err("phone number is too short"));
    }

    #[test]
    fn international_numbers() {
        check("+33 1 23 45 67 89", Ok("+33123456789"));
        check("001 202 555 0100", Ok("+12025550100"));
        check("+353 1 234 5678", Ok("+35312345678"));
        check(
            "+1 234",
            Err(
                "phone number in international form should have 8 to 15 digits including the country code (this has 4)",
            ),
        );
        check(
            "+1234567890123456",
            Err(
                "phone number in international form should have 8 to 15 digits including the country code (this has 16)",
            ),
        );
        check(
            "+0123456789",
            Err("phone number country code cannot start with 0"),
        );
        check(
            "+33 1 23 45 67 8x",
            Err("phone number should contain only digits after the + or leading 0"),
        );
        check(
            "7700 900123",
            Err("phone number should start with 0 (UK) or with + and a country code"),
        );
        check("   ", Err("phone number is empty"));
    }

    #[test]
    fn accessors_and_serde() {
        let p = PhoneNumber::parse("07700 900123").unwrap();
        assert!(p.is_uk());
        assert_eq!(p.uk_national().as_deref(), Some("07700900123"));
        assert_eq!(
            PhoneNumber::parse("+33123456789").unwrap().uk_national(),
            None
        );
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"+447700900123\"");
        assert_eq!(
            serde_json::from_str::<PhoneNumber>("\"07700 900123\"").unwrap(),
            p
        );
        assert!(serde_json::from_str::<PhoneNumber>("\"07700\"").is_err());
    }

    proptest! {
        #[test]
        fn uk_mobiles_round_trip(n in 0u32..100_000_000, second in 1u8..10) {
            prop_assume!(second != 6);
            let national = format!("07{second}{n:08}");
            let p = PhoneNumber::parse(&national).unwrap();
            prop_assert_eq!(p.uk_national(), Some(national.clone()));
            prop_assert_eq!(PhoneNumber::parse(p.as_str()).unwrap(), p.clone());
            prop_assert_eq!(PhoneNumber::parse(&format!("0044 {}", &national[1..])).unwrap(), p);
        }

        #[test]
        fn international_round_trip(cc in 1u16..999, rest in "[0-9]{7,11}") {
            let e164 = format!("+{cc}{rest}");
            prop_assume!(!e164.starts_with("+44"));
            prop_assume!(e164.len() <= 16);
            let p = PhoneNumber::parse(&e164).unwrap();
            prop_assert_eq!(p.as_str(), e164.as_str());
            prop_assert_eq!(PhoneNumber::parse(p.as_str()).unwrap(), p);
        }
    }
}
