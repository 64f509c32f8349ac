//! The OpenAPI schemas of MoPI review, retention and disposal (`crate::retention`).

use custos_core::retention::assessment::{Criterion, Outcome};
use serde_json::{Value, json};

use super::schemas::object;

fn date() -> Value {
    json!({ "type": "string", "format": "date", "description": "YYYY-MM-DD" })
}

fn uuid() -> Value {
    json!({ "type": "string", "format": "uuid" })
}

fn group() -> Value {
    json!({ "type": "string", "enum": ["group_1", "group_2", "group_3", "group_4"] })
}

fn trigger() -> Value {
    json!({ "type": ["string", "null"], "enum": ["back_to_notice", "deletion_request", "subject_access", null] })
}

pub(super) fn schemas() -> Value {
    let criteria: Vec<&str> = Criterion::NAMES.to_vec();
    let outcomes: Vec<&str> = Outcome::NAMES.to_vec();
    let decision = object(&["id", "record", "outcome", "group", "risks", "reason", "next_review", "decided_by", "decided_at"], json!({
        "id": { "type": "integer" }, "record": uuid(),
        "outcome": { "type": "string", "enum": ["retain", "dispose", "archive", "hold", "release", "regrade"] },
        "group": group(), "risks": { "type": "array", "items": { "type": "string", "enum": criteria } },
        "reason": { "type": ["string", "null"], "description": "Null once the record is disposed of, or where the reader may not read it" },
        "next_review": { "type": ["string", "null"], "format": "date" }, "decided_by": { "type": "string" },
        "decided_at": { "type": "string", "format": "date-time" },
    }));
    let scheduled = object(&["next_review", "group", "disposal_from", "state", "legal_hold", "triggered"], json!({
        "next_review": date(), "group": group(),
        "disposal_from": { "type": ["string", "null"], "format": "date", "description": "Null while a Group 1 subject's date of birth is unknown" },
        "state": { "type": "string", "enum": ["active", "archived", "disposed"] }, "legal_hold": { "type": "boolean" }, "triggered": trigger(),
    }));
    let counts = json!({ "type": "object", "properties": {
        "held": { "type": "integer" }, "archived": { "type": "integer" }, "disposed": { "type": "integer" },
        "overdue": { "type": "integer" }, "due_soon": { "type": "integer", "description": "Due within 90 days" },
    } });
    json!({
        "RetentionQueue": object(&["items"], json!({ "items": { "type": "array", "items": object(
            &["record", "kind", "owning_unit", "group", "next_review", "overdue_days", "triggered", "legal_hold"],
            json!({
                "record": uuid(), "kind": { "type": "string" }, "owning_unit": { "type": "string" }, "group": group(),
                "next_review": date(), "overdue_days": { "type": "integer", "description": "Negative when asked for early" },
                "triggered": trigger(), "legal_hold": { "type": "boolean" },
            }),
        ) } })),
        "RetentionFile": object(&["record", "kind", "scheduled", "graded", "override_group", "created", "last_contact", "last_reviewed", "offenders", "decisions"], json!({
            "record": uuid(), "kind": { "type": "string" }, "scheduled": scheduled, "graded": group(),
            "override_group": { "oneOf": [group(), { "type": "null" }] }, "created": date(),
            "last_contact": { "type": "string", "format": "date", "description": "The offenders' newest qualifying contact, as the last sweep found it" },
            "last_reviewed": { "type": ["string", "null"], "format": "date" },
            "offenders": { "type": "array", "items": uuid() }, "decisions": { "type": "array", "items": decision },
        })),
        "RetentionReviews": object(&["reviews"], json!({ "reviews": { "type": "array", "minItems": 1, "maxItems": custos_store::retention_review::MAX_BATCH, "items": {
            "type": "object", "required": ["record", "outcome"],
            "properties": {
                "record": uuid(), "outcome": { "type": "string", "enum": outcomes },
                "risks": { "type": "array", "items": { "type": "string", "enum": criteria }, "description": "The National Retention Assessment Criteria answered yes (a disposal has none)" },
                "reason": { "type": ["string", "null"], "maxLength": 2000, "description": "Required to retain or archive" },
                "next_review": { "type": ["string", "null"], "format": "date", "description": "An earlier review than the schedule's, when retaining" },
            },
        } } })),
        "RetentionDecisions": object(&["decisions"], json!({ "decisions": { "type": "array", "items": object(&["record", "outcome", "decision", "next_review", "deleted"], json!({
            "record": uuid(), "outcome": { "type": "string", "enum": outcomes }, "decision": { "type": "integer" },
            "next_review": { "type": ["string", "null"], "format": "date" },
            "deleted": { "type": "array", "items": uuid(), "description": "A disposal: every entity deleted with it" },
        })) } })),
        "LegalHold": object(&["hold", "reason"], json!({
            "hold": { "type": "boolean", "description": "true places the hold, false releases it" },
            "reason": { "type": "string", "minLength": 1, "maxLength": 2000 },
        })),
        "RetentionGroup": object(&["group", "reason"], json!({
            "group": { "oneOf": [group(), { "type": "null" }], "description": "null: back to the group its type and offences give" },
            "reason": { "type": "string", "minLength": 1, "maxLength": 2000 },
        })),
        "LegalHoldDecision": object(&["decision"], json!({ "decision": { "type": "integer" } })),
        "RetentionTrigger": object(&["trigger"], json!({ "trigger": { "type": "string", "enum": ["deletion_request", "subject_access"] } })),
        "ArchivedRecord": object(&["id", "kind", "record", "created_at", "archived_at"], json!({
            "id": uuid(), "kind": { "type": "string" }, "record": { "type": "object", "description": "The record as it last stood" },
            "created_at": { "type": "string", "format": "date-time" }, "archived_at": { "type": "string", "format": "date-time" },
        })),
        "RetentionMarked": object(&["marked"], json!({ "marked": { "type": "integer", "description": "Records whose review was brought forward" } })),
        "RetentionReport": object(&["today", "groups", "triggered", "oldest_overdue_days", "months", "retained", "last_sweep"], json!({
            "today": date(),
            "groups": { "type": "array", "items": { "type": "array", "prefixItems": [group(), counts], "minItems": 2, "maxItems": 2 } },
            "triggered": { "type": "object", "additionalProperties": { "type": "integer" } },
            "oldest_overdue_days": { "type": ["integer", "null"] },
            "months": { "type": "array", "items": { "type": "object", "properties": {
                "month": { "type": "string" }, "retained": { "type": "integer" }, "disposed": { "type": "integer" },
                "archived": { "type": "integer" }, "holds": { "type": "integer" },
            } } },
            "retained": { "type": "array", "items": decision },
            "last_sweep": { "type": ["object", "null"] },
        })),
    })
}
