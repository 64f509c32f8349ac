//! The operational record forms, opened from the record they follow on, so that nothing known
//! is typed again: an incident from the place the dispatcher found (with the people linked to
//! it offered), an arrest, crime report, ASB or vulnerable-person report from the incident (its
//! event and people offered), a custody record from the arrest (the person, the arrest time and
//! the incident carried over). Only what happened since is typed.
//!
//! Each box is named by the record field's JSON path (`call.received`, `people[0].role`), so the
//! posted form becomes the record's JSON directly and the API's own parser and rules check it;
//! their field errors come back under the same names and land beside their boxes. Times are typed
//! in UTC (`datetime-local` boxes), as the record pages show them.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::record::crime::{CaseFileStatus, CrimeStatus};
use custos_core::record::intelligence::{IntelligenceAssessment, IntelligenceStatus, SourceEvaluation};
use custos_core::record::occurrence::{AsbCategory, AtRisk, CallChannel, Concern, Necessity, ResponseGrade, Risk};
use custos_core::record::offence::OFFENCES;
use custos_core::record::{Involvement, Record};
use custos_store::StoreError;
use custos_store::entities::{Justification, NewEntity};
use maud::{Markup, html};
use serde_json::{Map, Value, json};

use super::auth::Officer;
use super::error::{PageError, see_other};
use super::form::{Fields, Posted};
use super::layout::{Page, alert, csrf_field, human, page};
use super::record::{ask_justification, justification, query_fields, record_href, title};
use super::widgets::{Errors, marking, marking_controls, select, text_area, text_box};
use crate::AppState;
use crate::problem::{Code, Problem};
use crate::wire::body_from_json;

