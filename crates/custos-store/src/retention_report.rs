//! The retention report: the evidence that review really happens (*Catt v UK*; DOMAIN.md §7).
//! Records held, archived and disposed of by group, the reviews overdue and due soon, the early
//! reviews asked for, the decisions and disposals of each month, the latest decisions to retain
//! with their reasons, and the last sweep. Everything is computed from the retention rows and
//! decisions when asked; nothing is kept for the report.
//!
//! The counts hold no personal data; a decision's reason may, so it is shown only with a record
//! the reader may read, and the report is audited as a search naming those records.

use std::collections::BTreeMap;

use custos_audit::AuditKind;
use custos_authz::{Action, Principal, Resource};
use custos_core::record::MopiGroup;
use sqlx::Row;

use crate::audit_log;
use crate::entities::{kind_and_marking_of, object_ref};
use crate::error::StoreError;
use crate::retention::{day_of, group_of, today};
use crate::retention_review::DecisionRow;
use crate::{Store, audit_event};

/// The records of one group.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GroupCounts {
    pub held: u64,
    pub archived: u64,
    pub disposed: u64,
    /// Held and past their review date.
    pub overdue: u64,
    /// Held and due within the next 90 days.
    pub due_soon: u64,
}

/// One month's review work.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub retained: u64,
    pub disposed: u64,
    pub archived: u64,
    /// Legal holds placed and released.
    pub holds: u64,
}

/// The last sweep.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LastSweep {
    pub finished_at: jiff::Timestamp,
    pub records: u64,
    pub due: u64,
    pub seconds: f64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub today: jiff::civil::Date,
    /// Groups 1 to 4, in order.
    pub groups: Vec<(MopiGroup, GroupCounts)>,
    /// Early reviews asked for and not yet done, by why.
    pub triggered: BTreeMap<String, u64>,
    /// The oldest overdue review's days past its date.
    pub oldest_overdue_days: Option<i64>,
    /// The last 24 months with any decision, oldest first.
    pub months: Vec<Month>,
    /// The latest decisions to retain, newest first, with their reasons where the reader may read
    /// the record (else `None`).
    pub retained: Vec<DecisionRow>,
    pub last_sweep: Option<LastSweep>,
}

