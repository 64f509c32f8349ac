//! The pages through `oneshot`, on both backends: sign-in form protection, anti-CSRF on forms
//! (nothing written without the token), field errors keep what was typed, injection strings are
//! stored verbatim and rendered escaped, other units' SENSITIVE records give the denied page and
//! an audit record, page weight under 100 KB, and security headers. The new-person form searches
//! before it creates: its post shows the candidates beside what was entered (differences marked),
//! and only the choice page's post, naming the search, creates someone or opens a candidate. The
//! duplicate-review page lists queued pairs side by side for records managers (denied, and
//! audited, to others) and links or rejects a pair only with the session's token.

use axum::http::{StatusCode, header};
use custos_audit::AuditKind;
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::json;
use sqlx::Row;

use crate::helpers::*;

/// The largest page the issue allows (HTML + CSS + JS), in bytes.
const PAGE_BUDGET: usize = 100 * 1024;

/// A form body, URL-encoded.
fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    serde_urlencoded::to_string(pairs).unwrap().into_bytes()
}

pub fn post_form(path: &str, s: &Session, pairs: &[(&str, &str)]) -> Call {
    Call::post(path).cookie_only(s).raw("application/x-www-form-urlencoded", form(pairs))
}

pub fn html(reply: &Reply) -> &str {
    assert_eq!(
        reply.headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap()),
        Some("text/html; charset=utf-8"),
        "{}",
        reply.text
    );
    &reply.text
}

/// The sign-in form's token and cookie, as a browser holds them after showing the form.
async fn sign_in_form(app: &TestApp) -> (String, String) {
    let page = app.send(Call::get("/sign-in")).await;
    assert_eq!(page.status, StatusCode::OK);
    let cookie = page.set_cookies().into_iter().find(|c| c.starts_with("__Host-custos_sign_in=")).unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let token = cookie.split_once('=').unwrap().1.to_owned();
    assert!(html(&page).contains(&format!("value=\"{token}\"")));
    (cookie, token)
}

/// The hidden fields of a page's form, unescaped, as a browser would post them back.
fn hidden_fields(page: &str) -> Vec<(String, String)> {
    let unescape = |v: &str| v.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&");
    page.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|rest| {
            let (name, rest) = rest.split_once('"').unwrap();
            let value = rest.strip_prefix(" value=\"").unwrap().split_once('"').unwrap().0;
            (unescape(name), unescape(value))
        })
        .collect()
}

