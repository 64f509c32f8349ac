//! The crime report and the prosecution case file built from it.
//!
//! The crime report classifies the offence from the reviewed HOCR list, names victims, suspects
//! and witnesses by reference, and carries the MoPI group the offence puts it in, overridden only
//! with a reason. The case file charges defendants who are suspects on that crime report, lists
//! the evidence and the unused material (the disclosure schedule, CPIA 1996 Code of Practice
//! para 6–7), and goes to the prosecutor.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::code_list::code_list;
use crate::ids::EntityId;
use crate::text::{Label, Text};

use super::offence::{MopiGroup, Offence, Outcome};
use super::{Checks, Involvement, PersonRole};

code_list! {
    /// Where an investigation is.
    pub enum CrimeStatus ("crime status") {
        Recorded = "recorded",
        UnderInvestigation = "under_investigation",
        Finalised = "finalised",
    }
}

/// A MoPI group set by hand, with the reason (DOMAIN.md §7: re-graded with a reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MopiOverride {
    pub group: MopiGroup,
    pub reason: Text,
}

/// A crime report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrimeReport {
    pub event: EntityId,
    pub offence: Offence,
    #[serde(default)]
    pub people: Vec<PersonRole>,
    /// How the offence was committed, in the investigator's words.
    pub narrative: Text,
    pub status: CrimeStatus,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub mopi_override: Option<MopiOverride>,
}

impl CrimeReport {
    /// The MoPI group: the override if there is one, else Group 4 for a crime finalised as
    /// undetected, else the offence's group.
    pub fn mopi_group(&self) -> MopiGroup {
        if let Some(o) = &self.mopi_override {
            return o.group;
        }
        match self.outcome {
            Some(outcome) if outcome.undetected() => MopiGroup::Undetected,
            _ => self.offence.mopi_group(),
        }
    }

    /// Whether `person` is a suspect on this crime, people compared by `nominal` (see
    /// [`super::Record::check_against`]).
    pub fn suspect(&self, person: EntityId, nominal: impl Fn(EntityId) -> EntityId) -> bool {
        let person = nominal(person);
        self.people.iter().any(|p| nominal(p.person) == person && p.role == Involvement::Suspect)
    }

    pub(super) fn check(&self, c: &mut Checks) {
        match (self.status, self.outcome) {
            (CrimeStatus::Finalised, None) => c.push("outcome", "a finalised crime needs its outcome type"),
            (CrimeStatus::Recorded | CrimeStatus::UnderInvestigation, Some(_)) => {
                c.push("status", "a crime with an outcome is finalised")
            }
            _ => {}
        }
        if let Some(outcome) = self.outcome
            && !outcome.needs_no_suspect()
            && !self.people.iter().any(|p| p.role == Involvement::Suspect)
        {
            c.push("outcome", "this outcome needs an identified suspect on the report");
        }
    }
}

/// One charge: a defendant (a suspect on the crime report) and the offence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charge {
    pub defendant: EntityId,
    pub offence: Offence,
    /// The particulars of the offence as charged.
    pub particulars: Text,
    #[serde(default)]
    pub charged_at: Option<Timestamp>,
}

/// An item of evidence the prosecution relies on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceItem {
    /// The exhibit or statement reference.
    pub reference: Label,
    pub description: Text,
    /// The object it is, when it is one (a weapon, a phone).
    #[serde(default)]
    pub object: Option<EntityId>,
}

/// An item of unused material on the disclosure schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnusedItem {
    pub reference: Label,
    pub description: Text,
    /// On the sensitive schedule (MG6D) rather than the non-sensitive one (MG6C).
    #[serde(default)]
    pub sensitive: bool,
}

code_list! {
    /// Where the file is with the prosecutor.
    pub enum CaseFileStatus ("case file status") {
        Draft = "draft",
        Submitted = "submitted",
        Returned = "returned",
        Accepted = "accepted",
    }
}

/// A prosecution case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    pub crime_report: EntityId,
    #[serde(default)]
    pub charges: Vec<Charge>,
    #[serde(default)]
    pub evidence: Vec<EvidenceItem>,
    #[serde(default)]
    pub unused_material: Vec<UnusedItem>,
    pub status: CaseFileStatus,
    /// Why the prosecutor returned the file (required when returned).
    #[serde(default)]
    pub returned_reasons: Option<Text>,
}

impl CaseFile {
    pub(super) fn check(&self, c: &mut Checks) {
        if self.status != CaseFileStatus::Draft && self.charges.is_empty() {
            c.push("charges", "a case file goes to the prosecutor with at least one charge");
        }
        if self.status == CaseFileStatus::Returned && self.returned_reasons.is_none() {
            c.push("returned_reasons", "say why the file was returned");
        }
        for (i, a) in self.charges.iter().enumerate() {
            if self.charges[..i].iter().any(|b| b.defendant == a.defendant && b.offence == a.offence && b.particulars == a.particulars) {
                c.push(format!("charges[{i}]"), "this charge is listed twice");
            }
        }
    }

    /// Charges whose defendant is not a suspect on `crime`: the field path of each.
    pub fn charges_not_against_suspects(&self, crime: &CrimeReport, nominal: impl Fn(EntityId) -> EntityId) -> Vec<String> {
        self.charges
            .iter()
            .enumerate()
            .filter(|(_, ch)| !crime.suspect(ch.defendant, &nominal))
            .map(|(i, _)| format!("charges[{i}].defendant"))
            .collect()
    }
}
