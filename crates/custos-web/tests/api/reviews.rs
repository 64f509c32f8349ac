//! The duplicate-review queue over HTTP: a pair queued by a linking run is listed for a records
//! manager with both records, the probability, the cause and the explanation; linking merges it
//! (the second record's id then reads as the first), rejecting takes it off the list, and a
//! second decision, a missing reason, bad input, an unknown pair and a user without the right to
//! merge are problems (denials audited).

use axum::http::StatusCode;
use custos_audit::AuditKind;
use custos_core::ids::EntityId;
use custos_core::role::Role;
use custos_store::batch::{ReviewPair, batch_unit};
use custos_store::conformance;
use custos_store::users::batch_loader;
use serde_json::{Value, json};

use crate::helpers::*;

pub const REASON: &str = "same DOB and address; PNC duplicate";
/// A review id that names no pair.
const UNKNOWN: &str = "0b8d1f6e-8f6a-4d3c-9a57-1f0a2b3c4d5e";

/// Ann Lee with a PNC ID.
pub fn ann_lee(forename: &str, pnc: &str) -> Value {
    let mut p = person(forename, "Lee");
    p["identifiers"] = json!([{ "kind": "pnc_id", "value": pnc }]);
    p
}

/// Two people recorded by a new investigator `officer` and queued by a linking run as a pair with
/// different PNC IDs; their ids (the older first).
pub async fn seed_pair(app: &TestApp, officer: &str, forenames: [&str; 2]) -> (String, String) {
    let s = app.signed_in(officer, Role::Investigator, "CE-BCU").await;
    let a = app.create_person(&s, ann_lee(forenames[0], "2008/0056560Z")).await;
    let b = app.create_person(&s, ann_lee(forenames[1], "2012/0001234Y")).await;
    let pair = ReviewPair {
        a: a.parse::<EntityId>().unwrap(),
        b: b.parse::<EntityId>().unwrap(),
        probability: 0.87,
        cause: "conflicting_pnc_id".into(),
    };
    let applied = app.db.store.apply_linkage(&batch_loader(batch_unit()), &[], &[pair], "nightly linking run").await.unwrap();
    assert_eq!(applied.queued, 1, "{applied:?}");
    (a, b)
}

