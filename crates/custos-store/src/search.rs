//! Search: people by name key (`person_name_key`), and objects, locations and events by their
//! terms (`entity_term`, see `terms`). Both are authorised the same way (the `search` action, then
//! `read` on every hit) and audited as one `search` event listing the records returned. The
//! search terms are personal data, so they go into the erasable `audit_payload` table and the
//! leaf holds only their commitment.
//!
//! Results come a page at a time over the hits the principal may *read*, in entity-id order (ids
//! are time-ordered UUIDs, so roughly oldest first): an unreadable hit is skipped without using
//! up a page or an offset, so paging neither hides readable records behind restricted ones nor
//! reveals how many restricted ones there are.
//!
//! This is exact-key search (case, punctuation and common accents folded); fuzzy matching and
//! search-before-create build on the same indexes later.

use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Decision, Principal, Resource};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::marking::SecurityMarking;
use custos_core::search_key::name_key;
use sqlx::{AnyConnection, Row};

use crate::audit_log::Personal;
use crate::entities::{EntityRecord, Justification, kind_and_marking, load, object_ref};
use crate::error::StoreError;
use crate::sql::{Placeholders, multi_row};
use crate::full_text::Filters;
use crate::terms::{is_indexed, query_terms};
use crate::{Store, audit_event, audit_log};

/// The most hits one page returns: a larger [`Page::limit`] is clamped to it.
pub const MAX_HITS: usize = 200;
/// The most distinct words (terms) one query of [`Store::search_entities`] may have: the search
/// statement has this many slots.
pub const MAX_QUERY_TERMS: usize = 8;
/// The page size when the caller does not choose one.
pub const DEFAULT_PAGE: usize = 50;
/// The most candidates (readable or not) one search request examines. A search matching more is
/// cut there (the last page has no `next_offset`): it should be narrowed with more words. Without
/// a bound, a deep offset into a very common term would walk the whole index on every request.
pub const MAX_SCAN: usize = 10_000;
/// Candidates fetched per statement while scanning.
const BATCH: usize = 500;

/// Which page of the readable hits to return: skip `offset` of them, return at most `limit`
/// (clamped to 1..=[`MAX_HITS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: usize,
    pub limit: usize,
}

impl Page {
    pub const fn new(offset: usize, limit: usize) -> Self {
        Self { offset, limit }
    }

    /// The first `limit` hits.
    pub const fn first(limit: usize) -> Self {
        Self { offset: 0, limit }
    }

    fn clamped_limit(self) -> usize {
        self.limit.clamp(1, MAX_HITS)
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::first(DEFAULT_PAGE)
    }
}

/// One page of search results: the hits, and the offset of the next page if there may be more.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub hits: Vec<EntityRecord>,
    pub next_offset: Option<usize>,
}

/// What a search matches.
enum Matcher<'a> {
    /// People with a name whose surname key is `surname` and first forename key starts with
    /// `forename` (already a LIKE pattern: keys hold no wildcards).
    Names { surname: &'a str, forename: &'a str },
    /// Records of `kind` with every one of `terms` (1..=MAX_QUERY_TERMS, the first the rarest).
    Terms { kind: EntityKind, terms: &'a [String] },
    /// Search documents matching the engine's query text, within the filters (`full_text`).
    FullText { sql: &'static str, query: String, tokens: String, filters: &'a Filters },
}

/// Where a scan stands: after this entity id (names, terms) or document (full text, newest
/// first, so it starts at the largest).
#[derive(Debug, Clone)]
struct Cursor {
    id: Vec<u8>,
    doc: i64,
}

/// A matching record's id, kind and marking: enough to decide whether it may be read.
struct Candidate {
    id: EntityId,
    kind: EntityKind,
    marking: SecurityMarking,
    /// The search document it was found by (full text only).
    doc: i64,
}

/// Every term must be present: the statement walks the first term's records in id order and
/// checks the others with the (entity_id, term) key. It has a fixed number of term slots (no
/// generated SQL); a query with fewer terms repeats its first term in the spare ones.
const TERMS_SQL: &str = "SELECT e.id, e.kind, e.classification, e.sensitive, e.owning_unit, e.acl \
     FROM entity_term t JOIN entity e ON e.id = t.entity_id \
     WHERE t.kind = $1 AND t.term = $2 AND t.entity_id > $10 \
     AND EXISTS (SELECT 1 FROM entity_term u WHERE u.entity_id = t.entity_id AND u.term = $3) \
     AND EXISTS (SELECT 1 FROM entity_term u WHERE u.entity_id = t.entity_id AND u.term = $4) \
     AND EXISTS (SELECT 1 FROM entity_term u WHERE u.entity_id = t.entity_id AND u.term = $5) \
     AND EXISTS (SELECT 1 FROM entity_term u WHERE u.entity_id = t.entity_id AND u.term = $6) \
     AND EXISTS (SELECT 1 FROM entity_term u WHERE u.entity_id = t.entity_id AND u.term = $7) \
     AND EXISTS (SELECT 1 FROM entity_term u WHERE u.entity_id = t.entity_id AND u.term = $8) \
     AND EXISTS (SELECT 1 FROM entity_term u WHERE u.entity_id = t.entity_id AND u.term = $9) \
     ORDER BY t.entity_id LIMIT $11";

