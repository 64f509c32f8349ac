//! POLE entities as stored: create, read, history, edit, submit and correct — each authorised
//! for the acting principal and audited in the same transaction.
//!
//! Every change is a new row in `entity_version` (author, time, reason); `entity` holds the
//! current version number and the security marking. The submission lock is the pure rule
//! `custos_core::version::check_change`; this module only applies it.

use std::collections::HashMap;

use custos_audit::{AuditEvent, AuditKind, ObjectRef};
use custos_authz::{Action, Principal, Resource};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::{EntityId, UserId};
use custos_core::marking::{AclEntry, Classification, SecurityMarking};
use custos_core::text::Text;
use custos_core::version::{ChangeKind, VersionMeta, check_change};
use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::clock::{from_micros, now_micros};
use crate::error::StoreError;
use crate::sql::{Placeholders, in_list, multi_row};
use crate::audit_log::Personal;
use crate::{Store, audit_event, audit_log};

/// The reason id recorded when a request names a record that does not exist.
pub const RECORD_NOT_FOUND: &str = "custos.record_not_found";

/// The decision recorded for a request naming a record that does not exist: a denial, like any
/// other, so that existence is never revealed.
pub(crate) fn not_found() -> custos_authz::Decision {
    custos_authz::Decision {
        allowed: false,
        policies: vec![RECORD_NOT_FOUND.to_owned()],
        errors: Vec::new(),
    }
}

/// Why a person's data is being consulted (DPA 2018 s.62(3)(a): the log of consultation must make
/// it possible to establish its justification). Required for every read and search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Justification(String);

impl Justification {
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let text = text.trim();
        if text.chars().count() < 3 {
            return Err(StoreError::Refused(
                "a justification is required to consult personal data (DPA 2018 s.62)".into(),
            ));
        }
        if text.chars().count() > 500 || text.chars().any(char::is_control) {
            return Err(StoreError::Refused(
                "the justification must be at most 500 characters of plain text".into(),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The personal text of a consultation: its justification.
fn consulting(justification: &Justification) -> Personal<'_> {
    Personal { justification: Some(justification.as_str()), ..Personal::default() }
}

/// An entity's current state.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRecord {
    pub id: EntityId,
    pub kind: EntityKind,
    pub marking: SecurityMarking,
    pub version: u32,
    pub submitted_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub body: EntityBody,
    /// The id that was asked for, when it named a duplicate merged into this record (see
    /// `merge`); `None` when the record was asked for by its own id.
    pub resolved_from: Option<EntityId>,
}

/// One historical version.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRecord {
    pub meta: VersionMeta,
    pub body: EntityBody,
}

/// A new entity to store.
#[derive(Debug, Clone)]
pub struct NewEntity {
    pub id: EntityId,
    pub body: EntityBody,
    pub marking: SecurityMarking,
    /// For an operational record migrated from a legacy system: the day it was first recorded
    /// there. Its MoPI clock runs from then, not from its arrival here (an old record is not
    /// made young by a migration). Never after today; `None` for a record made now.
    pub recorded_on: Option<jiff::civil::Date>,
}

impl NewEntity {
    pub fn new(body: EntityBody, marking: SecurityMarking) -> Self {
        Self {
            id: EntityId::new(),
            body,
            marking,
            recorded_on: None,
        }
    }

    /// When the record was first made, in µs: `recorded_on`'s start (UTC), or `now`.
    fn made_at(&self, now: i64) -> i64 {
        let day = self.recorded_on.map(|d| crate::retention::day_number(d) * 86_400_000_000);
        day.map_or(now, |d| d.min(now))
    }
}

/// Refuses a `recorded_on` that is not an operational record's, or is after today.
pub(crate) fn check_recorded_on(entities: &[NewEntity]) -> Result<(), StoreError> {
    let today = crate::retention::today();
    for e in entities {
        let Some(day) = e.recorded_on else { continue };
        if !matches!(e.body, EntityBody::Record(_)) {
            return Err(StoreError::Refused(format!("recorded_on: only an operational record has a first recording day, not a {}", e.body.kind().as_str())));
        }
        if crate::retention::day_number(day) > today {
            return Err(StoreError::Refused(format!("recorded_on: {day} is in the future")));
        }
    }
    Ok(())
}

pub(crate) fn object_ref(kind: EntityKind, id: EntityId) -> ObjectRef {
    ObjectRef {
        kind: kind.as_str().to_owned(),
        id: id.to_string(),
    }
}

fn resource<'a>(kind: EntityKind, id: EntityId, marking: &'a SecurityMarking) -> Resource<'a> {
    Resource::Record {
        kind: kind.as_str(),
        id: id.to_string(),
        marking,
    }
}

