//! Person search by name key: authorised (the `search` action, then `read` on every hit) and
//! audited as one `search` event listing the records returned. The search terms are personal data,
//! so they go into the erasable `audit_payload` table and the leaf holds only their commitment.
//!
//! This is exact-key search (case, punctuation and common accents folded); fuzzy matching and
//! search-before-create build on the same index later.

use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Principal, Resource};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::search_key::name_key;
use rand::RngExt;
use sqlx::{AnyConnection, Row};

use crate::clock::now_micros;
use crate::entities::{EntityRecord, Justification, load, object_ref};
use crate::error::StoreError;
use crate::sql::{Placeholders, multi_row};
use crate::{Store, audit_event, audit_log};

/// The most hits one search returns.
pub const MAX_HITS: i64 = 200;

impl Store {
    /// Finds people with a name (primary, alias or previous) whose surname key equals `surname`'s
    /// and whose first forename key starts with `forename`'s, returning those the principal may
    /// read, at most [`MAX_HITS`].
    pub async fn search_people(
        &self,
        principal: &Principal,
        surname: &str,
        forename: Option<&str>,
        justification: &Justification,
    ) -> Result<Vec<EntityRecord>, StoreError> {
        let surname_key = name_key(surname);
        let forename_key = forename.map(name_key).unwrap_or_default();
        if surname_key.is_empty() {
            return Err(StoreError::Refused("give a surname to search for".into()));
        }
        let terms = serde_json::json!({ "surname": surname, "forename": forename }).to_string();
        let mut tx = self.begin_write().await?;
        let decision = self.authz.decide(principal, Action::Search, &Resource::System);
        if !decision.allowed {
            let mut event = audit_event(AuditKind::AccessDenied, principal, Vec::new(), Some(justification.as_str()), &decision);
            attach_payload(&mut tx, &mut event, &terms).await?;
            audit_log::append(&mut tx, &event).await?;
            tx.commit().await?;
            return Err(StoreError::Denied);
        }
        let rows = sqlx::query(
            "SELECT DISTINCT entity_id FROM person_name_key \
             WHERE surname_key = $1 AND forename_key LIKE $2 ORDER BY entity_id LIMIT $3",
        )
        .bind(surname_key)
        // Keys hold only letters and digits, so the pattern has no LIKE wildcards but the final one.
        .bind(format!("{forename_key}%"))
        .bind(MAX_HITS)
        .fetch_all(&mut *tx)
        .await?;
        let mut hits = Vec::with_capacity(rows.len());
        let mut policies = decision.policies.clone();
        for row in rows {
            let bytes: Vec<u8> = row.try_get(0)?;
            let Ok(bytes) = <[u8; 16]>::try_from(bytes) else { continue };
            let Some(record) = load(&mut tx, EntityId::from_bytes(bytes)).await? else { continue };
            let read = self.authz.decide(
                principal,
                Action::Read,
                &Resource::Record { kind: record.kind.as_str(), id: record.id.to_string(), marking: &record.marking },
            );
            if read.allowed {
                for p in read.policies {
                    if !policies.contains(&p) {
                        policies.push(p);
                    }
                }
                hits.push(record);
            }
        }
        let objects: Vec<ObjectRef> = hits.iter().map(|r| object_ref(r.kind, r.id)).collect();
        let decision = custos_authz::Decision { policies, ..decision };
        let mut event = audit_event(AuditKind::Search, principal, objects, Some(justification.as_str()), &decision);
        attach_payload(&mut tx, &mut event, &terms).await?;
        audit_log::append(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(hits)
    }
}

/// Stores a personal payload (search terms, free text) in the erasable side table and sets the
/// event's commitment to it. Erasing the row later leaves every proof intact.
async fn attach_payload(
    conn: &mut AnyConnection,
    event: &mut custos_audit::AuditEvent,
    payload: &str,
) -> Result<(), StoreError> {
    let salt: [u8; 16] = rand::rng().random();
    let commitment = custos_audit::commit_payload(&salt, payload.as_bytes());
    sqlx::query("INSERT INTO audit_payload (commitment, salt, payload, created_at) VALUES ($1, $2, $3, $4)")
        .bind(commitment.to_vec())
        .bind(salt.to_vec())
        .bind(payload)
        .bind(now_micros())
        .execute(&mut *conn)
        .await
        .map_err(|_| StoreError::Audit("the audit payload could not be written, so nothing was done".into()))?;
    event.payload = Some(commitment);
    Ok(())
}

/// Writes the name keys of the given people, in the caller's transaction; with `replace`, their
/// old keys are removed first (after a change).
pub(crate) async fn index_names(
    conn: &mut AnyConnection,
    people: &[(EntityId, &EntityBody)],
    replace: bool,
) -> Result<(), StoreError> {
    let mut keys: Vec<(EntityId, String, String)> = Vec::new();
    for (id, body) in people {
        if let EntityBody::Person(person) = body {
            for name in person.names() {
                let forename = name.forenames().first().map(|f| name_key(f)).unwrap_or_default();
                keys.push((*id, name_key(name.surname()), forename));
            }
        }
    }
    for (id, body) in people.iter().filter(|_| replace) {
        if body.kind() == EntityKind::Person {
            sqlx::query("DELETE FROM person_name_key WHERE entity_id = $1")
                .bind(id.as_bytes().to_vec())
                .execute(&mut *conn)
                .await?;
        }
    }
    for chunk in keys.chunks(300) {
        let mut q = sqlx::query(multi_row(Placeholders::of(conn), "INSERT INTO person_name_key (entity_id, surname_key, forename_key)", chunk.len(), 3));
        for (id, surname, forename) in chunk {
            q = q.bind(id.as_bytes().to_vec()).bind(surname.clone()).bind(forename.clone());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

impl Store {
    /// The erasable payload behind a commitment, if it has not been erased.
    pub async fn audit_payload(&self, commitment: &custos_audit::Hash) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query("SELECT payload FROM audit_payload WHERE commitment = $1")
            .bind(commitment.to_vec())
            .fetch_optional(&self.pool)
            .await?
            .map(|row| row.try_get(0))
            .transpose()?)
    }
}
