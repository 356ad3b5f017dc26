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
    /// What sits between the API and PostgreSQL.
    pub pooler: PoolerMode,
}

/// Whether the URL leads to PostgreSQL itself or to a connection pooler
/// that hands each transaction to whichever server connection is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PoolerMode {
    /// PostgreSQL, or a pooler in session mode: a connection is one
    /// server session. Statements stay prepared per connection and the
    /// timeouts travel in the startup packet: one round trip per statement.
    #[default]
    None,
    /// A pooler in transaction mode (PgBouncer `pool_mode = transaction`,
    /// also without its prepared-statement support, e.g. 1.18): only a
    /// transaction stays on one server connection. Every operation then
    /// runs in `BEGIN; SET LOCAL statement_timeout …; SET LOCAL
    /// lock_timeout …` … `COMMIT`, no statement is kept prepared (each is
    /// parsed, run and closed inside that transaction), connection setup
    /// runs inside a transaction too, and no startup `options` are sent
    /// (PgBouncer refuses them). Costs about three more round trips per
    /// operation.
    Transaction,
}

impl std::str::FromStr for PoolerMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "none" => Ok(Self::None),
            "transaction" => Ok(Self::Transaction),
            other => Err(format!("must be none or transaction, got {other:?}")),
        }
    }
}
