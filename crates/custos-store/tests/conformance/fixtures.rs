//! Principals and records shared by the conformance tests.

use custos_authz::Principal;
use custos_core::draft::{LinkDraft, LocationDraft, PersonDraft};
use custos_core::entity::EntityBody;
use custos_core::ids::{UnitId, UserId};
use custos_core::link::Link;
use custos_core::marking::{Classification, SecurityMarking};
use custos_core::person::Person;
use custos_core::role::Role;
use custos_store::entities::Justification;
use sqlx::{AnyConnection, Row};

pub fn unit(name: &str) -> UnitId {
    UnitId::parse(name).unwrap()
}

pub fn principal(user: &str, roles: &[Role], units: &[&str], clearance: Classification) -> Principal {
    Principal {
        user: UserId::parse(user).unwrap(),
        roles: roles.to_vec(),
        units: units.iter().map(|u| unit(u)).collect(),
        clearance,
        scopes: None,
    }
}

/// An investigator of CE-BCU with OFFICIAL clearance.
pub fn investigator() -> Principal {
    principal("MP100001", &[Role::Investigator], &["CE-BCU"], Classification::Official)
}

/// An intelligence analyst of CE-BCU with OFFICIAL clearance: may disseminate its intelligence.
pub fn analyst() -> Principal {
    principal("MP100002", &[Role::IntelligenceAnalyst], &["CE-BCU"], Classification::Official)
}

/// An auditor (professional standards): may inspect the audit log, nothing else.
pub fn auditor() -> Principal {
    principal("PS000001", &[Role::Auditor], &["PROF-STANDARDS"], Classification::Official)
}

pub fn marking() -> SecurityMarking {
    SecurityMarking::official(unit("CE-BCU"))
}

pub fn why() -> Justification {
    Justification::parse("investigating crime CE/12345/26").unwrap()
}

pub fn person(forename: &str, surname: &str, dob: &str) -> EntityBody {
    let draft: PersonDraft = serde_json::from_value(serde_json::json!({
        "names": [{"kind": "primary", "forenames": [forename], "surname": surname}],
        "dates_of_birth": [dob],
        "gender": "female",
        "identifiers": [{"kind": "pnc_id", "value": "2008/0056560Z"}],
    }))
    .unwrap();
    EntityBody::Person(Person::try_from(draft).unwrap())
}

pub fn location(line: &str, postcode: &str) -> EntityBody {
    let draft = LocationDraft {
        address_lines: vec![line.into()],
        town: Some("London".into()),
        postcode: Some(postcode.into()),
        ..Default::default()
    };
    EntityBody::Location(custos_core::location::Location::try_from(draft).unwrap())
}

pub fn link(from: custos_core::ids::EntityId, to: custos_core::ids::EntityId, kind: &str) -> EntityBody {
    let draft = LinkDraft {
        from: from.to_string(),
        to: to.to_string(),
        kind: kind.into(),
        ..Default::default()
    };
    EntityBody::Link(Link::try_from(draft).unwrap())
}

/// `SELECT COUNT(*) FROM table`.
pub async fn count(conn: &mut AnyConnection, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(conn).await.unwrap().get::<i64, _>(0)
}

