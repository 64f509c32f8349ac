//! The audit log on disk: a failed audit write fails the operation; integration signs checkpoints
//! that verify; any stored edit is found and named; proofs check out; the key is stable.

use custos_audit::{verify_consistency, verify_inclusion};
use sqlx::Executor;

use custos_store::conformance;
use crate::fixtures::*;
use custos_store::testing::TestDb;

/// Makes every insert into the audit queue fail, as a full disk or a broken table would.
async fn break_audit_writes(db: &TestDb) {
    let mut conn = db.raw().await;
    if db.is_postgres() {
        conn.execute(
            "CREATE FUNCTION fail_audit() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'injected audit failure'; END $$ LANGUAGE plpgsql",
        )
        .await
        .unwrap();
        conn.execute(
            "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_pending FOR EACH ROW EXECUTE FUNCTION fail_audit()",
        )
        .await
        .unwrap();
    } else {
        conn.execute(
            "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_pending \
             BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END",
        )
        .await
        .unwrap();
    }
}

async fn some_history(db: &TestDb, n: usize) {
    let who = investigator();
    for i in 0..n {
        let id = db.store
            .create_entity(&who, person("Ada", &format!("Lovelace{}", "e".repeat(i % 3)), "1990-12-10"), marking(), None)
            .await
            .unwrap();
        db.store.read_entity(&who, id, &why()).await.unwrap();
        if i % 4 == 3 {
            db.store.integrate_audit().await.unwrap();
        }
    }
    db.store.integrate_audit().await.unwrap();
}

