//! Migrations: applied on an empty database, idempotent on reopen, and refusing a database written
//! by a newer Custos or whose applied migrations were edited.

use custos_store::conformance;
use sqlx::Executor;

conformance! {
    async fn reopening_applies_nothing_twice(db: TestDb) {
        let mut conn = db.raw().await;
        let applied = crate::fixtures::count(&mut conn, "custos_schema").await;
        assert_eq!(applied, custos_store::migrate::latest_version());
        db.reopen().await.expect("reopen");
        assert_eq!(crate::fixtures::count(&mut conn, "custos_schema").await, applied);
    }

    async fn a_newer_schema_refuses_to_start(db: TestDb) {
        let mut conn = db.raw().await;
        conn.execute(
            "INSERT INTO custos_schema (version, name, checksum, applied_at) VALUES (999, '0999_future', 'x', 0)",
        )
        .await
        .unwrap();
        let err = db.reopen().await.expect_err("a newer schema must refuse");
        let text = err.to_string();
        assert!(text.contains("schema version 999") && text.contains("upgrade Custos"), "{text}");
    }

    async fn an_edited_migration_refuses_to_start(db: TestDb) {
        let mut conn = db.raw().await;
        conn.execute("UPDATE custos_schema SET checksum = 'edited' WHERE version = 1").await.unwrap();
        let err = db.reopen().await.expect_err("an edited migration must refuse");
        assert!(err.to_string().contains("must never be edited"), "{err}");
    }
}
