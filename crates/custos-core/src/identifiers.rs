//! Identifiers of people, vehicles, places and things, parsed once at the edge ("parse, don't
//! validate"). Each type has a private field, one constructor `parse(&str)`, a normalised
//! `as_str()`/`Display`, and serde through `String` so that a stored or received value is always
//! re-checked. Errors say which rule failed in words an officer understands.

use std::fmt;

mod cro;
mod email;
mod imei;
mod licence;
mod nino;
mod passport;
mod phone;
mod pnc;
mod postcode;
mod uprn;
mod vin;
mod vrm;

pub use cro::CroNumber;
pub use email::Email;
pub use imei::Imei;
pub use licence::DrivingLicence;
pub use nino::NiNumber;
pub use passport::{CountryCode, Passport, PassportNumber};
pub use phone::PhoneNumber;
pub use pnc::PncId;
pub use postcode::Postcode;
pub use uprn::Uprn;
pub use vin::Vin;
pub use vrm::{Vrm, VrmFormat};

/// Why an identifier was refused. `Display` is a sentence a user can act on, starting with the
/// kind of identifier ("PNC ID check letter should be R, not X").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("{kind} is empty")]
    Empty { kind: &'static str },
    #[error("{kind} {reason}")]
    Invalid { kind: &'static str, reason: String },
    #[error("{kind} check {what} should be {expected}, not {found}")]
    CheckCharacter {
        kind: &'static str,
        /// "letter", "digit" or "character".
        what: &'static str,
        expected: char,
        found: char,
    },
}

impl IdentifierError {
    /// The kind of identifier the error is about ("PNC ID", "postcode"...).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Empty { kind }
            | Self::Invalid { kind, .. }
            | Self::CheckCharacter { kind, .. } => kind,
        }
    }

    pub(crate) fn invalid(kind: &'static str, reason: impl fmt::Display) -> Self {
        Self::Invalid {
            kind,
            reason: reason.to_string(),
        }
    }
}

/// The check-letter alphabet shared by PNC IDs, CRO numbers and court case reference numbers:
/// remainder 0 is Z, 1 is A, ... with I, O and S left out (CJSE data standards, "Police National
/// Computer Id", <https://www.criminaljusticehub.org.uk/jargon-buster/police-national-computer-id-pnc-id/>).
const MOD23_LETTERS: &[u8; 23] = b"ZABCDEFGHJKLMNPQRTUVWXY";

/// The modulus-23 check letter of `n`.
pub(crate) fn mod23_letter(n: u64) -> char {
    char::from(MOD23_LETTERS[(n % 23) as usize])
}

/// Upper-cases and removes all whitespace: the usual first step of normalisation.
pub(crate) fn compact_upper(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Parses a run of ASCII digits (at most 19) as a number; `None` if anything else is present.
pub(crate) fn digits_value(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Implements the string plumbing shared by identifier newtypes over a `String` field:
/// `as_str`, `Display`, `FromStr`, `TryFrom<String>` and `From<T> for String` (for serde).
macro_rules! string_identifier {
    ($name:ident) => {
        impl $name {
            /// The normalised form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::identifiers::IdentifierError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::identifiers::IdentifierError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

pub(crate) use string_identifier;

/// Table tests of every identifier: `parse(input)` displays as `expected`, or fails with exactly
/// the message `expected` gives.
#[cfg(test)]
pub(crate) fn check_parse<T: std::fmt::Display, E: std::fmt::Display>(
    parse: impl Fn(&str) -> Result<T, E>,
    input: &str,
    expected: Result<&str, &str>,
) {
    let got = parse(input).map(|p| p.to_string()).map_err(|e| e.to_string());
    assert_eq!(got, expected.map(str::to_owned).map_err(str::to_owned), "input {input:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mod23_alphabet_skips_i_o_s() {
        assert_eq!(mod23_letter(0), 'Z');
        assert_eq!(mod23_letter(1), 'A');
        assert_eq!(mod23_letter(9), 'J');
        assert_eq!(mod23_letter(22), 'Y');
        assert_eq!(mod23_letter(23), 'Z');
        let all: String = (0..23).map(mod23_letter).collect();
        assert!(!all.contains(['I', 'O', 'S']));
    }

    #[test]
    fn errors_read_as_sentences() {
        let e = IdentifierError::CheckCharacter {
            kind: "PNC ID",
            what: "letter",
            expected: 'R',
            found: 'X',
        };
        assert_eq!(e.to_string(), "PNC ID check letter should be R, not X");
        assert_eq!(e.kind(), "PNC ID");
        assert_eq!(
            IdentifierError::Empty { kind: "postcode" }.to_string(),
            "postcode is empty"
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(compact_upper(" sw1a  1aa\t"), "SW1A1AA");
        assert_eq!(digits_value("0012"), Some(12));
        assert_eq!(digits_value(""), None);
        assert_eq!(digits_value("12a"), None);
        assert_eq!(digits_value("+12"), None);
    }
}

