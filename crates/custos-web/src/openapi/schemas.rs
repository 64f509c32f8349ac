//! The document's schemas, in outline: names, JSON types and the closed code lists. The draft
//! schemas are derived from each draft's default value, so a field added to a draft appears here
//! without anyone remembering to add it.

use custos_audit::{AuditKind, Decision};
use custos_authz::Action;
use custos_core::draft::{
    EventDraft, IdentifierDraft, LinkDraft, LocationDraft, ObjectDraft, PersonDraft, PersonNameDraft,
};
use custos_core::entity::EntityKind;
use custos_core::role::Role;
use custos_core::version::ChangeKind;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::schema_ref;
use crate::problem::Code;

/// Every schema, by name.
pub fn all() -> Value {
    let string = json!({ "type": "string" });
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let scopes: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    let kinds: Vec<&str> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
    let base64_hash = json!({ "type": "string", "contentEncoding": "base64", "description": "SHA-256, base64 (RFC 4648 §4)" });
    let drafts: Vec<Value> =
        ["PersonDraft", "ObjectDraft", "LocationDraft", "EventDraft", "LinkDraft"].map(schema_ref).to_vec();
    let mut schemas = json!({
        "Problem": object(&["type", "title", "status", "code"], json!({
            "type": { "type": "string", "format": "uri" },
            "title": string,
            "status": { "type": "integer" },
            "code": { "type": "string", "enum": codes },
            "detail": string,
            "errors": { "type": "array", "items": schema_ref("FieldError") },
        })),
        "FieldError": object(&["field", "message"], json!({ "field": string, "message": string })),
        "Status": object(&["status"], json!({ "status": string })),
        "OpenApi": { "type": "object" },
        "SignIn": object(&["user", "password"], json!({ "user": string, "password": { "type": "string", "format": "password" } })),
        "SignedIn": object(&["user", "roles", "units", "csrf"], json!({
            "user": string,
            "roles": { "type": "array", "items": { "type": "string", "enum": roles } },
            "units": { "type": "array", "items": string },
            "csrf": string,
        })),
        "Ended": object(&["ended"], json!({ "ended": { "type": "integer" } })),
        "PasswordChange": object(&["current", "new"], json!({
            "current": { "type": "string", "format": "password" },
            "new": { "type": "string", "format": "password", "minLength": 12 },
        })),
        "TokenRequest": object(&["name", "scopes", "days"], json!({
            "name": { "type": "string", "minLength": 1, "maxLength": 100 },
            "scopes": { "type": "array", "minItems": 1, "items": { "type": "string", "enum": scopes } },
            "days": { "type": "integer", "minimum": 1, "maximum": crate::tokens::MAX_DAYS },
        })),
        "TokenIssued": object(&["token", "name", "scopes"], json!({
            "token": string, "name": string, "scopes": { "type": "array", "items": string },
        })),
        "AclEntry": object(&["kind", "id"], json!({ "kind": { "type": "string", "enum": ["user", "unit"] }, "id": string })),
        "Marking": object(&["classification", "sensitive", "owning_unit", "acl"], json!({
            "classification": { "type": "string", "enum": ["OFFICIAL", "SECRET", "TOP_SECRET"] },
            "sensitive": { "type": "boolean" },
            "owning_unit": string,
            "acl": { "type": "array", "items": schema_ref("AclEntry") },
        })),
        "Created": object(&["id", "version"], json!({ "id": { "type": "string", "format": "uuid" }, "version": { "type": "integer" } })),
        "Changed": object(&["id", "version"], json!({ "id": { "type": "string", "format": "uuid" }, "version": { "type": "integer" } })),
        "Entity": object(&["id", "kind", "version", "marking", "record"], json!({
            "id": { "type": "string", "format": "uuid" },
            "kind": { "type": "string", "enum": EntityKind::NAMES },
            "version": { "type": "integer" },
            "submitted_at": { "type": ["string", "null"], "format": "date-time" },
            "created_at": { "type": "string", "format": "date-time" },
            "updated_at": { "type": "string", "format": "date-time" },
            "marking": schema_ref("Marking"),
            "record": { "type": "object", "description": "The record's content, shaped like its draft" },
            "resolved_from": {
                "type": ["string", "null"], "format": "uuid",
                "description": "The id asked for, when it named a duplicate merged into this record (id); otherwise null",
            },
        })),
        "Version": object(&["version", "change", "author", "at", "record"], json!({
            "version": { "type": "integer" },
            "change": { "type": "string", "enum": ChangeKind::NAMES },
            "author": string,
            "at": { "type": "string", "format": "date-time" },
            "reason": { "type": ["string", "null"] },
            "record": { "type": "object" },
        })),
        "History": object(&["id", "versions"], json!({
            "id": { "type": "string", "format": "uuid" },
            "versions": { "type": "array", "items": schema_ref("Version") },
        })),
        "ChangeRequest": object(&["kind", "expected_version", "record", "change"], json!({
            "kind": { "type": "string", "enum": EntityKind::NAMES },
            "expected_version": { "type": "integer", "minimum": 1 },
            "record": { "oneOf": drafts },
            "change": { "type": "string", "enum": ["edited", "corrected"] },
            "reason": { "type": ["string", "null"] },
        })),
        "SubmitRequest": object(&["expected_version"], json!({ "expected_version": { "type": "integer", "minimum": 1 } })),
        "SearchResult": object(&["hits", "next_offset"], json!({
            "hits": { "type": "array", "items": schema_ref("Entity") },
            "next_offset": {
                "type": ["integer", "null"], "minimum": 0,
                "description": "The offset of the next page; null when there are no more readable hits",
            },
        })),
        "Related": object(&["related"], json!({
            "related": { "type": "array", "items": object(&["link", "other"], json!({
                "link": schema_ref("Entity"),
                "other": schema_ref("Entity"),
            })) },
        })),
        "RecentWork": object(&["records"], json!({ "records": { "type": "array", "items": schema_ref("Entity") } })),
        "AuditEvents": object(&["events", "next"], json!({
            "events": { "type": "array", "items": schema_ref("AuditEntry") },
            "next": { "type": ["integer", "null"], "description": "The after of the next page; null at the end of the integrated log" },
        })),
        "AuditEntry": object(&["seq", "leaf_hash", "event"], json!({
            "seq": { "type": "integer", "minimum": 0 },
            "leaf_hash": base64_hash,
            "event": schema_ref("AuditEvent"),
        })),
        "AuditEvent": object(&["kind", "actor", "at", "objects", "justification", "decision", "policies", "payload"], json!({
            "kind": { "type": "string", "enum": kinds },
            "actor": { "type": "string", "description": "A user id, never a name" },
            "at": { "type": "string", "format": "date-time" },
            "objects": { "type": "array", "items": schema_ref("AuditObject") },
            "justification": { "type": ["string", "null"] },
            "decision": { "type": "string", "enum": [Decision::Allow.as_str(), Decision::Deny.as_str()] },
            "policies": { "type": "array", "items": string },
            "payload": {
                "type": ["string", "null"], "pattern": "^[0-9a-f]{64}$",
                "description": "Commitment (lower-case hex) to the erasable payload: justification, reason, search terms",
            },
        })),
        "AuditObject": object(&["kind", "id"], json!({ "kind": string, "id": string })),
        "AuditCheckpoint": object(&["note"], json!({
            "note": { "type": ["string", "null"], "description": "C2SP signed-note over a tlog-checkpoint; null before the first" },
        })),
        "InclusionProof": object(&["seq", "leaf", "leaf_hash", "tree_size", "root", "proof", "note"], json!({
            "seq": { "type": "integer", "minimum": 0 },
            "leaf": { "type": "string", "contentEncoding": "base64", "description": "The stored leaf bytes" },
            "leaf_hash": base64_hash,
            "tree_size": { "type": "integer" },
            "root": base64_hash,
            "proof": { "type": "array", "items": base64_hash, "description": "RFC 6962 audit path, leaf to root" },
            "note": { "type": "string", "description": "The signed checkpoint the proof is against" },
        })),
    });
    if let Value::Object(map) = &mut schemas {
        let nested = [("names", "PersonNameDraft"), ("identifiers", "IdentifierDraft")];
        map.insert("PersonDraft".into(), draft(&PersonDraft::default(), &nested));
        map.insert("PersonNameDraft".into(), draft(&PersonNameDraft::default(), &[]));
        map.insert("IdentifierDraft".into(), draft(&IdentifierDraft::default(), &[]));
        map.insert("ObjectDraft".into(), draft(&ObjectDraft::default(), &[]));
        map.insert("LocationDraft".into(), draft(&LocationDraft::default(), &[]));
        map.insert("EventDraft".into(), draft(&EventDraft::default(), &[]));
        map.insert("LinkDraft".into(), draft(&LinkDraft::default(), &[]));
        // A person has no plain create: it is created after a match search (CreatePersonAfterMatch).
        for kind in ["Object", "Location", "Event", "Link"] {
            map.insert(format!("Create{kind}"), create(&format!("{kind}Draft")));
        }
        // Apart from the one literal above, whose size is at `json!`'s recursion limit.
        if let Value::Object(merges) = merges() {
            map.extend(merges);
        }
        if let Value::Object(matching) = matching() {
            map.extend(matching);
        }
        if let Value::Object(reviews) = reviews() {
            map.extend(reviews);
        }
        if let Value::Object(rights) = super::rights::schemas() {
            map.extend(rights);
        }
        if let Value::Object(retention) = super::retention::schemas() {
            map.extend(retention);
        }
        for (kind, example) in super::records::examples() {
            let name = pascal(kind.as_str());
            map.insert(name.clone(), super::records::schema_of(&example));
            map.insert(format!("Create{name}"), create(&name));
        }
        map.extend(super::records::other_schemas());
    }
    schemas
}

