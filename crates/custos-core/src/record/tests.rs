//! Table tests of the operational records: shapes, the rules within a record and between records,
//! and the submission lock, each refusal with the message a user sees.

use serde_json::{Value, json};

use super::*;
use crate::entity::EntityBody;
use crate::version::{ChangeKind, LockError, check_change};

fn id(n: u8) -> EntityId {
    format!("00000000-0000-4000-8000-0000000000{n:02}").parse().unwrap()
}

fn parse(kind: &str, body: Value) -> Result<Record, String> {
    serde_json::from_value::<Record>(json!({ kind: body })).map_err(|e| e.to_string())
}

fn fields(r: &Result<(), FieldErrors>) -> Vec<&str> {
    r.as_ref().err().map(|e| e.errors().iter().map(|f| f.field.as_str()).collect()).unwrap_or_default()
}

fn arrest() -> Value {
    json!({
        "person": id(1), "event": id(2), "arrested_at": "2026-03-01T22:10:00Z",
        "offences": ["8N"], "grounds": "Victim states he struck her with a bat",
        "necessity": ["prevent_injury", "investigation"], "arresting_officer": "PC 1234 Khan",
    })
}

fn custody(detention: Value) -> Value {
    json!({ "person": id(1), "arrest": id(3), "detention": detention })
}

fn detention() -> Value {
    json!({
        "arrival": "after_arrest", "arrested": "2026-03-01T22:10:00Z",
        "arrived": "2026-03-01T22:40:00Z", "authorised": "2026-03-01T22:55:00Z",
        "reviews": [], "extensions": [], "charged": null, "released": null,
    })
}

fn crime(suspect: EntityId) -> Record {
    parse(
        "crime_report",
        json!({
            "event": id(2), "offence": "8N", "narrative": "Struck with a baseball bat",
            "status": "under_investigation",
            "people": [{"person": id(9), "role": "victim"}, {"person": suspect, "role": "suspect"}],
        }),
    )
    .unwrap()
}

fn case_file(status: &str, charges: Value) -> Record {
    parse("case_file", json!({ "crime_report": id(4), "status": status, "charges": charges })).unwrap()
}

fn intelligence(extra: Value) -> Result<Record, String> {
    let mut body = json!({
        "received": "2026-02-01T10:00:00Z", "text": "Source 123 says X keeps a bat behind the door",
        "grading": {"source": "2", "intelligence": "B", "handling": {"code": "P"}},
        "status": "live", "people": [{"person": id(1), "role": "subject"}],
    });
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    parse("intelligence_report", body)
}

#[test]
fn every_kind_round_trips_through_the_entity_body() {
    let records = [
        parse("incident", json!({"event": id(2), "narrative": "Woman heard screaming",
            "call": {"received": "2026-03-01T21:55:00Z", "channel": "emergency_999", "grade": "immediate"}}))
        .unwrap(),
        parse("arrest", arrest()).unwrap(),
        parse("custody_record", custody(detention())).unwrap(),
        crime(id(1)),
        intelligence(json!({})).unwrap(),
        case_file("draft", json!([])),
        parse("asb_report", json!({"event": id(2), "category": "personal", "narrative": "Shouting",
            "people": [{"person": id(1), "role": "subject"}]}))
        .unwrap(),
        parse("vulnerable_person_report", json!({"subject": id(9), "at_risk": "adult", "event": id(2),
            "concerns": ["domestic_abuse"], "risk": "high", "narrative": "Repeat victim"}))
        .unwrap(),
    ];
    for r in records {
        let kind = r.kind();
        let body = EntityBody::Record(r);
        assert_eq!(body.kind(), kind);
        let text = serde_json::to_string(&body).unwrap();
        assert!(text.starts_with(&format!("{{\"{}\":", kind.as_str())), "{text}");
        assert_eq!(serde_json::from_str::<EntityBody>(&text).unwrap(), body, "{kind}");
        assert!(!kind.is_pole());
    }
    // A POLE body still reads as itself.
    let person = crate::entity::tests::person();
    let text = serde_json::to_string(&person).unwrap();
    assert_eq!(serde_json::from_str::<EntityBody>(&text).unwrap(), person);
}

