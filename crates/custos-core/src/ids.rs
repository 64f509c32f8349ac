//! Stable identifiers. Entity ids are UUIDs (version 7 when generated live, seeded random bytes in
//! the deterministic demo) so that a force can shard on (force, id) without a central sequence.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The id of any POLE entity (person, object, location, event or link). Stable for life: a merge
/// keeps both ids and records which one is primary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntityId(Uuid);

impl EntityId {
    /// A fresh, time-ordered id.
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }

    /// An id built from 16 random bytes (used by seeded, deterministic generators).
    pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
        Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
    }

    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(Uuid::from_bytes(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
    }
}

impl Default for EntityId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for EntityId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s.trim()).map(Self).map_err(|_| IdError::Malformed {
            kind: "entity id",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{kind} is empty")]
    Empty { kind: &'static str },
    #[error("{kind} is malformed")]
    Malformed { kind: &'static str },
    #[error("{kind} is too long (at most {max} characters)")]
    TooLong { kind: &'static str, max: usize },
}

macro_rules! name_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses a name: 1–64 characters of ASCII letters, digits, `-`, `_` or `.`.
            pub fn parse(s: &str) -> Result<Self, IdError> {
                let s = s.trim();
                if s.is_empty() {
                    return Err(IdError::Empty { kind: $kind });
                }
                if s.chars().count() > 64 {
                    return Err(IdError::TooLong { kind: $kind, max: 64 });
                }
                if !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
                    return Err(IdError::Malformed { kind: $kind });
                }
                Ok(Self(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

name_id!(
    /// A user's sign-in name: the warrant or pay number (e.g. `MP123456`), or a service account name.
    UserId,
    "user id"
);
name_id!(
    /// An organisational unit (borough command, squad, department), e.g. `CE-BCU`, `DATA-OFFICE`.
    UnitId,
    "unit id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(UserId::parse("MP123456").is_ok());
        assert_eq!(UserId::parse("  ").unwrap_err(), IdError::Empty { kind: "user id" });
        assert!(UnitId::parse("CE BCU").is_err());
        assert!(UnitId::parse(&"x".repeat(65)).is_err());
        assert!(serde_json::from_str::<UnitId>("\"bad unit\"").is_err());
    }

    #[test]
    fn entity_ids_round_trip() {
        let id = EntityId::new();
        assert_eq!(id.to_string().parse::<EntityId>().unwrap(), id);
        assert!("not-a-uuid".parse::<EntityId>().is_err());
        assert_eq!(EntityId::from_bytes(*id.as_bytes()), id);
    }
}
