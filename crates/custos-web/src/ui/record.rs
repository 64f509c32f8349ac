//! A record's page and its version history. Consulting a record is a justified, audited read
//! (DPA 2018 s.62): without a justification the page asks for one and reads nothing. A person's
//! warning markers come first, before anything else about them, because an officer at the scene
//! must see "violent" or "firearms" before they read a name. Other kinds show their fields as a
//! plain list, so a new field appears without a new template.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use custos_core::record::Record;
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::person::Person;
use custos_store::entities::{EntityRecord, Justification};
use maud::{Markup, html};
use serde_json::Value;

use super::auth::Officer;
use super::error::PageError;
use super::form::Fields;
use super::layout::{Page, human, page, when};
use crate::AppState;
use crate::extract::IdParam;
use crate::problem::Problem;

/// The fields of a page's query string (unreadable pairs are ignored: a page's links are ours).
pub fn query_fields(raw: Option<&str>) -> Fields {
    Fields(serde_urlencoded::from_str(raw.unwrap_or_default()).unwrap_or_default())
}

/// The query's justification (carried from the search that found the record), or `None`, when
/// the page asks for one. One that is given but unacceptable is an error.
pub fn justification(query: &Fields) -> Result<Option<Justification>, PageError> {
    match query.optional("justification") {
        None => Ok(None),
        Some(text) => Justification::parse(&text).map(Some).map_err(PageError::from),
    }
}

/// `?justification=…` for links that carry it on.
pub fn carry(why: &Justification) -> String {
    serde_urlencoded::to_string([("justification", why.as_str())]).unwrap_or_default()
}

/// The address of a record's page, carrying the justification when there is one (otherwise the
/// page asks for it).
pub fn record_href(id: EntityId, why: Option<&Justification>) -> String {
    match why {
        Some(why) => format!("/records/{id}?{}", carry(why)),
        None => format!("/records/{id}"),
    }
}

/// `GET /records/{id}`.
pub async fn page_handler(
    State(state): State<AppState>,
    officer: Officer,
    IdParam(id): IdParam,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let Some(why) = justification(&query_fields(query.as_deref()))? else {
        return Ok(ask_justification(&officer, &format!("/records/{id}")).into_response());
    };
    let record = state.store.read_entity(&officer.principal, id, &why).await?;
    let related = state.store.related(&officer.principal, id, &why).await?;
    let about = match &record.body {
        EntityBody::Record(r) => super::record_view::about(&state, &officer, r, &why).await?,
        _ => Vec::new(),
    };
    let heading = title(&record.body);
    let body = html! {
        @if let Some(asked) = record.resolved_from {
            p.ok role="status" { "Record " (asked) " was merged into this one; this is the record it now resolves to." }
        }
        @if let EntityBody::Person(person) = &record.body { (person_sections(person)) }
        @else if let EntityBody::Record(r) = &record.body { (super::record_view::sections(&record, r, &about, &officer, &why)) (fields_list(&record.body)) }
        @else { (fields_list(&record.body)) }
        @if !related.is_empty() {
            section {
                h2 { "Linked records" }
                ul.records {
                    @for r in &related {
                        li {
                            span.tag { (link_label(&r.link.body)) }
                            " "
                            a href=(record_href(r.other.id, Some(&why))) { (title(&r.other.body)) }
                            " " span.muted { (r.other.kind.as_str()) }
                        }
                    }
                }
            }
        }
        section {
            h2 { "Record" }
            dl {
                dt { "Version" } dd { (record.version) }
                dt { "Status" } dd { @if let Some(at) = record.submitted_at { "Submitted " (when(at)) } @else { "Draft" } }
                dt { "Marking" } dd { (record.marking.classification.as_str()) @if record.marking.sensitive { " SENSITIVE" } }
                dt { "Owning unit" } dd { (record.marking.owning_unit) }
                dt { "Last changed" } dd { (when(record.updated_at)) }
            }
            p.actions {
                a.button href={ "/records/" (id) "/history?" (carry(&why)) } { "History" }
                @if record.kind == EntityKind::Person {
                    a.button href={ "/records/" (id) "/edit?" (carry(&why)) } { "Edit" }
                }
                (super::record_view::actions(&record, &why))
            }
        }
    };
    Ok(Page::ok(page(&heading, Some(&officer), body)).into_response())
}

