//! The store's side of the MoPI schedule (`custos_core::retention`): a row per operational record
//! (`retention`) with what the schedule needs to know and when the record is next reviewed, and
//! each person's date of birth as the schedule reads it (`retention_person`).
//!
//! The rows are written with the record, in its transaction: the group graded from its type and
//! offences (again on every change, so a changed offence re-grades it), the people it holds as the
//! offender, and the review date from what is known then. The **sweep** ([`Store::sweep_retention`])
//! computes every record's review date again from the whole picture: a nominal's newest
//! qualifying contact restarts the clear period of every record about them (DOMAIN.md §7), which a
//! record's own write cannot see. The sweep runs nightly in the server and on demand
//! (`custos retention sweep`); it reads ids, groups and days only, never a record's body.

use std::collections::HashMap;

use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::record::{MopiGroup, Record};
use custos_core::retention::{self, Birth, Due, Schedule};
use jiff::civil::Date;
use sqlx::{AnyConnection, AnyPool, Row};

use crate::db::Backend;

use crate::error::StoreError;
use crate::sql::{Placeholders, in_list, multi_row};

/// The schedule the store applies.
pub const SCHEDULE: Schedule = Schedule::DEFAULT;

/// Where a record's retention stands (`retention.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Active,
    Archived,
    Disposed,
}

impl State {
    pub(crate) fn from_code(code: i64) -> Result<Self, StoreError> {
        match code {
            0 => Ok(Self::Active),
            1 => Ok(Self::Archived),
            2 => Ok(Self::Disposed),
            _ => Err(crate::entities::corrupt("a retention state")),
        }
    }
}

/// A day as stored: days since 1970-01-01.
pub(crate) fn day_number(day: Date) -> i64 {
    custos_core::days::days_from_civil(day)
}

/// The day stored as `n`; out of jiff's range, its last day.
pub(crate) fn day_of(n: i64) -> Date {
    custos_core::days::civil_from_days(n).unwrap_or(Date::MAX)
}

/// The UTC day of a time in microseconds since the epoch.
pub(crate) fn day_of_micros(micros: i64) -> i64 {
    micros.div_euclid(86_400_000_000)
}

/// Today (UTC), as stored.
pub(crate) fn today() -> i64 {
    day_of_micros(crate::clock::now_micros())
}

pub(crate) fn group_number(group: MopiGroup) -> i64 {
    match group {
        MopiGroup::PublicProtection => 1,
        MopiGroup::SexualViolentSerious => 2,
        MopiGroup::OtherOffences => 3,
        MopiGroup::Undetected => 4,
    }
}

pub(crate) fn group_of(n: i64) -> Result<MopiGroup, StoreError> {
    match n {
        1 => Ok(MopiGroup::PublicProtection),
        2 => Ok(MopiGroup::SexualViolentSerious),
        3 => Ok(MopiGroup::OtherOffences),
        4 => Ok(MopiGroup::Undetected),
        _ => Err(crate::entities::corrupt("a MoPI group")),
    }
}

/// What the schedule knows of one record, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Facts {
    pub graded: MopiGroup,
    pub offence_group: Option<MopiGroup>,
    pub override_group: Option<MopiGroup>,
    pub created: i64,
    pub last_contact: i64,
    pub last_reviewed: Option<i64>,
    /// An earlier next review than the schedule's, set by the reviewer who last kept it.
    pub review_by: Option<i64>,
}

impl Facts {
    /// The group the record is held in: the records manager's override, else its grading.
    pub(crate) fn group(&self) -> MopiGroup {
        self.override_group.unwrap_or(self.graded)
    }

    /// Whether the record is a qualifying contact of its offenders (a matter of Groups 1–3).
    pub(crate) fn qualifies(&self) -> bool {
        self.group() != MopiGroup::Undetected
    }
}

