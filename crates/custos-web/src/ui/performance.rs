//! The information rights performance dashboard, public and open data: `/performance` (a page
//! with a trend chart against the ICO's 90% line), `/performance.csv` and `/performance.json`.
//! Everything is computed from the requests themselves (`custos_rights::performance`) at the
//! moment of asking; nothing here names a requester or says what was asked, so no sign-in is
//! needed and nothing is audited as a consultation.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use custos_rights::calendar::uk_today;
use custos_rights::clock::Law;
use custos_rights::performance::{Forecast, ICO_TARGET, Month, Performance, performance};
use jiff::civil::Date;
use maud::{Markup, html};
use serde_json::json;

use super::auth::Officer;
use super::error::PageError;
use super::layout::{Page, page};
use crate::AppState;
use custos_store::rights::Queue;
use custos_store::search::Page as QueuePage;

/// The months the chart and the tables show.
const MONTHS_SHOWN: i64 = 12;

async fn by_law(state: &AppState) -> Result<(Date, Vec<(Law, Performance)>), PageError> {
    let cases = state.store.request_cases().await?;
    let today = uk_today();
    let laws = Law::ALL
        .iter()
        .map(|law| {
            let mine: Vec<_> = cases.iter().copied().filter(|c| c.law == *law).collect();
            (*law, performance(&mine, today))
        })
        .collect();
    Ok((today, laws))
}

/// The `YYYY-MM` of the last [`MONTHS_SHOWN`] months, oldest first.
fn recent_months(today: Date) -> Vec<String> {
    (0..MONTHS_SHOWN)
        .rev()
        .filter_map(|back| today.first_of_month().checked_sub(jiff::Span::new().months(back)).ok())
        .map(|d| format!("{:04}-{:02}", d.year(), d.month()))
        .collect()
}

fn law_name(law: Law) -> &'static str {
    match law {
        Law::Foi => "Freedom of Information",
        Law::Sar => "Subject access (UK GDPR)",
        Law::SarLe => "Subject access (law enforcement, DPA 2018 Part 3)",
    }
}

fn colour(law: Law) -> &'static str {
    match law {
        Law::Foi => "#1d4f91",
        Law::Sar => "#00703c",
        Law::SarLe => "#6f3c97",
    }
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_owned(), |s| format!("{:.0}%", s * 100.0))
}

/// The share answered in time per month and law, a line each, against the ICO's 90%; drawn as
/// SVG by maud like any other markup (every value escaped).
fn chart(months: &[String], laws: &[(Law, Performance)]) -> Markup {
    let (width, height, left, top, plot_h) = (640.0, 240.0, 44.0, 10.0, 190.0);
    let step = (width - left - 10.0) / (months.len().max(2) - 1) as f64;
    let x = |i: usize| left + step * i as f64;
    let y = |share: f64| top + plot_h * (1.0 - share);
    let lines: Vec<(Law, Vec<(f64, f64)>)> = laws
        .iter()
        .map(|(law, p)| {
            let points = months
                .iter()
                .enumerate()
                .filter_map(|(i, m)| p.months.iter().find(|row| &row.month == m)?.in_time_share.map(|s| (x(i), y(s))))
                .collect();
            (*law, points)
        })
        .collect();
    let polyline = |points: &[(f64, f64)]| points.iter().map(|(px, py)| format!("{px:.1},{py:.1}")).collect::<Vec<_>>().join(" ");
    html! {
        figure {
            svg.chart viewBox={ "0 0 " (width) " " (height) } role="img" aria-labelledby="chart-title" {
                title #chart-title { "Share of requests answered in time per month, against the ICO's 90% expectation" }
                @for tick in [0.0, 0.5, 1.0] {
                    line x1=(left) x2=(width - 10.0) y1=(y(tick)) y2=(y(tick)) stroke="#b1b4b6" {}
                    text x="2" y=(y(tick) + 4.0) font-size="11" { (format!("{:.0}%", tick * 100.0)) }
                }
                line x1=(left) x2=(width - 10.0) y1=(y(ICO_TARGET)) y2=(y(ICO_TARGET)) stroke="#b10e1e" stroke-dasharray="6 4" stroke-width="2" {}
                text x=(width - 12.0) y=(y(ICO_TARGET) - 4.0) font-size="11" fill="#b10e1e" text-anchor="end" { "ICO 90%" }
                @for (i, m) in months.iter().enumerate() {
                    @if i % 2 == 0 { text x=(x(i)) y=(height - 24.0) font-size="10" text-anchor="middle" { (m) } }
                }
                @for (law, points) in &lines {
                    @if !points.is_empty() {
                        polyline fill="none" stroke=(colour(*law)) stroke-width="3" points=(polyline(points)) {}
                        @for (px, py) in points { circle cx=(format!("{px:.1}")) cy=(format!("{py:.1}")) r="3" fill=(colour(*law)) {} }
                    }
                }
            }
            figcaption {
                // Colours by class: the CSP allows no inline style.
                @for (law, _) in laws { span class={ "key key-" (law.as_str()) } { (law_name(*law)) } " " }
                span.key.target { "ICO expects 90% in time" }
            }
        }
    }
}

