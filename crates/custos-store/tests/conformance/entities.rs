//! POLE entities through the store: authorised, audited, versioned, locked once submitted.

use custos_core::entity::EntityBody;
use custos_core::ids::EntityId;
use custos_core::marking::{AclEntry, Classification};
use custos_core::role::Role;
use custos_core::version::ChangeKind;
use custos_store::StoreError;

use custos_store::conformance;
use custos_store::testing::TestDb;
use sqlx::{Executor, Row};
use crate::fixtures::*;

/// Makes every insert into the audit queue fail, as a full disk or a broken table would (as in
/// the audit-log tests); `heal_audit_writes` undoes it.
async fn break_audit_writes(db: &TestDb) {
    let mut conn = db.raw().await;
    if db.is_postgres() {
        conn.execute(
            "CREATE FUNCTION fail_audit() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'injected audit failure'; END $$ LANGUAGE plpgsql",
        )
        .await
        .unwrap();
        conn.execute("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_pending FOR EACH ROW EXECUTE FUNCTION fail_audit()")
            .await
            .unwrap();
    } else {
        conn.execute("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_pending BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END")
            .await
            .unwrap();
    }
}

async fn heal_audit_writes(db: &TestDb) {
    let mut conn = db.raw().await;
    if db.is_postgres() {
        conn.execute("DROP TRIGGER fail_audit ON audit_pending").await.unwrap();
    } else {
        conn.execute("DROP TRIGGER fail_audit").await.unwrap();
    }
}

