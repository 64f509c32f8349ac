//! Group commit of read audit events: many concurrent reads, one audit transaction.
//!
//! A read used to open a write transaction just to insert its audit event, so concurrent reads
//! queued one by one on the database's write lock (SQLite has one writer; PostgreSQL flushes the
//! WAL at every commit). Now a read loads and authorises its record on an ordinary connection,
//! hands its event (with its justification, as an erasable payload) to the one writer task of the
//! store, and waits. The writer takes whatever events are queued, up to [`MAX_BATCH`], writes them
//! in one transaction and tells every waiting read whether that transaction committed.
//!
//! The invariant is unchanged: a read's event has committed before the read returns its data, and
//! if the event cannot be written the read fails (the caller gets `StoreError::Audit`, not the
//! record). Denials are audited the same way. A read whose caller goes away while it waits still
//! has its event committed: the writer, not the reading task, owns the write.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use custos_audit::AuditEvent;
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
use tokio::sync::{mpsc, oneshot};

use crate::audit_log::{self, Payload, Personal};
use crate::db::Backend;
use crate::error::StoreError;

/// After this long without a batch, the writer's connection is pinged before it is used.
const IDLE_CHECK: Duration = Duration::from_secs(5);

/// Most events written in one transaction; more queued than this wait for the next one.
const MAX_BATCH: usize = 512;

/// How long the SQLite write lock is left free after each batch (see `write_batches`).
const SQLITE_GAP: Duration = Duration::from_millis(1);

/// The store's read-audit writer. Cheap to clone; started on first use on the current runtime,
/// and started again if that runtime has gone (a store outliving the runtime that first used it).
#[derive(Clone)]
pub(crate) struct ReadAudit {
    inner: Arc<Inner>,
}

struct Inner {
    pool: AnyPool,
    backend: Backend,
    lock_waiters: crate::db::LockWaiters,
    queue: Mutex<Option<mpsc::UnboundedSender<Job>>>,
}

/// One read's audit, ready to insert: the encoded event and its payload, if it has one.
struct Job {
    event: String,
    payload: Option<Payload>,
    committed: oneshot::Sender<bool>,
}

impl ReadAudit {
    pub(crate) fn new(pool: &AnyPool, backend: Backend, lock_waiters: crate::db::LockWaiters) -> Self {
        Self { inner: Arc::new(Inner { pool: pool.clone(), backend, lock_waiters, queue: Mutex::new(None) }) }
    }

    /// Writes `event` (with `personal` as its erasable payload) and returns once the transaction
    /// holding it has committed. Fails if it did not: the caller must then not return the data.
    pub(crate) async fn record(&self, mut event: AuditEvent, personal: &Personal<'_>) -> Result<(), StoreError> {
        // Encoding and hashing happen here, on the reading task, so the writer only writes.
        let payload = Payload::of(personal)?;
        if let Some(payload) = &payload {
            event.payload = Some(payload.commitment());
        }
        let (committed, outcome) = oneshot::channel();
        self.submit(Job { event: audit_log::encode(&event)?, payload, committed })?;
        // A writer that stopped before answering (its runtime shut down) drops the sender: that
        // read is not known to be audited, so it fails like any other failed audit write.
        match outcome.await {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => Err(StoreError::Audit("the read could not be audited, so nothing is returned".into())),
        }
    }

    fn submit(&self, job: Job) -> Result<(), StoreError> {
        let mut queue = self.inner.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let job = match queue.as_ref() {
            Some(sender) => match sender.send(job) {
                Ok(()) => return Ok(()),
                Err(mpsc::error::SendError(job)) => job,
            },
            None => job,
        };
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| StoreError::Audit("reads are audited from within the async runtime".into()))?;
        let (sender, receiver) = mpsc::unbounded_channel();
        runtime.spawn(write_batches(self.inner.pool.clone(), self.inner.backend, self.inner.lock_waiters.clone(), receiver));
        sender
            .send(job)
            .map_err(|_| StoreError::Audit("the read-audit writer did not start".into()))?;
        *queue = Some(sender);
        Ok(())
    }
}

