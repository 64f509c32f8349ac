//! The custody record: one detention of one person, opened from the arrest (which names the
//! person and the arrest time) and holding the times the PACE clocks run from
//! ([`crate::custody::Detention`]), the rights given, the risk assessment, the property and the
//! disposal.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::code_list::code_list;
use crate::custody::{Arrival, Detention};
use crate::ids::EntityId;
use crate::text::{Label, Text};

use super::Checks;
use super::occurrence::Risk;

code_list! {
    /// The rights a detained person is told of (PACE Code C para 3.1; s.56 and s.58).
    pub enum Right ("right") {
        /// s.58: to consult a solicitor privately, free of charge.
        LegalAdvice = "legal_advice",
        /// s.56: to have someone told of the arrest.
        SomeoneInformed = "someone_informed",
        /// Code C 3.1(a)(iii): to consult the Codes of Practice.
        CodesOfPractice = "codes_of_practice",
    }
}

/// A right given: when the person was told, and what they asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RightGiven {
    pub right: Right,
    pub at: Timestamp,
    /// The person's answer (e.g. "wants the duty solicitor", "declined").
    #[serde(default)]
    pub response: Option<Label>,
}

/// The risk assessment on arrival (Code C para 3.6–3.10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskAssessment {
    pub at: Timestamp,
    pub level: Risk,
    #[serde(default)]
    pub notes: Option<Text>,
}

/// One item of the detained person's property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertyItem {
    pub description: Label,
    /// Kept by the police (rather than left with the person).
    #[serde(default)]
    pub retained: bool,
}

code_list! {
    /// How the detention ended.
    pub enum Disposal ("disposal") {
        Released = "released" | "no_further_action",
        Bailed = "bailed",
        Charged = "charged",
        ReleasedUnderInvestigation = "released_under_investigation" | "rui",
    }
}

/// A custody record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustodyRecord {
    pub person: EntityId,
    /// The arrest that opened this detention; `None` only for a voluntary attender arrested at
    /// the station (whose arrest time is then the detention's own).
    #[serde(default)]
    pub arrest: Option<EntityId>,
    /// The incident the detention arose from, shown to the custody officer.
    #[serde(default)]
    pub incident: Option<EntityId>,
    pub detention: Detention,
    #[serde(default)]
    pub rights: Vec<RightGiven>,
    #[serde(default)]
    pub risk_assessment: Option<RiskAssessment>,
    #[serde(default)]
    pub property: Vec<PropertyItem>,
    #[serde(default)]
    pub disposal: Option<Disposal>,
}

impl CustodyRecord {
    pub(super) fn check(&self, c: &mut Checks) {
        let d = &self.detention;
        if let Err(e) = d.validate() {
            c.push("detention", e);
        }
        if self.arrest.is_none() && d.arrival == Arrival::AfterArrest {
            c.push("arrest", "a person brought in under arrest is detained on that arrest; open the custody record from it");
        }
        for (i, r) in self.rights.iter().enumerate() {
            // At the station and under arrest: the later of the two (a voluntary attender is
            // arrested after arriving), as `Detention::validate` has it.
            if r.at < d.arrived.max(d.arrested) {
                c.push(format!("rights[{i}].at"), "rights are given once the person is at the station");
            }
            if d.released.is_some_and(|released| r.at > released) {
                c.push(format!("rights[{i}].at"), "rights cannot be given after the release");
            }
        }
        match (self.disposal, d.released, d.charged) {
            (Some(Disposal::Charged), _, None) => {
                c.push("disposal", "a disposal of charged needs the time of the charge (detention.charged)")
            }
            (Some(Disposal::Charged), _, Some(_)) => {}
            (Some(_), None, _) => c.push("disposal", "a disposal other than charge needs the time of release (detention.released)"),
            (None, Some(_), _) => c.push("disposal", "a released person's record says how they were released"),
            _ => {}
        }
    }

    /// The fields locked once submitted: the times already recorded. Adding a review, a right or
    /// an extension is not a change to them; altering or removing one is.
    pub(super) fn critical_changes(&self, newer: &Self, note: &mut impl FnMut(bool, &'static str)) {
        let (a, b) = (&self.detention, &newer.detention);
        note(self.person != newer.person || self.arrest != newer.arrest, "detained person");
        note(
            a.arrival != b.arrival || a.arrested != b.arrested || a.arrived != b.arrived || a.authorised != b.authorised,
            "detention times",
        );
        note(!b.reviews.starts_with(&a.reviews), "reviews");
        note(!b.extensions.starts_with(&a.extensions), "extensions");
        note(a.charged.is_some() && a.charged != b.charged, "charge time");
        note(a.released.is_some() && a.released != b.released, "release time");
        note(self.disposal.is_some() && self.disposal != newer.disposal, "disposal");
        let given = |r: &[RightGiven]| r.iter().map(|g| (g.right, g.at)).collect::<Vec<_>>();
        note(!given(&newer.rights).starts_with(&given(&self.rights)), "rights given");
    }
}