#[test]
fn a_grading_outside_3x5x2_does_not_parse() {
    for (grading, wanted) in [
        (json!({"source": "4", "intelligence": "A", "handling": {"code": "P"}}), "unknown variant `4`"),
        (json!({"source": "1", "intelligence": "F", "handling": {"code": "P"}}), "unknown variant `F`"),
        (json!({"source": "1", "intelligence": "A", "handling": {"code": "X"}}), "unknown variant `X`"),
        (json!({"source": "1", "intelligence": "A", "handling": {"code": "C"}}), "missing field `conditions`"),
    ] {
        let err = intelligence(json!({ "grading": grading })).unwrap_err();
        assert!(err.contains(wanted), "{err}");
    }
    let Record::IntelligenceReport(r) = intelligence(json!({"grading": {"source": "3", "intelligence": "E",
        "handling": {"code": "C", "conditions": "Not to be shared outside the MASH", "review_by": "2026-08-01"}}}))
    .unwrap() else {
        unreachable!()
    };
    assert_eq!(r.grading.code(), "3E C");
    assert!(!r.conditions_review_due("2026-07-31".parse().unwrap()));
    assert!(r.conditions_review_due("2026-08-01".parse().unwrap()));
}

#[test]
fn dissemination_needs_the_sanitised_version_of_a_live_report() {
    let sent = json!([{"to": "Partner agency", "at": "2026-02-02T09:00:00Z"}]);
    let r = intelligence(json!({ "disseminations": sent })).unwrap();
    let err = r.check().unwrap_err();
    assert_eq!(err.errors()[0].field, "disseminations");
    assert!(err.errors()[0].message.contains("sanitised version"), "{err}");

    let ok = intelligence(json!({ "disseminations": sent, "sanitised": "X is believed to keep a weapon at home" })).unwrap();
    assert_eq!(ok.check(), Ok(()));

    let unchanged = intelligence(json!({ "sanitised": "Source 123 says X keeps a bat behind the door" })).unwrap();
    assert_eq!(fields(&unchanged.check()), ["sanitised"]);
    let not_live = intelligence(json!({ "status": "requires_assessment", "disseminations": sent, "sanitised": "Sanitised" })).unwrap();
    assert_eq!(fields(&not_live.check()), ["disseminations"]);
    let unlinked = intelligence(json!({ "people": [] })).unwrap();
    assert_eq!(fields(&unlinked.check()), ["status"]);
    assert!(intelligence(json!({ "status": "sensitive_live" })).unwrap().needs_sensitive_marking());
    assert!(!intelligence(json!({})).unwrap().needs_sensitive_marking());
}

#[test]
fn custody_times_are_checked_with_the_pace_clocks() {
    let with = |f: &dyn Fn(&mut Value)| {
        let mut d = detention();
        f(&mut d);
        parse("custody_record", custody(d)).unwrap().check()
    };
    assert_eq!(with(&|_| {}), Ok(()));
    // Times out of order: arrival before the arrest.
    let err = with(&|d| d["arrived"] = json!("2026-03-01T21:00:00Z")).unwrap_err();
    assert_eq!(err.errors()[0].field, "detention");
    assert!(err.errors()[0].message.contains("before the arrest"), "{err}");
    // A review recorded after the release.
    let err = with(&|d| {
        d["released"] = json!("2026-03-02T02:00:00Z");
        d["reviews"] = json!(["2026-03-02T03:00:00Z"]);
    })
    .unwrap_err();
    assert!(err.to_string().contains("after the release"), "{err}");
    // Held beyond 24 hours with no extension.
    let err = with(&|d| {
        d["released"] = json!("2026-03-02T23:00:00Z");
        d["reviews"] = json!(["2026-03-02T04:00:00Z", "2026-03-02T13:00:00Z", "2026-03-02T22:00:00Z"]);
    })
    .unwrap_err();
    assert!(err.to_string().contains("after its limit"), "{err}");
    // A release is a disposal; a charge disposal needs the charge.
    let mut released = custody(detention());
    released["detention"]["released"] = json!("2026-03-02T02:00:00Z");
    let r = parse("custody_record", released.clone()).unwrap();
    assert_eq!(fields(&r.check()), ["disposal"]);
    released["disposal"] = json!("charged");
    assert_eq!(fields(&parse("custody_record", released.clone()).unwrap().check()), ["disposal"]);
    released["disposal"] = json!("released_under_investigation");
    assert_eq!(parse("custody_record", released).unwrap().check(), Ok(()));
    // Brought in under arrest: the record is opened from the arrest.
    let mut no_arrest = custody(detention());
    no_arrest["arrest"] = Value::Null;
    assert_eq!(fields(&parse("custody_record", no_arrest).unwrap().check()), ["arrest"]);
}

#[test]
fn a_custody_record_is_for_the_person_arrested_at_the_arrest_time() {
    let arrest = parse("arrest", arrest()).unwrap();
    let lookup = |want: EntityId| (want == id(3)).then_some(&arrest);
    let ok = parse("custody_record", custody(detention())).unwrap();
    assert_eq!(ok.depends_on(), vec![id(3)]);
    assert_eq!(ok.check_against(lookup, same), Ok(()));
    let mut other = custody(detention());
    other["person"] = json!(id(7));
    other["detention"]["arrested"] = json!("2026-03-01T22:00:00Z");
    let r = parse("custody_record", other).unwrap();
    assert_eq!(fields(&r.check_against(lookup, same)), ["person", "detention.arrested"]);
    // The arrested person's record was merged into id(7)'s: the same Golden Nominal.
    let merged = |who: EntityId| if who == id(1) { id(7) } else { who };
    assert_eq!(fields(&r.check_against(lookup, merged)), ["detention.arrested"]);
}

