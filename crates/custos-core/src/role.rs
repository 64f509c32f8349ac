//! The roles a user can hold. Roles are coarse job functions; what each may do is written in the
//! Cedar policies (`policies/`), not here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    ResponseOfficer,
    CustodyOfficer,
    Investigator,
    IntelligenceAnalyst,
    CasePreparer,
    InformationRightsOfficer,
    RecordsManager,
    DataProtectionOfficer,
    Auditor,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Self::ResponseOfficer,
        Self::CustodyOfficer,
        Self::Investigator,
        Self::IntelligenceAnalyst,
        Self::CasePreparer,
        Self::InformationRightsOfficer,
        Self::RecordsManager,
        Self::DataProtectionOfficer,
        Self::Auditor,
        Self::Administrator,
    ];

    /// The snake_case name used on the command line, in the database and as the Cedar entity id.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResponseOfficer => "response_officer",
            Self::CustodyOfficer => "custody_officer",
            Self::Investigator => "investigator",
            Self::IntelligenceAnalyst => "intelligence_analyst",
            Self::CasePreparer => "case_preparer",
            Self::InformationRightsOfficer => "information_rights_officer",
            Self::RecordsManager => "records_manager",
            Self::DataProtectionOfficer => "data_protection_officer",
            Self::Auditor => "auditor",
            Self::Administrator => "administrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert_eq!("Custody Officer".parse::<Role>().unwrap(), Role::CustodyOfficer);
        assert!("superuser".parse::<Role>().is_err());
    }
}
