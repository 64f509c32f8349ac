//! MoPI review over HTTP: the records manager's queue, decisions and legal holds, the report, and
//! the bad inputs of issue 7 as problems with nothing changed (disposal without authority,
//! disposal under a legal hold, retention without a reason, a review of a record already disposed
//! of), plus malformed requests.

use axum::http::StatusCode;
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::{Value, json};

use crate::helpers::*;

/// A shoplifting about a suspect, recorded by a new investigator `officer`; the crime's id, with
/// the schedule moved back seven years so that its review is due.
pub async fn due_crime(app: &TestApp, officer: &str) -> String {
    let s = app.signed_in(officer, Role::Investigator, "CE-BCU").await;
    let suspect = app.create_person(&s, person("Orla", "Kestrel")).await;
    let event = app.send(Call::post("/api/v1/events").session(&s).json(json!({"record": {
        "kind": "crime", "at": "2026-03-01T21:50:00Z", "summary": "Theft at a shop",
    }}))).await.body["id"].as_str().unwrap().to_owned();
    let reply = app.send(Call::post("/api/v1/crime-reports").session(&s).json(json!({"record": {
        "event": event, "offence": "46", "narrative": "Took perfume", "status": "under_investigation",
        "people": [{"person": suspect, "role": "suspect"}],
    }}))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let crime = reply.body["id"].as_str().unwrap().to_owned();
    let mut conn = app.db.raw().await;
    let id: custos_core::ids::EntityId = crime.parse().unwrap();
    sqlx::query("UPDATE retention SET created_day = created_day - 2600, last_contact = last_contact - 2600 WHERE record_id = $1")
        .bind(id.as_bytes().to_vec())
        .execute(&mut conn)
        .await
        .unwrap();
    app.db.store.sweep_retention(&|_, _| {}).await.unwrap();
    crime
}

async fn reviews(app: &TestApp, s: &Session, body: Value) -> Reply {
    app.send(Call::post("/api/v1/retention/reviews").session(s).json(body)).await
}

fn dispose(record: &str) -> Value {
    json!({"reviews": [{"record": record, "outcome": "dispose"}]})
}

conformance! {
    async fn a_records_manager_reviews_the_queue_and_disposes(db: TestDb) {
        let app = TestApp::new(db);
        let crime = due_crime(&app, "MP700001").await;
        let rm = app.signed_in("MP700002", Role::RecordsManager, "DATA-OFFICE").await;
        let reply = app.send(Call::get("/api/v1/retention/queue").session(&rm)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["items"][0]["record"], crime.as_str());
        assert_eq!(reply.body["items"][0]["group"], "group_3");
        assert!(reply.body["items"][0]["overdue_days"].as_i64().unwrap() > 0);
        let reply = app.send(Call::get("/api/v1/retention/queue?group=2").session(&rm)).await;
        assert_eq!(reply.body["items"], json!([]), "filtered by group");
        let reply = app.send(Call::get(&format!("/api/v1/retention/records/{crime}")).session(&rm)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["scheduled"]["state"], "active");

        // Retain without a reason: refused, nothing recorded.
        let decisions = app.count("retention_decision").await;
        let reply = reviews(&app, &rm, json!({"reviews": [{"record": crime, "outcome": "retain", "risks": ["serious_harm"]}]})).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reply.text.contains("must give its reason"), "{}", reply.text);
        assert_eq!(app.count("retention_decision").await, decisions);

        // Under a legal hold it cannot be disposed of.
        let hold = |body: Value| Call::post(&format!("/api/v1/retention/records/{crime}/hold")).session(&rm).json(body);
        app.send(hold(json!({"hold": true}))).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        let reply = app.send(hold(json!({"hold": true, "reason": "Civil claim"}))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let reply = reviews(&app, &rm, dispose(&crime)).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reply.text.contains("legal hold"), "{}", reply.text);
        app.send(hold(json!({"hold": false, "reason": "Claim settled"}))).await;

        // Disposal without authority: an investigator is denied, and nothing changes.
        let officer = app.signed_in("MP700003", Role::Investigator, "CE-BCU").await;
        let entities = app.count("entity").await;
        reviews(&app, &officer, dispose(&crime)).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        assert_eq!(app.count("entity").await, entities);

        let reply = reviews(&app, &rm, dispose(&crime)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["decisions"][0]["deleted"], json!([crime]));
        let reply = app.send(Call::get(&format!("/api/v1/entities/{crime}")).session(&officer).justify()).await;
        reply.assert_problem(StatusCode::FORBIDDEN, "denied");
        // A review of a record already disposed of.
        let reply = reviews(&app, &rm, json!({"reviews": [{"record": crime, "outcome": "retain", "reason": "x"}]})).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reply.text.contains("disposed of on"), "{}", reply.text);

        // The report counts it.
        let reply = app.send(Call::get("/api/v1/retention/report").session(&rm)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["groups"][2][1]["disposed"], 1, "{}", reply.text);
        let month = &reply.body["months"][0];
        assert_eq!(month["disposed"], 1);
        assert_eq!(month["holds"], 2);
    }

    async fn an_archived_record_is_read_only_with_the_archives_permission(db: TestDb) {
        let app = TestApp::new(db);
        let crime = due_crime(&app, "MP700001").await;
        let rm = app.signed_in("MP700007", Role::RecordsManager, "DATA-OFFICE").await;
        let reply = reviews(&app, &rm, json!({"reviews": [{"record": crime, "outcome": "archive", "reason": "First case of its kind"}]})).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let path = format!("/api/v1/retention/archive/{crime}");
        let reply = app.send(Call::get(&path).session(&rm).justify()).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["record"]["crime_report"]["narrative"], "Took perfume");
        app.send(Call::get(&path).session(&rm)).await.assert_problem(StatusCode::BAD_REQUEST, "justification_required");
        let officer = app.signed_in("MP700008", Role::Investigator, "CE-BCU").await;
        app.send(Call::get(&path).session(&officer).justify()).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        let reply = app.send(Call::get(&format!("/api/v1/entities/{crime}")).session(&rm).justify()).await;
        reply.assert_problem(StatusCode::FORBIDDEN, "denied");
        // The review page links to it; the page asks for a justification, then shows it.
        let page = app.send(Call::get(&format!("/retention/{crime}/archived?justification=historical%20research")).cookie_only(&rm)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("Took perfume"), "{}", page.text);
    }

    async fn bad_requests_are_problems(db: TestDb) {
        let app = TestApp::new(db);
        let rm = app.signed_in("MP700004", Role::RecordsManager, "DATA-OFFICE").await;
        for path in ["/api/v1/retention/queue?group=7", "/api/v1/retention/queue?limit=0", "/api/v1/retention/queue?overdue_days=-1", "/api/v1/retention/queue?colour=red"] {
            app.send(Call::get(path).session(&rm)).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        }
        for body in [json!({}), json!({"reviews": [{"record": "not-an-id", "outcome": "dispose"}]}), json!({"reviews": [{"record": "0b8d1f6e-8f6a-4d3c-9a57-1f0a2b3c4d5e", "outcome": "shred"}]}),
            json!({"reviews": [{"record": "0b8d1f6e-8f6a-4d3c-9a57-1f0a2b3c4d5e", "outcome": "dispose", "risk": ["serious_harm"]}]}),
            json!({"reviews": [{"record": "0b8d1f6e-8f6a-4d3c-9a57-1f0a2b3c4d5e", "outcome": "dispose", "risks": ["bad_vibes"]}]})] {
            reviews(&app, &rm, body).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        }
        reviews(&app, &rm, json!({"reviews": []})).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        // An unknown record is not found, like one the caller may not see.
        reviews(&app, &rm, dispose("0b8d1f6e-8f6a-4d3c-9a57-1f0a2b3c4d5e")).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        let person = app.create_person(&app.signed_in("MP700005", Role::Investigator, "CE-BCU").await, person("Ned", "Pardoe")).await;
        let reply = app.send(Call::post(&format!("/api/v1/people/{person}/retention-review")).session(&rm).json(json!({"trigger": "back_to_notice"}))).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        let reply = app.send(Call::post(&format!("/api/v1/people/{person}/retention-review")).session(&rm).json(json!({"trigger": "deletion_request"}))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["marked"], 0);
        // The auditor may not read the report.
        let auditor = app.signed_in("MP700006", Role::Auditor, "AUDIT").await;
        app.send(Call::get("/api/v1/retention/report").session(&auditor)).await.assert_problem(StatusCode::FORBIDDEN, "denied");
    }
}
