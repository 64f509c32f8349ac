//! The home page: what the officer can do, and the records they worked on most recently (the
//! store authorises each and audits the listing). Opening one asks for the reason, as any
//! consultation does.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use custos_core::role::Role;
use maud::html;

use super::auth::Officer;
use super::error::PageError;
use super::layout::{Page, human, page};
use super::record::list_item;
use crate::AppState;

/// How many recent records the home page lists.
const RECENT: usize = 20;

/// `GET /`.
pub async fn page_handler(State(state): State<AppState>, officer: Officer) -> Result<Response, PageError> {
    let recent = state.store.recent_work(&officer.principal, RECENT).await?;
    let roles: Vec<String> = officer.principal.roles.iter().map(|r| human(r.as_str())).collect();
    let body = html! {
        p.muted { "Signed in as " (officer.principal.user) " (" (roles.join(", ")) ")" }
        p.actions {
            a.button href="/search" { "Search" }
            a.button href="/people/new" { "New person" }
            a.button href="/new/object" { "New object" }
            a.button href="/new/location" { "New location" }
            a.button href="/new/event" { "New event" }
            @if officer.principal.roles.contains(&Role::RecordsManager) {
                a.button href="/reviews" { "Review possible duplicates" }
            }
        }
        section {
            h2 { "Your recent work" }
            @if recent.is_empty() {
                p { "Nothing yet. Records you create or change appear here." }
            } @else {
                ul.records { @for record in &recent { li { (list_item(record, None)) } } }
            }
        }
    };
    Ok(Page::ok(page("Home", Some(&officer), body)).into_response())
}
