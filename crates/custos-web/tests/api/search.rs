//! Person search over HTTP: justified, audited, parameters checked.

use axum::http::StatusCode;
use custos_audit::AuditKind;
use custos_core::role::Role;
use custos_store::conformance;

use crate::helpers::*;

conformance! {
    async fn people_are_found_by_surname_and_forename(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300001", Role::Investigator, "CE-BCU").await;
        let jo = app.create_person(&s, person("Jo", "Smith")).await;
        app.create_person(&s, person("Sam", "Smith")).await;
        app.create_person(&s, person("Jo", "Jones")).await;
        let search = |query: &str| Call::get(&format!("/api/v1/people/search?{query}")).session(&s).justify();
        let reply = app.send(search("surname=SMITH")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["hits"].as_array().unwrap().len(), 2);
        let reply = app.send(search("surname=smith&forename=jo")).await;
        let hits = reply.body["hits"].as_array().unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0]["id"], jo.as_str());
        assert_eq!(hits[0]["record"]["names"][0]["forenames"][0], "Jo");
        let searches = app.audit_events().await.into_iter().filter(|e| e.kind == AuditKind::Search).count();
        assert_eq!(searches, 2, "every search is audited");
    }

    async fn searches_check_their_parameters(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300002", Role::Investigator, "CE-BCU").await;
        app.send(Call::get("/api/v1/people/search?surname=Smith").session(&s)).await.assert_problem(StatusCode::BAD_REQUEST, "justification_required");
        let reply = app.send(Call::get("/api/v1/people/search?surname=Smith&justification=welfare%20check").session(&s)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        app.send(Call::get("/api/v1/people/search?forename=Jo").session(&s).justify()).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        app.send(Call::get("/api/v1/people/search?surname=Smith&dob=1980").session(&s).justify()).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        let long = "a".repeat(101);
        let reply = app.send(Call::get(&format!("/api/v1/people/search?surname={long}")).session(&s).justify()).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["surname"]);
        app.send(Call::get("/api/v1/people/search?surname=%20-%20").session(&s).justify()).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        app.send(Call::get("/api/v1/people/search?surname=Smith").justify()).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
    }
}
