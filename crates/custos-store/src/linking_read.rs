//! Reading every person to link (`custos link`), [`Store::people_for_linking`], and the
//! linkage report of imported rows, [`Store::imported_nominals`].
//!
//! A page of people comes back as **one row holding a JSON array** (one element per person and
//! address, built by the database's own JSON aggregate) rather than as a row per person and
//! address. Decoding rows through the driver costs a few microseconds a row and half a
//! microsecond a column, and the people-with-addresses read is a million rows of 21 columns at a
//! million people; as JSON text the same page is one value, parsed on a blocking thread while the
//! next page is read. The two backends' SQL differs in the JSON and hex functions' names and in
//! the casts and `CASE`s that give both the same JSON types.
//!
//! Every person, link and location is still decided by the policy engine (once per distinct
//! marking of a page), and an address counts only if both the link and the location may be read.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use custos_audit::AuditKind;
use custos_authz::{Action, Authorizer, Principal};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::marking::SecurityMarking;
use serde::Deserialize;
use sqlx::Row;
use tokio::task::JoinHandle;

use crate::audit_log::Personal;
use crate::batch::{ImportedNominal, LinkablePerson, SourceName, id_of, no_jit};
use crate::db::Backend;
use crate::entities::{corrupt, kind_and_marking_of};
use crate::error::StoreError;
use crate::{Store, audit_event, audit_log};

/// People read per statement of [`Store::people_for_linking`] (its `_with` form takes the size).
/// A page's JSON is built by the database and copied four times on its way into Rust, each copy
/// into memory the allocator may have handed back to the kernel: at a million people, pages of
/// 20,000 took about a fifth fewer page faults than pages of 5,000 (and pages of 1,000 half as
/// many again as 5,000).
pub const LINKING_PAGE: i64 = 20_000;

/// What a page of people selects from, and the id of its last person if the page is full (the
/// same on both backends): people with ids after `$2`, at most `$3` of them (`$4` is `$3 - 1`),
/// each with its `home` and `previous_address` links and their locations.
macro_rules! people_page_tail {
    () => {
        "(SELECT id FROM entity WHERE kind = $1 AND id > $2 ORDER BY id LIMIT 1 OFFSET $4) \
         FROM (SELECT id FROM entity WHERE kind = $1 AND id > $2 ORDER BY id LIMIT $3) p \
         JOIN entity e ON e.id = p.id \
         JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
         LEFT JOIN link l ON l.from_id = e.id AND l.kind IN ('home', 'previous_address') \
         LEFT JOIN entity k ON k.id = l.id \
         LEFT JOIN entity a ON a.id = l.to_id \
         LEFT JOIN entity_version av ON av.entity_id = a.id AND av.version = a.current_version"
    };
}

/// A page of people with their addresses as one JSON array, and the id of the page's last
/// person if the page is full, else NULL (see [`people_page_tail`]).
const SQLITE_PAGE: &str = concat!(
    "SELECT json_group_array(json_array(\
     lower(hex(e.id)), e.kind, e.classification, e.sensitive, e.owning_unit, e.acl, e.created_at, \
     CASE WHEN e.merged_into IS NULL THEN 0 ELSE 1 END, v.body, \
     CASE WHEN l.id IS NULL THEN 0 ELSE 1 END, k.kind, k.classification, k.sensitive, k.owning_unit, k.acl, \
     a.kind, a.classification, a.sensitive, a.owning_unit, a.acl, av.body) ORDER BY e.id, l.id), ",
    people_page_tail!()
);

/// [`SQLITE_PAGE`] in PostgreSQL's words.
const POSTGRES_PAGE: &str = concat!(
    "SELECT json_agg(json_build_array(\
     encode(e.id, 'hex'), e.kind, e.classification, e.sensitive, e.owning_unit, e.acl, e.created_at, \
     CASE WHEN e.merged_into IS NULL THEN 0 ELSE 1 END, v.body, \
     CASE WHEN l.id IS NULL THEN 0 ELSE 1 END, k.kind, k.classification, k.sensitive, k.owning_unit, k.acl, \
     a.kind, a.classification, a.sensitive, a.owning_unit, a.acl, av.body) ORDER BY e.id, l.id)::text, ",
    people_page_tail!()
);

