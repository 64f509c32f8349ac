//! What a record page adds for an operational record: a custody record's PACE clocks first (due
//! or overdue, as the custody officer must see them before anything else), what can follow from
//! the record (an arrest from an incident, the custody record from an arrest), and the people,
//! places, events and records it refers to, by name. Reading those names is a consultation like
//! any other: each is an audited read under the page's justification, and one the officer may
//! not read is shown only as restricted.

use custos_core::custody::ClockState;
use custos_core::entity::EntityKind;
use custos_core::ids::EntityId;
use custos_core::record::{CustodyRecord, Record};
use custos_store::StoreError;
use custos_store::entities::{EntityRecord, Justification};
use jiff::Timestamp;
use maud::{Markup, html};

use super::auth::Officer;
use super::error::PageError;
use super::layout::{human, when};
use super::record::{carry, record_href, title};
use crate::AppState;

/// A record referred to: the field naming it, its id, and its title when it may be read.
pub struct About {
    field: &'static str,
    id: EntityId,
    title: Option<String>,
}

/// Reads the title of everything `record` refers to.
pub async fn about(state: &AppState, officer: &Officer, record: &Record, why: &Justification) -> Result<Vec<About>, PageError> {
    let mut out: Vec<About> = Vec::new();
    for (field, id, _) in record.references() {
        if out.iter().any(|a| a.id == id && a.field == field) {
            continue;
        }
        let title = match state.store.read_entity(&officer.principal, id, why).await {
            Ok(r) => Some(title(&r.body)),
            Err(StoreError::Denied) => None,
            Err(e) => return Err(e.into()),
        };
        out.push(About { field, id, title });
    }
    Ok(out)
}

fn clock(state: ClockState) -> Markup {
    match state {
        ClockState::Due { at } => html! { "due by " (when(at)) },
        ClockState::Overdue { since } => html! { strong.overdue { "OVERDUE since " (when(since)) } },
        ClockState::Stopped => html! { "stopped" },
    }
}

/// A custody record's clocks at `now` (PACE s.40 reviews, s.41–44 the limit).
fn clocks(c: &CustodyRecord, now: Timestamp) -> Markup {
    let d = &c.detention;
    let overdue = matches!(d.review_state(now), ClockState::Overdue { .. }) || matches!(d.limit_state(now), ClockState::Overdue { .. });
    html! {
        section.warnings[overdue] aria-labelledby="clocks" {
            h2 #clocks { "PACE clocks" }
            dl {
                dt { "Relevant time" } dd { (when(d.relevant_time())) }
                dt { "Next review (s.40)" } dd { (clock(d.review_state(now))) }
                dt { "Detention limit (s.41–44)" } dd { (when(d.limit())) ", " (clock(d.limit_state(now))) }
                @for (i, late) in d.late_reviews() {
                    dt { "Review " (i + 1) } dd { "held " (late.as_mins()) " minutes late" }
                }
            }
        }
    }
}

/// What can be recorded next from this record, each form opened from it.
fn follow_on(entity: &EntityRecord, record: &Record, why: &Justification) -> Markup {
    let open = |kind: EntityKind| format!("/records/new/{}?from={}&{}", kind.as_str(), entity.id, carry(why));
    let next: &[(EntityKind, &str)] = match record {
        Record::Incident(_) => &[
            (EntityKind::Arrest, "Record an arrest"),
            (EntityKind::CrimeReport, "Record a crime"),
            (EntityKind::AsbReport, "Record anti-social behaviour"),
            (EntityKind::VulnerablePersonReport, "Record a vulnerable person"),
        ],
        Record::Arrest(_) => &[(EntityKind::CustodyRecord, "Open the custody record")],
        Record::CrimeReport(_) => &[(EntityKind::CaseFile, "Prepare the case file")],
        _ => &[],
    };
    html! {
        @if !next.is_empty() {
            nav.actions aria-label="Next" {
                @for (kind, label) in next { a.button href=(open(*kind)) { (label) } }
            }
        }
    }
}

/// The sections shown before a record's details.
pub fn sections(entity: &EntityRecord, record: &Record, about: &[About], officer: &Officer, why: &Justification) -> Markup {
    html! {
        @if let Record::CustodyRecord(c) = record {
            (clocks(c, Timestamp::now()))
            (super::custody::forms(entity.id, c, entity.version, officer, why))
        }
        @if let Record::CaseFile(f) = record {
            (super::case_file::forms(entity.id, f, entity.version, officer, why))
        }
        (follow_on(entity, record, why))
        @if !about.is_empty() {
            section {
                h2 { "About" }
                ul.records {
                    @for a in about {
                        li {
                            span.tag { (human(a.field)) } " "
                            @match &a.title {
                                Some(t) => a href=(record_href(a.id, Some(why))) { (t) },
                                None => span.muted { "a restricted record" },
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Actions on a POLE record that start an operational record: an incident at a place,
/// intelligence about a person.
pub fn actions(entity: &EntityRecord, why: &Justification) -> Markup {
    html! {
        @if entity.kind == EntityKind::Location {
            a.button href={ "/records/new/incident?from=" (entity.id) "&" (carry(why)) } { "Record an incident here" }
        }
        @if entity.kind == EntityKind::Person {
            a.button href={ "/records/new/intelligence_report?from=" (entity.id) "&" (carry(why)) } { "Record intelligence" }
        }
    }
}
