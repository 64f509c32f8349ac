//! The JSON shapes of entities, apart from the domain types (STYLE.md §4): drafts come in and are
//! parsed into domain bodies here, and stored records go out as
//! `{id, kind, version, submitted_at, created_at, updated_at, marking, record}`.
//!
//! Field errors about the inside of a `record` are named relative to the record
//! (`identifiers[0].value`), the way the draft names them, so that a form can put each message
//! next to its box; fields of the envelope keep their own names (`unit`, `expected_version`).

use axum::extract::{FromRequest, Request};
use custos_core::draft::{EventDraft, FieldErrors, LinkDraft, LocationDraft, ObjectDraft, PersonDraft};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::event::Event;
use custos_core::link::Link;
use custos_core::location::Location;
use custos_core::object::Object;
use custos_core::person::Person;
use custos_core::record::{self, Record};
use jiff::Timestamp;
use custos_match::Explanation;
use custos_store::entities::{EntityRecord, VersionRecord};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::extract::{JsonBody, data_error};
use crate::problem::Problem;

/// A draft of one kind of entity, and its conversion into the domain body.
pub trait Draft: DeserializeOwned + Send + 'static {
    fn into_body(self) -> Result<EntityBody, FieldErrors>;
}

macro_rules! draft {
    ($draft:ty, $kind:ident, $domain:ty) => {
        impl Draft for $draft {
            fn into_body(self) -> Result<EntityBody, FieldErrors> {
                <$domain>::try_from(self).map(EntityBody::$kind)
            }
        }
    };
}

draft!(PersonDraft, Person, Person);
draft!(ObjectDraft, Object, Object);
draft!(LocationDraft, Location, Location);
draft!(EventDraft, Event, Event);
draft!(LinkDraft, Link, Link);

/// An operational record arrives as its domain type (every field valid by type once parsed) and
/// is checked against its own rules here; the store checks them again with the records it
/// depends on.
macro_rules! record_draft {
    ($($kind:ident),+) => {$(
        impl Draft for record::$kind {
            fn into_body(self) -> Result<EntityBody, FieldErrors> {
                let record = Record::$kind(self);
                record.check()?;
                Ok(EntityBody::Record(record))
            }
        }
    )+};
}

record_draft!(Incident, Arrest, CustodyRecord, CrimeReport, IntelligenceReport, CaseFile, AsbReport, VulnerablePersonReport);

/// Parses a record of `kind` given as JSON (a change names the kind it is changing).
pub fn body_from_json(kind: EntityKind, record: Value) -> Result<EntityBody, Problem> {
    fn parse<D: Draft>(record: Value) -> Result<EntityBody, Problem> {
        let draft: D = serde_path_to_error::deserialize(record)
            .map_err(|e| data_error(&e.path().to_string(), &e.inner().to_string()))?;
        draft.into_body().map_err(Problem::fields)
    }
    match kind {
        EntityKind::Person => parse::<PersonDraft>(record),
        EntityKind::Object => parse::<ObjectDraft>(record),
        EntityKind::Location => parse::<LocationDraft>(record),
        EntityKind::Event => parse::<EventDraft>(record),
        EntityKind::Link => parse::<LinkDraft>(record),
        EntityKind::Incident => parse::<record::Incident>(record),
        EntityKind::Arrest => parse::<record::Arrest>(record),
        EntityKind::CustodyRecord => parse::<record::CustodyRecord>(record),
        EntityKind::CrimeReport => parse::<record::CrimeReport>(record),
        EntityKind::IntelligenceReport => parse::<record::IntelligenceReport>(record),
        EntityKind::CaseFile => parse::<record::CaseFile>(record),
        EntityKind::AsbReport => parse::<record::AsbReport>(record),
        EntityKind::VulnerablePersonReport => parse::<record::VulnerablePersonReport>(record),
    }
}

/// A JSON body with a `record` inside: like [`JsonBody`], but errors inside the record are named
/// relative to it.
#[derive(Debug)]
pub struct RecordBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for RecordBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        match JsonBody::<T>::from_request(req, state).await {
            Ok(JsonBody(value)) => Ok(RecordBody(value)),
            Err(mut problem) => {
                for e in &mut problem.errors {
                    if let Some(inner) = e.field.strip_prefix("record.") {
                        e.field = inner.to_owned();
                    }
                }
                Err(problem)
            }
        }
    }
}

