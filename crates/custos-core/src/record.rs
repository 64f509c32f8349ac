//! Operational records (DOMAIN.md §3): the incident, arrest, custody record, crime report,
//! intelligence report, prosecution case file, anti-social behaviour report and vulnerable-person
//! report. Each is an entity like the POLE ones (versioned, marked, authorised, audited), and
//! each refers to the people, objects, locations and events it concerns by id, never copying
//! them: the same person, place and event serve every record made about them.
//!
//! A record is valid by type when it parses (every code on its list, every time an instant);
//! [`Record::check`] adds the rules between its own fields (custody times in order, a grading's
//! conditions, a case file's charges), and [`Record::check_against`] the rules between records
//! (a charge against a suspect of the crime, a custody record for the person arrested), which the
//! store applies once it has read the records referred to.

pub mod crime;
pub mod custody_record;
pub mod intelligence;
pub mod occurrence;
pub mod offence;
#[cfg(test)]
mod tests;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::code_list::code_list;
use crate::draft::{Collector, FieldErrors};
use crate::entity::{EntityBody, EntityKind};
use crate::ids::EntityId;

pub use crime::{CaseFile, CrimeReport};
pub use custody_record::CustodyRecord;
pub use intelligence::IntelligenceReport;
pub use occurrence::{Arrest, AsbReport, Incident, VulnerablePersonReport};
pub use offence::{MopiGroup, Offence, Outcome};

/// The rule checks of a record collect field errors the way drafts do.
pub(crate) type Checks = Collector;

code_list! {
    /// How a person is involved in what a record describes.
    pub enum Involvement ("involvement") {
        Suspect = "suspect",
        Victim = "victim",
        Witness = "witness",
        Reporter = "reporter",
        /// The person the record is about (an ASB perpetrator, a missing person).
        Subject = "subject",
        Other = "other",
    }
}

/// A person, by reference, and how they are involved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRole {
    pub person: EntityId,
    pub role: Involvement,
}

/// One operational record. Serialised as `{"custody_record":{…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    Incident(Incident),
    Arrest(Arrest),
    CustodyRecord(CustodyRecord),
    CrimeReport(CrimeReport),
    IntelligenceReport(IntelligenceReport),
    CaseFile(CaseFile),
    AsbReport(AsbReport),
    VulnerablePersonReport(VulnerablePersonReport),
}

