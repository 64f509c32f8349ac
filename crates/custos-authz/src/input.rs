//! The inputs of a decision: who asks ([`Principal`]), to do what ([`Action`]), to what
//! ([`Resource`]). These are plain domain values; the Cedar entities are built from them per request.

use custos_core::ids::{UnitId, UserId};
use custos_core::marking::{Classification, SecurityMarking};
use custos_core::role::Role;

/// A signed-in user as the policies see them: their roles, units and clearance, loaded from the
/// database for this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: UserId,
    pub roles: Vec<Role>,
    pub units: Vec<UnitId>,
    pub clearance: Classification,
    /// For a machine client's API token: the only actions it may be used for (on top of what the
    /// user's roles allow). `None` for a person signed in.
    pub scopes: Option<Vec<Action>>,
}

/// What the principal wants to do. The names follow the DPA 2018 s.62 logging categories:
/// consultation (read, search), collection and alteration (create, update), combination (merge),
/// disclosure (export, disclose) and erasure (erase); MoPI review (review) and the restricted archive (read_archive); plus user management and audit-log access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Consult one record.
    Read,
    /// Search the force's records (resource: [`Resource::System`]).
    Search,
    /// Create a record with the given marking.
    Create,
    /// Alter a record (a new version).
    Update,
    /// Merge a duplicate into a primary record, or unmerge.
    Merge,
    /// Export a record (e.g. into a subject-access bundle).
    Export,
    /// Disclose a record to a recipient outside the force, including transfers.
    Disclose,
    /// Erase a record's personal data (MoPI disposal, right to erasure).
    Erase,
    /// Record a MoPI review of a record: retain (with its reason), archive, hold, regrade.
    Review,
    /// Consult a record in the restricted archive (out of operational use).
    ReadArchive,
    /// Manage users and roles (resource: [`Resource::System`]).
    Administer,
    /// Read and verify the audit log (resource: [`Resource::System`]).
    Audit,
}

impl Action {
    /// Every action, in declaration order.
    pub const ALL: [Action; 12] = [
        Self::Read,
        Self::Search,
        Self::Create,
        Self::Update,
        Self::Merge,
        Self::Export,
        Self::Disclose,
        Self::Erase,
        Self::Review,
        Self::ReadArchive,
        Self::Administer,
        Self::Audit,
    ];

    /// The Cedar action id (`Custos::Action::"<as_str>"`), also used in audit events.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Search => "search",
            Self::Create => "create",
            Self::Update => "update",
            Self::Merge => "merge",
            Self::Export => "export",
            Self::Disclose => "disclose",
            Self::Erase => "erase",
            Self::Review => "review",
            Self::ReadArchive => "read_archive",
            Self::Administer => "administer",
            Self::Audit => "audit",
        }
    }

    /// Whether the action is on the force as a whole ([`Resource::System`]) rather than on one
    /// record. Asking for a force-wide action on a record (or the reverse) is denied.
    pub fn is_force_wide(self) -> bool {
        matches!(self, Self::Search | Self::Administer | Self::Audit)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the action is on: one record with its security marking, or the force as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource<'a> {
    /// A governed record. `kind` is the record type (`person`, `object`, `location`, `event`,
    /// `link`, or a module record such as `custody`); `id` its stable id; for `create` the marking
    /// is the one proposed for the new record.
    Record {
        kind: &'a str,
        id: String,
        marking: &'a SecurityMarking,
    },
    /// The force as a whole (search, administer, audit).
    System,
}
