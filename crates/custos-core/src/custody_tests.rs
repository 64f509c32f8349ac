//! Table tests of the PACE detention clocks, each case from the words of the section it names.

use super::*;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Arrested at 10:00, at the station at 10:40 (the relevant time), detention authorised at 11:00.
fn base() -> Detention {
    Detention {
        arrival: Arrival::AfterArrest,
        arrested: t("2026-03-01T10:00:00Z"),
        arrived: t("2026-03-01T10:40:00Z"),
        authorised: t("2026-03-01T11:00:00Z"),
        reviews: Vec::new(),
        extensions: Vec::new(),
        charged: None,
        released: None,
    }
}

/// `h` hours and `m` minutes after the base's relevant time.
fn rt(h: i64, m: i64) -> Timestamp {
    t("2026-03-01T10:40:00Z") + SignedDuration::from_hours(h) + SignedDuration::from_mins(m)
}

#[test]
fn the_relevant_time_follows_s41_2() {
    // (how the person came, arrested, arrived, relevant time)
    let cases = [
        // s.41(2)(d): arrival, when it is within 24 hours of the arrest.
        (Arrival::AfterArrest, "2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z", "2026-03-01T10:40:00Z"),
        (Arrival::AfterArrest, "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"),
        // s.41(2)(d): a long journey, at the station 30 hours after arrest: 24 hours after it.
        (Arrival::AfterArrest, "2026-03-01T10:00:00Z", "2026-03-02T16:00:00Z", "2026-03-02T10:00:00Z"),
        // s.41(2)(c): attended at 09:00 and arrested there at 09:30: the arrest.
        (Arrival::VoluntaryAttendance, "2026-03-01T09:30:00Z", "2026-03-01T09:00:00Z", "2026-03-01T09:30:00Z"),
    ];
    for (arrival, arrested, arrived, relevant) in cases {
        let d = Detention { arrival, arrested: t(arrested), arrived: t(arrived), authorised: t(arrested).max(t(arrived)), ..base() };
        assert_eq!(d.validate(), Ok(()), "{arrested} {arrived}");
        assert_eq!(d.relevant_time(), t(relevant), "{arrested} {arrived}");
        assert_eq!(d.limit(), t(relevant) + SignedDuration::from_hours(24), "s.41(1)");
    }
}

#[test]
fn reviews_follow_s40_3_and_a_late_one_moves_none_after_it() {
    // Authorised 11:00. (reviews held, next due)
    let cases: [(&[&str], &str); 6] = [
        // s.40(3)(a): 6 hours after authorisation.
        (&[], "2026-03-01T17:00:00Z"),
        // s.40(3)(b): 9 hours after the first; held early at 16:30, so 01:30.
        (&["2026-03-01T16:30:00Z"], "2026-03-02T01:30:00Z"),
        // On the dot.
        (&["2026-03-01T17:00:00Z"], "2026-03-02T02:00:00Z"),
        // s.40(7): held late at 18:00, the second is still due 9 hours after 17:00.
        (&["2026-03-01T18:00:00Z"], "2026-03-02T02:00:00Z"),
        // s.40(3)(c): each early review brings the next forward.
        (&["2026-03-01T16:00:00Z", "2026-03-02T00:00:00Z", "2026-03-02T08:30:00Z"], "2026-03-02T17:30:00Z"),
        // Two late reviews: the third is due 9 hours after the second was due (02:00).
        (&["2026-03-01T18:00:00Z", "2026-03-02T03:00:00Z"], "2026-03-02T11:00:00Z"),
    ];
    for (reviews, due) in cases {
        let d = Detention { reviews: reviews.iter().map(|r| t(r)).collect(), ..base() };
        assert_eq!(d.validate(), Ok(()));
        assert_eq!(d.next_review(), t(due), "{reviews:?}");
    }
}

#[test]
fn late_reviews_are_reported_with_their_lateness() {
    let d = Detention { reviews: vec![t("2026-03-01T18:00:00Z"), t("2026-03-02T03:00:00Z"), t("2026-03-02T11:30:00Z")], ..base() };
    // Due 17:00 (an hour late), 02:00 (an hour late), 11:00 (half an hour late).
    let hour = SignedDuration::from_hours(1);
    assert_eq!(d.late_reviews(), [(1, hour), (2, hour), (3, SignedDuration::from_mins(30))]);
    // A review on the dot, or early, is not late.
    let d = Detention { reviews: vec![t("2026-03-01T17:00:00Z"), t("2026-03-02T01:00:00Z")], ..base() };
    assert_eq!(d.late_reviews(), []);
}

/// Two reviews held by 02:00 the next day (15h20m after the relevant time).
fn reviewed() -> Detention {
    Detention { reviews: vec![t("2026-03-01T16:30:00Z"), t("2026-03-02T01:00:00Z")], ..base() }
}

