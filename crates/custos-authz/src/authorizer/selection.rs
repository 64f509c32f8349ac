//! Which policies a request needs. Cedar evaluates every policy it is handed (each costs about as
//! much as building the entities), so `decide` hands it only the policies that could apply: those
//! whose action scope admits the action, minus role permits for roles the principal does not hold.
//!
//! Why this cannot change a decision: Cedar evaluates a policy's scope before its conditions and
//! stops at the first false part, so a policy whose scope excludes the request is neither satisfied
//! nor erroring. The action scope is plain membership because the schema has no action groups
//! (checked at start-up). A `principal in Custos::Role::"r"` scope holds exactly when the principal
//! holds role `r`, because the slice gives the principal its roles as parents and gives roles no
//! parents of their own.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use cedar_policy::{
    ActionConstraint, EntityTypeName, EntityUid, Policy, PolicySet, PrincipalConstraint,
};
use custos_core::role::Role;

use super::AuthzError;

/// The policies of one action: those for every principal, and the role permits by role.
#[derive(Debug)]
struct ActionPolicies {
    always: Vec<Policy>,
    /// (index in [`Role::ALL`], the permits scoped to that role); only roles that have some.
    by_role: Vec<(usize, Vec<Policy>)>,
}

/// Per-action policy lists and a cache of the policy sets built from them, keyed by action and by
/// which of the relevant roles the principal holds (at most 2^roles-with-permits sets per action).
#[derive(Debug)]
pub(super) struct Selection {
    /// Indexed like [`crate::Action::ALL`].
    actions: Vec<ActionPolicies>,
    cache: RwLock<HashMap<(usize, u32), Arc<PolicySet>>>,
}

impl Selection {
    /// Sorts `all` by action (`action_uids`, indexed like `Action::ALL`) and by role scope.
    pub(super) fn new(
        all: &PolicySet,
        action_uids: &[EntityUid],
        role_type: &EntityTypeName,
    ) -> Result<Self, AuthzError> {
        let actions = action_uids
            .iter()
            .map(|action| {
                let mut always = Vec::new();
                let mut by_role: Vec<(usize, Vec<Policy>)> = Vec::new();
                for policy in all.policies().filter(|p| admits(p, action)) {
                    match role_scope(policy, role_type) {
                        Scope::Any => always.push(policy.clone()),
                        Scope::Role(index) => match by_role.iter_mut().find(|(i, _)| *i == index) {
                            Some((_, list)) => list.push(policy.clone()),
                            None => by_role.push((index, vec![policy.clone()])),
                        },
                        // A role that does not exist is held by nobody.
                        Scope::NoSuchRole => {}
                    }
                }
                if by_role.len() > 32 {
                    return Err(AuthzError::Unsupported("more than 32 roles".to_owned()));
                }
                Ok(ActionPolicies { always, by_role })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            actions,
            cache: RwLock::new(HashMap::new()),
        })
    }

    /// The policy set for `action_index` and a principal holding `roles`.
    pub(super) fn select(
        &self,
        action_index: usize,
        roles: &[Role],
    ) -> Result<Arc<PolicySet>, String> {
        let policies = self
            .actions
            .get(action_index)
            .ok_or_else(|| format!("no policies for action #{action_index}"))?;
        let mut mask = 0u32;
        for (bit, (role_index, _)) in policies.by_role.iter().enumerate() {
            if roles.iter().any(|r| Role::ALL.get(*role_index) == Some(r)) {
                mask |= 1 << bit;
            }
        }
        let key = (action_index, mask);
        if let Some(set) = self
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(Arc::clone(set));
        }
        let chosen = policies
            .by_role
            .iter()
            .enumerate()
            .filter(|(bit, _)| mask & (1 << bit) != 0);
        let set = PolicySet::from_policies(
            policies
                .always
                .iter()
                .chain(chosen.flat_map(|(_, (_, list))| list))
                .cloned(),
        )
        .map_err(|e| format!("policy selection: {e}"))?;
        let set = Arc::new(set);
        self.cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, Arc::clone(&set));
        Ok(set)
    }

    /// The policies held for `action_index` (for tests).
    #[cfg(test)]
    pub(super) fn count(&self, action_index: usize) -> usize {
        self.actions.get(action_index).map_or(0, |a| {
            a.always.len() + a.by_role.iter().map(|(_, l)| l.len()).sum::<usize>()
        })
    }

    /// The ids of every policy held for any action (for tests).
    #[cfg(test)]
    pub(super) fn ids(&self) -> std::collections::BTreeSet<String> {
        self.actions
            .iter()
            .flat_map(|a| a.always.iter().chain(a.by_role.iter().flat_map(|(_, l)| l)))
            .map(|p| AsRef::<str>::as_ref(p.id()).to_owned())
            .collect()
    }
}

/// Whether the policy's action scope admits `action` (no action groups: plain membership).
fn admits(policy: &Policy, action: &EntityUid) -> bool {
    match policy.action_constraint() {
        ActionConstraint::Any => true,
        ActionConstraint::Eq(uid) => &uid == action,
        ActionConstraint::In(uids) => uids.contains(action),
    }
}

enum Scope {
    Any,
    Role(usize),
    NoSuchRole,
}

/// Whether the policy's principal scope is membership of one role.
fn role_scope(policy: &Policy, role_type: &EntityTypeName) -> Scope {
    let uid = match policy.principal_constraint() {
        PrincipalConstraint::In(uid) | PrincipalConstraint::IsIn(_, uid) => uid,
        PrincipalConstraint::Any | PrincipalConstraint::Eq(_) | PrincipalConstraint::Is(_) => {
            return Scope::Any;
        }
    };
    if uid.type_name() != role_type {
        return Scope::Any;
    }
    let id: &str = uid.id().as_ref();
    match Role::ALL.iter().position(|r| r.as_str() == id) {
        Some(index) => Scope::Role(index),
        None => Scope::NoSuchRole,
    }
}
