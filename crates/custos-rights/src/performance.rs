//! How the force is doing on its statutory clocks, computed from the requests themselves: per
//! month of receipt and per law, how many came in and what share was answered in time; how many
//! open requests are overdue, and how many are older than six months; the backlog by age; and
//! when the backlog would clear at the current rate of work.
//!
//! Timeliness is the ICO's measure: of the requests received in a month whose deadline has
//! passed or which have been answered, the share answered by the deadline (a request still
//! within its time counts for neither side; one closed without an answer, withdrawn or never
//! clarified, is left out). The ICO expects at least 90% ([`ICO_TARGET`]).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use serde::Serialize;

use crate::clock::Law;

/// The share of requests the ICO expects answered in time.
pub const ICO_TARGET: f64 = 0.9;

/// What the dashboard needs of one request: no requester, no content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case {
    pub law: Law,
    pub received: Date,
    /// The deadline, where the clock has one (not while stopped or before identity verification).
    pub due: Option<Date>,
    pub answered: Option<Date>,
    /// Closed, with or without an answer.
    pub closed: Option<Date>,
}

impl Case {
    fn open(&self) -> bool {
        self.answered.is_none() && self.closed.is_none()
    }
}

/// One month of one law.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub law: Law,
    pub received: u32,
    pub answered: u32,
    pub answered_in_time: u32,
    /// Received that month, unanswered and past the deadline.
    pub overdue: u32,
    /// `answered_in_time / (answered + overdue)`; `None` when nothing is measurable yet.
    pub in_time_share: Option<f64>,
}

/// Open requests by how long ago they were received.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgeBand {
    pub band: &'static str,
    pub open: u32,
}

/// Where the backlog is heading.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "trend", rename_all = "snake_case")]
pub enum Forecast {
    /// No open overdue request.
    Clear,
    /// At the last three months' rates the overdue backlog clears by `by`.
    ClearsBy { by: Date, months: u32 },
    /// Requests arrive at least as fast as they are answered: it does not clear.
    Growing,
}

/// The dashboard for one law (or all together).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Performance {
    pub today: Date,
    pub months: Vec<Month>,
    pub open: u32,
    pub open_overdue: u32,
    pub open_older_than_six_months: u32,
    pub backlog_by_age: Vec<AgeBand>,
    pub forecast: Forecast,
}

fn month_of(day: Date) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

fn months_before(today: Date, months: i64) -> Date {
    today.checked_sub(Span::new().months(months)).unwrap_or(Date::MIN)
}

