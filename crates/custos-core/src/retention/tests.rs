//! The review schedule, table by table, against the rules of DOMAIN.md §7 (the commonly used
//! MoPI schedule) and the Children and Young Persons Act 1933 s.50.

use jiff::civil::{Date, date};

use super::*;
use crate::record::MopiGroup::{OtherOffences as G3, PublicProtection as G1, SexualViolentSerious as G2, Undetected as G4};

fn facts(group: MopiGroup, created: Date) -> Facts {
    Facts { group, offence_group: None, created, last_contact: created, last_reviewed: None, born: None }
}

#[test]
fn group_3_is_reviewed_after_a_six_year_clear_period_which_new_contact_restarts() {
    let s = Schedule::DEFAULT;
    let f = facts(G3, date(2020, 1, 15));
    assert_eq!(s.next_review(&f), Due { on: date(2026, 1, 15), group: G3, reason: Reason::ClearPeriod { since: date(2020, 1, 15) }, disposal_from: Some(date(2026, 1, 15)) });
    let later = Facts { last_contact: date(2023, 5, 1), ..f };
    assert_eq!(s.next_review(&later).on, date(2029, 5, 1));
    assert_eq!(s.next_review(&later).reason, Reason::ClearPeriod { since: date(2023, 5, 1) });
    // Kept at review: six years on.
    let kept = Facts { last_reviewed: Some(date(2026, 2, 1)), ..f };
    assert_eq!(s.next_review(&kept), Due { on: date(2032, 2, 1), group: G3, reason: Reason::Periodic { since: date(2026, 2, 1) }, disposal_from: Some(date(2032, 2, 1)) });
}

#[test]
fn the_minimum_from_creation_holds_when_the_clear_period_is_shorter() {
    let s = Schedule { group_3: Rule { clear_period_years: 3, ..Schedule::DEFAULT.group_3 }, ..Schedule::DEFAULT };
    let f = facts(G3, date(2020, 1, 15));
    assert_eq!(s.next_review(&f).on, date(2026, 1, 15));
    assert_eq!(s.next_review(&f).reason, Reason::Minimum);
    // A contact late enough makes the clear period the later date.
    let later = Facts { last_contact: date(2025, 1, 1), ..f };
    assert_eq!(s.next_review(&later).on, date(2028, 1, 1));
}

#[test]
fn group_2_is_reviewed_after_ten_clear_years_and_every_ten_years_while_kept() {
    let s = Schedule::DEFAULT;
    let f = facts(G2, date(2010, 3, 1));
    assert_eq!(s.next_review(&f).on, date(2020, 3, 1));
    let kept = Facts { last_reviewed: Some(date(2020, 3, 10)), ..f };
    assert_eq!(s.next_review(&kept).on, date(2030, 3, 10));
    // New contact after the review restarts the clear period: the later date wins.
    let again = Facts { last_contact: date(2025, 1, 1), ..kept };
    assert_eq!(s.next_review(&again), Due { on: date(2035, 1, 1), group: G2, reason: Reason::ClearPeriod { since: date(2025, 1, 1) }, disposal_from: Some(date(2035, 1, 1)) });
}

#[test]
fn group_1_is_kept_until_the_subject_is_deemed_100_and_reviewed_every_ten_years() {
    let s = Schedule::DEFAULT;
    let f = Facts { born: Some(Birth::on(date(1950, 1, 1))), ..facts(G1, date(2000, 6, 1)) };
    assert_eq!(s.next_review(&f), Due { on: date(2010, 6, 1), group: G1, reason: Reason::ClearPeriod { since: date(2000, 6, 1) }, disposal_from: Some(date(2050, 1, 1)) });
    let kept = Facts { last_reviewed: Some(date(2040, 7, 1)), ..f };
    assert_eq!(s.next_review(&kept).on, date(2050, 1, 1), "the hundredth birthday comes before the periodic review");
    assert_eq!(s.next_review(&kept).reason, Reason::AgeReached);
    // Without a date of birth nobody is deemed 100: reviewed every ten years, never disposable by age.
    let unknown = facts(G1, date(2000, 6, 1));
    assert_eq!(s.next_review(&unknown).disposal_from, None);
    assert_eq!(s.next_review(&Facts { last_reviewed: Some(date(2090, 1, 1)), ..unknown }).on, date(2100, 1, 1));
}

#[test]
fn a_subject_already_100_is_due_at_once_not_before_the_record() {
    let s = Schedule::DEFAULT;
    let f = Facts { born: Some(Birth::on(date(1920, 3, 3))), ..facts(G1, date(2021, 4, 1)) };
    let due = s.next_review(&f);
    assert_eq!((due.on, due.reason), (date(2021, 4, 1), Reason::AgeReached));
}

