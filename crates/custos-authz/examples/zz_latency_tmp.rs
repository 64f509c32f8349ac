//! temp
#![allow(clippy::unwrap_used, clippy::print_stdout)]
use custos_authz::*;
use custos_core::{ids::*, marking::*, role::Role};
use std::time::Instant;
fn main() {
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
    for (name, action) in [
        ("read", Action::Read),
        ("update", Action::Update),
        ("erase", Action::Erase),
    ] {
        let mut t = Vec::with_capacity(20000);
        for i in 0..20000 {
            let r = Resource::Record {
                kind: "person",
                id: format!("p{i}"),
                marking: &m,
            };
            let s = Instant::now();
            let d = a.decide(&p, action, &r);
            t.push(s.elapsed().as_nanos());
            std::hint::black_box(d);
        }
        t.sort();
        println!(
            "{name}: p50 {} ns  p99 {} ns  max {}",
            t[t.len() / 2],
            t[t.len() * 99 / 100],
            t[t.len() - 1]
        );
    }
}
