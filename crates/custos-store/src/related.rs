//! What the record and home pages show around a record or a user: a record's links with the
//! records at their other ends, and the records a user worked on most recently.
//!
//! Both show only what the principal may read, leaving the rest out without a trace (a denied
//! link is not even counted), and each is audited as one `read` event listing every record shown.

use std::collections::HashSet;

use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Decision, Principal, Resource};
use custos_core::ids::EntityId;
use sqlx::{AnyConnection, Row};

use crate::audit_log::Personal;
use crate::entities::{EntityRecord, Justification, load, object_ref};
use crate::error::StoreError;
use crate::{Store, audit_event, audit_log};

/// The most records [`Store::recent_work`] returns.
pub const MAX_RECENT: usize = 50;
/// The most links of one record [`Store::related`] examines (oldest first), so that one page
/// view of a record linked to everything stays bounded.
pub const MAX_LINKS: i64 = 500;
/// The justification recorded for [`Store::recent_work`]: the user consults their own work.
pub const RECENT_WORK_JUSTIFICATION: &str = "home page: your own recent work";
/// The most of the user's versions examined for their recent work (newest first): enough for
/// [`MAX_RECENT`] records even when many were edited repeatedly or are no longer readable,
/// while a prolific user's home page stays one short index walk.
const MAX_RECENT_VERSIONS: usize = 2_000;
/// Versions fetched per statement while walking a user's recent work.
const RECENT_BATCH: usize = 200;

/// A link from or to a record, and the record at its other end.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub link: EntityRecord,
    pub other: EntityRecord,
}

fn read_decision(store: &Store, principal: &Principal, record: &EntityRecord) -> Decision {
    store.authz.decide(
        principal,
        Action::Read,
        &Resource::Record { kind: record.kind.as_str(), id: record.id.to_string(), marking: &record.marking },
    )
}

fn add_policies(into: &mut Vec<String>, from: Vec<String>) {
    for p in from {
        if !into.contains(&p) {
            into.push(p);
        }
    }
}

/// The entity id in `column` of `row` (`None` if it is not 16 bytes).
pub(crate) fn entity_id(row: &sqlx::any::AnyRow, column: &str) -> Result<Option<EntityId>, StoreError> {
    let bytes: Vec<u8> = row.try_get(column)?;
    Ok(<[u8; 16]>::try_from(bytes).ok().map(EntityId::from_bytes))
}

impl Store {
    /// The links from or to record `id`, each with the record at its other end, in link-id order
    /// (roughly oldest first). The record must be readable: otherwise, as for
    /// [`Store::read_entity`], the request is denied and the denial audited, whether the record is
    /// missing or forbidden. A link is shown only if the principal may read both the link and its
    /// other end. Audited as one `read` event listing the record, the links and the other ends
    /// shown, with the justification.
    pub async fn related(
        &self,
        principal: &Principal,
        id: EntityId,
        justification: &Justification,
    ) -> Result<Vec<Related>, StoreError> {
        let personal = Personal { justification: Some(justification.as_str()), ..Personal::default() };
        // Loaded in one read-only snapshot, then audited through the group commit like a read:
        // a record page must not hold the write lock while it walks the links.
        let mut tx = self.begin_snapshot().await?;
        // A merged duplicate's id shows its primary's links, as reading it shows the primary.
        let Some(record) = crate::entities::load_resolved(&mut tx, id).await? else {
            tx.commit().await?;
            let objects = vec![ObjectRef { kind: "unknown".into(), id: id.to_string() }];
            let event = audit_event(AuditKind::AccessDenied, principal, objects, &crate::entities::not_found());
            self.reads.record(event, &Personal::default()).await?;
            return Err(StoreError::Denied);
        };
        let decision = read_decision(self, principal, &record);
        if !decision.allowed {
            tx.commit().await?;
            let event = audit_event(AuditKind::AccessDenied, principal, vec![object_ref(record.kind, record.id)], &decision);
            self.reads.record(event, &personal).await?;
            return Err(StoreError::Denied);
        }
        let mut policies = decision.policies.clone();
        let related = self.readable_links(&mut tx, principal, record.id, &mut policies).await?;
        tx.commit().await?;
        let mut objects = vec![object_ref(record.kind, record.id)];
        let mut listed: HashSet<EntityId> = HashSet::from([record.id]);
        for r in &related {
            for shown in [&r.link, &r.other] {
                if listed.insert(shown.id) {
                    objects.push(object_ref(shown.kind, shown.id));
                }
            }
        }
        let decision = Decision { policies, ..decision };
        let event = audit_event(AuditKind::Read, principal, objects, &decision);
        // Returned only once the event has committed (see `read_audit`).
        self.reads.record(event, &personal).await?;
        Ok(related)
    }