/// A short title for a record, as lists and headings show it.
pub fn title(body: &EntityBody) -> String {
    match body {
        EntityBody::Person(p) => p.primary_name().display_name(),
        EntityBody::Object(o) => {
            let numbers: Vec<String> = o.kind.identifying_numbers().iter().map(|(_, n)| (*n).to_owned()).collect();
            let kind = human(o.kind.object_type().as_str());
            if numbers.is_empty() { kind } else { format!("{kind} {}", numbers.join(" / ")) }
        }
        EntityBody::Location(l) => l.one_line(),
        EntityBody::Event(e) => format!("{} {}", human(e.kind.as_str()), when(e.when.start())),
        EntityBody::Link(l) => human(l.kind().name()),
        EntityBody::Record(r) => record_title(r),
    }
}

/// An operational record's title: its type and what tells it apart in a list.
fn record_title(record: &Record) -> String {
    let kind = human(record.kind().as_str());
    let detail = match record {
        Record::CrimeReport(c) => Some(format!("{} {}", c.offence.code(), c.offence.title())),
        Record::IntelligenceReport(r) => Some(r.grading.code()),
        _ => record.when().map(when),
    };
    match (detail, record.status()) {
        (Some(d), Some(s)) => format!("{kind} {d} ({})", human(s)),
        (Some(d), None) => format!("{kind} {d}"),
        (None, Some(s)) => format!("{kind} ({})", human(s)),
        (None, None) => kind,
    }
}

fn link_label(body: &EntityBody) -> String {
    match body {
        EntityBody::Link(l) => human(l.kind().name()),
        _ => String::new(),
    }
}

/// A person: warning markers first, then identity, other names, identifiers and descriptions.
fn person_sections(person: &Person) -> Markup {
    html! {
        @if !person.warning_markers.is_empty() {
            section.warnings aria-labelledby="warnings" {
                h2 #warnings { "Warning markers" }
                ul { @for m in &person.warning_markers { li { (human(m.as_str())) } } }
            }
        }
        section {
            h2 { "Identity" }
            dl {
                dt { "Name" } dd { (person.primary_name().display_name()) }
                @for dob in &person.dates_of_birth { dt { "Date of birth" } dd { (dob) } }
                @if let Some(g) = person.gender { dt { "Gender" } dd { (human(g.as_str())) } }
                @if let Some(e) = person.self_defined_ethnicity { dt { "Self-defined ethnicity" } dd { (human(e.as_str())) } }
                @if let Some(e) = person.officer_observed_ethnicity { dt { "Officer-observed ethnicity" } dd { (human(e.as_str())) } }
            }
        }
        @if person.names().len() > 1 {
            section {
                h2 { "Other names" }
                ul { @for n in &person.names()[1..] { li { (n.display_name()) " " span.muted { (human(n.kind().as_str())) } } } }
            }
        }
        @if !person.identifiers.is_empty() {
            section {
                h2 { "Identifiers" }
                dl { @for i in &person.identifiers { dt { (human(i.kind().as_str())) } dd { (i.value()) } } }
            }
        }
        @if !person.descriptions.is_empty() {
            section {
                h2 { "Descriptions" }
                @for d in &person.descriptions { p { (d.as_str()) } }
            }
        }
    }
}

/// Any record as a list of its fields (`kind.vrm: AB51ABC`), blanks left out.
pub fn fields_list(body: &EntityBody) -> Markup {
    let rows = match body {
        // An operational record's references are shown by name above ("About"), not as ids.
        EntityBody::Record(_) => flatten(&crate::wire::body_json(body).unwrap_or(Value::Null))
            .into_iter()
            .filter(|(_, v)| v.parse::<EntityId>().is_err())
            .collect(),
        _ => flatten(&serde_json::to_value(body).unwrap_or(Value::Null)),
    };
    html! {
        section {
            h2 { "Details" }
            dl { @for (name, value) in &rows { dt { (human(name)) } dd { (value) } } }
        }
    }
}

/// Flattens JSON into `(path, text)` rows, skipping nulls and empty lists; the entity kind's
/// own tag (`kind`/`type` at the top of the body enum) reads as a field like any other.
pub fn flatten(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

fn walk(path: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let join = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                walk(&join(k), v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(&format!("{path}[{i}]"), v, out);
            }
        }
        Value::String(s) => out.push((path.to_owned(), s.clone())),
        other => out.push((path.to_owned(), other.to_string())),
    }
}

/// The form that asks why a record is being consulted; it submits (GET) to `action`.
pub fn ask_justification(officer: &Officer, action: &str) -> Page {
    Page::ok(page(
        "Why are you looking?",
        Some(officer),
        html! {
            p { "Consulting personal data needs a reason, which is recorded in the audit log (Data Protection Act 2018, section 62)." }
            form method="get" action=(action) {
                label for="justification" { "Reason (incident, case or task reference and purpose)" }
                input #justification name="justification" required minlength="3" maxlength="500" autofocus;
                button type="submit" { "Continue" }
            }
        },
    ))
}

