//! Erasing from subject access casework the free text about what a disposal deletes (DOMAIN.md
//! §7: disposal removes the personal data everywhere in the store).
//!
//! A request's history is append-only (`rights`), but two kinds of its events hold free text about
//! records and people that may later be disposed of: the officer's reviews of a bundle's items
//! (the reasons for a restriction, and the words released from or added to the redaction, often
//! a third party's name), and the identification of the subject (why this candidate). Each event
//! holding such text is indexed by what it is about (`information_request_about`): a review of a
//! record's item by that record, a review of an audit event's item and the identification by the
//! subject (and the other records of theirs the officer named). When any of those is disposed
//! of, the text is replaced by [`ERASED`] in the event, the one change the history allows, and
//! counted (`erased`); the decisions, grounds and dates stay, so the request still replays and
//! the Commissioner can still see that a restriction was reasoned. Text written about something
//! already disposed of is erased before it is written.

use std::collections::HashSet;

use custos_core::ids::EntityId;
use custos_core::text::Text;
use custos_rights::discovery::{Subject, item_entity};
use custos_rights::redact::Adjustments;
use custos_rights::request::Event;
use sqlx::{AnyConnection, Row};

use crate::error::StoreError;
use crate::sql::{Placeholders, in_list};

/// What erased text reads as.
pub const ERASED: &str = "[erased: what this was about was disposed of]";

