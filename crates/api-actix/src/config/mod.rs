//! Settings, layered with the `config` crate: the built-in copy of
//! `config/default.toml` → `config/default.toml` on disk (if present) →
//! `config/{APP_ENV}.toml` (required when `APP_ENV` is set) → environment
//! variables with their conventional flat names (`DATABASE_URL`, …). Keys in
//! the files are the variable names in lower case.
//!
//! `config/default.toml` is the one source of defaults: nothing here or in
//! the types it fills has a default of its own, and the defaults for tests
//! and embedders ([`ServerSettings::new`], [`AppOptions::default`]) are read
//! from the built-in copy through the same checks. The settings are built
//! straight into the types that use them: the adapters' [`PgSettings`] and
//! [`VerifierSettings`], and [`ServerSettings`]. A rule an adapter enforces
//! (the HS256 secret's length, the JWKS URL and intervals) is checked there
//! only; [`ServeConfig::verifier_error`] names the variable at fault.
//!
//! Every value is read as text and checked here, so that a missing or
//! invalid setting is reported in one line that names its variable. Secret
//! values never appear in those lines, nor in `Debug` output.

mod server_settings;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use adapters_jwt::{
    BETTER_AUTH_JWKS_PATH, DEFAULT_MAX_BODY_BYTES, JwksSettings, VerifierConfigError, VerifierMode,
    VerifierSettings,
};
use adapters_postgres::{PgSettings, PoolerMode};
use config::{Config, Environment, File, FileFormat};
use secrecy::{ExposeSecret, SecretString};

use crate::http::limits::HttpLimits;
use crate::http::rate_limit::{IpNet, RateLimitSettings, RateLimits};
use crate::live::EventsOptions;
pub use server_settings::{AppOptions, ServerSettings};

/// The defaults, compiled in so that the binary runs from any directory.
pub const DEFAULTS_TOML: &str = include_str!("../../../../config/default.toml");

/// Every variable the API reads (besides `APP_ENV`, which picks a file).
pub const VARIABLES: [&str; 39] = [
    "DATABASE_URL",
    "DATABASE_MIGRATION_URL",
    "API_BIND_ADDR",
    "AUTH_MODE",
    "BETTER_AUTH_URL",
    "BETTER_AUTH_SECRET",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "JWKS_URL",
    "JWT_LEEWAY_SECS",
    "JWKS_REFRESH_SECS",
    "JWKS_COOLDOWN_SECS",
    "JWKS_FETCH_TIMEOUT_MS",
    "DATABASE_MAX_CONNECTIONS",
    "DATABASE_ACQUIRE_TIMEOUT_MS",
    "DATABASE_STATEMENT_TIMEOUT_MS",
    "DATABASE_LOCK_TIMEOUT_MS",
    "DATABASE_POOLER",
    "RUST_LOG",
    "REQUEST_BODY_TIMEOUT_MS",
    "CLIENT_REQUEST_TIMEOUT_MS",
    "KEEP_ALIVE_SECS",
    "API_MAX_CONNECTIONS",
    "MAX_URI_BYTES",
    "MAX_QUERY_BYTES",
    "MAX_HEADER_BYTES",
    "MAX_JSON_DEPTH",
    "SHUTDOWN_TIMEOUT_SECS",
    "RATE_LIMIT_PER_SECOND",
    "RATE_LIMIT_BURST",
    "AUTH_FAILURE_LIMIT_PER_MINUTE",
    "AUTH_FAILURE_LIMIT_BURST",
    "METRICS_BIND_ADDR",
    "AUTH_FAILURE_LIMIT_EXEMPT",
    "DATABASE_LISTEN_URL",
    "CHANGES_RETENTION_DAYS",
    "EVENTS_KEEPALIVE_SECS",
    "TRASH_PURGE_INTERVAL_SECS",
    "TRASH_RETENTION_DAYS",
];

/// A setting that stops startup. Displays as one line naming the variable
/// (or file) at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {name} {message}")]
pub struct ConfigError {
    pub name: String,
    pub message: String,
}

impl ConfigError {
    fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            message: message.into(),
        }
    }
}

