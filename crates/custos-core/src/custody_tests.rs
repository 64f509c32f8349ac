//! Table tests of the PACE detention clocks, each case from the words of the section it names.

use super::*;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn detention(arrested: &str, arrived: &str, authorised: &str) -> Detention {
    Detention { arrested: t(arrested), arrived: t(arrived), authorised: t(authorised), reviews: Vec::new(), extensions: Vec::new(), ended: None }
}

#[test]
fn the_relevant_time_is_arrival_or_a_day_after_arrest_whichever_is_earlier() {
    // s.41(2)(d): (arrest, arrival, relevant time).
    let cases = [
        ("2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z", "2026-03-01T10:40:00Z"),
        ("2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"),
        // A long journey: arrival 30 hours after arrest, so the clock started at 24.
        ("2026-03-01T10:00:00Z", "2026-03-02T16:00:00Z", "2026-03-02T10:00:00Z"),
        // Across the change to summer time (29 March 2026): the law counts hours, not clock faces.
        ("2026-03-28T23:30:00Z", "2026-03-29T00:30:00Z", "2026-03-29T00:30:00Z"),
    ];
    for (arrested, arrived, relevant) in cases {
        let d = detention(arrested, arrived, arrived);
        assert_eq!(d.relevant_time(), t(relevant), "{arrested} {arrived}");
        assert_eq!(d.limit(), t(relevant) + SignedDuration::from_hours(24), "s.41(1)");
        assert_eq!(d.validate(), Ok(()));
    }
}

#[test]
fn reviews_are_due_six_hours_after_authorisation_then_nine_hours_after_each() {
    // s.40(3): (reviews held, next due). Authorised at 11:00.
    let cases: [(&[&str], &str); 4] = [
        (&[], "2026-03-01T17:00:00Z"),
        // On time: the second is due 9 hours after the first.
        (&["2026-03-01T16:30:00Z"], "2026-03-02T01:30:00Z"),
        // A late first review (18:00): the second is still 9 hours after it, s.40(3)(b).
        (&["2026-03-01T18:00:00Z"], "2026-03-02T03:00:00Z"),
        // Later reviews at intervals of not more than 9 hours, s.40(3)(c).
        (&["2026-03-01T16:00:00Z", "2026-03-02T00:00:00Z", "2026-03-02T08:30:00Z"], "2026-03-02T17:30:00Z"),
    ];
    for (reviews, due) in cases {
        let mut d = detention("2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z", "2026-03-01T11:00:00Z");
        d.reviews = reviews.iter().map(|r| t(r)).collect();
        assert_eq!(d.validate(), Ok(()));
        assert_eq!(d.next_review(), t(due), "{reviews:?}");
    }
}

#[test]
fn a_late_review_is_reported_with_its_lateness() {
    let mut d = detention("2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z", "2026-03-01T11:00:00Z");
    d.reviews = vec![t("2026-03-01T18:00:00Z"), t("2026-03-02T02:00:00Z"), t("2026-03-02T11:30:00Z")];
    // Due 17:00 (held 18:00, an hour late); then 03:00 (held 02:00); then 11:00 (held 11:30).
    assert_eq!(d.late_reviews(), [(1, SignedDuration::from_hours(1)), (3, SignedDuration::from_mins(30))]);
}

#[test]
fn extensions_run_to_36_hours_by_a_superintendent_and_96_by_warrant() {
    let relevant = t("2026-03-01T10:40:00Z");
    let hours = |h: i64| relevant + SignedDuration::from_hours(h);
    let mut d = detention("2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z", "2026-03-01T11:00:00Z");
    d.extensions = vec![Extension::Superintendent { until: hours(36) }];
    assert_eq!((d.validate(), d.limit()), (Ok(()), hours(36)), "s.42(1)");
    d.extensions.push(Extension::Warrant { until: hours(72) });
    d.extensions.push(Extension::Warrant { until: hours(96) });
    assert_eq!((d.validate(), d.limit()), (Ok(()), hours(96)), "s.43, s.44(3)(b)");

    // A superintendent's authorisation may be shorter and extended later, s.42(2).
    d.extensions = vec![Extension::Superintendent { until: hours(30) }, Extension::Superintendent { until: hours(36) }];
    assert_eq!(d.validate(), Ok(()));
}

#[test]
fn extensions_beyond_the_law_or_that_shorten_are_refused() {
    let relevant = t("2026-03-01T10:40:00Z");
    let at = |h: i64, m: i64| relevant + SignedDuration::from_hours(h) + SignedDuration::from_mins(m);
    let mut d = detention("2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z", "2026-03-01T11:00:00Z");
    d.extensions = vec![Extension::Superintendent { until: at(36, 1) }];
    assert_eq!(d.validate(), Err(ClockError::SuperintendentBeyondLimit { until: at(36, 1), limit: at(36, 0) }));
    d.extensions = vec![Extension::Warrant { until: at(96, 1) }];
    assert_eq!(d.validate(), Err(ClockError::WarrantBeyondLimit { until: at(96, 1), limit: at(96, 0) }));
    d.extensions = vec![Extension::Superintendent { until: at(20, 0) }];
    assert_eq!(d.validate(), Err(ClockError::ExtensionShortens { until: at(20, 0), limit: at(24, 0) }));
    d.extensions = vec![Extension::Warrant { until: at(72, 0) }, Extension::Superintendent { until: at(36, 0) }];
    assert_eq!(d.validate(), Err(ClockError::ExtensionShortens { until: at(36, 0), limit: at(72, 0) }));
}

