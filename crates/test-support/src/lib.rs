//! Fixtures for tests that need the real PostgreSQL: a throwaway database
//! per test ([`TestDatabase`]) and a TCP proxy that can simulate an outage
//! without touching the shared server ([`TcpProxy`]). With the `jwks-server`
//! feature, a local JWKS endpoint whose answers the test controls
//! (`jwks_server::JwksServer`).
//!
//! Test code only: the helpers panic with a clear message when the test
//! environment is broken (e.g. PostgreSQL is not running), which is the
//! useful outcome in a test.

mod database;
#[cfg(feature = "jwks-server")]
pub mod jwks_server;
mod proxy;

pub use database::TestDatabase;
pub use proxy::TcpProxy;
