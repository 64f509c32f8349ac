//! Users: who may sign in, with which roles, units and clearance. Passwords are hashed with
//! Argon2id at the `argon2` crate's defaults (19 MiB, t=2, p=1: the OWASP minimum) on a blocking
//! thread; the password itself is never stored or logged.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Principal, Resource};
use custos_core::ids::{UnitId, UserId};
use custos_core::marking::Classification;
use custos_core::role::Role;
use sqlx::Row;

use crate::clock::now_micros;
use crate::error::StoreError;
use crate::{Store, audit_event, audit_log};

/// A user to create.
#[derive(Clone)]
pub struct NewUser {
    pub user: UserId,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub units: Vec<UnitId>,
    pub clearance: Classification,
    pub password: String,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("user", &self.user)
            .field("roles", &self.roles)
            .field("units", &self.units)
            .field("clearance", &self.clearance)
            .field("password", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Shortest password accepted (OWASP ASVS 5.0 V6.2.1: at least 8; we ask for more).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The user id the command line acts under for local administration.
pub const LOCAL_ADMIN: &str = "local-admin";

/// The principal the command line acts as for local administration (creating the first users):
/// whoever can run `custos` against the database can administer it. Its actions are audited
/// under [`LOCAL_ADMIN`].
#[allow(clippy::expect_used, reason = "a valid literal, checked by local_admin_is_a_valid_user_id")]
pub fn local_administrator() -> Principal {
    Principal {
        user: UserId::parse(LOCAL_ADMIN).expect("LOCAL_ADMIN is a valid user id"),
        roles: vec![Role::Administrator],
        units: Vec::new(),
        clearance: Classification::Official,
        scopes: None,
    }
}

/// The user id the command line acts under for batch loading and linking.
pub const LOCAL_BATCH: &str = "local-batch";

/// The principal of the command line's batch jobs (`custos import persons`, `custos link`):
/// whoever can run `custos` against the database can load legacy records into it and link them,
/// as they can administer it. It creates records owned by `unit` (an investigator's rights there)
/// and merges and reviews duplicates force-wide (a records manager's); every action is audited
/// under [`LOCAL_BATCH`].
#[allow(clippy::expect_used, reason = "a valid literal, checked by local_batch_is_a_valid_user_id")]
pub fn batch_loader(unit: UnitId) -> Principal {
    Principal {
        user: UserId::parse(LOCAL_BATCH).expect("LOCAL_BATCH is a valid user id"),
        roles: vec![Role::Investigator, Role::RecordsManager],
        units: vec![unit],
        clearance: Classification::Official,
        scopes: None,
    }
}

impl Store {
    /// Creates a user. Requires the `administer` permission; audited.
    pub async fn create_user(&self, principal: &Principal, new: NewUser) -> Result<(), StoreError> {
        if new.password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::Refused(format!(
                "the password must be at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        if new.roles.is_empty() {
            return Err(StoreError::Refused("a user needs at least one role".into()));
        }
        let display_name = new.display_name.trim().to_owned();
        if display_name.is_empty() || display_name.chars().count() > 200 {
            return Err(StoreError::Refused("the display name must be 1–200 characters".into()));
        }
        let decision = self.authz.decide(principal, Action::Administer, &Resource::System);
        let objects = vec![ObjectRef {
            kind: "user".into(),
            id: new.user.to_string(),
        }];
        if !decision.allowed {
            let event = audit_event(AuditKind::AccessDenied, principal, objects, &decision);
            return self.record_denial(event).await;
        }
        let hash = hash_password_blocking(new.password).await?;
        let roles: Vec<&str> = new.roles.iter().map(|r| r.as_str()).collect();
        let units: Vec<&str> = new.units.iter().map(|u| u.as_str()).collect();
        let mut tx = self.begin_write().await?;
        let exists = sqlx::query("SELECT 1 FROM users WHERE user_id = $1")
            .bind(new.user.as_str().to_owned())
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if exists {
            return Err(StoreError::Refused(format!("user {} already exists", new.user)));
        }
        sqlx::query(
            "INSERT INTO users (user_id, display_name, password_hash, roles, units, clearance, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new.user.as_str().to_owned())
        .bind(display_name)
        .bind(hash)
        .bind(json(&roles)?)
        .bind(json(&units)?)
        .bind(new.clearance.level())
        .bind(now_micros())
        .execute(&mut *tx)
        .await?;
        let event = audit_event(AuditKind::Administer, principal, objects, &decision);
        audit_log::append(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a user's password (an administrator's reset: requires `administer`), ending the user's
    /// sessions. Audited.
    pub async fn reset_password(&self, principal: &Principal, user: &UserId, password: &str) -> Result<(), StoreError> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::Refused(format!("the password must be at least {MIN_PASSWORD_CHARS} characters")));
        }
        let decision = self.authz.decide(principal, Action::Administer, &Resource::System);
        let objects = vec![ObjectRef { kind: "user".into(), id: user.to_string() }];
        if !decision.allowed {
            let event = audit_event(AuditKind::AccessDenied, principal, objects, &decision);
            return self.record_denial(event).await;
        }
        let hash = hash_password_blocking(password.to_owned()).await?;
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE user_id = $2")
            .bind(hash)
            .bind(user.as_str().to_owned())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::Refused(format!("there is no user {user}")));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.as_str().to_owned()).execute(&mut *tx).await?;
        audit_log::append(&mut tx, &audit_event(AuditKind::Administer, principal, objects, &decision)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The principal of an enabled user, as stored. `None` for an unknown or disabled user.
    pub async fn principal(&self, user: &UserId) -> Result<Option<Principal>, StoreError> {
        let row = sqlx::query("SELECT roles, units, clearance FROM users WHERE user_id = $1 AND disabled = 0")
            .bind(user.as_str().to_owned())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let roles: String = row.try_get("roles")?;
        let units: String = row.try_get("units")?;
        let clearance: i64 = row.try_get("clearance")?;
        let corrupt = || StoreError::Refused("the stored user is unreadable".into());
        Ok(Some(Principal {
            user: user.clone(),
            roles: serde_json::from_str(&roles).map_err(|_| corrupt())?,
            units: serde_json::from_str(&units).map_err(|_| corrupt())?,
            clearance: Classification::from_level(clearance)
                .ok_or_else(corrupt)?,
            scopes: None,
        }))
    }

    /// Checks a user's password (for sign-in, used by the web layer). Constant work whether or not
    /// the user exists.
    pub async fn check_password(&self, user: &UserId, password: &str) -> Result<bool, StoreError> {
        let stored: Option<String> =
            sqlx::query("SELECT password_hash FROM users WHERE user_id = $1 AND disabled = 0")
                .bind(user.as_str().to_owned())
                .fetch_optional(&self.pool)
                .await?
                .map(|row| row.try_get(0))
                .transpose()?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || {
            let hash = stored.as_deref().unwrap_or(DUMMY_HASH);
            let ok = verify_password(hash, &password);
            ok && stored.is_some()
        })
        .await
        .map_err(|_| StoreError::Refused("password check failed".into()))
    }
}

/// A hash of a random password, checked against when the user does not exist so that timing does
/// not reveal which user ids exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Jb7dA7mLC0rqrqjD1s5XWvEdJ0/L6qP2Q0rY8m9VQ8w";

/// Hashes on a blocking thread: Argon2id takes tens of milliseconds and must not stall the runtime.
pub(crate) async fn hash_password_blocking(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| StoreError::Refused("password hashing failed".into()))?
}

fn hash_password(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| StoreError::Refused("password hashing failed".into()))
}

fn verify_password(hash: &str, password: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|_| StoreError::Refused("cannot encode the user".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_batch_is_a_valid_user_id() {
        let unit = UnitId::parse("legacy-import").unwrap();
        assert_eq!(batch_loader(unit.clone()).user.as_str(), LOCAL_BATCH);
        assert_eq!(batch_loader(unit.clone()).units, vec![unit]);
    }

    #[test]
    fn local_admin_is_a_valid_user_id() {
        assert!(UserId::parse(LOCAL_ADMIN).is_ok());
        assert_eq!(local_administrator().user.as_str(), LOCAL_ADMIN);
    }

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "wrong horse battery"));
        assert!(!verify_password("not a hash", "x"));
        assert!(!verify_password(DUMMY_HASH, "anything"));
    }
}
