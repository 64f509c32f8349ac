//! What auditors see of the audit log: pages of decoded events (across bundle boundaries, capped,
//! never skipping a damaged stretch), the latest checkpoint and inclusion proofs that verify. Every
//! consultation and every denial is itself audited, and nothing is returned if that fails.

use custos_audit::{AuditEvent, AuditKind, Checkpoint, Decision, sample_event, verify_inclusion};
use custos_authz::Principal;
use custos_store::audit::{AuditPage, MAX_AUDIT_PAGE};
use custos_store::testing::TestDb;
use custos_store::{StoreError, conformance};
use sqlx::{Executor, Row};

use crate::fixtures::*;

/// Writes `n` sample events and integrates them in one batch, so that they fill bundles of 256.
async fn log_of(db: &TestDb, n: u64) {
    let events: Vec<AuditEvent> = (0..n).map(sample_event).collect();
    db.store.record_events(&events).await.unwrap();
    assert_eq!(db.store.integrate_audit().await.unwrap().integrated, n);
}

async fn pending(db: &TestDb) -> i64 {
    count(&mut db.raw().await, "audit_pending").await
}

fn seqs(page: &AuditPage) -> Vec<u64> {
    page.entries.iter().map(|e| e.seq).collect()
}

/// The events written since `from` (integrating them first), as the auditor reads them.
async fn events_since(db: &TestDb, from: u64) -> Vec<AuditEvent> {
    db.store.integrate_audit().await.unwrap();
    let page = db.store.audit_events(&auditor(), from.checked_sub(1), MAX_AUDIT_PAGE).await.unwrap();
    page.entries.into_iter().map(|e| e.event).collect()
}

/// Asserts `event` records `who` consulting (or being refused) the log's `what`.
#[track_caller]
fn assert_consultation(event: &AuditEvent, who: &Principal, kind: AuditKind, what: &str) {
    assert_eq!(event.kind, kind, "{event:?}");
    assert_eq!(event.actor, who.user.to_string());
    assert_eq!(event.objects.len(), 1);
    assert_eq!((event.objects[0].kind.as_str(), event.objects[0].id.as_str()), ("audit_log", what));
    let decision = if kind == AuditKind::AccessDenied { Decision::Deny } else { Decision::Allow };
    assert_eq!(event.decision, decision);
}

