//! The retention sweep: every held record's review date computed again from the whole picture.
//!
//! A record's own write knows its grading and its offenders, not their later contact: the sweep
//! finds each nominal's newest qualifying contact (the newest record of Groups 1–3 naming them as
//! the offender, DOMAIN.md §7) and restarts the clear period of every record about them from it;
//! it also picks up a date of birth recorded since, a merge, a disposed newest contact, and a
//! changed rule table. A record whose subject came back to notice since the last sweep (a newer
//! contact than it knew) is marked for an early review. It reads the compact `retention` rows (ids, groups and days, never a
//! record's body) in key order, computes in memory, and writes only the rows whose date moved, in
//! short transactions that skip any row written meanwhile (`revision`), so it never blocks
//! officers' writes for long.

use std::collections::HashMap;

use custos_core::retention::Birth;
use sqlx::Row;

use crate::error::StoreError;
use crate::retention::{Facts, day_number, due, group_number, today};
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
    /// Its matter ([`matter_key`]).
    matter: u64,
}

/// A nominal's newest qualifying contact, and their newest in any other matter than that one's:
/// enough to tell, for any record, their newest contact in another matter.
#[derive(Debug, Clone, Copy)]
struct Contacts {
    newest: (i64, u64),
    /// The newest in a matter other than `newest`'s.
    other: Option<i64>,
}

impl Contacts {
    fn new(created: i64, matter: u64) -> Self {
        Self { newest: (created, matter), other: None }
    }

    fn add(&mut self, created: i64, matter: u64) {
        let (newest, in_matter) = self.newest;
        if matter == in_matter {
            self.newest.0 = newest.max(created);
        } else if created > newest {
            self.other = Some(newest);
            self.newest = (created, matter);
        } else {
            self.other = Some(self.other.map_or(created, |o| o.max(created)));
        }
    }

    /// The newest contact in a matter other than `matter`.
    fn besides(&self, matter: u64) -> Option<i64> {
        if self.newest.1 == matter { self.other } else { Some(self.newest.0) }
    }
}

/// A matter as the sweep compares them: the two halves of its id (the record's own when it names
/// none) folded together. Ids are time-ordered (UUID v7: the first half is mostly the time and a
/// counter), and the second half holds the random bits, so ids made in the same millisecond
/// still differ. Two matters sharing a key would only miss a back-to-notice mark.
fn matter_key(matter: Option<&[u8]>, record: &Id) -> u64 {
    let id = matter.and_then(|m| Id::try_from(m).ok()).unwrap_or(*record);
    let half = |range: std::ops::Range<usize>| id.get(range).and_then(|b| <[u8; 8]>::try_from(b).ok()).map_or(0, u64::from_be_bytes);
    half(0..8) ^ half(8..16)
}

/// A held record's new schedule, written only if its row is still at `revision`.
struct Change {
    id: Id,
    next: i64,
    group: i64,
    disposal: Option<i64>,
    contact: i64,
    revision: i64,
    /// Its subject came back to notice since the last sweep.
    back: bool,
}

/// Who the audit log names for the sweep's own erasures (not a user: the scheduled job).
pub const SWEEP_ACTOR: &str = "custos:retention-sweep";

/// Rows read per statement.
const PAGE: i64 = 50_000;
/// Rows written per statement (eight values each) and per transaction.
const WRITE_ROWS: usize = 110;
const WRITE_TRANSACTION: usize = 20_000;