/// A reason must be storable free text (it is read back as `Text` in the history).
fn check_reason(reason: Option<&str>) -> Result<(), StoreError> {
    if let Some(reason) = reason {
        reason
            .parse::<Text>()
            .map_err(|e| StoreError::Refused(format!("the reason is not acceptable: {e}")))?;
    }
    Ok(())
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Refused(format!("cannot encode the record: {e}")))
}

pub(crate) fn corrupt(what: &str) -> StoreError {
    tracing::error!(what, "stored record is unreadable");
    StoreError::Refused(format!("the stored {what} is unreadable"))
}

impl Store {
    /// Creates entities in one transaction (all or nothing). Each is authorised and each gets its
    /// own `create` audit event. A denial of any one denies the whole batch and is audited.
    pub async fn create_entities(
        &self,
        principal: &Principal,
        entities: &[NewEntity],
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        check_reason(reason)?;
        check_recorded_on(entities)?;
        let events = self.authorise_creates(principal, entities).await?;
        let job = crate::group_commit::Creation {
            principal: principal.clone(),
            entities: entities.to_vec(),
            reason: reason.map(str::to_owned),
            events,
        };
        self.creations.submit(self, job).await
    }

    /// Authorises creating each of `entities` (one decision per distinct marking): the `create`
    /// audit events to write with them, or `Denied` once the first denial has been recorded.
    pub(crate) async fn authorise_creates(
        &self,
        principal: &Principal,
        entities: &[NewEntity],
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let decisions = self.authz.decide_records(
            principal,
            Action::Create,
            entities.iter().map(|e| (e.body.kind().as_str(), e.id.to_string(), &e.marking)),
        );
        let mut events = Vec::with_capacity(entities.len());
        for (e, decision) in entities.iter().zip(&decisions) {
            let objects = vec![object_ref(e.body.kind(), e.id)];
            if !decision.allowed {
                let event = audit_event(AuditKind::AccessDenied, principal, objects, decision);
                return self.record_denial(event).await;
            }
            if let EntityBody::Record(r) = &e.body {
                let disclosures = r.new_disseminations(None).map_err(StoreError::Refused)?;
                if disclosures > 0 {
                    // Created already disseminated: a disclosure, as in `change_entity`.
                    let decision = self.authz.decide(principal, Action::Disclose, &resource(e.body.kind(), e.id, &e.marking));
                    if !decision.allowed {
                        let event = audit_event(AuditKind::AccessDenied, principal, objects, &decision);
                        return self.record_denial(event).await;
                    }
                    events.extend(std::iter::repeat_n(audit_event(AuditKind::Disclose, principal, objects.clone(), &decision), disclosures));
                }
            }
            events.push(audit_event(AuditKind::Create, principal, objects, decision));
        }
        Ok(events)
    }

