//! An information rights request as casework: everything that happens to it is an [`Event`],
//! appended and never changed, and the request's state ([`Request`]) is what its events add up
//! to. Each event is checked against that state before it is accepted, so the rules of the law
//! (no extension after the deadline, no stop the law does not allow, no closure with work left)
//! hold for every way into the store, and the history is the case.

use custos_core::code_list;
use custos_core::text::{Label, Text};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::Region;
use crate::clock::{Clock, ClockError, Law, Stop, StopKind};
use crate::discovery::{BundleEntry, Discovery, Export, ItemReview, Subject};

code_list! {
    /// How the request came in.
    pub enum Channel ("channel") {
        Email = "email",
        WebForm = "web_form",
        Letter = "letter",
        Phone = "phone",
        InPerson = "in_person",
    }
}

code_list! {
    /// Who is asking (the FOI statistics report by requester type; a subject access request is
    /// made by the subject or someone acting for them).
    pub enum RequesterType ("requester type") {
        MemberOfPublic = "member_of_public",
        Journalist = "journalist",
        Business = "business",
        Researcher = "researcher",
        CampaignGroup = "campaign_group",
        Solicitor = "solicitor",
        PublicBody = "public_body",
        DataSubject = "data_subject",
        Representative = "representative",
    }
}

code_list! {
    /// FOIA exemptions and refusal grounds a police force applies. Absolute exemptions need no
    /// public interest test; qualified ones do (s.2); the cost limit (s.12) and vexatious
    /// requests (s.14) are refusals, not exemptions.
    pub enum FoiSection ("FOIA section") {
        S12CostLimit = "s12" | "12",
        S14Vexatious = "s14" | "14",
        S21OtherwiseAccessible = "s21" | "21",
        S22FuturePublication = "s22" | "22",
        S23SecurityBodies = "s23" | "23",
        S24NationalSecurity = "s24" | "24",
        S30Investigations = "s30" | "30",
        S31LawEnforcement = "s31" | "31",
        S38HealthAndSafety = "s38" | "38",
        S40PersonalData = "s40" | "40",
        S41Confidence = "s41" | "41",
        S42LegalPrivilege = "s42" | "42",
        S43Commercial = "s43" | "43",
        S44Prohibitions = "s44" | "44",
    }
}

/// Whether an exemption needs the public interest test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExemptionKind {
    Absolute,
    Qualified,
    /// A refusal ground (s.12, s.14): neither.
    Refusal,
}

impl FoiSection {
    /// FOIA s.2(3) lists the absolute exemptions. s.40 is absolute for a requester's own data
    /// and for third parties' data whose disclosure would breach the data protection principles
    /// (s.40(3A)), the case a police force meets; its other limbs are qualified, and the reasons
    /// recorded with it say which applies.
    pub fn kind(self) -> ExemptionKind {
        match self {
            Self::S12CostLimit | Self::S14Vexatious => ExemptionKind::Refusal,
            Self::S21OtherwiseAccessible | Self::S23SecurityBodies | Self::S40PersonalData | Self::S41Confidence | Self::S44Prohibitions => {
                ExemptionKind::Absolute
            }
            _ => ExemptionKind::Qualified,
        }
    }

    /// Whether the section has a neither-confirm-nor-deny provision (every exemption but s.21,
    /// whose information is by definition available; s.14 has none).
    pub fn may_neither_confirm_nor_deny(self) -> bool {
        !matches!(self, Self::S21OtherwiseAccessible | Self::S14Vexatious)
    }
}