conformance! {
    async fn a_failed_audit_write_stores_nothing(db: TestDb) {
        let who = investigator();
        let id = db.store.create_entity(&who, person("Ada", "Lovelace", "1990-12-10"), marking(), None).await.unwrap();
        break_audit_writes(&db).await;
        let err = db.store.create_entity(&who, person("Bob", "Lovelace", "1991-01-01"), marking(), None).await.unwrap_err();
        assert!(err.to_string().contains("audit"), "{err}");
        let err = db.store.read_entity(&who, id, &why()).await.unwrap_err();
        assert!(err.to_string().contains("audit"), "a read whose audit fails returns nothing: {err}");
        let err = db.store
            .change_entity(&who, id, 1, person("Ada", "King", "1990-12-10"), custos_core::version::ChangeKind::Edited, None)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("audit"), "{err}");
        let mut conn = db.raw().await;
        assert_eq!(count(&mut conn, "entity").await, 1);
        assert_eq!(count(&mut conn, "entity_version").await, 1);
    }

    async fn integrated_logs_verify_and_prove(db: TestDb) {
        some_history(&db, 10).await;
        let verifier = db.store.audit_verifier();
        let report = db.store.verify_audit(std::slice::from_ref(&verifier)).await.unwrap().unwrap();
        assert_eq!(report.leaves, 20);
        assert_eq!(report.unsigned_tail, 0);
        assert!(report.checkpoints >= 3);
        let latest = report.latest.unwrap();
        assert_eq!(latest.size(), 20);
        for seq in [0, 7, 19] {
            let p = db.store.prove_inclusion(seq).await.unwrap();
            let hash = custos_audit::leaf_hash(&p.leaf);
            assert!(verify_inclusion(&hash, seq, p.checkpoint.size(), &p.proof, p.checkpoint.root()));
            assert!(!verify_inclusion(&hash, (seq + 1) % 20, p.checkpoint.size(), &p.proof, p.checkpoint.root()));
        }
        assert!(db.store.prove_inclusion(20).await.is_err());
        let c = db.store.prove_consistency(8, 20).await.unwrap();
        assert!(verify_consistency(8, 20, c.old.root(), c.new.root(), &c.proof));
        assert!(db.store.prove_consistency(9, 20).await.is_err(), "no checkpoint of size 9");
        // Reopening keeps the same key and extends the same log.
        let again = db.reopen().await.unwrap();
        assert_eq!(again.audit_verifier().to_string(), verifier.to_string());
    }

    async fn edited_leaves_are_named(db: TestDb) {
        // 12 leaves: a bundle of 8 (seq 0–7) and a bundle of 4 (seq 8–11).
        some_history(&db, 6).await;
        let verifier = db.store.audit_verifier();
        let verify = || async { db.store.verify_audit(std::slice::from_ref(&verifier)).await.unwrap() };
        let mut conn = db.raw().await;
        let bundle = |first: i64| sqlx::query("SELECT leaves FROM audit_bundle WHERE first_seq = $1").bind(first);
        let original: Vec<u8> = sqlx::Row::get(&bundle(0).fetch_one(&mut conn).await.unwrap(), 0);
        let store_bundle = |bytes: Vec<u8>| sqlx::query("UPDATE audit_bundle SET leaves = $1 WHERE first_seq = 0").bind(bytes);

        // Change one byte inside leaf 5's event (past its 4-byte length and 41-byte header).
        let leaves = custos_audit::decode_bundle(&original).unwrap();
        let offset: usize = leaves[..5].iter().map(|l| l.len() + 4).sum::<usize>() + 4 + 60;
        let mut edited = original.clone();
        edited[offset] ^= 0x01;
        store_bundle(edited).execute(&mut conn).await.unwrap();
        let err = verify().await.unwrap_err();
        assert!(err.to_string().starts_with("leaf 5"), "{err}");

        // Break a length prefix: the bundle is blamed on its first leaf.
        let mut edited = original.clone();
        edited[3] ^= 0x40;
        store_bundle(edited).execute(&mut conn).await.unwrap();
        let err = verify().await.unwrap_err();
        assert!(err.to_string().starts_with("leaf 0: the stored bundle"), "{err}");

        store_bundle(original).execute(&mut conn).await.unwrap();
        verify().await.expect("restored");
        // Delete the second bundle: its first leaf is named missing.
        conn.execute("DELETE FROM audit_bundle WHERE first_seq = 8").await.unwrap();
        let err = verify().await.unwrap_err();
        assert!(err.to_string().starts_with("leaf 8: missing"), "{err}");
    }

    async fn edited_checkpoints_are_named(db: TestDb) {
        some_history(&db, 4).await;
        let verifier = db.store.audit_verifier();
        let mut conn = db.raw().await;
        conn.execute("UPDATE audit_checkpoint SET note = REPLACE(note, 'custos.invalid', 'custos.lnvalid') WHERE id = (SELECT MIN(id) FROM audit_checkpoint)")
            .await
            .unwrap();
        let err = db.store.verify_audit(std::slice::from_ref(&verifier)).await.unwrap().unwrap_err();
        assert!(err.to_string().starts_with("checkpoint 0"), "{err}");
        // A different key does not verify this log at all.
        let stranger = custos_audit::NoteSigner::from_seed("custos-audit", [7; 32]).unwrap().verifier();
        assert!(db.store.verify_audit(&[stranger]).await.unwrap().is_err());
    }
}

