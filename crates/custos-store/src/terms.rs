//! Search terms of objects, locations and events (`entity_term`), and how a typed query becomes
//! terms. Both sides fold text the way person names are folded (`custos_core::search_key`):
//! lower case, letters and digits only, common accents folded, so "Ford", "FORD" and "ford."
//! share a term.
//!
//! - objects: each identifying number, compact (VRM `ab51abc`, phone `447700900123` and, for UK
//!   numbers, `07700900123`), the object type, and the words of make, model, colour, weapon
//!   category, property category and document type;
//! - locations: each word of the address lines and town, the postcode compact (`sw1a2aa`) and its
//!   outward code (`sw1a`), the UPRN;
//! - events: the event kind's name (its words and the whole, `antisocialbehaviour`) and each word
//!   of the summary.
//!
//! A word with inner punctuation is indexed whole and by its parts ("Stratford-upon-Avon" as
//! `stratforduponavon`, `stratford`, `upon`, `avon`). People are searched by name instead
//! (`person_name_key`), and links are not searched.
//!
//! The derivation is pure (tested by tables below); the store writes the terms in the transaction
//! that creates or changes the record, replacing the old ones.

use std::collections::BTreeSet;

use custos_core::entity::{EntityBody, EntityKind};
use custos_core::event::EventKind;
use custos_core::identifiers::{Imei, PhoneNumber, Postcode, Vin, Vrm, VrmFormat};
use custos_core::ids::EntityId;
use custos_core::object::ObjectKind;
use custos_core::search_key::name_key;
use sqlx::{AnyConnection, AnyPool, Row};

use crate::db::Backend;
use crate::error::StoreError;
use crate::sql::insert_index_rows;

/// Longer terms are not indexed: nobody types them, and they would only bloat the index.
const MAX_TERM_CHARS: usize = 64;
/// The most query words joined back into one identifier ("+44 7700 900 123" is four).
const MAX_JOINED_WORDS: usize = 4;

/// Whether records of this kind have search terms.
pub(crate) fn is_indexed(kind: EntityKind) -> bool {
    matches!(kind, EntityKind::Object | EntityKind::Location | EntityKind::Event)
}

fn push(out: &mut BTreeSet<String>, term: String) {
    if !term.is_empty() && term.chars().count() <= MAX_TERM_CHARS {
        out.insert(term);
    }
}

/// Each whitespace-separated word of `text`, folded; a word with inner punctuation also by its
/// parts, so that "Smith-Jones" is found by "smithjones", "smith" and "jones".
fn add_words(out: &mut BTreeSet<String>, text: &str) {
    for word in text.split_whitespace() {
        push(out, name_key(word));
        let parts: Vec<String> =
            word.split(|c: char| !c.is_alphanumeric()).map(name_key).filter(|p| !p.is_empty()).collect();
        if parts.len() > 1 {
            parts.into_iter().for_each(|p| push(out, p));
        }
    }
}

/// A code-list name (`anti_social_behaviour`): its words and the whole name folded.
fn add_code(out: &mut BTreeSet<String>, name: &str) {
    add_words(out, &name.replace('_', " "));
    push(out, name_key(name));
}

