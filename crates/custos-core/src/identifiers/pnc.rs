//! Police National Computer person identifier (PNC ID), canonical form `YYYY/NNNNNNNA`.
//!
//! Rule (CJSE data standards, "Police National Computer Id",
//! <https://www.criminaljusticehub.org.uk/jargon-buster/police-national-computer-id-pnc-id/>): the
//! 2-digit year followed by the serial zero-padded to 7 digits, read as one number, modulo 23,
//! gives the check letter (0 = Z, 1 = A, ... skipping I, O and S). The short display form
//! `YY/NNNNNNNA` suppresses the century and the serial's leading zeros. The same algorithm and
//! examples are used by the Ministry of Justice's `hmpps-person-record` (`PNCIdentifier.kt`).

use serde::{Deserialize, Serialize};

use super::{IdentifierError, compact_upper, digits_value, mod23_letter, string_identifier};

const KIND: &str = "PNC ID";
const SHAPE: &str = "should look like 2008/0056560Z or 08/56560Z (year / serial / check letter)";

/// A PNC ID in canonical long form, e.g. `2008/0056560Z`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PncId(String);

string_identifier!(PncId);

impl PncId {
    /// Parses `YYYY/NNNNNNNA`, `YY/NNNNNNNA` (serial with or without leading zeros) or the
    /// 12-character long form without the slash, in any case and spacing.
    ///
    /// A 2-digit year is read as 1970–1999 for 70–99 and 2000–2069 for 00–69: the PNC went live
    /// in 1974, so no person record carries an earlier year, and the pivot keeps parsing pure
    /// (no clock) until 2070.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        let (year_part, rest) = match s.split_once('/') {
            Some(parts) => parts,
            None if s.len() == 12 && s.is_ascii() => s.split_at(4),
            None => return Err(IdentifierError::invalid(KIND, SHAPE)),
        };
        let Some(found) = rest.chars().last().filter(char::is_ascii_alphabetic) else {
            return Err(IdentifierError::invalid(
                KIND,
                "should end with a check letter",
            ));
        };
        let serial_part = &rest[..rest.len() - found.len_utf8()];
        let year = match (year_part.len(), digits_value(year_part)) {
            (4, Some(y)) if (1900..=2099).contains(&y) => y,
            (4, Some(_)) => {
                return Err(IdentifierError::invalid(
                    KIND,
                    "year should be between 1900 and 2099",
                ));
            }
            (2, Some(y)) if y >= 70 => 1900 + y,
            (2, Some(y)) => 2000 + y,
            _ => {
                return Err(IdentifierError::invalid(
                    KIND,
                    "year should be 2 or 4 digits before the slash",
                ));
            }
        };
        let serial = match digits_value(serial_part) {
            Some(n) if serial_part.len() <= 7 => n,
            _ => {
                return Err(IdentifierError::invalid(
                    KIND,
                    "serial should be 1 to 7 digits after the slash",
                ));
            }
        };
        let expected = mod23_letter((year % 100) * 10_000_000 + serial);
        if found != expected {
            return Err(IdentifierError::CheckCharacter {
                kind: KIND,
                what: "letter",
                expected,
                found,
            });
        }
        Ok(Self(format!("{year:04}/{serial:07}{expected}")))
    }

    /// The 4-digit year the record was created.
    pub fn year(&self) -> u16 {
        self.0[..4].parse().unwrap_or_default()
    }

    /// The short display form `YY/NNNNNNNA` with the serial's leading zeros suppressed.
    pub fn short_form(&self) -> String {
        let serial = self.0[5..12].trim_start_matches('0');
        format!(
            "{}/{}{}",
            &self.0[2..4],
            if serial.is_empty() { "0" } else { serial },
            &self.0[12..]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::identifiers::check_parse(PncId::parse, input, expected);
    }

    #[test]
    fn published_examples() {
        // Valid IDs from hmpps-person-record `PNCIdentifierTest.kt` and `valid_pncs.csv`.
        for id in [
            "2008/0056560Z",
            "2001/0171310W",
            "2011/0275516Q",
            "2003/0062845E",
            "1981/0154257C",
            "1977/0205234B",
            "2024/0072788G",
            "1999/0044342D",
            "2020/0074062F",
        ] {
            check(id, Ok(id));
        }
    }

    #[test]
    fn short_and_compact_forms_normalise() {
        check("81/34U", Ok("1981/0000034U"));
        check("02/73319Z", Ok("2002/0073319Z"));
        check("00/223R", Ok("2000/0000223R"));
        check("79/163001B", Ok("1979/0163001B"));
        check("20030011985X", Ok("2003/0011985X"));
        check(" 2008 / 0056560z ", Ok("2008/0056560Z"));
    }

    #[test]
    fn failures_name_the_rule() {
        check("", Err("PNC ID is empty"));
        check(
            "2003/0011985Z",
            Err("PNC ID check letter should be X, not Z"),
        );
        check(
            "2001/0171310S",
            Err("PNC ID check letter should be W, not S"),
        );
        check(
            "TOTALLYINVALID",
            Err(
                "PNC ID should look like 2008/0056560Z or 08/56560Z (year / serial / check letter)",
            ),
        );
        check(
            "1X23/1234567A",
            Err("PNC ID year should be 2 or 4 digits before the slash"),
        );
        check(
            "1923/1Z34567A",
            Err("PNC ID serial should be 1 to 7 digits after the slash"),
        );
        check(
            "1923/12345678A",
            Err("PNC ID serial should be 1 to 7 digits after the slash"),
        );
        check("1923/1234567", Err("PNC ID should end with a check letter"));
        check(
            "2008/Z",
            Err("PNC ID serial should be 1 to 7 digits after the slash"),
        );
        check(
            "0273319Z",
            Err(
                "PNC ID should look like 2008/0056560Z or 08/56560Z (year / serial / check letter)",
            ),
        );
        check(
            "1850/0000001A",
            Err("PNC ID year should be between 1900 and 2099"),
        );
        check(
            "2008/0056560é",
            Err("PNC ID should end with a check letter"),
        );
    }

    #[test]
    fn accessors_and_serde() {
        let id = PncId::parse("2002/0073319Z").unwrap();
        assert_eq!(id.year(), 2002);
        assert_eq!(id.short_form(), "02/73319Z");
        assert_eq!(PncId::parse(&id.short_form()).unwrap(), id);
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"2002/0073319Z\"");
        assert_eq!(serde_json::from_str::<PncId>("\"02/73319z\"").unwrap(), id);
        assert!(serde_json::from_str::<PncId>("\"02/73319A\"").is_err());
    }

    proptest! {
        #[test]
        fn generated_ids_round_trip(year in 1970u64..2070, serial in 0u64..10_000_000) {
            let letter = mod23_letter((year % 100) * 10_000_000 + serial);
            let canonical = format!("{year}/{serial:07}{letter}");
            let id = PncId::parse(&canonical).unwrap();
            prop_assert_eq!(id.as_str(), canonical.as_str());
            prop_assert_eq!(PncId::parse(id.as_str()).unwrap(), id.clone());
            prop_assert_eq!(PncId::parse(&id.short_form()).unwrap(), id.clone());
            prop_assert_eq!(PncId::parse(&canonical.to_lowercase().replace('/', " / ")).unwrap(), id);
        }

        #[test]
        fn any_other_letter_is_refused(year in 1970u64..2070, serial in 0u64..10_000_000, wrong in 0u64..22) {
            let right = (year % 100) * 10_000_000 + serial;
            let letter = mod23_letter(right + 1 + wrong);
            let text = format!("{year}/{serial:07}{letter}");
            let is_check_error = matches!(PncId::parse(&text), Err(IdentifierError::CheckCharacter { .. }));
            prop_assert!(is_check_error);
        }
    }
}
