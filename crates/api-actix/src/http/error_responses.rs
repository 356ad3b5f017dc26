//! The error responses as the OpenAPI document states them: one reusable
//! response per kind of problem (`components/responses`), and the groups
//! of them that families of operations share, which the handlers list in
//! their `#[utoipa::path]` instead of repeating each status. They exist
//! for the document only: at run time every error is a
//! [`Problem`](super::problem::Problem).

use utoipa::{IntoResponses, ToResponse};

use super::problem::ProblemDocument;

/// Bad path id, bad query parameters, malformed `If-Match`, or a body that
/// is not a JSON object (unreadable, invalid JSON or UTF-8, empty, or not an
/// object). Bad query parameters are listed in `errors`.
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct BadRequest(pub ProblemDocument);

/// The bearer token is missing, malformed, expired, not yet valid, for
/// another issuer or audience, or wrongly signed, or its user's account no
/// longer exists. The body is the same for every cause.
#[derive(Debug, ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"todo-api\"` when the request carried no bearer token (none, or another scheme), as RFC 6750 §3.1 asks; `Bearer error=\"invalid_token\"` when the token sent was refused."))
)]
pub struct Unauthorized(pub ProblemDocument);

/// The `user_id` in the path is not the authenticated user.
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Forbidden(pub ProblemDocument);

/// No such task, list or label (the one the path names, e.g. the task of
/// `…/completions`): it does not exist or belongs to someone else (the two
/// are indistinguishable).
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct NotFound(pub ProblemDocument);

/// `If-Match` names a version the task, list, label or preferences no
/// longer have.
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PreconditionFailed(pub ProblemDocument);

/// The write conflicts with what is stored, and nothing was written: a
/// limit on what one user may store was reached, which `detail` names (a
/// list holds at most 10,000 tasks, subtasks included; a user at most
/// 1,000 lists and 1,000 labels); a list or label name the caller already
/// uses (ignoring case; `errors` names the field); or a change the Inbox
/// refuses (renaming, deleting or moving it, or placing a list before it).
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Conflict(pub ProblemDocument);

/// The request body is over 64 KiB.
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PayloadTooLarge(pub ProblemDocument);

/// The body is not `application/json` (or `application/*+json`) in UTF-8, or
/// has a `Content-Encoding`.
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnsupportedMediaType(pub ProblemDocument);

/// Invalid, unknown or read-only fields, each listed in `errors`.
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct ValidationFailed(pub ProblemDocument);

/// The database is unreachable, or no token signing keys are loaded yet.
/// Transient: retry after the indicated delay.
#[derive(Debug, ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u32, description = "Seconds to wait before retrying."))
)]
pub struct ServiceUnavailable(pub ProblemDocument);

/// The request target is over 8 KiB, or its query string over 4 KiB
/// (checked before anything else, on every route).
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UriTooLong(pub ProblemDocument);

/// The request's headers are over 32 KiB together (checked before anything
/// else, on every route). Over 128 KiB or 96 headers the HTTP layer answers
/// 431 itself, with an empty body, and closes the connection.
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct HeadersTooLarge(pub ProblemDocument);

/// A rate limit was hit: the user's rate on the task routes, or the
/// client address's budget of failed authentications.
#[derive(Debug, ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(
        ("Retry-After" = u32, description = "Seconds to wait before retrying."),
        ("RateLimit-Policy" = String, description = "The policy hit (draft-ietf-httpapi-ratelimit-headers): `\"user\";q=<burst>;w=<seconds to refill it>` or `\"auth-failures\";q=…;w=…`. Successful task answers carry the user's policy too."),
        ("RateLimit" = String, description = "`\"<policy>\";r=<requests left>;t=<seconds>`: here `r=0` and `t` as `Retry-After`. On successful answers `t` is the time until the bucket is full again."),
    )
)]
pub struct TooManyRequests(pub ProblemDocument);

/// An unexpected failure; details are logged, never sent.
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct InternalError(pub ProblemDocument);

/// What every operation under `/api/{user_id}` can answer: it
/// authenticates (401, and 429 for an address out of failed attempts or a
/// user over their rate), checks the owner (403), parses its path, query
/// and headers (400), and reaches the store (503, or 500).
#[derive(Debug, IntoResponses)]
pub enum ApiErrors {
    #[response(status = 400)]
    BadRequest(#[ref_response] BadRequest),
    #[response(status = 401)]
    Unauthorized(#[ref_response] Unauthorized),
    #[response(status = 403)]
    Forbidden(#[ref_response] Forbidden),
    #[response(status = 429)]
    TooManyRequests(#[ref_response] TooManyRequests),
    #[response(status = 500)]
    Internal(#[ref_response] InternalError),
    #[response(status = 503)]
    Unavailable(#[ref_response] ServiceUnavailable),
}

/// The operations on one task named in the path: it may not exist (404).
#[derive(Debug, IntoResponses)]
#[response(status = 404)]
pub struct ItemErrors(#[ref_response] pub NotFound);

/// The writes that honour `If-Match` (412).
#[derive(Debug, IntoResponses)]
#[response(status = 412)]
pub struct IfMatchErrors(#[ref_response] pub PreconditionFailed);

/// The writes that can meet a limit or a conflicting stored state (409).
#[derive(Debug, IntoResponses)]
#[response(status = 409)]
pub struct ConflictErrors(#[ref_response] pub Conflict);

/// The operations that read a JSON body: too large (413), not JSON (415),
/// invalid fields (422).
#[derive(Debug, IntoResponses)]
pub enum BodyErrors {
    #[response(status = 413)]
    PayloadTooLarge(#[ref_response] PayloadTooLarge),
    #[response(status = 415)]
    UnsupportedMediaType(#[ref_response] UnsupportedMediaType),
    #[response(status = 422)]
    ValidationFailed(#[ref_response] ValidationFailed),
}

/// The changes after the client's position are no longer kept (pruned):
/// reload everything, then continue from the `seq` member of the problem
/// (`type` `urn:todo-api:problem:resync-required`).
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct ResyncRequired(pub ProblemDocument);

/// `Accept` allows no media type the route can send (the event stream is
/// `text/event-stream` only).
#[derive(Debug, ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct NotAcceptable(pub ProblemDocument);

/// The routes that read the change log from a client's position: it may
/// have been pruned (410).
#[derive(Debug, IntoResponses)]
#[response(status = 410)]
pub struct ResyncErrors(#[ref_response] pub ResyncRequired);

/// The event stream's own answers before it starts: `Accept` without
/// `text/event-stream` (406).
#[derive(Debug, IntoResponses)]
#[response(status = 406)]
pub struct StreamErrors(#[ref_response] pub NotAcceptable);