conformance! {
    async fn deleting_checkpoints_cannot_hide_a_truncation_or_a_rewrite(db: TestDb) {
        some_history(&db, 6).await; // bundles at 0 (8 leaves) and 8 (4 leaves); checkpoints at 8 and 12
        let verifier = db.store.audit_verifier();
        let verify = || async { db.store.verify_audit(std::slice::from_ref(&verifier)).await.unwrap() };
        let mut conn = db.raw().await;
        // Only the last checkpoint deleted: its leaves are no longer sealed.
        conn.execute("DELETE FROM audit_checkpoint WHERE size = 12").await.unwrap();
        let err = verify().await.unwrap_err();
        assert!(err.to_string().starts_with("leaf 8: not covered"), "{err}");
        // The last checkpoint and its leaves deleted: what is left verifies on its own, but not
        // against the checkpoint kept beside the signing key.
        conn.execute("DELETE FROM audit_bundle WHERE first_seq = 8").await.unwrap();
        let err = verify().await.unwrap_err();
        assert!(err.to_string().contains("truncated or rewritten"), "{err}");
        // Nor will the integrator sign on from the truncated log.
        let who = investigator();
        db.store.create_entity(&who, person("Eve", "Forger", "1970-01-01"), marking(), None).await.unwrap();
        let err = db.store.integrate_audit().await.unwrap_err();
        assert!(err.to_string().contains("will not sign"), "{err}");
    }

    async fn the_integrator_signs_only_what_extends_the_signed_tree(db: TestDb) {
        some_history(&db, 2).await;
        let mut conn = db.raw().await;
        // Rewind the integrator's state to the empty tree, as someone rewriting history would.
        let empty = custos_audit::LogState::new().to_bytes();
        sqlx::query("UPDATE audit_state SET size = 0, state = $1").bind(empty).execute(&mut conn).await.unwrap();
        db.store.create_entity(&investigator(), person("Eve", "Forger", "1970-01-01"), marking(), None).await.unwrap();
        let err = db.store.integrate_audit().await.unwrap_err();
        assert!(err.to_string().contains("will not sign"), "{err}");
        assert_eq!(count(&mut conn, "audit_pending").await, 1, "the event waits, unsigned, for a sound log");
    }

    async fn a_log_is_only_ever_signed_by_its_own_key(db: TestDb) {
        some_history(&db, 1).await;
        // The same database opened with another data directory (so another signing key).
        let elsewhere = tempfile::tempdir().unwrap();
        let url = db.url.clone();
        let location = match &url {
            Some(url) => custos_store::Location::resolve(Some(url), elsewhere.path()).unwrap(),
            None => {
                let file = db.dir.path().join("custos.db");
                custos_store::Location::resolve(Some(&format!("sqlite://{}", file.display())), elsewhere.path()).unwrap()
            }
        };
        let other = custos_store::Store::open(&location).await.unwrap();
        other.create_entity(&investigator(), person("Eve", "Forger", "1970-01-01"), marking(), None).await.unwrap();
        let err = other.integrate_audit().await.unwrap_err();
        assert!(err.to_string().contains("--data-dir"), "{err}");
        // The right key still integrates it.
        assert_eq!(db.store.integrate_audit().await.unwrap().integrated, 1);
    }

    async fn concurrent_writers_lose_no_audit_event(db: TestDb) {
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let store = db.store.clone();
                tokio::spawn(async move {
                    for i in 0..25 {
                        let surname = format!("Writer{}", ["a", "b", "c", "d"][w]);
                        store.create_entity(&investigator(), person("Con", &surname, "1980-01-01"), marking(), Some(&format!("batch {i}"))).await.unwrap();
                    }
                })
            })
            .collect();
        let integrator = {
            let store = db.store.clone();
            tokio::spawn(async move {
                for _ in 0..50 {
                    store.integrate_audit().await.unwrap();
                    tokio::task::yield_now().await;
                }
            })
        };
        for w in writers {
            w.await.unwrap();
        }
        integrator.await.unwrap();
        db.store.integrate_audit().await.unwrap();
        let mut conn = db.raw().await;
        assert_eq!(count(&mut conn, "audit_pending").await, 0);
        let report = db.store.verify_audit(&[db.store.audit_verifier()]).await.unwrap().unwrap();
        assert_eq!(report.leaves, 100, "one leaf per create, none lost");
    }
}

conformance! {
    async fn a_checkpoint_deleted_from_the_middle_is_found(db: TestDb) {
        some_history(&db, 10).await; // checkpoints at 8, 16 and 20
        let mut conn = db.raw().await;
        conn.execute("DELETE FROM audit_checkpoint WHERE size = 16").await.unwrap();
        let err = db.store.verify_audit(&[db.store.audit_verifier()]).await.unwrap().unwrap_err();
        assert!(err.to_string().starts_with("checkpoint 1 (size 20)") && err.to_string().contains("missing"), "{err}");
    }
}
