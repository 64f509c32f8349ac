//! References between records: a link's two ends and an event's location. A reference must name
//! a record of the right kind that the principal may read; otherwise the write is refused, and a
//! reference to a record that is missing or not readable is denied and audited like a read, so
//! that linking cannot be used to learn whether a record exists or what it is.

use std::collections::HashMap;

use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Principal, Resource};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::marking::SecurityMarking;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::entities::{kind_and_marking, not_found};
use crate::error::StoreError;
use crate::sql::{Placeholders, in_list};
use crate::{Store, audit_event};

/// The references a body makes: (field, referenced id, the kind it must be).
fn references(body: &EntityBody) -> Vec<(&'static str, EntityId, EntityKind)> {
    match body {
        EntityBody::Link(link) => {
            let (from, to) = link.kind().endpoints();
            vec![("from", link.from(), from), ("to", link.to(), to)]
        }
        EntityBody::Event(event) => event.location.map(|id| vec![("location", id, EntityKind::Location)]).unwrap_or_default(),
        EntityBody::Record(record) => record.references(),
        _ => Vec::new(),
    }
}

/// What a reference names: the target's kind and marking.
pub(crate) type Targets = HashMap<EntityId, (EntityKind, SecurityMarking)>;

/// The ids `bodies` refer to that are not in `batch` (written with them).
pub(crate) fn referenced(bodies: &[(EntityId, &EntityBody)], batch: &HashMap<EntityId, EntityKind>) -> Vec<EntityId> {
    let mut ids: Vec<EntityId> =
        bodies.iter().flat_map(|(_, body)| references(body)).map(|(_, id, _)| id).filter(|id| !batch.contains_key(id)).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The stored targets among `ids`, each with its kind and marking; missing ones are absent.
///
/// A reference to a merged duplicate is a reference to its primary: that is the record
/// checked (and the link table will join), while the body keeps the id it named.
pub(crate) async fn load_targets(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<Targets, StoreError> {
    let aliases = crate::merge::resolve_many(conn, ids).await?;
    let mut targets: Vec<EntityId> = ids.iter().map(|id| aliases.get(id).copied().unwrap_or(*id)).collect();
    targets.sort();
    targets.dedup();
    let mut found: Targets = HashMap::new();
    for chunk in targets.chunks(500) {
        let head = "SELECT id, kind, classification, sensitive, owning_unit, acl FROM entity WHERE id IN";
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            let id: Vec<u8> = row.try_get("id")?;
            let Ok(id) = <[u8; 16]>::try_from(id) else { continue };
            found.insert(EntityId::from_bytes(id), kind_and_marking(&row)?);
        }
    }
    Ok(ids.iter().filter_map(|id| Some((*id, found.get(aliases.get(id).unwrap_or(id))?.clone()))).collect())
}

impl Store {
    /// Checks every reference of `bodies` (ids in `batch` count as present, with their kinds),
    /// in `tx` before anything is written. On a missing or unreadable target it returns `Denied`
    /// with the denial event to commit (see `settle`); on a wrong kind it returns `Refused`.
    pub(crate) async fn check_references(
        &self,
        tx: &mut Transaction<'static, Any>,
        principal: &Principal,
        bodies: &[(EntityId, &EntityBody)],
        batch: &HashMap<EntityId, EntityKind>,
    ) -> Result<(), Refusal> {
        let stored = load_targets(tx, &referenced(bodies, batch)).await?;
        self.decide_references(principal, bodies, batch, &stored)
    }

    /// Decides the references of `bodies` given their `stored` targets (see `load_targets`;
    /// those loaded for a whole group of creations at once may hold more).
    pub(crate) fn decide_references(
        &self,
        principal: &Principal,
        bodies: &[(EntityId, &EntityBody)],
        batch: &HashMap<EntityId, EntityKind>,
        stored: &Targets,
    ) -> Result<(), Refusal> {
        let wanted: Vec<(&'static str, EntityId, EntityKind)> = bodies.iter().flat_map(|(_, body)| references(body)).collect();
        // Readability first: a denial must not depend on, or reveal, what kind a record is.
        let mut checked: HashMap<EntityId, EntityKind> = batch.clone();
        for (_, id, _) in &wanted {
            if checked.contains_key(id) {
                continue;
            }
            let decision = match stored.get(id) {
                Some((kind, marking)) => self.authz.decide(
                    principal,
                    Action::Read,
                    &Resource::Record { kind: kind.as_str(), id: id.to_string(), marking },
                ),
                None => not_found(),
            };
            if !decision.allowed {
                let objects = vec![ObjectRef { kind: "reference".into(), id: id.to_string() }];
                return Err(Refusal::Denied(Box::new(audit_event(AuditKind::AccessDenied, principal, objects, &decision))));
            }
            if let Some((kind, _)) = stored.get(id) {
                checked.insert(*id, *kind);
            }
        }
        for (field, id, want) in wanted {
            let kind = checked.get(&id).copied();
            if kind != Some(want) {
                let found = kind.map_or("nothing", EntityKind::as_str);
                return Err(Refusal::Refused(StoreError::Refused(format!(
                    "{field} must refer to a {}, not a {found}",
                    want.as_str()
                ))));
            }
        }
        Ok(())
    }
}

/// Why references were not accepted.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// A target is missing or unreadable: the denial event to commit, without the write.
    Denied(Box<custos_audit::AuditEvent>),
    /// A wrong kind, or a database failure; roll back.
    Refused(StoreError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Self::Refused(e)
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Self::Refused(e.into())
    }
}
