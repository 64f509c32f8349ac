//! MoPI review pages for records managers (`/retention`).
//!
//! - The queue lists the reviews due (date reached, or asked for early), oldest first, filtered by
//!   group, unit and days overdue, with no personal data. Records can be ticked and decided
//!   together: one decision each, all or none.
//! - A record's review page shows where its review stands (the group, the schedule's reason for
//!   the date, its offenders' newest contact, any legal hold) and every decision about it, asks
//!   the National Retention Assessment Criteria one by one, and records the outcome: retain (the
//!   reason required, the next review scheduled), archive, or dispose (the record deleted
//!   everywhere). A legal hold is placed or released there, and the record held in another group
//!   than its grading, each with its reason.
//! - The report (`/retention/report`) is the evidence that review happens: records by group,
//!   overdue reviews, decisions and disposals per month (drawn), the latest retentions with their
//!   reasons, and the last sweep.
//!
//! A refusal (no reason, a hold, a risk found, already disposed of) is shown on the page with the
//! rule's words, and nothing is recorded.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use custos_core::ids::EntityId;
use custos_core::record::MopiGroup;
use custos_core::retention::assessment::{Assessment, Criterion, Outcome};
use custos_store::StoreError;
use custos_store::retention::{State as Held, Trigger};
use custos_store::retention_report::Report;
use custos_store::retention_review::{Due, QueueFilter, RetentionFile, Review};
use maud::{Markup, html};

use super::auth::Officer;
use super::error::{PageError, see_other};
use super::form::{Fields, Posted};
use super::layout::{Page, alert, csrf_field, human, page, when};
use super::record::{ask_justification, fields_list, justification, query_fields, record_href, title};
use crate::AppState;
use crate::extract::IdParam;
use crate::problem::Problem;

/// Where the queue is.
pub const PATH: &str = "/retention";
const PER_PAGE: i64 = 100;

fn group_name(group: MopiGroup) -> &'static str {
    match group {
        MopiGroup::PublicProtection => "Group 1 (public protection)",
        MopiGroup::SexualViolentSerious => "Group 2 (sexual, violent, serious)",
        MopiGroup::OtherOffences => "Group 3 (other offences)",
        MopiGroup::Undetected => "Group 4 (undetected)",
    }
}

fn trigger_words(trigger: Trigger) -> &'static str {
    match trigger {
        Trigger::BackToNotice => "came back to notice",
        Trigger::DeletionRequest => "asked for deletion",
        Trigger::SubjectAccess => "made a subject access request",
    }
}

/// The assessment questions and the decision, shared by the queue's bulk form and a record's page.
fn decision_controls(fields: &Fields) -> Markup {
    let outcome = fields.get("outcome");
    html! {
        fieldset {
            legend { "National Retention Assessment Criteria" }
            p.hint { "Tick each question the review answers yes. Any yes means the record is retained." }
            @for c in Criterion::ALL {
                label.check {
                    input type="checkbox" name="risk" value=(c.as_str()) checked[fields.all("risk").contains(&c.as_str())];
                    " " (c.question())
                }
            }
        }
        fieldset {
            legend { "Decision" }
            @for (value, words) in [("retain", "Retain and review again"), ("dispose", "Dispose of (deleted everywhere; cannot be undone)"), ("archive", "Move to the restricted archive (historical value)")] {
                label.check { input type="radio" name="outcome" value=(value) checked[outcome == value]; " " (words) }
            }
        }
        label for="reason" { "Reason (required to retain or archive: the risk, or the other policing purpose)" }
        textarea #reason name="reason" rows="3" maxlength="2000" { (fields.get("reason")) }
        label for="next_review" { "Next review, if earlier than the schedule's (YYYY-MM-DD, optional)" }
        input #next_review type="date" name="next_review" value=(fields.get("next_review"));
    }
}

/// The reviews a posted form asks for, one per record.
fn reviews_from(fields: &Fields, records: &[EntityId]) -> Result<Vec<Review>, PageError> {
    let outcome: Outcome = fields.get("outcome").parse().map_err(|_| Problem::field("outcome", "choose retain, dispose or archive"))?;
    let mut risks = std::collections::BTreeSet::new();
    for r in fields.all("risk") {
        risks.insert(r.parse::<Criterion>().map_err(|_| Problem::field("risk", "is not one of the criteria"))?);
    }
    let next_review = match fields.optional("next_review") {
        Some(d) => Some(d.parse().map_err(|_| Problem::field("next_review", "must be a date, YYYY-MM-DD"))?),
        None => None,
    };
    let assessment = Assessment { outcome, risks, reason: fields.optional("reason"), next_review };
    Ok(records.iter().map(|record| Review { record: *record, assessment: assessment.clone() }).collect())
}

