//! The audit log for auditors: pages of integrated events, the latest signed checkpoint and
//! inclusion proofs. The store decides the `audit` action for the caller and audits every
//! consultation (and every denial) before anything is returned, so these handlers only translate.
//! No justification is asked for: the log holds pseudonymous references, never personal text.
//!
//! Hashes are standard base64 with padding (RFC 4648 §4), as in the checkpoint note's root hash
//! (C2SP tlog-checkpoint), so a root computed from a proof compares with the note's as text.
//! A `limit` outside 1..=500 is refused (`400 invalid_input` naming `limit`), not silently capped:
//! a client asking for more than a page can hold learns so at once.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use custos_store::audit::{AuditEntry, MAX_AUDIT_PAGE};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::QueryParams;
use crate::problem::Problem;

/// Entries per page when the query names no `limit`.
pub const DEFAULT_LIMIT: u32 = 100;

/// `GET /api/v1/audit/events?after=&limit=`. Both are optional; values are checked by hand so
/// that an error names its parameter.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    after: Option<String>,
    limit: Option<String>,
}

/// The `{seq}` path parameter: a leaf's position in the log.
#[derive(Debug, Clone, Copy)]
pub struct SeqParam(pub u64);

impl<S: Send + Sync> FromRequestParts<S> for SeqParam {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| not_a_seq("seq"))?;
        parse_seq(&raw).map(SeqParam).ok_or_else(|| not_a_seq("seq"))
    }
}

/// `GET /api/v1/audit/events`: `{events: [{seq, leaf_hash, event}], next}`. `next` is the `after`
/// of the following page, or `null` at the end of the integrated log (events still waiting for
/// the integrator are not shown yet).
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<EventsQuery>,
) -> Result<Json<Value>, Problem> {
    let after = query.after.as_deref().map(|a| parse_seq(a).ok_or_else(|| not_a_seq("after"))).transpose()?;
    let limit = match query.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(text) => parse_seq(text)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| (1..=MAX_AUDIT_PAGE).contains(n))
            .ok_or_else(|| Problem::field("limit", format!("must be a whole number from 1 to {MAX_AUDIT_PAGE}")))?,
    };
    let page = state.store.audit_events(&caller.principal, after, limit).await?;
    let events = page.entries.iter().map(entry_json).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "events": events, "next": page.next })))
}

/// `GET /api/v1/audit/checkpoint`: `{note}`, the latest signed checkpoint (C2SP signed-note), or
/// `null` before the first integration.
pub async fn checkpoint(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, Problem> {
    let note = state.store.audit_checkpoint(&caller.principal).await?;
    Ok(Json(json!({ "note": note })))
}

/// `GET /api/v1/audit/proofs/{seq}`: the RFC 6962 inclusion proof of leaf `seq` in the tree of
/// the latest checkpoint, with the leaf itself and the checkpoint's note, size and root. A leaf
/// the checkpoint does not cover (yet) is `422 refused`.
pub async fn proof(
    State(state): State<AppState>,
    caller: Caller,
    SeqParam(seq): SeqParam,
) -> Result<Json<Value>, Problem> {
    let proof = state.store.audit_inclusion_proof(&caller.principal, seq).await?;
    Ok(Json(json!({
        "seq": proof.seq,
        "leaf": B64.encode(&proof.leaf),
        "leaf_hash": B64.encode(custos_audit::leaf_hash(&proof.leaf)),
        "tree_size": proof.checkpoint.size(),
        "root": B64.encode(proof.checkpoint.root()),
        "proof": proof.proof.iter().map(|h| B64.encode(h)).collect::<Vec<_>>(),
        "note": proof.note,
    })))
}

fn entry_json(entry: &AuditEntry) -> Result<Value, Problem> {
    let event = serde_json::to_value(&entry.event).map_err(|e| Problem::internal(&e))?;
    Ok(json!({ "seq": entry.seq, "leaf_hash": B64.encode(entry.leaf_hash), "event": event }))
}

/// A sequence number: decimal digits only (no sign, no spaces).
fn parse_seq(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn not_a_seq(field: &str) -> Problem {
    Problem::field(field, "must be a sequence number (a whole number from 0)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_are_plain_decimal() {
        assert_eq!(parse_seq("0"), Some(0));
        assert_eq!(parse_seq("0042"), Some(42));
        assert_eq!(parse_seq("18446744073709551615"), Some(u64::MAX));
        for bad in ["", "-1", "+1", " 1", "1.0", "1e3", "0x10", "18446744073709551616", "seven"] {
            assert_eq!(parse_seq(bad), None, "{bad:?}");
        }
    }
}
