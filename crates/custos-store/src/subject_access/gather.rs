//! Reading everything about a subject, in one snapshot, with index probes only: what becomes an
//! item of the bundle, what is only named inside one (a place or an object the subject is not
//! linked to), who else is named and the words that identify them, and the disclosable audit
//! events about the items. Nothing here is authorised yet: `Store::bundle_from` decides.

use std::collections::{HashMap, HashSet};

use custos_audit::AuditEvent;
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_rights::redact::Party;
use sqlx::{AnyConnection, Row};

use super::render::{address, party};
use crate::entities::EntityRecord;
use crate::error::StoreError;
use crate::sql::{Placeholders, in_list};

/// The most records gathered for one subject; a subject with more is refused with a clear
/// message rather than answered partly (no force holds this much about one person; a bundle this
/// large is a data error to look into).
pub const MAX_ITEMS: usize = 5_000;

/// What was read about a subject, before authorisation.
#[derive(Debug)]
pub(crate) struct Gathered {
    /// The Golden Nominal first identified.
    pub subject: EntityId,
    /// Every id of the requester's records: each nominal identified and everything merged into it.
    pub subject_ids: Vec<EntityId>,
    /// The records that become items (the subject's own among them).
    pub items: Vec<EntityRecord>,
    /// Places and objects the items name but the subject is not linked to: shown only inside the
    /// records that name them (a place by its address, an object by its type), authorised and
    /// disclosed with them.
    pub context: Vec<EntityRecord>,
    /// Every id of every other person the items name (their merged records included).
    pub third_party_ids: Vec<EntityId>,
    /// The words that identify each of them.
    pub third_party_words: Vec<Party>,
    pub subject_party: Party,
    pub audit: Vec<(u64, AuditEvent)>,
}

pub(crate) fn id_of(row: &sqlx::any::AnyRow, column: &str) -> Result<Option<EntityId>, StoreError> {
    let bytes: Vec<u8> = row.try_get(column)?;
    Ok(<[u8; 16]>::try_from(bytes).ok().map(EntityId::from_bytes))
}

