//! MoPI review, retention and disposal over HTTP, for records managers.
//!
//! - `GET /api/v1/retention/queue?group=&unit=&overdue_days=&triggered=&offset=&limit=` →
//!   `{items}`: the reviews due (date reached, or asked for early), oldest first, each with its
//!   record's kind, unit, group, date, days overdue, trigger and legal hold; no personal data.
//! - `GET /api/v1/retention/records/{id}` → the review file: where the record's review stands
//!   (schedule, grading, override, newest contact, offenders) and every decision about it.
//! - `POST /api/v1/retention/reviews` with `{"reviews": [{"record", "outcome": "retain"|"dispose"|
//!   "archive", "risks": [criteria answered yes], "reason", "next_review"}]}` → `{decisions}`:
//!   all or none, one audit event each; disposal deletes the record everywhere.
//! - `POST /api/v1/retention/records/{id}/hold` with `{"hold": true|false, "reason"}` → `{decision}`.
//! - `POST /api/v1/retention/records/{id}/group` with `{"group": "group_2"|null, "reason"}` →
//!   `{decision}`: the records manager's override of the record's grading (null: its grading).
//! - `POST /api/v1/people/{id}/retention-review` with `{"trigger": "deletion_request"|
//!   "subject_access"}` → `{marked}`: brings forward the review of everything held about them.
//! - `GET /api/v1/retention/report` → the retention report.
//! - `GET /api/v1/retention/archive/{id}` (a justified consultation, the archive's own permission)
//!   → `{id, kind, record, created_at, archived_at}`: a record in the restricted archive.
//!
//! The store authorises, checks and audits everything; the handlers only translate.

use axum::Json;
use axum::extract::State;
use custos_core::record::MopiGroup;
use custos_store::retention::Trigger;
use custos_store::retention_review::{MAX_BATCH, QueueFilter, Review};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::{IdParam, JsonBody, Justify, QueryParams};
use crate::problem::Problem;

/// The page size when the request does not give one, and the most.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// `GET /api/v1/retention/queue`'s query string.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    group: Option<String>,
    unit: Option<String>,
    overdue_days: Option<i64>,
    triggered: Option<bool>,
    offset: Option<i64>,
    limit: Option<i64>,
}

/// `POST /api/v1/retention/reviews`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewsRequest {
    reviews: Vec<ReviewItem>,
}

/// One decision as sent: every field named, nothing else accepted (a misspelt `risks` must not
/// pass as "no risk found").
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewItem {
    record: custos_core::ids::EntityId,
    outcome: custos_core::retention::assessment::Outcome,
    #[serde(default)]
    risks: std::collections::BTreeSet<custos_core::retention::assessment::Criterion>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    next_review: Option<jiff::civil::Date>,
}

impl From<ReviewItem> for Review {
    fn from(item: ReviewItem) -> Self {
        let assessment = custos_core::retention::assessment::Assessment {
            outcome: item.outcome,
            risks: item.risks,
            reason: item.reason,
            next_review: item.next_review,
        };
        Self { record: item.record, assessment }
    }
}

/// `POST /api/v1/retention/records/{id}/hold`. The reason defaults to empty so that a missing one
/// is refused by the store's rule, with its message.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldRequest {
    hold: bool,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/retention/records/{id}/group`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRequest {
    group: Option<MopiGroup>,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/people/{id}/retention-review`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerRequest {
    trigger: Trigger,
}

fn to_json(value: &impl serde::Serialize) -> Result<Value, Problem> {
    serde_json::to_value(value).map_err(|e| Problem::internal(&e))
}

/// The queue → `200 {items}`.
pub async fn queue(State(state): State<AppState>, caller: Caller, QueryParams(query): QueryParams<QueueQuery>) -> Result<Json<Value>, Problem> {
    let group = match query.group.as_deref() {
        None | Some("") => None,
        Some(g) => Some(g.parse::<MopiGroup>().map_err(|_| Problem::field("group", "must be 1, 2, 3 or 4 (group_1 … group_4)"))?),
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Problem::field("limit", format!("must be between 1 and {MAX_LIMIT}")));
    }
    let offset = query.offset.unwrap_or(0);
    if offset < 0 {
        return Err(Problem::field("offset", "must not be negative"));
    }
    if query.overdue_days.is_some_and(|d| d < 0) {
        return Err(Problem::field("overdue_days", "must not be negative"));
    }
    let filter = QueueFilter {
        group,
        unit: query.unit.filter(|u| !u.is_empty()),
        overdue_days: query.overdue_days,
        triggered: query.triggered.unwrap_or(false),
    };
    let items = state.store.retention_queue(&caller.principal, &filter, offset, limit).await?;
    Ok(Json(json!({ "items": to_json(&items)? })))
}

/// One record's review file → `200 {…}`.
pub async fn file(State(state): State<AppState>, caller: Caller, IdParam(id): IdParam) -> Result<Json<Value>, Problem> {
    let file = state.store.retention_file(&caller.principal, id).await?;
    Ok(Json(to_json(&file)?))
}

/// A batch of decisions → `200 {decisions}`.
pub async fn review(State(state): State<AppState>, caller: Caller, JsonBody(request): JsonBody<ReviewsRequest>) -> Result<Json<Value>, Problem> {
    if request.reviews.len() > MAX_BATCH {
        return Err(Problem::field("reviews", format!("at most {MAX_BATCH} decisions at a time")));
    }
    let reviews: Vec<Review> = request.reviews.into_iter().map(Review::from).collect();
    let decided = state.store.review_records(&caller.principal, &reviews).await?;
    Ok(Json(json!({ "decisions": to_json(&decided)? })))
}

/// A legal hold placed or released → `200 {decision}`.
pub async fn hold(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(id): IdParam,
    JsonBody(request): JsonBody<HoldRequest>,
) -> Result<Json<Value>, Problem> {
    let decision = state.store.set_legal_hold(&caller.principal, id, request.hold, &request.reason).await?;
    Ok(Json(json!({ "decision": decision })))
}

/// A records manager's override of the grading → `200 {decision}`.
pub async fn regrade(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(id): IdParam,
    JsonBody(request): JsonBody<GroupRequest>,
) -> Result<Json<Value>, Problem> {
    let decision = state.store.regrade(&caller.principal, id, request.group, &request.reason).await?;
    Ok(Json(json!({ "decision": decision })))
}

/// An early review asked for → `200 {marked}`.
pub async fn trigger(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(id): IdParam,
    JsonBody(request): JsonBody<TriggerRequest>,
) -> Result<Json<Value>, Problem> {
    if request.trigger == Trigger::BackToNotice {
        return Err(Problem::field("trigger", "back_to_notice is found by the sweep, not asked for"));
    }
    let marked = state.store.request_review(&caller.principal, id, request.trigger).await?;
    Ok(Json(json!({ "marked": marked })))
}

/// The retention report → `200 {…}`.
pub async fn report(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, Problem> {
    let report = state.store.retention_report(&caller.principal).await?;
    Ok(Json(to_json(&report)?))
}

/// A record in the restricted archive → `200 {id, kind, record, created_at, archived_at}`.
pub async fn archived(State(state): State<AppState>, caller: Caller, IdParam(id): IdParam, Justify(why): Justify) -> Result<Json<Value>, Problem> {
    let archived = state.store.read_archived(&caller.principal, id, &why).await?;
    Ok(Json(json!({
        "id": archived.record.to_string(),
        "kind": archived.kind.as_str(),
        "record": to_json(&archived.body)?,
        "created_at": archived.created_at,
        "archived_at": archived.archived_at,
    })))
}
