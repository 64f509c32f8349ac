//! The OpenAPI schemas of information rights casework and the deadline calculator
//! (`crate::rights`). The event shapes are `custos_rights::request::Event`'s: one object per
//! kind of event, named by its `event` field.

use serde_json::{Value, json};

use super::schemas::object;

fn date() -> Value {
    json!({ "type": "string", "format": "date", "description": "YYYY-MM-DD" })
}

fn text() -> Value {
    json!({ "type": "string", "minLength": 1 })
}

/// One kind of event: `{"event": name, ...fields}`.
fn event(name: &str, required: &[&str], fields: Value) -> Value {
    let mut properties = fields;
    if let Value::Object(map) = &mut properties {
        map.insert("event".into(), json!({ "const": name }));
    }
    let mut required: Vec<&str> = required.to_vec();
    required.push("event");
    object(&required, properties)
}

fn registration() -> Value {
    json!({
        "law": { "type": "string", "enum": ["foi", "sar", "sar-le"] },
        "channel": { "type": "string", "enum": ["email", "web_form", "letter", "phone", "in_person"] },
        "requester": object(&["name", "contact", "kind"], json!({
            "name": text(), "contact": text(),
            "kind": { "type": "string", "enum": ["member_of_public", "journalist", "business", "researcher", "campaign_group", "solicitor", "public_body", "data_subject", "representative"] },
        })),
        "received": date(),
        "summary": text(),
        "identity_verified": { "type": ["string", "null"], "format": "date", "description": "Subject access: the day the identity was verified (the clock starts)" },
        "jurisdiction": { "type": "string", "enum": ["england-wales", "scotland", "northern-ireland"], "default": "england-wales" },
    })
}

