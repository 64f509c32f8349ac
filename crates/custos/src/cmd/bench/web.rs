//! `custos bench web`: audited person reads over HTTP. Seeds a scratch store with people readable
//! by one user, serves the API on a loopback port (integrating the audit log every second, as
//! `custos serve` does), and drives `GET /api/v1/entities/{id}` with a bearer token and an
//! `X-Justification` header from many keep-alive connections at once: a warm-up, then a measured
//! run. Reports requests per second, latency percentiles and errors, and then checks the audit log:
//! every request must have left exactly one event in a log that verifies.
//!
//! The load generator is a plain HTTP/1.1 client on hyper's connection API: one connection per
//! worker, one request in flight per connection, so `--connections` is the concurrency.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use custos_authz::Action;
use custos_core::ids::{EntityId, UserId};
use custos_core::marking::{Classification, SecurityMarking};
use custos_core::role::Role;
use custos_store::entities::NewEntity;
use custos_store::users::{NewUser, local_administrator};
use custos_store::{Location, Store};
use custos_web::{Metrics, WebConfig};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{AUTHORIZATION, HOST, HeaderValue};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::sync::watch;

use super::{person, unit};
use crate::cli::{DbArgs, out};

/// The justification every benchmark read carries (a read without one is refused).
const JUSTIFICATION: &str = "performance benchmark of audited reads";

/// The target this benchmark was written to check on a 2-core machine with SQLite (issue 3).
const TARGET_REQ_PER_S: f64 = 3_000.0;
const TARGET_P99_MS: f64 = 25.0;

#[derive(Debug, clap::Args)]
pub struct WebArgs {
    /// Where to write the JSON report.
    #[arg(long)]
    out: PathBuf,
    /// People in the scratch store; each request reads one at random.
    #[arg(long, default_value_t = 10_000)]
    people: usize,
    /// Concurrent keep-alive connections (one request in flight on each).
    #[arg(long, default_value_t = 50)]
    connections: usize,
    /// Length of the measured run, in seconds.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Warm-up before the measured run, in seconds (requests counted as errors if they fail).
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
}

impl WebArgs {
    /// Bounds on the run, so that the load loop always stops by itself.
    fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!((1..=1_000_000).contains(&self.people), "--people must be between 1 and 1,000,000");
        anyhow::ensure!((1..=1_000).contains(&self.connections), "--connections must be between 1 and 1,000");
        anyhow::ensure!(self.seconds > 0.0 && self.seconds <= 600.0, "--seconds must be more than 0 and at most 600");
        anyhow::ensure!((0.0..=60.0).contains(&self.warmup), "--warmup must be between 0 and 60 seconds");
        Ok(())
    }
}

