//! Fail closed: an evaluation error, or a request that does not fit the schema, denies, even when a
//! permit applies. (Cedar skips an erroring policy, so an erroring forbid alone would not deny.)

use custos_authz::{Action, Authorizer, FAIL_CLOSED, Resource, SCHEMA_SOURCE};
use custos_core::marking::Classification;
use custos_core::role::Role;

use crate::support::{authz, marking, principal};

/// Permits everything; the forbid overflows (a Cedar evaluation error) for classification 2 and
/// is false for 0 and 1, so the same set allows without an error and must deny with one.
const ERRORING: &str = r#"
@id("test.permit_all")
permit (principal, action, resource);

@id("test.erroring_forbid")
forbid (principal, action, resource is Custos::Record)
when { resource.classification * 9223372036854775807 < 0 };
"#;

#[test]
fn an_erroring_forbid_denies() {
    let authz = Authorizer::from_sources(SCHEMA_SOURCE, &[("erroring.cedar", ERRORING)]).unwrap();
    let who = principal("MP1", &[], &[], Classification::TopSecret);
    for (classification, want) in [
        (Classification::Official, true),
        (Classification::Secret, true),
        (Classification::TopSecret, false),
    ] {
        let m = marking("HOME", classification, false, vec![]);
        let record = Resource::Record {
            kind: "person",
            id: "p1".into(),
            marking: &m,
        };
        let d = authz.decide(&who, Action::Read, &record);
        assert_eq!(d.allowed, want, "{classification}: {d:?}");
        if want {
            assert_eq!(d.policies, ["test.permit_all"]);
            assert!(d.errors.is_empty());
        } else {
            assert_eq!(d.policies, [FAIL_CLOSED]);
            assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
            assert!(
                d.errors[0].contains("test.erroring_forbid"),
                "{:?}",
                d.errors
            );
        }
    }
}

#[test]
fn a_request_outside_the_schema_denies() {
    // `search` is force-wide and `read` is per record: swapping the resource is not a valid request.
    let who = principal(
        "MP1",
        &[Role::Investigator],
        &["HOME"],
        Classification::TopSecret,
    );
    let m = marking("HOME", Classification::Official, false, vec![]);
    let record = Resource::Record {
        kind: "person",
        id: "p1".into(),
        marking: &m,
    };
    for (action, resource) in [
        (Action::Search, &record),
        (Action::Audit, &record),
        (Action::Read, &Resource::System),
        (Action::Update, &Resource::System),
    ] {
        let d = authz().decide(&who, action, resource);
        assert!(!d.allowed, "{action}");
        assert_eq!(d.policies, [FAIL_CLOSED], "{action}");
        assert!(d.errors[0].starts_with("invalid request"), "{:?}", d.errors);
    }
}

#[test]
fn the_embedded_policies_produce_no_errors_on_valid_requests() {
    // The guard-rails are written without `has`: on well-formed input nothing errors, so a
    // FAIL_CLOSED from the real policies always signals a real fault.
    let who = principal("MP1", &Role::ALL, &["HOME"], Classification::Secret);
    let m = marking("AWAY", Classification::TopSecret, true, vec![]);
    for action in Action::ALL {
        let resource = if action.is_force_wide() {
            Resource::System
        } else {
            Resource::Record {
                kind: "intelligence",
                id: "i1".into(),
                marking: &m,
            }
        };
        let d = authz().decide(&who, action, &resource);
        assert!(d.errors.is_empty(), "{action}: {:?}", d.errors);
    }
}
