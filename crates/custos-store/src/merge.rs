//! Golden Nominal merges (DOMAIN.md §4): a duplicate person record merged into a primary, and
//! undone exactly.
//!
//! A merge changes no record's versions. The duplicate keeps its row and every version; its
//! `entity.merged_into` names the primary, so that reading, changing or linking to its id lands on
//! the primary (ids stay stable: `entities::load_resolved`). What moves is the index: the `link`
//! table's ends (recorded end by end in `person_merge_link`) and the name keys, so that traversal
//! and search find the primary. A link's *body* always keeps the id it named, and the link table
//! always holds that id resolved through the merges in force; an unmerge therefore re-derives
//! every link end at the primary from the bodies, which sends back both the links the merge moved
//! and links made to the duplicate's id while it was merged.
//!
//! Name keys are derived the same way: a primary's keys are those of its own current body and of
//! every duplicate merged into it (directly or through a chain), rebuilt on merge, unmerge and on
//! every change of the primary. People have no `entity_term` rows, so terms are untouched.
//!
//! Rules: both records must be people that the principal may read and merge (a denial, like a
//! missing record, is `Denied` and audited); a record is not merged into itself, into a record
//! that is itself merged, nor merged twice; two different values of a unique identifier (PNC ID,
//! CRO number, NI number) refuse the merge unless a person explicitly forces it. A merge may be
//! undone only while its primary is not itself merged into another record: undo the later merge
//! first (merges are undone last-in, first-out along a chain). Each merge and unmerge is one
//! audited event (naming the merge, both records and the links moved) in the same transaction,
//! with the reason (and the force flag) in the erasable payload.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Decision, Principal, Resource};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::person::{IdentifierKind, Person};
use custos_core::text::Text;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::audit_log::Personal;
use crate::clock::now_micros;
use crate::db::Backend;
use crate::entities::{EntityRecord, load_with_alias, not_found, object_ref};
use crate::error::StoreError;
use crate::sql::{Placeholders, in_list};
use crate::{Store, audit_event, audit_log};

/// The longest chain of merges followed when resolving an id (C into B into A is two). Chains
/// are built one merge at a time and never cycle; the bound only guards against a corrupt table.
pub(crate) const MAX_CHAIN: usize = 64;

/// Identifiers a person has at most one value of: two different values mean two people.
const UNIQUE_IDENTIFIERS: [IdentifierKind; 3] = [IdentifierKind::PncId, IdentifierKind::CroNumber, IdentifierKind::NiNumber];

/// The id of one merge decision (a UUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MergeId(EntityId);

impl MergeId {
    pub(crate) fn new() -> Self {
        Self(EntityId::new())
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
    }
}

impl fmt::Display for MergeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for MergeId {
    type Err = <EntityId as FromStr>::Err;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

/// Whether the merge goes ahead even though the two records carry different values of a unique
/// identifier. Only a person who has looked at both records may decide that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Identifiers {
    /// Refuse when a unique identifier differs (the default).
    #[default]
    MustAgree,
    /// Merge anyway: the decision (and this flag) is in the audit payload.
    ForceConflicting,
}

/// One merge as recorded (its moved link ends are kept in `person_merge_link` as evidence; an
/// unmerge re-derives the ends from the link bodies instead, which also covers links made since).
struct MergeRecord {
    primary: EntityId,
    duplicate: EntityId,
    unmerged: bool,
}

fn check_reason(reason: &str) -> Result<(), StoreError> {
    if reason.trim().chars().count() < 3 {
        return Err(StoreError::Refused("a reason is required to merge or unmerge records".into()));
    }
    reason.parse::<Text>().map(|_| ()).map_err(|e| StoreError::Refused(format!("the reason is not acceptable: {e}")))
}

fn id_from(bytes: Vec<u8>) -> Result<EntityId, StoreError> {
    <[u8; 16]>::try_from(bytes)
        .map(EntityId::from_bytes)
        .map_err(|_| StoreError::Refused("the stored merge record is unreadable".into()))
}

