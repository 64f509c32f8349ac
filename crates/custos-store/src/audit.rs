//! The audit log's public face: integrating pending events, verifying the stored log, proofs and
//! export. The log holds only pseudonymous references and commitments (no personal payloads), so
//! these operations need the database, not a principal; showing them to users (auditors) is the
//! web layer's job and is authorised there.

use custos_audit::{
    AuditEvent, Checkpoint, Hash, LogVerifier, NoteVerifier, VerifyError, VerifyReport, consistency_proof,
    inclusion_proof, leaf_hash, open,
};
use sqlx::Row;

use crate::audit_log::{self, Integration};
use crate::error::StoreError;
use crate::{Store, signing_key};

/// Events integrated per transaction: large enough to amortise the checkpoint signature, small
/// enough that a transaction stays short.
const INTEGRATION_BATCH: i64 = 20_000;
/// Bundles read per query while verifying (up to 256 leaves each).
const PAGE: i64 = 1_000;

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
