//! The offence classification of a crime report (Home Office Counting Rules), the outcome types
//! a crime is finalised with, and the MoPI group an offence puts a record in.
//!
//! The classification is a reviewed code list of the common notifiable offences, each with its
//! Home Office classification code (HOCR, "Crime Recording: General Rules" and the
//! offence-classification annex), its short title and the MoPI retention group it falls in (APP
//! Information Management, "Retention, review and disposal": Group 1 certain public protection
//! matters, Group 2 other sexual, violent or serious offences, Group 3 all other offences). The
//! list is data, not logic: a force's crime registrar reviews it against the current HOCR release
//! (this copy was written without network access to the Home Office pages, so each code must be
//! checked against the published annex before go-live) and adds offences by adding rows.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::code_list::code_list;

code_list! {
    /// MoPI retention groups (APP Information Management; DOMAIN.md §7). The schedule that goes
    /// with each group is issue 7's rule table; this is only the grouping.
    pub enum MopiGroup ("MoPI group") {
        /// Certain public protection matters: MAPPA, serious specified offences, potentially
        /// dangerous persons. Retained until the subject is deemed 100, reviewed every 10 years.
        PublicProtection = "group_1" | "1",
        /// Other sexual, violent or serious offences: reviewed after a 10-year clear period.
        SexualViolentSerious = "group_2" | "2",
        /// All other offences: reviewed after a 6-year clear period.
        OtherOffences = "group_3" | "3",
        /// Undetected crime: retention tied to seriousness.
        Undetected = "group_4" | "4",
    }
}

/// One row of the reviewed offence list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OffenceClass {
    /// The Home Office classification code, e.g. `8N`.
    pub code: &'static str,
    pub title: &'static str,
    pub mopi_group: MopiGroup,
}

const fn row(code: &'static str, title: &'static str, mopi_group: MopiGroup) -> OffenceClass {
    OffenceClass { code, title, mopi_group }
}

use MopiGroup::{OtherOffences as G3, PublicProtection as G1, SexualViolentSerious as G2};

/// The reviewed list. Group 1 holds the offences that are "serious specified offences" (violent
/// or sexual, with a maximum of life or ten years or more, Sentencing Act 2020 Sch 18–19, formerly
/// Criminal Justice Act 2003 Sch 15); Group 2 the other violent and sexual offences and serious
/// drug and weapon offences; Group 3 the rest.
pub const OFFENCES: &[OffenceClass] = &[
    row("1", "Murder", G1),
    row("4/1", "Manslaughter", G1),
    row("2", "Attempted murder", G1),
    row("5D", "Assault with intent to cause serious harm", G1),
    row("5E", "Endangering life", G1),
    row("8N", "Assault with injury", G2),
    row("105A", "Assault without injury", G2),
    row("8L", "Harassment", G2),
    row("8Q", "Stalking", G2),
    row("8R", "Malicious communications", G3),
    row("8U", "Controlling or coercive behaviour", G2),
    row("19C", "Rape of a female aged 16 and over", G1),
    row("19D", "Rape of a female child under 16", G1),
    row("19F", "Rape of a male aged 16 and over", G1),
    row("17A", "Sexual assault on a male aged 13 and over", G1),
    row("20A", "Sexual assault on a female aged 13 and over", G1),
    row("34A", "Robbery of personal property", G1),
    row("34B", "Robbery of business property", G1),
    row("28E", "Burglary - residential (home)", G2),
    row("30C", "Burglary - business and community", G3),
    row("29", "Aggravated burglary", G1),
    row("37/2", "Aggravated vehicle taking", G3),
    row("39", "Theft from the person", G3),
    row("45", "Theft from a vehicle", G3),
    row("46", "Shoplifting", G3),
    row("48", "Theft or unauthorised taking of a motor vehicle", G3),
    row("49", "Other theft", G3),
    row("41", "Theft by an employee", G3),
    row("44", "Theft or unauthorised taking of a pedal cycle", G3),
    row("56A", "Arson endangering life", G1),
    row("56B", "Arson not endangering life", G1),
    row("58A", "Criminal damage to a dwelling", G3),
    row("58B", "Criminal damage to a building other than a dwelling", G3),
    row("58C", "Criminal damage to a vehicle", G3),
    row("58D", "Other criminal damage", G3),
    row("92A", "Trafficking in controlled drugs", G2),
    row("92D", "Possession of controlled drugs (excluding cannabis)", G3),
    row("92E", "Possession of cannabis", G3),
    row("10A", "Possession of firearms with intent", G1),
    row("10C", "Possession of other weapons", G2),
    row("10D", "Possession of an article with a blade or point", G2),
    row("9A", "Public fear, alarm or distress", G3),
    row("9B", "Racially or religiously aggravated public fear, alarm or distress", G2),
    row("66", "Other offences against the state or public order", G3),
];

/// An offence on the reviewed list, written as its classification code (`"8N"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Offence(&'static OffenceClass);

/// A code that is not on the reviewed offence list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an offence code on the reviewed Home Office Counting Rules list; use a classification code such as 8N (assault with injury) or 49 (other theft)")]
pub struct UnknownOffence(pub String);

impl Offence {
    pub fn parse(code: &str) -> Result<Self, UnknownOffence> {
        let wanted = code.trim();
        OFFENCES
            .iter()
            .find(|o| o.code.eq_ignore_ascii_case(wanted))
            .map(Self)
            .ok_or_else(|| UnknownOffence(code.to_owned()))
    }

