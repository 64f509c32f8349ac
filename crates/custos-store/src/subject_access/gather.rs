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
use crate::related::entity_id as id_of;
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
/// and every record merged into it (down, through chains), as nominal → ids. One statement per
/// level of merging, for all the people at once.
async fn families(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<HashMap<EntityId, Vec<EntityId>>, StoreError> {
    let nominals = crate::merge::resolve_many(conn, ids).await?;
    let mut root_of: HashMap<EntityId, EntityId> = HashMap::new();
    for id in ids {
        let root = nominals.get(id).copied().unwrap_or(*id);
        root_of.insert(root, root);
    }
    let mut frontier: Vec<EntityId> = root_of.keys().copied().collect();
    while !frontier.is_empty() {
        let rows = rows_in(conn, "SELECT id, merged_into FROM entity WHERE merged_into IN", &frontier).await?;
        frontier.clear();
        for row in &rows {
            let (Some(id), Some(into)) = (id_of(row, "id")?, id_of(row, "merged_into")?) else { continue };
            let Some(root) = root_of.get(&into).copied() else { continue };
            if root_of.insert(id, root).is_none() {
                frontier.push(id);
            }
        }
        if root_of.len() > MAX_ITEMS {
            return Err(too_many());
        }
    }
    let mut out: HashMap<EntityId, Vec<EntityId>> = HashMap::new();
    for (id, root) in root_of {
        out.entry(root).or_default().push(id);
    }
    for family in out.values_mut() {
        family.sort_unstable();
    }
    Ok(out)
}

fn too_many() -> StoreError {
    StoreError::Refused(format!("more than {MAX_ITEMS} records name this subject: ask the data quality team to look into it"))
}

/// Every entity id a body names (a record's people, places, events and records, a link's ends,
/// an event's place), whatever the field.
pub(crate) fn body_ids(body: &EntityBody) -> Vec<EntityId> {
    fn walk(value: &serde_json::Value, out: &mut Vec<EntityId>) {
        match value {
            serde_json::Value::String(s) => out.extend(s.parse::<EntityId>().ok()),
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(body).unwrap_or(serde_json::Value::Null), &mut out);
    out
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
    let linked: HashSet<EntityId> = links.iter().flat_map(|(_, f, t)| [*f, *t]).filter(|id| !subject_set.contains(id)).collect();
    // Every record naming the subject, and every case file built on one of their crime reports
    // (it names the crime, and through it them, without naming them itself).
    let naming = ids_in(conn, "SELECT record_id FROM record_ref WHERE target_id IN", "record_id", &subject_ids).await?;
    let mut record_ids = naming.clone();
    record_ids.extend(ids_in(conn, "SELECT record_id FROM record_ref WHERE field = 'crime_report' AND target_id IN", "record_id", &naming).await?);
    record_ids.sort_unstable();
    record_ids.dedup();
    if record_ids.len() + links.len() > MAX_ITEMS {
        return Err(too_many());
    }
    let mut wanted: Vec<EntityId> = subject_ids.clone();
    wanted.extend(links.iter().map(|(l, _, _)| *l));
    wanted.extend(&record_ids);
    wanted.extend(&linked);
    let mut items = Vec::new();
    let mut others = Vec::new();
    for record in load_many(conn, &wanted).await? {
        match record.kind {
            // A linked person is someone else; everything else linked is the subject's.
            EntityKind::Person if !subject_set.contains(&record.id) => others.push(record.id),
            _ => items.push(record),
        }
    }
    // The events the records concern are part of what they say about the subject.
    let known: HashSet<EntityId> = items.iter().map(|r| r.id).chain(others.iter().copied()).collect();
    let mut events: Vec<EntityId> = items.iter().flat_map(|r| body_ids(&r.body)).filter(|id| !known.contains(id)).collect();
    events.sort_unstable();
    events.dedup();
    items.extend(load_many(conn, &events).await?.into_iter().filter(|r| r.kind == EntityKind::Event));
    items.extend(earlier_versions(conn, &items).await?);
    // Everything else any version of an item names: other people, and places and things shown
    // only inside the items (a place by its address, an object by its type).
    let known: HashSet<EntityId> = items.iter().map(|r| r.id).chain(others.iter().copied()).chain(subject_ids.iter().copied()).collect();
    let mut rest: Vec<EntityId> = items.iter().flat_map(|r| body_ids(&r.body)).filter(|id| !known.contains(id)).collect();
    rest.sort_unstable();
    rest.dedup();
    let mut context = Vec::new();
    for record in load_many(conn, &rest).await? {
        match record.kind {
            EntityKind::Person => others.push(record.id),
            EntityKind::Location | EntityKind::Object => context.push(record),
            // Another record or event: shown as "a record not included".
            _ => {}
        }
    }
    let (third_party_ids, third_party_words) = third_parties(conn, &others, &subject_set).await?;
    // The subject's own words: every version of their person records, of the places linked to
    // them and of the things linked to them.
    let theirs = |r: &&EntityRecord| subject_set.contains(&r.id) || linked.contains(&r.id);
    let (mut addresses, mut numbers) = (Vec::new(), Vec::new());
    for record in items.iter().filter(theirs) {
        match &record.body {
            EntityBody::Location(_) => addresses.extend(address(record)),
            EntityBody::Object(o) => numbers.extend(o.kind.identifying_numbers().into_iter().map(|(_, n)| n.to_owned())),
            _ => {}
        }
    }
    let subject_party = party(items.iter().filter(|r| subject_set.contains(&r.id)), addresses, numbers);
    let mut about: Vec<EntityId> = items.iter().map(|r| r.id).collect();
    about.extend(&subject_ids);
    about.sort_unstable();
    about.dedup();
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
    let current = load_many(conn, &all).await?;
    let mut records: HashMap<EntityId, Vec<EntityRecord>> = HashMap::new();
    for record in earlier_versions(conn, &current).await?.into_iter().chain(current) {
        records.entry(record.id).or_default().push(record);
    }
    let links = links_of(conn, &all).await?;
    let ends: Vec<EntityId> = links.iter().flat_map(|(_, f, t)| [*f, *t]).filter(|id| !records.contains_key(id) && !subject.contains(id)).collect();
    let current_things = load_many(conn, &ends).await?;
    let mut things: HashMap<EntityId, Vec<EntityRecord>> = HashMap::new();
    for thing in earlier_versions(conn, &current_things).await?.into_iter().chain(current_things) {
        things.entry(thing.id).or_default().push(thing);
    }
    let mut words = Vec::with_capacity(families.len());
    for family in families.values() {
        let members: HashSet<&EntityId> = family.iter().collect();
        let theirs = links
            .iter()
            .filter_map(|(_, f, t)| match (members.contains(f), members.contains(t)) {
                (true, _) => things.get(t),
                (_, true) => things.get(f),
                _ => None,
            })
            .flatten();
        let (mut addresses, mut numbers) = (Vec::new(), Vec::new());
        for thing in theirs {
            match &thing.body {
                EntityBody::Location(_) => addresses.extend(address(thing)),
                EntityBody::Object(o) => numbers.extend(o.kind.identifying_numbers().into_iter().map(|(_, n)| n.to_owned())),
                _ => {}
            }
        }
        words.push(party(family.iter().filter_map(|id| records.get(id)).flatten(), addresses, numbers));
    }
    Ok((all, words))
}