/// Where settings come from: a set of environment variables and the
/// directory of the optional files. Tests build one by hand.
#[derive(Debug, Clone)]
pub struct Sources {
    pub env: HashMap<String, String>,
    pub config_dir: PathBuf,
}

impl Sources {
    /// The process environment (only the variables in [`VARIABLES`] and
    /// `APP_ENV`) and `./config`.
    pub fn from_process() -> Self {
        let env = std::env::vars()
            .filter(|(name, _)| name == "APP_ENV" || VARIABLES.contains(&name.as_str()))
            .collect();
        Self {
            env,
            config_dir: PathBuf::from("config"),
        }
    }
}

/// Every setting as text, merged from all layers, by variable name. Text
/// even for numbers: the environment only has text, and one parser
/// ([`Raw::number`]) then reports every bad value the same way.
#[derive(Debug, Default)]
struct Raw(HashMap<String, String>);

fn file_error(path: &Path, error: &config::ConfigError) -> ConfigError {
    ConfigError::new(path.display().to_string(), format!("is not valid: {error}"))
}

type Layer = (PathBuf, File<config::FileSourceString, FileFormat>);

fn read_file(path: PathBuf) -> Result<Layer, ConfigError> {
    let text = std::fs::read_to_string(&path).map_err(|e| {
        ConfigError::new(path.display().to_string(), format!("cannot be read: {e}"))
    })?;
    Ok((path, File::from_str(&text, FileFormat::Toml).required(true)))
}

fn built_in_layer() -> Layer {
    (
        PathBuf::from("built-in config/default.toml"),
        File::from_str(DEFAULTS_TOML, FileFormat::Toml).required(true),
    )
}

/// The files to read, in order: the built-in defaults, then those in
/// `sources.config_dir`.
fn file_layers(sources: &Sources) -> Result<Vec<Layer>, ConfigError> {
    let mut layers = vec![built_in_layer()];
    let on_disk = sources.config_dir.join("default.toml");
    if on_disk.is_file() {
        layers.push(read_file(on_disk)?);
    }
    if let Some(app_env) = sources.env.get("APP_ENV").filter(|v| !v.is_empty()) {
        let valid = app_env
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(ConfigError::new(
                "APP_ENV",
                "must be a name made of letters, digits, '-' and '_' (it picks config/{APP_ENV}.toml)",
            ));
        }
        let path = sources.config_dir.join(format!("{app_env}.toml"));
        if !path.is_file() {
            return Err(ConfigError::new(
                "APP_ENV",
                format!("is {app_env:?} but {} does not exist", path.display()),
            ));
        }
        layers.push(read_file(path)?);
    }
    Ok(layers)
}

/// Each file on its own, so that a syntax error or a misspelt key is
/// reported against the file that has it.
fn check_file(
    path: &Path,
    layer: &File<config::FileSourceString, FileFormat>,
) -> Result<(), ConfigError> {
    let table = Config::builder()
        .add_source(layer.clone())
        .build()
        .map_err(|e| file_error(path, &e))?;
    let keys = table
        .try_deserialize::<HashMap<String, config::Value>>()
        .map_err(|e| file_error(path, &e))?;
    let mut unknown: Vec<&String> = keys
        .keys()
        .filter(|k| !VARIABLES.iter().any(|v| v.eq_ignore_ascii_case(k)))
        .collect();
    unknown.sort();
    match unknown.first() {
        Some(key) => Err(ConfigError::new(
            path.display().to_string(),
            format!("has an unknown setting `{key}` (keys are the variable names in lower case)"),
        )),
        None => Ok(()),
    }
}

fn merge(layers: Vec<Layer>, env: HashMap<String, String>) -> Result<Raw, ConfigError> {
    for (path, layer) in &layers {
        check_file(path, layer)?;
    }
    let mut builder = Config::builder();
    for (_, layer) in layers {
        builder = builder.add_source(layer);
    }
    builder
        .add_source(Environment::default().source(Some(env)))
        .build()
        .and_then(Config::try_deserialize::<HashMap<String, String>>)
        .map(Raw)
        .map_err(|e| ConfigError::new("configuration", format!("could not be read: {e}")))
}