    pub fn code(self) -> &'static str {
        self.0.code
    }

    pub fn title(self) -> &'static str {
        self.0.title
    }

    pub fn mopi_group(self) -> MopiGroup {
        self.0.mopi_group
    }
}

impl TryFrom<String> for Offence {
    type Error = UnknownOffence;
    fn try_from(s: String) -> Result<Self, UnknownOffence> {
        Self::parse(&s)
    }
}

impl From<Offence> for String {
    fn from(o: Offence) -> String {
        o.code().to_owned()
    }
}

impl fmt::Display for Offence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.title())
    }
}

code_list! {
    /// Home Office crime outcome types (the Crime Outcomes framework). Stored by name; the Home
    /// Office's own numbers (`1`, `1A`… `22`; there is no 19) are accepted as typed input.
    pub enum Outcome ("crime outcome") {
        Charged = "charged" | "1",
        AlternativeOffenceCharged = "alternative_offence_charged" | "1A",
        YouthCaution = "youth_caution" | "2",
        YouthConditionalCaution = "youth_conditional_caution" | "2A",
        AdultCaution = "adult_caution" | "3",
        AdultConditionalCaution = "adult_conditional_caution" | "3A",
        TakenIntoConsideration = "taken_into_consideration" | "4",
        OffenderDied = "offender_died" | "5",
        PenaltyNoticeForDisorder = "penalty_notice_for_disorder" | "6",
        CannabisOrKhatWarning = "cannabis_or_khat_warning" | "7",
        CommunityResolution = "community_resolution" | "8",
        ProsecutionNotInPublicInterest = "prosecution_not_in_public_interest" | "9",
        FormalActionNotInPublicInterest = "formal_action_not_in_public_interest" | "10",
        SuspectUnderAge = "suspect_under_age" | "11",
        SuspectTooIll = "suspect_too_ill" | "12",
        VictimOrWitnessUnavailable = "victim_or_witness_unavailable" | "13",
        NoSuspectVictimDeclines = "no_suspect_victim_declines" | "14",
        SuspectIdentifiedEvidentialDifficulties = "suspect_identified_evidential_difficulties" | "15",
        SuspectIdentifiedVictimDeclines = "suspect_identified_victim_declines" | "16",
        TimeLimitExpired = "time_limit_expired" | "17",
        NoSuspectIdentified = "no_suspect_identified" | "18",
        ActionByAnotherBody = "action_by_another_body" | "20",
        FurtherInvestigationNotInPublicInterest = "further_investigation_not_in_public_interest" | "21",
        DiversionaryActivity = "diversionary_activity" | "22",
    }
}

impl Outcome {
    /// The crime was finalised with nobody identified as its offender (outcomes 14 and 18): the
    /// record is an undetected crime for MoPI (Group 4).
    pub fn undetected(self) -> bool {
        matches!(self, Self::NoSuspectVictimDeclines | Self::NoSuspectIdentified)
    }

    /// An outcome that names no suspect: undetected (14, 18), or handed to another body (20),
    /// which may not have told the police who it was.
    pub fn needs_no_suspect(self) -> bool {
        self.undetected() || self == Self::ActionByAnotherBody
    }

    /// A charge or summons (outcomes 1 and 1A): the crime goes on to a prosecution case file.
    pub fn charged(self) -> bool {
        matches!(self, Self::Charged | Self::AlternativeOffenceCharged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        for (i, o) in OFFENCES.iter().enumerate() {
            assert!(OFFENCES[..i].iter().all(|p| p.code != o.code), "{} twice", o.code);
            let parsed = Offence::parse(o.code).unwrap();
            assert_eq!(parsed.title(), o.title);
            let json = serde_json::to_string(&parsed).unwrap();
            assert_eq!(serde_json::from_str::<Offence>(&json).unwrap(), parsed);
        }
        assert_eq!(Offence::parse(" 8n ").unwrap().code(), "8N");
    }

    #[test]
    fn unknown_codes_are_refused_with_a_hint() {
        let err = Offence::parse("8Z").unwrap_err();
        assert!(err.to_string().contains("\"8Z\" is not an offence code"), "{err}");
        assert!(serde_json::from_str::<Offence>("\"ABH\"").is_err());
    }

    #[test]
    fn groups_follow_seriousness() {
        // Table from the MoPI grouping: serious specified violent and sexual offences are Group 1,
        // other violence Group 2, volume property crime Group 3.
        for (code, group) in [
            ("1", G1),
            ("19C", G1),
            ("34A", G1),
            ("8N", G2),
            ("8U", G2),
            ("46", G3),
            ("58C", G3),
        ] {
            assert_eq!(Offence::parse(code).unwrap().mopi_group(), group, "{code}");
        }
    }

    #[test]
    fn outcome_numbers_are_aliases() {
        assert_eq!("1".parse::<Outcome>().unwrap(), Outcome::Charged);
        assert_eq!("18".parse::<Outcome>().unwrap(), Outcome::NoSuspectIdentified);
        assert!("19".parse::<Outcome>().is_err(), "there is no outcome 19");
        assert!(Outcome::NoSuspectIdentified.undetected());
        assert!(!Outcome::Charged.undetected());
        assert!(Outcome::AlternativeOffenceCharged.charged());
    }
}