pub(super) fn schemas() -> Value {
    let events = json!({ "oneOf": [
        event("identity_verified", &["on", "how"], json!({ "on": date(), "how": text() })),
        event("assigned", &["to"], json!({ "to": text() })),
        event("task_added", &["title"], json!({ "title": text() })),
        event("task_done", &["task"], json!({ "task": { "type": "integer", "minimum": 1 } })),
        event("clock_stopped", &["kind", "on", "notice"], json!({ "kind": { "type": "string", "enum": ["clarification", "fees"] }, "on": date(), "notice": text() })),
        event("clock_resumed", &["on"], json!({ "on": date() })),
        event("extended", &["on", "reason", "notice"], json!({ "on": date(), "reason": text(), "notice": text() })),
        event("exemption_applied", &["section", "reason"], json!({
            "section": { "type": "string", "enum": ["s12", "s14", "s21", "s22", "s23", "s24", "s30", "s31", "s38", "s40", "s41", "s42", "s43", "s44"] },
            "neither_confirm_nor_deny": { "type": "boolean", "default": false }, "reason": text(),
        })),
        event("restricted", &["ground", "reason"], json!({
            "ground": { "type": "string", "enum": ["s45_4_a", "s45_4_b", "s45_4_c", "s45_4_d", "s45_4_e", "sch2_para2", "sch2_para16"] }, "reason": text(),
        })),
        event("responded", &["on", "outcome"], json!({ "on": date(), "outcome": { "type": "string", "enum": ["granted", "partly_granted", "refused", "not_held"] } })),
        event("review_requested", &["on"], json!({ "on": date() })),
        event("review_decided", &["on", "upheld", "note"], json!({ "on": date(), "upheld": { "type": "boolean" }, "note": text() })),
        event("ico_complaint", &["on", "reference"], json!({ "on": date(), "reference": text() })),
        event("closed", &["on", "outcome"], json!({ "on": date(), "outcome": { "type": "string", "enum": ["granted", "partly_granted", "refused", "not_held", "withdrawn", "clarification_not_received"] } })),
        event("published", &["on", "title", "response"], json!({ "on": date(), "title": text(), "response": text() })),
        event("note", &["text"], json!({ "text": text() })),
        event("subject_identified", &["person", "search"], json!({
            "person": { "type": "string", "format": "uuid", "description": "The candidate chosen (POST /api/v1/persons/match)" },
            "search": { "type": "string", "description": "The match search's id" },
            "reason": { "type": ["string", "null"], "description": "Why this candidate: required when the search showed more than one" },
            "also": { "type": "array", "items": { "type": "string", "format": "uuid" }, "description": "Other candidates of the same search that are the requester's own records, not yet merged" },
        })),
        event("items_reviewed", &["reviews"], json!({ "reviews": { "type": "array", "items": object(&["item", "decision"], json!({
            "item": { "type": "string", "description": "The item's key from the bundle" },
            "decision": { "type": "string", "enum": ["disclose", "partly", "withhold"] },
            "ground": { "type": ["string", "null"], "enum": ["s45_4_a", "s45_4_b", "s45_4_c", "s45_4_d", "s45_4_e", "sch2_para2", "sch2_para16", null], "description": "Required for partly and withhold" },
            "reason": { "type": ["string", "null"], "description": "Required for partly and withhold (DPA 2018 s.45(5))" },
            "conceal": { "type": "boolean", "default": false, "description": "A withheld item the requester is not told about (telling would undermine the restriction)" },
            "adjustments": object(&[], json!({
                "release": { "type": "array", "items": { "type": "string" }, "description": "Words not to redact (never another person's identifiers: the pack is refused)" },
                "redact": { "type": "array", "items": { "type": "string" }, "description": "Words to redact as well" },
            })),
        })) } })),
    ] });
    let line = object(
        &["id", "reference", "law", "received", "requester_type", "clock", "due", "answered", "on_time", "closed", "outcome"],
        json!({
            "id": { "type": "string", "format": "uuid" },
            "reference": { "type": "string", "description": "LAW/YEAR/NUMBER, e.g. FOI/2026/000123" },
            "law": { "type": "string" }, "received": date(), "requester_type": { "type": "string" },
            "clock": { "type": "string", "enum": ["not_started", "stopped", "running", "answered", "ended"] },
            "due": { "type": ["string", "null"], "format": "date" }, "answered": { "type": ["string", "null"], "format": "date" },
            "on_time": { "type": ["boolean", "null"] }, "closed": { "type": ["string", "null"], "format": "date" },
            "outcome": { "type": ["string", "null"] },
        }),
    );
    json!({
        "InformationRequestNew": object(&["law", "channel", "requester", "received", "summary"], registration()),
        "InformationRequestEvent": object(&["expected_events", "event"], json!({
            "expected_events": { "type": "integer", "minimum": 1, "description": "How many events the caller saw (409 if more were recorded since)" },
            "event": events,
        })),
        "InformationRequestFile": {
            "type": "object",
            "required": ["id", "reference", "owning_unit", "request", "clock", "history"],
            "properties": {
                "id": { "type": "string", "format": "uuid" },
                "reference": { "type": "string" },
                "owning_unit": { "type": "string" },
                "request": { "type": "object", "description": "The state the history adds up to (custos_rights::request::Request)" },
                "clock": {
                    "type": "object", "required": ["state"],
                    "properties": {
                        "state": { "type": "string", "enum": ["not_started", "stopped", "running", "answered", "ended"] },
                        "due": date(), "days_left": { "type": "integer", "description": "Calendar days; negative when overdue" },
                        "since": date(), "on": date(), "on_time": { "type": "boolean" },
                    },
                },
                "history": { "type": "array", "items": {
                    "type": "object", "required": ["seq", "at", "actor", "event"],
                    "properties": {
                        "seq": { "type": "integer", "minimum": 1 }, "at": { "type": "string", "format": "date-time" },
                        "actor": { "type": "string" }, "event": { "type": "object" },
                    },
                } },
            },
        },
        "InformationRequestRecorded": object(&["id", "reference", "clock", "events"], json!({
            "id": { "type": "string", "format": "uuid" },
            "reference": { "type": "string" },
            "clock": { "type": "object", "required": ["state"], "properties": { "state": { "type": "string" } } },
            "events": { "type": "integer", "minimum": 1, "description": "How many events the history now holds (the next expected_events)" },
        })),
        "ExpectedEvents": object(&["expected_events"], json!({
            "expected_events": { "type": "integer", "minimum": 1, "description": "How many events the caller saw (409 if more were recorded since)" },
        })),
        "SubjectBundle": object(&["request", "reference", "events", "subject", "stale", "unreadable", "unreviewed", "items"], json!({
            "request": { "type": "string", "format": "uuid" }, "reference": { "type": "string" },
            "events": { "type": "integer", "description": "How many events the request's history holds (the next expected_events)" },
            "subject": { "type": "string", "format": "uuid", "description": "The Golden Nominal" },
            "stale": { "type": "boolean", "description": "The data changed since the bundle was assembled: assemble it again" },
            "unreadable": { "type": "integer", "description": "Records about the subject beyond the caller's clearance or need to know" },
            "unreviewed": { "type": "integer" },
            "items": { "type": "array", "items": object(&["key", "kind", "title", "hash", "fields", "review"], json!({
                "key": { "type": "string" }, "kind": { "type": "string" }, "title": { "type": "string" }, "hash": { "type": "string" },
                "fields": { "type": "array", "items": object(&["label", "text", "segments"], json!({
                    "label": { "type": "string" }, "text": { "type": "string", "description": "As the requester would read it" },
                    "segments": { "type": "array", "items": { "type": "object" }, "description": "Kept and redacted spans, with each redaction's category" },
                })) },
                "review": { "type": ["object", "null"] },
            })) },
        })),
        "InformationRequestQueue": object(&["items"], json!({ "items": { "type": "array", "items": line } })),
        "Deadline": object(&["law", "received", "extended", "jurisdiction", "due"], json!({
            "law": { "type": "string" }, "received": date(), "extended": { "type": "boolean" },
            "jurisdiction": { "type": "string" }, "due": date(),
        })),
    })
}
