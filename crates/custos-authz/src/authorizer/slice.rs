//! The per-request entity slice: the principal, its roles and units, the resource and the units it
//! names, built directly as Cedar values (no JSON) from names prepared once.

use std::collections::HashSet;
use std::str::FromStr;

use cedar_policy::{
    Entities, Entity, EntityId, EntityTypeName, EntityUid, RestrictedExpression, Schema,
};
use custos_core::ids::UnitId;
use custos_core::marking::AclEntry;
use custos_core::role::Role;

use super::AuthzError;
use crate::input::{Action, Principal, Resource};

/// The id of the single `Custos::System` entity.
const SYSTEM_ID: &str = "force";

/// Cedar names built once per [`super::Authorizer`]: entity types, role and action uids, and the
/// attribute-less role and system entities (cloned into each slice).
#[derive(Debug)]
pub(super) struct Names {
    role: EntityTypeName,
    user: EntityTypeName,
    unit: EntityTypeName,
    record: EntityTypeName,
    /// Indexed like [`Role::ALL`].
    roles: Vec<Entity>,
    /// Indexed like [`Action::ALL`].
    actions: Vec<EntityUid>,
    system: Entity,
}

/// What one request needs: the three uids and the entities they refer to.
pub(super) struct Slice {
    /// The action's position in [`Action::ALL`].
    pub action_index: usize,
    pub principal: EntityUid,
    pub action: EntityUid,
    pub resource: EntityUid,
    pub entities: Entities,
}