#[test]
fn extensions_run_to_36_hours_by_a_superintendent_and_96_by_warrant() {
    let granted = t("2026-03-02T02:00:00Z");
    let mut d = reviewed();
    d.extensions = vec![Extension::Superintendent { granted, until: rt(36, 0) }];
    assert_eq!((d.validate(), d.limit()), (Ok(()), rt(36, 0)), "s.42(1)");
    d.extensions.push(Extension::Warrant { issued: rt(35, 0), until: rt(71, 0) });
    d.extensions.push(Extension::Warrant { issued: rt(70, 0), until: rt(96, 0) });
    assert_eq!((d.validate(), d.limit()), (Ok(()), rt(96, 0)), "s.43(12), s.44(3)");

    // s.42(2): a shorter authorisation, then a further one to 36 hours given after the
    // 24-hour deadline of s.42(4)(a), which binds only the first.
    d.extensions = vec![
        Extension::Superintendent { granted, until: rt(30, 0) },
        Extension::Superintendent { granted: rt(29, 0), until: rt(36, 0) },
    ];
    assert_eq!(d.validate(), Ok(()));
}

#[test]
fn extensions_the_law_does_not_allow_are_refused() {
    let granted = t("2026-03-02T02:00:00Z");
    let refused = |extensions: Vec<Extension>, reviews: Option<Vec<Timestamp>>| {
        let mut d = reviewed();
        d.extensions = extensions;
        if let Some(r) = reviews {
            d.reviews = r;
        }
        d.validate().unwrap_err()
    };
    assert_eq!(
        refused(vec![Extension::Superintendent { granted, until: rt(36, 1) }], None),
        ClockError::SuperintendentBeyondLimit { until: rt(36, 1), limit: rt(36, 0) }
    );
    assert_eq!(
        refused(vec![Extension::Superintendent { granted: rt(24, 1), until: rt(36, 0) }], None),
        ClockError::SuperintendentTooLate { granted: rt(24, 1), deadline: rt(24, 0) }
    );
    assert_eq!(
        refused(vec![Extension::Superintendent { granted, until: rt(36, 0) }], Some(vec![t("2026-03-01T16:30:00Z")])),
        ClockError::SuperintendentBeforeSecondReview { granted, reviews: 1 }
    );
    assert_eq!(
        refused(vec![Extension::Warrant { issued: rt(20, 0), until: rt(56, 1) }], None),
        ClockError::WarrantGrantTooLong { issued: rt(20, 0), until: rt(56, 1) }
    );
    assert_eq!(
        refused(vec![Extension::Warrant { issued: rt(70, 0), until: rt(96, 1) }], None),
        ClockError::WarrantBeyondLimit { until: rt(96, 1), limit: rt(96, 0) }
    );
    assert_eq!(
        refused(vec![Extension::Superintendent { granted, until: rt(20, 0) }], None),
        ClockError::ExtensionShortens { until: rt(20, 0), limit: rt(24, 0) }
    );
    assert_eq!(
        refused(vec![Extension::Warrant { issued: rt(20, 0), until: rt(50, 0) }, Extension::Warrant { issued: rt(30, 0), until: rt(40, 0) }], None),
        ClockError::ExtensionShortens { until: rt(40, 0), limit: rt(50, 0) }
    );
}

#[test]
fn impossible_times_are_refused() {
    let d = Detention { arrived: t("2026-03-01T09:59:00Z"), ..base() };
    assert!(matches!(d.validate(), Err(ClockError::ArrivalBeforeArrest { .. })));
    // Authorised at the station, after the arrival (s.37), and after a voluntary attender's arrest.
    let d = Detention { authorised: t("2026-03-01T10:30:00Z"), ..base() };
    assert_eq!(d.validate(), Err(ClockError::AuthorisedTooEarly { at_station: t("2026-03-01T10:40:00Z"), authorised: t("2026-03-01T10:30:00Z") }));
    let d = Detention { arrival: Arrival::VoluntaryAttendance, arrived: t("2026-03-01T09:00:00Z"), authorised: t("2026-03-01T09:30:00Z"), ..base() };
    assert_eq!(d.validate(), Err(ClockError::AuthorisedTooEarly { at_station: t("2026-03-01T10:00:00Z"), authorised: t("2026-03-01T09:30:00Z") }));
    let d = Detention { reviews: vec![t("2026-03-01T10:59:00Z")], ..base() };
    assert_eq!(d.validate(), Err(ClockError::ReviewOutOfOrder { index: 1, at: t("2026-03-01T10:59:00Z"), earlier: t("2026-03-01T11:00:00Z") }));
    let d = Detention { reviews: vec![t("2026-03-01T16:00:00Z"), t("2026-03-01T15:00:00Z")], ..base() };
    assert_eq!(d.validate(), Err(ClockError::ReviewOutOfOrder { index: 2, at: t("2026-03-01T15:00:00Z"), earlier: t("2026-03-01T16:00:00Z") }));
    let d = Detention { charged: Some(t("2026-03-01T10:50:00Z")), ..base() };
    assert!(matches!(d.validate(), Err(ClockError::EndBeforeAuthorised { what: "charge", .. })));
    let d = Detention { charged: Some(t("2026-03-01T14:00:00Z")), released: Some(t("2026-03-01T13:00:00Z")), ..base() };
    assert!(matches!(d.validate(), Err(ClockError::ReleasedBeforeCharge { .. })));
}

