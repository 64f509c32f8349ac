//! Security markings carried by every entity: the Government Security Classification tier, the
//! SENSITIVE handling marking (need-to-know), the owning unit and an optional access-control list.
//!
//! OFFICIAL-SENSITIVE is not a fourth tier: it is OFFICIAL plus the SENSITIVE marking (Government
//! Security Classifications, 2018 §§4–5). Combining records never raises a classification by itself.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::{UnitId, UserId};

/// The three classification tiers, ordered so that `a <= b` means "b is at least as high as a".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Classification {
    Official,
    Secret,
    TopSecret,
}

impl Classification {
    pub const ALL: [Classification; 3] = [Self::Official, Self::Secret, Self::TopSecret];

    /// A numeric level (0, 1, 2) for policy engines that compare integers.
    pub fn level(self) -> i64 {
        match self {
            Self::Official => 0,
            Self::Secret => 1,
            Self::TopSecret => 2,
        }
    }

    /// The tier of a numeric level (the inverse of [`Classification::level`]).
    pub fn from_level(level: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.level() == level)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Official => "OFFICIAL",
            Self::Secret => "SECRET",
            Self::TopSecret => "TOP_SECRET",
        }
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown classification {0:?}: expected OFFICIAL, SECRET or TOP SECRET")]
pub struct UnknownClassification(pub String);

impl FromStr for Classification {
    type Err = UnknownClassification;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().replace([' ', '-'], "_").as_str() {
            "OFFICIAL" => Ok(Self::Official),
            "SECRET" => Ok(Self::Secret),
            "TOP_SECRET" => Ok(Self::TopSecret),
            _ => Err(UnknownClassification(s.to_owned())),
        }
    }
}

/// One entry of an access-control list: a named user or every member of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum AclEntry {
    User(UserId),
    Unit(UnitId),
}

/// The marking every entity carries. An empty ACL on a SENSITIVE record means nobody outside the
/// ACL may read it: SENSITIVE is need-to-know, so the ACL is the whole of the need.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SecurityMarking {
    pub classification: Classification,
    pub sensitive: bool,
    pub owning_unit: UnitId,
    #[serde(default)]
    pub acl: Vec<AclEntry>,
}

impl SecurityMarking {
    /// OFFICIAL, not sensitive, owned by `unit`, no ACL: the usual marking of operational records.
    pub fn official(owning_unit: UnitId) -> Self {
        Self {
            classification: Classification::Official,
            sensitive: false,
            owning_unit,
            acl: Vec::new(),
        }
    }

    /// Whether `user` (a member of `units`) is named on the ACL, directly or through a unit.
    pub fn acl_admits(&self, user: &UserId, units: &[UnitId]) -> bool {
        self.acl.iter().any(|entry| match entry {
            AclEntry::User(u) => u == user,
            AclEntry::Unit(unit) => units.contains(unit),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_ordered_and_parse() {
        assert!(Classification::Official < Classification::Secret);
        assert!(Classification::Secret < Classification::TopSecret);
        for (text, want) in [
            ("OFFICIAL", Classification::Official),
            ("secret", Classification::Secret),
            ("TOP SECRET", Classification::TopSecret),
            ("top-secret", Classification::TopSecret),
        ] {
            assert_eq!(text.parse::<Classification>().unwrap(), want, "{text}");
        }
        for c in Classification::ALL {
            assert_eq!(Classification::from_level(c.level()), Some(c));
        }
        assert_eq!(Classification::from_level(3), None);
        // OFFICIAL-SENSITIVE is a marking, not a tier.
        assert!("OFFICIAL-SENSITIVE".parse::<Classification>().is_err());
        assert!("RESTRICTED".parse::<Classification>().is_err());
    }

    #[test]
    fn acl_admits_users_and_units() {
        let unit = UnitId::parse("CE-BCU").unwrap();
        let mut m = SecurityMarking::official(unit.clone());
        let alice = UserId::parse("MP1").unwrap();
        assert!(!m.acl_admits(&alice, std::slice::from_ref(&unit)));
        m.acl.push(AclEntry::Unit(unit.clone()));
        assert!(m.acl_admits(&alice, &[unit]));
        assert!(!m.acl_admits(&alice, &[]));
        m.acl.push(AclEntry::User(alice.clone()));
        assert!(m.acl_admits(&alice, &[]));
    }
}
