//! International Mobile Equipment Identity (IMEI): 14 digits (8-digit Type Allocation Code and
//! 6-digit serial) plus a Luhn check digit, 15 digits in all (3GPP TS 23.003 §6.2.1 and Annex B;
//! Luhn as in ISO/IEC 7812-1 Annex B). Spaces, hyphens and slashes are ignored on input.

use serde::{Deserialize, Serialize};

use super::{IdentifierError, string_identifier};

const KIND: &str = "IMEI";

/// A 15-digit IMEI with a valid check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Imei(String);

string_identifier!(Imei);

/// The Luhn check digit for `digits` (ASCII digits only).
pub(crate) fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl Imei {
    /// Parses 15 digits (separators allowed) and checks the Luhn digit.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '/')))
            .collect();
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentifierError::invalid(KIND, "should contain only digits"));
        }
        if s.len() != 15 {
            return Err(IdentifierError::invalid(
                KIND,
                format!("should be 15 digits (this has {})", s.len()),
            ));
        }
        let b = s.as_bytes();
        let expected = char::from(b'0' + luhn_check_digit(&b[..14]));
        let found = char::from(b[14]);
        if expected != found {
            return Err(IdentifierError::CheckCharacter {
                kind: KIND,
                what: "digit",
                expected,
                found,
            });
        }
        Ok(Self(s))
    }

    /// The Type Allocation Code: the first 8 digits, identifying the make and model.
    pub fn type_allocation_code(&self) -> &str {
        &self.0[..8]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::identifiers::check_parse(Imei::parse, input, expected);
    }

    #[test]
    fn published_examples() {
        // 3GPP TS 23.003 Annex B.3 worked example (14 digits 26 053179 311383, check digit 7).
        check("26 053179 311383 7", Ok("260531793113837"));
        // Worked example in the GoIP gateway manual (35 780502 398494, check digit 2).
        check("35-780502-398494-2", Ok("357805023984942"));
        // Wikipedia "International Mobile Equipment Identity" Luhn example.
        check("490154203237518", Ok("490154203237518"));
    }

    #[test]
    fn refusals() {
        check(
            "490154203237519",
            Err("IMEI check digit should be 8, not 9"),
        );
        check(
            "260531793113830",
            Err("IMEI check digit should be 7, not 0"),
        );
        check(
            "49015420323751",
            Err("IMEI should be 15 digits (this has 14)"),
        );
        check(
            "4901542032375180",
            Err("IMEI should be 15 digits (this has 16)"),
        );
        check("49015420323751X", Err("IMEI should contain only digits"));
        check(" ", Err("IMEI is empty"));
        assert!(serde_json::from_str::<Imei>("\"490154203237519\"").is_err());
        assert_eq!(
            Imei::parse("490154203237518")
                .unwrap()
                .type_allocation_code(),
            "49015420"
        );
    }

    proptest! {
        #[test]
        fn generated_imeis_round_trip(body in "[0-9]{14}") {
            let cd = luhn_check_digit(body.as_bytes());
            let text = format!("{body}{cd}");
            let imei = Imei::parse(&format!("{} {}", &text[..8], &text[8..])).unwrap();
            prop_assert_eq!(imei.as_str(), text.as_str());
            prop_assert_eq!(Imei::parse(imei.as_str()).unwrap(), imei);
            let wrong = format!("{body}{}", (cd + 1) % 10);
            prop_assert!(Imei::parse(&wrong).is_err());
        }
    }
}
