//! The PostgreSQL adapter against the real server: one test binary, each
//! test in a fresh database (see test-support).
// Test helpers outside #[test] functions unwrap too: a failure there is a
// failed test.
#![allow(clippy::unwrap_used)]

mod batch;
mod change_listener;
mod changes;
mod concurrency;
mod crud;
mod fixtures;
mod idempotency;
mod labels;
mod listing;
mod lists;
mod migrations;
mod outage;
mod ownership;
mod pagination;
mod pooler;
mod preferences;
mod recurrence;
mod slow;
mod subtasks;
mod tls;
mod transfer;
mod trash;
mod views;
