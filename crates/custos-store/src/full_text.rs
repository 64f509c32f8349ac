//! One search across everything (issue 5): people, objects, locations, events and every
//! operational record, by the words a person would type, with filters (type, date range, area,
//! status), in the database's own full-text engine: SQLite FTS5 (Porter stemming, case and accents
//! folded) and PostgreSQL `tsvector` under a GIN index (English stemming).
//!
//! Each entity except links has one search document (`search_doc`): its kind, status, when it
//! happened, its area (the owning unit) and its text:
//!
//! - a person: every name, dates of birth, identifiers and warning markers;
//! - an object, location or event: its search terms (`terms`) and its own words;
//! - an operational record: its type, offence, status and free text (narratives, grounds, the
//!   intelligence text, charge particulars).
//!
//! The document is written in the transaction that creates or changes the entity. Hits come
//! newest document first, a page of the readable ones at a time (`search`); a merged duplicate's
//! hit is its primary. Query words are all required; each is quoted for FTS5 (so no user input
//! is read as query syntax) and given to `plainto_tsquery` on PostgreSQL.

use std::collections::HashMap;

use custos_core::entity::{EntityBody, EntityKind};
use custos_core::event::Event;
use custos_core::ids::EntityId;
use custos_core::record::Record;
use jiff::Timestamp;
use sqlx::{AnyConnection, AnyPool, Row};

use crate::db::Backend;
use crate::error::StoreError;
use crate::sql::{Placeholders, multi_row};

/// The most words one full-text query may have.
pub const MAX_WORDS: usize = 8;

/// What one entity's search document holds besides its id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Document {
    pub kind: EntityKind,
    pub status: Option<&'static str>,
    /// When it happened, if the body says; else the event's time or when it was recorded.
    pub occurred: Option<Timestamp>,
    /// The Event whose time stands for the record's, when the record has no time of its own.
    pub event: Option<EntityId>,
    pub text: String,
}

fn words(out: &mut String, text: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(text);
}

/// The search document of a body; `None` for links (they are shown from their ends).
pub(crate) fn document(body: &EntityBody) -> Option<Document> {
    let mut text = String::new();
    let doc = |status, occurred, event, text| Some(Document { kind: body.kind(), status, occurred, event, text });
    match body {
        EntityBody::Link(_) => None,
        EntityBody::Person(p) => {
            for name in p.names() {
                for forename in name.forenames() {
                    words(&mut text, forename);
                }
                words(&mut text, name.surname());
            }
            for dob in &p.dates_of_birth {
                words(&mut text, &dob.to_string());
                words(&mut text, &dob.strftime("%d/%m/%Y").to_string());
            }
            for id in &p.identifiers {
                words(&mut text, id.value());
            }
            for marker in &p.warning_markers {
                words(&mut text, &marker.as_str().replace('_', " "));
            }
            doc(None, None, None, text)
        }
        EntityBody::Object(_) | EntityBody::Location(_) | EntityBody::Event(_) => {
            for term in crate::terms::entity_terms(body) {
                words(&mut text, &term);
            }
            let occurred = match body {
                EntityBody::Location(l) => {
                    l.address_lines().iter().for_each(|line| words(&mut text, line.as_str()));
                    l.postcode.iter().for_each(|p| words(&mut text, p.as_str()));
                    None
                }
                EntityBody::Event(Event { when, summary, .. }) => {
                    words(&mut text, summary.as_str());
                    Some(when.start())
                }
                _ => None,
            };
            doc(None, occurred, None, text)
        }
        EntityBody::Record(r) => {
            words(&mut text, &r.kind().as_str().replace('_', " "));
            if let Record::CrimeReport(c) = r {
                words(&mut text, c.offence.code());
            }
            if let Some(status) = r.status() {
                words(&mut text, &status.replace('_', " "));
            }
            for t in r.text() {
                words(&mut text, t);
            }
            doc(r.status(), r.when(), r.event().filter(|_| r.when().is_none()), text)
        }
    }
}

