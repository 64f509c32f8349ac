//! Event: something that happened at a time (or within a window) and usually a place — an
//! incident, crime, arrest, stop, intelligence report, custody episode, anti-social behaviour or
//! vulnerable-person record. The same event is referenced by custody, crime and case records.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::code_list::code_list;
use crate::ids::EntityId;
use crate::text::Text;

code_list! {
    /// What kind of event this is.
    pub enum EventKind ("event kind") {
        Incident = "incident",
        Crime = "crime",
        Arrest = "arrest",
        Stop = "stop",
        Intelligence = "intelligence",
        CustodyEpisode = "custody_episode",
        AntiSocialBehaviour = "anti_social_behaviour" | "asb",
        VulnerablePerson = "vulnerable_person",
        Other = "other",
    }
}

/// A time window whose start is not after its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TimeRangeRaw")]
pub struct TimeRange {
    from: Timestamp,
    to: Timestamp,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeRangeRaw {
    from: Timestamp,
    to: Timestamp,
}

/// The window's start is after its end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the time window is the wrong way round: {from} is after {to}")]
pub struct TimeRangeError {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl TryFrom<TimeRangeRaw> for TimeRange {
    type Error = TimeRangeError;
    fn try_from(raw: TimeRangeRaw) -> Result<Self, Self::Error> {
        Self::new(raw.from, raw.to)
    }
}

impl TimeRange {
    pub fn new(from: Timestamp, to: Timestamp) -> Result<Self, TimeRangeError> {
        if from > to {
            return Err(TimeRangeError { from, to });
        }
        Ok(Self { from, to })
    }

    pub fn from(self) -> Timestamp {
        self.from
    }

    pub fn to(self) -> Timestamp {
        self.to
    }
}

/// When an event happened: at a moment (`{"at":"2024-06-01T21:30:00Z"}`) or some time within a
/// window (`{"between":{"from":…,"to":…}}`), e.g. a burglary while the occupants were away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventTime {
    At(Timestamp),
    Between(TimeRange),
}

impl EventTime {
    /// The earliest moment the event may have happened.
    pub fn start(self) -> Timestamp {
        match self {
            Self::At(t) => t,
            Self::Between(r) => r.from,
        }
    }

    /// The latest moment the event may have happened.
    pub fn end(self) -> Timestamp {
        match self {
            Self::At(t) => t,
            Self::Between(r) => r.to,
        }
    }
}

/// An event. All fields are valid by type; `location` refers to a Location entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub kind: EventKind,
    pub when: EventTime,
    #[serde(default)]
    pub location: Option<EntityId>,
    pub summary: Text,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn windows_must_be_in_order() {
        let r = TimeRange::new(ts("2024-06-01T20:00:00Z"), ts("2024-06-01T22:00:00Z")).unwrap();
        assert_eq!(EventTime::Between(r).start(), ts("2024-06-01T20:00:00Z"));
        assert_eq!(EventTime::Between(r).end(), ts("2024-06-01T22:00:00Z"));
        assert!(TimeRange::new(ts("2024-06-01T20:00:00Z"), ts("2024-06-01T20:00:00Z")).is_ok());
        let err =
            TimeRange::new(ts("2024-06-02T00:00:00Z"), ts("2024-06-01T00:00:00Z")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the time window is the wrong way round: 2024-06-02T00:00:00Z is after 2024-06-01T00:00:00Z"
        );
    }

    #[test]
    fn serde_shape() {
        let e = Event {
            kind: EventKind::Arrest,
            when: EventTime::At(ts("2024-06-01T21:30:00Z")),
            location: None,
            summary: Text::parse("Arrested for assault at the flat").unwrap(),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"arrest","when":{"at":"2024-06-01T21:30:00Z"},"location":null,"summary":"Arrested for assault at the flat"}"#
        );
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e);
        let between = r#"{"kind":"crime","when":{"between":{"from":"2024-06-02T00:00:00Z","to":"2024-06-01T00:00:00Z"}},"summary":"x"}"#;
        assert!(serde_json::from_str::<Event>(between).is_err());
        assert!(serde_json::from_str::<Event>(&json.replace("arrest", "party")).is_err());
        assert!(
            serde_json::from_str::<Event>(&json.replace("Arrested for assault at the flat", " "))
                .is_err()
        );
        assert_eq!(
            "ASB".parse::<EventKind>().unwrap(),
            EventKind::AntiSocialBehaviour
        );
    }
}
