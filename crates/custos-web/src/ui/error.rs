//! Errors as pages. A page handler returns [`PageError`]: either "sign in first" (a redirect to
//! the sign-in page) or a [`Problem`], rendered as an HTML page with the problem's status and a
//! plain-English explanation. As in the API, internal causes are logged by [`Problem::internal`]
//! and never shown; a denial says what happened and that the attempt was recorded (the store has
//! audited it before the page is built).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use custos_store::StoreError;
use maud::html;

use super::layout::{Page, page};
use crate::problem::{Code, Problem};

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// No live session: go to the sign-in page.
    SignIn,
    /// Anything else, shown as an error page.
    Problem(Problem),
}

impl From<Problem> for PageError {
    fn from(problem: Problem) -> Self {
        Self::Problem(problem)
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        Self::Problem(Problem::from(error))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn => see_other("/sign-in"),
            Self::Problem(problem) => problem_page(&problem).into_response(),
        }
    }
}

/// `303 See Other` to `to` (after a form post, or to send the browser elsewhere).
pub fn see_other(to: &str) -> Response {
    let mut response = axum::http::StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The page for a problem.
pub fn problem_page(problem: &Problem) -> Page {
    let explanation = match problem.code {
        Code::Denied => "You do not have access to this, or it does not exist. The attempt has been recorded in the audit log.",
        Code::CsrfFailed => "The form did not come from your current session (it may have expired). Nothing was saved.",
        Code::NotFound => "There is no page at this address.",
        Code::Throttled => "Too many failed attempts. Wait a while, then try again.",
        Code::MatchSearchRequired => {
            "A person is recorded only after checking for people already known, and this choice did not come from a check of yours that is still open. Nothing was saved."
        }
        Code::Internal | Code::Unavailable => "Nothing was saved. Try again shortly; if it keeps happening, tell the service desk.",
        _ => "Nothing was saved.",
    };
    let markup = page(
        problem.code.title(),
        None,
        html! {
            p { (explanation) }
            @if let Some(detail) = &problem.detail { p { (detail) } }
            @if !problem.errors.is_empty() {
                ul { @for e in &problem.errors { li { (e.field) ": " (e.message) } } }
            }
            @if problem.code == Code::MatchSearchRequired { p { a href="/people/new" { "Start a new person again" } } }
            p { a href="/" { "Back to the home page" } }
        },
    );
    Page { status: problem.code.status(), markup }
}