/// One entity to index: its id, body, area (owning unit) and when it was recorded (µs), the
/// time a document without one of its own is filed under.
pub(crate) type ToIndex<'a> = (EntityId, &'a EntityBody, &'a str, i64);

/// Writes the search documents of the given entities in the caller's transaction; with
/// `replace`, an existing document is rewritten in place (keeping its recorded time).
pub(crate) async fn index_documents(conn: &mut AnyConnection, entities: &[ToIndex<'_>], replace: bool) -> Result<(), StoreError> {
    let mut docs: Vec<(EntityId, Document, &str, i64)> = Vec::with_capacity(entities.len());
    for (id, body, area, recorded) in entities {
        if let Some(doc) = document(body) {
            docs.push((*id, doc, area, *recorded));
        }
    }
    let event_times = event_times(conn, docs.iter().filter_map(|(_, d, _, _)| d.event)).await?;
    // Each document's time, and its filter tokens added to its text (see `filter_tokens`).
    for (_, doc, area, recorded) in &mut docs {
        let at = doc.occurred.or_else(|| doc.event.and_then(|e| event_times.get(&e).copied()));
        let at = at.unwrap_or_else(|| crate::clock::from_micros(*recorded));
        doc.occurred = Some(at);
        doc.text.push(' ');
        doc.text.push_str(&filter_tokens(doc.kind, doc.status, area, at));
    }
    let occurred = |d: &Document| d.occurred.map_or(0, |t| t.as_microsecond());
    let sqlite = Placeholders::of(conn) == Placeholders::Anonymous;
    if replace {
        let mut missing = Vec::new();
        for (id, doc, area, recorded) in docs {
            let sql = if sqlite {
                "UPDATE search_doc SET status = $1, occurred_at = $2, area = $3 WHERE entity_id = $4 RETURNING doc_id"
            } else {
                "UPDATE search_doc SET status = $1, occurred_at = $2, area = $3, body = to_tsvector('english', $5) \
                 WHERE entity_id = $4 RETURNING doc_id"
            };
            let mut q = sqlx::query(sql).bind(doc.status).bind(occurred(&doc)).bind(area.to_owned()).bind(id.as_bytes().to_vec());
            if !sqlite {
                q = q.bind(doc.text.clone());
            }
            match q.fetch_optional(&mut *conn).await? {
                Some(row) if sqlite => {
                    let doc_id: i64 = row.try_get(0)?;
                    sqlx::query("UPDATE search_text SET body = $1 WHERE rowid = $2")
                        .bind(doc.text)
                        .bind(doc_id)
                        .execute(&mut *conn)
                        .await?;
                }
                Some(_) => {}
                // Written before documents were kept (the backfill builds those at open).
                None => missing.push((id, doc, area, recorded)),
            }
        }
        docs = missing;
    }
    if sqlite {
        // Row ids are assigned here: writes are serialised (BEGIN IMMEDIATE), and FTS5 needs the
        // row id of each text to be the document's.
        let next: i64 = sqlx::query("SELECT COALESCE(MAX(doc_id), 0) FROM search_doc").fetch_one(&mut *conn).await?.try_get(0)?;
        for (chunk_no, chunk) in docs.chunks(200).enumerate() {
            let base = next + 1 + i64::try_from(chunk_no * 200).unwrap_or(i64::MAX - next - 1);
            let mut meta = sqlx::query(multi_row(
                Placeholders::Anonymous,
                "INSERT INTO search_doc (doc_id, entity_id, kind, status, occurred_at, area)",
                chunk.len(),
                6,
            ));
            let mut text = sqlx::query(multi_row(Placeholders::Anonymous, "INSERT INTO search_text (rowid, body)", chunk.len(), 2));
            for (i, (id, doc, area, _)) in chunk.iter().enumerate() {
                let doc_id = base + i64::try_from(i).unwrap_or(0);
                meta = meta
                    .bind(doc_id)
                    .bind(id.as_bytes().to_vec())
                    .bind(doc.kind.as_str())
                    .bind(doc.status)
                    .bind(occurred(doc))
                    .bind(area.to_string());
                text = text.bind(doc_id).bind(doc.text.clone());
            }
            meta.execute(&mut *conn).await?;
            text.execute(&mut *conn).await?;
        }
    } else {
        for chunk in docs.chunks(200) {
            let mut sql = multi_row(
                Placeholders::Numbered,
                "INSERT INTO search_doc (entity_id, kind, status, occurred_at, area, body) \
                 SELECT v.e, v.k, v.s, v.o, v.a, to_tsvector('english', v.t) FROM (",
                chunk.len(),
                6,
            );
            sql.0.push_str(") AS v (e, k, s, o, a, t)");
            let mut q = sqlx::query(sql);
            for (id, doc, area, _) in chunk {
                q = q
                    .bind(id.as_bytes().to_vec())
                    .bind(doc.kind.as_str())
                    .bind(doc.status)
                    .bind(occurred(doc))
                    .bind(area.to_string())
                    .bind(doc.text.clone());
            }
            q.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// The times of the given events (each the start of its window), from their current versions;
/// an id that is not an event is left out.
async fn event_times(
    conn: &mut AnyConnection,
    ids: impl Iterator<Item = EntityId>,
) -> Result<HashMap<EntityId, Timestamp>, StoreError> {
    let ids: Vec<EntityId> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let bodies = crate::entities::current_bodies(conn, &ids).await?;
    Ok(bodies
        .into_iter()
        .filter_map(|(id, body)| match body {
            EntityBody::Event(e) => Some((id, e.when.start())),
            _ => None,
        })
        .collect())
}

/// The prefix of the tokens that stand for a document's filter values in its text: no word a
/// person types begins with it, and it survives stemming and case folding unchanged in meaning.
const TOKEN: &str = "zzq";
/// A date range of at most this many calendar months is also matched by month tokens.
const MAX_MONTH_TOKENS: usize = 24;

/// `value` as one token: letters and digits only, lower case.
fn token(kind: char, value: &str) -> String {
    let folded: String = value.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    format!("{TOKEN}{kind}{folded}")
}

fn month_token(at: Timestamp) -> String {
    let date = jiff::tz::TimeZone::UTC.to_datetime(at).date();
    token('m', &format!("{:04}{:02}", date.year(), date.month()))
}

/// The tokens a document carries for its filter values (kind, status, area, month), so that a
/// filtered search is one intersection in the full-text index instead of a scan of every
/// document with its words. The filters are still applied to the columns: the tokens only make
/// the search fast, never decide what matches.
fn filter_tokens(kind: EntityKind, status: Option<&str>, area: &str, at: Timestamp) -> String {
    let mut out = vec![token('k', kind.as_str()), token('a', area), month_token(at)];
    out.extend(status.map(|s| token('s', s)));
    out.join(" ")
}

/// The month tokens of a date range, if it spans at most [`MAX_MONTH_TOKENS`] months.
fn month_tokens(from: Timestamp, to: Timestamp) -> Option<Vec<String>> {
    let utc = jiff::tz::TimeZone::UTC;
    let (mut month, last) = (utc.to_datetime(from).date().first_of_month(), utc.to_datetime(to).date());
    let mut out = Vec::new();
    while month <= last {
        out.push(token('m', &format!("{:04}{:02}", month.year(), month.month())));
        if out.len() > MAX_MONTH_TOKENS {
            return None;
        }
        month = month.checked_add(jiff::Span::new().months(1)).ok()?;
    }
    Some(out)
}

/// The filter tokens a query must match, as groups of alternatives (one group per filter).
fn query_tokens(filters: &Filters) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    if let Some(kind) = filters.kind {
        groups.push(vec![token('k', kind.as_str())]);
    }
    if let Some(status) = &filters.status {
        groups.push(vec![token('s', status)]);
    }
    if let Some(area) = &filters.area {
        groups.push(vec![token('a', area)]);
    }
    if let (Some(from), Some(to)) = (filters.from, filters.to)
        && let Some(months) = month_tokens(from, to)
    {
        groups.push(months);
    }
    groups
}

/// The filters of a full-text search; `None` is no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub kind: Option<EntityKind>,
    /// Happened at or after `from` and before `to`.
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// The owning unit.
    pub area: Option<String>,
    pub status: Option<String>,
}

/// A query's words in the form each engine takes: for FTS5 each word quoted, so that nothing
/// typed is read as query syntax; for PostgreSQL the words as typed (`plainto_tsquery` reads no
/// syntax). Refused with no word, or more than [`MAX_WORDS`].
pub(crate) fn query_text(query: &str, filters: &Filters, backend: Backend) -> Result<(String, String), StoreError> {
    if query.chars().any(char::is_control) {
        return Err(StoreError::Refused("the search words must be plain text".into()));
    }
    let words: Vec<&str> = query
        .split(|c: char| c.is_whitespace() || c == '"')
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    if words.is_empty() {
        return Err(StoreError::Refused("give at least one word or number to search for".into()));
    }
    if words.len() > MAX_WORDS {
        return Err(StoreError::Refused(format!("use at most {MAX_WORDS} words in one search")));
    }
    let groups = query_tokens(filters);
    Ok(match backend {
        // The words for plainto_tsquery; the filter tokens (ours, letters and digits only) in
        // to_tsquery's syntax.
        Backend::Postgres => {
            let tokens: Vec<String> = groups.iter().map(|g| format!("({})", g.join(" | "))).collect();
            (words.join(" "), tokens.join(" & "))
        }
        Backend::Sqlite => {
            // `"` split the words, so none is inside one.
            let quoted = |w: &str| format!("\"{w}\"");
            let mut parts: Vec<String> = words.iter().map(|w| quoted(w)).collect();
            parts.extend(groups.iter().map(|g| format!("({})", g.iter().map(|t| quoted(t)).collect::<Vec<_>>().join(" OR "))));
            (parts.join(" AND "), String::new())
        }
    })
}

/// The statement that lists candidates, newest document first, after the document `$2`.
pub(crate) fn candidates_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "SELECT e.id, e.kind, e.classification, e.sensitive, e.owning_unit, e.acl, d.doc_id \
             FROM search_text t JOIN search_doc d ON d.doc_id = t.rowid \
             JOIN entity x ON x.id = d.entity_id JOIN entity e ON e.id = COALESCE(x.merged_into, x.id) \
             WHERE search_text MATCH $1 AND t.rowid < $2 AND $9 = '' \
             AND ($3 = '' OR d.kind = $3) AND d.occurred_at >= $4 AND d.occurred_at < $5 \
             AND ($6 = '' OR d.area = $6) AND ($7 = '' OR d.status = $7) \
             ORDER BY t.rowid DESC LIMIT $8"
        }
        Backend::Postgres => {
            // The page of documents first, then their entities: joining every match before the
            // sort cost a second for a common word.
            "SELECT e.id, e.kind, e.classification, e.sensitive, e.owning_unit, e.acl, d.doc_id \
             FROM (SELECT doc_id, entity_id FROM search_doc \
                   WHERE body @@ plainto_tsquery('english', $1) AND ($9 = '' OR body @@ to_tsquery('english', $9)) \
                   AND doc_id < $2 \
                   AND ($3 = '' OR kind = $3) AND occurred_at >= $4 AND occurred_at < $5 \
                   AND ($6 = '' OR area = $6) AND ($7 = '' OR status = $7) \
                   ORDER BY doc_id DESC LIMIT $8) d \
             JOIN entity x ON x.id = d.entity_id JOIN entity e ON e.id = COALESCE(x.merged_into, x.id) \
             ORDER BY d.doc_id DESC"
        }
    }
}