fn forecast_words(f: &Forecast) -> String {
    match f {
        Forecast::Clear => "No overdue requests.".to_owned(),
        Forecast::ClearsBy { by, months } => format!("At the last three months' rate the overdue backlog clears by {by} (about {months} months)."),
        Forecast::Growing => "At the last three months' rate the overdue backlog is not clearing: requests fall due faster than they are answered.".to_owned(),
    }
}

/// `GET /performance`.
pub async fn page_handler(State(state): State<AppState>) -> Result<Response, PageError> {
    let body = dashboard(&state).await?;
    Ok(Page::ok(page("Information rights performance", None, body)).into_response())
}

/// `GET /requests/performance`: the internal version, for the Data Office: the same figures,
/// then the overdue requests themselves (those the officer may read), oldest deadline first.
pub async fn internal(State(state): State<AppState>, officer: Officer) -> Result<Response, PageError> {
    let overdue = state.store.list_requests(&officer.principal, Queue::Overdue, QueuePage::first(200)).await?;
    let figures = dashboard(&state).await?;
    let body = html! {
        (figures)
        section {
            h2 { "Overdue requests" }
            @if overdue.is_empty() { p { "None." } }
            ol {
                @for l in &overdue {
                    li { a href={ "/requests/" (l.id) } { (l.reference) } " — due " (l.due.map(|d| d.to_string()).unwrap_or_default()) ", received " (l.received) }
                }
            }
        }
    };
    Ok(Page::ok(page("Information rights performance (internal)", Some(&officer), body)).into_response())
}

async fn dashboard(state: &AppState) -> Result<Markup, PageError> {
    let (today, laws) = by_law(state).await?;
    let months = recent_months(today);
    let row = |p: &Performance, m: &str| -> Option<Month> { p.months.iter().find(|r| r.month == m).cloned() };
    let body = html! {
        p { "How quickly this force answers Freedom of Information and subject access requests, computed from its casework as of " (today) ". "
            "Open data: " a href="/performance.csv" { "CSV" } ", " a href="/performance.json" { "JSON" } "." }
        (chart(&months, &laws))
        @for (law, p) in &laws {
            section {
                h2 { (law_name(*law)) }
                dl {
                    dt { "Open" } dd { (p.open) }
                    dt { "Open and overdue" } dd.overdue[p.open_overdue > 0] { (p.open_overdue) }
                    dt { "Open for more than six months" } dd { (p.open_older_than_six_months) }
                    dt { "Backlog by age" } dd { (p.backlog_by_age.iter().map(|b| format!("{}: {}", b.band, b.open)).collect::<Vec<_>>().join("; ")) }
                    dt { "Forecast" } dd { (forecast_words(&p.forecast)) }
                }
                div.scroll {
                    table {
                        thead { tr { th { "Month received" } th { "Received" } th { "Answered" } th { "In time" } th { "Overdue" } th { "Share in time" } } }
                        tbody {
                            @for m in &months {
                                @if let Some(r) = row(p, m) {
                                    tr {
                                        td { (m) } td { (r.received) } td { (r.answered) } td { (r.answered_in_time) } td { (r.overdue) }
                                        td.overdue[r.in_time_share.is_some_and(|s| s < ICO_TARGET)] { (percent(r.in_time_share)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(body)
}

/// `GET /performance.csv`: one line per month and law, every month on record.
pub async fn csv(State(state): State<AppState>) -> Result<Response, PageError> {
    let (_, laws) = by_law(&state).await?;
    let mut out = String::from("month,law,received,answered,answered_in_time,overdue,in_time_share\n");
    for (_, p) in &laws {
        for m in &p.months {
            let share = m.in_time_share.map(|s| format!("{s:.4}")).unwrap_or_default();
            out.push_str(&format!("{},{},{},{},{},{},{share}\n", m.month, m.law, m.received, m.answered, m.answered_in_time, m.overdue));
        }
    }
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response())
}

/// `GET /performance.json`: the dashboard per law.
pub async fn json(State(state): State<AppState>) -> Result<Response, PageError> {
    let (today, laws) = by_law(&state).await?;
    let laws: serde_json::Map<String, serde_json::Value> =
        laws.into_iter().map(|(law, p)| (law.as_str().to_owned(), serde_json::to_value(p).unwrap_or_default())).collect();
    Ok(axum::Json(json!({ "today": today, "ico_target": ICO_TARGET, "laws": laws })).into_response())
}
