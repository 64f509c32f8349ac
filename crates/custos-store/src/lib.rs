//! Custos storage: one [`Store`] over SQLite (the embedded default) or PostgreSQL, chosen at run
//! time. Every operation on personal data takes the acting [`Principal`], asks the policy engine,
//! and writes its audit event in the same transaction as the change; a read's event commits
//! before the data is returned. There is deliberately no unscoped "find by id".

pub mod audit;
mod audit_log;
pub mod audit_subject;
pub mod batch;
pub mod clock;
pub mod db;
mod disposal;
pub mod entities;
mod linking_read;
pub mod error;
pub mod full_text;
mod group_commit;
pub mod matching;
pub mod merge;
pub mod migrate;
mod read_audit;
mod records;
mod references;
pub mod request_erasure;
pub mod related;
pub mod retention;
pub mod retention_report;
pub mod retention_review;
pub mod retention_sweep;
pub mod review;
pub mod rights;
pub mod search;
pub mod sessions;
pub mod signing_key;
pub mod subject_access;
mod sql;
mod terms;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;

use std::sync::Arc;

use custos_audit::{AuditEvent, AuditKind, NoteSigner, ObjectRef};
use custos_authz::{Authorizer, Principal};
use sqlx::{Any, AnyPool, Transaction};

pub use db::{Backend, Location};
pub use error::StoreError;

/// The store: a connection pool, the policy engine and the audit signer.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    data_dir: std::path::PathBuf,
    authz: Arc<Authorizer>,
    signer: Arc<NoteSigner>,
    /// Group-commits read audit events (see `read_audit`).
    reads: read_audit::ReadAudit,
    /// Group-commits creations (see `group_commit`).
    creations: Arc<group_commit::Creations>,
    /// Who is waiting for SQLite's write lock.
    lock_waiters: db::LockWaiters,
    /// Held by the one integration running in this process (the server's loop, or an export
    /// sealing the log first): the checkpoint kept beside the key is read and written under it.
    integrator: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database, applies pending migrations, and loads or creates
    /// the audit signing key in the data directory.
    pub async fn open(location: &Location) -> Result<Self, StoreError> {
        let pool = db::connect(location).await?;
        migrate::run(&pool, location.backend()).await?;
        let signer = signing_key::load_or_create(location.data_dir())?;
        let authz = Authorizer::new()
            .map_err(|e| StoreError::Config(format!("the authorisation policies are invalid: {e}")))?;
        let lock_waiters = db::LockWaiters::default();
        Ok(Self {
            reads: read_audit::ReadAudit::new(&pool, location.backend(), lock_waiters.clone()),
            lock_waiters,
            pool,
            backend: location.backend(),
            data_dir: location.data_dir().to_path_buf(),
            authz: Arc::new(authz),
            signer: Arc::new(signer),
            creations: Arc::default(),
            integrator: Arc::default(),
        })
    }

    /// This store without its creation writer: the writer's own handle (see `group_commit`).
    fn without_writers(&self) -> Self {
        Self { creations: Arc::default(), ..self.clone() }
    }

    /// Whether the database holds nothing yet: no users, records or audit events (for tools that
    /// must only ever run on a scratch database).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM entity) \
             + (SELECT COUNT(*) FROM audit_pending) + (SELECT COUNT(*) FROM audit_bundle)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(sqlx::Row::try_get::<i64, _>(&row, 0)? == 0)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn authorizer(&self) -> &Authorizer {
        &self.authz
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A read-only view of one moment: on PostgreSQL a repeatable-read transaction (one snapshot
    /// for every statement); on SQLite any transaction reads one snapshot.
    pub(crate) async fn begin_snapshot(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        })
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so that two writers queue on the busy timeout instead of deadlocking when a
    /// reader upgrades. Every audited operation writes (its audit event), reads included.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let _waiting = self.lock_waiters.wait();
                self.pool.begin_with("BEGIN IMMEDIATE").await?
            }
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Whether another writer of this process is waiting for SQLite's write lock.
    pub(crate) fn writer_waiting(&self) -> bool {
        self.lock_waiters.any()
    }
}

/// Builds an audit event for `principal` doing `kind` on `objects`, recording the policy decision.
/// Free text (justifications, reasons, search terms) never goes into the event itself: it may name
/// people, so it is attached as an erasable payload (`audit_log::append_with_text`).
pub(crate) fn audit_event(
    kind: AuditKind,
    principal: &Principal,
    objects: Vec<ObjectRef>,
    decision: &custos_authz::Decision,
) -> AuditEvent {
    AuditEvent {
        kind,
        actor: principal.user.to_string(),
        at: jiff::Timestamp::now(),
        objects,
        justification: None,
        decision: if decision.allowed {
            custos_audit::Decision::Allow
        } else {
            custos_audit::Decision::Deny
        },
        policies: decision.policies.clone(),
        payload: None,
    }
}
