//! The HTTP handlers, one file per resource. Each performs the contract's
//! checks in order through `http`, parses through `wire`, and calls one
//! port of [`AppState`](crate::state::AppState); the app's route table
//! (`app.rs`) and the OpenAPI document (`openapi.rs`) list them.

pub mod batch;
pub mod changes;
pub mod completions;
pub mod events;
pub mod health;
pub mod labels;
pub mod lists;
pub mod openapi_json;
pub mod preferences;
pub mod tasks;
pub mod transfer;
pub mod trash;
