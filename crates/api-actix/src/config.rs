//! Settings, layered with the `config` crate: the built-in copy of
//! `config/default.toml` → `config/default.toml` on disk (if present) →
//! `config/{APP_ENV}.toml` (required when `APP_ENV` is set) → environment
//! variables with their conventional flat names (`DATABASE_URL`, …). Keys in
//! the files are the variable names in lower case.
//!
//! Every value is read as text and checked here, so that a missing or
//! invalid setting is reported in one line that names its variable. Secret
//! values never appear in those lines, nor in `Debug` output.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use adapters_jwt::{BETTER_AUTH_JWKS_PATH, MIN_HS256_SECRET_BYTES};
use adapters_postgres::PoolerMode;

use crate::http::limits::HttpLimits;
use crate::http::rate_limit::{IpNet, RateLimitSettings, RateLimits};
use crate::server::ServerSettings;
use config::{Config, Environment, File, FileFormat};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The defaults, compiled in so that the binary runs from any directory.
pub const DEFAULTS_TOML: &str = include_str!("../../../config/default.toml");

/// Every variable the API reads (besides `APP_ENV`, which picks a file).
pub const VARIABLES: [&str; 34] = [
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

/// Every setting as text, merged from all layers. `None` or empty means
/// unset.
#[derive(Debug, Default, Deserialize)]
struct Raw {
    database_url: Option<String>,
    database_migration_url: Option<String>,
    api_bind_addr: Option<String>,
    auth_mode: Option<String>,
    better_auth_url: Option<String>,
    better_auth_secret: Option<String>,
    jwt_issuer: Option<String>,
    jwt_audience: Option<String>,
    jwks_url: Option<String>,
    jwt_leeway_secs: Option<String>,
    jwks_refresh_secs: Option<String>,
    jwks_cooldown_secs: Option<String>,
    jwks_fetch_timeout_ms: Option<String>,
    database_max_connections: Option<String>,
    database_acquire_timeout_ms: Option<String>,
    database_statement_timeout_ms: Option<String>,
    database_lock_timeout_ms: Option<String>,
    database_pooler: Option<String>,
    rust_log: Option<String>,
    request_body_timeout_ms: Option<String>,
    client_request_timeout_ms: Option<String>,
    keep_alive_secs: Option<String>,
    api_max_connections: Option<String>,
    max_uri_bytes: Option<String>,
    max_query_bytes: Option<String>,
    max_header_bytes: Option<String>,
    max_json_depth: Option<String>,
    shutdown_timeout_secs: Option<String>,
    rate_limit_per_second: Option<String>,
    rate_limit_burst: Option<String>,
    auth_failure_limit_per_minute: Option<String>,
    auth_failure_limit_burst: Option<String>,
    metrics_bind_addr: Option<String>,
    auth_failure_limit_exempt: Option<String>,
}

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

fn load_raw(sources: &Sources) -> Result<Raw, ConfigError> {
    let mut layers: Vec<Layer> = vec![(
        PathBuf::from("built-in config/default.toml"),
        File::from_str(DEFAULTS_TOML, FileFormat::Toml).required(true),
    )];
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

    // Each file is checked on its own first, so a syntax error or a
    // misspelt key is reported against the file that has it.
    for (path, layer) in &layers {
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
        if let Some(key) = unknown.first() {
            return Err(ConfigError::new(
                path.display().to_string(),
                format!(
                    "has an unknown setting `{key}` (keys are the variable names in lower case)"
                ),
            ));
        }
    }

    let env: HashMap<String, String> = sources
        .env
        .iter()
        .filter(|(name, value)| VARIABLES.contains(&name.as_str()) && !value.is_empty())
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let mut builder = Config::builder();
    for (_, layer) in layers {
        builder = builder.add_source(layer);
    }
    builder
        .add_source(Environment::default().source(Some(env)))
        .build()
        .and_then(Config::try_deserialize::<Raw>)
        .map_err(|e| ConfigError::new("configuration", format!("could not be read: {e}")))
}

fn text(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn required(value: Option<String>, name: &str, what: &str) -> Result<String, ConfigError> {
    text(value).ok_or_else(|| ConfigError::new(name, format!("is not set: {what}")))
}

fn number(
    value: Option<String>,
    name: &str,
    range: std::ops::RangeInclusive<u64>,
    unit: &str,
) -> Result<u64, ConfigError> {
    let raw = required(value, name, &format!("expected {unit}"))?;
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

/// How the API reaches PostgreSQL.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: SecretString,
    pub max_connections: usize,
    pub acquire_timeout: Duration,
    /// PostgreSQL's statement_timeout and lock_timeout (zero: none).
    pub statement_timeout: Duration,
    pub lock_timeout: Duration,
    /// `DATABASE_POOLER`: `transaction` when `DATABASE_URL` leads to a
    /// transaction-mode pooler (PgBouncer `pool_mode = transaction`).
    pub pooler: PoolerMode,
}

/// Where the verifier gets its keys.
#[derive(Debug, Clone)]
pub enum AuthModeConfig {
    Jwks {
        url: String,
        refresh_interval: Duration,
        refetch_cooldown: Duration,
        fetch_timeout: Duration,
    },
    Hs256 {
        secret: SecretString,
    },
}

/// What a token must satisfy.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub issuer: String,
    pub audience: String,
    pub leeway: Duration,
    pub mode: AuthModeConfig,
}

/// Everything `todo-api serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub bind_addr: SocketAddr,
    /// How the server treats connections and requests (its `bind_addr` is
    /// the one above).
    pub server: ServerSettings,
    pub database: DatabaseConfig,
    pub auth: AuthConfig,
    pub log_filter: String,
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

fn database_url(raw: Option<String>) -> Result<SecretString, ConfigError> {
    let url = required(
        raw,
        "DATABASE_URL",
        "the PostgreSQL URL, e.g. postgres://user:password@127.0.0.1:5432/todo",
    )?;
    postgres_url("DATABASE_URL", url)
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

fn log_filter(raw: Option<String>) -> Result<String, ConfigError> {
    let filter = text(raw).unwrap_or_else(|| "info".to_owned());
    tracing_subscriber::EnvFilter::try_new(&filter)
        .map(|_| filter.clone())
        .map_err(|e| ConfigError::new("RUST_LOG", format!("is not a valid filter: {e}")))
}

/// Settings for `todo-api migrate`.
///
/// # Errors
/// The first missing or invalid setting, or an unreadable config file.
pub fn load_migrate(sources: &Sources) -> Result<MigrateConfig, ConfigError> {
    let raw = load_raw(sources)?;
    let database_url = match text(raw.database_migration_url) {
        Some(url) => postgres_url("DATABASE_MIGRATION_URL", url)?,
        None => database_url(raw.database_url)?,
    };
    Ok(MigrateConfig {
        database_url,
        log_filter: log_filter(raw.rust_log)?,
    })
}

/// Settings for `todo-api serve`.
///
/// # Errors
/// The first missing or invalid setting, or an unreadable config file.
pub fn load_serve(sources: &Sources) -> Result<ServeConfig, ConfigError> {
    let mut raw = load_raw(sources)?;
    let raw_server = RawServer::take(&mut raw);
    let url = database_url(raw.database_url)?;
    let bind = required(raw.api_bind_addr, "API_BIND_ADDR", "e.g. 127.0.0.1:8000")?;
    let bind_addr = bind.parse::<SocketAddr>().map_err(|_| {
        ConfigError::new(
            "API_BIND_ADDR",
            format!("must be an IP address and port such as 127.0.0.1:8000, got {bind:?}"),
        )
    })?;
    let database = DatabaseConfig {
        url,
        max_connections: usize::try_from(number(
            raw.database_max_connections,
            "DATABASE_MAX_CONNECTIONS",
            1..=1000,
            "a whole number",
        )?)
        .unwrap_or(usize::MAX),
        acquire_timeout: Duration::from_millis(number(
            raw.database_acquire_timeout_ms,
            "DATABASE_ACQUIRE_TIMEOUT_MS",
            1..=600_000,
            "milliseconds",
        )?),
        statement_timeout: Duration::from_millis(number(
            raw.database_statement_timeout_ms,
            "DATABASE_STATEMENT_TIMEOUT_MS",
            0..=600_000,
            "milliseconds",
        )?),
        lock_timeout: Duration::from_millis(number(
            raw.database_lock_timeout_ms,
            "DATABASE_LOCK_TIMEOUT_MS",
            0..=600_000,
            "milliseconds",
        )?),
        pooler: required(
            raw.database_pooler,
            "DATABASE_POOLER",
            "none or transaction",
        )?
        .to_ascii_lowercase()
        .parse::<PoolerMode>()
        .map_err(|message| ConfigError::new("DATABASE_POOLER", message))?,
    };

    let better_auth_url = text(raw.better_auth_url)
        .map(|u| http_url(u, "BETTER_AUTH_URL"))
        .transpose()?;
    let mode_name = text(raw.auth_mode)
        .unwrap_or_else(|| "jwks".to_owned())
        .to_ascii_lowercase();
    let mode = match mode_name.as_str() {
        "jwks" => {
            let url = match (text(raw.jwks_url), &better_auth_url) {
                (Some(url), _) => http_url(url, "JWKS_URL")?,
                (None, Some(base)) => {
                    format!("{}{BETTER_AUTH_JWKS_PATH}", base.trim_end_matches('/'))
                }
                (None, None) => {
                    return Err(ConfigError::new(
                        "BETTER_AUTH_URL",
                        "is not set: the web app's base URL, where the JWKS is published (or set JWKS_URL)",
                    ));
                }
            };
            AuthModeConfig::Jwks {
                url,
                refresh_interval: Duration::from_secs(number(
                    raw.jwks_refresh_secs,
                    "JWKS_REFRESH_SECS",
                    1..=86_400,
                    "seconds",
                )?),
                refetch_cooldown: Duration::from_secs(number(
                    raw.jwks_cooldown_secs,
                    "JWKS_COOLDOWN_SECS",
                    0..=3_600,
                    "seconds",
                )?),
                fetch_timeout: Duration::from_millis(number(
                    raw.jwks_fetch_timeout_ms,
                    "JWKS_FETCH_TIMEOUT_MS",
                    1..=60_000,
                    "milliseconds",
                )?),
            }
        }
        "hs256" => {
            let secret = required(
                raw.better_auth_secret,
                "BETTER_AUTH_SECRET",
                "AUTH_MODE=hs256 needs the shared secret (at least 32 bytes)",
            )?;
            if secret.len() < MIN_HS256_SECRET_BYTES {
                return Err(ConfigError::new(
                    "BETTER_AUTH_SECRET",
                    format!("must be at least {MIN_HS256_SECRET_BYTES} bytes long"),
                ));
            }
            AuthModeConfig::Hs256 {
                secret: SecretString::from(secret),
            }
        }
        other => {
            return Err(ConfigError::new(
                "AUTH_MODE",
                format!("must be jwks or hs256, got {other:?}"),
            ));
        }
    };
    let issuer = match (text(raw.jwt_issuer), better_auth_url) {
        (Some(issuer), _) => issuer,
        (None, Some(base)) => base,
        (None, None) => {
            return Err(ConfigError::new(
                "BETTER_AUTH_URL",
                "is not set: the web app's base URL, the tokens' issuer (or set JWT_ISSUER)",
            ));
        }
    };
    let auth = AuthConfig {
        issuer,
        audience: required(raw.jwt_audience, "JWT_AUDIENCE", "e.g. todo-api")?,
        leeway: Duration::from_secs(number(
            raw.jwt_leeway_secs,
            "JWT_LEEWAY_SECS",
            0..=300,
            "seconds",
        )?),
        mode,
    };
    let server = server_settings(bind_addr, &raw_server)?;
    Ok(ServeConfig {
        bind_addr,
        server,
        database,
        auth,
        log_filter: log_filter(raw.rust_log)?,
    })
}

/// The connection and request settings, taken out of [`Raw`].
struct RawServer {
    request_body_timeout_ms: Option<String>,
    client_request_timeout_ms: Option<String>,
    keep_alive_secs: Option<String>,
    api_max_connections: Option<String>,
    max_uri_bytes: Option<String>,
    max_query_bytes: Option<String>,
    max_header_bytes: Option<String>,
    max_json_depth: Option<String>,
    shutdown_timeout_secs: Option<String>,
    rate_limit_per_second: Option<String>,
    rate_limit_burst: Option<String>,
    auth_failure_limit_per_minute: Option<String>,
    auth_failure_limit_burst: Option<String>,
    metrics_bind_addr: Option<String>,
    auth_failure_limit_exempt: Option<String>,
}

impl RawServer {
    fn take(raw: &mut Raw) -> Self {
        Self {
            request_body_timeout_ms: raw.request_body_timeout_ms.take(),
            client_request_timeout_ms: raw.client_request_timeout_ms.take(),
            keep_alive_secs: raw.keep_alive_secs.take(),
            api_max_connections: raw.api_max_connections.take(),
            max_uri_bytes: raw.max_uri_bytes.take(),
            max_query_bytes: raw.max_query_bytes.take(),
            max_header_bytes: raw.max_header_bytes.take(),
            max_json_depth: raw.max_json_depth.take(),
            shutdown_timeout_secs: raw.shutdown_timeout_secs.take(),
            rate_limit_per_second: raw.rate_limit_per_second.take(),
            rate_limit_burst: raw.rate_limit_burst.take(),
            auth_failure_limit_per_minute: raw.auth_failure_limit_per_minute.take(),
            auth_failure_limit_burst: raw.auth_failure_limit_burst.take(),
            metrics_bind_addr: raw.metrics_bind_addr.take(),
            auth_failure_limit_exempt: raw.auth_failure_limit_exempt.take(),
        }
    }
}

fn size(
    value: &Option<String>,
    name: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<usize, ConfigError> {
    let n = number(value.clone(), name, range, "bytes")?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

fn server_settings(bind_addr: SocketAddr, raw: &RawServer) -> Result<ServerSettings, ConfigError> {
    let mut server = ServerSettings::new(bind_addr);
    server.client_request_timeout = Duration::from_millis(number(
        raw.client_request_timeout_ms.clone(),
        "CLIENT_REQUEST_TIMEOUT_MS",
        1..=600_000,
        "milliseconds",
    )?);
    server.keep_alive = Duration::from_secs(number(
        raw.keep_alive_secs.clone(),
        "KEEP_ALIVE_SECS",
        1..=3_600,
        "seconds",
    )?);
    server.max_connections = usize::try_from(number(
        raw.api_max_connections.clone(),
        "API_MAX_CONNECTIONS",
        1..=1_000_000,
        "a whole number",
    )?)
    .unwrap_or(usize::MAX);
    server.shutdown_timeout = Duration::from_secs(number(
        raw.shutdown_timeout_secs.clone(),
        "SHUTDOWN_TIMEOUT_SECS",
        0..=3_600,
        "seconds",
    )?);
    server.app.limits = HttpLimits {
        body_timeout: Duration::from_millis(number(
            raw.request_body_timeout_ms.clone(),
            "REQUEST_BODY_TIMEOUT_MS",
            1..=600_000,
            "milliseconds",
        )?),
        max_uri_bytes: size(&raw.max_uri_bytes, "MAX_URI_BYTES", 256..=65_536)?,
        max_query_bytes: size(&raw.max_query_bytes, "MAX_QUERY_BYTES", 64..=65_536)?,
        max_header_bytes: size(&raw.max_header_bytes, "MAX_HEADER_BYTES", 1_024..=131_072)?,
        max_json_depth: usize::try_from(number(
            raw.max_json_depth.clone(),
            "MAX_JSON_DEPTH",
            2..=128,
            "a whole number",
        )?)
        .unwrap_or(usize::MAX),
    };
    let count = |value: &Option<String>, name: &str, range| -> Result<u32, ConfigError> {
        let n = number(value.clone(), name, range, "a whole number")?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    };
    let rate_limits = RateLimitSettings {
        per_user_per_second: count(
            &raw.rate_limit_per_second,
            "RATE_LIMIT_PER_SECOND",
            0..=1_000_000,
        )?,
        per_user_burst: count(&raw.rate_limit_burst, "RATE_LIMIT_BURST", 1..=1_000_000)?,
        auth_failures_per_minute: count(
            &raw.auth_failure_limit_per_minute,
            "AUTH_FAILURE_LIMIT_PER_MINUTE",
            0..=1_000_000,
        )?,
        auth_failures_burst: count(
            &raw.auth_failure_limit_burst,
            "AUTH_FAILURE_LIMIT_BURST",
            1..=1_000_000,
        )?,
    };
    let exempt = text(raw.auth_failure_limit_exempt.clone())
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
    server.app.rate_limits = std::sync::Arc::new(RateLimits::new(rate_limits).exempt(exempt));
    server.metrics_addr = text(raw.metrics_bind_addr.clone())
        .map(|addr| {
            addr.parse::<SocketAddr>().map_err(|_| {
                ConfigError::new(
                    "METRICS_BIND_ADDR",
                    format!("must be an IP address and port such as 127.0.0.1:9000, got {addr:?}"),
                )
            })
        })
        .transpose()?;
    Ok(server)
}

impl fmt::Display for AuthModeConfig {
    /// For the startup log: the mode and key source, never the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Jwks { url, .. } => write!(f, "jwks ({url})"),
            Self::Hs256 { secret } => {
                write!(f, "hs256 ({} byte secret)", secret.expose_secret().len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(vars: &[(&str, &str)]) -> Sources {
        Sources {
            env: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            // No files on disk: only the built-in defaults.
            config_dir: PathBuf::from("/nonexistent-config-dir"),
        }
    }

    const MINIMAL: [(&str, &str); 2] = [
        ("DATABASE_URL", "postgres://app:s3cret@127.0.0.1:5432/todo"),
        ("BETTER_AUTH_URL", "http://localhost:3000/"),
    ];

    fn error_of(vars: &[(&str, &str)]) -> ConfigError {
        load_serve(&sources(vars)).unwrap_err()
    }

    fn with<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut vars = MINIMAL.to_vec();
        vars.extend_from_slice(extra);
        vars
    }

    #[test]
    fn defaults_come_from_default_toml() {
        let config = load_serve(&sources(&MINIMAL)).unwrap();
        assert_eq!(config.bind_addr, "127.0.0.1:8000".parse().unwrap());
        assert_eq!(config.database.max_connections, 10);
        assert_eq!(config.database.acquire_timeout, Duration::from_secs(2));
        assert_eq!(config.database.statement_timeout, Duration::from_secs(5));
        assert_eq!(config.database.lock_timeout, Duration::from_secs(2));
        assert_eq!(config.auth.issuer, "http://localhost:3000/");
        assert_eq!(config.auth.audience, "todo-api");
        assert_eq!(config.auth.leeway, Duration::from_secs(30));
        assert_eq!(config.log_filter, "info");
        // The server's defaults are ServerSettings::new's, from the file.
        let server = ServerSettings::new(config.bind_addr);
        assert_eq!(
            config.server.client_request_timeout,
            server.client_request_timeout
        );
        assert_eq!(config.server.keep_alive, server.keep_alive);
        assert_eq!(config.server.max_connections, server.max_connections);
        assert_eq!(config.server.shutdown_timeout, Duration::from_secs(30));
        assert_eq!(config.server.app.limits, HttpLimits::default());
        assert_eq!(
            config.server.app.limits.body_timeout,
            Duration::from_secs(10)
        );
        assert_eq!(
            config.server.app.rate_limits.settings(),
            RateLimitSettings::default()
        );
        assert_eq!(config.server.metrics_addr, None);
        assert!(config.server.app.rate_limits.exempt_ranges().is_empty());
        match config.auth.mode {
            AuthModeConfig::Jwks {
                url,
                refresh_interval,
                refetch_cooldown,
                fetch_timeout,
            } => {
                assert_eq!(url, "http://localhost:3000/api/auth/jwks");
                assert_eq!(refresh_interval, Duration::from_secs(300));
                assert_eq!(refetch_cooldown, Duration::from_secs(10));
                assert_eq!(fetch_timeout, Duration::from_millis(2000));
            }
            AuthModeConfig::Hs256 { .. } => panic!("default mode is jwks"),
        }
    }

    #[test]
    fn environment_overrides_defaults() {
        let config = load_serve(&sources(&with(&[
            ("API_BIND_ADDR", "0.0.0.0:0"),
            ("AUTH_MODE", "hs256"),
            ("BETTER_AUTH_SECRET", "0123456789abcdef0123456789abcdef"),
            ("JWT_ISSUER", "https://issuer.test"),
            ("JWT_AUDIENCE", "other"),
            ("JWT_LEEWAY_SECS", "5"),
            ("DATABASE_MAX_CONNECTIONS", "3"),
            ("DATABASE_ACQUIRE_TIMEOUT_MS", "250"),
            ("DATABASE_STATEMENT_TIMEOUT_MS", "0"),
            ("DATABASE_LOCK_TIMEOUT_MS", "100"),
            ("RUST_LOG", "debug,actix_server=warn"),
            ("REQUEST_BODY_TIMEOUT_MS", "1500"),
            ("SHUTDOWN_TIMEOUT_SECS", "7"),
            ("MAX_JSON_DEPTH", "8"),
            ("RATE_LIMIT_PER_SECOND", "0"),
            ("METRICS_BIND_ADDR", "127.0.0.1:9000"),
            ("AUTH_FAILURE_LIMIT_EXEMPT", "127.0.0.1, ::1,172.16.0.0/12"),
            ("AUTH_FAILURE_LIMIT_BURST", "3"),
        ])))
        .unwrap();
        assert_eq!(
            config.server.app.limits.body_timeout,
            Duration::from_millis(1500)
        );
        assert_eq!(config.server.shutdown_timeout, Duration::from_secs(7));
        assert_eq!(config.server.app.limits.max_json_depth, 8);
        assert_eq!(
            config.server.metrics_addr,
            Some("127.0.0.1:9000".parse().unwrap())
        );
        assert_eq!(config.server.app.rate_limits.exempt_ranges().len(), 3);
        let rate_limits = config.server.app.rate_limits.settings();
        assert_eq!(rate_limits.per_user_per_second, 0);
        assert_eq!(rate_limits.auth_failures_burst, 3);
        assert_eq!(config.server.bind_addr, config.bind_addr);
        assert_eq!(config.bind_addr.port(), 0);
        assert_eq!(config.auth.issuer, "https://issuer.test");
        assert_eq!(config.auth.audience, "other");
        assert_eq!(config.auth.leeway, Duration::from_secs(5));
        assert_eq!(config.database.max_connections, 3);
        assert_eq!(config.database.acquire_timeout, Duration::from_millis(250));
        assert_eq!(config.database.statement_timeout, Duration::ZERO);
        assert_eq!(config.database.lock_timeout, Duration::from_millis(100));
        assert_eq!(config.log_filter, "debug,actix_server=warn");
        assert!(matches!(config.auth.mode, AuthModeConfig::Hs256 { .. }));
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let config = load_serve(&sources(&with(&[
            ("JWKS_URL", ""),
            ("JWT_LEEWAY_SECS", ""),
        ])))
        .unwrap();
        assert_eq!(config.auth.leeway, Duration::from_secs(30));
        assert!(
            matches!(config.auth.mode, AuthModeConfig::Jwks { ref url, .. } if url.ends_with("/api/auth/jwks"))
        );
    }

    #[test]
    fn jwks_and_issuer_can_replace_better_auth_url() {
        let config = load_serve(&sources(&[
            ("DATABASE_URL", "postgres://localhost/todo"),
            ("JWT_ISSUER", "http://issuer"),
            ("JWKS_URL", "http://keys/jwks"),
        ]))
        .unwrap();
        assert_eq!(config.auth.issuer, "http://issuer");
    }

    #[test]
    fn each_missing_or_invalid_setting_is_named() {
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![MINIMAL[1]], "DATABASE_URL"),
            (
                vec![("DATABASE_URL", "mysql://x"), MINIMAL[1]],
                "DATABASE_URL",
            ),
            (vec![MINIMAL[0]], "BETTER_AUTH_URL"),
            (
                vec![MINIMAL[0], ("JWKS_URL", "http://keys")],
                "BETTER_AUTH_URL",
            ),
            (
                with(&[("BETTER_AUTH_URL", "localhost:3000")]),
                "BETTER_AUTH_URL",
            ),
            (with(&[("API_BIND_ADDR", "localhost")]), "API_BIND_ADDR"),
            (with(&[("AUTH_MODE", "rs256")]), "AUTH_MODE"),
            (with(&[("AUTH_MODE", "hs256")]), "BETTER_AUTH_SECRET"),
            (
                with(&[("AUTH_MODE", "hs256"), ("BETTER_AUTH_SECRET", "short")]),
                "BETTER_AUTH_SECRET",
            ),
            (with(&[("JWT_LEEWAY_SECS", "-1")]), "JWT_LEEWAY_SECS"),
            (with(&[("JWT_LEEWAY_SECS", "abc")]), "JWT_LEEWAY_SECS"),
            (with(&[("JWKS_REFRESH_SECS", "0")]), "JWKS_REFRESH_SECS"),
            (with(&[("JWKS_COOLDOWN_SECS", "1e3")]), "JWKS_COOLDOWN_SECS"),
            (
                with(&[("JWKS_FETCH_TIMEOUT_MS", "0")]),
                "JWKS_FETCH_TIMEOUT_MS",
            ),
            (with(&[("JWKS_URL", "ftp://x")]), "JWKS_URL"),
            (
                with(&[("DATABASE_MAX_CONNECTIONS", "0")]),
                "DATABASE_MAX_CONNECTIONS",
            ),
            (
                with(&[("DATABASE_ACQUIRE_TIMEOUT_MS", "x")]),
                "DATABASE_ACQUIRE_TIMEOUT_MS",
            ),
            (
                with(&[("DATABASE_STATEMENT_TIMEOUT_MS", "-5")]),
                "DATABASE_STATEMENT_TIMEOUT_MS",
            ),
            (
                with(&[("DATABASE_LOCK_TIMEOUT_MS", "600001")]),
                "DATABASE_LOCK_TIMEOUT_MS",
            ),
            (with(&[("RUST_LOG", "info,[[")]), "RUST_LOG"),
            (
                with(&[("REQUEST_BODY_TIMEOUT_MS", "0")]),
                "REQUEST_BODY_TIMEOUT_MS",
            ),
            (with(&[("MAX_JSON_DEPTH", "1")]), "MAX_JSON_DEPTH"),
            (with(&[("RATE_LIMIT_BURST", "0")]), "RATE_LIMIT_BURST"),
            (with(&[("METRICS_BIND_ADDR", "9000")]), "METRICS_BIND_ADDR"),
            (
                with(&[("AUTH_FAILURE_LIMIT_EXEMPT", "web")]),
                "AUTH_FAILURE_LIMIT_EXEMPT",
            ),
            (
                with(&[("AUTH_FAILURE_LIMIT_PER_MINUTE", "x")]),
                "AUTH_FAILURE_LIMIT_PER_MINUTE",
            ),
            (with(&[("MAX_HEADER_BYTES", "1e6")]), "MAX_HEADER_BYTES"),
            (
                with(&[("SHUTDOWN_TIMEOUT_SECS", "-1")]),
                "SHUTDOWN_TIMEOUT_SECS",
            ),
            (with(&[("APP_ENV", "../etc")]), "APP_ENV"),
            (with(&[("APP_ENV", "nosuchenv")]), "APP_ENV"),
        ];
        for (vars, name) in cases {
            let error = error_of(&vars);
            assert_eq!(error.name, name, "{vars:?}: {error}");
            let line = error.to_string();
            assert!(!line.contains('\n'), "{line}");
            assert!(line.contains(name), "{line}");
        }
    }

    #[test]
    fn secrets_never_appear_in_errors_or_debug() {
        let error = error_of(&[("DATABASE_URL", "mysql://root:hunter2@db"), MINIMAL[1]]);
        assert!(!error.to_string().contains("hunter2"));
        let error = error_of(&with(&[
            ("AUTH_MODE", "hs256"),
            ("BETTER_AUTH_SECRET", "hunter2"),
        ]));
        assert!(!error.to_string().contains("hunter2"));
        let config = load_serve(&sources(&with(&[
            ("AUTH_MODE", "hs256"),
            ("BETTER_AUTH_SECRET", "hunter2-hunter2-hunter2-hunter2-x"),
        ])))
        .unwrap();
        let debug = format!("{config:?} {}", config.auth.mode);
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("s3cret"), "{debug}");
    }

    #[test]
    fn the_pooler_mode_is_none_unless_set_to_transaction() {
        let config = load_serve(&sources(&MINIMAL)).unwrap();
        assert_eq!(config.database.pooler, PoolerMode::None);
        for value in ["transaction", "Transaction"] {
            let config = load_serve(&sources(&with(&[("DATABASE_POOLER", value)]))).unwrap();
            assert_eq!(config.database.pooler, PoolerMode::Transaction);
        }
        let error = error_of(&with(&[("DATABASE_POOLER", "session")]));
        assert_eq!(error.name, "DATABASE_POOLER", "{error}");
    }

    #[test]
    fn migrate_needs_only_the_database() {
        let config = load_migrate(&sources(&[MINIMAL[0]])).unwrap();
        assert_eq!(
            config.database_url.expose_secret(),
            "postgres://app:s3cret@127.0.0.1:5432/todo"
        );
        assert_eq!(
            load_migrate(&sources(&[])).unwrap_err().name,
            "DATABASE_URL"
        );
    }

    #[test]
    fn migrate_prefers_the_migration_url() {
        let direct = "postgres://app:s3cret@db-direct:5432/todo";
        let config =
            load_migrate(&sources(&[MINIMAL[0], ("DATABASE_MIGRATION_URL", direct)])).unwrap();
        assert_eq!(config.database_url.expose_secret(), direct);
        // Without DATABASE_URL too: migrating needs only the direct URL.
        let config = load_migrate(&sources(&[("DATABASE_MIGRATION_URL", direct)])).unwrap();
        assert_eq!(config.database_url.expose_secret(), direct);
        // Empty counts as unset, as for every variable.
        let config = load_migrate(&sources(&[MINIMAL[0], ("DATABASE_MIGRATION_URL", "")])).unwrap();
        assert_eq!(
            config.database_url.expose_secret(),
            "postgres://app:s3cret@127.0.0.1:5432/todo"
        );
        let error = load_migrate(&sources(&[
            MINIMAL[0],
            ("DATABASE_MIGRATION_URL", "mysql://root:hunter2@db"),
        ]))
        .unwrap_err();
        assert_eq!(error.name, "DATABASE_MIGRATION_URL");
        assert!(!error.to_string().contains("hunter2"));
    }

    #[test]
    fn serve_ignores_the_migration_url() {
        let config = load_serve(&sources(&with(&[(
            "DATABASE_MIGRATION_URL",
            "postgres://app:s3cret@db-direct:5432/todo",
        )])))
        .unwrap();
        assert_eq!(
            config.database.url.expose_secret(),
            "postgres://app:s3cret@127.0.0.1:5432/todo"
        );
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("api-actix-config-{name}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn files_layer_in_order_and_env_wins() {
        let dir = temp_dir("layers");
        std::fs::write(
            dir.join("default.toml"),
            "jwt_audience = \"from-default\"\njwt_leeway_secs = 7\n",
        )
        .unwrap();
        std::fs::write(dir.join("staging.toml"), "jwt_leeway_secs = 9\n").unwrap();
        let mut s = sources(&with(&[("APP_ENV", "staging")]));
        s.config_dir = dir.clone();
        let config = load_serve(&s).unwrap();
        assert_eq!(config.auth.audience, "from-default");
        assert_eq!(config.auth.leeway, Duration::from_secs(9));
        s.env.insert("JWT_LEEWAY_SECS".into(), "11".into());
        assert_eq!(load_serve(&s).unwrap().auth.leeway, Duration::from_secs(11));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_misspelt_or_broken_file_is_named() {
        let dir = temp_dir("broken");
        std::fs::write(dir.join("typo.toml"), "jwt_leway_secs = 9\n").unwrap();
        std::fs::write(dir.join("broken.toml"), "jwt_leeway_secs = \n").unwrap();
        let mut s = sources(&with(&[("APP_ENV", "typo")]));
        s.config_dir = dir.clone();
        let error = load_serve(&s).unwrap_err();
        assert!(error.name.ends_with("typo.toml"), "{error}");
        assert!(error.message.contains("jwt_leway_secs"), "{error}");
        s.env.insert("APP_ENV".into(), "broken".into());
        let error = load_serve(&s).unwrap_err();
        assert!(error.name.ends_with("broken.toml"), "{error}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_shipped_files_are_valid() {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../config"));
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if path.extension().is_some_and(|e| e == "toml") && name != "default" {
                let mut s = sources(&with(&[("APP_ENV", name)]));
                s.config_dir = dir.clone();
                load_serve(&s).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
        }
    }

    #[test]
    fn env_example_documents_every_variable_and_is_a_valid_configuration() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.env.example");
        let text = std::fs::read_to_string(path).unwrap();
        let vars: Vec<(&str, &str)> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .collect();
        for name in VARIABLES.iter().chain(&["APP_ENV"]) {
            assert!(
                vars.iter().any(|(k, _)| k == name),
                ".env.example lacks {name}"
            );
        }
        // DATABASE_URL ships empty: `just dev` then runs an embedded
        // PostgreSQL and hands the API its URL, as this stands in for.
        assert!(vars.contains(&("DATABASE_URL", "")));
        let vars: Vec<(&str, &str)> = vars
            .into_iter()
            .map(|(k, v)| match k {
                "DATABASE_URL" => (k, "postgres://postgres:secret@127.0.0.1:5432/todo"),
                _ => (k, v),
            })
            .collect();
        let config = load_serve(&sources(&vars)).unwrap();
        assert_eq!(config.bind_addr, "127.0.0.1:8000".parse().unwrap());
        assert!(matches!(config.auth.mode, AuthModeConfig::Jwks { .. }));
    }
}
