//! The audit log as stored: events appended inside the audited transaction, a single integrator
//! that turns them into RFC 6962 leaves with signed checkpoints, and reads for verification,
//! proofs and export.
//!
//! Appending is cheap and contention-free (an insert into `audit_pending`); ordering, chaining and
//! signing happen in the integrator, which holds a lock (SQLite: the write lock; PostgreSQL: a
//! transaction-scoped advisory lock) so that there is only ever one, and never signs two
//! checkpoints that are inconsistent with each other.

use custos_audit::{AuditEvent, BUNDLE_LEAVES, Checkpoint, LogState, NoteSigner, decode_bundle, encode_bundle, open, PREVIOUS_PREFIX};
use rand::RngExt;
use sqlx::{AnyConnection, Row};

use crate::clock::now_micros;
use crate::db::Backend;
use crate::error::StoreError;
use crate::sql::{Placeholders, in_list, multi_row};

/// Arbitrary constant naming the integrator's advisory lock on PostgreSQL.
pub(crate) const INTEGRATOR_LOCK: i64 = 0x6375_7374_6f73_0001;

/// Most events one integration step takes on SQLite, whatever the caller asks. There the
/// integrator holds the database's only write lock while it works, and every read waits for its
/// audit event to commit: a step of a second's reads under load (~5,000) held it for ~40 ms, which
/// was most of the reads' 99th-percentile latency. The caller goes on step by step until nothing
/// is pending, so only the number of checkpoints changes. (PostgreSQL's integrator lock blocks no
/// one else.)
const SQLITE_STEP: i64 = 1_000;

/// Writes an event into the pending queue, in the caller's transaction. If this fails the caller's
/// transaction fails with it: there is no path that changes data without its audit event.
pub(crate) async fn append(conn: &mut AnyConnection, event: &AuditEvent) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_pending (event) VALUES ($1)")
        .bind(encode(event)?)
        .execute(&mut *conn)
        .await
        .map_err(audit_write_failed)?;
    Ok(())
}

/// An event as it is queued (its canonical JSON is made by the integrator, from this).
pub(crate) fn encode(event: &AuditEvent) -> Result<String, StoreError> {
    serde_json::to_string(event).map_err(|e| StoreError::Audit(format!("cannot encode an audit event: {e}")))
}

/// Writes several events in one statement (bulk jobs), in the caller's transaction.
pub(crate) async fn append_many(conn: &mut AnyConnection, events: &[AuditEvent]) -> Result<(), StoreError> {
    let encoded = events.iter().map(encode).collect::<Result<Vec<_>, _>>()?;
    append_encoded(conn, &encoded.iter().map(String::as_str).collect::<Vec<_>>()).await
}

/// Writes events already encoded with [`encode`], in multi-row statements, in the caller's
/// transaction.
pub(crate) async fn append_encoded(conn: &mut AnyConnection, events: &[&str]) -> Result<(), StoreError> {
    for chunk in events.chunks(500) {
        let mut query = sqlx::query(multi_row(Placeholders::of(conn), "INSERT INTO audit_pending (event)", chunk.len(), 1));
        for event in chunk {
            query = query.bind((*event).to_owned());
        }
        query.execute(&mut *conn).await.map_err(audit_write_failed)?;
    }
    Ok(())
}

/// Personal free text of an audit event: the justification of a consultation, the reason of a
/// change, search terms. Kept in the erasable `audit_payload` table; the leaf holds only a salted
/// commitment to it, so erasing it never breaks a proof.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Personal<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms: Option<serde_json::Value>,
}

impl Personal<'_> {
    fn is_empty(&self) -> bool {
        self.justification.is_none() && self.reason.is_none() && self.terms.is_none()
    }
}

