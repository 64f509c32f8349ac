//! Search: people by any name, case/accent-insensitively; objects, locations and events by their
//! terms (VRM, postcode with or without its space, address and summary words), every word
//! required. Only readable hits returned, and they alone fill pages; every search (denied ones
//! too) audited with its terms kept as an erasable payload whose erasure leaves the log
//! verifiable.

use custos_audit::AuditKind;
use custos_core::marking::Classification;
use custos_core::role::Role;
use custos_core::version::ChangeKind;
use custos_authz::Principal;
use custos_core::draft::{EventDraft, ObjectDraft};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::marking::SecurityMarking;
use custos_store::StoreError;
use custos_store::search::{MAX_HITS, Page, SearchPage};
use custos_store::testing::TestDb;

use custos_store::conformance;
use crate::fixtures::*;

pub fn vehicle(vrm: &str, make: &str, colour: &str) -> EntityBody {
    let draft: ObjectDraft = serde_json::from_value(serde_json::json!({
        "kind": "vehicle", "vrm": vrm, "make": make, "colour": colour,
    }))
    .unwrap();
    EntityBody::Object(custos_core::object::Object::try_from(draft).unwrap())
}

pub fn event(kind: &str, summary: &str) -> EntityBody {
    let draft = EventDraft {
        kind: kind.into(),
        at: Some("2024-06-01T21:30:00Z".into()),
        summary: summary.into(),
        ..Default::default()
    };
    EntityBody::Event(custos_core::event::Event::try_from(draft).unwrap())
}

pub fn secret() -> SecurityMarking {
    SecurityMarking { classification: Classification::Secret, ..marking() }
}

/// An investigator of CE-BCU cleared to SECRET.
pub fn cleared() -> Principal {
    principal("MP100009", &[Role::Investigator], &["CE-BCU"], Classification::Secret)
}

/// Every audit event so far, integrated, in order.
pub async fn audit_events(db: &TestDb) -> Vec<custos_audit::AuditEvent> {
    db.store.integrate_audit().await.unwrap();
    let snapshot = db.store.audit_snapshot().await.unwrap();
    snapshot.rows.iter().map(|(_, leaf)| custos_audit::decode_leaf(leaf).unwrap().1).collect()
}

fn ids(page: &SearchPage) -> Vec<EntityId> {
    page.hits.iter().map(|h| h.id).collect()
}

/// The ids `principal` finds for `query` on one page of MAX_HITS.
async fn find(db: &TestDb, principal: &Principal, kind: EntityKind, query: &str) -> Vec<EntityId> {
    let page = db.store.search_entities(principal, kind, query, Page::first(MAX_HITS), &why()).await.unwrap();
    assert_eq!(page.next_offset, None);
    ids(&page)
}

/// Every page of `kind` / `query` with pages of `limit`, checking each page is full but the last.
async fn all_pages(db: &TestDb, principal: &Principal, kind: EntityKind, query: &str, limit: usize) -> Vec<EntityId> {
    let mut found = Vec::new();
    let mut page = Page::first(limit);
    loop {
        let result = db.store.search_entities(principal, kind, query, page, &why()).await.unwrap();
        found.extend(ids(&result));
        match result.next_offset {
            Some(next) => {
                assert_eq!(result.hits.len(), limit, "only the last page may be short");
                assert_eq!(next, page.offset + limit);
                page.offset = next;
            }
            None => return found,
        }
    }
}