const NAMES_SQL: &str = "SELECT DISTINCT e.id, e.kind, e.classification, e.sensitive, e.owning_unit, e.acl \
     FROM person_name_key k JOIN entity e ON e.id = k.entity_id \
     WHERE k.surname_key = $1 AND k.forename_key LIKE $2 AND k.entity_id > $3 \
     ORDER BY e.id LIMIT $4";

/// The next matching candidates after the id `after` (empty: from the start), in id order.
async fn candidates(conn: &mut AnyConnection, matcher: &Matcher<'_>, after: &Cursor) -> Result<Vec<Candidate>, StoreError> {
    let batch = i64::try_from(BATCH).unwrap_or(i64::MAX);
    let rows = match matcher {
        Matcher::Names { surname, forename } => {
            sqlx::query(NAMES_SQL)
                .bind(surname.to_string())
                .bind(forename.to_string())
                .bind(after.id.clone())
                .bind(batch)
                .fetch_all(&mut *conn)
                .await?
        }
        Matcher::FullText { sql, query, tokens, filters } => {
            let micros = |t: Option<jiff::Timestamp>, default: i64| t.map_or(default, |t| t.as_microsecond());
            sqlx::query(*sql)
                .bind(query.clone())
                .bind(after.doc)
                .bind(filters.kind.map_or("", |k| k.as_str()))
                .bind(micros(filters.from, i64::MIN))
                .bind(micros(filters.to, i64::MAX))
                .bind(filters.area.clone().unwrap_or_default())
                .bind(filters.status.clone().unwrap_or_default())
                .bind(batch)
                .bind(tokens.clone())
                .fetch_all(&mut *conn)
                .await?
        }
        Matcher::Terms { kind, terms } => {
            let Some(first) = terms.first() else { return Ok(Vec::new()) };
            let mut q = sqlx::query(TERMS_SQL).bind(kind.as_str());
            for i in 0..MAX_QUERY_TERMS {
                q = q.bind(terms.get(i).unwrap_or(first).clone());
            }
            q.bind(after.id.clone()).bind(batch).fetch_all(&mut *conn).await?
        }
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: Vec<u8> = row.try_get("id")?;
        let Ok(id) = <[u8; 16]>::try_from(id) else { continue };
        let (kind, marking) = kind_and_marking(&row)?;
        let doc = if matches!(matcher, Matcher::FullText { .. }) { row.try_get("doc_id")? } else { 0 };
        out.push(Candidate { id: EntityId::from_bytes(id), kind, marking, doc });
    }
    Ok(out)
}

fn add_policies(into: &mut Vec<String>, from: Vec<String>) {
    for p in from {
        if !into.contains(&p) {
            into.push(p);
        }
    }
}

fn read_decision(store: &Store, principal: &Principal, record: &EntityRecord) -> Decision {
    store.authz.decide(
        principal,
        Action::Read,
        &Resource::Record { kind: record.kind.as_str(), id: record.id.to_string(), marking: &record.marking },
    )
}

impl Store {
    /// Finds people with a name (primary, alias or previous) whose surname key equals `surname`'s
    /// and whose first forename key starts with `forename`'s: one [`Page`] of those the principal
    /// may read.
    pub async fn search_people(
        &self,
        principal: &Principal,
        surname: &str,
        forename: Option<&str>,
        page: Page,
        justification: &Justification,
    ) -> Result<SearchPage, StoreError> {
        let surname_key = name_key(surname);
        let forename_key = forename.map(name_key).unwrap_or_default();
        if surname_key.is_empty() {
            return Err(StoreError::Refused("give a surname to search for".into()));
        }
        let personal = Personal {
            justification: Some(justification.as_str()),
            terms: Some(serde_json::json!({ "surname": surname, "forename": forename })),
            ..Personal::default()
        };
        // Keys hold only letters and digits, so the pattern has no LIKE wildcards but the final one.
        let pattern = format!("{forename_key}%");
        self.search(principal, &Matcher::Names { surname: &surname_key, forename: &pattern }, page, &personal).await
    }