fn load_raw(sources: &Sources) -> Result<Raw, ConfigError> {
    let env: HashMap<String, String> = sources
        .env
        .iter()
        .filter(|(name, value)| VARIABLES.contains(&name.as_str()) && !value.is_empty())
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    merge(file_layers(sources)?, env)
}

/// The built-in defaults alone: no files on disk, no environment.
fn built_in_raw() -> Result<Raw, ConfigError> {
    merge(vec![built_in_layer()], HashMap::new())
}

impl Raw {
    /// The value of `name` (one of [`VARIABLES`]), trimmed; `None` when
    /// unset or blank.
    fn text(&self, name: &str) -> Option<String> {
        self.0
            .get(&name.to_ascii_lowercase())
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    fn required(&self, name: &str, what: &str) -> Result<String, ConfigError> {
        self.text(name)
            .ok_or_else(|| ConfigError::new(name, format!("is not set: {what}")))
    }

    fn number(
        &self,
        name: &str,
        range: RangeInclusive<u64>,
        unit: &str,
    ) -> Result<u64, ConfigError> {
        let raw = self.required(name, &format!("expected {unit}"))?;
        raw.parse::<u64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                ConfigError::new(
                    name,
                    format!(
                        "must be {unit} from {} to {}, got {raw:?}",
                        range.start(),
                        range.end()
                    ),
                )
            })
    }

    fn millis(&self, name: &str, range: RangeInclusive<u64>) -> Result<Duration, ConfigError> {
        self.number(name, range, "milliseconds")
            .map(Duration::from_millis)
    }

    fn secs(&self, name: &str, range: RangeInclusive<u64>) -> Result<Duration, ConfigError> {
        self.number(name, range, "seconds").map(Duration::from_secs)
    }

    fn count(&self, name: &str, range: RangeInclusive<u64>) -> Result<usize, ConfigError> {
        let n = self.number(name, range, "a whole number")?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn bytes(&self, name: &str, range: RangeInclusive<u64>) -> Result<usize, ConfigError> {
        let n = self.number(name, range, "bytes")?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn rate(&self, name: &str, range: RangeInclusive<u64>) -> Result<u32, ConfigError> {
        let n = self.number(name, range, "a whole number")?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }
}

fn socket_addr(value: &str, name: &str, example: &str) -> Result<SocketAddr, ConfigError> {
    value.parse::<SocketAddr>().map_err(|_| {
        ConfigError::new(
            name,
            format!("must be an IP address and port such as {example}, got {value:?}"),
        )
    })
}

fn http_url(value: String, name: &str) -> Result<String, ConfigError> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Ok(value)
    } else {
        Err(ConfigError::new(
            name,
            format!("must be an http:// or https:// URL, got {value:?}"),
        ))
    }
}

/// The value may hold a password: it is never echoed.
fn postgres_url(name: &str, url: String) -> Result<SecretString, ConfigError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(SecretString::from(url))
    } else {
        Err(ConfigError::new(
            name,
            "must be a postgres:// or postgresql:// URL",
        ))
    }
}

fn database_url(raw: &Raw) -> Result<SecretString, ConfigError> {
    let url = raw.required(
        "DATABASE_URL",
        "the PostgreSQL URL, e.g. postgres://user:password@127.0.0.1:5432/todo",
    )?;
    postgres_url("DATABASE_URL", url)
}

fn log_filter(raw: &Raw) -> Result<String, ConfigError> {
    let filter = raw.required("RUST_LOG", "a tracing filter such as info")?;
    tracing_subscriber::EnvFilter::try_new(&filter)
        .map(|_| filter.clone())
        .map_err(|e| ConfigError::new("RUST_LOG", format!("is not a valid filter: {e}")))
}