/// The primaries of those `ids` that are merged duplicates (following chains); ids not merged,
/// or not stored, are absent from the map.
pub(crate) async fn resolve_many(
    conn: &mut AnyConnection,
    ids: &[EntityId],
) -> Result<HashMap<EntityId, EntityId>, StoreError> {
    // `next[x]` is the record x is merged into; walked one level per round, all ids at once.
    let mut next: HashMap<EntityId, EntityId> = HashMap::new();
    let mut frontier: Vec<EntityId> = ids.to_vec();
    frontier.sort();
    frontier.dedup();
    for _ in 0..=MAX_CHAIN {
        if frontier.is_empty() {
            let mut out = HashMap::new();
            for id in ids {
                let mut current = *id;
                let mut steps = 0;
                while let Some(up) = next.get(&current) {
                    current = *up;
                    steps += 1;
                    if steps > MAX_CHAIN {
                        return Err(StoreError::Refused("the stored merge chain is unreadable".into()));
                    }
                }
                if current != *id {
                    out.insert(*id, current);
                }
            }
            return Ok(out);
        }
        let mut found = Vec::new();
        for chunk in frontier.chunks(500) {
            // Unmerged rows are skipped below: `merged_into IS NOT NULL` in SQL would lead SQLite's
            // planner to the `entity_merged_into` index instead of the id lookups.
            let head = "SELECT id, merged_into FROM entity WHERE id IN";
            let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
            for id in chunk {
                q = q.bind(id.as_bytes().to_vec());
            }
            for row in q.fetch_all(&mut *conn).await? {
                let Some(up) = row.try_get::<Option<Vec<u8>>, _>("merged_into")? else { continue };
                let (id, up) = (id_from(row.try_get("id")?)?, id_from(up)?);
                if next.insert(id, up).is_none() {
                    found.push(up);
                }
            }
        }
        frontier = found.into_iter().filter(|id| !next.contains_key(id)).collect();
    }
    Err(StoreError::Refused("the stored merge chain is unreadable".into()))
}

/// Every record merged into `primary`, directly or through a chain.
async fn merged_into(conn: &mut AnyConnection, primary: EntityId) -> Result<Vec<EntityId>, StoreError> {
    let mut all = Vec::new();
    let mut frontier = vec![primary];
    for _ in 0..=MAX_CHAIN {
        if frontier.is_empty() {
            return Ok(all);
        }
        let mut found = Vec::new();
        for chunk in frontier.chunks(500) {
            let head = "SELECT id FROM entity WHERE merged_into IN";
            let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
            for id in chunk {
                q = q.bind(id.as_bytes().to_vec());
            }
            for row in q.fetch_all(&mut *conn).await? {
                found.push(id_from(row.try_get("id")?)?);
            }
        }
        all.extend(found.iter().copied());
        frontier = found;
    }
    Err(StoreError::Refused("the stored merge chain is unreadable".into()))
}

/// Rebuilds the name keys of `primary`: its own current names and those of every record merged
/// into it, all under its id (so that a search for a duplicate's name finds the primary). Blocking
/// keys are not touched: they stay with each record (see `matching`).
pub(crate) async fn reindex_names(conn: &mut AnyConnection, primary: EntityId) -> Result<(), StoreError> {
    let mut bodies = Vec::new();
    for id in std::iter::once(primary).chain(merged_into(conn, primary).await?) {
        if let Some((record, _)) = load_with_alias(conn, id).await? {
            bodies.push(record.body);
        }
    }
    let people: Vec<(EntityId, &EntityBody)> = bodies.iter().map(|b| (primary, b)).collect();
    if people.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM person_name_key WHERE entity_id = $1")
        .bind(primary.as_bytes().to_vec())
        .execute(&mut *conn)
        .await?;
    crate::search::index_names(conn, &people, false).await
}

/// After a change of `id`'s body (whose own keys were just rewritten): puts back the name keys of
/// the records merged into it, if any.
pub(crate) async fn reindex_names_if_primary(conn: &mut AnyConnection, id: EntityId) -> Result<(), StoreError> {
    let any = sqlx::query("SELECT id FROM entity WHERE merged_into = $1 LIMIT 1")
        .bind(id.as_bytes().to_vec())
        .fetch_optional(&mut *conn)
        .await?;
    if any.is_some() { reindex_names(conn, id).await } else { Ok(()) }
}

