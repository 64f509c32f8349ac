//! Loading: the embedded policies validate against the schema in strict mode, every policy has a
//! unique stable `@id`, and broken sources are rejected with a precise error.

use custos_authz::{Authorizer, AuthzError, POLICY_SOURCES, SCHEMA_SOURCE};

use crate::support::authz;

#[test]
fn embedded_policies_validate_strictly_and_carry_ids() {
    let ids = authz().policy_ids();
    assert!(ids.contains(&"guard.clearance".to_owned()));
    assert!(ids.contains(&"guard.need_to_know".to_owned()));
    assert!(
        ids.iter()
            .all(|id| id.starts_with("role.") || id.starts_with("guard.")),
        "{ids:?}"
    );
    let annotated: usize = POLICY_SOURCES
        .iter()
        .map(|(_, t)| t.matches("@id(\"").count())
        .sum();
    assert_eq!(
        ids.len(),
        annotated,
        "every policy in the files is loaded under its @id"
    );
    let text = authz().policy_text("guard.need_to_know").unwrap();
    assert!(
        text.contains("forbid") && text.contains("acl_units"),
        "{text}"
    );
    assert_eq!(authz().policy_text("no.such.policy"), None);
}

fn load(policies: &str) -> Result<Authorizer, AuthzError> {
    Authorizer::from_sources(SCHEMA_SOURCE, &[("test.cedar", policies)])
}

#[test]
fn a_policy_without_an_id_is_rejected() {
    let err = load(
        r#"@id("a") permit (principal, action, resource);
           forbid (principal, action, resource);"#,
    )
    .unwrap_err();
    assert_eq!(
        err,
        AuthzError::MissingId {
            file: "test.cedar".into(),
            index: 1
        }
    );
    let err = load(r#"@id(" ") permit (principal, action, resource);"#).unwrap_err();
    assert!(
        matches!(err, AuthzError::MissingId { index: 0, .. }),
        "{err}"
    );
}

#[test]
fn a_reused_id_is_rejected_across_files() {
    let err = Authorizer::from_sources(
        SCHEMA_SOURCE,
        &[
            (
                "one.cedar",
                r#"@id("same") permit (principal, action, resource);"#,
            ),
            (
                "two.cedar",
                r#"@id("same") forbid (principal, action, resource);"#,
            ),
        ],
    )
    .unwrap_err();
    assert_eq!(
        err,
        AuthzError::DuplicateId {
            file: "two.cedar".into(),
            id: "same".into()
        }
    );
}

#[test]
fn a_syntax_error_names_the_file() {
    let err = load("permit (principal, action, resource").unwrap_err();
    assert!(
        matches!(&err, AuthzError::PolicyParse { file, .. } if file == "test.cedar"),
        "{err}"
    );
}

#[test]
fn strict_validation_rejects_type_errors_and_impossible_policies() {
    for bad in [
        // An attribute the schema does not declare.
        r#"@id("x") permit (principal, action, resource is Custos::Record) when { resource.owner == principal };"#,
        // Comparing a Long with a String.
        r#"@id("x") permit (principal, action, resource is Custos::Record) when { resource.classification == "SECRET" };"#,
        // An action that never applies to this resource type.
        r#"@id("x") permit (principal, action == Custos::Action::"audit", resource is Custos::Record);"#,
        // An undeclared entity type.
        r#"@id("x") permit (principal in Custos::Group::"a", action, resource);"#,
    ] {
        let err = load(bad).unwrap_err();
        assert!(matches!(err, AuthzError::Validation(_)), "{bad}: {err}");
    }
}

#[test]
fn the_schema_must_parse_and_declare_what_the_rust_side_uses() {
    let (_, roles) = POLICY_SOURCES[0];
    let err =
        Authorizer::from_sources("namespace Custos {", &[("roles.cedar", roles)]).unwrap_err();
    assert!(matches!(err, AuthzError::Schema(_)), "{err}");
    let without_audit = SCHEMA_SOURCE.replace(
        "action audit appliesTo { principal: User, resource: System };",
        "",
    );
    assert_ne!(without_audit, SCHEMA_SOURCE);
    let err = Authorizer::from_sources(&without_audit, &[]).unwrap_err();
    assert_eq!(
        err,
        AuthzError::Incomplete("action Custos::Action::\"audit\"".into())
    );
}

#[test]
fn action_groups_are_refused_rather_than_ignored() {
    // Per-request slices carry no action entities, so `action in Group` could not be evaluated.
    let grouped = SCHEMA_SOURCE.replace(
        "action create, update appliesTo",
        "action writes;\n  action create, update in [writes] appliesTo",
    );
    assert_ne!(grouped, SCHEMA_SOURCE);
    let err = Authorizer::from_sources(&grouped, POLICY_SOURCES).unwrap_err();
    assert!(
        matches!(&err, AuthzError::Unsupported(what) if what.contains("writes")),
        "{err}"
    );
}

#[test]
fn a_policy_naming_one_record_is_refused() {
    // In the scope and in a condition: either would make decisions depend on a record's identity,
    // which `decide_records` relies on never happening.
    for policy in [
        r#"@id("one") permit (principal, action == Custos::Action::"read", resource == Custos::Record::"r1");"#,
        r#"@id("one") forbid (principal, action, resource) when { resource == Custos::Record::"r1" };"#,
    ] {
        let err = load(policy).unwrap_err();
        assert!(
            matches!(&err, AuthzError::Unsupported(m) if m.contains("naming one record")),
            "{policy}: {err}"
        );
    }
}
