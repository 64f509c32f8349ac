//! Person (the "nominal"): names, dates of birth, gender, ethnicity, identifiers, descriptions
//! and warning markers. Addresses are not held here: they are dated links to Locations.
//!
//! Invariant: a person has exactly one primary name, kept first in `names()`. Everything else is
//! valid by type (identifiers are parsed newtypes, free text is [`Text`]).

mod ethnicity;
mod name;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use ethnicity::{ObservedEthnicity, SelfDefinedEthnicity};
pub(crate) use name::clean_name_part as name_part;
pub use name::{MAX_NAME_CHARS, NameError, NameKind, PersonName};

use crate::code_list::code_list;
use crate::identifiers::{
    CroNumber, DrivingLicence, Email, IdentifierError, NiNumber, Passport, PhoneNumber, PncId,
};
use crate::text::Text;

code_list! {
    /// Gender as recorded (PNC records M, F or unknown; "other" is for self-description).
    pub enum Gender ("gender") {
        Male = "male" | "m",
        Female = "female" | "f",
        Other = "other",
        NotKnown = "not_known" | "unknown" | "u",
    }
}

code_list! {
    /// Warning markers, after the PNC warning signals, shown to anyone who views or finds the
    /// person. The names are stable serde names; we could not find a public primary source for
    /// the PNC's own two-letter codes, so none are claimed here.
    pub enum WarningMarker ("warning marker") {
        Violent = "violent",
        Weapons = "weapons",
        Firearms = "firearms",
        Explosives = "explosives",
        SelfHarm = "self_harm",
        Suicidal = "suicidal",
        Drugs = "drugs",
        Escaper = "escaper",
        MentalHealth = "mental_health",
        Contagious = "contagious",
        /// A medical condition officers must know about (e.g. diabetes, epilepsy).
        Ailment = "ailment",
        /// Makes allegations against officers.
        Alleges = "alleges",
        MaleImpersonator = "male_impersonator",
        FemaleImpersonator = "female_impersonator",
    }
}

code_list! {
    /// The kinds of identifier a person may carry.
    pub enum IdentifierKind ("identifier kind") {
        PncId = "pnc_id" | "pnc",
        CroNumber = "cro_number" | "cro",
        Passport = "passport",
        DrivingLicence = "driving_licence" | "driving_license",
        NiNumber = "ni_number" | "nino" | "national_insurance_number",
        Phone = "phone" | "phone_number",
        Email = "email",
    }
}

/// One identifier of a person, tagged by kind: `{"kind":"pnc_id","value":"2008/0056560Z"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PersonIdentifier {
    PncId {
        value: PncId,
    },
    CroNumber {
        value: CroNumber,
    },
    /// `{"kind":"passport","value":"123456789","issuing_country":"GBR"}`.
    Passport(Passport),
    DrivingLicence {
        value: DrivingLicence,
    },
    NiNumber {
        value: NiNumber,
    },
    Phone {
        value: PhoneNumber,
    },
    Email {
        value: Email,
    },
}

impl PersonIdentifier {
    /// Parses `value` as an identifier of `kind` (a passport with no issuing country).
    pub fn parse(kind: IdentifierKind, value: &str) -> Result<Self, IdentifierError> {
        Ok(match kind {
            IdentifierKind::PncId => Self::PncId {
                value: PncId::parse(value)?,
            },
            IdentifierKind::CroNumber => Self::CroNumber {
                value: CroNumber::parse(value)?,
            },
            IdentifierKind::Passport => Self::Passport(Passport::new(value, None)?),
            IdentifierKind::DrivingLicence => Self::DrivingLicence {
                value: DrivingLicence::parse(value)?,
            },
            IdentifierKind::NiNumber => Self::NiNumber {
                value: NiNumber::parse(value)?,
            },
            IdentifierKind::Phone => Self::Phone {
                value: PhoneNumber::parse(value)?,
            },
            IdentifierKind::Email => Self::Email {
                value: Email::parse(value)?,
            },
        })
    }

    pub fn kind(&self) -> IdentifierKind {
        match self {
            Self::PncId { .. } => IdentifierKind::PncId,
            Self::CroNumber { .. } => IdentifierKind::CroNumber,
            Self::Passport(_) => IdentifierKind::Passport,
            Self::DrivingLicence { .. } => IdentifierKind::DrivingLicence,
            Self::NiNumber { .. } => IdentifierKind::NiNumber,
            Self::Phone { .. } => IdentifierKind::Phone,
            Self::Email { .. } => IdentifierKind::Email,
        }
    }

