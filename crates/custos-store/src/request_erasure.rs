//! The erasable free text of subject access casework, kept beside a request's append-only history
//! so that a disposal can erase it (DOMAIN.md §7: disposal removes the personal data everywhere
//! in the store), as the audit log keeps erasable payloads beside its leaves.
//!
//! Two kinds of event hold free text about records and people that may later be disposed of: the
//! officer's reviews of a bundle's items (the reasons for a restriction, and the words released
//! from or added to the redaction, often a third party's name), and the identification of the
//! subject (why this candidate). When such an event is recorded, that text is taken out of it
//! ([`split`]) into `information_request_text`, one row per review (or identification) naming
//! what it is about: a review of a record's item, that record; a review of an audit event's item,
//! and the identification, the subject. The event is stored without it, and never changes.
//! Reading a request puts the text back ([`join`]); once what it was about is disposed of, the row
//! keeps only its place and the text reads as [`ERASED`]. The decisions, grounds and dates stay in
//! the history, so the request still replays and shows that each restriction was reasoned. Text
//! about something already disposed of is written erased.

use std::collections::{HashMap, HashSet};

use custos_core::ids::EntityId;
use custos_core::text::Text;
use custos_rights::discovery::item_entity;
use custos_rights::redact::Adjustments;
use custos_rights::request::Event;
use sqlx::{AnyConnection, Row};

use crate::error::StoreError;

/// What erased text reads as.
pub const ERASED: &str = "[erased: what this was about was disposed of]";

/// One piece of text taken out of an event: its place, what it is about, the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    slot: u32,
    about: EntityId,
    text: Words,
}

/// The text itself, as stored (JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Words {
    #[serde(default)]
    reason: Option<Text>,
    #[serde(default)]
    adjustments: Adjustments,
}

/// Takes the free text out of `event` (recorded while `subject` was the request's subject), leaving
/// the decisions. Text about a review of an audit item with no subject yet stays: there is none.
pub(crate) fn split(event: &mut Event, subject: Option<EntityId>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    match event {
        Event::SubjectIdentified(s) => {
            if let Some(reason) = s.reason.take() {
                pieces.push(Piece { slot: 0, about: s.person, text: Words { reason: Some(reason), adjustments: Adjustments::default() } });
            }
        }
        Event::ItemsReviewed { reviews } => {
            for (slot, r) in reviews.iter_mut().enumerate() {
                let Some(about) = item_entity(&r.item).or(subject) else { continue };
                if r.reason.is_none() && r.adjustments == Adjustments::default() {
                    continue;
                }
                let slot = u32::try_from(slot).unwrap_or(u32::MAX);
                pieces.push(Piece { slot, about, text: Words { reason: r.reason.take(), adjustments: std::mem::take(&mut r.adjustments) } });
            }
        }
        _ => {}
    }
    pieces
}

/// Puts the pieces of text (by slot; `None`: erased) back into `event`.
fn put_back(event: &mut Event, pieces: &HashMap<u32, Option<Words>>) {
    let erased = || Text::parse(ERASED).ok();
    match event {
        Event::SubjectIdentified(s) => match pieces.get(&0) {
            Some(Some(words)) => s.reason.clone_from(&words.reason),
            Some(None) => s.reason = erased(),
            None => {}
        },
        Event::ItemsReviewed { reviews } => {
            for (slot, r) in reviews.iter_mut().enumerate() {
                match pieces.get(&u32::try_from(slot).unwrap_or(u32::MAX)) {
                    Some(Some(words)) => {
                        r.reason.clone_from(&words.reason);
                        r.adjustments = words.adjustments.clone();
                    }
                    // The reason's place is kept: a restriction still reads as reasoned.
                    Some(None) => {
                        r.reason = erased();
                        r.adjustments = Adjustments::default();
                    }
                    None => {}
                }
            }
        }
        _ => {}
    }
}

