//! The todo-api HTTP service: configuration, routes, problem+json errors
//! and the OpenAPI document, over the `TaskRepo` and `TokenVerifier` ports.
//! `main.rs` wires the real adapters; tests wire mocks through the same
//! [`app::build_app`].
//!
//! The modules by role, each depending only on those before it:
//! - [`http`]: the mechanics every route shares (limits, authentication and
//!   rate limits, preconditions, JSON bodies, problem+json);
//! - [`wire`]: the JSON shapes and the parsers of bodies, queries and
//!   cursors;
//! - [`state`]: the ports the handlers work through;
//! - [`live`]: the event streams and the change log's pruning;
//! - [`routes`]: the handlers, one file per resource;
//! - [`openapi`]: the document, built from the routes and wire types;
//! - [`app`]: the route table and middleware; [`server`], [`config`],
//!   [`metrics`] and [`telemetry`] run it.

pub mod app;
pub mod config;
pub mod http;
pub mod live;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod server;
pub mod state;
pub mod telemetry;
pub mod wire;

pub use app::{build_app, build_app_with, endpoints};
pub use config::AppOptions;
pub use state::AppState;
