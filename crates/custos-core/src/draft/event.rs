//! `EventDraft` → `Event` and `LinkDraft` → `Link`, collecting every field error.

use serde::{Deserialize, Serialize};

use super::{Collector, FieldErrors, parse_date, parse_timestamp, present};
use crate::event::{Event, EventTime, TimeRange};
use crate::ids::EntityId;
use crate::link::{Link, LinkError, LinkKind};
use crate::text::Text;

/// An event as typed in: either `at`, or a `from`/`to` window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventDraft {
    pub kind: String,
    pub at: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The id of a Location entity.
    pub location: Option<String>,
    pub summary: String,
}

/// A link as typed in. `relation` is needed for `kind` = `family` and refused otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkDraft {
    pub from: String,
    pub to: String,
    pub kind: String,
    pub relation: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

fn when(c: &mut Collector, d: &EventDraft) -> Option<EventTime> {
    let at = c.optional("at", d.at.as_deref(), parse_timestamp);
    let from = c.optional("from", d.from.as_deref(), parse_timestamp);
    let to = c.optional("to", d.to.as_deref(), parse_timestamp);
    match (at.ok()?, from.ok()?, to.ok()?) {
        (Some(t), None, None) => Some(EventTime::At(t)),
        (None, Some(from), Some(to)) => c
            .take("to", TimeRange::new(from, to))
            .map(EventTime::Between),
        (None, None, None) => {
            c.push("at", "a time is needed (or a from/to window)");
            None
        }
        (Some(_), _, _) => {
            c.push("at", "give either a time or a from/to window, not both");
            None
        }
        (None, Some(_), None) => {
            c.push("to", "a window needs an end as well as a start");
            None
        }
        (None, None, Some(_)) => {
            c.push("from", "a window needs a start as well as an end");
            None
        }
    }
}

impl TryFrom<EventDraft> for Event {
    type Error = FieldErrors;

    fn try_from(d: EventDraft) -> Result<Self, Self::Error> {
        let mut c = Collector::default();
        let kind = c.take("kind", d.kind.parse());
        let when = when(&mut c, &d);
        let location = c.optional("location", d.location.as_deref(), str::parse::<EntityId>);
        let summary = c.take("summary", Text::parse(&d.summary));
        match (kind, when, location, summary) {
            (Some(kind), Some(when), Ok(location), Some(summary)) if c.is_empty() => Ok(Event {
                kind,
                when,
                location,
                summary,
            }),
            _ => Err(c.into_errors()),
        }
    }
}

impl TryFrom<LinkDraft> for Link {
    type Error = FieldErrors;