/// Writes the pieces taken out of event `seq` of `request`; a piece about something already
/// disposed of is written erased, and its slot returned.
pub(crate) async fn write(conn: &mut AnyConnection, request: EntityId, seq: u32, pieces: &[Piece]) -> Result<Vec<u32>, StoreError> {
    if pieces.is_empty() {
        return Ok(Vec::new());
    }
    if !conn.backend_name().eq_ignore_ascii_case("sqlite") {
        // On PostgreSQL, a disposal holds `audit_pending` exclusively from its start
        // (`disposal::hold_pending`): taking it here orders this write before or after any
        // disposal, so either the stub is seen below or the disposal's erasure sees this row.
        // (On SQLite, writers are already one at a time.)
        sqlx::query("LOCK TABLE audit_pending IN ROW EXCLUSIVE MODE").execute(&mut *conn).await?;
    }
    let about: Vec<EntityId> = pieces.iter().map(|p| p.about).collect();
    let gone: HashSet<EntityId> =
        crate::disposal::ids_where(conn, "SELECT entity_id FROM disposed WHERE entity_id IN", &about).await?.into_iter().collect();
    for piece in pieces {
        let text = if gone.contains(&piece.about) {
            None
        } else {
            Some(serde_json::to_string(&piece.text).map_err(|_| StoreError::Refused("the event could not be recorded".into()))?)
        };
        sqlx::query("INSERT INTO information_request_text (request_id, seq, slot, about, text) VALUES ($1, $2, $3, $4, $5)")
            .bind(request.as_bytes().to_vec())
            .bind(i64::from(seq))
            .bind(i64::from(piece.slot))
            .bind(piece.about.as_bytes().to_vec())
            .bind(text)
            .execute(&mut *conn)
            .await?;
    }
    Ok(pieces.iter().filter(|p| gone.contains(&p.about)).map(|p| p.slot).collect())
}

/// Shows the text in `slots` of `event` as erased (written erased by [`write`]).
pub(crate) fn show_erased(event: &mut Event, slots: &[u32]) {
    if !slots.is_empty() {
        put_back(event, &slots.iter().map(|s| (*s, None)).collect());
    }
}

/// Puts the text of `request`'s events (`(seq, event)` in order) back, as read now.
pub(crate) async fn join<'a>(conn: &mut AnyConnection, request: EntityId, events: impl Iterator<Item = (u32, &'a mut Event)>) -> Result<(), StoreError> {
    let rows = sqlx::query("SELECT seq, slot, text FROM information_request_text WHERE request_id = $1")
        .bind(request.as_bytes().to_vec())
        .fetch_all(&mut *conn)
        .await?;
    let mut by_event: HashMap<u32, HashMap<u32, Option<Words>>> = HashMap::new();
    for row in rows {
        let seq = u32::try_from(row.try_get::<i64, _>(0)?).unwrap_or(0);
        let slot = u32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(u32::MAX);
        let text: Option<String> = row.try_get(2)?;
        let piece = text.map(|t| serde_json::from_str::<Words>(&t)).transpose().map_err(|_| crate::entities::corrupt("a request's history"))?;
        by_event.entry(seq).or_default().insert(slot, piece);
    }
    for (seq, event) in events {
        if let Some(pieces) = by_event.get(&seq) {
            put_back(event, pieces);
        }
    }
    Ok(())
}

/// Erases, in the caller's transaction, the casework text about any of `going` (being disposed
/// of). Returns how many pieces.
pub(crate) async fn erase(conn: &mut AnyConnection, going: &[EntityId]) -> Result<u64, StoreError> {
    crate::disposal::run(conn, "UPDATE information_request_text SET text = NULL WHERE text IS NOT NULL AND about IN", going).await
}

