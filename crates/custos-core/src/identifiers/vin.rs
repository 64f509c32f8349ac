//! Vehicle Identification Number (VIN), ISO 3779: 17 characters, digits and capital letters
//! except I, O and Q. The check digit in position 9 is mandatory only in North America (49 CFR
//! 565), so it is not enforced here; older vehicles may have shorter chassis numbers, which belong
//! in the vehicle's notes rather than here.

use serde::{Deserialize, Serialize};

use super::{IdentifierError, compact_upper, string_identifier};

const KIND: &str = "VIN";

/// A 17-character VIN, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Vin(String);

string_identifier!(Vin);

impl Vin {
    /// Parses a VIN in any case and spacing.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = compact_upper(input);
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        if let Some(c) = s.chars().find(|c| matches!(c, 'I' | 'O' | 'Q')) {
            return Err(IdentifierError::invalid(
                KIND,
                format!("cannot contain {c} (I, O and Q are never used)"),
            ));
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(IdentifierError::invalid(
                KIND,
                "should contain only letters and digits",
            ));
        }
        if s.len() != 17 {
            return Err(IdentifierError::invalid(
                KIND,
                format!("should be 17 characters (this has {})", s.len()),
            ));
        }
        Ok(Self(s))
    }

    /// The World Manufacturer Identifier: the first 3 characters.
    pub fn world_manufacturer(&self) -> &str {
        &self.0[..3]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::identifiers::check_parse(Vin::parse, input, expected);
    }

    #[test]
    fn table() {
        // The example VIN in 49 CFR 565 / Wikipedia "Vehicle identification number".
        check(
            "1M8GDM9AKP042788",
            Err("VIN should be 17 characters (this has 16)"),
        );
        check("1m8gdm9axkp042788", Ok("1M8GDM9AXKP042788"));
        check("SAJ AC0 1F 1 2C 123456", Ok("SAJAC01F12C123456"));
        check(
            "1M8GDM9AXKP04278O",
            Err("VIN cannot contain O (I, O and Q are never used)"),
        );
        check(
            "1M8GDM9AXKP04278-",
            Err("VIN should contain only letters and digits"),
        );
        check("", Err("VIN is empty"));
        assert_eq!(
            Vin::parse("1M8GDM9AXKP042788")
                .unwrap()
                .world_manufacturer(),
            "1M8"
        );
    }

    proptest! {
        #[test]
        fn generated_vins_round_trip(text in "[A-HJ-NPR-Z0-9]{17}") {
            let v = Vin::parse(&text.to_lowercase()).unwrap();
            prop_assert_eq!(v.as_str(), text.as_str());
            prop_assert_eq!(Vin::parse(v.as_str()).unwrap(), v);
        }
    }
}
