//! Shared fixtures: one authoriser for the whole test binary and small builders.

// Fixture helpers take literals; a literal that fails to parse is a bug in the test itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use custos_authz::{Authorizer, Principal};
use custos_core::ids::{UnitId, UserId};
use custos_core::marking::{AclEntry, Classification, SecurityMarking};
use custos_core::role::Role;

/// The embedded policies, loaded once.
pub fn authz() -> &'static Authorizer {
    static AUTHZ: OnceLock<Authorizer> = OnceLock::new();
    AUTHZ.get_or_init(|| Authorizer::new().expect("embedded policies load"))
}

pub fn unit(name: &str) -> UnitId {
    UnitId::parse(name).unwrap()
}

pub fn user(name: &str) -> UserId {
    UserId::parse(name).unwrap()
}

/// A principal with one name, the given roles and units, and the given clearance.
pub fn principal(
    name: &str,
    roles: &[Role],
    units: &[&str],
    clearance: Classification,
) -> Principal {
    Principal {
        user: user(name),
        roles: roles.to_vec(),
        units: units.iter().map(|u| unit(u)).collect(),
        clearance,
        scopes: None,
    }
}

/// A record marking owned by `owner`.
pub fn marking(
    owner: &str,
    classification: Classification,
    sensitive: bool,
    acl: Vec<AclEntry>,
) -> SecurityMarking {
    SecurityMarking {
        classification,
        sensitive,
        owning_unit: unit(owner),
        acl,
    }
}