    /// Checks the new entities' references and writes them with their derived index rows (name
    /// keys, blocking keys, terms) in `tx`; the caller appends the audit events and commits.
    pub(crate) async fn write_created(
        &self,
        tx: Transaction<'static, Any>,
        principal: &Principal,
        entities: &[NewEntity],
        reason: Option<&str>,
    ) -> Result<Transaction<'static, Any>, StoreError> {
        let batch: HashMap<EntityId, EntityKind> = entities.iter().map(|e| (e.id, e.body.kind())).collect();
        let bodies: Vec<(EntityId, &EntityBody)> = entities.iter().map(|e| (e.id, &e.body)).collect();
        let mut tx = self.check_refs(tx, principal, &bodies, &batch).await?;
        write_checked(&mut tx, principal, entities, reason).await?;
        Ok(tx)
    }

    /// As [`Store::write_created`], inside a transaction shared with other creations (see
    /// `group_commit`): nothing is committed here, and a denied reference comes back as
    /// `Refusal::Denied` with its event, for the caller to write once this creation's own writes
    /// are undone.
    pub(crate) async fn write_created_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        principal: &Principal,
        entities: &[NewEntity],
        reason: Option<&str>,
    ) -> Result<(), crate::references::Refusal> {
        let batch: HashMap<EntityId, EntityKind> = entities.iter().map(|e| (e.id, e.body.kind())).collect();
        let bodies: Vec<(EntityId, &EntityBody)> = entities.iter().map(|e| (e.id, &e.body)).collect();
        self.check_references(tx, principal, &bodies, &batch).await?;
        write_checked(tx, principal, entities, reason).await?;
        Ok(())
    }
}

/// Writes new entities whose references were checked, with their derived index rows (name keys,
/// blocking keys, terms, record references, search documents), after the rules between records.
async fn write_checked(
    tx: &mut Transaction<'static, Any>,
    principal: &Principal,
    entities: &[NewEntity],
    reason: Option<&str>,
) -> Result<(), StoreError> {
    let items: Vec<Authored<'_>> = entities.iter().map(|entity| Authored { entity, author: &principal.user, reason }).collect();
    write_authored(tx, &items).await
}

/// As `write_checked`, for entities of several creations (each with its own author and reason).
pub(crate) async fn write_authored(tx: &mut Transaction<'static, Any>, items: &[Authored<'_>]) -> Result<(), StoreError> {
    let entities: Vec<&NewEntity> = items.iter().map(|a| a.entity).collect();
    let bodies: Vec<(EntityId, &EntityBody)> = entities.iter().map(|e| (e.id, &e.body)).collect();
    let marked: Vec<_> = entities.iter().map(|e| (e.id, &e.body, &e.marking)).collect();
    crate::records::check_rules(tx, &marked).await?;
    let now = now_micros();
    insert_authored(tx, items, now).await?;
    crate::search::index_names(tx, &bodies, false).await?;
    crate::matching::index_block_keys(tx, &bodies, false).await?;
    crate::terms::index_terms(tx, &bodies, false).await?;
    crate::records::index_references(tx, &bodies, false).await?;
    let docs: Vec<_> = entities.iter().map(|e| (e.id, &e.body, e.marking.owning_unit.as_str(), now)).collect();
    crate::full_text::index_documents(tx, &docs, false).await?;
    let made: Vec<_> = entities.iter().map(|e| (e.id, &e.body, e.marking.owning_unit.as_str(), e.made_at(now))).collect();
    crate::retention::index(tx, &made, crate::retention::Write::New).await?;
    Ok(())
}

impl Store {

    /// Creates one entity and returns its id.
    pub async fn create_entity(
        &self,
        principal: &Principal,
        body: EntityBody,
        marking: SecurityMarking,
        reason: Option<&str>,
    ) -> Result<EntityId, StoreError> {
        let entity = NewEntity::new(body, marking);
        let id = entity.id;
        self.create_entities(principal, std::slice::from_ref(&entity), reason).await?;
        Ok(id)
    }

