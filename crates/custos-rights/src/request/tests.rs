//! Casework rules: each refusal leaves the request as it was.

use super::*;
use jiff::civil::date;
use serde_json::json;

fn registered(law: &str, received: &str, verified: Option<&str>) -> Event {
    serde_json::from_value(json!({
        "event": "registered", "law": law, "channel": "email", "received": received,
        "requester": {"name": "A Requester", "contact": "a.requester@example.org", "kind": if law == "foi" { "journalist" } else { "data_subject" }},
        "summary": "All records about me", "identity_verified": verified,
    }))
    .unwrap()
}

fn event(value: serde_json::Value) -> Event {
    serde_json::from_value(value).unwrap()
}

const TODAY: Date = date(2026, 12, 6);

#[test]
fn a_request_received_in_the_future_is_refused() {
    let err = Request::from_events(&[registered("foi", "2026-12-07", None)], TODAY).unwrap_err();
    assert_eq!(err, CaseError::Future { what: "the date received", day: date(2026, 12, 7) });
    assert!(err.to_string().contains("cannot be in the future"));
    assert!(Request::from_events(&[registered("foi", "2026-12-06", None)], TODAY).is_ok());
    // The calendar's range is checked at registration too.
    assert!(matches!(Request::from_events(&[registered("foi", "2009-01-05", None)], TODAY), Err(CaseError::Clock(_))));
}

#[test]
fn the_subject_access_clock_starts_at_identity_verification() {
    let mut r = Request::from_events(&[registered("sar", "2024-09-02", None)], TODAY).unwrap();
    assert_eq!(r.clock_state(date(2024, 9, 3)), ClockState::NotStarted);
    assert_eq!(r.apply(&event(json!({"event": "extended", "on": "2024-09-03", "reason": "Complex", "notice": "Letter"})), TODAY), Err(CaseError::NotStarted));
    r.apply(&event(json!({"event": "identity_verified", "on": "2024-09-03", "how": "Passport seen"})), TODAY).unwrap();
    assert_eq!(r.clock_state(date(2024, 9, 3)), ClockState::Running { due: date(2024, 10, 3), days_left: 30 });
    assert_eq!(r.apply(&event(json!({"event": "identity_verified", "on": "2024-09-04", "how": "again"})), TODAY), Err(CaseError::AlreadyVerified));
    // FOI has no identity to verify.
    let mut foi = Request::from_events(&[registered("foi", "2024-09-02", None)], TODAY).unwrap();
    assert_eq!(foi.apply(&event(json!({"event": "identity_verified", "on": "2024-09-03", "how": "x"})), TODAY), Err(CaseError::NoIdentity));
}

#[test]
fn an_extension_after_the_deadline_is_refused() {
    let mut r = Request::from_events(&[registered("sar", "2024-09-03", Some("2024-09-03"))], TODAY).unwrap();
    let before = r.clone();
    let late = event(json!({"event": "extended", "on": "2024-10-04", "reason": "Many records", "notice": "Letter of 4 October"}));
    assert_eq!(r.apply(&late, TODAY), Err(CaseError::ExtendedTooLate { due: date(2024, 10, 3) }));
    assert_eq!(r, before, "nothing changed");
    let in_time = event(json!({"event": "extended", "on": "2024-10-03", "reason": "Many records", "notice": "Letter of 3 October"}));
    r.apply(&in_time, TODAY).unwrap();
    assert_eq!(r.due(), Ok(Some(date(2024, 12, 3))));
    assert_eq!(r.apply(&in_time, TODAY), Err(CaseError::AlreadyExtended));
    // Part 3 before 5 February 2026: no extension at all.
    let mut le = Request::from_events(&[registered("sar-le", "2026-01-05", Some("2026-01-05"))], TODAY).unwrap();
    let err = le.apply(&event(json!({"event": "extended", "on": "2026-01-10", "reason": "x", "notice": "y"})), TODAY).unwrap_err();
    assert_eq!(err, CaseError::Clock(ClockError::NoExtension));
}

