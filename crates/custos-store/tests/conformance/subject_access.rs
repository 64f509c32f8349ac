//! Subject access discovery through the store, on both backends: the officer identifies the
//! requester's Golden Nominal from a match search of their own, the bundle holds every record
//! about them (merged duplicates, links, records naming them, the disclosable audit trail) and
//! nothing about anyone else, third parties are redacted, nothing goes out unreviewed or with
//! another person's identifiers, and the export is audited as a disclosure.

use custos_audit::AuditKind;
use custos_core::draft::PersonDraft;
use custos_core::entity::EntityBody;
use custos_core::ids::EntityId;
use custos_core::marking::Classification;
use custos_core::person::Person;
use custos_core::record::Record;
use custos_core::role::Role;
use custos_rights::request::Event;
use custos_store::StoreError;
use custos_store::merge::Identifiers;
use custos_store::rights::RequestId;
use custos_store::testing::TestDb;
use serde_json::{Value, json};

use crate::fixtures::*;
use crate::search::audit_events;
use custos_store::conformance;

pub fn officer() -> custos_authz::Principal {
    principal("DO000001", &[Role::InformationRightsOfficer], &["DATA-OFFICE"], Classification::Official)
}

fn someone(forename: &str, surname: &str, dob: &str, identifiers: Value) -> Person {
    let draft: PersonDraft = serde_json::from_value(json!({
        "names": [{"kind": "primary", "forenames": [forename], "surname": surname}],
        "dates_of_birth": [dob], "identifiers": identifiers,
    }))
    .unwrap();
    Person::try_from(draft).unwrap()
}

fn event(value: Value) -> Event {
    serde_json::from_value(value).unwrap()
}

fn record(kind: &str, body: Value) -> EntityBody {
    EntityBody::Record(serde_json::from_value::<Record>(json!({ kind: body })).unwrap())
}

pub struct Case {
    pub request: RequestId,
    pub subject: EntityId,
    pub duplicate: EntityId,
    pub crime: EntityId,
    pub other_crime: EntityId,
    pub wife: EntityId,
}

/// Gary Holt (and a duplicate record of him, merged), his home, and a crime where he is the
/// suspect and his wife the victim; an unrelated crime; a subject access request from him with
/// his identity verified and his nominal identified.
pub async fn case(db: &TestDb) -> Case {
    let who = investigator();
    let gary = someone("Gary", "Holt", "1979-04-02", json!([{"kind": "pnc_id", "value": "2008/0056560Z"}]));
    let subject = db.store.create_entity(&who, EntityBody::Person(gary.clone()), marking(), None).await.unwrap();
    let duplicate = db.store.create_entity(&who, person("Garry", "Holt", "1979-04-02"), marking(), None).await.unwrap();
    db.store.merge_people(&who, subject, duplicate, "Same man: PNC ID and date of birth agree", Identifiers::MustAgree).await.unwrap();
    let wife = someone("Dawn", "Holt", "1981-09-12", json!([{"kind": "phone", "value": "07700 900123"}]));
    let wife = db.store.create_entity(&who, EntityBody::Person(wife), marking(), None).await.unwrap();
    let home = db.store.create_entity(&who, location("14 Mill Lane", "E8 2BB"), marking(), None).await.unwrap();
    db.store.create_entity(&who, link(subject, home, "home"), marking(), None).await.unwrap();
    let her_flat = db.store.create_entity(&who, location("Flat 3, 12 Acacia Road", "E8 1AA"), marking(), None).await.unwrap();
    db.store.create_entity(&who, link(wife, her_flat, "home"), marking(), None).await.unwrap();
    let assault = db.store.create_entity(&who, crate::search::event("crime", "Assault at a flat"), marking(), None).await.unwrap();
    // The crime names the duplicate's id: it is still about the nominal.
    let crime = db.store.create_entity(&who, record("crime_report", json!({
        "event": assault, "offence": "8N", "status": "under_investigation",
        "narrative": "Dawn Holt says Gary Holt struck her at Flat 3, 12 Acacia Road. Call her on 07700 900123.",
        "people": [{"person": duplicate, "role": "suspect"}, {"person": wife, "role": "victim"}],
    })), marking(), None).await.unwrap();
    let stranger = db.store.create_entity(&who, person("Alan", "Stone", "1990-01-01"), marking(), None).await.unwrap();
    let other_crime = db.store.create_entity(&who, record("crime_report", json!({
        "event": assault, "offence": "8N", "status": "recorded", "narrative": "Unrelated assault",
        "people": [{"person": stranger, "role": "suspect"}],
    })), marking(), None).await.unwrap();
    db.store.integrate_audit().await.unwrap();

    let iro = officer();
    let file = db.store.register_request(&iro, event(json!({
        "event": "registered", "law": "sar-le", "channel": "letter", "received": "2026-11-02", "identity_verified": "2026-11-03",
        "requester": {"name": "Gary Holt", "contact": "14 Mill Lane", "kind": "data_subject"}, "summary": "Everything you hold about me",
    }))).await.unwrap();
    let request: RequestId = file.id.parse().unwrap();
    let found = db.store.match_person(&iro, &gary, &why()).await.unwrap();
    assert!(found.candidates.iter().any(|c| c.record.id == subject), "the match search finds the nominal");
    let reason = (found.candidates.len() > 1).then_some("Date of birth and PNC ID agree with the passport seen");
    db.store.record_request_event(&iro, request, 1, event(json!({
        "event": "subject_identified", "person": subject, "search": found.search_id.to_string(), "reason": reason,
    }))).await.unwrap();
    Case { request, subject, duplicate, crime, other_crime, wife }
}

