//! The role matrix, each role × each action × (in-unit record, out-of-unit record, the force),
//! through one `check` helper; and a check that the table documented in `roles.cedar` says the same.

use custos_authz::{Action, DEFAULT_DENY, POLICY_SOURCES, Resource};
use custos_core::marking::Classification;
use custos_core::role::Role;

use crate::support::{authz, marking, principal};

/// How far a role's permission for one action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    /// Not at all.
    No,
    /// Records owned by one of the user's units.
    Unit,
    /// Every record in the force (or, for a force-wide action, the force itself).
    Force,
}
use Grant::{Force as F, No as N, Unit as U};

/// Column order of [`MATRIX`], the same as the table in `policies/roles.cedar`.
const COLUMNS: [Action; 12] = [
    Action::Search,
    Action::Read,
    Action::Create,
    Action::Update,
    Action::Merge,
    Action::Export,
    Action::Disclose,
    Action::Erase,
    Action::Review,
    Action::ReadArchive,
    Action::Administer,
    Action::Audit,
];

/// The expected matrix (written independently of the policy file).
#[rustfmt::skip]
const MATRIX: [(Role, [Grant; 12]); 10] = [
    //                               search read create update merge export disclose erase review archive admin audit
    (Role::ResponseOfficer,          [F,  F,  U,  U,  N,  N,  N,  N,  N,  N,  N,  N]),
    (Role::CustodyOfficer,           [F,  F,  U,  U,  N,  N,  N,  N,  N,  N,  N,  N]),
    (Role::Investigator,             [F,  F,  U,  U,  U,  N,  N,  N,  N,  N,  N,  N]),
    (Role::IntelligenceAnalyst,      [F,  F,  U,  U,  U,  N,  U,  N,  N,  N,  N,  N]),
    (Role::CasePreparer,             [F,  F,  U,  U,  N,  N,  N,  N,  N,  N,  N,  N]),
    (Role::InformationRightsOfficer, [F,  F,  N,  N,  N,  F,  F,  N,  N,  N,  N,  N]),
    (Role::RecordsManager,           [F,  F,  N,  N,  F,  N,  N,  F,  F,  F,  N,  N]),
    (Role::DataProtectionOfficer,    [F,  F,  N,  N,  N,  F,  N,  N,  N,  N,  N,  N]),
    (Role::Auditor,                  [N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  F]),
    (Role::Administrator,            [N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  F,  N]),
];

/// Where the action is aimed.
#[derive(Debug, Clone, Copy)]
enum Target {
    InUnit,
    OutOfUnit,
    Force,
}

/// Decides one request for a TOP SECRET-cleared user of unit `HOME` holding only `role`, on an
/// OFFICIAL, non-sensitive record (so only the role permits matter), and compares with `expect`.
/// Returns a description of the mismatch, if any.
fn check(role: Role, action: Action, target: Target, expect: bool) -> Option<String> {
    let who = principal("MP1", &[role], &["HOME"], Classification::TopSecret);
    let owner = if matches!(target, Target::OutOfUnit) {
        "AWAY"
    } else {
        "HOME"
    };
    let m = marking(owner, Classification::Official, false, vec![]);
    let resource = match target {
        Target::Force => Resource::System,
        _ => Resource::Record {
            kind: "person",
            id: "r1".into(),
            marking: &m,
        },
    };
    let d = authz().decide(&who, action, &resource);
    if d.allowed != expect || !d.errors.is_empty() {
        return Some(format!(
            "{role} {action} {target:?}: expected {expect}, got {d:?}"
        ));
    }
    let prefix = format!("role.{role}.");
    let reasons_ok = if expect {
        d.policies.iter().all(|p| p.starts_with(&prefix)) && !d.policies.is_empty()
    } else {
        d.policies == [DEFAULT_DENY]
    };
    (!reasons_ok).then(|| {
        format!(
            "{role} {action} {target:?}: unexpected reasons {:?}",
            d.policies
        )
    })
}