/// The import ledger's rows, in source and line order, read by [`Store::import_ledger`]: each
/// row's source, source id and record. Opaque: its rows reach a caller only through
/// [`Store::imported_nominals_of`], which audits the report, and its `Debug` shows no source id.
pub struct ImportLedger {
    source: Option<SourceName>,
    rows: Vec<(String, String, EntityId)>,
}

impl std::fmt::Debug for ImportLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportLedger").field("source", &self.source).field("rows", &self.rows.len()).finish()
    }
}

/// Ledger rows per statement of the linkage report.
const LEDGER_PAGE: i64 = 50_000;

/// A page of the import ledger after the key ($1, $2, $3) in source, line and source-id order,
/// of one source ($4) or of all (NULL), at most $5 rows, as one JSON array of
/// `[source, source_id, record id, line]` (an index scan of `import_record_order`).
const SQLITE_LEDGER_PAGE: &str = "SELECT json_group_array(json_array(source, source_id, lower(hex(entity_id)), line) \
     ORDER BY source, line, source_id) FROM (SELECT source, source_id, entity_id, line FROM import_record \
     WHERE (source, line, source_id) > ($1, $2, $3) AND ($4 IS NULL OR source = $4) \
     ORDER BY source, line, source_id LIMIT $5) r";

/// [`SQLITE_LEDGER_PAGE`] in PostgreSQL's words.
const POSTGRES_LEDGER_PAGE: &str = "SELECT json_agg(json_build_array(source, source_id, encode(entity_id, 'hex'), line) \
     ORDER BY source, line, source_id)::text FROM (SELECT source, source_id, entity_id, line FROM import_record \
     WHERE (source, line, source_id) > ($1, $2, $3) AND ($4::text IS NULL OR source = $4) \
     ORDER BY source, line, source_id LIMIT $5) r";

/// One row of the import ledger: source, source id, record id (hex), line.
#[derive(Debug, Deserialize)]
struct LedgerRow(String, String, String, i64);

/// A record's stored marking columns.
#[derive(Debug, Deserialize)]
struct MarkingColumns(String, i64, i64, String, String);

impl MarkingColumns {
    fn parse(&self) -> Result<Marked, StoreError> {
        kind_and_marking_of(&self.0, self.1, self.2, &self.3, &self.4)
    }
}