#[test]
fn a_stop_the_law_does_not_allow_is_refused() {
    let stop = event(json!({"event": "clock_stopped", "kind": "clarification", "on": "2026-01-10", "notice": "Which station?"}));
    let mut le = Request::from_events(&[registered("sar-le", "2026-01-05", Some("2026-01-05"))], TODAY).unwrap();
    let before = le.clone();
    assert!(matches!(le.apply(&stop, TODAY), Err(CaseError::Clock(ClockError::NoStop { .. }))));
    assert_eq!(le, before);
    // From 5 February 2026 the same stop is allowed, and moves the deadline.
    let mut le = Request::from_events(&[registered("sar-le", "2026-02-05", Some("2026-02-05"))], TODAY).unwrap();
    le.apply(&event(json!({"event": "clock_stopped", "kind": "clarification", "on": "2026-02-09", "notice": "Which station?"})), TODAY).unwrap();
    assert_eq!(le.clock_state(date(2026, 2, 9)), ClockState::Stopped { since: date(2026, 2, 9) });
    assert_eq!(le.apply(&event(json!({"event": "responded", "on": "2026-02-10", "outcome": "granted"})), TODAY), Err(CaseError::AnsweredWhileStopped));
    le.apply(&event(json!({"event": "clock_resumed", "on": "2026-02-10"})), TODAY).unwrap();
    assert_eq!(le.due(), Ok(Some(date(2026, 3, 9))));
    // A fees notice stops only an FOI clock.
    let mut sar = Request::from_events(&[registered("sar", "2024-09-03", Some("2024-09-03"))], TODAY).unwrap();
    let fees = event(json!({"event": "clock_stopped", "kind": "fees", "on": "2024-09-04", "notice": "Fee"}));
    assert!(matches!(sar.apply(&fees, TODAY), Err(CaseError::Clock(ClockError::NoStop { .. }))));
    // Nor after the deadline.
    let late = event(json!({"event": "clock_stopped", "kind": "clarification", "on": "2024-10-04", "notice": "Late"}));
    assert_eq!(sar.apply(&late, TODAY), Err(CaseError::StoppedTooLate { due: date(2024, 10, 3) }));
}

#[test]
fn a_request_with_open_tasks_cannot_be_closed() {
    let mut r = Request::from_events(&[
        registered("foi", "2026-03-02", None),
        event(json!({"event": "task_added", "title": "Search the crime system"})),
        event(json!({"event": "task_added", "title": "Consult the borough"})),
        event(json!({"event": "task_done", "task": 1})),
        event(json!({"event": "responded", "on": "2026-03-20", "outcome": "partly_granted"})),
    ], TODAY).unwrap();
    let close = event(json!({"event": "closed", "on": "2026-03-21", "outcome": "partly_granted"}));
    let before = r.clone();
    assert_eq!(r.apply(&close, TODAY), Err(CaseError::OpenTasks(1)));
    assert_eq!(r, before);
    assert_eq!(r.apply(&event(json!({"event": "task_done", "task": 3})), TODAY), Err(CaseError::NoSuchTask(3)));
    r.apply(&event(json!({"event": "task_done", "task": 2})), TODAY).unwrap();
    r.apply(&close, TODAY).unwrap();
    assert_eq!(r.clock_state(TODAY), ClockState::Answered { due: date(2026, 3, 31), on: date(2026, 3, 20), on_time: true });
    // Closed: only reviews, complaints and notes follow.
    assert_eq!(r.apply(&event(json!({"event": "task_added", "title": "More"})), TODAY), Err(CaseError::Closed));
    r.apply(&event(json!({"event": "review_requested", "on": "2026-04-01"})), TODAY).unwrap();
    r.apply(&event(json!({"event": "review_decided", "on": "2026-04-20", "upheld": true, "note": "Exemption upheld"})), TODAY).unwrap();
    r.apply(&event(json!({"event": "ico_complaint", "on": "2026-05-01", "reference": "IC-12345"})), TODAY).unwrap();
}

#[test]
fn closing_unanswered_needs_an_outcome_that_is_not_an_answer() {
    let mut r = Request::from_events(&[registered("foi", "2026-03-02", None)], TODAY).unwrap();
    assert_eq!(r.apply(&event(json!({"event": "closed", "on": "2026-03-05", "outcome": "granted"})), TODAY), Err(CaseError::NotAnswered));
    r.apply(&event(json!({"event": "clock_stopped", "kind": "clarification", "on": "2026-03-03", "notice": "Which year?"})), TODAY).unwrap();
    r.apply(&event(json!({"event": "closed", "on": "2026-05-05", "outcome": "clarification_not_received"})), TODAY).unwrap();
    assert_eq!(r.clock_state(TODAY), ClockState::Ended);
}

#[test]
fn a_late_answer_is_recorded_as_late() {
    let r = Request::from_events(&[
        registered("foi", "2026-03-02", None),
        event(json!({"event": "responded", "on": "2026-04-01", "outcome": "granted"})),
    ], TODAY).unwrap();
    assert_eq!(r.clock_state(TODAY), ClockState::Answered { due: date(2026, 3, 31), on: date(2026, 4, 1), on_time: false });
}

