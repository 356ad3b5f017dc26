//! The HTTP contract, through the real app factory with mocked ports, and
//! (`real`: preferences, recurring, views) served on port 0 over the real
//! PostgreSQL adapter and JWKS verifier.
#![allow(clippy::unwrap_used)]

mod batch;
mod changes;
mod docs;
mod errors;
mod events;
mod idempotency;
mod labels;
mod lists;
mod logging;
mod metrics;
mod organize;
mod preferences;
mod probes;
mod rate_limits;
mod real;
mod recurring;
mod shutdown;
mod support;
mod tasks;
mod transfer;
mod transfer_real;
mod transport;
mod trash;
mod views;
