//! Links: typed, dated, directed relations between two entities — a person's role in an event,
//! a person's addresses, relations between people, and who owns or uses an object.
//!
//! `LinkKind::endpoints()` says which kinds of entity a link connects (from → to); the store
//! checks it, since only the store knows the kind of each id.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::code_list::{UnknownCode, code_list};
use crate::entity::EntityKind;
use crate::ids::EntityId;

code_list! {
    /// How the `from` person is related to the `to` person: `from` is the `to` person's …
    pub enum FamilyRelation ("family relation") {
        Parent = "parent",
        Child = "child",
        Sibling = "sibling",
        Grandparent = "grandparent",
        Grandchild = "grandchild",
        AuntOrUncle = "aunt_or_uncle",
        NieceOrNephew = "niece_or_nephew",
        Cousin = "cousin",
        StepParent = "step_parent",
        StepChild = "step_child",
        InLaw = "in_law",
        Other = "other",
    }
}

/// The type of a link. Serialised as `{"type":"suspect"}` or `{"type":"family","relation":"parent"}`;
/// written as text as `suspect` or `family:parent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LinkKind {
    // person → event
    Suspect,
    Victim,
    Witness,
    Reporter,
    Arrested,
    /// The person a custody episode, intelligence or vulnerable-person record is about.
    Subject,
    // person → location
    Home,
    Work,
    Visits,
    PreviousAddress,
    // person → person
    Family {
        relation: FamilyRelation,
    },
    Associate,
    Partner,
    // object → person
    Owner,
    Keeper,
    User,
    FoundOn,
    // object → event, object → location
    InvolvedIn,
    LocatedAt,
}

impl LinkKind {
    /// Every kind without a family relation, in declaration order (for listings and parsing).
    const SIMPLE: [(LinkKind, &'static str); 18] = [
        (Self::Suspect, "suspect"),
        (Self::Victim, "victim"),
        (Self::Witness, "witness"),
        (Self::Reporter, "reporter"),
        (Self::Arrested, "arrested"),
        (Self::Subject, "subject"),
        (Self::Home, "home"),
        (Self::Work, "work"),
        (Self::Visits, "visits"),
        (Self::PreviousAddress, "previous_address"),
        (Self::Associate, "associate"),
        (Self::Partner, "partner"),
        (Self::Owner, "owner"),
        (Self::Keeper, "keeper"),
        (Self::User, "user"),
        (Self::FoundOn, "found_on"),
        (Self::InvolvedIn, "involved_in"),
        (Self::LocatedAt, "located_at"),
    ];

    /// All type names (`family` takes a relation).
    pub const NAMES: &'static [&'static str] = &[
        "suspect",
        "victim",
        "witness",
        "reporter",
        "arrested",
        "subject",
        "home",
        "work",
        "visits",
        "previous_address",
        "family",
        "associate",
        "partner",
        "owner",
        "keeper",
        "user",
        "found_on",
        "involved_in",
        "located_at",
    ];

    /// The type name without the relation (`family` for every family link).
    pub fn name(self) -> &'static str {
        match self {
            Self::Family { .. } => "family",
            other => Self::SIMPLE
                .iter()
                .find(|(k, _)| *k == other)
                .map_or("family", |(_, n)| n),
        }
    }

    /// The kinds of entity this link connects, as (from, to).
    pub fn endpoints(self) -> (EntityKind, EntityKind) {
        use EntityKind::{Event, Location, Object, Person};
        match self {
            Self::Suspect
            | Self::Victim
            | Self::Witness
            | Self::Reporter
            | Self::Arrested
            | Self::Subject => (Person, Event),
            Self::Home | Self::Work | Self::Visits | Self::PreviousAddress => (Person, Location),
            Self::Family { .. } | Self::Associate | Self::Partner => (Person, Person),
            Self::Owner | Self::Keeper | Self::User | Self::FoundOn => (Object, Person),
            Self::InvolvedIn => (Object, Event),
            Self::LocatedAt => (Object, Location),
        }
    }

    /// Parses a type name plus, for `family`, its relation.
    pub fn parse(name: &str, relation: Option<&str>) -> Result<Self, LinkKindError> {
        let wanted = crate::code_list::normalise_code(name);
        if wanted == "family" {
            let relation = relation.ok_or(LinkKindError::RelationMissing)?;
            return Ok(Self::Family {
                relation: relation.parse().map_err(LinkKindError::Relation)?,
            });
        }
        let kind = Self::SIMPLE
            .iter()
            .find(|(_, n)| *n == wanted)
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                LinkKindError::Unknown(UnknownCode {
                    list: "link type",
                    value: name.to_owned(),
                    expected: Self::NAMES,
                })
            })?;
        if relation.is_some() {
            return Err(LinkKindError::RelationNotAllowed);
        }
        Ok(kind)
    }
}

/// Why a link type was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkKindError {
    #[error(transparent)]
    Unknown(UnknownCode),
    #[error("a family link needs a relation (parent, child, sibling...)")]
    RelationMissing,
    #[error(transparent)]
    Relation(UnknownCode),
    #[error("only family links have a relation")]
    RelationNotAllowed,
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Family { relation } => write!(f, "family:{relation}"),
            other => f.write_str(other.name()),
        }
    }
}

impl FromStr for LinkKind {
    type Err = LinkKindError;
    /// Reads `suspect` or `family:parent`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((name, relation)) => Self::parse(name, Some(relation)),
            None => Self::parse(s, None),
        }
    }
}

/// Why a link was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("a link cannot connect an entity to itself")]
    SelfLink,
    #[error("link dates are the wrong way round: {from} is after {to}")]
    DatesReversed { from: Date, to: Date },
}

