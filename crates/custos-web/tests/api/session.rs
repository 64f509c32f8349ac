//! Signing in and out, cookies, CSRF, throttling, password changes and API tokens, over HTTP.

use axum::http::{StatusCode, header};
use custos_core::role::Role;
use custos_store::conformance;
use custos_web::WebConfig;
use serde_json::json;

use crate::helpers::*;

conformance! {
    async fn sign_in_sets_hardened_cookies_and_returns_the_csrf_token(db: TestDb) {
        let app = TestApp::new(db);
        app.user("MP100001", Role::ResponseOfficer, "CE-BCU").await;
        let reply = app.send(Call::post("/api/v1/session").json(json!({ "user": "MP100001", "password": PASSWORD }))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["user"], "MP100001");
        assert_eq!(reply.body["roles"], json!(["response_officer"]));
        assert_eq!(reply.body["units"], json!(["CE-BCU"]));
        assert!(reply.body["csrf"].as_str().unwrap().len() >= 43);
        assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
        let cookies = reply.set_cookies();
        assert_eq!(cookies.len(), 2, "{cookies:?}");
        let session = cookies.iter().find(|c| c.starts_with("__Host-custos_session=ses_")).unwrap();
        let device = cookies.iter().find(|c| c.starts_with("__Host-custos_device=dev_")).unwrap();
        for cookie in [session, device] {
            let flags: Vec<&str> = cookie.split("; ").skip(1).collect();
            for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
                assert!(flags.contains(&flag), "{cookie} lacks {flag}");
            }
            assert!(!cookie.contains("Domain"), "__Host- cookies carry no Domain: {cookie}");
        }
        assert!(!session.contains("Max-Age"), "the session cookie ends with the browser session");
        assert!(device.contains("Max-Age=15552000"), "the device cookie lasts 180 days");
        // The body never carries the session token, only the CSRF token.
        assert!(!reply.text.contains("ses_"));
    }

    async fn plain_http_on_loopback_uses_unprefixed_cookies_without_secure(db: TestDb) {
        let app = TestApp::with_config(db, WebConfig { secure_cookies: false });
        app.user("MP100002", Role::ResponseOfficer, "CE-BCU").await;
        let reply = app.send(Call::post("/api/v1/session").json(json!({ "user": "MP100002", "password": PASSWORD }))).await;
        assert_eq!(reply.status, StatusCode::OK);
        let cookies = reply.set_cookies();
        let session = cookies.iter().find(|c| c.starts_with("custos_session=ses_")).unwrap();
        assert!(!session.contains("Secure") && session.contains("HttpOnly") && session.contains("SameSite=Strict"));
        // And that cookie is what the server reads back.
        let cookie = session.split(';').next().unwrap();
        let me = app.send(Call::get("/api/v1/entities/00000000-0000-0000-0000-000000000000").header("cookie", cookie).justify()).await;
        me.assert_problem(StatusCode::FORBIDDEN, "denied");
    }

    async fn wrong_passwords_are_401_and_the_sixth_attempt_is_throttled(db: TestDb) {
        let app = TestApp::new(db);
        app.user("MP100003", Role::ResponseOfficer, "CE-BCU").await;
        for _ in 0..5 {
            let reply = app.send(Call::post("/api/v1/session").json(json!({ "user": "MP100003", "password": "guess guess guess" }))).await;
            reply.assert_problem(StatusCode::UNAUTHORIZED, "sign_in_failed");
            assert!(reply.set_cookies().is_empty());
        }
        let reply = app.send(Call::post("/api/v1/session").json(json!({ "user": "MP100003", "password": PASSWORD }))).await;
        reply.assert_problem(StatusCode::TOO_MANY_REQUESTS, "throttled");
        assert_eq!(reply.headers[header::RETRY_AFTER], "1");
        // An unknown user fails exactly like a wrong password.
        let reply = app.send(Call::post("/api/v1/session").json(json!({ "user": "MP999999", "password": PASSWORD }))).await;
        reply.assert_problem(StatusCode::UNAUTHORIZED, "sign_in_failed");
    }

    async fn sign_in_refuses_bodies_a_cross_site_form_could_send(db: TestDb) {
        let app = TestApp::new(db);
        app.user("MP100004", Role::ResponseOfficer, "CE-BCU").await;
        let form = format!("user=MP100004&password={}", PASSWORD.replace(' ', "+"));
        let json_text = json!({ "user": "MP100004", "password": PASSWORD }).to_string();
        for (content_type, body) in [
            ("application/x-www-form-urlencoded", form.clone().into_bytes()),
            ("text/plain", json_text.clone().into_bytes()),
            ("multipart/form-data; boundary=x", json_text.into_bytes()),
        ] {
            let reply = app.send(Call::post("/api/v1/session").raw(content_type, body)).await;
            reply.assert_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
            assert!(reply.set_cookies().is_empty());
        }
        assert_eq!(app.count("sessions").await, 0);
        let reply = app.send(Call::post("/api/v1/session").json(json!({ "user": "MP100004", "password": PASSWORD, "remember": true }))).await;
        reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(reply.field_errors(), ["remember"]);
    }

    async fn unsafe_cookie_requests_without_the_csrf_token_are_refused_and_store_nothing(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP100005", Role::ResponseOfficer, "CE-BCU").await;
        let search_id = app.search_id(&s, &person("Ann", "Lee")).await;
        let create = || Call::post("/api/v1/people").json(json!({ "record": person("Ann", "Lee"), "search_id": search_id, "choice": "none_of_these" }));
        app.send(create().cookie_only(&s)).await.assert_problem(StatusCode::FORBIDDEN, "csrf_failed");
        app.send(create().cookie_only(&s).header("x-csrf-token", "forged")).await.assert_problem(StatusCode::FORBIDDEN, "csrf_failed");
        let other = app.signed_in("MP100006", Role::ResponseOfficer, "CE-BCU").await;
        app.send(create().cookie_only(&s).header("x-csrf-token", &other.csrf))
            .await
            .assert_problem(StatusCode::FORBIDDEN, "csrf_failed");
        app.send(Call::delete("/api/v1/session").cookie_only(&s)).await.assert_problem(StatusCode::FORBIDDEN, "csrf_failed");
        assert_eq!(app.count("entity").await, 0, "nothing stored");
        assert_eq!(app.count("sessions").await, 2, "nobody signed out");
        assert_eq!(app.send(create().session(&s)).await.status, StatusCode::CREATED);
    }

    async fn forged_expired_or_missing_credentials_are_401(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP100007", Role::ResponseOfficer, "CE-BCU").await;
        let read = || Call::get("/api/v1/entities/00000000-0000-0000-0000-000000000000").justify();
        app.send(read()).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        app.send(read().header("cookie", "__Host-custos_session=ses_forged")).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        app.send(read().header("cookie", &s.cookie.replace("__Host-", ""))).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        app.send(read().bearer("cst_forged")).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        app.send(read().header("authorization", "Basic TVAxOnB3")).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        // A bad Authorization header does not fall back to a good cookie.
        app.send(read().cookie_only(&s).bearer("cst_forged")).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        // The real cookie works until the session is past its absolute end.
        app.send(read().session(&s)).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        let mut conn = app.db.raw().await;
        sqlx::query("UPDATE sessions SET ends_at = 0").execute(&mut conn).await.unwrap();
        app.send(read().session(&s)).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
    }

    async fn signing_out_ends_the_session_and_everywhere_ends_them_all(db: TestDb) {
        let app = TestApp::new(db);
        let a = app.signed_in("MP100008", Role::ResponseOfficer, "CE-BCU").await;
        let reply = app.send(Call::delete("/api/v1/session").session(&a)).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT);
        assert!(reply.set_cookies().iter().any(|c| c.starts_with("__Host-custos_session=;") && c.contains("Max-Age=0")));
        let read = || Call::get("/api/v1/entities/00000000-0000-0000-0000-000000000000").justify();
        app.send(read().session(&a)).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        let b = app.sign_in("MP100008").await;
        let c = app.sign_in("MP100008").await;
        let reply = app.send(Call::post("/api/v1/session/everywhere").session(&b)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["ended"], 2);
        app.send(read().session(&c)).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        // Signing in again from a browser that still holds a session ends that session.
        let d = app.sign_in("MP100008").await;
        let e = app
            .send(Call::post("/api/v1/session").header("cookie", &format!("{}; {}", d.cookie, d.device)).json(json!({ "user": "MP100008", "password": PASSWORD })))
            .await;
        assert_eq!(e.status, StatusCode::OK);
        app.send(read().session(&d)).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
    }

    async fn passwords_change_only_with_the_current_one(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP100009", Role::ResponseOfficer, "CE-BCU").await;
        let other = app.sign_in("MP100009").await;
        let change = |current: &str, new: &str| Call::post("/api/v1/me/password").json(json!({ "current": current, "new": new }));
        app.send(change("wrong wrong wrong", "a brand new password").session(&s)).await.assert_problem(StatusCode::UNAUTHORIZED, "sign_in_failed");
        let reply = app.send(change(PASSWORD, "short").session(&s)).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        assert!(reply.body["detail"].as_str().unwrap().contains("at least 12"));
        assert_eq!(app.send(change(PASSWORD, "a brand new password").session(&s)).await.status, StatusCode::NO_CONTENT);
        let read = || Call::get("/api/v1/entities/00000000-0000-0000-0000-000000000000").justify();
        app.send(read().session(&s)).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        app.send(read().session(&other)).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        let reply = app.send(Call::post("/api/v1/session").json(json!({ "user": "MP100009", "password": "a brand new password" }))).await;
        assert_eq!(reply.status, StatusCode::OK);
    }

    async fn a_read_token_reads_but_cannot_create_or_mint_tokens(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP100010", Role::ResponseOfficer, "CE-BCU").await;
        let id = app.create_person(&s, person("Ann", "Lee")).await;
        let reply = app.send(Call::post("/api/v1/tokens").session(&s).json(json!({ "name": "feed", "scopes": ["read"], "days": 30 }))).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        assert_eq!(reply.body["scopes"], json!(["read"]));
        let token = reply.body["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("cst_"));
        let read = app.send(Call::get(&format!("/api/v1/entities/{id}")).bearer(&token).justify()).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert_eq!(read.body["id"], id.as_str());
        // No CSRF token needed with a bearer token, but the scope binds.
        // The user's own match search, but the token's scope does not include create.
        let search_id = app.search_id(&s, &person("Bo", "Lee")).await;
        let body = json!({ "record": person("Bo", "Lee"), "search_id": search_id, "choice": "none_of_these" });
        let create = app.send(Call::post("/api/v1/people").bearer(&token).json(body)).await;
        create.assert_problem(StatusCode::FORBIDDEN, "denied");
        assert_eq!(app.count("entity").await, 1, "nothing stored");
        let mint = app.send(Call::post("/api/v1/tokens").bearer(&token).json(json!({ "name": "more", "scopes": ["create"], "days": 1 }))).await;
        mint.assert_problem(StatusCode::FORBIDDEN, "denied");
        app.send(Call::post("/api/v1/session/everywhere").bearer(&token)).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        // Bad requests name their fields.
        let bad = app.send(Call::post("/api/v1/tokens").session(&s).json(json!({ "name": "x", "scopes": ["read", "all"], "days": 0 }))).await;
        bad.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(bad.field_errors(), ["scopes[1]", "days"]);
        // Revoked, the token stops working; revoking twice finds nothing.
        assert_eq!(app.send(Call::delete("/api/v1/tokens/feed").session(&s)).await.status, StatusCode::NO_CONTENT);
        app.send(Call::get(&format!("/api/v1/entities/{id}")).bearer(&token).justify()).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        app.send(Call::delete("/api/v1/tokens/feed").session(&s)).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    }
}