/// `GET /retention?group=&unit=&overdue_days=&triggered=`.
pub async fn queue(State(state): State<AppState>, officer: Officer, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    let notice = query.optional("done").map(|n| format!("Recorded {n} decision(s)."));
    Ok(queue_page(&state, &officer, &query, notice.as_deref(), None, &Fields::default()).await?.into_response())
}

async fn queue_page(state: &AppState, officer: &Officer, query: &Fields, notice: Option<&str>, error: Option<&str>, posted: &Fields) -> Result<Page, PageError> {
    let group = match query.get("group") {
        "" => None,
        g => Some(g.parse::<MopiGroup>().map_err(|_| Problem::field("group", "must be 1, 2, 3 or 4"))?),
    };
    let overdue = match query.get("overdue_days") {
        "" => None,
        d => Some(d.parse::<i64>().ok().filter(|d| *d >= 0).ok_or_else(|| Problem::field("overdue_days", "must be a whole number of days"))?),
    };
    let filter = QueueFilter { group, unit: query.optional("unit"), overdue_days: overdue, triggered: query.get("triggered") == "on" };
    let items = state.store.retention_queue(&officer.principal, &filter, 0, PER_PAGE).await?;
    let body = html! {
        p { a href="/retention/report" { "Retention report" } }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if let Some(e) = error { (alert(e)) }
        form.filters method="get" action=(PATH) {
            label for="group" { "Group" }
            select #group name="group" {
                option value="" { "Any" }
                @for g in MopiGroup::ALL { option value=(g.as_str()) selected[group == Some(*g)] { (group_name(*g)) } }
            }
            label for="unit" { "Unit" }
            input #unit name="unit" value=(query.get("unit"));
            label for="overdue_days" { "At least days overdue" }
            input #overdue_days type="number" min="0" name="overdue_days" value=(query.get("overdue_days"));
            label.check { input type="checkbox" name="triggered" checked[filter.triggered]; " Only reviews asked for early" }
            button type="submit" { "Show" }
        }
        @if items.is_empty() { p.muted { "No reviews due." } }
        @else {
            form method="post" action="/retention/decide" {
                (csrf_field(officer))
                table {
                    caption { (items.len()) " review(s) due, oldest first" }
                    thead { tr { th { "Decide" } th { "Record" } th { "Unit" } th { "Group" } th { "Review date" } th { "Why now" } } }
                    tbody { @for d in &items { (queue_row(d)) } }
                }
                h2 { "Decide the ticked records" }
                (decision_controls(posted))
                button type="submit" { "Record the decisions" }
            }
        }
    };
    Ok(Page::ok(page("Reviews due", Some(officer), body)))
}

fn queue_row(d: &Due) -> Markup {
    html! {
        tr {
            td { input type="checkbox" name="record" value=(d.record) aria-label={ "Decide " (human(d.kind.as_str())) " " (d.record) }; }
            td { a href={ "/retention/" (d.record) } { (human(d.kind.as_str())) } }
            td { (d.owning_unit) }
            td { (group_name(d.group)) }
            td.overdue[d.overdue_days > 0] {
                (d.next_review)
                @if d.overdue_days > 0 { " (" (d.overdue_days) " days overdue)" }
            }
            td {
                @if let Some(t) = d.triggered { "Subject " (trigger_words(t)) }
                @if d.legal_hold { " Legal hold" }
            }
        }
    }
}

