//! Information rights casework in the store: FOI and subject access requests on their statutory
//! clocks (`custos_rights`).
//!
//! A request is the list of its events (`information_request_event`), appended one at a time and
//! never changed: the schema refuses an update or a delete. Each new event is checked against the
//! state the earlier ones add up to (`custos_rights::request::Request::apply`) in the writing
//! transaction, so that the law's rules hold however the request is worked; `expected_events`
//! guards against two caseworkers acting on the same state at once. The request's row carries a
//! summary of that state (clock, due date, answer, closure) for queues and the dashboard.
//!
//! A request is governed like any record: kind `information_request`, OFFICIAL-SENSITIVE, owned
//! by the Data Office unit of the officer who registered it. Registering it is a `create`, each
//! event an `update`, reading it a `read` with a justification; every one is authorised and
//! audited. The requester's details stay in the request's own tables, never in the audit log.

use std::fmt;
use std::str::FromStr;

use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Principal, Resource};
use custos_core::ids::{EntityId, UnitId};
use custos_core::marking::{AclEntry, SecurityMarking};
use custos_rights::calendar::uk_today;
use custos_rights::clock::Law;
use custos_rights::request::{ClockState, Event, Request};
use jiff::civil::Date;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit_log::Personal;
use crate::clock::{from_micros, now_micros};
use crate::entities::Justification;
use crate::error::StoreError;
use crate::search::Page;
use crate::{Store, audit_event, audit_log};

/// The kind of record a request is, to the policies and in the audit log.
pub const KIND: &str = "information_request";

/// How many days ahead a deadline is a reminder.
pub const REMINDER_DAYS: i64 = 7;

/// The most requests listed at once.
pub const MAX_LISTED: usize = 200;

/// A request's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestId(EntityId);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<EntityId> for RequestId {
    fn from(id: EntityId) -> Self {
        Self(id)
    }
}

impl FromStr for RequestId {
    type Err = <EntityId as FromStr>::Err;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

/// One event as recorded: its number, when, by whom.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Recorded {
    pub seq: u32,
    pub at: jiff::Timestamp,
    pub actor: String,
    pub event: Event,
}

/// A request with its whole history and where its clock stands today.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RequestFile {
    pub id: String,
    pub reference: String,
    pub owning_unit: String,
    pub request: Request,
    pub clock: ClockState,
    pub history: Vec<Recorded>,
}

/// One line of the request queue: no requester details, only what the clock needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RequestLine {
    pub id: String,
    pub reference: String,
    pub law: Law,
    pub received: Date,
    pub requester_type: String,
    pub clock: String,
    pub due: Option<Date>,
    pub answered: Option<Date>,
    pub on_time: Option<bool>,
    pub closed: Option<Date>,
    pub outcome: Option<String>,
}

/// The queue's statement: its columns, then `$tail` (filter, order, page).
macro_rules! listing {
    ($tail:literal) => {
        concat!(
            "SELECT id, law, year, number, owning_unit, received, requester_type, clock, due, answered, on_time, closed, outcome \
             FROM information_request ",
            $tail
        )
    };
}

/// Which requests to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Queue {
    /// Not yet closed, soonest due first.
    #[default]
    Open,
    /// Open and past the due date.
    Overdue,
    /// Open and due within [`REMINDER_DAYS`] days: the reminders.
    DueSoon,
    /// Every request, newest first.
    All,
}

impl FromStr for Queue {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(Self::Open),
            "overdue" => Ok(Self::Overdue),
            "due_soon" => Ok(Self::DueSoon),
            "all" => Ok(Self::All),
            other => Err(format!("unknown queue {other:?}: use open, overdue, due_soon or all")),
        }
    }
}

/// OFFICIAL-SENSITIVE, need to know: the holding unit is the access list.
fn marking(unit: &str) -> Result<SecurityMarking, StoreError> {
    let unit = UnitId::parse(unit).map_err(|_| StoreError::Refused("the stored request is unreadable".into()))?;
    Ok(SecurityMarking { sensitive: true, acl: vec![AclEntry::Unit(unit.clone())], ..SecurityMarking::official(unit) })
}

