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
use sqlx::{AnyConnection, Row};

use crate::entities::{EntityRecord, Justification, load, object_ref};
use crate::error::StoreError;
use crate::sql::{Placeholders, multi_row};
use crate::audit_log::Personal;
use crate::{Store, audit_event, audit_log};

/// The most hits one search returns.
pub const MAX_HITS: usize = 200;
/// The most candidates examined: unreadable candidates are skipped without using up the hits, so
/// a common name with many restricted namesakes still returns the readable ones.
const MAX_CANDIDATES: i64 = 5_000;

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
        let personal = Personal {
            justification: Some(justification.as_str()),
            terms: Some(serde_json::json!({ "surname": surname, "forename": forename })),
            ..Personal::default()
        };
        let mut tx = self.begin_write().await?;
        let decision = self.authz.decide(principal, Action::Search, &Resource::System);
        if !decision.allowed {
            let event = audit_event(AuditKind::AccessDenied, principal, Vec::new(), &decision);
            audit_log::append_with_text(&mut tx, &mut [event], &personal).await?;
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
        .bind(MAX_CANDIDATES)
        .fetch_all(&mut *tx)
        .await?;
        let mut hits = Vec::with_capacity(rows.len());
        let mut policies = decision.policies.clone();
        for row in rows {
            if hits.len() == MAX_HITS {
                break;
            }
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
        let event = audit_event(AuditKind::Search, principal, objects, &decision);
        audit_log::append_with_text(&mut tx, &mut [event], &personal).await?;
        tx.commit().await?;
        Ok(hits)
    }
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
    /// The erasable payload (justification, reason, search terms) behind an audit event's
    /// commitment, for those who may inspect the audit log (the `audit` action). The read is
    /// itself audited, and the payload is checked against the commitment before it is returned.
    /// `None` once erased.
    pub async fn audit_payload(
        &self,
        principal: &Principal,
        commitment: &custos_audit::Hash,
    ) -> Result<Option<String>, StoreError> {
        let decision = self.authz.decide(principal, Action::Audit, &Resource::System);
        let objects = vec![ObjectRef {
            kind: "audit_payload".into(),
            id: commitment.iter().take(8).map(|b| format!("{b:02x}")).collect(),
        }];
        let mut tx = self.begin_write().await?;
        let kind = if decision.allowed { AuditKind::Read } else { AuditKind::AccessDenied };
        audit_log::append(&mut tx, &audit_event(kind, principal, objects, &decision)).await?;
        if !decision.allowed {
            tx.commit().await?;
            return Err(StoreError::Denied);
        }
        let row = sqlx::query("SELECT salt, payload FROM audit_payload WHERE commitment = $1")
            .bind(commitment.to_vec())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        let salt: Vec<u8> = row.try_get(0)?;
        let payload: String = row.try_get(1)?;
        let salt: [u8; 16] = salt.try_into().map_err(|_| tampered_payload())?;
        if custos_audit::commit_payload(&salt, payload.as_bytes()) != *commitment {
            return Err(tampered_payload());
        }
        Ok(Some(payload))
    }
}

fn tampered_payload() -> StoreError {
    StoreError::Audit("the stored payload does not match its commitment in the audit log".into())
}
