//! PACE detention clocks: from the times on a custody record, when the detention must next be
//! reviewed and how long the person may be held without charge. Pure rules, no storage: the
//! custody record (issue 5) keeps the times and shows these clocks as due or overdue.
//!
//! Police and Criminal Evidence Act 1984, Part IV (England and Wales):
//!
//! - **Relevant time**, s.41(2)(d): arrival at the first police station after the arrest, or 24
//!   hours after the arrest, whichever is earlier; s.41(2)(c): for a person who attended a
//!   station voluntarily and was arrested there, the time of the arrest.
//! - **Reviews**, s.40(3): the first not later than 6 hours after detention was first
//!   authorised; the second not later than 9 hours after the first; later ones at intervals of
//!   not more than 9 hours. Reviews continue after charge while the person is held (s.40(1)(a)).
//!   An early review brings the next one forward; a late one (postponed, s.40(4)) does not move
//!   the later ones, s.40(7): they stay due 9 hours after the time it was due. Late reviews are
//!   reported, not refused: the record must hold what happened.
//! - **Limit** without charge, s.41(1): 24 hours from the relevant time. A superintendent may
//!   authorise detention up to 36 hours from it, s.42(1), but not more than 24 hours after the
//!   relevant time nor before the second review, s.42(4). A magistrates' warrant of further
//!   detention runs at most 36 hours from its issue, s.43(12); each extension at most 36 hours
//!   more, s.44(3)(a); none beyond 96 hours from the relevant time, s.44(3)(b).
//!
//! Not modelled here, so such records need a person to set the clocks: the relevant time of a
//! person arrested in one police area and wanted in another, or arrested outside England and
//! Wales (s.41(2)(a)–(b), (3)–(5)), or answering street bail (s.41(2)(ca)); time in hospital
//! (s.41(6)); the time already used when a person bailed is detained again (s.41(9), s.47(6));
//! when a warrant may be applied for (s.43(5)); and detention under the Terrorism Act 2000
//! (Schedule 8). Times are instants (UTC): a summer-time change does not move a clock.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// s.41(2)(d): the relevant time is at latest this long after the arrest.
pub const ARRIVAL_CAP: SignedDuration = SignedDuration::from_hours(24);
/// s.40(3)(a): the first review, from the first authorisation of detention.
pub const FIRST_REVIEW: SignedDuration = SignedDuration::from_hours(6);
/// s.40(3)(b)–(c): each later review, from the one before.
pub const REVIEW_INTERVAL: SignedDuration = SignedDuration::from_hours(9);
/// s.41(1): detention without charge, from the relevant time.
pub const BASIC_LIMIT: SignedDuration = SignedDuration::from_hours(24);
/// s.42(1): the most a superintendent may authorise, from the relevant time.
pub const SUPERINTENDENT_LIMIT: SignedDuration = SignedDuration::from_hours(36);
/// s.42(4)(a): a superintendent's authorisation is given at latest this long after the relevant time.
pub const SUPERINTENDENT_DEADLINE: SignedDuration = SignedDuration::from_hours(24);
/// s.43(12), s.44(3)(a): the most one warrant, or one extension of it, may run from its issue.
pub const WARRANT_GRANT: SignedDuration = SignedDuration::from_hours(36);
/// s.44(3)(b): the most any warrant of further detention, extended, may allow.
pub const WARRANT_LIMIT: SignedDuration = SignedDuration::from_hours(96);

/// How the person came to be at the station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    /// Arrested elsewhere and taken to the station (s.41(2)(d)).
    #[default]
    AfterArrest,
    /// Attended voluntarily and was arrested at the station (s.41(2)(c)).
    VoluntaryAttendance,
}

/// An authorisation to hold a person beyond 24 hours from the relevant time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Extension {
    /// s.42: a superintendent's authorisation, given at `granted`, up to `until`.
    Superintendent { granted: Timestamp, until: Timestamp },
    /// s.43 or s.44: a magistrates' court's warrant of further detention (or its extension),
    /// issued at `issued`, up to `until`.
    Warrant { issued: Timestamp, until: Timestamp },
}

impl Extension {
    fn until(self) -> Timestamp {
        match self {
            Extension::Superintendent { until, .. } | Extension::Warrant { until, .. } => until,
        }
    }
}

/// The times of one detention, as the custody record holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detention {
    pub arrival: Arrival,
    pub arrested: Timestamp,
    /// Arrival at the first police station (before the arrest, for a voluntary attender).
    pub arrived: Timestamp,
    /// When the custody officer first authorised detention (at the station, s.37).
    pub authorised: Timestamp,
    /// Reviews held, in order.
    pub reviews: Vec<Timestamp>,
    /// Extensions granted, in order; the last one sets the limit.
    pub extensions: Vec<Extension>,
    /// Charge: detention without charge ends, and with it the limit clock; reviews go on.
    pub charged: Option<Timestamp>,
    /// Release (with or without bail): every clock stops.
    pub released: Option<Timestamp>,
}

