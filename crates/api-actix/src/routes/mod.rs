//! HTTP handlers, one module per area.

pub mod health;
pub mod openapi_json;
pub mod tasks;
