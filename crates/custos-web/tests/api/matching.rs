//! Search before create over HTTP: a nicknamed probe finds the person first with an explanation;
//! unreadable candidates are not shown; the create names a fresh, unused search of one's own and
//! either creates the person (201) or takes a shown candidate (200); every failure is a clear
//! problem and writes nothing; the search and the choice are audited. `POST /api/v1/people` is
//! the same operation: without a search it is refused (`match_search_required`), never a create.

use axum::http::{StatusCode, header};
use custos_audit::AuditKind;
use custos_core::draft::PersonDraft;
use custos_core::entity::EntityBody;
use custos_core::ids::{UnitId, UserId};
use custos_core::marking::{Classification, SecurityMarking};
use custos_core::person::Person;
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::{Value, json};

use crate::helpers::*;

fn william() -> Value {
    json!({
        "names": [{ "kind": "primary", "forenames": ["William"], "surname": "Smith" }],
        "dates_of_birth": ["1980-03-12"],
    })
}

fn bill() -> Value {
    json!({
        "names": [{ "kind": "primary", "forenames": ["Bill"], "surname": "Smith" }],
        "dates_of_birth": ["1980-03-12"],
    })
}

async fn search(app: &TestApp, s: &Session, probe: Value) -> Reply {
    app.send(Call::post("/api/v1/persons/match").session(s).justify().json(probe)).await
}