    /// The links of `id` whose link record and other end `principal` may read.
    async fn readable_links(
        &self,
        conn: &mut AnyConnection,
        principal: &Principal,
        id: EntityId,
        policies: &mut Vec<String>,
    ) -> Result<Vec<Related>, StoreError> {
        let rows = sqlx::query("SELECT id, from_id, to_id FROM link WHERE from_id = $1 OR to_id = $2 ORDER BY id LIMIT $3")
            .bind(id.as_bytes().to_vec())
            .bind(id.as_bytes().to_vec())
            .bind(MAX_LINKS)
            .fetch_all(&mut *conn)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let (Some(link_id), Some(from), Some(to)) =
                (entity_id(&row, "id")?, entity_id(&row, "from_id")?, entity_id(&row, "to_id")?)
            else {
                continue;
            };
            let other_id = if from == id { to } else { from };
            let Some(link) = load(conn, link_id).await? else { continue };
            let link_decision = read_decision(self, principal, &link);
            if !link_decision.allowed {
                continue;
            }
            let Some(other) = load(conn, other_id).await? else { continue };
            let other_decision = read_decision(self, principal, &other);
            if !other_decision.allowed {
                continue;
            }
            add_policies(policies, link_decision.policies);
            add_policies(policies, other_decision.policies);
            out.push(Related { link, other });
        }
        Ok(out)
    }

    /// The records whose versions the principal wrote most recently, newest first, each once, at
    /// most `limit` (and at most [`MAX_RECENT`]); records the principal may no longer read are
    /// left out. Audited as one `read` event listing the records shown, with the fixed
    /// justification [`RECENT_WORK_JUSTIFICATION`]. A `limit` of 0 consults nothing.
    pub async fn recent_work(&self, principal: &Principal, limit: usize) -> Result<Vec<EntityRecord>, StoreError> {
        let limit = limit.min(MAX_RECENT);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let mut seen: HashSet<EntityId> = HashSet::new();
        let mut records = Vec::new();
        let mut policies = Vec::new();
        // Keyset walk over (at, entity_id), newest first: many versions share one `at` (a batch
        // created in one transaction), so the time alone cannot resume the walk.
        let (mut before_at, mut before_id) = (i64::MAX, Vec::<u8>::new());
        let mut examined = 0;
        'walk: while examined < MAX_RECENT_VERSIONS {
            let rows = sqlx::query(
                "SELECT entity_id, at FROM entity_version \
                 WHERE author = $1 AND (at < $2 OR (at = $2 AND entity_id < $3)) \
                 ORDER BY at DESC, entity_id DESC LIMIT $4",
            )
            .bind(principal.user.as_str().to_owned())
            .bind(before_at)
            .bind(before_id.clone())
            .bind(i64::try_from(RECENT_BATCH).unwrap_or(i64::MAX))
            .fetch_all(&mut *tx)
            .await?;
            let full = rows.len() == RECENT_BATCH;
            for row in rows {
                examined += 1;
                before_at = row.try_get("at")?;
                before_id = row.try_get("entity_id")?;
                let Some(id) = entity_id(&row, "entity_id")? else { continue };
                if !seen.insert(id) {
                    continue;
                }
                let Some(record) = load(&mut tx, id).await? else { continue };
                let decision = read_decision(self, principal, &record);
                if decision.allowed {
                    add_policies(&mut policies, decision.policies);
                    records.push(record);
                    if records.len() == limit {
                        break 'walk;
                    }
                }
            }
            if !full {
                break;
            }
        }
        let objects: Vec<ObjectRef> = records.iter().map(|r| object_ref(r.kind, r.id)).collect();
        let decision = Decision { allowed: true, policies, errors: Vec::new() };
        let event = audit_event(AuditKind::Read, principal, objects, &decision);
        let personal = Personal { justification: Some(RECENT_WORK_JUSTIFICATION), ..Personal::default() };
        audit_log::append_with_text(&mut tx, &mut [event], &personal).await?;
        tx.commit().await?;
        Ok(records)
    }
}
