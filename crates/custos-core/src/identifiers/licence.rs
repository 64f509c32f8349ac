//! DVLA driving licence number (Great Britain), 16 characters, e.g. `MORGA753116SM9IJ`.
//!
//! Structure (DVLA; Road Traffic Act 1988 licence format as described in DVLA guidance):
//! 1–5 the first five letters of the surname, padded with `9`; 6 the decade digit of the year of
//! birth; 7–8 the month of birth, with 5 added to the first digit for women (51–62); 9–10 the
//! day of birth; 11 the last digit of the year of birth; 12–13 the first two initials, padded with
//! `9`; 14 an arbitrary digit (usually 9); 15–16 two computer check characters. The two-digit
//! issue number printed after the licence number on the card is not part of it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{IdentifierError, compact_upper, string_identifier};

const KIND: &str = "driving licence number";

/// A GB driving licence number, upper case without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DrivingLicence(String);

string_identifier!(DrivingLicence);

fn invalid(reason: impl std::fmt::Display) -> IdentifierError {
    IdentifierError::invalid(KIND, reason)
}

fn digit(b: u8) -> u8 {
    b - b'0'
}

impl DrivingLicence {
    /// Parses a licence number in any case and spacing (`morga 753116 sm9ij`).
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        if !s.is_ascii() || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid("should contain only letters and digits"));
        }
        if s.len() == 18 && s.as_bytes()[16..].iter().all(u8::is_ascii_digit) {
            return Err(invalid(
                "should be 16 characters: leave out the 2-digit issue number printed after it",
            ));
        }
        if s.len() != 16 {
            return Err(invalid(format!(
                "should be 16 characters (this has {})",
                s.len()
            )));
        }
        let b = s.as_bytes();
        let surname = &b[0..5];
        let letters = surname
            .iter()
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        if letters == 0 || !surname[letters..].iter().all(|&c| c == b'9') {
            return Err(invalid(
                "should start with the first 5 letters of the surname, padded with 9",
            ));
        }
        if !b[5..11].iter().all(u8::is_ascii_digit) {
            return Err(invalid(
                "characters 6 to 11 should be digits of the date of birth",
            ));
        }
        let month_first = digit(b[6]);
        let month_first = if month_first >= 5 {
            month_first - 5
        } else {
            month_first
        };
        let month = month_first * 10 + digit(b[7]);
        if !(1..=12).contains(&month) {
            return Err(invalid(format!(
                "month of birth {month:02} is not a month (women's months are 51 to 62)"
            )));
        }
        let day = digit(b[8]) * 10 + digit(b[9]);
        let year_digits = digit(b[5]) * 10 + digit(b[10]);
        let max_day = match month {
            2 if year_digits.is_multiple_of(4) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day == 0 || day > max_day {
            return Err(invalid(format!(
                "day of birth {day:02} does not exist in month {month:02}"
            )));
        }
        if !b[11].is_ascii_uppercase() || !(b[12].is_ascii_uppercase() || b[12] == b'9') {
            return Err(invalid(
                "characters 12 and 13 should be initials (the second may be 9)",
            ));
        }
        if !b[13].is_ascii_digit() {
            return Err(invalid("character 14 should be a digit"));
        }
        Ok(Self(s))
    }

    /// Month and day of birth encoded in the number.
    pub fn month_day(&self) -> (i8, i8) {
        let b = self.0.as_bytes();
        let first = digit(b[6]) % 5;
        (
            (first * 10 + digit(b[7])) as i8,
            (digit(b[8]) * 10 + digit(b[9])) as i8,
        )
    }

    /// The last two digits of the year of birth.
    pub fn year_digits(&self) -> u8 {
        let b = self.0.as_bytes();
        digit(b[5]) * 10 + digit(b[10])
    }

    /// Whether the month is encoded with the +5 used for women.
    pub fn female_encoded(&self) -> bool {
        digit(self.0.as_bytes()[6]) >= 5
    }

    /// Whether `date` agrees with the date of birth encoded in the number (a useful matching hint).
    pub fn agrees_with_date_of_birth(&self, date: Date) -> bool {
        let (month, day) = self.month_day();
        date.month() == month
            && date.day() == day
            && i16::from(self.year_digits()) == date.year().rem_euclid(100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::identifiers::check_parse(DrivingLicence::parse, input, expected);
    }

    #[test]
    fn valid_numbers() {
        // The specimen number on DVLA's sample photocard (Sarah Meredyth Morgan, 11 March 1976).
        check("MORGA753116SM9IJ", Ok("MORGA753116SM9IJ"));
        check("morga 753116 sm9ij", Ok("MORGA753116SM9IJ"));
        check("LI999 802109J99AB", Ok("LI999802109J99AB"));
        check("SMITH702292JA9XY", Ok("SMITH702292JA9XY"));
    }

    #[test]
    fn refusals() {
        check("", Err("driving licence number is empty"));
        check(
            "MORGA753116SM9IJ35",
            Err(
                "driving licence number should be 16 characters: leave out the 2-digit issue number printed after it",
            ),
        );
        check(
            "MORGA753116SM9I",
            Err("driving licence number should be 16 characters (this has 15)"),
        );
        check(
            "MORGA-53116SM9IJ",
            Err("driving licence number should contain only letters and digits"),
        );
        check(
            "9ORGA753116SM9IJ",
            Err(
                "driving licence number should start with the first 5 letters of the surname, padded with 9",
            ),
        );
        check(
            "MO9GA753116SM9IJ",
            Err(
                "driving licence number should start with the first 5 letters of the surname, padded with 9",
            ),
        );
        check(
            "MORGA7X3116SM9IJ",
            Err("driving licence number characters 6 to 11 should be digits of the date of birth"),
        );
        check(
            "MORGA713116SM9IJ",
            Err(
                "driving licence number month of birth 13 is not a month (women's months are 51 to 62)",
            ),
        );
        check(
            "MORGA763116SM9IJ",
            Err(
                "driving licence number month of birth 13 is not a month (women's months are 51 to 62)",
            ),
        );
        check(
            "MORGA700116SM9IJ",
            Err(
                "driving licence number month of birth 00 is not a month (women's months are 51 to 62)",
            ),
        );
        check(
            "MORGA702306SM9IJ",
            Err("driving licence number day of birth 30 does not exist in month 02"),
        );
        check(
            "MORGA702297SM9IJ",
            Err("driving licence number day of birth 29 does not exist in month 02"),
        );
        check(
            "MORGA704316SM9IJ",
            Err("driving licence number day of birth 31 does not exist in month 04"),
        );
        check(
            "MORGA753006SM9IJ",
            Err("driving licence number day of birth 00 does not exist in month 03"),
        );
        check(
            "MORGA7531169M9IJ",
            Err(
                "driving licence number characters 12 and 13 should be initials (the second may be 9)",
            ),
        );
        check(
            "MORGA753116SMXIJ",
            Err("driving licence number character 14 should be a digit"),
        );
    }

    #[test]
    fn encoded_date_of_birth() {
        let l = DrivingLicence::parse("MORGA753116SM9IJ").unwrap();
        assert_eq!(l.month_day(), (3, 11));
        assert_eq!(l.year_digits(), 76);
        assert!(l.female_encoded());
        assert!(l.agrees_with_date_of_birth(jiff::civil::date(1976, 3, 11)));
        assert!(!l.agrees_with_date_of_birth(jiff::civil::date(1976, 11, 3)));
        assert!(
            !DrivingLicence::parse("SMITH702292JA9XY")
                .unwrap()
                .female_encoded()
        );
    }

    proptest! {
        #[test]
        fn generated_numbers_round_trip(
            surname in "[A-Z]{1,5}", dob in (1900i16..2020, 1i8..13, 1i8..29), female: bool,
            initials in "[A-Z][A-Z9]", spare in 0u8..10, check_chars in "[A-Z0-9]{2}",
        ) {
            let (year, month, day) = dob;
            let month_code = i32::from(month) + if female { 50 } else { 0 };
            let canonical = format!(
                "{surname:9<5}{}{month_code:02}{day:02}{}{initials}{spare}{check_chars}",
                (year / 10) % 10, year % 10,
            );
            let l = DrivingLicence::parse(&canonical.to_lowercase()).unwrap();
            prop_assert_eq!(l.as_str(), canonical.as_str());
            prop_assert!(l.agrees_with_date_of_birth(jiff::civil::date(year, month, day)));
            prop_assert_eq!(l.female_encoded(), female);
            prop_assert_eq!(DrivingLicence::parse(l.as_str()).unwrap(), l);
        }
    }
}