/// Everything `todo-api serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Connections, requests, limits, metrics; `server.bind_addr` is
    /// `API_BIND_ADDR`.
    pub server: ServerSettings,
    pub database: PgSettings,
    /// `DATABASE_LISTEN_URL`, else `DATABASE_URL`: where the one `LISTEN`
    /// connection of the change signals goes (outside the pool). Behind a
    /// transaction-mode pooler it must be the direct endpoint.
    pub listen_url: SecretString,
    /// How long change-log entries are kept (`CHANGES_RETENTION_DAYS`).
    pub changes_retention: Duration,
    /// About how often each instance purges the trash and the idempotency
    /// records (`TRASH_PURGE_INTERVAL_SECS`, jittered by ±20 %).
    pub trash_purge_interval: Duration,
    /// How long a deleted task or list stays restorable
    /// (`TRASH_RETENTION_DAYS`).
    pub trash_retention: Duration,
    pub auth: VerifierSettings,
    pub log_filter: String,
    /// Which variables gave the issuer and the JWKS URL, to name them when
    /// the verifier refuses a value.
    issuer_from: &'static str,
    jwks_url_from: &'static str,
}

/// Everything `todo-api migrate` needs: only the database URL is required.
#[derive(Debug, Clone)]
pub struct MigrateConfig {
    /// `DATABASE_MIGRATION_URL`, else `DATABASE_URL`. Behind a
    /// transaction-mode pooler (Neon's pooled endpoint) migrations need the
    /// direct endpoint: they take session-level locks.
    pub database_url: SecretString,
    pub log_filter: String,
}

/// Settings for `todo-api migrate`.
///
/// # Errors
/// The first missing or invalid setting, or an unreadable config file.
pub fn load_migrate(sources: &Sources) -> Result<MigrateConfig, ConfigError> {
    let raw = load_raw(sources)?;
    let database_url = match raw.text("DATABASE_MIGRATION_URL") {
        Some(url) => postgres_url("DATABASE_MIGRATION_URL", url)?,
        None => database_url(&raw)?,
    };
    Ok(MigrateConfig {
        database_url,
        log_filter: log_filter(&raw)?,
    })
}

/// Settings for `todo-api serve`.
///
/// # Errors
/// The first missing or invalid setting, or an unreadable config file.
/// Rules the token verifier enforces are reported when it is built
/// ([`ServeConfig::verifier_error`]).
pub fn load_serve(sources: &Sources) -> Result<ServeConfig, ConfigError> {
    let raw = load_raw(sources)?;
    let database = database(&raw)?;
    let listen_url = match raw.text("DATABASE_LISTEN_URL") {
        Some(url) => postgres_url("DATABASE_LISTEN_URL", url)?,
        None => database.url.clone(),
    };
    let retention_days = raw.number("CHANGES_RETENTION_DAYS", 1..=3650, "days")?;
    let purge_interval_secs = raw.number("TRASH_PURGE_INTERVAL_SECS", 1..=86_400, "seconds")?;
    let trash_retention_days = raw.number("TRASH_RETENTION_DAYS", 1..=3650, "days")?;
    let bind = raw.required("API_BIND_ADDR", "e.g. 127.0.0.1:8000")?;
    let bind_addr = socket_addr(&bind, "API_BIND_ADDR", "127.0.0.1:8000")?;
    let (auth, issuer_from, jwks_url_from) = auth(&raw)?;
    let server = server_settings(&raw, bind_addr)?;
    Ok(ServeConfig {
        server,
        database,
        listen_url,
        changes_retention: Duration::from_secs(retention_days * 86_400),
        trash_purge_interval: Duration::from_secs(purge_interval_secs),
        trash_retention: Duration::from_secs(trash_retention_days * 86_400),
        auth,
        log_filter: log_filter(&raw)?,
        issuer_from,
        jwks_url_from,
    })
}

fn database(raw: &Raw) -> Result<PgSettings, ConfigError> {
    let url = database_url(raw)?;
    let pooler = raw.required("DATABASE_POOLER", "none or transaction")?;
    Ok(PgSettings {
        url,
        max_connections: raw.count("DATABASE_MAX_CONNECTIONS", 1..=1000)?,
        acquire_timeout: raw.millis("DATABASE_ACQUIRE_TIMEOUT_MS", 1..=600_000)?,
        statement_timeout: raw.millis("DATABASE_STATEMENT_TIMEOUT_MS", 0..=600_000)?,
        lock_timeout: raw.millis("DATABASE_LOCK_TIMEOUT_MS", 0..=600_000)?,
        pooler: pooler
            .to_ascii_lowercase()
            .parse::<PoolerMode>()
            .map_err(|message| ConfigError::new("DATABASE_POOLER", message))?,
    })
}

