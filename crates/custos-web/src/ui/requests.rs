//! FOI and subject access casework pages for information rights officers (`/requests`).
//!
//! - The queue shows every open request with its clock first: due date and days left, red once
//!   overdue, "stopped" while waiting for clarification or a fee, "not started" until a subject's
//!   identity is verified. No requester details are listed.
//! - A request's page (a justified consultation: it shows the requester) puts the clock first,
//!   then what is known, the tasks, the whole history (which cannot be changed), and a form for
//!   each thing that can happen next. Each form records one event; the store checks it against the
//!   law and the request (a refusal is shown with the law's reason and nothing is recorded).

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use custos_rights::calendar::uk_today;
use custos_rights::clock::Law;
use custos_rights::request::{ClockState, Event, FoiSection, Outcome, Registration, Request, Restriction};
use custos_store::StoreError;
use custos_store::entities::Justification;
use custos_store::rights::{Queue, REMINDER_DAYS, RequestFile, RequestId};
use custos_store::search::Page as QueuePage;
use maud::{Markup, html};
use serde_json::{Map, Value, json};

use super::auth::Officer;
use super::error::{PageError, see_other};
use super::form::{Fields, Posted};
use super::layout::{Page, alert, csrf_field, human, page};
use super::record::{ask_justification, carry, justification, query_fields};
use crate::AppState;
use crate::extract::IdParam;
use crate::problem::Problem;

/// Where the queue is.
pub const PATH: &str = "/requests";

/// The clock in words, and whether it is overdue.
fn clock_words(state: &ClockState) -> (String, bool) {
    match state {
        ClockState::NotStarted => ("not started: verify the requester's identity".into(), false),
        ClockState::Stopped { since } => (format!("stopped since {since}"), false),
        ClockState::Running { due, days_left } if *days_left < 0 => (format!("OVERDUE since {due} ({} days)", -days_left), true),
        ClockState::Running { due, days_left } => (format!("due {due} ({days_left} days left)"), false),
        ClockState::Answered { due, on, on_time } => {
            (format!("answered {on}, {} (due {due})", if *on_time { "on time" } else { "late" }), !on_time)
        }
        ClockState::Ended => ("ended without an answer".into(), false),
    }
}

