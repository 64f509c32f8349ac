//! UK postcode, normalised to upper case with one space (`SW1A 1AA`).
//!
//! Format rules from Royal Mail's postcode format guidance (reproduced by the Market Research
//! Society, <https://www.mrs.org.uk/pdf/postcodeformat.pdf>, and in BS 7666): outward code A9,
//! A99, AA9, AA99, A9A or AA9A; inward code 9AA. Q, V and X are not used in the first position;
//! I, J and Z not in the second; only A B C D E F G H J K S T U W in the third (A9A) — we also
//! accept P there, used by the later non-geographic district N1P; only A B E H M N P R V W X Y in
//! the fourth (AA9A); the inward letters never use C I K M O V. The special postcode GIR 0AA is
//! also accepted. A well-formed postcode may still not exist: that
//! needs the Postcode Address File, which this pure crate does not hold.

use serde::{Deserialize, Serialize};

use super::{IdentifierError, compact_upper, string_identifier};

const KIND: &str = "postcode";
const SHAPE: &str = "should look like SW1A 1AA, M1 1AE or B33 8TH";

/// A UK postcode such as `SW1A 1AA`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

string_identifier!(Postcode);

impl Postcode {
    /// Parses a postcode in any case, with any spacing (`sw1a1aa`, ` SW1A  1AA `).
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        if !s.is_ascii() || !(5..=7).contains(&s.len()) {
            return Err(IdentifierError::invalid(KIND, SHAPE));
        }
        let (outward, inward) = s.split_at(s.len() - 3);
        if s == "GIR0AA" {
            return Ok(Self("GIR 0AA".to_owned()));
        }
        check_inward(inward)?;
        check_outward(outward)?;
        Ok(Self(format!("{outward} {inward}")))
    }

    /// The outward code, e.g. `SW1A`.
    pub fn outward(&self) -> &str {
        self.0.split_once(' ').map_or(&self.0[..], |(o, _)| o)
    }

    /// The inward code, e.g. `1AA`.
    pub fn inward(&self) -> &str {
        self.0.split_once(' ').map_or("", |(_, i)| i)
    }

    /// The postcode area: the leading letters, e.g. `SW`.
    pub fn area(&self) -> &str {
        let outward = self.outward();
        let end = outward
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(outward.len());
        &outward[..end]
    }

    /// The postcode district: the outward code, e.g. `SW1A`.
    pub fn district(&self) -> &str {
        self.outward()
    }

    /// The postcode sector: outward code, a space and the inward digit, e.g. `SW1A 1`.
    pub fn sector(&self) -> &str {
        &self.0[..self.0.len() - 2]
    }
}

fn check_inward(inward: &str) -> Result<(), IdentifierError> {
    let b = inward.as_bytes();
    if !(b[0].is_ascii_digit() && b[1].is_ascii_uppercase() && b[2].is_ascii_uppercase()) {
        return Err(IdentifierError::invalid(
            KIND,
            "should end with a digit and 2 letters, like 1AA",
        ));
    }
    if let Some(&bad) = b[1..].iter().find(|c| b"CIKMOV".contains(c)) {
        return Err(IdentifierError::invalid(
            KIND,
            format!(
                "cannot use {} in its last 2 letters (C, I, K, M, O and V are never used)",
                char::from(bad)
            ),
        ));
    }
    Ok(())
}