/// Moves the text out of every request event written before it was kept apart, in the caller's
/// transaction (once, when a store is first opened with it; the history may be rewritten only
/// until then). An event that cannot be read is left as it is, and logged.
pub(crate) async fn backfill(conn: &mut AnyConnection) -> Result<usize, StoreError> {
    let rows = sqlx::query("SELECT request_id, seq, body FROM information_request_event ORDER BY request_id, seq").fetch_all(&mut *conn).await?;
    let mut moved = 0;
    let mut subject: Option<(Vec<u8>, EntityId)> = None;
    for row in rows {
        let request: Vec<u8> = row.try_get(0)?;
        let seq: i64 = row.try_get(1)?;
        let body: String = row.try_get(2)?;
        let Ok(mut event) = serde_json::from_str::<Event>(&body) else {
            tracing::error!("a stored request event is unreadable; its text is left in place");
            continue;
        };
        if let Event::SubjectIdentified(s) = &event {
            subject = Some((request.clone(), s.person));
        }
        let current = subject.as_ref().filter(|(r, _)| *r == request).map(|(_, person)| *person);
        let pieces = split(&mut event, current);
        if pieces.is_empty() {
            continue;
        }
        let stripped = serde_json::to_string(&event).map_err(|_| crate::entities::corrupt("a request's history"))?;
        sqlx::query("UPDATE information_request_event SET body = $1 WHERE request_id = $2 AND seq = $3")
            .bind(stripped)
            .bind(request.clone())
            .bind(seq)
            .execute(&mut *conn)
            .await?;
        write(conn, crate::batch::id_of(request)?, u32::try_from(seq).unwrap_or(0), &pieces).await?;
        moved += 1;
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use custos_core::text::Label;
    use custos_rights::discovery::Subject;

    fn review(item: &str, reason: Option<&str>, redact: &[&str]) -> custos_rights::discovery::ItemReview {
        serde_json::from_value(serde_json::json!({
            "item": item, "decision": if reason.is_some() { "withhold" } else { "disclose" },
            "ground": reason.map(|_| "s45_4_e"), "reason": reason,
            "adjustments": { "release": [], "redact": redact },
        }))
        .unwrap()
    }

    #[test]
    fn text_is_split_by_what_it_is_about_and_put_back() {
        let (a, b, subject) = (EntityId::new(), EntityId::new(), EntityId::new());
        let original = Event::ItemsReviewed {
            reviews: vec![
                review(&format!("entity:{a}:1"), Some("Names the informant Rook"), &[]),
                review(&format!("entity:{b}:2"), None, &["Rook"]),
                review("audit:7", Some("Shows who looked her up"), &[]),
                review(&format!("entity:{b}:3"), None, &[]),
            ],
        };
        let mut event = original.clone();
        let pieces = split(&mut event, Some(subject));
        assert_eq!(pieces.iter().map(|p| (p.slot, p.about)).collect::<Vec<_>>(), [(0, a), (1, b), (2, subject)]);
        let Event::ItemsReviewed { reviews } = &event else { panic!() };
        assert!(reviews.iter().all(|r| r.reason.is_none() && r.adjustments == Adjustments::default()), "no text left in the event");
        // Read back whole: as written.
        let mut whole = event.clone();
        put_back(&mut whole, &pieces.iter().map(|p| (p.slot, Some(p.text.clone()))).collect());
        assert_eq!(whole, original);
        // With the first record's text erased: its reason reads as erased, the rest as written.
        let mut read = event.clone();
        put_back(&mut read, &pieces.iter().map(|p| (p.slot, (p.about != a).then(|| p.text.clone()))).collect());
        let Event::ItemsReviewed { reviews } = &read else { panic!() };
        assert_eq!(reviews[0].reason.as_ref().map(Text::as_str), Some(ERASED));
        assert_eq!(reviews[1].adjustments.redact, ["Rook"]);
        assert_eq!(reviews[2].reason.as_ref().map(Text::as_str), Some("Shows who looked her up"));
    }

    #[test]
    fn the_reason_a_subject_was_chosen_is_about_them() {
        let (person, other) = (EntityId::new(), EntityId::new());
        let reason = Text::parse("Same scar, same address in Leyton").unwrap();
        let mut event = Event::SubjectIdentified(Subject { person, search: Label::parse("s1").unwrap(), reason: Some(reason), also: vec![other] });
        let pieces = split(&mut event, None);
        assert_eq!(pieces.iter().map(|p| p.about).collect::<Vec<_>>(), [person], "not the other records named");
        put_back(&mut event, &[(0, None)].into_iter().collect());
        let Event::SubjectIdentified(s) = &event else { panic!() };
        assert_eq!(s.reason.as_ref().map(Text::as_str), Some(ERASED));
    }
}
