//! The forbids: clearance (Government Security Classifications tiers) and need-to-know on
//! SENSITIVE records (the ACL by user or by unit). They override every permit.

use custos_authz::{Action, Resource};
use custos_core::marking::{AclEntry, Classification, SecurityMarking};
use custos_core::role::Role;

use crate::support::{authz, marking, principal, unit, user};

fn record(m: &SecurityMarking) -> Resource<'_> {
    Resource::Record {
        kind: "person",
        id: "p1".into(),
        marking: m,
    }
}

#[test]
fn nobody_acts_above_their_clearance() {
    use Classification::{Official, Secret, TopSecret};
    // (clearance, classification, allowed): the Government Security Classifications tiers in order.
    let table = [
        (Official, Official, true),
        (Official, Secret, false),
        (Official, TopSecret, false),
        (Secret, Official, true),
        (Secret, Secret, true),
        (Secret, TopSecret, false),
        (TopSecret, Official, true),
        (TopSecret, Secret, true),
        (TopSecret, TopSecret, true),
    ];
    for (clearance, classification, want) in table {
        let who = principal("MP1", &[Role::Investigator], &["HOME"], clearance);
        let m = marking("HOME", classification, false, vec![]);
        for action in [Action::Read, Action::Create, Action::Update, Action::Merge] {
            let d = authz().decide(&who, action, &record(&m));
            assert_eq!(
                d.allowed, want,
                "{clearance} {classification} {action}: {d:?}"
            );
            if !want {
                assert_eq!(
                    d.policies,
                    ["guard.clearance"],
                    "{clearance} {classification}"
                );
            }
        }
    }
}

#[test]
fn sensitive_records_need_the_acl() {
    let who = principal(
        "MP1",
        &[Role::Investigator],
        &["HOME"],
        Classification::Official,
    );
    let cases: [(&str, Vec<AclEntry>, bool); 6] = [
        (
            "empty ACL admits nobody, even the owning unit",
            vec![],
            false,
        ),
        ("named user", vec![AclEntry::User(user("MP1"))], true),
        ("another user", vec![AclEntry::User(user("MP2"))], false),
        ("the user's unit", vec![AclEntry::Unit(unit("HOME"))], true),
        ("another unit", vec![AclEntry::Unit(unit("AWAY"))], false),
        (
            "another user and unit",
            vec![AclEntry::User(user("MP2")), AclEntry::Unit(unit("AWAY"))],
            false,
        ),
    ];
    for (case, acl, want) in cases {
        let m = marking("HOME", Classification::Official, true, acl);
        for action in [Action::Read, Action::Update] {
            let d = authz().decide(&who, action, &record(&m));
            assert_eq!(d.allowed, want, "{case} {action}: {d:?}");
            if !want {
                assert_eq!(d.policies, ["guard.need_to_know"], "{case}");
            }
        }
    }
}

#[test]
fn an_acl_does_not_grant_what_the_role_lacks() {
    // On the ACL but out of unit: reading is force-wide, updating is not.
    let who = principal(
        "MP1",
        &[Role::ResponseOfficer],
        &["HOME"],
        Classification::Official,
    );
    let m = marking(
        "AWAY",
        Classification::Official,
        true,
        vec![AclEntry::User(user("MP1"))],
    );
    assert!(authz().decide(&who, Action::Read, &record(&m)).allowed);
    assert!(!authz().decide(&who, Action::Update, &record(&m)).allowed);
    // The ACL does not lift the clearance guard either.
    let secret = marking(
        "HOME",
        Classification::Secret,
        true,
        vec![AclEntry::User(user("MP1"))],
    );
    let d = authz().decide(&who, Action::Read, &record(&secret));
    assert_eq!(d.policies, ["guard.clearance"]);
}

#[test]
fn the_acl_binds_data_office_roles_too() {
    // Subject access and disposal do not bypass need-to-know: the record must name the officer.
    let m = marking(
        "HOME",
        Classification::Official,
        true,
        vec![AclEntry::Unit(unit("DATA-OFFICE"))],
    );
    let iro = principal(
        "DO1",
        &[Role::InformationRightsOfficer],
        &["DATA-OFFICE"],
        Classification::Secret,
    );
    assert!(authz().decide(&iro, Action::Disclose, &record(&m)).allowed);
    let rm = principal(
        "RM1",
        &[Role::RecordsManager],
        &["RECORDS"],
        Classification::Secret,
    );
    let d = authz().decide(&rm, Action::Erase, &record(&m));
    assert!(!d.allowed);
    assert_eq!(d.policies, ["guard.need_to_know"]);
}

#[test]
fn both_guards_are_reported_when_both_apply() {
    let who = principal(
        "MP1",
        &[Role::Investigator],
        &["HOME"],
        Classification::Official,
    );
    let m = marking("HOME", Classification::TopSecret, true, vec![]);
    let d = authz().decide(&who, Action::Read, &record(&m));
    assert!(!d.allowed);
    assert_eq!(d.policies, ["guard.clearance", "guard.need_to_know"]);
    assert!(d.errors.is_empty());
}

#[test]
fn official_sensitive_is_official_plus_need_to_know() {
    // OFFICIAL-SENSITIVE (GSC 2018): clearance OFFICIAL suffices, the ACL decides.
    let who = principal(
        "MP1",
        &[Role::CasePreparer],
        &["CPS-UNIT"],
        Classification::Official,
    );
    let m = marking(
        "HOME",
        Classification::Official,
        true,
        vec![AclEntry::Unit(unit("CPS-UNIT"))],
    );
    assert!(authz().decide(&who, Action::Read, &record(&m)).allowed);
}

#[test]
fn an_api_tokens_scopes_bound_what_the_roles_allow() {
    let mut officer = principal("MP1", &[Role::Investigator], &["NORTH"], Classification::Official);
    let record = marking("NORTH", Classification::Official, false, Vec::new());
    let resource = Resource::Record { kind: "person", id: "p1".into(), marking: &record };
    assert!(authz().decide(&officer, Action::Update, &resource).allowed, "the role allows it");
    officer.scopes = Some(vec![Action::Read]);
    let d = authz().decide(&officer, Action::Update, &resource);
    assert!(!d.allowed);
    assert_eq!(d.policies, [custos_authz::TOKEN_SCOPE]);
    assert!(authz().decide(&officer, Action::Read, &resource).allowed, "in scope and allowed");
    // A scope never adds what the roles do not allow.
    officer.scopes = Some(vec![Action::Erase]);
    assert!(!authz().decide(&officer, Action::Erase, &resource).allowed);
}