fn resource<'a>(id: RequestId, marking: &'a SecurityMarking) -> Resource<'a> {
    Resource::Record { kind: KIND, id: id.to_string(), marking }
}

fn object(id: RequestId) -> Vec<ObjectRef> {
    vec![object_of(id)]
}

/// The audit log's reference to request `id`.
pub(crate) fn object_of(id: RequestId) -> ObjectRef {
    ObjectRef { kind: KIND.into(), id: id.to_string() }
}

fn reference(law: &str, year: i64, number: i64) -> String {
    format!("{}/{year}/{number:06}", law.to_ascii_uppercase())
}

fn refused(e: impl fmt::Display) -> StoreError {
    StoreError::Refused(e.to_string())
}

impl Store {
    /// Registers a request (its first event must be `registered`), held by the registering
    /// officer's first unit. Returns the new request's file.
    pub async fn register_request(&self, principal: &Principal, registered: Event) -> Result<RequestFile, StoreError> {
        let today = uk_today();
        let request = Request::register(&registered, today).map_err(refused)?;
        let unit = principal.units.first().ok_or_else(|| refused("only an officer of a unit can register a request"))?;
        let marking = marking(unit.as_str())?;
        let id = RequestId(EntityId::new());
        let decision = self.authz.decide(principal, Action::Create, &resource(id, &marking));
        if !decision.allowed {
            return self.record_denial(audit_event(AuditKind::AccessDenied, principal, object(id), &decision)).await;
        }
        let year = i64::from(request.received.year());
        let law = request.law.as_str();
        // Numbered MAX + 1 in the writing transaction: SQLite serialises writers; on PostgreSQL
        // two officers registering at once can draw the same number, and the unique index
        // refuses the second, which then draws again.
        let mut attempts = 0;
        let (mut tx, number) = loop {
            attempts += 1;
            let mut tx = self.begin_write().await?;
            let number: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM information_request WHERE law = $1 AND year = $2")
                .bind(law)
                .bind(year)
                .fetch_one(&mut *tx)
                .await?;
            let inserted = sqlx::query(
                "INSERT INTO information_request (id, law, year, number, owning_unit, received, requester_type, clock, events) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'not_started', 0)",
            )
            .bind(id.0.as_bytes().to_vec())
            .bind(law)
            .bind(year)
            .bind(number)
            .bind(unit.as_str().to_owned())
            .bind(request.received.to_string())
            .bind(request.requester.kind.as_str())
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => break (tx, number),
                Err(sqlx::Error::Database(d)) if d.is_unique_violation() && attempts < 5 => {
                    tx.rollback().await?;
                }
                Err(e) => return Err(e.into()),
            }
        };
        append(&mut tx, id, 1, &principal.user.to_string(), &registered).await?;
        summarise(&mut tx, id, &request, 1, today).await?;
        audit_log::append(&mut tx, &audit_event(AuditKind::Create, principal, object(id), &decision)).await?;
        tx.commit().await?;
        Ok(RequestFile {
            id: id.to_string(),
            reference: reference(law, year, number),
            owning_unit: unit.to_string(),
            clock: request.clock_state(today),
            request,
            history: vec![Recorded { seq: 1, at: jiff::Timestamp::now(), actor: principal.user.to_string(), event: registered }],
        })
    }

    /// Records `event` on request `id`, whose history the caller saw with `expected_events`
    /// events. Refused, with nothing recorded, if the law or the casework does not allow it.
    /// A subject's identification must name a candidate of the officer's own recent match
    /// search; a bundle and a pack are recorded only by assembling and exporting them
    /// ([`Store::assemble_bundle`], [`Store::export_pack`]), never as given.
    pub async fn record_request_event(
        &self,
        principal: &Principal,
        id: RequestId,
        expected_events: u32,
        event: Event,
    ) -> Result<RequestFile, StoreError> {
        match event {
            Event::BundleAssembled { .. } => Err(refused("a bundle is recorded by assembling it from the data, not as given")),
            Event::PackExported(_) => Err(refused("a pack is recorded by exporting it, not as given")),
            event => self.record_request_event_as_store(principal, id, expected_events, event, Vec::new()).await,
        }
    }

    /// As [`Store::record_request_event`] for any event, with `also` audited in the same
    /// transaction (an export's disclosure).
    pub(crate) async fn record_request_event_as_store(
        &self,
        principal: &Principal,
        id: RequestId,
        expected_events: u32,
        event: Event,
        also: Vec<custos_audit::AuditEvent>,
    ) -> Result<RequestFile, StoreError> {
        let today = uk_today();
        let mut tx = self.begin_write().await?;
        let Some((head, history)) = load(&mut tx, id).await? else {
            return self.deny_missing(tx, principal, id.0).await;
        };
        let marking = marking(&head.owning_unit)?;
        let decision = self.authz.decide(principal, Action::Update, &resource(id, &marking));
        if !decision.allowed {
            audit_log::append(&mut tx, &audit_event(AuditKind::AccessDenied, principal, object(id), &decision)).await?;
            tx.commit().await?;
            return Err(StoreError::Denied);
        }
        if history.len() != expected_events as usize {
            return Err(StoreError::Conflict);
        }
        let event = match event {
            Event::SubjectIdentified(subject) => {
                Event::SubjectIdentified(crate::subject_access::check_identification(&mut tx, principal, &subject).await?)
            }
            event => event,
        };
        let events: Vec<Event> = history.iter().map(|r| r.event.clone()).collect();
        // The history as recorded was valid when each event was added; it is replayed as of
        // today only to reach the state, so a clock rule that depends on today is not reapplied.
        let mut request = replay(&events)?;
        request.apply(&event, today).map_err(refused)?;
        let seq = expected_events + 1;
        // Its free text is kept apart, erasable (`request_erasure`); the event as stored holds
        // the decisions only.
        let mut stored = event.clone();
        let pieces = crate::request_erasure::split(&mut stored, request.discovery.subject.as_ref().map(|s| s.person));
        append(&mut tx, id, seq, &principal.user.to_string(), &stored).await?;
        let erased = crate::request_erasure::write(&mut tx, id.0, seq, &pieces).await?;
        summarise(&mut tx, id, &request, seq, today).await?;
        if let Event::SubjectIdentified(subject) = &event {
            // A subject access request brings the review of what is held about them forward
            // (DOMAIN.md §7).
            let people: Vec<_> = std::iter::once(subject.person).chain(subject.also.iter().copied()).collect();
            crate::retention::trigger(&mut tx, &people, crate::retention::Trigger::SubjectAccess).await?;
        }
        if let Event::Published { on, title, response } = &event {
            let (answered, outcome) = request.responded.ok_or_else(|| refused("the request has not been answered"))?;
            sqlx::query(
                "INSERT INTO disclosure_log (request_id, reference, published, answered, outcome, title, response) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.0.as_bytes().to_vec())
            .bind(head.reference.clone())
            .bind(on.to_string())
            .bind(answered.to_string())
            .bind(outcome.as_str())
            .bind(title.as_str().to_owned())
            .bind(response.as_str().to_owned())
            .execute(&mut *tx)
            .await?;
        }
        let mut audited = vec![audit_event(AuditKind::Update, principal, object(id), &decision)];
        audited.extend(also);
        audit_log::append_many(&mut tx, &audited).await?;
        tx.commit().await?;
        let mut history = history;
        let mut event = event;
        if !erased.is_empty() {
            // Shown as stored: the text about what is already disposed of, erased.
            crate::request_erasure::show_erased(&mut event, &erased);
            match &event {
                Event::ItemsReviewed { reviews } => {
                    for r in reviews {
                        request.discovery.reviews.insert(r.item.clone(), r.clone());
                    }
                }
                Event::SubjectIdentified(subject) => request.discovery.subject = Some(subject.clone()),
                _ => {}
            }
        }
        history.push(Recorded { seq, at: jiff::Timestamp::now(), actor: principal.user.to_string(), event });
        Ok(RequestFile { id: id.to_string(), reference: head.reference, owning_unit: head.owning_unit, clock: request.clock_state(today), request, history })
    }

    /// Reads request `id` with its history: a consultation, authorised and audited with the
    /// justification.
    pub async fn read_request(&self, principal: &Principal, id: RequestId, why: &Justification) -> Result<RequestFile, StoreError> {
        // Read in a snapshot and audited through the read-audit writer, like a record: a
        // consultation never holds SQLite's write lock.
        let mut tx = self.begin_snapshot().await?;
        let loaded = load(&mut tx, id).await?;
        tx.commit().await?;
        let Some((head, history)) = loaded else {
            // As `deny_missing`: a denial naming only the id asked for.
            let objects = vec![ObjectRef { kind: "unknown".into(), id: id.to_string() }];
            let event = audit_event(AuditKind::AccessDenied, principal, objects, &crate::entities::not_found());
            self.reads.record(event, &Personal::default()).await?;
            return Err(StoreError::Denied);
        };
        let marking = marking(&head.owning_unit)?;
        let decision = self.authz.decide(principal, Action::Read, &resource(id, &marking));
        let kind = if decision.allowed { AuditKind::Read } else { AuditKind::AccessDenied };
        let personal = Personal { justification: Some(why.as_str()), ..Personal::default() };
        // Returned only once the event has committed (see `read_audit`).
        self.reads.record(audit_event(kind, principal, object(id), &decision), &personal).await?;
        if !decision.allowed {
            return Err(StoreError::Denied);
        }
        let events: Vec<Event> = history.iter().map(|r| r.event.clone()).collect();
        let request = replay(&events)?;
        Ok(RequestFile { id: id.to_string(), reference: head.reference, owning_unit: head.owning_unit, clock: request.clock_state(uk_today()), request, history })
    }

    /// A page of the request queue the principal may read (no requester details are listed).
    /// The listing is audited as one read naming every request shown.
    pub async fn list_requests(&self, principal: &Principal, queue: Queue, page: Page) -> Result<Vec<RequestLine>, StoreError> {
        let limit = page.limit.clamp(1, MAX_LISTED);
        let day = uk_today();
        let today = day.to_string();
        let soon = day.checked_add(jiff::Span::new().days(REMINDER_DAYS)).unwrap_or(day).to_string();
        let (limit, offset) = (limit as i64, page.offset as i64);
        let q = match queue {
            Queue::Open => sqlx::query(listing!("WHERE closed IS NULL ORDER BY COALESCE(due, '9999-12-31'), received LIMIT $1 OFFSET $2"))
                .bind(limit)
                .bind(offset),
            Queue::Overdue => sqlx::query(listing!("WHERE closed IS NULL AND answered IS NULL AND due < $1 ORDER BY due, received LIMIT $2 OFFSET $3"))
            .bind(today)
            .bind(limit)
            .bind(offset),
            Queue::DueSoon => sqlx::query(listing!(
                "WHERE closed IS NULL AND answered IS NULL AND due >= $1 AND due <= $2 ORDER BY due, received LIMIT $3 OFFSET $4"
            ))
            .bind(today.clone())
            .bind(soon)
            .bind(limit)
            .bind(offset),
            Queue::All => sqlx::query(listing!("ORDER BY received DESC, law, number DESC LIMIT $1 OFFSET $2")).bind(limit).bind(offset),
        };
        let rows = q.fetch_all(&self.pool).await?;
        let mut lines = Vec::with_capacity(rows.len());
        let mut shown = Vec::new();
        let mut decision = None;
        for row in &rows {
            let id = RequestId(EntityId::from_bytes(<[u8; 16]>::try_from(row.try_get::<Vec<u8>, _>("id")?).map_err(|_| refused("the stored request is unreadable"))?));
            let marking = marking(&row.try_get::<String, _>("owning_unit")?)?;
            let d = self.authz.decide(principal, Action::Read, &resource(id, &marking));
            if !d.allowed {
                continue;
            }
            lines.push(line(id, row)?);
            shown.extend(object(id));
            decision = Some(d);
        }
        if let Some(decision) = decision {
            let mut tx = self.begin_write().await?;
            audit_log::append(&mut tx, &audit_event(AuditKind::Read, principal, shown, &decision)).await?;
            tx.commit().await?;
        }
        Ok(lines)
    }
}

