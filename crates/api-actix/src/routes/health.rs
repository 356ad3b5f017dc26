//! Liveness and readiness probes.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use ports::RepoUnavailable;

use crate::http::error_responses::ServiceUnavailable;
use crate::http::problem::{Problem, ProblemKind};
use crate::state::AppState;
use crate::wire::dto::StatusDto;

/// A readiness check never hangs a probe for longer than this, even if the
/// database accepts connections but does not answer.
pub const READINESS_TIMEOUT: Duration = Duration::from_secs(3);

/// The process is up and serving HTTP. Checks nothing else, so an outage of
/// the database never gets the process restarted.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    operation_id = "healthz",
    responses((status = 200, description = "Alive.", body = StatusDto, example = json!({"status": "ok"})))
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(StatusDto {
        status: "ok".into(),
    })
}

/// Ready to serve requests: the database answers and the token verifier
/// has keys. The database check uses a connection of its own (not the
/// pool's), so it stays meaningful while every pooled connection is busy,
/// and says whether the database is unreachable or only too slow.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    operation_id = "readyz",
    responses(
        (status = 200, description = "Ready.", body = StatusDto, example = json!({"status": "ready"})),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let database = match tokio::time::timeout(READINESS_TIMEOUT, state.repo.ping()).await {
        Ok(Ok(())) => None,
        Ok(Err(error)) if error.is_slow() => {
            tracing::warn!(error = %causes(&error), "readiness: database too slow");
            Some("the database is too slow to answer")
        }
        Ok(Err(error)) => {
            tracing::warn!(error = %causes(&error), "readiness: database unreachable");
            Some("the database is unreachable")
        }
        Err(_) => {
            tracing::warn!("readiness: the database check did not finish in time");
            Some("the database is too slow to answer")
        }
    };
    let verifier = state.verifier.is_ready();
    let mut missing = Vec::new();
    if let Some(database) = database {
        missing.push(database);
    }
    if !verifier {
        missing.push("no token signing keys are loaded yet");
    }
    if missing.is_empty() {
        Ok(HttpResponse::Ok().json(StatusDto {
            status: "ready".into(),
        }))
    } else {
        Err(Problem::new(
            ProblemKind::ServiceUnavailable,
            format!("Not ready: {}.", missing.join("; ")),
        ))
    }
}

/// The error and its causes, for the log (the response only says which).
fn causes(error: &RepoUnavailable) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