    /// Finds objects, locations or events (`kind`) having every word of `query` among their
    /// terms (see `terms`: identifying numbers, address words, postcodes, summary words...): one
    /// [`Page`] of those the principal may read. At most [`MAX_QUERY_TERMS`] distinct words.
    ///
    /// People are refused rather than searched here: a name search needs to know which word is
    /// the surname, and guessing from free text would silently miss people. Use
    /// [`Store::search_people`]. Links are not searched (they are shown from their ends).
    pub async fn search_entities(
        &self,
        principal: &Principal,
        kind: EntityKind,
        query: &str,
        page: Page,
        justification: &Justification,
    ) -> Result<SearchPage, StoreError> {
        if !is_indexed(kind) {
            return Err(StoreError::Refused(match kind {
                EntityKind::Person => "people are found by name: use the people search (surname and forename)".into(),
                _ => format!("{} records cannot be searched; search for an object, location or event", kind.as_str()),
            }));
        }
        let terms = query_terms(kind, query);
        if terms.is_empty() {
            return Err(StoreError::Refused("give at least one word or number to search for".into()));
        }
        if terms.len() > MAX_QUERY_TERMS {
            return Err(StoreError::Refused(format!("use at most {MAX_QUERY_TERMS} words in one search")));
        }
        let personal = Personal {
            justification: Some(justification.as_str()),
            terms: Some(serde_json::json!({ "kind": kind.as_str(), "query": query })),
            ..Personal::default()
        };
        self.search(principal, &Matcher::Terms { kind, terms: &terms }, page, &personal).await
    }

    /// Finds anything (people, objects, locations, events, operational records) whose search
    /// document has every word of `query` (stemmed, so "screaming" finds "scream"), within
    /// `filters`: one [`Page`] of those the principal may read, newest first. See `full_text`.
    pub async fn search_everything(
        &self,
        principal: &Principal,
        query: &str,
        filters: &Filters,
        page: Page,
        justification: &Justification,
    ) -> Result<SearchPage, StoreError> {
        if filters.kind == Some(EntityKind::Link) {
            return Err(StoreError::Refused("links are not searched; search for what they join".into()));
        }
        if let (Some(from), Some(to)) = (filters.from, filters.to)
            && from >= to
        {
            return Err(StoreError::Refused("the date range is empty: its start is not before its end".into()));
        }
        let (text, tokens) = crate::full_text::query_text(query, filters, self.backend)?;
        let personal = Personal {
            justification: Some(justification.as_str()),
            terms: Some(serde_json::json!({
                "query": query,
                "kind": filters.kind.map(EntityKind::as_str),
                "from": filters.from, "to": filters.to,
                "area": filters.area, "status": filters.status,
            })),
            ..Personal::default()
        };
        let matcher = Matcher::FullText { sql: crate::full_text::candidates_sql(self.backend), query: text, tokens, filters };
        self.search(principal, &matcher, page, &personal).await
    }

    /// Authorises a search, finds the page of readable hits and audits it as one event.
    async fn search(
        &self,
        principal: &Principal,
        matcher: &Matcher<'_>,
        page: Page,
        personal: &Personal<'_>,
    ) -> Result<SearchPage, StoreError> {
        let mut tx = self.begin_write().await?;
        let decision = self.authz.decide(principal, Action::Search, &Resource::System);
        if !decision.allowed {
            let event = audit_event(AuditKind::AccessDenied, principal, Vec::new(), &decision);
            audit_log::append_with_text(&mut tx, &mut [event], personal).await?;
            tx.commit().await?;
            return Err(StoreError::Denied);
        }
        let mut policies = decision.policies.clone();
        let (hits, next_offset) = self.readable_page(&mut tx, principal, matcher, page, &mut policies).await?;
        let objects: Vec<ObjectRef> = hits.iter().map(|r| object_ref(r.kind, r.id)).collect();
        let decision = Decision { policies, ..decision };
        let event = audit_event(AuditKind::Search, principal, objects, &decision);
        audit_log::append_with_text(&mut tx, &mut [event], personal).await?;
        tx.commit().await?;
        Ok(SearchPage { hits, next_offset })
    }

