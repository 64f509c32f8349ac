//! The duplicate-review queue for records managers (`/reviews`): the pairs of people the linker
//! would not join on its own, most probable first, each shown side by side (the same comparison
//! as search before create, differences marked in words), with the match probability, why the
//! pair is here in words, and the matcher's explanation. The records manager gives a reason and
//! decides: "Same person — link" merges the pair (undoable, like any merge), "Different people —
//! reject" records two people whom the linker will never join again.
//!
//! Listing the queue shows people's records, so it is a justified consultation like any record
//! page: without a justification the page asks for one and reads nothing. The decision form
//! carries the justification back, so the page after the decision lists the queue under the same
//! reason. Authorisation (the right to merge) and audit are the store's: a user without it gets
//! the denied page, and the attempt is recorded.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use custos_core::entity::EntityBody;
use custos_store::StoreError;
use custos_store::entities::Justification;
use custos_store::review::{ReviewDecision, ReviewId, ReviewItem, ReviewOutcome};
use custos_store::search::Page as QueuePage;
use maud::{Markup, html};

use super::auth::Officer;
use super::compare::{compare, compare_table, percent, why as in_words};
use super::error::{PageError, see_other};
use super::form::Posted;
use super::layout::{Page, alert, csrf_field, human, page, when};
use super::record::{ask_justification, carry, justification, query_fields, record_href, title};
use crate::AppState;
use crate::problem::Problem;

/// Where the queue is.
pub const PATH: &str = "/reviews";
/// Pairs per page.
const PER_PAGE: usize = 20;
/// The page's title.
const TITLE: &str = "Possible duplicates to review";

/// `GET /reviews`: asks for the justification, then lists the open pairs.
pub async fn page_handler(State(state): State<AppState>, officer: Officer, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    let Some(why) = justification(&query)? else {
        return Ok(ask_justification(&officer, PATH).into_response());
    };
    let offset = query.get("offset").parse::<usize>().unwrap_or(0);
    let notice = match query.get("done") {
        "linked" => Some("Linked: the two records are now one person. The merge can be undone if it was wrong."),
        "rejected" => Some("Rejected: recorded as two different people. They will not be linked automatically."),
        _ => None,
    };
    let page = queue_page(&state, &officer, &why, offset, notice.map(Notice::Done)).await?;
    Ok(page.into_response())
}

/// `POST /reviews/{id}`: the records manager's decision on one pair.
pub async fn decide(State(state): State<AppState>, Path(raw_id): Path<String>, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let id: ReviewId = raw_id.parse().map_err(|_| Problem::field("id", "is not a review id"))?;
    let decision = match fields.get("decision") {
        "link" => ReviewDecision::Link,
        "reject" => ReviewDecision::Reject,
        _ => return Err(Problem::field("decision", "choose same person (link) or different people (reject)").into()),
    };
    // The justification the queue was listed under, carried by the form (checked again here).
    let why = fields.optional("justification").and_then(|text| Justification::parse(&text).ok());
    match state.store.decide_review(&officer.principal, id, decision, fields.get("reason")).await {
        Ok(outcome) => {
            let done = match outcome {
                ReviewOutcome::Linked(_) => "linked",
                ReviewOutcome::Rejected => "rejected",
            };
            Ok(match &why {
                Some(why) => see_other(&format!("{PATH}?{}&done={done}", carry(why))),
                None => see_other(PATH),
            })
        }
        // No reason, or decided meanwhile by someone else: the queue again, saying why.
        Err(StoreError::Refused(message)) => match &why {
            Some(why) => {
                let mut page = queue_page(&state, &officer, why, 0, Some(Notice::Refused(&message))).await?;
                page.status = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(page.into_response())
            }
            None => Err(StoreError::Refused(message).into()),
        },
        Err(e) => Err(e.into()),
    }
}