/// Why a set of detention times is refused: nothing is stored from it. Times are shown in UTC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the arrival at the station ({arrived} UTC) is before the arrest ({arrested} UTC), and the person did not attend voluntarily")]
    ArrivalBeforeArrest { arrested: Timestamp, arrived: Timestamp },
    #[error("detention was authorised ({authorised} UTC) before the person was at the station and arrested ({at_station} UTC)")]
    AuthorisedTooEarly { at_station: Timestamp, authorised: Timestamp },
    #[error("review {index} ({at} UTC) is before {earlier} UTC, when detention was authorised or the review before it was held")]
    ReviewOutOfOrder { index: usize, at: Timestamp, earlier: Timestamp },
    #[error("review {index} ({at} UTC) is recorded after the release ({released} UTC)")]
    ReviewAfterRelease { index: usize, at: Timestamp, released: Timestamp },
    #[error("the {what} ({at} UTC) is before detention was authorised ({authorised} UTC)")]
    EndBeforeAuthorised { what: &'static str, at: Timestamp, authorised: Timestamp },
    #[error("the release ({released} UTC) is before the charge ({charged} UTC)")]
    ReleasedBeforeCharge { charged: Timestamp, released: Timestamp },
    #[error("a superintendent may authorise detention only up to {limit} UTC (36 hours from the relevant time, PACE s.42(1)); asked for {until} UTC")]
    SuperintendentBeyondLimit { until: Timestamp, limit: Timestamp },
    #[error("a superintendent's authorisation must be given by {deadline} UTC (24 hours after the relevant time, PACE s.42(4)(a)); given at {granted} UTC")]
    SuperintendentTooLate { granted: Timestamp, deadline: Timestamp },
    #[error("a superintendent's authorisation ({granted} UTC) may not be given before the second review (PACE s.42(4)(b)); {reviews} reviews held by then")]
    SuperintendentBeforeSecondReview { granted: Timestamp, reviews: usize },
    #[error("a warrant of further detention, or an extension of one, may run at most 36 hours from its issue (PACE s.43(12), s.44(3)(a)): issued {issued} UTC, asked for {until} UTC")]
    WarrantGrantTooLong { issued: Timestamp, until: Timestamp },
    #[error("a warrant of further detention may run only to {limit} UTC (96 hours from the relevant time, PACE s.44(3)(b)); asked for {until} UTC")]
    WarrantBeyondLimit { until: Timestamp, limit: Timestamp },
    #[error("an extension must run beyond the limit already in force ({limit} UTC); asked for {until} UTC")]
    ExtensionShortens { until: Timestamp, limit: Timestamp },
    #[error("the detention without charge ended at {ended} UTC, after its limit of {limit} UTC with no extension to cover it")]
    HeldBeyondLimit { ended: Timestamp, limit: Timestamp },
}

/// Where one clock stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClockState {
    Due { at: Timestamp },
    Overdue { since: Timestamp },
    /// The clock no longer runs (release; for the limit, charge too).
    Stopped,
}