code_list! {
    /// Grounds to restrict a subject's right of access. For Part 3 requests, DPA 2018 s.45(4):
    /// to avoid obstructing an inquiry, investigation or procedure; to avoid prejudicing the
    /// prevention, detection, investigation or prosecution of offences or the execution of
    /// penalties; to protect public security; national security; the rights and freedoms of
    /// others. For UK GDPR requests, DPA 2018 Schedule 2 para 2 (crime and taxation) and para 16
    /// (protection of the rights of others: third parties' data).
    pub enum Restriction ("restriction") {
        Inquiry = "s45_4_a",
        Crime = "s45_4_b",
        PublicSecurity = "s45_4_c",
        NationalSecurity = "s45_4_d",
        OthersRights = "s45_4_e",
        CrimeAndTaxation = "sch2_para2",
        ThirdParties = "sch2_para16",
    }
}

impl Restriction {
    pub(crate) fn applies_to(self, law: Law) -> bool {
        match self {
            Self::CrimeAndTaxation | Self::ThirdParties => law == Law::Sar,
            _ => law == Law::SarLe,
        }
    }
}

code_list! {
    /// How a request ended.
    pub enum Outcome ("outcome") {
        Granted = "granted",
        PartlyGranted = "partly_granted",
        Refused = "refused",
        NotHeld = "not_held",
        Withdrawn = "withdrawn",
        ClarificationNotReceived = "clarification_not_received",
    }
}

impl Outcome {
    /// Whether the outcome is an answer sent to the requester (the others end the request
    /// without one).
    pub fn is_answer(self) -> bool {
        !matches!(self, Self::Withdrawn | Self::ClarificationNotReceived)
    }
}

/// The requester. Personal data: never shown on the disclosure log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requester {
    pub name: Label,
    /// An email or postal address to answer to.
    pub contact: Text,
    pub kind: RequesterType,
}

/// What a request is registered with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub law: Law,
    pub channel: Channel,
    pub requester: Requester,
    pub received: Date,
    /// What was asked, in the requester's words.
    pub summary: Text,
    #[serde(default)]
    pub identity_verified: Option<Date>,
    /// The force's jurisdiction (its bank holidays move a subject access deadline).
    #[serde(default = "default_region")]
    pub jurisdiction: Region,
}

/// Something that happened to a request. Appended, never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The request was registered. For subject access the clock starts when the identity is
    /// verified (`identity_verified`, here or later); for FOI on receipt.
    Registered(Registration),
    /// The subject access requester's identity was verified: the clock starts.
    IdentityVerified { on: Date, how: Label },
    /// The request was given to a caseworker.
    Assigned { to: Label },
    /// A piece of work to do before answering (a search of a system, a consultation).
    TaskAdded { title: Label },
    /// A task was done (by its number, from 1, in the order added).
    TaskDone { task: usize },
    /// The clock stopped: clarification asked, or (FOI) a fees notice given; the notice sent.
    ClockStopped { kind: StopKind, on: Date, notice: Text },
    /// The clarification or fee arrived.
    ClockResumed { on: Date },
    /// The deadline was extended (FOI public interest test; complex or numerous SAR), with the
    /// notice sent and why.
    Extended { on: Date, reason: Text, notice: Text },
    /// An FOI exemption or refusal ground applied, with the reasons (for a qualified exemption,
    /// the public interest test).
    ExemptionApplied {
        section: FoiSection,
        #[serde(default)]
        neither_confirm_nor_deny: bool,
        reason: Text,
    },
    /// A subject's right of access restricted, with the reasons recorded (DPA 2018 s.45(5)).
    Restricted { ground: Restriction, reason: Text },
    /// The answer was sent.
    Responded { on: Date, outcome: Outcome },
    /// The requester asked for an internal review of the answer.
    ReviewRequested { on: Date },
    /// The internal review's decision.
    ReviewDecided { on: Date, upheld: bool, note: Text },
    /// The requester complained to the Information Commissioner.
    IcoComplaint { on: Date, reference: Label },
    /// The request was closed with its outcome.
    Closed { on: Date, outcome: Outcome },
    /// An FOI answer published in the disclosure log (a response to one is a response to the
    /// world): a title and the response as released. Never the requester: neither their name
    /// nor their contact may appear in it.
    Published { on: Date, title: Label, response: Text },
    /// A note on the file.
    Note { text: Text },
    /// Subject access: the officer chose the requester's Golden Nominal from a match search.
    SubjectIdentified(Subject),
    /// Subject access: the items found about the subject (see [`crate::discovery`]).
    BundleAssembled { items: Vec<BundleEntry> },
    /// Subject access: the officer's decisions on items of the bundle.
    ItemsReviewed { reviews: Vec<ItemReview> },
    /// Subject access: a disclosure pack was exported (audited as a disclosure).
    PackExported(Export),
}

