//! The OpenAPI 3.1 document (`GET /api/openapi.json`), built from [`ROUTES`] so that it lists
//! exactly the routes the router serves. Each operation's description is an exhaustive `match` on
//! [`Op`]; the schemas are outlines (field names and JSON types), with the draft schemas derived
//! from the drafts themselves so that their field lists cannot fall behind.

mod records;
mod retention;
mod rights;
mod schemas;

use std::sync::LazyLock;

use axum::Json;
use custos_store::audit::MAX_AUDIT_PAGE;
use custos_store::related::MAX_RECENT;
use custos_store::review::MAX_LISTED;
use custos_store::search::{MAX_HITS, MAX_QUERY_TERMS, MAX_SCAN};
use custos_core::entity::EntityKind;
use serde_json::{Map, Value, json};

use crate::audit_log::DEFAULT_LIMIT;
use crate::caller::CSRF_HEADER;
use crate::extract::{JUSTIFICATION_HEADER, JUSTIFICATION_PARAM};
use crate::problem::Code;
use crate::related::DEFAULT_RECENT;
use crate::reviews::DEFAULT_LIMIT as DEFAULT_REVIEWS;
use crate::search::{DEFAULT_LIMIT as DEFAULT_PAGE, MAX_QUERY_CHARS, SEARCHABLE};
use crate::routes::{Op, ROUTES, Route, Verb};

/// The version of the OpenAPI specification the document follows.
pub const OPENAPI_VERSION: &str = "3.1.0";

static DOCUMENT: LazyLock<Value> = LazyLock::new(document);

/// `GET /api/openapi.json`.
pub async fn serve() -> Json<Value> {
    Json(DOCUMENT.clone())
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in ROUTES {
        let item = paths.entry(route.path).or_insert_with(|| json!({}));
        if let Value::Object(item) = item {
            item.insert(route.verb.as_str().to_owned(), operation(route));
        }
    }
    json!({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Custos API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Policing information with governance built in. Every read and search of \
                personal data needs a justification (DPA 2018 s.62) in the X-Justification header or the \
                justification query parameter. Cookie-authenticated unsafe requests need the session's \
                anti-CSRF token in X-CSRF-Token. Errors are RFC 9457 problems with a stable `code`. \
                Field errors inside a `record` are named relative to the record (identifiers[0].value).",
            "license": { "name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later" },
        },
        "tags": [
            { "name": "health", "description": "Liveness, readiness and this document" },
            { "name": "session", "description": "Signing in and out, passwords, API tokens" },
            { "name": "entities", "description": "People, objects, locations, events and links" },
            { "name": "search", "description": "Finding records" },
            { "name": "audit", "description": "The audit log, for auditors (every consultation is itself audited)" },
            { "name": "rights", "description": "FOI and subject access casework on the statutory clocks, and the deadline calculator" },
            { "name": "retention", "description": "MoPI review, retention and disposal: the review queue and decisions, legal holds, the retention report" },
        ],
        "paths": paths,
        "components": {
            "schemas": schemas::all(),
            "securitySchemes": {
                "session": {
                    "type": "apiKey", "in": "cookie", "name": "__Host-custos_session",
                    "description": "The session cookie set at sign-in (custos_session on plain-HTTP loopback).",
                },
                "csrf": {
                    "type": "apiKey", "in": "header", "name": CSRF_HEADER,
                    "description": "The csrf value returned at sign-in; needed with the session cookie on POST, PUT and DELETE.",
                },
                "bearer": {
                    "type": "http", "scheme": "bearer",
                    "description": "An API token (cst_…) limited to its scopes.",
                },
            },
        },
    })
}

