//! The FOI disclosure log (`/disclosure-log?q=`), public: the answers the force has published,
//! newest first, searchable by their words. It shows only what was published (a title, the
//! response, the reference and dates); the store refused any publication naming the requester.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use custos_store::rights::MAX_DISCLOSURES;
use custos_store::search::Page as LogPage;
use maud::html;

use super::error::PageError;
use super::layout::{Page, human, page};
use super::record::query_fields;
use crate::AppState;

/// `GET /disclosure-log`.
pub async fn page_handler(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    let q = query.get("q").to_owned();
    let entries = state.store.disclosure_log(&q, LogPage::first(MAX_DISCLOSURES)).await?;
    let body = html! {
        p { "Answers to Freedom of Information requests, published for everyone. Requesters are never named." }
        form method="get" action="/disclosure-log" role="search" {
            label for="q" { "Words in the title or the answer" }
            input #q name="q" type="search" value=(q);
            button type="submit" { "Search" }
        }
        @if entries.is_empty() { p.muted { "No published answers match." } }
        ol.records {
            @for e in &entries {
                li {
                    strong { (e.title) } br;
                    span.muted { (e.reference) ", answered " (e.answered) " (" (human(&e.outcome)) "), published " (e.published) }
                    details { summary { "The answer" } p { (e.response) } }
                }
            }
        }
    };
    Ok(Page::ok(page("FOI disclosure log", None, body)).into_response())
}
