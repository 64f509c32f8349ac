//! Custos authorisation: the Cedar schema and policies in `policies/`, the per-request entity slice
//! and a fail-closed decision.
//!
//! Access is role-based, scoped by unit, and restricted further by the security marking: nobody acts
//! on a record above their clearance, and nobody acts on a SENSITIVE record unless its access-control
//! list names them or one of their units (DOMAIN.md §5). The rules themselves live in Cedar, not in
//! Rust: `policies/roles.cedar` (the role matrix) and `policies/guardrails.cedar` (the forbids).
//!
//! ```
//! use custos_authz::{Action, Authorizer, Principal, Resource};
//! use custos_core::{ids::{UnitId, UserId}, marking::{Classification, SecurityMarking}, role::Role};
//!
//! let authz = Authorizer::new()?;
//! let unit = UnitId::parse("CE-BCU")?;
//! let officer = Principal {
//!     user: UserId::parse("MP123456")?,
//!     roles: vec![Role::ResponseOfficer],
//!     units: vec![unit.clone()],
//!     clearance: Classification::Official,
//!     scopes: None,
//! };
//! let marking = SecurityMarking::official(unit);
//! let record = Resource::Record { kind: "person", id: "p-1".into(), marking: &marking };
//! let decision = authz.decide(&officer, Action::Update, &record);
//! assert!(decision.allowed);
//! assert_eq!(decision.policies, ["role.response_officer.write_own_unit"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Invariants: the policies are validated against the schema in strict mode when the
//! [`Authorizer`] is built, and every policy carries a stable `@id` that is used as its Cedar policy
//! id (so the ids in a [`Decision`] are the `@id`s). A Cedar response that carries any error, and any
//! failure to build the request or its entities, is a deny.

mod authorizer;
mod input;

pub use authorizer::{Authorizer, AuthzError, DEFAULT_DENY, Decision, FAIL_CLOSED, TOKEN_SCOPE};
pub use input::{Action, Principal, Resource};

/// The Cedar schema (`policies/custos.cedarschema`), embedded at build time.
pub const SCHEMA_SOURCE: &str = include_str!("../../../policies/custos.cedarschema");

/// The policy files (`policies/*.cedar`) as `(file name, Cedar text)`, embedded at build time.
pub const POLICY_SOURCES: &[(&str, &str)] = &[
    ("roles.cedar", include_str!("../../../policies/roles.cedar")),
    (
        "guardrails.cedar",
        include_str!("../../../policies/guardrails.cedar"),
    ),
];
