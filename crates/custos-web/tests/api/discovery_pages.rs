//! The subject access discovery pages through `oneshot`, on both backends: an information rights
//! officer finds the requester from their verified identity (candidates with why), chooses them,
//! assembles the bundle, sees the third party redacted, is refused a pack while items are
//! unreviewed, reviews each item from its form and downloads the pack. Other roles get nothing.

use axum::http::{StatusCode, header};
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::json;

use crate::helpers::*;
use crate::ui::{html, post_form};

/// Every value of the hidden or visible input named `name` in `page`, in order.
fn values<'a>(page: &'a str, name: &str) -> Vec<&'a str> {
    let marker = format!("name=\"{name}\" value=\"");
    page.match_indices(&marker).map(|(i, _)| {
        let rest = &page[i + marker.len()..];
        &rest[..rest.find('"').unwrap()]
    }).collect()
}

conformance! {
    async fn a_subject_access_request_is_answered_from_the_pages(db: TestDb) {
        let app = TestApp::new(db);
        let pc = app.signed_in("MP500001", Role::Investigator, "CE-BCU").await;
        let subject = app.create_person(&pc, json!({ "names": [{ "kind": "primary", "forenames": ["Gary"], "surname": "Holt" }], "dates_of_birth": ["1979-04-02"] })).await;
        let wife = app.create_person(&pc, json!({ "names": [{ "kind": "primary", "forenames": ["Dawn"], "surname": "Holt" }], "dates_of_birth": ["1981-09-12"],
            "identifiers": [{ "kind": "phone", "value": "07700 900123" }] })).await;
        let event = app.send(Call::post("/api/v1/events").session(&pc).json(json!({"record": {"kind": "crime", "at": "2026-03-01T22:00:00Z", "summary": "Assault"}}))).await;
        let crime = app.send(Call::post("/api/v1/crime-reports").session(&pc).json(json!({"record": {
            "event": event.body["id"], "offence": "8N", "status": "recorded", "narrative": "Dawn Holt, on 07700 900123, says Gary Holt hit her.",
            "people": [{"person": subject, "role": "suspect"}, {"person": wife, "role": "victim"}],
        }}))).await;
        assert_eq!(crime.status, StatusCode::CREATED, "{}", crime.text);
        app.db.store.integrate_audit().await.unwrap();

        let s = app.signed_in("DO500001", Role::InformationRightsOfficer, "DATA-OFFICE").await;
        let made = app.send(Call::post("/api/v1/information-requests").session(&s).json(json!({
            "law": "sar-le", "channel": "letter", "received": "2026-11-02", "identity_verified": "2026-11-03", "summary": "All my data",
            "requester": {"name": "Gary Holt", "contact": "14 Mill Lane", "kind": "data_subject"},
        }))).await;
        let id = made.body["id"].as_str().unwrap().to_owned();
        let why = "SAR-LE/2026/000001 discovery";
        let page_path = format!("/requests/{id}/discovery?justification=SAR-LE%2F2026%2F000001%20discovery");
        let page = app.send(Call::get(&page_path).cookie_only(&s)).await;
        assert!(html(&page).contains("Who is the requester?"), "{}", page.text);

        let found = app.send(post_form(&format!("/requests/{id}/discovery/search"), &s, &[
            ("csrf", s.csrf.as_str()), ("justification", why), ("forenames", "Gary"), ("surname", "Holt"), ("dob", "1979-04-02"), ("identifier", ""), ("identifier_kind", "pnc_id"),
        ])).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.text);
        assert!(html(&found).contains("This is the requester") && found.text.contains("match probability"), "{}", found.text);
        let people = values(&found.text, "person");
        let at = people.iter().position(|p| *p == subject).expect("the subject is a candidate");
        let search = values(&found.text, "search")[at].to_owned();
        let mut choice = vec![("csrf", s.csrf.as_str()), ("justification", why), ("expected_events", "1"), ("event", "subject_identified"),
            ("search", search.as_str()), ("person", subject.as_str())];
        if people.len() > 1 {
            choice.push(("reason", "Date of birth agrees with the passport seen"));
        }
        let chosen = app.send(post_form(&format!("/requests/{id}/events"), &s, &choice)).await;
        assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.text);

        let assemble = [("csrf", s.csrf.as_str()), ("justification", why), ("expected_events", "2")];
        let assembled = app.send(post_form(&format!("/requests/{id}/discovery/assemble"), &s, &assemble)).await;
        assert_eq!(assembled.status, StatusCode::SEE_OTHER, "{}", assembled.text);
        let page = app.send(Call::get(&page_path).cookie_only(&s)).await;
        assert!(html(&page).contains("Not reviewed") && page.text.contains("[redacted: "), "{}", page.text);
        let items: Vec<String> = values(&page.text, "item").into_iter().map(str::to_owned).collect();
        assert!(!items.is_empty());

        let refused = app.send(post_form(&format!("/requests/{id}/discovery/pack"), &s, &[("csrf", s.csrf.as_str()), ("justification", why), ("expected_events", "3")])).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert!(html(&refused).contains("has not been reviewed"), "{}", refused.text);
        // A withheld item needs its ground and reasons.
        let unexplained = app.send(post_form(&format!("/requests/{id}/discovery/review"), &s, &[("csrf", s.csrf.as_str()), ("justification", why),
            ("expected_events", "3"), ("item", items[0].as_str()), ("decision", "withhold"), ("ground", ""), ("reason", ""), ("release", ""), ("redact", "")])).await;
        assert_eq!(unexplained.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unexplained.text);
        assert!(html(&unexplained).contains("record the ground and the reasons"), "{}", unexplained.text);

        for (n, item) in items.iter().enumerate() {
            let expected = (3 + n).to_string();
            let reviewed = app.send(post_form(&format!("/requests/{id}/discovery/review"), &s, &[("csrf", s.csrf.as_str()), ("justification", why),
                ("expected_events", expected.as_str()), ("item", item.as_str()), ("decision", "disclose"), ("ground", ""), ("reason", ""), ("release", ""), ("redact", "")])).await;
            assert_eq!(reviewed.status, StatusCode::SEE_OTHER, "{}", reviewed.text);
        }
        let expected = (3 + items.len()).to_string();
        let pack = app.send(post_form(&format!("/requests/{id}/discovery/pack"), &s, &[("csrf", s.csrf.as_str()), ("justification", why), ("expected_events", expected.as_str())])).await;
        assert_eq!(pack.status, StatusCode::OK, "{}", pack.text);
        assert_eq!(pack.headers.get(header::CONTENT_TYPE).unwrap(), "application/zip");
        assert!(!pack.text.contains("07700") && !pack.text.contains("Dawn"), "no third party in the pack");

        // An investigator gets no discovery page.
        let denied = app.send(Call::get(&page_path).cookie_only(&pc)).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.text);
    }
}

conformance! {
    async fn an_foi_request_has_no_subject_to_find(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("DO500002", Role::InformationRightsOfficer, "DATA-OFFICE").await;
        let made = app.send(Call::post("/api/v1/information-requests").session(&s).json(json!({
            "law": "foi", "channel": "email", "received": "2026-11-02", "summary": "Stop and search figures",
            "requester": {"name": "Sam Reporter", "contact": "sam@example.org", "kind": "journalist"},
        }))).await;
        let id = made.body["id"].as_str().unwrap().to_owned();
        let page = app.send(Call::get(&format!("/requests/{id}/discovery?justification=FOI%20casework")).cookie_only(&s)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(html(&page).contains("there is no subject to find") && !page.text.contains("Who is the requester?"), "{}", page.text);
        app.send(Call::get(&format!("/api/v1/information-requests/{id}/bundle")).session(&s).justify()).await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
    }
}