    fn try_from(d: LinkDraft) -> Result<Self, Self::Error> {
        let mut c = Collector::default();
        let from = c.take("from", d.from.parse::<EntityId>());
        let to = c.take("to", d.to.parse::<EntityId>());
        let kind = match LinkKind::parse(&d.kind, present(d.relation.as_deref())) {
            Ok(k) => Some(k),
            Err(e @ crate::link::LinkKindError::Unknown(_)) => {
                c.push("kind", e);
                None
            }
            Err(e) => {
                c.push("relation", e);
                None
            }
        };
        let valid_from = c.optional("valid_from", d.valid_from.as_deref(), parse_date);
        let valid_to = c.optional("valid_to", d.valid_to.as_deref(), parse_date);
        if let (Some(from), Some(to)) = (from, to)
            && from == to
        {
            c.push("to", LinkError::SelfLink);
        }
        if let (Ok(Some(f)), Ok(Some(t))) = (valid_from, valid_to)
            && f > t
        {
            c.push("valid_to", LinkError::DatesReversed { from: f, to: t });
        }
        match (from, to, kind, valid_from, valid_to) {
            (Some(from), Some(to), Some(kind), Ok(vf), Ok(vt)) if c.is_empty() => {
                Link::new(from, to, kind)
                    .and_then(|l| l.with_dates(vf, vt))
                    .map_err(|e| {
                        FieldErrors(vec![super::FieldError {
                            field: "to".into(),
                            message: e.to_string(),
                        }])
                    })
            }
            _ => Err(c.into_errors()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;
    use crate::link::FamilyRelation;

    fn event(json: &str) -> Result<Event, FieldErrors> {
        Event::try_from(serde_json::from_str::<EventDraft>(json).unwrap())
    }

    fn link(json: &str) -> Result<Link, FieldErrors> {
        Link::try_from(serde_json::from_str::<LinkDraft>(json).unwrap())
    }

    #[test]
    fn events() {
        let loc = EntityId::new();
        let e = event(&format!(r#"{{"kind":"incident","at":"2024-06-01T22:30:00+01:00","location":"{loc}","summary":"Woman heard screaming"}}"#)).unwrap();
        assert_eq!((e.kind, e.location), (EventKind::Incident, Some(loc)));
        let e = event(r#"{"kind":"crime","from":"2024-06-01T08:00:00Z","to":"2024-06-01T18:00:00Z","summary":"Burglary","at":""}"#).unwrap();
        assert!(matches!(e.when, EventTime::Between(_)));

        let err = event(r#"{"kind":"party","location":"nope","summary":""}"#).unwrap_err();
        let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["kind", "at", "location", "summary"]);
        assert_eq!(
            err.message_for("at"),
            Some("a time is needed (or a from/to window)")
        );
        let both = event(r#"{"kind":"crime","at":"2024-06-01T08:00:00Z","from":"2024-06-01T08:00:00Z","summary":"x"}"#).unwrap_err();
        assert_eq!(
            both.message_for("at"),
            Some("give either a time or a from/to window, not both")
        );
        let reversed = event(r#"{"kind":"crime","from":"2024-06-02T08:00:00Z","to":"2024-06-01T08:00:00Z","summary":"x"}"#).unwrap_err();
        assert!(
            reversed
                .message_for("to")
                .is_some_and(|m| m.contains("wrong way round"))
        );
        assert!(
            event(r#"{"kind":"crime","from":"2024-06-02T08:00:00Z","summary":"x"}"#)
                .unwrap_err()
                .message_for("to")
                .is_some()
        );
        assert!(
            event(r#"{"kind":"crime","to":"2024-06-02T08:00:00Z","summary":"x"}"#)
                .unwrap_err()
                .message_for("from")
                .is_some()
        );
        assert!(
            event(r#"{"kind":"crime","at":"2024-06-02 08:00","summary":"x"}"#)
                .unwrap_err()
                .message_for("at")
                .is_some()
        );
    }

    #[test]
    fn links() {
        let (a, b) = (EntityId::new(), EntityId::new());
        let l = link(&format!(r#"{{"from":"{a}","to":"{b}","kind":"family","relation":"sibling","valid_from":"01/02/2003"}}"#)).unwrap();
        assert_eq!(
            l.kind(),
            LinkKind::Family {
                relation: FamilyRelation::Sibling
            }
        );
        assert_eq!(l.valid_from(), Some(jiff::civil::date(2003, 2, 1)));

        let err = link(&format!(r#"{{"from":"{a}","to":"{a}","kind":"suspect","relation":"parent","valid_from":"2024-01-02","valid_to":"2024-01-01"}}"#)).unwrap_err();
        let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["relation", "to", "valid_to"]);
        assert_eq!(
            err.message_for("to"),
            Some("a link cannot connect an entity to itself")
        );
        let err = link(r#"{"from":"x","to":"","kind":"enemy","valid_to":"soon"}"#).unwrap_err();
        let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["from", "to", "kind", "valid_to"]);
        assert_eq!(
            link(&format!(r#"{{"from":"{a}","to":"{b}","kind":"family"}}"#))
                .unwrap_err()
                .message_for("relation"),
            Some("a family link needs a relation (parent, child, sibling...)")
        );
    }
}