impl Store {
    /// Computes every held record's next review again and records the sweep (see the module
    /// documentation). `progress` is told the records read so far, then the records written.
    /// A maintenance job of the store, like the audit integrator: it returns counts only.
    pub async fn sweep_retention(&self, progress: &(dyn Fn(SweepStage, u64) + Sync)) -> Result<Sweep, StoreError> {
        let started = crate::clock::now_micros();
        let clock = std::time::Instant::now();
        let (nominal, born) = self.nominals().await?;
        let (held, offenders) = self.read_held(progress).await?;
        let resolve = |person: &Id| resolve(&nominal, *person);
        // Each nominal's newest qualifying contact (and newest in another matter).
        let mut latest: HashMap<Id, Contacts> = HashMap::new();
        for h in held.iter().filter(|h| h.facts.qualifies()) {
            for o in &offenders[h.first as usize..(h.first + h.count) as usize] {
                latest
                    .entry(resolve(o))
                    .and_modify(|c| c.add(h.facts.created, h.matter))
                    .or_insert(Contacts::new(h.facts.created, h.matter));
            }
        }
        let today = today();
        // The first sweep only sets each record's newest contact: before it, every record knew
        // only its own, and marking them all as back to notice would flood the queue.
        let swept_before: Option<i64> = sqlx::query_scalar("SELECT id FROM retention_sweep LIMIT 1").fetch_optional(&self.pool).await?;
        let mut changes: Vec<Change> = Vec::new();
        let mut due_today = 0_u64;
        let mut births = Vec::new();
        for h in &held {
            let mine = &offenders[h.first as usize..(h.first + h.count) as usize];
            births.clear();
            let mut contact = h.facts.created;
            let mut elsewhere: Option<i64> = None;
            for o in mine {
                let n = resolve(o);
                if let Some(c) = latest.get(&n) {
                    contact = contact.max(c.newest.0);
                    elsewhere = elsewhere.max(c.besides(h.matter));
                }
                births.push(born.get(&n).copied());
            }
            let facts = Facts { last_contact: contact, ..h.facts };
            let d = due(&facts, &births);
            let computed = (day_number(d.on), group_number(d.group), d.disposal_from.map(day_number));
            if computed.0 <= today {
                due_today += 1;
            }
            // Newer contact in another matter than the last sweep saw: they came back to notice
            // since this record (a case file on the same crime is not a new matter).
            let back = swept_before.is_some() && elsewhere.is_some_and(|e| e > h.facts.last_contact);
            if computed != h.stored || contact != h.facts.last_contact {
                changes.push(Change { id: h.id, next: computed.0, group: computed.1, disposal: computed.2, contact, revision: h.revision, back });
            }
        }
        tracing::info!(computed_s = clock.elapsed().as_secs_f64(), "sweep: computed");
        let mut written = 0_u64;
        for batch in changes.chunks(WRITE_TRANSACTION) {
            let mut tx = self.begin_write().await?;
            for chunk in batch.chunks(WRITE_ROWS) {
                // A record whose subject came back to notice is marked for an early review
                // (DOMAIN.md §7), unless already marked for another reason.
                let head = "UPDATE retention SET next_review = v.column2, review_group = v.column3, disposal_from = v.column4, \
                            last_contact = v.column5, \
                            triggered = CASE WHEN v.column7 = 1 AND retention.triggered IS NULL THEN 'back_to_notice' ELSE retention.triggered END, \
                            triggered_at = CASE WHEN v.column7 = 1 AND retention.triggered IS NULL THEN v.column8 ELSE retention.triggered_at END \
                            FROM (";
                let mut sql = multi_row(Placeholders::of(&tx), head, chunk.len(), 8);
                sql.0.push_str(") AS v WHERE retention.record_id = v.column1 AND retention.revision = v.column6");
                let mut q = sqlx::query(sql);
                for c in chunk {
                    q = q.bind(c.id.to_vec()).bind(c.next).bind(c.group).bind(c.disposal).bind(c.contact).bind(c.revision).bind(i64::from(c.back)).bind(started);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            written += batch.len() as u64;
            progress(SweepStage::Write, written);
        }
        self.erase_stragglers().await?;
        // Early reviews asked for are due whatever their date.
        // Through the partial index of early reviews, not the due-date index (every row).
        let early: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM retention WHERE triggered_at IS NOT NULL AND +state = 0 AND +next_review > $1")
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

    /// Erases the free text about records disposed of that was written while they were going:
    /// the payloads of audit events written meanwhile (a read finishing as the disposal ran) and
    /// subject access casework recorded meanwhile on PostgreSQL. The erasure is itself audited,
    /// as the sweep's, naming what it erased text about.
    async fn erase_stragglers(&self) -> Result<(), StoreError> {
        // Found without the write lock (usually there is nothing); erased under it.
        let rows = sqlx::query(
            "SELECT DISTINCT d.entity_id, d.kind FROM disposed d WHERE EXISTS \
             (SELECT 1 FROM audit_payload_object o WHERE o.object_id = d.entity_id) \
             OR EXISTS (SELECT 1 FROM information_request_text t WHERE t.about = d.entity_id AND t.text IS NOT NULL)",
        )
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let mut gone = Vec::with_capacity(rows.len());
        let mut objects = Vec::with_capacity(rows.len());
        for row in &rows {
            let id = crate::batch::id_of(row.try_get(0)?)?;
            let kind: String = row.try_get(1)?;
            let kind = kind.parse().map_err(|_| crate::entities::corrupt("an entity kind"))?;
            gone.push(id);
            objects.push(crate::entities::object_ref(kind, id));
        }
        let payloads = crate::disposal::erase_payloads(&mut tx, &gone).await?;
        crate::disposal::run(&mut tx, "DELETE FROM audit_payload_object WHERE object_id IN", &gone).await?;
        let casework = crate::request_erasure::erase(&mut tx, &gone).await?;
        let event = custos_audit::AuditEvent {
            kind: custos_audit::AuditKind::Erase,
            actor: SWEEP_ACTOR.to_owned(),
            at: jiff::Timestamp::now(),
            objects,
            justification: None,
            decision: custos_audit::Decision::Allow,
            policies: vec!["mopi-disposal".to_owned()],
            payload: None,
        };
        crate::audit_log::append(&mut tx, &event).await?;
        tx.commit().await?;
        tracing::info!(records = gone.len(), payloads, casework, "sweep: erased the text written about records as they were disposed of");
        Ok(())
    }

    /// Every held record's row, read in key order by [`READERS`] connections at once, each over
    /// its part of the key range.
    async fn read_held(&self, progress: &(dyn Fn(SweepStage, u64) + Sync)) -> Result<(Vec<Held>, Vec<Id>), StoreError> {
        // (PostgreSQL has no MIN of a bytea.)
        let first: Option<Vec<u8>> = sqlx::query_scalar("SELECT record_id FROM retention ORDER BY record_id LIMIT 1").fetch_optional(&self.pool).await?;
        let last: Option<Vec<u8>> = sqlx::query_scalar("SELECT record_id FROM retention ORDER BY record_id DESC LIMIT 1").fetch_optional(&self.pool).await?;
        let (Some(low), Some(high)) = (first, last) else {
            return Ok((Vec::new(), Vec::new()));
        };
        // Split points: the key range cut into equal parts by the ids' first eight bytes.
        let prefix = |id: &[u8]| id.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok()).map_or(0, u64::from_be_bytes);
        let (low, high) = (prefix(&low), prefix(&high));
        let step = (high - low) / READERS as u64;
        let mut cuts: Vec<Vec<u8>> = vec![Vec::new()];
        cuts.extend((1..READERS as u64).map(|i| (low + step * i).to_be_bytes().to_vec()).filter(|_| step > 0));
        let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut parts = Vec::new();
        for (i, from) in cuts.iter().enumerate() {
            let to = cuts.get(i + 1).cloned();
            let (pool, read) = (self.pool.clone(), read.clone());
            let from = from.clone();
            parts.push(tokio::spawn(async move { read_part(pool, from, to, &read).await }));
        }
        let mut held = Vec::new();
        let mut offenders = Vec::new();
        for part in parts {
            let (mut h, o) = part.await.map_err(|_| StoreError::Refused("a sweep reader stopped".into()))??;
            let base = u32::try_from(offenders.len()).map_err(|_| too_many())?;
            for row in &mut h {
                row.first += base;
            }
            held.append(&mut h);
            offenders.extend(o);
            progress(SweepStage::Read, read.load(std::sync::atomic::Ordering::Relaxed));
        }
        Ok((held, offenders))
    }

    /// Each merged person's primary, and each nominal's date of birth as the schedule reads it
    /// (the latest recorded for anyone merged into it).
    async fn nominals(&self) -> Result<(HashMap<Id, Id>, HashMap<Id, Birth>), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let mut nominal: HashMap<Id, Id> = HashMap::new();
        // The merges in force, from their own small table (a scan of every entity for its
        // `merged_into` took 18 s over 12 million).
        for row in sqlx::query("SELECT duplicate_id, primary_id FROM person_merge WHERE unmerged_at IS NULL").fetch_all(&mut *conn).await? {
            let (id, up): (Vec<u8>, Vec<u8>) = (row.try_get(0)?, row.try_get(1)?);
            if let (Ok(id), Ok(up)) = (Id::try_from(id.as_slice()), Id::try_from(up.as_slice())) {
                nominal.insert(id, up);
            }
        }
        let mut born: HashMap<Id, Birth> = HashMap::new();
        let mut after: Vec<u8> = Vec::new();
        loop {
            let rows = sqlx::query("SELECT person_id, born_earliest, born FROM retention_person WHERE person_id > $1 ORDER BY person_id LIMIT $2")
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
                if let Some(b) = crate::retention::birth(row.try_get(1)?, row.try_get(2)?) {
                    born.entry(at).and_modify(|e| *e = e.with(b)).or_insert(b);
                }
            }
        }
        Ok((nominal, born))
    }
}

