//! The MoPI review pages through `oneshot`, on both backends: a records manager finds a due
//! review in the queue, is refused a retention without a reason (shown, nothing recorded),
//! retains with one from the record's page, places a legal hold that then refuses disposal,
//! disposes from the queue once it is released, and reads the report with its chart. Other roles
//! get no queue.

use axum::http::StatusCode;
use custos_core::role::Role;
use custos_store::conformance;

use crate::helpers::*;
use crate::retention::due_crime;
use crate::ui::{html, post_form};

conformance! {
    async fn a_review_is_done_from_the_pages(db: TestDb) {
        let app = TestApp::new(db);
        let crime = due_crime(&app, "MP710008").await;
        let rm = app.signed_in("MP710001", Role::RecordsManager, "DATA-OFFICE").await;
        let queue = app.send(Call::get("/retention").cookie_only(&rm)).await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.text);
        assert!(html(&queue).contains(&format!("/retention/{crime}")), "{}", queue.text);
        assert!(html(&queue).contains("days overdue"), "{}", queue.text);
        assert!(!queue.text.contains("Kestrel"), "no personal data in the queue");
        let filtered = app.send(Call::get("/retention?group=group_1").cookie_only(&rm)).await;
        assert!(html(&filtered).contains("No reviews due."), "{}", filtered.text);

        // Retain without a reason, from the record's page: refused, shown, nothing recorded.
        let page = app.send(Call::get(&format!("/retention/{crime}")).cookie_only(&rm)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(html(&page).contains("Is there evidence of a capacity to inflict serious harm?"), "{}", page.text);
        let path = format!("/retention/{crime}/decide");
        let refused = app.send(post_form(&path, &rm, &[("csrf", rm.csrf.as_str()), ("risk", "serious_harm"), ("outcome", "retain")])).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert!(html(&refused).contains("must give its reason"), "{}", refused.text);
        assert!(html(&refused).contains("checked"), "the answers are kept: {}", refused.text);
        assert_eq!(app.count("retention_decision").await, 0);
        let kept = app.send(post_form(&path, &rm, &[("csrf", rm.csrf.as_str()), ("risk", "serious_harm"), ("outcome", "retain"), ("reason", "Threatened staff with a knife")])).await;
        assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.text);
        let page = app.send(Call::get(&format!("/retention/{crime}")).cookie_only(&rm)).await;
        assert!(html(&page).contains("Threatened staff with a knife"), "{}", page.text);

        // Another record due: a legal hold refuses its disposal from the queue's bulk form.
        let crime = due_crime(&app, "MP710009").await;
        let hold = app.send(post_form(&format!("/retention/{crime}/hold"), &rm, &[("csrf", rm.csrf.as_str()), ("hold", "hold"), ("reason", "Civil claim")])).await;
        assert_eq!(hold.status, StatusCode::SEE_OTHER, "{}", hold.text);
        let bulk = [("csrf", rm.csrf.as_str()), ("record", crime.as_str()), ("outcome", "dispose")];
        let refused = app.send(post_form("/retention/decide", &rm, &bulk)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
        assert!(html(&refused).contains("legal hold"), "{}", refused.text);
        let release = app.send(post_form(&format!("/retention/{crime}/hold"), &rm, &[("csrf", rm.csrf.as_str()), ("hold", "release"), ("reason", "Settled")])).await;
        assert_eq!(release.status, StatusCode::SEE_OTHER, "{}", release.text);
        let done = app.send(post_form("/retention/decide", &rm, &bulk)).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
        assert_eq!(app.count("disposed").await, 1);

        let report = app.send(Call::get("/retention/report").cookie_only(&rm)).await;
        assert_eq!(report.status, StatusCode::OK, "{}", report.text);
        assert!(html(&report).contains("<svg"), "the chart: {}", report.text);
        // The retention is listed with its reason (the retained record is still held).
        assert!(html(&report).contains("Threatened staff with a knife"), "{}", report.text);
        assert!(html(&report).contains("Serious harm"), "{}", report.text);
        // Forms without the anti-CSRF token are refused.
        let forged = app.send(post_form("/retention/decide", &rm, &[("record", crime.as_str()), ("outcome", "dispose")])).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text);
    }

    async fn other_roles_get_no_queue(db: TestDb) {
        let app = TestApp::new(db);
        let crime = due_crime(&app, "MP710008").await;
        let officer = app.signed_in("MP710002", Role::Investigator, "CE-BCU").await;
        let queue = app.send(Call::get("/retention").cookie_only(&officer)).await;
        assert!(html(&queue).contains("No reviews due."), "{}", queue.text);
        let page = app.send(Call::get(&format!("/retention/{crime}")).cookie_only(&officer)).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.text);
        let dispose = app.send(post_form("/retention/decide", &officer, &[("csrf", officer.csrf.as_str()), ("record", crime.as_str()), ("outcome", "dispose")])).await;
        assert_eq!(dispose.status, StatusCode::FORBIDDEN, "{}", dispose.text);
        assert_eq!(app.count("disposed").await, 0);
    }
}
