//! Unvalidated input ("drafts") as the CLI and API receive it — plain strings and options — and
//! the one place where it becomes domain types. `TryFrom<XDraft> for X` checks every field and
//! returns ALL problems at once as [`FieldErrors`], each naming its field the way the input names
//! it (`identifiers[2].value`), so a form can show every message next to its box in one round trip.
//! Storage only ever receives the validated types.
//!
//! Blank optional strings count as absent (HTML forms send empty boxes). Dates are `YYYY-MM-DD`
//! or the UK `DD/MM/YYYY`; times are RFC 3339 with an offset (`2024-06-01T21:30:00Z`).

mod event;
mod location;
mod object;
mod person;

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use event::{EventDraft, LinkDraft};
pub use location::LocationDraft;
pub use object::ObjectDraft;
pub use person::{IdentifierDraft, PersonDraft, PersonNameDraft};

/// One problem with one field of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Path of the field as named in the input, e.g. `names[0].surname`, `identifiers[2].value`.
    pub field: String,
    /// What is wrong, in words a user understands.
    pub message: String,
}

/// Every problem found in a draft (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct FieldErrors(pub Vec<FieldError>);

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

impl FieldErrors {
    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    /// The first message for `field`, if any.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// Collects field errors while a draft is converted.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    errors: Vec<FieldError>,
}

impl Collector {
    pub(crate) fn push(&mut self, field: impl Into<String>, message: impl fmt::Display) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.to_string(),
        });
    }

    /// The value, or `None` after recording the error against `field`.
    pub(crate) fn take<T, E: fmt::Display>(
        &mut self,
        field: impl Into<String>,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, e);
                None
            }
        }
    }

    /// Parses an optional input with `parse`; blank counts as absent. `Err(())` means an error
    /// was recorded.
    pub(crate) fn optional<T, E: fmt::Display>(
        &mut self,
        field: &str,
        input: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ()> {
        match present(input) {
            None => Ok(None),
            Some(s) => self.take(field, parse(s)).map(Some).ok_or(()),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub(crate) fn into_errors(self) -> FieldErrors {
        FieldErrors(self.errors)
    }
}

/// `Some(trimmed)` unless the input is absent or blank.
pub(crate) fn present(input: Option<&str>) -> Option<&str> {
    input.map(str::trim).filter(|s| !s.is_empty())
}

/// Parses `YYYY-MM-DD` or `DD/MM/YYYY`.
pub(crate) fn parse_date(input: &str) -> Result<Date, String> {
    const SHAPE: &str = "should be a date like 1980-12-25 or 25/12/1980";
    let s = input.trim();
    let parts: Vec<&str> = if s.contains('/') {
        s.split('/').rev().collect()
    } else {
        s.split('-').collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return Err(SHAPE.to_owned());
    };
    if y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return Err(SHAPE.to_owned());
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) else {
        return Err(SHAPE.to_owned());
    };
    Date::new(y, m, d).map_err(|_| format!("{s} is not a real date"))
}

/// Parses an RFC 3339 timestamp with an offset.
pub(crate) fn parse_timestamp(input: &str) -> Result<Timestamp, String> {
    input
        .trim()
        .parse::<Timestamp>()
        .map_err(|_| "should be a date and time with an offset, like 2024-06-01T21:30:00Z or 2024-06-01T22:30:00+01:00".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_in_two_shapes() {
        for (input, expected) in [
            ("1980-12-25", Ok(date(1980, 12, 25))),
            ("25/12/1980", Ok(date(1980, 12, 25))),
            (" 5/1/2001 ", Ok(date(2001, 1, 5))),
            ("1980-02-30", Err("1980-02-30 is not a real date")),
            ("29/02/1981", Err("29/02/1981 is not a real date")),
            (
                "25/12/80",
                Err("should be a date like 1980-12-25 or 25/12/1980"),
            ),
            (
                "1980-12",
                Err("should be a date like 1980-12-25 or 25/12/1980"),
            ),
            (
                "1980-xx-01",
                Err("should be a date like 1980-12-25 or 25/12/1980"),
            ),
            ("", Err("should be a date like 1980-12-25 or 25/12/1980")),
        ] {
            assert_eq!(
                parse_date(input),
                expected.map_err(str::to_owned),
                "{input:?}"
            );
        }
    }

    #[test]
    fn timestamps_need_an_offset() {
        assert_eq!(
            parse_timestamp("2024-06-01T22:30:00+01:00").unwrap(),
            "2024-06-01T21:30:00Z".parse::<Timestamp>().unwrap()
        );
        assert!(parse_timestamp("2024-06-01T21:30:00").is_err());
        assert!(parse_timestamp("yesterday").is_err());
    }

    #[test]
    fn errors_display_and_lookup() {
        let mut c = Collector::default();
        assert!(c.is_empty());
        c.push("names[0].surname", "must not be empty");
        assert_eq!(c.take("x", "5".parse::<u8>()), Some(5));
        assert_eq!(c.take("identifiers[1].value", "x".parse::<u8>()), None);
        assert_eq!(c.optional("a", Some("  "), |s| s.parse::<u8>()), Ok(None));
        assert_eq!(
            c.optional("b", Some(" 7 "), |s| s.parse::<u8>()),
            Ok(Some(7))
        );
        assert_eq!(c.optional("c", Some("z"), |s| s.parse::<u8>()), Err(()));
        let errors = c.into_errors();
        assert_eq!(errors.errors().len(), 3);
        assert_eq!(
            errors.message_for("names[0].surname"),
            Some("must not be empty")
        );
        assert_eq!(errors.message_for("x"), None);
        assert!(errors.to_string().starts_with(
            "names[0].surname: must not be empty; identifiers[1].value: invalid digit"
        ));
    }
}
