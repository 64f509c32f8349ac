//! Vehicle registration mark (VRM) issued in Great Britain or Northern Ireland, normalised to
//! upper case without spaces (`AB51ABC`).
//!
//! Formats (DVLA leaflet INF104 "Vehicle registration numbers and number plates", and DVLA's
//! guidance on number plate formats):
//! - current, from September 2001: `AA99AAA` — a 2-letter local memory tag (I, Q and Z never
//!   used), a 2-digit age identifier (March: the year, e.g. 02; September: year + 50, e.g. 51),
//!   and 3 random letters (I and Q never used). `01` has never been issued;
//! - prefix, 1983–2001: `A999AAA` — year letter (not I, O, U or Z; Q marks a vehicle of
//!   uncertain age), 1–3 digits, 3 letters;
//! - suffix, 1963–1983: `AAA999A` — 3 letters, 1–3 digits, year letter (not I, O, Q, U or Z);
//! - dateless: 1–3 letters and 1–4 digits, or 1–4 digits and 1–3 letters (numbers never start
//!   with 0);
//! - Northern Ireland: like dateless, but the last two letters are an NI code, which always
//!   contains I or Z (e.g. `AIZ 1234`, `KIA 95`).
//!
//! Anything else (foreign, diplomatic, trade plates) is refused: record it in the vehicle's notes.

use serde::{Deserialize, Serialize};

use super::{IdentifierError, compact_upper, string_identifier};

const KIND: &str = "vehicle registration";

/// Which registration scheme a mark belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VrmFormat {
    Current,
    Prefix,
    Suffix,
    Dateless,
    NorthernIreland,
}

/// A GB or NI vehicle registration mark such as `AB51ABC`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Vrm(String);

string_identifier!(Vrm);

impl Vrm {
    /// Parses a mark in any case and spacing (`ab51 abc`).
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        classify(&s)?;
        Ok(Self(s))
    }

    /// The registration scheme this mark belongs to.
    pub fn format(&self) -> VrmFormat {
        classify(&self.0).unwrap_or(VrmFormat::Dateless)
    }
}

/// Splits into runs of letters and digits: "AB51ABC" → [("AB", L), ("51", D), ("ABC", L)].
fn runs(s: &str) -> Option<Vec<(&str, bool)>> {
    let mut out: Vec<(&str, bool)> = Vec::new();
    let mut start = 0;
    let bytes = s.as_bytes();
    for i in 1..=bytes.len() {
        let boundary =
            i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit();
        if boundary {
            let run = &s[start..i];
            let is_letters = run.bytes().all(|b| b.is_ascii_uppercase());
            if !is_letters && !run.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            out.push((run, is_letters));
            start = i;
        }
    }
    Some(out)
}

fn invalid(reason: impl std::fmt::Display) -> IdentifierError {
    IdentifierError::invalid(KIND, reason)
}

fn serial_ok(digits: &str, max: usize) -> bool {
    !digits.starts_with('0') && digits.len() <= max
}

