//! The [`Authorizer`]: loads and validates the Cedar schema and policies once, then answers
//! [`Authorizer::decide`] per request, failing closed.

mod selection;
mod slice;

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

use cedar_policy::{Context, PolicyId, PolicySet, Request, Schema, ValidationMode, Validator};

use custos_core::marking::SecurityMarking;

use crate::input::{Action, Principal, Resource};
use selection::Selection;
use slice::Names;

/// The reason id of a deny because no permit applied (Cedar's default deny).
pub const DEFAULT_DENY: &str = "custos.default_deny";

/// The reason id of a deny forced by an error: a policy failed to evaluate, or the request or its
/// entities could not be built. Cedar skips an erroring policy, so such a response is never trusted.
pub const FAIL_CLOSED: &str = "custos.fail_closed";

/// The reason id of a deny because an API token's scopes do not include the action.
pub const TOKEN_SCOPE: &str = "custos.token_scope";

/// The outcome of one authorisation request, ready for the audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the action may go ahead.
    pub allowed: bool,
    /// The `@id`s of the determining policies (the permits that allowed it, or the forbids that
    /// denied it), sorted; or [`DEFAULT_DENY`] when nothing permitted it, or [`FAIL_CLOSED`] when
    /// an error forced the deny.
    pub policies: Vec<String>,
    /// Every error met while deciding; non-empty only together with [`FAIL_CLOSED`].
    pub errors: Vec<String>,
}

impl Decision {
    fn fail_closed(errors: Vec<String>) -> Self {
        Self {
            allowed: false,
            policies: vec![FAIL_CLOSED.to_owned()],
            errors,
        }
    }
}

/// Why the schema or policies could not be loaded. Only [`Authorizer::new`] and
/// [`Authorizer::from_sources`] return it; deciding never fails (it denies).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthzError {
    #[error("the Cedar schema does not parse: {0}")]
    Schema(String),
    #[error("policy file {file} does not parse: {message}")]
    PolicyParse { file: String, message: String },
    #[error("policy #{index} in {file} has no @id(\"...\") annotation, or an empty one")]
    MissingId { file: String, index: usize },
    #[error("policy id {id:?} in {file} is already used by another policy")]
    DuplicateId { file: String, id: String },
    #[error("the policies do not validate against the schema (strict mode): {0}")]
    Validation(String),
    #[error("the schema does not declare {0}")]
    Incomplete(String),
    #[error("the schema uses {0}, which custos-authz does not support")]
    Unsupported(String),
}

/// The policy decision point. Build it once ([`Authorizer::new`]) and share it: it holds the
/// validated policy set, the schema and pre-built Cedar names, and never re-parses per request.
#[derive(Debug)]
pub struct Authorizer {
    engine: cedar_policy::Authorizer,
    schema: Schema,
    /// Every policy (for [`Authorizer::policy_text`]).
    policies: PolicySet,
    /// The subset of `policies` each request needs (see `selection.rs` for why it is exact).
    selection: Selection,
    ids: Vec<String>,
    names: Names,
}

impl Authorizer {
    /// The authoriser for the embedded `policies/` (see [`crate::SCHEMA_SOURCE`] and
    /// [`crate::POLICY_SOURCES`]), validated against the schema in strict mode.
    pub fn new() -> Result<Self, AuthzError> {
        Self::from_sources(crate::SCHEMA_SOURCE, crate::POLICY_SOURCES)
    }

    /// An authoriser for other sources: a Cedar schema (human-readable syntax) and policy files as
    /// `(file name, text)`. Every policy must carry a unique `@id`, which becomes its policy id, and
    /// the whole set must pass strict validation without warnings.
    pub fn from_sources(schema: &str, policy_files: &[(&str, &str)]) -> Result<Self, AuthzError> {
        let (schema, _warnings) =
            Schema::from_cedarschema_str(schema).map_err(|e| AuthzError::Schema(e.to_string()))?;
        let policies = load_policies(policy_files)?;
        let validation = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
        if !validation.validation_passed_without_warnings() {
            let problems: Vec<String> = validation
                .validation_errors()
                .map(ToString::to_string)
                .chain(
                    validation
                        .validation_warnings()
                        .map(|w| format!("warning: {w}")),
                )
                .collect();
            return Err(AuthzError::Validation(problems.join("; ")));
        }
        // A decision on a record must depend on its kind and marking, never on which record it is:
        // that keeps policies general and lets `decide_records` decide once per distinct marking.
        for policy in policies.policies() {
            if let Some(uid) = policy.entity_literals().into_iter().find(|u| u.type_name().basename() == "Record") {
                return Err(AuthzError::Unsupported(format!(
                    "a policy naming one record ({} names {uid}); write the rule over record attributes",
                    policy.id()
                )));
            }
        }
        if let Some(group) = schema.action_groups().next() {
            // Action groups would need the action entities in every slice, and per-action policy
            // sets would have to follow the hierarchy: refuse rather than decide wrongly.
            return Err(AuthzError::Unsupported(format!("action group {group}")));
        }
        let names = Names::new(&schema)?;
        let selection = Selection::new(&policies, names.actions(), names.role_type())?;
        let mut ids: Vec<String> = policies
            .policies()
            .map(|p| AsRef::<str>::as_ref(p.id()).to_owned())
            .collect();
        ids.sort();
        Ok(Self {
            engine: cedar_policy::Authorizer::new(),
            schema,
            policies,
            selection,
            ids,
            names,
        })
    }

