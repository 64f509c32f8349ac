//! Around a record and the caller over HTTP: a record's readable links with their other ends
//! (justified), and the caller's own recent work; parameters checked, denials audited.

use axum::http::StatusCode;
use custos_audit::AuditKind;
use custos_core::entity::EntityBody;
use custos_core::ids::{EntityId, UserId};
use custos_core::location::Location;
use custos_core::draft::LocationDraft;
use custos_core::marking::{Classification, SecurityMarking};
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::search::create;

fn ids(list: &Value, field: Option<&str>) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| field.map_or(item, |f| &item[f])["id"].as_str().unwrap().to_owned())
        .collect()
}

conformance! {
    async fn related_lists_readable_links_with_their_other_ends(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP400001", Role::Investigator, "CE-BCU").await;
        let ann = app.create_person(&s, person("Ann", "Lee")).await;
        let home = create(&app, &s, "locations", json!({ "address_lines": ["2 Acacia Avenue"], "postcode": "M1 1AE" })).await;
        let lives = create(&app, &s, "links", json!({ "from": ann, "to": home, "kind": "home" })).await;
        // A SECRET place linked by someone cleared: the caller sees neither it nor the link.
        let cleared = custos_authz::Principal {
            user: UserId::parse("MP400009").unwrap(),
            roles: vec![Role::Investigator],
            units: vec!["CE-BCU".parse().unwrap()],
            clearance: Classification::Secret,
            scopes: None,
        };
        let draft = LocationDraft { address_lines: vec!["1 Hidden Lane".into()], ..Default::default() };
        let marking = SecurityMarking { classification: Classification::Secret, ..SecurityMarking::official("CE-BCU".parse().unwrap()) };
        let hidden = app.db.store.create_entity(&cleared, EntityBody::Location(Location::try_from(draft).unwrap()), marking, None).await.unwrap();
        let ann_id: EntityId = ann.parse().unwrap();
        let link = custos_core::draft::LinkDraft { from: ann.clone(), to: hidden.to_string(), kind: "visits".into(), ..Default::default() };
        let link = EntityBody::Link(custos_core::link::Link::try_from(link).unwrap());
        app.db.store.create_entity(&cleared, link, SecurityMarking::official("CE-BCU".parse().unwrap()), None).await.unwrap();

        let reply = app.send(Call::get(&format!("/api/v1/entities/{ann}/related")).session(&s).justify()).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(ids(&reply.body["related"], Some("link")), [lives.as_str()]);
        assert_eq!(ids(&reply.body["related"], Some("other")), [home.as_str()]);
        assert_eq!(reply.body["related"][0]["other"]["kind"], "location");
        assert_eq!(reply.body["related"][0]["link"]["record"]["kind"]["type"], "home");
        // From the other end.
        let reply = app.send(Call::get(&format!("/api/v1/entities/{home}/related?justification=welfare%20check")).session(&s)).await;
        assert_eq!(ids(&reply.body["related"], Some("other")), [ann.as_str()]);
        let read = app.audit_events().await.into_iter().find(|e| e.kind == AuditKind::Read).unwrap();
        assert_eq!(read.objects.iter().map(|o| o.id.clone()).collect::<Vec<_>>(), [ann_id.to_string(), lives, home]);
    }

    async fn related_checks_its_input_and_denies_what_cannot_be_read(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP400002", Role::Investigator, "CE-BCU").await;
        let ann = app.create_person(&s, person("Ann", "Lee")).await;
        let path = format!("/api/v1/entities/{ann}/related");
        app.send(Call::get(&path).session(&s)).await.assert_problem(StatusCode::BAD_REQUEST, "justification_required");
        app.send(Call::get(&path).justify()).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        app.send(Call::get(&format!("{path}?depth=2")).session(&s).justify()).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        let reply = app.send(Call::get("/api/v1/entities/nope/related").session(&s).justify()).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["id"]);
        let missing = EntityId::new();
        app.send(Call::get(&format!("/api/v1/entities/{missing}/related")).session(&s).justify()).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        let auditor = app.signed_in("PS400001", Role::Auditor, "PROF-STANDARDS").await;
        app.send(Call::get(&path).session(&auditor).justify()).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        let denials: Vec<_> = app.audit_events().await.into_iter().filter(|e| e.kind == AuditKind::AccessDenied).collect();
        assert_eq!(denials.len(), 2, "the missing record and the auditor's attempt");
        assert_eq!(denials[0].objects[0].id, missing.to_string());
        assert_eq!(denials[1].objects[0].id, ann);
    }

    async fn recent_work_is_the_callers_own_newest_first(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP400003", Role::Investigator, "CE-BCU").await;
        let colleague = app.signed_in("MP400004", Role::Investigator, "CE-BCU").await;
        let first = app.create_person(&s, person("Ann", "Lee")).await;
        app.create_person(&colleague, person("Bob", "Lee")).await;
        let second = create(&app, &s, "objects", json!({ "kind": "vehicle", "vrm": "AB51 ABC" })).await;
        let reply = app.send(Call::get("/api/v1/me/recent").session(&s)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(ids(&reply.body["records"], None), [second.clone(), first]);
        let reply = app.send(Call::get("/api/v1/me/recent?limit=1").session(&s)).await;
        assert_eq!(ids(&reply.body["records"], None), [second]);
        for bad in ["limit=0", "limit=51", "limit=-1", "limit=lots", "limit=99999999999999999999999", "offset=1"] {
            app.send(Call::get(&format!("/api/v1/me/recent?{bad}")).session(&s)).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        }
        app.send(Call::get("/api/v1/me/recent")).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        let reads: Vec<_> = app.audit_events().await.into_iter().filter(|e| e.kind == AuditKind::Read && e.actor == "MP400003").collect();
        assert_eq!(reads.len(), 2, "one read per page shown");
        let payload = app.audit_text(&reads[0]).await;
        assert!(payload.contains("home page: your own recent work"), "{payload}");
    }
}