/// Posts the candidates page's form back with `choice` (the button pressed), after `edit` has
/// changed its hidden fields (to forge them).
async fn choose(app: &TestApp, s: &Session, page: &str, choice: &str, edit: impl FnOnce(&mut Vec<(String, String)>)) -> Reply {
    let mut fields = hidden_fields(page);
    edit(&mut fields);
    fields.push(("choice".into(), choice.into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.send(post_form("/people/new/choose", s, &pairs)).await
}

/// Bill Smith, as typed into the new-person form.
fn bill_form(csrf: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf", csrf),
        ("names[0].kind", "primary"),
        ("names[0].surname", "Smith"),
        ("names[0].forenames", "Bill"),
        ("dates_of_birth[0]", "1980-03-12"),
        ("gender", "male"),
        ("classification", "OFFICIAL"),
    ]
}

/// William Smith, recorded through the API; his id.
async fn william(app: &TestApp, s: &Session) -> String {
    app.create_person(s, json!({
        "names": [{ "kind": "primary", "forenames": ["William"], "surname": "Smith" }],
        "dates_of_birth": ["1980-03-12"],
        "gender": "male",
    }))
    .await
}

conformance! {
    async fn pages_need_a_session_and_sign_in_needs_the_forms_token(db: TestDb) {
        let app = TestApp::new(db);
        app.user("MP300001", Role::Investigator, "CE-BCU").await;
        for path in ["/", "/search", "/people/new", "/audit"] {
            let reply = app.send(Call::get(path)).await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
            assert_eq!(reply.headers[header::LOCATION], "/sign-in", "{path}");
        }
        let creds = [("user", "MP300001"), ("password", PASSWORD)];
        // A cross-site form post (no token cookie) cannot sign anyone in.
        let forged = app.send(Call::post("/sign-in").raw("application/x-www-form-urlencoded", form(&creds))).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert!(forged.set_cookies().iter().all(|c| !c.starts_with("__Host-custos_session=")));
        let (cookie, token) = sign_in_form(&app).await;
        let with_token = |password: &str| {
            Call::post("/sign-in").header("cookie", &cookie).raw(
                "application/x-www-form-urlencoded",
                form(&[("sign_in_token", &token), ("user", "MP300001"), ("password", password)]),
            )
        };
        let wrong = app.send(with_token("wrong password")).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(html(&wrong).contains("not right"));
        let ok = app.send(with_token(PASSWORD)).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
        assert_eq!(ok.headers[header::LOCATION], "/");
        assert!(ok.set_cookies().iter().any(|c| c.starts_with("__Host-custos_session=") && c.contains("HttpOnly") && c.contains("SameSite=Strict")));
        let events = app.audit_events().await;
        let sign_ins = events.iter().filter(|e| matches!(e.kind, AuditKind::SignIn | AuditKind::SignInFailed)).count();
        assert_eq!(sign_ins, 2, "both attempts through the form are audited");
    }

    async fn forms_without_the_sessions_token_change_nothing(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300002", Role::Investigator, "CE-BCU").await;
        let fields = [("names[0].kind", "primary"), ("names[0].surname", "Forged"), ("names[0].forenames", "Ann")];
        let before = app.count("entity").await;
        for csrf in [None, Some("not-the-token")] {
            let mut pairs = fields.to_vec();
            if let Some(token) = csrf { pairs.push(("csrf", token)); }
            let reply = app.send(post_form("/people/new", &s, &pairs)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{csrf:?}");
            assert!(html(&reply).contains("Nothing was saved"));
        }
        // Sign-out without the token does not end the session either.
        assert_eq!(app.send(post_form("/sign-out", &s, &[])).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.send(Call::get("/").cookie_only(&s)).await.status, StatusCode::OK);
        // A JSON body is not a form.
        let reply = app.send(Call::post("/people/new").cookie_only(&s).json(json!({ "csrf": s.csrf }))).await;
        assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(app.count("entity").await, before);
    }

    async fn field_errors_keep_what_was_typed_and_save_nothing(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300003", Role::Investigator, "CE-BCU").await;
        let reply = app.send(post_form("/people/new", &s, &[
            ("csrf", &s.csrf),
            ("names[0].kind", "primary"),
            ("names[0].surname", ""),
            ("names[0].forenames", "Ann"),
            ("dates_of_birth[0]", "1990-13-45"),
            ("identifiers[0].kind", "ni_number"),
            ("identifiers[0].value", "QQ 12 34 56 Z"),
        ])).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = html(&reply);
        for field in ["names[0].surname", "dates_of_birth[0]", "identifiers[0].value"] {
            assert!(page.contains(&format!("id=\"{field}-error\"")), "no error beside {field}: {page}");
        }
        assert!(page.contains("value=\"1990-13-45\""), "what was typed is kept");
        assert_eq!(app.count("entity").await, 0);
    }

    async fn text_is_stored_verbatim_and_rendered_escaped(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300004", Role::Investigator, "CE-BCU").await;
        let evil = "<script>alert('x')</script>\"><img src=x onerror=alert(1)> '; DROP TABLE entity; --";
        let reply = app.send(post_form("/people/new", &s, &[
            ("csrf", &s.csrf),
            ("names[0].kind", "primary"),
            ("names[0].surname", "Tables"),
            ("names[0].forenames", "Bobby"),
            ("descriptions[0]", evil),
            ("warning_markers", "violent"),
        ])).await;
        // The candidates page carries the text in a hidden field, escaped too.
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert!(!html(&reply).contains("<script>alert") && !reply.text.contains("<img src=x"), "unescaped: {}", reply.text);
        let reply = choose(&app, &s, &reply.text, "none_of_these", |_| {}).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
        let location = reply.headers[header::LOCATION].to_str().unwrap().to_owned();
        assert!(location.starts_with("/records/") && location.contains("justification="), "{location}");
        let page = app.send(Call::get(&location).cookie_only(&s)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let text = html(&page);
        assert!(!text.contains("<script>alert") && !text.contains("<img src=x"), "unescaped: {text}");
        assert!(text.contains("&lt;script&gt;alert('x')&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "{text}");
        // Warning markers come before the identity.
        let (warnings, identity) = (text.find("Warning markers").unwrap(), text.find("Identity").unwrap());
        assert!(warnings < identity);
        // Stored verbatim: the API returns exactly what was typed.
        let id = location.trim_start_matches("/records/").split('?').next().unwrap();
        let api = app.send(Call::get(&format!("/api/v1/entities/{id}")).cookie_only(&s).justify()).await;
        assert_eq!(api.body["record"]["descriptions"][0], evil);
        assert!(app.count("entity").await >= 1, "the table is still there");
    }

    async fn another_units_sensitive_record_gives_the_denied_page_and_is_audited(db: TestDb) {
        let app = TestApp::new(db);
        let owner = app.signed_in("MP300005", Role::Investigator, "CE-BCU").await;
        let reply = app.match_then_create(&owner, json!({
            "record": { "names": [{ "forenames": ["Secret"], "surname": "Source" }] },
            "sensitive": true,
            "acl": [{ "kind": "unit", "id": "CE-BCU" }]
        })).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let id = reply.body["id"].as_str().unwrap().to_owned();
        let other = app.signed_in("MP300006", Role::Investigator, "NW-BCU").await;
        let page = app.send(Call::get(&format!("/records/{id}?justification=curious+about+this")).cookie_only(&other)).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        let text = html(&page);
        assert!(text.contains("Access denied") && text.contains("recorded"), "{text}");
        assert!(!text.contains("Source"), "nothing of the record is shown");
        let denied = app.audit_events().await.into_iter().filter(|e| e.kind == AuditKind::AccessDenied && e.actor == "MP300006").count();
        assert_eq!(denied, 1);
        // Without a justification nothing is read: the page asks for one.
        let ask = app.send(Call::get(&format!("/records/{id}")).cookie_only(&owner)).await;
        assert_eq!(ask.status, StatusCode::OK);
        assert!(html(&ask).contains("name=\"justification\""));
    }

    async fn pages_are_light_and_carry_the_security_headers(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300007", Role::Auditor, "CE-BCU").await;
        let css = app.send(Call::get(custos_web::ui::STYLESHEET)).await;
        assert_eq!(css.status, StatusCode::OK);
        assert!(css.headers[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
        assert!(css.text.contains(".compare"), "the candidates page is styled");
        // Pages rendered before the stylesheet's name changed still get it.
        let old = app.send(Call::get("/ui/style-1.css")).await;
        assert_eq!((old.status, old.text.as_str()), (StatusCode::OK, css.text.as_str()));
        for path in ["/sign-in", "/", "/search?kind=location", "/people/new", "/new/object", "/new/object?type=vehicle", "/new/location", "/new/event", "/account", "/audit"] {
            let call = if path == "/sign-in" { Call::get(path) } else { Call::get(path).cookie_only(&s) };
            let reply = app.send(call).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
            let weight = html(&reply).len() + css.text.len();
            assert!(weight < PAGE_BUDGET, "{path} weighs {weight} bytes");
            assert!(!reply.text.contains("<script"), "{path} has a script");
            let csp = reply.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"), "{csp}");
            assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
            assert!(reply.text.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
        }
    }

    async fn the_account_page_changes_the_password_and_ends_sessions(db: TestDb) {
        let app = TestApp::new(db);
        let here = app.signed_in("MP300008", Role::ResponseOfficer, "CE-BCU").await;
        let elsewhere = app.sign_in("MP300008").await;
        let change = |current: &str, new: &str, confirm: &str| {
            post_form("/account/password", &here, &[("csrf", &here.csrf), ("current", current), ("new", new), ("confirm", confirm)])
        };
        let new = "a brand new long passphrase";
        for (current, confirm, says) in [
            ("wrong password", new, "current password is not right"),
            (PASSWORD, "a different passphrase", "not the same"),
        ] {
            let reply = app.send(change(current, new, confirm)).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{says}");
            assert!(html(&reply).contains(says), "{}", reply.text);
        }
        let short = app.send(change(PASSWORD, "short", "short")).await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.send(Call::get("/").cookie_only(&elsewhere)).await.status, StatusCode::OK, "nothing changed yet");
        let ok = app.send(change(PASSWORD, new, new)).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        assert_eq!(app.send(Call::get("/").cookie_only(&elsewhere)).await.status, StatusCode::SEE_OTHER, "the other session ended");
        assert_eq!(app.send(Call::get("/").cookie_only(&here)).await.status, StatusCode::OK, "this one is kept");
        let out = app.send(post_form("/account/sign-out-everywhere", &here, &[("csrf", &here.csrf)])).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_eq!(app.send(Call::get("/").cookie_only(&here)).await.status, StatusCode::SEE_OTHER);
    }

    async fn places_objects_and_events_are_made_and_found_through_the_pages(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300009", Role::Investigator, "CE-BCU").await;
        let made = app.send(post_form("/new/location", &s, &[
            ("csrf", &s.csrf),
            ("address_lines", "Flat 2\n10 Downing Street"),
            ("town", "London"),
            ("postcode", "sw1a 2aa"),
        ])).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
        let van = app.send(post_form("/new/object?type=vehicle", &s, &[("csrf", &s.csrf), ("vrm", "AB51 ABC"), ("colour", "White")])).await;
        assert_eq!(van.status, StatusCode::SEE_OTHER, "{}", van.text);
        let why = "justification=CAD+99+burglary";
        let found = app.send(Call::get(&format!("/search?kind=location&q=SW1A+2AA&{why}")).cookie_only(&s)).await;
        assert!(html(&found).contains("Flat 2, 10 Downing Street, London, SW1A 2AA"), "{}", found.text);
        let found = app.send(Call::get(&format!("/search?kind=object&q=ab51abc&{why}")).cookie_only(&s)).await;
        assert!(html(&found).contains("Vehicle AB51ABC"), "{}", found.text);
        // A bad event: errors beside the kind, time and summary boxes; nothing stored.
        let before = app.count("entity").await;
        let bad = app.send(post_form("/new/event", &s, &[("csrf", &s.csrf), ("kind", "party"), ("at", "yesterday"), ("summary", "")])).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["kind", "at", "summary"] {
            assert!(html(&bad).contains(&format!("id=\"{field}\" name=\"{field}\"")), "{field}");
        }
        assert!(bad.text.matches("class=\"error\"").count() >= 3, "{}", bad.text);
        assert_eq!(app.count("entity").await, before);
        // A search without a reason reads nothing and says why.
        let unjustified = app.send(Call::get("/search?kind=object&q=ab51abc&justification=").cookie_only(&s)).await;
        assert!(html(&unjustified).contains("role=\"alert\""), "{}", unjustified.text);
        assert!(!unjustified.text.contains("AB51ABC</a>"));
    }

    async fn the_auditors_page_verifies_on_request_and_shows_tampering(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300010", Role::Auditor, "CE-BCU").await;
        app.db.store.integrate_audit().await.unwrap();
        let page = app.send(Call::get("/audit").cookie_only(&s)).await;
        assert!(html(&page).contains("Not verified in this view"), "{}", page.text);
        assert!(page.text.contains("sign_in"), "the events are listed: {}", page.text);
        // Verification is a form post, with the session's token.
        assert_eq!(app.send(post_form("/audit/verify", &s, &[])).await.status, StatusCode::FORBIDDEN);
        let verified = app.send(post_form("/audit/verify", &s, &[("csrf", &s.csrf)])).await;
        assert!(html(&verified).contains("Verified."), "{}", verified.text);
        // Someone with database access rewrites who signed in: the page says the log is broken.
        let mut conn = app.db.raw().await;
        let bundle: Vec<u8> = sqlx::query("SELECT leaves FROM audit_bundle WHERE first_seq = 0")
            .fetch_one(&mut conn).await.unwrap().get(0);
        let at = bundle.windows(8).position(|w| w == b"MP300010").expect("the actor is in the leaf");
        let mut edited = bundle.clone();
        edited[at + 7] = b'9';
        sqlx::query("UPDATE audit_bundle SET leaves = $1 WHERE first_seq = 0").bind(edited).execute(&mut conn).await.unwrap();
        let failed = app.send(post_form("/audit/verify", &s, &[("csrf", &s.csrf)])).await;
        assert!(html(&failed).contains("Verification FAILED"), "{}", failed.text);
        // Not for an investigator: denied and audited.
        let other = app.signed_in("MP300011", Role::Investigator, "CE-BCU").await;
        assert_eq!(app.send(post_form("/audit/verify", &other, &[("csrf", &other.csrf)])).await.status, StatusCode::FORBIDDEN);
    }

    async fn the_person_form_shows_candidates_side_by_side_and_creates_only_when_none_match(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300012", Role::Investigator, "CE-BCU").await;
        let will = william(&app, &s).await;
        let people = app.count("entity").await;
        let reply = app.send(post_form("/people/new", &s, &bill_form(&s.csrf))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let page = html(&reply).to_owned();
        assert_eq!(app.count("entity").await, people, "posting the form creates nobody");
        assert!(page.contains("Is this person already known?") && page.contains("Candidate 1: William SMITH"), "{page}");
        // Entered beside recorded; the name differs (marked in words), the date of birth does not.
        assert!(page.contains("Bill SMITH") && page.contains("1980-03-12"), "{page}");
        let name_row = page.split("<tr").find(|r| r.contains("Bill SMITH")).unwrap();
        assert!(name_row.contains("class=\"differs\"") && name_row.contains(">differs<"), "{name_row}");
        let dob_row = page.split("<tr").find(|r| r.contains("Date of birth")).unwrap();
        assert!(!dob_row.contains("differs"), "{dob_row}");
        assert!(page.contains("% </strong> match probability") || page.contains("%</strong> match probability"), "{page}");
        assert!(page.contains("Why: ") && page.contains("Surname"), "{page}");
        assert!(page.contains(&format!("value=\"existing:{will}\"")) && page.contains("None of these — create new person"));
        assert!(!page.contains("<script"));
        let search_id = hidden_fields(&page).into_iter().find(|(k, _)| k == "search_id").unwrap().1;

        // The choice needs the session's token like every form.
        let forged = choose(&app, &s, &page, "none_of_these", |f| f.retain(|(k, _)| k != "csrf")).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        // "Change details" goes back to the form with everything kept, and creates nobody.
        let back = choose(&app, &s, &page, "change", |_| {}).await;
        assert_eq!(back.status, StatusCode::OK);
        assert!(html(&back).contains("value=\"Bill\"") && back.text.contains("value=\"1980-03-12\"") && back.text.contains("action=\"/people/new\""), "{}", back.text);
        assert_eq!(app.count("entity").await, people);

        // None of these: the person is created and shown.
        let made = choose(&app, &s, &page, "none_of_these", |_| {}).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
        let location = made.headers[header::LOCATION].to_str().unwrap().to_owned();
        assert!(location.starts_with("/records/") && !location.contains(&will), "{location}");
        assert_eq!(app.count("entity").await, people + 1);
        let shown = app.send(Call::get(&location).cookie_only(&s)).await;
        assert!(html(&shown).contains("Bill SMITH"), "{}", shown.text);
        // The create is audited with the search it followed and the choice.
        let events = app.audit_events().await;
        assert!(events.iter().any(|e| e.kind == AuditKind::Create
            && e.objects.iter().any(|o| o.kind == "match_search" && o.id == search_id)
            && e.objects.iter().any(|o| o.kind == "match_choice" && o.id == "none_of_these")));
        assert!(events.iter().any(|e| e.kind == AuditKind::Search
            && e.objects.iter().any(|o| o.kind == "match_search" && o.id == search_id)
            && e.objects.iter().any(|o| o.id == will)), "the candidates shown are audited");
        // The same page posted again (the search is used up) creates nobody.
        let again = choose(&app, &s, &page, "none_of_these", |_| {}).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html(&again).contains("already been used") && again.text.contains("href=\"/people/new\""), "{}", again.text);
        assert_eq!(app.count("entity").await, people + 1);
    }

    async fn choosing_a_candidate_opens_it_and_creates_nothing(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300013", Role::Investigator, "CE-BCU").await;
        let will = william(&app, &s).await;
        let people = app.count("entity").await;
        let page = app.send(post_form("/people/new", &s, &bill_form(&s.csrf))).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        // A record the search did not show cannot be chosen.
        let unshown = choose(&app, &s, &page.text, "existing:0190a5c4-0000-7000-8000-000000000000", |_| {}).await;
        assert_eq!(unshown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unshown.text);
        let chosen = choose(&app, &s, &page.text, &format!("existing:{will}"), |_| {}).await;
        assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.text);
        let location = chosen.headers[header::LOCATION].to_str().unwrap().to_owned();
        assert!(location.starts_with(&format!("/records/{will}?justification=")), "{location}");
        assert_eq!(app.count("entity").await, people, "nothing was created");
        let opened = app.send(Call::get(&location).cookie_only(&s)).await;
        assert!(html(&opened).contains("William SMITH"), "{}", opened.text);
        let events = app.audit_events().await;
        assert!(events.iter().any(|e| e.objects.iter().any(|o| o.kind == "match_choice" && o.id == "existing") && e.objects.iter().any(|o| o.id == will)));
        assert!(events.iter().all(|e| e.kind != AuditKind::Create || e.objects.iter().any(|o| o.id == will)), "no other person was created");
    }

    async fn a_forged_or_missing_search_is_refused_with_a_clear_page(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP300014", Role::Investigator, "CE-BCU").await;
        let other = app.signed_in("MP300015", Role::Investigator, "CE-BCU").await;
        // Nobody like this is recorded: the page says so and still needs the choice.
        let reply = app.send(post_form("/people/new", &s, &bill_form(&s.csrf))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let page = html(&reply).to_owned();
        assert!(page.contains("No likely matches were found") && page.contains(">Create new person<"), "{page}");
        assert!(!page.contains("Candidate 1"));
        let theirs = app.send(post_form("/people/new", &other, &bill_form(&other.csrf))).await;
        let theirs = hidden_fields(&theirs.text).into_iter().find(|(k, _)| k == "search_id").unwrap().1;
        let set_search = |id: Option<String>| move |f: &mut Vec<(String, String)>| {
            f.retain(|(k, _)| k != "search_id");
            f.extend(id.map(|id| ("search_id".to_owned(), id)));
        };
        for (what, search) in [
            ("absent", None),
            ("malformed", Some("not-a-search".to_owned())),
            ("forged", Some("0190a5c4-0000-7000-8000-000000000000".to_owned())),
            ("someone else's", Some(theirs)),
        ] {
            let refused = choose(&app, &s, &page, "none_of_these", set_search(search)).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {}", refused.text);
            let text = html(&refused);
            assert!(text.contains("match search") && text.contains("Nobody was created"), "{what}: {text}");
            assert!(text.contains("href=\"/people/new\""), "{what}: a way to start again");
        }
        assert_eq!(app.count("entity").await, 0, "nothing was created");
        // The genuine search still works.
        let made = choose(&app, &s, &page, "none_of_these", |_| {}).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
        assert_eq!(app.count("entity").await, 1);
    }

    async fn the_review_page_shows_pairs_side_by_side_and_decides_with_the_sessions_token(db: TestDb) {
        let app = TestApp::new(db);
        let (a, b) = crate::reviews::seed_pair(&app, "MP310001", ["Ann", "Anne"]).await;
        let (_, d) = crate::reviews::seed_pair(&app, "MP310002", ["Zoe", "Zoey"]).await;
        let rm = app.signed_in("RM310001", Role::RecordsManager, "CE-HQ").await;
        // The way in, for records managers; without a justification the page asks for one.
        let home = app.send(Call::get("/").cookie_only(&rm)).await;
        assert!(html(&home).contains("href=\"/reviews\""), "{}", home.text);
        let ask = app.send(Call::get("/reviews").cookie_only(&rm)).await;
        assert_eq!(ask.status, StatusCode::OK);
        assert!(html(&ask).contains("name=\"justification\"") && !ask.text.contains("Lee"), "{}", ask.text);

        let listed = app.send(Call::get("/reviews?justification=weekly+duplicate+review").cookie_only(&rm)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
        let page = html(&listed).to_owned();
        assert!(page.contains("Pair 1: ") && page.contains("Pair 2: ") && page.contains("Anne LEE") && page.contains("Zoey LEE"), "{page}");
        assert!(page.contains("87%</strong> match probability") && page.contains("different PNC IDs: a person must decide"), "{page}");
        // Side by side, the PNC IDs differ (marked in words and by the row's class); the DOB does not.
        let ids_row = page.split("<tr").find(|r| r.contains("2012/0001234Y")).unwrap();
        assert!(ids_row.contains("class=\"differs\"") && ids_row.contains(">differs<") && ids_row.contains("2008/0056560Z"), "{ids_row}");
        let dob_row = page.split("<tr").find(|r| r.contains("Date of birth")).unwrap();
        assert!(!dob_row.contains("differs"), "{dob_row}");
        assert!(page.contains("Why the matcher thinks so: ") && page.contains("Surname"), "{page}");
        assert!(page.contains("Same person — link") && page.contains("Different people — reject"));
        assert!(!page.contains("<script"));
        let actions: Vec<String> = page.split("action=\"/reviews/").skip(1).map(|r| r.split('"').next().unwrap().to_owned()).collect();
        assert_eq!(actions.len(), 2, "{page}");
        let pair_of = |who: &str| {
            let section = page.split("<section").find(|s| s.contains(who)).unwrap();
            let id = section.split("action=\"/reviews/").nth(1).unwrap().split('"').next().unwrap().to_owned();
            (format!("/reviews/{id}"), hidden_fields(section))
        };
        let (ann_path, ann_fields) = pair_of("Anne LEE");
        let (zoe_path, zoe_fields) = pair_of("Zoey LEE");
        let post = |path: &str, fields: &[(String, String)], extra: &[(&str, &str)]| {
            let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            pairs.extend_from_slice(extra);
            post_form(path, &rm, &pairs)
        };

        // Without the session's token nothing is decided.
        let no_csrf: Vec<(String, String)> = ann_fields.iter().filter(|(k, _)| k != "csrf").cloned().collect();
        let forged = app.send(post(&ann_path, &no_csrf, &[("reason", "same person"), ("decision", "link")])).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text);
        // Without a reason: refused, the queue shown again saying why.
        let unreasoned = app.send(post(&ann_path, &ann_fields, &[("reason", ""), ("decision", "link")])).await;
        assert_eq!(unreasoned.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unreasoned.text);
        assert!(html(&unreasoned).contains("Nothing was decided") && unreasoned.text.contains("reason"), "{}", unreasoned.text);
        let read = app.send(Call::get(&format!("/api/v1/entities/{b}")).session(&rm).justify()).await;
        assert_eq!(read.body["id"].as_str(), Some(b.as_str()), "nothing was merged");

        // Link: back to the queue with a confirmation, and B now resolves to A.
        let linked = app.send(post(&ann_path, &ann_fields, &[("reason", "same DOB and address"), ("decision", "link")])).await;
        assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.text);
        let location = linked.headers[header::LOCATION].to_str().unwrap().to_owned();
        assert!(location.starts_with("/reviews?justification=weekly") && location.ends_with("done=linked"), "{location}");
        let after = app.send(Call::get(&location).cookie_only(&rm)).await;
        assert!(html(&after).contains("Linked:") && !after.text.contains("Anne LEE") && after.text.contains("Zoey LEE"), "{}", after.text);
        let read = app.send(Call::get(&format!("/api/v1/entities/{b}")).session(&rm).justify()).await;
        assert_eq!((read.body["id"].as_str(), read.body["resolved_from"].as_str()), (Some(a.as_str()), Some(b.as_str())));
        // The same form again: refused.
        let again = app.send(post(&ann_path, &ann_fields, &[("reason", "same DOB and address"), ("decision", "link")])).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.text);
        assert!(html(&again).contains("already been decided"), "{}", again.text);

        // Reject: confirmed, off the list, still two people.
        let rejected = app.send(post(&zoe_path, &zoe_fields, &[("reason", "different fathers named"), ("decision", "reject")])).await;
        assert_eq!(rejected.status, StatusCode::SEE_OTHER, "{}", rejected.text);
        let location = rejected.headers[header::LOCATION].to_str().unwrap().to_owned();
        assert!(location.ends_with("done=rejected"), "{location}");
        let after = app.send(Call::get(&location).cookie_only(&rm)).await;
        assert!(html(&after).contains("Rejected:") && after.text.contains("No pairs are waiting"), "{}", after.text);
        let read = app.send(Call::get(&format!("/api/v1/entities/{d}")).session(&rm).justify()).await;
        assert_eq!(read.body["id"].as_str(), Some(d.as_str()));
        // An unknown decision is a field error, not a decision.
        let odd = app.send(post(&zoe_path, &zoe_fields, &[("reason", "unsure"), ("decision", "maybe")])).await;
        assert_eq!(odd.status, StatusCode::BAD_REQUEST, "{}", odd.text);
    }

    async fn the_review_page_is_denied_to_those_who_may_not_merge_and_audited(db: TestDb) {
        let app = TestApp::new(db);
        crate::reviews::seed_pair(&app, "MP310003", ["Ann", "Anne"]).await;
        let ro = app.signed_in("RO310001", Role::ResponseOfficer, "CE-BCU").await;
        let home = app.send(Call::get("/").cookie_only(&ro)).await;
        assert!(!html(&home).contains("href=\"/reviews\""), "no way in for those who may not merge");
        let page = app.send(Call::get("/reviews?justification=looking+for+duplicates").cookie_only(&ro)).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        let text = html(&page);
        assert!(text.contains("Access denied") && text.contains("recorded") && !text.contains("Lee"), "{text}");
        let denied = app.audit_events().await.into_iter().filter(|e| e.kind == AuditKind::AccessDenied && e.actor == "RO310001").count();
        assert_eq!(denied, 1);
    }
}