fn check_outward(outward: &str) -> Result<(), IdentifierError> {
    // Shape as a pattern of A (letter) and 9 (digit).
    let pattern: String = outward
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '9'
            } else if c.is_ascii_uppercase() {
                'A'
            } else {
                '?'
            }
        })
        .collect();
    let b = outward.as_bytes();
    if !matches!(
        pattern.as_str(),
        "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A"
    ) {
        return Err(IdentifierError::invalid(KIND, SHAPE));
    }
    let letter = |i: usize| char::from(b[i]);
    if b"QVX".contains(&b[0]) {
        return Err(IdentifierError::invalid(
            KIND,
            format!(
                "cannot start with {} (Q, V and X are not used first)",
                letter(0)
            ),
        ));
    }
    if pattern.starts_with("AA") && b"IJZ".contains(&b[1]) {
        return Err(IdentifierError::invalid(
            KIND,
            format!(
                "cannot have {} as its second letter (I, J and Z are not used there)",
                letter(1)
            ),
        ));
    }
    if pattern == "A9A" && !b"ABCDEFGHJKPSTUW".contains(&b[2]) {
        return Err(IdentifierError::invalid(
            KIND,
            format!(
                "cannot end its first half with {} (only A B C D E F G H J K P S T U W are used there)",
                letter(2)
            ),
        ));
    }
    if pattern == "AA9A" && !b"ABEHMNPRVWXY".contains(&b[3]) {
        return Err(IdentifierError::invalid(
            KIND,
            format!(
                "cannot end its first half with {} (only A B E H M N P R V W X Y are used there)",
                letter(3)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::identifiers::check_parse(Postcode::parse, input, expected);
    }

    #[test]
    fn every_official_format() {
        // The example of each format in Royal Mail's guidance.
        check("M1 1AA", Ok("M1 1AA"));
        check("M60 1NW", Ok("M60 1NW"));
        check("CR2 6XH", Ok("CR2 6XH"));
        check("DN55 1PT", Ok("DN55 1PT"));
        check("W1A 1HQ", Ok("W1A 1HQ"));
        check("EC1A 1BB", Ok("EC1A 1BB"));
        check("GIR 0AA", Ok("GIR 0AA"));
        check("gir0aa", Ok("GIR 0AA"));
        check("  sw1a1aa ", Ok("SW1A 1AA"));
        check("n1p 1aa", Ok("N1P 1AA"));
    }

    #[test]
    fn letter_restrictions() {
        check(
            "QA1 1AA",
            Err("postcode cannot start with Q (Q, V and X are not used first)"),
        );
        check(
            "AJ1 1AA",
            Err("postcode cannot have J as its second letter (I, J and Z are not used there)"),
        );
        check(
            "W1L 1AA",
            Err(
                "postcode cannot end its first half with L (only A B C D E F G H J K P S T U W are used there)",
            ),
        );
        check(
            "EC1C 1BB",
            Err(
                "postcode cannot end its first half with C (only A B E H M N P R V W X Y are used there)",
            ),
        );
        check(
            "SW1A 1AC",
            Err("postcode cannot use C in its last 2 letters (C, I, K, M, O and V are never used)"),
        );
        check(
            "SW1A 1OA",
            Err("postcode cannot use O in its last 2 letters (C, I, K, M, O and V are never used)"),
        );
    }

    #[test]
    fn shape_errors() {
        check("", Err("postcode is empty"));
        check(
            "SW1A",
            Err("postcode should look like SW1A 1AA, M1 1AE or B33 8TH"),
        );
        check(
            "SW1A1 1AA",
            Err("postcode should look like SW1A 1AA, M1 1AE or B33 8TH"),
        );
        check(
            "1W1 1AA",
            Err("postcode should look like SW1A 1AA, M1 1AE or B33 8TH"),
        );
        check(
            "SW1A AAA",
            Err("postcode should end with a digit and 2 letters, like 1AA"),
        );
        check(
            "SW-1 1AA",
            Err("postcode should look like SW1A 1AA, M1 1AE or B33 8TH"),
        );
        check(
            "SWÅ 1AA",
            Err("postcode should look like SW1A 1AA, M1 1AE or B33 8TH"),
        );
    }

    #[test]
    fn parts() {
        let p = Postcode::parse("sw1a 2aa").unwrap();
        assert_eq!(
            (p.outward(), p.inward(), p.area(), p.district(), p.sector()),
            ("SW1A", "2AA", "SW", "SW1A", "SW1A 2")
        );
        let p = Postcode::parse("M1 1AE").unwrap();
        assert_eq!((p.area(), p.district(), p.sector()), ("M", "M1", "M1 1"));
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"M1 1AE\"");
        assert!(serde_json::from_str::<Postcode>("\"V1 1AA\"").is_err());
    }

    fn from(set: &str) -> impl Strategy<Value = char> + use<> {
        proptest::sample::select(set.chars().collect::<Vec<_>>())
    }

    fn outward() -> impl Strategy<Value = String> {
        let first = "ABCDEFGHIJKLMNOPRSTUWYZ";
        let second = "ABCDEFGHKLMNOPQRSTUVWXY";
        prop_oneof![
            (from(first), 1u8..10).prop_map(|(a, d)| format!("{a}{d}")),
            (from(first), 10u8..100).prop_map(|(a, d)| format!("{a}{d}")),
            (from(first), from(second), 0u8..100).prop_map(|(a, b, d)| format!("{a}{b}{d}")),
            (from(first), 0u8..10, from("ABCDEFGHJKPSTUW"))
                .prop_map(|(a, d, c)| format!("{a}{d}{c}")),
            (from(first), from(second), 0u8..10, from("ABEHMNPRVWXY"))
                .prop_map(|(a, b, d, c)| format!("{a}{b}{d}{c}")),
        ]
    }

    proptest! {
        #[test]
        fn generated_postcodes_round_trip(out in outward(), d in 0u8..10, x in from("ABDEFGHJLNPQRSTUWXYZ"), y in from("ABDEFGHJLNPQRSTUWXYZ")) {
            let canonical = format!("{out} {d}{x}{y}");
            let p = Postcode::parse(&canonical.to_lowercase().replace(' ', "")).unwrap();
            prop_assert_eq!(p.as_str(), canonical.as_str());
            prop_assert_eq!(Postcode::parse(p.as_str()).unwrap(), p.clone());
            prop_assert_eq!(format!("{} {}", p.outward(), p.inward()), canonical);
        }
    }
}