pub async fn run(db: &DbArgs, args: WebArgs) -> anyhow::Result<ExitCode> {
    args.check()?;
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let location = Location::resolve(db.database_url.as_deref(), scratch.path())?;
    let store = Store::open(&location).await?;
    // Thousands of fake records and a throw-away signing key: only ever into a scratch database.
    anyhow::ensure!(
        store.is_empty().await?,
        "bench web needs an empty scratch database; the one given already holds data"
    );
    let backend = store.backend().as_str();

    let (token, ids) = seed(&store, args.people).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("cannot listen on loopback")?;
    let address = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let mut server_stopped = stopped.clone();
    let server = tokio::spawn(custos_web::serve(
        store.clone(),
        WebConfig { secure_cookies: false },
        Metrics::default(),
        listener,
        async move {
            let _ = server_stopped.changed().await;
        },
    ));
    let integrator = tokio::spawn(integrate(store.clone(), stopped));

    let plan = Plan {
        address,
        authorization: HeaderValue::from_str(&format!("Bearer {token}")).context("the API token is not a header value")?,
        ids: Arc::new(ids),
        warmup: Duration::from_secs_f64(args.warmup),
        measured: Duration::from_secs_f64(args.seconds),
    };
    let load = drive(&plan, args.connections).await;
    let _ = stop.send(true);
    server.await.context("the server task failed")?.context("the server failed")?;
    let integrated = integrator.await.context("the audit integrator failed")?;
    let load = load?;
    let mut integrations = integrated?;
    integrations.sort();

    // Each request, warm-up included, must have been audited exactly once; the seed left one
    // event per person plus the user's creation and the token's issue.
    let report = store
        .verify_audit(&[store.audit_verifier()])
        .await?
        .map_err(|e| anyhow::anyhow!("the benchmark's own log failed to verify: {e}"))?;
    store.close().await;
    let audited_reads = report.leaves.saturating_sub(args.people as u64 + 2);

    let mut sorted = load.latencies.clone();
    sorted.sort();
    let seconds = load.elapsed.as_secs_f64();
    let req_per_s = if seconds > 0.0 { load.ok as f64 / seconds } else { 0.0 };
    let p50_ms = percentile_ms(&sorted, 0.50);
    let p99_ms = percentile_ms(&sorted, 0.99);
    let json = serde_json::json!({
        "backend": backend,
        "people": args.people,
        "connections": args.connections,
        "warmup_s": args.warmup,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "requests": sorted.len(),
        "req_per_s": req_per_s.round(),
        "p50_ms": p50_ms,
        "p99_ms": p99_ms,
        "max_ms": percentile_ms(&sorted, 1.0),
        "errors": load.errors,
        "requests_including_warmup": load.sent,
        "audited_reads": audited_reads,
        "integrations": integrations.len(),
        "integration_p50_ms": percentile_ms(&integrations, 0.5),
        "integration_max_ms": percentile_ms(&integrations, 1.0),
    });
    let text = serde_json::to_string_pretty(&json)?;
    std::fs::write(&args.out, format!("{text}\n")).with_context(|| format!("cannot write {}", args.out.display()))?;
    let met = req_per_s >= TARGET_REQ_PER_S && p99_ms <= TARGET_P99_MS && load.errors == 0;
    out(format_args!(
        "bench web on {backend}: {req_per_s:.0} req/s, p50 {p50_ms} ms, p99 {p99_ms} ms, {} errors \
         ({} requests over {} connections in {seconds:.1} s; target ≥ {TARGET_REQ_PER_S:.0} req/s and p99 ≤ \
         {TARGET_P99_MS} ms: {}); report in {}",
        load.errors,
        sorted.len(),
        args.connections,
        if met { "met" } else { "not met" },
        args.out.display(),
    ))?;
    anyhow::ensure!(load.errors == 0, "{} requests failed", load.errors);
    anyhow::ensure!(
        audited_reads == load.sent,
        "{} requests were sent but the audit log holds {audited_reads} read events",
        load.sent
    );
    Ok(ExitCode::SUCCESS)
}

/// Creates the reader, the people it may read, and a read-only API token for it.
async fn seed(store: &Store, people: usize) -> anyhow::Result<(String, Vec<EntityId>)> {
    let user = UserId::parse("BENCH-READER")?;
    let password = format!("{:032x}", rand::rng().random::<u128>());
    store
        .create_user(
            &local_administrator(),
            NewUser {
                user: user.clone(),
                display_name: "Benchmark reader".into(),
                roles: vec![Role::Investigator],
                units: vec![unit("CE-BCU")?],
                clearance: Classification::Official,
                password,
            },
        )
        .await?;
    let reader = store.principal(&user).await?.context("the benchmark user was not stored")?;
    let mut ids = Vec::with_capacity(people);
    let all: Vec<usize> = (0..people).collect();
    for chunk in all.chunks(1000) {
        let batch = chunk
            .iter()
            .map(|i| Ok(NewEntity::new(person(*i)?, SecurityMarking::official(unit("CE-BCU")?))))
            .collect::<anyhow::Result<Vec<_>>>()?;
        ids.extend(batch.iter().map(|e| e.id));
        store.create_entities(&reader, &batch, Some("benchmark load")).await?;
    }
    let token = store.issue_api_token(&reader, "bench-web", &[Action::Read], Duration::from_secs(3600)).await?;
    Ok((token.expose().to_owned(), ids))
}

/// Integrates pending audit events every second until told to stop, then once more (as `custos
/// serve` does), so that the reads compete with the integrator as they would in service. Returns
/// how long each integration during the run took (it holds the write lock meanwhile).
async fn integrate(store: Store, mut stopped: watch::Receiver<bool>) -> anyhow::Result<Vec<Duration>> {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut took = Vec::new();
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => break,
        }
        let start = Instant::now();
        store.integrate_audit().await?;
        took.push(start.elapsed());
    }
    store.integrate_audit().await?;
    Ok(took)
}

/// What to send, where, and for how long.
#[derive(Debug)]
struct Plan {
    address: SocketAddr,
    authorization: HeaderValue,
    ids: Arc<Vec<EntityId>>,
    warmup: Duration,
    measured: Duration,
}