    /// Reads an entity's current version. The read is authorised and its audit event (with the
    /// justification) commits before the record is returned. A missing record and a forbidden
    /// one look the same to the caller, and both denials are audited.
    ///
    /// The record is loaded by one statement (one snapshot) on a shared connection, and the event
    /// is group-committed with other reads' events (`read_audit`), so that concurrent reads do
    /// not each queue for the write lock.
    pub async fn read_entity(
        &self,
        principal: &Principal,
        id: EntityId,
        justification: &Justification,
    ) -> Result<EntityRecord, StoreError> {
        // The connection goes back to the pool before the wait for the audit commit.
        let record = load_resolved(&mut *self.pool.acquire().await?, id).await?;
        let Some(record) = record else {
            // As `deny_missing`: a denial naming only the id asked for.
            let objects = vec![ObjectRef { kind: "unknown".into(), id: id.to_string() }];
            let event = audit_event(AuditKind::AccessDenied, principal, objects, &not_found());
            self.reads.record(event, &Personal::default()).await?;
            return Err(StoreError::Denied);
        };
        let decision = self.authz.decide(principal, Action::Read, &resource(record.kind, record.id, &record.marking));
        let kind = if decision.allowed { AuditKind::Read } else { AuditKind::AccessDenied };
        let event = audit_event(kind, principal, vec![object_ref(record.kind, record.id)], &decision);
        self.reads.record(event, &consulting(justification)).await?;
        if decision.allowed { Ok(record) } else { Err(StoreError::Denied) }
    }

