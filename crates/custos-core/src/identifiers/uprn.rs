//! Unique Property Reference Number (UPRN): the identifier of an addressable place in GB
//! (GeoPlace / Ordnance Survey AddressBase), a whole number of up to 12 digits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::IdentifierError;

const KIND: &str = "UPRN";

/// A UPRN such as `100023336956`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uprn(u64);

impl Uprn {
    /// Parses 1–12 digits (surrounding spaces ignored); leading zeros are dropped and zero is refused.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentifierError::invalid(KIND, "should contain only digits"));
        }
        let significant = s.trim_start_matches('0');
        if significant.is_empty() {
            return Err(IdentifierError::invalid(KIND, "cannot be zero"));
        }
        if significant.len() > 12 {
            return Err(IdentifierError::invalid(
                KIND,
                format!(
                    "should be at most 12 digits (this has {})",
                    significant.len()
                ),
            ));
        }
        significant
            .parse()
            .map(Self)
            .map_err(|_| IdentifierError::invalid(KIND, "should contain only digits"))
    }

    /// Wraps a number, refusing 0 and anything over 12 digits.
    pub fn new(value: u64) -> Result<Self, IdentifierError> {
        Self::parse(&value.to_string())
    }

    pub fn value(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Uprn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Uprn {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Uprn {
    type Error = IdentifierError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Uprn> for String {
    fn from(u: Uprn) -> String {
        u.0.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<u64, &str>) {
        let got = Uprn::parse(input)
            .map(Uprn::value)
            .map_err(|e| e.to_string());
        assert_eq!(got, expected.map_err(str::to_owned), "input {input:?}");
    }

    #[test]
    fn table() {
        // The UPRN commonly cited as Ordnance Survey's example (10 Downing Street).
        check("100023336956", Ok(100_023_336_956));
        check(" 0042 ", Ok(42));
        check("1", Ok(1));
        check("999999999999", Ok(999_999_999_999));
        check(
            "1000000000000",
            Err("UPRN should be at most 12 digits (this has 13)"),
        );
        check("000", Err("UPRN cannot be zero"));
        check("12a", Err("UPRN should contain only digits"));
        check("-5", Err("UPRN should contain only digits"));
        check("", Err("UPRN is empty"));
        assert!(Uprn::new(0).is_err());
        assert_eq!(
            serde_json::to_string(&Uprn::new(7).unwrap()).unwrap(),
            "\"7\""
        );
        assert!(serde_json::from_str::<Uprn>("\"0\"").is_err());
    }

    proptest! {
        #[test]
        fn generated_uprns_round_trip(n in 1u64..1_000_000_000_000) {
            let u = Uprn::new(n).unwrap();
            prop_assert_eq!(Uprn::parse(&u.to_string()).unwrap(), u);
            prop_assert_eq!(u.value(), n);
        }
    }
}
