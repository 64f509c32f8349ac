//! Person search: found by any name, case/accent-insensitively; only readable hits returned; the
//! terms kept as an erasable payload whose erasure leaves the log verifiable.

use custos_audit::AuditKind;
use custos_core::marking::Classification;
use custos_core::role::Role;
use custos_core::version::ChangeKind;
use custos_store::StoreError;

use custos_store::conformance;
use crate::fixtures::*;

conformance! {
    async fn people_are_found_by_name_key_and_the_search_is_audited(db: TestDb) {
        let who = investigator();
        let a = db.store.create_entity(&who, person("José", "Jiménez", "1980-01-01"), marking(), None).await.unwrap();
        let b = db.store.create_entity(&who, person("Josephine", "O'Brien", "1981-01-01"), marking(), None).await.unwrap();
        let mut secret = marking();
        secret.classification = Classification::Secret;
        let cleared = principal("MP100009", &[Role::Investigator], &["CE-BCU"], Classification::Secret);
        db.store.create_entity(&cleared, person("Jose", "Jimenez", "1990-01-01"), secret, None).await.unwrap();

        let hits = db.store.search_people(&who, "JIMENEZ", Some("jos"), &why()).await.unwrap();
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [a], "the SECRET namesake is not returned");
        let hits = db.store.search_people(&cleared, "jiménez", None, &why()).await.unwrap();
        assert_eq!(hits.len(), 2);
        assert!(db.store.search_people(&who, "obrien", None, &why()).await.unwrap().iter().any(|h| h.id == b));
        // A changed name is re-indexed: the old key no longer finds her.
        db.store.change_entity(&who, b, 1, person("Josephine", "Smith", "1981-01-01"), ChangeKind::Edited, None).await.unwrap();
        assert!(db.store.search_people(&who, "O'Brien", None, &why()).await.unwrap().is_empty());
        assert_eq!(db.store.search_people(&who, "smith", Some("j"), &why()).await.unwrap().len(), 1);
        let err = db.store.search_people(&who, " - ", None, &why()).await.unwrap_err();
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
        let err = db.store.search_people(&auditor, "smith", None, &why()).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        db.store.integrate_audit().await.unwrap();
        let snapshot = db.store.audit_snapshot().await.unwrap();
        let event = custos_audit::decode_leaf(&snapshot.rows[0].1).unwrap().1;
        assert_eq!(event.kind, AuditKind::AccessDenied);
        assert!(event.payload.is_some(), "the denied search's terms are kept aside too");
    }
}
