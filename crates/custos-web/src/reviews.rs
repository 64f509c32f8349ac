//! The duplicate-review queue over HTTP, for records managers: the pairs of people the linker
//! would not join on its own (a probability in the review band, or different PNC IDs, CRO or NI
//! numbers), and the decision a person makes on each.
//!
//! `GET /api/v1/reviews?offset=&limit=` is a justified consultation (both records of every pair
//! are shown): `{items: [{id, a, b, probability, cause, queued_at, explanation}], next_offset}`,
//! most probable first, `a` and `b` in the shape `GET /api/v1/entities/{id}` returns.
//! `POST /api/v1/reviews/{id}/decision` with `{"decision": "link"|"reject", "reason": "…"}`
//! answers `{"outcome": "linked", "merge_id": …}` or `{"outcome": "rejected"}`. The store checks
//! the right to merge, refuses a decision without a reason or on a pair already decided
//! (`422 refused`), denies an unknown pair like a missing record, and audits everything; the
//! handlers only translate.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use custos_store::review::{MAX_LISTED, ReviewDecision, ReviewId, ReviewItem, ReviewOutcome};
use custos_store::search::Page;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::{JsonBody, Justify, QueryParams};
use crate::problem::Problem;
use crate::wire::{entity_json, explanation_json};

/// The page size when the request does not give one.
pub const DEFAULT_LIMIT: usize = 20;

/// `GET /api/v1/reviews`'s query string (`justification` is read by [`Justify`] and listed so
/// that unknown parameters can still be refused).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    offset: Option<usize>,
    limit: Option<usize>,
    #[serde(rename = "justification")]
    _justification: Option<String>,
}

/// What a records manager decided. Kept apart from the store's enum so the wire names are ours.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Link,
    Reject,
}

impl From<Decision> for ReviewDecision {
    fn from(decision: Decision) -> Self {
        match decision {
            Decision::Link => Self::Link,
            Decision::Reject => Self::Reject,
        }
    }
}

/// `POST /api/v1/reviews/{id}/decision`. The reason defaults to empty so that a missing one is
/// refused by the store's rule (with its message), like an empty one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    decision: Decision,
    #[serde(default)]
    reason: String,
}

/// The `{id}` path parameter of a review.
#[derive(Debug, Clone, Copy)]
pub struct ReviewParam(pub ReviewId);

impl<S: Send + Sync> FromRequestParts<S> for ReviewParam {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let Path(raw) =
            Path::<String>::from_request_parts(parts, state).await.map_err(|_| Problem::field("id", "is not a review id"))?;
        raw.parse().map(ReviewParam).map_err(|_| Problem::field("id", "is not a review id"))
    }
}

/// One pair as the API shows it.
pub fn item_json(item: &ReviewItem) -> Result<Value, Problem> {
    Ok(json!({
        "id": item.id.to_string(),
        "a": entity_json(&item.a)?,
        "b": entity_json(&item.b)?,
        "probability": item.probability,
        "cause": item.cause,
        "queued_at": item.queued_at,
        "explanation": explanation_json(&item.explanation),
    }))
}

/// The open pairs → `200 {items, next_offset}`.
pub async fn queue(
    State(state): State<AppState>,
    caller: Caller,
    Justify(why): Justify,
    QueryParams(query): QueryParams<QueueQuery>,
) -> Result<Json<Value>, Problem> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LISTED).contains(&limit) {
        return Err(Problem::field("limit", format!("must be between 1 and {MAX_LISTED}")));
    }
    let offset = query.offset.unwrap_or(0);
    // The store pages over queued rows, leaving out pairs the caller may not see or that now
    // resolve to one record, and says where the next page starts.
    let page = state.store.review_queue(&caller.principal, Page { offset, limit }, &why).await?;
    let next_offset = page.next_offset;
    let items = page.items.iter().map(item_json).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "items": items, "next_offset": next_offset })))
}

/// A decision on one pair → `200 {outcome, merge_id?}`.
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    ReviewParam(id): ReviewParam,
    JsonBody(request): JsonBody<DecisionRequest>,
) -> Result<Json<Value>, Problem> {
    let outcome = state.store.decide_review(&caller.principal, id, request.decision.into(), &request.reason).await?;
    Ok(Json(outcome_json(outcome)))
}

fn outcome_json(outcome: ReviewOutcome) -> Value {
    match outcome {
        ReviewOutcome::Linked(merge) => json!({ "outcome": "linked", "merge_id": merge.to_string() }),
        ReviewOutcome::Rejected => json!({ "outcome": "rejected" }),
    }
}
