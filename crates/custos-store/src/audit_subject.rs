//! The index from records to the disclosable audit events about them (`audit_subject`), so that
//! a subject access bundle finds a person's audit events with index probes instead of a walk over
//! the whole log.
//!
//! Disclosable here means what the subject is entitled to be told (DPA 2018 s.45(2)(c) and (g),
//! UK GDPR Art 15(1)(c) and (g)): to whom their data was disclosed, and where it came from and how
//! it changed (creation, change, submission, correction, merge, export, disclosure, erasure).
//! Reads, searches and denials are not indexed: that an officer looked someone up is about the
//! officer's work, and telling the subject would reveal police interest (s.45(4)(a)-(b)).
//!
//! Beside it, `audit_payload_object` indexes every event with an erasable payload (of any kind:
//! a read's justification, a search's terms) by the entities it names, so that disposing of a
//! record erases the free text about it ([`crate::disposal`]).
//!
//! The integrator writes the index rows of the leaves it stores in the same transaction, so the
//! index covers exactly the integrated log; a database written before the index existed is
//! indexed from its leaves when it is opened ([`backfill`]). The index holds ids and sequence
//! numbers only: it is a pointer into the log, never a copy of it.

use custos_audit::{AuditEvent, AuditKind, decode_bundle, decode_leaf};
use custos_core::entity::EntityKind;
use custos_core::ids::EntityId;
use sqlx::{AnyConnection, AnyPool, Row};

use crate::db::Backend;
use crate::error::StoreError;
use crate::sql::{Placeholders, in_list, multi_row};

/// The kinds of audit event a subject is told about (see the module documentation).
pub const DISCLOSABLE: [AuditKind; 9] = [
    AuditKind::Create,
    AuditKind::Update,
    AuditKind::Submit,
    AuditKind::Correct,
    AuditKind::Merge,
    AuditKind::Unmerge,
    AuditKind::Export,
    AuditKind::Disclose,
    AuditKind::Erase,
];

/// Whether events of `kind` are disclosable to the data subject.
pub fn is_disclosable(kind: AuditKind) -> bool {
    DISCLOSABLE.contains(&kind)
}

/// The entity ids an event names, if it is disclosable.
fn subjects(event: &AuditEvent) -> Vec<EntityId> {
    if !is_disclosable(event.kind) {
        return Vec::new();
    }
    entity_ids(event)
}

/// The objects an event's payload is about, as the disposal looks them up: its records, and
/// the person match searches it names (a search's probe is the person searched for, who may be
/// created from it).
pub(crate) fn payload_objects(event: &AuditEvent) -> Vec<EntityId> {
    let mut ids = entity_ids(event);
    ids.extend(event.objects.iter().filter(|o| o.kind == "match_search").filter_map(|o| o.id.parse::<EntityId>().ok()));
    ids
}

