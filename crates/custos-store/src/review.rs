//! The duplicate-review queue (DOMAIN.md §4): pairs of people that may be one person but were not
//! linked automatically, because their match probability fell in the review band or because they
//! carry different values of a unique identifier. `custos link` fills it; a records manager
//! works it: *link* merges the pair (through `merge_people`, so the merge is audited and can be
//! undone), *reject* records that they are two people, and the linker never joins a rejected pair
//! again (`Store::rejected_pairs`).
//!
//! Listing the queue shows people's records, so it is authorised as a read of both records of
//! every pair shown (pairs the principal may not read are left out, as in search), requires the
//! right to merge, and is audited as one read event naming every record shown.

use std::fmt;
use std::str::FromStr;

use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Principal};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_match::{Explanation, MatchRecord, Model, Prepared};
use sqlx::Row;

use crate::audit_log::Personal;
use crate::clock::{from_micros, now_micros};
use crate::entities::{EntityRecord, Justification, load_resolved, object_ref};
use crate::error::StoreError;
use crate::merge::{Identifiers, MergeId};
use crate::search::Page;
use crate::{Store, audit_event, audit_log};

/// The most pairs listed at once.
pub const MAX_LISTED: usize = 100;

/// The id of one queued pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReviewId(EntityId);

impl fmt::Display for ReviewId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for ReviewId {
    type Err = <EntityId as FromStr>::Err;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

/// One open pair, with both records as they are now and why the matcher thinks they may be one.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    pub id: ReviewId,
    pub a: EntityRecord,
    pub b: EntityRecord,
    /// The probability when queued.
    pub probability: f64,
    /// `review_band`, or `conflicting_<identifier kind>`.
    pub cause: String,
    pub queued_at: jiff::Timestamp,
    /// The comparison of the two records as they are now.
    pub explanation: Explanation,
}

/// One page of the queue, and where the next begins (`None`: this was the last).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewPage {
    pub items: Vec<ReviewItem>,
    /// The offset to ask for next: it counts queued rows, including those left out of this page
    /// (unreadable, or now one record), so paging neither repeats nor skips a pair.
    pub next_offset: Option<usize>,
}

/// A records manager's decision on a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    /// One person: merge the newer record into the older.
    Link,
    /// Two people: never link them automatically.
    Reject,
}

/// What a decision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewOutcome {
    Linked(MergeId),
    Rejected,
}

fn id_of(bytes: Vec<u8>) -> Result<EntityId, StoreError> {
    <[u8; 16]>::try_from(bytes)
        .map(EntityId::from_bytes)
        .map_err(|_| StoreError::Refused("a stored id is unreadable".into()))
}