/// Runs `head IN (…)` over `ids` in chunks, returning the rows.
async fn rows_in(conn: &mut AnyConnection, head: &str, ids: &[EntityId]) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// The ids in `column` of the rows `head IN (ids)` gives, sorted and each once.
async fn ids_in(conn: &mut AnyConnection, head: &str, column: &str, ids: &[EntityId]) -> Result<Vec<EntityId>, StoreError> {
    let mut out: Vec<EntityId> = rows_in(conn, head, ids).await?.iter().filter_map(|r| id_of(r, column).ok().flatten()).collect();
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The current state of `ids` (merged or not), in no particular order; missing ids left out.
pub(crate) async fn load_many(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<Vec<EntityRecord>, StoreError> {
    let head = "SELECT e.id, e.kind, e.current_version, e.classification, e.sensitive, e.owning_unit, e.acl, \
                e.submitted_at, e.created_at, e.updated_at, v.body FROM entity e \
                JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version WHERE e.id IN";
    let mut out = Vec::with_capacity(ids.len());
    for row in rows_in(conn, head, ids).await? {
        let Some(id) = id_of(&row, "id")? else { continue };
        out.push(crate::entities::record_from_row(id, &row)?);
    }
    Ok(out)
}

/// The links touching any of `ids`: (link id, from, to).
async fn links_of(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<Vec<(EntityId, EntityId, EntityId)>, StoreError> {
    let mut out = Vec::new();
    // Two probes, one per index, rather than an OR the planner might not split.
    for head in ["SELECT id, from_id, to_id FROM link WHERE from_id IN", "SELECT id, from_id, to_id FROM link WHERE to_id IN"] {
        for row in rows_in(conn, head, ids).await? {
            if let (Some(l), Some(f), Some(t)) = (id_of(&row, "id")?, id_of(&row, "from_id")?, id_of(&row, "to_id")?) {
                out.push((l, f, t));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Each person's whole record family: the nominal each of `ids` belongs to (merges followed up)
/// and every record merged into it (down, through chains), as nominal → ids.
async fn families(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<HashMap<EntityId, Vec<EntityId>>, StoreError> {
    let nominals = crate::merge::resolve_many(conn, ids).await?;
    let mut out: HashMap<EntityId, Vec<EntityId>> = HashMap::new();
    let mut roots: Vec<EntityId> = ids.iter().map(|id| nominals.get(id).copied().unwrap_or(*id)).collect();
    roots.sort_unstable();
    roots.dedup();
    for root in roots {
        let mut family = vec![root];
        let mut frontier = vec![root];
        while !frontier.is_empty() {
            frontier = ids_in(conn, "SELECT id FROM entity WHERE merged_into IN", "id", &frontier).await?;
            frontier.retain(|id| !family.contains(id));
            family.extend(&frontier);
            if family.len() > MAX_ITEMS {
                return Err(too_many());
            }
        }
        out.insert(root, family);
    }
    Ok(out)
}

fn too_many() -> StoreError {
    StoreError::Refused(format!("more than {MAX_ITEMS} records name this subject: ask the data quality team to look into it"))
}

/// Reads everything about the requester, identified as `people` (the nominal chosen first, then
/// any unmerged records of theirs the officer also chose).
pub(crate) async fn gather(conn: &mut AnyConnection, people: &[EntityId]) -> Result<Gathered, StoreError> {
    let Some(first) = people.first() else { return Err(StoreError::Refused("identify the requester first".into())) };
    let Some(primary) = crate::entities::load_resolved(conn, *first).await? else {
        return Err(StoreError::Refused("the subject's person record no longer exists: identify the subject again".into()));
    };
    let mut subject_ids: Vec<EntityId> = families(conn, people).await?.into_values().flatten().collect();
    subject_ids.sort_unstable();
    subject_ids.dedup();
    let subject_set: HashSet<EntityId> = subject_ids.iter().copied().collect();
    let links = links_of(conn, &subject_ids).await?;
    // Every record naming the subject, and every record naming one of those (a case file built
    // on their crime report): the officer reviews each, and withholds what is not theirs.
    let naming = ids_in(conn, "SELECT record_id FROM record_ref WHERE target_id IN", "record_id", &subject_ids).await?;
    let mut record_ids = naming.clone();
    record_ids.extend(ids_in(conn, "SELECT record_id FROM record_ref WHERE target_id IN", "record_id", &naming).await?);
    record_ids.sort_unstable();
    record_ids.dedup();
    if record_ids.len() + links.len() > MAX_ITEMS {
        return Err(too_many());
    }
    // What the records name, and what the links lead to.
    let linked: HashSet<EntityId> = links.iter().flat_map(|(_, f, t)| [*f, *t]).filter(|id| !subject_set.contains(id)).collect();
    let mut named = ids_in(conn, "SELECT target_id FROM record_ref WHERE record_id IN", "target_id", &record_ids).await?;
    named.extend(&linked);
    named.retain(|id| !subject_set.contains(id) && record_ids.binary_search(id).is_err());
    named.sort_unstable();
    named.dedup();

    let mut wanted: Vec<EntityId> = subject_ids.clone();
    wanted.extend(links.iter().map(|(l, _, _)| *l));
    wanted.extend(&record_ids);
    wanted.extend(&named);
    let mut items = Vec::new();
    let mut context = Vec::new();
    let mut others = Vec::new();
    let mut subject_addresses = Vec::new();
    for record in load_many(conn, &wanted).await? {
        match record.kind {
            EntityKind::Person if !subject_set.contains(&record.id) => others.push(record.id),
            // A place or thing linked to the subject is theirs to see; one a record only names
            // is shown inside that record (a place by its address, an object by its type).
            EntityKind::Location | EntityKind::Object if !linked.contains(&record.id) => context.push(record),
            EntityKind::Location => {
                subject_addresses.extend(address(&record));
                items.push(record);
            }
            _ => items.push(record),
        }
    }
    items.extend(earlier_versions(conn, &items).await?);
    let (third_party_ids, third_party_words) = third_parties(conn, &others, &subject_set).await?;
    let subject_party = party(items.iter().filter(|r| subject_set.contains(&r.id)), subject_addresses, Vec::new());
    let mut about: Vec<EntityId> = items.iter().map(|r| r.id).chain(context.iter().map(|r| r.id)).collect();
    about.extend(&subject_ids);
    let audit = crate::audit_subject::events_about(conn, &about).await?;
    Ok(Gathered { subject: primary.id, subject_ids, items, context, third_party_ids, third_party_words, subject_party, audit })
}

/// The earlier versions of `records` still held: personal data the force holds, so the
/// subject's too (a corrected narrative, a former address). Each is an item of its own, under
/// the record's marking.
async fn earlier_versions(conn: &mut AnyConnection, records: &[EntityRecord]) -> Result<Vec<EntityRecord>, StoreError> {
    let current: HashMap<EntityId, &EntityRecord> = records.iter().filter(|r| r.version > 1).map(|r| (r.id, r)).collect();
    let ids: Vec<EntityId> = current.keys().copied().collect();
    let mut out = Vec::new();
    for row in rows_in(conn, "SELECT entity_id, version, at, body FROM entity_version WHERE entity_id IN", &ids).await? {
        let Some(id) = id_of(&row, "entity_id")? else { continue };
        let Some(record) = current.get(&id) else { continue };
        let version = u32::try_from(row.try_get::<i64, _>("version")?).map_err(|_| crate::entities::corrupt("version"))?;
        if version >= record.version {
            continue;
        }
        let body: String = row.try_get("body")?;
        let body = serde_json::from_str(&body).map_err(|_| crate::entities::corrupt("record body"))?;
        out.push(EntityRecord { version, body, updated_at: crate::clock::from_micros(row.try_get("at")?), ..(*record).clone() });
    }
    Ok(out)
}

/// Every other person named, as their whole record family (a victim named by a duplicate since
/// merged has the primary's names and identifiers too), with the words that identify each: their
/// names, identifiers and dates of birth, the places linked to them and the numbers of the things
/// linked to them (a vehicle's registration, a phone's number).
async fn third_parties(
    conn: &mut AnyConnection,
    named: &[EntityId],
    subject: &HashSet<EntityId>,
) -> Result<(Vec<EntityId>, Vec<Party>), StoreError> {
    let families = families(conn, named).await?;
    let all: Vec<EntityId> = families.values().flatten().copied().filter(|id| !subject.contains(id)).collect();
    let records: HashMap<EntityId, EntityRecord> = load_many(conn, &all).await?.into_iter().map(|r| (r.id, r)).collect();
    let links = links_of(conn, &all).await?;
    let ends: Vec<EntityId> = links.iter().flat_map(|(_, f, t)| [*f, *t]).filter(|id| !records.contains_key(id) && !subject.contains(id)).collect();
    let things: HashMap<EntityId, EntityRecord> = load_many(conn, &ends).await?.into_iter().map(|r| (r.id, r)).collect();
    let mut words = Vec::with_capacity(families.len());
    for family in families.values() {
        let members: HashSet<&EntityId> = family.iter().collect();
        let theirs = links.iter().filter_map(|(_, f, t)| match (members.contains(f), members.contains(t)) {
            (true, _) => things.get(t),
            (_, true) => things.get(f),
            _ => None,
        });
        let (mut addresses, mut numbers) = (Vec::new(), Vec::new());
        for thing in theirs {
            match &thing.body {
                EntityBody::Location(_) => addresses.extend(address(thing)),
                EntityBody::Object(o) => numbers.extend(o.kind.identifying_numbers().into_iter().map(|(_, n)| n.to_owned())),
                _ => {}
            }
        }
        words.push(party(family.iter().filter_map(|id| records.get(id)), addresses, numbers));
    }
    Ok((all, words))
}
