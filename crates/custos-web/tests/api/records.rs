//! Operational records over HTTP: the MiPS case study end to end with no value typed twice, and
//! every bad input the issue names refused with a clear message and nothing stored.

use axum::http::StatusCode;
use custos_core::ids::EntityId;
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::search::create;

/// Every value a user typed into the request bodies: strings other than ids (picked from a
/// search or a previous answer) and code-list names (picked from a list).
fn typed(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map.values().for_each(|v| typed(v, out)),
        Value::Array(items) => items.iter().for_each(|v| typed(v, out)),
        Value::String(s) => {
            let picked = s.parse::<EntityId>().is_ok() || s.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if !picked {
                out.push(s.clone());
            }
        }
        Value::Number(n) => out.push(n.to_string()),
        Value::Bool(_) | Value::Null => {}
    }
}

/// Posts `body` to `path` as `s`, remembering what was typed; the reply must be `201`.
async fn post(app: &TestApp, s: &Session, path: &str, body: Value, sent: &mut Vec<Value>) -> Reply {
    let reply = app.send(Call::post(path).session(s).json(body.clone())).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{path}: {}", reply.text);
    sent.push(body);
    reply
}

async fn read(app: &TestApp, s: &Session, id: &str) -> Value {
    let reply = app.send(Call::get(&format!("/api/v1/entities/{id}")).session(s).justify()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

/// Someone already known, with a weapons marker, at home at the flat where a bat was recorded.
async fn known_household(app: &TestApp) -> (String, String) {
    let before = app.signed_in("MP400000", Role::IntelligenceAnalyst, "HK-BCU").await;
    let mut husband = person("Gary", "Holt");
    husband["warning_markers"] = json!(["weapons"]);
    let husband = app.create_person(&before, husband).await;
    let flat = create(app, &before, "locations", json!({"address_lines": ["Flat 3, 12 Acacia Road"], "town": "London", "postcode": "E8 1AA"})).await;
    create(app, &before, "links", json!({"from": husband, "to": flat, "kind": "home"})).await;
    let bat = create(app, &before, "objects", json!({"kind": "weapon", "category": "blunt_instrument", "description": "Baseball bat kept behind the front door"})).await;
    create(app, &before, "links", json!({"from": bat, "to": flat, "kind": "located_at"})).await;
    (husband, flat)
}

conformance! {
    async fn the_mips_case_study_types_no_value_twice(db: TestDb) {
        let app = TestApp::new(db);
        let (husband, flat) = known_household(&app).await;
        let dispatcher = app.signed_in("MP400001", Role::ResponseOfficer, "HK-BCU").await;
        let officer = app.signed_in("MP400002", Role::ResponseOfficer, "HK-BCU").await;
        let custody = app.signed_in("MP400003", Role::CustodyOfficer, "HK-BCU").await;
        let mut sent: Vec<Value> = Vec::new();

        // The dispatcher's one search for the address warns of the weapons at it.
        let query = "Acacia Road";
        sent.push(json!({ "q": query }));
        let reply = app.send(Call::get("/api/v1/search/everything?q=Acacia%20Road").session(&dispatcher).justify()).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["hits"][0]["id"], flat.as_str());
        let warnings = reply.body["warnings"].as_array().unwrap();
        assert!(warnings.iter().any(|w| w["about"] == husband.as_str() && w["marker"] == "weapons"), "{warnings:?}");
        assert!(warnings.iter().any(|w| w["kind"] == "object"), "the bat recorded at the flat: {warnings:?}");

        let event = post(&app, &dispatcher, "/api/v1/events", json!({"record": {
            "kind": "incident", "at": "2026-03-01T21:50:00Z", "location": flat, "summary": "Woman screaming at a flat",
        }}), &mut sent).await.body["id"].as_str().unwrap().to_owned();
        let incident = post(&app, &dispatcher, "/api/v1/incidents", json!({"record": {
            "event": event, "call": {"received": "2026-03-01T21:55:00Z", "channel": "emergency_999", "grade": "immediate"},
            "narrative": "Neighbour heard a woman screaming; told the officer of the bat behind the door",
            "people": [{"person": husband, "role": "suspect"}],
        }}), &mut sent).await.body["id"].as_str().unwrap().to_owned();

        // At the scene, on a phone: the wife is recorded after a match search, the husband arrested.
        let mut wife = person("Dawn", "Holt");
        wife["dates_of_birth"] = json!(["1981-09-12"]);
        wife["identifiers"] = json!([]);
        sent.push(wife.clone());
        let wife = app.create_person(&officer, wife).await;
        // A person recorded after search before create is found by the search across everything.
        let found = app.send(Call::get("/api/v1/search/everything?q=Dawn%20Holt&type=person").session(&officer).justify()).await;
        assert_eq!(found.body["hits"][0]["id"], wife.as_str(), "{}", found.text);
        let arrest = post(&app, &officer, "/api/v1/arrests", json!({"record": {
            "person": husband, "event": event, "incident": incident, "arrested_at": "2026-03-01T22:10:00Z",
            "offences": ["8N"], "grounds": "She states he struck her arm with the bat", "necessity": ["prevent_injury"],
            "arresting_officer": "PC 1234 Khan",
        }}), &mut sent).await.body["id"].as_str().unwrap().to_owned();

        // At the station the custody officer opens the record from the arrest: the person, the
        // arrest time and the incident are already there.
        let opened = post(&app, &custody, &format!("/api/v1/arrests/{arrest}/custody"), json!({
            "arrived": "2026-03-01T22:40:00Z", "authorised": "2026-03-01T22:55:00Z",
            "rights": [{"right": "legal_advice", "at": "2026-03-01T22:56:00Z", "response": "Wants the duty solicitor"}],
        }), &mut sent).await;
        let held = opened.body["id"].as_str().unwrap().to_owned();
        let record = read(&app, &custody, &held).await;
        assert_eq!(record["kind"], "custody_record");
        assert_eq!(record["record"]["person"], husband.as_str());
        assert_eq!(record["record"]["incident"], incident.as_str());
        assert_eq!(record["record"]["detention"]["arrested"], "2026-03-01T22:10:00Z");
        // The PACE clocks: the first review 6 hours after authorisation (s.40(3)(a)), the limit
        // 24 hours from the relevant time, arrival (s.41(2)(d)); long overdue by now.
        assert_eq!(record["derived"]["relevant_time"], "2026-03-01T22:40:00Z");
        assert_eq!(record["derived"]["next_review"], "2026-03-02T04:55:00Z");
        assert_eq!(record["derived"]["limit"], "2026-03-02T22:40:00Z");
        assert_eq!(record["derived"]["review"]["state"], "overdue");
        let person_shown = read(&app, &custody, record["record"]["person"].as_str().unwrap()).await;
        assert_eq!(person_shown["record"]["warning_markers"], json!(["weapons"]), "his person data is pulled in");

        // The same person, place and event for the ASB and vulnerable-person records.
        let asb = post(&app, &officer, "/api/v1/asb-reports", json!({"record": {
            "event": event, "category": "personal", "narrative": "Third disturbance at the address this month",
            "people": [{"person": husband, "role": "subject"}],
        }}), &mut sent).await.body["id"].as_str().unwrap().to_owned();
        let vulnerable = post(&app, &officer, "/api/v1/vulnerable-person-reports", json!({"record": {
            "subject": wife, "at_risk": "adult", "event": event, "concerns": ["domestic_abuse"], "risk": "high",
            "narrative": "Fears for her safety; referred for a DASH risk assessment", "people": [{"person": husband, "role": "suspect"}],
        }}), &mut sent).await.body["id"].as_str().unwrap().to_owned();
        for id in [&asb, &vulnerable] {
            assert_eq!(read(&app, &officer, id).await["record"]["event"], event.as_str());
        }

        // No value was typed twice.
        let mut values = Vec::new();
        sent.iter().for_each(|body| typed(body, &mut values));
        let mut sorted = values.clone();
        sorted.sort();
        let twice: Vec<&String> = sorted.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
        assert!(twice.is_empty(), "typed twice: {twice:?}");
        assert!(values.len() >= 15, "the check saw what was typed: {values:?}");

        // And the one search finds the records by their words.
        let reply = app.send(Call::get("/api/v1/search/everything?q=disturbance&type=asb_report").session(&officer).justify()).await;
        assert_eq!(reply.body["hits"][0]["id"], asb.as_str(), "{}", reply.text);
    }

    async fn bad_records_are_refused_with_a_clear_message(db: TestDb) {
        let app = TestApp::new(db);
        let (husband, flat) = known_household(&app).await;
        let s = app.signed_in("MP400010", Role::Investigator, "HK-BCU").await;
        let event = create(&app, &s, "events", json!({"kind": "crime", "at": "2026-03-01T21:50:00Z", "location": flat, "summary": "Assault"})).await;
        let arrest = create(&app, &s, "arrests", json!({
            "person": husband, "event": event, "arrested_at": "2026-03-01T22:10:00Z", "grounds": "Seen striking her",
            "necessity": ["investigation"], "arresting_officer": "DC 77 Ross",
        })).await;
        let wife = app.create_person(&s, person("Dawn", "Holt")).await;
        let crime = create(&app, &s, "crime-reports", json!({
            "event": event, "offence": "8N", "narrative": "Struck with a bat", "status": "under_investigation",
            "people": [{"person": husband, "role": "suspect"}, {"person": wife, "role": "victim"}],
        })).await;
        let stored = app.count("entity").await;
        let refused = |path: &str, body: Value, field: &str, words: &str| {
            let (app, path, field, words) = (&app, path.to_owned(), field.to_owned(), words.to_owned());
            let s = &s;
            async move {
                let reply = app.send(Call::post(&path).session(s).json(json!({ "record": body }))).await;
                reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
                assert_eq!(reply.field_errors(), [field], "{path}: {}", reply.text);
                assert!(reply.text.contains(&words), "{path}: {}", reply.text);
            }
        };
        let detention = |f: &dyn Fn(&mut Value)| {
            let mut d = json!({"arrival": "after_arrest", "arrested": "2026-03-01T22:10:00Z", "arrived": "2026-03-01T22:40:00Z",
                "authorised": "2026-03-01T22:55:00Z", "reviews": [], "extensions": [], "charged": null, "released": null});
            f(&mut d);
            let disposal = if d["released"].is_null() { Value::Null } else { json!("released") };
            json!({"person": husband, "arrest": arrest, "detention": d, "disposal": disposal})
        };
        refused("/api/v1/custody-records", detention(&|d| d["arrived"] = json!("2026-03-01T21:00:00Z")), "detention", "before the arrest").await;
        refused("/api/v1/custody-records", detention(&|d| {
            d["released"] = json!("2026-03-02T02:00:00Z");
            d["reviews"] = json!(["2026-03-02T03:00:00Z"]);
        }), "detention", "after the release").await;
        refused("/api/v1/custody-records", detention(&|d| {
            d["released"] = json!("2026-03-02T23:30:00Z");
            d["reviews"] = json!(["2026-03-02T04:00:00Z", "2026-03-02T13:00:00Z", "2026-03-02T22:00:00Z"]);
        }), "detention", "with no extension").await;
        let charge = |who: &str| json!([{"defendant": who, "offence": "8N", "particulars": "Assault on 1 March 2026"}]);
        refused("/api/v1/case-files", json!({"crime_report": crime, "status": "draft", "charges": charge(&wife)}), "charges[0].defendant", "suspect on the crime report").await;
        refused("/api/v1/case-files", json!({"crime_report": crime, "status": "submitted"}), "charges", "at least one charge").await;
        let intel = |grading: Value, extra: Value| {
            let mut body = json!({"received": "2026-02-01T10:00:00Z", "text": "Holt keeps a bat by the door", "grading": grading,
                "status": "live", "people": [{"person": husband, "role": "subject"}]});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            body
        };
        let p = json!({"code": "P"});
        refused("/api/v1/intelligence-reports", intel(json!({"source": "4", "intelligence": "A", "handling": p}), json!({})), "grading.source", "unknown variant").await;
        refused("/api/v1/intelligence-reports", intel(json!({"source": "1", "intelligence": "F", "handling": p}), json!({})), "grading.intelligence", "unknown variant").await;
        refused("/api/v1/intelligence-reports", intel(json!({"source": "1", "intelligence": "A", "handling": {"code": "C"}}), json!({})), "grading.handling.conditions", "missing field").await;
        let sent = json!({"disseminations": [{"to": "MASH", "at": "2026-02-02T09:00:00Z"}]});
        refused("/api/v1/intelligence-reports", intel(json!({"source": "1", "intelligence": "A", "handling": p}), sent.clone()), "disseminations", "sanitised version").await;
        assert_eq!(app.count("entity").await, stored, "nothing stored");

        // Disseminating an existing report unsanitised is refused as a change, too.
        let report = create(&app, &s, "intelligence-reports", intel(json!({"source": "1", "intelligence": "A", "handling": p}), json!({}))).await;
        let change = json!({"kind": "intelligence_report", "expected_version": 1, "change": "edited",
            "record": intel(json!({"source": "1", "intelligence": "A", "handling": p}), sent)});
        let reply = app.send(Call::put(&format!("/api/v1/entities/{report}")).session(&s).json(change)).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["disseminations"]);
        assert_eq!(read(&app, &s, &report).await["version"], 1);

        // Opening custody from something that is not an arrest.
        let reply = app.send(Call::post(&format!("/api/v1/arrests/{crime}/custody")).session(&s)
            .json(json!({"arrived": "2026-03-01T22:40:00Z", "authorised": "2026-03-01T22:55:00Z"}))).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["id"]);
        // Search filters are checked.
        for query in ["q=bat&type=link", "q=bat&from=01-03-2026", "q=bat&from=2026-03-02&to=2026-03-01", "q=bat&colour=red"] {
            let reply = app.send(Call::get(&format!("/api/v1/search/everything?{query}")).session(&s).justify()).await;
            reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        }
    }
}
