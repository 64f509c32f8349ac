//! MoPI review in the store: the records managers' queue, their decisions (retain with a reason,
//! archive, dispose), legal holds, reviews asked for early, and the retention report.
//!
//! A batch of decisions is one transaction: every item is authorised (disposal is `erase`, the
//! rest `review`), checked against the National Retention Assessment Criteria
//! (`custos_core::retention::assessment`) and the record's state, and any refusal or denial leaves
//! nothing of the batch written (a denial is itself audited). Each item has its own decision row
//! and its own audit event.

use std::collections::HashSet;

use custos_audit::AuditKind;
use custos_authz::{Action, Principal, Resource};
use custos_core::entity::EntityKind;
use custos_core::ids::EntityId;
use custos_core::marking::SecurityMarking;
use custos_core::record::MopiGroup;
use custos_core::retention::assessment::{Assessment, Criterion, Outcome};
use jiff::civil::Date;
use sqlx::Row;

use crate::audit_log::{self, Personal};
use crate::entities::{kind_and_marking, object_ref};
use crate::error::StoreError;
use crate::retention::{Facts, Scheduled, State, Trigger, day_number, day_of, due_for, group_number, group_of, stored_facts, today};
use crate::{Store, audit_event};

/// One decision asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Review {
    pub record: EntityId,
    #[serde(flatten)]
    pub assessment: Assessment,
}

/// One decision recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decided {
    pub record: EntityId,
    pub outcome: Outcome,
    pub decision: i64,
    /// For a retention: the next review.
    pub next_review: Option<Date>,
    /// For a disposal: every entity deleted with it.
    pub deleted: Vec<EntityId>,
}

/// The most decisions in one batch.
pub const MAX_BATCH: usize = 500;

/// A row of the review queue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Due {
    pub record: EntityId,
    pub kind: EntityKind,
    pub owning_unit: String,
    /// The group it is held in (Group 4 for an undetected crime, which is reviewed as its
    /// offence's group).
    pub group: MopiGroup,
    pub next_review: Date,
    /// Days past the review date (0 on the day, negative when asked for early).
    pub overdue_days: i64,
    pub triggered: Option<Trigger>,
    pub legal_hold: bool,
}

/// What the queue shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct QueueFilter {
    pub group: Option<MopiGroup>,
    pub unit: Option<String>,
    /// Only reviews at least this many days overdue.
    pub overdue_days: Option<i64>,
    /// Only reviews asked for early.
    #[serde(default)]
    pub triggered: bool,
}

/// A decision as the review form and the report show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecisionRow {
    pub id: i64,
    pub record: EntityId,
    pub outcome: String,
    pub group: MopiGroup,
    pub risks: Vec<Criterion>,
    /// `None` once the record is disposed of.
    pub reason: Option<String>,
    pub next_review: Option<Date>,
    pub decided_by: String,
    pub decided_at: jiff::Timestamp,
}

/// Everything the review form needs about one record's retention.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RetentionFile {
    pub record: EntityId,
    pub kind: EntityKind,
    pub scheduled: Scheduled,
    /// The group it was graded in from its type and offences, and any override.
    pub graded: MopiGroup,
    pub override_group: Option<MopiGroup>,
    pub created: Date,
    /// Its offenders' newest qualifying contact, as the last sweep found it.
    pub last_contact: Date,
    pub last_reviewed: Option<Date>,
    /// The people it holds as the offender.
    pub offenders: Vec<EntityId>,
    pub decisions: Vec<DecisionRow>,
}

fn refused(record: EntityId, why: impl std::fmt::Display) -> StoreError {
    StoreError::Refused(format!("record {record}: {why}"))
}

fn resource<'a>(kind: EntityKind, id: EntityId, marking: &'a custos_core::marking::SecurityMarking) -> Resource<'a> {
    Resource::Record { kind: kind.as_str(), id: id.to_string(), marking }
}

/// The stored row of a record under review: its state and the facts the schedule reads.
struct Held {
    scheduled: Scheduled,
    facts: Facts,
    offenders: Vec<EntityId>,
}

