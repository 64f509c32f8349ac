//! The officer's own account: change the password (the current one is asked again — a session
//! left open on a shared terminal must not be enough to take the account over) and sign out of
//! every device. Both are the store's operations, audited there; a password change ends every
//! other session and keeps this one.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use custos_store::StoreError;
use custos_store::users::MIN_PASSWORD_CHARS;
use maud::html;

use super::auth::Officer;
use super::error::{PageError, see_other};
use super::form::Posted;
use super::layout::{Page, alert, csrf_field, page};
use crate::AppState;
use crate::cookies;

/// The longest password accepted (as the JSON API).
const MAX_PASSWORD_CHARS: usize = 1024;

/// `GET /account`.
pub async fn page_handler(officer: Officer) -> Response {
    account_page(&officer, StatusCode::OK, None, None).into_response()
}

fn account_page(officer: &Officer, status: StatusCode, error: Option<&str>, done: Option<&str>) -> Page {
    let body = html! {
        @if let Some(error) = error { (alert(error)) }
        @if let Some(done) = done { div.ok role="status" { (done) } }
        section {
            h2 { "Change your password" }
            form method="post" action="/account/password" {
                (csrf_field(officer))
                label for="current" { "Current password" }
                input #current name="current" type="password" autocomplete="current-password" required maxlength="1024";
                label for="new" { "New password (at least " (MIN_PASSWORD_CHARS) " characters; a passphrase is best)" }
                input #new name="new" type="password" autocomplete="new-password" required minlength=(MIN_PASSWORD_CHARS) maxlength="1024";
                label for="confirm" { "New password again" }
                input #confirm name="confirm" type="password" autocomplete="new-password" required maxlength="1024";
                button type="submit" { "Change password" }
            }
        }
        section {
            h2 { "Sign out everywhere" }
            p { "Ends every session of your account, on every device, including this one." }
            form method="post" action="/account/sign-out-everywhere" {
                (csrf_field(officer))
                button type="submit" { "Sign out everywhere" }
            }
        }
    };
    Page { status, markup: page("Your account", Some(officer), body) }
}

/// `POST /account/password`.
pub async fn change_password(State(state): State<AppState>, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let raw = |name: &str| fields.0.iter().find(|(k, _)| k == name).map_or(String::new(), |(_, v)| v.clone());
    let (current, new, confirm) = (raw("current"), raw("new"), raw("confirm"));
    let refuse = |message: &str, status| Ok(account_page(&officer, status, Some(message), None).into_response());
    if [&current, &new, &confirm].iter().any(|p| p.chars().count() > MAX_PASSWORD_CHARS) {
        return refuse("A password is too long.", StatusCode::BAD_REQUEST);
    }
    if new != confirm {
        return refuse("The two new passwords are not the same. Nothing was changed.", StatusCode::UNPROCESSABLE_ENTITY);
    }
    match state.store.change_password(&officer.principal, &current, &new, Some(officer.session())).await {
        Ok(()) => Ok(account_page(
            &officer,
            StatusCode::OK,
            None,
            Some("Your password has been changed. Your other sessions have been signed out."),
        )
        .into_response()),
        Err(StoreError::SignInFailed) => {
            refuse("The current password is not right. Nothing was changed.", StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(StoreError::Refused(message)) => {
            refuse(&format!("Nothing was changed: {message}."), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /account/sign-out-everywhere`.
pub async fn sign_out_everywhere(State(state): State<AppState>, posted: Posted) -> Result<Response, PageError> {
    state.store.sign_out_everywhere(&posted.officer.principal).await?;
    let mut response = see_other("/sign-in");
    if let Some(clear) = cookies::clear_session(&state.config) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    Ok(response)
}
