//! The officers' user interface: server-rendered HTML pages, mobile-first (usable at 360 px),
//! with no JavaScript at all — every action is a link or a form post, so the pages work on any
//! phone browser and stay small (each page with its stylesheet is well under 100 KB).
//!
//! The pages sit on the same store calls as the JSON API, so authorisation and audit are the
//! store's, never the page's. A page needs a [`auth::Officer`] (a browser session; without one the
//! browser is sent to the sign-in page), every form carries the session's anti-CSRF token in a
//! hidden field, checked in constant time before the form is read ([`form::Posted`]), and
//! consulting personal data asks for the justification first. HTML is built with `maud`, which
//! escapes every interpolated value, so text typed by one user can never become markup for
//! another. Errors render as HTML pages ([`error::PageError`]); a denied request gets a clear page
//! and, like every denial, is audited by the store.

mod account;
mod audit;
mod auth;
mod compare;
mod case_file;
mod custody;
mod error;
mod form;
mod home;
mod layout;
mod new_record;
mod person_form;
mod person_match;
mod record;
mod record_form;
mod record_view;
mod disclosure_log;
mod performance;
mod requests;
mod retention;
mod discovery;
mod reviews;
mod search;
mod widgets;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

/// The stylesheet, served at [`STYLESHEET`] (one small file, cached by the browser).
const STYLE: &str = include_str!("ui/style.css");
/// Where the stylesheet is served; the name carries a version so a change is fetched at once.
pub const STYLESHEET: &str = "/ui/style-6.css";
/// Earlier names of the stylesheet, still served (the current content) for pages rendered before
/// the last change and still open in a browser.
const OLD_STYLESHEETS: &[&str] = &["/ui/style-1.css", "/ui/style-2.css", "/ui/style-5.css"];

/// The pages. They are not part of the JSON API, so they are not in [`crate::routes::ROUTES`]
/// (nor in the OpenAPI document).
pub fn router() -> Router<AppState> {
    let router = Router::new()
        .route("/", get(home::page_handler))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", axum::routing::post(auth::sign_out))
        .route("/search", get(search::page_handler))
        .route("/people/new", get(person_form::new_page).post(person_form::create))
        .route(person_match::CHOOSE_PATH, axum::routing::post(person_match::choose))
        .route("/new/{kind}", get(new_record::form_handler).post(new_record::create))
        .route("/records/new/{kind}", get(record_form::form_handler).post(record_form::create))
        .route("/records/{id}", get(record::page_handler))
        .route("/records/{id}/history", get(record::history))
        .route("/records/{id}/review", axum::routing::post(custody::review))
        .route("/records/{id}/release", axum::routing::post(custody::release))
        .route("/records/{id}/evidence", axum::routing::post(case_file::add_evidence))
        .route("/records/{id}/unused", axum::routing::post(case_file::add_unused))
        .route("/records/{id}/file-status", axum::routing::post(case_file::set_status))
        .route("/records/{id}/edit", get(person_form::edit_page).post(person_form::change))
        .route(reviews::PATH, get(reviews::page_handler))
        .route(requests::PATH, get(requests::queue))
        .route("/performance", get(performance::page_handler))
        .route("/requests/performance", get(performance::internal))
        .route("/disclosure-log", get(disclosure_log::page_handler))
        .route("/performance.csv", get(performance::csv))
        .route("/performance.json", get(performance::json))
        .route("/requests/new", get(requests::new_form).post(requests::register))
        .route("/requests/{id}", get(requests::file_page))
        .route("/requests/{id}/events", axum::routing::post(requests::record))
        .route("/requests/{id}/discovery", get(discovery::page_for))
        .route("/requests/{id}/discovery/search", axum::routing::post(discovery::search))
        .route("/requests/{id}/discovery/review", axum::routing::post(discovery::review))
        .route("/requests/{id}/discovery/assemble", axum::routing::post(discovery::assemble))
        .route("/requests/{id}/discovery/pack", axum::routing::post(discovery::pack))
        .route("/reviews/{id}", axum::routing::post(reviews::decide))
        .route(retention::PATH, get(retention::queue))
        .route("/retention/decide", axum::routing::post(retention::decide_many))
        .route("/retention/report", get(retention::report))
        .route("/retention/{id}", get(retention::record_page))
        .route("/retention/{id}/archived", get(retention::archived_page))
        .route("/retention/{id}/decide", axum::routing::post(retention::decide_one))
        .route("/retention/{id}/hold", axum::routing::post(retention::hold))
        .route("/retention/{id}/group", axum::routing::post(retention::regrade))
        .route("/account", get(account::page_handler))
        .route("/account/password", axum::routing::post(account::change_password))
        .route("/account/sign-out-everywhere", axum::routing::post(account::sign_out_everywhere))
        .route("/audit", get(audit::page_handler))
        .route("/audit/verify", axum::routing::post(audit::verify))
        .route(STYLESHEET, get(stylesheet));
    OLD_STYLESHEETS.iter().fold(router, |router, old| router.route(old, get(stylesheet)))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        ],
        STYLE,
    )
}