/// The record's content without the kind wrapper (`{"names":[…]}`, not `{"person":{…}}`).
pub fn body_json(body: &EntityBody) -> Result<Value, Problem> {
    let value = match body {
        EntityBody::Person(x) => serde_json::to_value(x),
        EntityBody::Object(x) => serde_json::to_value(x),
        EntityBody::Location(x) => serde_json::to_value(x),
        EntityBody::Event(x) => serde_json::to_value(x),
        EntityBody::Link(x) => serde_json::to_value(x),
        // The record's own tag is the entity's kind, shown beside it.
        EntityBody::Record(r) => serde_json::to_value(r).map(|v| match v {
            Value::Object(map) => map.into_iter().next().map(|(_, inner)| inner).unwrap_or(Value::Null),
            other => other,
        }),
    };
    value.map_err(|e| Problem::internal(&e))
}

/// An entity as the API shows it.
pub fn entity_json(record: &EntityRecord) -> Result<Value, Problem> {
    Ok(json!({
        "id": record.id.to_string(),
        "kind": record.kind.as_str(),
        "version": record.version,
        "submitted_at": record.submitted_at,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "marking": record.marking,
        "record": body_json(&record.body)?,
        "resolved_from": record.resolved_from.map(|id| id.to_string()),
        "derived": derived_json(&record.body, Timestamp::now()),
    }))
}

/// What the system works out from a record, shown with it: a custody record's PACE clocks (due
/// or overdue at `now`), a crime report's MoPI group and offence title, an intelligence
/// report's grading code. Null for the rest.
pub fn derived_json(body: &EntityBody, now: Timestamp) -> Value {
    let EntityBody::Record(record) = body else { return Value::Null };
    match record {
        Record::CustodyRecord(c) => {
            let d = &c.detention;
            json!({
                "relevant_time": d.relevant_time(),
                "next_review": d.next_review(),
                "review": d.review_state(now),
                "limit": d.limit(),
                "detention_limit": d.limit_state(now),
                "late_reviews": d.late_reviews().iter().map(|(i, by)| json!({ "review": i + 1, "late_by_minutes": by.as_mins() })).collect::<Vec<_>>(),
            })
        }
        Record::CrimeReport(c) => json!({ "mopi_group": c.mopi_group(), "offence_title": c.offence.title() }),
        Record::IntelligenceReport(r) => json!({
            "grading": r.grading.code(),
            "conditions_review_due": r.conditions_review_due(jiff::tz::TimeZone::UTC.to_datetime(now).date()),
        }),
        _ => Value::Null,
    }
}

/// A match explanation as the API shows it: each compared field, how it compared (the level
/// name of `custos_match`) and its match weight in bits, positive for the same person.
pub fn explanation_json(explanation: &Explanation) -> Value {
    let fields: Vec<Value> = explanation
        .contributions
        .iter()
        .map(|c| json!({ "field": c.field.name(), "level": c.level, "weight": c.weight }))
        .collect();
    Value::Array(fields)
}

/// One version of an entity's history.
pub fn version_json(version: &VersionRecord) -> Result<Value, Problem> {
    Ok(json!({
        "version": version.meta.version,
        "change": version.meta.change.as_str(),
        "author": version.meta.author.as_str(),
        "at": version.meta.at,
        "reason": version.meta.reason,
        "record": body_json(&version.body)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_parse_by_kind_and_name_their_fields() {
        let person = json!({"names": [{"forenames": ["Ann"], "surname": "Lee"}], "dates_of_birth": ["1980-01-02"]});
        let body = body_from_json(EntityKind::Person, person.clone()).unwrap();
        assert_eq!(body.kind(), EntityKind::Person);
        // The same record is not an object.
        let p = body_from_json(EntityKind::Object, person).unwrap_err();
        assert_eq!(p.errors[0].field, "names");
        // Type errors name the path inside the record.
        let p = body_from_json(EntityKind::Person, json!({"names": [{"surname": 5}]})).unwrap_err();
        assert_eq!(p.errors[0].field, "names[0].surname");
        // Validation errors come from the draft, all at once.
        let p = body_from_json(
            EntityKind::Person,
            json!({"names": [{"surname": "Lee"}], "identifiers": [{"kind": "pnc_id", "value": "nonsense"}]}),
        )
        .unwrap_err();
        assert!(p.errors.iter().any(|e| e.field == "identifiers[0].value"), "{p:?}");
    }

    #[test]
    fn bodies_are_shown_without_the_kind_wrapper() {
        let body = body_from_json(EntityKind::Person, json!({"names": [{"surname": "Lee"}]})).unwrap();
        let shown = body_json(&body).unwrap();
        assert!(shown.get("names").is_some(), "{shown}");
        assert!(shown.get("person").is_none());
    }
}