/// The search terms of a record, sorted and distinct; none for people and links.
pub(crate) fn entity_terms(body: &EntityBody) -> Vec<String> {
    let mut out = BTreeSet::new();
    match body {
        EntityBody::Object(object) => {
            let kind = &object.kind;
            add_code(&mut out, kind.object_type().as_str());
            for (_, number) in kind.identifying_numbers() {
                push(&mut out, name_key(number));
            }
            match kind {
                ObjectKind::Vehicle { make, model, colour, .. } => {
                    for label in [make, model, colour].into_iter().flatten() {
                        add_words(&mut out, label.as_str());
                    }
                }
                ObjectKind::Phone { number, .. } => {
                    // People type UK numbers in national form (07700 900123), as they dial them.
                    if let Some(national) = number.as_ref().and_then(PhoneNumber::uk_national) {
                        push(&mut out, name_key(&national));
                    }
                }
                ObjectKind::Weapon { category, .. } => add_code(&mut out, category.as_str()),
                ObjectKind::Property { category, .. } => add_words(&mut out, category.as_str()),
                ObjectKind::Document { document_type, .. } => add_words(&mut out, document_type.as_str()),
            }
        }
        EntityBody::Location(location) => {
            for line in location.address_lines() {
                add_words(&mut out, line.as_str());
            }
            if let Some(town) = &location.town {
                add_words(&mut out, town.as_str());
            }
            if let Some(postcode) = &location.postcode {
                push(&mut out, name_key(postcode.as_str()));
                push(&mut out, name_key(postcode.outward()));
            }
            if let Some(uprn) = location.uprn {
                push(&mut out, uprn.value().to_string());
            }
        }
        EntityBody::Event(event) => {
            add_code(&mut out, event.kind.as_str());
            add_words(&mut out, event.summary.as_str());
        }
        EntityBody::Person(_) | EntityBody::Link(_) | EntityBody::Record(_) => {}
    }
    out.into_iter().collect()
}

/// The terms a query for records of `kind` must all match, distinct, longest first (the longest
/// is usually the rarest, so the search walks its entities and checks the others).
///
/// Words are folded like indexed words. Consecutive words that together spell an identifier the
/// index holds compact are joined first: "SW1A 2AA" is the postcode `sw1a2aa` (locations), and
/// "AB51 ABC" the VRM `ab51abc`, "07700 900123" a phone number (objects). Dateless VRMs are not
/// joined, because ordinary pairs such as "BMW 3" spell one. For events, a word naming an event
/// kind by an alias ("ASB") becomes the kind's name.
pub(crate) fn query_terms(kind: EntityKind, query: &str) -> Vec<String> {
    let words: Vec<&str> = query.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let longest = MAX_JOINED_WORDS.min(words.len() - i);
        let joined = (2..=longest).rev().find_map(|n| identifier_term(kind, &words[i..i + n].concat()).map(|t| (n, t)));
        match joined {
            Some((n, term)) => {
                out.push(term);
                i += n;
            }
            None => {
                out.push(query_word(kind, words[i]));
                i += 1;
            }
        }
    }
    out.retain(|t| !t.is_empty());
    out.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

fn query_word(kind: EntityKind, word: &str) -> String {
    if kind == EntityKind::Event
        && let Ok(event_kind) = word.parse::<EventKind>()
    {
        return name_key(event_kind.as_str());
    }
    name_key(word)
}

/// The indexed term of `text` if it is an identifier of a record of `kind`.
fn identifier_term(kind: EntityKind, text: &str) -> Option<String> {
    match kind {
        EntityKind::Location => Postcode::parse(text).ok().map(|p| name_key(p.as_str())),
        EntityKind::Object => {
            if let Ok(vrm) = Vrm::parse(text)
                && matches!(vrm.format(), VrmFormat::Current | VrmFormat::Prefix | VrmFormat::Suffix)
            {
                return Some(name_key(vrm.as_str()));
            }
            if let Ok(phone) = PhoneNumber::parse(text) {
                return Some(name_key(&phone.uk_national().unwrap_or_else(|| phone.as_str().to_owned())));
            }
            if let Ok(imei) = Imei::parse(text) {
                return Some(name_key(imei.as_str()));
            }
            Vin::parse(text).ok().map(|v| name_key(v.as_str()))
        }
        _ => None,
    }
}