/// One published FOI answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Disclosure {
    pub reference: String,
    pub published: String,
    pub answered: String,
    pub outcome: String,
    pub title: String,
    pub response: String,
}

/// The most disclosure log entries returned at once.
pub const MAX_DISCLOSURES: usize = 100;

impl Store {
    /// The disclosure log, newest first: entries whose title or response holds every word of
    /// `query` (any case; all entries when it is blank), among the newest 5,000 matching its first
    /// word (a public page bounds its work). Public: it holds only what was published.
    pub async fn disclosure_log(&self, query: &str, page: Page) -> Result<Vec<Disclosure>, StoreError> {
        let words: Vec<String> = query.split_whitespace().take(8).map(str::to_lowercase).collect();
        // The first word narrows in SQL (a LIKE pattern with its wildcards escaped); the rest in
        // memory, over what the first matched.
        let pattern = match words.first() {
            Some(w) => format!("%{}%", w.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")),
            None => "%".to_owned(),
        };
        let rows = sqlx::query(
            "SELECT reference, published, answered, outcome, title, response FROM disclosure_log \
             WHERE LOWER(title) LIKE $1 ESCAPE '\\' OR LOWER(response) LIKE $1 ESCAPE '\\' ORDER BY published DESC, reference DESC LIMIT 5000",
        )
        .bind(pattern)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for row in rows {
            let entry = Disclosure {
                reference: row.try_get("reference")?,
                published: row.try_get("published")?,
                answered: row.try_get("answered")?,
                outcome: row.try_get("outcome")?,
                title: row.try_get("title")?,
                response: row.try_get("response")?,
            };
            let text = format!("{} {}", entry.title, entry.response).to_lowercase();
            if words.iter().all(|w| text.contains(w.as_str())) {
                out.push(entry);
            }
        }
        Ok(out.into_iter().skip(page.offset).take(page.limit.clamp(1, MAX_DISCLOSURES)).collect())
    }

    /// Every request as the performance dashboard needs it: law and dates only, no requester and
    /// no content, so the figures can be published (open data) without a consultation.
    pub async fn request_cases(&self) -> Result<Vec<custos_rights::performance::Case>, StoreError> {
        let rows = sqlx::query("SELECT law, received, due, answered, closed FROM information_request").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(custos_rights::performance::Case {
                    law: row.try_get::<String, _>("law")?.parse().map_err(refused)?,
                    received: stored_date(row, "received")?.ok_or_else(|| refused("the stored request is unreadable"))?,
                    due: stored_date(row, "due")?,
                    answered: stored_date(row, "answered")?,
                    closed: stored_date(row, "closed")?,
                })
            })
            .collect()
    }
}

