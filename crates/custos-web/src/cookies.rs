//! The two cookies: the session (no `Max-Age`: it dies with the browser session and the server
//! ends it after the idle or absolute timeout) and the device cookie that marks a browser as known
//! to its user for sign-in throttling. Both are `HttpOnly; SameSite=Strict; Path=/` and, over
//! HTTPS, `Secure` with the `__Host-` prefix, which a browser only accepts from the host itself over
//! a secure channel without a `Domain` (RFC 6265bis §4.1.3.2), so a sibling subdomain cannot plant
//! one. Plain HTTP on loopback is the one documented exception: browsers drop `Secure` cookies
//! there, so the names lose the prefix and the flag.

use axum::http::{HeaderMap, HeaderValue, header};
use custos_store::sessions::DEVICE_LIFETIME;

use crate::WebConfig;

const SESSION: &str = "custos_session";
const DEVICE: &str = "custos_device";
/// The sign-in form's double-submit token (see `ui::auth`).
const SIGN_IN_FORM: &str = "custos_sign_in";
/// How long a sign-in form stays usable.
const SIGN_IN_FORM_SECS: u64 = 3600;
const HOST_PREFIX: &str = "__Host-";

/// The session cookie's name under `config`.
pub fn session_name(config: &WebConfig) -> String {
    name(config, SESSION)
}

/// The device cookie's name under `config`.
pub fn device_name(config: &WebConfig) -> String {
    name(config, DEVICE)
}

fn name(config: &WebConfig, base: &str) -> String {
    if config.secure_cookies { format!("{HOST_PREFIX}{base}") } else { base.to_owned() }
}

/// The sign-in form cookie's name under `config`.
pub fn sign_in_form_name(config: &WebConfig) -> String {
    name(config, SIGN_IN_FORM)
}

/// The first value of the cookie `name` in the request's `Cookie` headers.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` for the session token.
pub fn session(config: &WebConfig, token: &str) -> Option<HeaderValue> {
    build(config, &session_name(config), token, None)
}

/// `Set-Cookie` for the device token, kept for [`DEVICE_LIFETIME`].
pub fn device(config: &WebConfig, token: &str) -> Option<HeaderValue> {
    build(config, &device_name(config), token, Some(DEVICE_LIFETIME.as_secs()))
}

/// `Set-Cookie` for the sign-in form's double-submit token.
pub fn sign_in_form(config: &WebConfig, token: &str) -> Option<HeaderValue> {
    build(config, &sign_in_form_name(config), token, Some(SIGN_IN_FORM_SECS))
}

/// `Set-Cookie` that removes the sign-in form cookie once it has served.
pub fn clear_sign_in_form(config: &WebConfig) -> Option<HeaderValue> {
    build(config, &sign_in_form_name(config), "", Some(0))
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session(config: &WebConfig) -> Option<HeaderValue> {
    build(config, &session_name(config), "", Some(0))
}

fn build(config: &WebConfig, name: &str, value: &str, max_age: Option<u64>) -> Option<HeaderValue> {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if config.secure_cookies {
        cookie.push_str("; Secure");
    }
    if let Some(secs) = max_age {
        cookie.push_str(&format!("; Max-Age={secs}"));
    }
    // Tokens are base64url, so this only fails if a caller passes something else.
    HeaderValue::from_str(&cookie).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(secure: bool) -> WebConfig {
        WebConfig { secure_cookies: secure }
    }

    #[test]
    fn secure_cookies_carry_the_host_prefix_and_every_flag() {
        let c = session(&config(true), "ses_abc").unwrap();
        assert_eq!(c, "__Host-custos_session=ses_abc; Path=/; HttpOnly; SameSite=Strict; Secure");
        let d = device(&config(true), "dev_x").unwrap();
        assert_eq!(d, "__Host-custos_device=dev_x; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=15552000");
        assert_eq!(
            clear_session(&config(true)).unwrap(),
            "__Host-custos_session=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0"
        );
    }

    #[test]
    fn insecure_cookies_drop_the_prefix_and_secure() {
        let c = session(&config(false), "ses_abc").unwrap();
        assert_eq!(c, "custos_session=ses_abc; Path=/; HttpOnly; SameSite=Strict");
        assert!(session(&config(false), "bad\nvalue").is_none());
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "a=1; custos_session_x=no; __Host-custos_session=yes".parse().unwrap());
        headers.append(header::COOKIE, "__Host-custos_session=second".parse().unwrap());
        assert_eq!(read(&headers, "__Host-custos_session").as_deref(), Some("yes"));
        assert_eq!(read(&headers, "custos_session"), None);
        assert_eq!(read(&headers, "a").as_deref(), Some("1"));
        headers.insert(header::COOKIE, "custos_session=".parse().unwrap());
        assert_eq!(read(&headers, "custos_session"), None, "an empty value is no cookie");
    }
}