    /// Reads every version of an entity, oldest first (authorised and audited as a read).
    pub async fn entity_history(
        &self,
        principal: &Principal,
        id: EntityId,
        justification: &Justification,
    ) -> Result<Vec<VersionRecord>, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(record) = load_resolved(&mut tx, id).await? else {
            return self.deny_missing(tx, principal, id).await;
        };
        let mut tx = self.authorise(tx, principal, Action::Read, &record, AuditKind::Read, consulting(justification)).await?;
        let rows = sqlx::query(
            "SELECT version, change, author, at, reason, body FROM entity_version \
             WHERE entity_id = $1 ORDER BY version",
        )
        .bind(record.id.as_bytes().to_vec())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter().map(version_from_row).collect()
    }

    /// Changes an entity: `Edited` for an ordinary change (refused on a submitted entity's locked
    /// fields), `Corrected` for a correction with a reason. `expected_version` guards against lost
    /// updates. Returns the new version number.
    pub async fn change_entity(
        &self,
        principal: &Principal,
        id: EntityId,
        expected_version: u32,
        body: EntityBody,
        change: ChangeKind,
        reason: Option<&str>,
    ) -> Result<u32, StoreError> {
        if matches!(change, ChangeKind::Created | ChangeKind::Submitted) {
            return Err(StoreError::Refused("use create or submit for that change".into()));
        }
        check_reason(reason)?;
        let mut tx = self.begin_write().await?;
        let Some(current) = load_resolved(&mut tx, id).await? else {
            return self.deny_missing(tx, principal, id).await;
        };
        // A merged duplicate's id changes its primary (the duplicate is frozen until unmerged).
        let id = current.id;
        // Each new dissemination is a disclosure outside the force: its own permission and its
        // own audit event (DPA 2018 s.62(1)(d)); who it went to is in the version written.
        // Decided first, so that a denial commits with nothing else queued.
        let disclosures = match &body {
            EntityBody::Record(r) => r.new_disseminations(Some(&current.body)).map_err(StoreError::Refused)?,
            _ => 0,
        };
        let mut disclosed: Vec<AuditEvent> = Vec::new();
        if disclosures > 0 {
            let decision = self.authz.decide(principal, Action::Disclose, &resource(current.kind, id, &current.marking));
            let objects = vec![object_ref(current.kind, id)];
            if !decision.allowed {
                let mut tx = tx;
                audit_log::append(&mut tx, &audit_event(AuditKind::AccessDenied, principal, objects, &decision)).await?;
                tx.commit().await?;
                return Err(StoreError::Denied);
            }
            disclosed = vec![audit_event(AuditKind::Disclose, principal, objects, &decision); disclosures];
        }
        let kind = if change == ChangeKind::Corrected { AuditKind::Correct } else { AuditKind::Update };
        let personal = Personal { reason, ..Personal::default() };
        let tx = self.authorise(tx, principal, Action::Update, &current, kind, personal).await?;
        if current.version != expected_version {
            return Err(StoreError::Conflict);
        }
        check_change(current.submitted_at.is_some(), &current.body, &body, change, reason)
            .map_err(|e| StoreError::Refused(e.to_string()))?;
        let mut tx = self.check_refs(tx, principal, &[(id, &body)], &HashMap::new()).await?;
        crate::records::check_rules(&mut tx, &[(id, &body, &current.marking)]).await?;
        // Only now that the change will be written: its disclosures.
        audit_log::append_many(&mut tx, &disclosed).await?;
        let version = current.version + 1;
        write_version(&mut tx, id, version, change, &principal.user, reason, &body, None).await?;
        crate::search::index_names(&mut tx, &[(id, &body)], true).await?;
        crate::matching::index_block_keys(&mut tx, &[(id, &body)], true).await?;
        crate::merge::reindex_names_if_primary(&mut tx, id).await?;
        crate::terms::index_terms(&mut tx, &[(id, &body)], true).await?;
        crate::records::index_references(&mut tx, &[(id, &body)], true).await?;
        let recorded = current.created_at.as_microsecond();
        let written = [(id, &body, current.marking.owning_unit.as_str(), recorded)];
        crate::full_text::index_documents(&mut tx, &written, true).await?;
        crate::retention::index(&mut tx, &written, crate::retention::Write::Changed).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Submits an entity: from now on its critical fields are locked (time-stamped by this
    /// version). Submitting twice is refused.
    pub async fn submit_entity(
        &self,
        principal: &Principal,
        id: EntityId,
        expected_version: u32,
    ) -> Result<u32, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(current) = load_resolved(&mut tx, id).await? else {
            return self.deny_missing(tx, principal, id).await;
        };
        let id = current.id;
        let mut tx = self.authorise(tx, principal, Action::Update, &current, AuditKind::Submit, Personal::default()).await?;
        if current.version != expected_version {
            return Err(StoreError::Conflict);
        }
        if current.submitted_at.is_some() {
            return Err(StoreError::Refused("the record has already been submitted".into()));
        }
        let version = current.version + 1;
        let now = now_micros();
        write_version(&mut tx, id, version, ChangeKind::Submitted, &principal.user, None, &current.body, Some(now))
            .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Decides `action` on `record`. On allow, queues the audit event of `kind` in `tx` and hands
    /// the transaction back; on deny, commits `tx` with only the denial event in it (the denial
    /// must be kept even though the request fails) and returns `Denied`.
    pub(crate) async fn authorise(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        principal: &Principal,
        action: Action,
        record: &EntityRecord,
        kind: AuditKind,
        personal: Personal<'_>,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        let decision = self.authz.decide(principal, action, &resource(record.kind, record.id, &record.marking));
        let objects = vec![object_ref(record.kind, record.id)];
        if decision.allowed {
            let event = audit_event(kind, principal, objects, &decision);
            audit_log::append_with_text(&mut tx, &mut [event], &personal).await?;
            Ok(tx)
        } else {
            let event = audit_event(AuditKind::AccessDenied, principal, objects, &decision);
            audit_log::append_with_text(&mut tx, &mut [event], &personal).await?;
            tx.commit().await?;
            Err(StoreError::Denied)
        }
    }

    /// Checks references inside `tx` (see `references`). On a denial the transaction, and
    /// whatever it had queued (the change's own audit events), is rolled back and the denial
    /// alone is committed in a transaction of its own; a refusal rolls back.
    async fn check_refs(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        principal: &Principal,
        bodies: &[(EntityId, &EntityBody)],
        batch: &HashMap<EntityId, EntityKind>,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        match self.check_references(&mut tx, principal, bodies, batch).await {
            Ok(()) => Ok(tx),
            Err(crate::references::Refusal::Denied(event)) => {
                tx.rollback().await?;
                self.record_denial(*event).await
            }
            Err(crate::references::Refusal::Refused(e)) => Err(e),
        }
    }

    /// Audits a request for a record that does not exist, and denies it.
    pub(crate) async fn deny_missing<T>(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        principal: &Principal,
        id: EntityId,
    ) -> Result<T, StoreError> {
        let decision = not_found();
        let objects = vec![ObjectRef {
            kind: "unknown".into(),
            id: id.to_string(),
        }];
        let event = audit_event(AuditKind::AccessDenied, principal, objects, &decision);
        audit_log::append(&mut tx, &event).await?;
        tx.commit().await?;
        Err(StoreError::Denied)
    }

    /// Writes a denial event in its own transaction and returns `Denied`.
    pub(crate) async fn record_denial<T>(&self, event: custos_audit::AuditEvent) -> Result<T, StoreError> {
        let mut tx = self.begin_write().await?;
        audit_log::append(&mut tx, &event).await?;
        tx.commit().await?;
        Err(StoreError::Denied)
    }
}

pub(crate) async fn insert_entities(
    conn: &mut AnyConnection,
    entities: &[NewEntity],
    author: &UserId,
    now: i64,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    let items: Vec<Authored<'_>> = entities.iter().map(|entity| Authored { entity, author, reason }).collect();
    insert_authored(conn, &items, now).await
}

/// A new entity with the author and reason of its first version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Authored<'a> {
    pub entity: &'a NewEntity,
    pub author: &'a UserId,
    pub reason: Option<&'a str>,
}