#[test]
fn exemptions_and_restrictions_fit_the_law() {
    let mut foi = Request::from_events(&[registered("foi", "2026-03-02", None)], TODAY).unwrap();
    foi.apply(&event(json!({"event": "exemption_applied", "section": "s31", "neither_confirm_nor_deny": true, "reason": "Would prejudice the investigation; public interest favours withholding"})), TODAY).unwrap();
    assert_eq!(FoiSection::S31LawEnforcement.kind(), ExemptionKind::Qualified);
    assert_eq!(FoiSection::S40PersonalData.kind(), ExemptionKind::Absolute);
    let ncnd21 = event(json!({"event": "exemption_applied", "section": "s21", "neither_confirm_nor_deny": true, "reason": "x"}));
    assert_eq!(foi.apply(&ncnd21, TODAY), Err(CaseError::NoNcnd { section: FoiSection::S21OtherwiseAccessible }));
    assert_eq!(foi.apply(&event(json!({"event": "restricted", "ground": "s45_4_b", "reason": "x"})), TODAY),
        Err(CaseError::WrongRestriction { ground: Restriction::Crime, law: Law::Foi }));
    let mut le = Request::from_events(&[registered("sar-le", "2026-02-05", Some("2026-02-05"))], TODAY).unwrap();
    le.apply(&event(json!({"event": "restricted", "ground": "s45_4_b", "reason": "Live investigation into the requester"})), TODAY).unwrap();
    assert_eq!(le.apply(&event(json!({"event": "exemption_applied", "section": "s31", "reason": "x"})), TODAY), Err(CaseError::NotFoi));
}

#[test]
fn events_are_checked_when_they_arrive() {
    // Unknown fields and events are refused when read, not ignored.
    assert!(serde_json::from_value::<Event>(json!({"event": "deleted"})).is_err());
    assert!(serde_json::from_value::<Event>(json!({"event": "note", "text": "x", "extra": 1})).is_err());
    assert!(serde_json::from_value::<Event>(json!({"event": "note", "text": " "})).is_err());
    let err = Request::from_events(&[event(json!({"event": "note", "text": "x"}))], TODAY).unwrap_err();
    assert_eq!(err, CaseError::NotRegistered);
}

#[test]
fn the_part_3_regime_is_the_one_of_the_day_of_receipt() {
    // Received 2 February 2026, identity verified on 6 February: the old regime.
    let mut le = Request::from_events(&[registered("sar-le", "2026-02-02", Some("2026-02-06"))], TODAY).unwrap();
    let extend = event(json!({"event": "extended", "on": "2026-02-10", "reason": "Many records", "notice": "Letter"}));
    assert_eq!(le.apply(&extend, TODAY), Err(CaseError::Clock(ClockError::NoExtension)));
    let stop = event(json!({"event": "clock_stopped", "kind": "clarification", "on": "2026-02-10", "notice": "Which?"}));
    assert!(matches!(le.apply(&stop, TODAY), Err(CaseError::Clock(ClockError::NoStop { .. }))));
}

#[test]
fn an_foi_extension_is_for_the_public_interest_test() {
    let mut r = Request::from_events(&[registered("foi", "2026-03-02", None)], TODAY).unwrap();
    let extend = event(json!({"event": "extended", "on": "2026-03-10", "reason": "Weighing the public interest", "notice": "Letter"}));
    assert_eq!(r.apply(&extend, TODAY), Err(CaseError::NoPublicInterestTest));
    r.apply(&event(json!({"event": "exemption_applied", "section": "s40", "reason": "Third party data"})), TODAY).unwrap();
    assert_eq!(r.apply(&extend, TODAY), Err(CaseError::NoPublicInterestTest), "s.40 here is absolute");
    r.apply(&event(json!({"event": "exemption_applied", "section": "s30", "reason": "Investigation"})), TODAY).unwrap();
    r.apply(&extend, TODAY).unwrap();
    assert_eq!(r.due(), Ok(Some(date(2026, 4, 30))), "the 40th working day");
}