impl crate::Store {
    /// How many search documents the store holds (a measure of the search's size; no record
    /// is read).
    pub async fn search_document_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM search_doc").fetch_one(&self.pool).await?.try_get(0)?)
    }
}

/// Builds the documents of entities written before migration 0009, from their current versions,
/// in one transaction (an interrupted build is redone). Costs two probes once done.
pub(crate) async fn backfill(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let any_entity = sqlx::query("SELECT 1 FROM entity WHERE kind <> $1 LIMIT 1")
        .bind(EntityKind::Link.as_str())
        .fetch_optional(pool)
        .await?
        .is_some();
    if !any_entity || sqlx::query("SELECT 1 FROM search_doc LIMIT 1").fetch_optional(pool).await?.is_some() {
        return Ok(());
    }
    let mut tx = crate::db::begin_write(pool, backend).await?;
    let mut after: Vec<u8> = Vec::new();
    let mut built = 0_usize;
    loop {
        let rows = sqlx::query(
            "SELECT e.id, e.owning_unit, e.created_at, v.body FROM entity e \
             JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
             WHERE e.kind <> $1 AND e.id > $2 ORDER BY e.id LIMIT 2000",
        )
        .bind(EntityKind::Link.as_str())
        .bind(after.clone())
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        let mut bodies: Vec<(EntityId, EntityBody, String, i64)> = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: Vec<u8> = row.try_get(0)?;
            let unit: String = row.try_get(1)?;
            let created: i64 = row.try_get(2)?;
            let body: String = row.try_get(3)?;
            let (Ok(id), Ok(body)) = (<[u8; 16]>::try_from(id), serde_json::from_str::<EntityBody>(&body)) else {
                tracing::error!("a stored record is unreadable; its search document is not built");
                continue;
            };
            bodies.push((EntityId::from_bytes(id), body, unit, created));
        }
        let refs: Vec<ToIndex<'_>> = bodies.iter().map(|(id, b, u, t)| (*id, b, u.as_str(), *t)).collect();
        index_documents(&mut tx, &refs, false).await?;
        built += refs.len();
    }
    tx.commit().await?;
    tracing::info!(records = built, "built the search documents of records written before they were kept");
    Ok(())
}