#[test]
fn charges_are_against_suspects_and_a_submitted_file_has_one() {
    let crime = crime(id(1));
    let lookup = |want: EntityId| (want == id(4)).then_some(&crime);
    let charge = |who| json!([{"defendant": who, "offence": "8N", "particulars": "Assault occasioning ABH on 1 March"}]);

    let file = case_file("submitted", charge(id(1)));
    assert_eq!(file.check(), Ok(()));
    assert_eq!(file.check_against(lookup, same), Ok(()));
    // The victim is on the crime, but not as a suspect; a stranger is not on it at all.
    for who in [id(9), id(8)] {
        let err = case_file("draft", charge(who)).check_against(lookup, same).unwrap_err();
        assert_eq!(err.errors()[0].field, "charges[0].defendant");
        assert!(err.errors()[0].message.contains("suspect"), "{err}");
    }
    // The suspect's record was merged into id(6) after the crime was recorded: the charge
    // against the Golden Nominal is against the suspect.
    let merged = |who: EntityId| if who == id(1) { id(6) } else { who };
    assert_eq!(case_file("draft", charge(id(6))).check_against(lookup, merged), Ok(()));
    assert!(case_file("draft", charge(id(6))).check_against(lookup, same).is_err());
    let empty = case_file("submitted", json!([])).check().unwrap_err();
    assert_eq!(empty.errors()[0].field, "charges");
    assert!(empty.to_string().contains("at least one charge"), "{empty}");
    assert_eq!(case_file("draft", json!([])).check(), Ok(()));
    assert_eq!(fields(&case_file("returned", charge(id(1))).check()), ["returned_reasons"]);
}

#[test]
fn crime_outcomes_and_mopi_groups() {
    let Record::CrimeReport(mut c) = crime(id(1)) else { unreachable!() };
    assert_eq!(c.mopi_group(), MopiGroup::SexualViolentSerious);
    c.status = crime::CrimeStatus::Finalised;
    assert_eq!(fields(&Record::CrimeReport(c.clone()).check()), ["outcome"]);
    c.outcome = Some(Outcome::NoSuspectIdentified);
    assert_eq!(c.mopi_group(), MopiGroup::Undetected);
    c.outcome = Some(Outcome::Charged);
    assert_eq!(Record::CrimeReport(c.clone()).check(), Ok(()));
    c.people.retain(|p| p.role != Involvement::Suspect);
    assert_eq!(fields(&Record::CrimeReport(c.clone()).check()), ["outcome"]);
    c.mopi_override = Some(crime::MopiOverride {
        group: MopiGroup::PublicProtection,
        reason: "MAPPA-managed offender".parse().unwrap(),
    });
    assert_eq!(c.mopi_group(), MopiGroup::PublicProtection);
    assert!(parse("crime_report", json!({"event": id(2), "offence": "8Z", "narrative": "x", "status": "recorded"}))
        .unwrap_err()
        .contains("not an offence code"));
}

#[test]
fn an_arrest_needs_a_necessity_reason() {
    let mut a = arrest();
    a["necessity"] = json!([]);
    let err = parse("arrest", a.clone()).unwrap().check().unwrap_err();
    assert!(err.to_string().contains("s.24(4)"), "{err}");
    a["necessity"] = json!(["g"]);
    assert!(parse("arrest", a).is_err(), "s.24(5) has no (g)");
}