conformance! {
    async fn people_are_found_by_name_key_and_the_search_is_audited(db: TestDb) {
        let who = investigator();
        let a = db.store.create_entity(&who, person("José", "Jiménez", "1980-01-01"), marking(), None).await.unwrap();
        let b = db.store.create_entity(&who, person("Josephine", "O'Brien", "1981-01-01"), marking(), None).await.unwrap();
        let mut secret = marking();
        secret.classification = Classification::Secret;
        let cleared = principal("MP100009", &[Role::Investigator], &["CE-BCU"], Classification::Secret);
        db.store.create_entity(&cleared, person("Jose", "Jimenez", "1990-01-01"), secret, None).await.unwrap();

        let hits = db.store.search_people(&who, "JIMENEZ", Some("jos"), Page::default(), &why()).await.unwrap().hits;
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [a], "the SECRET namesake is not returned");
        let hits = db.store.search_people(&cleared, "jiménez", None, Page::default(), &why()).await.unwrap().hits;
        assert_eq!(hits.len(), 2);
        assert!(db.store.search_people(&who, "obrien", None, Page::default(), &why()).await.unwrap().hits.iter().any(|h| h.id == b));
        // A changed name is re-indexed: the old key no longer finds her.
        db.store.change_entity(&who, b, 1, person("Josephine", "Smith", "1981-01-01"), ChangeKind::Edited, None).await.unwrap();
        assert!(db.store.search_people(&who, "O'Brien", None, Page::default(), &why()).await.unwrap().hits.is_empty());
        assert_eq!(db.store.search_people(&who, "smith", Some("j"), Page::default(), &why()).await.unwrap().hits.len(), 1);
        let err = db.store.search_people(&who, " - ", None, Page::default(), &why()).await.unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "{err:?}");

        db.store.integrate_audit().await.unwrap();
        let snapshot = db.store.audit_snapshot().await.unwrap();
        let searches: Vec<_> = snapshot
            .rows
            .iter()
            .map(|(_, leaf)| custos_audit::decode_leaf(leaf).unwrap().1)
            .filter(|e| e.kind == AuditKind::Search)
            .collect();
        assert_eq!(searches.len(), 5);
        let first = &searches[0];
        assert_eq!(first.objects.len(), 1);
        assert!(first.justification.is_none(), "free text stays out of the leaf");
        // The terms are not in the leaf, only their commitment; the payload sits aside.
        let leaf_text = String::from_utf8_lossy(&snapshot.rows[3].1).to_string();
        assert!(!leaf_text.contains("JIMENEZ"), "{leaf_text}");
        let commitment = first.payload.expect("a search carries a payload commitment");
        let terms = db.store.audit_payload(&auditor(), &commitment).await.unwrap().unwrap();
        assert!(terms.contains("JIMENEZ") && terms.contains(why().as_str()), "{terms}");
        // A payload edited in the database no longer matches its commitment.
        let mut conn = db.raw().await;
        sqlx::query("UPDATE audit_payload SET payload = REPLACE(payload, 'JIMENEZ', 'SMITH')").execute(&mut conn).await.unwrap();
        assert!(matches!(db.store.audit_payload(&auditor(), &commitment).await, Err(StoreError::Audit(_))));

        // Erasing every payload leaves the log intact and verifiable.
        sqlx::query("DELETE FROM audit_payload").execute(&mut conn).await.unwrap();
        assert!(db.store.audit_payload(&auditor(), &commitment).await.unwrap().is_none());
        db.store.verify_audit(&[db.store.audit_verifier()]).await.unwrap().expect("still verifies");
    }

    async fn searching_needs_the_search_permission(db: TestDb) {
        let auditor = principal("AUD1", &[Role::Auditor], &["PROF-STANDARDS"], Classification::TopSecret);
        let err = db.store.search_people(&auditor, "smith", None, Page::default(), &why()).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        db.store.integrate_audit().await.unwrap();
        let snapshot = db.store.audit_snapshot().await.unwrap();
        let event = custos_audit::decode_leaf(&snapshot.rows[0].1).unwrap().1;
        assert_eq!(event.kind, AuditKind::AccessDenied);
        assert!(event.payload.is_some(), "the denied search's terms are kept aside too");
    }

    async fn objects_locations_and_events_are_found_by_every_word(db: TestDb) {
        let who = investigator();
        let create = |body| db.store.create_entity(&who, body, marking(), None);
        let blue = create(vehicle("AB51 ABC", "Ford", "Blue")).await.unwrap();
        let red = create(vehicle("CD12EFG", "Ford", "Red")).await.unwrap();
        let downing = create(location("10 Downing Street", "sw1a2aa")).await.unwrap();
        let high = create(location("1 High Street", "M1 1AE")).await.unwrap();
        let burglary = create(event("crime", "Burglary at the corner shop")).await.unwrap();
        let asb = create(event("anti_social_behaviour", "Youths throwing stones at a shop")).await.unwrap();
        use EntityKind::{Event, Location, Object};

        // By VRM, typed compact or spaced; by make and colour; every word must match.
        assert_eq!(find(&db, &who, Object, "AB51ABC").await, [blue]);
        assert_eq!(find(&db, &who, Object, "ab51 abc").await, [blue]);
        assert_eq!(find(&db, &who, Object, "ford").await, [blue, red]);
        assert_eq!(find(&db, &who, Object, "FORD red").await, [red]);
        assert!(find(&db, &who, Object, "ford green").await.is_empty(), "every word must match");
        // By postcode with and without its space, by outward code, by address words.
        assert_eq!(find(&db, &who, Location, "SW1A 2AA").await, [downing]);
        assert_eq!(find(&db, &who, Location, "sw1a2aa").await, [downing]);
        assert_eq!(find(&db, &who, Location, "SW1A").await, [downing]);
        assert_eq!(find(&db, &who, Location, "street").await, [downing, high]);
        assert_eq!(find(&db, &who, Location, "downing street london").await, [downing]);
        assert_eq!(find(&db, &who, Location, "10 High Street").await, Vec::<EntityId>::new());
        // By summary words and the event kind (an alias too).
        assert_eq!(find(&db, &who, Event, "burglary").await, [burglary]);
        assert_eq!(find(&db, &who, Event, "shop").await, [burglary, asb]);
        assert_eq!(find(&db, &who, Event, "ASB shop").await, [asb]);
        assert_eq!(find(&db, &who, Event, "crime shop").await, [burglary]);
        // A search is for one kind: a VRM is no location.
        assert!(find(&db, &who, Location, "AB51ABC").await.is_empty());

        // A change replaces the terms.
        db.store.change_entity(&who, burglary, 1, event("crime", "Theft from a van"), ChangeKind::Edited, None).await.unwrap();
        assert_eq!(find(&db, &who, Event, "burglary").await, Vec::<EntityId>::new());
        assert_eq!(find(&db, &who, Event, "van theft").await, [burglary]);

        // Queries that cannot be searched are refused, with a reason, and nothing is audited.
        let before = audit_events(&db).await.len();
        for (kind, query, says) in [
            (Object, " ", "at least one word"),
            (Event, " -- ... ", "at least one word"),
            (Event, "one two three four five six seven eight nine", "at most 8 words"),
            (EntityKind::Person, "smith", "people are found by name"),
            (EntityKind::Link, "home", "cannot be searched"),
        ] {
            let err = db.store.search_entities(&who, kind, query, Page::default(), &why()).await.unwrap_err();
            assert!(matches!(&err, StoreError::Refused(m) if m.contains(says)), "{query:?}: {err:?}");
        }
        let events = audit_events(&db).await;
        assert_eq!(events.len(), before, "refused queries consult nothing");

        // Each search is one `search` event listing its hits, its terms kept aside.
        let last = events.iter().rev().find(|e| e.kind == AuditKind::Search).unwrap();
        assert_eq!(last.objects.iter().map(|o| o.id.clone()).collect::<Vec<_>>(), [burglary.to_string()]);
        assert_eq!(last.objects[0].kind, "event");
        let payload = db.store.audit_payload(&auditor(), &last.payload.unwrap()).await.unwrap().unwrap();
        assert!(payload.contains("van theft") && payload.contains(why().as_str()), "{payload}");
    }

    async fn unreadable_hits_are_left_out_and_do_not_use_up_a_page(db: TestDb) {
        let who = investigator();
        let mut readable = Vec::new();
        let mut all = Vec::new();
        // Interleaved (ids are time-ordered), so restricted hits fall inside every page.
        for i in 0..7 {
            let vrm = format!("AB{:02}CDE", 51 + i);
            let id = db.store.create_entity(&who, vehicle(&vrm, "Vauxhall", "Silver"), marking(), None).await.unwrap();
            readable.push(id);
            all.push(id);
            if i % 2 == 0 {
                let hidden = db.store.create_entity(&cleared(), vehicle(&vrm, "Vauxhall", "Black"), secret(), None).await.unwrap();
                all.push(hidden);
            }
        }
        for limit in [1, 2, 3, 7] {
            assert_eq!(all_pages(&db, &who, EntityKind::Object, "vauxhall", limit).await, readable, "pages of {limit}");
        }
        assert_eq!(all_pages(&db, &cleared(), EntityKind::Object, "vauxhall", 4).await, all);
        // A limit is clamped to 1..=MAX_HITS; an offset past the end is an empty last page.
        let page = db.store.search_entities(&who, EntityKind::Object, "vauxhall", Page::new(0, 0), &why()).await.unwrap();
        assert_eq!((ids(&page), page.next_offset), (vec![readable[0]], Some(1)));
        let page = db.store.search_entities(&who, EntityKind::Object, "vauxhall", Page::new(0, usize::MAX), &why()).await.unwrap();
        assert_eq!((ids(&page), page.next_offset), (readable.clone(), None));
        let page = db.store.search_entities(&who, EntityKind::Object, "vauxhall", Page::new(99, 5), &why()).await.unwrap();
        assert_eq!((page.hits.len(), page.next_offset), (0, None));
        // The restricted hits are not named in the audit either.
        let events = audit_events(&db).await;
        let searched: Vec<_> = events.iter().filter(|e| e.kind == AuditKind::Search && e.actor == who.user.as_str()).collect();
        assert!(searched.iter().all(|e| e.objects.iter().all(|o| readable.iter().any(|r| r.to_string() == o.id))));

        // People search pages the same way.
        let mut smiths = Vec::new();
        for (i, forename) in ["Ann", "Bea", "Cat", "Dot", "Eve"].into_iter().enumerate() {
            smiths.push(db.store.create_entity(&who, person(forename, "Smith", "1980-01-01"), marking(), None).await.unwrap());
            if i % 2 == 1 {
                db.store.create_entity(&cleared(), person(forename, "Smith", "1980-01-01"), secret(), None).await.unwrap();
            }
        }
        let mut found = Vec::new();
        let mut page = Page::first(2);
        loop {
            let result = db.store.search_people(&who, "smith", None, page, &why()).await.unwrap();
            found.extend(ids(&result));
            let Some(next) = result.next_offset else { break };
            assert_eq!(result.hits.len(), 2);
            page.offset = next;
        }
        assert_eq!(found, smiths);
    }

    async fn a_denied_term_search_is_audited_with_its_terms(db: TestDb) {
        db.store.create_entity(&investigator(), vehicle("AB51ABC", "Ford", "Blue"), marking(), None).await.unwrap();
        let err = db.store.search_entities(&auditor(), EntityKind::Object, "AB51ABC", Page::default(), &why()).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        let events = audit_events(&db).await;
        let denied = events.last().unwrap();
        assert_eq!(denied.kind, AuditKind::AccessDenied);
        assert_eq!(denied.actor, auditor().user.as_str());
        assert!(denied.objects.is_empty(), "a denied search names no record");
        let payload = db.store.audit_payload(&auditor(), &denied.payload.unwrap()).await.unwrap().unwrap();
        assert!(payload.contains("AB51ABC") && payload.contains(why().as_str()), "{payload}");
    }

    async fn records_made_before_the_term_index_are_indexed_at_open(db: TestDb) {
        let who = investigator();
        let van = db.store.create_entity(&who, vehicle("AB51ABC", "Ford", "White"), marking(), None).await.unwrap();
        let home = db.store.create_entity(&who, location("2 Acacia Avenue", "M1 1AE"), marking(), None).await.unwrap();
        db.store.create_entity(&who, person("Ann", "Lee", "1980-01-01"), marking(), None).await.unwrap();
        // As a database upgraded from before migration 0003 looks: records, but no terms.
        let mut conn = db.raw().await;
        sqlx::query("DELETE FROM entity_term").execute(&mut conn).await.unwrap();
        assert!(find(&db, &who, EntityKind::Object, "AB51ABC").await.is_empty());
        let reopened = db.reopen().await.unwrap();
        let page = reopened.search_entities(&who, EntityKind::Object, "ab51abc white", Page::default(), &why()).await.unwrap();
        assert_eq!(ids(&page), [van]);
        let page = reopened.search_entities(&who, EntityKind::Location, "acacia m1 1ae", Page::default(), &why()).await.unwrap();
        assert_eq!(ids(&page), [home]);
        let terms = count(&mut conn, "entity_term").await;
        assert!(terms > 0);
        // Once built, opening again builds nothing more.
        db.reopen().await.unwrap();
        assert_eq!(count(&mut conn, "entity_term").await, terms);
    }
}