    /// Walks the matches in id order, skipping those the principal may not read, then `offset`
    /// readable ones, and loads the next `limit`. Adds the read decisions' policies to `policies`.
    async fn readable_page(
        &self,
        conn: &mut AnyConnection,
        principal: &Principal,
        matcher: &Matcher<'_>,
        page: Page,
        policies: &mut Vec<String>,
    ) -> Result<(Vec<EntityRecord>, Option<usize>), StoreError> {
        let limit = page.clamped_limit();
        let mut chosen: Vec<(Candidate, Decision)> = Vec::new();
        let (mut skipped, mut examined, mut more) = (0_usize, 0_usize, false);
        let mut after = Cursor { id: Vec::new(), doc: i64::MAX };
        // A full-text hit on a merged duplicate is its primary, which may match too.
        let mut seen: std::collections::HashSet<EntityId> = std::collections::HashSet::new();
        'scan: while examined < MAX_SCAN {
            let mut batch = candidates(conn, matcher, &after).await?;
            let full = batch.len() == BATCH;
            if let Some(last) = batch.last() {
                after = Cursor { id: last.id.as_bytes().to_vec(), doc: last.doc };
            }
            if matches!(matcher, Matcher::FullText { .. }) {
                batch.retain(|c| seen.insert(c.id));
            }
            let decisions = self.authz.decide_records(
                principal,
                Action::Read,
                batch.iter().map(|c| (c.kind.as_str(), c.id.to_string(), &c.marking)),
            );
            for (candidate, decision) in batch.into_iter().zip(decisions) {
                examined += 1;
                if !decision.allowed {
                    continue;
                }
                if skipped < page.offset {
                    skipped += 1;
                } else if chosen.len() == limit {
                    more = true;
                    break 'scan;
                } else {
                    chosen.push((candidate, decision));
                }
            }
            if !full {
                break;
            }
        }
        let next_offset = more.then_some(page.offset + chosen.len());
        let mut hits = Vec::with_capacity(chosen.len());
        for (candidate, decision) in chosen {
            let Some(record) = load(conn, candidate.id).await? else { continue };
            // Decided on the loaded record itself, should its marking have changed meanwhile.
            let decision = if record.kind == candidate.kind && record.marking == candidate.marking {
                decision
            } else {
                read_decision(self, principal, &record)
            };
            if decision.allowed {
                add_policies(policies, decision.policies);
                hits.push(record);
            }
        }
        Ok((hits, next_offset))
    }
}

/// Writes the name keys of the given people, in the caller's transaction; with `replace`, their
/// old keys are removed first (after a change).
pub(crate) async fn index_names(
    conn: &mut AnyConnection,
    people: &[(EntityId, &EntityBody)],
    replace: bool,
) -> Result<(), StoreError> {
    let mut keys: Vec<(EntityId, String, String)> = Vec::new();
    for (id, body) in people {
        if let EntityBody::Person(person) = body {
            for name in person.names() {
                let forename = name.forenames().first().map(|f| name_key(f)).unwrap_or_default();
                keys.push((*id, name_key(name.surname()), forename));
            }
        }
    }
    for (id, body) in people.iter().filter(|_| replace) {
        if body.kind() == EntityKind::Person {
            sqlx::query("DELETE FROM person_name_key WHERE entity_id = $1")
                .bind(id.as_bytes().to_vec())
                .execute(&mut *conn)
                .await?;
        }
    }
    for chunk in keys.chunks(300) {
        let mut q = sqlx::query(multi_row(Placeholders::of(conn), "INSERT INTO person_name_key (entity_id, surname_key, forename_key)", chunk.len(), 3));
        for (id, surname, forename) in chunk {
            q = q.bind(id.as_bytes().to_vec()).bind(surname.clone()).bind(forename.clone());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

impl Store {
    /// The erasable payload (justification, reason, search terms) behind an audit event's
    /// commitment, for those who may inspect the audit log (the `audit` action). The read is
    /// itself audited, and the payload is checked against the commitment before it is returned.
    /// `None` once erased.
    pub async fn audit_payload(
        &self,
        principal: &Principal,
        commitment: &custos_audit::Hash,
    ) -> Result<Option<String>, StoreError> {
        let decision = self.authz.decide(principal, Action::Audit, &Resource::System);
        let objects = vec![ObjectRef {
            kind: "audit_payload".into(),
            id: commitment.iter().take(8).map(|b| format!("{b:02x}")).collect(),
        }];
        let mut tx = self.begin_write().await?;
        let kind = if decision.allowed { AuditKind::Read } else { AuditKind::AccessDenied };
        audit_log::append(&mut tx, &audit_event(kind, principal, objects, &decision)).await?;
        if !decision.allowed {
            tx.commit().await?;
            return Err(StoreError::Denied);
        }
        let row = sqlx::query("SELECT salt, payload FROM audit_payload WHERE commitment = $1")
            .bind(commitment.to_vec())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        let salt: Vec<u8> = row.try_get(0)?;
        let payload: String = row.try_get(1)?;
        let salt: [u8; 16] = salt.try_into().map_err(|_| tampered_payload())?;
        if custos_audit::commit_payload(&salt, payload.as_bytes()) != *commitment {
            return Err(tampered_payload());
        }
        Ok(Some(payload))
    }
}

fn tampered_payload() -> StoreError {
    StoreError::Audit("the stored payload does not match its commitment in the audit log".into())
}