/// `GET /requests?queue=open|overdue|all`.
pub async fn queue(State(state): State<AppState>, officer: Officer, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    let queue: Queue = query.optional("queue").as_deref().unwrap_or("open").parse().map_err(|e: String| Problem::field("queue", e))?;
    let lines = state.store.list_requests(&officer.principal, queue, QueuePage::first(200)).await?;
    let today = uk_today();
    // The reminders: counted over the open queue whatever the tab.
    let open = if queue == Queue::Open { lines.clone() } else { state.store.list_requests(&officer.principal, Queue::Open, QueuePage::first(200)).await? };
    let waiting = open.iter().filter(|l| l.answered.is_none());
    let (overdue, soon) = waiting.fold((0, 0), |(o, s), l| match l.due.map(|d| (d - today).get_days()) {
        Some(left) if left < 0 => (o + 1, s),
        Some(left) if i64::from(left) <= REMINDER_DAYS => (o, s + 1),
        _ => (o, s),
    });
    let body = html! {
        nav.tabs aria-label="Queues" {
            a href="/requests?queue=open" aria-current=[(queue == Queue::Open).then_some("page")] { "Open" }
            a href="/requests?queue=due_soon" aria-current=[(queue == Queue::DueSoon).then_some("page")] { "Due this week" }
            a href="/requests?queue=overdue" aria-current=[(queue == Queue::Overdue).then_some("page")] { "Overdue" }
            a href="/requests?queue=all" aria-current=[(queue == Queue::All).then_some("page")] { "All" }
        }
        @if soon > 0 || overdue > 0 {
            p.reminder role="status" {
                @if overdue > 0 { a href="/requests?queue=overdue" { (overdue) " overdue" } }
                @if soon > 0 && overdue > 0 { ", " }
                @if soon > 0 { a href="/requests?queue=due_soon" { (soon) " due within " (REMINDER_DAYS) " days" } }
            }
        }
        p { a.button href="/requests/new" { "Register a request" } " " a href="/requests/performance" { "Performance" } }
        @if lines.is_empty() { p.muted { "No requests here." } }
        @else {
            table {
                thead { tr { th { "Reference" } th { "Law" } th { "Received" } th { "Clock" } th { "Outcome" } } }
                tbody {
                    @for l in &lines {
                        @let overdue = l.closed.is_none() && l.answered.is_none() && l.due.is_some_and(|d| d < today);
                        tr {
                            // The page asks why it is opened: the reason is the officer's, not a default.
                            td { a href={ "/requests/" (l.id) } { (l.reference) } }
                            td { (l.law.as_str().to_uppercase()) }
                            td { (l.received) }
                            td.overdue[overdue] {
                                @match (l.clock.as_str(), l.due) {
                                    ("running", Some(due)) => { "due " (due) @if overdue { " — OVERDUE" } }
                                    ("answered", _) => { "answered " (l.answered.map(|d| d.to_string()).unwrap_or_default()) @if l.on_time == Some(false) { " (late)" } }
                                    (other, _) => { (human(other)) }
                                }
                            }
                            td { (l.outcome.as_deref().map(human).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    };
    Ok(Page::ok(page("Information requests", Some(&officer), body)).into_response())
}

/// `GET /requests/new`.
pub async fn new_form(officer: Officer) -> Result<Response, PageError> {
    Ok(Page::ok(page("Register a request", Some(&officer), registration_form(&officer, &Fields::default(), None))).into_response())
}

fn registration_form(officer: &Officer, fields: &Fields, error: Option<&str>) -> Markup {
    let choice = |name: &str, label: &str, options: &[&str]| {
        html! {
            label for=(name) { (label) }
            select id=(name) name=(name) required {
                @for o in options { option value=(o) selected[fields.get(name) == *o] { (human(o)) } }
            }
        }
    };
    html! {
        @if let Some(message) = error { (alert(message)) }
        form method="post" action="/requests/new" {
            (csrf_field(officer))
            (choice("law", "Law", &["foi", "sar", "sar-le"]))
            (choice("channel", "How it came in", custos_rights::request::Channel::NAMES))
            label for="received" { "Received on" }
            input type="date" #received name="received" required value=(fields.get("received"));
            label for="identity_verified" { "Identity verified on (subject access; leave empty until it is)" }
            input type="date" #identity_verified name="identity_verified" value=(fields.get("identity_verified"));
            label for="name" { "Requester's name" }
            input #name name="name" required value=(fields.get("name"));
            label for="contact" { "Where to answer (email or address)" }
            input #contact name="contact" required value=(fields.get("contact"));
            (choice("kind", "Requester", custos_rights::request::RequesterType::NAMES))
            label for="summary" { "What was asked" }
            textarea #summary name="summary" required { (fields.get("summary")) }
            button type="submit" { "Register" }
        }
    }
}

/// `POST /requests/new`.
pub async fn register(State(state): State<AppState>, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let value = json!({
        "law": fields.get("law"), "channel": fields.get("channel"), "received": fields.get("received"),
        "identity_verified": fields.optional("identity_verified"), "summary": fields.get("summary"),
        "requester": { "name": fields.get("name"), "contact": fields.get("contact"), "kind": fields.get("kind") },
    });
    let refused = |message: String| {
        let mut page = Page::ok(page("Register a request", Some(&officer), registration_form(&officer, &fields, Some(&message))));
        page.status = StatusCode::UNPROCESSABLE_ENTITY;
        Ok(page.into_response())
    };
    let registration: Registration = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => return refused(format!("Nothing was registered: {e}")),
    };
    match state.store.register_request(&officer.principal, Event::Registered(registration)).await {
        Ok(file) => {
            let why = Justification::parse(&format!("registering {}", file.reference))?;
            Ok(see_other(&file_href(&file.id, &why)))
        }
        Err(StoreError::Refused(message)) => refused(format!("Nothing was registered: {message}")),
        Err(e) => Err(e.into()),
    }
}

fn file_href(id: &str, why: &Justification) -> String {
    format!("/requests/{id}?{}", carry(why))
}

/// `GET /requests/{id}`: justified, then the request.
pub async fn file_page(State(state): State<AppState>, officer: Officer, IdParam(id): IdParam, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    let Some(why) = justification(&query)? else {
        return Ok(ask_justification(&officer, &format!("/requests/{id}")).into_response());
    };
    let file = state.store.read_request(&officer.principal, RequestId::from(id), &why).await?;
    Ok(Page::ok(page(&file.reference, Some(&officer), file_body(&officer, &file, &why, None))).into_response())
}

fn file_body(officer: &Officer, file: &RequestFile, why: &Justification, error: Option<&str>) -> Markup {
    let r = &file.request;
    let (clock, overdue) = clock_words(&file.clock);
    html! {
        @if let Some(message) = error { (alert(message)) }
        section.clock.overdue[overdue] aria-label="Clock" {
            p.big { (r.law.as_str().to_uppercase()) " — " (clock) }
            @if r.extended { p { "Extended." } }
        }
        dl {
            dt { "Received" } dd { (r.received) " by " (human(r.channel.as_str())) }
            dt { "Requester" } dd { (r.requester.name) " (" (human(r.requester.kind.as_str())) "), " (r.requester.contact) }
            dt { "Asked for" } dd { (r.summary) }
            @if let Some(to) = &r.assigned_to { dt { "Caseworker" } dd { (to) } }
            @if !r.exemptions.is_empty() { dt { "Exemptions" } dd { (r.exemptions.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")) } }
            @if !r.restrictions.is_empty() { dt { "Restrictions" } dd { (r.restrictions.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")) } }
        }
        @if r.law != Law::Foi {
            p { a href={ "/requests/" (file.id) "/discovery?" (carry(why)) } { "The subject's data: find, review and disclose" } }
        }
        @if !r.tasks.is_empty() {
            h2 { "Tasks" }
            ol { @for t in &r.tasks { li { (t.title) @if t.done { " — done" } @else { strong { " — open" } } } } }
        }
        h2 { "History" }
        ol.history {
            @for h in &file.history {
                li { (h.at.strftime("%Y-%m-%d %H:%M")) " " (h.actor) ": " (describe(&h.event)) }
            }
        }
        @if r.closed.is_none() || r.review.is_none() || r.ico_complaint.is_none() {
            h2 { "Record what happened" }
            @for (kind, title, inputs) in forms(r) {
                details {
                    summary { (title) }
                    form method="post" action={ "/requests/" (file.id) "/events" } {
                        (csrf_field(officer))
                        input type="hidden" name="justification" value=(why.as_str());
                        input type="hidden" name="expected_events" value=(file.history.len());
                        input type="hidden" name="event" value=(kind);
                        @for input in inputs { (input) }
                        button type="submit" { (title) }
                    }
                }
            }
        }
    }
}

fn describe(event: &Event) -> String {
    let value = serde_json::to_value(event).unwrap_or(Value::Null);
    let Value::Object(map) = value else { return String::new() };
    let kind = map.get("event").and_then(Value::as_str).unwrap_or_default();
    let details: Vec<String> = map
        .iter()
        .filter(|(k, _)| *k != "event" && *k != "requester")
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| format!("{}: {}", human(k), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
        .collect();
    format!("{} — {}", human(kind), details.join("; "))
}

fn date_input(name: &str, label: &str) -> Markup {
    html! { label { (label) " " input type="date" name=(name) required; } }
}

fn text_input(name: &str, label: &str) -> Markup {
    html! { label { (label) " " textarea name=(name) required {} } }
}

fn choice(name: &str, label: &str, options: &[&str]) -> Markup {
    html! { label { (label) " " select name=(name) required { @for o in options { option value=(o) { (human(o)) } } } } }
}

/// The forms for what can happen next to `r`, by the event each records.
fn forms(r: &Request) -> Vec<(&'static str, &'static str, Vec<Markup>)> {
    let answers: Vec<&str> = Outcome::ALL.iter().filter(|o| o.is_answer()).map(|o| o.as_str()).collect();
    let mut forms = Vec::new();
    if r.closed.is_none() {
        if r.law != Law::Foi && r.started.is_none() {
            forms.push(("identity_verified", "Identity verified", vec![date_input("on", "On"), text_input("how", "How")]));
        }
        forms.push(("assigned", "Assign", vec![text_input("to", "To")]));
        forms.push(("task_added", "Add a task", vec![text_input("title", "Task")]));
        let open: Vec<String> = r.tasks.iter().enumerate().filter(|(_, t)| !t.done).map(|(i, _)| (i + 1).to_string()).collect();
        if !open.is_empty() {
            let options: Vec<&str> = open.iter().map(String::as_str).collect();
            forms.push(("task_done", "Task done", vec![choice("task", "Task number", &options)]));
        }
        if r.stops.iter().any(|s| s.until.is_none()) {
            forms.push(("clock_resumed", "Clarification or fee received: restart the clock", vec![date_input("on", "On")]));
        } else if r.responded.is_none() {
            let kinds: &[&str] = if r.law == Law::Foi { &["clarification", "fees"] } else { &["clarification"] };
            forms.push(("clock_stopped", "Stop the clock", vec![choice("kind", "Why", kinds), date_input("on", "On"), text_input("notice", "Notice sent")]));
            forms.push(("extended", "Extend the deadline", vec![date_input("on", "On"), text_input("reason", "Why"), text_input("notice", "Notice sent")]));
            forms.push(("responded", "Answer sent", vec![date_input("on", "On"), choice("outcome", "Outcome", &answers)]));
        }
        if r.law == Law::Foi {
            forms.push(("exemption_applied", "Apply an exemption", vec![
                choice("section", "Section", FoiSection::NAMES),
                html! { label { input type="checkbox" name="neither_confirm_nor_deny" value="true"; " Neither confirm nor deny" } },
                text_input("reason", "Reasons (for a qualified exemption, the public interest test)"),
            ]));
        } else {
            let grounds: Vec<&str> = Restriction::NAMES.iter().copied().filter(|g| (r.law == Law::Sar) == g.starts_with("sch2")).collect();
            forms.push(("restricted", "Restrict access", vec![choice("ground", "Ground", &grounds), text_input("reason", "Reasons")]));
        }
        let outcomes: Vec<&str> = match r.responded {
            Some((_, given)) => vec![given.as_str()],
            None => vec!["withdrawn", "clarification_not_received"],
        };
        forms.push(("closed", "Close", vec![date_input("on", "On"), choice("outcome", "Outcome", &outcomes)]));
    }
    if r.responded.is_some() && r.review.is_none() {
        forms.push(("review_requested", "Internal review requested", vec![date_input("on", "On")]));
    }
    if r.review.is_some_and(|v| v.decided.is_none()) {
        forms.push(("review_decided", "Internal review decided", vec![date_input("on", "On"), choice("upheld", "Original answer upheld", &["yes", "no"]), text_input("note", "Decision")]));
    }
    if r.law == Law::Foi && r.responded.is_some() && r.published.is_none() {
        forms.push(("published", "Publish in the disclosure log", vec![
            date_input("on", "On"),
            html! { label { "Title " input name="title" required; } },
            text_input("response", "The answer as released (never the requester's name or contact)"),
        ]));
    }
    if r.ico_complaint.is_none() {
        forms.push(("ico_complaint", "Complaint to the ICO", vec![date_input("on", "On"), text_input("reference", "ICO reference")]));
    }
    forms.push(("note", "Add a note", vec![text_input("text", "Note")]));
    forms
}

/// The posted form as an event: text fields as given, the task number and the yes/no answers typed.
fn posted_event(fields: &Fields) -> Value {
    let mut map = Map::new();
    for (name, value) in &fields.0 {
        if matches!(name.as_str(), "csrf" | "justification" | "expected_events") || value.trim().is_empty() {
            continue;
        }
        let typed = match name.as_str() {
            "task" => value.parse::<u64>().map(Value::from).unwrap_or_else(|_| Value::from(value.clone())),
            "neither_confirm_nor_deny" => Value::Bool(value == "true"),
            "upheld" => Value::Bool(value == "yes"),
            // Other records of the same requester (a checkbox per candidate).
            "also" => {
                if let Some(Value::Array(also)) = map.get_mut("also") {
                    also.push(Value::from(value.clone()));
                    continue;
                }
                Value::Array(vec![Value::from(value.clone())])
            }
            _ => Value::from(value.clone()),
        };
        map.insert(name.clone(), typed);
    }
    Value::Object(map)
}

/// `POST /requests/{id}/events`.
pub async fn record(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let why = Justification::parse(fields.get("justification"))?;
    let expected: u32 = fields.get("expected_events").parse().map_err(|_| Problem::field("expected_events", "is missing"))?;
    let id = RequestId::from(id);
    let outcome = match serde_json::from_value::<Event>(posted_event(&fields)) {
        Ok(Event::Registered(_)) => Err(StoreError::Refused("a request is registered once".into())),
        Ok(event) => state.store.record_request_event(&officer.principal, id, expected, event).await,
        Err(e) => Err(StoreError::Refused(format!("the form is incomplete: {e}"))),
    };
    match outcome {
        Ok(file) => Ok(see_other(&file_href(&file.id, &why))),
        Err(e @ (StoreError::Refused(_) | StoreError::Conflict)) => {
            let message = match &e {
                StoreError::Conflict => "Someone else recorded something first: nothing was recorded. Here is the request as it is now.".to_owned(),
                other => format!("Nothing was recorded: {other}"),
            };
            let file = state.store.read_request(&officer.principal, id, &why).await?;
            let mut page = Page::ok(page(&file.reference, Some(&officer), file_body(&officer, &file, &why, Some(&message))));
            page.status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page.into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_forms_become_events() {
        let fields = Fields(vec![
            ("csrf".into(), "t".into()), ("justification".into(), "x".into()), ("expected_events".into(), "3".into()),
            ("event".into(), "task_done".into()), ("task".into(), "2".into()), ("blank".into(), " ".into()),
        ]);
        assert_eq!(posted_event(&fields), json!({"event": "task_done", "task": 2}));
        let also = Fields(vec![("event".into(), "subject_identified".into()), ("also".into(), "a".into()), ("also".into(), "b".into())]);
        assert_eq!(posted_event(&also), json!({"event": "subject_identified", "also": ["a", "b"]}));
        let review = Fields(vec![("event".into(), "review_decided".into()), ("upheld".into(), "no".into())]);
        assert_eq!(posted_event(&review), json!({"event": "review_decided", "upheld": false}));
    }
}
