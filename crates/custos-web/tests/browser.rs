//! The user interface in a real browser: Debian's headless Chromium, driven over WebDriver by
//! chromedriver, at a phone's viewport (360 × 780 CSS pixels). An officer signs in, searches,
//! creates a person (first with mistakes, to see the field errors; then through the candidates
//! page of search before create, where a similar person is shown beside the one entered), sees
//! the warning markers first, edits and reads the history; an auditor sees the verified log; a denied page is
//! audited. Screenshots of each step are saved under `target/browser-screenshots/` as artefacts.
//!
//! `scripts/test.sh` installs `chromium` and `chromium-driver` when absent; this test fails
//! (it is never skipped) when they are missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use custos_core::draft::PersonDraft;
use custos_core::entity::EntityBody;
use custos_core::ids::{UnitId, UserId};
use custos_core::marking::{Classification, SecurityMarking};
use custos_core::person::Person;
use custos_core::role::Role;
use custos_store::entities::Justification;
use custos_store::matching::{MatchChoice, MatchOutcome};
use custos_store::testing;
use custos_store::users::{NewUser, local_administrator};
use custos_web::{Metrics, WebConfig};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const PASSWORD: &str = "a long test passphrase";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver as a child process, killed on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver on a free port and waits for its "started successfully" line (no sleeps).
fn start_driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER} ({e}); `bash scripts/test.sh` installs it"));
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let line = lines.next().expect("chromedriver exited before it was ready").unwrap();
        if line.contains("started successfully") {
            break;
        }
    }
    // Keep draining its output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Driver { child, url: format!("http://127.0.0.1:{port}") }
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage"
            ],
            "mobileEmulation": { "deviceMetrics": { "width": 360, "height": 780, "pixelRatio": 2.0 } }
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("chromedriver did not start a Chromium session")
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name} is not a PNG");
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

