//! Subject access discovery over HTTP, for information rights officers. The subject is
//! identified with the match search (`POST /api/v1/persons/match`) and a `subject_identified`
//! event naming the search and the person chosen (`POST …/{id}/events`); then:
//!
//! - `GET /api/v1/information-requests/{id}/bundle` (justified) → the bundle as the data stands
//!   now: each item with its fields as the requester would read them (third parties redacted,
//!   with the officer's adjustments), the spans redacted, whether it has been reviewed, and
//!   whether the data changed since the bundle was assembled (`stale`).
//! - `POST …/{id}/bundle` with `{"expected_events": n}` (justified) assembles the bundle and
//!   records it on the request (`bundle_assembled`) → the same view.
//! - Reviews are events: `items_reviewed` through `POST …/{id}/events`.
//! - `POST …/{id}/pack` with `{"expected_events": n}` (justified) exports the disclosure pack →
//!   `200 application/zip` (HTML pages and `manifest.json`), audited as a disclosure; `422
//!   refused` when an item is unreviewed, the data changed since review, or another person's
//!   identifying details would go out.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use custos_rights::redact::{Segment, render};
use custos_store::rights::RequestFile;
use custos_store::subject_access::Bundle;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::{IdParam, JsonBody, Justify};
use crate::problem::Problem;

/// `POST …/{id}/bundle` and `POST …/{id}/pack`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    expected_events: u32,
}

/// The review view of a bundle: each item as it would be disclosed, with what was redacted.
pub fn bundle_json(file: &RequestFile, bundle: &Bundle) -> Value {
    let redactor = bundle.redactor();
    let discovery = &file.request.discovery;
    let stale = discovery.items != bundle.entries();
    let items: Vec<Value> = bundle
        .items
        .iter()
        .map(|item| {
            let review = discovery.reviews.get(&item.key);
            let adjustments = review.map(|r| r.adjustments.clone()).unwrap_or_default();
            let fields: Vec<Value> = item
                .fields
                .iter()
                .map(|f| {
                    let segments: Vec<Segment> = redactor.redact(&f.text, &adjustments);
                    json!({ "label": f.label, "text": render(&segments), "segments": segments })
                })
                .collect();
            json!({ "key": item.key, "kind": item.kind, "title": item.title, "hash": item.hash, "fields": fields, "review": review })
        })
        .collect();
    json!({
        "request": file.id, "reference": file.reference, "events": file.history.len(),
        "subject": bundle.subject, "stale": stale, "unreadable": bundle.unreadable,
        "unreviewed": bundle.items.iter().filter(|i| !discovery.reviews.contains_key(&i.key)).count(),
        "items": items,
    })
}

/// The bundle as the data stands → `200`.
pub async fn bundle(State(state): State<AppState>, caller: Caller, Justify(why): Justify, IdParam(id): IdParam) -> Result<Json<Value>, Problem> {
    let (file, bundle) = state.store.subject_bundle(&caller.principal, id.into(), &why).await?;
    Ok(Json(bundle_json(&file, &bundle)))
}

/// The bundle assembled and recorded → `200`.
pub async fn assemble(
    State(state): State<AppState>,
    caller: Caller,
    Justify(why): Justify,
    IdParam(id): IdParam,
    JsonBody(body): JsonBody<Expected>,
) -> Result<Json<Value>, Problem> {
    let (file, bundle) = state.store.assemble_bundle(&caller.principal, id.into(), body.expected_events, &why).await?;
    Ok(Json(bundle_json(&file, &bundle)))
}

/// The disclosure pack → `200 application/zip`.
pub async fn pack(
    State(state): State<AppState>,
    caller: Caller,
    Justify(why): Justify,
    IdParam(id): IdParam,
    JsonBody(body): JsonBody<Expected>,
) -> Result<Response, Problem> {
    let (_, pack) = state.store.export_pack(&caller.principal, id.into(), body.expected_events, &why).await?;
    crate::pack::download(&pack)
}