/// The request and response bodies of merging and unmerging.
fn merges() -> Value {
    json!({
        "MergeRequest": object(&["duplicate", "reason"], json!({
            "duplicate": { "type": "string", "format": "uuid", "description": "The person merged into the one in the path" },
            "reason": { "type": "string", "minLength": 3, "description": "Why they are the same person (kept, erasably, in the audit log)" },
            "force_conflicting_identifiers": {
                "type": "boolean", "default": false,
                "description": "Merge although a PNC ID, CRO or NI number differs (a person's explicit decision, audited)",
            },
        })),
        "Merged": object(&["merge_id", "primary", "duplicate"], json!({
            "merge_id": { "type": "string", "format": "uuid" },
            "primary": { "type": "string", "format": "uuid" },
            "duplicate": { "type": "string", "format": "uuid" },
        })),
        "UnmergeRequest": object(&["reason"], json!({ "reason": { "type": "string", "minLength": 3 } })),
        "Unmerged": object(&["merge_id", "unmerged"], json!({
            "merge_id": { "type": "string", "format": "uuid" },
            "unmerged": { "type": "boolean" },
        })),
    })
}

/// The request and response bodies of the duplicate-review queue.
fn reviews() -> Value {
    let uuid = json!({ "type": "string", "format": "uuid" });
    json!({
        "ReviewQueue": object(&["items", "next_offset"], json!({
            "items": { "type": "array", "items": object(
                &["id", "a", "b", "probability", "cause", "queued_at", "explanation"],
                json!({
                    "id": uuid,
                    "a": schema_ref("Entity"),
                    "b": schema_ref("Entity"),
                    "probability": { "type": "number", "minimum": 0, "maximum": 1, "description": "When queued" },
                    "cause": {
                        "type": "string",
                        "description": "review_band (the probability is in the band a person decides), or \
                            conflicting_<identifier kind> (conflicting_pnc_id, conflicting_cro_number, conflicting_ni_number), or \
                            conflicting_date_of_birth (linking them would put dates of birth too far apart for one person in one nominal)",
                    },
                    "queued_at": { "type": "string", "format": "date-time" },
                    "explanation": schema_ref("Explanation"),
                }),
            ) },
            "next_offset": {
                "type": ["integer", "null"], "minimum": 0,
                "description": "The offset of the next page; null when this page was not full",
            },
        })),
        "Explanation": { "type": "array", "items": object(&["field", "level", "weight"], json!({
            "field": { "type": "string" },
            "level": { "type": "string", "description": "How the field compared; null when a side lacked it" },
            "weight": { "type": "number", "description": "Match weight in bits" },
        })) },
        "ReviewDecision": object(&["decision", "reason"], json!({
            "decision": { "type": "string", "enum": ["link", "reject"], "description": "link: one person (merged); reject: two people" },
            "reason": { "type": "string", "minLength": 3, "description": "Why (kept, erasably, in the audit log)" },
        })),
        "ReviewOutcome": object(&["outcome"], json!({
            "outcome": { "type": "string", "enum": ["linked", "rejected"] },
            "merge_id": { "type": "string", "format": "uuid", "description": "When linked: undo with POST /api/v1/merges/{merge_id}/unmerge" },
        })),
    })
}

