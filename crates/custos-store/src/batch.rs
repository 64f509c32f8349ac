//! Batch work on people: loading legacy person records (`custos import persons`) and linking the
//! whole store into Golden Nominals (`custos link`).
//!
//! **Import.** Each imported row becomes a person (with its address as a location and a `home`
//! link), created like any other record: authorised, versioned, indexed for search and matching,
//! and audited, one transaction per chunk. The ledger `import_record` maps `(source, source_id)`
//! to the record it became; a row already in the ledger is skipped, so an import killed part-way
//! is resumed by running it again, without duplicates. Values that are not what they claim to be
//! (an invalid NI number, a malformed postcode, an unparseable date) do not cost the person: they
//! are kept as recorded in `data_quality_issue`, beside the record, and deleted with it.
//!
//! **Linking.** [`Store::people_for_linking`] (in `linking_read`) reads every current person (one audited search);
//! the caller (pure code in `custos_match`) scores and clusters them; [`Store::apply_linkage`]
//! merges each cluster's members into its primary (each merge audited; its probability is kept
//! on the merge row the event names) and queues the pairs a person must decide
//! (`person_review`). A pair a records manager rejected is returned by [`Store::rejected_pairs`]
//! so that the linker never joins it again.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Principal, Resource};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::{EntityId, UnitId};
use custos_core::link::{Link, LinkKind};
use custos_core::location::Location;
use custos_core::marking::SecurityMarking;
use custos_core::person::Person;
use rand::RngExt;
use sqlx::{AnyConnection, Row};

use crate::audit_log::Personal;
use crate::clock::now_micros;
use crate::entities::{NewEntity, kind_and_marking, object_ref};
use crate::error::StoreError;
use crate::merge::{MergeId, conflicting_identifiers};
use crate::sql::{Placeholders, in_list, multi_row};
use crate::{Store, audit_event, audit_log};

pub use crate::linking_read::{ImportLedger, LINKING_PAGE};

/// The name of a legacy system records are imported from: 1–64 letters, digits, `-`, `_`, `.`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceName(String);

impl SourceName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for SourceName {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (1..=64).contains(&s.chars().count())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(StoreError::Refused(
                "a source name is 1 to 64 letters, digits, '-', '_' or '.'".into(),
            ))
        }
    }
}

impl fmt::Display for SourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest source id kept (an id column longer than this is a rejected row).
pub const MAX_SOURCE_ID_CHARS: usize = 128;

/// A value kept as recorded because it is not what its column claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityIssue {
    /// The field it was mapped to (`ni_number`, `postcode`, `dob`…).
    pub field: String,
    pub recorded: String,
    pub problem: String,
}

/// One legacy row, parsed.
#[derive(Debug, Clone)]
pub struct ImportedPerson {
    pub source_id: String,
    /// The row's line in its file (reported back for rows already imported).
    pub line: u64,
    pub person: Person,
    /// The address, stored as a location linked to the person as `home`.
    pub address: Option<Location>,
    pub issues: Vec<QualityIssue>,
}

/// What became of one row of an import chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Created now, as this person.
    Created(EntityId),
    /// Imported by an earlier run (at that line), as that person: skipped.
    AlreadyImported { line: u64, person: EntityId },
}

/// A person as the linker sees them: the current record and the postcodes of its addresses.
#[derive(Debug, Clone)]
pub struct LinkablePerson {
    pub id: EntityId,
    pub person: Person,
    pub postcodes: Vec<String>,
}

/// One cluster to merge: every member joins `primary` (each with its match probability).
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedMerge {
    pub primary: EntityId,
    pub members: Vec<(EntityId, f64)>,
}

/// A pair for a person to decide.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewPair {
    pub a: EntityId,
    pub b: EntityId,
    pub probability: f64,
    /// `review_band`, or `conflicting_<identifier kind>`.
    pub cause: String,
}

/// What [`Store::apply_linkage`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkageApplied {
    pub merged: usize,
    /// Members not merged, with why (changed since the plan, a conflicting identifier: queued).
    pub skipped: Vec<(EntityId, String)>,
    /// Review pairs newly queued (a pair already queued or decided is left as it is).
    pub queued: usize,
}

