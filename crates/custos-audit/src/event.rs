//! The typed audit event that each log leaf records.
//!
//! An event holds who did what to which objects, when, why, and what the
//! policy engine decided: pseudonymous references and commitments only.
//! Personal payloads (search terms, free text) live in an erasable table and
//! enter the event only as [`commit_payload`], so erasing a payload never
//! breaks a proof.

mod json;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::merkle::Hash;

/// What kind of action was audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// A record was created.
    Create,
    /// A record was viewed.
    Read,
    /// A search was run.
    Search,
    /// A record was changed.
    Update,
    /// A record was submitted for review.
    Submit,
    /// A record was corrected after review.
    Correct,
    /// Two records were merged.
    Merge,
    /// A merge was undone.
    Unmerge,
    /// Data was exported.
    Export,
    /// Data was disclosed to a third party.
    Disclose,
    /// Personal data was erased.
    Erase,
    /// A user signed in.
    SignIn,
    /// A sign-in attempt failed.
    SignInFailed,
    /// A user signed out.
    SignOut,
    /// A request was refused by policy.
    AccessDenied,
    /// An administrative change (users, roles, policies, keys).
    Administer,
}

impl AuditKind {
    /// Every kind, in declaration order.
    pub const ALL: [AuditKind; 16] = [
        Self::Create,
        Self::Read,
        Self::Search,
        Self::Update,
        Self::Submit,
        Self::Correct,
        Self::Merge,
        Self::Unmerge,
        Self::Export,
        Self::Disclose,
        Self::Erase,
        Self::SignIn,
        Self::SignInFailed,
        Self::SignOut,
        Self::AccessDenied,
        Self::Administer,
    ];

    /// The snake_case name used in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Read => "read",
            Self::Search => "search",
            Self::Update => "update",
            Self::Submit => "submit",
            Self::Correct => "correct",
            Self::Merge => "merge",
            Self::Unmerge => "unmerge",
            Self::Export => "export",
            Self::Disclose => "disclose",
            Self::Erase => "erase",
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignOut => "sign_out",
            Self::AccessDenied => "access_denied",
            Self::Administer => "administer",
        }
    }
}

/// The policy decision recorded with the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The action was permitted.
    Allow,
    /// The action was refused.
    Deny,
}

impl Decision {
    /// The snake_case name used in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Deny => "deny",
        }
    }
}

/// A pseudonymous reference to an object touched by the action.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectRef {
    /// The object's type, e.g. `"nominal"`.
    pub kind: String,
    /// The object's opaque id.
    pub id: String,
}

/// One audited action. Field order is the canonical JSON order in a leaf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    /// What was done.
    pub kind: AuditKind,
    /// Who did it (a user id, never a name).
    pub actor: String,
    /// When, in UTC.
    pub at: jiff::Timestamp,
    /// What it was done to.
    pub objects: Vec<ObjectRef>,
    /// The stated reason (DPA 2018 s.62), if one was required.
    pub justification: Option<String>,
    /// Whether policy allowed it.
    pub decision: Decision,
    /// The ids of the policies that determined the decision.
    pub policies: Vec<String>,
    /// Commitment to an erasable payload ([`commit_payload`]), lower-case hex.
    #[serde(with = "hex_hash")]
    pub payload: Option<Hash>,
}

/// Domain separator for payload commitments.
const PAYLOAD_DOMAIN: &[u8] = b"custos-audit-payload\0";

/// `SHA-256("custos-audit-payload\0" || salt || payload)`.
///
/// The random salt stops anyone who can read the log from confirming a
/// guessed payload; it is stored (and erased) with the payload.
#[must_use]
pub fn commit_payload(salt: &[u8; 16], payload: &[u8]) -> Hash {
    Sha256::new()
        .chain_update(PAYLOAD_DOMAIN)
        .chain_update(salt)
        .chain_update(payload)
        .finalize()
        .into()
}

/// Serde for `Option<Hash>` as lower-case hex (or `null`).
mod hex_hash {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use crate::merkle::Hash;

    // serde's `with` passes `&Option<Hash>`.
    #[expect(clippy::ref_option, reason = "signature fixed by serde(with)")]
    pub fn serialize<S: Serializer>(value: &Option<Hash>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(hash) => s.serialize_str(&hex::encode(hash)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Hash>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        let mut hash = [0u8; 32];
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(D::Error::custom("payload must be lower-case hex"));
        }
        hex::decode_to_slice(&text, &mut hash)
            .map_err(|e| D::Error::custom(format!("payload must be 64 hex digits: {e}")))?;
        Ok(Some(hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> AuditEvent {
        AuditEvent {
            kind: AuditKind::SignInFailed,
            actor: "user:42".into(),
            at: "2025-03-01T09:30:00Z".parse().unwrap(),
            objects: vec![ObjectRef {
                kind: "nominal".into(),
                id: "N1".into(),
            }],
            justification: Some("case 7".into()),
            decision: Decision::Deny,
            policies: vec!["p1".into()],
            payload: Some([0xab; 32]),
        }
    }

    #[test]
    fn json_is_snake_case_in_field_order_with_hex_payload() {
        let json = serde_json::to_string(&event()).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"kind":"sign_in_failed","actor":"user:42","at":"2025-03-01T09:30:00Z","objects":[{{"kind":"nominal","id":"N1"}}],"justification":"case 7","decision":"deny","policies":["p1"],"payload":"{}"}}"#,
                "ab".repeat(32)
            )
        );
        assert_eq!(serde_json::from_str::<AuditEvent>(&json).unwrap(), event());
    }

    #[test]
    fn bad_payload_and_unknown_fields_are_rejected() {
        let json = serde_json::to_string(&event()).unwrap();
        for bad in [
            json.replace(&"ab".repeat(32), &"AB".repeat(32)),
            json.replace(&"ab".repeat(32), "abcd"),
            json.replace(
                r#""kind":"sign_in_failed""#,
                r#""kind":"sign_in_failed","extra":1"#,
            ),
            json.replace("sign_in_failed", "SignInFailed"),
        ] {
            assert!(serde_json::from_str::<AuditEvent>(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn payload_commitment_binds_salt_and_payload() {
        let c = commit_payload(&[1; 16], b"smith");
        let mut pre = b"custos-audit-payload\0".to_vec();
        pre.extend_from_slice(&[1; 16]);
        pre.extend_from_slice(b"smith");
        assert_eq!(c, <[u8; 32]>::from(Sha256::digest(&pre)));
        assert_ne!(c, commit_payload(&[2; 16], b"smith"));
        assert_ne!(c, commit_payload(&[1; 16], b"smyth"));
    }
}