/// The writer: one transaction per batch of whatever is queued, until every sender is gone or the
/// pool is closed.
async fn write_batches(pool: AnyPool, backend: Backend, lock_waiters: crate::db::LockWaiters, mut jobs: mpsc::UnboundedReceiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut connection: Option<AnyConnection> = None;
    let mut last_write = Instant::now();
    let closed = pool.close_event();
    tokio::pin!(closed);
    loop {
        let received = tokio::select! {
            // Once the pool is closing, write nothing more (the queued reads fail).
            biased;
            () = &mut closed => 0,
            received = jobs.recv_many(&mut batch, MAX_BATCH) => received,
        };
        if received == 0 {
            break;
        }
        // A connection idle for a while may have been closed by the server or a proxy; check it
        // before trusting a batch to it (a failed ping costs nothing: nothing was sent).
        if last_write.elapsed() > IDLE_CHECK
            && let Some(c) = connection.as_mut()
            && c.ping().await.is_err()
        {
            connection = None;
        }
        last_write = Instant::now();
        let committed = match write(&pool, backend, &lock_waiters, &mut connection, &batch).await {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, events = batch.len(), "read audit write failed; those reads fail");
                // The connection may be what failed: take a fresh one for the next batch.
                connection = None;
                false
            }
        };
        for job in batch.drain(..) {
            // The reader may have gone away; its event is committed (or not) all the same.
            let _ = job.committed.send(committed);
        }
        if backend == Backend::Sqlite {
            // Leave the write lock free for a moment: the other writers (the integrator, creates
            // and changes) wait for it in SQLite's busy handler, which only tries now and then,
            // and back-to-back batches would starve them. Reads arriving meanwhile join the next
            // batch, so they wait a millisecond longer but share its commit.
            tokio::time::sleep(SQLITE_GAP).await;
        }
    }
}

async fn write(
    pool: &AnyPool,
    backend: Backend,
    lock_waiters: &crate::db::LockWaiters,
    connection: &mut Option<AnyConnection>,
    batch: &[Job],
) -> Result<(), StoreError> {
    let connection = match connection {
        Some(connection) => connection,
        None => connection.insert(dedicated(pool, backend).await?),
    };
    match backend {
        Backend::Postgres => {
            let mut tx = connection.begin().await.map_err(audit_log::audit_write_failed)?;
            insert(&mut tx, batch).await?;
            tx.commit().await.map_err(audit_log::audit_write_failed)
        }
        Backend::Sqlite => {
            // On any failure the caller drops this connection, which rolls back what is open.
            lock(connection, lock_waiters).await?;
            insert(connection, batch).await?;
            connection.execute("COMMIT").await.map(drop).map_err(audit_log::audit_write_failed)
        }
    }
}

async fn insert(connection: &mut AnyConnection, batch: &[Job]) -> Result<(), StoreError> {
    let payloads: Vec<&Payload> = batch.iter().filter_map(|job| job.payload.as_ref()).collect();
    audit_log::store_payloads(connection, &payloads).await?;
    let events: Vec<&str> = batch.iter().map(|job| job.event.as_str()).collect();
    audit_log::append_encoded(connection, &events).await
}

/// The writer's own connection, taken out of the pool so that it never queues behind the reads
/// for one (the pool may open a replacement).
///
/// On SQLite it does not run WAL checkpoints itself: a checkpoint copies the WAL into the database
/// and syncs it, and every read waiting on the batch that happened to trigger one would wait for
/// that too. The other connections' commits still checkpoint as usual (in `custos serve`, the
/// integrator's every second), so the WAL stays bounded. Nor does it wait for the write lock in
/// SQLite's busy handler (see [`begin_immediate`]).
async fn dedicated(pool: &AnyPool, backend: Backend) -> Result<AnyConnection, StoreError> {
    let mut connection = pool.acquire().await.map_err(audit_log::audit_write_failed)?.detach();
    if backend == Backend::Sqlite {
        connection
            .execute("PRAGMA wal_autocheckpoint = 0; PRAGMA busy_timeout = 0")
            .await
            .map_err(audit_log::audit_write_failed)?;
    }
    Ok(connection)
}

/// How long the writer waits for SQLite's write lock before failing the batch (as long as the
/// pool's busy timeout, see `db::connect`).
const LOCK_PATIENCE: Duration = Duration::from_secs(10);

/// Opens the batch's transaction with SQLite's write lock (`BEGIN IMMEDIATE`, as every writer
/// does: see `Store::begin_write`), retried every millisecond while another connection (the
/// integrator, a create) holds the lock. SQLite's own busy handler sleeps ever longer between
/// tries (25 ms, then 50 and 100 ms), so a batch of reads would go on waiting long after the lock
/// was free; here the wait ends about a millisecond after its release. Once the lock is held,
/// nothing else in the transaction waits for another connection in WAL mode.
async fn lock(connection: &mut AnyConnection, lock_waiters: &crate::db::LockWaiters) -> Result<(), StoreError> {
    let _waiting = lock_waiters.wait();
    let give_up = Instant::now() + LOCK_PATIENCE;
    loop {
        match connection.execute("BEGIN IMMEDIATE").await {
            Ok(_) => return Ok(()),
            Err(e) if is_busy(&e) && Instant::now() < give_up => tokio::time::sleep(Duration::from_millis(1)).await,
            Err(e) => return Err(audit_log::audit_write_failed(e)),
        }
    }
}

/// Whether SQLite answered `SQLITE_BUSY` (another connection holds the lock).
fn is_busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|db| db.code())
        .is_some_and(|code| code.parse::<i32>().is_ok_and(|code| code & 0xff == 5))
}
