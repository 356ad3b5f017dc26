//! Running the HTTP server: bind, announce the address, serve until SIGTERM
//! or SIGINT, then finish in-flight requests before exiting.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use actix_web::HttpServer;
use actix_web::dev::Server;
use actix_web::http::KeepAlive;

use crate::app::build_app_with;
pub use crate::config::ServerSettings;
use crate::metrics;
use crate::state::AppState;

/// How often the rate limiters forget idle keys.
const RATE_LIMIT_PURGE_INTERVAL: Duration = Duration::from_secs(60);

/// Binds and starts the server (it runs once the returned [`Server`] is
/// polled or spawned), without signal handling; for `run` and for tests
/// that serve in-process on port 0.
///
/// # Errors
/// When the address cannot be bound.
pub fn start(
    settings: &ServerSettings,
    state: AppState,
) -> std::io::Result<(Server, Vec<SocketAddr>)> {
    let workers = settings
        .workers
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
        .max(1);
    let options = settings.app.clone();
    let server = HttpServer::new(move || build_app_with(state.clone(), options.clone()))
        .workers(workers)
        // Signals are handled by `run` so that SIGINT is graceful too
        // (actix treats it as a forced stop).
        .disable_signals()
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        .client_request_timeout(settings.client_request_timeout)
        .client_disconnect_timeout(settings.client_disconnect_timeout)
        .keep_alive(KeepAlive::Timeout(settings.keep_alive))
        // A client that closes its side of the connection has gone away (no
        // HTTP client in use half-closes to wait for an answer): actix then
        // drops the request's handler, and the database adapter cancels the
        // statement it was waiting on instead of letting it run on.
        .h1_allow_half_closed(false)
        // actix counts connections per worker.
        .max_connections(settings.max_connections.div_ceil(workers).max(1))
        .bind(settings.bind_addr)?;
    let addrs = server.addrs();
    Ok((server.run(), addrs))
}

/// Serves `state` on `bind_addr` with the default settings until a
/// shutdown signal.
///
/// # Errors
/// When the address cannot be bound or the server fails.
pub async fn run(bind_addr: SocketAddr, state: AppState) -> std::io::Result<()> {
    run_with(&ServerSettings::new(bind_addr), state).await
}

/// Serves `state` with these settings until SIGTERM or SIGINT, then stops
/// accepting and gives in-flight requests up to `shutdown_timeout`.
///
/// Prints `listening on http://ADDR` to stdout once bound, so that scripts
/// and tests can find the port when `bind_addr` has port 0.
///
/// # Errors
/// When the address cannot be bound or the server fails.
pub async fn run_with(settings: &ServerSettings, state: AppState) -> std::io::Result<()> {
    run_observed(settings, state, None).await
}

/// As [`run_with`], with the metrics server on `settings.metrics_addr`
/// (announced as `metrics on http://ADDR/metrics` before the API's line),
/// reading the connection pool through `pool` when scraped.
///
/// # Errors
/// When an address cannot be bound, the metrics recorder cannot be
/// installed, or the server fails.
pub async fn run_observed(
    settings: &ServerSettings,
    state: AppState,
    pool: Option<metrics::PoolProbe>,
) -> std::io::Result<()> {
    let metrics_server = match settings.metrics_addr {
        Some(addr) => {
            let handle = metrics::install().map_err(std::io::Error::other)?;
            let (server, addrs) = metrics::start(addr, handle, pool)?;
            for addr in addrs {
                tracing::info!(url = %format!("http://{addr}/metrics"), "metrics");
                let mut stdout = std::io::stdout().lock();
                writeln!(stdout, "metrics on http://{addr}/metrics")?;
                stdout.flush()?;
            }
            let handle = server.handle();
            actix_web::rt::spawn(server);
            Some(handle)
        }
        None => None,
    };
    let (server, addrs) = start(settings, state)?;
    for addr in addrs {
        tracing::info!(url = %format!("http://{addr}"), "listening");
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{addr}")?;
        stdout.flush()?;
    }
    // Keeps the rate limiters' memory to recently active keys.
    let rate_limits = settings.app.rate_limits.clone();
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(RATE_LIMIT_PURGE_INTERVAL);
        loop {
            every.tick().await;
            rate_limits.purge();
        }
    });
    // Open event streams end as soon as the shutdown starts: they would
    // otherwise hold it for the whole shutdown timeout.
    let streams = settings.app.events.streams.clone();
    serve_until(server, async move {
        let cause = shutdown_signal().await;
        streams.shut_down();
        cause
    })
    .await?;
    if let Some(handle) = metrics_server {
        handle.stop(true).await;
    }
    tracing::info!("stopped");
    Ok(())
}

/// Runs a started server until `shutdown` completes (it names the cause
/// for the log), then stops gracefully: the listener closes at once (new
/// connections are refused), requests in flight get their answers with
/// `Connection: close`, idle connections are closed, and whatever is still
/// running after the server's `shutdown_timeout` is dropped.
///
/// # Errors
/// When the server fails.
pub async fn serve_until(
    server: Server,
    shutdown: impl Future<Output = &'static str> + 'static,
) -> std::io::Result<()> {
    let handle = server.handle();
    actix_web::rt::spawn(async move {
        let cause = shutdown.await;
        tracing::info!(
            signal = cause,
            "shutting down: finishing in-flight requests"
        );
        handle.stop(true).await;
    });
    server.await
}

#[cfg(unix)]
async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        },
        _ => {
            tracing::warn!("cannot listen for SIGTERM; falling back to Ctrl-C only");
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}

#[cfg(not(unix))]
async fn shutdown_signal() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C"
}
