//! Prometheus metrics, served on their own listener (`custos serve --metrics-listen`), never on
//! the public one: request counts and latencies by matched route template (never by path, so no
//! record id becomes a label), and audit events sealed.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Debug, Default)]
struct RouteStats {
    /// Requests per status code.
    statuses: BTreeMap<u16, u64>,
    /// Cumulative counts per bucket, then the total.
    buckets: [u64; BUCKETS.len()],
    count: u64,
    seconds: f64,
}

#[derive(Debug, Default)]
struct Inner {
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
    audit_sealed: AtomicU64,
}

/// The process's metrics; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Metrics(Arc<Inner>);

impl Metrics {
    /// Records one request.
    pub fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut routes = self.0.routes.lock().unwrap_or_else(PoisonError::into_inner);
        let stats = routes.entry((method.to_owned(), route.to_owned())).or_default();
        *stats.statuses.entry(status).or_default() += 1;
        for (bucket, bound) in stats.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        stats.count += 1;
        stats.seconds += seconds;
    }

    /// Counts audit events sealed into the log by this process's integrator.
    pub fn add_audit_sealed(&self, events: u64) {
        self.0.audit_sealed.fetch_add(events, Ordering::Relaxed);
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let routes = self.0.routes.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(out, "# HELP custos_http_requests_total HTTP requests by method, route template and status.");
        let _ = writeln!(out, "# TYPE custos_http_requests_total counter");
        for ((method, route), stats) in routes.iter() {
            for (status, n) in &stats.statuses {
                let _ = writeln!(out, "custos_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}");
            }
        }
        let _ = writeln!(out, "# HELP custos_http_request_duration_seconds Time to answer, by method and route template.");
        let _ = writeln!(out, "# TYPE custos_http_request_duration_seconds histogram");
        for ((method, route), stats) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, n) in BUCKETS.iter().zip(stats.buckets) {
                let _ = writeln!(out, "custos_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(out, "custos_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", stats.count);
            let _ = writeln!(out, "custos_http_request_duration_seconds_sum{{{labels}}} {}", stats.seconds);
            let _ = writeln!(out, "custos_http_request_duration_seconds_count{{{labels}}} {}", stats.count);
        }
        let _ = writeln!(out, "# HELP custos_audit_events_sealed_total Audit events sealed into the log by this process.");
        let _ = writeln!(out, "# TYPE custos_audit_events_sealed_total counter");
        let _ = writeln!(out, "custos_audit_events_sealed_total {}", self.0.audit_sealed.load(Ordering::Relaxed));
        out
    }
}

/// Middleware recording every request under its matched route template.
pub(crate) async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let route = request.extensions().get::<MatchedPath>().map_or("<unmatched>", MatchedPath::as_str).to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.record(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

/// The metrics listener's router: `GET /metrics` only.
pub fn router(metrics: Metrics) -> Router {
    Router::new().route(
        "/metrics",
        get(|State(metrics): State<Metrics>| async move {
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], metrics.render()).into_response()
        }),
    )
    .with_state(metrics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_histograms() {
        let m = Metrics::default();
        m.record("GET", "/api/v1/entities/{id}", 200, 0.003);
        m.record("GET", "/api/v1/entities/{id}", 200, 0.2);
        m.record("GET", "/api/v1/entities/{id}", 403, 0.0005);
        m.add_audit_sealed(7);
        let text = m.render();
        assert!(text.contains(r#"custos_http_requests_total{method="GET",route="/api/v1/entities/{id}",status="200"} 2"#), "{text}");
        assert!(text.contains(r#"status="403"} 1"#), "{text}");
        assert!(text.contains(r#"le="0.001"} 1"#), "{text}");
        assert!(text.contains(r#"le="0.005"} 2"#), "{text}");
        assert!(text.contains(r#"le="+Inf"} 3"#), "{text}");
        assert!(text.contains("custos_audit_events_sealed_total 7"), "{text}");
    }
}
