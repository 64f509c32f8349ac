//! FOI and subject access casework over HTTP on both backends: a request worked from
//! registration to closure; each bad input of the issue refused with the law's reason and
//! nothing recorded; other roles kept out; and the public deadline calculator.

use axum::http::StatusCode;
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::{Value, json};

use crate::helpers::*;

fn registration(law: &str, received: &str) -> Value {
    json!({
        "law": law, "channel": "email", "received": received, "summary": "Stop and search records for March",
        "requester": {"name": "Sam Reporter", "contact": "sam@example.org", "kind": "journalist"},
    })
}

async fn register(app: &TestApp, s: &Session, body: Value) -> Reply {
    app.send(Call::post("/api/v1/information-requests").session(s).json(body)).await
}

async fn record(app: &TestApp, s: &Session, id: &str, expected: u64, event: Value) -> Reply {
    app.send(Call::post(&format!("/api/v1/information-requests/{id}/events")).session(s).json(json!({"expected_events": expected, "event": event}))).await
}

conformance! {
    async fn an_foi_request_is_worked_to_closure(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("DO400001", Role::InformationRightsOfficer, "DATA-OFFICE").await;
        let reply = register(&app, &s, registration("foi", "2026-03-02")).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        assert_eq!(reply.body["reference"], "FOI/2026/000001");
        assert_eq!(reply.body["clock"]["state"], "running");
        assert_eq!(reply.body["clock"]["due"], "2026-03-31");
        let id = reply.body["id"].as_str().unwrap().to_owned();

        let reply = record(&app, &s, &id, 1, json!({"event": "exemption_applied", "section": "s31", "reason": "Tactics; public interest in withholding"})).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let reply = record(&app, &s, &id, 2, json!({"event": "extended", "on": "2026-03-27", "reason": "Public interest test", "notice": "Email of 27 March"})).await;
        assert_eq!(reply.body["clock"]["due"], "2026-04-30", "{}", reply.text);
        let reply = record(&app, &s, &id, 3, json!({"event": "responded", "on": "2026-04-20", "outcome": "partly_granted"})).await;
        assert_eq!(reply.body["clock"]["state"], "answered");
        assert_eq!(reply.body["clock"]["on_time"], true);
        let reply = record(&app, &s, &id, 4, json!({"event": "closed", "on": "2026-04-20", "outcome": "partly_granted"})).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        // Published in the disclosure log, never naming the requester.
        let naming = record(&app, &s, &id, 5, json!({"event": "published", "on": "2026-04-21", "title": "Tactics", "response": "Answer to Sam Reporter"})).await;
        naming.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        let reply = record(&app, &s, &id, 5, json!({"event": "published", "on": "2026-04-21", "title": "Stop and search tactics, March 2026",
            "response": "Some information is withheld under section 31."})).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let log = app.send(Call::get("/disclosure-log?q=STOP%20section")).await;
        assert_eq!(log.status, StatusCode::OK);
        assert!(log.text.contains("Stop and search tactics, March 2026") && log.text.contains("FOI/2026/000001"), "{}", log.text);
        assert!(!log.text.contains("Sam Reporter"), "never the requester");
        let none = app.send(Call::get("/disclosure-log?q=stop%20drones")).await;
        assert!(!none.text.contains("Stop and search tactics"), "every word must match");
        let wildcard = app.send(Call::get("/disclosure-log?q=%25")).await;
        assert!(!wildcard.text.contains("Stop and search tactics"), "a typed % is a character, not a wildcard");

        let read = app.send(Call::get(&format!("/api/v1/information-requests/{id}")).session(&s).justify()).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        let history = read.body["history"].as_array().unwrap();
        assert_eq!(history.iter().map(|h| h["event"]["event"].as_str().unwrap()).collect::<Vec<_>>(),
            ["registered", "exemption_applied", "extended", "responded", "closed", "published"]);
        // A read needs a justification.
        let unjustified = app.send(Call::get(&format!("/api/v1/information-requests/{id}")).session(&s)).await;
        assert!(unjustified.status.is_client_error(), "{}", unjustified.text);

        let queue = app.send(Call::get("/api/v1/information-requests?queue=all").session(&s)).await;
        assert_eq!(queue.body["items"][0]["reference"], "FOI/2026/000001", "{}", queue.text);
        assert!(!queue.text.contains("Sam Reporter"), "no requester details in the queue");
        let bad = app.send(Call::get("/api/v1/information-requests?queue=late").session(&s)).await;
        bad.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
    }

    async fn bad_casework_is_refused_with_the_reason_and_nothing_recorded(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("DO400002", Role::InformationRightsOfficer, "DATA-OFFICE").await;
        // Received in the future.
        let reply = register(&app, &s, registration("foi", "2099-01-05")).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reply.text.contains("cannot be in the future"), "{}", reply.text);
        // Malformed: a missing field, an unknown law, a non-date.
        let mut missing = registration("foi", "2026-03-02");
        missing.as_object_mut().unwrap().remove("summary");
        let reply = register(&app, &s, missing).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert!(reply.text.contains("summary"), "{}", reply.text);
        let reply = register(&app, &s, registration("gdpr", "2026-03-02")).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["law"]);
        register(&app, &s, registration("foi", "2 March 2026")).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(app.count("information_request").await, 0);

        let mut sar = registration("sar", "2024-09-03");
        sar["identity_verified"] = json!("2024-09-03");
        sar["requester"]["kind"] = json!("data_subject");
        let id = register(&app, &s, sar).await.body["id"].as_str().unwrap().to_owned();
        // Extending after the deadline.
        let reply = record(&app, &s, &id, 1, json!({"event": "extended", "on": "2024-10-04", "reason": "Volume", "notice": "Letter"})).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reply.text.contains("has passed"), "{}", reply.text);
        // A stop the law does not allow for that request's date.
        let mut le = registration("sar-le", "2026-01-05");
        le["identity_verified"] = json!("2026-01-05");
        le["requester"]["kind"] = json!("data_subject");
        let le_id = register(&app, &s, le).await.body["id"].as_str().unwrap().to_owned();
        let reply = record(&app, &s, &le_id, 1, json!({"event": "clock_stopped", "kind": "clarification", "on": "2026-01-06", "notice": "Which?"})).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reply.text.contains("5 February 2026") || reply.text.contains("cannot stop"), "{}", reply.text);
        // Closing with open tasks.
        record(&app, &s, &id, 1, json!({"event": "task_added", "title": "Search custody"})).await;
        let reply = record(&app, &s, &id, 2, json!({"event": "closed", "on": "2024-09-20", "outcome": "withdrawn"})).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reply.text.contains("still open"), "{}", reply.text);
        // A stale history, an unknown event, a second registration.
        record(&app, &s, &id, 1, json!({"event": "note", "text": "x"})).await.assert_problem(StatusCode::CONFLICT, "conflict");
        let reply = record(&app, &s, &id, 2, json!({"event": "deleted"})).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        let reply = record(&app, &s, &id, 2, json!({"event": "task_done", "task": "one"})).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["event"], "{}", reply.text);
        assert!(reply.text.contains("invalid type"), "{}", reply.text);
        assert_eq!(app.count("information_request_event").await, 3, "two registrations and the task");
    }

    async fn other_roles_cannot_see_or_work_requests(db: TestDb) {
        let app = TestApp::new(db);
        let officer = app.signed_in("DO400003", Role::InformationRightsOfficer, "DATA-OFFICE").await;
        let id = register(&app, &officer, registration("foi", "2026-03-02")).await.body["id"].as_str().unwrap().to_owned();
        let investigator = app.signed_in("MP400003", Role::Investigator, "CE-BCU").await;
        let read = app.send(Call::get(&format!("/api/v1/information-requests/{id}")).session(&investigator).justify()).await;
        assert!(read.status == StatusCode::NOT_FOUND || read.status == StatusCode::FORBIDDEN, "{}", read.text);
        let reply = record(&app, &investigator, &id, 1, json!({"event": "note", "text": "x"})).await;
        assert!(reply.status == StatusCode::NOT_FOUND || reply.status == StatusCode::FORBIDDEN, "{}", reply.text);
        let reply = register(&app, &investigator, registration("foi", "2026-03-02")).await;
        assert!(reply.status == StatusCode::NOT_FOUND || reply.status == StatusCode::FORBIDDEN, "{}", reply.text);
        let queue = app.send(Call::get("/api/v1/information-requests?queue=all").session(&investigator)).await;
        assert_eq!(queue.body["items"], json!([]));
        let anonymous = app.send(Call::get("/api/v1/information-requests")).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    }

    async fn the_deadline_calculator_is_public_and_strict(db: TestDb) {
        let app = TestApp::new(db);
        for (query, due) in [
            ("law=sar&received=2024-11-25", "2024-12-27"),
            ("law=foi&received=2014-12-02", "2015-01-05"),
            ("law=sar-le&received=2026-02-05&extended=true", "2026-05-05"),
            ("law=sar&received=2024-12-02&jurisdiction=scotland", "2025-01-03"),
        ] {
            let reply = app.send(Call::get(&format!("/api/v1/deadlines?{query}"))).await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text);
            assert_eq!(reply.body["due"], due, "{query}");
        }
        for (query, field) in [
            ("law=sar-le&received=2026-02-04&extended=true", "received"),
            ("law=fio&received=2024-01-01", "law"),
            ("law=foi&received=2024-02-30", "received"),
            ("law=foi&received=20240201", "received"),
            ("law=foi&received=2024-02-01&jurisdiction=wales", "jurisdiction"),
        ] {
            let reply = app.send(Call::get(&format!("/api/v1/deadlines?{query}"))).await;
            reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
            assert_eq!(reply.field_errors(), [field], "{query}: {}", reply.text);
        }
        let reply = app.send(Call::get("/api/v1/deadlines?law=foi")).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        let reply = app.send(Call::get("/api/v1/deadlines?law=foi&received=2024-02-01&colour=red")).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
    }
}
