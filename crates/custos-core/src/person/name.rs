//! A person's name: kind (primary, alias...), forenames and surname, optionally dated. Names are
//! checked when built: trimmed, inner spaces collapsed, 1–100 characters, only letters (any
//! script, accents included), apostrophes, hyphens and spaces, and no control characters.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::code_list::code_list;

code_list! {
    /// How a name relates to the person.
    pub enum NameKind ("name kind") {
        /// The name the record is known by. Exactly one per person.
        Primary = "primary",
        Alias = "alias",
        /// A former name (e.g. before a change by deed poll).
        Previous = "previous",
        Maiden = "maiden",
        Nickname = "nickname",
    }
}

/// The longest name part accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Why a name was refused; `Display` names the part ("surname", "forename 2").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("{part} must not be empty")]
    Empty { part: String },
    #[error("{part} must be at most {MAX_NAME_CHARS} characters")]
    TooLong { part: String },
    #[error("{part} cannot contain {found:?}: use letters, apostrophes, hyphens and spaces")]
    BadCharacter { part: String, found: char },
    #[error("name dates are the wrong way round: {from} is after {to}")]
    DatesReversed { from: Date, to: Date },
}

impl NameError {
    /// The field the error is about, relative to the name: `surname`, `forenames[1]`, `from`.
    pub fn field(&self) -> String {
        match self {
            Self::Empty { part } | Self::TooLong { part } | Self::BadCharacter { part, .. } => {
                match part.strip_prefix("forename ") {
                    Some(n) => format!(
                        "forenames[{}]",
                        n.parse::<usize>().map_or(0, |n| n.saturating_sub(1))
                    ),
                    None => part.clone(),
                }
            }
            Self::DatesReversed { .. } => "to".to_owned(),
        }
    }
}

/// Checks and normalises one part of a name.
pub(crate) fn clean_name_part(raw: &str, part: &str) -> Result<String, NameError> {
    let cleaned = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err(NameError::Empty {
            part: part.to_owned(),
        });
    }
    if cleaned.chars().count() > MAX_NAME_CHARS {
        return Err(NameError::TooLong {
            part: part.to_owned(),
        });
    }
    if let Some(found) = cleaned
        .chars()
        .find(|&c| !(c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | ' ')))
    {
        return Err(NameError::BadCharacter {
            part: part.to_owned(),
            found,
        });
    }
    Ok(cleaned)
}

/// One name of a person. Build with [`PersonName::new`]; fields are read through accessors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PersonNameRaw")]
pub struct PersonName {
    kind: NameKind,
    forenames: Vec<String>,
    surname: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonNameRaw {
    kind: NameKind,
    #[serde(default)]
    forenames: Vec<String>,
    surname: String,
    #[serde(default)]
    from: Option<Date>,
    #[serde(default)]
    to: Option<Date>,
}

impl TryFrom<PersonNameRaw> for PersonName {
    type Error = NameError;
    fn try_from(raw: PersonNameRaw) -> Result<Self, Self::Error> {
        let forenames: Vec<&str> = raw.forenames.iter().map(String::as_str).collect();
        Self::new(raw.kind, &forenames, &raw.surname)?.with_dates(raw.from, raw.to)
    }
}

impl PersonName {
    /// A name with no dates. Forenames may be empty (unknown); the surname may not.
    pub fn new(kind: NameKind, forenames: &[&str], surname: &str) -> Result<Self, NameError> {
        let surname = clean_name_part(surname, "surname")?;
        let forenames = forenames
            .iter()
            .enumerate()
            .map(|(i, f)| clean_name_part(f, &format!("forename {}", i + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            kind,
            forenames,
            surname,
            from: None,
            to: None,
        })
    }

    /// The same name used between `from` and `to` (either may be open).
    pub fn with_dates(mut self, from: Option<Date>, to: Option<Date>) -> Result<Self, NameError> {
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(NameError::DatesReversed { from, to });
        }
        self.from = from;
        self.to = to;
        Ok(self)
    }

    pub fn kind(&self) -> NameKind {
        self.kind
    }

    pub fn forenames(&self) -> &[String] {
        &self.forenames
    }

    pub fn surname(&self) -> &str {
        &self.surname
    }