#[test]
fn leap_days_move_to_the_earlier_day() {
    let s = Schedule::DEFAULT;
    assert_eq!(s.next_review(&facts(G3, date(2020, 2, 29))).on, date(2026, 2, 28));
    assert_eq!(s.next_review(&facts(G3, date(2018, 2, 28))).on, date(2024, 2, 28));
    let f = Facts { born: Some(Birth::on(date(1944, 2, 29))), last_reviewed: Some(date(2040, 1, 1)), ..facts(G1, date(2000, 1, 1)) };
    assert_eq!(s.next_review(&f).on, date(2044, 2, 29), "2044 has a 29 February");
    let f = Facts { born: Some(Birth::on(date(1948, 2, 29))), last_reviewed: Some(date(2040, 1, 1)), ..facts(G1, date(2000, 1, 1)) };
    assert_eq!(s.next_review(&f).on, date(2048, 2, 29));
    let f = Facts { born: Some(Birth::on(date(1952, 2, 29))), last_reviewed: Some(date(2045, 1, 1)), ..facts(G1, date(2000, 1, 1)) };
    assert_eq!(s.next_review(&f).disposal_from, Some(date(2052, 2, 29)));
    assert_eq!(years_after(date(1996, 2, 29), 101), date(2097, 2, 28));
}

#[test]
fn undetected_crime_is_kept_as_long_as_its_offence_is_serious() {
    let s = Schedule::DEFAULT;
    let murder = Facts { offence_group: Some(G1), ..facts(G4, date(2015, 9, 9)) };
    let due = s.next_review(&murder);
    assert_eq!((due.on, due.group), (date(2025, 9, 9), G1));
    assert_eq!(due.disposal_from, None, "an undetected murder has no subject to reach 100");
    let assault = Facts { offence_group: Some(G2), ..facts(G4, date(2015, 9, 9)) };
    assert_eq!(s.next_review(&assault).on, date(2025, 9, 9));
    let theft = Facts { offence_group: Some(G3), ..facts(G4, date(2015, 9, 9)) };
    assert_eq!(s.next_review(&theft).on, date(2021, 9, 9));
    assert_eq!(s.next_review(&facts(G4, date(2015, 9, 9))).group, G3, "no offence known: the shortest");
}

#[test]
fn a_child_under_ten_is_never_in_group_1_or_2() {
    let s = Schedule::DEFAULT;
    let eight = Facts { born: Some(Birth::on(date(2012, 5, 1))), ..facts(G2, date(2021, 1, 1)) };
    assert_eq!(s.effective_group(&eight), G3);
    assert_eq!(s.next_review(&eight).on, date(2027, 1, 1));
    let nine_and_a_day_short = Facts { born: Some(Birth::on(date(2011, 1, 2))), ..facts(G1, date(2021, 1, 1)) };
    assert_eq!(s.effective_group(&nine_and_a_day_short), G3);
    let ten = Facts { born: Some(Birth::on(date(2011, 1, 1))), ..facts(G1, date(2021, 1, 1)) };
    assert_eq!(s.effective_group(&ten), G1, "ten on the day: responsible");
    assert_eq!(age_on(date(2011, 1, 1), date(2021, 1, 1)), 10);
    assert_eq!(age_on(date(2011, 1, 2), date(2021, 1, 1)), 9);
}

#[test]
fn two_recorded_dates_of_birth_each_keep_the_record_longer() {
    let s = Schedule::DEFAULT;
    // Recorded as born in 2005 and in 2013: eight by one date, sixteen by the other when the
    // record is made. Not certainly under 10, so still Group 1.
    let born = Birth::of([date(2013, 1, 1), date(2005, 1, 1)]);
    assert_eq!(born, Some(Birth { earliest: date(2005, 1, 1), latest: date(2013, 1, 1) }));
    let f = Facts { born, ..facts(G1, date(2021, 1, 1)) };
    assert_eq!(s.effective_group(&f), G1, "the earliest date decides whether they were under 10");
    // Deemed 100 by the later date: 2113, not 2105.
    assert_eq!(s.next_review(&f).disposal_from, Some(date(2113, 1, 1)));
    assert_eq!(Birth::of([]), None);
    assert_eq!(Birth::on(date(2005, 1, 1)).with(Birth::on(date(2013, 1, 1))), born.unwrap());
}

fn record(value: serde_json::Value) -> Record {
    serde_json::from_value(value).unwrap()
}

