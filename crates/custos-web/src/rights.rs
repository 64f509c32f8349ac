//! FOI and subject access casework over HTTP, for information rights officers, and the statutory
//! deadline calculator.
//!
//! - `POST /api/v1/information-requests` registers a request: the `registered` event's fields
//!   (`law`, `channel`, `requester`, `received`, `summary`, optionally `identity_verified` and
//!   `jurisdiction`) → `201 {id, reference, clock, events}`.
//! - `GET /api/v1/information-requests?queue=open|overdue|all&offset=&limit=` → `{items}`: the
//!   queue, each with its clock, and no requester details.
//! - `GET /api/v1/information-requests/{id}` (a justified consultation) → the file: the request's
//!   state, where its clock stands today and its whole history.
//! - `POST /api/v1/information-requests/{id}/events` with `{"expected_events": n, "event": {…}}`
//!   records one event (`custos_rights::request::Event`) → `{id, reference, clock, events}`
//!   (the contents are read with `GET`, justified); `409 conflict` when the
//!   history has grown since the caller read it, `422 refused` with the law's reason otherwise.
//! - `GET /api/v1/deadlines?law=&received=&extended=&jurisdiction=` → `{due}`: the calculator of
//!   `custos deadline`, with no personal data, open to anyone.
//!
//! The store authorises, checks and audits everything; the handlers only translate.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use custos_rights::calendar::Region;
use custos_rights::clock::{self, Law};
use custos_rights::request::{Event, Registration};
use custos_store::rights::{MAX_LISTED, Queue};
use custos_store::search::Page;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::{IdParam, JsonBody, Justify, QueryParams};
use crate::problem::Problem;

/// The page size when the request does not give one.
pub const DEFAULT_LIMIT: usize = 50;

/// `GET /api/v1/information-requests`'s query string.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    queue: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
}

/// `POST /api/v1/information-requests/{id}/events`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRequest {
    expected_events: u32,
    event: Value,
}

/// `GET /api/v1/deadlines`'s query string.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineQuery {
    law: String,
    received: String,
    #[serde(default)]
    extended: Option<bool>,
    #[serde(default)]
    jurisdiction: Option<String>,
}

fn file_json(file: &custos_store::rights::RequestFile) -> Result<Value, Problem> {
    serde_json::to_value(file).map_err(|e| Problem::internal(&e))
}

/// What a write answers: the request's id, reference, clock and number of events, not its
/// contents (reading those is a justified consultation, `GET …/{id}`).
fn outcome_json(file: &custos_store::rights::RequestFile) -> Result<Value, Problem> {
    let clock = serde_json::to_value(file.clock).map_err(|e| Problem::internal(&e))?;
    Ok(json!({ "id": file.id, "reference": file.reference, "clock": clock, "events": file.history.len() }))
}

/// Parses an event. Serde reads a tagged enum through a buffer, so an error has no path inside
/// the event: it is named `event`, with serde's message (which names the field).
fn event(value: Value) -> Result<Event, Problem> {
    serde_json::from_value(value).map_err(|e| Problem::field("event", e.to_string()))
}

/// A request registered → `201` and its file.
pub async fn register(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(registration): JsonBody<Registration>,
) -> Result<(StatusCode, Json<Value>), Problem> {
    let file = state.store.register_request(&caller.principal, Event::Registered(registration)).await?;
    Ok((StatusCode::CREATED, Json(outcome_json(&file)?)))
}

/// The queue → `200 {items}`.
pub async fn queue(State(state): State<AppState>, caller: Caller, QueryParams(query): QueryParams<QueueQuery>) -> Result<Json<Value>, Problem> {
    let queue: Queue = query.queue.as_deref().unwrap_or("open").parse().map_err(|e: String| Problem::field("queue", e))?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LISTED).contains(&limit) {
        return Err(Problem::field("limit", format!("must be between 1 and {MAX_LISTED}")));
    }
    let items = state.store.list_requests(&caller.principal, queue, Page { offset: query.offset.unwrap_or(0), limit }).await?;
    Ok(Json(json!({ "items": items })))
}

/// One request's file → `200`.
pub async fn read(State(state): State<AppState>, caller: Caller, Justify(why): Justify, IdParam(id): IdParam) -> Result<Json<Value>, Problem> {
    let file = state.store.read_request(&caller.principal, id.into(), &why).await?;
    Ok(Json(file_json(&file)?))
}

/// One event recorded → `200` and the file.
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(id): IdParam,
    JsonBody(request): JsonBody<EventRequest>,
) -> Result<Json<Value>, Problem> {
    let event = event(request.event)?;
    if matches!(event, Event::Registered(_)) {
        return Err(Problem::field("event.event", "a request is registered once, with POST /api/v1/information-requests"));
    }
    let file = state.store.record_request_event(&caller.principal, id.into(), request.expected_events, event).await?;
    Ok(Json(outcome_json(&file)?))
}

/// The deadline calculator → `200 {law, received, extended, jurisdiction, due}`.
pub async fn deadline(QueryParams(query): QueryParams<DeadlineQuery>) -> Result<Json<Value>, Problem> {
    let law: Law = query.law.parse().map_err(|e: clock::ClockError| Problem::field("law", e.to_string()))?;
    let received = custos_rights::calendar::parse_day(&query.received).map_err(|e| Problem::field("received", e))?;
    let jurisdiction: Region = match query.jurisdiction.as_deref() {
        Some(j) => j.parse().map_err(|e: String| Problem::field("jurisdiction", e))?,
        None => Region::EnglandWales,
    };
    let extended = query.extended.unwrap_or(false);
    let due = clock::due_date(law, received, extended, jurisdiction).map_err(|e| Problem::field("received", e.to_string()))?;
    Ok(Json(json!({ "law": law, "received": received, "extended": extended, "jurisdiction": jurisdiction, "due": due })))
}