#[test]
fn every_role_every_action_in_and_out_of_unit() {
    let mut failures = Vec::new();
    for (role, grants) in MATRIX {
        for (action, grant) in COLUMNS.into_iter().zip(grants) {
            let cases: &[(Target, bool)] = if action.is_force_wide() {
                &[(Target::Force, grant == F)]
            } else {
                &[
                    (Target::InUnit, grant != N),
                    (Target::OutOfUnit, grant == F),
                ]
            };
            failures.extend(
                cases
                    .iter()
                    .filter_map(|&(t, want)| check(role, action, t, want)),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn matrix_covers_every_role_once() {
    let roles: Vec<Role> = MATRIX.iter().map(|(r, _)| *r).collect();
    assert_eq!(roles, Role::ALL);
    let mut actions = COLUMNS.to_vec();
    actions.sort();
    assert_eq!(actions, Action::ALL);
}

#[test]
fn documented_table_in_roles_cedar_matches_the_matrix() {
    let (_, text) = POLICY_SOURCES
        .iter()
        .find(|(f, _)| *f == "roles.cedar")
        .unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter_map(|l| l.strip_prefix("// |"))
        .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>())
        .map(|mut cells| {
            cells.pop(); // the empty cell after the closing '|'
            cells
        })
        .collect();
    let header = &rows[0];
    let want_header: Vec<&str> = std::iter::once("role")
        .chain(COLUMNS.map(Action::as_str))
        .collect();
    assert_eq!(header, &want_header);
    let body: Vec<&Vec<&str>> = rows
        .iter()
        .skip(1)
        .filter(|r| !r[0].starts_with('-'))
        .collect();
    assert_eq!(body.len(), MATRIX.len());
    for (row, (role, grants)) in body.into_iter().zip(MATRIX) {
        assert_eq!(row[0], role.as_str());
        let documented: Vec<Grant> = row[1..]
            .iter()
            .map(|cell| match *cell {
                "" => N,
                "unit" => U,
                "force" | "yes" => F,
                other => panic!("unknown cell {other:?} in row {role}"),
            })
            .collect();
        assert_eq!(documented, grants, "row {role}");
    }
}

#[test]
fn roles_combine_as_a_union() {
    let who = principal(
        "MP2",
        &[Role::Auditor, Role::Investigator],
        &["HOME"],
        Classification::Official,
    );
    let m = marking("HOME", Classification::Official, false, vec![]);
    let record = Resource::Record {
        kind: "person",
        id: "r1".into(),
        marking: &m,
    };
    assert!(
        authz()
            .decide(&who, Action::Audit, &Resource::System)
            .allowed
    );
    let d = authz().decide(&who, Action::Merge, &record);
    assert!(d.allowed);
    assert_eq!(d.policies, ["role.investigator.merge_own_unit"]);
    assert!(
        !authz()
            .decide(&who, Action::Administer, &Resource::System)
            .allowed
    );
}

#[test]
fn a_user_with_no_roles_or_units_is_denied_everything() {
    let who = principal("MP3", &[], &[], Classification::TopSecret);
    let m = marking("HOME", Classification::Official, false, vec![]);
    for action in Action::ALL {
        let resource = if action.is_force_wide() {
            Resource::System
        } else {
            Resource::Record {
                kind: "event",
                id: "e1".into(),
                marking: &m,
            }
        };
        let d = authz().decide(&who, action, &resource);
        assert!(!d.allowed, "{action}");
        assert_eq!(d.policies, [DEFAULT_DENY], "{action}");
    }
}

#[test]
fn unit_scoping_uses_any_of_the_users_units() {
    let who = principal(
        "MP4",
        &[Role::CustodyOfficer],
        &["NORTH", "SOUTH"],
        Classification::Official,
    );
    for (owner, want) in [("NORTH", true), ("SOUTH", true), ("EAST", false)] {
        let m = marking(owner, Classification::Official, false, vec![]);
        let record = Resource::Record {
            kind: "custody",
            id: "c1".into(),
            marking: &m,
        };
        assert_eq!(
            authz().decide(&who, Action::Update, &record).allowed,
            want,
            "{owner}"
        );
    }
}