#[test]
fn each_record_type_is_graded_by_its_offences() {
    let id = "0190a3c4-1111-7000-8000-000000000001";
    let arrest = record(serde_json::json!({"arrest": {"person": id, "event": id, "arrested_at": "2026-03-01T22:10:00Z",
        "offences": ["105A", "1"], "grounds": "Seen", "necessity": ["investigation"], "arresting_officer": "PC 1"}}));
    assert_eq!(record_group(&arrest, |_| None), G1, "murder is the most serious of the two");
    let none = record(serde_json::json!({"arrest": {"person": id, "event": id, "arrested_at": "2026-03-01T22:10:00Z",
        "grounds": "Seen", "necessity": ["investigation"], "arresting_officer": "PC 1"}}));
    assert_eq!(record_group(&none, |_| None), G3);
    let crime = record(serde_json::json!({"crime_report": {"event": id, "offence": "8N", "narrative": "Hit", "status": "recorded"}}));
    assert_eq!(record_group(&crime, |_| None), G2);
    let undetected = record(serde_json::json!({"crime_report": {"event": id, "offence": "8N", "narrative": "Hit", "status": "finalised", "outcome": "no_suspect_identified"}}));
    assert_eq!(record_group(&undetected, |_| None), G4);
    let custody = record(serde_json::json!({"custody_record": {"person": id, "arrest": id, "detention": {
        "arrival": "after_arrest", "arrested": "2026-03-01T22:10:00Z", "arrived": "2026-03-01T22:40:00Z", "authorised": "2026-03-01T22:55:00Z",
        "reviews": [], "extensions": [], "charged": null, "released": null}}}));
    assert_eq!(record_group(&custody, |_| Some(G1)), G1, "its arrest's");
    assert_eq!(record_group(&custody, |_| None), G3);
    assert_eq!(most_serious([G3, G2, G4]), G2);
    assert_eq!(most_serious([]), G3);
}

#[test]
fn a_new_offence_restarts_the_clear_period_of_everything_about_the_nominal() {
    let s = Schedule::DEFAULT;
    let about = |group, created, offender| About { group, offence_group: None, created, offender, last_reviewed: None };
    let records = [
        about(G3, date(2015, 4, 1), true),   // shoplifting
        about(G2, date(2016, 6, 1), true),   // assault
        about(G3, date(2021, 9, 1), true),   // a new offence: the latest qualifying contact
        about(G3, date(2023, 1, 1), false),  // a witness statement: not a contact
    ];
    let due: Vec<Date> = nominal_reviews(&s, None, &records).iter().map(|d| d.on).collect();
    assert_eq!(due, [date(2027, 9, 1), date(2031, 9, 1), date(2027, 9, 1), date(2029, 1, 1)]);
    // Without the 2021 offence each runs from its own date (the witness record from its own too).
    let before: Vec<Date> = nominal_reviews(&s, None, &records[..2]).iter().map(|d| d.on).collect();
    assert_eq!(before, [date(2022, 6, 1), date(2026, 6, 1)]);
    // Being the victim of an undetected crime is no contact either.
    let undetected = [about(G3, date(2015, 4, 1), true), About { offence_group: Some(G3), ..about(G4, date(2020, 1, 1), true) }];
    assert_eq!(nominal_reviews(&s, None, &undetected)[0].on, date(2021, 4, 1));
}

#[test]
fn offenders_are_suspects_subjects_the_arrested_and_defendants_never_victims() {
    let (a, b) = ("0190a3c4-1111-7000-8000-00000000000a", "0190a3c4-1111-7000-8000-00000000000b");
    let crime = record(serde_json::json!({"crime_report": {"event": a, "offence": "8N", "narrative": "Hit", "status": "recorded",
        "people": [{"person": a, "role": "suspect"}, {"person": b, "role": "victim"}]}}));
    assert_eq!(offenders(&crime), [a.parse::<EntityId>().unwrap()]);
    let at_risk = record(serde_json::json!({"vulnerable_person_report": {"subject": b, "at_risk": "adult", "event": a,
        "concerns": ["domestic_abuse"], "risk": "medium", "narrative": "At risk"}}));
    assert!(offenders(&at_risk).is_empty());
    let arrest = record(serde_json::json!({"arrest": {"person": b, "event": a, "arrested_at": "2026-03-01T22:10:00Z",
        "grounds": "Seen", "necessity": ["investigation"], "arresting_officer": "PC 1"}}));
    assert_eq!(offenders(&arrest), [b.parse::<EntityId>().unwrap()]);
}

#[test]
fn a_nominals_age_counts_only_where_they_are_the_offender() {
    let s = Schedule::DEFAULT;
    let born = Some(Birth::on(date(2013, 1, 1)));
    let assault = |offender| About { group: G2, offence_group: None, created: date(2021, 1, 1), offender, last_reviewed: None };
    assert_eq!(nominal_reviews(&s, born, &[assault(true)])[0].group, G3, "an eight-year-old cannot offend");
    assert_eq!(nominal_reviews(&s, born, &[assault(false)])[0].group, G2, "an eight-year-old victim: still a Group 2 matter");
}
