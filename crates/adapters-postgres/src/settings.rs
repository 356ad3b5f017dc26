use std::time::Duration;

use secrecy::SecretString;

/// How to reach PostgreSQL and how many connections to keep. No defaults
/// here: the binary's configuration (`config/default.toml`) supplies them.
#[derive(Debug, Clone)]
pub struct PgSettings {
    /// `postgres://…` URL. `sslmode=require`, `verify-ca` or `verify-full`
    /// switch on TLS (rustls, Mozilla roots or the file named by
    /// `sslrootcert`); anything else connects in plain text.
    pub url: SecretString,
    /// Upper bound of the pool; at least 1.
    pub max_connections: usize,
    /// How long an operation may wait for a pooled connection, and how long
    /// opening or checking one may take. Bounds how long a request waits
    /// before reporting the database as unavailable.
    pub acquire_timeout: Duration,
    /// PostgreSQL's `statement_timeout` for every statement (zero: none).
    /// A statement cancelled by it is reported as unavailable (503).
    pub statement_timeout: Duration,
    /// PostgreSQL's `lock_timeout`: how long a statement may wait for a row
    /// or table lock (zero: no limit). Also reported as unavailable.
    pub lock_timeout: Duration,
}
