//! The frame every page shares (header, navigation, main landmark) and small rendering helpers.
//! Accessibility: one `<main>` with the page's `<h1>`, a skip link first in the focus order,
//! native controls only (so keyboard use works everywhere), and visible focus rings in the CSS.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use custos_core::role::Role;
use maud::{DOCTYPE, Markup, html};

use super::STYLESHEET;
use super::auth::Officer;

/// A rendered page with its status.
pub struct Page {
    pub status: StatusCode,
    pub markup: Markup,
}

impl Page {
    pub fn ok(markup: Markup) -> Self {
        Self { status: StatusCode::OK, markup }
    }

    /// The same page with another status (a form refused: 422).
    pub fn status(self, status: StatusCode) -> Self {
        Self { status, ..self }
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))],
            self.markup.into_string(),
        )
            .into_response()
    }
}

/// A whole page: `title` names it (in the tab and the `<h1>`), `officer` is who is signed in (the
/// navigation and the sign-out form need their anti-CSRF token), `body` is the content.
pub fn page(title: &str, officer: Option<&Officer>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Custos" }
                link rel="stylesheet" href=(STYLESHEET);
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.bar {
                    a.brand href="/" { "Custos" }
                    @if let Some(officer) = officer {
                        nav aria-label="Main" {
                            a href="/search" { "Search" }
                            a href="/people/new" { "New person" }
                            @if officer.principal.roles.contains(&Role::RecordsManager) {
                                a href="/reviews" { "Duplicates" }
                                a href="/retention" { "Retention" }
                            }
                            @if officer.principal.roles.contains(&Role::DataProtectionOfficer) {
                                a href="/retention/report" { "Retention report" }
                            }
                            @if officer.principal.roles.contains(&Role::InformationRightsOfficer) {
                                a href="/requests" { "Requests" }
                            }
                            @if officer.principal.roles.contains(&Role::Auditor) {
                                a href="/audit" { "Audit log" }
                            }
                            a href="/account" { "Account" }
                            form.inline method="post" action="/sign-out" {
                                (csrf_field(officer))
                                button.link type="submit" { "Sign out " (officer.principal.user) }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The hidden anti-CSRF field every form of a signed-in page carries.
pub fn csrf_field(officer: &Officer) -> Markup {
    html! { input type="hidden" name=(super::form::CSRF_FIELD) value=(officer.csrf); }
}

/// A code-list name for people: `self_harm` → `Self harm`.
pub fn human(code: &str) -> String {
    let spaced = code.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A notice box (`role="alert"` for errors, so screen readers announce it).
pub fn alert(message: &str) -> Markup {
    html! { div.alert role="alert" { (message) } }
}

/// A timestamp as people read it (UTC, to the minute).
pub fn when(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_read_as_words() {
        assert_eq!(human("self_harm"), "Self harm");
        assert_eq!(human("violent"), "Violent");
        assert_eq!(human(""), "");
    }

    #[test]
    fn interpolated_text_is_escaped() {
        let evil = "<script>alert(1)</script>\"'&";
        let out = page(evil, None, html! { p { (evil) } }).into_string();
        assert!(!out.contains("<script>"), "{out}");
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;"), "{out}");
    }
}
