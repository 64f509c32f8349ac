//! PACE detention clocks: from the times on a custody record, when the detention must next be
//! reviewed and how long the person may be held. Pure rules, no storage: the custody record
//! (issue 5) keeps the times and shows these clocks as due or overdue.
//!
//! Police and Criminal Evidence Act 1984, Part IV (England and Wales), for a person arrested in
//! the force's own area and taken to one of its stations:
//!
//! - **Relevant time**, s.41(2)(d): arrival at the first police station after the arrest, or 24
//!   hours after the arrest, whichever is earlier.
//! - **Reviews** of detention before charge, s.40(3): the first not later than 6 hours after the
//!   detention was first authorised; the second not later than 9 hours after the first; later
//!   ones at intervals of not more than 9 hours. A review is due from the one actually held,
//!   so an early review brings the next one forward and a late one does not push it back: the
//!   lateness is reported.
//! - **Limit** without charge, s.41(1): 24 hours from the relevant time; a superintendent may
//!   authorise detention up to 36 hours from it, s.42(1); magistrates' warrants of further
//!   detention and their extensions, s.43 and s.44, never beyond 96 hours from it, s.44(3)(b).
//!
//! Not modelled here: the relevant time of a person arrested outside England and Wales or wanted
//! by another force (s.41(2)(a)–(c), (3)–(5)), time in hospital (s.41(6)), and detention under
//! the Terrorism Act 2000 (Schedule 8). Those records need a person to set the clocks by hand.

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
/// s.44(3)(b): the most any warrant of further detention, extended, may allow.
pub const WARRANT_LIMIT: SignedDuration = SignedDuration::from_hours(96);

/// An authorisation to hold a person beyond 24 hours from the relevant time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Extension {
    /// s.42: a superintendent's authorisation, up to `until`.
    Superintendent { until: Timestamp },
    /// s.43 or s.44: a magistrates' court's warrant of further detention (or its extension),
    /// up to `until`.
    Warrant { until: Timestamp },
}

impl Extension {
    fn until(self) -> Timestamp {
        match self {
            Extension::Superintendent { until } | Extension::Warrant { until } => until,
        }
    }
}

/// The times of one detention, as the custody record holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detention {
    pub arrested: Timestamp,
    /// Arrival at the first police station after the arrest.
    pub arrived: Timestamp,
    /// When the custody officer first authorised detention.
    pub authorised: Timestamp,
    /// Reviews held, in order.
    pub reviews: Vec<Timestamp>,
    /// Extensions granted, in order; the last one in force sets the limit.
    pub extensions: Vec<Extension>,
    /// Release, bail or charge: the end of detention before charge, when the clocks stop.
    pub ended: Option<Timestamp>,
}

/// Why a set of detention times is refused: nothing is stored from it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the arrival at the station ({arrived}) is before the arrest ({arrested})")]
    ArrivalBeforeArrest { arrested: Timestamp, arrived: Timestamp },
    #[error("detention was authorised ({authorised}) before the arrest ({arrested})")]
    AuthorisedBeforeArrest { arrested: Timestamp, authorised: Timestamp },
    #[error("review {index} ({at}) is before the detention was authorised or the review before it")]
    ReviewOutOfOrder { index: usize, at: Timestamp },
    #[error("review {index} ({at}) is recorded after the detention ended ({ended})")]
    ReviewAfterEnd { index: usize, at: Timestamp, ended: Timestamp },
    #[error("the detention ended ({ended}) before it was authorised ({authorised})")]
    EndedBeforeAuthorised { authorised: Timestamp, ended: Timestamp },
    #[error("a superintendent may authorise detention only up to {limit} (36 hours from the relevant time, PACE s.42(1)); asked for {until}")]
    SuperintendentBeyondLimit { until: Timestamp, limit: Timestamp },
    #[error("a warrant of further detention may run only to {limit} (96 hours from the relevant time, PACE s.44(3)(b)); asked for {until}")]
    WarrantBeyondLimit { until: Timestamp, limit: Timestamp },
    #[error("an extension must run beyond the limit already in force ({limit}); asked for {until}")]
    ExtensionShortens { until: Timestamp, limit: Timestamp },
    #[error("the detention ended at {ended}, after its limit of {limit} with no extension to cover it")]
    HeldBeyondLimit { ended: Timestamp, limit: Timestamp },
}