async fn held(conn: &mut sqlx::AnyConnection, id: EntityId) -> Result<Option<Held>, StoreError> {
    let Some(scheduled) = crate::retention::scheduled(conn, id).await? else { return Ok(None) };
    let facts = stored_facts(conn, &[id]).await?.remove(&id).ok_or_else(|| crate::entities::corrupt("a retention row"))?;
    let packed: Vec<u8> = sqlx::query_scalar("SELECT offenders FROM retention WHERE record_id = $1")
        .bind(id.as_bytes().to_vec())
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some(Held { scheduled, facts, offenders: crate::retention::unpack_ids(&packed) }))
}

/// The kind and marking of a record in the restricted archive, if it is there.
async fn archived(conn: &mut sqlx::AnyConnection, id: EntityId) -> Result<Option<(EntityKind, custos_core::marking::SecurityMarking)>, StoreError> {
    let row = sqlx::query("SELECT kind, classification, sensitive, owning_unit, acl FROM archive WHERE entity_id = $1")
        .bind(id.as_bytes().to_vec())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(kind_and_marking).transpose()
}

/// What a record disposed of left: when it went, its kind and its marking.
async fn disposed_stub(conn: &mut sqlx::AnyConnection, id: EntityId) -> Result<Option<(Date, EntityKind, SecurityMarking)>, StoreError> {
    let row = sqlx::query("SELECT disposed_at, kind, classification, sensitive, owning_unit, acl FROM disposed WHERE entity_id = $1")
        .bind(id.as_bytes().to_vec())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let (kind, marking) = crate::entities::kind_and_marking(&row)?;
    Ok(Some((day_of(crate::retention::day_of_micros(row.try_get(0)?)), kind, marking)))
}

/// A decision to record.
struct NewDecision<'a> {
    record: EntityId,
    outcome: &'a str,
    group: MopiGroup,
    risks: &'a [Criterion],
    reason: Option<&'a str>,
    next_review: Option<Date>,
}