/// The record's next review: the latest any of its offenders' clocks gives (each offender's own
/// age counts; `born` holds one entry per offender, `None` where unknown), or the record's own
/// when it names no offender. A record is kept as long as the clock of any of its offenders runs.
pub(crate) fn due(facts: &Facts, born: &[Option<Birth>]) -> Due {
    let core = |born: Option<Birth>| retention::Facts {
        group: facts.group(),
        offence_group: facts.offence_group,
        created: day_of(facts.created),
        last_contact: day_of(facts.last_contact.max(facts.created)),
        last_reviewed: facts.last_reviewed.map(day_of),
        born,
    };
    let mut dues = born.iter().map(|b| SCHEDULE.next_review(&core(*b)));
    let latest = match dues.next() {
        // No offender: nobody's hundredth birthday to wait for, so a Group 1 matter (an undetected
        // murder) may go at a review that finds no need, like any other.
        None => {
            let d = SCHEDULE.next_review(&core(None));
            Due { disposal_from: Some(d.disposal_from.unwrap_or(d.on)), ..d }
        }
        // Several: held as the most serious group any of them gives, reviewed at the latest date,
        // and never gone before every Group 1 subject is deemed 100.
        Some(first) => dues.fold(first, |latest, d| {
            let disposal_from = latest.disposal_from.zip(d.disposal_from).map(|(a, b)| a.max(b));
            let group = retention::most_serious([latest.group, d.group]);
            let later = if d.on > latest.on { d } else { latest };
            Due { disposal_from, group, ..later }
        }),
    };
    match facts.review_by.map(day_of) {
        Some(by) if by < latest.on => Due { on: by, ..latest },
        _ => latest,
    }
}

/// The next review of a record with `facts` whose offenders are `offenders`, reading their dates
/// of birth.
pub(crate) async fn due_for(conn: &mut AnyConnection, facts: &Facts, offenders: &[EntityId]) -> Result<Due, StoreError> {
    let born = born_of(conn, offenders).await?;
    let births: Vec<Option<Birth>> = offenders.iter().map(|o| born.get(o).copied().flatten()).collect();
    Ok(due(facts, &births))
}

/// The ids packed into `retention.offenders`.
pub(crate) fn unpack_ids(bytes: &[u8]) -> Vec<EntityId> {
    bytes
        .chunks_exact(16)
        .filter_map(|c| <[u8; 16]>::try_from(c).ok().map(EntityId::from_bytes))
        .collect()
}

fn pack_ids(ids: &[EntityId]) -> Vec<u8> {
    ids.iter().flat_map(|id| id.as_bytes().iter().copied()).collect()
}

/// Every entity merged into each of `nominals`, however deep the chain of merges, with the
/// nominal it belongs to (each nominal itself included).
pub(crate) async fn members(conn: &mut AnyConnection, nominals: &[EntityId]) -> Result<Vec<(EntityId, EntityId)>, StoreError> {
    let mut out: Vec<(EntityId, EntityId)> = nominals.iter().map(|n| (*n, *n)).collect();
    let mut frontier = out.clone();
    while !frontier.is_empty() {
        let top: HashMap<EntityId, EntityId> = frontier.iter().copied().collect();
        let ids: Vec<EntityId> = top.keys().copied().collect();
        let mut next = Vec::new();
        for chunk in ids.chunks(300) {
            let mut q = sqlx::query(in_list(Placeholders::of(conn), "SELECT id, merged_into FROM entity WHERE merged_into IN", chunk.len()));
            for id in chunk {
                q = q.bind(id.as_bytes().to_vec());
            }
            for row in q.fetch_all(&mut *conn).await? {
                let (id, up) = (crate::batch::id_of(row.try_get(0)?)?, crate::batch::id_of(row.try_get(1)?)?);
                if let Some(nominal) = top.get(&up) {
                    next.push((id, *nominal));
                }
            }
        }
        // A corrupt cycle would loop: nothing already seen is walked again.
        next.retain(|(id, _)| !out.iter().any(|(seen, _)| seen == id));
        out.extend(&next);
        frontier = next;
    }
    Ok(out)
}