pub(crate) async fn insert_authored(conn: &mut AnyConnection, items: &[Authored<'_>], now: i64) -> Result<(), StoreError> {
    // Links must join existing entities of the kinds their type allows; check before writing.
    // SQLite allows 32,766 bound values per statement; 200 rows × 10 columns stays well inside.
    for chunk in items.chunks(200) {
        let mut entity_q = sqlx::query(multi_row(
            Placeholders::of(conn),
            "INSERT INTO entity (id, kind, current_version, classification, sensitive, owning_unit, acl, \
             submitted_at, created_at, updated_at)",
            chunk.len(),
            10,
        ));
        let mut version_q = sqlx::query(multi_row(
            Placeholders::of(conn),
            "INSERT INTO entity_version (entity_id, version, change, author, at, reason, body)",
            chunk.len(),
            7,
        ));
        for &Authored { entity: e, author, reason } in chunk {
            entity_q = entity_q
                .bind(e.id.as_bytes().to_vec())
                .bind(e.body.kind().as_str())
                .bind(1_i64)
                .bind(e.marking.classification.level())
                .bind(i16::from(e.marking.sensitive))
                .bind(e.marking.owning_unit.as_str().to_owned())
                .bind(encode(&e.marking.acl)?)
                .bind(None::<i64>)
                .bind(now)
                .bind(now);
            version_q = version_q
                .bind(e.id.as_bytes().to_vec())
                .bind(1_i64)
                .bind(ChangeKind::Created.as_str())
                .bind(author.as_str().to_owned())
                .bind(now)
                .bind(reason.map(str::to_owned))
                .bind(encode(&e.body)?);
        }
        entity_q.execute(&mut *conn).await?;
        version_q.execute(&mut *conn).await?;

        let links: Vec<_> = chunk
            .iter()
            .filter_map(|a| match &a.entity.body {
                EntityBody::Link(link) => Some((a.entity.id, link)),
                _ => None,
            })
            .collect();
        if !links.is_empty() {
            // A link naming a merged duplicate joins its primary; the body keeps the id it named,
            // so that an unmerge moves the link back (see `merge`).
            let ends: Vec<EntityId> = links.iter().flat_map(|(_, l)| [l.from(), l.to()]).collect();
            let aliases = crate::merge::resolve_many(conn, &ends).await?;
            let resolved = |id: EntityId| aliases.get(&id).copied().unwrap_or(id);
            let mut link_q =
                sqlx::query(multi_row(Placeholders::of(conn), "INSERT INTO link (id, from_id, to_id, kind)", links.len(), 4));
            for (id, link) in links {
                link_q = link_q
                    .bind(id.as_bytes().to_vec())
                    .bind(resolved(link.from()).as_bytes().to_vec())
                    .bind(resolved(link.to()).as_bytes().to_vec())
                    .bind(link.kind().to_string().to_owned());
            }
            link_q.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn write_version(
    conn: &mut AnyConnection,
    id: EntityId,
    version: u32,
    change: ChangeKind,
    author: &UserId,
    reason: Option<&str>,
    body: &EntityBody,
    submitted_at: Option<i64>,
) -> Result<(), StoreError> {
    let now = now_micros();
    sqlx::query(
        "INSERT INTO entity_version (entity_id, version, change, author, at, reason, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.as_bytes().to_vec())
    .bind(i64::from(version))
    .bind(change.as_str())
    .bind(author.as_str().to_owned())
    .bind(now)
    .bind(reason.map(str::to_owned))
    .bind(encode(body)?)
    .execute(&mut *conn)
    .await?;
    let updated = sqlx::query(
        "UPDATE entity SET current_version = $1, updated_at = $2, \
         submitted_at = COALESCE(submitted_at, $3) WHERE id = $4 AND current_version = $5",
    )
    .bind(i64::from(version))
    .bind(now)
    .bind(submitted_at)
    .bind(id.as_bytes().to_vec())
    .bind(i64::from(version - 1))
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::Conflict);
    }
    if let EntityBody::Link(link) = body {
        let aliases = crate::merge::resolve_many(conn, &[link.from(), link.to()]).await?;
        let resolved = |id: EntityId| aliases.get(&id).copied().unwrap_or(id);
        sqlx::query("UPDATE link SET from_id = $1, to_id = $2, kind = $3 WHERE id = $4")
            .bind(resolved(link.from()).as_bytes().to_vec())
            .bind(resolved(link.to()).as_bytes().to_vec())
            .bind(link.kind().to_string().to_owned())
            .bind(id.as_bytes().to_vec())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Loads the current state of an entity (no authorisation: callers authorise before returning it).
/// The current bodies of the given entities (ids not stored are left out), read for the rules
/// and indexes of a write, inside its transaction; never for showing (that is a read, audited).
pub(crate) async fn current_bodies(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<HashMap<EntityId, EntityBody>, StoreError> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let head = "SELECT e.id, v.body FROM entity e \
                    JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version WHERE e.id IN";
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            let id: Vec<u8> = row.try_get(0)?;
            let body: String = row.try_get(1)?;
            let id = <[u8; 16]>::try_from(id).map_err(|_| corrupt("record id"))?;
            let body = serde_json::from_str::<EntityBody>(&body).map_err(|_| corrupt("record"))?;
            out.insert(EntityId::from_bytes(id), body);
        }
    }
    Ok(out)
}

pub(crate) async fn load(conn: &mut AnyConnection, id: EntityId) -> Result<Option<EntityRecord>, StoreError> {
    Ok(load_with_alias(conn, id).await?.map(|(record, _)| record))
}

/// As [`load`], with the record it has been merged into, if any.
pub(crate) async fn load_with_alias(
    conn: &mut AnyConnection,
    id: EntityId,
) -> Result<Option<(EntityRecord, Option<EntityId>)>, StoreError> {
    let row = sqlx::query(
        "SELECT e.kind, e.current_version, e.classification, e.sensitive, e.owning_unit, e.acl, \
         e.submitted_at, e.created_at, e.updated_at, e.merged_into, v.body FROM entity e \
         JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
         WHERE e.id = $1",
    )
    .bind(id.as_bytes().to_vec())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let merged_into = row
        .try_get::<Option<Vec<u8>>, _>("merged_into")?
        .map(|bytes| <[u8; 16]>::try_from(bytes).map(EntityId::from_bytes).map_err(|_| corrupt("merge alias")))
        .transpose()?;
    Ok(Some((record_from_row(id, &row)?, merged_into)))
}

/// As [`load`], but an id merged into another record resolves to that record (following a chain
/// of merges), with `resolved_from` naming the id asked for. Costs nothing extra unless the id is
/// a merged duplicate.
pub(crate) async fn load_resolved(conn: &mut AnyConnection, id: EntityId) -> Result<Option<EntityRecord>, StoreError> {
    let mut current = id;
    for _ in 0..=crate::merge::MAX_CHAIN {
        let Some((mut record, merged_into)) = load_with_alias(conn, current).await? else { return Ok(None) };
        match merged_into {
            Some(primary) => current = primary,
            None => {
                record.resolved_from = (current != id).then_some(id);
                return Ok(Some(record));
            }
        }
    }
    Err(corrupt("merge chain"))
}

pub(crate) fn record_from_row(id: EntityId, row: &AnyRow) -> Result<EntityRecord, StoreError> {
    let version: i64 = row.try_get("current_version")?;
    let body: String = row.try_get("body")?;
    let (kind, marking) = kind_and_marking(row)?;
    Ok(EntityRecord {
        id,
        kind,
        marking,
        version: u32::try_from(version).map_err(|_| corrupt("version"))?,
        submitted_at: row.try_get::<Option<i64>, _>("submitted_at")?.map(from_micros),
        created_at: from_micros(row.try_get("created_at")?),
        updated_at: from_micros(row.try_get("updated_at")?),
        body: serde_json::from_str(&body).map_err(|_| corrupt("record body"))?,
        resolved_from: None,
    })
}

/// The kind and security marking of an `entity` row (columns kind, classification, sensitive,
/// owning_unit, acl).
pub(crate) fn kind_and_marking(row: &AnyRow) -> Result<(EntityKind, SecurityMarking), StoreError> {
    kind_and_marking_at(row, "")
}

/// [`kind_and_marking`] from columns named with `prefix` (`link_kind`, `link_classification`…),
/// for a statement that reads two entities' markings.
pub(crate) fn kind_and_marking_at(row: &AnyRow, prefix: &str) -> Result<(EntityKind, SecurityMarking), StoreError> {
    let column = |name: &str| format!("{prefix}{name}");
    let kind: String = row.try_get(column("kind").as_str())?;
    let classification: i64 = row.try_get(column("classification").as_str())?;
    let acl: String = row.try_get(column("acl").as_str())?;
    let owning_unit: String = row.try_get(column("owning_unit").as_str())?;
    let sensitive: i16 = row.try_get(column("sensitive").as_str())?;
    kind_and_marking_of(&kind, classification, i64::from(sensitive), &owning_unit, &acl)
}

/// A record's kind and marking from its stored columns' values.
pub(crate) fn kind_and_marking_of(
    kind: &str,
    classification: i64,
    sensitive: i64,
    owning_unit: &str,
    acl: &str,
) -> Result<(EntityKind, SecurityMarking), StoreError> {
    let classification = Classification::from_level(classification).ok_or_else(|| corrupt("classification"))?;
    Ok((
        kind.parse().map_err(|_| corrupt("entity kind"))?,
        SecurityMarking {
            classification,
            sensitive: sensitive != 0,
            owning_unit: owning_unit.parse().map_err(|_| corrupt("owning unit"))?,
            acl: serde_json::from_str::<Vec<AclEntry>>(acl).map_err(|_| corrupt("access list"))?,
        },
    ))
}

fn version_from_row(row: &AnyRow) -> Result<VersionRecord, StoreError> {
    let version: i64 = row.try_get("version")?;
    let change: String = row.try_get("change")?;
    let author: String = row.try_get("author")?;
    let body: String = row.try_get("body")?;
    Ok(VersionRecord {
        meta: VersionMeta {
            version: u32::try_from(version).map_err(|_| corrupt("version"))?,
            author: author.parse().map_err(|_| corrupt("author"))?,
            at: from_micros(row.try_get("at")?),
            reason: row
                .try_get::<Option<String>, _>("reason")?
                .map(|r| r.parse().map_err(|_| corrupt("reason")))
                .transpose()?,
            change: change.parse().map_err(|_| corrupt("change kind"))?,
        },
        body: serde_json::from_str(&body).map_err(|_| corrupt("record body"))?,
    })
}