/// The entities whose free text `event` holds, given the request's subject when it was recorded.
fn about(event: &Event, subject: Option<&Subject>) -> Vec<EntityId> {
    let subjects = || subject.into_iter().flat_map(|s| std::iter::once(s.person).chain(s.also.iter().copied()));
    let mut out: Vec<EntityId> = match event {
        Event::SubjectIdentified(s) if s.reason.is_some() => std::iter::once(s.person).chain(s.also.iter().copied()).collect(),
        Event::ItemsReviewed { reviews } => reviews
            .iter()
            .filter(|r| r.reason.is_some() || r.adjustments != Adjustments::default())
            .flat_map(|r| match item_entity(&r.item) {
                Some(id) => vec![id],
                None => subjects().collect(),
            })
            .collect(),
        _ => Vec::new(),
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// Replaces the text in `event` about any of `going`; whether anything changed.
fn scrub(event: &mut Event, going: &HashSet<EntityId>, subject: Option<&Subject>) -> bool {
    // ERASED is valid text (the tests read it back).
    let erased = || Text::parse(ERASED).ok();
    let names = |s: &Subject| std::iter::once(&s.person).chain(&s.also).any(|id| going.contains(id));
    let mut changed = false;
    match event {
        Event::SubjectIdentified(s) if names(s) && s.reason.as_ref().is_some_and(|r| r.as_str() != ERASED) => {
            s.reason = erased();
            changed = true;
        }
        Event::ItemsReviewed { reviews } => {
            for r in reviews {
                let gone = match item_entity(&r.item) {
                    Some(id) => going.contains(&id),
                    None => subject.is_some_and(names),
                };
                let holds_text = r.reason.as_ref().is_some_and(|t| t.as_str() != ERASED) || r.adjustments != Adjustments::default();
                if gone && holds_text {
                    r.reason = r.reason.as_ref().and(erased());
                    r.adjustments = Adjustments::default();
                    changed = true;
                }
            }
        }
        _ => {}
    }
    changed
}

/// The subject identified before event `seq` of a request's history (`events` in order, from 1).
fn subject_before(events: &[(u32, Event)], seq: u32) -> Option<&Subject> {
    events.iter().take_while(|(s, _)| *s < seq).filter_map(|(_, e)| if let Event::SubjectIdentified(s) = e { Some(s) } else { None }).last()
}

async fn disposed_among(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<HashSet<EntityId>, StoreError> {
    Ok(crate::disposal::ids_where(conn, "SELECT entity_id FROM disposed WHERE entity_id IN", ids).await?.into_iter().collect())
}

/// Before event `event` is appended to a request whose subject is `subject`: erases its text
/// about anything already disposed of. Returns what the rest of its text is about, for [`index`].
pub(crate) async fn prepare(conn: &mut AnyConnection, event: &mut Event, subject: Option<&Subject>) -> Result<Vec<EntityId>, StoreError> {
    let about = about(event, subject);
    let gone = disposed_among(conn, &about).await?;
    if !gone.is_empty() {
        scrub(event, &gone, subject);
    }
    Ok(about.into_iter().filter(|id| !gone.contains(id)).collect())
}

/// Indexes event `seq` of `request` by the entities its text is about.
pub(crate) async fn index(conn: &mut AnyConnection, request: EntityId, seq: u32, about: &[EntityId]) -> Result<(), StoreError> {
    for id in about {
        sqlx::query("INSERT INTO information_request_about (entity_id, request_id, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(id.as_bytes().to_vec())
            .bind(request.as_bytes().to_vec())
            .bind(i64::from(seq))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn history(conn: &mut AnyConnection, request: &[u8]) -> Result<Vec<(u32, Event)>, StoreError> {
    let rows = sqlx::query("SELECT seq, body FROM information_request_event WHERE request_id = $1 ORDER BY seq")
        .bind(request.to_vec())
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let body: String = row.try_get(1)?;
        let event = serde_json::from_str(&body).map_err(|_| crate::entities::corrupt("a request's history"))?;
        out.push((u32::try_from(row.try_get::<i64, _>(0)?).unwrap_or(0), event));
    }
    Ok(out)
}

/// Erases, in the caller's transaction, the casework text about any of `going` (being disposed
/// of). Returns how many events were changed.
pub(crate) async fn erase(conn: &mut AnyConnection, going: &[EntityId]) -> Result<usize, StoreError> {
    let mut events: Vec<(Vec<u8>, u32)> = Vec::new();
    for chunk in going.chunks(300) {
        let head = "SELECT request_id, seq FROM information_request_about WHERE entity_id IN";
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            events.push((row.try_get(0)?, u32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0)));
        }
    }
    events.sort_unstable();
    events.dedup();
    let going_set: HashSet<EntityId> = going.iter().copied().collect();
    let mut changed = 0;
    let mut requests: Vec<&Vec<u8>> = events.iter().map(|(r, _)| r).collect();
    requests.dedup();
    for request in requests {
        let history = history(conn, request).await?;
        for (seq, event) in &history {
            if !events.contains(&(request.clone(), *seq)) {
                continue;
            }
            let mut event = event.clone();
            if !scrub(&mut event, &going_set, subject_before(&history, *seq)) {
                continue;
            }
            let body = serde_json::to_string(&event).map_err(|_| crate::entities::corrupt("a request's history"))?;
            sqlx::query("UPDATE information_request_event SET body = $1, erased = erased + 1 WHERE request_id = $2 AND seq = $3")
                .bind(body)
                .bind(request.clone())
                .bind(i64::from(*seq))
                .execute(&mut *conn)
                .await?;
            changed += 1;
        }
    }
    crate::disposal::run(conn, "DELETE FROM information_request_about WHERE entity_id IN", going).await?;
    Ok(changed)
}

/// Indexes every request's history written before the index was kept, in the caller's
/// transaction (once, when a store is first opened with it).
pub(crate) async fn backfill(conn: &mut AnyConnection) -> Result<usize, StoreError> {
    let requests: Vec<Vec<u8>> = sqlx::query_scalar("SELECT DISTINCT request_id FROM information_request_event").fetch_all(&mut *conn).await?;
    let mut indexed = 0;
    for request in requests {
        let id = crate::batch::id_of(request.clone())?;
        let history = history(conn, &request).await?;
        for (seq, event) in &history {
            let about = about(event, subject_before(&history, *seq));
            index(conn, id, *seq, &about).await?;
            indexed += usize::from(!about.is_empty());
        }
    }
    Ok(indexed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(item: &str, reason: Option<&str>, redact: &[&str]) -> custos_rights::discovery::ItemReview {
        serde_json::from_value(serde_json::json!({
            "item": item, "decision": if reason.is_some() { "withhold" } else { "disclose" },
            "ground": reason.map(|_| "s45_4_e"), "reason": reason,
            "adjustments": { "release": [], "redact": redact },
        }))
        .unwrap()
    }

    #[test]
    fn only_the_text_about_what_goes_is_erased() {
        let (a, b, subject) = (EntityId::new(), EntityId::new(), EntityId::new());
        let who = Subject { person: subject, search: custos_core::text::Label::parse("s1").unwrap(), reason: None, also: vec![] };
        let mut event = Event::ItemsReviewed {
            reviews: vec![
                review(&format!("entity:{a}:1"), Some("Names the informant Rook"), &[]),
                review(&format!("entity:{b}:2"), None, &["Rook"]),
                review("audit:7", Some("Shows who looked her up"), &[]),
                review(&format!("entity:{b}:3"), None, &[]),
            ],
        };
        assert_eq!(about(&event, Some(&who)), { let mut v = vec![a, b, subject]; v.sort(); v });
        let going: HashSet<EntityId> = [a].into_iter().collect();
        assert!(scrub(&mut event, &going, Some(&who)));
        let Event::ItemsReviewed { reviews } = &event else { panic!() };
        assert_eq!(reviews[0].reason.as_ref().map(Text::as_str), Some(ERASED));
        assert_eq!(reviews[1].adjustments.redact, ["Rook"], "another record's review stays");
        assert!(!scrub(&mut event, &going, Some(&who)), "nothing left to erase");
        // The subject going takes the reviews of audit items with them.
        let going: HashSet<EntityId> = [subject].into_iter().collect();
        assert!(scrub(&mut event, &going, Some(&who)));
        let Event::ItemsReviewed { reviews } = &event else { panic!() };
        assert_eq!(reviews[2].reason.as_ref().map(Text::as_str), Some(ERASED));
        assert_eq!(reviews[1].adjustments.redact, ["Rook"]);
    }

    #[test]
    fn the_reason_a_subject_was_chosen_goes_with_them() {
        let (person, other) = (EntityId::new(), EntityId::new());
        let reason = Text::parse("Same scar, same address in Leyton").unwrap();
        let mut event = Event::SubjectIdentified(Subject { person, search: custos_core::text::Label::parse("s1").unwrap(), reason: Some(reason), also: vec![other] });
        assert_eq!(about(&event, None).len(), 2);
        assert!(scrub(&mut event, &[other].into_iter().collect(), None));
        let Event::SubjectIdentified(s) = &event else { panic!() };
        assert_eq!(s.reason.as_ref().map(Text::as_str), Some(ERASED));
    }
}