/// How many decisions to retain the report lists.
const LATEST_RETAINED: i64 = 50;

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// The retention report (see the module documentation). Needs the right to search the force.
    pub async fn retention_report(&self, principal: &Principal) -> Result<Report, StoreError> {
        let decision = self.authz.decide(principal, Action::Search, &Resource::System);
        let mut tx = self.begin_write().await?;
        if !decision.allowed {
            audit_log::append(&mut tx, &audit_event(AuditKind::AccessDenied, principal, Vec::new(), &decision)).await?;
            tx.commit().await?;
            return Err(StoreError::Denied);
        }
        let today = today();
        let mut groups: BTreeMap<i64, GroupCounts> = (1..=4).map(|g| (g, GroupCounts::default())).collect();
        let rows = sqlx::query(
            "SELECT COALESCE(override_group, graded), state, COUNT(*), SUM(CASE WHEN state = 0 AND next_review < $1 THEN 1 ELSE 0 END), \
             SUM(CASE WHEN state = 0 AND next_review >= $1 AND next_review < $2 THEN 1 ELSE 0 END) \
             FROM retention GROUP BY COALESCE(override_group, graded), state",
        )
        .bind(today)
        .bind(today + 90)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let entry = groups.entry(row.try_get(0)?).or_default();
            let n = count(row.try_get(2)?);
            match row.try_get::<i64, _>(1)? {
                0 => entry.held += n,
                1 => entry.archived += n,
                _ => entry.disposed += n,
            }
            entry.overdue += count(row.try_get::<Option<i64>, _>(3)?.unwrap_or(0));
            entry.due_soon += count(row.try_get::<Option<i64>, _>(4)?.unwrap_or(0));
        }
        let groups = groups.into_iter().map(|(g, c)| Ok((group_of(g)?, c))).collect::<Result<Vec<_>, StoreError>>()?;
        let mut triggered = BTreeMap::new();
        for row in sqlx::query("SELECT triggered, COUNT(*) FROM retention WHERE state = 0 AND triggered IS NOT NULL GROUP BY triggered")
            .fetch_all(&mut *tx)
            .await?
        {
            triggered.insert(row.try_get(0)?, count(row.try_get(1)?));
        }
        let oldest: Option<i64> = sqlx::query_scalar("SELECT MIN(next_review) FROM retention WHERE state = 0 AND next_review < $1")
            .bind(today)
            .fetch_one(&mut *tx)
            .await?;

        // Decisions by day over the last two years, gathered into months here.
        let since = crate::clock::now_micros() - 731 * 86_400_000_000;
        let mut months: BTreeMap<String, Month> = BTreeMap::new();
        for row in sqlx::query(
            "SELECT decided_at / 86400000000, outcome, COUNT(*) FROM retention_decision WHERE decided_at >= $1 \
             GROUP BY decided_at / 86400000000, outcome",
        )
        .bind(since)
        .fetch_all(&mut *tx)
        .await?
        {
            let day = day_of(row.try_get(0)?);
            let key = format!("{:04}-{:02}", day.year(), day.month());
            let month = months.entry(key.clone()).or_insert_with(|| Month { month: key, ..Month::default() });
            let n = count(row.try_get(2)?);
            match row.try_get::<String, _>(1)?.as_str() {
                "retain" => month.retained += n,
                "dispose" => month.disposed += n,
                "archive" => month.archived += n,
                "hold" | "release" => month.holds += n,
                _ => {}
            }
        }

        // The latest retentions, each reason shown only with a record the reader may read.
        let mut retained = Vec::new();
        let mut shown = Vec::new();
        let mut policies = decision.policies.clone();
        for row in sqlx::query(
            "SELECT d.id, d.record_id, d.outcome, d.review_group, d.criteria, d.reason, d.next_review, d.decided_by, d.decided_at, \
             e.kind, e.classification, e.sensitive, e.owning_unit, e.acl \
             FROM retention_decision d LEFT JOIN entity e ON e.id = d.record_id \
             WHERE d.outcome = 'retain' ORDER BY d.id DESC LIMIT $1",
        )
        .bind(LATEST_RETAINED)
        .fetch_all(&mut *tx)
        .await?
        {
            let mut decision_row = crate::retention_review::decision_from_row(&row)?;
            let readable = match row.try_get::<Option<String>, _>(9)? {
                Some(kind) => {
                    let sensitive: i64 = i64::from(row.try_get::<i16, _>(11)?);
                    let (kind, marking) = kind_and_marking_of(&kind, row.try_get(10)?, sensitive, &row.try_get::<String, _>(12)?, &row.try_get::<String, _>(13)?)?;
                    let read = self.authz.decide(principal, Action::Read, &Resource::Record { kind: kind.as_str(), id: decision_row.record.to_string(), marking: &marking });
                    if read.allowed {
                        policies.extend(read.policies);
                        shown.push(object_ref(kind, decision_row.record));
                    }
                    read.allowed
                }
                None => false,
            };
            if !readable {
                decision_row.reason = None;
            }
            retained.push(decision_row);
        }
        let last_sweep = sqlx::query("SELECT finished_at, records, due, finished_at - started_at FROM retention_sweep ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| -> Result<LastSweep, StoreError> {
                Ok(LastSweep {
                    finished_at: crate::clock::from_micros(row.try_get(0)?),
                    records: count(row.try_get(1)?),
                    due: count(row.try_get(2)?),
                    seconds: row.try_get::<i64, _>(3)? as f64 / 1e6,
                })
            })
            .transpose()?;
        policies.sort();
        policies.dedup();
        let decision = custos_authz::Decision { policies, ..decision };
        audit_log::append(&mut tx, &audit_event(AuditKind::Search, principal, shown, &decision)).await?;
        tx.commit().await?;
        Ok(Report {
            today: day_of(today),
            groups,
            triggered,
            oldest_overdue_days: oldest.map(|d| today - d),
            months: months.into_values().collect(),
            retained,
            last_sweep,
        })
    }
}
