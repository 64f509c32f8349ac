//! The statutory clocks of information rights requests: when the answer is due.
//!
//! - [`Law::Foi`], FOIA 2000 s.10(1): "not later than the twentieth working day following the
//!   date of receipt"; a working day as s.10(6) defines it ([`calendar::is_foi_working_day`]).
//!   The public interest extension (s.10(3)) is a "reasonable" time, which the ICO holds to
//!   at most 20 further working days: the 40th. Clarification under s.1(3) restarts the clock on
//!   the day it arrives (s.10(6)(b) makes that the date of receipt); a fees notice stops it, the
//!   working days from the notice to the payment being disregarded (s.10(2)).
//! - [`Law::Sar`], UK GDPR Art 12(3): one month, counted as the ICO counts it: from the day of
//!   receipt (or of identity verification) to the same date next month; the last day of that
//!   month when there is no such date; the next working day (of the force's jurisdiction) when
//!   that date is not one. The extension for complex or numerous requests makes it three months
//!   from the start. A request for clarification stops the clock: the days from asking to the
//!   answer (both included) do not count.
//! - [`Law::SarLe`], DPA 2018 Part 3 (s.45, s.54): "the period of one month … beginning with the
//!   relevant time". We read "one month beginning with" as the ICO reads both regimes, ending on
//!   the corresponding date of the next month (not the day before it), so that one calculation
//!   serves staff answering either kind of request and agrees with the regulator's published
//!   counting; the roll to a working day is the same. Before 5 February 2026 Part 3 allowed no
//!   extension and no stop. From that date (Data (Use and Access) Act 2025 s.76) a request may be
//!   extended by two further months (three from the start) and the clock stops for clarification,
//!   as for `sar`. Which regime applies is decided by the day the request was received.

use std::fmt;
use std::str::FromStr;

use jiff::Span;
use jiff::civil::{Date, date};

use crate::calendar::{self, FIRST_YEAR, LAST_YEAR, Region};

/// The day the Data (Use and Access) Act 2025 s.76 amendments to DPA 2018 Part 3 (extension,
/// stopping the clock) apply from: requests received on or after it.
pub const PART3_AMENDED: Date = date(2026, 2, 5);

/// FOIA s.10(1): the twentieth working day following the date of receipt.
pub const FOI_WORKING_DAYS: u32 = 20;
/// The ICO's limit on the public interest extension (s.10(3)): 20 further working days.
pub const FOI_EXTENDED_WORKING_DAYS: u32 = 40;

/// The law a request is made under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Law {
    /// Freedom of Information Act 2000.
    #[serde(rename = "foi")]
    Foi,
    /// Subject access under UK GDPR Art 15 (Art 12(3) time limit).
    #[serde(rename = "sar")]
    Sar,
    /// Subject access to law enforcement processing, DPA 2018 Part 3 s.45 (s.54 time limit).
    #[serde(rename = "sar-le")]
    SarLe,
}

impl Law {
    pub const ALL: [Law; 3] = [Law::Foi, Law::Sar, Law::SarLe];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Foi => "foi",
            Self::Sar => "sar",
            Self::SarLe => "sar-le",
        }
    }

    /// Whether a request under this law whose clock starts on `start` may be extended.
    pub fn may_extend(self, start: Date) -> bool {
        self != Law::SarLe || start >= PART3_AMENDED
    }

    /// Whether the clock of such a request may stop for `kind`.
    pub fn may_stop(self, start: Date, kind: StopKind) -> bool {
        match (self, kind) {
            (Law::Foi, _) => true,
            (Law::Sar, StopKind::Clarification) => true,
            (Law::SarLe, StopKind::Clarification) => start >= PART3_AMENDED,
            (Law::Sar | Law::SarLe, StopKind::Fees) => false,
        }
    }
}

impl fmt::Display for Law {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Law {
    type Err = ClockError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Law::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ClockError::UnknownLaw(s.trim().to_owned()))
    }
}

/// Why a clock stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopKind {
    /// The requester was asked to clarify the request.
    Clarification,
    /// An FOI fees notice was given (FOIA s.9, s.10(2)).
    Fees,
}

impl StopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clarification => "clarification",
            Self::Fees => "fees",
        }
    }
}

/// A stop of the clock: from the day the requester was asked (or the fees notice given) to the
/// day the answer (or the fee) arrived; `until` is `None` while the clock is stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stop {
    pub kind: StopKind,
    pub from: Date,
    pub until: Option<Date>,
}

/// Why a due date cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("unknown law {0:?}: use foi, sar or sar-le")]
    UnknownLaw(String),
    #[error("{0} is outside the calendar ({FIRST_YEAR} to {LAST_YEAR})")]
    OutsideCalendar(Date),
    #[error(
        "a sar-le request received before 5 February 2026 cannot be extended \
         (DPA 2018 Part 3 allowed no extension until the Data (Use and Access) Act 2025 s.76)"
    )]
    NoExtension,
    #[error("the clock of a {law} request received on {received} cannot stop for {kind}", kind = .kind.as_str())]
    NoStop { law: Law, received: Date, kind: StopKind },
    #[error("a stop must begin on or after the day the clock started and end on or after it began")]
    StopOutOfOrder,
    #[error("stops of the clock must not overlap")]
    StopsOverlap,
}