/// Readers of the retention rows at once: the sweep's time is mostly reading and decoding.
const READERS: usize = 2;

/// Two days packed in one value, so that a row is fewer columns to decode (the decoding of each
/// column is most of a sweep's time): each day `d` as `d + OFFSET + 1` (0 when missing), the
/// first times `SCALE` plus the second. Days since 1970 within ±4,194,303 (11,000 years) fit.
const SCALE: i64 = 1 << 23;
const OFFSET: i64 = 1 << 22;

fn unpack(v: i64) -> (Option<i64>, Option<i64>) {
    let day = |e: i64| (e != 0).then(|| e - OFFSET - 1);
    (day(v.div_euclid(SCALE)), day(v.rem_euclid(SCALE)))
}

/// The sweep's read: a held row in eight columns (id, groups, three pairs of days, revision,
/// offenders, matter), in key order. `+state` keeps SQLite's planner on the key rather than the due-date
/// index (which would sort every page).
macro_rules! sweep_read {
    ($range:literal) => {
        concat!(
            "SELECT record_id, \
             graded + 8 * COALESCE(offence_group, 0) + 64 * COALESCE(override_group, 0) + 512 * review_group, \
             (created_day + $1 + 1) * $2 + (last_contact + $1 + 1), \
             COALESCE(last_reviewed + $1 + 1, 0) * $2 + COALESCE(review_by + $1 + 1, 0), \
             (next_review + $1 + 1) * $2 + COALESCE(disposal_from + $1 + 1, 0), \
             revision, offenders, matter FROM retention WHERE +state = 0 AND ",
            $range,
            " ORDER BY record_id LIMIT $5"
        )
    };
}