async fn insert_decision(conn: &mut sqlx::AnyConnection, d: NewDecision<'_>, by: &Principal) -> Result<i64, StoreError> {
    let NewDecision { record, outcome, group, risks, reason, next_review } = d;
    let criteria = serde_json::to_string(risks).map_err(|_| crate::entities::corrupt("criteria"))?;
    let row = sqlx::query(
        "INSERT INTO retention_decision (record_id, outcome, review_group, criteria, reason, next_review, decided_by, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(record.as_bytes().to_vec())
    .bind(outcome.to_owned())
    .bind(group_number(group))
    .bind(criteria)
    .bind(reason.map(str::to_owned))
    .bind(next_review.map(day_number))
    .bind(by.user.to_string())
    .bind(crate::clock::now_micros())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// Rows of the review queue read per statement, and the most read for one page.
const QUEUE_CHUNK: i64 = 500;
const QUEUE_SCAN: i64 = 50_000;

impl Store {
    /// Records a batch of review decisions, all or none (see the module documentation).
    pub async fn review_records(&self, principal: &Principal, reviews: &[Review]) -> Result<Vec<Decided>, StoreError> {
        if reviews.is_empty() {
            return Err(StoreError::Refused("there is no decision to record".into()));
        }
        if reviews.len() > MAX_BATCH {
            return Err(StoreError::Refused(format!("at most {MAX_BATCH} decisions at a time")));
        }
        let mut seen = HashSet::new();
        if let Some(twice) = reviews.iter().find(|r| !seen.insert(r.record)) {
            return Err(refused(twice.record, "decided twice in one batch"));
        }
        if reviews.iter().any(|r| r.assessment.outcome == Outcome::Dispose) {
            // The audit events about what goes are indexed first, so that their payloads are found.
            self.integrate_audit().await?;
        }
        let today = today();
        let mut tx = self.begin_write().await?;
        let going: Vec<EntityId> = reviews.iter().filter(|r| r.assessment.outcome == Outcome::Dispose).map(|r| r.record).collect();
        if !going.is_empty() {
            crate::disposal::hold_pending(&mut tx, self.backend).await?;
        }
        let may_erase = |kind: EntityKind, id: EntityId, marking: &custos_core::marking::SecurityMarking| {
            self.authz.decide(principal, Action::Erase, &resource(kind, id, marking))
        };
        let mut decided = Vec::with_capacity(reviews.len());
        for review in reviews {
            let id = review.record;
            let outcome = review.assessment.outcome;
            let Some(current) = crate::entities::load(&mut tx, id).await? else {
                if let Some((kind, marking)) = archived(&mut tx, id).await? {
                    let decision = self.authz.decide(principal, Action::Erase, &resource(kind, id, &marking));
                    if !decision.allowed || outcome != Outcome::Dispose {
                        if decision.allowed {
                            return Err(refused(id, "it is in the restricted archive: it can only be disposed of"));
                        }
                        tx.rollback().await?;
                        return self.record_denial(audit_event(AuditKind::AccessDenied, principal, vec![object_ref(kind, id)], &decision)).await;
                    }
                    let held = held(&mut tx, id).await?.ok_or_else(|| crate::entities::corrupt("an archived record's retention row"))?;
                    if held.scheduled.legal_hold {
                        return Err(refused(id, "it is under a legal hold: release the hold first"));
                    }
                    review.assessment.check(day_of(today), day_of(today + 1)).map_err(|e| refused(id, e))?;
                    let risks: Vec<Criterion> = review.assessment.risks.iter().copied().collect();
                    let new = NewDecision { record: id, outcome: "dispose", group: held.scheduled.group, risks: &risks, reason: None, next_review: None };
                    let decision_id = insert_decision(&mut tx, new, principal).await?;
                    let gone = crate::disposal::dispose_archived(&mut tx, self.backend, id, decision_id).await?;
                    audit_log::append(&mut tx, &audit_event(AuditKind::Erase, principal, vec![object_ref(kind, id)], &decision)).await?;
                    decided.push(Decided { record: id, outcome, decision: decision_id, next_review: None, deleted: gone.entities.iter().map(|(_, e)| *e).collect() });
                    continue;
                }
                tx.rollback().await?;
                return self.missing_or_disposed(principal, id).await;
            };
            let action = if outcome == Outcome::Dispose { Action::Erase } else { Action::Review };
            let decision = self.authz.decide(principal, action, &resource(current.kind, id, &current.marking));
            if !decision.allowed {
                tx.rollback().await?;
                let objects = vec![object_ref(current.kind, id)];
                return self.record_denial(audit_event(AuditKind::AccessDenied, principal, objects, &decision)).await;
            }
            let assessment = &review.assessment;
            let risks: Vec<Criterion> = assessment.risks.iter().copied().collect();
            let Some(held) = held(&mut tx, id).await? else {
                // A person is disposed of once no record about them is held; nothing else is reviewed.
                if current.kind != EntityKind::Person || outcome != Outcome::Dispose {
                    return Err(refused(id, "only operational records are reviewed (a person is disposed of once no record names them)"));
                }
                assessment.check(day_of(today), day_of(today + 1)).map_err(|e| refused(id, e))?;
                let decision_id = insert_decision(&mut tx, NewDecision { record: id, outcome: "dispose", group: MopiGroup::OtherOffences, risks: &risks, reason: None, next_review: None }, principal).await?;
                match self.dispose_decided(&mut tx, principal, &decision, (current.kind, id), decision_id, &going, &may_erase).await {
                    Ok(done) => decided.push(done),
                    Err(refusal) => return self.refuse_disposal(tx, principal, id, refusal).await,
                }
                continue;
            };
            if held.scheduled.state == State::Archived && outcome != Outcome::Dispose {
                return Err(refused(id, "it is in the restricted archive: it can only be disposed of"));
            }
            if held.scheduled.legal_hold && outcome != Outcome::Retain {
                return Err(refused(id, "it is under a legal hold: release the hold first"));
            }
            if outcome != Outcome::Retain {
                check_may_go(&held.scheduled, day_of(today)).map_err(|why| refused(id, why))?;
            }
            // The schedule's next review if it is kept today.
            let kept = Facts { last_reviewed: Some(today), review_by: None, ..held.facts };
            let mut scheduled = due_for(&mut tx, &kept, &held.offenders).await?;
            if scheduled.on <= day_of(today) {
                // A Group 1 subject deemed 100 whose record is still kept: reviewed again a
                // period on, rather than at once.
                let every = crate::retention::SCHEDULE.rule(scheduled.group).review_every_years;
                scheduled.on = custos_core::retention::years_after(day_of(today), every);
            }
            let next = assessment.check(day_of(today), scheduled.on).map_err(|e| refused(id, e))?;
            let reason = assessment.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            let group = held.scheduled.group;
            let decision_id = insert_decision(&mut tx, NewDecision { record: id, outcome: outcome.as_str(), group, risks: &risks, reason, next_review: next }, principal).await?;
            match outcome {
                Outcome::Retain => {
                    let next = next.unwrap_or(scheduled.on);
                    let review_by = (next < scheduled.on).then(|| day_number(next));
                    let kept = sqlx::query(
                        "UPDATE retention SET last_reviewed = $1, review_by = $2, next_review = $3, review_group = $4, \
                         disposal_from = $5, triggered = NULL, triggered_at = NULL, revision = revision + 1 WHERE record_id = $6 AND state = 0",
                    )
                    .bind(today)
                    .bind(review_by)
                    .bind(day_number(next))
                    .bind(group_number(scheduled.group))
                    .bind(scheduled.disposal_from.map(day_number))
                    .bind(id.as_bytes().to_vec())
                    .execute(&mut *tx)
                    .await?;
                    if kept.rows_affected() != 1 {
                        return Err(StoreError::Conflict);
                    }
                    let mut event = [audit_event(AuditKind::Update, principal, vec![object_ref(current.kind, id)], &decision)];
                    audit_log::append_with_text(&mut tx, &mut event, &Personal { reason, ..Personal::default() }).await?;
                    decided.push(Decided { record: id, outcome, decision: decision_id, next_review: Some(next), deleted: Vec::new() });
                }
                Outcome::Archive => {
                    crate::disposal::archive(&mut tx, self.backend, id, decision_id).await.map_err(|e| in_record(id, e))?;
                    let mut event = [audit_event(AuditKind::Update, principal, vec![object_ref(current.kind, id)], &decision)];
                    audit_log::append_with_text(&mut tx, &mut event, &Personal { reason, ..Personal::default() }).await?;
                    decided.push(Decided { record: id, outcome, decision: decision_id, next_review: None, deleted: Vec::new() });
                }
                Outcome::Dispose => {
                    match self.dispose_decided(&mut tx, principal, &decision, (current.kind, id), decision_id, &going, &may_erase).await {
                        Ok(done) => decided.push(done),
                        Err(refusal) => return self.refuse_disposal(tx, principal, id, refusal).await,
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(decided)
    }

    /// Places a record under a legal hold (it cannot be disposed of or archived while held), or
    /// releases it; either way with the reason (the litigation, inquiry or order).
    pub async fn set_legal_hold(&self, principal: &Principal, record: EntityId, hold: bool, reason: &str) -> Result<i64, StoreError> {
        let (mut tx, _, held, reason) = self.begin_change(principal, record, reason, "a legal hold, and its release, must give the reason").await?;
        if held.scheduled.legal_hold == hold {
            return Err(refused(record, if hold { "it is already under a legal hold" } else { "it is not under a legal hold" }));
        }
        let changed = sqlx::query("UPDATE retention SET legal_hold = $1, revision = revision + 1 WHERE record_id = $2 AND state = 0 AND legal_hold = $3")
            .bind(i64::from(hold))
            .bind(record.as_bytes().to_vec())
            .bind(i64::from(!hold))
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        let outcome = if hold { "hold" } else { "release" };
        let id = insert_decision(&mut tx, NewDecision { record, outcome, group: held.scheduled.group, risks: &[], reason: Some(&reason), next_review: None }, principal).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Holds a record in another MoPI group than its grading gives (or, with `None`, in its
    /// grading again), with the reason: a records manager's override (DOMAIN.md §7: re-graded, with
    /// a reason). The review date is computed again at once.
    pub async fn regrade(&self, principal: &Principal, record: EntityId, group: Option<MopiGroup>, reason: &str) -> Result<i64, StoreError> {
        let (mut tx, current, held, reason) = self.begin_change(principal, record, reason, "a change of group must give its reason").await?;
        if held.facts.override_group == group {
            return Err(refused(record, "it is already held in that group"));
        }
        let facts = Facts { override_group: group, ..held.facts };
        let due = due_for(&mut tx, &facts, &held.offenders).await?;
        let changed = sqlx::query(
            "UPDATE retention SET override_group = $1, next_review = $2, review_group = $3, disposal_from = $4, \
             revision = revision + 1 WHERE record_id = $5 AND state = 0",
        )
        .bind(group.map(group_number))
        .bind(day_number(due.on))
        .bind(group_number(due.group))
        .bind(due.disposal_from.map(day_number))
        .bind(record.as_bytes().to_vec())
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        let new = NewDecision { record, outcome: "regrade", group: due.group, risks: &[], reason: Some(&reason), next_review: Some(due.on) };
        let id = insert_decision(&mut tx, new, principal).await?;
        if current.kind == EntityKind::Arrest {
            crate::retention::follow_arrests(&mut tx, &[record]).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Disposes of a record (or person) in use under its decision, audits the erasure of
    /// everything that went, and says what went.
    #[allow(clippy::too_many_arguments)] // one disposal's parts, passed through from the batch
    async fn dispose_decided(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        principal: &Principal,
        decision: &custos_authz::Decision,
        (kind, id): (EntityKind, EntityId),
        decision_id: i64,
        going: &[EntityId],
        may_erase: crate::disposal::MayErase<'_>,
    ) -> Result<Decided, crate::disposal::Refusal> {
        let gone = crate::disposal::dispose(tx, self.backend, id, kind, Some(decision_id), going, may_erase).await?;
        let objects = gone.entities.iter().map(|(k, e)| object_ref(*k, *e)).collect();
        audit_log::append(tx, &audit_event(AuditKind::Erase, principal, objects, decision)).await?;
        let deleted = gone.entities.iter().map(|(_, e)| *e).collect();
        Ok(Decided { record: id, outcome: Outcome::Dispose, decision: decision_id, next_review: None, deleted })
    }

    /// A disposal that did not happen: a denial of something that would have gone with it is
    /// recorded alone (the batch rolled back); a refusal is named by its record.
    async fn refuse_disposal<T>(
        &self,
        tx: sqlx::Transaction<'static, sqlx::Any>,
        principal: &Principal,
        id: EntityId,
        refusal: crate::disposal::Refusal,
    ) -> Result<T, StoreError> {
        match refusal {
            crate::disposal::Refusal::Denied(kind, other, denial) => {
                tx.rollback().await?;
                self.record_denial(audit_event(AuditKind::AccessDenied, principal, vec![object_ref(kind, other)], &denial)).await
            }
            crate::disposal::Refusal::Store(e) => Err(in_record(id, e)),
        }
    }

    /// The start of a records manager's change to one record's retention (a legal hold, its
    /// group): the reason checked (`missing` says what lacks one), the record loaded, the change
    /// authorised (`review`) and audited with the reason, and its retention row read.
    async fn begin_change(
        &self,
        principal: &Principal,
        record: EntityId,
        reason: &str,
        missing: &str,
    ) -> Result<(sqlx::Transaction<'static, sqlx::Any>, crate::entities::EntityRecord, Held, String), StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(refused(record, missing));
        }
        if reason.chars().count() > custos_core::retention::assessment::MAX_REASON {
            return Err(refused(record, "the reason is longer than 2000 characters"));
        }
        let mut tx = self.begin_write().await?;
        let Some(current) = crate::entities::load(&mut tx, record).await? else {
            tx.rollback().await?;
            return self.missing_or_disposed(principal, record).await;
        };
        let personal = Personal { reason: Some(reason), ..Personal::default() };
        let mut tx = self.authorise(tx, principal, Action::Review, &current, AuditKind::Update, personal).await?;
        let Some(held) = held(&mut tx, record).await? else {
            return Err(refused(record, "only operational records have a retention schedule"));
        };
        Ok((tx, current, held, reason.to_owned()))
    }

    /// Brings forward the review of every record held about a person: they asked for their data
    /// to be deleted, or made a subject access request. Returns how many records were marked.
    pub async fn request_review(&self, principal: &Principal, person: EntityId, why: Trigger) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(current) = crate::entities::load_resolved(&mut tx, person).await? else {
            return self.deny_missing(tx, principal, person).await;
        };
        if current.kind != EntityKind::Person {
            return Err(StoreError::Refused("a review is asked for about a person".into()));
        }
        let mut tx = self.authorise(tx, principal, Action::Review, &current, AuditKind::Update, Personal::default()).await?;
        let marked = crate::retention::trigger(&mut tx, &[current.id], why).await?;
        tx.commit().await?;
        Ok(marked)
    }

    /// The reviews due, oldest first: the records whose review date has come and those asked for
    /// early, that the principal may review. Audited as a search naming the records shown.
    pub async fn retention_queue(&self, principal: &Principal, filter: &QueueFilter, offset: i64, limit: i64) -> Result<Vec<Due>, StoreError> {
        let today = today();
        let due_by = today - filter.overdue_days.unwrap_or(0).max(0);
        // Read in a snapshot and audited through the read-audit writer: a long queue never holds
        // SQLite's write lock.
        let mut tx = self.begin_snapshot().await?;
        // The page counts the rows the reader may review: rows are read in chunks and filtered
        // until the page is full (`offset` of them skipped), so a page is never cut short by rows
        // the reader may not see, up to QUEUE_SCAN rows read.
        let (offset, limit) = (offset.max(0), limit.clamp(1, 500));
        let mut shown = Vec::new();
        let mut policies = Vec::new();
        let mut skipped = 0_i64;
        let mut read = 0_i64;
        while read < QUEUE_SCAN {
            let rows = sqlx::query(
                "SELECT r.record_id, r.owning_unit AS unit, COALESCE(r.override_group, r.graded), r.next_review, r.triggered, r.legal_hold, \
                 e.kind, e.classification, e.sensitive, e.owning_unit, e.acl \
                 FROM retention r JOIN entity e ON e.id = r.record_id \
                 WHERE r.state = 0 AND (r.next_review <= $1 OR (r.triggered IS NOT NULL AND $2 = 0)) \
                 AND ($3 = 0 OR r.triggered IS NOT NULL) AND ($4 = 0 OR COALESCE(r.override_group, r.graded) = $4) AND ($5 = '' OR r.owning_unit = $5) \
                 ORDER BY CASE WHEN r.triggered IS NULL THEN r.next_review ELSE $6 END, r.record_id LIMIT $7 OFFSET $8",
            )
            .bind(due_by)
            .bind(i64::from(filter.overdue_days.unwrap_or(0) > 0))
            .bind(i64::from(filter.triggered))
            .bind(filter.group.map_or(0, group_number))
            .bind(filter.unit.clone().unwrap_or_default())
            .bind(today)
            .bind(QUEUE_CHUNK)
            .bind(read)
            .fetch_all(&mut *tx)
            .await?;
            read += QUEUE_CHUNK;
            let exhausted = (rows.len() as i64) < QUEUE_CHUNK;
            for row in &rows {
                let id = crate::batch::id_of(row.try_get(0)?)?;
                let (kind, marking) = kind_and_marking(row)?;
                let decision = self.authz.decide(principal, Action::Review, &resource(kind, id, &marking));
                if !decision.allowed {
                    continue;
                }
                if skipped < offset {
                    skipped += 1;
                    continue;
                }
                policies.extend(decision.policies);
                let next: i64 = row.try_get(3)?;
                shown.push(Due {
                    record: id,
                    kind,
                    owning_unit: row.try_get("unit")?,
                    group: group_of(row.try_get(2)?)?,
                    next_review: day_of(next),
                    overdue_days: today - next,
                    triggered: row.try_get::<Option<String>, _>(4)?.as_deref().map(Trigger::parse).transpose()?,
                    legal_hold: row.try_get::<i64, _>(5)? != 0,
                });
                if shown.len() as i64 == limit {
                    break;
                }
            }
            if exhausted || shown.len() as i64 == limit {
                break;
            }
        }
        policies.sort();
        policies.dedup();
        let objects = shown.iter().map(|d| object_ref(d.kind, d.record)).collect();
        let decision = custos_authz::Decision { allowed: true, policies, errors: Vec::new() };
        let terms = serde_json::json!({ "retention_queue": { "group": filter.group, "unit": filter.unit, "overdue_days": filter.overdue_days, "triggered": filter.triggered } });
        tx.commit().await?;
        let event = audit_event(AuditKind::Search, principal, objects, &decision);
        // Returned only once the event has committed (see `read_audit`).
        self.reads.record(event, &Personal { terms: Some(terms), ..Personal::default() }).await?;
        if (shown.len() as i64) < limit && read >= QUEUE_SCAN {
            tracing::warn!(read, "retention queue: a page cut short, too few reviewable rows among those scanned");
        }
        Ok(shown)
    }

    /// One record's retention for the review form: where it stands and every decision about it
    /// (a record in the restricted archive included).
    pub async fn retention_file(&self, principal: &Principal, record: EntityId) -> Result<RetentionFile, StoreError> {
        let mut tx = self.begin_write().await?;
        let (kind, marking) = match crate::entities::load(&mut tx, record).await? {
            Some(current) => (current.kind, current.marking),
            None => match archived(&mut tx, record).await? {
                Some(found) => found,
                None => {
                    tx.rollback().await?;
                    return self.missing_or_disposed(principal, record).await;
                }
            },
        };
        let decision = self.authz.decide(principal, Action::Review, &resource(kind, record, &marking));
        let objects = vec![object_ref(kind, record)];
        if !decision.allowed {
            audit_log::append(&mut tx, &audit_event(AuditKind::AccessDenied, principal, objects, &decision)).await?;
            tx.commit().await?;
            return Err(StoreError::Denied);
        }
        audit_log::append(&mut tx, &audit_event(AuditKind::Read, principal, objects, &decision)).await?;
        let Some(held) = held(&mut tx, record).await? else {
            return Err(refused(record, "only operational records have a retention schedule"));
        };
        let decisions = decisions(&mut tx, Some(record), 1000).await?;
        tx.commit().await?;
        Ok(RetentionFile {
            record,
            kind,
            scheduled: held.scheduled,
            graded: held.facts.graded,
            override_group: held.facts.override_group,
            created: day_of(held.facts.created),
            last_contact: day_of(held.facts.last_contact),
            last_reviewed: held.facts.last_reviewed.map(day_of),
            offenders: held.offenders,
            decisions,
        })
    }

    /// A record in the restricted archive, as it last stood: consulted only with the archive's
    /// own permission (`read_archive`), and audited like any read, with its justification.
    pub async fn read_archived(&self, principal: &Principal, record: EntityId, why: &crate::entities::Justification) -> Result<Archived, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT kind, classification, sensitive, owning_unit, acl, body, created_at, archived_at FROM archive WHERE entity_id = $1",
        )
        .bind(record.as_bytes().to_vec())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return self.deny_missing(tx, principal, record).await };
        let (kind, marking) = kind_and_marking(&row)?;
        let decision = self.authz.decide(principal, Action::ReadArchive, &resource(kind, record, &marking));
        let personal = Personal { justification: Some(why.as_str()), ..Personal::default() };
        let allowed = decision.allowed;
        let kind_of_event = if allowed { AuditKind::Read } else { AuditKind::AccessDenied };
        let mut event = [audit_event(kind_of_event, principal, vec![object_ref(kind, record)], &decision)];
        audit_log::append_with_text(&mut tx, &mut event, &personal).await?;
        tx.commit().await?;
        if !allowed {
            return Err(StoreError::Denied);
        }
        let body: String = row.try_get("body")?;
        Ok(Archived {
            record,
            kind,
            marking,
            body: serde_json::from_str(&body).map_err(|_| crate::entities::corrupt("an archived record"))?,
            created_at: crate::clock::from_micros(row.try_get("created_at")?),
            archived_at: crate::clock::from_micros(row.try_get("archived_at")?),
        })
    }
}

/// A record in the restricted archive.
#[derive(Debug, Clone, PartialEq)]
pub struct Archived {
    pub record: EntityId,
    pub kind: EntityKind,
    pub marking: custos_core::marking::SecurityMarking,
    pub body: custos_core::entity::EntityBody,
    pub created_at: jiff::Timestamp,
    pub archived_at: jiff::Timestamp,
}

/// The decisions about `record` (or the newest of all), newest first.
pub(crate) async fn decisions(conn: &mut sqlx::AnyConnection, record: Option<EntityId>, limit: i64) -> Result<Vec<DecisionRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, record_id, outcome, review_group, criteria, reason, next_review, decided_by, decided_at \
         FROM retention_decision WHERE ($1 = 0 OR record_id = $2) ORDER BY id DESC LIMIT $3",
    )
    .bind(i64::from(record.is_some()))
    .bind(record.map_or_else(Vec::new, |r| r.as_bytes().to_vec()))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(decision_from_row).collect()
}

/// A decision from the nine columns `id, record_id, outcome, review_group, criteria, reason,
/// next_review, decided_by, decided_at`, in that order.
pub(crate) fn decision_from_row(row: &sqlx::any::AnyRow) -> Result<DecisionRow, StoreError> {
    let criteria: String = row.try_get(4)?;
    Ok(DecisionRow {
        id: row.try_get(0)?,
        record: crate::batch::id_of(row.try_get(1)?)?,
        outcome: row.try_get(2)?,
        group: group_of(row.try_get(3)?)?,
        risks: serde_json::from_str(&criteria).map_err(|_| crate::entities::corrupt("criteria"))?,
        reason: row.try_get(5)?,
        next_review: row.try_get::<Option<i64>, _>(6)?.map(day_of),
        decided_by: row.try_get(7)?,
        decided_at: crate::clock::from_micros(row.try_get(8)?),
    })
}

impl Store {
    /// The answer for a record that is not (or no longer) held: to someone who may review such a
    /// record where it was, that it was disposed of and when; to anyone else (and for an id never
    /// held) a denial, audited, so that the stub reveals nothing.
    async fn missing_or_disposed<T>(&self, principal: &Principal, id: EntityId) -> Result<T, StoreError> {
        let mut tx = self.begin_write().await?;
        // Learning that a record was disposed of is authorised as reviewing it was: against the
        // marking it had (classification, need-to-know list), which the stub keeps.
        if let Some((on, kind, marking)) = disposed_stub(&mut tx, id).await? {
            let decision = self.authz.decide(principal, Action::Review, &resource(kind, id, &marking));
            let objects = vec![object_ref(kind, id)];
            if decision.allowed {
                audit_log::append(&mut tx, &audit_event(AuditKind::Read, principal, objects, &decision)).await?;
                tx.commit().await?;
                return Err(refused(id, format!("it was disposed of on {on}: there is nothing left to review")));
            }
            audit_log::append(&mut tx, &audit_event(AuditKind::AccessDenied, principal, objects, &decision)).await?;
            tx.commit().await?;
            return Err(StoreError::Denied);
        }
        self.deny_missing(tx, principal, id).await
    }
}

/// Whether a record may leave operational use now (disposed of or archived): its review has come
/// or its subject asked for deletion, and a Group 1 record only once its subject is deemed 100.
fn check_may_go(scheduled: &Scheduled, today: Date) -> Result<(), String> {
    // Only the subject's own request for deletion brings a disposal forward: coming back to
    // notice restarts the clear period, and a subject access request must be answered from what
    // is held (deleting to avoid disclosure is an offence: DPA 2018 s.173).
    if scheduled.next_review > today && scheduled.triggered != Some(Trigger::DeletionRequest) {
        return Err(format!(
            "its review is not due until {} and the subject has not asked for deletion: it is kept until then",
            scheduled.next_review
        ));
    }
    if scheduled.group == MopiGroup::PublicProtection {
        return match scheduled.disposal_from {
            None => Err("a Group 1 record is kept until its subject is deemed 100, and their date of birth is unknown".into()),
            Some(from) if from > today => Err(format!("a Group 1 record is kept until its subject is deemed 100, on {from}")),
            Some(_) => Ok(()),
        };
    }
    Ok(())
}

/// A disposal's error, named by its record.
fn in_record(record: EntityId, e: StoreError) -> StoreError {
    match e {
        StoreError::Refused(why) => refused(record, why),
        other => other,
    }
}