async fn search_id(app: &TestApp, s: &Session) -> String {
    let reply = search(app, s, bill()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["search_id"].as_str().unwrap().to_owned()
}

async fn choose(app: &TestApp, s: &Session, search_id: &str, choice: Value) -> Reply {
    let body = json!({ "search_id": search_id, "choice": choice, "record": bill() });
    app.send(Call::post("/api/v1/persons").session(s).json(body)).await
}

fn candidate_ids(reply: &Reply) -> Vec<String> {
    reply.body["candidates"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

conformance! {
    async fn a_nicknamed_probe_finds_the_person_first_with_why(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP600001", Role::Investigator, "CE-BCU").await;
        let will = app.create_person(&s, william()).await;
        let mut mary = william();
        mary["names"][0]["forenames"] = json!(["Mary"]);
        app.create_person(&s, mary).await;
        // A SECRET namesake the OFFICIAL investigator may not read.
        let cleared = custos_authz::Principal {
            user: UserId::parse("MP600009").unwrap(),
            roles: vec![Role::Investigator],
            units: vec![UnitId::parse("CE-BCU").unwrap()],
            clearance: Classification::Secret,
            scopes: None,
        };
        let draft: PersonDraft = serde_json::from_value(william()).unwrap();
        let marking = SecurityMarking { classification: Classification::Secret, ..SecurityMarking::official(UnitId::parse("CE-BCU").unwrap()) };
        let hidden = app.db.store.create_entity(&cleared, EntityBody::Person(Person::try_from(draft).unwrap()), marking, None).await.unwrap();

        let reply = search(&app, &s, bill()).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let ids = candidate_ids(&reply);
        assert_eq!(ids.first(), Some(&will), "{}", reply.text);
        assert!(!ids.contains(&hidden.to_string()), "the SECRET namesake is not shown");
        let best = &reply.body["candidates"][0];
        assert!(best["probability"].as_f64().unwrap() > 0.5, "{best}");
        assert_eq!(best["record"]["names"][0]["surname"], "Smith");
        let explanation = best["explanation"].as_array().unwrap();
        let surname = explanation.iter().find(|c| c["field"] == "surname").unwrap();
        assert!(surname["weight"].as_f64().unwrap() > 0.0 && surname["level"].is_string(), "{surname}");
        assert!(explanation.iter().any(|c| c["field"] == "forename"));
        assert!(reply.body["search_id"].as_str().is_some_and(|id| id.len() == 36));

        // The search is audited with the candidates shown; the probe stays in the payload.
        let events = app.audit_events().await;
        let audited = events.iter().rfind(|e| e.kind == AuditKind::Search).unwrap();
        let objects: Vec<String> = audited.objects.iter().map(|o| format!("{}:{}", o.kind, o.id)).collect();
        assert!(objects.contains(&format!("match_search:{}", reply.body["search_id"].as_str().unwrap())));
        assert!(objects.contains(&format!("person:{will}")) && !objects.contains(&format!("person:{hidden}")));
        assert!(app.audit_text(audited).await.contains("Bill"));
    }

    async fn matching_needs_a_justification_a_valid_draft_and_the_search_permission(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP600001", Role::Investigator, "CE-BCU").await;
        app.send(Call::post("/api/v1/persons/match").session(&s).json(bill()))
            .await
            .assert_problem(StatusCode::BAD_REQUEST, "justification_required");
        let mut bad = bill();
        bad["dates_of_birth"] = json!(["not a date"]);
        let reply = search(&app, &s, bad).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert!(reply.field_errors().iter().any(|f| f.starts_with("dates_of_birth")), "{:?}", reply.field_errors());
        let auditor = app.signed_in("PS600001", Role::Auditor, "PROF-STANDARDS").await;
        search(&app, &auditor, bill()).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        assert_eq!(app.count("person_match_search").await, 0);
    }

    async fn create_needs_a_fresh_unused_search_of_ones_own(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP600001", Role::Investigator, "CE-BCU").await;
        let other = app.signed_in("MP600002", Role::Investigator, "CE-BCU").await;
        let will = app.create_person(&s, william()).await;
        let people = app.count("entity").await;

        // Malformed, unknown and someone else's searches; a choice that was not shown.
        choose(&app, &s, "not-an-id", json!("none_of_these")).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        choose(&app, &s, "0190a5c4-0000-7000-8000-000000000000", json!("none_of_these"))
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        let theirs = search_id(&app, &other).await;
        choose(&app, &s, &theirs, json!("none_of_these")).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        let mine = search_id(&app, &s).await;
        choose(&app, &s, &mine, json!({ "existing": "0190a5c4-0000-7000-8000-000000000000" }))
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        choose(&app, &s, &mine, json!("maybe")).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        let no_record = json!({ "search_id": mine, "choice": "none_of_these" });
        app.send(Call::post("/api/v1/persons").session(&s).json(no_record)).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(app.count("entity").await, people, "nothing was written");

        // None of these: created, once.
        let reply = choose(&app, &s, &mine, json!("none_of_these")).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let created = reply.body["id"].as_str().unwrap().to_owned();
        assert_eq!(reply.body["created"], true);
        assert_eq!(reply.headers[header::LOCATION], format!("/api/v1/entities/{created}").as_str());
        let read = app.send(Call::get(&format!("/api/v1/entities/{created}")).session(&s).justify()).await;
        assert_eq!(read.body["record"]["names"][0]["forenames"][0], "Bill");
        choose(&app, &s, &mine, json!("none_of_these")).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert_eq!(app.count("entity").await, people + 1);

        // An existing candidate that was shown: returned, nothing created.
        let again = search_id(&app, &s).await;
        let reply = choose(&app, &s, &again, json!({ "existing": will })).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!((reply.body["id"].as_str(), &reply.body["created"]), (Some(will.as_str()), &json!(false)));
        assert_eq!(app.count("entity").await, people + 1);

        let events = app.audit_events().await;
        let named = |e: &custos_audit::AuditEvent, what: &str| e.objects.iter().any(|o| format!("{}:{}", o.kind, o.id) == what);
        assert!(events.iter().any(|e| e.kind == AuditKind::Create && named(e, &format!("person:{created}")) && named(e, &format!("match_search:{mine}"))));
        assert!(events.iter().any(|e| named(e, "match_choice:existing") && named(e, &format!("person:{will}")) && named(e, &format!("match_search:{again}"))));
    }

    async fn people_cannot_be_created_without_a_match_search(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP600001", Role::Investigator, "CE-BCU").await;
        // The old shape of a create, on both routes, and a search without a choice or the reverse.
        for (path, body) in [
            ("/api/v1/people", json!({ "record": bill() })),
            ("/api/v1/persons", json!({ "record": bill() })),
            ("/api/v1/people", json!({ "record": bill(), "choice": "none_of_these" })),
            ("/api/v1/people", json!({ "record": bill(), "search_id": "0190a5c4-0000-7000-8000-000000000000" })),
            ("/api/v1/people", json!({ "record": bill(), "unit": "CE-BCU", "sensitive": true })),
        ] {
            let reply = app.send(Call::post(path).session(&s).json(body.clone())).await;
            reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "match_search_required");
            assert!(reply.body["detail"].as_str().unwrap().contains("/api/v1/persons/match"), "{path} {body}: {}", reply.text);
        }
        // A bearer token is held to the same rule.
        let token = app.send(Call::post("/api/v1/tokens").session(&s).json(json!({ "name": "feed", "scopes": ["search", "read", "create"], "days": 1 }))).await;
        assert_eq!(token.status, StatusCode::CREATED, "{}", token.text);
        let token = token.body["token"].as_str().unwrap().to_owned();
        app.send(Call::post("/api/v1/people").bearer(&token).json(json!({ "record": bill() })))
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "match_search_required");
        assert_eq!(app.count("entity").await, 0, "nothing was stored");
        assert_eq!(app.count("entity_version").await, 0);
        assert!(app.audit_events().await.iter().all(|e| e.kind != AuditKind::Create));
        // The document says so.
        let doc = app.send(Call::get("/api/openapi.json")).await.body;
        let op = &doc["paths"]["/api/v1/people"]["post"];
        assert_eq!(op["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/CreatePersonAfterMatch");
        assert!(op["responses"]["422"]["description"].as_str().unwrap().contains("match_search_required"), "{op}");
        assert!(doc["components"]["schemas"]["CreatePerson"].is_null(), "no plain person create is described");
    }

    async fn the_people_route_takes_a_fresh_search_of_ones_own_and_audits_the_choice(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP600001", Role::Investigator, "CE-BCU").await;
        let other = app.signed_in("MP600002", Role::Investigator, "CE-BCU").await;
        let will = app.create_person(&s, william()).await;
        let people = app.count("entity").await;
        let create = |search_id: &str, choice: Value| {
            Call::post("/api/v1/people").session(&s).json(json!({ "search_id": search_id, "choice": choice, "record": bill() }))
        };

        // Someone else's search: refused, nothing written, and it stays theirs to use.
        let theirs = search_id(&app, &other).await;
        app.send(create(&theirs, json!("none_of_these"))).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert_eq!(app.count("entity").await, people);

        // A candidate chosen: that record, nothing created.
        let shown = search(&app, &s, bill()).await;
        assert_eq!(candidate_ids(&shown).first(), Some(&will), "{}", shown.text);
        let chosen_search = shown.body["search_id"].as_str().unwrap().to_owned();
        let reply = app.send(create(&chosen_search, json!({ "existing": will }))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body, json!({ "id": will, "created": false }));
        assert_eq!(app.count("entity").await, people, "choosing a candidate creates nothing");
        // Used once, the search cannot be used again, not even to create.
        let reused = app.send(create(&chosen_search, json!("none_of_these"))).await;
        reused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reused.body["detail"].as_str().unwrap().contains("already been used"), "{}", reused.text);
        assert_eq!(app.count("entity").await, people);

        // None of these: created, and that search is spent too.
        let fresh = search_id(&app, &s).await;
        let reply = app.send(create(&fresh, json!("none_of_these"))).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let created = reply.body["id"].as_str().unwrap().to_owned();
        app.send(create(&fresh, json!("none_of_these"))).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert_eq!(app.count("entity").await, people + 1);

        // The audit log has each search with the candidates it showed, and each choice.
        let events = app.audit_events().await;
        let named = |e: &custos_audit::AuditEvent, what: &str| e.objects.iter().any(|o| format!("{}:{}", o.kind, o.id) == what);
        let search_event = events
            .iter()
            .find(|e| e.kind == AuditKind::Search && named(e, &format!("match_search:{chosen_search}")) && !named(e, "match_choice:existing"))
            .expect("the match search is audited");
        assert!(named(search_event, &format!("person:{will}")), "with the candidates shown");
        assert!(events.iter().any(|e| named(e, &format!("match_search:{chosen_search}")) && named(e, "match_choice:existing") && named(e, &format!("person:{will}"))));
        assert!(events.iter().any(|e| e.kind == AuditKind::Create
            && named(e, &format!("person:{created}"))
            && named(e, &format!("match_search:{fresh}"))
            && named(e, "match_choice:none_of_these")));
    }
}
