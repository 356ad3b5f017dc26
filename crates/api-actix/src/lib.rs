//! The todo-api HTTP service: configuration, routes, problem+json errors
//! and the OpenAPI document, over the `TaskRepo` and `TokenVerifier` ports.
//! `main.rs` wires the real adapters; tests wire mocks through the same
//! [`app::build_app`].

pub mod app;
pub mod auth;
pub mod config;
pub mod cursor;
pub mod dto;
pub mod limits;
pub mod list_query;
pub mod metrics;
pub mod openapi;
pub mod preconditions;
pub mod problem;
pub mod rate_limit;
pub mod request_body;
pub mod routes;
pub mod server;
pub mod task_input;
pub mod telemetry;

pub use app::{AppOptions, AppState, build_app, build_app_with, endpoints};
