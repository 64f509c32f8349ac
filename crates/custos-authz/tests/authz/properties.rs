//! Properties over random principals (roles, units, clearance) and random records
//! (classification, SENSITIVE, ACL, owning unit): the guard-rails hold whatever the roles, and the
//! whole decision agrees with an independent Rust model of the documented matrix.

use custos_authz::{Action, DEFAULT_DENY, Principal, Resource};
use custos_core::marking::{AclEntry, Classification, SecurityMarking};
use custos_core::role::Role;
use proptest::prelude::*;
use proptest::sample::subsequence;

use crate::support::{authz, unit, user};

const USERS: [&str; 3] = ["MP1", "MP2", "MP3"];
const UNITS: [&str; 4] = ["NORTH", "SOUTH", "DATA-OFFICE", "SB"];

fn classification() -> impl Strategy<Value = Classification> {
    prop::sample::select(Classification::ALL.to_vec())
}

fn principals() -> impl Strategy<Value = Principal> {
    (
        prop::sample::select(USERS.to_vec()),
        subsequence(Role::ALL.to_vec(), 0..=Role::ALL.len()),
        subsequence(UNITS.to_vec(), 0..=UNITS.len()),
        classification(),
    )
        .prop_map(|(name, roles, units, clearance)| Principal {
            user: user(name),
            roles,
            units: units.into_iter().map(unit).collect(),
            clearance,
            scopes: None,
        })
}

fn markings() -> impl Strategy<Value = SecurityMarking> {
    (
        classification(),
        any::<bool>(),
        prop::sample::select(UNITS.to_vec()),
        subsequence(USERS.to_vec(), 0..=USERS.len()),
        subsequence(UNITS.to_vec(), 0..=UNITS.len()),
    )
        .prop_map(
            |(classification, sensitive, owner, acl_users, acl_units)| SecurityMarking {
                classification,
                sensitive,
                owning_unit: unit(owner),
                acl: acl_users
                    .into_iter()
                    .map(|u| AclEntry::User(user(u)))
                    .chain(acl_units.into_iter().map(|u| AclEntry::Unit(unit(u))))
                    .collect(),
            },
        )
}

/// An independent model of `roles.cedar`: may `role` do `action`, given whether the record is in
/// one of the user's units?
fn role_permits(role: Role, action: Action, in_unit: bool) -> bool {
    use Action::*;
    use Role::*;
    match role {
        ResponseOfficer | CustodyOfficer | CasePreparer => match action {
            Search | Read => true,
            Create | Update => in_unit,
            _ => false,
        },
        Investigator => match action {
            Search | Read => true,
            Create | Update | Merge => in_unit,
            _ => false,
        },
        IntelligenceAnalyst => match action {
            Search | Read => true,
            Create | Update | Merge | Disclose => in_unit,
            _ => false,
        },
        InformationRightsOfficer => matches!(action, Search | Read | Export | Disclose),
        RecordsManager => matches!(action, Search | Read | Merge | Erase | Review | ReadArchive),
        DataProtectionOfficer => matches!(action, Search | Read | Export),
        Auditor => action == Audit,
        Administrator => action == Administer,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn guard_rails_hold_for_every_principal_and_record(p in principals(), m in markings()) {
        let record = Resource::Record { kind: "person", id: "p1".into(), marking: &m };
        for action in Action::ALL.into_iter().filter(|a| !a.is_force_wide()) {
            let d = authz().decide(&p, action, &record);
            prop_assert!(d.errors.is_empty(), "{:?}", d);
            if m.classification > p.clearance {
                prop_assert!(!d.allowed, "{action} above clearance: {:?}", d);
                prop_assert!(d.policies.contains(&"guard.clearance".to_owned()));
            }
            if m.sensitive && !m.acl_admits(&p.user, &p.units) {
                prop_assert!(!d.allowed, "{action} on SENSITIVE without the ACL: {:?}", d);
                prop_assert!(d.policies.contains(&"guard.need_to_know".to_owned()));
            }
            let audit_only = p.roles.iter().all(|r| matches!(r, Role::Auditor | Role::Administrator));
            if audit_only {
                prop_assert!(!d.allowed, "auditor/administrator may not {action} records: {:?}", d);
            }
        }
    }

    #[test]
    fn decisions_match_the_model(p in principals(), m in markings()) {
        let in_unit = p.units.contains(&m.owning_unit);
        let cleared = m.classification <= p.clearance;
        let need_to_know = !m.sensitive || m.acl_admits(&p.user, &p.units);
        let record = Resource::Record { kind: "location", id: "l1".into(), marking: &m };
        for action in Action::ALL {
            let (resource, guards_pass, in_unit) = if action.is_force_wide() {
                (&Resource::System, true, true)
            } else {
                (&record, cleared && need_to_know, in_unit)
            };
            let permitted = p.roles.iter().any(|r| role_permits(*r, action, in_unit));
            let d = authz().decide(&p, action, resource);
            prop_assert_eq!(d.allowed, permitted && guards_pass, "{} {:?}", action, d);
            if d.allowed {
                prop_assert!(d.policies.iter().all(|id| id.starts_with("role.")), "{:?}", d);
            } else if guards_pass {
                prop_assert_eq!(d.policies, vec![DEFAULT_DENY.to_owned()]);
            } else {
                prop_assert!(d.policies.iter().all(|id| id.starts_with("guard.")), "{:?}", d);
            }
        }
    }

    #[test]
    fn batch_decisions_equal_one_by_one_decisions(
        p in principals(),
        marks in proptest::collection::vec(markings(), 1..12),
        repeat in proptest::collection::vec(0usize..12, 0..20),
    ) {
        // A batch with repeated markings (as a bulk load has) decides exactly as record by record.
        let mut batch: Vec<&SecurityMarking> = marks.iter().collect();
        batch.extend(repeat.iter().map(|i| &marks[i % marks.len()]));
        let kinds = ["person", "event"];
        for action in [Action::Create, Action::Read, Action::Update] {
            let together = authz().decide_records(
                &p,
                action,
                batch.iter().enumerate().map(|(i, m)| (kinds[i % 2], format!("r{i}"), *m)),
            );
            for (i, m) in batch.iter().enumerate() {
                let alone = authz().decide(&p, action, &Resource::Record { kind: kinds[i % 2], id: format!("r{i}"), marking: m });
                prop_assert_eq!(&together[i], &alone);
            }
        }
    }
}
