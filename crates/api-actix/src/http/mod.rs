//! The HTTP mechanics every route shares, in the contract's check order:
//! request size limits (`limits`, before routing), authentication and the
//! rate limits around it (`auth`, `rate_limit`), conditional requests
//! (`preconditions`), the `Idempotency-Key` layer (`idempotency`), reading a JSON body (`request_body`), and the one
//! error type, problem+json (`problem`), with the error responses as the
//! OpenAPI document states them (`error_responses`).
//!
//! `limits` and `rate_limit` live here rather than beside the app: both
//! answer with a `Problem` at a fixed step of the check order (the first
//! step, and the steps around 401), and `auth` calls the rate limits.
//!
//! Depends on the ports, the domain and `metrics` only: nothing here knows
//! the wire shapes, the routes or the app.

pub mod auth;
pub mod error_responses;
pub mod idempotency;
pub mod limits;
pub mod preconditions;
pub mod problem;
pub mod rate_limit;
pub mod request_body;