    /// The normalised value, as used for exact-match search keys.
    pub fn value(&self) -> &str {
        match self {
            Self::PncId { value } => value.as_str(),
            Self::CroNumber { value } => value.as_str(),
            Self::Passport(p) => p.number().as_str(),
            Self::DrivingLicence { value } => value.as_str(),
            Self::NiNumber { value } => value.as_str(),
            Self::Phone { value } => value.as_str(),
            Self::Email { value } => value.as_str(),
        }
    }
}

/// Why a set of names cannot belong to one person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonError {
    #[error("a person needs exactly one primary name (this has none)")]
    NoPrimaryName,
    #[error("a person needs exactly one primary name (this has {0})")]
    SeveralPrimaryNames(usize),
}

/// A person. Build with [`Person::new`], then fill the public fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PersonRaw")]
pub struct Person {
    names: Vec<PersonName>,
    pub dates_of_birth: Vec<Date>,
    pub gender: Option<Gender>,
    pub self_defined_ethnicity: Option<SelfDefinedEthnicity>,
    pub officer_observed_ethnicity: Option<ObservedEthnicity>,
    pub identifiers: Vec<PersonIdentifier>,
    pub descriptions: Vec<Text>,
    pub warning_markers: Vec<WarningMarker>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonRaw {
    names: Vec<PersonName>,
    #[serde(default)]
    dates_of_birth: Vec<Date>,
    #[serde(default)]
    gender: Option<Gender>,
    #[serde(default)]
    self_defined_ethnicity: Option<SelfDefinedEthnicity>,
    #[serde(default)]
    officer_observed_ethnicity: Option<ObservedEthnicity>,
    #[serde(default)]
    identifiers: Vec<PersonIdentifier>,
    #[serde(default)]
    descriptions: Vec<Text>,
    #[serde(default)]
    warning_markers: Vec<WarningMarker>,
}

impl TryFrom<PersonRaw> for Person {
    type Error = PersonError;
    fn try_from(raw: PersonRaw) -> Result<Self, Self::Error> {
        let mut person = Person::new(raw.names)?;
        person.dates_of_birth = raw.dates_of_birth;
        person.gender = raw.gender;
        person.self_defined_ethnicity = raw.self_defined_ethnicity;
        person.officer_observed_ethnicity = raw.officer_observed_ethnicity;
        person.identifiers = raw.identifiers;
        person.descriptions = raw.descriptions;
        person.warning_markers = raw.warning_markers;
        Ok(person)
    }
}

/// Checks the one-primary rule and puts the primary name first.
fn order_names(mut names: Vec<PersonName>) -> Result<Vec<PersonName>, PersonError> {
    match names
        .iter()
        .filter(|n| n.kind() == NameKind::Primary)
        .count()
    {
        0 => Err(PersonError::NoPrimaryName),
        1 => {
            if let Some(i) = names.iter().position(|n| n.kind() == NameKind::Primary) {
                let primary = names.remove(i);
                names.insert(0, primary);
            }
            Ok(names)
        }
        n => Err(PersonError::SeveralPrimaryNames(n)),
    }
}

impl Person {
    /// A person with these names (exactly one primary) and nothing else recorded yet.
    pub fn new(names: Vec<PersonName>) -> Result<Self, PersonError> {
        Ok(Self {
            names: order_names(names)?,
            dates_of_birth: Vec::new(),
            gender: None,
            self_defined_ethnicity: None,
            officer_observed_ethnicity: None,
            identifiers: Vec::new(),
            descriptions: Vec::new(),
            warning_markers: Vec::new(),
        })
    }

    /// All names, the primary first.
    pub fn names(&self) -> &[PersonName] {
        &self.names
    }

    /// The primary name.
    pub fn primary_name(&self) -> &PersonName {
        &self.names[0]
    }

    /// Replaces the names (exactly one primary).
    pub fn set_names(&mut self, names: Vec<PersonName>) -> Result<(), PersonError> {
        self.names = order_names(names)?;
        Ok(())
    }

