//! Merging and unmerging people over HTTP: the duplicate's id then reads as the primary (saying
//! which id was asked for), its links follow, and an unmerge puts everything back. Bad input,
//! refusals and denials come back as problems; denials are audited.

use axum::http::StatusCode;
use custos_audit::AuditKind;
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::search::create;

const REASON: &str = "same DOB, address and PNC";

fn person_with_pnc(forename: &str, surname: &str, pnc: &str) -> Value {
    let mut p = person(forename, surname);
    p["identifiers"] = json!([{ "kind": "pnc_id", "value": pnc }]);
    p
}

async fn merge(app: &TestApp, s: &Session, primary: &str, body: Value) -> Reply {
    app.send(Call::post(&format!("/api/v1/people/{primary}/merge")).session(s).json(body)).await
}

async fn unmerge(app: &TestApp, s: &Session, merge_id: &str, body: Value) -> Reply {
    app.send(Call::post(&format!("/api/v1/merges/{merge_id}/unmerge")).session(s).json(body)).await
}

async fn related_ids(app: &TestApp, s: &Session, id: &str) -> Vec<String> {
    let reply = app.send(Call::get(&format!("/api/v1/entities/{id}/related")).session(s).justify()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["related"].as_array().unwrap().iter().map(|r| r["link"]["id"].as_str().unwrap().to_owned()).collect()
}

conformance! {
    async fn merge_and_unmerge_through_the_api(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP500001", Role::Investigator, "CE-BCU").await;
        let ann = app.create_person(&s, person("Ann", "Lee")).await;
        let anne = app.create_person(&s, person("Anne", "Leigh")).await;
        let home = create(&app, &s, "locations", json!({ "address_lines": ["2 Acacia Avenue"], "postcode": "M1 1AE" })).await;
        let lives = create(&app, &s, "links", json!({ "from": anne, "to": home, "kind": "home" })).await;

        let reply = merge(&app, &s, &ann, json!({ "duplicate": anne, "reason": REASON })).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!((reply.body["primary"].as_str(), reply.body["duplicate"].as_str()), (Some(ann.as_str()), Some(anne.as_str())));
        let merge_id = reply.body["merge_id"].as_str().unwrap().to_owned();

        // The duplicate's id reads as the primary, saying which id was asked for.
        let read = app.send(Call::get(&format!("/api/v1/entities/{anne}")).session(&s).justify()).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert_eq!((read.body["id"].as_str(), read.body["resolved_from"].as_str()), (Some(ann.as_str()), Some(anne.as_str())));
        let own = app.send(Call::get(&format!("/api/v1/entities/{ann}")).session(&s).justify()).await;
        assert_eq!(own.body["resolved_from"], Value::Null);
        assert_eq!(related_ids(&app, &s, &ann).await, std::slice::from_ref(&lives));
        // A link made to the duplicate's id meanwhile lands on the primary...
        let car = create(&app, &s, "objects", json!({ "kind": "vehicle", "vrm": "AB51ABC" })).await;
        let owns = create(&app, &s, "links", json!({ "from": car, "to": anne, "kind": "owner" })).await;
        let mut both = vec![lives.clone(), owns.clone()];
        both.sort();
        assert_eq!(related_ids(&app, &s, &ann).await, both);

        let reply = unmerge(&app, &s, &merge_id, json!({ "reason": "different people" })).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["merge_id"].as_str(), Some(merge_id.as_str()));
        // ... and goes back with the others.
        assert_eq!(related_ids(&app, &s, &anne).await, both);
        assert!(related_ids(&app, &s, &ann).await.is_empty());
        let read = app.send(Call::get(&format!("/api/v1/entities/{anne}")).session(&s).justify()).await;
        assert_eq!((read.body["id"].as_str(), &read.body["resolved_from"]), (Some(anne.as_str()), &Value::Null));
        // Twice is refused.
        unmerge(&app, &s, &merge_id, json!({ "reason": "again" })).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");

        let events = app.audit_events().await;
        let merged = events.iter().find(|e| e.kind == AuditKind::Merge).unwrap();
        assert!(app.audit_text(merged).await.contains(REASON));
        let undone = events.iter().find(|e| e.kind == AuditKind::Unmerge).unwrap();
        assert!(app.audit_text(undone).await.contains("different people"));
    }

    async fn bad_merge_requests_are_problems(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP500001", Role::Investigator, "CE-BCU").await;
        let a = app.create_person(&s, person_with_pnc("Ann", "Lee", "2008/0056560Z")).await;
        let b = app.create_person(&s, person_with_pnc("Ann", "Lee", "2012/0001234Y")).await;

        let reply = merge(&app, &s, "not-an-id", json!({ "duplicate": b, "reason": REASON })).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["id"]);
        let reply = merge(&app, &s, &a, json!({ "duplicate": "nope", "reason": REASON })).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["duplicate"]);
        merge(&app, &s, &a, json!({ "duplicate": b })).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        merge(&app, &s, &a, json!({ "duplicate": b, "reason": REASON, "extra": 1 }))
            .await
            .assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        merge(&app, &s, &a, json!({ "duplicate": b, "reason": "" })).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        merge(&app, &s, &a, json!({ "duplicate": a, "reason": REASON })).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        // Different PNC IDs: refused, saying which, unless a person forces it.
        let reply = merge(&app, &s, &a, json!({ "duplicate": b, "reason": REASON })).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reply.body["detail"].as_str().unwrap().contains("pnc_id"), "{}", reply.text);
        let reply = merge(&app, &s, &a, json!({ "duplicate": b, "reason": REASON, "force_conflicting_identifiers": true })).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        // Forged cross-site (no CSRF token) and signed-out calls never reach the store.
        let call = Call::post(&format!("/api/v1/people/{a}/merge")).cookie_only(&s).json(json!({ "duplicate": b, "reason": REASON }));
        app.send(call).await.assert_problem(StatusCode::FORBIDDEN, "csrf_failed");
        let call = Call::post("/api/v1/merges/0b8d1f6e-8f6a-4d3c-9a57-1f0a2b3c4d5e/unmerge").json(json!({ "reason": REASON }));
        app.send(call).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");

        let reply = unmerge(&app, &s, "nope", json!({ "reason": REASON })).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["merge_id"]);
        unmerge(&app, &s, "0b8d1f6e-8f6a-4d3c-9a57-1f0a2b3c4d5e", json!({})).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        // An unknown merge is denied like a missing record.
        unmerge(&app, &s, "0b8d1f6e-8f6a-4d3c-9a57-1f0a2b3c4d5e", json!({ "reason": REASON }))
            .await
            .assert_problem(StatusCode::FORBIDDEN, "denied");
    }

    async fn merging_without_the_right_is_denied_and_audited(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP500001", Role::Investigator, "CE-BCU").await;
        let a = app.create_person(&s, person("Ann", "Lee")).await;
        let b = app.create_person(&s, person("Anne", "Lee")).await;
        let officer = app.signed_in("MP500002", Role::ResponseOfficer, "CE-BCU").await;
        merge(&app, &officer, &a, json!({ "duplicate": b, "reason": REASON })).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        let reply = merge(&app, &s, &a, json!({ "duplicate": b, "reason": REASON })).await;
        let merge_id = reply.body["merge_id"].as_str().unwrap().to_owned();
        unmerge(&app, &officer, &merge_id, json!({ "reason": REASON })).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        let denials: Vec<_> =
            app.audit_events().await.into_iter().filter(|e| e.kind == AuditKind::AccessDenied).collect();
        assert_eq!(denials.len(), 2);
        assert!(denials.iter().all(|d| d.actor == "MP500002"));
        assert_eq!(denials[0].objects[0].id, a);
    }
}
