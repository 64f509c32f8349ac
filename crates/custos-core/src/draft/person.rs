//! `PersonDraft` → `Person`, collecting every field error.

use serde::{Deserialize, Serialize};

use super::{Collector, FieldErrors, parse_date, present};
use crate::identifiers::{CountryCode, Passport};
use crate::person::{
    IdentifierKind, NameError, NameKind, Person, PersonIdentifier, PersonName, name_part,
};
use crate::text::Text;

/// The earliest year accepted as a date of birth.
const EARLIEST_BIRTH_YEAR: i16 = 1880;

/// A person as typed in: every field a string or list of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PersonDraft {
    pub names: Vec<PersonNameDraft>,
    pub dates_of_birth: Vec<String>,
    pub gender: Option<String>,
    pub self_defined_ethnicity: Option<String>,
    pub officer_observed_ethnicity: Option<String>,
    pub identifiers: Vec<IdentifierDraft>,
    pub descriptions: Vec<String>,
    pub warning_markers: Vec<String>,
}

/// One name as typed in. `kind` defaults to `primary`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PersonNameDraft {
    pub kind: Option<String>,
    pub forenames: Vec<String>,
    pub surname: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One identifier as typed in: `kind` is e.g. `pnc_id`, `passport`, `ni_number`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentifierDraft {
    pub kind: String,
    pub value: String,
    /// Passports only: ISO 3166-1 alpha-3, e.g. `GBR`.
    pub issuing_country: Option<String>,
}

fn name(c: &mut Collector, i: usize, draft: &PersonNameDraft) -> Option<PersonName> {
    let at = |field: &str| format!("names[{i}].{field}");
    let kind = match present(draft.kind.as_deref()) {
        None => Some(NameKind::Primary),
        Some(k) => c.take(at("kind"), k.parse::<NameKind>()),
    };
    let surname = c.take(at("surname"), name_part(&draft.surname, "surname"));
    let mut forenames = Vec::new();
    for (j, f) in draft.forenames.iter().enumerate() {
        if let Some(f) = c.take(
            format!("names[{i}].forenames[{j}]"),
            name_part(f, "forename"),
        ) {
            forenames.push(f);
        }
    }
    let from = c.optional(&at("from"), draft.from.as_deref(), parse_date);
    let to = c.optional(&at("to"), draft.to.as_deref(), parse_date);
    if let (Ok(Some(from)), Ok(Some(to))) = (from, to)
        && from > to
    {
        c.push(at("to"), NameError::DatesReversed { from, to });
        return None;
    }
    let (Some(kind), Some(surname), Ok(from), Ok(to)) = (kind, surname, from, to) else {
        return None;
    };
    if forenames.len() != draft.forenames.len() {
        return None;
    }
    let refs: Vec<&str> = forenames.iter().map(String::as_str).collect();
    let built = PersonName::new(kind, &refs, &surname).and_then(|n| n.with_dates(from, to));
    c.take(at("to"), built)
}

fn identifier(c: &mut Collector, i: usize, draft: &IdentifierDraft) -> Option<PersonIdentifier> {
    let at = |field: &str| format!("identifiers[{i}].{field}");
    let kind = c.take(at("kind"), draft.kind.parse::<IdentifierKind>())?;
    if kind == IdentifierKind::Passport {
        let country = c.optional(
            &at("issuing_country"),
            draft.issuing_country.as_deref(),
            CountryCode::parse,
        );
        // With a bad country the number is still checked, against the general rule.
        let passport = c.take(
            at("value"),
            Passport::new(&draft.value, country.clone().ok().flatten()),
        );
        return passport
            .filter(|_| country.is_ok())
            .map(PersonIdentifier::Passport);
    }
    let stray_country = present(draft.issuing_country.as_deref()).is_some();
    if stray_country {
        c.push(
            at("issuing_country"),
            "only passports have an issuing country",
        );
    }
    let id = c.take(at("value"), PersonIdentifier::parse(kind, &draft.value));
    id.filter(|_| !stray_country)
}

impl TryFrom<PersonDraft> for Person {
    type Error = FieldErrors;

    fn try_from(draft: PersonDraft) -> Result<Self, Self::Error> {
        let mut c = Collector::default();
        if draft.names.is_empty() {
            c.push("names", "at least one name is needed, marked primary");
        }
        let names: Vec<Option<PersonName>> = draft
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| name(&mut c, i, n))
            .collect();

        let mut dates_of_birth = Vec::new();
        for (i, text) in draft.dates_of_birth.iter().enumerate() {
            let field = format!("dates_of_birth[{i}]");
            match c.take(field.clone(), parse_date(text)) {
                Some(d) if d.year() < EARLIEST_BIRTH_YEAR => {
                    c.push(field, format!("{d} is too early to be a date of birth"))
                }
                Some(d) if dates_of_birth.contains(&d) => {
                    c.push(field, format!("{d} is given twice"))
                }
                Some(d) => dates_of_birth.push(d),
                None => {}
            }
        }
        let gender = c.optional("gender", draft.gender.as_deref(), str::parse);
        let self_defined = c.optional(
            "self_defined_ethnicity",
            draft.self_defined_ethnicity.as_deref(),
            str::parse,
        );
        let observed = c.optional(
            "officer_observed_ethnicity",
            draft.officer_observed_ethnicity.as_deref(),
            str::parse,
        );

