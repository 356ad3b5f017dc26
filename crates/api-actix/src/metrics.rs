//! Prometheus metrics, through the `metrics` facade and
//! metrics-exporter-prometheus, served on their own address
//! (`METRICS_BIND_ADDR`, off by default) at `GET /metrics`, never on the
//! API's.
//!
//! - `http_requests_total{method,route,status}` and
//!   `http_request_duration_seconds{method,route,status}` (histogram), by
//!   route pattern (never the raw path, which holds ids), recorded by the
//!   app's request-log middleware;
//! - `rate_limit_rejections_total{policy}` (`rate_limit.rs`);
//! - `event_streams_open` (gauge): event streams open on this instance
//!   (`live/slots.rs`);
//! - `jwks_fetches_total`, `jwks_fetch_failures_total`,
//!   `verified_token_cache_hits_total`, `verified_token_cache_misses_total`
//!   (`adapters-jwt`);
//! - `db_pool_connections`, `db_pool_idle_connections`, `db_pool_waiting`
//!   (gauges, read from the pool when scraped).
//!
//! Without a recorder installed (metrics off) the request path skips the
//! recording altogether: [`enabled`] is one atomic load.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::{App, HttpResponse, HttpServer, web};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub const REQUESTS: &str = "http_requests_total";
pub const REQUEST_DURATION: &str = "http_request_duration_seconds";
pub const RATE_LIMIT_REJECTIONS: &str = "rate_limit_rejections_total";
pub const EVENT_STREAMS_OPEN: &str = "event_streams_open";

static ENABLED: AtomicBool = AtomicBool::new(false);
static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Whether a recorder is installed, i.e. whether recording is worth its
/// allocations.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Latency buckets, in seconds: 1 ms to 10 s.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Installs the process-wide Prometheus recorder (once; later calls return
/// the same handle).
///
/// # Errors
/// When another recorder was installed first.
pub fn install() -> Result<PrometheusHandle, String> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(REQUEST_DURATION.to_owned()), &BUCKETS)
        .map_err(|e| e.to_string())?
        .install_recorder()
        .map_err(|e| e.to_string())?;
    metrics::describe_counter!(
        REQUESTS,
        "HTTP requests answered, by method, route pattern and status."
    );
    metrics::describe_histogram!(
        REQUEST_DURATION,
        metrics::Unit::Seconds,
        "Time from request to response, by method, route pattern and status."
    );
    metrics::describe_counter!(
        RATE_LIMIT_REJECTIONS,
        "Requests answered 429, by policy (user, auth-failures)."
    );
    metrics::describe_gauge!(
        EVENT_STREAMS_OPEN,
        "Server-sent event streams open on this instance."
    );
    let handle = HANDLE.get_or_init(|| handle).clone();
    ENABLED.store(true, Ordering::Relaxed);
    Ok(handle)
}

/// Records one answered request.
pub fn record_request(method: &str, route: &str, status: u16, latency: Duration) {
    if !enabled() {
        return;
    }
    let labels = [
        ("method", method.to_owned()),
        ("route", route.to_owned()),
        ("status", status.to_string()),
    ];
    metrics::counter!(REQUESTS, &labels).increment(1);
    metrics::histogram!(REQUEST_DURATION, &labels).record(latency.as_secs_f64());
}

/// Records how many event streams are open on this instance.
pub fn record_open_streams(open: usize) {
    if enabled() {
        metrics::gauge!(EVENT_STREAMS_OPEN).set(open as f64);
    }
}

/// Records a 429.
pub fn record_rejection(policy: &'static str) {
    if enabled() {
        metrics::counter!(RATE_LIMIT_REJECTIONS, "policy" => policy).increment(1);
    }
}

/// The connection pool as seen at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolGauges {
    /// Connections open (idle or in use).
    pub size: usize,
    /// Connections open and idle.
    pub idle: usize,
    /// Requests waiting for a connection.
    pub waiting: usize,
}

/// Reads the pool when the metrics are scraped.
pub type PoolProbe = Arc<dyn Fn() -> PoolGauges + Send + Sync>;

struct Exporter {
    handle: PrometheusHandle,
    pool: Option<PoolProbe>,
}

async fn render(exporter: web::Data<Exporter>) -> HttpResponse {
    if let Some(pool) = &exporter.pool {
        let gauges = pool();
        #[allow(clippy::cast_precision_loss)]
        {
            metrics::gauge!("db_pool_connections").set(gauges.size as f64);
            metrics::gauge!("db_pool_idle_connections").set(gauges.idle as f64);
            metrics::gauge!("db_pool_waiting").set(gauges.waiting as f64);
        }
    }
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; version=0.0.4"))
        .body(exporter.handle.render())
}

/// Binds the metrics server (`GET /metrics`, one worker) on `addr` and
/// returns it with its bound address; it runs once polled or spawned.
///
/// # Errors
/// When the address cannot be bound.
pub fn start(
    addr: SocketAddr,
    handle: PrometheusHandle,
    pool: Option<PoolProbe>,
) -> std::io::Result<(Server, Vec<SocketAddr>)> {
    let exporter = web::Data::new(Exporter { handle, pool });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(exporter.clone())
            .route("/metrics", web::get().to(render))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .bind(addr)?;
    let addrs = server.addrs();
    Ok((server.run(), addrs))
}