/// One imported row and the nominal it now belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedNominal {
    pub source: String,
    pub source_id: String,
    pub record: EntityId,
    /// The record the row's person resolves to (itself unless merged).
    pub nominal: EntityId,
    /// The match probability that put it there: the merge's for a merged record, the strongest of
    /// its members' for a primary, 1 for a record alone.
    pub probability: f64,
}

pub(crate) fn id_of(bytes: Vec<u8>) -> Result<EntityId, StoreError> {
    <[u8; 16]>::try_from(bytes)
        .map(EntityId::from_bytes)
        .map_err(|_| StoreError::Refused("a stored id is unreadable".into()))
}

fn ordered(a: EntityId, b: EntityId) -> (EntityId, EntityId) {
    if a <= b { (a, b) } else { (b, a) }
}

impl Store {
    /// Imports one chunk of legacy rows from `source` in one transaction: rows already in the
    /// ledger are skipped, the others created (person, address location, `home` link) under
    /// `marking` with `reason`, each creation authorised and audited, the ledger and the
    /// data-quality issues written with them. All or nothing: a failure stores none of the chunk.
    /// Rows must have distinct source ids (the caller rejects repeats).
    pub async fn import_people(
        &self,
        principal: &Principal,
        source: &SourceName,
        marking: &SecurityMarking,
        rows: &[ImportedPerson],
        reason: &str,
    ) -> Result<Vec<ImportOutcome>, StoreError> {
        // PostgreSQL: a generic plan cached while the ledger was empty would keep scanning it as
        // it grows during the import (no ANALYZE runs meanwhile); plan this lookup each time.
        let mut conn = self.pool.begin().await?;
        if self.backend == crate::db::Backend::Postgres {
            sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan").execute(&mut *conn).await?;
        }
        let mut existing: HashMap<String, (u64, EntityId)> = HashMap::new();
        for chunk in rows.chunks(500) {
            let style = Placeholders::of(&conn);
            let head = "SELECT source_id, line, entity_id FROM import_record WHERE source_id IN";
            let mut sql = in_list(style, head, chunk.len());
            sql.0.push_str(" AND source = ");
            sql.0.push_str(&style.placeholder(chunk.len() + 1));
            let mut q = sqlx::query(sql);
            for row in chunk {
                q = q.bind(row.source_id.clone());
            }
            for found in q.bind(source.as_str().to_owned()).fetch_all(&mut *conn).await? {
                let line: i64 = found.try_get(1)?;
                existing.insert(found.try_get(0)?, (u64::try_from(line).unwrap_or(0), id_of(found.try_get(2)?)?));
            }
        }
        conn.commit().await?;

        let mut outcomes = Vec::with_capacity(rows.len());
        let mut entities: Vec<NewEntity> = Vec::new();
        let mut ledger: Vec<(&str, u64, EntityId)> = Vec::new();
        let mut issues: Vec<(EntityId, QualityIssue)> = Vec::new();
        for row in rows {
            if let Some(&(line, person)) = existing.get(&row.source_id) {
                outcomes.push(ImportOutcome::AlreadyImported { line, person });
                continue;
            }
            let person = NewEntity::new(EntityBody::Person(row.person.clone()), marking.clone());
            let id = person.id;
            entities.push(person);
            if let Some(address) = &row.address {
                let location = NewEntity::new(EntityBody::Location(address.clone()), marking.clone());
                let link = Link::new(id, location.id, LinkKind::Home)
                    .map_err(|e| StoreError::Refused(format!("cannot link the address: {e}")))?;
                entities.push(location);
                entities.push(NewEntity::new(EntityBody::Link(link), marking.clone()));
            }
            ledger.push((&row.source_id, row.line, id));
            // One issue per field of a record: several problems with one field are joined.
            let first = issues.len();
            for issue in &row.issues {
                match issues[first..].iter_mut().find(|(_, q)| q.field == issue.field) {
                    Some((_, q)) => {
                        q.problem.push_str("; ");
                        q.problem.push_str(&issue.problem);
                    }
                    None => issues.push((id, issue.clone())),
                }
            }
            outcomes.push(ImportOutcome::Created(id));
        }
        if entities.is_empty() {
            return Ok(outcomes);
        }
        let mut events = self.authorise_creates(principal, &entities).await?;
        let tx = self.begin_write().await?;
        let mut tx = self.write_created(tx, principal, &entities, Some(reason)).await?;
        let now = now_micros();
        for chunk in ledger.chunks(200) {
            let head = "INSERT INTO import_record (source, source_id, entity_id, line, imported_at)";
            let mut q = sqlx::query(multi_row(Placeholders::of(&tx), head, chunk.len(), 5));
            for (source_id, line, id) in chunk {
                q = q
                    .bind(source.as_str().to_owned())
                    .bind((*source_id).to_owned())
                    .bind(id.as_bytes().to_vec())
                    .bind(i64::try_from(*line).unwrap_or(i64::MAX))
                    .bind(now);
            }
            // A concurrent import of the same rows fails here on the primary key: nothing is kept.
            q.execute(&mut *tx).await.map_err(|e| match e {
                sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict,
                other => other.into(),
            })?;
        }
        for chunk in issues.chunks(200) {
            let head = "INSERT INTO data_quality_issue (entity_id, field, recorded, problem, found_at)";
            let mut q = sqlx::query(multi_row(Placeholders::of(&tx), head, chunk.len(), 5));
            for (id, issue) in chunk {
                q = q
                    .bind(id.as_bytes().to_vec())
                    .bind(issue.field.clone())
                    .bind(issue.recorded.clone())
                    .bind(issue.problem.clone())
                    .bind(now);
            }
            q.execute(&mut *tx).await?;
        }
        let text = format!("{reason} (source {source})");
        let personal = Personal { reason: Some(&text), ..Personal::default() };
        audit_log::append_with_text(&mut tx, &mut events, &personal).await?;
        tx.commit().await?;
        Ok(outcomes)
    }