/// A reference a record makes: the field it is in, the id, the kind the target must be.
pub type Reference = (&'static str, EntityId, EntityKind);

fn people(field: &'static str, roles: &[PersonRole]) -> impl Iterator<Item = Reference> {
    roles.iter().map(move |p| (field, p.person, EntityKind::Person))
}

impl Record {
    pub fn kind(&self) -> EntityKind {
        match self {
            Self::Incident(_) => EntityKind::Incident,
            Self::Arrest(_) => EntityKind::Arrest,
            Self::CustodyRecord(_) => EntityKind::CustodyRecord,
            Self::CrimeReport(_) => EntityKind::CrimeReport,
            Self::IntelligenceReport(_) => EntityKind::IntelligenceReport,
            Self::CaseFile(_) => EntityKind::CaseFile,
            Self::AsbReport(_) => EntityKind::AsbReport,
            Self::VulnerablePersonReport(_) => EntityKind::VulnerablePersonReport,
        }
    }

    /// The rules between the record's own fields: every problem at once.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut c = Checks::default();
        match self {
            Self::Arrest(a) => a.check(&mut c),
            Self::CustodyRecord(r) => r.check(&mut c),
            Self::CrimeReport(r) => r.check(&mut c),
            Self::IntelligenceReport(r) => r.check(&mut c),
            Self::CaseFile(f) => f.check(&mut c),
            Self::VulnerablePersonReport(r) => r.check(&mut c),
            Self::Incident(_) | Self::AsbReport(_) => {}
        }
        if c.is_empty() { Ok(()) } else { Err(c.into_errors()) }
    }

    /// Every entity the record refers to, with the kind it must be.
    pub fn references(&self) -> Vec<Reference> {
        let event = |id| ("event", id, EntityKind::Event);
        let mut refs: Vec<Reference> = Vec::new();
        match self {
            Self::Incident(r) => {
                refs.push(event(r.event));
                refs.extend(r.reporting_person.map(|id| ("reporting_person", id, EntityKind::Person)));
                refs.extend(people("people", &r.people));
            }
            Self::Arrest(r) => {
                refs.push(("person", r.person, EntityKind::Person));
                refs.push(event(r.event));
                refs.extend(r.place.map(|id| ("place", id, EntityKind::Location)));
                refs.extend(r.incident.map(|id| ("incident", id, EntityKind::Incident)));
            }
            Self::CustodyRecord(r) => {
                refs.push(("person", r.person, EntityKind::Person));
                refs.extend(r.arrest.map(|id| ("arrest", id, EntityKind::Arrest)));
                refs.extend(r.incident.map(|id| ("incident", id, EntityKind::Incident)));
            }
            Self::CrimeReport(r) => {
                refs.push(event(r.event));
                refs.extend(people("people", &r.people));
            }
            Self::IntelligenceReport(r) => {
                refs.extend(people("people", &r.people));
                refs.extend(r.objects.iter().map(|id| ("objects", *id, EntityKind::Object)));
                refs.extend(r.locations.iter().map(|id| ("locations", *id, EntityKind::Location)));
                refs.extend(r.events.iter().map(|id| ("events", *id, EntityKind::Event)));
            }
            Self::CaseFile(f) => {
                refs.push(("crime_report", f.crime_report, EntityKind::CrimeReport));
                refs.extend(f.charges.iter().map(|c| ("charges", c.defendant, EntityKind::Person)));
                refs.extend(f.evidence.iter().filter_map(|e| e.object).map(|id| ("evidence", id, EntityKind::Object)));
            }
            Self::AsbReport(r) => {
                refs.push(event(r.event));
                refs.extend(people("people", &r.people));
            }
            Self::VulnerablePersonReport(r) => {
                refs.push(("subject", r.subject, EntityKind::Person));
                refs.push(event(r.event));
                refs.extend(people("people", &r.people));
            }
        }
        refs
    }

    /// The records whose content the rules between records need (see [`Record::check_against`]).
    pub fn depends_on(&self) -> Vec<EntityId> {
        match self {
            Self::CustodyRecord(r) => r.arrest.into_iter().collect(),
            Self::CaseFile(f) => vec![f.crime_report],
            _ => Vec::new(),
        }
    }

    /// The rules between this record and those it depends on, given by `stored` (the current
    /// version of each id in [`Record::depends_on`]; a missing one is the store's concern).
    /// People are compared as Golden Nominals: `nominal` gives the record a person id now
    /// belongs to (a merged duplicate's primary, else the id itself), so a suspect recorded
    /// before a merge can be charged under the merged record.
    pub fn check_against<'a>(
        &self,
        stored: impl Fn(EntityId) -> Option<&'a Record>,
        nominal: impl Fn(EntityId) -> EntityId,
    ) -> Result<(), FieldErrors> {
        let mut c = Checks::default();
        match self {
            Self::CaseFile(f) => {
                if let Some(Record::CrimeReport(crime)) = stored(f.crime_report) {
                    for field in f.charges_not_against_suspects(crime, &nominal) {
                        c.push(field, "a charge is against a suspect on the crime report; link the person to the crime as a suspect first");
                    }
                }
            }
            Self::CustodyRecord(r) => {
                if let Some(Record::Arrest(arrest)) = r.arrest.and_then(&stored) {
                    if nominal(arrest.person) != nominal(r.person) {
                        c.push("person", "the custody record is for the person arrested");
                    }
                    if arrest.arrested_at != r.detention.arrested {
                        c.push("detention.arrested", "the arrest time is the arrest record's");
                    }
                    if r.incident.is_some() && arrest.incident.is_some() && r.incident != arrest.incident {
                        c.push("incident", "the incident is the arrest's");
                    }
                }
            }
            _ => {}
        }
        if c.is_empty() { Ok(()) } else { Err(c.into_errors()) }
    }

    /// The critical fields that differ between `self` and `newer` (locked once submitted:
    /// times, grounds, grading, charges, and what the record is about).
    pub(crate) fn critical_changes(&self, newer: &Record, note: &mut impl FnMut(bool, &'static str)) {
        match (self, newer) {
            (Self::Incident(a), Self::Incident(b)) => {
                note(a.event != b.event, "event");
                note(a.call.as_ref().map(|c| c.received) != b.call.as_ref().map(|c| c.received), "call time");
            }
            (Self::Arrest(a), Self::Arrest(b)) => {
                note(a.person != b.person, "arrested person");
                note(a.event != b.event, "event");
                note(a.arrested_at != b.arrested_at, "arrest time");
                note(a.grounds != b.grounds || a.necessity != b.necessity, "grounds");
            }
            (Self::CustodyRecord(a), Self::CustodyRecord(b)) => a.critical_changes(b, note),
            (Self::CrimeReport(a), Self::CrimeReport(b)) => {
                note(a.event != b.event, "event");
                note(a.offence != b.offence, "offence");
                // An override sets the group by hand: changing it is a re-grading, with a reason.
                note(a.mopi_override != b.mopi_override, "MoPI group");
            }
            (Self::IntelligenceReport(a), Self::IntelligenceReport(b)) => {
                note(a.grading != b.grading, "grading");
                note(a.text != b.text || a.received != b.received, "intelligence text");
                note(!b.disseminations.starts_with(&a.disseminations), "disseminations");
                // What was shared stays as it was shared.
                note(!a.disseminations.is_empty() && a.sanitised != b.sanitised, "sanitised version");
            }
            (Self::CaseFile(a), Self::CaseFile(b)) => {
                note(a.crime_report != b.crime_report, "crime report");
                note(a.charges != b.charges, "charges");
            }
            (Self::AsbReport(a), Self::AsbReport(b)) => note(a.event != b.event, "event"),
            (Self::VulnerablePersonReport(a), Self::VulnerablePersonReport(b)) => {
                note(a.subject != b.subject, "person at risk");
                note(a.event != b.event, "event");
            }
            _ => note(true, "record type"),
        }
    }

    /// Whether the record may be stored only under the SENSITIVE marking (a sensitive
    /// intelligence state).
    pub fn needs_sensitive_marking(&self) -> bool {
        matches!(self, Self::IntelligenceReport(r) if r.status.sensitive())
    }

    /// How many disseminations this version records that `before` (the previous version, if
    /// any) did not: each is a disclosure, audited as one (DPA 2018 s.62(1)(d): logs of
    /// disclosures). What was disseminated stays recorded as it was, whatever the kind of change
    /// and whether or not the report was submitted: a version that drops or rewrites an earlier
    /// dissemination is refused with the reason.
    pub fn new_disseminations(&self, before: Option<&EntityBody>) -> Result<usize, String> {
        let Self::IntelligenceReport(now) = self else { return Ok(0) };
        let earlier: &[intelligence::Dissemination] = match before {
            Some(EntityBody::Record(Self::IntelligenceReport(r))) => &r.disseminations,
            _ => &[],
        };
        if !now.disseminations.starts_with(earlier) {
            return Err("a dissemination, once recorded, stays as it was: add new ones after it".into());
        }
        Ok(now.disseminations.len() - earlier.len())
    }

    /// Its status, for filtering a search (`open`, `finalised`, `live`…), where it has one.
    pub fn status(&self) -> Option<&'static str> {
        match self {
            Self::Incident(r) => Some(r.status.as_str()),
            Self::AsbReport(r) => Some(r.status.as_str()),
            Self::CrimeReport(r) => Some(r.status.as_str()),
            Self::IntelligenceReport(r) => Some(r.status.as_str()),
            Self::CaseFile(f) => Some(f.status.as_str()),
            Self::CustodyRecord(r) => Some(match r.disposal {
                Some(d) => d.as_str(),
                None => "in_custody",
            }),
            Self::Arrest(_) | Self::VulnerablePersonReport(_) => None,
        }
    }

    /// When what it records happened, where the record itself says (otherwise the Event's time).
    pub fn when(&self) -> Option<Timestamp> {
        match self {
            Self::Incident(r) => r.call.as_ref().map(|c| c.received),
            Self::Arrest(r) => Some(r.arrested_at),
            Self::CustodyRecord(r) => Some(r.detention.arrived),
            Self::IntelligenceReport(r) => Some(r.received),
            _ => None,
        }
    }

    /// The Event it records, if it names one.
    pub fn event(&self) -> Option<EntityId> {
        match self {
            Self::Incident(r) => Some(r.event),
            Self::Arrest(r) => Some(r.event),
            Self::CrimeReport(r) => Some(r.event),
            Self::AsbReport(r) => Some(r.event),
            Self::VulnerablePersonReport(r) => Some(r.event),
            Self::CustodyRecord(_) | Self::IntelligenceReport(_) | Self::CaseFile(_) => None,
        }
    }

    /// The free text a full-text search reads: narratives, grounds, intelligence, particulars.
    pub fn text(&self) -> Vec<&str> {
        match self {
            Self::Incident(r) => vec![r.narrative.as_str()],
            Self::Arrest(r) => vec![r.grounds.as_str(), r.arresting_officer.as_str()],
            Self::CustodyRecord(r) => {
                let mut t: Vec<&str> = r.property.iter().map(|p| p.description.as_str()).collect();
                t.extend(r.risk_assessment.as_ref().and_then(|a| a.notes.as_ref()).map(|n| n.as_str()));
                t
            }
            Self::CrimeReport(r) => vec![r.narrative.as_str(), r.offence.title()],
            Self::IntelligenceReport(r) => {
                let mut t = vec![r.text.as_str()];
                t.extend(r.sanitised.as_ref().map(|s| s.as_str()));
                t
            }
            Self::CaseFile(f) => {
                let mut t: Vec<&str> = f.charges.iter().map(|c| c.particulars.as_str()).collect();
                t.extend(f.evidence.iter().map(|e| e.description.as_str()));
                t
            }
            Self::AsbReport(r) => vec![r.narrative.as_str()],
            Self::VulnerablePersonReport(r) => vec![r.narrative.as_str()],
        }
    }
}
