//! POLE entities through the store: authorised, audited, versioned, locked once submitted.

use custos_core::entity::EntityBody;
use custos_core::ids::EntityId;
use custos_core::marking::{AclEntry, Classification};
use custos_core::role::Role;
use custos_core::version::ChangeKind;
use custos_store::StoreError;

use custos_store::conformance;
use crate::fixtures::*;

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
}