/// `GET /records/{id}/history`: every version, newest first, with what changed in each.
pub async fn history(
    State(state): State<AppState>,
    officer: Officer,
    IdParam(id): IdParam,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let Some(why) = justification(&query_fields(query.as_deref()))? else {
        return Ok(ask_justification(&officer, &format!("/records/{id}/history")).into_response());
    };
    let versions = state.store.entity_history(&officer.principal, id, &why).await?;
    let Some(latest) = versions.last() else {
        return Err(Problem::internal(&"a stored record has no version").into());
    };
    let heading = format!("History of {}", title(&latest.body));
    let mut previous: Vec<(String, String)> = Vec::new();
    let mut entries = Vec::with_capacity(versions.len());
    for v in &versions {
        let now = flatten(&serde_json::to_value(&v.body).unwrap_or(Value::Null));
        let changed: Vec<(String, Option<String>, Option<String>)> = changes(&previous, &now);
        entries.push((v, changed));
        previous = now;
    }
    let body = html! {
        p { a href=(record_href(id, Some(&why))) { "Back to the record" } }
        ol.history reversed {
            @for (v, changed) in entries.iter().rev() {
                li {
                    h2 { "Version " (v.meta.version) ": " (human(v.meta.change.as_str())) }
                    p.muted { (when(v.meta.at)) " by " (v.meta.author) }
                    @if let Some(reason) = &v.meta.reason { p { "Reason: " (reason.as_str()) } }
                    @if !changed.is_empty() {
                        table {
                            thead { tr { th scope="col" { "Field" } th scope="col" { "Before" } th scope="col" { "After" } } }
                            tbody {
                                @for (field, before, after) in changed {
                                    tr {
                                        td { (human(field)) }
                                        td { (before.as_deref().unwrap_or("—")) }
                                        td { (after.as_deref().unwrap_or("—")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(Page::ok(page(&heading, Some(&officer), body)).into_response())
}

/// The fields that differ between two flattened versions: `(field, before, after)`.
pub fn changes(before: &[(String, String)], after: &[(String, String)]) -> Vec<(String, Option<String>, Option<String>)> {
    let find = |rows: &[(String, String)], key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let mut keys: Vec<&String> = before.iter().chain(after).map(|(k, _)| k).collect();
    keys.dedup();
    let mut seen = std::collections::HashSet::new();
    keys.into_iter()
        .filter(|k| seen.insert(*k))
        .filter_map(|k| {
            let (b, a) = (find(before, k), find(after, k));
            (b != a).then(|| (k.clone(), b, a))
        })
        .collect()
}

/// A record's one-line description in lists (title, kind, and for people their markers).
pub fn list_item(record: &EntityRecord, why: Option<&Justification>) -> Markup {
    html! {
        a href=(record_href(record.id, why)) { (title(&record.body)) }
        @if let EntityBody::Person(p) = &record.body {
            @if let Some(dob) = p.dates_of_birth.first() { " " span.muted { "born " (dob) } }
            @for m in &p.warning_markers { " " span.marker { (human(m.as_str())) } }
        } @else {
            " " span.muted { (record.kind.as_str()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattening_names_every_leaf_and_skips_blanks() {
        let rows = flatten(&json!({"kind": {"type": "vehicle", "vrm": "AB51ABC", "vin": null}, "lines": ["a", "b"], "n": 3}));
        assert_eq!(
            rows,
            vec![
                ("kind.type".into(), "vehicle".into()),
                ("kind.vrm".into(), "AB51ABC".into()),
                ("lines[0]".into(), "a".into()),
                ("lines[1]".into(), "b".into()),
                ("n".into(), "3".into()),
            ]
        );
    }

    #[test]
    fn changes_list_added_removed_and_altered_fields_once() {
        let before = vec![("a".to_owned(), "1".to_owned()), ("b".to_owned(), "2".to_owned())];
        let after = vec![("a".to_owned(), "1".to_owned()), ("b".to_owned(), "3".to_owned()), ("c".to_owned(), "4".to_owned())];
        assert_eq!(
            changes(&before, &after),
            vec![("b".into(), Some("2".into()), Some("3".into())), ("c".into(), None, Some("4".into()))]
        );
        assert_eq!(changes(&after, &before)[1], ("c".into(), Some("4".into()), None));
        assert!(changes(&after, &after).is_empty());
    }

    #[test]
    fn justifications_are_carried_encoded() {
        let why = Justification::parse("CAD 123 & check").unwrap();
        assert_eq!(carry(&why), "justification=CAD+123+%26+check");
    }
}
