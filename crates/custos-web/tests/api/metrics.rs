//! Metrics: every matched request is counted under its route template (never its path, so no
//! record id becomes a label), and `/metrics` is not served on the public listener.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use custos_store::conformance;
use custos_web::{Metrics, WebConfig, app_with_metrics};
use tower::ServiceExt;

conformance! {
    async fn requests_are_counted_by_route_template(db: TestDb) {
        let metrics = Metrics::default();
        let app = app_with_metrics(db.store.clone(), WebConfig::default(), metrics.clone());
        let get = |uri: &str| Request::builder().uri(uri).body(Body::empty()).unwrap();
        assert_eq!(app.clone().oneshot(get("/healthz")).await.unwrap().status(), StatusCode::OK);
        let id = "0190b1c2-0000-7000-8000-000000000001";
        let denied = app.clone().oneshot(get(&format!("/api/v1/entities/{id}"))).await.unwrap();
        assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.clone().oneshot(get("/metrics")).await.unwrap().status(), StatusCode::NOT_FOUND);
        let text = metrics.render();
        assert!(text.contains(r#"custos_http_requests_total{method="GET",route="/healthz",status="200"} 1"#), "{text}");
        assert!(text.contains(r#"route="/api/v1/entities/{id}",status="401"} 1"#), "{text}");
        assert!(!text.contains(id), "no path values in labels: {text}");
        // The metrics listener's own router serves them.
        let scrape = custos_web::metrics::router(metrics).oneshot(get("/metrics")).await.unwrap();
        assert_eq!(scrape.status(), StatusCode::OK);
    }
}