/// The request and response bodies of search before create.
fn matching() -> Value {
    let uuid = json!({ "type": "string", "format": "uuid" });
    json!({
        "PersonMatch": object(&["search_id", "truncated", "candidates"], json!({
            "search_id": { "type": "string", "format": "uuid", "description": "Name it when creating the person" },
            "truncated": { "type": "boolean", "description": "Whether some people sharing a key with the probe were not scored" },
            "candidates": { "type": "array", "items": object(&["id", "probability", "record", "explanation"], json!({
                "id": uuid,
                "probability": { "type": "number", "minimum": 0, "maximum": 1 },
                "record": { "type": "object", "description": "The person, shaped like its draft" },
                "explanation": schema_ref("Explanation"),
            })) },
        })),
        "CreatePersonAfterMatch": object(&["search_id", "choice", "record"], json!({
            "search_id": {
                "type": "string", "format": "uuid",
                "description": "The search_id of POST /api/v1/persons/match (yours, unused, at most 30 minutes old); \
                    without it the create is refused with match_search_required",
            },
            "choice": {
                "oneOf": [
                    { "type": "string", "enum": ["none_of_these"] },
                    object(&["existing"], json!({ "existing": uuid })),
                ],
                "description": "none_of_these creates the person; existing names a candidate the search showed",
            },
            "record": schema_ref("PersonDraft"),
            "unit": { "type": ["string", "null"], "description": "The owning unit; defaults to the caller's first unit" },
            "classification": { "type": ["string", "null"], "enum": ["OFFICIAL", "SECRET", "TOP_SECRET", null] },
            "sensitive": { "type": ["boolean", "null"] },
            "acl": { "type": ["array", "null"], "items": schema_ref("AclEntry") },
            "reason": { "type": ["string", "null"] },
        })),
        "MatchChosen": object(&["id", "created"], json!({
            "id": uuid,
            "version": { "type": "integer", "description": "1, when created" },
            "created": { "type": "boolean", "description": "false (status 200) when an existing candidate was chosen" },
        })),
    })
}

