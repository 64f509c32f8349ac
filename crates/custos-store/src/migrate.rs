//! Embedded schema migrations, one tree per backend with the same names, applied at start.
//!
//! A small runner of our own rather than `sqlx::migrate!` (which needs sqlx's proc macros and a
//! second copy of the driver stack at build time). Each applied migration is recorded with a
//! checksum: an edited migration or a database written by a newer Custos refuses to start.

use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Executor, Row};

use crate::db::Backend;
use crate::error::StoreError;

/// One migration: its number, its name (the same on both backends) and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $( $version:literal => $name:literal ),* $(,)?) => {
        &[ $( Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../../migrations/", $dir, "/", $name, ".sql")),
        } ),* ]
    };
}

const SQLITE: &[Migration] = migrations!("sqlite": 1 => "0001_core", 2 => "0002_sessions", 3 => "0003_terms", 4 => "0004_merge", 5 => "0005_person_match", 6 => "0006_batch", 7 => "0007_block_key_scheme", 8 => "0008_import_record_order", 9 => "0009_records", 10 => "0010_one_custody_per_arrest", 11 => "0011_information_requests", 12 => "0012_audit_subject", 13 => "0013_retention", 14 => "0014_retention_refinements");
const POSTGRES: &[Migration] = migrations!("postgres": 1 => "0001_core", 2 => "0002_sessions", 3 => "0003_terms", 4 => "0004_merge", 5 => "0005_person_match", 6 => "0006_batch", 7 => "0007_block_key_scheme", 8 => "0008_import_record_order", 9 => "0009_records", 10 => "0010_one_custody_per_arrest", 11 => "0011_information_requests", 12 => "0012_audit_subject", 13 => "0013_retention", 14 => "0014_retention_refinements");

/// The migrations of a backend, in order.
pub fn migrations(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    SQLITE.last().map_or(0, |m| m.version)
}

fn checksum(sql: &str) -> String {
    let digest = Sha256::digest(sql.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Applies every migration not yet applied, each in its own transaction, after checking that the
/// database was not written by a newer Custos and that no applied migration has been edited.
pub async fn run(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    pool.execute(
        "CREATE TABLE IF NOT EXISTS custos_schema (
             version     BIGINT PRIMARY KEY,
             name        TEXT NOT NULL,
             checksum    TEXT NOT NULL,
             applied_at  BIGINT NOT NULL
         )",
    )
    .await?;
    let applied = sqlx::query("SELECT version, name, checksum FROM custos_schema ORDER BY version")
        .fetch_all(pool)
        .await?;
    let known = migrations(backend);
    for row in &applied {
        let version: i64 = row.try_get("version")?;
        let name: String = row.try_get("name")?;
        let sum: String = row.try_get("checksum")?;
        let Some(m) = known.iter().find(|m| m.version == version) else {
            return Err(StoreError::Schema(format!(
                "the database has schema version {version} ({name}), newer than this build of \
                 Custos knows (latest {}); upgrade Custos before opening it",
                latest_version()
            )));
        };
        if m.name != name || checksum(m.sql) != sum {
            return Err(StoreError::Schema(format!(
                "migration {version} ({name}) applied to this database differs from the one in \
                 this build; migrations must never be edited once applied"
            )));
        }
    }
    let done = applied.len();
    for m in &known[done.min(known.len())..] {
        let mut tx = pool.begin().await?;
        tx.execute(m.sql).await.map_err(|e| {
            StoreError::Schema(format!("migration {} ({}) failed: {e}", m.version, m.name))
        })?;
        sqlx::query(
            "INSERT INTO custos_schema (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(checksum(m.sql))
        .bind(crate::clock::now_micros())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    // Data that a schema migration cannot derive in SQL (search terms come from the record
    // bodies' JSON through Rust rules), filled in once the schema is there.
    crate::terms::backfill(pool, backend).await?;
    crate::matching::backfill(pool, backend).await?;
    crate::full_text::backfill(pool, backend).await?;
    crate::audit_subject::backfill(pool, backend).await?;
    crate::retention::backfill(pool, backend).await?;
    crate::retention::refine(pool, backend).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migration_names() {
        let names = |b| migrations(b).iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
        assert_eq!(names(Backend::Sqlite), names(Backend::Postgres));
        for (i, m) in SQLITE.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "migrations are numbered 1, 2, 3…");
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
        }
    }
}