/// What the page says above the list.
enum Notice<'a> {
    /// A decision was recorded.
    Done(&'a str),
    /// A decision was refused, with the store's reason.
    Refused(&'a str),
}

async fn queue_page(
    state: &AppState,
    officer: &Officer,
    why: &Justification,
    offset: usize,
    notice: Option<Notice<'_>>,
) -> Result<Page, PageError> {
    let queue = state.store.review_queue(&officer.principal, QueuePage { offset, limit: PER_PAGE }, why).await?;
    let items = queue.items;
    let body = html! {
        @match notice {
            Some(Notice::Done(text)) => p.ok role="status" { (text) },
            Some(Notice::Refused(text)) => (alert(&format!("Nothing was decided: {text}."))),
            None => {},
        }
        p { "Each pair below may be one person recorded twice. Compare the two records, give your reason, and decide. Linking merges the newer record into the older; rejecting records them as different people." }
        @if items.is_empty() {
            p.ok role="status" { "No pairs are waiting for review" @if offset > 0 { " on this page" } "." }
        } @else {
            p role="status" { (items.len()) @if items.len() == 1 { " pair" } @else { " pairs, most likely first" } "." }
        }
        @for (i, item) in items.iter().enumerate() { (pair_section(offset + i + 1, officer, why, item)) }
        @if let Some(next) = queue.next_offset {
            p { a href={ (PATH) "?" (carry(why)) "&offset=" (next) } { "More pairs" } }
        }
    };
    Ok(Page::ok(page(TITLE, Some(officer), body)))
}

fn pair_section(number: usize, officer: &Officer, why: &Justification, item: &ReviewItem) -> Markup {
    let (EntityBody::Person(a), EntityBody::Person(b)) = (&item.a.body, &item.b.body) else { return html! {} };
    let heading = format!("pair-{number}");
    let reason_id = format!("reason-{}", item.id);
    html! {
        section.candidate aria-labelledby=(heading) {
            h2 id=(heading) { "Pair " (number) ": " (title(&item.a.body)) " and " (title(&item.b.body)) }
            p.probability { strong { (percent(item.probability)) } " match probability" }
            p { strong { "Why it is here: " } (cause_words(&item.cause)) }
            (compare_table(&compare(a, b), ["Record A", "Record B"], ["not recorded", "not recorded"]))
            p.muted {
                "Record A: " a href=(record_href(item.a.id, Some(why))) { (item.a.id) }
                " · Record B: " a href=(record_href(item.b.id, Some(why))) { (item.b.id) }
                " · queued " (when(item.queued_at))
            }
            p.why { "Why the matcher thinks so: " (in_words(&item.explanation)) ". Numbers count for (+) or against (−) being the same person." }
            form method="post" action={ (PATH) "/" (item.id) } {
                (csrf_field(officer))
                input type="hidden" name="justification" value=(why.as_str());
                div.field {
                    label for=(reason_id) { "Reason for your decision (recorded in the audit log)" }
                    textarea id=(reason_id) name="reason" rows="2" required minlength="3" maxlength="4000" {}
                }
                div.choices {
                    button.choose type="submit" name="decision" value="link" { "Same person — link" }
                    button.secondary type="submit" name="decision" value="reject" { "Different people — reject" }
                }
            }
        }
    }
}

/// Why a pair is in the queue, as a records manager would say it.
fn cause_words(cause: &str) -> String {
    if cause == "review_band" {
        return "the match is likely but not certain enough to link automatically: a person must decide".to_owned();
    }
    match cause.strip_prefix("conflicting_") {
        Some("pnc_id") => "different PNC IDs: a person must decide".to_owned(),
        Some("cro_number") => "different CRO numbers: a person must decide".to_owned(),
        Some("ni_number") => "different National Insurance numbers: a person must decide".to_owned(),
        Some("date_of_birth") => {
            "likely the same person, but linking them would put dates of birth too far apart for one person in one \
             nominal: a person must decide"
                .to_owned()
        }
        Some(kind) => format!("different {} values: a person must decide", human(kind).to_lowercase()),
        None => human(cause),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_read_as_words() {
        assert_eq!(cause_words("conflicting_pnc_id"), "different PNC IDs: a person must decide");
        assert!(cause_words("conflicting_ni_number").contains("National Insurance"));
        assert!(cause_words("review_band").contains("a person must decide"));
        assert!(cause_words("conflicting_date_of_birth").contains("dates of birth too far apart"));
        assert_eq!(cause_words("conflicting_passport"), "different passport values: a person must decide");
        assert_eq!(cause_words("something_new"), "Something new");
    }
}