conformance! {
    async fn auditors_page_through_the_log_across_bundles(db: TestDb) {
        log_of(&db, 600).await;
        let mut conn = db.raw().await;
        let firsts: Vec<i64> = sqlx::query("SELECT first_seq FROM audit_bundle ORDER BY first_seq")
            .fetch_all(&mut conn).await.unwrap().iter().map(|r| r.get(0)).collect();
        assert_eq!(firsts, [0, 256, 512], "the log spans three bundles");
        let who = auditor();
        // Page by page with `next`, 100 at a time: every entry once, in order, decoded.
        let mut after = None;
        let mut all = Vec::new();
        for page_no in 0.. {
            let before = pending(&db).await;
            let page = db.store.audit_events(&who, after, 100).await.unwrap();
            assert_eq!(pending(&db).await, before + 1, "each consultation is audited");
            assert!(page.entries.len() <= 100);
            all.extend(page.entries);
            match page.next {
                Some(next) => {
                    assert_eq!(Some(next), all.last().map(|e| e.seq));
                    after = Some(next);
                }
                None => break,
            }
            assert!(page_no < 10, "paging does not end");
        }
        assert_eq!(all.len(), 600);
        let snapshot = db.store.audit_snapshot().await.unwrap();
        for (i, entry) in all.iter().enumerate() {
            assert_eq!(entry.seq, i as u64);
            assert_eq!(entry.event, sample_event(i as u64));
            assert_eq!(entry.leaf_hash, custos_audit::leaf_hash(&snapshot.rows[i].1));
        }
        // A page across a bundle boundary.
        let page = db.store.audit_events(&who, Some(250), 10).await.unwrap();
        assert_eq!(seqs(&page), (251..=260).collect::<Vec<_>>());
        assert_eq!(page.next, Some(260));
        // Exactly the rest: no `next`.
        let page = db.store.audit_events(&who, Some(589), 10).await.unwrap();
        assert_eq!(seqs(&page), (590..600).collect::<Vec<_>>());
        assert_eq!(page.next, None);
        // The limit is capped; 0 is refused.
        let page = db.store.audit_events(&who, None, 10_000).await.unwrap();
        assert_eq!(page.entries.len(), MAX_AUDIT_PAGE as usize);
        assert_eq!(page.next, Some(u64::from(MAX_AUDIT_PAGE) - 1));
        let err = db.store.audit_events(&who, None, 0).await.unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(e) if e.0[0].field == "limit"), "{err:?}");
        // Past the end, nothing (and no `next`).
        for after in [599, 10_000, u64::MAX] {
            let page = db.store.audit_events(&who, Some(after), 10).await.unwrap();
            assert_eq!(page, AuditPage { entries: Vec::new(), next: None }, "after {after}");
        }
        // The consultations are in the log once integrated, but were not shown before.
        let consultations = events_since(&db, 600).await;
        assert_eq!(consultations.len(), 12, "6 pages, then 6 more reads (the refused limit of 0 never got that far)");
        for event in &consultations {
            assert_consultation(event, &who, AuditKind::Read, "events");
        }
    }

    async fn pending_events_are_not_shown_until_integrated(db: TestDb) {
        let who = auditor();
        let page = db.store.audit_events(&who, None, 10).await.unwrap();
        assert_eq!(page, AuditPage { entries: Vec::new(), next: None }, "an empty log");
        assert_eq!(db.store.audit_checkpoint(&who).await.unwrap(), None, "no checkpoint before the first integration");
        let err = db.store.audit_inclusion_proof(&who, 0).await.unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
        db.store.record_events(&[sample_event(0), sample_event(1), sample_event(2)]).await.unwrap();
        assert_eq!(db.store.integrate_audit().await.unwrap().integrated, 6);
        // The three consultations above were pending first, so they are leaves 0–2, and the
        // sample events are 3–5.
        let page = db.store.audit_events(&who, None, 10).await.unwrap();
        assert_eq!(seqs(&page), [0, 1, 2, 3, 4, 5]);
        assert_consultation(&page.entries[0].event, &who, AuditKind::Read, "events");
        assert_consultation(&page.entries[1].event, &who, AuditKind::Read, "checkpoint");
        assert_consultation(&page.entries[2].event, &who, AuditKind::Read, "inclusion/0");
        assert_eq!(page.entries[3].event, sample_event(0));
        // The consultation just made is pending, not shown.
        let page = db.store.audit_events(&who, Some(5), 10).await.unwrap();
        assert!(page.entries.is_empty());
        assert_eq!(pending(&db).await, 2);
    }

    async fn investigators_are_denied_and_the_denial_is_audited(db: TestDb) {
        log_of(&db, 5).await;
        let who = investigator();
        let denied = |r: Result<(), StoreError>| assert!(matches!(r, Err(StoreError::Denied)), "{r:?}");
        denied(db.store.audit_events(&who, None, 10).await.map(drop));
        denied(db.store.audit_checkpoint(&who).await.map(drop));
        denied(db.store.audit_inclusion_proof(&who, 1).await.map(drop));
        assert_eq!(pending(&db).await, 3, "every denial is committed");
        let events = events_since(&db, 5).await;
        assert_eq!(events.len(), 3);
        assert_consultation(&events[0], &who, AuditKind::AccessDenied, "events");
        assert_consultation(&events[1], &who, AuditKind::AccessDenied, "checkpoint");
        assert_consultation(&events[2], &who, AuditKind::AccessDenied, "inclusion/1");
    }

    async fn checkpoints_and_proofs_verify(db: TestDb) {
        log_of(&db, 300).await;
        let who = auditor();
        let note = db.store.audit_checkpoint(&who).await.unwrap().expect("a checkpoint");
        let verifier = db.store.audit_verifier();
        let checkpoint = Checkpoint::parse(custos_audit::open(&note, std::slice::from_ref(&verifier)).unwrap()).unwrap();
        assert_eq!(checkpoint.size(), 300);
        let page = db.store.audit_events(&who, None, MAX_AUDIT_PAGE).await.unwrap();
        for seq in [0, 255, 256, 299] {
            let proof = db.store.audit_inclusion_proof(&who, seq).await.unwrap();
            assert_eq!(proof.note, note);
            assert_eq!(proof.seq, seq);
            let hash = page.entries[seq as usize].leaf_hash;
            assert_eq!(custos_audit::leaf_hash(&proof.leaf), hash);
            assert!(verify_inclusion(&hash, seq, checkpoint.size(), &proof.proof, checkpoint.root()));
            let other = page.entries[(seq as usize + 1) % 300].leaf_hash;
            assert!(!verify_inclusion(&other, seq, checkpoint.size(), &proof.proof, checkpoint.root()));
        }
        // A leaf the checkpoint does not cover yet (the consultations above are pending).
        let err = db.store.audit_inclusion_proof(&who, 300).await.unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
        let consultations = events_since(&db, 300).await;
        let whats: Vec<&str> = consultations.iter().map(|e| e.objects[0].id.as_str()).collect();
        assert_eq!(whats, ["checkpoint", "events", "inclusion/0", "inclusion/255", "inclusion/256", "inclusion/299", "inclusion/300"]);
    }

    async fn a_damaged_log_is_an_error_not_a_gap(db: TestDb) {
        log_of(&db, 600).await;
        let who = auditor();
        let mut conn = db.raw().await;
        conn.execute("DELETE FROM audit_bundle WHERE first_seq = 256").await.unwrap();
        // Pages that stay inside the first bundle are fine.
        assert_eq!(db.store.audit_events(&who, None, 100).await.unwrap().entries.len(), 100);
        for after in [None, Some(250), Some(255), Some(300)] {
            let err = db.store.audit_events(&who, after, MAX_AUDIT_PAGE).await.unwrap_err();
            assert!(matches!(&err, StoreError::Audit(m) if m.contains("damaged")), "after {after:?}: {err:?}");
        }
        // An edited leaf (its header claims another seq) is refused too.
        let bundle: Vec<u8> = sqlx::query("SELECT leaves FROM audit_bundle WHERE first_seq = 0")
            .fetch_one(&mut conn).await.unwrap().get(0);
        let mut edited = bundle.clone();
        edited[4 + 8] ^= 0x01; // the last byte of leaf 0's seq (after its length and format byte)
        sqlx::query("UPDATE audit_bundle SET leaves = $1 WHERE first_seq = 0").bind(edited).execute(&mut conn).await.unwrap();
        let err = db.store.audit_events(&who, None, 10).await.unwrap_err();
        assert!(matches!(&err, StoreError::Audit(m) if m.contains("leaf 0")), "{err:?}");
    }

    async fn nothing_is_shown_if_the_consultation_cannot_be_audited(db: TestDb) {
        log_of(&db, 5).await;
        let mut conn = db.raw().await;
        if db.is_postgres() {
            conn.execute("CREATE FUNCTION fail_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$ LANGUAGE plpgsql")
                .await.unwrap();
            conn.execute("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_pending FOR EACH ROW EXECUTE FUNCTION fail_audit()")
                .await.unwrap();
        } else {
            conn.execute("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_pending BEGIN SELECT RAISE(ABORT, 'injected'); END")
                .await.unwrap();
        }
        let who = auditor();
        let audit_failed = |r: Result<(), StoreError>| assert!(matches!(r, Err(StoreError::Audit(_))), "{r:?}");
        audit_failed(db.store.audit_events(&who, None, 10).await.map(drop));
        audit_failed(db.store.audit_checkpoint(&who).await.map(drop));
        audit_failed(db.store.audit_inclusion_proof(&who, 0).await.map(drop));
        audit_failed(db.store.audit_events(&investigator(), None, 10).await.map(drop));
    }
}
