//! The records made at the scene and after it: the incident (the call and what was found), the
//! arrest, the anti-social behaviour report and the vulnerable-person report. Each refers to the
//! Event (what happened, when and where) and to the people involved by id; none copies them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::code_list::code_list;
use crate::ids::EntityId;
use crate::text::{Label, Text};

use super::offence::Offence;
use super::{Checks, PersonRole};

code_list! {
    /// How the call reached the force.
    pub enum CallChannel ("call channel") {
        Emergency = "emergency_999" | "999",
        NonEmergency = "non_emergency_101" | "101",
        Online = "online",
        InPerson = "in_person",
        Officer = "officer_generated",
        OtherAgency = "other_agency",
    }
}

code_list! {
    /// The response grade the call was given (the National Contact Management Principles).
    pub enum ResponseGrade ("response grade") {
        Immediate = "immediate" | "I",
        Priority = "priority" | "S",
        Scheduled = "scheduled",
        ResolvedWithoutDeployment = "resolved_without_deployment",
    }
}

/// The call that started an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    pub received: Timestamp,
    pub channel: CallChannel,
    #[serde(default)]
    pub grade: Option<ResponseGrade>,
}

code_list! {
    /// Whether an incident or report still needs work.
    pub enum OpenClosed ("status") {
        Open = "open",
        Closed = "closed",
    }
}

/// An incident (occurrence): the call, who reported it, who was involved, what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// What happened, when and where (an Event, whose location is the incident's location).
    pub event: EntityId,
    #[serde(default)]
    pub call: Option<Call>,
    #[serde(default)]
    pub reporting_person: Option<EntityId>,
    #[serde(default)]
    pub people: Vec<PersonRole>,
    pub narrative: Text,
    #[serde(default = "open")]
    pub status: OpenClosed,
}

fn open() -> OpenClosed {
    OpenClosed::Open
}

code_list! {
    /// Why an arrest was necessary: PACE 1984 s.24(5) (Code G para 2.9). An arrest without a
    /// warrant is lawful only if the officer has reasonable grounds for believing it necessary
    /// for one of these reasons, s.24(4), so at least one is required.
    pub enum Necessity ("arrest necessity reason, PACE s.24(5)") {
        /// s.24(5)(a): to enable the person's name to be ascertained.
        Name = "name" | "a",
        /// s.24(5)(b): to enable the person's address to be ascertained.
        Address = "address" | "b",
        /// s.24(5)(c)(i): to prevent the person causing physical injury to themselves or another.
        PreventInjury = "prevent_injury" | "c_i",
        /// s.24(5)(c)(ii): to prevent the person suffering physical injury.
        PreventSufferingInjury = "prevent_suffering_injury" | "c_ii",
        /// s.24(5)(c)(iii): to prevent loss of or damage to property.
        PreventDamage = "prevent_damage" | "c_iii",
        /// s.24(5)(c)(iv): to prevent an offence against public decency.
        PreventIndecency = "prevent_indecency" | "c_iv",
        /// s.24(5)(c)(v): to prevent an unlawful obstruction of the highway.
        PreventObstruction = "prevent_obstruction" | "c_v",
        /// s.24(5)(d): to protect a child or other vulnerable person.
        ProtectVulnerable = "protect_vulnerable" | "d",
        /// s.24(5)(e): to allow the prompt and effective investigation of the offence.
        Investigation = "investigation" | "e",
        /// s.24(5)(f): to prevent a prosecution being hindered by the person's disappearance.
        PreventDisappearance = "prevent_disappearance" | "f",
    }
}

/// An arrest. It opens a custody episode: the custody record refers to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arrest {
    pub person: EntityId,
    /// The Event the arrest arose from (the incident's or the crime's).
    pub event: EntityId,
    pub arrested_at: Timestamp,
    /// Where the arrest was made (a Location), when not the event's own place.
    #[serde(default)]
    pub place: Option<EntityId>,
    /// The offences suspected, from the reviewed list.
    #[serde(default)]
    pub offences: Vec<Offence>,
    /// The grounds for suspicion, in the officer's words (PACE s.24(2)–(3), Code G 2.2).
    pub grounds: Text,
    pub necessity: Vec<Necessity>,
    /// The arresting officer's name or warrant number, as recorded on the custody record.
    pub arresting_officer: Label,
    /// The incident record the arrest belongs to, if any.
    #[serde(default)]
    pub incident: Option<EntityId>,
}

impl Arrest {
    pub(super) fn check(&self, c: &mut Checks) {
        if self.necessity.is_empty() {
            c.push("necessity", "record at least one reason the arrest was necessary (PACE s.24(4)-(5))");
        }
    }
}

code_list! {
    /// The three categories of anti-social behaviour (Home Office ASB categories).
    pub enum AsbCategory ("anti-social behaviour category") {
        Personal = "personal",
        Nuisance = "nuisance",
        Environmental = "environmental",
    }
}

code_list! {
    /// A graded risk.
    pub enum Risk ("risk level") {
        Standard = "standard" | "low",
        Medium = "medium",
        High = "high",
    }
}

/// An anti-social behaviour report: the same person, place and event as the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsbReport {
    pub event: EntityId,
    pub category: AsbCategory,
    pub people: Vec<PersonRole>,
    pub narrative: Text,
    #[serde(default)]
    pub risk: Option<Risk>,
    #[serde(default = "open")]
    pub status: OpenClosed,
}

code_list! {
    /// Whose vulnerability the report is about.
    pub enum AtRisk ("person at risk") {
        Adult = "adult",
        Child = "child",
    }
}

code_list! {
    /// What the concern is.
    pub enum Concern ("concern") {
        DomesticAbuse = "domestic_abuse",
        MentalHealth = "mental_health",
        Neglect = "neglect",
        PhysicalAbuse = "physical_abuse",
        SexualExploitation = "sexual_exploitation",
        CriminalExploitation = "criminal_exploitation",
        SelfHarm = "self_harm",
        Missing = "missing",
        Other = "other",
    }
}

/// A vulnerable-person (adult or child at risk) report, for sharing with safeguarding partners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerablePersonReport {
    /// The person at risk.
    pub subject: EntityId,
    pub at_risk: AtRisk,
    pub event: EntityId,
    pub concerns: Vec<Concern>,
    pub risk: Risk,
    pub narrative: Text,
    /// Other people involved (the person causing harm, carers, witnesses).
    #[serde(default)]
    pub people: Vec<PersonRole>,
    /// Who it was referred to (children's or adult social care, a MASH).
    #[serde(default)]
    pub referred_to: Option<Label>,
}

impl VulnerablePersonReport {
    pub(super) fn check(&self, c: &mut Checks) {
        if self.concerns.is_empty() {
            c.push("concerns", "say what the concern is");
        }
        if self.people.iter().any(|p| p.person == self.subject) {
            c.push("people", "the person at risk is the report's subject; list only the others involved");
        }
    }
}
