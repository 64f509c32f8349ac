//! `LocationDraft` → `Location`, collecting every field error.

use serde::{Deserialize, Serialize};

use super::{Collector, FieldErrors};
use crate::identifiers::{Postcode, Uprn};
use crate::location::{Coordinates, Location, LocationError, MAX_ADDRESS_LINES};
use crate::text::Label;

/// A location as typed in. Blank address lines (unused boxes) are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LocationDraft {
    pub address_lines: Vec<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    pub uprn: Option<String>,
    /// Decimal degrees, WGS84.
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub premises_type: Option<String>,
}

fn degrees(s: &str) -> Result<f64, &'static str> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or("should be a number of degrees, like 51.5034")
}

impl TryFrom<LocationDraft> for Location {
    type Error = FieldErrors;

    fn try_from(d: LocationDraft) -> Result<Self, Self::Error> {
        let mut c = Collector::default();
        let mut lines = Vec::new();
        for (i, line) in d.address_lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            lines.extend(c.take(format!("address_lines[{i}]"), Label::parse(line)));
        }
        let given = d
            .address_lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .count();
        if given == 0 {
            c.push("address_lines", LocationError::NoAddressLines);
        } else if given > MAX_ADDRESS_LINES {
            c.push("address_lines", LocationError::TooManyAddressLines(given));
        }
        let town = c.optional("town", d.town.as_deref(), Label::parse);
        let postcode = c.optional("postcode", d.postcode.as_deref(), Postcode::parse);
        let uprn = c.optional("uprn", d.uprn.as_deref(), Uprn::parse);
        let premises_type = c.optional("premises_type", d.premises_type.as_deref(), Label::parse);
        let lat = c.optional("latitude", d.latitude.as_deref(), degrees);
        let lon = c.optional("longitude", d.longitude.as_deref(), degrees);
        let coordinates = match (lat, lon) {
            (Ok(Some(lat)), Ok(Some(lon))) => match Coordinates::new(lat, lon) {
                Ok(xy) => Some(xy),
                Err(e @ LocationError::Latitude(_)) => {
                    c.push("latitude", e);
                    None
                }
                Err(e) => {
                    c.push("longitude", e);
                    None
                }
            },
            (Ok(Some(_)), Ok(None)) => {
                c.push("longitude", "give both latitude and longitude, or neither");
                None
            }
            (Ok(None), Ok(Some(_))) => {
                c.push("latitude", "give both latitude and longitude, or neither");
                None
            }
            _ => None,
        };
        if !c.is_empty() {
            return Err(c.into_errors());
        }
        let mut location = Location::new(lines).map_err(|e| {
            FieldErrors(vec![super::FieldError {
                field: "address_lines".into(),
                message: e.to_string(),
            }])
        })?;
        location.town = town.ok().flatten();
        location.postcode = postcode.ok().flatten();
        location.uprn = uprn.ok().flatten();
        location.premises_type = premises_type.ok().flatten();
        location.coordinates = coordinates;
        Ok(location)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(json: &str) -> Result<Location, FieldErrors> {
        Location::try_from(serde_json::from_str::<LocationDraft>(json).unwrap())
    }

    #[test]
    fn good_draft() {
        let l = convert(
            r#"{"address_lines":["Flat 2","14 Acacia Avenue","",""],"town":"London","postcode":"n1p1aa",
                "uprn":"0042","latitude":"51.53","longitude":"-0.10","premises_type":""}"#,
        )
        .unwrap();
        assert_eq!(l.one_line(), "Flat 2, 14 Acacia Avenue, London, N1P 1AA");
        assert_eq!(l.uprn.map(Uprn::value), Some(42));
        assert!(l.coordinates.is_some());
        assert!(l.premises_type.is_none());
    }

    #[test]
    fn all_errors_at_once() {
        let err = convert(r#"{"address_lines":["", " "],"postcode":"Q1 1AA","uprn":"x","latitude":"95","longitude":"0","town":"a\nb"}"#).unwrap_err();
        let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["address_lines", "town", "postcode", "uprn", "latitude"]
        );
        assert_eq!(
            err.message_for("address_lines"),
            Some("an address needs at least one line")
        );
        assert_eq!(
            err.message_for("latitude"),
            Some("latitude must be a number between -90 and 90 (this is 95)")
        );
        let err = convert(r#"{"address_lines":["1","2","3","4","5","6","7"],"latitude":"51"}"#)
            .unwrap_err();
        assert_eq!(
            err.message_for("address_lines"),
            Some("an address can have at most 6 lines (this has 7)")
        );
        assert_eq!(
            err.message_for("longitude"),
            Some("give both latitude and longitude, or neither")
        );
        let err =
            convert(r#"{"address_lines":["x"],"latitude":"NaN","longitude":"north"}"#).unwrap_err();
        assert_eq!(err.errors().len(), 2);
        assert!(
            convert(r#"{"address_lines":["x"],"longitude":"200","latitude":"0"}"#)
                .unwrap_err()
                .message_for("longitude")
                .is_some()
        );
    }
}