/// Replays a recorded history to the state it adds up to. Each event was checked when it was
/// recorded; replaying as of the far future only lifts the "not in the future" checks.
fn replay(events: &[Event]) -> Result<Request, StoreError> {
    Request::from_events(events, Date::MAX).map_err(|e| {
        tracing::error!(error = %e, "a stored request history does not replay");
        refused("the stored request history is unreadable")
    })
}

struct Head {
    reference: String,
    owning_unit: String,
}

async fn load(conn: &mut AnyConnection, id: RequestId) -> Result<Option<(Head, Vec<Recorded>)>, StoreError> {
    let Some(row) = sqlx::query("SELECT law, year, number, owning_unit FROM information_request WHERE id = $1")
        .bind(id.0.as_bytes().to_vec())
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let head = Head {
        reference: reference(&row.try_get::<String, _>("law")?, row.try_get("year")?, row.try_get("number")?),
        owning_unit: row.try_get("owning_unit")?,
    };
    let rows = sqlx::query("SELECT seq, at, actor, body FROM information_request_event WHERE request_id = $1 ORDER BY seq")
        .bind(id.0.as_bytes().to_vec())
        .fetch_all(&mut *conn)
        .await?;
    let mut history = Vec::with_capacity(rows.len());
    for row in rows {
        let body: String = row.try_get("body")?;
        history.push(Recorded {
            seq: u32::try_from(row.try_get::<i64, _>("seq")?).unwrap_or(0),
            at: from_micros(row.try_get("at")?),
            actor: row.try_get("actor")?,
            event: serde_json::from_str(&body).map_err(|_| refused("the stored request history is unreadable"))?,
        });
    }
    crate::request_erasure::join(conn, id.0, history.iter_mut().map(|r| (r.seq, &mut r.event))).await?;
    Ok(Some((head, history)))
}