#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a panic is a failed test

    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn queries_quote_every_word_and_add_the_filter_tokens() {
        let none = Filters::default();
        assert_eq!(query_text("Baseball  bat", &none, Backend::Sqlite).unwrap().0, r#""Baseball" AND "bat""#);
        assert_eq!(query_text(r#"bat" OR NEAR(x) *"#, &none, Backend::Sqlite).unwrap().0, r#""bat" AND "OR" AND "NEAR(x)""#);
        let filters = Filters {
            kind: Some(EntityKind::CrimeReport),
            from: Some(ts("2026-02-20T00:00:00Z")),
            to: Some(ts("2026-03-05T00:00:00Z")),
            area: Some("CE-BCU".into()),
            status: Some("under_investigation".into()),
        };
        assert_eq!(
            query_text("bat", &filters, Backend::Sqlite).unwrap().0,
            r#""bat" AND ("zzqkcrimereport") AND ("zzqsunderinvestigation") AND ("zzqacebcu") AND ("zzqm202602" OR "zzqm202603")"#
        );
        let (words, tokens) = query_text("bat", &filters, Backend::Postgres).unwrap();
        assert_eq!(words, "bat");
        assert_eq!(tokens, "(zzqkcrimereport) & (zzqsunderinvestigation) & (zzqacebcu) & (zzqm202602 | zzqm202603)");
        // A long range is left to the column filter alone.
        let years = Filters { from: Some(ts("2020-01-01T00:00:00Z")), to: Some(ts("2026-01-01T00:00:00Z")), ..Filters::default() };
        assert_eq!(query_text("bat", &years, Backend::Sqlite).unwrap().0, r#""bat""#);
        for bad in ["", "  \" - ", &"word ".repeat(MAX_WORDS + 1)] {
            assert!(query_text(bad, &none, Backend::Sqlite).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn documents_carry_the_tokens_their_filters_match() {
        let tokens = filter_tokens(EntityKind::CustodyRecord, Some("in_custody"), "CE-BCU", ts("2026-03-01T22:40:00Z"));
        assert_eq!(tokens, "zzqkcustodyrecord zzqacebcu zzqm202603 zzqsincustody");
    }
}
