//! `custos serve`: the HTTP API (see `custos_web`), with this process as the single audit
//! integrator and the daily retention sweep, until Ctrl-C or SIGTERM.
//!
//! Cookies are `Secure` with the `__Host-` prefix unless `--insecure-cookies` is given, which is
//! allowed only on a loopback address: browsers drop `Secure` cookies over plain HTTP, and plain
//! HTTP is acceptable only where nothing leaves the machine. Anywhere else, put a TLS-terminating
//! proxy in front.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use custos_store::Store;
use custos_web::{Metrics, WebConfig};
use tokio::sync::watch;

use crate::cli::DbArgs;

/// How often pending audit events are integrated into the log and a checkpoint signed.
const INTEGRATE_EVERY: Duration = Duration::from_secs(1);
/// The first retention sweep after start, and then one a day.
const SWEEP_FIRST: Duration = Duration::from_secs(60);
const SWEEP_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (IP:port).
    #[arg(long, env = "CUSTOS_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Plain-HTTP cookies (no `Secure`, no `__Host-` prefix); only on a loopback address.
    #[arg(long)]
    pub insecure_cookies: bool,
    /// Where to serve Prometheus metrics (`GET /metrics`), apart from the API.
    #[arg(long, env = "CUSTOS_METRICS_LISTEN", default_value = "127.0.0.1:9464")]
    pub metrics_listen: SocketAddr,
}

pub async fn run(db: &DbArgs, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = config(&args)?;
    let store = db.open().await?;
    serve(store, args.listen, args.metrics_listen, config, |address| {
        let _ = crate::cli::out(format_args!("serving on http://{address}; Ctrl-C stops"));
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// Serves `store` on `listen` until Ctrl-C or SIGTERM, integrating the audit log every second;
/// `ready` is told the bound address once the server listens.
pub async fn serve(
    store: Store,
    listen: SocketAddr,
    metrics_listen: SocketAddr,
    config: WebConfig,
    ready: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let metrics_listener = tokio::net::TcpListener::bind(metrics_listen)
        .await
        .with_context(|| format!("cannot listen for metrics on {metrics_listen}"))?;
    let local = listener.local_addr().context("reading the listening address")?;
    tracing::info!(address = %local, metrics = %metrics_listen, secure_cookies = config.secure_cookies, "serving");
    ready(local);

    let metrics = Metrics::default();
    let (stop, stopped) = watch::channel(false);
    let integrator = tokio::spawn(integrate(store.clone(), metrics.clone(), stopped.clone()));
    let sweeper = tokio::spawn(sweep_daily(store.clone(), stopped.clone()));
    let mut metrics_stopped = stopped;
    let metrics_server = tokio::spawn(custos_web::serve_metrics(metrics.clone(), metrics_listener, async move {
        let _ = metrics_stopped.changed().await;
    }));
    let served = custos_web::serve(store.clone(), config, metrics, listener, custos_web::shutdown_signal()).await;
    let _ = stop.send(true);
    let _ = metrics_server.await;
    // One last integration after the last request, so that nothing stays pending on a clean stop.
    integrator.await.context("the audit integrator stopped abnormally")?;
    sweeper.await.context("the retention sweep stopped abnormally")?;
    store.close().await;
    served.context("the HTTP server failed")
}

/// The web configuration the arguments ask for, refusing plain-HTTP cookies off loopback.
pub fn config(args: &ServeArgs) -> anyhow::Result<WebConfig> {
    if args.insecure_cookies && !args.listen.ip().is_loopback() {
        bail!(
            "--insecure-cookies is allowed only on a loopback address (127.0.0.1, ::1), not {}; \
             serve HTTPS through a proxy instead",
            args.listen.ip()
        );
    }
    Ok(WebConfig { secure_cookies: !args.insecure_cookies })
}

/// Integrates pending audit events every [`INTEGRATE_EVERY`] until told to stop, then once more.
/// A failure is logged and retried on the next tick: the events stay pending, nothing is lost.
async fn integrate(store: Store, metrics: Metrics, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(INTEGRATE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut ticks: u64 = 0;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => break,
        }
        integrate_once(&store, &metrics).await;
        // Housekeeping every ten minutes: match searches past their keeping time.
        ticks += 1;
        if ticks % 600 == 1 {
            match store.purge_match_searches().await {
                Ok(n) if n > 0 => tracing::debug!(purged = n, "old match searches deleted"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "purging old match searches failed; will retry"),
            }
        }
    }
    integrate_once(&store, &metrics).await;
}

/// The retention sweep (`custos retention sweep`) every day, the first a minute after start, so
/// that the review queue always holds what is due. A failure is logged and retried next time.
async fn sweep_daily(store: Store, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + SWEEP_FIRST, SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => break,
        }
        match store.sweep_retention(&|_, _| {}).await {
            Ok(sweep) => tracing::info!(records = sweep.records, changed = sweep.changed, due = sweep.due, seconds = sweep.seconds, "retention sweep"),
            Err(e) => tracing::error!(error = %e, "the retention sweep failed; will retry tomorrow"),
        }
    }
}

async fn integrate_once(store: &Store, metrics: &Metrics) {
    match store.integrate_audit().await {
        Ok(done) if done.integrated > 0 => {
            metrics.add_audit_sealed(done.integrated);
            tracing::debug!(integrated = done.integrated, "audit events integrated");
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "audit integration failed; will retry"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(listen: &str, insecure: bool) -> ServeArgs {
        ServeArgs { listen: listen.parse().unwrap(), insecure_cookies: insecure, metrics_listen: "127.0.0.1:0".parse().unwrap() }
    }

    #[test]
    fn insecure_cookies_only_on_loopback() {
        assert!(config(&args("127.0.0.1:8080", false)).unwrap().secure_cookies);
        assert!(!config(&args("127.0.0.1:8080", true)).unwrap().secure_cookies);
        assert!(!config(&args("[::1]:8080", true)).unwrap().secure_cookies);
        assert!(config(&args("0.0.0.0:8080", true)).is_err());
        assert!(config(&args("192.168.1.10:8080", true)).is_err());
        assert!(config(&args("0.0.0.0:8080", false)).unwrap().secure_cookies);
    }
}
