//! Disposal under MoPI: deleting a record so that it cannot be retrieved (DOMAIN.md §7; the
//! criticism the incumbents drew was that they "remove files from being searchable and
//! retrievable but don't technically delete them").
//!
//! One transaction removes, for the record (and, for a person, every record merged into them and
//! every link to them):
//!
//! - the entity row and every version of it, and through their foreign keys the link ends, name
//!   and blocking keys, search terms, references, search document, import ledger rows, data
//!   quality notes, duplicate reviews and date of birth;
//! - its full-text entry (SQLite's FTS5 table takes no part in foreign keys);
//! - the merge history that names it;
//! - the erasable payloads (justifications, reasons, search terms) of every audit event naming
//!   it, integrated or still pending, and the audit indexes' rows about it;
//! - the reasons recorded by earlier reviews of it, and the people it named as offenders;
//! - the free text about it in subject access casework (`request_erasure`).
//!
//! What stays is a stub without personal data (`disposed`: its id, kind, owning unit, when and by
//! which decision), its retention row marked disposed (group and days, the evidence of review),
//! and the audit leaves, which hold ids and commitments only, so `custos audit verify` still
//! passes. SQLite overwrites freed pages (`secure_delete`, see `db`). A crash or error at any
//! point rolls the whole disposal back.

use std::collections::HashSet;

use custos_audit::AuditEvent;
use custos_core::entity::EntityKind;
use custos_core::ids::EntityId;
use custos_core::marking::SecurityMarking;
use sqlx::{AnyConnection, Row};

use crate::db::Backend;
use crate::error::StoreError;
use crate::sql::{Placeholders, in_list};

/// What one disposal removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Disposed {
    /// Every entity deleted: the record, and for a person their merged duplicates and links.
    pub entities: Vec<(EntityKind, EntityId)>,
    /// Audit payloads erased.
    pub payloads: usize,
}

/// The ids `head (ids…)` selects, over `ids` in chunks.
pub(crate) async fn ids_where(conn: &mut AnyConnection, head: &str, ids: &[EntityId]) -> Result<Vec<EntityId>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(300) {
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            out.push(crate::batch::id_of(row.try_get(0)?)?);
        }
    }
    Ok(out)
}

/// Runs `head (ids…)`, closed by `tail`, over `ids` in chunks.
async fn run_with(conn: &mut AnyConnection, head: &str, tail: &str, ids: &[EntityId]) -> Result<u64, StoreError> {
    let mut affected = 0;
    for chunk in ids.chunks(300) {
        let mut sql = in_list(Placeholders::of(conn), head, chunk.len());
        sql.0.push_str(tail);
        let mut q = sqlx::query(sql);
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        affected += q.execute(&mut *conn).await?.rows_affected();
    }
    Ok(affected)
}

/// Runs `head (ids…)` over `ids` in chunks.
pub(crate) async fn run(conn: &mut AnyConnection, head: &str, ids: &[EntityId]) -> Result<u64, StoreError> {
    run_with(conn, head, "", ids).await
}

/// The decision on erasing one entity (of this kind, id and marking) for the acting principal.
pub(crate) type MayErase<'a> = &'a (dyn Fn(EntityKind, EntityId, &SecurityMarking) -> custos_authz::Decision + Sync);