#[test]
fn answers_closures_and_reviews_agree() {
    let mut r = Request::from_events(&[registered("sar", "2024-09-02", None)], TODAY).unwrap();
    let answer = event(json!({"event": "responded", "on": "2024-09-20", "outcome": "granted"}));
    assert_eq!(r.apply(&answer, TODAY), Err(CaseError::NotStarted), "no answer before the identity is verified");
    r.apply(&event(json!({"event": "identity_verified", "on": "2024-09-03", "how": "Passport"})), TODAY).unwrap();
    let withdrawn = event(json!({"event": "responded", "on": "2024-09-20", "outcome": "withdrawn"}));
    assert_eq!(r.apply(&withdrawn, TODAY), Err(CaseError::NotAnAnswer(Outcome::Withdrawn)));
    r.apply(&answer, TODAY).unwrap();
    assert_eq!(r.apply(&event(json!({"event": "identity_verified", "on": "2024-09-21", "how": "x"})), TODAY), Err(CaseError::AlreadyAnswered));
    assert_eq!(r.apply(&event(json!({"event": "closed", "on": "2024-09-21", "outcome": "refused"})), TODAY),
        Err(CaseError::OutcomeDiffers { given: Outcome::Granted }));
    assert!(matches!(r.apply(&event(json!({"event": "closed", "on": "2024-09-19", "outcome": "granted"})), TODAY), Err(CaseError::Before { .. })));
    r.apply(&event(json!({"event": "closed", "on": "2024-09-21", "outcome": "granted"})), TODAY).unwrap();
    r.apply(&event(json!({"event": "review_requested", "on": "2024-10-01"})), TODAY).unwrap();
    assert_eq!(r.apply(&event(json!({"event": "review_requested", "on": "2024-10-02"})), TODAY), Err(CaseError::AlreadyReviewed));
}


#[test]
fn a_published_answer_never_names_the_requester() {
    let mut r = Request::from_events(&[
        registered("foi", "2026-03-02", None),
        event(json!({"event": "responded", "on": "2026-03-20", "outcome": "granted"})),
        event(json!({"event": "closed", "on": "2026-03-20", "outcome": "granted"})),
    ], TODAY).unwrap();
    let naming = event(json!({"event": "published", "on": "2026-03-21", "title": "Figures for A Requester", "response": "Attached"}));
    assert_eq!(r.apply(&naming, TODAY), Err(CaseError::RequesterInPublication));
    let contact = event(json!({"event": "published", "on": "2026-03-21", "title": "Figures", "response": "Sent to A.REQUESTER@example.org"}));
    assert_eq!(r.apply(&contact, TODAY), Err(CaseError::RequesterInPublication));
    let early = event(json!({"event": "published", "on": "2026-03-19", "title": "Figures", "response": "Attached"}));
    assert!(matches!(r.apply(&early, TODAY), Err(CaseError::Before { .. })));
    let surname = event(json!({"event": "published", "on": "2026-03-21", "title": "Figures", "response": "As asked by Mr Requester"}));
    assert_eq!(r.apply(&surname, TODAY), Err(CaseError::RequesterInPublication));
    let good = event(json!({"event": "published", "on": "2026-03-21", "title": "Stop and search figures, March", "response": "The figures are attached; requesters' names are never published."}));
    r.apply(&good, TODAY).unwrap();
    assert_eq!(r.published, Some(date(2026, 3, 21)));
    assert_eq!(r.apply(&good, TODAY), Err(CaseError::AlreadyPublished));
    // Only FOI answers are published; subject access answers are the subject's own.
    let mut sar = Request::from_events(&[registered("sar", "2024-09-03", Some("2024-09-03"))], TODAY).unwrap();
    assert_eq!(sar.apply(&good, TODAY), Err(CaseError::NotFoi));
}

#[test]
fn answers_exemptions_and_closures_keep_their_order() {
    let mut r = Request::from_events(&[registered("sar", "2024-09-02", None)], TODAY).unwrap();
    r.apply(&event(json!({"event": "identity_verified", "on": "2024-09-05", "how": "Passport"})), TODAY).unwrap();
    let early = event(json!({"event": "responded", "on": "2024-09-04", "outcome": "granted"}));
    assert!(matches!(r.apply(&early, TODAY), Err(CaseError::Before { .. })), "no answer before the clock started");
    let never_asked = event(json!({"event": "closed", "on": "2024-09-20", "outcome": "clarification_not_received"}));
    assert_eq!(r.apply(&never_asked, TODAY), Err(CaseError::NoClarificationAsked));
    r.apply(&event(json!({"event": "responded", "on": "2024-09-20", "outcome": "granted"})), TODAY).unwrap();
    let late = event(json!({"event": "restricted", "ground": "sch2_para2", "reason": "x"}));
    assert_eq!(r.apply(&late, TODAY), Err(CaseError::AlreadyAnswered));
}