    /// The pairs a person linked on review that are still linked (not unmerged since): the two
    /// records the decision merged (the ones the reviewer was shown, resolved at the time), each
    /// with its current body, for the linker to learn from (see `Model::learn_from_matches`).
    /// Needs the merge right; a pair with a record the principal may not read is left out. One
    /// `read` audit event naming every record returned, committed before anything is returned.
    pub async fn confirmed_pairs(&self, principal: &Principal, reason: &str) -> Result<Vec<(Person, Person)>, StoreError> {
        self.require_merge_rights(principal).await?;
        let mut tx = self.begin_snapshot().await?;
        let rows = sqlx::query(
            "SELECT m.primary_id, m.duplicate_id FROM person_review r \
             JOIN person_merge m ON m.merge_id = r.merge_id AND m.unmerged_at IS NULL \
             WHERE r.decision = 'linked' ORDER BY r.review_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let pairs: Vec<(EntityId, EntityId)> =
            rows.into_iter().map(|r| Ok((id_of(r.try_get(0)?)?, id_of(r.try_get(1)?)?))).collect::<Result<_, StoreError>>()?;
        let mut ids: Vec<EntityId> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
        ids.sort();
        ids.dedup();
        let mut records: HashMap<EntityId, (SecurityMarking, Person)> = HashMap::new();
        for chunk in ids.chunks(500) {
            records.extend(load_bodies(&mut tx, chunk, Merged::Included).await?);
        }
        drop(tx);
        let loaded: Vec<EntityId> = ids.into_iter().filter(|id| records.contains_key(id)).collect();
        let decisions = self.authz.decide_records(
            principal,
            Action::Read,
            loaded.iter().map(|id| (EntityKind::Person.as_str(), id.to_string(), &records[id].0)),
        );
        let mut policies: Vec<String> = decisions.iter().filter(|d| d.allowed).flat_map(|d| d.policies.iter().cloned()).collect();
        policies.sort();
        policies.dedup();
        let readable: HashSet<EntityId> = loaded.iter().zip(&decisions).filter(|(_, d)| d.allowed).map(|(id, _)| *id).collect();
        let kept: Vec<(EntityId, EntityId)> = pairs.into_iter().filter(|(a, b)| readable.contains(a) && readable.contains(b)).collect();
        let mut named: Vec<EntityId> = kept.iter().flat_map(|(a, b)| [*a, *b]).collect();
        named.sort();
        named.dedup();
        let objects = named.iter().map(|id| object_ref(EntityKind::Person, *id)).collect();
        let decision = custos_authz::Decision { allowed: true, policies, errors: Vec::new() };
        let mut event = audit_event(AuditKind::Read, principal, objects, &decision);
        let personal = Personal { reason: Some(reason), ..Personal::default() };
        let mut tx = self.begin_write().await?;
        audit_log::append_with_text(&mut tx, std::slice::from_mut(&mut event), &personal).await?;
        tx.commit().await?;
        Ok(kept.iter().filter_map(|(a, b)| Some((records.get(a)?.1.clone(), records.get(b)?.1.clone()))).collect())
    }

    /// The pairs of people a person has decided are not the same, each side resolved to the
    /// nominal it belongs to now (the linker never joins them, directly or through others).
    pub async fn rejected_pairs(&self, principal: &Principal) -> Result<HashSet<(EntityId, EntityId)>, StoreError> {
        self.require_merge_rights(principal).await?;
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query("SELECT a_id, b_id FROM person_review WHERE decision = 'rejected'").fetch_all(&mut *conn).await?;
        let pairs: Vec<(EntityId, EntityId)> =
            rows.into_iter().map(|r| Ok((id_of(r.try_get(0)?)?, id_of(r.try_get(1)?)?))).collect::<Result<_, StoreError>>()?;
        let ends: Vec<EntityId> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
        let nominal = crate::merge::resolve_many(&mut conn, &ends).await?;
        let resolve = |id: EntityId| nominal.get(&id).copied().unwrap_or(id);
        Ok(pairs.into_iter().map(|(a, b)| ordered(resolve(a), resolve(b))).filter(|(a, b)| a != b).collect())
    }

    /// The right to link people in bulk and read the linkage: merging people; a denial is audited.
    pub(crate) async fn require_merge_rights(&self, principal: &Principal) -> Result<(), StoreError> {
        let decision = self.may_merge_people(principal);
        if decision.allowed {
            Ok(())
        } else {
            let event = audit_event(AuditKind::AccessDenied, principal, Vec::new(), &decision);
            self.record_denial(event).await
        }
    }

    /// Applies one chunk of a linking run in one transaction: merges every member of each
    /// cluster into its primary (authorised as a merge of both records, one audited merge event
    /// per member, naming the merge whose row keeps the probability) and queues `reviews`. A
    /// member that has changed since the plan (merged, gone, no longer a person, not allowed) is
    /// skipped and reported; one carrying a different PNC ID, CRO or NI number than its nominal
    /// (the primary and every record merged into it) is skipped and queued for review instead:
    /// the linker never merges those.
    ///
    /// The writes are those of `merge_people`, made for the whole chunk at once (a few statements
    /// per chunk rather than per merge): the merge rows, the moved link ends (each recorded), the
    /// duplicates marked and their name keys moved to their primaries (blocking keys stay with
    /// each record: see `matching`).
    pub async fn apply_linkage(
        &self,
        principal: &Principal,
        merges: &[PlannedMerge],
        reviews: &[ReviewPair],
        reason: &str,
    ) -> Result<LinkageApplied, StoreError> {
        // A plan names each record once: a primary is never also a member (that would make a
        // merge cycle), and no member joins two primaries.
        let mut named: HashSet<EntityId> = merges.iter().map(|m| m.primary).collect();
        if named.len() != merges.len() || merges.iter().flat_map(|m| &m.members).any(|(id, _)| !named.insert(*id)) {
            return Err(StoreError::Refused("a linkage plan must name each record once".into()));
        }
        let mut applied = LinkageApplied::default();
        let mut reviews: Vec<ReviewPair> = reviews.to_vec();
        let mut tx = self.begin_write().await?;
        no_jit(&mut tx, self.backend).await?;
        let mut ids: Vec<EntityId> = merges.iter().flat_map(|m| std::iter::once(m.primary).chain(m.members.iter().map(|x| x.0))).collect();
        ids.sort();
        ids.dedup();
        if self.backend == crate::db::Backend::Postgres {
            for chunk in ids.chunks(500) {
                let head = "SELECT id FROM entity WHERE id IN";
                let mut sql = in_list(Placeholders::of(&tx), head, chunk.len());
                sql.0.push_str(" ORDER BY id FOR UPDATE");
                let mut q = sqlx::query(sql);
                for id in chunk {
                    q = q.bind(id.as_bytes().to_vec());
                }
                q.fetch_all(&mut *tx).await?;
            }
        }
        let mut records: HashMap<EntityId, (SecurityMarking, Person)> = HashMap::new();
        for chunk in ids.chunks(500) {
            records.extend(load_people(&mut tx, chunk).await?);
        }

        // Every unique identifier a nominal already holds: its own and those of the records
        // merged into it (following chains), so that no new member brings a different value.
        let primaries: Vec<EntityId> = merges.iter().map(|m| m.primary).collect();
        let mut held: HashMap<EntityId, Vec<Person>> = HashMap::new();
        let mut frontier: Vec<(EntityId, EntityId)> = primaries.iter().map(|p| (*p, *p)).collect();
        for _ in 0..crate::merge::MAX_CHAIN {
            if frontier.is_empty() {
                break;
            }
            let mut next = Vec::new();
            let root_of: HashMap<EntityId, EntityId> = frontier.iter().map(|(node, root)| (*node, *root)).collect();
            let nodes: Vec<EntityId> = frontier.iter().map(|(node, _)| *node).collect();
            for chunk in nodes.chunks(500) {
                let head = "SELECT e.id, e.merged_into, v.body FROM entity e \
                            JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
                            WHERE e.merged_into IN";
                for row in bind_ids(sqlx::query(in_list(Placeholders::of(&tx), head, chunk.len())), chunk).fetch_all(&mut *tx).await? {
                    let (id, up) = (id_of(row.try_get(0)?)?, id_of(row.try_get(1)?)?);
                    let Some(&root) = root_of.get(&up) else { continue };
                    let body: String = row.try_get(2)?;
                    if let Ok(EntityBody::Person(p)) = serde_json::from_str::<EntityBody>(&body) {
                        held.entry(root).or_default().push(p);
                    }
                    next.push((id, root));
                }
            }
            frontier = next;
        }
        // Members that are themselves nominals with duplicates: their primary's keys are rebuilt
        // over the whole chain after the merge (the bulk key move covers only their own names).
        let mut rebuild: HashSet<EntityId> = HashSet::new();
        let members: Vec<EntityId> = merges.iter().flat_map(|m| m.members.iter().map(|x| x.0)).collect();
        for chunk in members.chunks(500) {
            let head = "SELECT merged_into FROM entity WHERE merged_into IN";
            for row in bind_ids(sqlx::query(in_list(Placeholders::of(&tx), head, chunk.len())), chunk).fetch_all(&mut *tx).await? {
                let member = id_of(row.try_get(0)?)?;
                if let Some(plan) = merges.iter().find(|m| m.members.iter().any(|x| x.0 == member)) {
                    rebuild.insert(plan.primary);
                }
            }
        }

        // Decide every member first; then write the accepted merges together.
        struct Accepted {
            merge_id: MergeId,
            primary: EntityId,
            duplicate: EntityId,
            probability: f64,
            decision: custos_authz::Decision,
        }
        let mut accepted: Vec<Accepted> = Vec::new();
        let mut events = Vec::new();
        // Read and merge decided once per distinct marking of the chunk: exact, as in
        // `decide_records` (no policy names a particular record).
        let mut decided: HashMap<&SecurityMarking, [custos_authz::Decision; 2]> = HashMap::new();
        for (id, (marking, _)) in &records {
            decided.entry(marking).or_insert_with(|| {
                let resource = Resource::Record { kind: EntityKind::Person.as_str(), id: id.to_string(), marking };
                [Action::Read, Action::Merge].map(|action| self.authz.decide(principal, action, &resource))
            });
        }
        for plan in merges {
            let Some((primary_marking, primary_person)) = records.get(&plan.primary) else {
                applied.skipped.extend(plan.members.iter().map(|m| (m.0, "the primary has changed since linking".to_owned())));
                continue;
            };
            let mut nominal: Vec<Person> = held.remove(&plan.primary).unwrap_or_default();
            nominal.push(primary_person.clone());
            for &(member, probability) in &plan.members {
                let Some((marking, person)) = records.get(&member) else {
                    applied.skipped.push((member, "merged, removed or not a person since linking".into()));
                    continue;
                };
                // As `merge_people`: read and merge both records (in that order, so the same
                // denial is reported).
                let (Some(p), Some(m)) = (decided.get(primary_marking), decided.get(marking)) else {
                    return Err(StoreError::Refused("a loaded record was not decided".into()));
                };
                let decisions = [&p[0], &m[0], &p[1], &m[1]];
                if let Some(denial) = decisions.iter().find(|d| !d.allowed).copied() {
                    let objects = vec![object_ref(EntityKind::Person, plan.primary), object_ref(EntityKind::Person, member)];
                    events.push(audit_event(AuditKind::AccessDenied, principal, objects, denial));
                    applied.skipped.push((member, "not allowed to merge".into()));
                    continue;
                }
                if let Some(kind) = nominal.iter().find_map(|held| conflicting_identifiers(held, person).first().copied()) {
                    let (a, b) = ordered(plan.primary, member);
                    reviews.push(ReviewPair { a, b, probability, cause: format!("conflicting_{}", kind.as_str()) });
                    applied.skipped.push((member, format!("a different {} (queued for review)", kind.as_str())));
                    continue;
                }
                nominal.push(person.clone());
                let mut policies: Vec<String> = decisions.iter().flat_map(|d| d.policies.iter().cloned()).collect();
                policies.sort();
                policies.dedup();
                let decision = custos_authz::Decision { allowed: true, policies, errors: Vec::new() };
                accepted.push(Accepted { merge_id: MergeId::new(), primary: plan.primary, duplicate: member, probability, decision });
            }
        }

        let now = now_micros();
        let mut moved: HashMap<EntityId, Vec<EntityId>> = HashMap::new();
        for chunk in accepted.chunks(200) {
            let head = "INSERT INTO person_merge (merge_id, primary_id, duplicate_id, forced, merged_at, merged_by, probability)";
            let mut q = sqlx::query(multi_row(Placeholders::of(&tx), head, chunk.len(), 7));
            for a in chunk {
                q = q
                    .bind(a.merge_id.as_bytes().to_vec())
                    .bind(a.primary.as_bytes().to_vec())
                    .bind(a.duplicate.as_bytes().to_vec())
                    .bind(0_i16)
                    .bind(now)
                    .bind(principal.user.as_str().to_owned())
                    .bind(a.probability);
            }
            q.execute(&mut *tx).await?;
            let duplicates: Vec<EntityId> = chunk.iter().map(|a| a.duplicate).collect();
            // As `merge::move_into`, for every duplicate of the chunk: record each link end, move
            // it to the primary of the active merge, mark the duplicate, drop its own name keys.
            for end in ["from", "to"] {
                let (select, record, update) = match end {
                    "from" => (
                        "SELECT id, from_id FROM link WHERE from_id IN",
                        "INSERT INTO person_merge_link (merge_id, link_id, link_end, original_id) \
                         SELECT m.merge_id, l.id, 'from', l.from_id FROM link l \
                         JOIN person_merge m ON m.duplicate_id = l.from_id AND m.unmerged_at IS NULL WHERE l.from_id IN",
                        "UPDATE link SET from_id = (SELECT m.primary_id FROM person_merge m \
                         WHERE m.duplicate_id = link.from_id AND m.unmerged_at IS NULL) WHERE from_id IN",
                    ),
                    _ => (
                        "SELECT id, to_id FROM link WHERE to_id IN",
                        "INSERT INTO person_merge_link (merge_id, link_id, link_end, original_id) \
                         SELECT m.merge_id, l.id, 'to', l.to_id FROM link l \
                         JOIN person_merge m ON m.duplicate_id = l.to_id AND m.unmerged_at IS NULL WHERE l.to_id IN",
                        "UPDATE link SET to_id = (SELECT m.primary_id FROM person_merge m \
                         WHERE m.duplicate_id = link.to_id AND m.unmerged_at IS NULL) WHERE to_id IN",
                    ),
                };
                for row in bind_ids(sqlx::query(in_list(Placeholders::of(&tx), select, duplicates.len())), &duplicates)
                    .fetch_all(&mut *tx)
                    .await?
                {
                    moved.entry(id_of(row.try_get(1)?)?).or_default().push(id_of(row.try_get(0)?)?);
                }
                bind_ids(sqlx::query(in_list(Placeholders::of(&tx), record, duplicates.len())), &duplicates).execute(&mut *tx).await?;
                bind_ids(sqlx::query(in_list(Placeholders::of(&tx), update, duplicates.len())), &duplicates).execute(&mut *tx).await?;
            }
            // Each duplicate was loaded unmerged with the rows locked (SQLite: the write lock;
            // PostgreSQL: FOR UPDATE), so no `merged_into IS NULL` test here (see `load_people`).
            let mark = "UPDATE entity SET merged_into = (SELECT m.primary_id FROM person_merge m \
                        WHERE m.duplicate_id = entity.id AND m.unmerged_at IS NULL) WHERE id IN";
            let marked = bind_ids(sqlx::query(in_list(Placeholders::of(&tx), mark, duplicates.len())), &duplicates).execute(&mut *tx).await?;
            if usize::try_from(marked.rows_affected()).ok() != Some(duplicates.len()) {
                return Err(StoreError::Conflict);
            }
            let names = "DELETE FROM person_name_key WHERE entity_id IN";
            bind_ids(sqlx::query(in_list(Placeholders::of(&tx), names, duplicates.len())), &duplicates).execute(&mut *tx).await?;
        }
        // A primary's name keys are the union of its own and its duplicates' (see `merge`): add
        // the new duplicates' names under the primary.
        let bodies: Vec<(EntityId, EntityBody)> = accepted
            .iter()
            .filter_map(|a| records.get(&a.duplicate).map(|(_, p)| (a.primary, EntityBody::Person(p.clone()))))
            .collect();
        let keyed: Vec<(EntityId, &EntityBody)> = bodies.iter().map(|(id, b)| (*id, b)).collect();
        crate::search::index_names(&mut tx, &keyed, false).await?;

        for primary in &rebuild {
            crate::merge::reindex_names(&mut tx, *primary).await?;
        }
        for a in &accepted {
            let mut objects = vec![
                ObjectRef { kind: "merge".into(), id: a.merge_id.to_string() },
                object_ref(EntityKind::Person, a.primary),
                object_ref(EntityKind::Person, a.duplicate),
            ];
            let mut links = moved.remove(&a.duplicate).unwrap_or_default();
            links.sort();
            links.dedup();
            objects.extend(links.iter().map(|id| object_ref(EntityKind::Link, *id)));
            events.push(audit_event(AuditKind::Merge, principal, objects, &a.decision));
        }
        applied.merged = accepted.len();
        applied.queued = queue_reviews(&mut tx, &reviews).await?;
        if !events.is_empty() {
            let personal = Personal { reason: Some(reason), ..Personal::default() };
            audit_log::append_with_text(&mut tx, &mut events, &personal).await?;
        }
        tx.commit().await?;
        Ok(applied)
    }

}

/// PostgreSQL: no JIT compilation in this transaction. Right after a bulk import the planner has
/// no statistics yet and overestimates these statements' cost, so each of them was JIT-compiled
/// (~150 ms) to run for a few milliseconds: at 100,000 people that was most of the merging time.
pub(crate) async fn no_jit(conn: &mut AnyConnection, backend: crate::db::Backend) -> Result<(), StoreError> {
    if backend == crate::db::Backend::Postgres {
        sqlx::query("SET LOCAL jit = off").execute(&mut *conn).await?;
    }
    Ok(())
}

/// Binds each id, in order, to the placeholders of `query`.
fn bind_ids<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ids: &[EntityId],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for id in ids {
        query = query.bind(id.as_bytes().to_vec());
    }
    query
}