/// Why a disposal did not happen.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// An entity that would go with it may not be erased by the principal: the denial to audit.
    Denied(EntityKind, EntityId, custos_authz::Decision),
    Store(StoreError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Deletes `root` (of `kind`) as the module documentation describes, in the caller's
/// transaction, recording `decision` on the stubs. Refused while a record still held refers to
/// it (a case file on the crime, a custody record on the arrest; for a person, any record naming
/// them), unless that record goes in the same batch (`going`). Denied unless `may_erase` allows
/// every entity that goes with it (a nominal's merged records, the links to it).
pub(crate) async fn dispose(
    conn: &mut AnyConnection,
    backend: Backend,
    root: EntityId,
    kind: EntityKind,
    decision: Option<i64>,
    going: &[EntityId],
    may_erase: MayErase<'_>,
) -> Result<Disposed, Refusal> {
    hold_pending(conn, backend).await?;
    let mut people = vec![root];
    if kind == EntityKind::Person {
        let merged: Option<Vec<u8>> = sqlx::query_scalar("SELECT merged_into FROM entity WHERE id = $1")
            .bind(root.as_bytes().to_vec())
            .fetch_one(&mut *conn)
            .await?;
        if merged.is_some() {
            return Err(StoreError::Refused(
                "this person is merged into another record: dispose of that nominal (its merged records go with it), or unmerge first".into(),
            )
            .into());
        }
        // Every record merged into it, however deep.
        people = crate::retention::members(conn, &[root]).await?.into_iter().map(|(m, _)| m).collect();
    } else {
        // Claim the record: a legal hold or another disposal committed meanwhile wins.
        let claimed = sqlx::query(
            "UPDATE retention SET state = 2, legal_hold = 0, triggered = NULL, triggered_at = NULL, offenders = $1, \
             revision = revision + 1 WHERE record_id = $2 AND state = 0 AND legal_hold = 0",
        )
        .bind(Vec::<u8>::new())
        .bind(root.as_bytes().to_vec())
        .execute(&mut *conn)
        .await?;
        if claimed.rows_affected() != 1 {
            return Err(StoreError::Conflict.into());
        }
    }
    if backend == Backend::Postgres {
        // No record may come to refer to what goes while it goes.
        run_with(conn, "SELECT id FROM entity WHERE id IN", " FOR UPDATE", &people).await?;
    }
    let referring: Vec<EntityId> = ids_where(conn, "SELECT DISTINCT record_id FROM record_ref WHERE target_id IN", &people)
        .await?
        .into_iter()
        .filter(|r| !going.contains(r) && *r != root)
        .collect();
    if !referring.is_empty() {
        return Err(StoreError::Refused(if kind == EntityKind::Person {
            format!("{} record(s) still held name this person: review those first, and dispose of the person once none is left", referring.len())
        } else {
            format!("{} record(s) still held refer to this one (such as a case file on a crime, or a custody record on an arrest): dispose of those first, or in the same decision", referring.len())
        })
        .into());
    }
    let links = links_of(conn, &people).await?;
    let mut with: Vec<EntityId> = people.iter().chain(&links).copied().filter(|id| *id != root).collect();
    with.sort_unstable();
    with.dedup();
    for (kind, id, marking) in markings_of(conn, &with).await? {
        let decision = may_erase(kind, id, &marking);
        if !decision.allowed {
            return Err(Refusal::Denied(kind, id, decision));
        }
    }
    // A person's match searches that chose them: their probe (name, date of birth…) is the
    // payload of the search's audit event, which names the search rather than them.
    let searches = ids_where(conn, "SELECT search_id FROM person_match_search WHERE chosen_id IN", &people).await?;
    let payloads = {
        let mut all = people.clone();
        all.extend(&links);
        all.extend(&searches);
        erase_payloads(conn, &all).await?
    };
    run(conn, "DELETE FROM person_match_search WHERE search_id IN", &searches).await?;
    let removed = remove(conn, backend, &people).await?;
    let mut erased: Vec<EntityId> = removed.iter().map(|(_, id, _)| *id).collect();
    erased.extend(&searches);
    for head in [
        "DELETE FROM audit_subject WHERE object_id IN",
        "DELETE FROM audit_payload_object WHERE object_id IN",
        "UPDATE retention_decision SET reason = NULL WHERE record_id IN",
    ] {
        run(conn, head, &erased).await?;
    }
    crate::request_erasure::erase(conn, &erased).await?;
    stubs(conn, &removed, root, decision).await?;
    Ok(Disposed { entities: removed.into_iter().map(|(k, id, _)| (k, id)).collect(), payloads })
}

/// The kind and marking of each of `ids` still stored.
async fn markings_of(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<Vec<(EntityKind, EntityId, SecurityMarking)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(300) {
        let head = "SELECT id, kind, classification, sensitive, owning_unit, acl FROM entity WHERE id IN";
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            let (kind, marking) = crate::entities::kind_and_marking(&row)?;
            out.push((kind, crate::batch::id_of(row.try_get(0)?)?, marking));
        }
    }
    Ok(out)
}

/// On PostgreSQL, no audit event may be queued while the payloads of what goes are found (on
/// SQLite the write lock already holds every writer back).
pub(crate) async fn hold_pending(conn: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE audit_pending IN EXCLUSIVE MODE").execute(&mut *conn).await?;
    }
    Ok(())
}

