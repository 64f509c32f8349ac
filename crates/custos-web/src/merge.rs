//! Golden Nominal merges over HTTP: merge a duplicate person into a primary, and undo a merge.
//! Each handler only translates; the store authorises both records (the `merge` action), refuses
//! what makes no sense (with a `refused` problem saying why), and audits the decision with its
//! reason in the same transaction.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use custos_core::ids::EntityId;
use custos_store::merge::{Identifiers, MergeId};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::{IdParam, JsonBody};
use crate::problem::Problem;

/// `POST /api/v1/people/{id}/merge`: `{id}` is the primary, kept; `duplicate` is merged into it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    duplicate: String,
    reason: String,
    /// Merge even though a unique identifier (PNC ID, CRO or NI number) differs: a person's
    /// explicit decision, recorded in the audit payload.
    #[serde(default)]
    force_conflicting_identifiers: bool,
}

/// `POST /api/v1/merges/{merge_id}/unmerge`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnmergeRequest {
    reason: String,
}

/// The `{merge_id}` path parameter.
#[derive(Debug, Clone, Copy)]
pub struct MergeParam(pub MergeId);

impl<S: Send + Sync> FromRequestParts<S> for MergeParam {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::field("merge_id", "is not a merge id"))?;
        raw.parse().map(MergeParam).map_err(|_| Problem::field("merge_id", "is not a merge id"))
    }
}

/// Merges → `200 {merge_id, primary, duplicate}`.
pub async fn merge(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(primary): IdParam,
    JsonBody(request): JsonBody<MergeRequest>,
) -> Result<Json<Value>, Problem> {
    let duplicate: EntityId =
        request.duplicate.parse().map_err(|_| Problem::field("duplicate", "is not an entity id"))?;
    let identifiers =
        if request.force_conflicting_identifiers { Identifiers::ForceConflicting } else { Identifiers::MustAgree };
    let merge_id =
        state.store.merge_people(&caller.principal, primary, duplicate, &request.reason, identifiers).await?;
    Ok(Json(json!({
        "merge_id": merge_id.to_string(),
        "primary": primary.to_string(),
        "duplicate": duplicate.to_string(),
    })))
}

/// Undoes a merge → `200 {merge_id}`.
pub async fn unmerge(
    State(state): State<AppState>,
    caller: Caller,
    MergeParam(merge_id): MergeParam,
    JsonBody(request): JsonBody<UnmergeRequest>,
) -> Result<Json<Value>, Problem> {
    state.store.unmerge(&caller.principal, merge_id, &request.reason).await?;
    Ok(Json(json!({ "merge_id": merge_id.to_string(), "unmerged": true })))
}