/// The writes of one merge, in the caller's transaction, after every check has passed: the merge
/// row, the duplicate's link ends moved to the primary (each move recorded), the duplicate
/// marked, and its name keys removed (its blocking keys stay: see `matching`); the caller rebuilds
/// the primary's name keys
/// (`reindex_names`). `batch::Store::apply_linkage` makes the same writes for many merges at
/// once. Returns the links moved, sorted.
async fn move_into(
    conn: &mut AnyConnection,
    principal: &Principal,
    merge_id: MergeId,
    primary: EntityId,
    duplicate: EntityId,
    forced: bool,
) -> Result<Vec<EntityId>, StoreError> {
    let now = now_micros();
    sqlx::query(
        "INSERT INTO person_merge (merge_id, primary_id, duplicate_id, forced, merged_at, merged_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(merge_id.as_bytes().to_vec())
    .bind(primary.as_bytes().to_vec())
    .bind(duplicate.as_bytes().to_vec())
    .bind(i16::from(forced))
    .bind(now)
    .bind(principal.user.as_str().to_owned())
    .execute(&mut *conn)
    .await?;
    let mut moved: Vec<EntityId> = Vec::new();
    for end in ["from", "to"] {
        let (select, update, record) = match end {
            "from" => (
                "SELECT id FROM link WHERE from_id = $1 ORDER BY id",
                "UPDATE link SET from_id = $1 WHERE from_id = $2",
                "INSERT INTO person_merge_link (merge_id, link_id, link_end, original_id) \
                 SELECT $1, id, 'from', from_id FROM link WHERE from_id = $2",
            ),
            _ => (
                "SELECT id FROM link WHERE to_id = $1 ORDER BY id",
                "UPDATE link SET to_id = $1 WHERE to_id = $2",
                "INSERT INTO person_merge_link (merge_id, link_id, link_end, original_id) \
                 SELECT $1, id, 'to', to_id FROM link WHERE to_id = $2",
            ),
        };
        for row in sqlx::query(select).bind(duplicate.as_bytes().to_vec()).fetch_all(&mut *conn).await? {
            moved.push(id_from(row.try_get("id")?)?);
        }
        sqlx::query(record)
            .bind(merge_id.as_bytes().to_vec())
            .bind(duplicate.as_bytes().to_vec())
            .execute(&mut *conn)
            .await?;
        sqlx::query(update)
            .bind(primary.as_bytes().to_vec())
            .bind(duplicate.as_bytes().to_vec())
            .execute(&mut *conn)
            .await?;
    }
    let marked = sqlx::query("UPDATE entity SET merged_into = $1 WHERE id = $2 AND merged_into IS NULL")
        .bind(primary.as_bytes().to_vec())
        .bind(duplicate.as_bytes().to_vec())
        .execute(&mut *conn)
        .await?;
    if marked.rows_affected() != 1 {
        return Err(StoreError::Conflict);
    }
    sqlx::query("DELETE FROM person_name_key WHERE entity_id = $1")
        .bind(duplicate.as_bytes().to_vec())
        .execute(&mut *conn)
        .await?;
    moved.sort();
    moved.dedup();
    Ok(moved)
}

/// The unique identifiers on which two people disagree.
pub(crate) fn conflicting_identifiers(a: &Person, b: &Person) -> Vec<IdentifierKind> {
    UNIQUE_IDENTIFIERS
        .into_iter()
        .filter(|kind| {
            let values = |p: &Person| -> BTreeSet<String> {
                p.identifiers.iter().filter(|i| i.kind() == *kind).map(|i| i.value().to_owned()).collect()
            };
            let (va, vb) = (values(a), values(b));
            !va.is_empty() && !vb.is_empty() && va != vb
        })
        .collect()
}

/// The policies of several allowing decisions, as one decision for the audit event.
fn combined(decisions: Vec<Decision>) -> Decision {
    let mut policies: Vec<String> = decisions.into_iter().flat_map(|d| d.policies).collect();
    policies.sort();
    policies.dedup();
    Decision { allowed: true, policies, errors: Vec::new() }
}

impl Store {
    /// Merges person `duplicate` into person `primary` and returns the merge's id. Every link
    /// from or to the duplicate is re-pointed at the primary, the duplicate's names find the
    /// primary, and the duplicate's id resolves to the primary from now on; nothing is deleted.
    /// Denied (and audited) unless the principal may read and merge both records; refused for a
    /// record merged into itself, an already-merged record on either side, records other than
    /// people, a missing or unacceptable reason, and (unless `identifiers` forces it) different
    /// values of a unique identifier. One `merge` audit event, in the same transaction.
    pub async fn merge_people(
        &self,
        principal: &Principal,
        primary: EntityId,
        duplicate: EntityId,
        reason: &str,
        identifiers: Identifiers,
    ) -> Result<MergeId, StoreError> {
        self.merge_people_deciding(principal, primary, duplicate, reason, identifiers, None).await
    }

    /// [`Store::merge_people`], which with `review` also records, in the same transaction, that
    /// this open duplicate-review pair was decided by linking (refused as `Conflict`, and nothing
    /// merged, if the pair was decided meanwhile).
    pub(crate) async fn merge_people_deciding(
        &self,
        principal: &Principal,
        primary: EntityId,
        duplicate: EntityId,
        reason: &str,
        identifiers: Identifiers,
        review: Option<&[u8]>,
    ) -> Result<MergeId, StoreError> {
        check_reason(reason)?;
        if primary == duplicate {
            return Err(StoreError::Refused("a record cannot be merged into itself".into()));
        }
        let forced = identifiers == Identifiers::ForceConflicting;
        let terms = serde_json::json!({ "force_conflicting_identifiers": forced });
        let personal = || Personal { reason: Some(reason), terms: Some(terms.clone()), ..Personal::default() };
        let mut tx = self.begin_write().await?;
        lock_rows(&mut tx, self.backend, &[primary, duplicate]).await?;
        let Some(Pair { primary: (a_record, a_alias), duplicate: (b_record, b_alias), decision, mut tx }) =
            self.load_pair(tx, principal, primary, duplicate, personal()).await?
        else {
            return Err(StoreError::Denied);
        };
        let (EntityBody::Person(a_person), EntityBody::Person(b_person)) = (&a_record.body, &b_record.body) else {
            return Err(StoreError::Refused("only people can be merged".into()));
        };
        if b_alias.is_some() {
            return Err(StoreError::Refused(format!("{duplicate} has already been merged into another record")));
        }
        if let Some(into) = a_alias {
            return Err(StoreError::Refused(format!(
                "{primary} has been merged into {into}; merge into that record instead"
            )));
        }
        let conflicts = conflicting_identifiers(a_person, b_person);
        if !conflicts.is_empty() && !forced {
            let names: Vec<&str> = conflicts.iter().map(|k| k.as_str()).collect();
            return Err(StoreError::Refused(format!(
                "the two records carry different values of {}; merge only if a person has checked they are \
                 the same (force_conflicting_identifiers)",
                names.join(", ")
            )));
        }

        let merge_id = MergeId::new();
        let moved = move_into(&mut tx, principal, merge_id, primary, duplicate, forced).await?;
        reindex_names(&mut tx, primary).await?;

        let mut objects = vec![
            ObjectRef { kind: "merge".into(), id: merge_id.to_string() },
            object_ref(EntityKind::Person, primary),
            object_ref(EntityKind::Person, duplicate),
        ];
        objects.extend(moved.iter().map(|id| object_ref(EntityKind::Link, *id)));
        let mut events = vec![audit_event(AuditKind::Merge, principal, objects, &decision)];
        if let Some(review) = review {
            let decided = sqlx::query(
                "UPDATE person_review SET decision = 'linked', decided_by = $1, decided_at = $2, merge_id = $3 \
                 WHERE review_id = $4 AND decision IS NULL",
            )
            .bind(principal.user.as_str().to_owned())
            .bind(now_micros())
            .bind(merge_id.as_bytes().to_vec())
            .bind(review.to_vec())
            .execute(&mut *tx)
            .await?;
            if decided.rows_affected() != 1 {
                return Err(StoreError::Conflict);
            }
            let review_id = <[u8; 16]>::try_from(review).map(EntityId::from_bytes).map_err(|_| StoreError::Conflict)?;
            let objects = vec![
                ObjectRef { kind: "review".into(), id: review_id.to_string() },
                object_ref(EntityKind::Person, primary),
                object_ref(EntityKind::Person, duplicate),
            ];
            events.push(audit_event(AuditKind::Update, principal, objects, &decision));
        }
        audit_log::append_with_text(&mut tx, &mut events, &personal()).await?;
        tx.commit().await?;
        Ok(merge_id)
    }

    /// Undoes merge `merge_id`: the duplicate is a record of its own again, with its links
    /// (those the merge moved and those made to its id since), its names and its status exactly
    /// as before. Authorised as a merge of both records (denied and audited otherwise, as is an
    /// unknown merge id); refused when already undone, or while the primary is itself merged
    /// into another record (undo that later merge first). One `unmerge` audit event.
    pub async fn unmerge(&self, principal: &Principal, merge_id: MergeId, reason: &str) -> Result<(), StoreError> {
        check_reason(reason)?;
        let personal = || Personal { reason: Some(reason), ..Personal::default() };
        let mut tx = self.begin_write().await?;
        let Some(merge) = merge_record(&mut tx, merge_id).await? else {
            let objects = vec![ObjectRef { kind: "merge".into(), id: merge_id.to_string() }];
            let event = audit_event(AuditKind::AccessDenied, principal, objects, &not_found());
            audit_log::append_with_text(&mut tx, &mut [event], &personal()).await?;
            tx.commit().await?;
            return Err(StoreError::Denied);
        };
        let (primary, duplicate) = (merge.primary, merge.duplicate);
        lock_rows(&mut tx, self.backend, &[primary, duplicate]).await?;
        let Some(Pair { primary: (_, a_alias), duplicate: (_, b_alias), decision, mut tx }) =
            self.load_pair(tx, principal, primary, duplicate, personal()).await?
        else {
            return Err(StoreError::Denied);
        };
        if merge.unmerged {
            return Err(StoreError::Refused("this merge has already been undone".into()));
        }
        if let Some(into) = a_alias {
            return Err(StoreError::Refused(format!(
                "{primary} has since been merged into {into}: undo that merge first"
            )));
        }
        if b_alias != Some(primary) {
            return Err(StoreError::Refused("the stored merge record is inconsistent".into()));
        }
        sqlx::query("UPDATE entity SET merged_into = NULL WHERE id = $1")
            .bind(duplicate.as_bytes().to_vec())
            .execute(&mut *tx)
            .await?;
        let moved = rederive_links(&mut tx, primary).await?;
        reindex_names(&mut tx, primary).await?;
        reindex_names(&mut tx, duplicate).await?;
        let done = sqlx::query(
            "UPDATE person_merge SET unmerged_at = $1, unmerged_by = $2 WHERE merge_id = $3 AND unmerged_at IS NULL",
        )
        .bind(now_micros())
        .bind(principal.user.as_str().to_owned())
        .bind(merge_id.as_bytes().to_vec())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        let mut objects = vec![
            ObjectRef { kind: "merge".into(), id: merge_id.to_string() },
            object_ref(EntityKind::Person, primary),
            object_ref(EntityKind::Person, duplicate),
        ];
        objects.extend(moved.iter().map(|id| object_ref(EntityKind::Link, *id)));
        let event = audit_event(AuditKind::Unmerge, principal, objects, &decision);
        audit_log::append_with_text(&mut tx, &mut [event], &personal()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Loads both records of a merge (unresolved) and decides read and merge on each. A missing
    /// record or any denial commits the denial event (with the reason) and returns `None`.
    async fn load_pair(
        &self,
        mut tx: Transaction<'static, Any>,
        principal: &Principal,
        primary: EntityId,
        duplicate: EntityId,
        personal: Personal<'_>,
    ) -> Result<Option<Pair>, StoreError> {
        let mut loaded = Vec::with_capacity(2);
        for id in [primary, duplicate] {
            match load_with_alias(&mut tx, id).await? {
                Some(found) => loaded.push(found),
                None => {
                    let objects = vec![ObjectRef { kind: "unknown".into(), id: id.to_string() }];
                    let event = audit_event(AuditKind::AccessDenied, principal, objects, &not_found());
                    audit_log::append_with_text(&mut tx, &mut [event], &personal).await?;
                    tx.commit().await?;
                    return Ok(None);
                }
            }
        }
        let mut allowed = Vec::new();
        for (record, _) in &loaded {
            for action in [Action::Read, Action::Merge] {
                let resource =
                    Resource::Record { kind: record.kind.as_str(), id: record.id.to_string(), marking: &record.marking };
                let decision = self.authz.decide(principal, action, &resource);
                if !decision.allowed {
                    let objects = vec![object_ref(record.kind, record.id)];
                    let event = audit_event(AuditKind::AccessDenied, principal, objects, &decision);
                    audit_log::append_with_text(&mut tx, &mut [event], &personal).await?;
                    tx.commit().await?;
                    return Ok(None);
                }
                allowed.push(decision);
            }
        }
        let b = loaded.pop();
        let a = loaded.pop();
        match (a, b) {
            (Some(primary), Some(duplicate)) => Ok(Some(Pair { primary, duplicate, decision: combined(allowed), tx })),
            _ => Err(StoreError::Refused("the records could not be loaded".into())),
        }
    }
}

/// Both records of a merge, with their aliases, the combined decision and the transaction.
struct Pair {
    primary: (EntityRecord, Option<EntityId>),
    duplicate: (EntityRecord, Option<EntityId>),
    decision: Decision,
    tx: Transaction<'static, Any>,
}

/// On PostgreSQL, locks the rows of `ids` (in id order, so two merges cannot deadlock) so that
/// concurrent merges of the same records queue; SQLite's `BEGIN IMMEDIATE` already serialises
/// every writer.
async fn lock_rows(conn: &mut AnyConnection, backend: Backend, ids: &[EntityId]) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        let mut ids = ids.to_vec();
        ids.sort();
        for id in ids {
            sqlx::query("SELECT id FROM entity WHERE id = $1 FOR UPDATE")
                .bind(id.as_bytes().to_vec())
                .fetch_optional(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

async fn merge_record(conn: &mut AnyConnection, merge_id: MergeId) -> Result<Option<MergeRecord>, StoreError> {
    let Some(row) = sqlx::query("SELECT primary_id, duplicate_id, unmerged_at FROM person_merge WHERE merge_id = $1")
        .bind(merge_id.as_bytes().to_vec())
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(MergeRecord {
        primary: id_from(row.try_get("primary_id")?)?,
        duplicate: id_from(row.try_get("duplicate_id")?)?,
        unmerged: row.try_get::<Option<i64>, _>("unmerged_at")?.is_some(),
    }))
}

/// Re-derives every link end held by `primary` from the link bodies under the merges now in
/// force, and returns the links that moved away.
async fn rederive_links(conn: &mut AnyConnection, primary: EntityId) -> Result<Vec<EntityId>, StoreError> {
    let rows = sqlx::query(
        "SELECT l.id, l.from_id, l.to_id, v.body FROM link l \
         JOIN entity e ON e.id = l.id \
         JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
         WHERE l.from_id = $1 OR l.to_id = $2 ORDER BY l.id",
    )
    .bind(primary.as_bytes().to_vec())
    .bind(primary.as_bytes().to_vec())
    .fetch_all(&mut *conn)
    .await?;
    let mut links = Vec::with_capacity(rows.len());
    for row in rows {
        let body: String = row.try_get("body")?;
        let Ok(EntityBody::Link(link)) = serde_json::from_str::<EntityBody>(&body) else {
            return Err(StoreError::Refused("a stored link is unreadable".into()));
        };
        let held = (id_from(row.try_get("from_id")?)?, id_from(row.try_get("to_id")?)?);
        links.push((id_from(row.try_get("id")?)?, held, (link.from(), link.to())));
    }
    let named: Vec<EntityId> = links.iter().flat_map(|(_, _, (f, t))| [*f, *t]).collect();
    let aliases = resolve_many(conn, &named).await?;
    let resolved = |id: EntityId| aliases.get(&id).copied().unwrap_or(id);
    let mut moved = Vec::new();
    for (id, held, (from, to)) in links {
        let want = (resolved(from), resolved(to));
        if want != held {
            sqlx::query("UPDATE link SET from_id = $1, to_id = $2 WHERE id = $3")
                .bind(want.0.as_bytes().to_vec())
                .bind(want.1.as_bytes().to_vec())
                .bind(id.as_bytes().to_vec())
                .execute(&mut *conn)
                .await?;
            moved.push(id);
        }
    }
    Ok(moved)
}