fn default_region() -> Region {
    Region::EnglandWales
}

/// Why an event was refused; nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("the request must be registered before anything else happens to it")]
    NotRegistered,
    #[error("the request is already registered")]
    AlreadyRegistered,
    #[error("{what} ({day}) cannot be in the future")]
    Future { what: &'static str, day: Date },
    #[error("{what} ({day}) cannot be before {before_what} ({before})")]
    Before { what: &'static str, day: Date, before_what: &'static str, before: Date },
    #[error("only a subject access request has an identity to verify")]
    NoIdentity,
    #[error("the identity is already verified")]
    AlreadyVerified,
    #[error("the clock has not started: verify the requester's identity first")]
    NotStarted,
    #[error("the request is closed")]
    Closed,
    #[error("the clock is already stopped")]
    AlreadyStopped,
    #[error("the clock is not stopped")]
    NotStopped,
    #[error("the deadline has already been extended")]
    AlreadyExtended,
    #[error("the deadline ({due}) has passed: an extension must be given before it")]
    ExtendedTooLate { due: Date },
    #[error("the clock cannot be stopped after its deadline ({due})")]
    StoppedTooLate { due: Date },
    #[error("there is no task {0}")]
    NoSuchTask(usize),
    #[error("task {0} is already done")]
    TaskAlreadyDone(usize),
    #[error("{0} task(s) are still open: finish them before closing the request")]
    OpenTasks(usize),
    #[error("the request has not been answered: close it as withdrawn or clarification not received, or respond first")]
    NotAnswered,
    #[error("the request has already been answered")]
    AlreadyAnswered,
    #[error("{0} is not an answer: close the request with it instead")]
    NotAnAnswer(Outcome),
    #[error("the request was answered as {given}: close it with that outcome")]
    OutcomeDiffers { given: Outcome },
    #[error("the answer is already in the disclosure log")]
    AlreadyPublished,
    #[error("the publication names the requester (their name or contact): the disclosure log never carries them")]
    RequesterInPublication,
    #[error("no clarification was asked for: close the request with another outcome")]
    NoClarificationAsked,
    #[error("an internal review has already been requested")]
    AlreadyReviewed,
    #[error("the clock is stopped: resume it before extending")]
    ExtendedWhileStopped,
    #[error("an FOI deadline is extended only to consider the public interest: record the qualified exemption first (FOIA s.10(3))")]
    NoPublicInterestTest,
    #[error("the clock is stopped: resume it (or close the request) before answering")]
    AnsweredWhileStopped,
    #[error("FOI exemptions apply to FOI requests; restrict a subject access request instead")]
    NotFoi,
    #[error("{section} has no neither-confirm-nor-deny provision")]
    NoNcnd { section: FoiSection },
    #[error("restriction {ground} does not apply to a {law} request")]
    WrongRestriction { ground: Restriction, law: Law },
    #[error("an internal review needs an answer to review")]
    NothingToReview,
    #[error("no internal review was requested")]
    NoReview,
    #[error("only a subject access request has a subject whose data is found")]
    NotSubjectAccess,
    #[error("identify the requester's Golden Nominal first")]
    NoSubject,
    #[error("assemble the subject's bundle first")]
    NoBundle,
    #[error("item {0} is listed twice")]
    DuplicateItem(String),
    #[error("item {0} is not in the bundle")]
    UnknownItem(String),
    #[error("item {0} is disclosed: a restriction ground goes only with a partly disclosed or withheld item")]
    GroundOnDisclosure(String),
    #[error("item {0} is not withheld: only a withheld item can be kept from the requester's knowledge")]
    ConcealedDisclosure(String),
    #[error("item {0} is restricted: record the ground and the reasons (DPA 2018 s.45(5))")]
    RestrictionUnexplained(String),
    #[error("{count} item(s) have not been reviewed (the first is {first}): review every item before disclosing")]
    Unreviewed { count: usize, first: String },
    #[error("the reviews give {disclosed} item(s) disclosed and {withheld} withheld; the pack does not")]
    ExportCounts { disclosed: usize, withheld: usize },
    #[error("{0}")]
    Clock(#[from] ClockError),
}

/// A task and whether it is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    pub title: Label,
    pub done: bool,
}