/// Stores `personal` (when there is any) as one erasable payload, points every event at it, and
/// appends the events, all in the caller's transaction.
pub(crate) async fn append_with_text(
    conn: &mut AnyConnection,
    events: &mut [AuditEvent],
    personal: &Personal<'_>,
) -> Result<(), StoreError> {
    if let Some(payload) = Payload::of(personal)? {
        store_payloads(conn, &[&payload]).await?;
        for event in events.iter_mut() {
            event.payload = Some(payload.commitment);
        }
    }
    match events {
        [one] => append(conn, one).await,
        many => append_many(conn, many).await,
    }
}

/// An erasable payload ready to store: its text, and the salted commitment the events carry.
#[derive(Debug)]
pub(crate) struct Payload {
    commitment: custos_audit::Hash,
    salt: [u8; 16],
    text: String,
}

impl Payload {
    /// The payload of `personal`, or `None` when it holds no text.
    pub(crate) fn of(personal: &Personal<'_>) -> Result<Option<Self>, StoreError> {
        if personal.is_empty() {
            return Ok(None);
        }
        let text = serde_json::to_string(personal)
            .map_err(|e| StoreError::Audit(format!("cannot encode an audit payload: {e}")))?;
        let salt: [u8; 16] = rand::rng().random();
        let commitment = custos_audit::commit_payload(&salt, text.as_bytes());
        Ok(Some(Self { commitment, salt, text }))
    }

    pub(crate) fn commitment(&self) -> custos_audit::Hash {
        self.commitment
    }
}

/// Stores payloads in multi-row statements, in the caller's transaction.
pub(crate) async fn store_payloads(conn: &mut AnyConnection, payloads: &[&Payload]) -> Result<(), StoreError> {
    let now = now_micros();
    // 4 values a row: 200 rows stay far inside SQLite's limit on bound values.
    for chunk in payloads.chunks(200) {
        let mut query = sqlx::query(multi_row(
            Placeholders::of(conn),
            "INSERT INTO audit_payload (commitment, salt, payload, created_at)",
            chunk.len(),
            4,
        ));
        for payload in chunk {
            query = query
                .bind(payload.commitment.to_vec())
                .bind(payload.salt.to_vec())
                .bind(payload.text.clone())
                .bind(now);
        }
        query.execute(&mut *conn).await.map_err(audit_write_failed)?;
    }
    Ok(())
}

pub(crate) fn audit_write_failed(e: sqlx::Error) -> StoreError {
    tracing::error!(error = %e, "audit write failed; the operation is abandoned");
    StoreError::Audit("the audit event could not be written, so nothing was changed".into())
}

/// What one integration run did.
#[derive(Debug, Clone)]
pub struct Integration {
    pub integrated: u64,
    pub checkpoint: Option<Checkpoint>,
    /// The signed note of `checkpoint`.
    pub note: Option<String>,
}