/// The links with an end in `ids`.
async fn links_of(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<Vec<EntityId>, StoreError> {
    let mut links = ids_where(conn, "SELECT id FROM link WHERE from_id IN", ids).await?;
    links.extend(ids_where(conn, "SELECT id FROM link WHERE to_id IN", ids).await?);
    links.sort_unstable();
    links.dedup();
    Ok(links)
}

/// The stubs of what went, each with its marking: `root` with its decision, the rest without.
async fn stubs(conn: &mut AnyConnection, removed: &[(EntityKind, EntityId, SecurityMarking)], root: EntityId, decision: Option<i64>) -> Result<(), StoreError> {
    let now = crate::clock::now_micros();
    for (kind, id, marking) in removed {
        let acl = serde_json::to_string(&marking.acl).map_err(|_| crate::entities::corrupt("an access list"))?;
        sqlx::query(
            "INSERT INTO disposed (entity_id, kind, owning_unit, classification, sensitive, acl, decision_id, disposed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.as_bytes().to_vec())
        .bind(kind.as_str())
        .bind(marking.owning_unit.to_string())
        .bind(marking.classification.level())
        .bind(i16::from(marking.sensitive))
        .bind(acl)
        .bind(decision.filter(|_| *id == root))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Removes `people` (one record, or a nominal and every record merged into it) and every link to
/// them from operational use, in the caller's transaction: the rows, versions and every index
/// (through their foreign keys), the full-text entries and the merge history. Returns what went.
async fn remove(conn: &mut AnyConnection, backend: Backend, people: &[EntityId]) -> Result<Vec<(EntityKind, EntityId, SecurityMarking)>, StoreError> {
    let links = links_of(conn, people).await?;
    let mut all: Vec<EntityId> = people.iter().chain(&links).copied().collect();
    all.sort_unstable();
    all.dedup();
    if backend == Backend::Sqlite {
        run_with(conn, "DELETE FROM search_text WHERE rowid IN (SELECT doc_id FROM search_doc WHERE entity_id IN", ")", &all).await?;
    }
    let merges = "SELECT merge_id FROM person_merge WHERE primary_id IN";
    let mut merge_ids: Vec<Vec<u8>> = Vec::new();
    for head in [merges, "SELECT merge_id FROM person_merge WHERE duplicate_id IN"] {
        for chunk in all.chunks(300) {
            let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
            for id in chunk {
                q = q.bind(id.as_bytes().to_vec());
            }
            for row in q.fetch_all(&mut *conn).await? {
                merge_ids.push(row.try_get(0)?);
            }
        }
    }
    merge_ids.sort_unstable();
    merge_ids.dedup();
    for chunk in merge_ids.chunks(300) {
        for head in ["DELETE FROM person_merge_link WHERE merge_id IN", "DELETE FROM person_merge WHERE merge_id IN"] {
            let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
            for id in chunk {
                q = q.bind(id.clone());
            }
            q.execute(&mut *conn).await?;
        }
    }
    run(conn, "DELETE FROM person_merge_link WHERE link_id IN", &links).await?;
    let kinds = markings_of(conn, &all).await?;
    // Links first, then duplicates, then the root: each refers to the next.
    run(conn, "UPDATE entity SET merged_into = NULL WHERE id IN", people).await?;
    run(conn, "DELETE FROM entity WHERE id IN", &links).await?;
    run(conn, "DELETE FROM entity WHERE id IN", people).await?;
    Ok(kinds)
}

/// Moves `record` into the restricted archive (`archive`: the record as it last stood, with its
/// marking) and removes it from operational use like a disposal, in the caller's transaction. Its
/// audit trail stays as it is.
pub(crate) async fn archive(conn: &mut AnyConnection, backend: Backend, record: EntityId, decision: i64) -> Result<(), StoreError> {
    if !links_of(conn, &[record]).await?.is_empty() {
        return Err(StoreError::Refused("links are held to this record: remove them before it goes to the archive".into()));
    }
    if !ids_where(conn, "SELECT record_id FROM record_ref WHERE target_id IN", &[record]).await?.is_empty() {
        return Err(StoreError::Refused(
            "a record still held refers to this one (such as a case file on a crime): it stays in use while that one does".into(),
        ));
    }
    let claimed = sqlx::query(
        "UPDATE retention SET state = 1, triggered = NULL, triggered_at = NULL, revision = revision + 1 \
         WHERE record_id = $1 AND state = 0 AND legal_hold = 0",
    )
    .bind(record.as_bytes().to_vec())
    .execute(&mut *conn)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(StoreError::Conflict);
    }
    let copied = sqlx::query(
        "INSERT INTO archive (entity_id, kind, classification, sensitive, owning_unit, acl, body, created_at, archived_at, decision_id) \
         SELECT e.id, e.kind, e.classification, e.sensitive, e.owning_unit, e.acl, v.body, e.created_at, $1, $2 \
         FROM entity e JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version WHERE e.id = $3",
    )
    .bind(crate::clock::now_micros())
    .bind(decision)
    .bind(record.as_bytes().to_vec())
    .execute(&mut *conn)
    .await?;
    if copied.rows_affected() != 1 {
        return Err(StoreError::Conflict);
    }
    remove(conn, backend, &[record]).await.map(drop)
}

/// Disposes of a record in the restricted archive: its archived copy, the payloads of the audit
/// events about it, and a stub, as [`dispose`] does for a record in use.
pub(crate) async fn dispose_archived(conn: &mut AnyConnection, backend: Backend, record: EntityId, decision: i64) -> Result<Disposed, StoreError> {
    hold_pending(conn, backend).await?;
    let row = sqlx::query("SELECT kind, classification, sensitive, owning_unit, acl FROM archive WHERE entity_id = $1")
        .bind(record.as_bytes().to_vec())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::Conflict)?;
    let (kind, marking) = crate::entities::kind_and_marking(&row)?;
    let payloads = erase_payloads(conn, &[record]).await?;
    let ids = [record];
    for head in [
        "DELETE FROM archive WHERE entity_id IN",
        "DELETE FROM audit_subject WHERE object_id IN",
        "DELETE FROM audit_payload_object WHERE object_id IN",
        "UPDATE retention_decision SET reason = NULL WHERE record_id IN",
    ] {
        run(conn, head, &ids).await?;
    }
    crate::request_erasure::erase(conn, &ids).await?;
    let claimed = sqlx::query(
        "UPDATE retention SET state = 2, triggered = NULL, triggered_at = NULL, offenders = $1, revision = revision + 1 \
         WHERE record_id = $2 AND state = 1 AND legal_hold = 0",
    )
    .bind(Vec::<u8>::new())
    .bind(record.as_bytes().to_vec())
    .execute(&mut *conn)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(StoreError::Conflict);
    }
    let removed = [(kind, record, marking)];
    stubs(conn, &removed, record, Some(decision)).await?;
    Ok(Disposed { entities: vec![(kind, record)], payloads })
}

/// Erases the payloads of the audit events naming any of `ids`: those integrated (by the index)
/// and those still pending (decoded here). Returns how many.
pub(crate) async fn erase_payloads(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<usize, StoreError> {
    let mut commitments: HashSet<Vec<u8>> = HashSet::new();
    for chunk in ids.chunks(300) {
        let mut q = sqlx::query(in_list(Placeholders::of(conn), "SELECT commitment FROM audit_payload_object WHERE object_id IN", chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            commitments.insert(row.try_get(0)?);
        }
    }
    let wanted: HashSet<EntityId> = ids.iter().copied().collect();
    for row in sqlx::query("SELECT event FROM audit_pending").fetch_all(&mut *conn).await? {
        let text: String = row.try_get(0)?;
        let event: AuditEvent = serde_json::from_str(&text).map_err(|_| crate::entities::corrupt("a pending audit event"))?;
        if let Some(commitment) = event.payload
            && crate::audit_subject::payload_objects(&event).iter().any(|id| wanted.contains(id))
        {
            commitments.insert(commitment.to_vec());
        }
    }
    let commitments: Vec<Vec<u8>> = commitments.into_iter().collect();
    let mut erased = 0;
    for chunk in commitments.chunks(300) {
        let mut q = sqlx::query(in_list(Placeholders::of(conn), "DELETE FROM audit_payload WHERE commitment IN", chunk.len()));
        for c in chunk {
            q = q.bind(c.clone());
        }
        erased += usize::try_from(q.execute(&mut *conn).await?.rows_affected()).unwrap_or(0);
    }
    Ok(erased)
}