/// The verifier's settings, and the variables that gave the issuer and the
/// JWKS URL.
fn auth(raw: &Raw) -> Result<(VerifierSettings, &'static str, &'static str), ConfigError> {
    let better_auth_url = raw
        .text("BETTER_AUTH_URL")
        .map(|u| http_url(u, "BETTER_AUTH_URL"))
        .transpose()?;
    let mode_name = raw.required("AUTH_MODE", "jwks or hs256")?;
    let mut jwks_url_from = "JWKS_URL";
    let mode = match mode_name.to_ascii_lowercase().as_str() {
        "jwks" => {
            let url = match (raw.text("JWKS_URL"), &better_auth_url) {
                (Some(url), _) => url,
                (None, Some(base)) => {
                    jwks_url_from = "BETTER_AUTH_URL";
                    format!("{}{BETTER_AUTH_JWKS_PATH}", base.trim_end_matches('/'))
                }
                (None, None) => {
                    return Err(ConfigError::new(
                        "BETTER_AUTH_URL",
                        "is not set: the web app's base URL, where the JWKS is published (or set JWKS_URL)",
                    ));
                }
            };
            // Zero is refused by the verifier (`verifier_error`), not here.
            VerifierMode::Jwks(JwksSettings {
                url,
                refresh_interval: raw.secs("JWKS_REFRESH_SECS", 0..=86_400)?,
                refetch_cooldown: raw.secs("JWKS_COOLDOWN_SECS", 0..=3_600)?,
                fetch_timeout: raw.millis("JWKS_FETCH_TIMEOUT_MS", 0..=60_000)?,
                max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            })
        }
        "hs256" => VerifierMode::Hs256 {
            // Its length is the verifier's rule (`verifier_error`).
            secret: SecretString::from(raw.required(
                "BETTER_AUTH_SECRET",
                "AUTH_MODE=hs256 needs the shared secret",
            )?),
        },
        other => {
            return Err(ConfigError::new(
                "AUTH_MODE",
                format!("must be jwks or hs256, got {other:?}"),
            ));
        }
    };
    let (issuer, issuer_from) = match (raw.text("JWT_ISSUER"), better_auth_url) {
        (Some(issuer), _) => (issuer, "JWT_ISSUER"),
        (None, Some(base)) => (base, "BETTER_AUTH_URL"),
        (None, None) => {
            return Err(ConfigError::new(
                "BETTER_AUTH_URL",
                "is not set: the web app's base URL, the tokens' issuer (or set JWT_ISSUER)",
            ));
        }
    };
    let settings = VerifierSettings {
        issuer,
        audience: raw.required("JWT_AUDIENCE", "e.g. todo-api")?,
        leeway: raw.secs("JWT_LEEWAY_SECS", 0..=300)?,
        mode,
    };
    Ok((settings, issuer_from, jwks_url_from))
}