impl Detention {
    /// Checks the times are possible and every extension within the law; `Ok` means the clocks
    /// below are meaningful.
    pub fn validate(&self) -> Result<(), ClockError> {
        let (arrested, arrived, authorised) = (self.arrested, self.arrived, self.authorised);
        if self.arrival == Arrival::AfterArrest && arrived < arrested {
            return Err(ClockError::ArrivalBeforeArrest { arrested, arrived });
        }
        let at_station = arrived.max(arrested);
        if authorised < at_station {
            return Err(ClockError::AuthorisedTooEarly { at_station, authorised });
        }
        let mut earlier = authorised;
        for (index, &at) in self.reviews.iter().enumerate() {
            if at < earlier {
                return Err(ClockError::ReviewOutOfOrder { index: index + 1, at, earlier });
            }
            if let Some(released) = self.released.filter(|&r| at > r) {
                return Err(ClockError::ReviewAfterRelease { index: index + 1, at, released });
            }
            earlier = at;
        }
        for (what, at) in [("charge", self.charged), ("release", self.released)] {
            if let Some(at) = at.filter(|&t| t < authorised) {
                return Err(ClockError::EndBeforeAuthorised { what, at, authorised });
            }
        }
        if let (Some(charged), Some(released)) = (self.charged, self.released)
            && released < charged
        {
            return Err(ClockError::ReleasedBeforeCharge { charged, released });
        }
        let relevant = self.relevant_time();
        let mut limit = after(relevant, BASIC_LIMIT);
        let mut superintendent_before = false;
        for &extension in &self.extensions {
            let until = extension.until();
            match extension {
                Extension::Superintendent { granted, .. } => {
                    let most = after(relevant, SUPERINTENDENT_LIMIT);
                    if until > most {
                        return Err(ClockError::SuperintendentBeyondLimit { until, limit: most });
                    }
                    // s.42(4) binds the authorisation under s.42(1); a further period under
                    // s.42(2), after a shorter one, needs only the 36 hours.
                    if !std::mem::replace(&mut superintendent_before, true) {
                        let deadline = after(relevant, SUPERINTENDENT_DEADLINE);
                        if granted > deadline {
                            return Err(ClockError::SuperintendentTooLate { granted, deadline });
                        }
                        let reviews = self.reviews.iter().filter(|&&r| r <= granted).count();
                        if reviews < 2 {
                            return Err(ClockError::SuperintendentBeforeSecondReview { granted, reviews });
                        }
                    }
                }
                Extension::Warrant { issued, .. } => {
                    if until > after(issued, WARRANT_GRANT) {
                        return Err(ClockError::WarrantGrantTooLong { issued, until });
                    }
                    let most = after(relevant, WARRANT_LIMIT);
                    if until > most {
                        return Err(ClockError::WarrantBeyondLimit { until, limit: most });
                    }
                }
            }
            if until <= limit {
                return Err(ClockError::ExtensionShortens { until, limit });
            }
            limit = until;
        }
        if let Some(ended) = self.end_without_charge().filter(|&e| e > limit) {
            return Err(ClockError::HeldBeyondLimit { ended, limit });
        }
        Ok(())
    }

    /// s.41(2)(c)–(d): the arrest, for a voluntary attender; else the earlier of the arrival at
    /// the station and 24 hours after the arrest.
    pub fn relevant_time(&self) -> Timestamp {
        match self.arrival {
            Arrival::VoluntaryAttendance => self.arrested,
            Arrival::AfterArrest => self.arrived.min(after(self.arrested, ARRIVAL_CAP)),
        }
    }

    /// When each review held was due, and when the next one is (s.40(3), s.40(7)).
    fn review_schedule(&self) -> (Vec<Timestamp>, Timestamp) {
        let mut due = after(self.authorised, FIRST_REVIEW);
        let mut dues = Vec::with_capacity(self.reviews.len());
        for &at in &self.reviews {
            dues.push(due);
            // Early: the next is 9 hours after this one. Late: 9 hours after it was due.
            due = after(at.min(due), REVIEW_INTERVAL);
        }
        (dues, due)
    }

    /// When the next review is due.
    pub fn next_review(&self) -> Timestamp {
        self.review_schedule().1
    }

    /// Reviews held after they were due (1-based, with how late each was).
    pub fn late_reviews(&self) -> Vec<(usize, SignedDuration)> {
        let (dues, _) = self.review_schedule();
        self.reviews
            .iter()
            .zip(dues)
            .enumerate()
            .filter(|(_, (at, due))| *at > due)
            .map(|(k, (at, due))| (k + 1, at.duration_since(due)))
            .collect()
    }

    /// s.41–s.44: the end of the detention allowed without charge: 24 hours from the relevant
    /// time, or the last extension's end.
    pub fn limit(&self) -> Timestamp {
        self.extensions.last().map_or(after(self.relevant_time(), BASIC_LIMIT), |e| e.until())
    }

    /// The review clock at `now`: it runs until release, charged or not (s.40(1)).
    pub fn review_state(&self, now: Timestamp) -> ClockState {
        state(self.released, self.next_review(), now)
    }

    /// The detention-limit clock at `now`: it stops at charge or release.
    pub fn limit_state(&self, now: Timestamp) -> ClockState {
        state(self.end_without_charge(), self.limit(), now)
    }

    /// The end of detention without charge: the charge or the release, whichever came first.
    fn end_without_charge(&self) -> Option<Timestamp> {
        match (self.charged, self.released) {
            (Some(c), Some(r)) => Some(c.min(r)),
            (c, r) => c.or(r),
        }
    }
}

/// `t` plus `d`, at most the last representable instant: a time near the end of the calendar
/// (a typing slip for the year 9999) must give a clock, not a panic.
fn after(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.saturating_add(d).unwrap_or(Timestamp::MAX)
}

fn state(stopped: Option<Timestamp>, due: Timestamp, now: Timestamp) -> ClockState {
    match stopped {
        Some(_) => ClockState::Stopped,
        None if now > due => ClockState::Overdue { since: due },
        None => ClockState::Due { at: due },
    }
}

#[cfg(test)]
#[path = "custody_tests.rs"]
mod tests;