    /// Decides `action` on many records for one principal: one decision per record, in order, but
    /// Cedar is asked once per distinct (kind, marking). That is exact, not an approximation: no
    /// policy may name a particular record (checked when the policies load), so a decision depends
    /// only on the principal, the action and the record's kind and marking.
    pub fn decide_records<'a>(
        &self,
        principal: &Principal,
        action: Action,
        records: impl IntoIterator<Item = (&'a str, String, &'a SecurityMarking)>,
    ) -> Vec<Decision> {
        let mut seen: HashMap<(&'a str, &'a SecurityMarking), Decision> = HashMap::new();
        records
            .into_iter()
            .map(|(kind, id, marking)| {
                seen.entry((kind, marking))
                    .or_insert_with(|| self.decide(principal, action, &Resource::Record { kind, id, marking }))
                    .clone()
            })
            .collect()
    }

    /// Decides whether `principal` may do `action` to `resource`. Never fails: any error (a policy
    /// that does not evaluate, a request that does not fit the schema, entities that cannot be
    /// built) is a deny with [`FAIL_CLOSED`] and the errors recorded.
    pub fn decide(&self, principal: &Principal, action: Action, resource: &Resource) -> Decision {
        if principal.scopes.as_ref().is_some_and(|scopes| !scopes.contains(&action)) {
            return Decision {
                allowed: false,
                policies: vec![TOKEN_SCOPE.to_owned()],
                errors: Vec::new(),
            };
        }
        let slice = match self.names.slice(principal, action, resource) {
            Ok(slice) => slice,
            Err(error) => return Decision::fail_closed(vec![error]),
        };
        let policies = match self.selection.select(slice.action_index, &principal.roles) {
            Ok(policies) => policies,
            Err(error) => return Decision::fail_closed(vec![error]),
        };
        let request = match Request::new(
            slice.principal,
            slice.action,
            slice.resource,
            Context::empty(),
            Some(&self.schema),
        ) {
            Ok(request) => request,
            Err(e) => return Decision::fail_closed(vec![format!("invalid request: {e}")]),
        };
        let response = self
            .engine
            .is_authorized(&request, &policies, &slice.entities);
        let diagnostics = response.diagnostics();
        let errors: Vec<String> = diagnostics.errors().map(ToString::to_string).collect();
        if !errors.is_empty() {
            return Decision::fail_closed(errors);
        }
        let allowed = response.decision() == cedar_policy::Decision::Allow;
        // `as_ref` gives the id itself; `Display` would escape it (and costs a formatter pass).
        let mut policies: Vec<String> = diagnostics
            .reason()
            .map(|id| AsRef::<str>::as_ref(id).to_owned())
            .collect();
        policies.sort();
        if policies.is_empty() {
            // Without errors an Allow always has a reason, so this is Cedar's default deny.
            return Decision {
                allowed: false,
                policies: vec![DEFAULT_DENY.to_owned()],
                errors,
            };
        }
        Decision {
            allowed,
            policies,
            errors,
        }
    }

    /// The `@id` of every loaded policy, sorted (for documentation and for checking audit events).
    pub fn policy_ids(&self) -> &[String] {
        &self.ids
    }

    /// The Cedar text of the policy with this `@id`, if there is one.
    pub fn policy_text(&self, id: &str) -> Option<String> {
        self.policies
            .policy(&PolicyId::new(id))
            .map(ToString::to_string)
    }
}

