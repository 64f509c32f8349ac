//! When a record about a nominal is next reviewed under MoPI (DOMAIN.md §7): the Code of Practice
//! on the Management of Police Information (2005, now the Police Information and Records
//! Management Code of Practice 2023) and APP Information Management, "Retention, review and
//! disposal". The schedule is a rule table ([`Schedule`]), not code: the commonly used one is
//! [`Schedule::DEFAULT`], which a force reviews and may change ("verify before treating as law").
//!
//! The rules, as the default table has them:
//!
//! - **Group 1**, certain public protection matters: kept until the subject is deemed 100 years
//!   old, and reviewed every 10 years meanwhile (the review checks the record is still adequate
//!   and up to date; disposal is for when the subject has reached 100).
//! - **Group 2**, other sexual, violent or serious offences: reviewed after a 10-year clear
//!   period; kept (if the subject still poses a risk) and reviewed again every 10 years.
//! - **Group 3**, all other offences: reviewed after a 6-year clear period, and never before six
//!   years from the record's creation (the general minimum); kept only if the review finds a need,
//!   and then reviewed again after 6 years.
//! - **Group 4**, undetected crime: kept according to the seriousness of the offence, that is as
//!   long as a detected crime of the offence's own group would first be kept (10 years for a
//!   Group 1 or 2 offence, 6 for the rest), and reviewed as that group is.
//!
//! A **clear period** runs from the subject's latest qualifying contact (a newer record about
//! them for an offence): new contact restarts it for every record about them. A review that keeps
//! a record sets the next one `review_every` years on, and never inside a clear period that a
//! later contact restarted.
//!
//! **Children under 10.** A child under 10 cannot be guilty of an offence (Children and Young
//! Persons Act 1933 s.50), so a record of what they did is never an offender record of Group 1 or
//! 2: it is graded no higher than Group 3.
//!
//! Adding years to 29 February lands on 28 February in a year without one: the earlier day, so a
//! review is never late.

use jiff::civil::Date;
use jiff::Span;
use serde::Serialize;

pub mod assessment;

use crate::ids::EntityId;
use crate::record::{MopiGroup, Record};

/// One group's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Years without new qualifying contact before the first review (the clear period).
    pub clear_period_years: i16,
    /// Years after the record's creation before which it is never reviewed for disposal.
    pub minimum_years: i16,
    /// Years from a review that kept the record to the next review.
    pub review_every_years: i16,
    /// Kept until the subject is deemed this old, whatever the reviews find (Group 1).
    pub until_age: Option<i16>,
}

/// The review schedule: a rule per group, and the age below which a child's record is graded no
/// higher than Group 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Schedule {
    pub group_1: Rule,
    pub group_2: Rule,
    pub group_3: Rule,
    /// The age of criminal responsibility (Children and Young Persons Act 1933 s.50: 10).
    pub age_of_responsibility: i16,
}

impl Schedule {
    /// The commonly used schedule (DOMAIN.md §7).
    pub const DEFAULT: Schedule = Schedule {
        group_1: Rule { clear_period_years: 10, minimum_years: 10, review_every_years: 10, until_age: Some(100) },
        group_2: Rule { clear_period_years: 10, minimum_years: 10, review_every_years: 10, until_age: None },
        group_3: Rule { clear_period_years: 6, minimum_years: 6, review_every_years: 6, until_age: None },
        age_of_responsibility: 10,
    };

    /// The rule of a detected group (Group 4 takes its offence's: see [`Facts::group`]).
    pub fn rule(&self, group: MopiGroup) -> &Rule {
        match group {
            MopiGroup::PublicProtection => &self.group_1,
            MopiGroup::SexualViolentSerious => &self.group_2,
            MopiGroup::OtherOffences | MopiGroup::Undetected => &self.group_3,
        }
    }

    /// The group a record is reviewed as: its own, a child's capped at Group 3, and an undetected
    /// crime as its offence's group.
    pub fn effective_group(&self, facts: &Facts) -> MopiGroup {
        let group = match facts.group {
            MopiGroup::Undetected => facts.offence_group.unwrap_or(MopiGroup::OtherOffences),
            other => other,
        };
        // Under 10 only if the earliest date of birth recorded says so: a doubt about age never
        // shortens how long an offender's record is kept.
        let child = facts.born.is_some_and(|born| age_on(born.earliest, facts.created) < self.age_of_responsibility);
        match group {
            MopiGroup::PublicProtection | MopiGroup::SexualViolentSerious if child => MopiGroup::OtherOffences,
            // An undetected crime's offence is graded 1–3; Group 4 itself is never its own rule.
            MopiGroup::Undetected => MopiGroup::OtherOffences,
            other => other,
        }
    }

