//! temp
#![allow(clippy::unwrap_used, clippy::print_stdout)]
use cedar_policy::*;
use std::str::FromStr;
use std::time::Instant;
fn time<T>(name: &str, mut f: impl FnMut() -> T) {
    let mut t = Vec::new();
    for _ in 0..5000 {
        let s = Instant::now();
        std::hint::black_box(f());
        t.push(s.elapsed().as_nanos());
    }
    t.sort();
    println!(
        "{name}: p50 {} p99 {}",
        t[t.len() / 2],
        t[t.len() * 99 / 100]
    );
}
fn main() {
    let (schema, _) = Schema::from_cedarschema_str(custos_authz::SCHEMA_SOURCE).unwrap();
    let mut ps = String::new();
    for (_, t) in custos_authz::POLICY_SOURCES {
        ps.push_str(t);
    }
    let pset = PolicySet::from_str(&ps).unwrap();
    let u = |t: &str, id: &str| {
        EntityUid::from_type_name_and_id(EntityTypeName::from_str(t).unwrap(), EntityId::new(id))
    };
    let user = u("Custos::User", "MP1");
    let r1 = u("Custos::Role", "investigator");
    let r2 = u("Custos::Role", "intelligence_analyst");
    let un1 = u("Custos::Unit", "CE-BCU");
    let un2 = u("Custos::Unit", "MIT-2");
    let rec = u("Custos::Record", "p1");
    let act = u("Custos::Action", "update");
    let build = || {
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
            [r1.clone(), r2.clone(), un1.clone(), un2.clone()],
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
    time("entity build", || build());
    time("entities no schema", || {
        Entities::from_entities(build(), None).unwrap()
    });
    time("entities schema", || {
        Entities::from_entities(build(), Some(&schema)).unwrap()
    });
    time("request schema", || {
        Request::new(
            user.clone(),
            act.clone(),
            rec.clone(),
            Context::empty(),
            Some(&schema),
        )
        .unwrap()
    });
    time("request none", || {
        Request::new(
            user.clone(),
            act.clone(),
            rec.clone(),
            Context::empty(),
            None,
        )
        .unwrap()
    });
    let ents = Entities::from_entities(build(), None).unwrap();
    let req = Request::new(
        user.clone(),
        act.clone(),
        rec.clone(),
        Context::empty(),
        None,
    )
    .unwrap();
    let az = Authorizer::new();
    println!("{:?}", az.is_authorized(&req, &pset, &ents).decision());
    time("is_authorized", || az.is_authorized(&req, &pset, &ents));
}