/// What the connections saw.
#[derive(Debug, Default)]
struct Load {
    /// Latency of every request started in the measured window.
    latencies: Vec<Duration>,
    /// Successful responses to requests started in the measured window.
    ok: u64,
    /// Failed requests (status other than 200, wrong body, broken connection), warm-up included.
    errors: u64,
    /// Requests sent, warm-up included.
    sent: u64,
    /// From the start of the measured window to the last measured response.
    elapsed: Duration,
}

async fn drive(plan: &Plan, connections: usize) -> anyhow::Result<Load> {
    let start = Instant::now();
    let measure_from = start + plan.warmup;
    let until = measure_from + plan.measured;
    let mut workers = tokio::task::JoinSet::new();
    for seed in 0..connections as u64 {
        let ids = Arc::clone(&plan.ids);
        let (address, authorization) = (plan.address, plan.authorization.clone());
        workers.spawn(worker(address, authorization, ids, seed, measure_from, until));
    }
    let mut load = Load::default();
    let mut last = measure_from;
    while let Some(done) = workers.join_next().await {
        let (part, finished) = done.context("a load worker failed")?;
        load.latencies.extend(part.latencies);
        load.ok += part.ok;
        load.errors += part.errors;
        load.sent += part.sent;
        last = last.max(finished);
    }
    load.elapsed = last.saturating_duration_since(measure_from);
    Ok(load)
}

/// One connection's loop: random reads back to back until `until`, reconnecting after a failure.
/// Returns its counts and when its last measured response arrived.
async fn worker(
    address: SocketAddr,
    authorization: HeaderValue,
    ids: Arc<Vec<EntityId>>,
    seed: u64,
    measure_from: Instant,
    until: Instant,
) -> (Load, Instant) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut load = Load::default();
    let mut last = measure_from;
    let mut connection: Option<SendRequest<Empty<Bytes>>> = None;
    while Instant::now() < until {
        if connection.is_none() {
            match connect(address).await {
                Ok(sender) => connection = Some(sender),
                Err(e) => {
                    tracing::warn!(error = %e, "bench web: cannot connect");
                    load.errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(sender) = connection.as_mut() else { continue };
        let id = ids[rng.random_range(0..ids.len())];
        let started = Instant::now();
        let outcome = read(sender, &authorization, id).await;
        let finished = Instant::now();
        load.sent += 1;
        let ok = match outcome {
            Ok(ok) => ok,
            Err(e) => {
                tracing::warn!(error = %e, "bench web: request failed");
                connection = None;
                false
            }
        };
        if !ok {
            load.errors += 1;
        }
        if started >= measure_from {
            load.latencies.push(finished - started);
            load.ok += u64::from(ok);
            last = finished;
        }
    }
    (load, last)
}

async fn connect(address: SocketAddr) -> anyhow::Result<SendRequest<Empty<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "bench web: connection closed");
        }
    });
    Ok(sender)
}

/// One authorised, audited read: succeeded when the answer is 200 with the record asked for.
async fn read(sender: &mut SendRequest<Empty<Bytes>>, authorization: &HeaderValue, id: EntityId) -> anyhow::Result<bool> {
    sender.ready().await?;
    let request = hyper::Request::get(format!("/api/v1/entities/{id}"))
        .header(HOST, "127.0.0.1")
        .header(AUTHORIZATION, authorization)
        .header("x-justification", JUSTIFICATION)
        .body(Empty::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    if status != hyper::StatusCode::OK {
        tracing::warn!(%status, "bench web: unexpected status");
        return Ok(false);
    }
    Ok(std::str::from_utf8(&body).is_ok_and(|text| text.contains(&id.to_string())))
}

/// The `q` quantile of sorted latencies in milliseconds, to 0.01 ms.
fn percentile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    (sorted[i].as_secs_f64() * 100_000.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_in_milliseconds() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        assert_eq!(percentile_ms(&samples, 0.5), 0.05);
        assert_eq!(percentile_ms(&[Duration::from_micros(12_345)], 0.99), 12.35);
        assert_eq!(percentile_ms(&[], 0.5), 0.0);
    }

    #[test]
    fn runs_are_bounded() {
        let args = |connections, seconds, warmup| WebArgs {
            out: PathBuf::from("x.json"),
            people: 10,
            connections,
            seconds,
            warmup,
        };
        assert!(args(50, 10.0, 2.0).check().is_ok());
        assert!(args(0, 10.0, 2.0).check().is_err());
        assert!(args(50, 0.0, 2.0).check().is_err());
        assert!(args(50, 601.0, 2.0).check().is_err());
        assert!(args(50, 1.0, -1.0).check().is_err());
    }
}
