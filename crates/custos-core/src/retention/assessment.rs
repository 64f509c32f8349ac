//! A MoPI review's decision, checked against the National Retention Assessment Criteria (APP
//! Information Management, "Retention, review and disposal"; DOMAIN.md §7).
//!
//! The reviewer answers each criterion. Any yes means the record is kept and the next review is
//! scheduled; all no means it is disposed of, unless another policing purpose applies, which the
//! reviewer must then state. Every decision to keep is recorded with its reason, whatever the
//! answers (DOMAIN.md §7; *Catt v UK*: the review must happen and leave evidence). A record of
//! historical value may instead go to the restricted archive, again with its reason.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::code_list;

code_list! {
    /// The National Retention Assessment Criteria: the questions a review answers about the
    /// subject's risk of harm.
    pub enum Criterion ("retention criterion") {
        /// Is there evidence of a capacity to inflict serious harm?
        SeriousHarm = "serious_harm",
        /// Are there any concerns in relation to children or vulnerable adults?
        ChildrenOrVulnerable = "children_or_vulnerable",
        /// Did the behaviour involve a breach of trust?
        BreachOfTrust = "breach_of_trust",
        /// Is there evidence of established links or associations which might increase the risk
        /// of harm?
        Associations = "associations",
        /// Are there concerns in relation to substance misuse?
        SubstanceMisuse = "substance_misuse",
        /// Are there concerns that the individual's mental state might exacerbate risk?
        MentalState = "mental_state",
    }
}

impl Criterion {
    /// The question as the review form asks it.
    pub fn question(self) -> &'static str {
        match self {
            Self::SeriousHarm => "Is there evidence of a capacity to inflict serious harm?",
            Self::ChildrenOrVulnerable => "Are there any concerns in relation to children or vulnerable adults?",
            Self::BreachOfTrust => "Did the behaviour involve a breach of trust?",
            Self::Associations => "Is there evidence of established links or associations which might increase the risk of harm?",
            Self::SubstanceMisuse => "Are there concerns in relation to substance misuse?",
            Self::MentalState => "Are there concerns that the individual's mental state might exacerbate risk?",
        }
    }
}

code_list! {
    /// What a review decides.
    pub enum Outcome ("review outcome") {
        /// Keep it, and review it again.
        Retain = "retain",
        /// Delete it (the store removes its personal data everywhere).
        Dispose = "dispose",
        /// Move it to the restricted archive, out of operational use, for its historical value.
        Archive = "archive",
    }
}

/// A review as the reviewer submitted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub outcome: Outcome,
    /// The criteria answered yes; every other criterion was answered no.
    #[serde(default)]
    pub risks: BTreeSet<Criterion>,
    /// Why: required to retain or archive, and whenever the outcome goes against the answers.
    #[serde(default)]
    pub reason: Option<String>,
    /// An earlier next review than the schedule's, when the reviewer wants one.
    #[serde(default)]
    pub next_review: Option<Date>,
}

/// Why a review cannot be recorded as submitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("a decision to retain must give its reason")]
    RetainWithoutReason,
    #[error("a record goes to the archive only with the reason for its historical value")]
    ArchiveWithoutReason,
    #[error("the assessment found a risk ({0}): a record with a risk of harm is retained, not disposed of")]
    DisposeDespiteRisk(Criterion),
    #[error("the next review must fall after today and no later than the schedule's ({0})")]
    NextReviewOutOfRange(Date),
    #[error("a next review is set only when the record is retained")]
    NextReviewWithoutRetain,
    #[error("the reason is longer than 2000 characters")]
    ReasonTooLong,
}

/// The longest reason a decision keeps (a paragraph, not a file).
pub const MAX_REASON: usize = 2000;

