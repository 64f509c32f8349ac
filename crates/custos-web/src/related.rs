//! Around a record and around the caller: `GET /api/v1/entities/{id}/related` (the record's links
//! with the records at their other ends; justified) and `GET /api/v1/me/recent?limit=` (the
//! records the caller wrote most recently). The store leaves out whatever the caller may not
//! read and audits each call as one read.

use axum::Json;
use axum::extract::State;
use custos_store::related::MAX_RECENT;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::{IdParam, Justify, QueryParams};
use crate::problem::Problem;
use crate::wire::entity_json;

/// How many recent records `GET /api/v1/me/recent` returns when the request does not say.
pub const DEFAULT_RECENT: usize = 20;

/// `GET /api/v1/entities/{id}/related` takes only the justification.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedQuery {
    #[serde(rename = "justification")]
    _justification: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecentQuery {
    limit: Option<usize>,
}

/// `GET /api/v1/entities/{id}/related` → `{related: [{link, other}]}`.
pub async fn related(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(id): IdParam,
    Justify(why): Justify,
    QueryParams(_): QueryParams<RelatedQuery>,
) -> Result<Json<Value>, Problem> {
    let related = state.store.related(&caller.principal, id, &why).await?;
    let related = related
        .iter()
        .map(|r| Ok(json!({ "link": entity_json(&r.link)?, "other": entity_json(&r.other)? })))
        .collect::<Result<Vec<_>, Problem>>()?;
    Ok(Json(json!({ "related": related })))
}

/// `GET /api/v1/me/recent` → `{records}`, newest first.
pub async fn recent(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<RecentQuery>,
) -> Result<Json<Value>, Problem> {
    let limit = query.limit.unwrap_or(DEFAULT_RECENT);
    if !(1..=MAX_RECENT).contains(&limit) {
        return Err(Problem::field("limit", format!("must be between 1 and {MAX_RECENT}")));
    }
    let records = state.store.recent_work(&caller.principal, limit).await?;
    let records = records.iter().map(entity_json).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "records": records })))
}
