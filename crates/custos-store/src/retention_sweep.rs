//! The retention sweep: every held record's review date computed again from the whole picture.
//!
//! A record's own write knows its grading and its offenders, not their later contact: the sweep
//! finds each nominal's newest qualifying contact (the newest record of Groups 1–3 naming them as
//! the offender, DOMAIN.md §7) and restarts the clear period of every record about them from it;
//! it also picks up a date of birth recorded since, a merge, a disposed newest contact, and a
//! changed rule table. It reads the compact `retention` rows (ids, groups and days, never a
//! record's body) in key order, computes in memory, and writes only the rows whose date moved, in
//! short transactions that skip any row written meanwhile (`revision`), so it never blocks
//! officers' writes for long.

use std::collections::HashMap;

use sqlx::Row;

use crate::error::StoreError;
use crate::retention::{Facts, day_number, due, facts_from_row, group_number, today};
use crate::sql::{Placeholders, multi_row};
use crate::Store;

/// What a sweep did.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Sweep {
    /// Records held (active) and computed.
    pub records: u64,
    /// Records whose review date, group or newest contact moved.
    pub changed: u64,
    /// Records due for review today (date reached, or an early review asked for).
    pub due: u64,
    pub seconds: f64,
}

type Id = [u8; 16];

/// One held record as the sweep reads it.
struct Held {
    id: Id,
    facts: Facts,
    /// Its offenders: `offenders[first..first + count]` of the sweep's arena.
    first: u32,
    count: u32,
    stored: (i64, i64, Option<i64>),
    revision: i64,
}

/// Rows read per statement.
const PAGE: i64 = 50_000;
/// Rows written per statement (six values each) and per transaction.
const WRITE_ROWS: usize = 150;
const WRITE_TRANSACTION: usize = 20_000;

