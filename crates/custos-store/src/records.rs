//! The store's side of operational records (`custos_core::record`): the rules between records,
//! applied in the writing transaction once the records depended on are read, and the index of
//! what each record refers to (`record_ref`).
//!
//! The record's own rules (`Record::check`) are applied here again whatever the caller did, so
//! that no path into the store can write a custody record with its times out of order. The
//! references themselves (the target exists, is readable and of the right kind) are checked with
//! every other reference in `references`.

use std::collections::HashMap;

use custos_core::draft::{FieldError, FieldErrors};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::marking::SecurityMarking;
use custos_core::record::Record;
use sqlx::{AnyConnection, Row};

use crate::error::StoreError;
use crate::sql::{Placeholders, in_list, multi_row};

/// Checks every record among `bodies` against its own rules, its marking and the records it
/// depends on (from `batch` when written in the same call, else from the store, current version).
pub(crate) async fn check_rules(
    conn: &mut AnyConnection,
    bodies: &[(EntityId, &EntityBody, &SecurityMarking)],
) -> Result<(), StoreError> {
    let records: Vec<(&Record, &SecurityMarking)> = bodies
        .iter()
        .filter_map(|(_, body, marking)| match body {
            EntityBody::Record(r) => Some((r, *marking)),
            _ => None,
        })
        .collect();
    if records.is_empty() {
        return Ok(());
    }
    for (record, marking) in &records {
        record.check().map_err(StoreError::Invalid)?;
        if record.needs_sensitive_marking() && !marking.sensitive {
            return Err(StoreError::Invalid(FieldErrors(vec![FieldError {
                field: "status".into(),
                message: "a report in a SENSITIVE state must carry the SENSITIVE marking".into(),
            }])));
        }
    }
    let batch: HashMap<EntityId, &Record> = bodies
        .iter()
        .filter_map(|(id, body, _)| match body {
            EntityBody::Record(r) => Some((*id, r)),
            _ => None,
        })
        .collect();
    let wanted: Vec<EntityId> =
        records.iter().flat_map(|(r, _)| r.depends_on()).filter(|id| !batch.contains_key(id)).collect();
    let stored = current_records(conn, &wanted).await?;
    let record = |id: EntityId| batch.get(&id).copied().or_else(|| stored.get(&id));
    // Every person the rules may compare, with the Golden Nominal each now belongs to.
    let people: Vec<EntityId> = records
        .iter()
        .flat_map(|(r, _)| r.depends_on().into_iter().filter_map(record).chain([*r]))
        .flat_map(|r| r.references())
        .filter(|(_, _, kind)| *kind == EntityKind::Person)
        .map(|(_, id, _)| id)
        .collect();
    let nominals = crate::merge::resolve_many(conn, &people).await?;
    for (r, _) in &records {
        r.check_against(record, |id| nominals.get(&id).copied().unwrap_or(id)).map_err(StoreError::Invalid)?;
    }
    one_custody_record_per_arrest(conn, bodies).await
}

/// An arrest opens one custody episode: PACE Code C para 2.1 requires "a separate custody
/// record" for each person brought to a station under arrest, so a second custody record for
/// the same arrest is refused. The unique index `record_ref_one_custody_per_arrest` holds the rule against
/// concurrent writers; this check gives the clear message.
async fn one_custody_record_per_arrest(
    conn: &mut AnyConnection,
    bodies: &[(EntityId, &EntityBody, &SecurityMarking)],
) -> Result<(), StoreError> {
    let mut arrests: HashMap<EntityId, EntityId> = HashMap::new();
    for (id, body, _) in bodies {
        let EntityBody::Record(Record::CustodyRecord(custody)) = body else { continue };
        let Some(arrest) = custody.arrest else { continue };
        if arrests.insert(arrest, *id).is_some_and(|other| other != *id) {
            return Err(already_in_custody());
        }
    }
    let ids: Vec<EntityId> = arrests.keys().copied().collect();
    for chunk in ids.chunks(300) {
        let head = "SELECT record_id, target_id FROM record_ref WHERE field = 'arrest' AND target_id IN";
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            let (custody, arrest) = (id_of(row.try_get("record_id")?)?, id_of(row.try_get("target_id")?)?);
            if arrests.get(&arrest) != Some(&custody) {
                return Err(already_in_custody());
            }
        }
    }
    Ok(())
}

fn already_in_custody() -> StoreError {
    StoreError::Refused("this arrest already has a custody record; open that record instead".into())
}

fn id_of(bytes: Vec<u8>) -> Result<EntityId, StoreError> {
    <[u8; 16]>::try_from(bytes)
        .map(EntityId::from_bytes)
        .map_err(|_| StoreError::Refused("a stored reference is unreadable".into()))
}

/// The current versions of the given operational records; ids of other kinds are left out.
async fn current_records(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<HashMap<EntityId, Record>, StoreError> {
    let bodies = crate::entities::current_bodies(conn, ids).await?;
    Ok(bodies
        .into_iter()
        .filter_map(|(id, body)| match body {
            EntityBody::Record(r) => Some((id, r)),
            _ => None,
        })
        .collect())
}

/// Writes what the given records refer to, in the caller's transaction; with `replace`, their
/// old references are removed first (after a change).
pub(crate) async fn index_references(
    conn: &mut AnyConnection,
    bodies: &[(EntityId, &EntityBody)],
    replace: bool,
) -> Result<(), StoreError> {
    let mut rows: Vec<(EntityId, &'static str, EntityId)> = Vec::new();
    for (id, body) in bodies {
        let EntityBody::Record(record) = body else { continue };
        if replace {
            sqlx::query("DELETE FROM record_ref WHERE record_id = $1")
                .bind(id.as_bytes().to_vec())
                .execute(&mut *conn)
                .await?;
        }
        rows.extend(record.references().into_iter().map(|(field, target, _)| (*id, field, target)));
    }
    for chunk in rows.chunks(300) {
        // The same person charged twice is one reference. The conflict is named so that the
        // other unique index (one custody record per arrest) still refuses.
        let mut sql = multi_row(Placeholders::of(conn), "INSERT INTO record_ref (record_id, field, target_id)", chunk.len(), 3);
        sql.0.push_str(" ON CONFLICT (record_id, target_id, field) DO NOTHING");
        let mut q = sqlx::query(sql);
        for (id, field, target) in chunk {
            q = q.bind(id.as_bytes().to_vec()).bind(*field).bind(target.as_bytes().to_vec());
        }
        q.execute(&mut *conn).await.map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => already_in_custody(),
            _ => e.into(),
        })?;
    }
    Ok(())
}
