//! Intelligence reports and the 3x5x2 grading (DOMAIN.md §6; College of Policing APP
//! Intelligence management, "Intelligence report"): the source evaluated 1–3, the intelligence
//! assessed A–E, handling P or C with conditions that are reviewed periodically.
//!
//! A report is disseminated only in its sanitised version (the text that protects the source);
//! the original text never leaves the record.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::code_list::code_list;
use crate::ids::EntityId;
use crate::text::{Label, Text};

use super::{Checks, PersonRole};

code_list! {
    /// Source evaluation: the 3 of 3x5x2.
    pub enum SourceEvaluation ("source evaluation (1, 2 or 3)") {
        Reliable = "1",
        Untested = "2",
        NotReliable = "3",
    }
}

code_list! {
    /// Intelligence assessment: the 5 of 3x5x2.
    pub enum IntelligenceAssessment ("intelligence assessment (A to E)") {
        /// Known directly to the source.
        KnownDirectly = "A",
        /// Known indirectly to the source but corroborated.
        KnownIndirectlyCorroborated = "B",
        /// Known indirectly to the source.
        KnownIndirectly = "C",
        /// Not known.
        NotKnown = "D",
        /// Suspected to be false.
        SuspectedFalse = "E",
    }
}

/// Handling: the 2 of 3x5x2. Serialised as `{"code":"P"}` or
/// `{"code":"C","conditions":"…","review_by":"2027-06-01"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", deny_unknown_fields)]
pub enum Handling {
    /// Lawful sharing permitted.
    P,
    /// Lawful sharing permitted with conditions, reviewed by `review_by`.
    C { conditions: Text, review_by: Date },
}

/// A 3x5x2 grading. Every value is valid by type: a grading outside 3x5x2 does not parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grading {
    pub source: SourceEvaluation,
    pub intelligence: IntelligenceAssessment,
    pub handling: Handling,
}

impl Grading {
    /// The grading as officers write it: `1A P`, `3E C`.
    pub fn code(&self) -> String {
        let handling = match self.handling {
            Handling::P => "P",
            Handling::C { .. } => "C",
        };
        format!("{}{} {handling}", self.source.as_str(), self.intelligence.as_str())
    }
}

code_list! {
    /// Where a report is in its life: assessed, linked to the POLE records it concerns, live.
    /// The sensitive variants are handled on a need-to-know basis and must carry the SENSITIVE
    /// marking.
    pub enum IntelligenceStatus ("intelligence report state") {
        RequiresAssessment = "requires_assessment",
        RequiresLinking = "requires_linking",
        Live = "live",
        SensitiveRequiresAssessment = "sensitive_requires_assessment",
        SensitiveRequiresLinking = "sensitive_requires_linking",
        SensitiveLive = "sensitive_live",
    }
}

impl IntelligenceStatus {
    pub fn sensitive(self) -> bool {
        matches!(
            self,
            Self::SensitiveRequiresAssessment | Self::SensitiveRequiresLinking | Self::SensitiveLive
        )
    }

    pub fn live(self) -> bool {
        matches!(self, Self::Live | Self::SensitiveLive)
    }
}

/// One dissemination of the sanitised report: to whom, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dissemination {
    pub to: Label,
    pub at: Timestamp,
}

/// An intelligence report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntelligenceReport {
    /// When the information was received.
    pub received: Timestamp,
    pub text: Text,
    pub grading: Grading,
    pub status: IntelligenceStatus,
    /// The version that may be disseminated, with anything identifying the source removed.
    #[serde(default)]
    pub sanitised: Option<Text>,
    /// The people, objects, locations and events the report concerns ("linking").
    #[serde(default)]
    pub people: Vec<PersonRole>,
    #[serde(default)]
    pub objects: Vec<EntityId>,
    #[serde(default)]
    pub locations: Vec<EntityId>,
    #[serde(default)]
    pub events: Vec<EntityId>,
    #[serde(default)]
    pub disseminations: Vec<Dissemination>,
}

impl IntelligenceReport {
    pub(super) fn check(&self, c: &mut Checks) {
        if !self.disseminations.is_empty() {
            if self.sanitised.is_none() {
                c.push(
                    "disseminations",
                    "a report is disseminated only in its sanitised version; write the sanitised text first",
                );
            }
            if !self.status.live() {
                c.push("disseminations", "only a live report may be disseminated");
            }
        }
        if self.sanitised.as_ref().is_some_and(|s| s.as_str() == self.text.as_str()) {
            c.push("sanitised", "the sanitised version is the original text unchanged; remove what identifies the source");
        }
        for (i, d) in self.disseminations.iter().enumerate() {
            if d.at < self.received {
                c.push(format!("disseminations[{i}].at"), "a dissemination cannot be before the report was received");
            }
        }
        if self.status.live() && self.people.is_empty() && self.objects.is_empty() && self.locations.is_empty() && self.events.is_empty() {
            c.push("status", "a report becomes live once it is linked to the people or records it concerns");
        }
    }

    /// Whether the handling conditions are due for review on `today` (C handling only).
    pub fn conditions_review_due(&self, today: Date) -> bool {
        matches!(&self.grading.handling, Handling::C { review_by, .. } if *review_by <= today)
    }
}
