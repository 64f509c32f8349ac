//! The clocks against the law's and the regulator's own examples.

use super::*;
use jiff::civil::date;

const EW: Region = Region::EnglandWales;

fn due(law: Law, start: Date, extended: bool) -> Date {
    due_date(law, start, extended, EW).unwrap()
}

#[test]
fn subject_access_is_due_on_the_corresponding_date_as_the_ico_counts() {
    let table = [
        // ICO: received 3 September, due 3 October.
        (date(2024, 9, 3), date(2024, 10, 3)),
        // DOMAIN.md §8: received Monday 25 November, due Friday 27 December (Christmas, Boxing Day).
        (date(2024, 11, 25), date(2024, 12, 27)),
        // ICO: no 30 February, so the last day of February (29th in a leap year).
        (date(2025, 1, 30), date(2025, 2, 28)),
        (date(2024, 1, 30), date(2024, 2, 29)),
        (date(2025, 3, 31), date(2025, 4, 30)),
        // Received on a Saturday: the corresponding Saturday rolls to Monday.
        (date(2025, 2, 1), date(2025, 3, 3)),
        // Due on Easter Monday (England & Wales): the Tuesday.
        (date(2026, 3, 6), date(2026, 4, 7)),
    ];
    for (received, want) in table {
        assert_eq!(due(Law::Sar, received, false), want, "received {received}");
        // Part 3 counts the same way.
        assert_eq!(due(Law::SarLe, received, false), want, "sar-le received {received}");
    }
}

#[test]
fn subject_access_rolls_over_the_forces_own_holidays() {
    // 2 January is a bank holiday in Scotland only.
    assert_eq!(due_date(Law::Sar, date(2024, 12, 2), false, EW), Ok(date(2025, 1, 2)));
    assert_eq!(due_date(Law::Sar, date(2024, 12, 2), false, Region::Scotland), Ok(date(2025, 1, 3)));
}

#[test]
fn an_extended_subject_access_request_is_due_three_months_from_the_start() {
    assert_eq!(due(Law::Sar, date(2024, 9, 3), true), date(2024, 12, 3));
    assert_eq!(due(Law::Sar, date(2025, 1, 31), true), date(2025, 4, 30));
    // 30 November + 3 months: 28 February.
    assert_eq!(due(Law::Sar, date(2024, 11, 30), true), date(2025, 2, 28));
}

#[test]
fn part_3_allows_an_extension_only_from_5_february_2026() {
    assert_eq!(due_date(Law::SarLe, date(2026, 2, 4), true, EW), Err(ClockError::NoExtension));
    assert_eq!(due_date(Law::SarLe, date(2019, 6, 1), true, EW), Err(ClockError::NoExtension));
    // 5 May 2026 follows the early May bank holiday and is a working day.
    assert_eq!(due(Law::SarLe, date(2026, 2, 5), true), date(2026, 5, 5));
    assert_eq!(due(Law::SarLe, date(2026, 2, 5), false), date(2026, 3, 5));
}

#[test]
fn foi_is_due_on_the_twentieth_working_day_following_receipt() {
    let table = [
        // A month with no holidays: day one is Monday 4 June.
        (date(2018, 6, 1), date(2018, 6, 29)),
        // Received on a Saturday: still day one is the Monday.
        (date(2018, 6, 2), date(2018, 6, 29)),
        // 1 December 2014 was Scotland's St Andrew's Day substitute; receipt on it still counts
        // (FOIA s.10(6): the day it was received), and Christmas, Boxing Day, 1 and 2 January
        // (Scotland) are not working days.
        (date(2014, 12, 1), date(2014, 12, 31)),
        (date(2014, 12, 2), date(2015, 1, 5)),
        // St Patrick's Day (Northern Ireland) is not a working day anywhere for FOI.
        (date(2026, 3, 2), date(2026, 3, 31)),
        // Good Friday and Easter Monday.
        (date(2026, 3, 20), date(2026, 4, 21)),
    ];
    for (received, want) in table {
        assert_eq!(due(Law::Foi, received, false), want, "received {received}");
    }
    // The public interest extension: the 40th working day (12 July, Northern Ireland's holiday,
    // is not one).
    assert_eq!(due(Law::Foi, date(2018, 6, 1), true), date(2018, 7, 30));
}