/// Writes the terms of the given records (people and links have none), in the caller's
/// transaction; with `replace`, their old terms are removed first (after a change).
pub(crate) async fn index_terms(
    conn: &mut AnyConnection,
    records: &[(EntityId, &EntityBody)],
    replace: bool,
) -> Result<(), StoreError> {
    let mut rows: Vec<(EntityId, &'static str, String)> = Vec::new();
    for (id, body) in records {
        let kind = body.kind();
        if !is_indexed(kind) {
            continue;
        }
        if replace {
            sqlx::query("DELETE FROM entity_term WHERE entity_id = $1")
                .bind(id.as_bytes().to_vec())
                .execute(&mut *conn)
                .await?;
        }
        rows.extend(entity_terms(body).into_iter().map(|term| (*id, kind.as_str(), term)));
    }
    // Two processes opening an upgraded database at once may both backfill (see `backfill`).
    insert_index_rows(conn, "INSERT INTO entity_term (entity_id, kind, term)", &rows).await
}

/// Builds the terms of records created before migration 0003 (which added the table), from their
/// current versions, all in one transaction so that an interrupted build is simply redone.
///
/// Runs at every open, but costs two index probes once done: it builds only when some object,
/// location or event exists while `entity_term` is empty, which after the upgrade is true only
/// if every such record has no term at all (a few, cheaply rebuilt). Terms are derived in Rust
/// from the bodies' JSON, so a SQL migration could not fill them.
pub(crate) async fn backfill(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let [object, location, event] = [EntityKind::Object, EntityKind::Location, EntityKind::Event].map(EntityKind::as_str);
    let any_record = sqlx::query("SELECT 1 FROM entity WHERE kind IN ($1, $2, $3) LIMIT 1")
        .bind(object)
        .bind(location)
        .bind(event)
        .fetch_optional(pool)
        .await?
        .is_some();
    if !any_record || sqlx::query("SELECT 1 FROM entity_term LIMIT 1").fetch_optional(pool).await?.is_some() {
        return Ok(());
    }
    let mut tx = crate::db::begin_write(pool, backend).await?;
    let mut after: Vec<u8> = Vec::new();
    let mut built = 0_usize;
    loop {
        let rows = sqlx::query(
            "SELECT e.id, v.body FROM entity e \
             JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
             WHERE e.kind IN ($1, $2, $3) AND e.id > $4 ORDER BY e.id LIMIT 500",
        )
        .bind(object)
        .bind(location)
        .bind(event)
        .bind(after.clone())
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        let mut bodies: Vec<(EntityId, EntityBody)> = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: Vec<u8> = row.try_get(0)?;
            let body: String = row.try_get(1)?;
            let (Ok(id), Ok(body)) = (<[u8; 16]>::try_from(id), serde_json::from_str::<EntityBody>(&body)) else {
                // One unreadable record must not stop the database from opening; it stays
                // readable by id (which reports it), just not findable by its terms.
                tracing::error!("a stored record is unreadable; its search terms are not built");
                continue;
            };
            bodies.push((EntityId::from_bytes(id), body));
        }
        let refs: Vec<(EntityId, &EntityBody)> = bodies.iter().map(|(id, body)| (*id, body)).collect();
        index_terms(&mut tx, &refs, false).await?;
        built += refs.len();
    }
    tx.commit().await?;
    tracing::info!(records = built, "built the search terms of records created before they were indexed");
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a panic is a failed test

    use custos_core::draft::{EventDraft, LocationDraft, ObjectDraft};
    use custos_core::event::Event;
    use custos_core::location::Location;
    use custos_core::object::Object;

    use super::*;

    fn object(json: serde_json::Value) -> EntityBody {
        let draft: ObjectDraft = serde_json::from_value(json).unwrap();
        EntityBody::Object(Object::try_from(draft).unwrap())
    }

    fn location(json: serde_json::Value) -> EntityBody {
        let draft: LocationDraft = serde_json::from_value(json).unwrap();
        EntityBody::Location(Location::try_from(draft).unwrap())
    }

    fn event(kind: &str, summary: &str) -> EntityBody {
        let draft: EventDraft = serde_json::from_value(serde_json::json!({
            "kind": kind, "at": "2024-06-01T21:30:00Z", "summary": summary,
        }))
        .unwrap();
        EntityBody::Event(Event::try_from(draft).unwrap())
    }

    fn terms(body: &EntityBody) -> Vec<String> {
        entity_terms(body)
    }

    #[test]
    fn objects_are_indexed_by_numbers_and_descriptive_words() {
        let table: &[(serde_json::Value, &[&str])] = &[
            (
                serde_json::json!({"kind": "vehicle", "vrm": "ab51 abc", "make": "Ford", "model": "Focus ST-Line", "colour": "Dark Blue"}),
                &["ab51abc", "blue", "dark", "focus", "ford", "line", "st", "stline", "vehicle"],
            ),
            (
                serde_json::json!({"kind": "phone", "number": "07700 900123", "imei": "49-015420-323751-8"}),
                &["07700900123", "447700900123", "490154203237518", "phone"],
            ),
            (
                serde_json::json!({"kind": "weapon", "category": "blunt_instrument", "description": "Baseball bat"}),
                &["blunt", "bluntinstrument", "instrument", "weapon"],
            ),
            (
                serde_json::json!({"kind": "document", "document_type": "Tenancy agreement", "number": "TA-1"}),
                &["agreement", "document", "ta1", "tenancy"],
            ),
        ];
        for (json, expected) in table {
            assert_eq!(terms(&object(json.clone())), *expected, "{json}");
        }
    }

    #[test]
    fn locations_are_indexed_by_address_words_postcode_and_uprn() {
        let body = location(serde_json::json!({
            "address_lines": ["10 Downing Street", "Flat 2/B"],
            "town": "Stratford-upon-Avon",
            "postcode": "sw1a2aa",
            "uprn": "100023336956",
        }));
        assert_eq!(
            terms(&body),
            [
                "10", "100023336956", "2", "2b", "avon", "b", "downing", "flat", "stratford", "stratforduponavon",
                "street", "sw1a", "sw1a2aa", "upon",
            ]
        );
    }

    #[test]
    fn events_are_indexed_by_kind_and_summary_words() {
        assert_eq!(
            terms(&event("asb", "Youths throwing stones at Café Nero.")),
            ["anti", "antisocialbehaviour", "at", "behaviour", "cafe", "nero", "social", "stones", "throwing", "youths"]
        );
        assert_eq!(terms(&event("arrest", "Arrested")), ["arrest", "arrested"]);
    }

    #[test]
    fn people_and_links_have_no_terms() {
        assert!(!is_indexed(EntityKind::Person) && !is_indexed(EntityKind::Link));
        let long = "x".repeat(MAX_TERM_CHARS + 1);
        assert_eq!(terms(&event("other", &format!("{long} short"))), ["other", "short"], "overlong words are skipped");
    }

    #[test]
    fn queries_fold_words_and_join_identifiers() {
        use EntityKind::{Event, Location, Object};
        let table: &[(EntityKind, &str, &[&str])] = &[
            (Location, "SW1A 2AA", &["sw1a2aa"]),
            (Location, "sw1a2aa", &["sw1a2aa"]),
            (Location, "10 Downing St, SW1A 2AA", &["downing", "sw1a2aa", "10", "st"]),
            (Location, "  Downing   DOWNING downing. ", &["downing"]),
            (Location, "Jiménez Road", &["jimenez", "road"]),
            (Object, "AB51 ABC", &["ab51abc"]),
            (Object, "blue ab51abc ford", &["ab51abc", "blue", "ford"]),
            (Object, "BMW 3 series", &["series", "bmw", "3"]),
            (Object, "+44 7700 900 123", &["07700900123"]),
            (Object, "07700 900123", &["07700900123"]),
            (Object, "49 015420 323751 8", &["490154203237518"]),
            // Not joined for other kinds: a postcode-looking pair in an event summary stays words.
            (Event, "SW1A 2AA", &["sw1a", "2aa"]),
            (Event, "ASB stones", &["antisocialbehaviour", "stones"]),
            (Event, " - ... ", &[]),
            (Location, "", &[]),
        ];
        for (kind, query, expected) in table {
            assert_eq!(query_terms(*kind, query), *expected, "{kind:?} {query:?}");
        }
    }
}