/// The clock of one request: the law, the day it was received (which decides the Part 3
/// regime), the day its clock started (receipt, or for subject access the identity
/// verification), whether it was extended, and its stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub law: Law,
    pub received: Date,
    pub start: Date,
    /// The force's jurisdiction, whose bank holidays a subject access deadline rolls over.
    pub jurisdiction: Region,
    pub extended: bool,
    pub stops: Vec<Stop>,
}

/// The due date of a request under `law` whose clock started on `start`, with no stops:
/// `extended` applies the longest extension the law allows. This is `custos deadline`, where the
/// one date given is both the day of receipt and the day the clock starts.
pub fn due_date(law: Law, start: Date, extended: bool, jurisdiction: Region) -> Result<Date, ClockError> {
    let clock = Clock { law, received: start, start, jurisdiction, extended, stops: Vec::new() };
    // With no stops the clock always has a due date.
    clock.due().map(|due| due.unwrap_or(start))
}

impl Clock {
    /// The due date, or `None` while the clock is stopped.
    pub fn due(&self) -> Result<Option<Date>, ClockError> {
        in_calendar(self.start)?;
        if self.extended && !self.law.may_extend(self.received) {
            return Err(ClockError::NoExtension);
        }
        let mut stops = self.stops.clone();
        stops.sort_by_key(|s| s.from);
        for (i, stop) in stops.iter().enumerate() {
            if !self.law.may_stop(self.received, stop.kind) {
                return Err(ClockError::NoStop { law: self.law, received: self.received, kind: stop.kind });
            }
            if stop.from < self.start || stop.until.is_some_and(|u| u < stop.from) {
                return Err(ClockError::StopOutOfOrder);
            }
            if let Some(next) = stops.get(i + 1)
                && stop.until.is_none_or(|u| u >= next.from)
            {
                return Err(ClockError::StopsOverlap);
            }
            in_calendar(stop.from)?;
            if let Some(until) = stop.until {
                in_calendar(until)?;
            }
        }
        if stops.iter().any(|s| s.until.is_none()) {
            return Ok(None);
        }
        match self.law {
            Law::Foi => self.foi_due(&stops).map(Some),
            Law::Sar | Law::SarLe => self.sar_due(&stops).map(Some),
        }
    }

    /// FOIA s.10: the 20th (extended, 40th) working day following the date of receipt; a
    /// clarification makes the day it arrived the date of receipt (s.10(6)(b)); the working days
    /// of a fees stop, both ends included, are disregarded (s.10(2)).
    fn foi_due(&self, stops: &[Stop]) -> Result<Date, ClockError> {
        let mut received = self.start;
        for stop in stops.iter().filter(|s| s.kind == StopKind::Clarification) {
            received = received.max(stop.until.unwrap_or(received));
        }
        let wanted = if self.extended { FOI_EXTENDED_WORKING_DAYS } else { FOI_WORKING_DAYS };
        let disregarded = |d: Date| stops.iter().any(|s| s.kind == StopKind::Fees && s.from <= d && s.until.is_some_and(|u| d <= u));
        let mut day = received;
        let mut counted = 0;
        while counted < wanted {
            day = next(day)?;
            if calendar::is_foi_working_day(day) && !disregarded(day) {
                counted += 1;
            }
        }
        Ok(day)
    }

    /// UK GDPR Art 12(3) and DPA 2018 s.54 as the ICO counts them: the corresponding date one
    /// (extended, three) months on, or the last day of that month; moved on by the days the
    /// clock was stopped; then on to the next working day of the jurisdiction.
    fn sar_due(&self, stops: &[Stop]) -> Result<Date, ClockError> {
        let months = if self.extended { 3 } else { 1 };
        // jiff constrains a day past the month's end to its last day: 31 Jan + 1 month = 28/29 Feb.
        let mut due = self.start.checked_add(Span::new().months(months)).map_err(|_| ClockError::OutsideCalendar(self.start))?;
        for stop in stops {
            if let Some(until) = stop.until {
                let stopped_days = i64::from((until - stop.from).get_days()) + 1;
                due = due.checked_add(Span::new().days(stopped_days)).map_err(|_| ClockError::OutsideCalendar(until))?;
            }
        }
        while !calendar::is_working_day_in(self.jurisdiction, due) {
            due = next(due)?;
        }
        in_calendar(due)?;
        Ok(due)
    }
}

fn in_calendar(day: Date) -> Result<(), ClockError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&day.year()) { Ok(()) } else { Err(ClockError::OutsideCalendar(day)) }
}

fn next(day: Date) -> Result<Date, ClockError> {
    let tomorrow = day.tomorrow().map_err(|_| ClockError::OutsideCalendar(day))?;
    in_calendar(tomorrow)?;
    Ok(tomorrow)
}

#[cfg(test)]
mod tests;