#[test]
fn a_review_after_release_is_refused_but_reviews_go_on_after_charge() {
    let d = Detention { released: Some(t("2026-03-01T15:00:00Z")), reviews: vec![t("2026-03-01T16:00:00Z")], ..base() };
    assert_eq!(
        d.validate(),
        Err(ClockError::ReviewAfterRelease { index: 1, at: t("2026-03-01T16:00:00Z"), released: t("2026-03-01T15:00:00Z") })
    );
    // A review at the moment of release is allowed; so is one after charge (s.40(1)(a)).
    let d = Detention { released: Some(t("2026-03-01T16:00:00Z")), reviews: vec![t("2026-03-01T16:00:00Z")], ..base() };
    assert_eq!(d.validate(), Ok(()));
    let d = Detention { charged: Some(t("2026-03-01T14:00:00Z")), reviews: vec![t("2026-03-01T16:00:00Z")], ..base() };
    assert_eq!(d.validate(), Ok(()));
}

#[test]
fn detention_beyond_its_limit_without_an_extension_is_refused() {
    // Released, or charged, a minute after 24 hours from the relevant time.
    for (charged, released) in [(None, Some(rt(24, 1))), (Some(rt(24, 1)), None), (Some(rt(24, 1)), Some(rt(25, 0)))] {
        let d = Detention { charged, released, ..base() };
        assert_eq!(d.validate(), Err(ClockError::HeldBeyondLimit { ended: rt(24, 1), limit: rt(24, 0) }), "{charged:?} {released:?}");
        assert!(d.validate().unwrap_err().to_string().contains("no extension"));
    }
    // At the limit exactly; charged in time and released later; or under an extension.
    assert_eq!(Detention { released: Some(rt(24, 0)), ..base() }.validate(), Ok(()));
    assert_eq!(Detention { charged: Some(rt(23, 0)), released: Some(rt(30, 0)), ..base() }.validate(), Ok(()));
    let mut d = reviewed();
    d.released = Some(rt(24, 1));
    d.extensions = vec![Extension::Superintendent { granted: t("2026-03-02T02:00:00Z"), until: rt(36, 0) }];
    assert_eq!(d.validate(), Ok(()));
}

#[test]
fn the_clocks_are_due_then_overdue_and_stop_as_the_law_says() {
    let d = base();
    assert_eq!(d.review_state(t("2026-03-01T17:00:00Z")), ClockState::Due { at: t("2026-03-01T17:00:00Z") });
    assert_eq!(d.review_state(t("2026-03-01T17:00:01Z")), ClockState::Overdue { since: t("2026-03-01T17:00:00Z") });
    assert_eq!(d.limit_state(rt(24, 0)), ClockState::Due { at: rt(24, 0) });
    assert_eq!(d.limit_state(rt(24, 1)), ClockState::Overdue { since: rt(24, 0) });
    // Charged: the limit stops, the reviews go on.
    let d = Detention { charged: Some(t("2026-03-01T14:00:00Z")), ..base() };
    assert_eq!(d.limit_state(rt(30, 0)), ClockState::Stopped);
    assert_eq!(d.review_state(t("2026-03-01T18:00:00Z")), ClockState::Overdue { since: t("2026-03-01T17:00:00Z") });
    // Released: everything stops.
    let d = Detention { released: Some(t("2026-03-01T14:00:00Z")), ..base() };
    assert_eq!((d.review_state(rt(30, 0)), d.limit_state(rt(30, 0))), (ClockState::Stopped, ClockState::Stopped));
}

#[test]
fn times_at_the_end_of_the_calendar_give_clocks_not_a_panic() {
    let end = Timestamp::MAX;
    let mut d = Detention { arrested: end, arrived: end, authorised: end, reviews: vec![end], ..base() };
    assert_eq!(d.validate(), Ok(()));
    assert_eq!((d.relevant_time(), d.next_review(), d.limit()), (end, end, end));
    d.extensions = vec![Extension::Warrant { issued: end, until: end }];
    assert!(matches!(d.validate(), Err(ClockError::ExtensionShortens { .. })), "no time is beyond the limit there");
    assert_eq!(d.late_reviews(), []);
}

#[test]
fn detention_times_round_trip_as_json() {
    let mut d = reviewed();
    d.extensions = vec![Extension::Superintendent { granted: t("2026-03-02T02:00:00Z"), until: rt(36, 0) }];
    d.charged = Some(rt(30, 0));
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["arrival"], "after_arrest");
    assert_eq!(json["extensions"][0]["by"], "superintendent");
    assert_eq!(serde_json::from_value::<Detention>(json).unwrap(), d);
    let state = serde_json::to_value(ClockState::Overdue { since: rt(24, 0) }).unwrap();
    assert_eq!(state["state"], "overdue");
}
