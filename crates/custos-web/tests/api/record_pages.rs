//! The operational record pages through `oneshot`, on both backends: a case file opened from the
//! crime offers only its suspects and refuses a forged defendant; an intelligence form refuses a
//! grading outside 3x5x2 and drops conditions from P handling; a custody review after the release
//! is refused with nothing stored; a case file is built on its page (exhibits, unused material,
//! returned with reasons). Each refusal is a page naming the problem, never a write.

use axum::http::StatusCode;
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::json;

use crate::helpers::*;
use crate::search::create;
use crate::ui::{html, post_form};

const WHY: &str = "CE/1234/26 file preparation";

conformance! {
    async fn a_case_file_is_opened_from_the_crime_and_charges_only_its_suspects(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP500001", Role::Investigator, "CE-BCU").await;
        let suspect = app.create_person(&s, person("Gary", "Holt")).await;
        let victim = app.create_person(&s, person("Dawn", "Holt")).await;
        let event = create(&app, &s, "events", json!({"kind": "crime", "at": "2026-03-01T21:50:00Z", "summary": "Assault at the flat"})).await;
        let crime = create(&app, &s, "crime-reports", json!({"event": event, "offence": "8N", "narrative": "Struck with a bat",
            "status": "under_investigation", "people": [{"person": suspect, "role": "suspect"}, {"person": victim, "role": "victim"}]})).await;
        let page = app.send(Call::get(&format!("/records/new/case_file?from={crime}&justification=CE%2F1234%2F26")).cookie_only(&s)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(html(&page).contains(&format!("value=\"{suspect}\"")), "the suspect is offered");
        assert!(!page.text.contains(&format!("value=\"{victim}\"")), "the victim is not");
        let post = |defendant: String| {
            let fields = vec![("csrf".to_owned(), s.csrf.clone()), ("from".into(), crime.clone()), ("justification".into(), WHY.into()),
                ("charges[0].defendant".into(), defendant), ("charges[0].particulars".into(), "Assault on 1 March 2026".into()),
                ("status".into(), "submitted".into())];
            fields
        };
        let before = app.count("entity").await;
        let forged: Vec<(String, String)> = post(victim.clone());
        let pairs: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let refused = app.send(post_form("/records/new/case_file", &s, &pairs)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert!(html(&refused).contains("suspect on the crime report"), "{}", refused.text);
        assert_eq!(app.count("entity").await, before, "nothing stored");
        let good = post(suspect.clone());
        let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let made = app.send(post_form("/records/new/case_file", &s, &pairs)).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
        assert_eq!(app.count("entity").await, before + 1);
        // Opened from the wrong kind of record: refused.
        let wrong = app.send(Call::get(&format!("/records/new/case_file?from={event}&justification=CE%2F1234%2F26")).cookie_only(&s)).await;
        assert!(wrong.status.is_client_error(), "{}", wrong.text);
    }

    async fn an_intelligence_form_keeps_to_3x5x2(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP500002", Role::IntelligenceAnalyst, "CE-BCU").await;
        let subject = app.create_person(&s, person("Gary", "Holt")).await;
        let page = app.send(Call::get(&format!("/records/new/intelligence_report?from={subject}&justification=INT%2077")).cookie_only(&s)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let fields = |source: &str| vec![("csrf", s.csrf.clone()), ("from", subject.clone()), ("justification", WHY.to_owned()),
            ("received", "2026-02-01T10:00".to_owned()), ("text", "Keeps a bat behind the door".to_owned()),
            ("grading.source", source.to_owned()), ("grading.intelligence", "B".to_owned()), ("grading.handling.code", "P".to_owned()),
            ("grading.handling.conditions", "left over from a C".to_owned()), ("status", "live".to_owned()), ("people[0].person", subject.clone()), ("people[0].role", "subject".to_owned())];
        let before = app.count("entity").await;
        let bad = fields("4");
        let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = app.send(post_form("/records/new/intelligence_report", &s, &pairs)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert!(html(&refused).contains("unknown variant"), "{}", refused.text);
        assert_eq!(app.count("entity").await, before);
        let good = fields("2");
        let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let made = app.send(post_form("/records/new/intelligence_report", &s, &pairs)).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
        assert_eq!(app.count("entity").await, before + 1);
    }

    async fn a_review_after_the_release_is_refused_and_nothing_stored(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP500003", Role::CustodyOfficer, "CE-BCU").await;
        let man = app.create_person(&s, person("Gary", "Holt")).await;
        let event = create(&app, &s, "events", json!({"kind": "arrest", "at": "2026-03-01T22:10:00Z", "summary": "Arrest"})).await;
        let arrest = create(&app, &s, "arrests", json!({"person": man, "event": event, "arrested_at": "2026-03-01T22:10:00Z",
            "grounds": "Seen striking her", "necessity": ["investigation"], "arresting_officer": "PC 1 Khan"})).await;
        let held = create(&app, &s, "custody-records", json!({"person": man, "arrest": arrest, "disposal": "released", "detention": {
            "arrival": "after_arrest", "arrested": "2026-03-01T22:10:00Z", "arrived": "2026-03-01T22:40:00Z",
            "authorised": "2026-03-01T22:55:00Z", "reviews": [], "extensions": [], "charged": null, "released": "2026-03-02T02:00:00Z"}})).await;
        let page = app.send(Call::get(&format!("/records/{held}?justification=CE%2F1234%2F26")).cookie_only(&s)).await;
        assert!(!html(&page).contains("/review\""), "no review form once released");
        let refused = app.send(post_form(&format!("/records/{held}/review"), &s, &[("csrf", &s.csrf), ("justification", WHY),
            ("expected_version", "1"), ("at", "2026-03-02T03:00")])).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert!(html(&refused).contains("after the release"), "{}", refused.text);
        let record = app.send(Call::get(&format!("/api/v1/entities/{held}")).session(&s).justify()).await;
        assert_eq!(record.body["version"], 1, "nothing stored");
    }

    async fn a_case_file_is_built_on_its_page(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP500004", Role::CasePreparer, "CE-BCU").await;
        let suspect = app.create_person(&s, person("Gary", "Holt")).await;
        let event = create(&app, &s, "events", json!({"kind": "crime", "at": "2026-03-01T21:50:00Z", "summary": "Assault at the flat"})).await;
        let crime = create(&app, &s, "crime-reports", json!({"event": event, "offence": "8N", "narrative": "Struck with a bat",
            "status": "under_investigation", "people": [{"person": suspect, "role": "suspect"}]})).await;
        let file = create(&app, &s, "case-files", json!({"crime_report": crime, "status": "draft",
            "charges": [{"defendant": suspect, "offence": "8N", "particulars": "Assault on 1 March 2026"}]})).await;
        let page = app.send(Call::get(&format!("/records/{file}?justification=CE%2F1234%2F26")).cookie_only(&s)).await;
        for form in ["/evidence\"", "/unused\"", "/file-status\""] {
            assert!(html(&page).contains(form), "{form} offered: {}", page.text);
        }
        let post = |path: &str, version: &str, extra: &[(&str, &str)]| {
            let mut fields = vec![("csrf", s.csrf.as_str()), ("justification", WHY), ("expected_version", version)];
            fields.extend_from_slice(extra);
            app.send(post_form(&format!("/records/{file}/{path}"), &s, &fields))
        };
        let added = post("evidence", "1", &[("reference", "JH/1"), ("description", "Baseball bat from behind the door")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
        let added = post("unused", "2", &[("reference", "U/1"), ("description", "CAD log of the call"), ("sensitive", "yes")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
        // A blank exhibit, a stale version and a return without reasons are refused, nothing stored.
        let blank = post("evidence", "3", &[("reference", " "), ("description", "Something")]).await;
        assert!(blank.status.is_client_error(), "{}", blank.text);
        let stale = post("evidence", "1", &[("reference", "JH/2"), ("description", "Phone")]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
        let returned = post("file-status", "3", &[("status", "returned")]).await;
        assert_eq!(returned.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", returned.text);
        assert!(html(&returned).contains("say why the file was returned"), "{}", returned.text);
        let returned = post("file-status", "3", &[("status", "returned"), ("returned_reasons", "No statement from the victim")]).await;
        assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.text);

        let record = app.send(Call::get(&format!("/api/v1/entities/{file}")).session(&s).justify()).await;
        assert_eq!(record.body["version"], 4);
        let body = &record.body["record"];
        assert_eq!(body["evidence"][0]["reference"], "JH/1", "{body}");
        assert_eq!(body["unused_material"][0]["sensitive"], true, "{body}");
        assert_eq!((body["status"].as_str(), body["returned_reasons"].as_str()), (Some("returned"), Some("No statement from the victim")));
    }
}
