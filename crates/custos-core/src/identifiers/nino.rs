//! National Insurance number (NINO), e.g. `QQ123456A`.
//!
//! Rules from HMRC's National Insurance Manual NIM39110 "What a NINO looks like"
//! (<https://www.gov.uk/hmrc-internal-manuals/national-insurance-manual/nim39110>): two prefix
//! letters, six digits and a suffix that is always A, B, C or D; D, F, I, Q, U and V are not used
//! as either prefix letter; O is not used as the second; the prefixes BG, GB, KN, NK, NT, TN and
//! ZZ are not allocated. NIM39110's own example `QQ 12 34 56 A` is deliberately invalid.

use serde::{Deserialize, Serialize};

use super::{IdentifierError, compact_upper, string_identifier};

const KIND: &str = "National Insurance number";
const NOT_EITHER: &str = "DFIQUV";
const UNALLOCATED: [&str; 7] = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];

/// A National Insurance number, normalised to upper case without spaces (`AB123456C`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NiNumber(String);

string_identifier!(NiNumber);

impl NiNumber {
    /// Parses a NINO in any case, with or without spaces (`ab 12 34 56 c`).
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 9 {
            return Err(IdentifierError::invalid(
                KIND,
                format!(
                    "should be 2 letters, 6 digits and a letter, like AB123456C (this has {} characters)",
                    chars.len()
                ),
            ));
        }
        let (first, second) = (chars[0], chars[1]);
        if !first.is_ascii_uppercase() || !second.is_ascii_uppercase() {
            return Err(IdentifierError::invalid(
                KIND,
                "should start with 2 letters",
            ));
        }
        if NOT_EITHER.contains(first) {
            return Err(IdentifierError::invalid(
                KIND,
                format!("cannot start with {first}: D, F, I, Q, U and V are not used"),
            ));
        }
        if NOT_EITHER.contains(second) || second == 'O' {
            return Err(IdentifierError::invalid(
                KIND,
                format!(
                    "cannot have {second} as its second letter: D, F, I, O, Q, U and V are not used there"
                ),
            ));
        }
        let prefix = &s[..2];
        if UNALLOCATED.contains(&prefix) {
            return Err(IdentifierError::invalid(
                KIND,
                format!("prefix {prefix} is not allocated"),
            ));
        }
        if !chars[2..8].iter().all(char::is_ascii_digit) {
            return Err(IdentifierError::invalid(
                KIND,
                "should have 6 digits after the 2 prefix letters",
            ));
        }
        if !matches!(chars[8], 'A'..='D') {
            return Err(IdentifierError::invalid(
                KIND,
                format!("should end with A, B, C or D, not {}", chars[8]),
            ));
        }
        Ok(Self(s))
    }

    /// The number written in the usual pairs: `AB 12 34 56 C`.
    pub fn spaced(&self) -> String {
        let s = &self.0;
        format!(
            "{} {} {} {} {}",
            &s[0..2],
            &s[2..4],
            &s[4..6],
            &s[6..8],
            &s[8..9]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::identifiers::check_parse(NiNumber::parse, input, expected);
    }

    #[test]
    fn valid_numbers_normalise() {
        check("AB123456C", Ok("AB123456C"));
        check("ab 12 34 56 c", Ok("AB123456C"));
        check("JG103759A", Ok("JG103759A"));
        check("CE 00 00 00 D", Ok("CE000000D"));
    }

    #[test]
    fn nim39110_rules() {
        // NIM39110's own example number is not valid: Q is never a prefix letter.
        check(
            "QQ 12 34 56 A",
            Err("National Insurance number cannot start with Q: D, F, I, Q, U and V are not used"),
        );
        check(
            "DA123456A",
            Err("National Insurance number cannot start with D: D, F, I, Q, U and V are not used"),
        );
        check(
            "AV123456A",
            Err(
                "National Insurance number cannot have V as its second letter: D, F, I, O, Q, U and V are not used there",
            ),
        );
        check(
            "AO123456A",
            Err(
                "National Insurance number cannot have O as its second letter: D, F, I, O, Q, U and V are not used there",
            ),
        );
        for prefix in UNALLOCATED {
            check(
                &format!("{prefix}123456A"),
                Err(&format!(
                    "National Insurance number prefix {prefix} is not allocated"
                )),
            );
        }
        check(
            "AB123456E",
            Err("National Insurance number should end with A, B, C or D, not E"),
        );
        check(
            "AB12345XC",
            Err("National Insurance number should have 6 digits after the 2 prefix letters"),
        );
        check(
            "1B123456C",
            Err("National Insurance number should start with 2 letters"),
        );
        check(
            "AB123456",
            Err(
                "National Insurance number should be 2 letters, 6 digits and a letter, like AB123456C (this has 8 characters)",
            ),
        );
        check("  ", Err("National Insurance number is empty"));
        check(
            "ÅB123456C",
            Err("National Insurance number should start with 2 letters"),
        );
    }

    #[test]
    fn spaced_form() {
        assert_eq!(
            NiNumber::parse("ab123456c").unwrap().spaced(),
            "AB 12 34 56 C"
        );
    }

    fn allowed_first() -> impl Strategy<Value = char> {
        proptest::sample::select(
            ('A'..='Z')
                .filter(|c| !NOT_EITHER.contains(*c))
                .collect::<Vec<_>>(),
        )
    }
    fn allowed_second() -> impl Strategy<Value = char> {
        proptest::sample::select(
            ('A'..='Z')
                .filter(|c| !NOT_EITHER.contains(*c) && *c != 'O')
                .collect::<Vec<_>>(),
        )
    }

    proptest! {
        #[test]
        fn generated_numbers_round_trip(a in allowed_first(), b in allowed_second(), n in 0u32..1_000_000, suffix in proptest::sample::select(vec!['A', 'B', 'C', 'D'])) {
            let text = format!("{a}{b}{n:06}{suffix}");
            prop_assume!(!UNALLOCATED.contains(&&text[..2]));
            let nino = NiNumber::parse(&text.to_lowercase()).unwrap();
            prop_assert_eq!(nino.as_str(), text.as_str());
            prop_assert_eq!(NiNumber::parse(&nino.spaced()).unwrap(), nino);
        }
    }
}
