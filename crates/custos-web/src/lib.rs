//! Custos over HTTP: a JSON API on [`custos_store::Store`], built with axum.
//!
//! Every route is declared once, in [`routes::ROUTES`]; the router and the OpenAPI document
//! (`GET /api/openapi.json`) are both built from that list, so neither can drift from the other.
//! Authentication is an extractor ([`caller::Caller`]), so a handler that touches protected data
//! cannot be reached without it; authorisation and audit happen inside the store, which every
//! handler calls with the caller's principal. Errors leave as RFC 9457 problems with stable codes
//! ([`problem::Code`]); internal causes are logged, never sent. Request bodies are limited to
//! [`MAX_BODY_BYTES`]; JSON inputs reject unknown fields.
//!
//! Nothing personal is logged: the request span holds the method and the matched route template
//! (never the path's ids, the query string, cookies or the `Authorization` header).

mod audit_log;
pub mod caller;
mod cookies;
mod entities;
pub mod extract;
mod health;
mod matching;
mod merge;
pub mod pack;
pub mod metrics;
pub mod openapi;
pub mod problem;
mod records;
mod related;
mod retention;
mod reviews;
mod rights;
pub mod routes;
mod search;
mod subject_access;
pub mod server;
mod session;
mod tokens;
pub mod ui;
mod wire;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode, header};
use custos_store::Store;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use crate::metrics::Metrics;
use crate::problem::{Code, Problem};

/// The largest request body accepted (larger: `413 payload_too_large`).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// How long a client may take to send a request body (then `408`).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a request may take in all (then `503 unavailable`; the store's transaction is
/// dropped, so nothing half-done is kept).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How the server runs. It holds no secrets; if one is ever added, redact it in `Debug`.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` with the `__Host-` prefix (the default). Turn off only for plain
    /// HTTP on a loopback address, where browsers drop `Secure` cookies.
    pub secure_cookies: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { secure_cookies: true }
    }
}

/// What every handler can reach: the store and the configuration.
#[derive(Debug, Clone)]
pub struct AppState {
    store: Store,
    config: Arc<WebConfig>,
}

/// The whole application as a router, ready to serve or to test with `oneshot`.
pub fn app(store: Store, config: WebConfig) -> Router {
    app_with_metrics(store, config, Metrics::default())
}

/// The application, recording requests into `metrics` (served on a separate listener by
/// [`metrics::router`]).
pub fn app_with_metrics(store: Store, config: WebConfig, metrics: Metrics) -> Router {
    let state = AppState { store, config: Arc::new(config) };
    let middleware = ServiceBuilder::new()
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            // The pages need their own stylesheet and to post forms to themselves; nothing else, no
            // scripts at all.
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                 frame-ancestors 'none'; base-uri 'none'",
            ),
        ))
        .layer(axum::middleware::map_response(problem::ensure_problem))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT))
        .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    routes::router()
        .merge(ui::router())
        .fallback(|| async { Problem::new(Code::NotFound) })
        .layer(middleware)
        .route_layer(axum::middleware::from_fn_with_state(metrics, metrics::track))
        .with_state(state)
}

/// The request span: method and matched route template only (see the crate docs).
fn request_span(req: &Request) -> tracing::Span {
    let route = req.extensions().get::<MatchedPath>().map_or("<unmatched>", MatchedPath::as_str);
    tracing::info_span!("request", method = %req.method(), route)
}

/// Serves the application on `listener` until `shutdown` completes, then lets requests in flight
/// finish.
pub async fn serve(
    store: Store,
    config: WebConfig,
    metrics: Metrics,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::run(listener, app_with_metrics(store, config, metrics), shutdown).await
}

/// Serves `GET /metrics` (Prometheus) on its own `listener` until `shutdown` completes.
pub async fn serve_metrics(
    metrics: Metrics,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::run(listener, metrics::router(metrics), shutdown).await
}

/// Completes on Ctrl-C, or on SIGTERM where there is one (what service managers send).
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