/// Where one clock stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClockState {
    Due { at: Timestamp },
    Overdue { since: Timestamp },
    /// The detention ended: the clock no longer runs.
    Stopped,
}

impl Detention {
    /// Checks the times are in order and every extension within the law; `Ok` means the clocks
    /// below are meaningful.
    pub fn validate(&self) -> Result<(), ClockError> {
        let (arrested, arrived, authorised) = (self.arrested, self.arrived, self.authorised);
        if arrived < arrested {
            return Err(ClockError::ArrivalBeforeArrest { arrested, arrived });
        }
        if authorised < arrested {
            return Err(ClockError::AuthorisedBeforeArrest { arrested, authorised });
        }
        let mut previous = authorised;
        for (index, &at) in self.reviews.iter().enumerate() {
            if at < previous {
                return Err(ClockError::ReviewOutOfOrder { index: index + 1, at });
            }
            if let Some(ended) = self.ended.filter(|&e| at > e) {
                return Err(ClockError::ReviewAfterEnd { index: index + 1, at, ended });
            }
            previous = at;
        }
        if let Some(ended) = self.ended.filter(|&e| e < authorised) {
            return Err(ClockError::EndedBeforeAuthorised { authorised, ended });
        }
        let relevant = self.relevant_time();
        let mut limit = after(relevant, BASIC_LIMIT);
        for extension in &self.extensions {
            let until = extension.until();
            let most = match extension {
                Extension::Superintendent { .. } => after(relevant, SUPERINTENDENT_LIMIT),
                Extension::Warrant { .. } => after(relevant, WARRANT_LIMIT),
            };
            if until > most {
                return Err(match extension {
                    Extension::Superintendent { .. } => ClockError::SuperintendentBeyondLimit { until, limit: most },
                    Extension::Warrant { .. } => ClockError::WarrantBeyondLimit { until, limit: most },
                });
            }
            if until <= limit {
                return Err(ClockError::ExtensionShortens { until, limit });
            }
            limit = until;
        }
        if let Some(ended) = self.ended.filter(|&e| e > limit) {
            return Err(ClockError::HeldBeyondLimit { ended, limit });
        }
        Ok(())
    }

    /// s.41(2)(d): the earlier of the arrival at the station and 24 hours after the arrest.
    pub fn relevant_time(&self) -> Timestamp {
        self.arrived.min(after(self.arrested, ARRIVAL_CAP))
    }

    /// s.40(3): when the next review is due (from the last review held, or the authorisation).
    pub fn next_review(&self) -> Timestamp {
        match self.reviews.last() {
            Some(&last) => after(last, REVIEW_INTERVAL),
            None => after(self.authorised, FIRST_REVIEW),
        }
    }

    /// Reviews held after they were due (1-based, with how late each was).
    pub fn late_reviews(&self) -> Vec<(usize, SignedDuration)> {
        let mut due = after(self.authorised, FIRST_REVIEW);
        let mut late = Vec::new();
        for (k, &at) in self.reviews.iter().enumerate() {
            if at > due {
                late.push((k + 1, at.duration_since(due)));
            }
            due = after(at, REVIEW_INTERVAL);
        }
        late
    }

    /// s.41–s.44: the end of the detention allowed without charge: 24 hours from the relevant
    /// time, or the last extension's end.
    pub fn limit(&self) -> Timestamp {
        self.extensions.last().map_or(after(self.relevant_time(), BASIC_LIMIT), |e| e.until())
    }

    /// The review clock at `now`.
    pub fn review_state(&self, now: Timestamp) -> ClockState {
        state(self.ended, self.next_review(), now)
    }

    /// The detention-limit clock at `now`.
    pub fn limit_state(&self, now: Timestamp) -> ClockState {
        state(self.ended, self.limit(), now)
    }
}

/// `t` plus `d`, at most the last representable instant: a time near the end of the calendar
/// (a typing slip for the year 9999) must give a clock, not a panic.
fn after(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.saturating_add(d).unwrap_or(Timestamp::MAX)
}

fn state(ended: Option<Timestamp>, due: Timestamp, now: Timestamp) -> ClockState {
    match ended {
        Some(_) => ClockState::Stopped,
        None if now > due => ClockState::Overdue { since: due },
        None => ClockState::Due { at: due },
    }
}

#[cfg(test)]
#[path = "custody_tests.rs"]
mod tests;