    /// When the record described by `facts` is next due for review, and why.
    pub fn next_review(&self, facts: &Facts) -> Due {
        let group = self.effective_group(facts);
        let rule = self.rule(group);
        let contact = facts.last_contact.max(facts.created);
        let clear = years_after(contact, rule.clear_period_years);
        let (on, reason) = match facts.last_reviewed {
            None => {
                let minimum = years_after(facts.created, rule.minimum_years);
                if clear >= minimum { (clear, Reason::ClearPeriod { since: contact }) } else { (minimum, Reason::Minimum) }
            }
            Some(reviewed) => {
                let again = years_after(reviewed, rule.review_every_years);
                if clear > again { (clear, Reason::ClearPeriod { since: contact }) } else { (again, Reason::Periodic { since: reviewed }) }
            }
        };
        // Deemed 100 by the latest date of birth recorded: nobody is deemed 100 early.
        let deemed = rule.until_age.zip(facts.born).map(|(age, born)| years_after(born.latest, age));
        match deemed {
            // Group 1: the review at which the record may go is the subject's hundredth birthday.
            Some(birthday) if birthday <= on => Due { on: birthday.max(facts.created), group, reason: Reason::AgeReached, disposal_from: Some(birthday) },
            Some(birthday) => Due { on, group, reason, disposal_from: Some(birthday) },
            None if rule.until_age.is_some() => Due { on, group, reason, disposal_from: None },
            None => Due { on, group, reason, disposal_from: Some(on) },
        }
    }
}

/// What the schedule needs to know about a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The record's group (with any override applied).
    pub group: MopiGroup,
    /// For an undetected crime (Group 4), the group of its offence.
    pub offence_group: Option<MopiGroup>,
    /// When the record was made.
    pub created: Date,
    /// The subject's latest qualifying contact: the newest record about them for an offence
    /// (the record's own date when there is none newer).
    pub last_contact: Date,
    /// When it was last reviewed and kept.
    pub last_reviewed: Option<Date>,
    /// The subject's dates of birth, when known.
    pub born: Option<Birth>,
}

/// What is recorded of a subject's date of birth. Where several dates are recorded (an alias, a
/// correction not yet resolved), the schedule reads each rule from the date that keeps the record
/// longer: the earliest for "under 10", the latest for "deemed 100".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Birth {
    pub earliest: Date,
    pub latest: Date,
}

impl Birth {
    /// One date recorded.
    pub fn on(day: Date) -> Self {
        Self { earliest: day, latest: day }
    }

    /// The dates recorded, if any.
    pub fn of(days: impl IntoIterator<Item = Date>) -> Option<Self> {
        days.into_iter().fold(None, |acc: Option<Self>, d| {
            Some(acc.map_or(Self::on(d), |b| Self { earliest: b.earliest.min(d), latest: b.latest.max(d) }))
        })
    }

    /// Both `self`'s dates and `other`'s (the records of one nominal).
    pub fn with(self, other: Self) -> Self {
        Self { earliest: self.earliest.min(other.earliest), latest: self.latest.max(other.latest) }
    }
}

/// Why the review falls when it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// The clear period from the subject's latest contact ends.
    ClearPeriod { since: Date },
    /// The minimum period from the record's creation ends (later than the clear period).
    Minimum,
    /// The periodic review after a review that kept it.
    Periodic { since: Date },
    /// The subject is deemed to have reached the age the record is kept to (Group 1).
    AgeReached,
}

/// The next review of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    pub on: Date,
    /// The group it is reviewed as.
    pub group: MopiGroup,
    pub reason: Reason,
    /// From when the record may be disposed of at review: `None` while a Group 1 subject's age
    /// is unknown (they are never deemed 100 without a date of birth).
    pub disposal_from: Option<Date>,
}

/// The most serious of `groups` (Group 1 first), or Group 3 when there is none: a record that
/// names several offences is kept as long as its most serious needs.
pub fn most_serious(groups: impl IntoIterator<Item = MopiGroup>) -> MopiGroup {
    let rank = |g: &MopiGroup| match g {
        MopiGroup::PublicProtection => 0,
        MopiGroup::SexualViolentSerious => 1,
        MopiGroup::OtherOffences => 2,
        MopiGroup::Undetected => 3,
    };
    groups.into_iter().min_by_key(rank).unwrap_or(MopiGroup::OtherOffences)
}