impl Assessment {
    /// Checks the decision against the criteria on `today`, with `scheduled` the date the
    /// schedule gives for the next review if the record is kept. Returns the next review (for a
    /// retention) on success.
    pub fn check(&self, today: Date, scheduled: Date) -> Result<Option<Date>, Refusal> {
        let reason = self.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > MAX_REASON) {
            return Err(Refusal::ReasonTooLong);
        }
        match self.outcome {
            Outcome::Retain => {
                if reason.is_none() {
                    return Err(Refusal::RetainWithoutReason);
                }
                match self.next_review {
                    None => Ok(Some(scheduled)),
                    Some(day) if day > today && day <= scheduled => Ok(Some(day)),
                    Some(_) => Err(Refusal::NextReviewOutOfRange(scheduled)),
                }
            }
            Outcome::Dispose | Outcome::Archive if self.next_review.is_some() => Err(Refusal::NextReviewWithoutRetain),
            Outcome::Dispose => match self.risks.first() {
                Some(risk) => Err(Refusal::DisposeDespiteRisk(*risk)),
                None => Ok(None),
            },
            Outcome::Archive if reason.is_none() => Err(Refusal::ArchiveWithoutReason),
            Outcome::Archive => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn assessment(outcome: Outcome, risks: &[Criterion], reason: Option<&str>, next: Option<Date>) -> Assessment {
        Assessment { outcome, risks: risks.iter().copied().collect(), reason: reason.map(str::to_owned), next_review: next }
    }

    /// The rules of DOMAIN.md §7 and APP: any yes retains, all no disposes unless another
    /// purpose is stated, every retention has its reason.
    #[test]
    fn decisions_follow_the_criteria() {
        let today = date(2026, 12, 6);
        let scheduled = date(2036, 12, 6);
        use Criterion::*;
        use Outcome::*;
        let cases: &[(Assessment, Result<Option<Date>, Refusal>)] = &[
            (assessment(Retain, &[SeriousHarm], Some("threats with a knife to ex-partner"), None), Ok(Some(scheduled))),
            // All no, kept for another policing purpose: allowed, with that purpose as the reason.
            (assessment(Retain, &[], Some("linked to an open investigation"), None), Ok(Some(scheduled))),
            (assessment(Retain, &[SeriousHarm], None, None), Err(Refusal::RetainWithoutReason)),
            (assessment(Retain, &[SeriousHarm], Some("   "), None), Err(Refusal::RetainWithoutReason)),
            (assessment(Dispose, &[], None, None), Ok(None)),
            (assessment(Dispose, &[BreachOfTrust, MentalState], Some("no"), None), Err(Refusal::DisposeDespiteRisk(BreachOfTrust))),
            (assessment(Archive, &[], Some("the 1985 riot inquiry"), None), Ok(None)),
            (assessment(Archive, &[], None, None), Err(Refusal::ArchiveWithoutReason)),
            // An earlier review may be set; never a later one, nor one in the past.
            (assessment(Retain, &[Associations], Some("gang links"), Some(date(2030, 1, 1))), Ok(Some(date(2030, 1, 1)))),
            (assessment(Retain, &[Associations], Some("gang links"), Some(date(2037, 1, 1))), Err(Refusal::NextReviewOutOfRange(scheduled))),
            (assessment(Retain, &[Associations], Some("gang links"), Some(today)), Err(Refusal::NextReviewOutOfRange(scheduled))),
            (assessment(Dispose, &[], None, Some(date(2030, 1, 1))), Err(Refusal::NextReviewWithoutRetain)),
        ];
        for (a, expected) in cases {
            assert_eq!(&a.check(today, scheduled), expected, "{a:?}");
        }
        let long = "x".repeat(MAX_REASON + 1);
        assert_eq!(assessment(Retain, &[], Some(&long), None).check(today, scheduled), Err(Refusal::ReasonTooLong));
    }

    #[test]
    fn every_criterion_has_its_question() {
        assert_eq!(Criterion::ALL.len(), 6);
        for c in Criterion::ALL {
            assert!(c.question().ends_with('?'), "{c}");
            assert_eq!(c.as_str().parse::<Criterion>().ok(), Some(*c));
        }
    }
}