impl Names {
    /// Prepares the names and checks that `schema` declares every entity type and action the Rust
    /// side uses (so a mismatch fails at start-up, not per request).
    pub(super) fn new(schema: &Schema) -> Result<Self, AuthzError> {
        let declared: HashSet<String> = schema.entity_types().map(ToString::to_string).collect();
        let type_name = |name: &str| -> Result<EntityTypeName, AuthzError> {
            let full = format!("Custos::{name}");
            if !declared.contains(&full) {
                return Err(AuthzError::Incomplete(format!("entity type {full}")));
            }
            EntityTypeName::from_str(&full).map_err(|e| AuthzError::Incomplete(e.to_string()))
        };
        let role = type_name("Role")?;
        let action = EntityTypeName::from_str("Custos::Action")
            .map_err(|e| AuthzError::Incomplete(e.to_string()))?;
        let declared_actions: HashSet<&EntityUid> = schema.actions().collect();
        let actions = Action::ALL
            .iter()
            .map(|a| {
                let uid = uid(&action, a.as_str());
                if declared_actions.contains(&uid) {
                    Ok(uid)
                } else {
                    Err(AuthzError::Incomplete(format!("action {uid}")))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let roles = Role::ALL
            .iter()
            .map(|r| Entity::new_no_attrs(uid(&role, r.as_str()), HashSet::new()))
            .collect();
        let system = Entity::new_no_attrs(uid(&type_name("System")?, SYSTEM_ID), HashSet::new());
        Ok(Self {
            role,
            user: type_name("User")?,
            unit: type_name("Unit")?,
            record: type_name("Record")?,
            roles,
            actions,
            system,
        })
    }

    /// Builds the request's uids and entities. An `Err` is a reason to deny.
    pub(super) fn slice(
        &self,
        principal: &Principal,
        action: Action,
        resource: &Resource,
    ) -> Result<Slice, String> {
        let action_index = Action::ALL
            .iter()
            .position(|a| *a == action)
            .ok_or_else(|| format!("action {action} is not in Action::ALL"))?;
        let action_uid = self
            .actions
            .get(action_index)
            .ok_or_else(|| format!("action {action} has no Cedar uid"))?
            .clone();

        // Units: the principal's, then (for a record) the owning unit and the ACL's, without repeats.
        let mut unit_ids: Vec<&UnitId> = Vec::with_capacity(principal.units.len() + 2);
        for u in &principal.units {
            push_unique(&mut unit_ids, u);
        }
        let principal_units: Vec<EntityUid> = unit_ids.iter().map(|u| self.unit_uid(u)).collect();

        let mut entities = Vec::with_capacity(principal.roles.len() + unit_ids.len() + 4);
        let mut parents = principal_units.clone();
        for role in &principal.roles {
            let entity = Role::ALL
                .iter()
                .position(|r| r == role)
                .and_then(|i| self.roles.get(i))
                .ok_or_else(|| format!("role {role} has no Cedar entity"))?;
            let role_uid = entity.uid();
            if !parents.contains(&role_uid) {
                parents.push(role_uid);
                entities.push(entity.clone());
            }
        }
        let principal_uid = uid(&self.user, principal.user.as_str());
        let principal_entity = Entity::new_with_tags(
            principal_uid.clone(),
            [
                (
                    "clearance".to_owned(),
                    RestrictedExpression::new_long(principal.clearance.level()),
                ),
                (
                    "units".to_owned(),
                    RestrictedExpression::new_set(
                        principal_units
                            .iter()
                            .cloned()
                            .map(RestrictedExpression::new_entity_uid),
                    ),
                ),
            ],
            parents,
            [],
        )
        .map_err(|e| format!("principal entity: {e}"))?;
        entities.push(principal_entity);

        let resource_uid = match resource {
            Resource::System => {
                entities.push(self.system.clone());
                self.system.uid()
            }
            Resource::Record { kind, id, marking } => {
                let record_uid = uid(&self.record, id);
                let mut acl_users = Vec::new();
                let mut acl_units = Vec::new();
                for entry in &marking.acl {
                    match entry {
                        AclEntry::User(u) => {
                            acl_users.push(RestrictedExpression::new_entity_uid(uid(
                                &self.user,
                                u.as_str(),
                            )));
                        }
                        AclEntry::Unit(u) => {
                            acl_units.push(RestrictedExpression::new_entity_uid(self.unit_uid(u)));
                            push_unique(&mut unit_ids, u);
                        }
                    }
                }
                push_unique(&mut unit_ids, &marking.owning_unit);
                let record = Entity::new_with_tags(
                    record_uid.clone(),
                    [
                        (
                            "kind".to_owned(),
                            RestrictedExpression::new_string((*kind).to_owned()),
                        ),
                        (
                            "classification".to_owned(),
                            RestrictedExpression::new_long(marking.classification.level()),
                        ),
                        (
                            "sensitive".to_owned(),
                            RestrictedExpression::new_bool(marking.sensitive),
                        ),
                        (
                            "owning_unit".to_owned(),
                            RestrictedExpression::new_entity_uid(
                                self.unit_uid(&marking.owning_unit),
                            ),
                        ),
                        (
                            "acl_users".to_owned(),
                            RestrictedExpression::new_set(acl_users),
                        ),
                        (
                            "acl_units".to_owned(),
                            RestrictedExpression::new_set(acl_units),
                        ),
                    ],
                    [],
                    [],
                )
                .map_err(|e| format!("record entity: {e}"))?;
                entities.push(record);
                record_uid
            }
        };
        entities.extend(
            unit_ids
                .iter()
                .map(|u| Entity::new_no_attrs(self.unit_uid(u), HashSet::new())),
        );
        let entities =
            Entities::from_entities(entities, None).map_err(|e| format!("entities: {e}"))?;
        Ok(Slice {
            action_index,
            principal: principal_uid,
            action: action_uid,
            resource: resource_uid,
            entities,
        })
    }

    /// The `Custos::Role` entity type.
    pub(super) fn role_type(&self) -> &EntityTypeName {
        &self.role
    }

    /// The action uids, indexed like [`Action::ALL`].
    pub(super) fn actions(&self) -> &[EntityUid] {
        &self.actions
    }

    fn unit_uid(&self, unit: &UnitId) -> EntityUid {
        uid(&self.unit, unit.as_str())
    }
}

fn uid(type_name: &EntityTypeName, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(type_name.clone(), EntityId::new(id))
}

/// Appends `unit` unless present (slices are a handful of units, so a linear scan is cheapest).
fn push_unique<'a>(units: &mut Vec<&'a UnitId>, unit: &'a UnitId) {
    if !units.contains(&unit) {
        units.push(unit);
    }
}
