//! The audit log's public face: integrating pending events, verifying the stored log, proofs and
//! export. The log holds only pseudonymous references and commitments (no personal payloads), so
//! the operations for the command line (which runs with the database's own access) take no
//! principal. What users (auditors) see of the log goes through the `audit_*` methods
//! ([`Store::audit_events`], [`Store::audit_checkpoint`], [`Store::audit_inclusion_proof`]), which
//! decide the `audit` action for the principal and audit every consultation, and every denial,
//! before anything is returned.

use custos_audit::{
    AuditEvent, AuditKind, Checkpoint, Hash, LogVerifier, NoteVerifier, ObjectRef, VerifyError, VerifyReport,
    consistency_proof, decode_bundle, decode_leaf, inclusion_proof, leaf_hash, open,
};
use custos_authz::{Action, Principal, Resource};
use custos_core::draft::{FieldError, FieldErrors};
use sqlx::Row;

use crate::audit_log::{self, Integration};
use crate::error::StoreError;
use crate::{Store, audit_event, signing_key};

/// Events integrated per transaction: large enough to amortise the checkpoint signature, small
/// enough that a transaction stays short.
const INTEGRATION_BATCH: i64 = 20_000;
/// Bundles read per query while verifying (up to 256 leaves each).
const PAGE: i64 = 1_000;
/// The most entries one page of [`Store::audit_events`] holds; a larger limit is capped to it.
pub const MAX_AUDIT_PAGE: u32 = 500;
/// Bundles read per query while paging: a page of 500 leaves spans at least 2 bundles (256 leaves
/// each when integrated in bulk) and at most 501 (one leaf each when integrated event by event).
const PAGE_BUNDLES: i64 = 64;

/// One integrated leaf of the log, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The leaf's position in the log, from 0.
    pub seq: u64,
    /// The RFC 6962 leaf hash of the stored leaf bytes (what an inclusion proof proves).
    pub leaf_hash: Hash,
    pub event: AuditEvent,
}

/// A page of the log, in `seq` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// `Some(seq)` when more integrated entries follow: ask again with `after = seq`. `None` when
    /// this page reaches the end of the integrated log as it was read.
    pub next: Option<u64>,
}

/// A proof that leaf `seq` is in the tree of the signed checkpoint `note`.
#[derive(Debug, Clone)]
pub struct InclusionProof {
    pub seq: u64,
    pub leaf: Vec<u8>,
    pub proof: Vec<Hash>,
    pub note: String,
    pub checkpoint: Checkpoint,
}

/// A proof that the tree of `new` extends the tree of `old`.
#[derive(Debug, Clone)]
pub struct ConsistencyProof {
    pub old: Checkpoint,
    pub new: Checkpoint,
    pub proof: Vec<Hash>,
}

/// Everything an offline verifier needs besides the public key.
#[derive(Debug, Clone)]
pub struct AuditSnapshot {
    pub origin: String,
    pub rows: Vec<(u64, Vec<u8>)>,
    pub checkpoints: Vec<String>,
}

