//! Subject access discovery over HTTP on both backends: the requester found with the match
//! search and chosen with a reason, the bundle assembled and reviewed item by item, the pack
//! exported as a zip with its manifest, and every bad input refused with nothing recorded.

use axum::http::{StatusCode, header};
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::{Value, json};

use crate::helpers::*;

async fn record(app: &TestApp, s: &Session, id: &str, expected: u64, event: Value) -> Reply {
    app.send(Call::post(&format!("/api/v1/information-requests/{id}/events")).session(s).json(json!({"expected_events": expected, "event": event}))).await
}

fn someone(forename: &str, surname: &str, dob: &str, identifiers: Value) -> Value {
    json!({ "names": [{ "kind": "primary", "forenames": [forename], "surname": surname }], "dates_of_birth": [dob], "identifiers": identifiers })
}

conformance! {
    async fn a_subject_access_request_is_answered_from_the_data(db: TestDb) {
        let app = TestApp::new(db);
        let pc = app.signed_in("MP400001", Role::Investigator, "CE-BCU").await;
        let subject = app.create_person(&pc, someone("Gary", "Holt", "1979-04-02", json!([{"kind": "pnc_id", "value": "2008/0056560Z"}]))).await;
        let wife = app.create_person(&pc, someone("Dawn", "Holt", "1981-09-12", json!([{"kind": "email", "value": "dawn.holt@example.org"}]))).await;
        let event = app.send(Call::post("/api/v1/events").session(&pc).json(json!({"record": {"kind": "crime", "at": "2026-03-01T22:00:00Z", "summary": "Assault at a flat"}}))).await;
        assert_eq!(event.status, StatusCode::CREATED, "{}", event.text);
        let crime = app.send(Call::post("/api/v1/crime-reports").session(&pc).json(json!({"record": {
            "event": event.body["id"], "offence": "8N", "status": "recorded",
            "narrative": "Victim Dawn Holt (dawn.holt@example.org) says Gary Holt hit her.",
            "people": [{"person": subject, "role": "suspect"}, {"person": wife, "role": "victim"}],
        }}))).await;
        assert_eq!(crime.status, StatusCode::CREATED, "{}", crime.text);
        app.db.store.integrate_audit().await.unwrap();

        let iro = app.signed_in("DO400001", Role::InformationRightsOfficer, "DATA-OFFICE").await;
        let reply = app.send(Call::post("/api/v1/information-requests").session(&iro).json(json!({
            "law": "sar", "channel": "email", "received": "2026-11-02", "identity_verified": "2026-11-03", "summary": "All my data",
            "requester": {"name": "Gary Holt", "contact": "gary@example.org", "kind": "data_subject"},
        }))).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let id = reply.body["id"].as_str().unwrap().to_owned();
        let bundle_path = format!("/api/v1/information-requests/{id}/bundle");
        let pack_path = format!("/api/v1/information-requests/{id}/pack");
        // No bundle before the subject is identified.
        app.send(Call::get(&bundle_path).session(&iro).justify()).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");

        let found = app.match_search(&iro, &someone("Gary", "Holt", "1979-04-02", json!([]))).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.text);
        let candidates = found.body["candidates"].as_array().unwrap();
        assert!(candidates.iter().any(|c| c["id"] == subject.as_str()), "{}", found.text);
        let several = candidates.len() > 1;
        let choice = json!({"event": "subject_identified", "person": subject, "search": found.body["search_id"], "reason": if several { json!("Passport and PNC ID seen") } else { Value::Null }});
        let reply = record(&app, &iro, &id, 1, choice).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);

        let assembled = app.send(Call::post(&bundle_path).session(&iro).justify().json(json!({"expected_events": 2}))).await;
        assert_eq!(assembled.status, StatusCode::OK, "{}", assembled.text);
        assert_eq!(assembled.body["stale"], false);
        let items = assembled.body["items"].as_array().unwrap().clone();
        assert!(items.iter().any(|i| i["kind"] == "crime_report"), "{}", assembled.text);
        assert!(!assembled.text.contains(&wife), "the wife's record is not in the bundle");
        let crime_item = items.iter().find(|i| i["kind"] == "crime_report").unwrap();
        let narrative = crime_item["fields"].as_array().unwrap().iter().find(|f| f["label"] == "narrative").unwrap();
        assert!(!narrative["text"].as_str().unwrap().contains("dawn.holt@example.org"), "{narrative}");
        assert!(narrative["text"].as_str().unwrap().contains("Gary Holt"), "{narrative}");

        // Unreviewed: refused, nothing recorded.
        app.send(Call::post(&pack_path).session(&iro).justify().json(json!({"expected_events": 3}))).await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        // Releasing her email: refused at export.
        let reviews = |release: Value| -> Vec<Value> {
            items.iter().map(|i| json!({"item": i["key"], "decision": "disclose", "adjustments": {"release": release.clone(), "redact": []}})).collect()
        };
        assert_eq!(record(&app, &iro, &id, 3, json!({"event": "items_reviewed", "reviews": reviews(json!(["dawn.holt@example.org"]))})).await.status, StatusCode::OK);
        let leak = app.send(Call::post(&pack_path).session(&iro).justify().json(json!({"expected_events": 4}))).await;
        leak.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(leak.text.contains("another person"), "{}", leak.text);
        assert_eq!(record(&app, &iro, &id, 4, json!({"event": "items_reviewed", "reviews": reviews(json!([]))})).await.status, StatusCode::OK);
        // A stale count is a conflict.
        app.send(Call::post(&pack_path).session(&iro).justify().json(json!({"expected_events": 4}))).await.assert_problem(StatusCode::CONFLICT, "conflict");
        let pack = app.send(Call::post(&pack_path).session(&iro).justify().json(json!({"expected_events": 5}))).await;
        assert_eq!(pack.status, StatusCode::OK, "{}", pack.text);
        assert_eq!(pack.headers.get(header::CONTENT_TYPE).unwrap(), "application/zip");
        assert!(pack.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().contains("SAR-2026-000001.zip"));
        assert!(pack.text.contains("manifest.json") && pack.text.contains("content_sha256"));
        assert!(!pack.text.contains("dawn.holt@example.org"));
        assert!(app.audit_events().await.iter().any(|e| e.kind == custos_audit::AuditKind::Disclose && e.actor == "DO400001"));

        // Other roles are kept out of discovery.
        app.send(Call::get(&bundle_path).session(&pc).justify()).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        app.send(Call::post(&pack_path).session(&pc).justify().json(json!({"expected_events": 6}))).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        // Bad bodies.
        app.send(Call::post(&bundle_path).session(&iro).justify().json(json!({"expected": 6}))).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        app.send(Call::post(&bundle_path).session(&iro).json(json!({"expected_events": 6}))).await.assert_problem(StatusCode::BAD_REQUEST, "justification_required");
    }
}