/// Computes the dashboard of `cases` as of `today`.
pub fn performance(cases: &[Case], today: Date) -> Performance {
    let mut months: BTreeMap<(String, &'static str), Month> = BTreeMap::new();
    for c in cases {
        let m = months.entry((month_of(c.received), c.law.as_str())).or_insert_with(|| Month {
            month: month_of(c.received),
            law: c.law,
            received: 0,
            answered: 0,
            answered_in_time: 0,
            overdue: 0,
            in_time_share: None,
        });
        m.received += 1;
        match (c.answered, c.due) {
            (Some(on), due) => {
                m.answered += 1;
                if due.is_some_and(|d| on <= d) {
                    m.answered_in_time += 1;
                }
            }
            (None, Some(due)) if c.closed.is_none() && due < today => m.overdue += 1,
            _ => {}
        }
    }
    let months: Vec<Month> = months
        .into_values()
        .map(|mut m| {
            let measured = m.answered + m.overdue;
            m.in_time_share = (measured > 0).then(|| f64::from(m.answered_in_time) / f64::from(measured));
            m
        })
        .collect();
    let open: Vec<&Case> = cases.iter().filter(|c| c.open()).collect();
    let overdue = open.iter().filter(|c| c.due.is_some_and(|d| d < today)).count() as u32;
    let six_months_ago = months_before(today, 6);
    let bands: [(&'static str, Date, Date); 5] = [
        ("under 1 month", months_before(today, 1), Date::MAX),
        ("1 to 3 months", months_before(today, 3), months_before(today, 1)),
        ("3 to 6 months", six_months_ago, months_before(today, 3)),
        ("6 to 12 months", months_before(today, 12), six_months_ago),
        ("over 12 months", Date::MIN, months_before(today, 12)),
    ];
    let backlog_by_age = bands
        .iter()
        .map(|(band, from, to)| AgeBand { band, open: open.iter().filter(|c| c.received > *from && c.received <= *to).count() as u32 })
        .collect();
    Performance {
        today,
        months,
        open: open.len() as u32,
        open_overdue: overdue,
        open_older_than_six_months: open.iter().filter(|c| c.received <= six_months_ago).count() as u32,
        backlog_by_age,
        forecast: forecast(cases, today, overdue),
    }
}

/// The overdue backlog shrinks by what is answered beyond what falls due, per month, over the
/// last three months.
fn forecast(cases: &[Case], today: Date, overdue: u32) -> Forecast {
    if overdue == 0 {
        return Forecast::Clear;
    }
    let since = months_before(today, 3);
    let finished = cases.iter().filter(|c| c.answered.or(c.closed).is_some_and(|d| d > since && d <= today)).count() as f64;
    let falling_due = cases.iter().filter(|c| c.due.is_some_and(|d| d > since && d <= today)).count() as f64;
    let net_per_month = (finished - falling_due) / 3.0;
    if net_per_month <= 0.0 {
        return Forecast::Growing;
    }
    let months = (f64::from(overdue) / net_per_month).ceil() as u32;
    match today.checked_add(i64::from(months).months()) {
        Ok(by) => Forecast::ClearsBy { by, months },
        Err(_) => Forecast::Growing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn case(law: Law, received: Date, due: Date, answered: Option<Date>) -> Case {
        Case { law, received, due: Some(due), answered, closed: answered }
    }

    #[test]
    fn timeliness_counts_answered_and_overdue_but_not_pending() {
        let today = date(2026, 4, 15);
        let cases = [
            case(Law::Foi, date(2026, 3, 2), date(2026, 3, 31), Some(date(2026, 3, 20))),
            case(Law::Foi, date(2026, 3, 3), date(2026, 4, 1), Some(date(2026, 4, 2))),
            case(Law::Foi, date(2026, 3, 4), date(2026, 4, 2), None),
            // Still within its time: neither in time nor late.
            case(Law::Foi, date(2026, 3, 30), date(2026, 4, 28), None),
            // Withdrawn without an answer: left out.
            Case { law: Law::Foi, received: date(2026, 3, 5), due: Some(date(2026, 4, 3)), answered: None, closed: Some(date(2026, 3, 10)) },
        ];
        let p = performance(&cases, today);
        let march = &p.months[0];
        assert_eq!((march.received, march.answered, march.answered_in_time, march.overdue), (5, 2, 1, 1));
        assert_eq!(march.in_time_share, Some(1.0 / 3.0));
        assert_eq!((p.open, p.open_overdue), (2, 1));
    }

    #[test]
    fn the_backlog_is_banded_by_age_and_its_clearance_forecast() {
        let today = date(2026, 12, 6);
        let mut cases = Vec::new();
        // Ten overdue from a year ago, one overdue from eight months ago.
        for _ in 0..10 {
            cases.push(case(Law::Sar, date(2025, 11, 1), date(2025, 12, 1), None));
        }
        cases.push(case(Law::Sar, date(2026, 4, 1), date(2026, 5, 1), None));
        // In the last three months: 20 answered, 8 fell due.
        for i in 0..8 {
            cases.push(case(Law::Sar, date(2026, 9, 10), date(2026, 10, 10), Some(date(2026, 10, 1 + i))));
        }
        for i in 0..12 {
            cases.push(Case { law: Law::Sar, received: date(2025, 6, 1), due: Some(date(2025, 7, 1)), answered: Some(date(2026, 11, 1 + i)), closed: None });
        }
        let p = performance(&cases, today);
        assert_eq!(p.open_overdue, 11);
        assert_eq!(p.open_older_than_six_months, 11);
        let bands: Vec<u32> = p.backlog_by_age.iter().map(|b| b.open).collect();
        assert_eq!(bands, [0, 0, 0, 1, 10]);
        // Net (20 - 8) / 3 = 4 a month: 11 overdue clear in 3 months.
        assert_eq!(p.forecast, Forecast::ClearsBy { by: date(2027, 3, 6), months: 3 });
        // Nothing answered lately: growing.
        let stuck: Vec<Case> = cases.iter().copied().filter(|c| c.answered.is_none()).collect();
        assert_eq!(performance(&stuck, today).forecast, Forecast::Growing);
        assert_eq!(performance(&[], today).forecast, Forecast::Clear);
    }
}