#[test]
fn submitted_records_lock_times_grounds_grading_and_charges() {
    let lock = |a: &Record, b: &Record| {
        check_change(true, &EntityBody::Record(a.clone()), &EntityBody::Record(b.clone()), ChangeKind::Edited, None)
    };
    let a = parse("arrest", arrest()).unwrap();
    let mut moved = arrest();
    moved["arrested_at"] = json!("2026-03-01T22:20:00Z");
    moved["grounds"] = json!("Different grounds");
    assert_eq!(
        lock(&a, &parse("arrest", moved).unwrap()),
        Err(LockError::Locked { fields: vec!["arrest time", "grounds"] })
    );
    let mut offences = arrest();
    offences["offences"] = json!(["8N", "58A"]);
    assert_eq!(lock(&a, &parse("arrest", offences).unwrap()), Ok(()), "adding an offence is not locked");

    // A custody record grows: adding a review is free, changing one is not.
    let c = parse("custody_record", custody(detention())).unwrap();
    let mut reviewed = custody(detention());
    reviewed["detention"]["reviews"] = json!(["2026-03-02T04:00:00Z"]);
    let reviewed = parse("custody_record", reviewed).unwrap();
    assert_eq!(lock(&c, &reviewed), Ok(()));
    assert_eq!(lock(&reviewed, &c), Err(LockError::Locked { fields: vec!["reviews"] }));

    let graded = intelligence(json!({})).unwrap();
    let regraded = intelligence(json!({"grading": {"source": "1", "intelligence": "B", "handling": {"code": "P"}}})).unwrap();
    assert_eq!(lock(&graded, &regraded), Err(LockError::Locked { fields: vec!["grading"] }));
    assert_eq!(
        check_change(true, &EntityBody::Record(graded), &EntityBody::Record(regraded), ChangeKind::Corrected, Some("Source re-evaluated")),
        Ok(())
    );

    let charge = |o: &str| json!([{"defendant": id(1), "offence": o, "particulars": "Assault on 1 March"}]);
    assert_eq!(
        lock(&case_file("submitted", charge("8N")), &case_file("submitted", charge("105A"))),
        Err(LockError::Locked { fields: vec!["charges"] })
    );
    assert_eq!(lock(&case_file("submitted", charge("8N")), &case_file("accepted", charge("8N"))), Ok(()));
    assert_eq!(
        lock(&case_file("draft", json!([])), &crime(id(1))),
        Err(LockError::KindChange { from: EntityKind::CaseFile, to: EntityKind::CrimeReport })
    );
}

#[test]
fn references_name_the_kind_each_target_must_be() {
    let refs = parse("custody_record", custody(detention())).unwrap().references();
    assert_eq!(refs, vec![("person", id(1), EntityKind::Person), ("arrest", id(3), EntityKind::Arrest)]);
    let refs = case_file("draft", json!([{"defendant": id(1), "offence": "8N", "particulars": "x"}])).references();
    assert_eq!(refs, vec![("crime_report", id(4), EntityKind::CrimeReport), ("charges", id(1), EntityKind::Person)]);
}

#[test]
fn a_vulnerable_person_report_names_its_concern() {
    let r = parse("vulnerable_person_report", json!({"subject": id(9), "at_risk": "child", "event": id(2),
        "concerns": [], "risk": "medium", "narrative": "x", "people": [{"person": id(9), "role": "other"}]}))
    .unwrap();
    assert_eq!(fields(&r.check()), ["concerns", "people"]);
}

#[test]
fn review_findings_locks_and_station_rules() {
    let lock = |a: &Record, b: &Record| {
        check_change(true, &EntityBody::Record(a.clone()), &EntityBody::Record(b.clone()), ChangeKind::Edited, None)
    };
    // Re-grading by hand is a correction, whatever else changes with it.
    let Record::CrimeReport(c) = crime(id(1)) else { unreachable!() };
    let mut regraded = c.clone();
    regraded.mopi_override = Some(crime::MopiOverride { group: MopiGroup::OtherOffences, reason: "Minor matter".parse().unwrap() });
    regraded.status = crime::CrimeStatus::Finalised;
    regraded.outcome = Some(Outcome::Charged);
    assert_eq!(
        lock(&Record::CrimeReport(c), &Record::CrimeReport(regraded)),
        Err(LockError::Locked { fields: vec!["MoPI group"] })
    );
    // A recorded disposal is locked.
    let mut released = custody(detention());
    released["detention"]["released"] = json!("2026-03-02T02:00:00Z");
    released["disposal"] = json!("released");
    let mut bailed = released.clone();
    bailed["disposal"] = json!("bailed");
    assert_eq!(
        lock(&parse("custody_record", released).unwrap(), &parse("custody_record", bailed).unwrap()),
        Err(LockError::Locked { fields: vec!["disposal"] })
    );
    // Rights are given at the station: not between the arrest and the arrival.
    let mut early = custody(detention());
    early["rights"] = json!([{"right": "legal_advice", "at": "2026-03-01T22:20:00Z"}]);
    assert_eq!(fields(&parse("custody_record", early).unwrap().check()), ["rights[0].at"]);
    // Handed to another body: no suspect needed.
    let Record::CrimeReport(mut c) = crime(id(1)) else { unreachable!() };
    c.people.clear();
    c.status = crime::CrimeStatus::Finalised;
    c.outcome = Some(Outcome::ActionByAnotherBody);
    assert_eq!(Record::CrimeReport(c).check(), Ok(()));
}

/// No person merged: every id is its own Golden Nominal.
fn same(id: EntityId) -> EntityId {
    id
}
