//! temp
#![allow(clippy::unwrap_used, clippy::print_stdout)]
use cedar_policy::*;
use std::str::FromStr;
use std::time::Instant;
fn time<T>(name: &str, mut f: impl FnMut() -> T) {
    let mut t = Vec::new();
    let all = Instant::now();
    for _ in 0..50000 {
        let s = Instant::now();
        std::hint::black_box(f());
        t.push(s.elapsed().as_nanos());
    }
    let mean = all.elapsed().as_nanos() / 50000;
    t.sort();
    println!(
        "{name}: mean {mean} p50 {} p99 {}",
        t[t.len() / 2],
        t[t.len() * 99 / 100]
    );
}
fn main() {
    let u = |t: &str, id: &str| {
        EntityUid::from_type_name_and_id(EntityTypeName::from_str(t).unwrap(), EntityId::new(id))
    };
    let user = u("Custos::User", "MP1");
    let r1 = u("Custos::Role", "investigator");
    let r2 = u("Custos::Role", "intelligence_analyst");
    let un1 = u("Custos::Unit", "CE-BCU");
    let un2 = u("Custos::Unit", "MIT-2");
    let rec = u("Custos::Record", "p1");
    let build = |n: usize| {
        let ps: Vec<EntityUid> = [r1.clone(), r2.clone(), un1.clone(), un2.clone()].into_iter().take(n).collect();
        let pe = Entity::new_with_tags(
            user.clone(),
            [
                ("clearance".to_owned(), RestrictedExpression::new_long(1)),
                (
                    "units".to_owned(),
                    RestrictedExpression::new_set([
                        RestrictedExpression::new_entity_uid(un1.clone()),
                        RestrictedExpression::new_entity_uid(un2.clone()),
                    ]),
                ),
            ],
            ps,
            [],
        )
        .unwrap();
        let re = Entity::new_with_tags(
            rec.clone(),
            [
                (
                    "kind".to_owned(),
                    RestrictedExpression::new_string("person".into()),
                ),
                (
                    "classification".to_owned(),
                    RestrictedExpression::new_long(0),
                ),
                ("sensitive".to_owned(), RestrictedExpression::new_bool(true)),
                (
                    "owning_unit".to_owned(),
                    RestrictedExpression::new_entity_uid(un1.clone()),
                ),
                (
                    "acl_users".to_owned(),
                    RestrictedExpression::new_set([RestrictedExpression::new_entity_uid(u(
                        "Custos::User",
                        "MP9",
                    ))]),
                ),
                (
                    "acl_units".to_owned(),
                    RestrictedExpression::new_set([RestrictedExpression::new_entity_uid(
                        un2.clone(),
                    )]),
                ),
            ],
            [],
            [],
        )
        .unwrap();
        vec![
            pe,
            re,
            Entity::new_no_attrs(r1.clone(), Default::default()),
            Entity::new_no_attrs(r2.clone(), Default::default()),
            Entity::new_no_attrs(un1.clone(), Default::default()),
            Entity::new_no_attrs(un2.clone(), Default::default()),
        ]
    };
    for _ in 0..2 {
    time("build", || build(4));
    time("4 parents", || Entities::from_entities(build(4), None).unwrap());
    time("2 parents", || Entities::from_entities(build(2), None).unwrap());
    time("0 parents", || Entities::from_entities(build(0), None).unwrap());
    }
}