/// The server's settings from `raw`, listening on `bind_addr`.
fn server_settings(raw: &Raw, bind_addr: SocketAddr) -> Result<ServerSettings, ConfigError> {
    let limits = HttpLimits {
        body_timeout: raw.millis("REQUEST_BODY_TIMEOUT_MS", 1..=600_000)?,
        max_uri_bytes: raw.bytes("MAX_URI_BYTES", 256..=65_536)?,
        max_query_bytes: raw.bytes("MAX_QUERY_BYTES", 64..=65_536)?,
        max_header_bytes: raw.bytes("MAX_HEADER_BYTES", 1_024..=131_072)?,
        max_json_depth: raw.count("MAX_JSON_DEPTH", 2..=128)?,
    };
    let rate_limits = RateLimitSettings {
        per_user_per_second: raw.rate("RATE_LIMIT_PER_SECOND", 0..=1_000_000)?,
        per_user_burst: raw.rate("RATE_LIMIT_BURST", 1..=1_000_000)?,
        auth_failures_per_minute: raw.rate("AUTH_FAILURE_LIMIT_PER_MINUTE", 0..=1_000_000)?,
        auth_failures_burst: raw.rate("AUTH_FAILURE_LIMIT_BURST", 1..=1_000_000)?,
    };
    let exempt = raw
        .text("AUTH_FAILURE_LIMIT_EXEMPT")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(IpNet::parse)
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
        .map_err(|e| {
            ConfigError::new(
                "AUTH_FAILURE_LIMIT_EXEMPT",
                format!("must be IP addresses or ranges such as 127.0.0.1,172.16.0.0/12: {e}"),
            )
        })?
        .unwrap_or_default();
    Ok(ServerSettings {
        bind_addr,
        shutdown_timeout: raw.secs("SHUTDOWN_TIMEOUT_SECS", 0..=3_600)?,
        client_request_timeout: raw.millis("CLIENT_REQUEST_TIMEOUT_MS", 1..=600_000)?,
        client_disconnect_timeout: server_settings::CLIENT_DISCONNECT_TIMEOUT,
        keep_alive: raw.secs("KEEP_ALIVE_SECS", 1..=3_600)?,
        max_connections: raw.count("API_MAX_CONNECTIONS", 1..=1_000_000)?,
        workers: None,
        metrics_addr: raw
            .text("METRICS_BIND_ADDR")
            .map(|addr| socket_addr(&addr, "METRICS_BIND_ADDR", "127.0.0.1:9000"))
            .transpose()?,
        app: AppOptions {
            limits,
            rate_limits: Arc::new(RateLimits::new(rate_limits).exempt(exempt)),
            events: EventsOptions::new(raw.secs("EVENTS_KEEPALIVE_SECS", 1..=3_600)?),
        },
    })
}

/// The server's settings as `config/default.toml` has them, on
/// `bind_addr`.
///
/// # Panics
/// If the built-in defaults are invalid, which a test rules out.
fn built_in_server_settings(bind_addr: SocketAddr) -> ServerSettings {
    built_in_raw()
        .and_then(|raw| server_settings(&raw, bind_addr))
        .unwrap_or_else(|error| panic!("the built-in config/default.toml: {error}"))
}

impl ServeConfig {
    /// The token verifier's refusal of [`ServeConfig::auth`], as the
    /// configuration error it is, naming the variable at fault; `None` for
    /// a failure that is not about a setting.
    pub fn verifier_error(&self, error: &VerifierConfigError) -> Option<ConfigError> {
        let (name, message) = match error {
            VerifierConfigError::SecretTooShort { min } => (
                "BETTER_AUTH_SECRET",
                format!("must be at least {min} bytes long"),
            ),
            VerifierConfigError::EmptyIssuer => (self.issuer_from, "must not be empty".to_owned()),
            VerifierConfigError::EmptyAudience => ("JWT_AUDIENCE", "must not be empty".to_owned()),
            VerifierConfigError::InvalidJwksUrl { url, reason } => (
                self.jwks_url_from,
                format!("does not give a usable http:// or https:// JWKS URL ({url:?}): {reason}"),
            ),
            VerifierConfigError::InvalidJwksSetting { name, reason } => {
                let variable = match *name {
                    "refresh_interval" => "JWKS_REFRESH_SECS",
                    "fetch_timeout" => "JWKS_FETCH_TIMEOUT_MS",
                    _ => return None,
                };
                (variable, (*reason).to_owned())
            }
            _ => return None,
        };
        Some(ConfigError::new(name, message))
    }
}

/// For the startup log: the mode and key source, never the secret.
pub fn describe_auth_mode(mode: &VerifierMode) -> String {
    match mode {
        VerifierMode::Jwks(jwks) => format!("jwks ({})", jwks.url),
        VerifierMode::Hs256 { secret } => {
            format!("hs256 ({} byte secret)", secret.expose_secret().len())
        }
    }
}
