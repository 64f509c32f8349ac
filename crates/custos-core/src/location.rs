//! Location: an address (1–6 lines, town, postcode, UPRN where known), WGS84 coordinates and the
//! type of premises. People are linked to locations with dated links (home, work...).

use serde::{Deserialize, Serialize};

use crate::identifiers::{Postcode, Uprn};
use crate::text::Label;

/// The most address lines a location may have.
pub const MAX_ADDRESS_LINES: usize = 6;

/// Why a location or its coordinates were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LocationError {
    #[error("an address needs at least one line")]
    NoAddressLines,
    #[error("an address can have at most {MAX_ADDRESS_LINES} lines (this has {0})")]
    TooManyAddressLines(usize),
    #[error("latitude must be a number between -90 and 90 (this is {0})")]
    Latitude(f64),
    #[error("longitude must be a number between -180 and 180 (this is {0})")]
    Longitude(f64),
}

/// A WGS84 position in decimal degrees. Any valid position is accepted: British forces record
/// events abroad too.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CoordinatesRaw")]
pub struct Coordinates {
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoordinatesRaw {
    lat: f64,
    lon: f64,
}

impl TryFrom<CoordinatesRaw> for Coordinates {
    type Error = LocationError;
    fn try_from(raw: CoordinatesRaw) -> Result<Self, Self::Error> {
        Self::new(raw.lat, raw.lon)
    }
}

impl Coordinates {
    /// Latitude −90..=90 and longitude −180..=180; NaN and infinities are refused.
    pub fn new(lat: f64, lon: f64) -> Result<Self, LocationError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(LocationError::Latitude(lat));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(LocationError::Longitude(lon));
        }
        Ok(Self { lat, lon })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }
}

/// A place. Build with [`Location::new`] (the address lines), then fill the public fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LocationRaw")]
pub struct Location {
    address_lines: Vec<Label>,
    pub town: Option<Label>,
    pub postcode: Option<Postcode>,
    pub uprn: Option<Uprn>,
    pub coordinates: Option<Coordinates>,
    pub premises_type: Option<Label>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocationRaw {
    address_lines: Vec<Label>,
    #[serde(default)]
    town: Option<Label>,
    #[serde(default)]
    postcode: Option<Postcode>,
    #[serde(default)]
    uprn: Option<Uprn>,
    #[serde(default)]
    coordinates: Option<Coordinates>,
    #[serde(default)]
    premises_type: Option<Label>,
}

impl TryFrom<LocationRaw> for Location {
    type Error = LocationError;
    fn try_from(raw: LocationRaw) -> Result<Self, Self::Error> {
        let mut l = Location::new(raw.address_lines)?;
        l.town = raw.town;
        l.postcode = raw.postcode;
        l.uprn = raw.uprn;
        l.coordinates = raw.coordinates;
        l.premises_type = raw.premises_type;
        Ok(l)
    }
}

fn check_lines(lines: &[Label]) -> Result<(), LocationError> {
    match lines.len() {
        0 => Err(LocationError::NoAddressLines),
        n if n > MAX_ADDRESS_LINES => Err(LocationError::TooManyAddressLines(n)),
        _ => Ok(()),
    }
}

impl Location {
    /// A location with 1–6 address lines and nothing else recorded yet.
    pub fn new(address_lines: Vec<Label>) -> Result<Self, LocationError> {
        check_lines(&address_lines)?;
        Ok(Self {
            address_lines,
            town: None,
            postcode: None,
            uprn: None,
            coordinates: None,
            premises_type: None,
        })
    }

    pub fn address_lines(&self) -> &[Label] {
        &self.address_lines
    }

    /// Replaces the address lines (1–6).
    pub fn set_address_lines(&mut self, lines: Vec<Label>) -> Result<(), LocationError> {
        check_lines(&lines)?;
        self.address_lines = lines;
        Ok(())
    }

    /// The address on one line: lines, town and postcode separated by commas.
    pub fn one_line(&self) -> String {
        let mut parts: Vec<&str> = self.address_lines.iter().map(Label::as_str).collect();
        parts.extend(self.town.as_ref().map(Label::as_str));
        parts.extend(self.postcode.as_ref().map(Postcode::as_str));
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> Vec<Label> {
        (1..=n)
            .map(|i| Label::parse(&format!("Line {i}")).unwrap())
            .collect()
    }

    #[test]
    fn one_to_six_lines() {
        assert_eq!(
            Location::new(vec![]).unwrap_err(),
            LocationError::NoAddressLines
        );
        assert!(Location::new(lines(1)).is_ok());
        assert!(Location::new(lines(6)).is_ok());
        assert_eq!(
            Location::new(lines(7)).unwrap_err().to_string(),
            "an address can have at most 6 lines (this has 7)"
        );
        let mut l = Location::new(lines(2)).unwrap();
        assert!(l.set_address_lines(vec![]).is_err());
        assert_eq!(l.address_lines().len(), 2);
    }

    #[test]
    fn coordinates_are_wgs84_ranges() {
        for (lat, lon, ok) in [
            (51.5034, -0.1276, true),
            (-90.0, 180.0, true),
            (90.0, -180.0, true),
            (90.0001, 0.0, false),
            (0.0, -180.5, false),
            (f64::NAN, 0.0, false),
            (0.0, f64::INFINITY, false),
        ] {
            assert_eq!(Coordinates::new(lat, lon).is_ok(), ok, "{lat} {lon}");
        }
        assert_eq!(
            Coordinates::new(91.0, 0.0).unwrap_err().to_string(),
            "latitude must be a number between -90 and 90 (this is 91)"
        );
    }

    #[test]
    fn serde_rechecks() {
        let mut l = Location::new(vec![Label::parse("10 Downing Street").unwrap()]).unwrap();
        l.town = Some(Label::parse("London").unwrap());
        l.postcode = Some(Postcode::parse("sw1a2aa").unwrap());
        l.uprn = Some(Uprn::new(100_023_336_956).unwrap());
        l.coordinates = Some(Coordinates::new(51.5034, -0.1276).unwrap());
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(serde_json::from_str::<Location>(&json).unwrap(), l);
        assert_eq!(l.one_line(), "10 Downing Street, London, SW1A 2AA");
        assert!(serde_json::from_str::<Location>(r#"{"address_lines":[]}"#).is_err());
        assert!(
            serde_json::from_str::<Location>(
                r#"{"address_lines":["x"],"coordinates":{"lat":100,"lon":0}}"#
            )
            .is_err()
        );
        assert!(
            serde_json::from_str::<Location>(r#"{"address_lines":["x"],"postcode":"nope"}"#)
                .is_err()
        );
    }
}
