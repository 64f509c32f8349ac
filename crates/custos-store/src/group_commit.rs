//! Group commit of creations: many officers creating records at once, one transaction.
//!
//! A creation costs a dozen statements, but its transaction costs more: on SQLite the write lock
//! is taken and released, and the WAL appended, once per transaction, and concurrent writers
//! waiting for the lock sleep in SQLite's busy handler; on PostgreSQL each commit flushes the
//! WAL. So `Store::create_entities` authorises its records on the calling task, then hands them
//! to the store's one creation writer and waits. The writer takes whatever creations are queued
//! (up to [`MAX_GROUP`]) and writes them in one transaction, each inside its own savepoint.
//!
//! Each creation still stands alone:
//!
//! - A refused creation (a rule, a wrong reference) is rolled back to its savepoint, and only
//!   that creation fails.
//! - A denied reference keeps its denial event: it is written after the rollback, and committed
//!   with the group.
//! - Each creation's records and audit events commit together or not at all. No creation returns
//!   before the transaction holding it has committed. If the commit fails, every creation in the
//!   group fails, and nothing of any of them is stored.

use std::sync::{Mutex, PoisonError};

use custos_audit::AuditEvent;
use custos_authz::Principal;
use sqlx::{Any, Transaction};
use tokio::sync::{mpsc, oneshot};

use std::collections::HashMap;

use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;

use crate::audit_log::{self, Personal};
use crate::entities::{Authored, NewEntity, write_authored};
use crate::error::StoreError;
use crate::references::{Refusal, load_targets, referenced};
use crate::Store;

/// The most creations written in one transaction.
const MAX_GROUP: usize = 64;

/// How long the SQLite write lock is left free after a group when another writer waits for it.
const SQLITE_GAP: std::time::Duration = std::time::Duration::from_millis(1);

/// One creation, authorised: its records and the audit events to write with them.
pub(crate) struct Creation {
    pub principal: Principal,
    pub entities: Vec<NewEntity>,
    pub reason: Option<String>,
    pub events: Vec<AuditEvent>,
}

struct Job {
    creation: Creation,
    done: oneshot::Sender<Result<(), StoreError>>,
}

/// The store's creation writer, started on first use on the current runtime (and again should
/// that runtime have gone).
#[derive(Default)]
pub(crate) struct Creations {
    queue: Mutex<Option<mpsc::UnboundedSender<Job>>>,
}

impl Creations {
    /// Writes `creation` in the next group and returns once that group has committed.
    pub(crate) async fn submit(&self, store: &Store, creation: Creation) -> Result<(), StoreError> {
        let (done, outcome) = oneshot::channel();
        self.send(store, Job { creation, done })?;
        // A writer that stopped before answering (its runtime shut down) drops the sender.
        outcome.await.unwrap_or_else(|_| Err(StoreError::Unavailable("the record could not be stored; nothing was stored".into())))
    }

    fn send(&self, store: &Store, job: Job) -> Result<(), StoreError> {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let job = match queue.as_ref() {
            Some(sender) => match sender.send(job) {
                Ok(()) => return Ok(()),
                Err(mpsc::error::SendError(job)) => job,
            },
            None => job,
        };
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| StoreError::Unavailable("records are created from within the async runtime".into()))?;
        let (sender, receiver) = mpsc::unbounded_channel();
        // The writer's own copy of the store has no writer of its own: it holds no sender, so
        // the writer stops once every store handle (and so every sender) is gone.
        runtime.spawn(write_groups(store.without_writers(), receiver));
        sender.send(job).map_err(|_| StoreError::Unavailable("the record writer did not start".into()))?;
        *queue = Some(sender);
        Ok(())
    }
}

async fn write_groups(store: Store, mut jobs: mpsc::UnboundedReceiver<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        // A creator that stopped waiting (its request timed out and was answered) is not
        // written: it was told nothing was stored, and a retry must not make a duplicate.
        group.retain(|job| !job.done.is_closed());
        if group.is_empty() {
            continue;
        }
        let outcomes = match store.write_group(&group).await {
            Ok(outcomes) => outcomes,
            Err(e) => {
                tracing::error!(error = %e, creations = group.len(), "a group of creations could not be committed");
                group.iter().map(|_| Err(StoreError::Unavailable("the record could not be stored; nothing was stored".into()))).collect()
            }
        };
        for (job, outcome) in group.drain(..).zip(outcomes) {
            // A creator that stopped waiting while its group was written is not told; what it
            // created stays committed (the window is one group's write).
            let _ = job.done.send(outcome);
        }
        if store.backend() == crate::db::Backend::Sqlite && store.writer_waiting() {
            // Leave the write lock free a moment, so that another writer waiting for it (the
            // audit integrator, a change, the read audits) is not starved by back-to-back
            // groups. With nobody waiting, the next group goes at once.
            tokio::time::sleep(SQLITE_GAP).await;
        }
    }
}