/// Every object of an event whose id is an entity id. Only records: a request's own events (kind
/// `information_request`) and the like are not anyone's data to find.
pub(crate) fn entity_ids(event: &AuditEvent) -> Vec<EntityId> {
    let mut ids: Vec<EntityId> = event
        .objects
        .iter()
        .filter(|o| o.kind.parse::<EntityKind>().is_ok())
        .filter_map(|o| o.id.parse::<EntityId>().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Writes the index rows of leaves just stored from seq `from` on (`(seq, first seq of its
/// bundle, event)`), and records that the index now covers the log up to `size`, in the
/// integrator's transaction. Leaves stored before `from` but not indexed (integrated by a Custos
/// that did not keep the index, during a rolling upgrade) are indexed first, from the bundles.
pub(crate) async fn index_new(conn: &mut AnyConnection, leaves: &[(u64, u64, &AuditEvent)], from: u64, size: u64) -> Result<(), StoreError> {
    let indexed: i64 = sqlx::query_scalar("SELECT indexed FROM audit_subject_state WHERE id = 1").fetch_one(&mut *conn).await?;
    if indexed < to_i64(from)? {
        index_stored(conn, indexed, to_i64(from)?).await?;
    }
    index(conn, leaves, size).await
}

/// Writes the index rows of `leaves` and records that the index covers the log up to `size`.
async fn index(conn: &mut AnyConnection, leaves: &[(u64, u64, &AuditEvent)], size: u64) -> Result<(), StoreError> {
    let mut rows: Vec<(Vec<u8>, i64, i64)> = Vec::new();
    for (seq, bundle_seq, event) in leaves {
        for id in subjects(event) {
            rows.push((id.as_bytes().to_vec(), to_i64(*seq)?, to_i64(*bundle_seq)?));
        }
    }
    // 3 values a row: 300 rows stay far inside SQLite's limit on bound values.
    for chunk in rows.chunks(300) {
        let mut query = sqlx::query(multi_row(Placeholders::of(conn), "INSERT INTO audit_subject (object_id, seq, bundle_seq)", chunk.len(), 3));
        for (id, seq, bundle_seq) in chunk {
            query = query.bind(id.clone()).bind(*seq).bind(*bundle_seq);
        }
        query.execute(&mut *conn).await?;
    }
    let mut payloads: Vec<(Vec<u8>, Vec<u8>)> = leaves
        .iter()
        .filter_map(|(_, _, event)| Some((event.payload?, *event)))
        .flat_map(|(commitment, event)| payload_objects(event).into_iter().map(move |id| (id.as_bytes().to_vec(), commitment.to_vec())))
        .collect();
    payloads.sort_unstable();
    payloads.dedup();
    for chunk in payloads.chunks(300) {
        let mut sql = multi_row(Placeholders::of(conn), "INSERT INTO audit_payload_object (object_id, commitment)", chunk.len(), 2);
        sql.0.push_str(" ON CONFLICT (object_id, commitment) DO NOTHING");
        let mut query = sqlx::query(sql);
        for (id, commitment) in chunk {
            query = query.bind(id.clone()).bind(commitment.clone());
        }
        query.execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE audit_subject_state SET indexed = $1 WHERE id = 1")
        .bind(to_i64(size)?)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Indexes the leaves stored before the index existed (or by a Custos that did not keep it),
/// from the bundles, holding the integrator's lock so that no integration runs meanwhile. Costs
/// two probes once done.
pub(crate) async fn backfill(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let behind = sqlx::query(
        "SELECT s.indexed, a.size FROM audit_subject_state s, audit_state a WHERE s.id = 1 AND a.id = 1 AND s.indexed < a.size",
    )
    .fetch_optional(pool)
    .await?;
    if behind.is_none() {
        return Ok(());
    }
    let mut tx = match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(crate::audit_log::INTEGRATOR_LOCK)
                .execute(&mut *tx)
                .await?;
            tx
        }
    };
    let row = sqlx::query("SELECT s.indexed, a.size FROM audit_subject_state s, audit_state a WHERE s.id = 1 AND a.id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let (indexed, size): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    index_stored(&mut tx, indexed, size).await?;
    tx.commit().await?;
    tracing::info!(leaves = size - indexed, "indexed the disclosable audit events and the erasable payloads of an existing log");
    Ok(())
}

/// Indexes the stored leaves with `from <= seq < to`, from the bundles, and records that the
/// index covers the log up to `to`.
async fn index_stored(conn: &mut AnyConnection, from: i64, to: i64) -> Result<(), StoreError> {
    // Start at the bundle holding the first leaf not indexed.
    let mut start = sqlx::query("SELECT first_seq FROM audit_bundle WHERE first_seq <= $1 ORDER BY first_seq DESC LIMIT 1")
        .bind(from)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<i64, _>(0))
        .transpose()?
        .unwrap_or(0);
    let mut sql = "SELECT first_seq, leaves FROM audit_bundle WHERE first_seq >= $1 AND first_seq < $2 ORDER BY first_seq LIMIT 200";
    loop {
        let rows = sqlx::query(sql).bind(start).bind(to).fetch_all(&mut *conn).await?;
        let Some(last) = rows.last() else { break };
        start = last.try_get(0)?;
        let mut decoded: Vec<(u64, u64, AuditEvent)> = Vec::new();
        for row in &rows {
            let first: i64 = row.try_get(0)?;
            let bundle: Vec<u8> = row.try_get(1)?;
            let first = u64::try_from(first).map_err(|_| damaged())?;
            for (i, leaf) in decode_bundle(&bundle).map_err(|_| damaged())?.into_iter().enumerate() {
                let seq = first + i as u64;
                if seq < u64::try_from(from).unwrap_or(0) || seq >= u64::try_from(to).unwrap_or(0) {
                    continue;
                }
                let (_, event) = decode_leaf(leaf).map_err(|_| damaged())?;
                decoded.push((seq, first, event));
            }
        }
        let leaves: Vec<(u64, u64, &AuditEvent)> = decoded.iter().map(|(s, b, e)| (*s, *b, e)).collect();
        let covered = decoded.last().map_or(0, |(s, _, _)| s + 1);
        index(conn, &leaves, covered).await?;
        sql = "SELECT first_seq, leaves FROM audit_bundle WHERE first_seq > $1 AND first_seq < $2 ORDER BY first_seq LIMIT 200";
    }
    sqlx::query("UPDATE audit_subject_state SET indexed = $1 WHERE id = 1").bind(to).execute(&mut *conn).await?;
    Ok(())
}

/// The disclosable audit events naming any of `ids`, in log order, each with its seq.
pub(crate) async fn events_about(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<Vec<(u64, AuditEvent)>, StoreError> {
    let mut wanted: Vec<(i64, i64)> = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = sqlx::query(in_list(Placeholders::of(conn), "SELECT seq, bundle_seq FROM audit_subject WHERE object_id IN", chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            wanted.push((row.try_get(0)?, row.try_get(1)?));
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    let mut bundles: Vec<i64> = wanted.iter().map(|(_, b)| *b).collect();
    bundles.sort_unstable();
    bundles.dedup();
    let mut out = Vec::with_capacity(wanted.len());
    for chunk in bundles.chunks(100) {
        let mut q = sqlx::query(in_list(Placeholders::of(conn), "SELECT first_seq, leaves FROM audit_bundle WHERE first_seq IN", chunk.len()));
        for b in chunk {
            q = q.bind(*b);
        }
        for row in q.fetch_all(&mut *conn).await? {
            let first: i64 = row.try_get(0)?;
            let bundle: Vec<u8> = row.try_get(1)?;
            let leaves = decode_bundle(&bundle).map_err(|_| damaged())?;
            for (seq, _) in wanted.iter().filter(|(_, b)| *b == first) {
                let index = usize::try_from(seq - first).map_err(|_| damaged())?;
                let leaf = leaves.get(index).ok_or_else(damaged)?;
                let (header, event) = decode_leaf(leaf).map_err(|_| damaged())?;
                let seq = u64::try_from(*seq).map_err(|_| damaged())?;
                if header.seq != seq {
                    return Err(damaged());
                }
                out.push((seq, event));
            }
        }
    }
    out.sort_by_key(|(seq, _)| *seq);
    Ok(out)
}

fn to_i64(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Audit("the audit log is full".into()))
}

fn damaged() -> StoreError {
    StoreError::Audit("the stored audit log is damaged; run `custos audit verify`".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_searches_and_denials_are_not_disclosable() {
        for kind in AuditKind::ALL {
            let expected = !matches!(
                kind,
                AuditKind::Read
                    | AuditKind::Search
                    | AuditKind::AccessDenied
                    | AuditKind::SignIn
                    | AuditKind::SignInFailed
                    | AuditKind::SignOut
                    | AuditKind::Administer
            );
            assert_eq!(is_disclosable(kind), expected, "{kind:?}");
        }
    }
}