/// One box of a record form; the path is the record field's, and the form field's name.
enum Input {
    /// A value carried from the record the form was opened from, not typed.
    Carried(&'static str, Value),
    Text(&'static str, &'static str),
    Area(&'static str, &'static str),
    /// A moment, typed in UTC.
    Time(&'static str, &'static str),
    Choice(&'static str, &'static str, Vec<&'static str>),
    Checks(&'static str, &'static str, &'static [&'static str]),
    /// The people offered, each with a role or "not involved" (`people[i].person`, `.role`).
    People(&'static str, &'static [&'static str]),
    /// One of the people offered.
    OnePerson(&'static str, &'static str),
}

/// What the form was opened from: the record, its event and the people it offers.
struct Source {
    id: EntityId,
    body: EntityBody,
    event: Option<EntityId>,
    people: Vec<(EntityId, String, Option<Involvement>)>,
}

/// The record types these forms make, by the path segment that names them.
fn kind_of(name: &str) -> Option<EntityKind> {
    let kind = name.parse::<EntityKind>().ok()?;
    matches!(
        kind,
        EntityKind::Incident
            | EntityKind::Arrest
            | EntityKind::CustodyRecord
            | EntityKind::CrimeReport
            | EntityKind::AsbReport
            | EntityKind::VulnerablePersonReport
            | EntityKind::IntelligenceReport
            | EntityKind::CaseFile
    )
    .then_some(kind)
}

/// The kind of record each form is opened from.
fn opened_from(kind: EntityKind) -> EntityKind {
    match kind {
        EntityKind::Incident => EntityKind::Location,
        EntityKind::CustodyRecord => EntityKind::Arrest,
        EntityKind::IntelligenceReport => EntityKind::Person,
        EntityKind::CaseFile => EntityKind::CrimeReport,
        _ => EntityKind::Incident,
    }
}

const ROLES: &[&str] = &["suspect", "victim", "witness", "reporter", "subject", "other"];

fn inputs(kind: EntityKind, source: &Source) -> Vec<Input> {
    use Input::{Area, Carried, Checks, Choice, OnePerson, People, Text, Time};
    let event = || Carried("event", json!(source.event));
    match kind {
        EntityKind::Incident => vec![
            Time("happened.at", "When it happened (UTC)"),
            Text("happened.summary", "What happened, in a line"),
            Time("call.received", "Call received (UTC)"),
            Choice("call.channel", "How it came in", CallChannel::NAMES.to_vec()),
            Choice("call.grade", "Response grade", ResponseGrade::NAMES.to_vec()),
            People("people", ROLES),
            Area("narrative", "Narrative"),
        ],
        EntityKind::Arrest => vec![
            event(),
            Carried("incident", json!(source.id)),
            OnePerson("person", "Person arrested"),
            Time("arrested_at", "Arrested at (UTC)"),
            Choice("offences[0]", "Offence suspected", OFFENCES.iter().map(|o| o.code).collect()),
            Area("grounds", "Grounds for suspicion (PACE s.24)"),
            Checks("necessity", "Why the arrest was necessary (PACE s.24(5))", Necessity::NAMES),
            Text("arresting_officer", "Arresting officer (name or warrant number)"),
        ],
        EntityKind::CustodyRecord => {
            let Some(Record::Arrest(arrest)) = record(&source.body) else { return Vec::new() };
            vec![
                Carried("person", json!(arrest.person)),
                Carried("arrest", json!(source.id)),
                Carried("incident", json!(arrest.incident)),
                Carried("detention.arrival", json!("after_arrest")),
                Carried("detention.arrested", json!(arrest.arrested_at)),
                Carried("detention.reviews", json!([])),
                Carried("detention.extensions", json!([])),
                Time("detention.arrived", "Arrived at the station (UTC)"),
                Time("detention.authorised", "Detention authorised (UTC)"),
            ]
        }
        EntityKind::CrimeReport => vec![
            event(),
            Choice("offence", "Offence (Home Office classification)", OFFENCES.iter().map(|o| o.code).collect()),
            People("people", ROLES),
            Area("narrative", "How it was committed"),
            Choice("status", "Status", CrimeStatus::NAMES.to_vec()),
        ],
        EntityKind::IntelligenceReport => vec![
            Time("received", "Received (UTC)"),
            Area("text", "The intelligence"),
            Choice("grading.source", "Source evaluation", SourceEvaluation::NAMES.to_vec()),
            Choice("grading.intelligence", "Intelligence assessment", IntelligenceAssessment::NAMES.to_vec()),
            Choice("grading.handling.code", "Handling", vec!["P", "C"]),
            Area("grading.handling.conditions", "Handling conditions (C only)"),
            Text("grading.handling.review_by", "Review the conditions by (C only, YYYY-MM-DD)"),
            Choice("status", "State", IntelligenceStatus::NAMES.to_vec()),
            People("people", ROLES),
            Area("sanitised", "Sanitised version, for dissemination (optional)"),
        ],
        EntityKind::CaseFile => {
            let offence = match record(&source.body) {
                Some(Record::CrimeReport(c)) => json!(c.offence),
                _ => Value::Null,
            };
            vec![
                Carried("crime_report", json!(source.id)),
                OnePerson("charges[0].defendant", "Defendant (a suspect on the crime)"),
                Carried("charges[0].offence", offence),
                Area("charges[0].particulars", "Particulars of the charge"),
                Choice("status", "Status", CaseFileStatus::NAMES.to_vec()),
            ]
        }
        EntityKind::AsbReport => vec![
            event(),
            Choice("category", "Category", AsbCategory::NAMES.to_vec()),
            People("people", ROLES),
            Area("narrative", "Narrative"),
        ],
        _ => vec![
            event(),
            OnePerson("subject", "The person at risk"),
            Choice("at_risk", "Adult or child", AtRisk::NAMES.to_vec()),
            Checks("concerns", "Concerns", Concern::NAMES),
            Choice("risk", "Risk", Risk::NAMES.to_vec()),
            People("people", ROLES),
            Area("narrative", "Narrative"),
            Text("referred_to", "Referred to (optional)"),
        ],
    }
}

fn record(body: &EntityBody) -> Option<&Record> {
    match body {
        EntityBody::Record(r) => Some(r),
        _ => None,
    }
}

/// A `datetime-local` value (`2026-03-01T22:10`) as an RFC 3339 UTC instant.
fn utc(typed: &str) -> String {
    match typed.len() {
        16 => format!("{typed}:00Z"),
        19 => format!("{typed}Z"),
        _ => typed.to_owned(),
    }
}

/// Sets `path` (`a.b`, `people[0].role`) in `root` to `value`, making objects and arrays.
fn set(root: &mut Value, path: &str, value: Value) {
    let mut at = root;
    let segments: Vec<&str> = path.split('.').collect();
    for (n, segment) in segments.iter().enumerate() {
        let last = n + 1 == segments.len();
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (*segment, None),
        };
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Value::Object(map) = at else { return };
        let slot = map.entry(name.to_owned()).or_insert(Value::Null);
        at = match index {
            None => slot,
            Some(i) => {
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                let Value::Array(items) = slot else { return };
                while items.len() <= i {
                    items.push(Value::Null);
                }
                &mut items[i]
            }
        };
        if last {
            *at = value.clone();
        }
    }
}

/// The posted boxes as JSON: blanks left out, times as UTC, the people whose role was chosen.
fn posted_json(inputs: &[Input], fields: &Fields, source: &Source) -> Value {
    let mut root = json!({});
    for input in inputs {
        match input {
            Input::Carried(path, value) if !value.is_null() => set(&mut root, path, value.clone()),
            Input::Carried(..) => {}
            Input::Text(path, _) | Input::Area(path, _) | Input::Choice(path, _, _) | Input::OnePerson(path, _) => {
                if let Some(v) = fields.optional(path) {
                    set(&mut root, path, Value::String(v));
                }
            }
            Input::Time(path, _) => {
                if let Some(v) = fields.optional(path) {
                    set(&mut root, path, Value::String(utc(&v)));
                }
            }
            Input::Checks(path, _, _) => set(&mut root, path, json!(fields.all(path))),
            Input::People(path, _) => {
                // Each row names its person: a role applies to the person shown beside it, even if
                // the people offered changed between showing the form and posting it.
                let chosen: Vec<Value> = source
                    .people
                    .iter()
                    .filter_map(|(id, _, _)| {
                        let row = (0..source.people.len() + 8)
                            .find(|i| fields.get(&format!("{path}[{i}].person")) == id.to_string())?;
                        let role = fields.get(&format!("{path}[{row}].role"));
                        (!role.is_empty()).then(|| json!({ "person": id, "role": role }))
                    })
                    .collect();
                set(&mut root, path, Value::Array(chosen));
            }
        }
    }
    root
}

/// Reads the record the form is opened from (an audited read under the page's justification)
/// and the people it names, each read for their name.
async fn source(state: &AppState, officer: &Officer, kind: EntityKind, from: EntityId, why: &Justification) -> Result<Source, PageError> {
    let read = state.store.read_entity(&officer.principal, from, why).await?;
    if read.kind != opened_from(kind) {
        return Err(Problem::field("from", format!("a {} is opened from a {}", human(kind.as_str()), human(opened_from(kind).as_str()))).into());
    }
    let mut people: Vec<(EntityId, Option<Involvement>)> = Vec::new();
    let mut event = None;
    match &read.body {
        EntityBody::Location(_) => {
            for r in state.store.related(&officer.principal, from, why).await? {
                if r.other.kind == EntityKind::Person && !people.iter().any(|(p, _)| *p == r.other.id) {
                    people.push((r.other.id, None));
                }
            }
        }
        EntityBody::Person(_) => people.push((read.id, Some(Involvement::Subject))),
        EntityBody::Record(Record::CrimeReport(c)) => {
            event = Some(c.event);
            // A case file charges the crime's suspects.
            people.extend(c.people.iter().filter(|p| p.role == Involvement::Suspect).map(|p| (p.person, Some(p.role))));
        }
        EntityBody::Record(Record::Incident(i)) => {
            event = Some(i.event);
            people.extend(i.people.iter().map(|p| (p.person, Some(p.role))));
            if let Some(reporter) = i.reporting_person.filter(|r| !people.iter().any(|(p, _)| p == r)) {
                people.push((reporter, Some(Involvement::Reporter)));
            }
        }
        _ => {}
    }
    let mut named = Vec::with_capacity(people.len());
    for (id, role) in people {
        match state.store.read_entity(&officer.principal, id, why).await {
            Ok(person) => named.push((person.id, title(&person.body), role)),
            Err(StoreError::Denied) => {} // not offered: the officer may not see them
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Source { id: read.id, body: read.body, event, people: named })
}

fn form_path(kind: EntityKind) -> String {
    format!("/records/new/{}", kind.as_str())
}

/// `GET /records/new/{kind}?from=…&justification=…`.
pub async fn form_handler(
    State(state): State<AppState>,
    officer: Officer,
    Path(kind): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind).ok_or_else(|| Problem::new(Code::NotFound))?;
    let query = query_fields(raw.as_deref());
    let from: EntityId = query.get("from").parse().map_err(|_| Problem::field("from", "open this form from a record"))?;
    let Some(why) = justification(&query)? else {
        return Ok(ask_justification(&officer, &format!("{}?from={from}", form_path(kind))).into_response());
    };
    let source = source(&state, &officer, kind, from, &why).await?;
    let mut fields = Fields::default();
    for (i, (_, _, role)) in source.people.iter().enumerate() {
        let default = match kind {
            EntityKind::AsbReport => role.map(|r| if r == Involvement::Suspect { "subject" } else { r.as_str() }),
            _ => role.map(Involvement::as_str),
        };
        if let Some(role) = default {
            fields.0.push((format!("people[{i}].role"), role.to_owned()));
        }
    }
    Ok(form_page(&officer, kind, &source, &why, &fields, &Errors::default(), None).into_response())
}

/// `POST /records/new/{kind}`: creates the record (an incident with its event) and shows it, or
/// the form again with every error beside its box.
pub async fn create(State(state): State<AppState>, Path(kind): Path<String>, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let kind = kind_of(&kind).ok_or_else(|| Problem::new(Code::NotFound))?;
    let from: EntityId = fields.get("from").parse().map_err(|_| Problem::field("from", "open this form from a record"))?;
    let why = Justification::parse(fields.get("justification"))?;
    let source = source(&state, &officer, kind, from, &why).await?;
    let boxes = inputs(kind, &source);
    let mut json = posted_json(&boxes, &fields, &source);
    // P handling carries no conditions (boxes left filled after choosing P are not meant).
    if let Some(handling) = json.pointer_mut("/grading/handling")
        && handling.get("code").and_then(Value::as_str) == Some("P")
    {
        *handling = json!({ "code": "P" });
    }
    // The person at risk is the report's subject, not one of "the others involved".
    if let Some(subject) = json.get("subject").cloned()
        && let Some(Value::Array(people)) = json.get_mut("people")
    {
        people.retain(|p| p["person"] != subject);
    }
    let marking = marking(&officer, &fields)?;
    let mut entities = Vec::new();
    if kind == EntityKind::Incident {
        // The incident's event: what happened, when, at the place it was opened from.
        let happened = json.as_object_mut().and_then(|m| m.remove("happened")).unwrap_or_else(|| json!({}));
        let mut event = json!({ "kind": "incident", "location": from.to_string() });
        if let (Some(e), Some(h)) = (event.as_object_mut(), happened.as_object()) {
            e.extend(h.clone());
        }
        let event = match body_from_json(EntityKind::Event, event) {
            Ok(body) => NewEntity::new(body, marking.clone()),
            Err(problem) => return Ok(refused(&officer, kind, &source, &why, &fields, renamed(problem, "happened."))),
        };
        set(&mut json, "event", json!(event.id));
        entities.push(event);
    }
    let body = match body_from_json(kind, json) {
        Ok(body) => body,
        Err(problem) => return Ok(refused(&officer, kind, &source, &why, &fields, problem.errors)),
    };
    let record = NewEntity::new(body, marking);
    let id = record.id;
    entities.push(record);
    match state.store.create_entities(&officer.principal, &entities, None).await {
        Ok(()) => Ok(see_other(&record_href(id, Some(&why)))),
        Err(StoreError::Invalid(errors)) => Ok(refused(&officer, kind, &source, &why, &fields, errors.0)),
        Err(e) => Err(e.into()),
    }
}

fn renamed(problem: Problem, prefix: &str) -> Vec<custos_core::draft::FieldError> {
    problem.errors.into_iter().map(|mut e| {
        e.field = format!("{prefix}{}", e.field);
        e
    }).collect()
}

fn refused(
    officer: &Officer,
    kind: EntityKind,
    source: &Source,
    why: &Justification,
    fields: &Fields,
    errors: Vec<custos_core::draft::FieldError>,
) -> Response {
    let mut page = form_page(officer, kind, source, why, fields, &Errors(errors), Some("Nothing was saved: correct the boxes marked below."));
    page.status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    page.into_response()
}

fn form_page(
    officer: &Officer,
    kind: EntityKind,
    source: &Source,
    why: &Justification,
    fields: &Fields,
    errors: &Errors,
    notice: Option<&str>,
) -> Page {
    let boxes = inputs(kind, source);
    let placed = |field: &str| boxes.iter().any(|b| match b {
        Input::Carried(..) => false,
        Input::People(path, ..) => field.starts_with(path),
        Input::Text(p, _) | Input::Area(p, _) | Input::Time(p, _) | Input::Choice(p, _, _) | Input::Checks(p, _, _) | Input::OnePerson(p, _) => field == *p,
    });
    let general: Vec<_> = errors.0.iter().filter(|e| !placed(&e.field)).collect();
    let body = html! {
        p.muted { "From: " a href=(record_href(source.id, Some(why))) { (title(&source.body)) } }
        @if let Some(notice) = notice { (alert(notice)) }
        @if !general.is_empty() { div.alert role="alert" { ul { @for e in &general { li { @if !e.field.is_empty() { (human(&e.field)) ": " } (e.message) } } } } }
        form method="post" action=(form_path(kind)) novalidate {
            (csrf_field(officer))
            input type="hidden" name="from" value=(source.id.to_string());
            input type="hidden" name="justification" value=(why.as_str());
            @for b in &boxes { (render(b, source, fields, errors)) }
            (marking_controls(fields, errors))
            button type="submit" { "Save " (human(kind.as_str()).to_lowercase()) }
        }
    };
    Page::ok(page(&format!("New {}", human(kind.as_str()).to_lowercase()), Some(officer), body))
}

fn render(input: &Input, source: &Source, fields: &Fields, errors: &Errors) -> Markup {
    match input {
        Input::Carried(..) => html! {},
        Input::Text(name, label) => text_box(name, label, fields, errors, ""),
        Input::Area(name, label) => text_area(name, label, fields, errors),
        Input::Choice(name, label, options) => select(name, label, options, fields, errors, true),
        Input::Time(name, label) => {
            let error = errors.on(name);
            html! {
                div.field {
                    label for=(name) { (label) }
                    @if let Some(message) = error { p.error { (message) } }
                    input type="datetime-local" id=(name) name=(name) value=(fields.get(name)) aria-invalid=[error.map(|_| "true")];
                }
            }
        }
        Input::Checks(name, label, options) => {
            let chosen = fields.all(name);
            html! {
                fieldset {
                    legend { (label) }
                    @if let Some(message) = errors.on(name) { p.error { (message) } }
                    @for o in *options {
                        label.check { input type="checkbox" name=(name) value=(o) checked[chosen.contains(o)]; " " (human(o)) }
                    }
                }
            }
        }
        Input::People(path, roles) => html! {
            fieldset {
                legend { "People involved" }
                @if let Some(message) = errors.0.iter().find(|e| e.field.starts_with(path)).map(|e| e.message.as_str()) { p.error { (message) } }
                @if source.people.is_empty() { p.muted { "No one is recorded on the record this follows." } }
                @for (i, (id, name, _)) in source.people.iter().enumerate() {
                    @let field = format!("{path}[{i}].role");
                    input type="hidden" name=(format!("{path}[{i}].person")) value=(id.to_string());
                    (select(&field, name, roles, fields, errors, true))
                }
            }
        },
        Input::OnePerson(name, label) => html! {
            fieldset {
                legend { (label) }
                @if let Some(message) = errors.on(name) { p.error { (message) } }
                @for (id, person, _) in &source.people {
                    label.check { input type="radio" name=(name) value=(id.to_string()) checked[fields.get(name) == id.to_string()]; " " (person) }
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_build_nested_json() {
        let mut root = json!({});
        set(&mut root, "call.received", json!("x"));
        set(&mut root, "people[1].role", json!("victim"));
        set(&mut root, "offences[0]", json!("8N"));
        assert_eq!(root, json!({"call": {"received": "x"}, "people": [null, {"role": "victim"}], "offences": ["8N"]}));
        assert_eq!(utc("2026-03-01T22:10"), "2026-03-01T22:10:00Z");
        assert_eq!(utc("2026-03-01T22:10:30"), "2026-03-01T22:10:30Z");
    }

    #[test]
    fn only_record_forms_with_a_source_are_offered() {
        assert_eq!(kind_of("custody_record"), Some(EntityKind::CustodyRecord));
        assert_eq!(kind_of("person"), None);
        assert_eq!(kind_of("case_file"), Some(EntityKind::CaseFile));
        assert_eq!(kind_of("link"), None);
        assert_eq!(opened_from(EntityKind::CaseFile), EntityKind::CrimeReport);
        assert_eq!(opened_from(EntityKind::CustodyRecord), EntityKind::Arrest);
    }
}