async fn savepoint(tx: &mut Transaction<'static, Any>, sql: &'static str) -> Result<(), StoreError> {
    sqlx::query(sql).execute(&mut **tx).await?;
    Ok(())
}

impl Store {
    /// Writes a group in one transaction; the outcome of each creation, or an error when the
    /// group as a whole could not be committed (then nothing of it is stored).
    ///
    /// First all together, as one batch (the statements of a batch cost little more than those
    /// of one creation). If anything in it is refused, that transaction is rolled back and the
    /// group written again one creation per savepoint, so that only the refused ones fail.
    async fn write_group(&self, group: &[Job]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        if group.len() > 1 {
            let mut tx = self.begin_write().await?;
            if self.write_together(&mut tx, group).await.is_ok() {
                tx.commit().await?;
                return Ok(group.iter().map(|_| Ok(())).collect());
            }
            tx.rollback().await?;
        }
        self.write_one_by_one(group).await
    }

    /// Every creation of the group, checked and written as one batch.
    async fn write_together(&self, tx: &mut Transaction<'static, Any>, group: &[Job]) -> Result<(), Refusal> {
        // The targets of every creation's references, loaded at once; decided per creator.
        let mut checks = Vec::with_capacity(group.len());
        let mut wanted: Vec<EntityId> = Vec::new();
        for job in group {
            let c = &job.creation;
            let batch: HashMap<EntityId, EntityKind> = c.entities.iter().map(|e| (e.id, e.body.kind())).collect();
            let bodies: Vec<(EntityId, &EntityBody)> = c.entities.iter().map(|e| (e.id, &e.body)).collect();
            wanted.extend(referenced(&bodies, &batch));
            checks.push((&c.principal, bodies, batch));
        }
        wanted.sort();
        wanted.dedup();
        let stored = load_targets(tx, &wanted).await?;
        for (principal, bodies, batch) in &checks {
            self.decide_references(principal, bodies, batch, &stored)?;
        }
        let items: Vec<Authored<'_>> = group
            .iter()
            .flat_map(|job| {
                let c = &job.creation;
                c.entities.iter().map(move |entity| Authored { entity, author: &c.principal.user, reason: c.reason.as_deref() })
            })
            .collect();
        write_authored(tx, &items).await?;
        // The events of creations without a reason carry no text: one insert for them all.
        let mut plain: Vec<AuditEvent> = Vec::new();
        for job in group {
            let c = &job.creation;
            match c.reason.as_deref() {
                None => plain.extend(c.events.iter().cloned()),
                Some(reason) => {
                    let personal = Personal { reason: Some(reason), ..Personal::default() };
                    audit_log::append_with_text(tx, &mut c.events.clone(), &personal).await?;
                }
            }
        }
        if !plain.is_empty() {
            audit_log::append_with_text(tx, &mut plain, &Personal::default()).await?;
        }
        Ok(())
    }

    /// Each creation of the group in its own savepoint of one transaction.
    async fn write_one_by_one(&self, group: &[Job]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut outcomes = Vec::with_capacity(group.len());
        for job in group {
            let c = &job.creation;
            savepoint(&mut tx, "SAVEPOINT creation").await?;
            let written = match self.write_created_in(&mut tx, &c.principal, &c.entities, c.reason.as_deref()).await {
                Ok(()) => {
                    let mut events = c.events.clone();
                    let personal = Personal { reason: c.reason.as_deref(), ..Personal::default() };
                    audit_log::append_with_text(&mut tx, &mut events, &personal).await.map_err(Refusal::Refused)
                }
                Err(refusal) => Err(refusal),
            };
            match written {
                Ok(()) => {
                    savepoint(&mut tx, "RELEASE SAVEPOINT creation").await?;
                    outcomes.push(Ok(()));
                }
                Err(refusal) => {
                    savepoint(&mut tx, "ROLLBACK TO SAVEPOINT creation").await?;
                    savepoint(&mut tx, "RELEASE SAVEPOINT creation").await?;
                    outcomes.push(Err(match refusal {
                        Refusal::Denied(event) => {
                            audit_log::append(&mut tx, &event).await?;
                            StoreError::Denied
                        }
                        Refusal::Refused(e) => e,
                    }));
                }
            }
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}