async fn events_recorded(db: &TestDb, request: RequestId) -> usize {
    db.store.read_request(&officer(), request, &why()).await.unwrap().history.len()
}

fn refused(result: Result<impl std::fmt::Debug, StoreError>, words: &str) {
    match result {
        Err(StoreError::Refused(m)) => assert!(m.contains(words), "{m:?} should say {words:?}"),
        other => panic!("expected a refusal saying {words:?}, got {other:?}"),
    }
}

conformance! {
    async fn the_bundle_holds_everything_about_the_subject_and_nothing_else(db: TestDb) {
        let c = case(&db).await;
        let iro = officer();
        let (file, bundle) = db.store.assemble_bundle(&iro, c.request, 2, &why()).await.unwrap();
        assert_eq!(bundle.subject, c.subject);
        assert_eq!(file.request.discovery.items.len(), bundle.items.len());
        let keys: Vec<&str> = bundle.items.iter().map(|i| i.key.as_str()).collect();
        let has = |id: EntityId| keys.iter().any(|k| k.starts_with(&format!("entity:{id}:")));
        assert!(has(c.subject) && has(c.duplicate), "both person records of the nominal: {keys:?}");
        assert!(has(c.crime), "the crime naming the merged duplicate");
        assert!(!has(c.other_crime) && !has(c.wife), "nothing about anyone else");
        assert!(bundle.items.iter().any(|i| i.kind == "location" && i.fields.iter().any(|f| f.text.contains("14 Mill Lane"))), "his home");
        assert!(!bundle.items.iter().any(|i| i.fields.iter().any(|f| f.text.contains("Acacia") && i.kind == "location")), "not her flat");
        // The audit trail: the creation of his records and the merge, never reads or searches.
        let audit: Vec<&str> = bundle.items.iter().filter(|i| i.kind == "audit_event").map(|i| i.fields[0].text.as_str()).collect();
        assert!(audit.contains(&"create") && audit.contains(&"merge"), "{audit:?}");
        assert!(!audit.iter().any(|a| *a == "read" || *a == "search"));
        // The crime shows the subject as "you" and the wife as "another person", never her id.
        let crime = bundle.items.iter().find(|i| i.key.starts_with(&format!("entity:{}:", c.crime))).unwrap();
        let texts: Vec<&str> = crime.fields.iter().map(|f| f.text.as_str()).collect();
        assert!(texts.contains(&"you") && texts.contains(&"another person"), "{texts:?}");
        assert!(!texts.iter().any(|t| t.contains(&c.wife.to_string())));
        // Third parties are redacted automatically; the subject's own words are not.
        let redactor = bundle.redactor();
        let narrative = crime.fields.iter().find(|f| f.label == "narrative").unwrap();
        let shown = custos_rights::redact::render(&redactor.redact(&narrative.text, &Default::default()));
        assert!(!shown.contains("Dawn") && !shown.contains("07700") && !shown.contains("Acacia"), "{shown}");
        assert!(shown.contains("Gary Holt"), "{shown}");
        // Assembling is a read of every record shown, audited with the justification.
        let events = audit_events(&db).await;
        assert!(events.iter().any(|e| e.kind == AuditKind::Read && e.actor == "DO000001" && e.objects.iter().any(|o| o.id == c.crime.to_string())));
    }

    async fn an_identification_must_come_from_the_officers_own_search(db: TestDb) {
        let c = case(&db).await;
        let iro = officer();
        let other_iro = principal("DO000002", &[Role::InformationRightsOfficer], &["DATA-OFFICE"], Classification::Official);
        let found = db.store.match_person(&other_iro, &someone("Gary", "Holt", "1979-04-02", json!([])), &why()).await.unwrap();
        let theirs = event(json!({"event": "subject_identified", "person": c.subject, "search": found.search_id.to_string(), "reason": "x"}));
        refused(db.store.record_request_event(&iro, c.request, 2, theirs).await, "no match search of yours");
        let mine = db.store.match_person(&iro, &someone("Gary", "Holt", "1979-04-02", json!([])), &why()).await.unwrap();
        let not_shown = event(json!({"event": "subject_identified", "person": c.other_crime, "search": mine.search_id.to_string(), "reason": "x"}));
        refused(db.store.record_request_event(&iro, c.request, 2, not_shown).await, "not one of the candidates");
        // A bundle or a pack cannot be recorded as given.
        let forged = event(json!({"event": "bundle_assembled", "items": []}));
        refused(db.store.record_request_event(&iro, c.request, 2, forged).await, "assembling it");
        assert_eq!(events_recorded(&db, c.request).await, 2);
        // An investigator may not assemble a bundle (requests are the Data Office's).
        assert!(matches!(db.store.assemble_bundle(&investigator(), c.request, 2, &why()).await, Err(StoreError::Denied)));
    }

    async fn nothing_is_disclosed_unreviewed_or_with_another_persons_identifiers(db: TestDb) {
        let c = case(&db).await;
        let iro = officer();
        let (_, bundle) = db.store.assemble_bundle(&iro, c.request, 2, &why()).await.unwrap();
        // Disclosing an unreviewed item.
        refused(db.store.export_pack(&iro, c.request, 3, &why()).await, "has not been reviewed");
        let crime_key = bundle.items.iter().find(|i| i.key.starts_with(&format!("entity:{}:", c.crime))).unwrap().key.clone();
        let reviews = |release: Value| -> Vec<Value> {
            bundle.items.iter().map(|i| {
                if i.key == crime_key {
                    json!({"item": i.key, "decision": "disclose", "adjustments": {"release": release, "redact": []}})
                } else {
                    json!({"item": i.key, "decision": "disclose"})
                }
            }).collect()
        };
        // Releasing the wife's phone number: the pack would carry another person's identifier.
        db.store.record_request_event(&iro, c.request, 3, event(json!({"event": "items_reviewed", "reviews": reviews(json!(["07700 900123"]))}))).await.unwrap();
        refused(db.store.export_pack(&iro, c.request, 4, &why()).await, "would disclose another person's");
        assert_eq!(events_recorded(&db, c.request).await, 4, "nothing recorded");
        assert!(!audit_events(&db).await.iter().any(|e| e.kind == AuditKind::Disclose));
        // Releasing her name is the officer's call (she is named to him already); her number is not.
        db.store.record_request_event(&iro, c.request, 4, event(json!({"event": "items_reviewed", "reviews": reviews(json!(["Dawn Holt"]))}))).await.unwrap();
        let (file, pack) = db.store.export_pack(&iro, c.request, 5, &why()).await.unwrap();
        assert_eq!(file.request.discovery.exports.len(), 1);
        assert_eq!(file.request.discovery.exports[0].sha256.as_str(), pack.sha256);
        let crime = pack.items.iter().find(|i| i.key == crime_key).unwrap();
        let narrative = &crime.fields.iter().find(|f| f.label == "narrative").unwrap().text;
        assert!(narrative.contains("Dawn Holt") && narrative.contains("[redacted: identifier]") && !narrative.contains("07700"), "{narrative}");
        let whole = serde_json::to_string(&pack).unwrap();
        assert!(!whole.contains("07700") && !whole.contains("Acacia") && !whole.contains(&c.wife.to_string()));
        // Audited as a disclosure of every record in the pack, with the request.
        let events = audit_events(&db).await;
        let disclosure = events.iter().find(|e| e.kind == AuditKind::Disclose).expect("a disclose event");
        assert!(disclosure.objects.iter().any(|o| o.id == c.crime.to_string()));
        assert!(disclosure.objects.iter().any(|o| o.id == c.request.to_string()));
        // After a change to a record, the reviewed bundle is stale: assemble again.
        let current = db.store.read_entity(&investigator(), c.crime, &why()).await.unwrap();
        let mut body = current.body.clone();
        if let EntityBody::Record(Record::CrimeReport(r)) = &mut body {
            r.status = "recorded".parse().unwrap();
        }
        db.store.change_entity(&investigator(), c.crime, current.version, body, custos_core::version::ChangeKind::Edited, Some("Reviewed by CPS")).await.unwrap();
        refused(db.store.export_pack(&iro, c.request, 6, &why()).await, "has changed since");
    }
}