/// Whether records merged into another are loaded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Merged {
    Included,
    Excluded,
}

/// The current marking and body of those `ids` that are people not merged into another record.
async fn load_people(
    conn: &mut AnyConnection,
    ids: &[EntityId],
) -> Result<HashMap<EntityId, (SecurityMarking, Person)>, StoreError> {
    load_bodies(conn, ids, Merged::Excluded).await
}

/// The current marking and body of those `ids` that are people (and, unless `merged` says so,
/// not merged into another record).
async fn load_bodies(
    conn: &mut AnyConnection,
    ids: &[EntityId],
    merged: Merged,
) -> Result<HashMap<EntityId, (SecurityMarking, Person)>, StoreError> {
    // `merged_into` is tested here, not in SQL: given `merged_into IS NULL`, SQLite's planner
    // scans the (mostly NULL) `entity_merged_into` index instead of looking the ids up.
    let head = "SELECT e.id, e.kind, e.classification, e.sensitive, e.owning_unit, e.acl, e.merged_into, v.body \
                FROM entity e JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
                WHERE e.id IN";
    let mut q = sqlx::query(in_list(Placeholders::of(conn), head, ids.len()));
    for id in ids {
        q = q.bind(id.as_bytes().to_vec());
    }
    let mut out = HashMap::new();
    for row in q.fetch_all(&mut *conn).await? {
        let (kind, marking) = kind_and_marking(&row)?;
        let body: String = row.try_get("body")?;
        if kind == EntityKind::Person
            && (merged == Merged::Included || row.try_get::<Option<Vec<u8>>, _>("merged_into")?.is_none())
            && let Ok(EntityBody::Person(person)) = serde_json::from_str::<EntityBody>(&body)
        {
            out.insert(id_of(row.try_get("id")?)?, (marking, person));
        }
    }
    Ok(out)
}

