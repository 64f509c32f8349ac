//! Operational records through the store: they refer to people, places and events by id (the
//! MiPS flow reuses one person, place and event for every record), the rules within and between
//! records refuse bad input with nothing stored, submitted records lock their critical fields,
//! and one full-text search finds anything, filtered, readable hits only, audited.

use custos_audit::AuditKind;
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::marking::{AclEntry, Classification, SecurityMarking};
use custos_core::record::Record;
use custos_core::role::Role;
use custos_core::version::ChangeKind;
use custos_store::StoreError;
use custos_store::full_text::Filters;
use custos_store::search::Page;
use custos_store::testing::TestDb;
use serde_json::{Value, json};

use crate::fixtures::*;
use crate::search::{audit_events, cleared, event, secret};
use custos_store::conformance;

fn record(kind: &str, body: Value) -> EntityBody {
    EntityBody::Record(serde_json::from_value::<Record>(json!({ kind: body })).unwrap())
}

/// The people, place and event of the MiPS case study, stored.
struct Scene {
    husband: EntityId,
    wife: EntityId,
    flat: EntityId,
    call: EntityId,
}

async fn scene(db: &TestDb) -> Scene {
    let who = investigator();
    let husband = db.store.create_entity(&who, person("Gary", "Holt", "1979-04-02"), marking(), None).await.unwrap();
    let wife = db.store.create_entity(&who, person("Dawn", "Holt", "1981-09-12"), marking(), None).await.unwrap();
    let flat = db.store.create_entity(&who, location("Flat 3, 12 Acacia Road", "E8 1AA"), marking(), None).await.unwrap();
    let mut incident = event("incident", "Woman heard screaming at a flat");
    if let EntityBody::Event(e) = &mut incident {
        e.location = Some(flat);
    }
    let call = db.store.create_entity(&who, incident, marking(), None).await.unwrap();
    Scene { husband, wife, flat, call }
}

fn arrest(s: &Scene) -> EntityBody {
    record("arrest", json!({
        "person": s.husband, "event": s.call, "arrested_at": "2026-03-01T22:10:00Z", "place": s.flat,
        "offences": ["8N"], "grounds": "Wife states he struck her with a baseball bat",
        "necessity": ["prevent_injury"], "arresting_officer": "PC 1234 Khan",
    }))
}

fn custody(person: EntityId, arrest: EntityId, detention: Value) -> EntityBody {
    record("custody_record", json!({ "person": person, "arrest": arrest, "detention": detention }))
}

fn detention(f: impl FnOnce(&mut Value)) -> Value {
    let mut d = json!({
        "arrival": "after_arrest", "arrested": "2026-03-01T22:10:00Z", "arrived": "2026-03-01T22:40:00Z",
        "authorised": "2026-03-01T22:55:00Z", "reviews": [], "extensions": [], "charged": null, "released": null,
    });
    f(&mut d);
    d
}

fn crime(s: &Scene) -> EntityBody {
    record("crime_report", json!({
        "event": s.call, "offence": "8N", "narrative": "Struck on the arm with a baseball bat",
        "status": "under_investigation",
        "people": [{"person": s.husband, "role": "suspect"}, {"person": s.wife, "role": "victim"}],
    }))
}