impl Store {
    /// The open pairs, most probable first, that the principal may read both records of (each
    /// record resolved, should it have been merged since it was queued; a pair now resolving to
    /// one record is left out). Requires the right to merge people; audited as a read of every
    /// record shown, with the justification.
    pub async fn review_queue(
        &self,
        principal: &Principal,
        page: Page,
        justification: &Justification,
    ) -> Result<ReviewPage, StoreError> {
        let merge_right = self.may_merge_people(principal);
        if !merge_right.allowed {
            let event = audit_event(AuditKind::AccessDenied, principal, Vec::new(), &merge_right);
            return self.record_denial(event).await;
        }
        let limit = page.limit.clamp(1, MAX_LISTED);
        let mut conn = self.pool.acquire().await?;
        let model = Model::default();
        let scorer = model.scorer(None).map_err(|e| StoreError::Config(format!("the match model is invalid: {e}")))?;
        let mut items = Vec::new();
        let mut objects: Vec<ObjectRef> = Vec::new();
        let mut policies: Vec<String> = Vec::new();
        // Rows are read a batch at a time from the requested offset until the page is full or
        // the queue ends; `position` is the offset of the next row not yet looked at.
        let mut position = page.offset;
        let mut next_offset = None;
        'pages: loop {
            let rows = sqlx::query(
                "SELECT review_id, a_id, b_id, probability, cause, queued_at FROM person_review \
                 WHERE decision IS NULL ORDER BY probability DESC, review_id LIMIT $1 OFFSET $2",
            )
            .bind(i64::try_from(limit * 2).unwrap_or(i64::MAX))
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .fetch_all(&mut *conn)
            .await?;
            let batch = rows.len();
            for row in rows {
                if items.len() == limit {
                    next_offset = Some(position);
                    break 'pages;
                }
                position += 1;
                let (Some(a), Some(b)) = (
                    load_resolved(&mut conn, id_of(row.try_get(1)?)?).await?,
                    load_resolved(&mut conn, id_of(row.try_get(2)?)?).await?,
                ) else {
                    continue;
                };
                let (EntityBody::Person(pa), EntityBody::Person(pb)) = (&a.body, &b.body) else { continue };
                if a.id == b.id {
                    continue;
                }
                let decisions = self.authz.decide_records(
                    principal,
                    Action::Merge,
                    [(a.kind.as_str(), a.id.to_string(), &a.marking), (b.kind.as_str(), b.id.to_string(), &b.marking)],
                );
                let reads = self.authz.decide_records(
                    principal,
                    Action::Read,
                    [(a.kind.as_str(), a.id.to_string(), &a.marking), (b.kind.as_str(), b.id.to_string(), &b.marking)],
                );
                if decisions.iter().chain(&reads).any(|d| !d.allowed) {
                    continue;
                }
                policies.extend(reads.into_iter().flat_map(|d| d.policies));
                let explanation = scorer.explain(&Prepared::new(&MatchRecord::from(pa)), &Prepared::new(&MatchRecord::from(pb)));
                let review_bytes: Vec<u8> = row.try_get(0)?;
                let queued: i64 = row.try_get(5)?;
                objects.push(object_ref(EntityKind::Person, a.id));
                objects.push(object_ref(EntityKind::Person, b.id));
                items.push(ReviewItem {
                    id: ReviewId(id_of(review_bytes)?),
                    probability: row.try_get(3)?,
                    cause: row.try_get(4)?,
                    queued_at: from_micros(queued),
                    explanation,
                    a,
                    b,
                });
            }
            if batch < limit * 2 {
                break;
            }
        }
        drop(conn);
        policies.sort();
        policies.dedup();
        let decision = custos_authz::Decision { allowed: true, policies, errors: Vec::new() };
        let event = audit_event(AuditKind::Read, principal, objects, &decision);
        let personal = Personal { justification: Some(justification.as_str()), terms: Some(serde_json::json!({"review_queue": items.len()})), ..Personal::default() };
        self.reads.record(event, &personal).await?;
        Ok(ReviewPage { items, next_offset })
    }

    /// Records a decision on an open pair. *Link* merges the newer record into the older one as
    /// the principal (authorised and audited as any merge; a conflicting identifier is the very
    /// thing a person decides here, so it does not refuse); *reject* marks the pair as two people
    /// with one audited event. Refused for a pair already decided; `Denied` for an unknown one.
    pub async fn decide_review(
        &self,
        principal: &Principal,
        review: ReviewId,
        decision: ReviewDecision,
        reason: &str,
    ) -> Result<ReviewOutcome, StoreError> {
        if reason.trim().chars().count() < 3 {
            return Err(StoreError::Refused("a reason is required for a review decision".into()));
        }
        let merge_right = self.may_merge_people(principal);
        if !merge_right.allowed {
            let event = audit_event(AuditKind::AccessDenied, principal, Vec::new(), &merge_right);
            return self.record_denial(event).await;
        }
        let row = sqlx::query("SELECT a_id, b_id, decision FROM person_review WHERE review_id = $1")
            .bind(review.0.as_bytes().to_vec())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            let objects = vec![ObjectRef { kind: "review".into(), id: review.to_string() }];
            let event = audit_event(AuditKind::AccessDenied, principal, objects, &crate::entities::not_found());
            return self.record_denial(event).await;
        };
        if row.try_get::<Option<String>, _>(2)?.is_some() {
            return Err(StoreError::Refused("this pair has already been decided".into()));
        }
        let (a, b) = (id_of(row.try_get(0)?)?, id_of(row.try_get(1)?)?);
        if decision == ReviewDecision::Link {
            let mut conn = self.pool.acquire().await?;
            let (Some(ra), Some(rb)) = (load_resolved(&mut conn, a).await?, load_resolved(&mut conn, b).await?) else {
                drop(conn);
                let objects = vec![ObjectRef { kind: "review".into(), id: review.to_string() }];
                let event = audit_event(AuditKind::AccessDenied, principal, objects, &crate::entities::not_found());
                return self.record_denial(event).await;
            };
            drop(conn);
            let (primary, duplicate) = if (ra.created_at, ra.id) <= (rb.created_at, rb.id) { (ra.id, rb.id) } else { (rb.id, ra.id) };
            // The merge and the decision commit together (see `merge_people_deciding`).
            let merge = self
                .merge_people_deciding(principal, primary, duplicate, reason, Identifiers::ForceConflicting, Some(review.0.as_bytes()))
                .await?;
            return Ok(ReviewOutcome::Linked(merge));
        }
        // A rejection decides about both records: the principal must be able to read and merge
        // each (as a link would require), or it is denied and audited.
        let mut conn = self.pool.acquire().await?;
        let records = [load_resolved(&mut conn, a).await?, load_resolved(&mut conn, b).await?];
        drop(conn);
        for record in &records {
            let allowed = record.as_ref().is_some_and(|r| {
                let target = [(r.kind.as_str(), r.id.to_string(), &r.marking)];
                self.authz.decide_records(principal, Action::Read, target.clone())[0].allowed
                    && self.authz.decide_records(principal, Action::Merge, target)[0].allowed
            });
            if !allowed {
                let objects = vec![ObjectRef { kind: "review".into(), id: review.to_string() }];
                let event = audit_event(AuditKind::AccessDenied, principal, objects, &crate::entities::not_found());
                return self.record_denial(event).await;
            }
        }
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE person_review SET decision = 'rejected', decided_by = $1, decided_at = $2 \
             WHERE review_id = $3 AND decision IS NULL",
        )
        .bind(principal.user.as_str().to_owned())
        .bind(now_micros())
        .bind(review.0.as_bytes().to_vec())
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        let objects = vec![
            ObjectRef { kind: "review".into(), id: review.to_string() },
            object_ref(EntityKind::Person, a),
            object_ref(EntityKind::Person, b),
        ];
        let event = audit_event(AuditKind::Update, principal, objects, &merge_right);
        let terms = serde_json::json!({ "review_decision": "rejected" });
        let personal = Personal { reason: Some(reason), terms: Some(terms), ..Personal::default() };
        audit_log::append_with_text(&mut tx, &mut [event], &personal).await?;
        tx.commit().await?;
        Ok(ReviewOutcome::Rejected)
    }

    /// Whether the principal may merge people force-wide (the right to work the queue and to
    /// link in bulk): decided on an OFFICIAL person owned by a unit nobody belongs to, so that a
    /// unit-scoped merge right (an investigator's) does not pass.
    pub(crate) fn may_merge_people(&self, principal: &Principal) -> custos_authz::Decision {
        #[allow(clippy::expect_used, reason = "a valid literal")]
        let unit = custos_core::ids::UnitId::parse("no-unit.force-wide-check").expect("a valid unit id");
        let marking = custos_core::marking::SecurityMarking::official(unit);
        self.authz.decide_records(principal, Action::Merge, [(EntityKind::Person.as_str(), String::new(), &marking)]).remove(0)
    }
}