async fn queue(app: &TestApp, s: &Session) -> Reply {
    let reply = app.send(Call::get("/api/v1/reviews").session(s).justify()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply
}

async fn decide(app: &TestApp, s: &Session, id: &str, body: Value) -> Reply {
    app.send(Call::post(&format!("/api/v1/reviews/{id}/decision")).session(s).json(body)).await
}

fn review_id(reply: &Reply, a: &str) -> String {
    let items = reply.body["items"].as_array().unwrap();
    let item = items.iter().find(|i| i["a"]["id"] == a).unwrap_or_else(|| panic!("{a} is not listed: {}", reply.text));
    item["id"].as_str().unwrap().to_owned()
}

conformance! {
    async fn the_queue_lists_both_records_with_why_and_linking_merges_them(db: TestDb) {
        let app = TestApp::new(db);
        let (a, b) = seed_pair(&app, "MP700001", ["Ann", "Anne"]).await;
        let rm = app.signed_in("RM100001", Role::RecordsManager, "CE-HQ").await;

        let reply = queue(&app, &rm).await;
        let items = reply.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}", reply.text);
        let item = &items[0];
        // Both records in the entity read's shape, and why they are here.
        assert_eq!((item["a"]["id"].as_str(), item["b"]["id"].as_str()), (Some(a.as_str()), Some(b.as_str())));
        assert_eq!(item["a"]["kind"], "person");
        assert_eq!(item["b"]["record"]["names"][0]["forenames"][0], "Anne");
        assert!(item["a"]["marking"]["owning_unit"].is_string() && item["a"]["version"] == 1, "{item}");
        assert_eq!(item["probability"], 0.87);
        assert_eq!(item["cause"], "conflicting_pnc_id");
        assert!(item["queued_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{item}");
        let explanation = item["explanation"].as_array().unwrap();
        let surname = explanation.iter().find(|c| c["field"] == "surname").unwrap_or_else(|| panic!("{item}"));
        assert!(surname["weight"].as_f64().unwrap() > 0.0 && surname["level"].is_string(), "{surname}");
        assert_eq!(reply.body["next_offset"], Value::Null);
        // The listing is audited as a read of both records, with the justification.
        let events = app.audit_events().await;
        let read = events.iter().rfind(|e| e.kind == AuditKind::Read && e.actor == "RM100001").unwrap();
        assert!(read.objects.iter().any(|o| o.id == a) && read.objects.iter().any(|o| o.id == b), "{read:?}");
        assert!(app.audit_text(read).await.contains(WHY));

        let id = review_id(&reply, &a);
        let linked = decide(&app, &rm, &id, json!({ "decision": "link", "reason": REASON })).await;
        assert_eq!(linked.status, StatusCode::OK, "{}", linked.text);
        assert_eq!(linked.body["outcome"], "linked");
        assert!(linked.body["merge_id"].as_str().is_some_and(|m| m.len() == 36), "{}", linked.text);
        // B's id now reads as A's record.
        let read = app.send(Call::get(&format!("/api/v1/entities/{b}")).session(&rm).justify()).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert_eq!((read.body["id"].as_str(), read.body["resolved_from"].as_str()), (Some(a.as_str()), Some(b.as_str())));
        // Off the list, and deciding it again is refused.
        assert!(queue(&app, &rm).await.body["items"].as_array().unwrap().is_empty());
        decide(&app, &rm, &id, json!({ "decision": "reject", "reason": REASON }))
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        let events = app.audit_events().await;
        assert!(events.iter().any(|e| e.kind == AuditKind::Merge && e.actor == "RM100001"));
    }

    async fn rejecting_takes_the_pair_off_the_list_and_bad_decisions_are_problems(db: TestDb) {
        let app = TestApp::new(db);
        let (a, b) = seed_pair(&app, "MP700001", ["Ann", "Anne"]).await;
        let rm = app.signed_in("RM100002", Role::RecordsManager, "CE-HQ").await;
        let id = review_id(&queue(&app, &rm).await, &a);

        // A missing or empty reason is refused, and the pair stays open.
        decide(&app, &rm, &id, json!({ "decision": "reject" })).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        decide(&app, &rm, &id, json!({ "decision": "link", "reason": " " })).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        // An unknown decision or field, or a malformed id, is invalid input naming the field.
        let reply = decide(&app, &rm, &id, json!({ "decision": "maybe", "reason": REASON })).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["decision"]);
        decide(&app, &rm, &id, json!({ "decision": "link", "reason": REASON, "force": true }))
            .await
            .assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        let reply = decide(&app, &rm, "nope", json!({ "decision": "link", "reason": REASON })).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["id"]);
        // An unknown pair is denied like a missing record.
        decide(&app, &rm, UNKNOWN, json!({ "decision": "link", "reason": REASON })).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        // Without the CSRF token a cookie call never reaches the store.
        let forged = Call::post(&format!("/api/v1/reviews/{id}/decision")).cookie_only(&rm).json(json!({ "decision": "link", "reason": REASON }));
        app.send(forged).await.assert_problem(StatusCode::FORBIDDEN, "csrf_failed");
        assert_eq!(queue(&app, &rm).await.body["items"].as_array().unwrap().len(), 1, "nothing was decided");

        let rejected = decide(&app, &rm, &id, json!({ "decision": "reject", "reason": "different middle names" })).await;
        assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text);
        assert_eq!(rejected.body, json!({ "outcome": "rejected" }));
        assert!(queue(&app, &rm).await.body["items"].as_array().unwrap().is_empty());
        // Two people still: B reads as itself.
        let read = app.send(Call::get(&format!("/api/v1/entities/{b}")).session(&rm).justify()).await;
        assert_eq!((read.body["id"].as_str(), &read.body["resolved_from"]), (Some(b.as_str()), &Value::Null));
        decide(&app, &rm, &id, json!({ "decision": "reject", "reason": REASON }))
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        let events = app.audit_events().await;
        let decided = events.iter().find(|e| e.kind == AuditKind::Update && e.objects.iter().any(|o| o.kind == "review")).unwrap();
        assert!(app.audit_text(decided).await.contains("different middle names"));
    }

    async fn the_queue_needs_a_justification_a_good_page_and_the_right_to_merge(db: TestDb) {
        let app = TestApp::new(db);
        let (a, _) = seed_pair(&app, "MP700001", ["Ann", "Anne"]).await;
        let rm = app.signed_in("RM100003", Role::RecordsManager, "CE-HQ").await;
        let id = review_id(&queue(&app, &rm).await, &a);
        app.send(Call::get("/api/v1/reviews").session(&rm)).await.assert_problem(StatusCode::BAD_REQUEST, "justification_required");
        for bad in ["limit=0", "limit=101", "offset=-1", "colour=red"] {
            let reply = app.send(Call::get(&format!("/api/v1/reviews?{bad}")).session(&rm).justify()).await;
            reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        }
        app.send(Call::get("/api/v1/reviews")).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");

        // A response officer may not work the queue: denied, and audited, both for the list and a decision.
        let ro = app.signed_in("RO100001", Role::ResponseOfficer, "CE-BCU").await;
        let reply = app.send(Call::get("/api/v1/reviews").session(&ro).justify()).await;
        reply.assert_problem(StatusCode::FORBIDDEN, "denied");
        assert!(!reply.text.contains("Lee"), "nothing of the records is shown");
        decide(&app, &ro, &id, json!({ "decision": "link", "reason": REASON })).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        let denied = app.audit_events().await.into_iter().filter(|e| e.kind == AuditKind::AccessDenied && e.actor == "RO100001").count();
        assert_eq!(denied, 2);
        assert_eq!(queue(&app, &rm).await.body["items"].as_array().unwrap().len(), 1, "the denied decision changed nothing");
    }
}
