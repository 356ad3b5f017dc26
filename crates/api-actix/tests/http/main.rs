//! The HTTP contract, through the real app factory with mocked ports.
#![allow(clippy::unwrap_used)]

mod changes;
mod docs;
mod errors;
mod events;
mod labels;
mod lists;
mod logging;
mod metrics;
mod organize;
mod probes;
mod rate_limits;
mod shutdown;
mod support;
mod tasks;
mod transport;
