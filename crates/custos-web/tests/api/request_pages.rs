//! The casework pages through `oneshot`, on both backends: an information rights officer
//! registers a request from the form, finds it in the queue with its clock, works it from its
//! page, and a refused step (closing with a task open) shows the law's reason with nothing
//! recorded. Other roles get no queue.

use axum::http::StatusCode;
use custos_core::role::Role;
use custos_store::conformance;

use crate::helpers::*;
use crate::ui::{html, post_form};

conformance! {
    async fn a_request_is_registered_and_worked_from_the_pages(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("DO500001", Role::InformationRightsOfficer, "DATA-OFFICE").await;
        let form = app.send(Call::get("/requests/new").cookie_only(&s)).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.text);
        let fields = [("csrf", s.csrf.as_str()), ("law", "foi"), ("channel", "email"), ("received", "2026-03-02"), ("name", "Sam Reporter"),
            ("contact", "sam@example.org"), ("kind", "journalist"), ("summary", "Stop and search figures for March")];
        let made = app.send(post_form("/requests/new", &s, &fields)).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
        let location = made.headers.get("location").unwrap().to_str().unwrap().to_owned();
        // The future is refused on the form, with nothing registered.
        let mut future = fields;
        future[3] = ("received", "2099-03-02");
        let refused = app.send(post_form("/requests/new", &s, &future)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert!(html(&refused).contains("cannot be in the future"), "{}", refused.text);
        assert_eq!(app.count("information_request").await, 1);

        let queue = app.send(Call::get("/requests?queue=all").cookie_only(&s)).await;
        assert!(html(&queue).contains("FOI/2026/000001"), "{}", queue.text);
        assert!(html(&queue).contains("OVERDUE"), "received in March 2026 and unanswered: {}", queue.text);
        assert!(html(&queue).contains("1 overdue"), "the reminder: {}", queue.text);
        assert!(!queue.text.contains("Sam Reporter"), "no requester in the queue");

        let page = app.send(Call::get(&location).cookie_only(&s)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(html(&page).contains("Sam Reporter"), "{}", page.text);
        assert!(html(&page).contains("OVERDUE since 2026-03-31"), "{}", page.text);
        let id = location.trim_start_matches("/requests/").split('?').next().unwrap().to_owned();
        let event = |expected: &'static str, extra: Vec<(&'static str, &'static str)>| {
            let mut f = vec![("csrf", s.csrf.as_str()), ("justification", "FOI/2026/000001 casework"), ("expected_events", expected)];
            f.extend(extra);
            f
        };
        let added = app.send(post_form(&format!("/requests/{id}/events"), &s, &event("1", vec![("event", "task_added"), ("title", "Search the stop and search system")]))).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
        let refused = app.send(post_form(&format!("/requests/{id}/events"), &s, &event("2", vec![("event", "closed"), ("on", "2026-03-05"), ("outcome", "withdrawn")]))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert!(html(&refused).contains("still open"), "{}", refused.text);
        let done = app.send(post_form(&format!("/requests/{id}/events"), &s, &event("2", vec![("event", "task_done"), ("task", "1")]))).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
        let answered = app.send(post_form(&format!("/requests/{id}/events"), &s, &event("3", vec![("event", "responded"), ("on", "2026-03-20"), ("outcome", "granted")]))).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.text);
        let page = app.send(Call::get(&location).cookie_only(&s)).await;
        assert!(html(&page).contains("answered 2026-03-20, on time"), "{}", page.text);
        assert_eq!(app.count("information_request_event").await, 4);
    }

    async fn other_roles_see_no_requests(db: TestDb) {
        let app = TestApp::new(db);
        let officer = app.signed_in("DO500002", Role::InformationRightsOfficer, "DATA-OFFICE").await;
        let fields = [("csrf", officer.csrf.as_str()), ("law", "foi"), ("channel", "email"), ("received", "2026-03-02"), ("name", "Sam Reporter"),
            ("contact", "sam@example.org"), ("kind", "journalist"), ("summary", "Figures")];
        let made = app.send(post_form("/requests/new", &officer, &fields)).await;
        let location = made.headers.get("location").unwrap().to_str().unwrap().to_owned();
        let other = app.signed_in("MP500009", Role::Investigator, "CE-BCU").await;
        let queue = app.send(Call::get("/requests?queue=all").cookie_only(&other)).await;
        assert!(!html(&queue).contains("FOI/2026/000001"), "{}", queue.text);
        let page = app.send(Call::get(&location).cookie_only(&other)).await;
        assert!(page.status.is_client_error(), "{}", page.text);
        assert!(!page.text.contains("Sam Reporter"));
    }

    async fn the_performance_dashboard_is_public_open_data_without_personal_data(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("DO500003", Role::InformationRightsOfficer, "DATA-OFFICE").await;
        for received in ["2026-03-02", "2026-03-03"] {
            let fields = [("csrf", s.csrf.as_str()), ("law", "foi"), ("channel", "email"), ("received", received), ("name", "Sam Reporter"),
                ("contact", "sam@example.org"), ("kind", "journalist"), ("summary", "Confidential topic words")];
            let made = app.send(post_form("/requests/new", &s, &fields)).await;
            assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
        }
        let page = app.send(Call::get("/performance")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let text = html(&page);
        assert!(text.contains("<svg") && text.contains("ICO 90%"), "{text}");
        assert!(!text.contains("Sam Reporter") && !text.contains("Confidential topic"), "no personal data or content");
        let csv = app.send(Call::get("/performance.csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.text.starts_with("month,law,received,answered,answered_in_time,overdue,in_time_share\n"), "{}", csv.text);
        assert!(csv.text.contains("2026-03,foi,2,0,0,2,0.0000"), "{}", csv.text);
        let internal = app.send(Call::get("/requests/performance").cookie_only(&s)).await;
        assert_eq!(internal.status, StatusCode::OK, "{}", internal.text);
        assert!(html(&internal).contains("Overdue requests") && html(&internal).contains("FOI/2026/000002"), "{}", internal.text);
        let json = app.send(Call::get("/performance.json")).await;
        assert_eq!(json.body["laws"]["foi"]["open_overdue"], 2, "{}", json.text);
        assert_eq!(json.body["ico_target"], 0.9);
    }
}