/// One element of a page: a person and one of its addresses (or none), in the order of the
/// SELECT list.
#[derive(Debug, Deserialize)]
struct PageRow(
    String,
    String,
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    String,
    i64,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A person to link: when it was created, its id, and what the caller's `prepare` made of it.
type Prepared<T> = (i64, EntityId, T);

/// A record's kind and marking.
type Marked = (EntityKind, SecurityMarking);

/// An address of a page's person: the link's marking, the location's, and its postcode.
type Address = (Marked, Marked, Option<String>);

/// A person of a page, decoded: its marking, when it was created, whether it is merged away, the
/// person (`None` if the body is unreadable) and its addresses' markings (link, location) with
/// the location's postcode.
struct PagePerson {
    id: EntityId,
    marking: Marked,
    created_at: i64,
    merged: bool,
    person: Option<custos_core::person::Person>,
    addresses: Vec<Address>,
}

/// Decodes a page's JSON: every person with its addresses (rows of one person are adjacent).
fn decode_page(text: &str) -> Result<Vec<PagePerson>, StoreError> {
    let rows: Vec<PageRow> = serde_json::from_str(text).map_err(|_| corrupt("page of people"))?;
    let mut out: Vec<PagePerson> = Vec::new();
    for row in rows {
        // 32 hexadecimal digits: a UUID's simple form.
        let id: EntityId = row.0.parse().map_err(|_| corrupt("record id"))?;
        if out.last().is_none_or(|p| p.id != id) {
            let person = match serde_json::from_str::<EntityBody>(&row.8) {
                Ok(EntityBody::Person(p)) => Some(p),
                _ => None,
            };
            out.push(PagePerson {
                id,
                marking: MarkingColumns(row.1, row.2, row.3, row.4, row.5).parse()?,
                created_at: row.6,
                merged: row.7 != 0,
                person,
                addresses: Vec::new(),
            });
        }
        if row.9 == 0 {
            continue;
        }
        let columns = |kind: Option<String>, classification, sensitive, unit: Option<String>, acl: Option<String>| {
            match (kind, classification, sensitive, unit, acl) {
                (Some(k), Some(c), Some(s), Some(u), Some(a)) => MarkingColumns(k, c, s, u, a).parse(),
                _ => Err(corrupt("address")),
            }
        };
        let link = columns(row.10, row.11, row.12, row.13, row.14)?;
        let place = columns(row.15, row.16, row.17, row.18, row.19)?;
        let postcode = match row.20.map(|body| serde_json::from_str::<EntityBody>(&body)) {
            Some(Ok(EntityBody::Location(location))) => location.postcode.map(|p| p.as_str().to_owned()),
            _ => None,
        };
        if let Some(last) = out.last_mut() {
            last.addresses.push((link, place, postcode));
        }
    }
    Ok(out)
}

/// A page task's result, or why the task failed.
fn joined<T>(result: Result<Result<T, StoreError>, tokio::task::JoinError>) -> Result<T, StoreError> {
    result.map_err(|e| StoreError::Refused(format!("decoding the people failed: {e}")))?
}

/// A decoded page's people that `principal` may read (with when each was created), each with
/// the postcodes of the addresses whose link and location it may both read; merged duplicates
/// are left out (their primary stands for them).
fn keep_readable(authz: &Authorizer, principal: &Principal, page: Vec<PagePerson>) -> Vec<(i64, LinkablePerson)> {
    let decide = |records: Vec<(&Marked, String)>| {
        authz.decide_records(principal, Action::Read, records.into_iter().map(|((kind, marking), id)| (kind.as_str(), id, marking)))
    };
    let readable = decide(page.iter().map(|p| (&p.marking, p.id.to_string())).collect());
    let links = decide(page.iter().flat_map(|p| p.addresses.iter().map(|a| (&a.0, String::new()))).collect());
    let places = decide(page.iter().flat_map(|p| p.addresses.iter().map(|a| (&a.1, String::new()))).collect());
    let mut address_decisions = links.into_iter().zip(places);
    let mut people = Vec::new();
    for (p, decision) in page.into_iter().zip(readable) {
        let decisions: Vec<_> = address_decisions.by_ref().take(p.addresses.len()).collect();
        if !decision.allowed || p.merged {
            continue;
        }
        let Some(person) = p.person else {
            tracing::error!("a stored person is unreadable; it is left out of linking");
            continue;
        };
        let postcodes = p
            .addresses
            .into_iter()
            .zip(decisions)
            .filter(|((_, (place_kind, _), _), (link, place))| *place_kind == EntityKind::Location && link.allowed && place.allowed)
            .filter_map(|((_, _, postcode), _)| postcode)
            .collect();
        people.push((p.created_at, LinkablePerson { id: p.id, person, postcodes }));
    }
    people
}

impl Store {
    /// Every current person (merged duplicates are represented by their primaries) that the
    /// principal may read, with the postcodes of their `home` and `previous_address` locations,
    /// oldest record first. One `search` audit event, committed before anything is returned, with
    /// `reason` as its erasable payload.
    pub async fn people_for_linking(&self, principal: &Principal, reason: &str) -> Result<Vec<LinkablePerson>, StoreError> {
        self.people_for_linking_with(principal, reason, LINKING_PAGE, |p| p).await
    }

    /// [`Store::people_for_linking`], each person replaced by what `prepare` makes of them (the
    /// id and the matcher's prepared record, say: a caller that keeps only that need not hold a
    /// million people's full records in memory), made on the threads that decode the pages while the
    /// database reads the next ones (two pages at a time: a 2-core machine's other core);
    /// `page` people per statement (at least one; small pages are for the tests of paging).
    /// `prepare` sees only people the principal may read, but before the read's audit event is
    /// committed, so it must be a pure function of the person: no output, no side effects.
    pub async fn people_for_linking_with<T: Send + 'static>(
        &self,
        principal: &Principal,
        reason: &str,
        page: i64,
        prepare: impl Fn(LinkablePerson) -> T + Send + Sync + 'static,
    ) -> Result<Vec<T>, StoreError> {
        let page = page.max(1);
        if self.backend == Backend::Postgres {
            // Fresh statistics for the tables linking reads and writes: right after a bulk import
            // (autovacuum may not have analysed them yet) the planner's guesses turned the merges'
            // indexed deletes into sequential scans (at 100,000 people: merging 18 s, 10.7 s after
            // this). Sampled, about a second at 100,000 people; a table the role does not own is
            // skipped with a warning, not an error.
            sqlx::query("ANALYZE entity, entity_version, link, person_block_key, person_name_key, person_merge")
                .execute(&self.pool)
                .await?;
        }
        let sql = match self.backend {
            Backend::Sqlite => SQLITE_PAGE,
            Backend::Postgres => POSTGRES_PAGE,
        };
        let prepare = Arc::new(prepare);
        let mut tx = self.begin_snapshot().await?;
        no_jit(&mut tx, self.backend).await?;
        let mut people: Vec<Prepared<T>> = Vec::new();
        let mut after: Vec<u8> = Vec::new();
        // Pages are decoded, authorised and prepared on blocking threads, at most two at a time,
        // while the next page is read; they are collected in order.
        let mut decoding: VecDeque<JoinHandle<Result<Vec<Prepared<T>>, StoreError>>> = VecDeque::new();
        loop {
            let (json, last): (Option<String>, Option<Vec<u8>>) = sqlx::query_as(sql)
                .bind(EntityKind::Person.as_str())
                .bind(after.clone())
                .bind(page)
                .bind(page - 1)
                .fetch_one(&mut *tx)
                .await?;
            if decoding.len() >= 2
                && let Some(handle) = decoding.pop_front()
            {
                people.extend(joined(handle.await)?);
            }
            if let Some(text) = json {
                let (authz, principal, prepare) = (self.authz.clone(), principal.clone(), prepare.clone());
                decoding.push_back(tokio::task::spawn_blocking(move || {
                    let readable = keep_readable(&authz, &principal, decode_page(&text)?);
                    Ok(readable
                        .into_iter()
                        .map(|(created_at, person)| (created_at, person.id, prepare(person)))
                        .collect())
                }));
            }
            match last {
                Some(id) => after = id,
                None => break,
            }
        }
        while let Some(handle) = decoding.pop_front() {
            people.extend(joined(handle.await)?);
        }
        drop(tx);
        people.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let people: Vec<T> = people.into_iter().map(|(_, _, made)| made).collect();

        let decision = custos_authz::Decision { allowed: true, policies: Vec::new(), errors: Vec::new() };
        let mut event = audit_event(AuditKind::Search, principal, Vec::new(), &decision);
        let terms = serde_json::json!({ "linking": { "people": people.len() } });
        let personal = Personal { reason: Some(reason), terms: Some(terms), ..Personal::default() };
        let mut tx = self.begin_write().await?;
        audit_log::append_with_text(&mut tx, std::slice::from_mut(&mut event), &personal).await?;
        tx.commit().await?;
        Ok(people)
    }

    /// Every imported row (of `source`, or of every source), in source and line order, with the
    /// nominal its person belongs to now. The report is audited as one `export` event.
    pub async fn imported_nominals(
        &self,
        principal: &Principal,
        source: Option<&SourceName>,
        reason: &str,
    ) -> Result<Vec<ImportedNominal>, StoreError> {
        self.imported_nominals_in_pages(principal, source, reason, LEDGER_PAGE).await
    }

    /// [`Store::imported_nominals`], reading `page` ledger rows per statement (at least one):
    /// for the tests of paging.
    #[doc(hidden)]
    pub async fn imported_nominals_in_pages(
        &self,
        principal: &Principal,
        source: Option<&SourceName>,
        reason: &str,
        page: i64,
    ) -> Result<Vec<ImportedNominal>, StoreError> {
        let ledger = self.import_ledger_in_pages(principal, source, page).await?;
        self.imported_nominals_of(principal, ledger, reason).await
    }

    /// The first half of [`Store::imported_nominals`]: the import ledger's rows (of `source`, or
    /// of every source) in source and line order. Merging does not change them, so `custos link`
    /// reads them on a second connection while it merges; [`Store::imported_nominals_of`] then
    /// resolves each row's nominal and audits the report.
    pub async fn import_ledger(&self, principal: &Principal, source: Option<&SourceName>) -> Result<ImportLedger, StoreError> {
        self.import_ledger_in_pages(principal, source, LEDGER_PAGE).await
    }

    async fn import_ledger_in_pages(
        &self,
        principal: &Principal,
        source: Option<&SourceName>,
        page: i64,
    ) -> Result<ImportLedger, StoreError> {
        let page_size = page.max(1);
        self.require_merge_rights(principal).await?;
        // The ledger in pages of JSON (see the module's documentation), in source and line order.
        let sql = match self.backend {
            Backend::Sqlite => SQLITE_LEDGER_PAGE,
            Backend::Postgres => POSTGRES_LEDGER_PAGE,
        };
        let mut tx = self.begin_snapshot().await?;
        let mut rows: Vec<LedgerRow> = Vec::new();
        // Before every key: sources are non-empty.
        let mut after = (String::new(), i64::MIN, String::new());
        loop {
            let json: Option<String> = sqlx::query_scalar(sql)
                .bind(after.0.clone())
                .bind(after.1)
                .bind(after.2.clone())
                .bind(source.map(|s| s.as_str().to_owned()))
                .bind(page_size)
                .fetch_one(&mut *tx)
                .await?;
            let page: Vec<LedgerRow> = match json {
                Some(text) => serde_json::from_str(&text).map_err(|_| corrupt("import ledger"))?,
                None => Vec::new(),
            };
            let full = page.len() as i64 == page_size;
            if let Some(last) = page.last() {
                after = (last.0.clone(), last.3, last.1.clone());
            }
            rows.extend(page);
            if !full {
                break;
            }
        }
        drop(tx);
        let rows = rows
            .into_iter()
            .map(|LedgerRow(source, source_id, record, _)| Ok((source, source_id, record.parse().map_err(|_| corrupt("record id"))?)))
            .collect::<Result<_, StoreError>>()?;
        Ok(ImportLedger { source: source.cloned(), rows })
    }

    /// The second half of [`Store::imported_nominals`]: each row of `ledger` with the nominal its
    /// person belongs to now, audited as one `export` event.
    pub async fn imported_nominals_of(
        &self,
        principal: &Principal,
        ledger: ImportLedger,
        reason: &str,
    ) -> Result<Vec<ImportedNominal>, StoreError> {
        self.require_merge_rights(principal).await?;
        let mut merged_into: HashMap<EntityId, (EntityId, f64)> = HashMap::new();
        for row in sqlx::query(
            "SELECT m.duplicate_id, m.primary_id, m.probability FROM person_merge m \
             JOIN entity e ON e.id = m.duplicate_id AND e.merged_into = m.primary_id WHERE m.unmerged_at IS NULL",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let probability: Option<f64> = row.try_get(2)?;
            merged_into.insert(id_of(row.try_get(0)?)?, (id_of(row.try_get(1)?)?, probability.unwrap_or(1.0)));
        }
        let mut strongest: HashMap<EntityId, f64> = HashMap::new();
        for (primary, p) in merged_into.values() {
            let e = strongest.entry(*primary).or_insert(0.0);
            *e = e.max(*p);
        }
        let mut out = Vec::with_capacity(ledger.rows.len());
        for (source_name, source_id, record) in ledger.rows {
            let (mut nominal, mut steps) = (record, 0);
            while let Some((up, _)) = merged_into.get(&nominal) {
                nominal = *up;
                steps += 1;
                if steps > crate::merge::MAX_CHAIN {
                    return Err(StoreError::Refused("the stored merge chain is unreadable".into()));
                }
            }
            let probability = match merged_into.get(&record) {
                Some((_, p)) => *p,
                None => strongest.get(&record).copied().unwrap_or(1.0),
            };
            out.push(ImportedNominal { source: source_name, source_id, record, nominal, probability });
        }
        let decision = custos_authz::Decision { allowed: true, policies: Vec::new(), errors: Vec::new() };
        let mut event = audit_event(AuditKind::Export, principal, Vec::new(), &decision);
        let source = ledger.source.as_ref().map(SourceName::as_str);
        let terms = serde_json::json!({ "linkage_report": { "rows": out.len(), "source": source } });
        let personal = Personal { reason: Some(reason), terms: Some(terms), ..Personal::default() };
        let mut tx = self.begin_write().await?;
        audit_log::append_with_text(&mut tx, std::slice::from_mut(&mut event), &personal).await?;
        tx.commit().await?;
        Ok(out)
    }
}
