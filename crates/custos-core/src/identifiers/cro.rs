//! Criminal Records Office number (CRO number): `NNNNNN/YYA`, or the fingerprint form `SFYY/NNNNNA`
//! allocated from late 1998 by NAFIS (CJSE data standards, "Criminal Records Office Number").
//!
//! Check letter: the same modulus-23 alphabet as the PNC ID. For the standard form the number is
//! the 2-digit year followed by the serial zero-padded to 6 digits (as in the Ministry of Justice's
//! `hmpps-person-record` `CROIdentifier.kt`). For the SF form the serial is zero-padded to
//! at least **5** digits: that is the only padding consistent with every 4-digit SF example in
//! `hmpps-person-record`'s `valid_cros.csv` (`SF83/4661E`, `SF93/2294N`, `SF94/2867G`,
//! `SF94/5431U`) and agrees with all 5- and 6-digit ones; `hmpps-person-record`'s own code does not
//! pad and would reject those four. This is our inference from published examples, not a
//! published rule; it is tested below so a contrary source would show up as a failing example.

use serde::{Deserialize, Serialize};

use super::{IdentifierError, compact_upper, digits_value, mod23_letter, string_identifier};

const KIND: &str = "CRO number";
const SHAPE: &str = "should look like 265416/21G (serial / year and check letter) or SF05/482703J";

/// A CRO number in canonical form: `NNNNNN/YYA` (serial zero-padded to 6 digits) or
/// `SFYY/NA` (serial without leading zeros).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CroNumber(String);

string_identifier!(CroNumber);

impl CroNumber {
    /// Parses either form in any case and spacing (`sf 05 / 482703 j` is accepted).
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        let Some(found) = s.chars().last().filter(char::is_ascii_alphabetic) else {
            return Err(IdentifierError::invalid(
                KIND,
                "should end with a check letter",
            ));
        };
        let body = &s[..s.len() - 1];
        let Some((left, right)) = body.split_once('/') else {
            return Err(IdentifierError::invalid(KIND, SHAPE));
        };
        if let Some(year_text) = left.strip_prefix("SF") {
            let year = two_digit_year(year_text)?;
            let serial = serial(right, 6)?;
            let expected = mod23_letter(sf_check_number(year, serial));
            check(found, expected)?;
            Ok(Self(format!("SF{year:02}/{serial}{expected}")))
        } else {
            let serial = serial(left, 6)?;
            let year = two_digit_year(right)?;
            let expected = mod23_letter(year * 1_000_000 + serial);
            check(found, expected)?;
            Ok(Self(format!("{serial:06}/{year:02}{expected}")))
        }
    }

    /// Whether this is a fingerprint (`SF`) CRO number.
    pub fn is_fingerprint_form(&self) -> bool {
        self.0.starts_with("SF")
    }
}

/// Year digits followed by the serial zero-padded to at least 5 digits, as one number.
fn sf_check_number(year: u64, serial: u64) -> u64 {
    let width = if serial >= 100_000 {
        1_000_000
    } else {
        100_000
    };
    year * width + serial
}

fn two_digit_year(text: &str) -> Result<u64, IdentifierError> {
    match digits_value(text) {
        Some(y) if text.len() == 2 => Ok(y),
        _ => Err(IdentifierError::invalid(
            KIND,
            "year should be exactly 2 digits",
        )),
    }
}

fn serial(text: &str, max_digits: usize) -> Result<u64, IdentifierError> {
    match digits_value(text) {
        Some(n) if text.len() <= max_digits && n > 0 => Ok(n),
        Some(0) => Err(IdentifierError::invalid(KIND, "serial cannot be zero")),
        _ => Err(IdentifierError::invalid(
            KIND,
            format!("serial should be 1 to {max_digits} digits"),
        )),
    }
}

fn check(found: char, expected: char) -> Result<(), IdentifierError> {
    if found == expected {
        Ok(())
    } else {
        Err(IdentifierError::CheckCharacter {
            kind: KIND,
            what: "letter",
            expected,
            found,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::identifiers::check_parse(CroNumber::parse, input, expected);
    }

    #[test]
    fn published_standard_examples() {
        // From hmpps-person-record `CROIdentifierTest.kt` and `valid_cros.csv`.
        check("265416/21G", Ok("265416/21G"));
        check("65656/91H", Ok("065656/91H"));
        check("826/65W", Ok("000826/65W"));
        check("742031/07A", Ok("742031/07A"));
        check("14450/12J", Ok("014450/12J"));
        check("42400/52A", Ok("042400/52A"));
        check("046960/58W", Ok("046960/58W"));
    }

    #[test]
    fn published_fingerprint_examples() {
        check("SF05/482703J", Ok("SF05/482703J"));
        check("SF83/50058Z", Ok("SF83/50058Z"));
        check("SF74/27111W", Ok("SF74/27111W"));
        // 4-digit serials: valid only with the serial padded to 5 digits.
        check("SF83/4661E", Ok("SF83/4661E"));
        check("SF93/2294N", Ok("SF93/2294N"));
        check("SF94/2867G", Ok("SF94/2867G"));
        check("sf 94 / 5431 u", Ok("SF94/5431U"));
        check("SF94/05431U", Ok("SF94/5431U"));
    }

    #[test]
    fn failures_name_the_rule() {
        check("", Err("CRO number is empty"));
        // hmpps-person-record's "invalid id" example.
        check(
            "85227/65G",
            Err("CRO number check letter should be L, not G"),
        );
        check(
            "SF05/482703K",
            Err("CRO number check letter should be J, not K"),
        );
        check(
            "1234567/21A",
            Err("CRO number serial should be 1 to 6 digits"),
        );
        check("0/21Z", Err("CRO number serial cannot be zero"));
        check(
            "265416/2G",
            Err("CRO number year should be exactly 2 digits"),
        );
        check(
            "265416-21G",
            Err(
                "CRO number should look like 265416/21G (serial / year and check letter) or SF05/482703J",
            ),
        );
        check(
            "265416/21",
            Err("CRO number should end with a check letter"),
        );
        check("SFX5/1A", Err("CRO number year should be exactly 2 digits"));
    }

    #[test]
    fn serde_and_form() {
        let c: CroNumber = serde_json::from_str("\"65656/91h\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"065656/91H\"");
        assert!(!c.is_fingerprint_form());
        assert!(
            CroNumber::parse("SF83/4661E")
                .unwrap()
                .is_fingerprint_form()
        );
        assert!(serde_json::from_str::<CroNumber>("\"65656/91J\"").is_err());
    }

    proptest! {
        #[test]
        fn standard_round_trip(serial in 1u64..1_000_000, year in 0u64..100) {
            let letter = mod23_letter(year * 1_000_000 + serial);
            let canonical = format!("{serial:06}/{year:02}{letter}");
            let cro = CroNumber::parse(&format!("{serial}/{year:02}{}", letter.to_ascii_lowercase())).unwrap();
            prop_assert_eq!(cro.as_str(), canonical.as_str());
            prop_assert_eq!(CroNumber::parse(cro.as_str()).unwrap(), cro);
        }

        #[test]
        fn fingerprint_round_trip(serial in 1u64..1_000_000, year in 0u64..100) {
            let letter = mod23_letter(sf_check_number(year, serial));
            let canonical = format!("SF{year:02}/{serial}{letter}");
            let cro = CroNumber::parse(&format!("SF {year:02}/{serial:05} {letter}")).unwrap();
            prop_assert_eq!(cro.as_str(), canonical.as_str());
            prop_assert_eq!(CroNumber::parse(cro.as_str()).unwrap(), cro);
        }
    }
}