/// Queues review pairs not queued before (a pair already queued or decided keeps its state).
async fn queue_reviews(conn: &mut AnyConnection, reviews: &[ReviewPair]) -> Result<usize, StoreError> {
    let now = now_micros();
    let mut queued = 0;
    for chunk in reviews.chunks(200) {
        let head = "INSERT INTO person_review (review_id, a_id, b_id, probability, cause, queued_at)";
        let mut sql = multi_row(Placeholders::of(conn), head, chunk.len(), 6);
        sql.0.push_str(" ON CONFLICT DO NOTHING");
        let mut q = sqlx::query(sql);
        for r in chunk {
            let (a, b) = ordered(r.a, r.b);
            let review_id: [u8; 16] = rand::rng().random();
            q = q
                .bind(review_id.to_vec())
                .bind(a.as_bytes().to_vec())
                .bind(b.as_bytes().to_vec())
                .bind(r.probability)
                .bind(r.cause.clone())
                .bind(now);
        }
        queued += usize::try_from(q.execute(&mut *conn).await?.rows_affected()).unwrap_or(0);
    }
    Ok(queued)
}

/// The owning unit of records loaded by the command line when none is given.
pub fn batch_unit() -> UnitId {
    #[allow(clippy::expect_used, reason = "a valid literal, checked by batch_unit_is_valid")]
    UnitId::parse(BATCH_UNIT).expect("BATCH_UNIT is a valid unit id")
}

/// See [`batch_unit`].
pub const BATCH_UNIT: &str = "legacy-import";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_unit_is_valid() {
        assert_eq!(batch_unit().as_str(), BATCH_UNIT);
    }

    #[test]
    fn source_names_are_short_plain_words() {
        for ok in ["niche", "PNC-extract_2024.v2", "a"] {
            assert!(ok.parse::<SourceName>().is_ok(), "{ok}");
        }
        for bad in ["", "two words", "semi;colon", "é", &"x".repeat(65)] {
            assert!(bad.parse::<SourceName>().is_err(), "{bad:?}");
        }
    }
}