/// The held rows with keys from `from` (inclusive) up to `to` (exclusive, `None`: to the end).
async fn read_part(pool: sqlx::AnyPool, from: Vec<u8>, to: Option<Vec<u8>>, read: &std::sync::atomic::AtomicU64) -> Result<(Vec<Held>, Vec<Id>), StoreError> {
    // Above every 16-byte id.
    let to = to.unwrap_or_else(|| vec![0xff; 17]);
    let mut conn = pool.acquire().await?;
    let mut held: Vec<Held> = Vec::new();
    let mut offenders: Vec<Id> = Vec::new();
    let mut after = from;
    let mut first_page = true;
    loop {
        let sql = if first_page { sweep_read!("record_id >= $3 AND record_id < $4") } else { sweep_read!("record_id > $3 AND record_id < $4") };
        let rows = sqlx::query(sql)
            .bind(OFFSET)
            .bind(SCALE)
            .bind(std::mem::take(&mut after))
            .bind(to.clone())
            .bind(PAGE)
            .fetch_all(&mut *conn)
            .await?;
        first_page = false;
        let Some(last) = rows.last() else { break };
        for row in &rows {
            let id: &[u8] = row.try_get(0)?;
            let groups: i64 = row.try_get(1)?;
            let corrupt = || crate::entities::corrupt("a retention row");
            let (created, last_contact) = unpack(row.try_get(2)?);
            let created = created.ok_or_else(corrupt)?;
            let (last_reviewed, review_by) = unpack(row.try_get(3)?);
            let (next_review, disposal_from) = unpack(row.try_get(4)?);
            let group = |shift: i64| -> Result<Option<custos_core::record::MopiGroup>, StoreError> {
                match (groups >> shift) & 7 {
                    0 => Ok(None),
                    n => crate::retention::group_of(n).map(Some),
                }
            };
            let packed: &[u8] = row.try_get(6)?;
            let first = u32::try_from(offenders.len()).map_err(|_| too_many())?;
            offenders.extend(packed.chunks_exact(16).filter_map(|c| Id::try_from(c).ok()));
            let count = u32::try_from(offenders.len()).map_err(|_| too_many())? - first;
            let id = Id::try_from(id).map_err(|_| corrupt())?;
            let matter: Option<&[u8]> = row.try_get(7)?;
            held.push(Held {
                id,
                matter: matter_key(matter, &id),
                facts: Facts {
                    graded: group(0)?.ok_or_else(corrupt)?,
                    offence_group: group(3)?,
                    override_group: group(6)?,
                    created,
                    last_contact: last_contact.unwrap_or(created),
                    last_reviewed,
                    review_by,
                },
                first,
                count,
                stored: (next_review.ok_or_else(corrupt)?, (groups >> 9) & 7, disposal_from),
                revision: row.try_get(5)?,
            });
        }
        after = last.try_get(0)?;
        read.fetch_add(rows.len() as u64, std::sync::atomic::Ordering::Relaxed);
    }
    Ok((held, offenders))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_know_the_newest_in_another_matter() {
        let mut c = Contacts::new(10, 1);
        assert_eq!((c.besides(1), c.besides(2)), (None, Some(10)));
        c.add(30, 1);
        assert_eq!((c.besides(1), c.besides(2)), (None, Some(30)), "more of matter 1");
        c.add(20, 2);
        assert_eq!((c.besides(1), c.besides(2)), (Some(20), Some(30)));
        c.add(40, 3);
        assert_eq!((c.besides(1), c.besides(2), c.besides(3)), (Some(40), Some(40), Some(30)));
        c.add(35, 1);
        assert_eq!(c.besides(3), Some(35));
        let ids: Vec<Id> = (0..1000).map(|_| *custos_core::ids::EntityId::new().as_bytes()).collect();
        let keys: std::collections::HashSet<u64> = ids.iter().map(|id| matter_key(Some(id), &[0; 16])).collect();
        assert_eq!(keys.len(), ids.len(), "ids made in the same millisecond are different matters");
        assert_eq!(matter_key(None, &ids[0]), matter_key(Some(&ids[0]), &ids[1]), "no matter: the record's own");
    }

    #[test]
    fn days_pack_in_pairs_with_gaps() {
        let pack = |a: Option<i64>, b: Option<i64>| a.map_or(0, |d| d + OFFSET + 1) * SCALE + b.map_or(0, |d| d + OFFSET + 1);
        for (a, b) in [(Some(0), Some(0)), (Some(20_000), None), (None, Some(-1)), (None, None), (Some(-719_468), Some(2_932_896)), (Some(2_932_896), Some(-5))] {
            assert_eq!(unpack(pack(a, b)), (a, b), "{a:?} {b:?}");
        }
    }
}