conformance! {
    async fn created_records_read_back_with_history_and_audit(db: TestDb) {
        let who = investigator();
        let body = person("Ada", "Lovelace", "1990-12-10");
        let id = db.store.create_entity(&who, body.clone(), marking(), Some("arrest at scene")).await.unwrap();
        let record = db.store.read_entity(&who, id, &why()).await.unwrap();
        assert_eq!(record.body, body);
        assert_eq!(record.version, 1);
        assert_eq!(record.marking, marking());
        assert!(record.submitted_at.is_none());
        let history = db.store.entity_history(&who, id, &why()).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].meta.author, who.user);
        assert_eq!(history[0].meta.change, ChangeKind::Created);
        // create + read + history read: three events, integrated and verifiable.
        let integration = db.store.integrate_audit().await.unwrap();
        assert_eq!(integration.integrated, 3);
        let report = db.store.verify_audit(&[db.store.audit_verifier()]).await.unwrap().unwrap();
        assert_eq!(report.leaves, 3);
        let snapshot = db.store.audit_snapshot().await.unwrap();
        let kinds: Vec<String> = snapshot
            .rows
            .iter()
            .map(|(_, leaf)| custos_audit::decode_leaf(leaf).unwrap().1)
            .map(|e| {
                assert_eq!(e.actor, "MP100001");
                assert!(e.objects.iter().any(|o| o.id == id.to_string()));
                e.kind.as_str().to_owned()
            })
            .collect();
        assert_eq!(kinds, ["create", "read", "read"]);
        let read = custos_audit::decode_leaf(&snapshot.rows[1].1).unwrap().1;
        // The justification is free text: not in the leaf, but in the erasable payload it commits to.
        assert!(read.justification.is_none());
        assert!(!String::from_utf8_lossy(&snapshot.rows[1].1).contains("CE/12345/26"));
        let payload = db.store.audit_payload(&auditor(), &read.payload.unwrap()).await.unwrap().unwrap();
        assert!(payload.contains(why().as_str()), "{payload}");
        // Only those who may inspect the audit log may read it.
        assert!(matches!(db.store.audit_payload(&who, &read.payload.unwrap()).await, Err(StoreError::Denied)));
        assert!(!read.policies.is_empty(), "the determining policies are recorded");
    }

    async fn a_denied_read_is_audited_and_reveals_nothing(db: TestDb) {
        let owner = investigator();
        let mut secret = marking();
        secret.classification = Classification::Secret;
        let owner_cleared = principal("MP100002", &[Role::Investigator], &["CE-BCU"], Classification::Secret);
        let id = db.store.create_entity(&owner_cleared, person("Kim", "Philby", "1912-01-01"), secret, None).await.unwrap();
        let err = db.store.read_entity(&owner, id, &why()).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        // A record that does not exist is denied the same way.
        let missing = db.store.read_entity(&owner, EntityId::new(), &why()).await.unwrap_err();
        assert!(matches!(missing, StoreError::Denied), "{missing:?}");
        db.store.integrate_audit().await.unwrap();
        let snapshot = db.store.audit_snapshot().await.unwrap();
        let kinds: Vec<String> = snapshot
            .rows
            .iter()
            .map(|(_, leaf)| custos_audit::decode_leaf(leaf).unwrap().1.kind.as_str().to_owned())
            .collect();
        assert_eq!(kinds, ["create", "access_denied", "access_denied"]);
    }

    async fn sensitive_records_need_an_acl_entry(db: TestDb) {
        let author = investigator();
        let mut sensitive = marking();
        sensitive.sensitive = true;
        sensitive.acl = vec![AclEntry::User(author.user.clone())];
        let id = db.store.create_entity(&author, person("Ann", "Onymous", "1980-02-03"), sensitive, None).await.unwrap();
        db.store.read_entity(&author, id, &why()).await.expect("on the ACL");
        let colleague = principal("MP100003", &[Role::Investigator], &["CE-BCU"], Classification::TopSecret);
        let err = db.store.read_entity(&colleague, id, &why()).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "same unit, higher clearance, no ACL entry: {err:?}");
    }

    async fn creating_outside_ones_unit_is_denied_and_stores_nothing(db: TestDb) {
        let outsider = principal("MP200001", &[Role::ResponseOfficer], &["NW-BCU"], Classification::Official);
        let err = db.store.create_entity(&outsider, person("Bo", "Peep", "2000-01-01"), marking(), None).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        let mut conn = db.raw().await;
        assert_eq!(count(&mut conn, "entity").await, 0);
        assert_eq!(count(&mut conn, "entity_version").await, 0);
        assert_eq!(count(&mut conn, "audit_pending").await, 1, "only the denial is recorded");
    }

    async fn links_join_the_right_kinds_of_readable_records_or_nothing_is_stored(db: TestDb) {
        let who = investigator();
        let p = db.store.create_entity(&who, person("Jo", "Bloggs", "1975-05-05"), marking(), None).await.unwrap();
        let home = db.store.create_entity(&who, location("1 High Street", "E1 6AN"), marking(), None).await.unwrap();
        let link_id = db.store.create_entity(&who, link(p, home, "home"), marking(), None).await.expect("person–home link");
        let mut conn = db.raw().await;
        let entities = count(&mut conn, "entity").await;
        let pending = count(&mut conn, "audit_pending").await;
        // A home link from a location to a person is the wrong way round: refused, nothing kept.
        let err = db.store.create_entity(&who, link(home, p, "home"), marking(), None).await.unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
        assert_eq!((count(&mut conn, "entity").await, count(&mut conn, "audit_pending").await), (entities, pending));
        // A link to nothing is denied like a read of nothing (and audited): it reveals no more.
        let err = db.store.create_entity(&who, link(p, EntityId::new(), "home"), marking(), None).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        // So is a link to a record the linker may not read (another unit's SENSITIVE person).
        let mut sensitive = custos_core::marking::SecurityMarking::official(unit("NW-BCU"));
        sensitive.sensitive = true;
        let owner = principal("MP200009", &[Role::Investigator], &["NW-BCU"], Classification::Official);
        sensitive.acl = vec![AclEntry::User(owner.user.clone())];
        let hidden = db.store.create_entity(&owner, person("Hid", "Den", "1990-01-01"), sensitive, None).await.unwrap();
        let err = db.store.create_entity(&who, link(hidden, home, "home"), marking(), None).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        assert_eq!(count(&mut conn, "entity").await, entities + 1, "only the owner's record was stored");
        assert_eq!(count(&mut conn, "audit_pending").await, pending + 3, "two denials and one create");
        // Changing a link's ends is checked the same way.
        let err = db.store.change_entity(&who, link_id, 1, link(p, hidden, "home"), ChangeKind::Edited, None).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        // An event's location must be a location.
        let event: custos_core::draft::EventDraft = serde_json::from_value(serde_json::json!({
            "kind": "incident", "at": "2026-01-01T10:00:00Z", "location": p.to_string(), "summary": "Disturbance"
        }))
        .unwrap();
        let body = EntityBody::Event(custos_core::event::Event::try_from(event).unwrap());
        let err = db.store.create_entity(&who, body, marking(), None).await.unwrap_err();
        assert!(err.to_string().contains("location must refer to a location"), "{err}");
        assert_eq!(count(&mut conn, "link").await, 1);
    }

    async fn submitted_critical_fields_are_locked_and_corrections_need_reasons(db: TestDb) {
        let who = investigator();
        let id = db.store.create_entity(&who, person("Ada", "Lovelace", "1990-12-10"), marking(), None).await.unwrap();
        // Before submission an edit is free.
        let v2 = db.store
            .change_entity(&who, id, 1, person("Ada", "Lovelace", "1990-12-11"), ChangeKind::Edited, None)
            .await
            .unwrap();
        assert_eq!(v2, 2);
        let v3 = db.store.submit_entity(&who, id, v2).await.unwrap();
        let err = db.store
            .change_entity(&who, id, v3, person("Ada", "Lovelace", "1990-10-12"), ChangeKind::Edited, None)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("locked"), "{err}");
        let err = db.store
            .change_entity(&who, id, v3, person("Ada", "Lovelace", "1990-10-12"), ChangeKind::Corrected, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "a correction without a reason: {err:?}");
        let v4 = db.store
            .change_entity(
                &who,
                id,
                v3,
                person("Ada", "Lovelace", "1990-10-12"),
                ChangeKind::Corrected,
                Some("day and month were swapped when keyed at the scene"),
            )
            .await
            .unwrap();
        let history = db.store.entity_history(&who, id, &why()).await.unwrap();
        let changes: Vec<_> = history.iter().map(|v| v.meta.change).collect();
        assert_eq!(changes, [ChangeKind::Created, ChangeKind::Edited, ChangeKind::Submitted, ChangeKind::Corrected]);
        assert_eq!(history.last().unwrap().meta.version, v4);
        assert!(history.last().unwrap().meta.reason.is_some());
        // The original submitted value is still in the history.
        assert_eq!(history[2].body, person("Ada", "Lovelace", "1990-12-11"));
        let record = db.store.read_entity(&who, id, &why()).await.unwrap();
        assert!(record.submitted_at.is_some());
        assert_eq!(record.body, person("Ada", "Lovelace", "1990-10-12"));
    }

    async fn a_stale_version_is_a_conflict(db: TestDb) {
        let who = investigator();
        let id = db.store.create_entity(&who, person("Ada", "Lovelace", "1990-12-10"), marking(), None).await.unwrap();
        db.store.change_entity(&who, id, 1, person("Ada", "King", "1990-12-10"), ChangeKind::Edited, None).await.unwrap();
        let err = db.store
            .change_entity(&who, id, 1, person("Ada", "Byron", "1990-12-10"), ChangeKind::Edited, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict), "{err:?}");
        let record = db.store.read_entity(&who, id, &why()).await.unwrap();
        assert_eq!(record.version, 2);
        assert!(matches!(record.body, EntityBody::Person(_)));
    }

    async fn a_kind_change_is_refused(db: TestDb) {
        let who = investigator();
        let id = db.store.create_entity(&who, person("Ada", "Lovelace", "1990-12-10"), marking(), None).await.unwrap();
        let err = db.store
            .change_entity(&who, id, 1, location("1 High Street", "E1 6AN"), ChangeKind::Edited, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
    }

    async fn a_reads_audit_event_has_committed_when_it_returns(db: TestDb) {
        let who = investigator();
        let id = db.store.create_entity(&who, person("Ada", "Lovelace", "1990-12-10"), marking(), None).await.unwrap();
        // Another connection sees the event (and its justification) as soon as the read returns.
        let mut conn = db.raw().await;
        assert_eq!((count(&mut conn, "audit_pending").await, count(&mut conn, "audit_payload").await), (1, 0));
        db.store.read_entity(&who, id, &why()).await.unwrap();
        assert_eq!((count(&mut conn, "audit_pending").await, count(&mut conn, "audit_payload").await), (2, 1));
        let payload: String = sqlx::query("SELECT payload FROM audit_payload").fetch_one(&mut conn).await.unwrap().get(0);
        assert!(payload.contains(why().as_str()), "{payload}");
        // So do the denials: a forbidden record (with the justification) and a missing one.
        let outsider = principal("MP300001", &[Role::Investigator], &["NW-BCU"], Classification::Official);
        let mut sensitive = marking();
        sensitive.sensitive = true;
        sensitive.acl = vec![AclEntry::Unit(unit("CE-BCU"))];
        let hidden = db.store.create_entity(&who, person("Hid", "Den", "1990-01-01"), sensitive, None).await.unwrap();
        assert!(matches!(db.store.read_entity(&outsider, hidden, &why()).await, Err(StoreError::Denied)));
        assert_eq!((count(&mut conn, "audit_pending").await, count(&mut conn, "audit_payload").await), (4, 2));
        assert!(matches!(db.store.read_entity(&who, EntityId::new(), &why()).await, Err(StoreError::Denied)));
        assert_eq!(count(&mut conn, "audit_pending").await, 5);
        db.store.integrate_audit().await.unwrap();
        let kinds: Vec<String> = db.store.audit_snapshot().await.unwrap()
            .rows
            .iter()
            .map(|(_, leaf)| custos_audit::decode_leaf(leaf).unwrap().1.kind.as_str().to_owned())
            .collect();
        assert_eq!(kinds, ["create", "read", "create", "access_denied", "access_denied"]);
    }

    async fn concurrent_reads_each_leave_their_own_event(db: TestDb) {
        let who = investigator();
        let mut ids = Vec::new();
        for i in 0..10 {
            ids.push(db.store.create_entity(&who, person("Ada", &format!("Lovelace{}", "e".repeat(i)), "1990-12-10"), marking(), None).await.unwrap());
        }
        let outsider = principal("MP300002", &[Role::Investigator], &["NW-BCU"], Classification::Official);
        let mut sensitive = marking();
        sensitive.sensitive = true;
        sensitive.acl = vec![AclEntry::Unit(unit("CE-BCU"))];
        let hidden = db.store.create_entity(&who, person("Hid", "Den", "1990-01-01"), sensitive, None).await.unwrap();
        // 100 reads at once, a tenth of them denied; every one must be answered and audited once.
        let reads: Vec<_> = (0..100)
            .map(|i| {
                let (store, who, outsider, id) = (db.store.clone(), who.clone(), outsider.clone(), ids[i % ids.len()]);
                tokio::spawn(async move {
                    let why = custos_store::entities::Justification::parse(&format!("case CE/{i:05}/26")).unwrap();
                    match i % 10 {
                        0 => store.read_entity(&outsider, hidden, &why).await.map(|_| ()),
                        _ => store.read_entity(&who, id, &why).await.map(|r| assert_eq!(r.id, id)),
                    }
                })
            })
            .collect();
        let mut denied = 0;
        for read in reads {
            match read.await.unwrap() {
                Ok(()) => {}
                Err(StoreError::Denied) => denied += 1,
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(denied, 10);
        let mut conn = db.raw().await;
        assert_eq!(count(&mut conn, "audit_pending").await, 11 + 100);
        assert_eq!(count(&mut conn, "audit_payload").await, 100, "each read has its own justification");
        db.store.integrate_audit().await.unwrap();
        let snapshot = db.store.audit_snapshot().await.unwrap();
        let events: Vec<_> = snapshot.rows.iter().map(|(_, leaf)| custos_audit::decode_leaf(leaf).unwrap().1).collect();
        let reads: Vec<_> = events.iter().filter(|e| e.kind.as_str() != "create").collect();
        assert_eq!(reads.iter().filter(|e| e.kind.as_str() == "read").count(), 90);
        assert_eq!(reads.iter().filter(|e| e.kind.as_str() == "access_denied").count(), 10);
        let commitments: std::collections::HashSet<_> = reads.iter().map(|e| e.payload.unwrap()).collect();
        assert_eq!(commitments.len(), 100, "no two reads share a payload");
        let report = db.store.verify_audit(&[db.store.audit_verifier()]).await.unwrap().unwrap();
        assert_eq!(report.leaves, 111);
    }

    async fn a_read_that_cannot_be_audited_returns_nothing(db: TestDb) {
        let who = investigator();
        let id = db.store.create_entity(&who, person("Ada", "Lovelace", "1990-12-10"), marking(), None).await.unwrap();
        let outsider = principal("MP300003", &[Role::Investigator], &["NW-BCU"], Classification::Official);
        let mut sensitive = marking();
        sensitive.sensitive = true;
        sensitive.acl = vec![AclEntry::Unit(unit("CE-BCU"))];
        let hidden = db.store.create_entity(&who, person("Hid", "Den", "1990-01-01"), sensitive, None).await.unwrap();
        break_audit_writes(&db).await;
        // Allowed, denied and missing alike fail as audit failures: no record, and no "denied"
        // that would pass for an audited denial.
        let audit_failed = |r: Result<_, StoreError>| assert!(matches!(r, Err(StoreError::Audit(_))), "{r:?}");
        audit_failed(db.store.read_entity(&who, id, &why()).await.map(drop));
        audit_failed(db.store.read_entity(&outsider, hidden, &why()).await.map(drop));
        audit_failed(db.store.read_entity(&who, EntityId::new(), &why()).await.map(drop));
        // Concurrent reads caught in a failing batch all fail.
        let reads: Vec<_> = (0..20)
            .map(|_| {
                let (store, who) = (db.store.clone(), who.clone());
                tokio::spawn(async move { store.read_entity(&who, id, &why()).await.map(drop) })
            })
            .collect();
        for read in reads {
            audit_failed(read.await.unwrap());
        }
        let mut conn = db.raw().await;
        assert_eq!(count(&mut conn, "audit_pending").await, 2, "only the two creates");
        assert_eq!(count(&mut conn, "audit_payload").await, 0, "nothing of the failed batches was kept");
        // Once audit writes work again, so do reads.
        heal_audit_writes(&db).await;
        db.store.read_entity(&who, id, &why()).await.unwrap();
        assert_eq!(count(&mut conn, "audit_pending").await, 3);
    }
}