/// What a request's events add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub law: Law,
    pub channel: Channel,
    pub requester: Requester,
    pub summary: Text,
    pub received: Date,
    pub jurisdiction: Region,
    /// The day the clock started: receipt (FOI) or identity verification (subject access).
    pub started: Option<Date>,
    pub assigned_to: Option<Label>,
    pub tasks: Vec<Task>,
    pub stops: Vec<Stop>,
    pub extended: bool,
    pub exemptions: Vec<FoiSection>,
    pub restrictions: Vec<Restriction>,
    pub responded: Option<(Date, Outcome)>,
    pub review: Option<Review>,
    pub ico_complaint: Option<Date>,
    pub closed: Option<(Date, Outcome)>,
    /// When the answer was published in the disclosure log.
    pub published: Option<Date>,
    /// Subject access: the subject, their bundle and its review.
    pub discovery: Discovery,
}

/// An internal review: when asked, and its decision once made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Review {
    pub requested: Date,
    pub decided: Option<(Date, bool)>,
}

/// Where a request's clock stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClockState {
    /// Waiting for the identity to be verified (subject access): no clock yet.
    NotStarted,
    /// Stopped for clarification or a fee.
    Stopped { since: Date },
    /// Running: due on `due`, `days_left` calendar days away (negative when overdue).
    Running { due: Date, days_left: i32 },
    /// Answered: on time or not.
    Answered { due: Date, on: Date, on_time: bool },
    /// Closed without an answer.
    Ended,
}

impl Request {
    /// Folds `events` into the request, checking each in turn as [`Request::apply`] does, with
    /// `today` the day they are checked on.
    pub fn from_events(events: &[Event], today: Date) -> Result<Request, CaseError> {
        let mut iter = events.iter();
        let mut request = match iter.next() {
            Some(first) => Request::register(first, today)?,
            None => return Err(CaseError::NotRegistered),
        };
        for event in iter {
            request.apply(event, today)?;
        }
        Ok(request)
    }

    /// The request a `Registered` event opens.
    pub fn register(event: &Event, today: Date) -> Result<Request, CaseError> {
        let Event::Registered(Registration { law, channel, requester, received, summary, identity_verified, jurisdiction }) = event else {
            return Err(CaseError::NotRegistered);
        };
        not_future("the date received", *received, today)?;
        let started = match law {
            Law::Foi => Some(*received),
            Law::Sar | Law::SarLe => *identity_verified,
        };
        if law == &Law::Foi && identity_verified.is_some() {
            return Err(CaseError::NoIdentity);
        }
        if let Some(verified) = identity_verified {
            not_future("the identity verification", *verified, today)?;
            not_before("the identity verification", *verified, "the date received", *received)?;
        }
        let request = Request {
            law: *law,
            channel: *channel,
            requester: requester.clone(),
            summary: summary.clone(),
            received: *received,
            jurisdiction: *jurisdiction,
            started,
            assigned_to: None,
            tasks: Vec::new(),
            stops: Vec::new(),
            extended: false,
            exemptions: Vec::new(),
            restrictions: Vec::new(),
            responded: None,
            review: None,
            ico_complaint: None,
            closed: None,
            published: None,
            discovery: Discovery::default(),
        };
        // The received date must be one the calendar can count from.
        request.due()?;
        Ok(request)
    }