async fn fill(client: &Client, id: &str, text: &str) {
    let field = client.find(Locator::Id(id)).await.unwrap_or_else(|e| panic!("no #{id}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Clicks what does not navigate (a checkbox).
async fn press(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}")).click().await.unwrap();
}

/// Clicks a button or link that loads a new page, and waits until the new page has loaded: the
/// old document is marked first, so a same-URL answer (a refused form) is still told apart.
async fn follow(client: &Client, css: &str) {
    client.execute("window.custosOldPage = true; return true;", vec![]).await.unwrap();
    press(client, css).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let loaded = client
            .execute("return window.custosOldPage === undefined && document.readyState === 'complete';", vec![])
            .await
            .map(|v| v.as_bool() == Some(true))
            .unwrap_or(false);
        if loaded {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "clicking {css} loaded no new page");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

async fn text_of(client: &Client, css: &str) -> String {
    match client.find(Locator::Css(css)).await {
        Ok(element) => element.text().await.unwrap(),
        Err(e) => {
            let url = client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            let page = client.source().await.unwrap_or_default();
            panic!("no {css} on {url}: {e}\n{page}")
        }
    }
}

async fn sign_in(client: &Client, base: &str, user: &str) {
    client.goto(&format!("{base}/sign-in")).await.unwrap();
    fill(client, "user", user).await;
    fill(client, "password", PASSWORD).await;
    follow(client, "main form button[type=submit]").await;
    let heading = text_of(client, "h1").await;
    assert_eq!(heading, "Home", "{user} could not sign in: {}", text_of(client, "main").await);
}

async fn add_user(store: &custos_store::Store, id: &str, role: Role) {
    store
        .create_user(
            &local_administrator(),
            NewUser {
                user: UserId::parse(id).unwrap(),
                display_name: format!("Officer {id}"),
                roles: vec![role],
                units: vec![UnitId::parse("BORO-NORTH").unwrap()],
                clearance: Classification::Official,
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_works_through_the_pages_on_a_phone() {
    let db = testing::sqlite().await;
    let store = db.store.clone();
    add_user(&store, "PC1234", Role::Investigator).await;
    add_user(&store, "AUD1", Role::Auditor).await;
    add_user(&store, "PC9999", Role::Investigator).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = WebConfig { secure_cookies: false };
    let server = tokio::spawn(custos_web::serve(store.clone(), config, Metrics::default(), listener, async {
        let _ = stopped.await;
    }));
    let driver = start_driver();
    let client = browser(&driver).await;

    // Not signed in: sent to the sign-in page. A wrong password is refused, the right one works.
    client.goto(&format!("{base}/")).await.unwrap();
    assert!(client.current_url().await.unwrap().as_str().ends_with("/sign-in"));
    fill(&client, "user", "PC1234").await;
    fill(&client, "password", "not the password").await;
    follow(&client, "main form button[type=submit]").await;
    assert!(text_of(&client, "[role=alert]").await.contains("not right"));
    shot(&client, "01-sign-in-refused").await;
    sign_in(&client, &base, "PC1234").await;
    shot(&client, "02-home").await;

    // Search needs a reason; nobody is called Okonkwo yet.
    client.goto(&format!("{base}/search?kind=person")).await.unwrap();
    fill(&client, "surname", "Okonkwo").await;
    fill(&client, "justification", "CAD 4411 domestic incident").await;
    follow(&client, "form.search button").await;
    assert!(text_of(&client, "section[aria-live]").await.contains("Nothing found"));
    shot(&client, "03-search-empty").await;

    // Create with mistakes: the errors sit beside their boxes and nothing is saved.
    client.goto(&format!("{base}/people/new")).await.unwrap();
    // Every control has a label, and the first Tab reaches the skip link.
    let unlabelled = client
        .execute(
            "return [...document.querySelectorAll('input:not([type=hidden]),select,textarea')]\
             .filter(e => !(e.labels && e.labels.length)).map(e => e.name);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(unlabelled, json!([]), "controls without a label");
    client.find(Locator::Css("body")).await.unwrap().send_keys("\u{E004}").await.unwrap();
    assert_eq!(client.active_element().await.unwrap().text().await.unwrap(), "Skip to content");
    fill(&client, "names[0].surname", "Okonkwo").await;
    fill(&client, "names[0].forenames", "Chidi").await;
    fill(&client, "dates_of_birth[0]", "31/02/1990").await;
    fill(&client, "identifiers[0].value", "AB123").await;
    press(&client, "input[value=violent]").await;
    follow(&client, "main form button[type=submit]").await;
    assert!(text_of(&client, "[role=alert]").await.contains("Nothing was saved"));
    let dob_error = text_of(&client, "#dates_of_birth\\[0\\]-error").await;
    assert!(!dob_error.is_empty());
    let field = client.find(Locator::Id("dates_of_birth[0]")).await.unwrap();
    assert_eq!(field.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    assert_eq!(field.prop("value").await.unwrap().as_deref(), Some("31/02/1990"), "what was typed is kept");
    client.execute("document.getElementById('dates_of_birth[0]').scrollIntoView({block: 'center'}); return true;", vec![]).await.unwrap();
    shot(&client, "04-field-errors").await;

    // Meanwhile a colleague records someone similar (through search before create too).
    let colleague = custos_authz::Principal {
        user: UserId::parse("PC9999").unwrap(),
        roles: vec![Role::Investigator],
        units: vec![UnitId::parse("BORO-NORTH").unwrap()],
        clearance: Classification::Official,
        scopes: None,
    };
    let draft: PersonDraft = serde_json::from_value(json!({
        "names": [{ "kind": "primary", "forenames": ["Chidiebere"], "surname": "Okonkwo" }],
        "dates_of_birth": ["1990-02-28"],
        "gender": "male",
    }))
    .unwrap();
    let similar = Person::try_from(draft).unwrap();
    let why = Justification::parse("recording a person for CAD 4411").unwrap();
    let search = store.match_person(&colleague, &similar, &why).await.unwrap();
    let marking = SecurityMarking::official(UnitId::parse("BORO-NORTH").unwrap());
    let outcome = store
        .create_person_after_match(&colleague, search.search_id, MatchChoice::NoneOfThese, EntityBody::Person(similar), marking, None)
        .await
        .unwrap();
    let MatchOutcome::Created(similar_id) = outcome else { panic!("{outcome:?}") };

    // Corrected: not created yet, but the candidates page shows the similar person beside the
    // one entered, the differences marked in words.
    fill(&client, "dates_of_birth[0]", "1990-02-28").await;
    fill(&client, "identifiers[0].value", "").await;
    follow(&client, "main form button[type=submit]").await;
    assert_eq!(text_of(&client, "h1").await, "Is this person already known?");
    let candidate = text_of(&client, "section.candidate").await;
    assert!(candidate.contains("Chidiebere OKONKWO") && candidate.contains("Chidi OKONKWO"), "{candidate}");
    assert!(candidate.contains("differs") && candidate.contains("match probability"), "{candidate}");
    assert!(client.find(Locator::Css(&format!("button[value='existing:{similar_id}']"))).await.is_ok());
    let overflow = client
        .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth;", vec![])
        .await
        .unwrap();
    assert_eq!(overflow.as_i64(), Some(0), "the candidates page scrolls sideways at 360 px");
    shot(&client, "05-candidates").await;
    client.execute("document.querySelector('.choices').scrollIntoView({block: 'end'}); return true;", vec![]).await.unwrap();
    shot(&client, "05b-candidates-choices").await;

    // None of these: created, and the person's page shows the warning marker before the identity.
    follow(&client, "button[value=none_of_these]").await;
    assert_eq!(text_of(&client, "h1").await, "Chidi OKONKWO");
    let first_section = text_of(&client, "main section").await;
    assert!(first_section.starts_with("Warning markers"), "{first_section}");
    assert!(first_section.contains("Violent"));
    shot(&client, "06-person").await;

    // Edit (add an alias), then the history shows both versions and what changed.
    follow(&client, "a[href*='/edit']").await;
    fill(&client, "names[1].surname", "Okonkwo-Smith").await;
    fill(&client, "names[1].forenames", "Chid").await;
    follow(&client, "main form button[type=submit]").await;
    assert!(text_of(&client, "main").await.contains("Chid OKONKWO-SMITH"));
    follow(&client, "a[href*='/history']").await;
    let history = text_of(&client, "ol.history").await;
    assert!(history.contains("Version 2: Edited") && history.contains("Version 1: Created"), "{history}");
    assert!(history.contains("Okonkwo-Smith"), "{history}");
    shot(&client, "07-history").await;

    // The person is found now, with the marker in the result list.
    client.goto(&format!("{base}/search?kind=person")).await.unwrap();
    fill(&client, "surname", "okonkwo").await;
    fill(&client, "justification", "CAD 4411 domestic incident").await;
    follow(&client, "form.search button").await;
    let results = text_of(&client, "ol.records").await;
    assert!(results.contains("Chidi OKONKWO") && results.contains("Violent"), "{results}");
    shot(&client, "08-search-found").await;

    // The audit page is not for an investigator: a clear denied page.
    client.goto(&format!("{base}/audit")).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "Access denied");
    assert!(text_of(&client, "main").await.contains("recorded"));
    shot(&client, "09-denied").await;

    // Back home, sign out; the auditor signs in and sees the log verified.
    follow(&client, "main a[href='/']").await;
    follow(&client, "header form button").await;
    assert!(client.current_url().await.unwrap().as_str().ends_with("/sign-in"));
    store.integrate_audit().await.unwrap();
    sign_in(&client, &base, "AUD1").await;
    client.goto(&format!("{base}/audit")).await.unwrap();
    follow(&client, "main form button[type=submit]").await;
    assert!(text_of(&client, "[role=status]").await.starts_with("Verified."));
    let events = text_of(&client, "table").await;
    assert!(events.contains("access_denied") || events.contains("deny"), "the denial is in the log: {events}");
    shot(&client, "10-audit-log").await;

    // Nothing is wider than the phone's screen.
    let overflow = client
        .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth;", vec![])
        .await
        .unwrap();
    assert_eq!(overflow.as_i64(), Some(0), "the audit page scrolls sideways at 360 px");

    client.close().await.unwrap();
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

/// Sets a box's value as a person would type it (date-time boxes do not take keystrokes the same
/// way in every locale), remembering what was typed.
async fn enter(client: &Client, typed: &mut Vec<String>, id: &str, value: &str) {
    let script = "const e = document.getElementById(arguments[0]); e.value = arguments[1]; return e.value;";
    let set = client.execute(script, vec![json!(id), json!(value)]).await.unwrap_or_else(|e| panic!("no #{id}: {e}"));
    assert_eq!(set, json!(value), "#{id} did not take {value}");
    typed.push(value.to_owned());
}

/// Picks an option of a list (not typing).
async fn choose(client: &Client, id: &str, value: &str) {
    let script = "const e = document.getElementById(arguments[0]); e.value = arguments[1]; return e.value;";
    let set = client.execute(script, vec![json!(id), json!(value)]).await.unwrap_or_else(|e| panic!("no #{id}: {e}"));
    assert_eq!(set, json!(value), "#{id} has no option {value}");
}

/// Answers the page's "why are you looking?" question, if it asks.
async fn justify(client: &Client, why: &str) {
    if client.find(Locator::Css("input#justification[autofocus]")).await.is_ok() {
        fill(client, "justification", why).await;
        follow(client, "main form button[type=submit]").await;
    }
}

fn local_principal(id: &str, role: Role) -> custos_authz::Principal {
    custos_authz::Principal {
        user: UserId::parse(id).unwrap(),
        roles: vec![role],
        units: vec![UnitId::parse("BORO-NORTH").unwrap()],
        clearance: Classification::Official,
        scopes: None,
    }
}

/// The MiPS case study (DOMAIN.md §3) at a phone's size: the dispatcher's one search warns of
/// the weapons at the address and opens the incident there; the officer records the arrest from
/// the incident; the custody officer opens the custody record from the arrest, with the person
/// and incident already in it and the PACE clocks shown; the same person, place and event serve
/// an anti-social behaviour and a vulnerable-person report. No value is typed twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mips_case_study_on_a_phone_types_nothing_twice() {
    let db = testing::sqlite().await;
    let store = db.store.clone();
    add_user(&store, "CAD1", Role::ResponseOfficer).await;
    add_user(&store, "PC2001", Role::ResponseOfficer).await;
    add_user(&store, "PS3001", Role::CustodyOfficer).await;
    // What the force already knew: the couple at the flat, his weapons marker, the bat seen there.
    let analyst = local_principal("INT1", Role::IntelligenceAnalyst);
    let marking = SecurityMarking::official(UnitId::parse("BORO-NORTH").unwrap());
    let why = Justification::parse("intelligence entry").unwrap();
    let body = |value: serde_json::Value| serde_json::from_value::<EntityBody>(value).unwrap();
    let known = |forename: &str, dob: &str, markers: serde_json::Value| {
        let draft: PersonDraft = serde_json::from_value(json!({
            "names": [{ "kind": "primary", "forenames": [forename], "surname": "Holt" }],
            "dates_of_birth": [dob], "warning_markers": markers,
        }))
        .unwrap();
        EntityBody::Person(Person::try_from(draft).unwrap())
    };
    let mut ids = Vec::new();
    for person in [known("Gary", "1979-04-02", json!(["weapons"])), known("Dawn", "1981-09-12", json!([]))] {
        let search = store.match_person(&analyst, match &person { EntityBody::Person(p) => p, _ => unreachable!() }, &why).await.unwrap();
        let MatchOutcome::Created(id) = store
            .create_person_after_match(&analyst, search.search_id, MatchChoice::NoneOfThese, person, marking.clone(), None)
            .await
            .unwrap()
        else {
            panic!("not created")
        };
        ids.push(id);
    }
    let flat = store
        .create_entity(&analyst, body(json!({ "location": { "address_lines": ["Flat 3, 12 Acacia Road"], "town": "London", "postcode": "E8 1AA" } })), marking.clone(), None)
        .await
        .unwrap();
    let bat = store
        .create_entity(&analyst, body(json!({ "object": { "kind": { "type": "weapon", "category": "blunt_instrument", "description": "Baseball bat behind the front door" } } })), marking.clone(), None)
        .await
        .unwrap();
    for (from, kind) in [(ids[0], "home"), (ids[1], "home"), (bat, "located_at")] {
        let link = body(json!({ "link": { "from": from, "to": flat, "kind": { "type": kind } } }));
        store.create_entity(&analyst, link, marking.clone(), None).await.unwrap();
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(custos_web::serve(store.clone(), WebConfig { secure_cookies: false }, Metrics::default(), listener, async {
        let _ = stopped.await;
    }));
    let driver = start_driver();
    let client = browser(&driver).await;
    let mut typed: Vec<String> = Vec::new();

    // The dispatcher's one search: the address, and the warnings about it above the results.
    sign_in(&client, &base, "CAD1").await;
    client.goto(&format!("{base}/search")).await.unwrap();
    enter(&client, &mut typed, "q", "Acacia Road").await;
    fill(&client, "justification", "CAD 5512 woman screaming").await;
    follow(&client, "form.search button").await;
    let warnings = text_of(&client, "section.warnings").await;
    assert!(warnings.contains("Weapons") && warnings.contains("Gary HOLT"), "{warnings}");
    assert!(warnings.contains("Baseball bat") || warnings.contains("Weapon"), "the bat seen at the flat: {warnings}");
    shot(&client, "mips-01-dispatcher-search").await;
    follow(&client, "ol.records li a").await;
    follow(&client, "a[href^='/records/new/incident']").await;
    enter(&client, &mut typed, "happened.at", "2026-03-01T21:50").await;
    enter(&client, &mut typed, "happened.summary", "Woman screaming at a flat").await;
    enter(&client, &mut typed, "call.received", "2026-03-01T21:55").await;
    choose(&client, "call.channel", "emergency_999").await;
    choose(&client, "people[0].role", "suspect").await;
    choose(&client, "people[1].role", "victim").await;
    enter(&client, &mut typed, "narrative", "Neighbour heard screaming; bat behind the door, officer warned").await;
    shot(&client, "mips-02-incident-form").await;
    follow(&client, "main form button[type=submit]").await;
    let incident = client.current_url().await.unwrap();
    assert!(text_of(&client, "h1").await.starts_with("Incident"), "{}", text_of(&client, "main").await);
    follow(&client, "header form button").await;

    // At the scene, on the phone: the arrest, from the incident.
    sign_in(&client, &base, "PC2001").await;
    client.goto(incident.path()).await.unwrap();
    justify(&client, "Attending CAD 5512").await;
    follow(&client, "a[href^='/records/new/arrest']").await;
    press(&client, &format!("input[name=person][value='{}']", ids[0])).await;
    enter(&client, &mut typed, "arrested_at", "2026-03-01T22:10").await;
    choose(&client, "offences[0]", "8N").await;
    enter(&client, &mut typed, "grounds", "She says he struck her arm with the bat").await;
    press(&client, "input[name=necessity][value=prevent_injury]").await;
    enter(&client, &mut typed, "arresting_officer", "PC 2001 Khan").await;
    shot(&client, "mips-03-arrest-form").await;
    follow(&client, "main form button[type=submit]").await;
    let arrest = client.current_url().await.unwrap();
    assert!(text_of(&client, "h1").await.starts_with("Arrest"), "{}", text_of(&client, "main").await);

    // The same person, place and event: anti-social behaviour and a vulnerable person.
    client.goto(incident.as_str()).await.unwrap();
    follow(&client, "a[href^='/records/new/asb_report']").await;
    assert_eq!(client.find(Locator::Id("people[0].role")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("subject"));
    choose(&client, "category", "personal").await;
    enter(&client, &mut typed, "narrative", "Third disturbance at the address this month").await;
    follow(&client, "main form button[type=submit]").await;
    assert!(text_of(&client, "h1").await.starts_with("Asb report"), "{}", text_of(&client, "main").await);
    assert!(text_of(&client, "main").await.contains("Gary HOLT"));
    client.goto(incident.as_str()).await.unwrap();
    follow(&client, "a[href^='/records/new/vulnerable_person_report']").await;
    press(&client, &format!("input[name=subject][value='{}']", ids[1])).await;
    choose(&client, "at_risk", "adult").await;
    press(&client, "input[name=concerns][value=domestic_abuse]").await;
    choose(&client, "risk", "high").await;
    enter(&client, &mut typed, "narrative", "Fears for her safety; DASH assessment done").await;
    follow(&client, "main form button[type=submit]").await;
    let vulnerable = text_of(&client, "main").await;
    assert!(vulnerable.contains("Dawn HOLT") && vulnerable.contains("Incident 2026-03-01 21:50 UTC"), "{vulnerable}");
    shot(&client, "mips-04-vulnerable-person").await;
    follow(&client, "header form button").await;

    // At the station: the custody record, from the arrest, already holds the man and the incident.
    sign_in(&client, &base, "PS3001").await;
    client.goto(arrest.path()).await.unwrap();
    justify(&client, "Booking in from CAD 5512").await;
    follow(&client, "a[href^='/records/new/custody_record']").await;
    enter(&client, &mut typed, "detention.arrived", "2026-03-01T22:40").await;
    enter(&client, &mut typed, "detention.authorised", "2026-03-01T22:55").await;
    follow(&client, "main form button[type=submit]").await;
    let custody = text_of(&client, "main").await;
    assert!(text_of(&client, "h1").await.starts_with("Custody record"), "{custody}");
    assert!(custody.contains("Gary HOLT"), "the detained person is pulled in: {custody}");
    assert!(custody.contains("Incident"), "the incident is there: {custody}");
    let clocks = text_of(&client, "section[aria-labelledby=clocks]").await;
    assert!(clocks.contains("2026-03-01 22:40 UTC") && clocks.contains("OVERDUE"), "{clocks}");
    shot(&client, "mips-05-custody-record").await;
    // The first review, then release under investigation: the clocks move, then stop.
    enter(&client, &mut typed, "review_at", "2026-03-02T04:30").await;
    follow(&client, "form[action$='/review'] button").await;
    let clocks = text_of(&client, "section[aria-labelledby=clocks]").await;
    assert!(clocks.contains("2026-03-02 13:30 UTC"), "the next review 9 hours on (s.40(3)(b)): {clocks}");
    choose(&client, "disposal", "released_under_investigation").await;
    enter(&client, &mut typed, "released", "2026-03-02T06:15").await;
    follow(&client, "form[action$='/release'] button").await;
    let clocks = text_of(&client, "section[aria-labelledby=clocks]").await;
    assert!(clocks.contains("stopped") && !clocks.contains("OVERDUE"), "{clocks}");
    assert!(client.find(Locator::Css("form[action$='/review']")).await.is_err(), "no reviews after the release");

    // No value was typed twice, and nothing is wider than the phone.
    let mut sorted = typed.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), typed.len(), "a value was typed twice: {typed:?}");
    let overflow = client
        .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth;", vec![])
        .await
        .unwrap();
    assert_eq!(overflow.as_i64(), Some(0), "the custody record scrolls sideways at 360 px");

    client.close().await.unwrap();
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
