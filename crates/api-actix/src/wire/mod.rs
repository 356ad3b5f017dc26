//! What travels in request and response bodies and query strings: the
//! JSON shapes (`dto`, `lists`, `labels`, `preferences`, `completions`,
//! also the OpenAPI schemas), the
//! parsers that turn a request into domain values field by field
//! (`fields`, `task_input`, `lists`, `labels`, `list_query`),
//! the opaque pagination `cursor`, and the one text form of an instant
//! (`timestamp`).
//!
//! Depends on the domain and on `http::problem` (a parser reports
//! [`FieldError`](crate::http::problem::FieldError)s); knows nothing of
//! actix requests, routes or the app.

pub mod batch;
pub mod changes;
pub mod completions;
pub mod cursor;
pub mod dto;
pub mod export_csv;
pub mod export_json;
pub mod fields;
pub mod import_json;
pub mod import_report;
pub mod labels;
pub mod list_query;
pub mod lists;
pub mod preferences;
pub mod restore;
pub mod task_input;
pub mod timestamp;
pub mod todoist_csv;
pub mod trash;
pub mod trash_page;