impl Store {
    /// Computes every held record's next review again and records the sweep (see the module
    /// documentation). `progress` is told the records read so far, then the records written.
    /// A maintenance job of the store, like the audit integrator: it returns counts only.
    pub async fn sweep_retention(&self, progress: &(dyn Fn(SweepStage, u64) + Sync)) -> Result<Sweep, StoreError> {
        let started = crate::clock::now_micros();
        let clock = std::time::Instant::now();
        let (nominal, born) = self.nominals().await?;
        let mut held: Vec<Held> = Vec::new();
        let mut offenders: Vec<Id> = Vec::new();
        let mut after: Vec<u8> = Vec::new();
        let mut conn = self.pool.acquire().await?;
        loop {
            let rows = sqlx::query(
                "SELECT record_id, graded, offence_group, override_group, created_day, last_contact, last_reviewed, \
                 review_by, offenders, next_review, review_group, disposal_from, revision \
                 FROM retention WHERE state = 0 AND record_id > $1 ORDER BY record_id LIMIT $2",
            )
            .bind(std::mem::take(&mut after))
            .bind(PAGE)
            .fetch_all(&mut *conn)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get(0)?;
            for row in &rows {
                let id: Vec<u8> = row.try_get(0)?;
                let packed: Vec<u8> = row.try_get(8)?;
                let first = u32::try_from(offenders.len()).map_err(|_| too_many())?;
                offenders.extend(packed.chunks_exact(16).filter_map(|c| Id::try_from(c).ok()));
                let count = u32::try_from(offenders.len()).map_err(|_| too_many())? - first;
                held.push(Held {
                    id: Id::try_from(id.as_slice()).map_err(|_| crate::entities::corrupt("a retention row"))?,
                    facts: facts_from_row(row, 1)?,
                    first,
                    count,
                    stored: (row.try_get(9)?, row.try_get(10)?, row.try_get(11)?),
                    revision: row.try_get(12)?,
                });
            }
            progress(SweepStage::Read, held.len() as u64);
        }
        drop(conn);
        let resolve = |person: &Id| resolve(&nominal, *person);
        // Each nominal's newest qualifying contact.
        let mut latest: HashMap<Id, i64> = HashMap::new();
        for h in held.iter().filter(|h| h.facts.qualifies()) {
            for o in &offenders[h.first as usize..(h.first + h.count) as usize] {
                let newest = latest.entry(resolve(o)).or_insert(h.facts.created);
                *newest = (*newest).max(h.facts.created);
            }
        }
        let today = today();
        let mut changes: Vec<(Id, i64, i64, Option<i64>, i64, i64)> = Vec::new();
        let mut due_today = 0_u64;
        let mut births = Vec::new();
        for h in &held {
            let mine = &offenders[h.first as usize..(h.first + h.count) as usize];
            births.clear();
            let mut contact = h.facts.created;
            for o in mine {
                let n = resolve(o);
                contact = contact.max(latest.get(&n).copied().unwrap_or(h.facts.created));
                births.push(born.get(&n).copied().flatten().map(crate::retention::day_of));
            }
            let facts = Facts { last_contact: contact, ..h.facts };
            let d = due(&facts, &births);
            let computed = (day_number(d.on), group_number(d.group), d.disposal_from.map(day_number));
            if computed.0 <= today {
                due_today += 1;
            }
            if computed != h.stored || contact != h.facts.last_contact {
                changes.push((h.id, computed.0, computed.1, computed.2, contact, h.revision));
            }
        }
        let mut written = 0_u64;
        for batch in changes.chunks(WRITE_TRANSACTION) {
            let mut tx = self.begin_write().await?;
            for chunk in batch.chunks(WRITE_ROWS) {
                let head = "UPDATE retention SET next_review = v.column2, review_group = v.column3, disposal_from = v.column4, \
                            last_contact = v.column5 FROM (";
                let mut sql = multi_row(Placeholders::of(&tx), head, chunk.len(), 6);
                sql.0.push_str(") AS v WHERE retention.record_id = v.column1 AND retention.revision = v.column6");
                let mut q = sqlx::query(sql);
                for (id, next, group, disposal, contact, revision) in chunk {
                    q = q.bind(id.to_vec()).bind(*next).bind(*group).bind(*disposal).bind(*contact).bind(*revision);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            written += batch.len() as u64;
            progress(SweepStage::Write, written);
        }
        // Early reviews asked for are due whatever their date.
        let early: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM retention WHERE state = 0 AND triggered IS NOT NULL AND next_review > $1")
            .bind(today)
            .fetch_one(&self.pool)
            .await?;
        let sweep = Sweep {
            records: held.len() as u64,
            changed: changes.len() as u64,
            due: due_today + u64::try_from(early).unwrap_or(0),
            seconds: clock.elapsed().as_secs_f64(),
        };
        let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        sqlx::query("INSERT INTO retention_sweep (started_at, finished_at, records, changed, due) VALUES ($1, $2, $3, $4, $5)")
            .bind(started)
            .bind(crate::clock::now_micros())
            .bind(to_i64(sweep.records))
            .bind(to_i64(sweep.changed))
            .bind(to_i64(sweep.due))
            .execute(&self.pool)
            .await?;
        Ok(sweep)
    }

    /// Each merged person's primary, and each nominal's date of birth as the schedule reads it
    /// (the latest recorded for anyone merged into it).
    async fn nominals(&self) -> Result<(HashMap<Id, Id>, HashMap<Id, Option<i64>>), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let mut nominal: HashMap<Id, Id> = HashMap::new();
        for row in sqlx::query("SELECT id, merged_into FROM entity WHERE merged_into IS NOT NULL").fetch_all(&mut *conn).await? {
            let (id, up): (Vec<u8>, Vec<u8>) = (row.try_get(0)?, row.try_get(1)?);
            if let (Ok(id), Ok(up)) = (Id::try_from(id.as_slice()), Id::try_from(up.as_slice())) {
                nominal.insert(id, up);
            }
        }
        let mut born: HashMap<Id, Option<i64>> = HashMap::new();
        let mut after: Vec<u8> = Vec::new();
        loop {
            let rows = sqlx::query("SELECT person_id, born FROM retention_person WHERE person_id > $1 ORDER BY person_id LIMIT $2")
                .bind(std::mem::take(&mut after))
                .bind(PAGE)
                .fetch_all(&mut *conn)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get(0)?;
            for row in &rows {
                let id: Vec<u8> = row.try_get(0)?;
                let Ok(id) = Id::try_from(id.as_slice()) else { continue };
                let at = resolve(&nominal, id);
                let day: Option<i64> = row.try_get(1)?;
                let entry = born.entry(at).or_insert(None);
                *entry = (*entry).max(day);
            }
        }
        Ok((nominal, born))
    }
}

/// The nominal `person` is merged into, following a chain of merges.
fn resolve(nominal: &HashMap<Id, Id>, person: Id) -> Id {
    let mut at = person;
    // A chain of merges is short; the bound only guards against a corrupt cycle.
    for _ in 0..16 {
        match nominal.get(&at) {
            Some(up) => at = *up,
            None => break,
        }
    }
    at
}

/// Which part of a sweep a progress count is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepStage {
    /// Records read.
    Read,
    /// Changed records written.
    Write,
}

fn too_many() -> StoreError {
    StoreError::Refused("too many offenders to sweep in one pass".into())
}