#[test]
fn times_out_of_order_are_refused() {
    let base = detention("2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z", "2026-03-01T11:00:00Z");
    let mut d = base.clone();
    d.arrived = t("2026-03-01T09:59:00Z");
    assert!(matches!(d.validate(), Err(ClockError::ArrivalBeforeArrest { .. })));
    let mut d = base.clone();
    d.authorised = t("2026-03-01T09:00:00Z");
    assert!(matches!(d.validate(), Err(ClockError::AuthorisedBeforeArrest { .. })));
    let mut d = base.clone();
    d.reviews = vec![t("2026-03-01T10:59:00Z")];
    assert_eq!(d.validate(), Err(ClockError::ReviewOutOfOrder { index: 1, at: t("2026-03-01T10:59:00Z") }));
    let mut d = base.clone();
    d.reviews = vec![t("2026-03-01T16:00:00Z"), t("2026-03-01T15:00:00Z")];
    assert_eq!(d.validate(), Err(ClockError::ReviewOutOfOrder { index: 2, at: t("2026-03-01T15:00:00Z") }));
    let mut d = base.clone();
    d.ended = Some(t("2026-03-01T10:30:00Z"));
    assert!(matches!(d.validate(), Err(ClockError::EndedBeforeAuthorised { .. })));
}

#[test]
fn a_review_after_release_and_detention_beyond_the_limit_are_refused() {
    let mut d = detention("2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z", "2026-03-01T11:00:00Z");
    d.ended = Some(t("2026-03-01T15:00:00Z"));
    d.reviews = vec![t("2026-03-01T16:00:00Z")];
    assert_eq!(d.validate(), Err(ClockError::ReviewAfterEnd { index: 1, at: t("2026-03-01T16:00:00Z"), ended: t("2026-03-01T15:00:00Z") }));

    // Released 24 hours and one minute after the relevant time, with no extension.
    let mut d = detention("2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z", "2026-03-01T11:00:00Z");
    d.ended = Some(t("2026-03-02T10:41:00Z"));
    assert_eq!(d.validate(), Err(ClockError::HeldBeyondLimit { ended: t("2026-03-02T10:41:00Z"), limit: t("2026-03-02T10:40:00Z") }));
    d.extensions = vec![Extension::Superintendent { until: t("2026-03-02T22:40:00Z") }];
    assert_eq!(d.validate(), Ok(()), "the same release under a superintendent's extension");
    assert!(ClockError::HeldBeyondLimit { ended: t("2026-03-02T10:41:00Z"), limit: t("2026-03-02T10:40:00Z") }.to_string().contains("no extension"));
}

#[test]
fn the_clocks_are_due_then_overdue_and_stop_when_detention_ends() {
    let mut d = detention("2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z", "2026-03-01T11:00:00Z");
    assert_eq!(d.review_state(t("2026-03-01T16:59:59Z")), ClockState::Due { at: t("2026-03-01T17:00:00Z") });
    assert_eq!(d.review_state(t("2026-03-01T17:00:00Z")), ClockState::Due { at: t("2026-03-01T17:00:00Z") });
    assert_eq!(d.review_state(t("2026-03-01T17:00:01Z")), ClockState::Overdue { since: t("2026-03-01T17:00:00Z") });
    assert_eq!(d.limit_state(t("2026-03-02T10:41:00Z")), ClockState::Overdue { since: t("2026-03-02T10:40:00Z") });
    d.ended = Some(t("2026-03-01T14:00:00Z"));
    assert_eq!(d.review_state(t("2026-03-01T18:00:00Z")), ClockState::Stopped);
    assert_eq!(d.limit_state(t("2026-03-03T00:00:00Z")), ClockState::Stopped);
}

#[test]
fn times_at_the_end_of_the_calendar_give_clocks_not_a_panic() {
    let end = Timestamp::MAX;
    let mut d = Detention { arrested: end, arrived: end, authorised: end, reviews: vec![end], extensions: Vec::new(), ended: None };
    assert_eq!(d.validate(), Ok(()));
    assert_eq!((d.relevant_time(), d.next_review(), d.limit()), (end, end, end));
    d.extensions = vec![Extension::Warrant { until: end }];
    assert!(matches!(d.validate(), Err(ClockError::ExtensionShortens { .. })), "no time is beyond the limit there");
    assert_eq!(d.late_reviews(), []);
}