/// The dates of birth the schedule reads for `people` (ids as recorded): each person's nominal
/// (a merged duplicate's primary) and the earliest and latest dates recorded for anyone in it.
pub(crate) async fn born_of(conn: &mut AnyConnection, people: &[EntityId]) -> Result<HashMap<EntityId, Option<Birth>>, StoreError> {
    let merged = crate::merge::resolve_many(conn, people).await?;
    let nominals: HashMap<EntityId, EntityId> = people.iter().map(|p| (*p, merged.get(p).copied().unwrap_or(*p))).collect();
    let mut wanted: Vec<EntityId> = nominals.values().copied().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let members = members(conn, &wanted).await?;
    let nominal_of: HashMap<EntityId, EntityId> = members.iter().copied().collect();
    let ids: Vec<EntityId> = members.iter().map(|(m, _)| *m).collect();
    let mut born: HashMap<EntityId, Option<Birth>> = HashMap::new();
    for chunk in ids.chunks(300) {
        let head = "SELECT person_id, born_earliest, born FROM retention_person WHERE person_id IN";
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            let Some(nominal) = nominal_of.get(&crate::batch::id_of(row.try_get(0)?)?) else { continue };
            let entry = born.entry(*nominal).or_insert(None);
            if let Some(b) = birth(row.try_get(1)?, row.try_get(2)?) {
                *entry = Some(entry.map_or(b, |e| e.with(b)));
            }
        }
    }
    Ok(people.iter().map(|p| (*p, nominals.get(p).and_then(|n| born.get(n).copied().flatten()))).collect())
}

/// The dates of birth stored as `earliest` and `latest` (the earliest is NULL on a row written
/// before it was kept: then the latest stands for both until the person is written again).
pub(crate) fn birth(earliest: Option<i64>, latest: Option<i64>) -> Option<Birth> {
    latest.map(|l| Birth { earliest: day_of(earliest.unwrap_or(l).min(l)), latest: day_of(l) })
}

/// One record to index: its id, body, owning unit and when it was created (µs).
pub(crate) type Written<'a> = (EntityId, &'a EntityBody, &'a str, i64);

/// How the records being indexed were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// Created now (or, at the backfill, before retention rows were kept).
    New,
    /// Changed: the review history, override and newest contact are kept.
    Changed,
}

