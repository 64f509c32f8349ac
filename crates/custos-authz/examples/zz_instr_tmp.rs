//! temp
#![allow(clippy::unwrap_used, clippy::print_stdout)]
use custos_authz::*;
use custos_core::{ids::*, marking::*, role::Role};
fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let n: usize = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(0);
    let a = Authorizer::new().unwrap();
    let p = Principal {
        user: UserId::parse("MP123456").unwrap(),
        roles: vec![Role::Investigator, Role::IntelligenceAnalyst],
        units: vec![
            UnitId::parse("CE-BCU").unwrap(),
            UnitId::parse("MIT-2").unwrap(),
        ],
        clearance: Classification::Secret,
    };
    let m = SecurityMarking {
        classification: Classification::Official,
        sensitive: true,
        owning_unit: UnitId::parse("CE-BCU").unwrap(),
        acl: vec![
            AclEntry::Unit(UnitId::parse("MIT-2").unwrap()),
            AclEntry::User(UserId::parse("MP9").unwrap()),
        ],
    };
    let action = match which.as_str() {
        "read" => Action::Read,
        "update" => Action::Update,
        _ => Action::Erase,
    };
    let r = Resource::Record {
        kind: "person",
        id: "p-123".into(),
        marking: &m,
    };
    for _ in 0..n {
        std::hint::black_box(a.decide(&p, action, &r));
    }
}