    /// The clock as the statutory rules see it.
    pub fn clock(&self) -> Option<Clock> {
        Some(Clock {
            law: self.law,
            received: self.received,
            start: self.started?,
            jurisdiction: self.jurisdiction,
            extended: self.extended,
            stops: self.stops.clone(),
        })
    }

    /// The due date: `None` before the clock starts or while it is stopped.
    pub fn due(&self) -> Result<Option<Date>, ClockError> {
        match self.clock() {
            Some(clock) => clock.due(),
            None => Ok(None),
        }
    }

    /// Where the clock stands on `today`.
    pub fn clock_state(&self, today: Date) -> ClockState {
        let due = self.due().ok().flatten();
        if let Some((on, outcome)) = self.responded.or(self.closed) {
            return match due {
                Some(due) if outcome.is_answer() => ClockState::Answered { due, on, on_time: on <= due },
                _ => ClockState::Ended,
            };
        }
        if self.started.is_none() {
            return ClockState::NotStarted;
        }
        if let Some(stop) = self.stops.iter().find(|s| s.until.is_none()) {
            return ClockState::Stopped { since: stop.from };
        }
        match due {
            Some(due) => ClockState::Running { due, days_left: (due - today).get_days() },
            None => ClockState::Ended,
        }
    }

    /// Checks `event` against the request and, if the law and the casework allow it, applies it.
    /// On refusal the request is unchanged.
    pub fn apply(&mut self, event: &Event, today: Date) -> Result<(), CaseError> {
        let mut next = self.clone();
        next.apply_unchecked(event, today)?;
        // Whatever the event, the clock must still be one the law allows.
        next.due()?;
        *self = next;
        Ok(())
    }