fn classify(s: &str) -> Result<VrmFormat, IdentifierError> {
    const SHAPE: &str = "is not a GB or Northern Ireland format (e.g. AB51 ABC, A123 BCD, ABC 123D, ABC 123, AIZ 1234)";
    if !s.is_ascii() {
        return Err(invalid(SHAPE));
    }
    let runs = runs(s).ok_or_else(|| invalid("should contain only letters and digits"))?;
    match runs.as_slice() {
        [(tag, true), (age, false), (random, true)]
            if tag.len() == 2 && age.len() == 2 && random.len() == 3 =>
        {
            if let Some(c) = tag.chars().find(|c| "IQZ".contains(*c)) {
                return Err(invalid(format!(
                    "memory tag cannot contain {c} (I, Q and Z are not used in the first 2 letters)"
                )));
            }
            if *age == "01" {
                return Err(invalid("age identifier 01 has never been issued"));
            }
            if let Some(c) = random.chars().find(|c| "IQ".contains(*c)) {
                return Err(invalid(format!(
                    "last 3 letters cannot contain {c} (I and Q are not used)"
                )));
            }
            Ok(VrmFormat::Current)
        }
        [(year, true), (digits, false), (area, true)] if year.len() == 1 && area.len() == 3 => {
            if !serial_ok(digits, 3) {
                return Err(invalid(
                    "number in a prefix mark should be 1 to 999 without a leading 0",
                ));
            }
            if "IOUZ".contains(*year) {
                return Err(invalid(format!("prefix year letter cannot be {year}")));
            }
            Ok(VrmFormat::Prefix)
        }
        [(area, true), (digits, false), (year, true)] if area.len() == 3 && year.len() == 1 => {
            if !serial_ok(digits, 3) {
                return Err(invalid(
                    "number in a suffix mark should be 1 to 999 without a leading 0",
                ));
            }
            if "IOQUZ".contains(*year) {
                return Err(invalid(format!("suffix year letter cannot be {year}")));
            }
            Ok(VrmFormat::Suffix)
        }
        [(letters, true), (digits, false)] if letters.len() <= 3 => {
            if !serial_ok(digits, 4) {
                return Err(invalid("number should be 1 to 9999 without a leading 0"));
            }
            let code = &letters[letters.len().saturating_sub(2)..];
            if letters.len() >= 2 && code.contains(['I', 'Z']) {
                Ok(VrmFormat::NorthernIreland)
            } else {
                Ok(VrmFormat::Dateless)
            }
        }
        [(digits, false), (letters, true)] if letters.len() <= 3 => {
            if !serial_ok(digits, 4) {
                return Err(invalid("number should be 1 to 9999 without a leading 0"));
            }
            Ok(VrmFormat::Dateless)
        }
        _ => Err(invalid(SHAPE)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<(&str, VrmFormat), &str>) {
        let got = Vrm::parse(input)
            .map(|v| (v.to_string(), v.format()))
            .map_err(|e| e.to_string());
        assert_eq!(
            got,
            expected
                .map(|(s, f)| (s.to_owned(), f))
                .map_err(str::to_owned),
            "input {input:?}"
        );
    }

    #[test]
    fn each_format() {
        use VrmFormat::*;
        // INF104's example current mark and the memory-tag/age examples.
        check("BD51 SMR", Ok(("BD51SMR", Current)));
        check("sr60 bmd", Ok(("SR60BMD", Current)));
        check("AB02ZZZ", Ok(("AB02ZZZ", Current)));
        check("A123 BCD", Ok(("A123BCD", Prefix)));
        check("Q123 ABC", Ok(("Q123ABC", Prefix)));
        check("ABC 123D", Ok(("ABC123D", Suffix)));
        check("ABC 1", Ok(("ABC1", Dateless)));
        check("A 1", Ok(("A1", Dateless)));
        check("AB 1234", Ok(("AB1234", Dateless)));
        check("1234 AB", Ok(("1234AB", Dateless)));
        check("1 A", Ok(("1A", Dateless)));
        check("AIZ 1234", Ok(("AIZ1234", NorthernIreland)));
        check("KIA 95", Ok(("KIA95", NorthernIreland)));
        check("BZ 1", Ok(("BZ1", NorthernIreland)));
    }

    #[test]
    fn refusals() {
        check("", Err("vehicle registration is empty"));
        check(
            "IB51ABC",
            Err(
                "vehicle registration memory tag cannot contain I (I, Q and Z are not used in the first 2 letters)",
            ),
        );
        check(
            "AZ51ABC",
            Err(
                "vehicle registration memory tag cannot contain Z (I, Q and Z are not used in the first 2 letters)",
            ),
        );
        check(
            "AB01ABC",
            Err("vehicle registration age identifier 01 has never been issued"),
        );
        check(
            "AB51ABQ",
            Err("vehicle registration last 3 letters cannot contain Q (I and Q are not used)"),
        );
        check(
            "I123ABC",
            Err("vehicle registration prefix year letter cannot be I"),
        );
        check(
            "A012BCD",
            Err(
                "vehicle registration number in a prefix mark should be 1 to 999 without a leading 0",
            ),
        );
        check(
            "ABC123Q",
            Err("vehicle registration suffix year letter cannot be Q"),
        );
        check(
            "AB 0123",
            Err("vehicle registration number should be 1 to 9999 without a leading 0"),
        );
        check(
            "AB12345",
            Err("vehicle registration number should be 1 to 9999 without a leading 0"),
        );
        check(
            "AB-51-ABC",
            Err("vehicle registration should contain only letters and digits"),
        );
        check(
            "ABCD 123",
            Err(
                "vehicle registration is not a GB or Northern Ireland format (e.g. AB51 ABC, A123 BCD, ABC 123D, ABC 123, AIZ 1234)",
            ),
        );
        check(
            "AB51ABCD",
            Err(
                "vehicle registration is not a GB or Northern Ireland format (e.g. AB51 ABC, A123 BCD, ABC 123D, ABC 123, AIZ 1234)",
            ),
        );
        check(
            "ABC",
            Err(
                "vehicle registration is not a GB or Northern Ireland format (e.g. AB51 ABC, A123 BCD, ABC 123D, ABC 123, AIZ 1234)",
            ),
        );
        check(
            "ÄB51ABC",
            Err(
                "vehicle registration is not a GB or Northern Ireland format (e.g. AB51 ABC, A123 BCD, ABC 123D, ABC 123, AIZ 1234)",
            ),
        );
    }

    #[test]
    fn serde_round_trip() {
        let v: Vrm = serde_json::from_str("\"ab51 abc\"").unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"AB51ABC\"");
        assert!(serde_json::from_str::<Vrm>("\"AB01ABC\"").is_err());
    }

    fn from(set: &str) -> impl Strategy<Value = char> + use<> {
        proptest::sample::select(set.chars().collect::<Vec<_>>())
    }

    proptest! {
        #[test]
        fn current_marks_round_trip(
            a in from("ABCDEFGHJKLMNOPRSTUVWXY"), b in from("ABCDEFGHJKLMNOPRSTUVWXY"),
            age in (0u8..100).prop_filter("01 never issued", |n| *n != 1),
            x in from("ABCDEFGHJKLMNOPRSTUVWXYZ"), y in from("ABCDEFGHJKLMNOPRSTUVWXYZ"), z in from("ABCDEFGHJKLMNOPRSTUVWXYZ"),
        ) {
            let canonical = format!("{a}{b}{age:02}{x}{y}{z}");
            let v = Vrm::parse(&format!("{} {}", &canonical[..4], &canonical[4..]).to_lowercase()).unwrap();
            prop_assert_eq!(v.as_str(), canonical.as_str());
            prop_assert_eq!(v.format(), VrmFormat::Current);
            prop_assert_eq!(Vrm::parse(v.as_str()).unwrap(), v);
        }

        #[test]
        fn dateless_marks_round_trip(letters in "[A-HJ-Y]{1,3}", n in 1u32..10_000) {
            let canonical = format!("{letters}{n}");
            let v = Vrm::parse(&canonical).unwrap();
            prop_assert_eq!(v.as_str(), canonical.as_str());
            prop_assert_eq!(v.format(), VrmFormat::Dateless);
        }
    }
}