fn object(value: Value) -> EntityBody {
    let draft: custos_core::draft::ObjectDraft = serde_json::from_value(value).unwrap();
    EntityBody::Object(custos_core::object::Object::try_from(draft).unwrap())
}

/// Identifies `person` on `request` (expected events 1) from a fresh search of the officer's.
async fn identify(db: &TestDb, request: RequestId, probe: &Person, person: EntityId, also: &[EntityId]) {
    let iro = officer();
    let found = db.store.match_person(&iro, probe, &why()).await.unwrap();
    for id in std::iter::once(&person).chain(also) {
        assert!(found.candidates.iter().any(|c| c.record.id == *id), "the search shows {id}");
    }
    db.store.record_request_event(&iro, request, 1, event(json!({
        "event": "subject_identified", "person": person, "search": found.search_id.to_string(),
        "reason": "Passport seen; both records are his", "also": also,
    }))).await.unwrap();
}

async fn sar(db: &TestDb) -> RequestId {
    let file = db.store.register_request(&officer(), event(json!({
        "event": "registered", "law": "sar", "channel": "letter", "received": "2026-11-02", "identity_verified": "2026-11-03",
        "requester": {"name": "Gary Holt", "contact": "14 Mill Lane", "kind": "data_subject"}, "summary": "Everything",
    }))).await.unwrap();
    file.id.parse().unwrap()
}

