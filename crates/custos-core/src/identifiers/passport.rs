//! Passport numbers and the ISO 3166-1 alpha-3 code of the issuing state.
//!
//! UK passports carry a 9-digit number. Other states use up to 9 letters and digits (ICAO Doc
//! 9303 Part 4 gives the document number field 9 characters). The issuing state is written as in
//! the machine-readable zone: an ISO 3166-1 alpha-3 code such as `GBR`, `FRA`, `IRL`, or one of
//! ICAO's additional codes (e.g. `GBD`, `GBN`, `GBO` for other British nationality classes,
//! `UNO`, `XXA`). Only the shape of the code is checked: the ISO list itself changes and is kept
//! as reference data, not compiled in.

use serde::{Deserialize, Serialize};

use super::{IdentifierError, compact_upper, string_identifier};

const KIND: &str = "passport number";
const COUNTRY: &str = "issuing country";

/// A 3-letter ISO 3166-1 alpha-3 (or ICAO) country code, upper case, e.g. `GBR`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

string_identifier!(CountryCode);

impl CountryCode {
    /// Parses a 3-letter code in any case (`gbr`).
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: COUNTRY });
        }
        if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(IdentifierError::invalid(
                COUNTRY,
                "should be a 3-letter code such as GBR, IRL or FRA",
            ));
        }
        Ok(Self(s))
    }

    /// The United Kingdom, `GBR`.
    pub fn gbr() -> Self {
        Self("GBR".to_owned())
    }

    /// Whether this is the code on passports of British citizens.
    pub fn is_uk(&self) -> bool {
        self.0 == "GBR"
    }
}

/// A passport number, upper case without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PassportNumber(String);

string_identifier!(PassportNumber);

impl PassportNumber {
    /// Parses a number whose issuing state is not known: 6–9 letters and digits.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(IdentifierError::invalid(
                KIND,
                "should contain only letters and digits",
            ));
        }
        if !(6..=9).contains(&s.len()) {
            return Err(IdentifierError::invalid(
                KIND,
                format!("should be 6 to 9 letters and digits (this has {})", s.len()),
            ));
        }
        Ok(Self(s))
    }

    /// Parses a number issued by `country`: for `GBR` exactly 9 digits, otherwise as [`Self::parse`].
    pub fn parse_for(input: &str, country: Option<&CountryCode>) -> Result<Self, IdentifierError> {
        let number = Self::parse(input)?;
        if country.is_some_and(CountryCode::is_uk)
            && (number.0.len() != 9 || !number.0.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(IdentifierError::invalid(
                KIND,
                "issued by the UK should be exactly 9 digits",
            ));
        }
        Ok(number)
    }
}

/// A passport as recorded against a person: the number and, where known, the issuing state.
/// Built with [`Passport::new`], which applies the UK 9-digit rule when the state is `GBR`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PassportRaw")]
pub struct Passport {
    value: PassportNumber,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuing_country: Option<CountryCode>,
}

#[derive(Deserialize)]
struct PassportRaw {
    value: String,
    #[serde(default)]
    issuing_country: Option<CountryCode>,
}

impl TryFrom<PassportRaw> for Passport {
    type Error = IdentifierError;
    fn try_from(raw: PassportRaw) -> Result<Self, Self::Error> {
        Self::new(&raw.value, raw.issuing_country)
    }
}

impl Passport {
    pub fn new(
        number: &str,
        issuing_country: Option<CountryCode>,
    ) -> Result<Self, IdentifierError> {
        let value = PassportNumber::parse_for(number, issuing_country.as_ref())?;
        Ok(Self {
            value,
            issuing_country,
        })
    }

    pub fn number(&self) -> &PassportNumber {
        &self.value
    }

    pub fn issuing_country(&self) -> Option<&CountryCode> {
        self.issuing_country.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, country: Option<&str>, expected: Result<&str, &str>) {
        let country = country.map(|c| CountryCode::parse(c).unwrap());
        let got = PassportNumber::parse_for(input, country.as_ref())
            .map(|p| p.to_string())
            .map_err(|e| e.to_string());
        assert_eq!(
            got,
            expected.map(str::to_owned).map_err(str::to_owned),
            "input {input:?} {country:?}"
        );
    }

    #[test]
    fn numbers() {
        check("123 456 789", Some("GBR"), Ok("123456789"));
        check(
            "12345678",
            Some("gbr"),
            Err("passport number issued by the UK should be exactly 9 digits"),
        );
        check(
            "12345678A",
            Some("GBR"),
            Err("passport number issued by the UK should be exactly 9 digits"),
        );
        check("c01x00t47", Some("DEU"), Ok("C01X00T47"));
        check("AB123456", None, Ok("AB123456"));
        check(
            "12345",
            None,
            Err("passport number should be 6 to 9 letters and digits (this has 5)"),
        );
        check(
            "1234567890",
            None,
            Err("passport number should be 6 to 9 letters and digits (this has 10)"),
        );
        check(
            "AB-12345",
            None,
            Err("passport number should contain only letters and digits"),
        );
        check("", None, Err("passport number is empty"));
    }

    #[test]
    fn country_codes() {
        assert_eq!(CountryCode::parse(" irl ").unwrap().as_str(), "IRL");
        assert!(CountryCode::gbr().is_uk());
        assert!(!CountryCode::parse("GBD").unwrap().is_uk());
        assert_eq!(
            CountryCode::parse("GB").unwrap_err().to_string(),
            "issuing country should be a 3-letter code such as GBR, IRL or FRA"
        );
        assert!(CountryCode::parse("G8R").is_err());
        assert!(CountryCode::parse("").is_err());
        assert!(serde_json::from_str::<CountryCode>("\"UK\"").is_err());
    }

    #[test]
    fn passports_apply_the_country_rule() {
        let p = Passport::new("123456789", Some(CountryCode::gbr())).unwrap();
        assert_eq!(p.number().as_str(), "123456789");
        assert!(Passport::new("AB123456", Some(CountryCode::gbr())).is_err());
        assert!(Passport::new("AB123456", None).is_ok());
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{"value":"123456789","issuing_country":"GBR"}"#);
        assert_eq!(serde_json::from_str::<Passport>(&json).unwrap(), p);
        assert!(
            serde_json::from_str::<Passport>(r#"{"value":"AB123456","issuing_country":"GBR"}"#)
                .is_err()
        );
    }

    proptest! {
        #[test]
        fn uk_numbers_round_trip(n in 0u64..1_000_000_000) {
            let text = format!("{n:09}");
            let p = PassportNumber::parse_for(&text, Some(&CountryCode::gbr())).unwrap();
            prop_assert_eq!(p.as_str(), text.as_str());
            prop_assert_eq!(PassportNumber::parse(p.as_str()).unwrap(), p);
        }

        #[test]
        fn other_numbers_round_trip(text in "[A-Z0-9]{6,9}") {
            let p = PassportNumber::parse(&text.to_lowercase()).unwrap();
            prop_assert_eq!(p.as_str(), text.as_str());
        }
    }
}