    fn apply_unchecked(&mut self, event: &Event, today: Date) -> Result<(), CaseError> {
        let after_close = matches!(
            event,
            Event::ReviewRequested { .. } | Event::ReviewDecided { .. } | Event::IcoComplaint { .. } | Event::Published { .. } | Event::Note { .. }
        );
        if self.closed.is_some() && !after_close {
            return Err(CaseError::Closed);
        }
        match event {
            Event::Registered(_) => return Err(CaseError::AlreadyRegistered),
            Event::IdentityVerified { on, .. } => {
                if self.law == Law::Foi {
                    return Err(CaseError::NoIdentity);
                }
                self.unanswered()?;
                if self.started.is_some() {
                    return Err(CaseError::AlreadyVerified);
                }
                not_future("the identity verification", *on, today)?;
                not_before("the identity verification", *on, "the date received", self.received)?;
                self.started = Some(*on);
            }
            Event::Assigned { to } => self.assigned_to = Some(to.clone()),
            Event::TaskAdded { title } => self.tasks.push(Task { title: title.clone(), done: false }),
            Event::TaskDone { task } => {
                let t = task.checked_sub(1).and_then(|i| self.tasks.get_mut(i)).ok_or(CaseError::NoSuchTask(*task))?;
                if t.done {
                    return Err(CaseError::TaskAlreadyDone(*task));
                }
                t.done = true;
            }
            Event::ClockStopped { kind, on, .. } => {
                let start = self.started.ok_or(CaseError::NotStarted)?;
                self.unanswered()?;
                if self.stops.iter().any(|s| s.until.is_none()) {
                    return Err(CaseError::AlreadyStopped);
                }
                if !self.law.may_stop(self.received, *kind) {
                    return Err(ClockError::NoStop { law: self.law, received: self.received, kind: *kind }.into());
                }
                not_future("the day the clock stopped", *on, today)?;
                not_before("the day the clock stopped", *on, "the day it started", start)?;
                if let Some(due) = self.due()?
                    && *on > due
                {
                    return Err(CaseError::StoppedTooLate { due });
                }
                self.stops.push(Stop { kind: *kind, from: *on, until: None });
            }
            Event::ClockResumed { on } => {
                let stop = self.stops.iter_mut().find(|s| s.until.is_none()).ok_or(CaseError::NotStopped)?;
                not_future("the day the clock resumed", *on, today)?;
                not_before("the day the clock resumed", *on, "the day it stopped", stop.from)?;
                stop.until = Some(*on);
            }
            Event::Extended { on, .. } => {
                let start = self.started.ok_or(CaseError::NotStarted)?;
                self.unanswered()?;
                if self.extended {
                    return Err(CaseError::AlreadyExtended);
                }
                if !self.law.may_extend(self.received) {
                    return Err(ClockError::NoExtension.into());
                }
                // FOIA s.10(3): more time only to consider the public interest, so only once a
                // qualified exemption is in play.
                if self.law == Law::Foi && !self.exemptions.iter().any(|s| s.kind() == ExemptionKind::Qualified) {
                    return Err(CaseError::NoPublicInterestTest);
                }
                not_future("the extension", *on, today)?;
                not_before("the extension", *on, "the day the clock started", start)?;
                // The notice of an extension goes within the original time (FOIA s.17(2);
                // UK GDPR Art 12(3) "within one month of receipt"; DPA 2018 s.54 as amended).
                match self.due()? {
                    Some(due) if *on > due => return Err(CaseError::ExtendedTooLate { due }),
                    Some(_) => {}
                    None => return Err(CaseError::ExtendedWhileStopped),
                }
                self.extended = true;
            }
            Event::ExemptionApplied { section, neither_confirm_nor_deny, .. } => {
                self.unanswered()?;
                if self.law != Law::Foi {
                    return Err(CaseError::NotFoi);
                }
                if *neither_confirm_nor_deny && !section.may_neither_confirm_nor_deny() {
                    return Err(CaseError::NoNcnd { section: *section });
                }
                self.exemptions.push(*section);
            }
            Event::Restricted { ground, .. } => {
                self.unanswered()?;
                if !ground.applies_to(self.law) {
                    return Err(CaseError::WrongRestriction { ground: *ground, law: self.law });
                }
                self.restrictions.push(*ground);
            }
            Event::Responded { on, outcome } => {
                self.unanswered()?;
                if !outcome.is_answer() {
                    return Err(CaseError::NotAnAnswer(*outcome));
                }
                // A subject's data goes only to a verified subject.
                if self.started.is_none() {
                    return Err(CaseError::NotStarted);
                }
                if self.stops.iter().any(|s| s.until.is_none()) {
                    return Err(CaseError::AnsweredWhileStopped);
                }
                not_future("the answer", *on, today)?;
                not_before("the answer", *on, "the date received", self.received)?;
                if let Some(started) = self.started {
                    not_before("the answer", *on, "the day the clock started", started)?;
                }
                self.responded = Some((*on, *outcome));
            }
            Event::ReviewRequested { on } => {
                let (answered, _) = self.responded.ok_or(CaseError::NothingToReview)?;
                if self.review.is_some() {
                    return Err(CaseError::AlreadyReviewed);
                }
                not_future("the review request", *on, today)?;
                not_before("the review request", *on, "the answer", answered)?;
                self.review = Some(Review { requested: *on, decided: None });
            }
            Event::ReviewDecided { on, upheld, .. } => {
                let review = self.review.as_mut().filter(|r| r.decided.is_none()).ok_or(CaseError::NoReview)?;
                not_future("the review decision", *on, today)?;
                not_before("the review decision", *on, "the review request", review.requested)?;
                review.decided = Some((*on, *upheld));
            }
            Event::IcoComplaint { on, .. } => {
                not_future("the complaint", *on, today)?;
                not_before("the complaint", *on, "the date received", self.received)?;
                self.ico_complaint = Some(*on);
            }
            Event::Closed { on, outcome } => {
                let open = self.tasks.iter().filter(|t| !t.done).count();
                if open > 0 {
                    return Err(CaseError::OpenTasks(open));
                }
                if *outcome == Outcome::ClarificationNotReceived && !self.stops.iter().any(|s| s.kind == StopKind::Clarification) {
                    return Err(CaseError::NoClarificationAsked);
                }
                match self.responded {
                    None if outcome.is_answer() => return Err(CaseError::NotAnswered),
                    None => {}
                    Some((answered, given)) => {
                        if *outcome != given {
                            return Err(CaseError::OutcomeDiffers { given });
                        }
                        not_before("the closure", *on, "the answer", answered)?;
                    }
                }
                not_future("the closure", *on, today)?;
                not_before("the closure", *on, "the date received", self.received)?;
                // A stop still open when the request closes ends with it.
                if let Some(stop) = self.stops.iter_mut().find(|s| s.until.is_none()) {
                    stop.until = Some((*on).max(stop.from));
                }
                self.closed = Some((*on, *outcome));
            }
            Event::Published { on, title, response } => {
                if self.law != Law::Foi {
                    return Err(CaseError::NotFoi);
                }
                let (answered, _) = self.responded.ok_or(CaseError::NotAnswered)?;
                if self.published.is_some() {
                    return Err(CaseError::AlreadyPublished);
                }
                not_future("the publication", *on, today)?;
                not_before("the publication", *on, "the answer", answered)?;
                if names_requester(&format!("{title}\n{response}"), &self.requester) {
                    return Err(CaseError::RequesterInPublication);
                }
                self.published = Some(*on);
            }
            Event::Note { .. } => {}
            Event::SubjectIdentified(subject) => {
                self.unanswered()?;
                self.discovery.identify(self.law, subject)?;
            }
            Event::BundleAssembled { items } => {
                self.unanswered()?;
                self.discovery.assemble(items)?;
            }
            Event::ItemsReviewed { reviews } => {
                self.unanswered()?;
                self.discovery.review(self.law, reviews)?;
            }
            Event::PackExported(export) => {
                // A subject's data goes only to a verified subject.
                let started = self.started.ok_or(CaseError::NotStarted)?;
                not_future("the export", export.on, today)?;
                not_before("the export", export.on, "the day the clock started", started)?;
                self.discovery.export(export)?;
            }
        }
        Ok(())
    }

    fn unanswered(&self) -> Result<(), CaseError> {
        if self.responded.is_some() { Err(CaseError::AlreadyAnswered) } else { Ok(()) }
    }
}

/// Whether `text` names the requester: their contact anywhere in it, or any word of their name
/// of three letters or more as a word of it ("Ms Holt" names Dawn Holt; "holistic" does not).
fn names_requester(text: &str, requester: &Requester) -> bool {
    let lower = text.to_lowercase();
    let contact = requester.contact.as_str().trim().to_lowercase();
    if contact.len() >= 3 && lower.contains(&contact) {
        return true;
    }
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let name = requester.name.as_str().to_lowercase();
    name.split(|c: char| !c.is_alphanumeric()).filter(|part| part.chars().count() >= 3).any(|part| words.contains(&part))
}

fn not_future(what: &'static str, day: Date, today: Date) -> Result<(), CaseError> {
    if day > today { Err(CaseError::Future { what, day }) } else { Ok(()) }
}

fn not_before(what: &'static str, day: Date, before_what: &'static str, before: Date) -> Result<(), CaseError> {
    if day < before { Err(CaseError::Before { what, day, before_what, before }) } else { Ok(()) }
}

#[cfg(test)]
mod tests;