impl Store {
    /// Records events about no stored record (sign-in, failed sign-in, sign-out), in one
    /// transaction: all are durable when this returns, or none is.
    pub async fn record_events(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        audit_log::append_many(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Integrates every pending audit event, batch by batch, each batch in its own transaction with
    /// its own signed checkpoint. Returns how many were integrated and the last checkpoint.
    pub async fn integrate_audit(&self) -> Result<Integration, StoreError> {
        let mut total = Integration {
            integrated: 0,
            checkpoint: None,
            note: None,
        };
        let verifier = self.signer.verifier();
        // One integration at a time in this process: another would read the kept checkpoint
        // while this one replaces it.
        let _integrating = self.integrator.lock().await;
        loop {
            let anchor = signing_key::read_anchor(&self.data_dir, &verifier)?;
            let mut tx = self.begin_write().await?;
            let step = audit_log::integrate(&mut tx, self.backend, &self.signer, anchor.as_ref(), INTEGRATION_BATCH).await?;
            tx.commit().await?;
            let Some(note) = &step.note else { return Ok(total) };
            // After the commit: a crash in between leaves the anchor one checkpoint behind, which
            // is consistent (the log still contains its tree).
            signing_key::write_anchor(&self.data_dir, note)?;
            total.integrated += step.integrated;
            total.checkpoint = step.checkpoint;
            total.note = step.note;
        }
    }

    /// The public key that verifies this log's checkpoints.
    pub fn audit_verifier(&self) -> NoteVerifier {
        self.signer.verifier()
    }

    /// Recomputes the whole stored log (chain, tree, every checkpoint signature and root) with the
    /// given verifier keys, requires every leaf to be sealed by a checkpoint (the integrator stores
    /// both in one transaction) and, when the data directory holds the integrator's latest
    /// checkpoint, requires the log to contain its tree. The outer error is a failure to read; the
    /// inner one names the first bad leaf or checkpoint.
    pub async fn verify_audit(
        &self,
        verifiers: &[NoteVerifier],
    ) -> Result<Result<VerifyReport, VerifyError>, StoreError> {
        let anchor = match signing_key::read_anchor_note(&self.data_dir)? {
            Some(note) => match signing_key::open_anchor(&note, verifiers) {
                Ok(anchor) => Some(anchor),
                Err(e) => return Ok(Err(VerifyError::TrustedNote(e))),
            },
            None => None,
        };
        let mut tx = self.begin_snapshot().await?;
        let origin = audit_log::origin(&mut tx).await?.unwrap_or_default();
        let notes = audit_log::checkpoints(&mut tx).await?;
        let mut verifier = LogVerifier::new(&origin, verifiers, &notes);
        if let Some(anchor) = anchor {
            verifier = verifier.trusting(anchor);
        }
        let mut after = i64::MIN;
        let mut first = true;
        loop {
            let sql = if first {
                "SELECT first_seq, leaves FROM audit_bundle WHERE first_seq >= $1 ORDER BY first_seq LIMIT $2"
            } else {
                "SELECT first_seq, leaves FROM audit_bundle WHERE first_seq > $1 ORDER BY first_seq LIMIT $2"
            };
            first = false;
            let rows = sqlx::query(sql).bind(after).bind(PAGE).fetch_all(&mut *tx).await?;
            for row in &rows {
                let first_seq: i64 = row.try_get(0)?;
                let bundle: Vec<u8> = row.try_get(1)?;
                // A negative seq can only come from tampering; map it past any real seq so that
                // the verifier names it as out of place.
                let row_seq = u64::try_from(first_seq).unwrap_or(u64::MAX);
                if let Err(e) = verifier.push_bundle(row_seq, &bundle) {
                    return Ok(Err(e));
                }
                after = first_seq;
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        tx.commit().await?;
        Ok(verifier.finish().and_then(VerifyReport::require_sealed))
    }

    /// The whole log, for export.
    pub async fn audit_snapshot(&self) -> Result<AuditSnapshot, StoreError> {
        let mut tx = self.begin_snapshot().await?;
        let snapshot = AuditSnapshot {
            origin: audit_log::origin(&mut tx).await?.unwrap_or_default(),
            rows: audit_log::leaves(&mut tx).await?,
            checkpoints: audit_log::checkpoints(&mut tx).await?,
        };
        tx.commit().await?;
        Ok(snapshot)
    }

    /// The latest signed checkpoint note, if any.
    pub async fn latest_checkpoint(&self) -> Result<Option<(String, Checkpoint)>, StoreError> {
        let notes = audit_log::checkpoints(&mut *self.pool.acquire().await?).await?;
        notes.last().map(|note| self.parse_note(note)).transpose()
    }

    /// Proves that leaf `seq` is included in the latest checkpoint's tree.
    pub async fn prove_inclusion(&self, seq: u64) -> Result<InclusionProof, StoreError> {
        let (note, checkpoint) = self
            .latest_checkpoint()
            .await?
            .ok_or_else(|| StoreError::Refused("the audit log has no checkpoint yet".into()))?;
        if seq >= checkpoint.size() {
            return Err(StoreError::Refused(format!(
                "leaf {seq} is not covered by the latest checkpoint (size {})",
                checkpoint.size()
            )));
        }
        let snapshot = self.audit_snapshot().await?;
        let hashes = prefix_hashes(&snapshot.rows, checkpoint.size())?;
        let proof = inclusion_proof(&hashes, seq).map_err(|e| StoreError::Audit(e.to_string()))?;
        let leaf = snapshot
            .rows
            .get(usize::try_from(seq).map_err(|_| StoreError::Refused("no such leaf".into()))?)
            .map(|(_, leaf)| leaf.clone())
            .ok_or_else(|| StoreError::Refused("no such leaf".into()))?;
        Ok(InclusionProof {
            seq,
            leaf,
            proof,
            note,
            checkpoint,
        })
    }

    /// Proves that the checkpoint of size `new_size` extends the one of size `old_size` (both must
    /// be stored checkpoints).
    pub async fn prove_consistency(&self, old_size: u64, new_size: u64) -> Result<ConsistencyProof, StoreError> {
        if old_size > new_size {
            return Err(StoreError::Refused("the old size must not exceed the new size".into()));
        }
        let snapshot = self.audit_snapshot().await?;
        let find = |size: u64| -> Result<Checkpoint, StoreError> {
            for note in snapshot.checkpoints.iter().rev() {
                let (_, cp) = self.parse_note(note)?;
                if cp.size() == size {
                    return Ok(cp);
                }
            }
            Err(StoreError::Refused(format!("no checkpoint of size {size} is stored")))
        };
        let old = find(old_size)?;
        let new = find(new_size)?;
        let hashes = prefix_hashes(&snapshot.rows, new_size)?;
        let proof = consistency_proof(&hashes, old_size).map_err(|e| StoreError::Audit(e.to_string()))?;
        Ok(ConsistencyProof { old, new, proof })
    }

    fn parse_note(&self, note: &str) -> Result<(String, Checkpoint), StoreError> {
        let verifier = self.audit_verifier();
        let body = open(note, std::slice::from_ref(&verifier))
            .map_err(|e| StoreError::Audit(format!("a stored checkpoint does not verify: {e}")))?;
        let checkpoint = Checkpoint::parse(body)
            .map_err(|e| StoreError::Audit(format!("a stored checkpoint is malformed: {e}")))?;
        Ok((note.to_owned(), checkpoint))
    }
}

/// What auditors see, authorised (the `audit` action on the force as a whole) and audited: each call
/// appends a `read` event naming what was consulted (or an `access_denied` event) and commits it
/// before anything is returned; if the event cannot be written, nothing is returned.
impl Store {
    /// Integrated entries with `seq > after` (from the first when `after` is `None`), in order, at
    /// most `limit` of them (capped to [`MAX_AUDIT_PAGE`]; 0 is refused as invalid). Events still
    /// pending integration are not shown: they have no `seq` and no proof yet, so a page always
    /// ends at the latest checkpoint's tree (the integrator stores leaves and their checkpoint in
    /// one transaction). A stored gap or an undecodable leaf is an error, never skipped.
    pub async fn audit_events(
        &self,
        principal: &Principal,
        after: Option<u64>,
        limit: u32,
    ) -> Result<AuditPage, StoreError> {
        if limit == 0 {
            return Err(StoreError::Invalid(FieldErrors(vec![FieldError {
                field: "limit".into(),
                message: format!("must be between 1 and {MAX_AUDIT_PAGE}"),
            }])));
        }
        self.consult_log(principal, "events".into()).await?;
        let want = limit.min(MAX_AUDIT_PAGE) as usize;
        let empty = AuditPage { entries: Vec::new(), next: None };
        // A start past any storable seq has nothing after it.
        let Some(start) = after.map_or(Some(0), |a| a.checked_add(1)) else { return Ok(empty) };
        let Ok(start_row) = i64::try_from(start) else { return Ok(empty) };
        let mut tx = self.begin_snapshot().await?;
        // The bundle holding `start` is the last one beginning at or before it.
        let holding = sqlx::query("SELECT first_seq FROM audit_bundle WHERE first_seq <= $1 ORDER BY first_seq DESC LIMIT 1")
            .bind(start_row)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get::<i64, _>(0))
            .transpose()?;
        let mut entries: Vec<AuditEntry> = Vec::with_capacity(want + 1);
        let (mut from, mut sql) = (
            holding.unwrap_or(start_row),
            "SELECT first_seq, leaves FROM audit_bundle WHERE first_seq >= $1 ORDER BY first_seq LIMIT $2",
        );
        'read: loop {
            let rows = sqlx::query(sql).bind(from).bind(PAGE_BUNDLES).fetch_all(&mut *tx).await?;
            for row in &rows {
                let first_seq: i64 = row.try_get(0)?;
                let bundle: Vec<u8> = row.try_get(1)?;
                let first = u64::try_from(first_seq).map_err(|_| damaged(start + entries.len() as u64))?;
                let leaves = decode_bundle(&bundle).map_err(|_| damaged(first))?;
                for (i, leaf) in leaves.into_iter().enumerate() {
                    let seq = first.checked_add(i as u64).ok_or_else(|| damaged(first))?;
                    if seq < start {
                        continue;
                    }
                    let expected = start + entries.len() as u64;
                    if seq != expected {
                        return Err(damaged(expected));
                    }
                    let (header, event) = decode_leaf(leaf).map_err(|_| damaged(seq))?;
                    if header.seq != seq {
                        return Err(damaged(seq));
                    }
                    entries.push(AuditEntry { seq, leaf_hash: leaf_hash(leaf), event });
                    if entries.len() > want {
                        break 'read;
                    }
                }
                from = first_seq;
            }
            if (rows.len() as i64) < PAGE_BUNDLES {
                break;
            }
            sql = "SELECT first_seq, leaves FROM audit_bundle WHERE first_seq > $1 ORDER BY first_seq LIMIT $2";
        }
        tx.commit().await?;
        // One entry more than asked for was read to learn whether more follow.
        let next = if entries.len() > want {
            entries.truncate(want);
            entries.last().map(|e| e.seq)
        } else {
            None
        };
        Ok(AuditPage { entries, next })
    }

    /// The latest signed checkpoint note (C2SP `signed-note` over a `tlog-checkpoint`), checked
    /// against this log's key; `None` before the first integration.
    pub async fn audit_checkpoint(&self, principal: &Principal) -> Result<Option<String>, StoreError> {
        self.consult_log(principal, "checkpoint".into()).await?;
        Ok(self.latest_checkpoint().await?.map(|(note, _)| note))
    }

    /// Proves that leaf `seq` is in the latest checkpoint's tree ([`Store::prove_inclusion`]).
    /// A leaf not covered yet is `Refused`.
    pub async fn audit_inclusion_proof(&self, principal: &Principal, seq: u64) -> Result<InclusionProof, StoreError> {
        self.consult_log(principal, format!("inclusion/{seq}")).await?;
        self.prove_inclusion(seq).await
    }

    /// Decides `audit` for the principal and commits the audit event of the consultation (`read`
    /// of the `audit_log` object `what`) or of its denial. `Denied` when not allowed.
    async fn consult_log(&self, principal: &Principal, what: String) -> Result<(), StoreError> {
        let decision = self.authz.decide(principal, Action::Audit, &Resource::System);
        let kind = if decision.allowed { AuditKind::Read } else { AuditKind::AccessDenied };
        let objects = vec![ObjectRef { kind: "audit_log".into(), id: what }];
        let mut tx = self.begin_write().await?;
        audit_log::append(&mut tx, &audit_event(kind, principal, objects, &decision)).await?;
        tx.commit().await?;
        if decision.allowed { Ok(()) } else { Err(StoreError::Denied) }
    }
}

fn damaged(seq: u64) -> StoreError {
    StoreError::Audit(format!("the stored audit log is damaged at leaf {seq}; run `custos audit verify`"))
}

/// Leaf hashes of the first `size` rows, which must be numbered 0..size.
fn prefix_hashes(rows: &[(u64, Vec<u8>)], size: u64) -> Result<Vec<Hash>, StoreError> {
    let n = usize::try_from(size).map_err(|_| StoreError::Audit("the log is too large".into()))?;
    if rows.len() < n {
        return Err(StoreError::Audit("leaves are missing; run `custos audit verify`".into()));
    }
    rows[..n]
        .iter()
        .enumerate()
        .map(|(i, (seq, leaf))| {
            if *seq == i as u64 {
                Ok(leaf_hash(leaf))
            } else {
                Err(StoreError::Audit(format!("leaf {i} is out of place; run `custos audit verify`")))
            }
        })
        .collect()
}
