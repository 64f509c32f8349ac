//! Search over HTTP: people by name and objects, locations and events by their words, a page at
//! a time; justified, audited, every parameter checked.

use axum::http::StatusCode;
use custos_audit::AuditKind;
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::{Value, json};

use crate::helpers::*;

/// Creates a record of the kind the path names (`objects`, `locations`, `events`, `links`) and
/// returns its id.
pub async fn create(app: &TestApp, s: &Session, path: &str, record: Value) -> String {
    let reply = app.send(Call::post(&format!("/api/v1/{path}")).session(s).json(json!({ "record": record }))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_owned()
}

fn hit_ids(reply: &Reply) -> Vec<String> {
    reply.body["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_owned()).collect()
}

conformance! {
    async fn people_are_found_by_surname_and_forename(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300001", Role::Investigator, "CE-BCU").await;
        let jo = app.create_person(&s, person("Jo", "Smith")).await;
        let sam = app.create_person(&s, person("Sam", "Smith")).await;
        app.create_person(&s, person("Jo", "Jones")).await;
        let search = |query: &str| Call::get(&format!("/api/v1/people/search?{query}")).session(&s).justify();
        let reply = app.send(search("surname=SMITH")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(hit_ids(&reply), [jo.clone(), sam.clone()]);
        assert_eq!(reply.body["next_offset"], Value::Null);
        let reply = app.send(search("surname=smith&forename=jo")).await;
        let hits = reply.body["hits"].as_array().unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0]["id"], jo.as_str());
        assert_eq!(hits[0]["record"]["names"][0]["forenames"][0], "Jo");
        // A page at a time.
        let reply = app.send(search("surname=smith&limit=1")).await;
        assert_eq!((hit_ids(&reply), reply.body["next_offset"].clone()), (vec![jo.clone()], json!(1)));
        let reply = app.send(search("surname=smith&limit=1&offset=1")).await;
        assert_eq!((hit_ids(&reply), reply.body["next_offset"].clone()), (vec![sam], Value::Null));
        // (The match searches that preceded each create are searches too, but not these.)
        let is_match = |e: &custos_audit::AuditEvent| e.objects.iter().any(|o| o.kind == "match_search");
        let searches = app.audit_events().await.into_iter().filter(|e| e.kind == AuditKind::Search && !is_match(e)).count();
        assert_eq!(searches, 4, "every search is audited");
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
        // Paging parameters, on both searches: out of range is refused, not adjusted.
        for path in ["/api/v1/people/search?surname=Smith", "/api/v1/search?kind=object&q=ford"] {
            for (paging, field) in [
                ("limit=0", Some("limit")),
                ("limit=201", Some("limit")),
                ("offset=10001", Some("offset")),
                ("limit=-1", None),
                ("offset=-5", None),
                ("limit=99999999999999999999999", None),
                ("limit=ten", None),
            ] {
                let reply = app.send(Call::get(&format!("{path}&{paging}")).session(&s).justify()).await;
                reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
                if let Some(field) = field {
                    assert_eq!(reply.field_errors(), [field], "{path}&{paging}");
                }
            }
            let reply = app.send(Call::get(&format!("{path}&limit=200&offset=10000")).session(&s).justify()).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        }
    }

    async fn objects_locations_and_events_are_found_by_their_words(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300003", Role::Investigator, "CE-BCU").await;
        let van = create(&app, &s, "objects", json!({ "kind": "vehicle", "vrm": "AB51 ABC", "make": "Ford", "colour": "White" })).await;
        let car = create(&app, &s, "objects", json!({ "kind": "vehicle", "vrm": "CD12 EFG", "make": "Ford", "colour": "Red" })).await;
        let home = create(&app, &s, "locations", json!({ "address_lines": ["10 Downing Street"], "town": "London", "postcode": "SW1A 2AA" })).await;
        let burglary = create(&app, &s, "events", json!({ "kind": "crime", "at": "2024-06-01T21:30:00Z", "summary": "Burglary at the corner shop" })).await;
        let search = |query: &str| Call::get(&format!("/api/v1/search?{query}")).session(&s).justify();
        for (query, expected) in [
            ("kind=object&q=AB51%20ABC", vec![van.clone()]),
            ("kind=object&q=ab51abc", vec![van.clone()]),
            ("kind=object&q=ford", vec![van.clone(), car.clone()]),
            ("kind=object&q=ford+red", vec![car.clone()]),
            ("kind=object&q=ford+green", vec![]),
            ("kind=location&q=SW1A+2AA", vec![home.clone()]),
            ("kind=location&q=sw1a2aa", vec![home.clone()]),
            ("kind=location&q=downing", vec![home.clone()]),
            ("kind=event&q=Burglary+shop", vec![burglary.clone()]),
            ("kind=event&q=burglary&justification=x", vec![burglary.clone()]),
            ("kind=location&q=AB51ABC", vec![]),
        ] {
            let reply = app.send(search(query)).await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text);
            assert_eq!(hit_ids(&reply), expected, "{query}");
        }
        let reply = app.send(search("kind=object&q=ford&limit=1")).await;
        assert_eq!((hit_ids(&reply), reply.body["next_offset"].clone()), (vec![van], json!(1)));
        assert_eq!(reply.body["hits"][0]["record"]["kind"]["vrm"], "AB51ABC");
        let reply = app.send(search("kind=object&q=ford&limit=1&offset=1")).await;
        assert_eq!((hit_ids(&reply), reply.body["next_offset"].clone()), (vec![car], Value::Null));
        let searches: Vec<_> = app.audit_events().await.into_iter().filter(|e| e.kind == AuditKind::Search).collect();
        assert_eq!(searches.len(), 13, "every search is audited");
        assert_eq!(searches[0].objects.len(), 1);
    }

    async fn record_searches_refuse_what_they_cannot_search(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300004", Role::Investigator, "CE-BCU").await;
        let search = |query: &str| Call::get(&format!("/api/v1/search?{query}")).session(&s).justify();
        for (query, field) in [("kind=boat&q=x", "kind"), ("kind=person&q=smith", "kind"), ("kind=link&q=x", "kind")] {
            let reply = app.send(search(query)).await;
            reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
            assert_eq!(reply.field_errors(), [field], "{query}");
        }
        let reply = app.send(search("kind=person&q=smith")).await;
        assert!(reply.text.contains("/api/v1/people/search"), "{}", reply.text);
        let reply = app.send(search(&format!("kind=event&q={}", "a".repeat(201)))).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["q"]);
        app.send(search("kind=event")).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        app.send(search("q=shop")).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        app.send(search("kind=event&q=shop&colour=red")).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        app.send(search("kind=event&q=%20-%20")).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        app.send(search("kind=event&q=a+b+c+d+e+f+g+h+i")).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        app.send(Call::get("/api/v1/search?kind=event&q=shop").session(&s)).await.assert_problem(StatusCode::BAD_REQUEST, "justification_required");
        app.send(Call::get("/api/v1/search?kind=event&q=shop").justify()).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        // Someone who may not search is denied, and the denial audited.
        let auditor = app.signed_in("PS300001", Role::Auditor, "PROF-STANDARDS").await;
        app.send(Call::get("/api/v1/search?kind=event&q=shop").session(&auditor).justify()).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        let events = app.audit_events().await;
        assert!(events.iter().any(|e| e.kind == AuditKind::AccessDenied && e.actor == "PS300001"));
        assert!(!events.iter().any(|e| e.kind == AuditKind::Search), "refused input consults nothing");
    }
}
