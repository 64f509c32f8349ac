//! POLE entities: create (one route per kind, people excepted: a person is created only after a
//! match search, see `matching`), read, history, change and submit. Each handler
//! only translates: the store authorises the caller's principal and audits in the same
//! transaction, so a handler has nothing to check by hand. A missing record and a forbidden one
//! both come back `403 denied` (the store makes them indistinguishable, and so does the API).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use custos_authz::Principal;
use custos_core::entity::EntityKind;
use custos_core::ids::UnitId;
use custos_core::marking::{AclEntry, Classification, SecurityMarking};
use custos_core::version::ChangeKind;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::{IdParam, JsonBody, Justify};
use crate::problem::Problem;
use crate::wire::{Draft, RecordBody, body_from_json, entity_json, version_json};

/// `POST /api/v1/{objects|locations|events|links}`: the record and its marking. The
/// owning unit defaults to the caller's first unit, the classification to OFFICIAL, SENSITIVE to
/// off and the access list to empty.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest<D> {
    record: D,
    unit: Option<UnitId>,
    classification: Option<Classification>,
    sensitive: Option<bool>,
    acl: Option<Vec<AclEntry>>,
    reason: Option<String>,
}

/// `PUT /api/v1/entities/{id}`: the whole new record, of the kind the entity already is.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequest {
    kind: EntityKind,
    expected_version: u32,
    record: Value,
    change: ChangeKind,
    reason: Option<String>,
}

/// `POST /api/v1/entities/{id}/submit`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    expected_version: u32,
}

fn marking<D>(principal: &Principal, request: &CreateRequest<D>) -> Result<SecurityMarking, Problem> {
    new_marking(principal, request.unit.as_ref(), request.classification, request.sensitive, request.acl.as_deref())
}

/// The marking of a new record from what the request gave: the owning unit defaults to the
/// caller's first unit, the classification to OFFICIAL, SENSITIVE to off, the access list to empty.
/// Every create route (`/people`, `/persons` after a match…) marks records by this one rule.
pub(crate) fn new_marking(
    principal: &Principal,
    unit: Option<&UnitId>,
    classification: Option<Classification>,
    sensitive: Option<bool>,
    acl: Option<&[AclEntry]>,
) -> Result<SecurityMarking, Problem> {
    let Some(owning_unit) = unit.or(principal.units.first()).cloned() else {
        return Err(Problem::field("unit", "you belong to no unit, so name the owning unit"));
    };
    Ok(SecurityMarking {
        classification: classification.unwrap_or(Classification::Official),
        sensitive: sensitive.unwrap_or(false),
        owning_unit,
        acl: acl.map(<[AclEntry]>::to_vec).unwrap_or_default(),
    })
}

/// Creates one entity of the draft's kind → `201 {id, version}` with `Location`. A person is
/// refused (`422 match_search_required`) whatever route it came by: people are created only
/// after a match search, through `matching::create_after_match`.
pub async fn create<D: Draft>(
    State(state): State<AppState>,
    caller: Caller,
    RecordBody(request): RecordBody<CreateRequest<D>>,
) -> Result<Response, Problem> {
    let marking = marking(&caller.principal, &request)?;
    let body = request.record.into_body().map_err(Problem::fields)?;
    if body.kind() == EntityKind::Person {
        return Err(crate::matching::match_search_required());
    }
    let id = state.store.create_entity(&caller.principal, body, marking, request.reason.as_deref()).await?;
    let mut response = (StatusCode::CREATED, Json(json!({ "id": id.to_string(), "version": 1 }))).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/entities/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `GET /api/v1/entities/{id}`: the current version (a justified, audited read).
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(id): IdParam,
    Justify(why): Justify,
) -> Result<Json<Value>, Problem> {
    let record = state.store.read_entity(&caller.principal, id, &why).await?;
    Ok(Json(entity_json(&record)?))
}

/// `GET /api/v1/entities/{id}/history`: every version, oldest first (audited as a read).
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(id): IdParam,
    Justify(why): Justify,
) -> Result<Json<Value>, Problem> {
    let versions = state.store.entity_history(&caller.principal, id, &why).await?;
    let versions = versions.iter().map(version_json).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "id": id.to_string(), "versions": versions })))
}

/// `PUT /api/v1/entities/{id}`: a new version (`edited`, or `corrected` with a reason once the
/// record is submitted) → `{id, version}`.
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(id): IdParam,
    RecordBody(request): RecordBody<ChangeRequest>,
) -> Result<Json<Value>, Problem> {
    let body = body_from_json(request.kind, request.record)?;
    let version = state
        .store
        .change_entity(&caller.principal, id, request.expected_version, body, request.change, request.reason.as_deref())
        .await?;
    Ok(Json(json!({ "id": id.to_string(), "version": version })))
}

/// `POST /api/v1/entities/{id}/submit`: locks the critical fields → `{id, version}`.
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(id): IdParam,
    JsonBody(request): JsonBody<SubmitRequest>,
) -> Result<Json<Value>, Problem> {
    let version = state.store.submit_entity(&caller.principal, id, request.expected_version).await?;
    Ok(Json(json!({ "id": id.to_string(), "version": version })))
}