fn has(bundle: &custos_store::subject_access::Bundle, id: EntityId) -> bool {
    bundle.items.iter().any(|i| i.key.starts_with(&format!("entity:{id}:")))
}

conformance! {
    async fn third_parties_are_redacted_by_all_their_records_and_what_is_only_named_stays_unnamed(db: TestDb) {
        let who = investigator();
        let gary = someone("Gary", "Holt", "1979-04-02", json!([]));
        let subject = db.store.create_entity(&who, EntityBody::Person(gary.clone()), marking(), None).await.unwrap();
        // The victim was recorded twice: the crime names the duplicate, the primary has her passport and flat.
        let victim = db.store.create_entity(&who, EntityBody::Person(someone("Dawn", "Smith", "1981-09-12", json!([]))), marking(), None).await.unwrap();
        let primary = db.store.create_entity(&who, EntityBody::Person(someone("Dawn", "Holt", "1981-09-12", json!([{"kind": "passport", "value": "123456789"}]))), marking(), None).await.unwrap();
        let flat = db.store.create_entity(&who, location("12 Acacia Road", "E8 1AA"), marking(), None).await.unwrap();
        db.store.create_entity(&who, link(primary, flat, "home"), marking(), None).await.unwrap();
        db.store.merge_people(&who, primary, victim, "Same woman, married name", Identifiers::MustAgree).await.unwrap();
        // A vehicle and a safe house the records name, neither linked to him.
        let car = db.store.create_entity(&who, object(json!({"kind": "vehicle", "vrm": "AB12 CDE"})), marking(), None).await.unwrap();
        let mut secret = marking();
        secret.sensitive = true;
        secret.acl = vec![custos_core::marking::AclEntry::Unit(unit("CE-BCU"))];
        let safe_house = db.store.create_entity(&who, location("7 Hidden Close", "E8 3BB"), secret, None).await.unwrap();
        let assault = db.store.create_entity(&who, crate::search::event("crime", "Assault"), marking(), None).await.unwrap();
        let crime = db.store.create_entity(&who, record("crime_report", json!({
            "event": assault, "offence": "8N", "status": "recorded",
            "narrative": "Dawn Smith (passport 123456789) of 12 Acacia Road says Gary Holt hit her. Her sister Dee Lane saw it.",
            "people": [{"person": subject, "role": "suspect"}, {"person": victim, "role": "victim"}],
        })), marking(), None).await.unwrap();
        let intelligence = db.store.create_entity(&who, record("intelligence_report", json!({
            "received": "2026-03-02T10:00:00Z", "text": "Subject seen driving a car", "status": "live",
            "grading": {"source": "2", "intelligence": "B", "handling": {"code": "P"}},
            "people": [{"person": subject, "role": "subject"}], "objects": [car], "locations": [safe_house],
        })), marking(), None).await.unwrap();
        // A case file built on his crime report names him nowhere itself.
        let case_file = db.store.create_entity(&who, record("case_file", json!({"crime_report": crime, "status": "draft"})), marking(), None).await.unwrap();
        // An incident names only her; his arrest points to it.
        let her_call = db.store.create_entity(&who, record("incident", json!({
            "event": assault, "narrative": "Dawn Smith, passport 123456789, says she was threatened",
            "people": [{"person": victim, "role": "victim"}], "call": {"received": "2026-03-01T21:50:00Z", "channel": "emergency_999"},
        })), marking(), None).await.unwrap();
        let charging = db.store.create_entity(&who, record("arrest", json!({
            "person": subject, "event": assault, "incident": her_call, "arrested_at": "2026-03-01T22:10:00Z",
            "grounds": "Threats reported", "necessity": ["investigation"], "arresting_officer": "PC 1234",
        })), marking(), None).await.unwrap();
        let her_crime = her_call;
        db.store.integrate_audit().await.unwrap();

        let request = sar(&db).await;
        identify(&db, request, &gary, subject, &[]).await;
        let (_, bundle) = db.store.assemble_bundle(&officer(), request, 2, &why()).await.unwrap();
        assert!(has(&bundle, crime) && has(&bundle, intelligence), "his records");
        assert!(has(&bundle, case_file), "the case file built on his crime report");
        assert!(has(&bundle, charging) && !has(&bundle, her_crime), "his arrest, not her call");
        assert!(!bundle.items.iter().any(|i| i.fields.iter().any(|f| f.text.contains("threatened"))));
        assert!(!has(&bundle, car) && !has(&bundle, safe_house) && !has(&bundle, primary));
        let texts: Vec<&str> = bundle.items.iter().flat_map(|i| i.fields.iter().map(|f| f.text.as_str())).collect();
        assert!(texts.contains(&"a vehicle"), "the car by its type: {texts:?}");
        assert!(!texts.iter().any(|t| t.contains("AB12") || t.contains("Hidden Close")), "{texts:?}");
        assert!(texts.contains(&"a record not shown"), "the safe house, beyond the Data Office's need to know, is not shown: {texts:?}");
        assert_eq!(bundle.unreadable, 0, "a place only named does not stop the export");
        let redactor = bundle.redactor();
        let narrative = bundle.items.iter().find(|i| has_key(i, crime)).unwrap().fields.iter().find(|f| f.label == "narrative").unwrap();
        let shown = custos_rights::redact::render(&redactor.redact(&narrative.text, &Default::default()));
        assert!(!shown.contains("123456789") && !shown.contains("Acacia") && !shown.contains("Smith"), "{shown}");
        assert!(shown.contains("Dee Lane"), "not yet known to be anyone's name: {shown}");
        // Her record gains an alias the narrative uses: what was reviewed changes, though his
        // records are the same.
        let first = bundle.entries();
        let current = db.store.read_entity(&who, primary, &why()).await.unwrap();
        let draft: PersonDraft = serde_json::from_value(json!({
            "names": [{"kind": "primary", "forenames": ["Dawn"], "surname": "Holt"}, {"kind": "alias", "forenames": ["Dee"], "surname": "Lane"}],
            "dates_of_birth": ["1981-09-12"], "identifiers": [{"kind": "passport", "value": "123456789"}],
        })).unwrap();
        db.store.change_entity(&who, primary, current.version, EntityBody::Person(Person::try_from(draft).unwrap()), custos_core::version::ChangeKind::Edited, Some("Alias found")).await.unwrap();
        let (_, again) = db.store.subject_bundle(&officer(), request, &why()).await.unwrap();
        let entries = again.entries();
        let changed: Vec<&str> = entries.iter().filter(|e| !first.contains(e)).map(|e| e.item.as_str()).collect();
        assert!(changed.iter().any(|k| k.starts_with(&format!("entity:{crime}:"))), "the crime's redaction changed: {changed:?}");
        // A record about him that the Data Office may not read stops the export, with the reason.
        let mut need_to_know = marking();
        need_to_know.sensitive = true;
        need_to_know.acl = vec![custos_core::marking::AclEntry::Unit(unit("CE-BCU"))];
        db.store.create_entity(&who, record("intelligence_report", json!({
            "received": "2026-03-03T10:00:00Z", "text": "Covert source reporting", "status": "live",
            "grading": {"source": "2", "intelligence": "B", "handling": {"code": "P"}},
            "people": [{"person": subject, "role": "subject"}],
        })), need_to_know, None).await.unwrap();
        let (_, hidden) = db.store.subject_bundle(&officer(), request, &why()).await.unwrap();
        assert_eq!(hidden.unreadable, 1);
        refused(db.store.export_pack(&officer(), request, 3, &why()).await, "beyond your clearance");
    }

    async fn the_requesters_unmerged_records_are_theirs_and_a_concealed_restriction_is_not_told(db: TestDb) {
        let who = investigator();
        let gary = someone("Gary", "Holt", "1979-04-02", json!([]));
        let subject = db.store.create_entity(&who, EntityBody::Person(gary.clone()), marking(), None).await.unwrap();
        let twin_record = db.store.create_entity(&who, EntityBody::Person(someone("Gary", "Holt", "1979-04-02", json!([{"kind": "ni_number", "value": "AB123456C"}]))), marking(), None).await.unwrap();
        let assault = db.store.create_entity(&who, crate::search::event("crime", "Assault"), marking(), None).await.unwrap();
        let crime = db.store.create_entity(&who, record("crime_report", json!({
            "event": assault, "offence": "8N", "status": "recorded", "narrative": "Suspect gave NI number AB 12 34 56 C",
            "people": [{"person": twin_record, "role": "suspect"}],
        })), marking(), None).await.unwrap();
        db.store.integrate_audit().await.unwrap();
        let request = sar(&db).await;
        identify(&db, request, &gary, subject, &[twin_record]).await;
        let iro = officer();
        let (_, bundle) = db.store.assemble_bundle(&iro, request, 2, &why()).await.unwrap();
        assert!(has(&bundle, twin_record) && has(&bundle, crime), "the unmerged record and what names it are his");
        let narrative = bundle.items.iter().find(|i| has_key(i, crime)).unwrap().fields.iter().find(|f| f.label == "narrative").unwrap();
        let shown = custos_rights::redact::render(&bundle.redactor().redact(&narrative.text, &Default::default()));
        assert!(shown.contains("AB 12 34 56 C"), "his own NI number is not redacted: {shown}");
        // Withhold the crime without telling him; disclose the rest.
        let reviews: Vec<Value> = bundle.items.iter().map(|i| if has_key(i, crime) {
            json!({"item": i.key, "decision": "withhold", "ground": "sch2_para2", "reason": "Live investigation", "conceal": true})
        } else {
            json!({"item": i.key, "decision": "disclose"})
        }).collect();
        // Concealing a disclosed item is refused.
        let bad: Vec<Value> = vec![json!({"item": bundle.items[0].key, "decision": "disclose", "conceal": true})];
        refused(db.store.record_request_event(&iro, request, 3, event(json!({"event": "items_reviewed", "reviews": bad}))).await, "only a withheld item");
        db.store.record_request_event(&iro, request, 3, event(json!({"event": "items_reviewed", "reviews": reviews}))).await.unwrap();
        let (file, pack) = db.store.export_pack(&iro, request, 4, &why()).await.unwrap();
        assert_eq!(pack.withheld, 0, "not told");
        assert_eq!(file.request.discovery.exports[0].withheld, 1, "but recorded");
        assert!(!pack.items.iter().any(|i| i.key.contains(&crime.to_string())));
        // Nor told through the audit trail: the crime's creation is not in the pack.
        let whole = serde_json::to_string(&pack).unwrap();
        assert!(!whole.contains("Crime report"), "{whole}");
    }

    async fn audit_events_integrated_without_the_index_are_indexed_from_the_log(db: TestDb) {
        let who = investigator();
        let gary = someone("Gary", "Holt", "1979-04-02", json!([]));
        let subject = db.store.create_entity(&who, EntityBody::Person(gary.clone()), marking(), None).await.unwrap();
        db.store.integrate_audit().await.unwrap();
        // As if a Custos without the index had integrated the log so far.
        let mut raw = db.raw().await;
        sqlx::query("DELETE FROM audit_subject").execute(&mut raw).await.unwrap();
        sqlx::query("UPDATE audit_subject_state SET indexed = 0").execute(&mut raw).await.unwrap();
        drop(raw);
        // The next integration indexes the gap before its own leaves.
        let request = sar(&db).await;
        db.store.integrate_audit().await.unwrap();
        identify(&db, request, &gary, subject, &[]).await;
        let (_, bundle) = db.store.assemble_bundle(&officer(), request, 2, &why()).await.unwrap();
        assert!(bundle.items.iter().any(|i| i.kind == "audit_event" && i.fields[0].text == "create"), "his creation is found");
        // And a store opened on such a log indexes it at once.
        let mut raw = db.raw().await;
        sqlx::query("DELETE FROM audit_subject").execute(&mut raw).await.unwrap();
        sqlx::query("UPDATE audit_subject_state SET indexed = 0").execute(&mut raw).await.unwrap();
        drop(raw);
        let reopened = db.reopen().await.unwrap();
        let mut raw = db.raw().await;
        assert!(count(&mut raw, "audit_subject").await > 0, "backfilled at open");
        drop(reopened);
    }
}

