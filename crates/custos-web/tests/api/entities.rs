//! Entities over HTTP: create, read, history, change, submit; input validation and limits;
//! justification; denials audited.

use axum::http::{StatusCode, header};
use custos_audit::AuditKind;
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::{Value, json};

use crate::helpers::*;

conformance! {
    async fn create_read_change_submit_and_correct(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP200001", Role::Investigator, "CE-BCU").await;
        let reply = app.match_then_create(&s, json!({ "record": person("Ann", "Lee"), "reason": "arrest CE/1/26" })).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        assert_eq!(reply.body["version"], 1);
        let id = reply.body["id"].as_str().unwrap().to_owned();
        assert_eq!(reply.headers[header::LOCATION], format!("/api/v1/entities/{id}"));
        let url = format!("/api/v1/entities/{id}");

        let read = app.send(Call::get(&url).session(&s).justify()).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert_eq!(read.body["kind"], "person");
        assert_eq!(read.body["version"], 1);
        assert_eq!(read.body["submitted_at"], Value::Null);
        assert_eq!(read.body["marking"], json!({ "classification": "OFFICIAL", "sensitive": false, "owning_unit": "CE-BCU", "acl": [] }));
        assert_eq!(read.body["record"]["names"][0]["surname"], "Lee");

        // What a read returns can be sent back as the record of a change.
        let mut record = read.body["record"].clone();
        record["descriptions"] = json!(["tall, scar on left hand"]);
        let change = |version: u32, record: &Value, change: &str, reason: Value| {
            Call::put(&url).session(&s).json(json!({ "kind": "person", "expected_version": version, "record": record, "change": change, "reason": reason }))
        };
        let reply = app.send(change(1, &record, "edited", Value::Null)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body, json!({ "id": id, "version": 2 }));
        app.send(change(1, &record, "edited", Value::Null)).await.assert_problem(StatusCode::CONFLICT, "conflict");

        let reply = app.send(Call::post(&format!("{url}/submit")).session(&s).json(json!({ "expected_version": 2 }))).await;
        assert_eq!(reply.body, json!({ "id": id, "version": 3 }), "{}", reply.text);
        let mut renamed = record.clone();
        renamed["names"][0]["surname"] = json!("Leigh");
        let reply = app.send(change(3, &renamed, "edited", Value::Null)).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reply.body["detail"].as_str().unwrap().contains("correction"), "{}", reply.text);
        let reply = app.send(change(3, &renamed, "corrected", json!("surname misspelt at arrest"))).await;
        assert_eq!(reply.body["version"], 4, "{}", reply.text);
        // A change cannot turn a person into something else.
        let reply = app.send(Call::put(&url).session(&s).json(json!({ "kind": "location", "expected_version": 4, "record": { "address_lines": ["1 High St"] }, "change": "edited" }))).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");

        let history = app.send(Call::get(&format!("{url}/history")).session(&s).justify()).await;
        assert_eq!(history.status, StatusCode::OK, "{}", history.text);
        let versions = history.body["versions"].as_array().unwrap();
        let changes: Vec<&str> = versions.iter().map(|v| v["change"].as_str().unwrap()).collect();
        assert_eq!(changes, ["created", "edited", "submitted", "corrected"]);
        assert_eq!(versions[0]["author"], "MP200001");
        assert_eq!(versions[0]["reason"], "arrest CE/1/26");
        assert_eq!(versions[3]["record"]["names"][0]["surname"], "Leigh");
        let read = app.send(Call::get(&url).session(&s).justify()).await;
        assert!(read.body["submitted_at"].is_string());
    }

    async fn every_kind_can_be_created(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP200002", Role::Investigator, "CE-BCU").await;
        let person = app.create_person(&s, person("Ann", "Lee")).await;
        let mut ids = Vec::new();
        for (path, record) in [
            ("locations", json!({ "address_lines": ["1 High Street"], "town": "London", "postcode": "SW1A 1AA" })),
            ("objects", json!({ "kind": "vehicle", "vrm": "AB12 CDE", "make": "Ford", "colour": "blue" })),
            ("events", json!({ "kind": "incident", "at": "2024-06-01T21:30:00Z", "summary": "Disturbance reported" })),
        ] {
            let reply = app.send(Call::post(&format!("/api/v1/{path}")).session(&s).json(json!({ "record": record }))).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{path}: {}", reply.text);
            ids.push(reply.body["id"].as_str().unwrap().to_owned());
        }
        let link = json!({ "record": { "from": person, "to": ids[0], "kind": "home" } });
        let reply = app.send(Call::post("/api/v1/links").session(&s).json(link)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        // A link to a record of the wrong kind is refused with a reason; to one that does not
        // exist, denied (as a read of it would be).
        let link = json!({ "record": { "from": person, "to": ids[2], "kind": "home" } });
        app.send(Call::post("/api/v1/links").session(&s).json(link)).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        let link = json!({ "record": { "from": person, "to": "00000000-0000-0000-0000-000000000000", "kind": "home" } });
        app.send(Call::post("/api/v1/links").session(&s).json(link)).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        assert_eq!(app.count("entity").await, 5);
    }

    async fn invalid_records_name_every_bad_field_and_store_nothing(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP200003", Role::Investigator, "CE-BCU").await;
        let mut record = person("Ann", "Lee");
        record["identifiers"][0]["value"] = json!("2008/0056560A");
        record["dates_of_birth"] = json!(["31/02/1980"]);
        let search_id = app.search_id(&s, &person("Ann", "Lee")).await;
        let create = |mut body: Value| {
            body["search_id"] = json!(search_id);
            body["choice"] = json!("none_of_these");
            Call::post("/api/v1/people").session(&s).json(body)
        };
        let reply = app.send(create(json!({ "record": record }))).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        let fields = reply.field_errors();
        assert!(fields.contains(&"identifiers[0].value".to_owned()), "{fields:?}");
        assert!(fields.contains(&"dates_of_birth[0]".to_owned()), "{fields:?}");
        // Unknown fields and wrong types, in the envelope and inside the record.
        for (body, field) in [
            (json!({ "record": person("Ann", "Lee"), "colour": "red" }), "colour"),
            (json!({ "record": { "names": [{ "surname": "Lee", "nickname": "Al" }] } }), "names[0].nickname"),
            (json!({ "record": { "names": "Lee" } }), "names"),
            (json!({ "record": person("Ann", "Lee"), "sensitive": "yes" }), "sensitive"),
            (json!({ "record": person("Ann", "Lee"), "unit": "no spaces allowed" }), "unit"),
            (json!({ "record": person("Ann", "Lee"), "classification": "RESTRICTED" }), "classification"),
            (json!({ "unit": "CE-BCU" }), "record"),
        ] {
            let reply = app.send(create(body.clone())).await;
            reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
            assert_eq!(reply.field_errors(), [field], "{body}: {}", reply.text);
        }
        // Malformed JSON has no field to name.
        let reply = app.send(Call::post("/api/v1/people").session(&s).raw("application/json", br#"{"record": {"names": ["#.to_vec())).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert!(reply.body["detail"].as_str().unwrap().contains("not valid JSON"));
        assert!(reply.field_errors().is_empty());
        assert_eq!(app.count("entity").await, 0);
        assert_eq!(app.count("entity_version").await, 0);
    }

    async fn oversized_bodies_are_413_with_or_without_a_length(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP200004", Role::Investigator, "CE-BCU").await;
        let mut record = person("Ann", "Lee");
        record["descriptions"] = json!(["x".repeat(70 * 1024)]);
        let body = json!({ "record": record, "search_id": "0190a5c4-0000-7000-8000-000000000000", "choice": "none_of_these" }).to_string().into_bytes();
        let len = body.len().to_string();
        let with_length = Call::post("/api/v1/people").session(&s).raw("application/json", body.clone()).header("content-length", &len);
        app.send(with_length).await.assert_problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
        let without = Call::post("/api/v1/people").session(&s).raw("application/json", body);
        app.send(without).await.assert_problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
        assert_eq!(app.count("entity").await, 0);
    }

    async fn injection_strings_are_stored_and_returned_verbatim(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP200005", Role::Investigator, "CE-BCU").await;
        let nasty = ["'; DROP TABLE entity; --", "<script>alert(1)</script>", "Robert'); DELETE FROM users;--", "\" OR 1=1 --"];
        let mut record = person("Ann", "O'Brien");
        record["descriptions"] = json!(nasty);
        let id = app.create_person(&s, record).await;
        let read = app.send(Call::get(&format!("/api/v1/entities/{id}")).session(&s).justify()).await;
        assert_eq!(read.headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(read.headers["x-content-type-options"], "nosniff");
        assert_eq!(read.body["record"]["descriptions"], json!(nasty));
        assert_eq!(read.body["record"]["names"][0]["surname"], "O'Brien");
        let search = app.send(Call::get("/api/v1/people/search?surname=%27%3B%20DROP%20TABLE%20entity%3B%20--").session(&s).justify()).await;
        assert_eq!(search.status, StatusCode::OK, "{}", search.text);
        assert_eq!(search.body["hits"], json!([]));
        assert_eq!(app.count("entity").await, 1, "the table is still there");
    }

    async fn reads_need_a_justification(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP200006", Role::Investigator, "CE-BCU").await;
        let id = app.create_person(&s, person("Ann", "Lee")).await;
        let url = format!("/api/v1/entities/{id}");
        app.send(Call::get(&url).session(&s)).await.assert_problem(StatusCode::BAD_REQUEST, "justification_required");
        app.send(Call::get(&format!("{url}/history")).session(&s)).await.assert_problem(StatusCode::BAD_REQUEST, "justification_required");
        app.send(Call::get(&url).session(&s).header("x-justification", "  ")).await.assert_problem(StatusCode::BAD_REQUEST, "justification_required");
        let short = app.send(Call::get(&url).session(&s).header("x-justification", "no")).await;
        short.assert_problem(StatusCode::BAD_REQUEST, "justification_required");
        assert!(short.body["detail"].as_str().unwrap().contains("s.62"));
        let by_query = app.send(Call::get(&format!("{url}?justification=welfare%20check%20CE%2F9")).session(&s)).await;
        assert_eq!(by_query.status, StatusCode::OK, "{}", by_query.text);
        let reads: Vec<_> = app.audit_events().await.into_iter().filter(|e| e.kind == AuditKind::Read).collect();
        assert_eq!(reads.len(), 1, "refused reads read nothing");
        assert!(reads[0].justification.is_none(), "free text lives only in the erasable payload");
        assert!(app.audit_text(&reads[0]).await.contains("welfare check CE/9"));
        app.send(Call::get("/api/v1/entities/not-a-uuid").session(&s).justify()).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
    }

    async fn another_units_sensitive_record_is_denied_and_the_denial_audited(db: TestDb) {
        let app = TestApp::new(db);
        let owner = app.signed_in("MP200007", Role::Investigator, "CE-BCU").await;
        let outsider = app.signed_in("MP200008", Role::Investigator, "NW-BCU").await;
        let reply = app
            .match_then_create(&owner, json!({
                "record": person("Ann", "Lee"),
                "sensitive": true,
                "acl": [{ "kind": "unit", "id": "CE-BCU" }],
            }))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let id = reply.body["id"].as_str().unwrap().to_owned();
        let url = format!("/api/v1/entities/{id}");
        assert_eq!(app.send(Call::get(&url).session(&owner).justify()).await.status, StatusCode::OK);
        let denied = app.send(Call::get(&url).session(&outsider).justify()).await;
        denied.assert_problem(StatusCode::FORBIDDEN, "denied");
        // A record that does not exist looks exactly the same.
        let missing = app.send(Call::get("/api/v1/entities/00000000-0000-0000-0000-000000000001").session(&outsider).justify()).await;
        assert_eq!((missing.status, &missing.body), (denied.status, &denied.body));
        let events = app.audit_events().await;
        let denial = events
            .iter()
            .find(|e| e.kind == AuditKind::AccessDenied && e.objects.iter().any(|o| o.id == id))
            .expect("an access_denied event for the record");
        assert_eq!(denial.actor, "MP200008");
        assert!(app.audit_text(denial).await.contains(WHY));
        // Nor may the outsider change it.
        let change = json!({ "kind": "person", "expected_version": 1, "record": person("Ann", "Lee"), "change": "edited" });
        app.send(Call::put(&url).session(&outsider).json(change)).await.assert_problem(StatusCode::FORBIDDEN, "denied");
    }
}