fn fields(err: &StoreError) -> Vec<String> {
    match err {
        StoreError::Invalid(e) => e.errors().iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

async fn entities(db: &TestDb) -> i64 {
    count(&mut db.raw().await, "entity").await
}

async fn refs_to(db: &TestDb, target: EntityId) -> i64 {
    let mut conn = db.raw().await;
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM record_ref WHERE target_id = $1")
        .bind(target.as_bytes().to_vec())
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

async fn find(db: &TestDb, query: &str, filters: &Filters) -> Vec<EntityId> {
    let page = db.store.search_everything(&investigator(), query, filters, Page::first(50), &why()).await.unwrap();
    page.hits.iter().map(|h| h.id).collect()
}

conformance! {
    async fn an_arrest_has_one_custody_record(db: TestDb) {
        let who = investigator();
        let s = scene(&db).await;
        let other = db.store.create_entity(&who, arrest(&s), marking(), None).await.unwrap();
        let arrest = db.store.create_entity(&who, arrest(&s), marking(), None).await.unwrap();
        let held = db.store.create_entity(&who, custody(s.husband, arrest, detention(|_| {})), marking(), None).await.unwrap();
        let before = entities(&db).await;
        let err = db.store.create_entity(&who, custody(s.husband, arrest, detention(|_| {})), marking(), None).await.unwrap_err();
        assert!(err.to_string().contains("already has a custody record"), "{err}");
        // Two in one batch are refused alike.
        let twice = vec![custody(s.husband, other, detention(|_| {})), custody(s.husband, other, detention(|_| {}))];
        let twice: Vec<custos_store::entities::NewEntity> = twice.into_iter().map(|b| custos_store::entities::NewEntity::new(b, marking())).collect();
        let err = db.store.create_entities(&who, &twice, None).await.unwrap_err();
        assert!(err.to_string().contains("already has a custody record"), "{err}");
        assert_eq!(entities(&db).await, before, "nothing stored by either refusal");
        // The record's own changes are not a second record.
        let body = custody(s.husband, arrest, detention(|d| d["reviews"] = json!(["2026-03-02T04:00:00Z"])));
        db.store.change_entity(&who, held, 1, body, ChangeKind::Edited, None).await.unwrap();
        // The unique index holds the rule for any writer that skips the check.
        let mut conn = db.raw().await;
        let sneak = sqlx::query("INSERT INTO record_ref (record_id, field, target_id) VALUES ($1, 'arrest', $2)")
            .bind(s.call.as_bytes().to_vec())
            .bind(arrest.as_bytes().to_vec())
            .execute(&mut conn)
            .await;
        assert!(sneak.is_err(), "a second custody reference to one arrest is refused by the schema");
    }

    async fn a_dissemination_is_an_authorised_audited_disclosure(db: TestDb) {
        let s = scene(&db).await;
        let report = |sent: Value| record("intelligence_report", json!({
            "received": "2026-02-01T10:00:00Z", "text": "Source says Holt keeps a bat behind the door",
            "grading": {"source": "2", "intelligence": "B", "handling": {"code": "P"}}, "status": "live",
            "sanitised": "A man at the address is believed to keep a weapon", "disseminations": sent,
            "people": [{"person": s.husband, "role": "subject"}],
        }));
        let mash = json!({"to": "MASH", "at": "2026-02-02T09:00:00Z"});
        let council = json!({"to": "Hackney ASB team", "at": "2026-02-03T09:00:00Z"});
        let disclosed = |events: &[custos_audit::AuditEvent], id: EntityId| {
            events.iter().filter(|e| e.kind == AuditKind::Disclose && e.objects[0].id == id.to_string()).count()
        };
        // An investigator may write the report but not disclose it outside the force.
        let id = db.store.create_entity(&investigator(), report(json!([])), marking(), None).await.unwrap();
        let err = db.store.change_entity(&investigator(), id, 1, report(json!([mash])), ChangeKind::Edited, None).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        assert_eq!(db.store.read_entity(&investigator(), id, &why()).await.unwrap().version, 1, "nothing changed");
        let events = audit_events(&db).await;
        let denied = events.iter().filter(|e| e.kind == AuditKind::AccessDenied && e.objects[0].id == id.to_string()).count();
        assert_eq!((denied, disclosed(&events, id)), (1, 0), "the denial is kept, no disclosure logged");
        let before = entities(&db).await;
        let err = db.store.create_entity(&investigator(), report(json!([mash])), marking(), None).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        assert_eq!(entities(&db).await, before);

        // The analyst disseminates: one disclosure event per recipient, the recipients in the version.
        let analyst = analyst();
        db.store.change_entity(&analyst, id, 1, report(json!([mash])), ChangeKind::Edited, None).await.unwrap();
        db.store.change_entity(&analyst, id, 2, report(json!([mash, council])), ChangeKind::Edited, None).await.unwrap();
        // Other edits disclose nothing more.
        let mut same = report(json!([mash, council]));
        if let EntityBody::Record(Record::IntelligenceReport(r)) = &mut same {
            r.text = "Source says Holt keeps a bat and a knife behind the door".parse().unwrap();
        }
        db.store.change_entity(&analyst, id, 3, same, ChangeKind::Edited, None).await.unwrap();
        let created = db.store.create_entity(&analyst, report(json!([mash])), marking(), None).await.unwrap();
        let events = audit_events(&db).await;
        assert_eq!((disclosed(&events, id), disclosed(&events, created)), (2, 1));

        // What was disseminated stays as it was: rewriting or dropping an entry is refused for
        // anyone, by any kind of change, submitted or not.
        let bugle = json!({"to": "Daily Bugle", "at": "2026-02-02T09:00:00Z"});
        for (who, change) in [(investigator(), ChangeKind::Edited), (analyst.clone(), ChangeKind::Corrected)] {
            let err = db.store.change_entity(&who, created, 1, report(json!([bugle])), change, Some("correcting the recipient")).await.unwrap_err();
            assert!(err.to_string().contains("stays as it was"), "{err}");
            let err = db.store.change_entity(&who, created, 1, report(json!([])), change, Some("removing it")).await.unwrap_err();
            assert!(err.to_string().contains("stays as it was"), "{err}");
        }
        assert_eq!(db.store.read_entity(&analyst, created, &why()).await.unwrap().version, 1);

        // A change denied on a reference records the denial alone: no update, no disclosure.
        let before = audit_events(&db).await;
        let ghost = custos_core::ids::EntityId::new();
        let mut denied = report(json!([mash, council, json!({"to": "Hackney council", "at": "2026-02-04T09:00:00Z"})]));
        if let EntityBody::Record(Record::IntelligenceReport(r)) = &mut denied {
            r.people.push(serde_json::from_value(json!({"person": ghost, "role": "subject"})).unwrap());
        }
        let err = db.store.change_entity(&analyst, id, 4, denied, ChangeKind::Edited, None).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        let after = audit_events(&db).await;
        let new: Vec<AuditKind> = after[before.len()..].iter().map(|e| e.kind).collect();
        assert_eq!(new, [AuditKind::AccessDenied], "only the denial");
    }

    async fn rules_between_records_compare_golden_nominals(db: TestDb) {
        let who = investigator();
        let s = scene(&db).await;
        let crime = db.store.create_entity(&who, crime(&s), marking(), None).await.unwrap();
        // The suspect turns out to be a duplicate of an older record of the same man.
        let older = db.store.create_entity(&who, person("Gary", "Holt", "1979-04-02"), marking(), None).await.unwrap();
        db.store.merge_people(&who, older, s.husband, "the same man, checked", custos_store::merge::Identifiers::MustAgree).await.unwrap();
        let charge = json!([{"defendant": older, "offence": "8N", "particulars": "Assault on 1 March 2026"}]);
        db.store
            .create_entity(&who, record("case_file", json!({"crime_report": crime, "status": "draft", "charges": charge})), marking(), None)
            .await
            .expect("the charge against the merged record is against the suspect");
        // The arrest named the duplicate; the custody record names the Golden Nominal.
        let arrest = db.store.create_entity(&who, arrest(&s), marking(), None).await.unwrap();
        db.store.create_entity(&who, custody(older, arrest, detention(|_| {})), marking(), None).await.unwrap();
        // The victim is still not the suspect.
        let charge = json!([{"defendant": s.wife, "offence": "8N", "particulars": "Assault on 1 March 2026"}]);
        let err = db.store
            .create_entity(&who, record("case_file", json!({"crime_report": crime, "status": "draft", "charges": charge})), marking(), None)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["charges[0].defendant"]);
    }

    async fn the_mips_records_refer_to_one_person_place_and_event(db: TestDb) {
        let who = investigator();
        let s = scene(&db).await;
        let incident = db.store.create_entity(&who, record("incident", json!({
            "event": s.call, "reporting_person": s.wife, "narrative": "Caller reports screaming; bat seen behind the door",
            "people": [{"person": s.husband, "role": "suspect"}],
        })), marking(), None).await.unwrap();
        let arrest = db.store.create_entity(&who, arrest(&s), marking(), None).await.unwrap();
        let held = db.store.create_entity(&who, custody(s.husband, arrest, detention(|_| {})), marking(), None).await.unwrap();
        let asb = db.store.create_entity(&who, record("asb_report", json!({
            "event": s.call, "category": "personal", "narrative": "Shouting and threats",
            "people": [{"person": s.husband, "role": "subject"}],
        })), marking(), None).await.unwrap();
        let vulnerable = db.store.create_entity(&who, record("vulnerable_person_report", json!({
            "subject": s.wife, "at_risk": "adult", "event": s.call, "concerns": ["domestic_abuse"], "risk": "high",
            "narrative": "Third call this month",
        })), marking(), None).await.unwrap();

        // Five records about the one event; the husband is named by three, never copied.
        assert_eq!(refs_to(&db, s.call).await, 4, "incident, arrest, ASB, vulnerable person");
        assert_eq!(refs_to(&db, s.husband).await, 4, "incident, arrest, custody, ASB");
        assert_eq!(refs_to(&db, arrest).await, 1);
        let read = db.store.read_entity(&who, held, &why()).await.unwrap();
        assert_eq!(read.kind, EntityKind::CustodyRecord);
        let EntityBody::Record(Record::CustodyRecord(c)) = read.body else { panic!("not a custody record") };
        assert_eq!((c.person, c.arrest), (s.husband, Some(arrest)));
        for id in [incident, asb, vulnerable] {
            assert!(!db.store.read_entity(&who, id, &why()).await.unwrap().kind.is_pole());
        }
    }

    async fn bad_records_are_refused_and_nothing_is_stored(db: TestDb) {
        let who = investigator();
        let s = scene(&db).await;
        let arrest = db.store.create_entity(&who, arrest(&s), marking(), None).await.unwrap();
        let before = entities(&db).await;
        let refuse = |body: EntityBody| {
            let store = &db.store;
            let who = who.clone();
            async move { store.create_entity(&who, body, marking(), None).await.unwrap_err() }
        };
        // Custody times out of order.
        let err = refuse(custody(s.husband, arrest, detention(|d| d["arrived"] = json!("2026-03-01T21:00:00Z")))).await;
        assert_eq!(fields(&err), ["detention"]);
        assert!(err.to_string().contains("before the arrest"), "{err}");
        // A review recorded after the release.
        let err = refuse(custody(s.husband, arrest, detention(|d| {
            d["released"] = json!("2026-03-02T02:00:00Z");
            d["reviews"] = json!(["2026-03-02T03:00:00Z"]);
        })))
        .await;
        assert!(err.to_string().contains("after the release"), "{err}");
        // Held beyond 24 hours with no extension.
        let err = refuse(custody(s.husband, arrest, detention(|d| {
            d["released"] = json!("2026-03-02T23:30:00Z");
            d["reviews"] = json!(["2026-03-02T04:00:00Z", "2026-03-02T13:00:00Z", "2026-03-02T22:00:00Z"]);
        })))
        .await;
        assert!(err.to_string().contains("after its limit"), "{err}");
        // A custody record for someone other than the person arrested, or at another time.
        let err = refuse(custody(s.wife, arrest, detention(|d| d["arrested"] = json!("2026-03-01T22:00:00Z")))).await;
        assert_eq!(fields(&err), ["person", "detention.arrested"]);
        // A reference of the wrong kind: the "arrest" is a person.
        let err = refuse(custody(s.husband, s.wife, detention(|_| {}))).await;
        assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
        // A charge against a person not a suspect on the crime.
        let crime = db.store.create_entity(&who, crime(&s), marking(), None).await.unwrap();
        let before_files = entities(&db).await;
        let charge = |who: EntityId| json!([{"defendant": who, "offence": "8N", "particulars": "Assault on 1 March 2026"}]);
        let err = refuse(record("case_file", json!({"crime_report": crime, "status": "draft", "charges": charge(s.wife)}))).await;
        assert_eq!(fields(&err), ["charges[0].defendant"]);
        // A case file submitted with no charge.
        let err = refuse(record("case_file", json!({"crime_report": crime, "status": "submitted"}))).await;
        assert_eq!(fields(&err), ["charges"]);
        // An intelligence report disseminated unsanitised; a SENSITIVE state without the marking.
        let intel = |extra: Value| {
            let mut body = json!({
                "received": "2026-02-01T10:00:00Z", "text": "Source says Holt keeps a bat behind the door",
                "grading": {"source": "2", "intelligence": "B", "handling": {"code": "P"}},
                "status": "live", "people": [{"person": s.husband, "role": "subject"}],
            });
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            record("intelligence_report", body)
        };
        let sent = intel(json!({"disseminations": [{"to": "MASH", "at": "2026-02-02T09:00:00Z"}]}));
        let err = db.store.create_entity(&analyst(), sent, marking(), None).await.unwrap_err();
        assert_eq!(fields(&err), ["disseminations"]);
        let err = refuse(intel(json!({"status": "sensitive_live"}))).await;
        assert_eq!(fields(&err), ["status"]);
        assert_eq!(entities(&db).await, before_files, "nothing stored by any refusal");
        assert_eq!(before_files, before + 1);

        // The charge against the suspect is accepted; changing it to the victim is refused too.
        let file = db.store.create_entity(&who, record("case_file", json!({"crime_report": crime, "status": "draft", "charges": charge(s.husband)})), marking(), None).await.unwrap();
        let err = db.store.change_entity(&who, file, 1, record("case_file", json!({"crime_report": crime, "status": "submitted", "charges": charge(s.wife)})), ChangeKind::Edited, None).await.unwrap_err();
        assert_eq!(fields(&err), ["charges[0].defendant"]);
        assert_eq!(db.store.read_entity(&who, file, &why()).await.unwrap().version, 1);
    }

    async fn submitted_records_lock_times_grounds_grading_and_charges(db: TestDb) {
        let who = investigator();
        let s = scene(&db).await;
        let arrest_id = db.store.create_entity(&who, arrest(&s), marking(), None).await.unwrap();
        db.store.submit_entity(&who, arrest_id, 1).await.unwrap();
        let mut moved = arrest(&s);
        if let EntityBody::Record(Record::Arrest(a)) = &mut moved {
            a.arrested_at = "2026-03-01T22:30:00Z".parse().unwrap();
        }
        let err = db.store.change_entity(&who, arrest_id, 2, moved.clone(), ChangeKind::Edited, None).await.unwrap_err();
        assert!(err.to_string().contains("arrest time was submitted and is locked"), "{err}");
        db.store
            .change_entity(&who, arrest_id, 2, moved, ChangeKind::Corrected, Some("Time corrected from body-worn video"))
            .await
            .unwrap();
        let history = db.store.entity_history(&who, arrest_id, &why()).await.unwrap();
        assert_eq!(history.len(), 3, "created, submitted, corrected: every version kept");

        // A custody record grows after submission: reviews are added, not rewritten.
        let held = db.store.create_entity(&who, custody(s.husband, arrest_id, detention(|d| d["arrested"] = json!("2026-03-01T22:30:00Z"))), marking(), None).await.unwrap();
        db.store.submit_entity(&who, held, 1).await.unwrap();
        let reviewed = custody(s.husband, arrest_id, detention(|d| {
            d["arrested"] = json!("2026-03-01T22:30:00Z");
            d["reviews"] = json!(["2026-03-02T04:30:00Z"]);
        }));
        db.store.change_entity(&who, held, 2, reviewed, ChangeKind::Edited, None).await.unwrap();
        let rewritten = custody(s.husband, arrest_id, detention(|d| {
            d["arrested"] = json!("2026-03-01T22:30:00Z");
            d["reviews"] = json!(["2026-03-02T04:00:00Z"]);
        }));
        let err = db.store.change_entity(&who, held, 3, rewritten, ChangeKind::Edited, None).await.unwrap_err();
        assert!(err.to_string().contains("reviews"), "{err}");
    }

    async fn one_search_finds_everything_filtered_and_readable(db: TestDb) {
        let who = investigator();
        let s = scene(&db).await;
        let crime_id = db.store.create_entity(&who, crime(&s), marking(), None).await.unwrap();
        let arrest_id = db.store.create_entity(&who, arrest(&s), marking(), None).await.unwrap();
        let hidden = db.store.create_entity(&cleared(), record("asb_report", json!({
            "event": s.call, "category": "nuisance", "narrative": "Baseball bat waved in the street", "people": [],
        })), secret(), None).await.unwrap();
        let need_to_know = SecurityMarking { sensitive: true, acl: vec![AclEntry::Unit(unit("OTHER"))], ..marking() };
        let other = principal("MP200001", &[Role::Investigator], &["CE-BCU", "OTHER"], Classification::Official);
        db.store.create_entity(&other, record("incident", json!({"event": s.call, "narrative": "Baseball bat (sensitive)"})), need_to_know, None).await.unwrap();

        // Stemmed, case-folded words over narratives and grounds; newest first.
        let none = Filters::default();
        assert_eq!(find(&db, "BASEBALL bats", &none).await, [arrest_id, crime_id], "unreadable records never show");
        assert_eq!(find(&db, "screamed", &none).await, [s.call], "the event's summary, stemmed");
        assert_eq!(find(&db, "holt", &none).await.len(), 2, "both people, by name");
        assert_eq!(find(&db, "E8 1AA", &none).await, [s.flat]);
        assert_eq!(find(&db, "8N", &none).await, [crime_id], "the offence code");
        // Filters: type, status, area, date range.
        let crimes = Filters { kind: Some(EntityKind::CrimeReport), ..Filters::default() };
        assert_eq!(find(&db, "baseball", &crimes).await, [crime_id]);
        let finalised = Filters { status: Some("finalised".into()), ..Filters::default() };
        assert!(find(&db, "baseball", &finalised).await.is_empty());
        let elsewhere = Filters { area: Some("OTHER-BCU".into()), ..Filters::default() };
        assert!(find(&db, "baseball", &elsewhere).await.is_empty());
        let t = |s: &str| Some(s.parse().unwrap());
        let march = Filters { from: t("2026-03-01T00:00:00Z"), to: t("2026-03-02T00:00:00Z"), ..Filters::default() };
        assert_eq!(find(&db, "baseball", &march).await, [arrest_id], "the arrest happened that day; the crime's event in 2024");
        // Query syntax is never read from user input.
        assert!(find(&db, "bat OR NEAR(x) *", &none).await.is_empty());
        assert!(matches!(
            db.store.search_everything(&who, " \" ", &none, Page::default(), &why()).await,
            Err(StoreError::Refused(_))
        ));

        // A change re-indexes the text: the old words no longer find it.
        let mut renamed = crime(&s);
        if let EntityBody::Record(Record::CrimeReport(c)) = &mut renamed {
            c.narrative = "Punched in the face".parse().unwrap();
        }
        db.store.change_entity(&who, crime_id, 1, renamed, ChangeKind::Edited, None).await.unwrap();
        assert_eq!(find(&db, "baseball", &crimes).await, Vec::<EntityId>::new());
        assert_eq!(find(&db, "punched", &crimes).await, [crime_id]);
        assert!(!find(&db, "baseball", &none).await.contains(&hidden));

        // Each search is one audited consultation naming the records returned.
        let searches: Vec<_> = audit_events(&db).await.into_iter().filter(|e| e.kind == AuditKind::Search).collect();
        assert_eq!(searches.len(), 13, "one per search made (the refused one never ran)");
        assert_eq!(searches[0].objects.len(), 2);
        assert!(searches.iter().all(|e| e.payload.is_some()), "terms kept as erasable payloads");
    }
}

conformance! {
    async fn concurrent_creations_commit_together_and_fail_alone(db: TestDb) {
        let who = investigator();
        let s = scene(&db).await;
        let arrest_id = db.store.create_entity(&who, arrest(&s), marking(), None).await.unwrap();
        let before = entities(&db).await;
        let missing = EntityId::new();
        let mut tasks = Vec::new();
        for i in 0..24 {
            let (store, who) = (db.store.clone(), who.clone());
            let body = match i {
                // A reference to nothing: denied, and the denial audited.
                5 => custody(missing, arrest_id, detention(|_| {})),
                // Against the rules: refused, nothing audited.
                11 => custody(s.husband, arrest_id, detention(|d| d["arrived"] = json!("2026-03-01T21:00:00Z"))),
                _ => record("incident", json!({"event": s.call, "narrative": format!("Call number {i}")})),
            };
            tasks.push(tokio::spawn(async move { store.create_entity(&who, body, marking(), None).await }));
        }
        let mut outcomes = Vec::new();
        for t in tasks {
            outcomes.push(t.await.unwrap());
        }
        for (i, outcome) in outcomes.iter().enumerate() {
            match i {
                5 => assert!(matches!(outcome, Err(StoreError::Denied)), "{outcome:?}"),
                11 => assert!(matches!(outcome, Err(StoreError::Invalid(_))), "{outcome:?}"),
                _ => assert!(outcome.is_ok(), "{i}: {outcome:?}"),
            }
        }
        assert_eq!(entities(&db).await, before + 22, "the 22 accepted, nothing of the 2 refused");
        for (i, outcome) in outcomes.iter().enumerate() {
            if let Ok(id) = outcome {
                let read = db.store.read_entity(&who, *id, &why()).await.unwrap();
                assert!(serde_json::to_string(&read.body).unwrap().contains(&format!("Call number {i}")));
            }
        }
        let events = audit_events(&db).await;
        let created = events.iter().filter(|e| e.kind == AuditKind::Create).count();
        assert_eq!(created, 4 + 1 + 22, "the scene, the arrest and the 22: one create event each");
        let denied: Vec<_> = events.iter().filter(|e| e.kind == AuditKind::AccessDenied).collect();
        assert_eq!(denied.len(), 1);
        assert_eq!(denied[0].objects[0].id, missing.to_string());
        assert_eq!(find(&db, "call number", &Filters::default()).await.len(), 22);
    }
}