    pub fn from(&self) -> Option<Date> {
        self.from
    }

    pub fn to(&self) -> Option<Date> {
        self.to
    }

    /// "Forenames SURNAME" as usually written on police records.
    pub fn display_name(&self) -> String {
        let mut out = self.forenames.join(" ");
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&self.surname.to_uppercase());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn check(forenames: &[&str], surname: &str, expected: Result<(&[&str], &str), &str>) {
        let got = PersonName::new(NameKind::Primary, forenames, surname)
            .map(|n| (n.forenames().to_vec(), n.surname().to_owned()))
            .map_err(|e| e.to_string());
        let want = expected
            .map(|(f, s)| {
                (
                    f.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>(),
                    s.to_owned(),
                )
            })
            .map_err(str::to_owned);
        assert_eq!(got, want, "{forenames:?} {surname:?}");
    }

    #[test]
    fn names_are_cleaned_and_checked() {
        check(
            &["  Mary  Ann "],
            " O'Brien-Smith ",
            Ok((&["Mary Ann"], "O'Brien-Smith")),
        );
        check(
            &["Zoë", "Siân"],
            "Ní Bhriain",
            Ok((&["Zoë", "Siân"], "Ní Bhriain")),
        );
        check(&[], "D’Souza", Ok((&[], "D’Souza")));
        check(&["Александр"], "Пушкин", Ok((&["Александр"], "Пушкин")));
        check(&[], "  ", Err("surname must not be empty"));
        check(&["Jo", ""], "Smith", Err("forename 2 must not be empty"));
        check(
            &[],
            "Smith2",
            Err("surname cannot contain '2': use letters, apostrophes, hyphens and spaces"),
        );
        check(
            &["J."],
            "Smith",
            Err("forename 1 cannot contain '.': use letters, apostrophes, hyphens and spaces"),
        );
        check(
            &[],
            "Smith\u{0000}",
            Err("surname cannot contain '\\0': use letters, apostrophes, hyphens and spaces"),
        );
        check(
            &[],
            &"a".repeat(101),
            Err("surname must be at most 100 characters"),
        );
        check(&[], &"é".repeat(100), Ok((&[], &"é".repeat(100))));
    }

    #[test]
    fn error_fields() {
        let e = PersonName::new(NameKind::Alias, &["A", "B", "1"], "X").unwrap_err();
        assert_eq!(e.field(), "forenames[2]");
        assert_eq!(
            PersonName::new(NameKind::Alias, &[], "")
                .unwrap_err()
                .field(),
            "surname"
        );
    }

    #[test]
    fn dates_must_be_in_order() {
        let n = PersonName::new(NameKind::Maiden, &["Ann"], "Jones").unwrap();
        let ok = n
            .clone()
            .with_dates(Some(date(1990, 1, 1)), Some(date(2000, 1, 1)))
            .unwrap();
        assert_eq!(
            (ok.from(), ok.to()),
            (Some(date(1990, 1, 1)), Some(date(2000, 1, 1)))
        );
        assert!(
            n.clone()
                .with_dates(Some(date(2000, 1, 1)), Some(date(2000, 1, 1)))
                .is_ok()
        );
        let err = n
            .with_dates(Some(date(2001, 1, 1)), Some(date(2000, 1, 1)))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "name dates are the wrong way round: 2001-01-01 is after 2000-01-01"
        );
        assert_eq!(err.field(), "to");
    }

    #[test]
    fn serde_rechecks() {
        let n = PersonName::new(NameKind::Alias, &["William"], "Smith").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"alias","forenames":["William"],"surname":"Smith"}"#
        );
        assert_eq!(serde_json::from_str::<PersonName>(&json).unwrap(), n);
        assert!(
            serde_json::from_str::<PersonName>(r#"{"kind":"alias","surname":"Sm1th"}"#).is_err()
        );
        assert!(
            serde_json::from_str::<PersonName>(
                r#"{"kind":"alias","surname":"S","from":"2001-01-01","to":"2000-01-01"}"#
            )
            .is_err()
        );
        assert!(
            serde_json::from_str::<PersonName>(r#"{"kind":"alias","surname":"S","extra":1}"#)
                .is_err()
        );
        assert_eq!(n.display_name(), "William SMITH");
    }
}