/// `POST /retention/decide`: the ticked records decided together.
pub async fn decide_many(State(state): State<AppState>, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let mut records = Vec::new();
    for r in fields.all("record") {
        records.push(r.parse::<EntityId>().map_err(|_| Problem::field("record", "is not a record id"))?);
    }
    if records.is_empty() {
        let page = queue_page(&state, &officer, &Fields::default(), None, Some("Tick the records to decide."), &fields).await?;
        return Ok(page.status(axum::http::StatusCode::UNPROCESSABLE_ENTITY).into_response());
    }
    let reviews = reviews_from(&fields, &records)?;
    match state.store.review_records(&officer.principal, &reviews).await {
        Ok(done) => Ok(see_other(&format!("{PATH}?done={}", done.len()))),
        Err(StoreError::Refused(message)) => {
            let page = queue_page(&state, &officer, &Fields::default(), None, Some(&message), &fields).await?;
            Ok(page.status(axum::http::StatusCode::UNPROCESSABLE_ENTITY).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /retention/{id}`: one record's review.
pub async fn record_page(State(state): State<AppState>, officer: Officer, IdParam(id): IdParam, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    let notice = match query.get("done") {
        "retain" => Some("Retained: the next review is scheduled."),
        "archive" => Some("Moved to the restricted archive."),
        "hold" => Some("Legal hold recorded."),
        "group" => Some("Group changed: the next review is computed again."),
        _ => None,
    };
    Ok(review_page(&state, &officer, id, notice, None, &Fields::default()).await?.into_response())
}

async fn review_page(state: &AppState, officer: &Officer, id: EntityId, notice: Option<&str>, error: Option<&str>, posted: &Fields) -> Result<Page, PageError> {
    let file = state.store.retention_file(&officer.principal, id).await?;
    let body = html! {
        p { a href=(PATH) { "Back to the reviews due" } " · " a href=(record_href(id, None)) { "Open the record" } }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if let Some(e) = error { (alert(e)) }
        (standing(&file))
        @if file.scheduled.state == Held::Archived {
            p { a href={ "/retention/" (id) "/archived" } { "Read the archived record" } " (the archive's own permission; audited)" }
        }
        @if file.scheduled.state == Held::Active {
            form method="post" action={ "/retention/" (id) "/decide" } {
                (csrf_field(officer))
                (decision_controls(posted))
                button type="submit" { "Record the decision" }
            }
            form method="post" action={ "/retention/" (id) "/group" } {
                (csrf_field(officer))
                h2 { "Hold in another group" }
                label for="group" { "Group" }
                select #group name="group" {
                    option value="" { "As graded (" (group_name(file.graded)) ")" }
                    @for g in MopiGroup::ALL { option value=(g.as_str()) selected[file.override_group == Some(*g)] { (group_name(*g)) } }
                }
                label for="group-reason" { "Reason" }
                textarea #group-reason name="reason" rows="2" maxlength="2000" {}
                button type="submit" { "Change the group" }
            }
            form method="post" action={ "/retention/" (id) "/hold" } {
                (csrf_field(officer))
                h2 { @if file.scheduled.legal_hold { "Release the legal hold" } @else { "Place a legal hold" } }
                input type="hidden" name="hold" value=(if file.scheduled.legal_hold { "release" } else { "hold" });
                label for="hold-reason" { "Reason (the claim, inquiry or order)" }
                textarea #hold-reason name="reason" rows="2" maxlength="2000" {}
                button type="submit" { @if file.scheduled.legal_hold { "Release the hold" } @else { "Place the hold" } }
            }
        }
        h2 { "Decisions" }
        @if file.decisions.is_empty() { p.muted { "Never reviewed." } }
        @else {
            table {
                thead { tr { th { "When" } th { "By" } th { "Decision" } th { "Criteria answered yes" } th { "Reason" } th { "Next review" } } }
                tbody {
                    @for d in &file.decisions {
                        tr {
                            td { (when(d.decided_at)) } td { (d.decided_by) } td { (human(&d.outcome)) }
                            td { (d.risks.iter().map(|r| human(r.as_str())).collect::<Vec<_>>().join(", ")) }
                            td { (d.reason.as_deref().unwrap_or("")) }
                            td { @if let Some(n) = d.next_review { (n) } }
                        }
                    }
                }
            }
        }
    };
    Ok(Page::ok(page(&format!("Review: {}", human(file.kind.as_str())), Some(officer), body)))
}

/// `GET /retention/{id}/archived?justification=`: a record in the restricted archive, read with
/// the archive's own permission and a justification, like any consultation.
pub async fn archived_page(State(state): State<AppState>, officer: Officer, IdParam(id): IdParam, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    let Some(why) = justification(&query)? else {
        return Ok(ask_justification(&officer, &format!("/retention/{id}/archived")).into_response());
    };
    let record = state.store.read_archived(&officer.principal, id, &why).await?;
    let body = html! {
        p { a href={ "/retention/" (id) } { "Back to its review" } }
        p { "Recorded " (when(record.created_at)) "; moved to the restricted archive " (when(record.archived_at)) "." }
        (fields_list(&record.body))
    };
    Ok(Page::ok(page(&format!("Archived: {}", title(&record.body)), Some(&officer), body)).into_response())
}

/// Where the review stands, in words.
fn standing(file: &RetentionFile) -> Markup {
    let s = &file.scheduled;
    html! {
        dl {
            dt { "Held as" } dd { (group_name(s.group)) @if file.graded != s.group { " (graded " (group_name(file.graded)) ")" } }
            dt { "Recorded" } dd { (file.created) }
            dt { "Offenders' newest contact" } dd { (file.last_contact) }
            dt { "Last kept at review" } dd { @if let Some(d) = file.last_reviewed { (d) } @else { "never" } }
            dt { "Next review" } dd { (s.next_review) }
            dt { "May be disposed of from" } dd { @if let Some(d) = s.disposal_from { (d) } @else { "not while the subject's age is unknown (Group 1)" } }
            dt { "State" } dd { (human(match s.state { Held::Active => "active", Held::Archived => "archived", Held::Disposed => "disposed" })) }
            @if s.legal_hold { dt { "Legal hold" } dd.overdue { "Held: it cannot be disposed of or archived" } }
            @if let Some(t) = s.triggered { dt { "Review asked for" } dd { "The subject " (trigger_words(t)) } }
            dt { "Offenders" } dd { @for o in &file.offenders { a href=(record_href(*o, None)) { (o) } " " } }
        }
    }
}

/// `POST /retention/{id}/decide`.
pub async fn decide_one(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let reviews = reviews_from(&fields, &[id])?;
    match state.store.review_records(&officer.principal, &reviews).await {
        Ok(_) if reviews[0].assessment.outcome == Outcome::Dispose => Ok(see_other(&format!("{PATH}?done=1"))),
        Ok(_) => Ok(see_other(&format!("/retention/{id}?done={}", reviews[0].assessment.outcome))),
        Err(StoreError::Refused(message)) => {
            let page = review_page(&state, &officer, id, None, Some(&message), &fields).await?;
            Ok(page.status(axum::http::StatusCode::UNPROCESSABLE_ENTITY).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /retention/{id}/hold`.
pub async fn hold(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let hold = match fields.get("hold") {
        "hold" => true,
        "release" => false,
        _ => return Err(Problem::field("hold", "choose to place or release the hold").into()),
    };
    match state.store.set_legal_hold(&officer.principal, id, hold, fields.get("reason")).await {
        Ok(_) => Ok(see_other(&format!("/retention/{id}?done=hold"))),
        Err(StoreError::Refused(message)) => {
            let page = review_page(&state, &officer, id, None, Some(&message), &Fields::default()).await?;
            Ok(page.status(axum::http::StatusCode::UNPROCESSABLE_ENTITY).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /retention/{id}/group`.
pub async fn regrade(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let group = match fields.get("group") {
        "" => None,
        g => Some(g.parse::<MopiGroup>().map_err(|_| Problem::field("group", "must be 1, 2, 3 or 4"))?),
    };
    match state.store.regrade(&officer.principal, id, group, fields.get("reason")).await {
        Ok(_) => Ok(see_other(&format!("/retention/{id}?done=group"))),
        Err(StoreError::Refused(message)) => {
            let page = review_page(&state, &officer, id, None, Some(&message), &Fields::default()).await?;
            Ok(page.status(axum::http::StatusCode::UNPROCESSABLE_ENTITY).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /retention/report`.
pub async fn report(State(state): State<AppState>, officer: Officer) -> Result<Response, PageError> {
    let report = state.store.retention_report(&officer.principal).await?;
    Ok(Page::ok(page("Retention report", Some(&officer), report_body(&report))).into_response())
}

fn report_body(r: &Report) -> Markup {
    html! {
        p { "As of " (r.today) ". Every figure is computed from the retention rows and decisions now." }
        table {
            caption { "Records by MoPI group" }
            thead { tr { th { "Group" } th { "Held" } th { "Overdue for review" } th { "Due within 90 days" } th { "Archived" } th { "Disposed of" } } }
            tbody {
                @for (g, c) in &r.groups {
                    tr { th scope="row" { (group_name(*g)) } td { (c.held) } td.overdue[c.overdue > 0] { (c.overdue) } td { (c.due_soon) } td { (c.archived) } td { (c.disposed) } }
                }
            }
        }
        @if let Some(days) = r.oldest_overdue_days { p.overdue { "The oldest overdue review is " (days) " days past its date." } }
        @if !r.triggered.is_empty() {
            p { "Early reviews asked for: "
                @for (t, n) in &r.triggered { (human(t)) " " (n) "; " }
            }
        }
        h2 { "Decisions per month" }
        @if r.months.is_empty() { p.muted { "No decisions in the last two years." } } @else { (months_chart(r)) }
        h2 { "Latest decisions to retain" }
        @if r.retained.is_empty() { p.muted { "None yet." } }
        @else {
            table {
                thead { tr { th { "When" } th { "By" } th { "Group" } th { "Criteria answered yes" } th { "Reason" } } }
                tbody {
                    @for d in &r.retained {
                        tr {
                            td { (when(d.decided_at)) } td { (d.decided_by) } td { (group_name(d.group)) }
                            td { (d.risks.iter().map(|c| human(c.as_str())).collect::<Vec<_>>().join(", ")) }
                            td { (d.reason.as_deref().unwrap_or("(not shown)")) }
                        }
                    }
                }
            }
        }
        h2 { "Last sweep" }
        @match &r.last_sweep {
            Some(s) => p { (when(s.finished_at)) ": " (s.records) " records computed in " (format!("{:.1}", s.seconds)) " s; " (s.due) " due." },
            None => p.overdue { "No sweep has run: run `custos retention sweep` or start the server." },
        }
    }
}

/// Retained and disposed of per month as paired bars, drawn as SVG by maud (every value escaped).
fn months_chart(r: &Report) -> Markup {
    let (width, height, left, top, plot_h) = (640.0, 220.0, 40.0, 10.0, 170.0);
    let most = r.months.iter().map(|m| m.retained.max(m.disposed)).max().unwrap_or(1).max(1) as f64;
    let slot = (width - left - 10.0) / r.months.len().max(1) as f64;
    let bar_w = (slot / 2.0 - 2.0).max(1.0);
    let y = |n: u64| top + plot_h * (1.0 - n as f64 / most);
    html! {
        figure {
            svg.chart viewBox={ "0 0 " (width) " " (height) } role="img" aria-labelledby="months-title" {
                title #months-title { "Decisions to retain and disposals per month" }
                line x1=(left) x2=(width - 10.0) y1=(y(0)) y2=(y(0)) stroke="#b1b4b6" {}
                text x="2" y=(y(0)) font-size="11" { "0" }
                text x="2" y=(top + 10.0) font-size="11" { (most as u64) }
                @for (i, m) in r.months.iter().enumerate() {
                    @let x = left + slot * i as f64;
                    rect.retained x=(format!("{x:.1}")) y=(format!("{:.1}", y(m.retained))) width=(format!("{bar_w:.1}")) height=(format!("{:.1}", y(0) - y(m.retained))) fill="#1d70b8" {
                        title { (m.month) ": " (m.retained) " retained" }
                    }
                    rect.disposed x=(format!("{:.1}", x + bar_w + 2.0)) y=(format!("{:.1}", y(m.disposed))) width=(format!("{bar_w:.1}")) height=(format!("{:.1}", y(0) - y(m.disposed))) fill="#d4351c" {
                        title { (m.month) ": " (m.disposed) " disposed of" }
                    }
                    text x=(format!("{:.1}", x + bar_w)) y=(height - 24.0) font-size="10" text-anchor="middle" { (m.month) }
                }
            }
            figcaption { span.key.key-retained { "Retained" } " " span.key.key-disposed { "Disposed of" } }
        }
        table {
            caption { "The same, as numbers" }
            thead { tr { th { "Month" } th { "Retained" } th { "Disposed of" } th { "Archived" } th { "Legal holds" } } }
            tbody { @for m in &r.months { tr { th scope="row" { (m.month) } td { (m.retained) } td { (m.disposed) } td { (m.archived) } td { (m.holds) } } } }
        }
    }
}
