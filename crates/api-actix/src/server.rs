//! Running the HTTP server: bind, announce the address, serve until SIGTERM
//! or SIGINT, then finish in-flight requests before exiting.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use actix_web::HttpServer;

use crate::app::{AppState, build_app};

/// How long in-flight requests get to finish after a shutdown signal.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `state` on `bind_addr` until a shutdown signal.
///
/// Prints `listening on http://ADDR` to stdout once bound, so that scripts
/// and tests can find the port when `bind_addr` has port 0.
///
/// # Errors
/// When the address cannot be bound or the server fails.
pub async fn run(bind_addr: SocketAddr, state: AppState) -> std::io::Result<()> {
    let server = HttpServer::new(move || build_app(state.clone()))
        // Signals are handled below so that SIGINT is graceful too (actix
        // treats it as a forced stop).
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs())
        .bind(bind_addr)?;
    for addr in server.addrs() {
        tracing::info!(url = %format!("http://{addr}"), "listening");
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{addr}")?;
        stdout.flush()?;
    }
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(async move {
        let signal = shutdown_signal().await;
        tracing::info!(signal, "shutting down: finishing in-flight requests");
        handle.stop(true).await;
    });
    server.await?;
    tracing::info!("stopped");
    Ok(())
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