async fn append(conn: &mut AnyConnection, id: RequestId, seq: u32, actor: &str, event: &Event) -> Result<(), StoreError> {
    let body = serde_json::to_string(event).map_err(|_| refused("the event could not be recorded"))?;
    let written = sqlx::query("INSERT INTO information_request_event (request_id, seq, at, actor, body) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.0.as_bytes().to_vec())
        .bind(i64::from(seq))
        .bind(now_micros())
        .bind(actor.to_owned())
        .bind(body)
        .execute(&mut *conn)
        .await;
    match written {
        // Another caseworker recorded the same event number first.
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => Err(StoreError::Conflict),
        other => other.map(|_| ()).map_err(Into::into),
    }
}

/// Rewrites the request's summary row from its state.
async fn summarise(conn: &mut AnyConnection, id: RequestId, request: &Request, events: u32, today: Date) -> Result<(), StoreError> {
    let (clock, due) = match request.clock_state(today) {
        ClockState::NotStarted => ("not_started", None),
        ClockState::Stopped { .. } => ("stopped", None),
        ClockState::Running { due, .. } => ("running", Some(due)),
        ClockState::Answered { due, .. } => ("answered", Some(due)),
        ClockState::Ended => ("ended", None),
    };
    let answered = request.responded.map(|(on, _)| on);
    let on_time = match (answered, due) {
        (Some(on), Some(due)) => Some(i16::from(on <= due)),
        _ => None,
    };
    sqlx::query(
        "UPDATE information_request SET clock = $1, due = $2, answered = $3, on_time = $4, closed = $5, outcome = $6, events = $7 \
         WHERE id = $8",
    )
    .bind(clock)
    .bind(due.map(|d| d.to_string()))
    .bind(answered.map(|d| d.to_string()))
    .bind(on_time)
    .bind(request.closed.map(|(on, _)| on.to_string()))
    .bind(request.closed.or(request.responded).map(|(_, o)| o.as_str()))
    .bind(i64::from(events))
    .bind(id.0.as_bytes().to_vec())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A stored `YYYY-MM-DD` column.
fn stored_date(row: &AnyRow, column: &str) -> Result<Option<Date>, StoreError> {
    row.try_get::<Option<String>, _>(column)?.map(|d| d.parse().map_err(|_| refused("the stored request is unreadable"))).transpose()
}

fn line(id: RequestId, row: &AnyRow) -> Result<RequestLine, StoreError> {
    let date = |column: &str| stored_date(row, column);
    let law: String = row.try_get("law")?;
    Ok(RequestLine {
        id: id.to_string(),
        reference: reference(&law, row.try_get("year")?, row.try_get("number")?),
        law: law.parse().map_err(refused)?,
        received: date("received")?.ok_or_else(|| refused("the stored request is unreadable"))?,
        requester_type: row.try_get("requester_type")?,
        clock: row.try_get("clock")?,
        due: date("due")?,
        answered: date("answered")?,
        on_time: row.try_get::<Option<i16>, _>("on_time")?.map(|v| v != 0),
        closed: date("closed")?,
        outcome: row.try_get("outcome")?,
    })
}