/// Writes the retention rows of the records among `items` (and the birth dates of the people), in
/// the writing transaction. A changed record keeps its review history, override and newest
/// contact, and is graded again with its offenders replaced. (A new record about someone as the
/// offender brings the review of their other records forward at the next sweep, which sees it.)
pub(crate) async fn index(conn: &mut AnyConnection, items: &[Written<'_>], write: Write) -> Result<(), StoreError> {
    let changed = write == Write::Changed;
    index_people(conn, items).await?;
    let records: Vec<(EntityId, &Record, &str, i64)> = items
        .iter()
        .filter_map(|(id, body, unit, at)| match body {
            EntityBody::Record(r) => Some((*id, r, *unit, *at)),
            _ => None,
        })
        .collect();
    if records.is_empty() {
        return Ok(());
    }
    // What the grading reads of other records (a custody record's arrest) and what a change keeps.
    let batch: HashMap<EntityId, &Record> = records.iter().map(|(id, r, _, _)| (*id, *r)).collect();
    let mut wanted: Vec<EntityId> = records.iter().flat_map(|(_, r, _, _)| r.depends_on()).collect();
    if changed {
        wanted.extend(records.iter().map(|(id, _, _, _)| *id));
    }
    let stored = stored_facts(conn, &wanted).await?;
    let offenders: Vec<Vec<EntityId>> = records.iter().map(|(_, r, _, _)| retention::offenders(r)).collect();
    let people: Vec<EntityId> = offenders.iter().flatten().copied().collect();
    let born = born_of(conn, &people).await?;
    let matters = matters(conn, &records).await?;
    let mut rows = Vec::with_capacity(records.len());
    for (((id, record, unit, at), offenders), matter) in records.iter().zip(&offenders).zip(matters) {
        let graded = graded(record, &batch, &stored);
        let created = day_of_micros(*at);
        let kept = stored.get(id).filter(|_| changed);
        let facts = Facts {
            graded,
            offence_group: undetected_offence(record),
            override_group: kept.and_then(|k| k.override_group),
            created: kept.map_or(created, |k| k.created),
            last_contact: kept.map_or(created, |k| k.last_contact),
            last_reviewed: kept.and_then(|k| k.last_reviewed),
            review_by: kept.and_then(|k| k.review_by),
        };
        let born: Vec<Option<Birth>> = offenders.iter().map(|o| born.get(o).copied().flatten()).collect();
        rows.push((*id, record.kind().as_str(), *unit, facts, pack_ids(offenders), due(&facts, &born), matter));
    }
    for chunk in rows.chunks(20) {
        let head = "INSERT INTO retention (record_id, kind, owning_unit, graded, offence_group, created_day, last_contact, \
                    offenders, next_review, review_group, disposal_from, matter)";
        let mut sql = multi_row(Placeholders::of(conn), head, chunk.len(), 12);
        sql.0.push_str(
            " ON CONFLICT (record_id) DO UPDATE SET owning_unit = excluded.owning_unit, graded = excluded.graded, \
             offence_group = excluded.offence_group, offenders = excluded.offenders, next_review = excluded.next_review, \
             review_group = excluded.review_group, disposal_from = excluded.disposal_from, matter = excluded.matter, \
             revision = retention.revision + 1",
        );
        let mut q = sqlx::query(sql);
        for (id, kind, unit, facts, offenders, due, matter) in chunk {
            q = q
                .bind(id.as_bytes().to_vec())
                .bind(*kind)
                .bind(unit.to_string())
                .bind(group_number(facts.graded))
                .bind(facts.offence_group.map(group_number))
                .bind(facts.created)
                .bind(facts.last_contact)
                .bind(offenders.clone())
                .bind(day_number(due.on))
                .bind(group_number(due.group))
                .bind(due.disposal_from.map(day_number))
                .bind(matter.map(|m| m.as_bytes().to_vec()));
        }
        q.execute(&mut *conn).await?;
    }
    if changed {
        let arrests: Vec<EntityId> = records.iter().filter(|(_, r, _, _)| matches!(r, Record::Arrest(_))).map(|(id, ..)| *id).collect();
        follow_arrests(conn, &arrests).await?;
    }
    Ok(())
}

/// Grades again the custody records of `arrests` (a custody record is held in its arrest's
/// group), after the arrests' offences or group changed, and computes their reviews again.
pub(crate) async fn follow_arrests(conn: &mut AnyConnection, arrests: &[EntityId]) -> Result<(), StoreError> {
    if arrests.is_empty() {
        return Ok(());
    }
    let groups: HashMap<EntityId, MopiGroup> = stored_facts(conn, arrests).await?.into_iter().map(|(id, f)| (id, f.group())).collect();
    let mut custody: Vec<(EntityId, EntityId)> = Vec::new();
    for chunk in arrests.chunks(300) {
        let head = "SELECT record_id, target_id FROM record_ref WHERE field = 'arrest' AND target_id IN";
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            custody.push((crate::batch::id_of(row.try_get(0)?)?, crate::batch::id_of(row.try_get(1)?)?));
        }
    }
    let ids: Vec<EntityId> = custody.iter().map(|(c, _)| *c).collect();
    let facts = stored_facts(conn, &ids).await?;
    for (record, arrest) in custody {
        let (Some(held), Some(group)) = (facts.get(&record), groups.get(&arrest)) else { continue };
        if held.graded == *group {
            continue;
        }
        let packed: Vec<u8> = sqlx::query_scalar("SELECT offenders FROM retention WHERE record_id = $1")
            .bind(record.as_bytes().to_vec())
            .fetch_one(&mut *conn)
            .await?;
        let facts = Facts { graded: *group, ..*held };
        let due = due_for(conn, &facts, &unpack_ids(&packed)).await?;
        sqlx::query(
            "UPDATE retention SET graded = $1, next_review = $2, review_group = $3, disposal_from = $4, revision = revision + 1 \
             WHERE record_id = $5",
        )
        .bind(group_number(*group))
        .bind(day_number(due.on))
        .bind(group_number(due.group))
        .bind(due.disposal_from.map(day_number))
        .bind(record.as_bytes().to_vec())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The matter each of `records` belongs to (`retention.matter`): the Event it records (an
/// intelligence report's first, by id); a custody record's arrest's (else its incident's) and a
/// case file's crime's, from the batch or their stored rows. `None`: a matter of its own.
async fn matters(conn: &mut AnyConnection, records: &[(EntityId, &Record, &str, i64)]) -> Result<Vec<Option<EntityId>>, StoreError> {
    let own = |record: &Record| match record {
        Record::IntelligenceReport(r) => r.events.iter().min().copied(),
        other => other.event(),
    };
    let parent = |record: &Record| match record {
        Record::CustodyRecord(c) => c.arrest.or(c.incident),
        Record::CaseFile(f) => Some(f.crime_report),
        _ => None,
    };
    let batch: HashMap<EntityId, &Record> = records.iter().map(|(id, r, _, _)| (*id, *r)).collect();
    let wanted: Vec<EntityId> = records.iter().filter_map(|(_, r, _, _)| parent(r)).filter(|p| !batch.contains_key(p)).collect();
    let mut stored: HashMap<EntityId, EntityId> = HashMap::new();
    for chunk in wanted.chunks(300) {
        let mut q = sqlx::query(in_list(Placeholders::of(conn), "SELECT record_id, matter FROM retention WHERE record_id IN", chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            if let Some(matter) = row.try_get::<Option<Vec<u8>>, _>(1)? {
                stored.insert(crate::batch::id_of(row.try_get(0)?)?, crate::batch::id_of(matter)?);
            }
        }
    }
    Ok(records
        .iter()
        .map(|(_, r, _, _)| match parent(r) {
            Some(p) => batch.get(&p).and_then(|r| own(r)).or_else(|| stored.get(&p).copied()),
            None => own(r),
        })
        .collect())
}

/// A record's grading, reading what it depends on from the batch or the store.
fn graded(record: &Record, batch: &HashMap<EntityId, &Record>, stored: &HashMap<EntityId, Facts>) -> MopiGroup {
    retention::record_group(record, |other| match batch.get(&other) {
        Some(r) => Some(graded(r, &HashMap::new(), stored)),
        None => stored.get(&other).map(Facts::group),
    })
}

/// An undetected crime's offence group (Group 4 is kept as its offence's seriousness needs).
fn undetected_offence(record: &Record) -> Option<MopiGroup> {
    match record {
        Record::CrimeReport(r) if r.mopi_group() == MopiGroup::Undetected => Some(r.offence.mopi_group()),
        _ => None,
    }
}

/// The stored facts of `ids` that have a retention row.
pub(crate) async fn stored_facts(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<HashMap<EntityId, Facts>, StoreError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(300) {
        let head = "SELECT record_id, graded, offence_group, override_group, created_day, last_contact, last_reviewed, \
                    review_by FROM retention WHERE record_id IN";
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            out.insert(crate::batch::id_of(row.try_get(0)?)?, facts_from_row(&row, 1)?);
        }
    }
    Ok(out)
}

/// The facts in the seven columns from `at`: graded, offence group, override, created, last
/// contact, last reviewed, review by.
pub(crate) fn facts_from_row(row: &sqlx::any::AnyRow, at: usize) -> Result<Facts, StoreError> {
    Ok(Facts {
        graded: group_of(row.try_get(at)?)?,
        offence_group: row.try_get::<Option<i64>, _>(at + 1)?.map(group_of).transpose()?,
        override_group: row.try_get::<Option<i64>, _>(at + 2)?.map(group_of).transpose()?,
        created: row.try_get(at + 3)?,
        last_contact: row.try_get(at + 4)?,
        last_reviewed: row.try_get(at + 5)?,
        review_by: row.try_get(at + 6)?,
    })
}

/// Keeps each written person's dates of birth as the schedule reads them: the earliest and the
/// latest recorded.
async fn index_people(conn: &mut AnyConnection, items: &[Written<'_>]) -> Result<(), StoreError> {
    let people: Vec<(EntityId, Option<Birth>)> = items
        .iter()
        .filter_map(|(id, body, _, _)| match body {
            EntityBody::Person(p) => Some((*id, Birth::of(p.dates_of_birth.iter().copied()))),
            _ => None,
        })
        .collect();
    for chunk in people.chunks(200) {
        let mut sql = multi_row(Placeholders::of(conn), "INSERT INTO retention_person (person_id, born_earliest, born)", chunk.len(), 3);
        sql.0.push_str(" ON CONFLICT (person_id) DO UPDATE SET born_earliest = excluded.born_earliest, born = excluded.born");
        let mut q = sqlx::query(sql);
        for (id, born) in chunk {
            q = q.bind(id.as_bytes().to_vec()).bind(born.map(|b| day_number(b.earliest))).bind(born.map(|b| day_number(b.latest)));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Why a record's review was brought forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The subject came back to notice: a new record about them as the offender.
    BackToNotice,
    /// The subject asked for their data to be deleted (UK GDPR Art 17, DPA 2018 s.47).
    DeletionRequest,
    /// The subject made a subject access request.
    SubjectAccess,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BackToNotice => "back_to_notice",
            Self::DeletionRequest => "deletion_request",
            Self::SubjectAccess => "subject_access",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "back_to_notice" => Ok(Self::BackToNotice),
            "deletion_request" => Ok(Self::DeletionRequest),
            "subject_access" => Ok(Self::SubjectAccess),
            _ => Err(crate::entities::corrupt("a review trigger")),
        }
    }
}

/// Marks for review every record still held about `people` (any of their nominal's ids) that is
/// not already marked; a deletion request replaces any other mark, as only it lets a record go
/// before its review date. Returns how many were marked.
pub(crate) async fn trigger(conn: &mut AnyConnection, people: &[EntityId], why: Trigger) -> Result<u64, StoreError> {
    let merged = crate::merge::resolve_many(conn, people).await?;
    let mut ids: Vec<EntityId> = people.iter().map(|p| merged.get(p).copied().unwrap_or(*p)).collect();
    ids.sort_unstable();
    ids.dedup();
    let all: Vec<EntityId> = members(conn, &ids).await?.into_iter().map(|(m, _)| m).collect();
    // The records about them first (an index probe per id), then the rows by key: a correlated
    // `IN (SELECT …)` in the UPDATE was a scan of every row on PostgreSQL.
    let mut records: Vec<EntityId> = Vec::new();
    for chunk in all.chunks(300) {
        let mut q = sqlx::query(in_list(Placeholders::of(conn), "SELECT DISTINCT record_id FROM record_ref WHERE target_id IN", chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            records.push(crate::batch::id_of(row.try_get(0)?)?);
        }
    }
    records.sort_unstable();
    records.dedup();
    let now = crate::clock::now_micros();
    let mut marked = 0;
    for chunk in records.chunks(300) {
        let style = Placeholders::of(conn);
        let mut sql = format!(
            "UPDATE retention SET triggered = {}, triggered_at = {} WHERE state = 0 AND (triggered IS NULL OR {} = 1) AND record_id IN",
            style.placeholder(1),
            style.placeholder(2),
            style.placeholder(3)
        );
        push_list(&mut sql, style, 4, chunk.len());
        let replaces = i64::from(why == Trigger::DeletionRequest);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(why.as_str()).bind(now).bind(replaces);
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        marked += q.execute(&mut *conn).await?.rows_affected();
    }
    Ok(marked)
}

/// ` (p_first, …)`: `count` placeholders numbered from `first`.
fn push_list(sql: &mut String, style: Placeholders, first: usize, count: usize) {
    sql.push_str(" (");
    for i in 0..count {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&style.placeholder(first + i));
    }
    sql.push(')');
}


/// Fills the retention rows of records and people written before they were kept, once, in
/// one transaction (people first, then records, custody records after their arrests).
pub(crate) async fn backfill(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let done: i64 = sqlx::query_scalar("SELECT backfilled FROM retention_state WHERE id = 1").fetch_one(pool).await?;
    if done == 1 {
        return Ok(());
    }
    let mut tx = crate::db::begin_write(pool, backend).await?;
    let mut indexed = 0_usize;
    for (kinds, sql) in [("people", PEOPLE), ("records", RECORDS), ("custody records", CUSTODY)] {
        indexed += index_stored(&mut tx, kinds, sql).await?;
    }
    sqlx::query("UPDATE retention_state SET backfilled = 1 WHERE id = 1").execute(&mut *tx).await?;
    tx.commit().await?;
    if indexed > 0 {
        tracing::info!(records = indexed, "built the retention rows of records and people written before they were kept");
    }
    Ok(())
}

/// Once, when a store is first opened with migration 0014: reads every person's dates of birth
/// again (the earliest is kept beside the latest), finds the matter of every record held, and
/// moves the free text of subject access casework out of the requests' histories
/// (`request_erasure`).
pub(crate) async fn refine(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let done: i64 = sqlx::query_scalar("SELECT refined FROM retention_state WHERE id = 1").fetch_one(pool).await?;
    if done == 1 {
        return Ok(());
    }
    let mut tx = crate::db::begin_write(pool, backend).await?;
    // Checked again under the lock: another process opening the store may have just done it.
    let sql = match backend {
        Backend::Postgres => "SELECT refined FROM retention_state WHERE id = 1 FOR UPDATE",
        Backend::Sqlite => "SELECT refined FROM retention_state WHERE id = 1",
    };
    let done: i64 = sqlx::query_scalar(sql).fetch_one(&mut *tx).await?;
    if done == 1 {
        return Ok(());
    }
    let people = index_stored(&mut tx, "people", PEOPLE).await?;
    // The matter of each record from its references (as `matters` finds it on a write): its own
    // Event (an intelligence report's first by id), else its arrest's, crime's or incident's.
    sqlx::query(
        "UPDATE retention SET matter = COALESCE( \
           (SELECT r.target_id FROM record_ref r WHERE r.record_id = retention.record_id AND r.field IN ('event', 'events') \
             ORDER BY r.target_id LIMIT 1), \
           (SELECT e.target_id FROM record_ref a JOIN record_ref e ON e.record_id = a.target_id AND e.field = 'event' \
             WHERE a.record_id = retention.record_id AND a.field IN ('arrest', 'crime_report', 'incident') \
             ORDER BY CASE a.field WHEN 'incident' THEN 1 ELSE 0 END LIMIT 1)) \
         WHERE matter IS NULL",
    )
    .execute(&mut *tx)
    .await?;
    let events = crate::request_erasure::backfill(&mut tx).await?;
    sqlx::query("UPDATE retention_state SET refined = 1 WHERE id = 1").execute(&mut *tx).await?;
    tx.commit().await?;
    if people + events > 0 {
        tracing::info!(people, events, "read the dates of birth again and moved the casework text out of the histories");
    }
    Ok(())
}

/// The stored entities to index, 2,000 at a time after id `$2` (`$1` is the custody record kind).
const PEOPLE: &str = "SELECT e.id, e.owning_unit, e.created_at, v.body FROM entity e \
    JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
    WHERE e.kind = 'person' AND e.kind <> $1 AND e.id > $2 ORDER BY e.id LIMIT 2000";
const RECORDS: &str = "SELECT e.id, e.owning_unit, e.created_at, v.body FROM entity e \
    JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
    WHERE e.kind NOT IN ('person', 'object', 'location', 'event', 'link', $1) AND e.id > $2 ORDER BY e.id LIMIT 2000";
const CUSTODY: &str = "SELECT e.id, e.owning_unit, e.created_at, v.body FROM entity e \
    JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
    WHERE e.kind = $1 AND e.id > $2 ORDER BY e.id LIMIT 2000";

/// Indexes the stored entities `sql` selects as new, page by page; how many.
async fn index_stored(conn: &mut AnyConnection, kinds: &str, sql: &'static str) -> Result<usize, StoreError> {
    let custody = EntityKind::CustodyRecord.as_str();
    let mut indexed = 0;
    let mut after: Vec<u8> = Vec::new();
    loop {
        let rows = sqlx::query(sql).bind(custody).bind(after.clone()).fetch_all(&mut *conn).await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        let mut bodies: Vec<(EntityId, EntityBody, String, i64)> = Vec::with_capacity(rows.len());
        for row in &rows {
            let body: String = row.try_get(3)?;
            let Ok(body) = serde_json::from_str::<EntityBody>(&body) else {
                tracing::error!(kinds, "a stored record is unreadable; its retention row is not built");
                continue;
            };
            bodies.push((crate::batch::id_of(row.try_get(0)?)?, body, row.try_get(1)?, row.try_get(2)?));
        }
        let items: Vec<Written<'_>> = bodies.iter().map(|(id, b, u, t)| (*id, b, u.as_str(), *t)).collect();
        index(conn, &items, Write::New).await?;
        indexed += items.len();
    }
    Ok(indexed)
}

/// Where a record's review stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Scheduled {
    pub next_review: Date,
    /// The group it is reviewed as.
    pub group: MopiGroup,
    pub disposal_from: Option<Date>,
    pub state: State,
    pub legal_hold: bool,
    pub triggered: Option<Trigger>,
}

/// Where the review of `id` stands, if it is a record with a schedule.
pub(crate) async fn scheduled(conn: &mut AnyConnection, id: EntityId) -> Result<Option<Scheduled>, StoreError> {
    let row = sqlx::query(
        "SELECT next_review, review_group, disposal_from, state, legal_hold, triggered FROM retention WHERE record_id = $1",
    )
    .bind(id.as_bytes().to_vec())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Scheduled {
        next_review: day_of(row.try_get(0)?),
        group: group_of(row.try_get(1)?)?,
        disposal_from: row.try_get::<Option<i64>, _>(2)?.map(day_of),
        state: State::from_code(row.try_get(3)?)?,
        legal_hold: row.try_get::<i64, _>(4)? != 0,
        triggered: row.try_get::<Option<String>, _>(5)?.as_deref().map(Trigger::parse).transpose()?,
    }))
}

#[cfg(feature = "testing")]
impl crate::Store {
    /// Where the review of record `id` stands, if it has a schedule, unauthorised and unaudited:
    /// for tests only (the `testing` feature); everyone else reads it through
    /// `Store::retention_file`.
    pub async fn retention_due(&self, id: EntityId) -> Result<Option<Scheduled>, StoreError> {
        scheduled(&mut *self.pool.acquire().await?, id).await
    }
}