/// Parses every file and re-keys each policy by its `@id` annotation, so that Cedar's reasons and
/// errors name the stable ids.
fn load_policies(files: &[(&str, &str)]) -> Result<PolicySet, AuthzError> {
    let mut set = PolicySet::new();
    let mut seen = BTreeSet::new();
    for (file, text) in files {
        let parsed = PolicySet::from_str(text).map_err(|e| AuthzError::PolicyParse {
            file: (*file).to_owned(),
            message: e
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        })?;
        if parsed.num_of_templates() > 0 {
            return Err(AuthzError::PolicyParse {
                file: (*file).to_owned(),
                message: "templates are not supported".to_owned(),
            });
        }
        // Cedar names unannotated policies "policy0", "policy1"... in source order.
        let mut policies: Vec<_> = parsed.policies().collect();
        policies.sort_by_key(|p| source_index(p.id().as_ref()));
        for (index, policy) in policies.into_iter().enumerate() {
            let id = policy
                .annotation("id")
                .ok_or_else(|| AuthzError::MissingId {
                    file: (*file).to_owned(),
                    index,
                })?;
            if id.trim().is_empty() {
                return Err(AuthzError::MissingId {
                    file: (*file).to_owned(),
                    index,
                });
            }
            if !seen.insert(id.to_owned()) {
                return Err(AuthzError::DuplicateId {
                    file: (*file).to_owned(),
                    id: id.to_owned(),
                });
            }
            set.add(policy.new_id(PolicyId::new(id)))
                .map_err(|e| AuthzError::PolicyParse {
                    file: (*file).to_owned(),
                    message: e.to_string(),
                })?;
        }
    }
    Ok(set)
}

/// The source position encoded in Cedar's default policy id `policyN`.
fn source_index(id: &str) -> usize {
    id.strip_prefix("policy")
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use custos_core::ids::{UnitId, UserId};
    use custos_core::marking::{Classification, SecurityMarking};
    use custos_core::role::Role;

    use super::*;

    #[test]
    fn embedded_policies_decide_with_stable_ids() {
        let authz = Authorizer::new().unwrap();
        let home = UnitId::parse("HOME").unwrap();
        let analyst = Principal {
            user: UserId::parse("MP9").unwrap(),
            roles: vec![Role::IntelligenceAnalyst],
            units: vec![home.clone()],
            clearance: Classification::Secret,
            scopes: None,
        };
        let mut marking = SecurityMarking::official(home);
        let read = |m: &SecurityMarking| {
            let record = Resource::Record {
                kind: "intelligence",
                id: "i1".into(),
                marking: m,
            };
            authz.decide(&analyst, Action::Read, &record)
        };
        let allowed = read(&marking);
        assert!(allowed.allowed);
        assert_eq!(allowed.policies, ["role.intelligence_analyst.consult"]);
        marking.classification = Classification::TopSecret;
        assert_eq!(read(&marking).policies, ["guard.clearance"]);
        let audit = authz.decide(&analyst, Action::Audit, &Resource::System);
        assert_eq!(audit.policies, [DEFAULT_DENY]);
        assert!(!audit.allowed);
    }

    #[test]
    fn selection_keeps_every_policy_and_narrows_by_action_and_role() {
        let authz = Authorizer::new().unwrap();
        let all: BTreeSet<String> = authz.policy_ids().iter().cloned().collect();
        assert_eq!(authz.selection.ids(), all);
        let index = |a: Action| Action::ALL.iter().position(|x| *x == a).unwrap();
        // erase, review and read_archive: the records manager's permit and the three guards on every action.
        assert_eq!(authz.selection.count(index(Action::Erase)), 4);
        assert_eq!(authz.selection.count(index(Action::Review)), 4);
        assert_eq!(authz.selection.count(index(Action::ReadArchive)), 4);
        let ids = |set: &PolicySet| -> BTreeSet<String> {
            set.policies()
                .map(|p| AsRef::<str>::as_ref(p.id()).to_owned())
                .collect()
        };
        let read = index(Action::Read);
        let none = authz.selection.select(read, &[]).unwrap();
        assert_eq!(
            ids(&none),
            ["guard.clearance", "guard.information_requests_data_office_only", "guard.need_to_know"]
                .map(String::from)
                .into()
        );
        let two = authz
            .selection
            .select(read, &[Role::Auditor, Role::Investigator])
            .unwrap();
        assert_eq!(
            ids(&two),
            [
                "guard.clearance",
                "guard.information_requests_data_office_only",
                "guard.need_to_know",
                "role.investigator.consult"
            ]
            .map(String::from)
            .into()
        );
        // The cache hands back the same set for the same roles.
        let again = authz.selection.select(read, &[Role::Investigator]).unwrap();
        assert!(std::sync::Arc::ptr_eq(&two, &again));
    }

    #[test]
    fn default_policy_ids_give_source_order() {
        assert_eq!(source_index("policy0"), 0);
        assert_eq!(source_index("policy12"), 12);
        assert_eq!(source_index("custom"), usize::MAX);
    }
}
