//! Sign-in, sessions and API tokens.
//!
//! Tokens are 256-bit random strings shown to the client once; only their SHA-256 hashes are
//! stored, so a copy of the database holds no usable credential. Every sign-in attempt, success or
//! failure, is audited; the throttling rules are `custos_core::sign_in`.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Decision, Principal};
use custos_core::ids::UserId;
use custos_core::sign_in::{ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, wait_after};
use rand::RngExt;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use crate::clock::now_micros;
use crate::error::StoreError;
use crate::users::MIN_PASSWORD_CHARS;
use crate::{Store, audit_event, audit_log};

/// How long a device cookie makes a browser "known" for its user.
pub const DEVICE_LIFETIME: Duration = Duration::from_secs(180 * 24 * 60 * 60);
/// Session `last_seen` is written at most this often, so that reads do not all become writes.
const TOUCH_EVERY: Duration = Duration::from_secs(60);
/// The reason id recorded on sign-in audit events (they are not policy decisions).
const SIGN_IN_RULE: &str = "custos.sign_in";

/// A secret token; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    fn generate(prefix: &str) -> Self {
        let bytes: [u8; 32] = rand::rng().random();
        Self(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// The token, to hand to the client once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A pseudonymous reference to a session for the audit log (a prefix of its token's hash).
fn session_ref(token_hash: &[u8]) -> ObjectRef {
    ObjectRef {
        kind: "session".into(),
        id: token_hash.iter().take(8).map(|b| format!("{b:02x}")).collect(),
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// The result of a successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub principal: Principal,
    /// The session token (for the session cookie).
    pub session: Secret,
    /// The anti-CSRF token bound to the session.
    pub csrf: String,
    /// The device token (for the device cookie): the one presented, or a new one.
    pub device: Secret,
}

/// A live session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub principal: Principal,
    pub csrf: String,
}

impl Store {
    /// Signs in with a claimed user id and password. `device` is the device cookie, if the browser
    /// sent one. Wrong user ids and wrong passwords fail the same way (`SignInFailed`); a throttled
    /// scope fails with `Throttled` before the password is even checked. Every attempt is audited.
    pub async fn sign_in(&self, claimed: &str, password: &str, device: Option<&str>) -> Result<SignedIn, StoreError> {
        let now = now_micros();
        let user = UserId::parse(claimed).ok();
        // The audit actor is the claimed id when it is a well-formed one; anything else is
        // recorded as "unknown" (free text typed into a login box is not logged).
        let actor = Principal {
            user: user.clone().unwrap_or_else(unknown_user),
            roles: Vec::new(),
            units: Vec::new(),
            clearance: custos_core::marking::Classification::Official,
            scopes: None,
        };
        // Read the throttle first, outside any transaction: the password check takes tens of
        // milliseconds and must not hold the write lock.
        let device_hash = device.map(hash);
        let trusted = match (&user, &device_hash) {
            (Some(user), Some(h)) => sqlx::query(
                "SELECT locked_until FROM trusted_devices WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3",
            )
            .bind(h.clone())
            .bind(user.as_str().to_owned())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| row.try_get::<i64, _>(0))
            .transpose()?,
            _ => None,
        };
        let locked_until = match trusted {
            Some(until) => until,
            None => sqlx::query("SELECT locked_until FROM sign_in_throttle WHERE user_id = $1")
                .bind(claimed_key(claimed))
                .fetch_optional(&self.pool)
                .await?
                .map(|row| row.try_get::<i64, _>(0))
                .transpose()?
                .unwrap_or(0),
        };
        if locked_until > now {
            let mut tx = self.begin_write().await?;
            let event = failure_event(&actor, "throttled");
            audit_log::append(&mut tx, &event).await?;
            tx.commit().await?;
            let wait = u64::try_from(locked_until - now).unwrap_or(0);
            return Err(StoreError::Throttled { retry_after: Duration::from_micros(wait).as_secs().max(1) });
        }
        let ok = match &user {
            Some(user) => self.check_password(user, password).await?,
            None => {
                // Spend the same effort as for a real user.
                let _ = self.check_password(&unknown_user(), password).await?;
                false
            }
        };
        let mut tx = self.begin_write().await?;
        if !ok {
            record_failure(&mut tx, claimed, trusted.is_some().then_some(device_hash.as_deref()).flatten(), now).await?;
            audit_log::append(&mut tx, &failure_event(&actor, "bad_credentials")).await?;
            tx.commit().await?;
            return Err(StoreError::SignInFailed);
        }
        let Some(user) = user else { return Err(StoreError::SignInFailed) };
        let principal = self.principal(&user).await?.ok_or(StoreError::SignInFailed)?;
        // Success: clear this scope's counter, make a new session (a new token at every sign-in)
        // and make sure the browser holds a device token.
        match (trusted.is_some(), &device_hash) {
            (true, Some(h)) => {
                sqlx::query("UPDATE trusted_devices SET failures = 0, locked_until = 0 WHERE token_hash = $1")
                    .bind(h.clone())
                    .execute(&mut *tx)
                    .await?;
            }
            _ => {
                sqlx::query("DELETE FROM sign_in_throttle WHERE user_id = $1")
                    .bind(claimed_key(claimed))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let device = match (trusted.is_some(), device) {
            (true, Some(token)) => Secret(token.to_owned()),
            _ => {
                let token = Secret::generate("dev_");
                sqlx::query(
                    "INSERT INTO trusted_devices (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(hash(token.expose()))
                .bind(user.as_str().to_owned())
                .bind(now)
                .bind(now + micros(DEVICE_LIFETIME))
                .execute(&mut *tx)
                .await?;
                token
            }
        };
        let session = Secret::generate("ses_");
        let session_hash = hash(session.expose());
        let csrf = Secret::generate("").0;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, ends_at) VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(session_hash.clone())
        .bind(user.as_str().to_owned())
        .bind(csrf.clone())
        .bind(now)
        .bind(now + micros(ABSOLUTE_TIMEOUT))
        .execute(&mut *tx)
        .await?;
        let event = audit_event(AuditKind::SignIn, &principal, vec![session_ref(&session_hash)], &rule(true));
        audit_log::append(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(SignedIn {
            principal,
            session,
            csrf,
            device,
        })
    }

    /// The live session of a token: `None` for an unknown, expired (idle or absolute) or revoked
    /// session, or a disabled user. Expired sessions are deleted when found.
    pub async fn session(&self, token: &str) -> Result<Option<SessionInfo>, StoreError> {
        let now = now_micros();
        let token_hash = hash(token);
        let row = sqlx::query(
            "SELECT s.user_id, s.csrf, s.last_seen, s.ends_at FROM sessions s \
             JOIN users u ON u.user_id = s.user_id AND u.disabled = 0 WHERE s.token_hash = $1",
        )
        .bind(token_hash.clone())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let last_seen: i64 = row.try_get("last_seen")?;
        let ends_at: i64 = row.try_get("ends_at")?;
        if now >= ends_at || now - last_seen > micros(IDLE_TIMEOUT) {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
            return Ok(None);
        }
        if now - last_seen > micros(TOUCH_EVERY) {
            sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(token_hash)
                .execute(&self.pool)
                .await?;
        }
        let user: String = row.try_get("user_id")?;
        let user = UserId::parse(&user).map_err(|_| StoreError::Refused("the stored session is unreadable".into()))?;
        let Some(principal) = self.principal(&user).await? else { return Ok(None) };
        Ok(Some(SessionInfo {
            principal,
            csrf: row.try_get("csrf")?,
        }))
    }

    /// Ends one session (audited). Unknown tokens are ignored.
    pub async fn sign_out(&self, token: &str) -> Result<(), StoreError> {
        let token_hash = hash(token);
        let Some(info) = self.session(token).await? else { return Ok(()) };
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash.clone()).execute(&mut *tx).await?;
        let event = audit_event(AuditKind::SignOut, &info.principal, vec![session_ref(&token_hash)], &rule(true));
        audit_log::append(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session of the principal (audited); returns how many there were.
    pub async fn sign_out_everywhere(&self, principal: &Principal) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(principal.user.as_str().to_owned())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let objects = vec![ObjectRef { kind: "sessions".into(), id: principal.user.to_string() }];
        audit_log::append(&mut tx, &audit_event(AuditKind::SignOut, principal, objects, &rule(true))).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Changes the principal's own password after re-authenticating with the current one, and
    /// ends every other session (audited).
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError> {
        if new.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::Refused(format!("the new password must be at least {MIN_PASSWORD_CHARS} characters")));
        }
        if !self.check_password(&principal.user, current).await? {
            let mut tx = self.begin_write().await?;
            audit_log::append(&mut tx, &failure_event(principal, "password_change_bad_current")).await?;
            tx.commit().await?;
            return Err(StoreError::SignInFailed);
        }
        let new_hash = crate::users::hash_password_blocking(new.to_owned()).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE user_id = $2")
            .bind(new_hash)
            .bind(principal.user.as_str().to_owned())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(principal.user.as_str().to_owned())
            .bind(keep_session.map(hash).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        let objects = vec![ObjectRef { kind: "user".into(), id: principal.user.to_string() }];
        audit_log::append(&mut tx, &audit_event(AuditKind::Administer, principal, objects, &rule(true))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Issues an API token for machine clients, limited to `scopes` and expiring after `lifetime`.
    /// The token is returned once; only its hash is kept. Audited.
    pub async fn issue_api_token(
        &self,
        principal: &Principal,
        name: &str,
        scopes: &[Action],
        lifetime: Duration,
    ) -> Result<Secret, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(StoreError::Refused("a token needs a name of 1–100 characters".into()));
        }
        if scopes.is_empty() {
            return Err(StoreError::Refused("a token needs at least one scope".into()));
        }
        if lifetime.is_zero() || lifetime > Duration::from_secs(366 * 24 * 60 * 60) {
            return Err(StoreError::Refused("a token lives between a moment and a year".into()));
        }
        let now = now_micros();
        let token = Secret::generate("cst_");
        let scopes: Vec<&str> = scopes.iter().map(|a| a.as_str()).collect();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (token_hash, user_id, name, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(hash(token.expose()))
        .bind(principal.user.as_str().to_owned())
        .bind(name.to_owned())
        .bind(serde_json::to_string(&scopes).map_err(|_| StoreError::Refused("bad scopes".into()))?)
        .bind(now)
        .bind(now + micros(lifetime))
        .execute(&mut *tx)
        .await?;
        let objects = vec![ObjectRef { kind: "api_token".into(), id: name.to_owned() }];
        audit_log::append(&mut tx, &audit_event(AuditKind::Administer, principal, objects, &rule(true))).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The principal behind an API token, limited to the token's scopes (the policy engine denies
    /// any other action): `None` when unknown, expired or revoked.
    pub async fn api_caller(&self, token: &str) -> Result<Option<Principal>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, scopes FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(hash(token))
        .bind(now_micros())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user: String = row.try_get("user_id")?;
        let scopes: String = row.try_get("scopes")?;
        let corrupt = || StoreError::Refused("the stored token is unreadable".into());
        let user = UserId::parse(&user).map_err(|_| corrupt())?;
        let names: Vec<String> = serde_json::from_str(&scopes).map_err(|_| corrupt())?;
        let scopes = names
            .iter()
            .map(|n| Action::ALL.into_iter().find(|a| a.as_str() == n).ok_or_else(corrupt))
            .collect::<Result<Vec<_>, _>>()?;
        let Some(mut principal) = self.principal(&user).await? else { return Ok(None) };
        principal.scopes = Some(scopes);
        Ok(Some(principal))
    }

    /// Revokes the principal's API token of that name (audited); returns whether one was revoked.
    pub async fn revoke_api_token(&self, principal: &Principal, name: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let revoked = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND name = $3 AND revoked_at IS NULL")
            .bind(now_micros())
            .bind(principal.user.as_str().to_owned())
            .bind(name.to_owned())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let objects = vec![ObjectRef { kind: "api_token".into(), id: name.to_owned() }];
        audit_log::append(&mut tx, &audit_event(AuditKind::Administer, principal, objects, &rule(true))).await?;
        tx.commit().await?;
        Ok(revoked > 0)
    }
}

/// Counts a failure against the device (when the browser is a trusted one) or against the
/// claimed id's unknown-device counter, and sets the wait before the next attempt.
async fn record_failure(conn: &mut AnyConnection, claimed: &str, device_hash: Option<&[u8]>, now: i64) -> Result<(), StoreError> {
    // Count atomically (two failures at once both count), then set the wait from the new count.
    let failures: i64 = match device_hash {
        Some(h) => sqlx::query("UPDATE trusted_devices SET failures = failures + 1 WHERE token_hash = $1 RETURNING failures")
            .bind(h.to_vec())
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?,
        None => sqlx::query(
            "INSERT INTO sign_in_throttle (user_id, failures, locked_until) VALUES ($1, 1, 0) \
             ON CONFLICT (user_id) DO UPDATE SET failures = sign_in_throttle.failures + 1 RETURNING failures",
        )
        .bind(claimed_key(claimed))
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?,
    };
    let until = now + micros(wait_after(u32::try_from(failures).unwrap_or(u32::MAX)));
    let sql = match device_hash {
        Some(_) => "UPDATE trusted_devices SET locked_until = $1 WHERE token_hash = $2",
        None => "UPDATE sign_in_throttle SET locked_until = $1 WHERE user_id = $2",
    };
    let key = match device_hash {
        Some(h) => sqlx::query(sql).bind(until).bind(h.to_vec()),
        None => sqlx::query(sql).bind(until).bind(claimed_key(claimed)),
    };
    key.execute(&mut *conn).await?;
    Ok(())
}

/// The throttle key of a claimed id: normalised, bounded (a login box accepts anything).
fn claimed_key(claimed: &str) -> String {
    claimed.trim().to_ascii_uppercase().chars().take(64).collect()
}

#[allow(clippy::expect_used, reason = "a valid literal")]
fn unknown_user() -> UserId {
    UserId::parse("unknown").expect("a valid user id")
}

fn rule(allowed: bool) -> Decision {
    Decision {
        allowed,
        policies: vec![SIGN_IN_RULE.to_owned()],
        errors: Vec::new(),
    }
}

fn failure_event(actor: &Principal, why: &str) -> custos_audit::AuditEvent {
    let objects = vec![ObjectRef { kind: "sign_in".into(), id: why.to_owned() }];
    audit_event(AuditKind::SignInFailed, actor, objects, &rule(false))
}