/// A directed, typed, optionally dated link. Build with [`Link::new`] and [`Link::with_dates`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "LinkRaw")]
pub struct Link {
    from: EntityId,
    to: EntityId,
    kind: LinkKind,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkRaw {
    from: EntityId,
    to: EntityId,
    kind: LinkKind,
    #[serde(default)]
    valid_from: Option<Date>,
    #[serde(default)]
    valid_to: Option<Date>,
}

impl TryFrom<LinkRaw> for Link {
    type Error = LinkError;
    fn try_from(raw: LinkRaw) -> Result<Self, Self::Error> {
        Link::new(raw.from, raw.to, raw.kind)?.with_dates(raw.valid_from, raw.valid_to)
    }
}

impl Link {
    /// An undated link; `from` and `to` must differ.
    pub fn new(from: EntityId, to: EntityId, kind: LinkKind) -> Result<Self, LinkError> {
        if from == to {
            return Err(LinkError::SelfLink);
        }
        Ok(Self {
            from,
            to,
            kind,
            valid_from: None,
            valid_to: None,
        })
    }

    /// The same link, valid between the dates (either may be open; from ≤ to).
    pub fn with_dates(
        mut self,
        valid_from: Option<Date>,
        valid_to: Option<Date>,
    ) -> Result<Self, LinkError> {
        if let (Some(from), Some(to)) = (valid_from, valid_to)
            && from > to
        {
            return Err(LinkError::DatesReversed { from, to });
        }
        self.valid_from = valid_from;
        self.valid_to = valid_to;
        Ok(self)
    }

    pub fn from(&self) -> EntityId {
        self.from
    }

    pub fn to(&self) -> EntityId {
        self.to
    }

    pub fn kind(&self) -> LinkKind {
        self.kind
    }

    pub fn valid_from(&self) -> Option<Date> {
        self.valid_from
    }

    pub fn valid_to(&self) -> Option<Date> {
        self.valid_to
    }

    /// Whether the link holds on `date` (open ends count as holding).
    pub fn holds_on(&self, date: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date <= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn every_kind_names_and_parses() {
        for (kind, name) in LinkKind::SIMPLE {
            assert_eq!(kind.name(), name);
            assert_eq!(name.parse::<LinkKind>().unwrap(), kind);
            assert!(LinkKind::NAMES.contains(&name));
        }
        let fam = LinkKind::Family {
            relation: FamilyRelation::Parent,
        };
        assert_eq!(fam.to_string(), "family:parent");
        assert_eq!("family:parent".parse::<LinkKind>().unwrap(), fam);
        assert_eq!(
            LinkKind::parse("Family", None).unwrap_err(),
            LinkKindError::RelationMissing
        );
        assert!(matches!(
            LinkKind::parse("family", Some("pet")),
            Err(LinkKindError::Relation(_))
        ));
        assert_eq!(
            LinkKind::parse("suspect", Some("parent")).unwrap_err(),
            LinkKindError::RelationNotAllowed
        );
        assert!(matches!(
            "enemy".parse::<LinkKind>(),
            Err(LinkKindError::Unknown(_))
        ));
        assert_eq!(LinkKind::NAMES.len(), LinkKind::SIMPLE.len() + 1);
    }

    #[test]
    fn endpoints() {
        use EntityKind::*;
        assert_eq!(LinkKind::Suspect.endpoints(), (Person, Event));
        assert_eq!(LinkKind::Home.endpoints(), (Person, Location));
        assert_eq!(
            LinkKind::Family {
                relation: FamilyRelation::Sibling
            }
            .endpoints(),
            (Person, Person)
        );
        assert_eq!(LinkKind::Keeper.endpoints(), (Object, Person));
        assert_eq!(LinkKind::InvolvedIn.endpoints(), (Object, Event));
        assert_eq!(LinkKind::LocatedAt.endpoints(), (Object, Location));
    }

    #[test]
    fn links_are_checked() {
        let (a, b) = (EntityId::new(), EntityId::new());
        assert_eq!(
            Link::new(a, a, LinkKind::Associate).unwrap_err(),
            LinkError::SelfLink
        );
        let home = Link::new(a, b, LinkKind::Home)
            .unwrap()
            .with_dates(Some(date(2020, 1, 1)), Some(date(2022, 6, 30)))
            .unwrap();
        assert!(home.holds_on(date(2021, 5, 5)));
        assert!(!home.holds_on(date(2023, 1, 1)));
        assert!(
            Link::new(a, b, LinkKind::Home)
                .unwrap()
                .holds_on(date(1900, 1, 1))
        );
        let err = Link::new(a, b, LinkKind::Home)
            .unwrap()
            .with_dates(Some(date(2023, 1, 1)), Some(date(2022, 1, 1)))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "link dates are the wrong way round: 2023-01-01 is after 2022-01-01"
        );
    }

    #[test]
    fn serde_rechecks() {
        let (a, b) = (EntityId::new(), EntityId::new());
        let l = Link::new(
            a,
            b,
            LinkKind::Family {
                relation: FamilyRelation::Child,
            },
        )
        .unwrap();
        let json = serde_json::to_string(&l).unwrap();
        assert!(
            json.contains(r#""kind":{"type":"family","relation":"child"}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Link>(&json).unwrap(), l);
        let selfish = json.replace(&b.to_string(), &a.to_string());
        assert!(serde_json::from_str::<Link>(&selfish).is_err());
        let simple = format!(
            r#"{{"from":"{a}","to":"{b}","kind":{{"type":"victim"}},"valid_from":"2024-01-02","valid_to":"2024-01-01"}}"#
        );
        assert!(serde_json::from_str::<Link>(&simple).is_err());
        assert!(serde_json::from_str::<Link>(&simple.replace("2024-01-01", "2024-01-03")).is_ok());
    }
}