/// Moves up to `batch` pending events into the log, in order, and signs a checkpoint over the new
/// tree. Runs inside the caller's transaction: a crash leaves either nothing or the whole batch.
///
/// Before signing anything it checks that it extends what was signed before: the stored state
/// must be exactly the tree of the latest stored checkpoint, and not behind the checkpoint kept
/// outside the database (`anchor`); and the log must be this key's. Otherwise someone with write
/// access to the database could have the real key sign a rewritten history.
pub(crate) async fn integrate(
    conn: &mut AnyConnection,
    backend: Backend,
    signer: &NoteSigner,
    anchor: Option<&Checkpoint>,
    batch: i64,
) -> Result<Integration, StoreError> {
    let batch = match backend {
        Backend::Sqlite => batch.min(SQLITE_STEP),
        Backend::Postgres => batch,
    };
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(INTEGRATOR_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    let (origin, mut state) = load_state(conn, signer).await?;
    let previous = check_extends_what_was_signed(conn, signer, &origin, &state, anchor).await?;
    let pending = sqlx::query("SELECT id, event FROM audit_pending ORDER BY id LIMIT $1")
        .bind(batch)
        .fetch_all(&mut *conn)
        .await?;
    if pending.is_empty() {
        return Ok(Integration {
            integrated: 0,
            checkpoint: None,
            note: None,
        });
    }
    let mut ids = Vec::with_capacity(pending.len());
    let mut events = Vec::with_capacity(pending.len());
    let mut leaves = Vec::with_capacity(pending.len());
    for row in &pending {
        ids.push(row.try_get::<i64, _>("id")?);
        let json: String = row.try_get("event")?;
        let event: AuditEvent = serde_json::from_str(&json)
            .map_err(|e| StoreError::Audit(format!("a pending audit event is unreadable: {e}")))?;
        leaves.push(state.append(&event));
        events.push(event);
    }
    // Consecutive leaves go into bundles of up to BUNDLE_LEAVES, keyed by their first seq.
    let bundles: Vec<(u64, Vec<u8>)> = leaves
        .chunks(BUNDLE_LEAVES)
        .map(|chunk| (chunk[0].0, encode_bundle(&chunk.iter().map(|(_, leaf)| leaf).collect::<Vec<_>>())))
        .collect();
    for group in bundles.chunks(50) {
        let mut query = sqlx::query(multi_row(Placeholders::of(conn), "INSERT INTO audit_bundle (first_seq, leaves)", group.len(), 2));
        for (first_seq, bundle) in group {
            query = query.bind(to_i64(*first_seq)?).bind(bundle.clone());
        }
        query.execute(&mut *conn).await?;
    }
    let indexed: Vec<(u64, u64, &AuditEvent)> = leaves
        .chunks(BUNDLE_LEAVES)
        .flat_map(|chunk| chunk.iter().map(move |(seq, _)| (*seq, chunk[0].0)))
        .zip(&events)
        .map(|((seq, bundle_seq), event)| (seq, bundle_seq, event))
        .collect();
    crate::audit_subject::index_new(conn, &indexed, indexed.first().map_or(state.size(), |(seq, _, _)| *seq), state.size()).await?;
    // Delete exactly the rows read. On PostgreSQL a lower id can commit after a higher one was
    // read (ids are handed out before commit), so "id <= last" could drop an event unread.
    for chunk in ids.chunks(500) {
        let mut query = sqlx::query(in_list(Placeholders::of(conn), "DELETE FROM audit_pending WHERE id IN", chunk.len()));
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE audit_state SET size = $1, state = $2 WHERE id = 1")
        .bind(to_i64(state.size())?)
        .bind(state.to_bytes())
        .execute(&mut *conn)
        .await?;
    // Each checkpoint names the one before it, so a deleted checkpoint is missed by its successor.
    let checkpoint = state
        .checkpoint(&origin)
        .and_then(|cp| cp.with_extension(&format!("{PREVIOUS_PREFIX}{previous}")))
        .map_err(|e| StoreError::Audit(format!("cannot form a checkpoint: {e}")))?;
    let note = signer.sign_checkpoint(&checkpoint);
    sqlx::query("INSERT INTO audit_checkpoint (size, note, created_at) VALUES ($1, $2, $3)")
        .bind(to_i64(state.size())?)
        .bind(note.clone())
        .bind(now_micros())
        .execute(&mut *conn)
        .await?;
    Ok(Integration {
        integrated: leaves.len() as u64,
        checkpoint: Some(checkpoint),
        note: Some(note),
    })
}

fn refuse(why: &str) -> StoreError {
    tracing::error!(why, "the audit integrator refused to sign");
    StoreError::Audit(format!("the integrator will not sign: {why}; run `custos audit verify`"))
}

/// The stored integrator state must be the tree of the latest stored checkpoint (opened with this
/// key), and that checkpoint must not be behind, or differ from, the one kept outside the database.
/// Returns the latest checkpoint's size (0 before the first).
async fn check_extends_what_was_signed(
    conn: &mut AnyConnection,
    signer: &NoteSigner,
    origin: &str,
    state: &LogState,
    anchor: Option<&Checkpoint>,
) -> Result<u64, StoreError> {
    let latest = sqlx::query("SELECT note FROM audit_checkpoint ORDER BY id DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| row.try_get::<String, _>(0))
        .transpose()?;
    let signed = match latest {
        Some(note) => {
            let verifier = signer.verifier();
            let body = open(&note, std::slice::from_ref(&verifier)).map_err(|_| refuse("the latest checkpoint does not verify"))?;
            Some(Checkpoint::parse(body).map_err(|_| refuse("the latest checkpoint is malformed"))?)
        }
        None => None,
    };
    match &signed {
        Some(cp) if cp.origin() != origin || cp.size() != state.size() || *cp.root() != state.root() => {
            return Err(refuse("the stored tree is not the one the latest checkpoint signed"));
        }
        None if state.size() != 0 => return Err(refuse("leaves are stored but no checkpoint signs them")),
        _ => {}
    }
    if let Some(anchor) = anchor {
        let size = signed.as_ref().map_or(0, Checkpoint::size);
        if anchor.origin() != origin
            || anchor.size() > size
            || (anchor.size() == size && signed.as_ref().is_some_and(|cp| cp.root() != anchor.root()))
        {
            return Err(refuse("the log is behind or different from the checkpoint kept beside the signing key"));
        }
    }
    Ok(signed.as_ref().map_or(0, Checkpoint::size))
}

fn to_i64(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Audit("the audit log is full".into()))
}

/// Loads the integrator state, creating it (with a new origin, bound to this signer) for the first
/// integration. A log signed by another key is refused.
async fn load_state(conn: &mut AnyConnection, signer: &NoteSigner) -> Result<(String, LogState), StoreError> {
    let key = signer.verifier().to_string();
    let row = sqlx::query("SELECT origin, signer, state FROM audit_state WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        // The origin names this log uniquely (C2SP tlog-checkpoint: a schema-less URL).
        let origin = format!("custos.invalid/audit/{}", uuid::Uuid::now_v7().simple());
        let state = LogState::new();
        sqlx::query("INSERT INTO audit_state (id, origin, signer, size, state) VALUES (1, $1, $2, 0, $3)")
            .bind(&origin)
            .bind(key)
            .bind(state.to_bytes())
            .execute(&mut *conn)
            .await?;
        return Ok((origin, state));
    };
    let stored_key: String = row.try_get("signer")?;
    if stored_key != key {
        return Err(StoreError::Audit(format!(
            "this log is signed by the key {stored_key}, but the data directory holds {key}: \
             point --data-dir at the directory with this log's audit-signing.key"
        )));
    }
    let bytes: Vec<u8> = row.try_get("state")?;
    let state = LogState::from_bytes(&bytes).map_err(|_| {
        StoreError::Audit("the integrator state is corrupt; run `custos audit verify`".into())
    })?;
    Ok((row.try_get("origin")?, state))
}

/// The log's origin line (created with the first integration).
pub(crate) async fn origin(conn: &mut AnyConnection) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query("SELECT origin FROM audit_state WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| row.try_get("origin"))
        .transpose()?)
}

/// Every stored leaf in stored order, as (seq, leaf bytes), read out of the bundles. A bundle that
/// does not parse is an error: run `custos audit verify` to have it named.
pub(crate) async fn leaves(conn: &mut AnyConnection) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
    let rows = sqlx::query("SELECT first_seq, leaves FROM audit_bundle ORDER BY first_seq")
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::new();
    for row in rows {
        let first: i64 = row.try_get(0)?;
        let bundle: Vec<u8> = row.try_get(1)?;
        let first = u64::try_from(first).map_err(|_| tampered())?;
        let leaves = decode_bundle(&bundle).map_err(|_| tampered())?;
        for (i, leaf) in leaves.into_iter().enumerate() {
            out.push((first + i as u64, leaf.to_vec()));
        }
    }
    Ok(out)
}

fn tampered() -> StoreError {
    StoreError::Audit("the stored audit log is damaged; run `custos audit verify`".into())
}

/// Every stored checkpoint note in stored order.
pub(crate) async fn checkpoints(conn: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query("SELECT note FROM audit_checkpoint ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String, _>(0).map_err(StoreError::from))
        .collect()
}
