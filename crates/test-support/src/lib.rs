//! Fixtures for tests that need real parts: a throwaway PostgreSQL database
//! per test ([`TestDatabase`]), a TCP proxy that can simulate an outage
//! without touching the shared server ([`TcpProxy`]), a local address
//! nothing listens on ([`unused_local_addr`]); with the `jwt`
//! feature, test keys and token minting (`jwt`); with the `jwks-server`
//! feature, a local JWKS endpoint whose answers the test controls
//! (`jwks_server::JwksServer`).
//!
//! Test code only: the helpers panic with a clear message when the test
//! environment is broken (e.g. PostgreSQL is not running), which is the
//! useful outcome in a test.

mod database;
#[cfg(feature = "jwks-server")]
pub mod jwks_server;
#[cfg(feature = "jwt")]
pub mod jwt;
mod proxy;
mod unused_addr;

pub use database::{TestDatabase, admin_url};
pub use proxy::TcpProxy;
pub use unused_addr::unused_local_addr;