/// What the document says about one operation.
struct Doc {
    id: &'static str,
    summary: &'static str,
    tag: &'static str,
    /// The request body's schema, if it takes one.
    request: Option<&'static str>,
    /// The success status and its body's schema, if any.
    ok: (u16, Option<&'static str>),
    /// Problems particular to this operation (the usual ones are added from its needs).
    problems: &'static [Code],
}

const fn doc(id: &'static str, summary: &'static str, tag: &'static str) -> Doc {
    Doc { id, summary, tag, request: None, ok: (200, None), problems: &[] }
}

fn describe(op: Op) -> Doc {
    use Code::{Conflict, MatchSearchRequired, NotFound, Refused, SignInFailed, Throttled, Unavailable};
    let create = |id, summary, schema| Doc {
        request: Some(schema),
        ok: (201, Some("Created")),
        problems: &[Refused],
        ..doc(id, summary, "entities")
    };
    match op {
        Op::Healthz => Doc { ok: (200, Some("Status")), ..doc("healthz", "The process is up", "health") },
        Op::Readyz => Doc {
            ok: (200, Some("Status")),
            problems: &[Unavailable],
            ..doc("readyz", "The database answers", "health")
        },
        Op::OpenApi => Doc { ok: (200, Some("OpenApi")), ..doc("openapi", "This document", "health") },
        Op::SignIn => Doc {
            request: Some("SignIn"),
            ok: (200, Some("SignedIn")),
            problems: &[SignInFailed, Throttled],
            ..doc("signIn", "Sign in; sets the session and device cookies", "session")
        },
        Op::SignOut => Doc { ok: (204, None), ..doc("signOut", "End this session", "session") },
        Op::SignOutEverywhere => Doc {
            ok: (200, Some("Ended")),
            ..doc("signOutEverywhere", "End every session of the signed-in user", "session")
        },
        Op::ChangePassword => Doc {
            request: Some("PasswordChange"),
            ok: (204, None),
            problems: &[SignInFailed, Refused],
            ..doc("changePassword", "Change one's password; other sessions end", "session")
        },
        Op::IssueToken => Doc {
            request: Some("TokenRequest"),
            ok: (201, Some("TokenIssued")),
            problems: &[Refused],
            ..doc("issueToken", "Issue an API token (shown once)", "session")
        },
        Op::RevokeToken => Doc {
            ok: (204, None),
            problems: &[NotFound],
            ..doc("revokeToken", "Revoke one of one's API tokens", "session")
        },
        Op::CreatePerson => Doc {
            request: Some("CreatePersonAfterMatch"),
            ok: (201, Some("MatchChosen")),
            problems: &[Conflict, Refused, MatchSearchRequired],
            ..doc(
                "createPerson",
                "Record a person after a match search (the same operation as POST /api/v1/persons); \
                 without search_id and choice it is refused with match_search_required",
                "entities",
            )
        },
        Op::CreateObject => create("createObject", "Record an object", "CreateObject"),
        Op::CreateLocation => create("createLocation", "Record a location", "CreateLocation"),
        Op::CreateEvent => create("createEvent", "Record an event", "CreateEvent"),
        Op::CreateLink => create("createLink", "Link two entities", "CreateLink"),
        Op::CreateIncident => create("createIncident", "Record an incident (the call, who reported it, who was involved)", "CreateIncident"),
        Op::CreateArrest => create("createArrest", "Record an arrest (grounds and PACE s.24(5) necessity)", "CreateArrest"),
        Op::CreateCustodyRecord => create(
            "createCustodyRecord",
            "Record a custody record in full (a voluntary attender; after an arrest, open it from the arrest)",
            "CreateCustodyRecord",
        ),
        Op::CreateCrimeReport => create("createCrimeReport", "Record a crime (HOCR offence, people, outcome, MoPI group)", "CreateCrimeReport"),
        Op::CreateIntelligenceReport => {
            create("createIntelligenceReport", "Record an intelligence report graded 3x5x2", "CreateIntelligenceReport")
        }
        Op::CreateCaseFile => create("createCaseFile", "Prepare a prosecution case file from a crime report", "CreateCaseFile"),
        Op::CreateAsbReport => create("createAsbReport", "Record anti-social behaviour", "CreateAsbReport"),
        Op::CreateVulnerablePersonReport => create(
            "createVulnerablePersonReport",
            "Record an adult or child at risk",
            "CreateVulnerablePersonReport",
        ),
        Op::OpenCustody => Doc {
            request: Some("OpenCustody"),
            ok: (201, Some("CustodyOpened")),
            problems: &[Refused],
            ..doc(
                "openCustody",
                "Open the custody record of an arrest: the person, arrest time and incident come from the arrest",
                "entities",
            )
        },
        Op::MatchPerson => Doc {
            request: Some("PersonDraft"),
            ok: (200, Some("PersonMatch")),
            problems: &[Refused],
            ..doc(
                "matchPerson",
                "Search before create: the readable people who may be this person, most probable first, with why",
                "search",
            )
        },
        Op::CreatePersonAfterMatch => Doc {
            request: Some("CreatePersonAfterMatch"),
            ok: (201, Some("MatchChosen")),
            problems: &[Conflict, Refused, MatchSearchRequired],
            ..doc(
                "createPersonAfterMatch",
                "Record a person after a match search (201), or take one of its candidates instead (200, nothing created)",
                "entities",
            )
        },
        Op::ReadEntity => {
            Doc { ok: (200, Some("Entity")), ..doc("readEntity", "Read an entity's current version", "entities") }
        }
        Op::EntityHistory => {
            Doc { ok: (200, Some("History")), ..doc("entityHistory", "Read every version of an entity", "entities") }
        }
        Op::ChangeEntity => Doc {
            request: Some("ChangeRequest"),
            ok: (200, Some("Changed")),
            problems: &[Conflict, Refused],
            ..doc("changeEntity", "Edit or correct an entity (a new version)", "entities")
        },
        Op::SubmitEntity => Doc {
            request: Some("SubmitRequest"),
            ok: (200, Some("Changed")),
            problems: &[Conflict, Refused],
            ..doc("submitEntity", "Submit an entity, locking its critical fields", "entities")
        },
        Op::RelatedEntities => Doc {
            ok: (200, Some("Related")),
            ..doc("relatedEntities", "The links from or to an entity, with the entities at their other ends", "entities")
        },
        Op::MergePeople => Doc {
            request: Some("MergeRequest"),
            ok: (200, Some("Merged")),
            problems: &[Conflict, Refused],
            ..doc(
                "mergePeople",
                "Merge a duplicate person into this one (the duplicate's id then resolves to it)",
                "entities",
            )
        },
        Op::Unmerge => Doc {
            request: Some("UnmergeRequest"),
            ok: (200, Some("Unmerged")),
            problems: &[Conflict, Refused],
            ..doc("unmerge", "Undo a merge exactly, including links made to the duplicate since", "entities")
        },
        Op::ReviewQueue => Doc {
            ok: (200, Some("ReviewQueue")),
            ..doc(
                "reviewQueue",
                "The duplicate-review queue: open pairs of people, most probable first, with both records and why \
                 (needs the right to merge; audited as a read of every record shown)",
                "entities",
            )
        },
        Op::DecideReview => Doc {
            request: Some("ReviewDecision"),
            ok: (200, Some("ReviewOutcome")),
            problems: &[Conflict, Refused],
            ..doc(
                "decideReview",
                "Decide a queued pair: link merges them (the newer into the older), reject records two people; \
                 refused without a reason or when already decided",
                "entities",
            )
        },
        Op::SearchPeople => Doc {
            ok: (200, Some("SearchResult")),
            problems: &[Refused],
            ..doc("searchPeople", "Find people by surname and forename, a page at a time", "search")
        },
        Op::SearchRecords => Doc {
            ok: (200, Some("SearchResult")),
            problems: &[Refused],
            ..doc("searchRecords", "Find objects, locations or events having every word of a query", "search")
        },
        Op::SearchEverything => Doc {
            ok: (200, Some("EverythingResult")),
            problems: &[Refused],
            ..doc(
                "searchEverything",
                "One search across people, objects, locations, events and every record (full text, stemmed), \
                 newest first, with the warnings linked to the places found",
                "search",
            )
        },
        Op::RegisterRequest => Doc {
            request: Some("InformationRequestNew"),
            ok: (201, Some("InformationRequestRecorded")),
            problems: &[Refused],
            ..doc("registerRequest", "Register an FOI or subject access request (information rights officers; refused if received in the future)", "rights")
        },
        Op::RequestQueue => Doc {
            ok: (200, Some("InformationRequestQueue")),
            ..doc("requestQueue", "The request queue with each clock (open: soonest due first; overdue; all), without requester details", "rights")
        },
        Op::ReadRequest => Doc {
            ok: (200, Some("InformationRequestFile")),
            ..doc("readRequest", "A request: its state, where its clock stands today and its whole history", "rights")
        },
        Op::RecordRequestEvent => Doc {
            request: Some("InformationRequestEvent"),
            ok: (200, Some("InformationRequestRecorded")),
            problems: &[Conflict, Refused],
            ..doc(
                "recordRequestEvent",
                "Record what happened to a request (a task, a stop of the clock, an extension, an exemption, the answer,                  a review, the closure); refused with the law's reason when it does not allow it",
                "rights",
            )
        },
        Op::SubjectBundle => Doc {
            ok: (200, Some("SubjectBundle")),
            problems: &[Refused],
            ..doc("subjectBundle", "Subject access: every record and disclosable audit event about the request's subject, as it would be disclosed (third parties redacted), with each item's review", "rights")
        },
        Op::AssembleBundle => Doc {
            request: Some("ExpectedEvents"),
            ok: (200, Some("SubjectBundle")),
            problems: &[Conflict, Refused],
            ..doc("assembleBundle", "Subject access: assemble the subject's bundle from the data and record it on the request for review", "rights")
        },
        Op::ExportPack => Doc {
            request: Some("ExpectedEvents"),
            ok: (200, None),
            problems: &[Conflict, Refused],
            ..doc("exportPack", "Subject access: export the disclosure pack (a zip of HTML pages and a manifest of SHA-256 hashes), audited as a disclosure; refused while an item is unreviewed or another person's identifiers would go out", "rights")
        },
        Op::RetentionQueue => Doc {
            ok: (200, Some("RetentionQueue")),
            ..doc("retentionQueue", "MoPI reviews due (date reached, or asked for early), oldest first, by group, unit and days overdue (records managers)", "retention")
        },
        Op::RetentionFile => Doc {
            ok: (200, Some("RetentionFile")),
            problems: &[Refused],
            ..doc("retentionFile", "Where a record's review stands: its schedule, grading, offenders and every decision about it", "retention")
        },
        Op::RetentionReviews => Doc {
            request: Some("RetentionReviews"),
            ok: (200, Some("RetentionDecisions")),
            problems: &[Refused],
            ..doc("retentionReviews", "Record review decisions, all or none: retain (with its reason; the next review scheduled), archive, or dispose (the record deleted everywhere, a stub and an erasure event left); refused under a legal hold, without a reason, against the assessment, or for a record already disposed of", "retention")
        },
        Op::RetentionHold => Doc {
            request: Some("LegalHold"),
            ok: (200, Some("LegalHoldDecision")),
            problems: &[Refused],
            ..doc("retentionHold", "Place or release a legal hold on a record (no disposal or archive while held), with the reason", "retention")
        },
        Op::RetentionGroup => Doc {
            request: Some("RetentionGroup"),
            ok: (200, Some("LegalHoldDecision")),
            problems: &[Refused],
            ..doc("retentionGroup", "Hold a record in another MoPI group than its grading (or its grading again, with null), with the reason; the review date is computed again", "retention")
        },
        Op::RetentionTrigger => Doc {
            request: Some("RetentionTrigger"),
            ok: (200, Some("RetentionMarked")),
            problems: &[Refused],
            ..doc("retentionTrigger", "Bring forward the review of everything held about a person: they asked for deletion, or made a subject access request", "retention")
        },
        Op::RetentionReport => Doc {
            ok: (200, Some("RetentionReport")),
            ..doc("retentionReport", "The retention report: records by group, overdue reviews, decisions and disposals per month, the latest retentions with their reasons, the last sweep", "retention")
        },
        Op::ReadArchived => Doc {
            ok: (200, Some("ArchivedRecord")),
            ..doc("readArchived", "A record in the restricted archive (out of operational use), with the archive's own permission; audited as a consultation", "retention")
        },
        Op::Deadline => Doc {
            ok: (200, Some("Deadline")),
            ..doc("deadline", "When a request must be answered: FOIA s.10, UK GDPR Art 12(3), DPA 2018 s.54 (no sign-in needed)", "rights")
        },
        Op::RecentWork => Doc {
            ok: (200, Some("RecentWork")),
            ..doc("recentWork", "The records the signed-in user wrote most recently, newest first", "entities")
        },
        Op::AuditEvents => Doc {
            ok: (200, Some("AuditEvents")),
            ..doc("auditEvents", "Integrated audit events in order, a page at a time", "audit")
        },
        Op::AuditCheckpoint => Doc {
            ok: (200, Some("AuditCheckpoint")),
            ..doc("auditCheckpoint", "The latest signed checkpoint of the audit log", "audit")
        },
        Op::AuditProof => Doc {
            ok: (200, Some("InclusionProof")),
            problems: &[Refused],
            ..doc("auditProof", "Prove that an audit event is in the latest checkpoint's tree", "audit")
        },
    }
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn operation(route: &Route) -> Value {
    let op = route.op;
    let d = describe(op);
    let mut parameters: Vec<Value> = route
        .path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let schema = if name == "seq" { json!({ "type": "integer", "minimum": 0 }) } else { json!({ "type": "string" }) };
            json!({ "name": name, "in": "path", "required": true, "schema": schema })
        })
        .collect();
    if op.needs_justification() {
        let text = json!({ "type": "string", "minLength": 3, "maxLength": 500 });
        parameters.push(json!({
            "name": JUSTIFICATION_HEADER, "in": "header", "required": false, "schema": text,
            "description": "Why the data is consulted (DPA 2018 s.62); this header or the query parameter is required.",
        }));
        parameters.push(json!({ "name": JUSTIFICATION_PARAM, "in": "query", "required": false, "schema": text }));
    }
    if op == Op::SearchPeople {
        parameters.push(json!({ "name": "surname", "in": "query", "required": true, "schema": { "type": "string" } }));
        parameters
            .push(json!({ "name": "forename", "in": "query", "required": false, "schema": { "type": "string" } }));
    }
    if op == Op::SearchRecords {
        let kinds: Vec<&str> = SEARCHABLE.iter().map(|k| k.as_str()).collect();
        parameters.push(json!({ "name": "kind", "in": "query", "required": true, "schema": { "type": "string", "enum": kinds } }));
        parameters.push(json!({
            "name": "q", "in": "query", "required": true,
            "schema": { "type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS },
            "description": format!(
                "Words and numbers that must all match (VRM, phone, postcode with or without its space, address \
                 words, town, UPRN, summary words, event kind); at most {MAX_QUERY_TERMS} words."
            ),
        }));
    }
    if op == Op::SearchEverything {
        let kinds: Vec<&str> = EntityKind::ALL.iter().filter(|k| **k != EntityKind::Link).map(|k| k.as_str()).collect();
        let text = |name: &str, description: &str| json!({
            "name": name, "in": "query", "required": false, "schema": { "type": "string" }, "description": description,
        });
        parameters.push(json!({
            "name": "q", "in": "query", "required": true,
            "schema": { "type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS },
            "description": format!("Words that must all match (stemmed: 'screaming' finds 'scream'); at most {} words.", custos_store::full_text::MAX_WORDS),
        }));
        parameters.push(json!({ "name": "type", "in": "query", "required": false, "schema": { "type": "string", "enum": kinds } }));
        parameters.push(text("from", "The first day (YYYY-MM-DD, UTC) of when it happened (or was recorded)"));
        parameters.push(text("to", "The last day (YYYY-MM-DD, UTC), included"));
        parameters.push(text("area", "The owning unit"));
        parameters.push(text("status", "The record's status (open, finalised, live, in_custody, ...)"));
    }
    if matches!(op, Op::SearchPeople | Op::SearchRecords | Op::SearchEverything) {
        parameters.push(json!({
            "name": "offset", "in": "query", "required": false,
            "schema": { "type": "integer", "minimum": 0, "maximum": MAX_SCAN, "default": 0 },
            "description": "How many readable hits to skip: the previous page's next_offset.",
        }));
        parameters.push(json!({
            "name": "limit", "in": "query", "required": false,
            "schema": { "type": "integer", "minimum": 1, "maximum": MAX_HITS, "default": DEFAULT_PAGE },
            "description": format!("The most hits returned; outside 1..={MAX_HITS} is invalid_input, not capped."),
        }));
    }
    if op == Op::ReviewQueue {
        parameters.push(json!({
            "name": "offset", "in": "query", "required": false,
            "schema": { "type": "integer", "minimum": 0, "default": 0 },
            "description": "How many queued pairs to skip: the previous page's next_offset.",
        }));
        parameters.push(json!({
            "name": "limit", "in": "query", "required": false,
            "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LISTED, "default": DEFAULT_REVIEWS },
            "description": format!("The most pairs returned; outside 1..={MAX_LISTED} is invalid_input, not capped."),
        }));
    }
    if op == Op::RequestQueue {
        parameters.push(json!({
            "name": "queue", "in": "query", "required": false,
            "schema": { "type": "string", "enum": ["open", "overdue", "due_soon", "all"], "default": "open" },
            "description": "open: soonest due first; overdue; due_soon: due within the next 7 days (the reminders); all: newest first",
        }));
        parameters.push(json!({ "name": "offset", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0, "default": 0 } }));
        parameters.push(json!({
            "name": "limit", "in": "query", "required": false,
            "schema": { "type": "integer", "minimum": 1, "maximum": custos_store::rights::MAX_LISTED, "default": crate::rights::DEFAULT_LIMIT },
        }));
    }
    if op == Op::RetentionQueue {
        let query = |name: &str, schema: Value, description: &str| json!({ "name": name, "in": "query", "required": false, "schema": schema, "description": description });
        parameters.push(query("group", json!({ "type": "string", "enum": ["1", "2", "3", "4", "group_1", "group_2", "group_3", "group_4"] }), "Only this MoPI group"));
        parameters.push(query("unit", json!({ "type": "string" }), "Only records owned by this unit"));
        parameters.push(query("overdue_days", json!({ "type": "integer", "minimum": 0 }), "Only reviews at least this many days past their date"));
        parameters.push(query("triggered", json!({ "type": "boolean", "default": false }), "Only reviews asked for early (back to notice, deletion request, subject access)"));
        parameters.push(query("offset", json!({ "type": "integer", "minimum": 0, "default": 0 }), "How many to skip"));
        parameters.push(query(
            "limit",
            json!({ "type": "integer", "minimum": 1, "maximum": crate::retention::MAX_LIMIT, "default": crate::retention::DEFAULT_LIMIT }),
            "The most returned",
        ));
    }
    if op == Op::Deadline {
        parameters.push(json!({ "name": "law", "in": "query", "required": true, "schema": { "type": "string", "enum": ["foi", "sar", "sar-le"] } }));
        parameters.push(json!({
            "name": "received", "in": "query", "required": true, "schema": { "type": "string", "format": "date" },
            "description": "The day the clock starts (receipt; for subject access the identity verification), YYYY-MM-DD",
        }));
        parameters.push(json!({
            "name": "extended", "in": "query", "required": false, "schema": { "type": "boolean", "default": false },
            "description": "Apply the longest extension the law allows (FOI: the 40th working day; SAR: three months; Part 3: the same, from 5 February 2026 only)",
        }));
        parameters.push(json!({
            "name": "jurisdiction", "in": "query", "required": false,
            "schema": { "type": "string", "enum": ["england-wales", "scotland", "northern-ireland"], "default": "england-wales" },
        }));
    }
    if op == Op::RecentWork {
        parameters.push(json!({
            "name": "limit", "in": "query", "required": false,
            "schema": { "type": "integer", "minimum": 1, "maximum": MAX_RECENT, "default": DEFAULT_RECENT },
        }));
    }
    if op == Op::AuditEvents {
        parameters.push(json!({
            "name": "after", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0 },
            "description": "Return events with a greater seq (the previous page's next); from the first when absent.",
        }));
        parameters.push(json!({
            "name": "limit", "in": "query", "required": false,
            "schema": { "type": "integer", "minimum": 1, "maximum": MAX_AUDIT_PAGE, "default": DEFAULT_LIMIT },
            "description": "The most events returned; outside 1..=500 is invalid_input, not capped.",
        }));
    }
    let mut problems: Vec<Code> = vec![Code::Internal];
    if d.request.is_some() || !parameters.is_empty() {
        problems.push(Code::InvalidInput);
    }
    if d.request.is_some() {
        problems.extend([Code::PayloadTooLarge, Code::UnsupportedMediaType]);
    }
    if op.needs_justification() {
        problems.push(Code::JustificationRequired);
    }
    if op.needs_caller() {
        problems.extend([Code::NotSignedIn, Code::Denied]);
        if route.verb != Verb::Get {
            problems.push(Code::CsrfFailed);
        }
    }
    for code in d.problems {
        if !problems.contains(code) {
            problems.push(*code);
        }
    }
    let mut responses = Map::new();
    let ok = match d.ok.1 {
        Some(schema) => {
            json!({ "description": "Success", "content": { "application/json": { "schema": schema_ref(schema) } } })
        }
        None => json!({ "description": "Success" }),
    };
    let ok = if op == Op::ExportPack {
        json!({ "description": "The disclosure pack", "content": { "application/zip": { "schema": { "type": "string", "format": "binary" } } } })
    } else {
        ok
    };
    responses.insert(d.ok.0.to_string(), ok);
    if matches!(op, Op::CreatePersonAfterMatch | Op::CreatePerson) {
        // The other success: an existing candidate was chosen and nothing was created.
        let chosen = json!({ "description": "An existing candidate was chosen; nothing was created",
            "content": { "application/json": { "schema": schema_ref("MatchChosen") } } });
        responses.insert("200".into(), chosen);
    }
    for code in problems {
        let status = code.status().as_u16().to_string();
        let entry = responses.entry(status).or_insert_with(|| {
            json!({
                "description": "",
                "content": { "application/problem+json": { "schema": schema_ref("Problem") } },
            })
        });
        if let Some(Value::String(text)) = entry.get_mut("description") {
            if !text.is_empty() {
                text.push_str("; ");
            }
            text.push_str(code.as_str());
        }
    }
    let mut operation = json!({
        "operationId": d.id,
        "summary": d.summary,
        "tags": [d.tag],
        "parameters": parameters,
        "responses": responses,
        "security": security(route),
    });
    if let (Some(schema), Value::Object(map)) = (d.request, &mut operation) {
        map.insert(
            "requestBody".into(),
            json!({ "required": true, "content": { "application/json": { "schema": schema_ref(schema) } } }),
        );
    }
    operation
}

/// Who may call: nobody needs to be signed in; a session (with the CSRF header on unsafe
/// methods); or a session or an API token.
fn security(route: &Route) -> Value {
    if !route.op.needs_caller() {
        return json!([]);
    }
    let session = if route.verb == Verb::Get { json!({ "session": [] }) } else { json!({ "session": [], "csrf": [] }) };
    if route.op.needs_session() { json!([session]) } else { json!([session, { "bearer": [] }]) }
}
