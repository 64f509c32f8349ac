//! Liveness and readiness for load balancers and orchestrators. Neither needs a caller and
//! neither says anything about the data.
//!
//! Readiness asks the database one primary-key question that needs no principal and writes
//! nothing: whether the user [`PROBE_USER`] exists (the answer does not matter). `latest_checkpoint`
//! would also do, but it reads every checkpoint note ever signed, and a probe runs every few
//! seconds for ever; audited reads would fill the audit log with probes.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use custos_core::ids::UserId;
use serde_json::{Value, json};

use crate::AppState;
use crate::problem::{Code, Problem};

/// How long readiness waits for the database before answering "unavailable" (the pool would
/// otherwise wait for its own, much longer, acquire timeout).
const READY_TIMEOUT: Duration = Duration::from_secs(3);
/// The user id the readiness probe looks up.
pub const PROBE_USER: &str = "readiness-probe";

/// `GET /healthz`: the process is up and answering.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    let user = UserId::parse(PROBE_USER).map_err(|e| Problem::internal(&e))?;
    match tokio::time::timeout(READY_TIMEOUT, state.store.principal(&user)).await {
        Ok(Ok(_)) => Ok(Json(json!({ "status": "ready" }))),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready: the database did not answer");
            Err(Problem::new(Code::Unavailable))
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            Err(Problem::new(Code::Unavailable))
        }
    }
}