/// The group a record is graded in from its type and offences (the rule table of record types):
///
/// | record | group |
/// |---|---|
/// | crime report | its offence's (an override with its reason; Group 4 once finalised undetected) |
/// | arrest | the most serious of the offences suspected |
/// | custody record | its arrest's (`related`), else Group 3 |
/// | case file | the most serious of its charges' offences |
/// | incident, intelligence, ASB, vulnerable person | Group 3 (their offences, if any, are on the crime reports) |
///
/// `related` gives the group of a record this one refers to, when the caller has it.
pub fn record_group(record: &Record, related: impl Fn(EntityId) -> Option<MopiGroup>) -> MopiGroup {
    match record {
        Record::CrimeReport(r) => r.mopi_group(),
        Record::Arrest(a) => most_serious(a.offences.iter().map(|o| o.mopi_group())),
        Record::CustodyRecord(c) => c.arrest.and_then(related).unwrap_or(MopiGroup::OtherOffences),
        Record::CaseFile(f) => most_serious(f.charges.iter().map(|c| c.offence.mopi_group())),
        Record::Incident(_) | Record::IntelligenceReport(_) | Record::AsbReport(_) | Record::VulnerablePersonReport(_) => MopiGroup::OtherOffences,
    }
}

/// The people a record holds as the (suspected) offender: a crime's, an incident's, an
/// intelligence report's or an ASB report's suspects and subjects, the person arrested or
/// detained, a case file's defendants. A record about them in Groups 1–3 is a qualifying contact
/// (it restarts the clear periods of everything about them); a victim, witness or person at risk
/// is never an offender.
pub fn offenders(record: &Record) -> Vec<EntityId> {
    use crate::record::Involvement::{Subject, Suspect};
    let roles = |people: &[crate::record::PersonRole], wanted: &[crate::record::Involvement]| {
        people.iter().filter(|p| wanted.contains(&p.role)).map(|p| p.person).collect::<Vec<_>>()
    };
    let mut out = match record {
        Record::CrimeReport(r) => roles(&r.people, &[Suspect]),
        Record::Incident(r) => roles(&r.people, &[Suspect]),
        Record::IntelligenceReport(r) => roles(&r.people, &[Suspect, Subject]),
        Record::AsbReport(r) => roles(&r.people, &[Suspect, Subject]),
        Record::Arrest(a) => vec![a.person],
        Record::CustodyRecord(c) => vec![c.person],
        Record::CaseFile(f) => f.charges.iter().map(|c| c.defendant).collect(),
        Record::VulnerablePersonReport(r) => roles(&r.people, &[Suspect]),
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// One record about a nominal, as the schedule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct About {
    /// The record's group (with any override applied).
    pub group: MopiGroup,
    /// For an undetected crime, its offence's group.
    pub offence_group: Option<MopiGroup>,
    pub created: Date,
    /// Whether the nominal is the record's (suspected) offender ([`offenders`]).
    pub offender: bool,
    pub last_reviewed: Option<Date>,
}

/// The next review of each of a nominal's records, in order. Each clear period runs from the
/// nominal's latest qualifying contact: the newest record in which they are the (suspected)
/// offender of a Group 1–3 matter (DOMAIN.md §7: new qualifying contact restarts the clock).
/// Their age counts only where they are the offender (a child victim does not make an assault a
/// Group 3 matter, and a victim's hundredth birthday does not end the offender's record).
pub fn nominal_reviews(schedule: &Schedule, born: Option<Birth>, records: &[About]) -> Vec<Due> {
    let latest = records
        .iter()
        .filter(|r| r.offender && r.group != MopiGroup::Undetected)
        .map(|r| r.created)
        .max();
    records
        .iter()
        .map(|r| {
            let facts = Facts {
                group: r.group,
                offence_group: r.offence_group,
                created: r.created,
                last_contact: latest.map_or(r.created, |l| l.max(r.created)),
                last_reviewed: r.last_reviewed,
                born: born.filter(|_| r.offender),
            };
            schedule.next_review(&facts)
        })
        .collect()
}

/// `years` years after `day` (29 February to 28 February when the year has none).
pub fn years_after(day: Date, years: i16) -> Date {
    day.checked_add(Span::new().years(years)).unwrap_or(Date::MAX)
}

/// Whole years of age on `day` of someone born on `born`.
pub fn age_on(born: Date, day: Date) -> i16 {
    born.until((jiff::Unit::Year, day)).map_or(0, |span| span.get_years())
}

#[cfg(test)]
mod tests;
