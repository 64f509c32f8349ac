//! The auditor's view of the audit log: the latest checkpoint, the most recent events a page at a
//! time, and on request whether the whole log verifies (every leaf chained, every checkpoint
//! signed by this log's key and matching its tree, none behind the integrator's anchor). Reading it is
//! the `audit` action — the store authorises and audits the consultation before anything is
//! shown, so a user without it gets the denied page and an audit record.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use custos_audit::Checkpoint;
use custos_store::audit::AuditEntry;
use maud::{Markup, html};

use super::auth::Officer;
use super::error::PageError;
use super::form::Posted;
use super::layout::{Page, csrf_field, page, when};
use super::record::query_fields;
use crate::AppState;

/// Events per page.
const PER_PAGE: u64 = 50;

/// `GET /audit?before=SEQ`: the newest events (or those before `SEQ`), newest first.
pub async fn page_handler(State(state): State<AppState>, officer: Officer, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let before = query_fields(raw.as_deref()).get("before").parse::<u64>().ok();
    render(&state, &officer, before, false).await
}

/// `POST /audit/verify`: the same page, after recomputing the whole log. Verification reads
/// every leaf, so it runs when an auditor asks for it (a form post, which no prefetch or crawler
/// sends), not on every view.
pub async fn verify(State(state): State<AppState>, posted: Posted) -> Result<Response, PageError> {
    render(&state, &posted.officer, None, true).await
}

async fn render(state: &AppState, officer: &Officer, before: Option<u64>, verify: bool) -> Result<Response, PageError> {
    // Authorised and audited first: nothing below runs for a user who may not audit.
    let note = state.store.audit_checkpoint(&officer.principal).await?;
    let checkpoint = note.as_deref().and_then(|n| n.split_once("\n\n")).and_then(|(body, _)| Checkpoint::parse(&format!("{body}\n")).ok());
    let size = checkpoint.as_ref().map_or(0, Checkpoint::size);
    let verification = if verify {
        Some(state.store.verify_audit(&[state.store.audit_verifier()]).await?.and_then(|r| r.require_sealed()))
    } else {
        None
    };
    let before = before.filter(|b| *b <= size).unwrap_or(size);
    let first = before.saturating_sub(PER_PAGE);
    let entries = if before == 0 {
        Vec::new()
    } else {
        let after = first.checked_sub(1);
        let mut entries = state.store.audit_events(&officer.principal, after, (before - first) as u32).await?.entries;
        entries.reverse();
        entries
    };
    let body = html! {
        section {
            h2 { "Integrity" }
            @match &verification {
                Some(Ok(report)) => div.ok role="status" {
                    strong { "Verified." }
                    " " (report.leaves) " events chained and covered by " (report.checkpoints) " signed checkpoints, "
                    "checked just now against this log's public key."
                }
                Some(Err(e)) => div.alert role="alert" { strong { "Verification FAILED: " } (e.to_string()) }
                None => p { "Not verified in this view." }
            }
            form method="post" action="/audit/verify" {
                (csrf_field(officer))
                button type="submit" { "Verify the whole log now" }
            }
            @if let Some(c) = &checkpoint {
                dl {
                    dt { "Log" } dd { (c.origin()) }
                    dt { "Size" } dd { (c.size()) }
                    dt { "Root" } dd.hash { (hex(c.root())) }
                }
            } @else { p { "No events have been integrated yet." } }
        }
        section {
            h2 { "Events " (first) "–" (before.saturating_sub(1)) }
            @if entries.is_empty() { p { "None." } } @else { (events_table(&entries)) }
            @if first > 0 { p { a.button href={ "/audit?before=" (first) } rel="next" { "Older events" } } }
        }
    };
    Ok(Page::ok(page("Audit log", Some(officer), body)).into_response())
}

fn events_table(entries: &[AuditEntry]) -> Markup {
    html! {
        div.scroll {
            table {
                thead { tr { th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "What" } th scope="col" { "Decision" } th scope="col" { "Records" } } }
                tbody {
                    @for e in entries {
                        tr {
                            td { (e.seq) }
                            td { (when(e.event.at)) }
                            td { (e.event.actor) }
                            td { (e.event.kind.as_str()) }
                            td { (e.event.decision.as_str()) }
                            td { @for o in e.event.objects.iter().take(3) { (o.kind) " " (o.id.get(..8).unwrap_or(&o.id)) br; } @if e.event.objects.len() > 3 { "+" (e.event.objects.len() - 3) " more" } }
                        }
                    }
                }
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