fn has_key(item: &custos_store::subject_access::Item, id: EntityId) -> bool {
    item.key.starts_with(&format!("entity:{id}:"))
}

conformance! {
    async fn earlier_versions_are_in_the_bundle(db: TestDb) {
        let who = investigator();
        let gary = someone("Gary", "Holt", "1979-04-02", json!([]));
        let subject = db.store.create_entity(&who, EntityBody::Person(gary.clone()), marking(), None).await.unwrap();
        let assault = db.store.create_entity(&who, crate::search::event("crime", "Assault"), marking(), None).await.unwrap();
        let body = |narrative: &str| record("crime_report", json!({
            "event": assault, "offence": "8N", "status": "recorded", "narrative": narrative,
            "people": [{"person": subject, "role": "suspect"}],
        }));
        // The first version named a witness (and her passport), the second does not.
        let witness = db.store.create_entity(&who, EntityBody::Person(someone("Wendy", "Ward", "1990-05-05", json!([{"kind": "passport", "value": "987654321"}]))), marking(), None).await.unwrap();
        let first = record("crime_report", json!({
            "event": assault, "offence": "8N", "status": "recorded", "narrative": "He was seen at the Red Lion by Wendy Ward (passport 987654321)",
            "people": [{"person": subject, "role": "suspect"}, {"person": witness, "role": "witness"}],
        }));
        let crime = db.store.create_entity(&who, first, marking(), None).await.unwrap();
        db.store.change_entity(&who, crime, 1, body("He was seen at the Crown"), custos_core::version::ChangeKind::Edited, Some("Wrong pub")).await.unwrap();
        db.store.integrate_audit().await.unwrap();
        let request = sar(&db).await;
        identify(&db, request, &gary, subject, &[]).await;
        let (_, bundle) = db.store.assemble_bundle(&officer(), request, 2, &why()).await.unwrap();
        let keys: Vec<&str> = bundle.items.iter().map(|i| i.key.as_str()).collect();
        assert!(keys.contains(&format!("entity:{crime}:1").as_str()) && keys.contains(&format!("entity:{crime}:2").as_str()), "{keys:?}");
        let texts: Vec<&str> = bundle.items.iter().flat_map(|i| i.fields.iter().map(|f| f.text.as_str())).collect();
        assert!(texts.iter().any(|t| t.starts_with("He was seen at the Red Lion")) && texts.contains(&"He was seen at the Crown"));
        // The witness named only by the earlier version is still a third party.
        let redactor = bundle.redactor();
        let old = texts.iter().find(|t| t.starts_with("He was seen at the Red Lion")).unwrap();
        let shown = custos_rights::redact::render(&redactor.redact(old, &Default::default()));
        assert!(!shown.contains("Wendy") && !shown.contains("987654321"), "{shown}");
        assert!(bundle.items.iter().any(|i| i.kind == "audit_event" && i.fields[0].text == "update"), "and the change itself");
    }
}