    /// Adds an alias, previous, maiden or nickname; a second primary name is refused.
    pub fn add_name(&mut self, name: PersonName) -> Result<(), PersonError> {
        if name.kind() == NameKind::Primary {
            return Err(PersonError::SeveralPrimaryNames(2));
        }
        self.names.push(name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(kind: NameKind, surname: &str) -> PersonName {
        PersonName::new(kind, &["Sam"], surname).unwrap()
    }

    #[test]
    fn exactly_one_primary_name() {
        assert_eq!(Person::new(vec![]).unwrap_err(), PersonError::NoPrimaryName);
        assert_eq!(
            Person::new(vec![name(NameKind::Alias, "A")])
                .unwrap_err()
                .to_string(),
            "a person needs exactly one primary name (this has none)"
        );
        let two = vec![name(NameKind::Primary, "A"), name(NameKind::Primary, "B")];
        assert_eq!(
            Person::new(two).unwrap_err(),
            PersonError::SeveralPrimaryNames(2)
        );
        let mut p = Person::new(vec![
            name(NameKind::Alias, "Alias"),
            name(NameKind::Primary, "Main"),
        ])
        .unwrap();
        assert_eq!(p.primary_name().surname(), "Main");
        assert_eq!(p.names()[1].surname(), "Alias");
        assert!(p.add_name(name(NameKind::Primary, "Other")).is_err());
        p.add_name(name(NameKind::Nickname, "Nick")).unwrap();
        assert_eq!(p.names().len(), 3);
        assert!(p.set_names(vec![name(NameKind::Alias, "X")]).is_err());
        assert_eq!(
            p.names().len(),
            3,
            "a refused change leaves the names alone"
        );
    }

    #[test]
    fn identifiers_parse_and_tag() {
        let pnc = PersonIdentifier::parse(IdentifierKind::PncId, "08/56560z").unwrap();
        assert_eq!(pnc.value(), "2008/0056560Z");
        assert_eq!(pnc.kind(), IdentifierKind::PncId);
        assert_eq!(
            serde_json::to_string(&pnc).unwrap(),
            r#"{"kind":"pnc_id","value":"2008/0056560Z"}"#
        );
        let passport = PersonIdentifier::parse(IdentifierKind::Passport, "AB123456").unwrap();
        assert_eq!(
            serde_json::to_string(&passport).unwrap(),
            r#"{"kind":"passport","value":"AB123456"}"#
        );
        let uk: PersonIdentifier = serde_json::from_str(
            r#"{"kind":"passport","value":"123456789","issuing_country":"gbr"}"#,
        )
        .unwrap();
        assert_eq!(uk.value(), "123456789");
        assert!(
            serde_json::from_str::<PersonIdentifier>(
                r#"{"kind":"passport","value":"AB123456","issuing_country":"GBR"}"#
            )
            .is_err()
        );
        assert!(
            serde_json::from_str::<PersonIdentifier>(r#"{"kind":"ni_number","value":"QQ123456A"}"#)
                .is_err()
        );
        assert!(PersonIdentifier::parse(IdentifierKind::Email, "nope").is_err());
        assert_eq!(
            "nino".parse::<IdentifierKind>().unwrap(),
            IdentifierKind::NiNumber
        );
    }

    #[test]
    fn serde_round_trip_keeps_the_invariant() {
        let mut p = Person::new(vec![name(NameKind::Primary, "Smith")]).unwrap();
        p.dates_of_birth.push(jiff::civil::date(1980, 2, 29));
        p.gender = Some(Gender::Female);
        p.self_defined_ethnicity = Some(SelfDefinedEthnicity::WhiteIrish);
        p.officer_observed_ethnicity = Some(ObservedEthnicity::WhiteNorthEuropean);
        p.identifiers
            .push(PersonIdentifier::parse(IdentifierKind::Phone, "07700 900123").unwrap());
        p.descriptions
            .push(Text::parse("Tattoo of a swallow on left hand").unwrap());
        p.warning_markers.push(WarningMarker::Weapons);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Person>(&json).unwrap(), p);
        assert!(json.contains(r#""warning_markers":["weapons"]"#), "{json}");
        let no_primary = json.replace(r#""kind":"primary""#, r#""kind":"alias""#);
        assert!(serde_json::from_str::<Person>(&no_primary).is_err());
        assert!(
            serde_json::from_str::<Person>(
                r#"{"names":[{"kind":"primary","surname":"X"}],"shoe_size":9}"#
            )
            .is_err()
        );
        assert_eq!("U".parse::<Gender>().unwrap(), Gender::NotKnown);
    }
}