/// `custody_record` → `CustodyRecord`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// An object schema that, like the input types, refuses unknown fields.
pub(super) fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties, "additionalProperties": false })
}

/// The envelope of a create request around a draft.
fn create(draft: &str) -> Value {
    object(
        &["record"],
        json!({
            "record": schema_ref(draft),
            "unit": { "type": ["string", "null"], "description": "The owning unit; defaults to the caller's first unit" },
            "classification": { "type": ["string", "null"], "enum": ["OFFICIAL", "SECRET", "TOP_SECRET", null] },
            "sensitive": { "type": ["boolean", "null"] },
            "acl": { "type": ["array", "null"], "items": schema_ref("AclEntry") },
            "reason": { "type": ["string", "null"] },
        }),
    )
}

/// A draft's schema from its default value: every field, typed by its JSON shape. Drafts default
/// every field, so none is required; lists of nested drafts point at their schema.
fn draft<T: Serialize>(value: &T, nested: &[(&str, &str)]) -> Value {
    let Ok(Value::Object(fields)) = serde_json::to_value(value) else {
        return json!({ "type": "object" });
    };
    let properties: Map<String, Value> = fields
        .into_iter()
        .map(|(name, default)| {
            let schema = match (&default, nested.iter().find(|(n, _)| *n == name)) {
                (Value::Array(_), Some((_, item))) => json!({ "type": "array", "items": schema_ref(item) }),
                (Value::Array(_), None) => json!({ "type": "array", "items": { "type": "string" } }),
                (Value::Null, _) => json!({ "type": ["string", "null"] }),
                (Value::Bool(_), _) => json!({ "type": "boolean" }),
                (Value::Number(_), _) => json!({ "type": "number" }),
                _ => json!({ "type": "string" }),
            };
            (name, schema)
        })
        .collect();
    object(&[], Value::Object(properties))
}
