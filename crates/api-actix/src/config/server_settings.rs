//! What the settings choose for the server and the app it serves. Their
//! defaults ([`ServerSettings::new`], [`AppOptions::default`]) are
//! `config/default.toml`'s, read from the built-in copy, for tests and
//! embedders that configure nothing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::http::limits::HttpLimits;
use crate::http::rate_limit::RateLimits;
use crate::live::EventsOptions;

/// How long closing a connection may take once the server closes it. Not
/// a setting: only a client that stops reading is affected.
pub(super) const CLIENT_DISCONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// How the server treats connections.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub bind_addr: SocketAddr,
    /// After a shutdown signal: how long in-flight requests may take.
    pub shutdown_timeout: Duration,
    /// A request's head (request line and headers) must arrive within this
    /// time of the connection opening, or of the previous response on a
    /// kept-alive connection; else actix answers an empty 408 and closes.
    pub client_request_timeout: Duration,
    /// How long closing a connection may take once the server closes it.
    pub client_disconnect_timeout: Duration,
    /// An idle kept-alive connection is closed after this long.
    pub keep_alive: Duration,
    /// Open connections across all workers; beyond it the server stops
    /// accepting until some close (the rest wait in the listen backlog).
    pub max_connections: usize,
    /// Worker threads; `None`: one per core.
    pub workers: Option<usize>,
    /// Where to serve `GET /metrics` (Prometheus), if anywhere.
    pub metrics_addr: Option<SocketAddr>,
    pub app: AppOptions,
}

impl ServerSettings {
    /// The values of `config/default.toml`, on `bind_addr`.
    pub fn new(bind_addr: SocketAddr) -> Self {
        super::built_in_server_settings(bind_addr)
    }
}

/// How the app is built beyond its ports: the limits and protections the
/// server's settings choose.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub limits: HttpLimits,
    /// Shared by every worker (clones share the buckets).
    pub rate_limits: Arc<RateLimits>,
    /// Event streams: keep-alive, limits, and the open streams (shared by
    /// every worker, like the buckets).
    pub events: EventsOptions,
}

impl Default for AppOptions {
    /// What `config/default.toml` says, with buckets of its own.
    fn default() -> Self {
        super::built_in_server_settings(SocketAddr::from(([127, 0, 0, 1], 0))).app
    }
}