        let mut identifiers = Vec::new();
        for (i, d) in draft.identifiers.iter().enumerate() {
            match identifier(&mut c, i, d) {
                Some(id) if identifiers.contains(&id) => {
                    c.push(format!("identifiers[{i}].value"), "is given twice")
                }
                Some(id) => identifiers.push(id),
                None => {}
            }
        }
        let mut descriptions = Vec::new();
        for (i, d) in draft.descriptions.iter().enumerate() {
            descriptions.extend(c.take(format!("descriptions[{i}]"), Text::parse(d)));
        }
        let mut warning_markers = Vec::new();
        for (i, m) in draft.warning_markers.iter().enumerate() {
            if let Some(m) = c.take(format!("warning_markers[{i}]"), m.parse())
                && !warning_markers.contains(&m)
            {
                warning_markers.push(m);
            }
        }

        let names: Option<Vec<PersonName>> = names.into_iter().collect();
        let person = names
            .filter(|n| !n.is_empty())
            .and_then(|n| c.take("names", Person::new(n)));
        match (person, gender, self_defined, observed) {
            (Some(mut p), Ok(gender), Ok(self_defined), Ok(observed)) if c.is_empty() => {
                p.dates_of_birth = dates_of_birth;
                p.gender = gender;
                p.self_defined_ethnicity = self_defined;
                p.officer_observed_ethnicity = observed;
                p.identifiers = identifiers;
                p.descriptions = descriptions;
                p.warning_markers = warning_markers;
                Ok(p)
            }
            _ => Err(c.into_errors()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::{Gender, WarningMarker};

    fn draft(json: &str) -> PersonDraft {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_good_draft_converts() {
        let p = Person::try_from(draft(
            r#"{"names":[{"forenames":["Sam"],"surname":"Smith"},{"kind":"alias","surname":"Smyth"}],
                "dates_of_birth":["02/01/1980"],"gender":"M","self_defined_ethnicity":"W1",
                "identifiers":[{"kind":"pnc","value":"08/56560Z"},{"kind":"passport","value":"123456789","issuing_country":"gbr"}],
                "warning_markers":["weapons","Weapons","self harm"],"descriptions":["Scar on chin"]}"#,
        ))
        .unwrap();
        assert_eq!(p.primary_name().surname(), "Smith");
        assert_eq!(p.names().len(), 2);
        assert_eq!(p.dates_of_birth, vec![jiff::civil::date(1980, 1, 2)]);
        assert_eq!(p.gender, Some(Gender::Male));
        assert_eq!(p.identifiers[0].value(), "2008/0056560Z");
        assert_eq!(
            p.warning_markers,
            vec![WarningMarker::Weapons, WarningMarker::SelfHarm]
        );
    }

    #[test]
    fn every_error_is_reported_with_its_field() {
        let err = Person::try_from(draft(
            r#"{"names":[{"forenames":["Sam","J4ck"],"surname":" ","from":"2001-01-01","to":"2000-01-01"}],
                "dates_of_birth":["1980-02-30","1870-01-01"],"gender":"robot","self_defined_ethnicity":"",
                "identifiers":[{"kind":"pnc_id","value":"2008/0056560Z"},{"kind":"shoe","value":"9"},
                               {"kind":"pnc_id","value":"2003/0011985Z"},{"kind":"email","value":"x","issuing_country":"GBR"},
                               {"kind":"passport","value":"AB123456","issuing_country":"GBR"},{"kind":"pnc_id","value":"08/56560Z"}],
                "descriptions":[""],"warning_markers":["grumpy"]}"#,
        ))
        .unwrap_err();
        let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "names[0].surname",
                "names[0].forenames[1]",
                "names[0].to",
                "dates_of_birth[0]",
                "dates_of_birth[1]",
                "gender",
                "identifiers[1].kind",
                "identifiers[2].value",
                "identifiers[3].issuing_country",
                "identifiers[3].value",
                "identifiers[4].value",
                "identifiers[5].value",
                "descriptions[0]",
                "warning_markers[0]",
            ]
        );
        assert_eq!(
            err.message_for("identifiers[2].value"),
            Some("PNC ID check letter should be X, not Z")
        );
        assert_eq!(
            err.message_for("names[0].surname"),
            Some("surname must not be empty")
        );
        assert_eq!(
            err.message_for("dates_of_birth[1]"),
            Some("1870-01-01 is too early to be a date of birth")
        );
        assert_eq!(
            err.message_for("identifiers[5].value"),
            Some("is given twice")
        );
        assert_eq!(
            err.message_for("identifiers[4].value"),
            Some("passport number issued by the UK should be exactly 9 digits")
        );
    }

    #[test]
    fn name_rules() {
        let err = Person::try_from(draft(r#"{"names":[]}"#)).unwrap_err();
        assert_eq!(
            err.message_for("names"),
            Some("at least one name is needed, marked primary")
        );
        let err =
            Person::try_from(draft(r#"{"names":[{"kind":"alias","surname":"A"}]}"#)).unwrap_err();
        assert_eq!(
            err.message_for("names"),
            Some("a person needs exactly one primary name (this has none)")
        );
        let err = Person::try_from(draft(
            r#"{"names":[{"surname":"A","from":"2001-01-01","to":"2000-01-01"}]}"#,
        ))
        .unwrap_err();
        assert_eq!(
            err.message_for("names[0].to"),
            Some("name dates are the wrong way round: 2001-01-01 is after 2000-01-01")
        );
        let err = Person::try_from(draft(r#"{"names":[{"kind":"maiden name","surname":"A"}]}"#))
            .unwrap_err();
        assert!(err.message_for("names[0].kind").is_some());
        assert!(
            serde_json::from_str::<PersonDraft>(r#"{"nmes":[]}"#).is_err(),
            "unknown fields are refused"
        );
    }
}