#[test]
fn foi_clarification_restarts_and_a_fees_notice_pauses() {
    let clock = |stops: Vec<Stop>| Clock { law: Law::Foi, received: date(2018, 6, 1), start: date(2018, 6, 1), jurisdiction: EW, extended: false, stops };
    let asked = |kind, from, until| Stop { kind, from, until };
    // Clarification asked on 5 June, received on 11 June: 20 working days from 11 June.
    assert_eq!(clock(vec![asked(StopKind::Clarification, date(2018, 6, 5), Some(date(2018, 6, 11)))]).due(), Ok(Some(date(2018, 7, 9))));
    // A fees notice on Tuesday 5 June, paid Thursday 7 June: three working days disregarded.
    assert_eq!(clock(vec![asked(StopKind::Fees, date(2018, 6, 5), Some(date(2018, 6, 7)))]).due(), Ok(Some(date(2018, 7, 4))));
    // While stopped there is no due date.
    assert_eq!(clock(vec![asked(StopKind::Fees, date(2018, 6, 5), None)]).due(), Ok(None));
}

#[test]
fn a_subject_access_clock_stops_for_clarification_where_the_law_allows() {
    let clock = |law, start, stops| Clock { law, received: start, start, jurisdiction: EW, extended: false, stops };
    let stop = |from, until| vec![Stop { kind: StopKind::Clarification, from, until }];
    // Asked on 10 September, answered on 14 September: five days do not count.
    let c = clock(Law::Sar, date(2024, 9, 3), stop(date(2024, 9, 10), Some(date(2024, 9, 14))));
    assert_eq!(c.due(), Ok(Some(date(2024, 10, 8))));
    let c = clock(Law::SarLe, date(2026, 2, 5), stop(date(2026, 2, 9), Some(date(2026, 2, 10))));
    assert_eq!(c.due(), Ok(Some(date(2026, 3, 9))));
    // Before 5 February 2026 a Part 3 clock does not stop.
    let c = clock(Law::SarLe, date(2026, 2, 4), stop(date(2026, 2, 9), Some(date(2026, 2, 10))));
    assert!(matches!(c.due(), Err(ClockError::NoStop { .. })));
    // The regime is the day of receipt's: received 2 February, verified 6 February 2026.
    let c = Clock { law: Law::SarLe, received: date(2026, 2, 2), start: date(2026, 2, 6), jurisdiction: EW, extended: false,
        stops: stop(date(2026, 2, 9), Some(date(2026, 2, 10))) };
    assert!(matches!(c.due(), Err(ClockError::NoStop { .. })));
    assert_eq!(Clock { extended: true, stops: vec![], ..c }.due(), Err(ClockError::NoExtension));
    // Only FOI has fees notices.
    let c = clock(Law::Sar, date(2024, 9, 3), vec![Stop { kind: StopKind::Fees, from: date(2024, 9, 4), until: None }]);
    assert!(matches!(c.due(), Err(ClockError::NoStop { .. })));
}

#[test]
fn stops_are_checked() {
    let clock = |stops| Clock { law: Law::Sar, received: date(2024, 9, 3), start: date(2024, 9, 3), jurisdiction: EW, extended: false, stops };
    let stop = |from, until| Stop { kind: StopKind::Clarification, from, until };
    assert_eq!(clock(vec![stop(date(2024, 9, 1), Some(date(2024, 9, 4)))]).due(), Err(ClockError::StopOutOfOrder));
    assert_eq!(clock(vec![stop(date(2024, 9, 6), Some(date(2024, 9, 4)))]).due(), Err(ClockError::StopOutOfOrder));
    let overlapping = vec![stop(date(2024, 9, 4), Some(date(2024, 9, 8))), stop(date(2024, 9, 8), Some(date(2024, 9, 9)))];
    assert_eq!(clock(overlapping).due(), Err(ClockError::StopsOverlap));
}

#[test]
fn dates_outside_the_calendar_are_refused() {
    assert_eq!(due_date(Law::Foi, date(2009, 12, 31), false, EW), Err(ClockError::OutsideCalendar(date(2009, 12, 31))));
    assert!(due_date(Law::Sar, date(2199, 12, 15), false, EW).is_err());
    assert!(due_date(Law::Foi, date(2150, 3, 2), false, EW).is_ok());
}

#[test]
fn laws_are_named_as_on_the_command_line() {
    assert_eq!("SAR-LE".parse::<Law>(), Ok(Law::SarLe));
    assert_eq!("gdpr".parse::<Law>(), Err(ClockError::UnknownLaw("gdpr".into())));
}
