//! The one HTTP error type: every error response is an RFC 9457
//! `application/problem+json` document built here, and every port error is
//! mapped to one in exactly one place.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use domain::limits::{MAX_DEPTH, MAX_TASKS_PER_LIST};
use domain::{Placement, TaskId};
use ports::{
    BatchError, BatchOpError, CreateLabelError, CreateListError, CreateTaskError, DeleteLabelError,
    DeleteListError, DeleteTaskError, DeleteTrashItemError, EmptyTrashError, EnsureInboxError,
    GetLabelError, GetListError, GetPreferencesError, GetTaskError, IdempotencyError,
    ListCompletionsError, ListLabelsError, ListListsError, ListTasksError, ListTrashError,
    MoveListError, MoveTaskError, PutPreferencesError, ReadChangesError, RepoUnavailable,
    RestoreError, UpdateLabelError, UpdateListError, UpdateTaskError,
};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client should wait before retrying after a 503. Short: the
/// database pool and the key cache recover on their own.
pub const RETRY_AFTER_SECS: u32 = 5;

/// Prefix of every problem `type`. A URN rather than a URL because nothing is
/// published there: clients compare it, they do not fetch it.
pub const TYPE_PREFIX: &str = "urn:todo-api:problem:";

/// `WWW-Authenticate` on a 401 for a token that was sent but is not
/// acceptable (RFC 6750 §3.1).
pub const WWW_AUTHENTICATE_VALUE: &str = r#"Bearer error="invalid_token""#;

/// `WWW-Authenticate` on a 401 for a request that sent no bearer token at
/// all: RFC 6750 §3.1 says no error code then, only the challenge.
pub const WWW_AUTHENTICATE_NO_CREDENTIALS: &str = r#"Bearer realm="todo-api""#;

/// One invalid input, named by the JSON field or query parameter it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The body field or query parameter, e.g. `title` or `limit`.
    pub field: String,
    /// What is wrong with it, in plain words.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document, as sent on the wire.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Problem, example = json!({
    "type": "urn:todo-api:problem:validation-failed",
    "title": "Validation failed",
    "status": 422,
    "detail": "The request body has invalid fields.",
    "errors": [{"field": "title", "message": "must not be empty"}]
}))]
pub struct ProblemDocument {
    /// Identifies the kind of problem; compare it, do not dereference it.
    #[serde(rename = "type")]
    #[schema(example = "urn:todo-api:problem:not-found")]
    pub type_uri: String,
    /// Short summary of the kind of problem; the same for every occurrence.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// Present on validation and bad-query problems: one entry per bad input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Only on `resync-required` (410): the `seq` to continue from once
    /// everything has been reloaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub seq: Option<u64>,
}

/// The kinds of problem this API reports, each with its status, `type` and
/// `title`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    Unauthorized,
    Forbidden,
    InvalidPath,
    InvalidQuery,
    InvalidHeader,
    MalformedBody,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    NotFound,
    MethodNotAllowed,
    PreconditionFailed,
    ServiceUnavailable,
    Internal,
    RequestTimeout,
    UriTooLong,
    HeaderFieldsTooLarge,
    TooManyRequests,
    /// 409: the write conflicts with the stored state (a limit reached, a
    /// duplicate name, what the Inbox refuses).
    Conflict,
    /// 410: the changes after the client's position are no longer kept; it
    /// must reload everything and continue from the problem's `seq`.
    ResyncRequired,
    /// 406: the client accepts no representation this route has (the event
    /// stream when `Accept` excludes `text/event-stream`).
    NotAcceptable,
    /// One or more operations of `POST …/tasks/batch` failed; nothing
    /// changed. Its status is the one all failures share (404, 409, 412),
    /// else 422; `errors` points at each failing operation's member.
    BatchFailed,
    /// 422: the `Idempotency-Key` was used before for a different request.
    IdempotencyKeyReused,
    /// 409: the first request with this `Idempotency-Key` is still running.
    IdempotencyKeyInUse,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 24] = [
        Self::Unauthorized,
        Self::Forbidden,
        Self::InvalidPath,
        Self::InvalidQuery,
        Self::InvalidHeader,
        Self::MalformedBody,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::ValidationFailed,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::PreconditionFailed,
        Self::ServiceUnavailable,
        Self::Internal,
        Self::RequestTimeout,
        Self::UriTooLong,
        Self::HeaderFieldsTooLarge,
        Self::TooManyRequests,
        Self::Conflict,
        Self::ResyncRequired,
        Self::NotAcceptable,
        Self::BatchFailed,
        Self::IdempotencyKeyReused,
        Self::IdempotencyKeyInUse,
    ];

    pub const fn status(self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::InvalidPath | Self::InvalidQuery | Self::InvalidHeader | Self::MalformedBody => {
                StatusCode::BAD_REQUEST
            }
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::ValidationFailed | Self::BatchFailed | Self::IdempotencyKeyReused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::HeaderFieldsTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Conflict | Self::IdempotencyKeyInUse => StatusCode::CONFLICT,
            Self::ResyncRequired => StatusCode::GONE,
            Self::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
        }
    }

    pub const fn slug(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::InvalidPath => "invalid-path-parameter",
            Self::InvalidQuery => "invalid-query",
            Self::InvalidHeader => "invalid-header",
            Self::MalformedBody => "malformed-body",
            Self::PayloadTooLarge => "payload-too-large",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::ValidationFailed => "validation-failed",
            Self::NotFound => "not-found",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::PreconditionFailed => "precondition-failed",
            Self::ServiceUnavailable => "service-unavailable",
            Self::Internal => "internal-error",
            Self::RequestTimeout => "request-timeout",
            Self::UriTooLong => "uri-too-long",
            Self::HeaderFieldsTooLarge => "header-fields-too-large",
            Self::TooManyRequests => "too-many-requests",
            Self::Conflict => "conflict",
            Self::ResyncRequired => "resync-required",
            Self::NotAcceptable => "not-acceptable",
            Self::BatchFailed => "batch-failed",
            Self::IdempotencyKeyReused => "idempotency-key-reused",
            Self::IdempotencyKeyInUse => "idempotency-key-in-use",
        }
    }

    pub const fn title(self) -> &'static str {
        match self {
            Self::Unauthorized => "Unauthorized",
            Self::Forbidden => "Forbidden",
            Self::InvalidPath => "Invalid path parameter",
            Self::InvalidQuery => "Invalid query parameters",
            Self::InvalidHeader => "Invalid request header",
            Self::MalformedBody => "Malformed request body",
            Self::PayloadTooLarge => "Request body too large",
            Self::UnsupportedMediaType => "Unsupported media type",
            Self::ValidationFailed => "Validation failed",
            Self::NotFound => "Not found",
            Self::MethodNotAllowed => "Method not allowed",
            Self::PreconditionFailed => "Precondition failed",
            Self::ServiceUnavailable => "Service unavailable",
            Self::Internal => "Internal server error",
            Self::RequestTimeout => "Request timeout",
            Self::UriTooLong => "URI too long",
            Self::HeaderFieldsTooLarge => "Request header fields too large",
            Self::TooManyRequests => "Too many requests",
            Self::Conflict => "Conflict",
            Self::ResyncRequired => "Resync required",
            Self::NotAcceptable => "Not acceptable",
            Self::BatchFailed => "Batch failed",
            Self::IdempotencyKeyReused => "Idempotency key reused",
            Self::IdempotencyKeyInUse => "Idempotency key in use",
        }
    }

    pub fn type_uri(self) -> String {
        format!("{TYPE_PREFIX}{}", self.slug())
    }
}

/// An error answer. Handlers return `Result<_, Problem>`; actix turns the
/// error into the response through [`ResponseError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    kind: ProblemKind,
    detail: String,
    errors: Vec<FieldError>,
    /// For 405: the methods the resource does support.
    allow: Option<String>,
    /// Only on 401: whether the request carried a bearer token at all.
    credentials_missing: bool,
    /// Further response headers (`Retry-After` and the rate-limit fields
    /// on a 429, say).
    headers: Vec<(header::HeaderName, HeaderValue)>,
    /// The `seq` extension member of a 410 resync-required.
    seq: Option<u64>,
    /// A status other than the kind's own (only `batch-failed` varies).
    status: Option<StatusCode>,
}

impl Problem {
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
            errors: Vec::new(),
            allow: None,
            credentials_missing: false,
            headers: Vec::new(),
            seq: None,
            status: None,
        }
    }

    /// The status this problem is answered with.
    pub fn status(&self) -> StatusCode {
        self.status.unwrap_or_else(|| self.kind.status())
    }

    /// The field errors, as sent in `errors`.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// Adds a response header.
    #[must_use]
    pub fn with_header(mut self, name: header::HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    #[must_use]
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    pub const fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// The same answer for every authentication failure, so a client cannot
    /// learn which check its token failed.
    pub fn unauthorized() -> Self {
        Self::new(
            ProblemKind::Unauthorized,
            "A valid bearer token is required.",
        )
    }

    /// As [`Problem::unauthorized`], same body, for a request without a
    /// bearer token: only the challenge, no error code, in `WWW-Authenticate`.
    pub fn unauthorized_without_credentials() -> Self {
        let mut problem = Self::unauthorized();
        problem.credentials_missing = true;
        problem
    }

    pub fn forbidden() -> Self {
        Self::new(
            ProblemKind::Forbidden,
            "The user in the path is not the authenticated user.",
        )
    }

    /// The same answer for a task that does not exist and one that belongs
    /// to someone else.
    pub fn task_not_found() -> Self {
        Self::new(ProblemKind::NotFound, "No such task.")
    }

    /// As [`Problem::task_not_found`], for a list.
    pub fn list_not_found() -> Self {
        Self::new(ProblemKind::NotFound, "No such list.")
    }

    /// As [`Problem::task_not_found`], for a label.
    pub fn label_not_found() -> Self {
        Self::new(ProblemKind::NotFound, "No such label.")
    }

    pub fn route_not_found() -> Self {
        Self::new(ProblemKind::NotFound, "No such resource.")
    }

    pub fn method_not_allowed(allowed: &[&str]) -> Self {
        let allow = allowed.join(", ");
        let mut problem = Self::new(
            ProblemKind::MethodNotAllowed,
            format!("This resource supports: {allow}."),
        );
        problem.allow = Some(allow);
        problem
    }

    pub fn precondition_failed() -> Self {
        Self::resource_changed("task")
    }

    /// 412 for a `what` (task, list, label) whose version is not the one
    /// `If-Match` names.
    pub fn resource_changed(what: &str) -> Self {
        Self::new(
            ProblemKind::PreconditionFailed,
            format!("The {what} has changed since the ETag in If-Match; fetch it again."),
        )
    }

    /// 412 for preferences whose version is not the one `If-Match` names.
    pub fn preferences_changed() -> Self {
        Self::new(
            ProblemKind::PreconditionFailed,
            "The preferences have changed since the ETag in If-Match; fetch them again.",
        )
    }

    /// 409: the caller already has a `what` of that name (ignoring case);
    /// `errors` names the field.
    pub fn duplicate_name(what: &str) -> Self {
        Self::new(
            ProblemKind::Conflict,
            format!("You already have a {what} of that name (ignoring case)."),
        )
        .with_errors(vec![FieldError::new(
            "name",
            format!("is already the name of another of your {what}s"),
        )])
    }

    /// 409: a bound of what one user may store (`domain::limits`) is
    /// reached; the detail names it.
    pub fn limit_reached(limit: &str, max: usize) -> Self {
        Self::new(
            ProblemKind::Conflict,
            format!("Limit reached: at most {max} {limit}."),
        )
    }

    /// 409: what the Inbox refuses (renaming, deleting, moving it or
    /// placing a list before it).
    pub fn inbox_locked(detail: &str) -> Self {
        Self::new(ProblemKind::Conflict, detail)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::new(
            ProblemKind::ValidationFailed,
            "The request body has invalid fields.",
        )
        .with_errors(errors)
    }

    pub fn invalid_query(errors: Vec<FieldError>) -> Self {
        Self::new(
            ProblemKind::InvalidQuery,
            "The query string has invalid parameters.",
        )
        .with_errors(errors)
    }

    /// 410: the changes after the client's position were pruned; reload
    /// everything, then continue from `latest`.
    pub fn resync_required(latest: domain::Seq) -> Self {
        let mut problem = Self::new(
            ProblemKind::ResyncRequired,
            format!(
                "The changes after this position are no longer kept: reload everything, then \
                 continue from seq {latest}."
            ),
        );
        problem.seq = Some(latest.get());
        problem
    }

    /// 406: the event stream is all `GET …/events` answers.
    pub fn not_acceptable(what: &str) -> Self {
        Self::new(
            ProblemKind::NotAcceptable,
            format!("This resource is only available as {what}; see the Accept header."),
        )
    }

    /// 429: the user already has `max` event streams open on this
    /// instance.
    pub fn too_many_streams(max: usize, retry_after_secs: u32) -> Self {
        Self::new(
            ProblemKind::TooManyRequests,
            format!(
                "You already have {max} event streams open on this server; close one or retry later."
            ),
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from(retry_after_secs))
    }

    pub fn store_unavailable() -> Self {
        Self::new(
            ProblemKind::ServiceUnavailable,
            "The task store is temporarily unreachable; retry later.",
        )
    }

    pub fn verifier_unavailable() -> Self {
        Self::new(
            ProblemKind::ServiceUnavailable,
            "Tokens cannot be verified yet (no signing keys loaded); retry later.",
        )
    }

    pub fn internal() -> Self {
        Self::new(
            ProblemKind::Internal,
            "Something went wrong on our side; it has been logged.",
        )
    }

    pub fn document(&self) -> ProblemDocument {
        ProblemDocument {
            type_uri: self.kind.type_uri(),
            title: self.kind.title().to_owned(),
            status: self.status().as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            seq: self.seq,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.title(), self.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status());
        builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self.kind {
            ProblemKind::Unauthorized => {
                let challenge = if self.credentials_missing {
                    WWW_AUTHENTICATE_NO_CREDENTIALS
                } else {
                    WWW_AUTHENTICATE_VALUE
                };
                builder.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(challenge),
                ));
            }
            ProblemKind::ServiceUnavailable => {
                builder.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS));
            }
            // The rest of a late body may still be on its way: the
            // connection cannot carry another request.
            ProblemKind::RequestTimeout => {
                builder.force_close();
            }
            _ => {}
        }
        if let Some(allow) = &self.allow {
            builder.insert_header((header::ALLOW, allow.as_str()));
        }
        for (name, value) in &self.headers {
            builder.insert_header((name.clone(), value.clone()));
        }
        builder.json(self.document())
    }
}

/// A problem document for an error status that actix produced itself (the
/// request never reached a handler): `about:blank`, titled by the status.
pub fn generic_problem_response(status: StatusCode) -> HttpResponse {
    let title = status.canonical_reason().unwrap_or("Error").to_owned();
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .json(ProblemDocument {
            type_uri: "about:blank".to_owned(),
            detail: format!("{title}."),
            title,
            status: status.as_u16(),
            errors: Vec::new(),
            seq: None,
        })
}

/// The chain of causes, for the log only.
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn unavailable(error: &RepoUnavailable) -> Problem {
    tracing::warn!(error = %causes(error), "task store unavailable");
    Problem::store_unavailable()
}

fn internal(error: &dyn std::error::Error) -> Problem {
    tracing::error!(error = %causes(error), "task store failure");
    Problem::internal()
}

// What a 422 says about a reference the store refused: the same words
// whether the id exists for someone else or not at all.
const LIST_UNKNOWN: &str = "is not one of your lists";
const PARENT_UNKNOWN: &str = "is not one of your tasks";
const PARENT_ELSEWHERE: &str =
    "is a task in another list than list_id (a subtask lives in its parent's list)";
const CYCLE: &str = "is the task itself or one of its subtasks";
const LABEL_UNKNOWN: &str = "must all be your labels";
const RECURRENCE_NEEDS_DUE: &str = "needs a due date: a recurring task must have a due_at";
const ALL_DAY_NEEDS_DUE: &str = "needs a due date: an all-day task must have a due_at";
const ANCHOR_UNKNOWN: &str =
    "is not a sibling at the destination (a task in the same list, under the same parent)";

fn too_deep() -> String {
    format!(
        "would nest tasks deeper than {MAX_DEPTH} levels (a top-level task and {} levels of \
         subtasks below it)",
        MAX_DEPTH - 1
    )
}

/// A reference to something that is not the caller's (missing or someone
/// else's: the same answer), or a location the rules forbid: 422 naming
/// the field.
fn reference(field: &str, message: impl Into<String>) -> Problem {
    Problem::validation(vec![FieldError::new(field, message)])
}

/// 409 naming the limit: the destination list is full.
fn list_full() -> Problem {
    Problem::new(
        ProblemKind::Conflict,
        format!(
            "Limit reached: at most {MAX_TASKS_PER_LIST} tasks per list (subtasks included), \
             and the destination list is full."
        ),
    )
}

impl From<GetTaskError> for Problem {
    fn from(error: GetTaskError) -> Self {
        match error {
            GetTaskError::NotFound => Problem::task_not_found(),
            GetTaskError::Unavailable(e) => unavailable(&e),
            GetTaskError::Internal(e) => internal(&*e),
        }
    }
}

impl From<ListTasksError> for Problem {
    fn from(error: ListTasksError) -> Self {
        match error {
            ListTasksError::Unavailable(e) => unavailable(&e),
            ListTasksError::Internal(e) => internal(&*e),
        }
    }
}

impl From<CreateTaskError> for Problem {
    fn from(error: CreateTaskError) -> Self {
        match error {
            // The token is genuine but its account is gone (deleted while the
            // token was still valid): the credential no longer proves a user,
            // so the client must sign in again, exactly as for a bad token.
            CreateTaskError::UnknownOwner => {
                tracing::info!("token subject has no account; answering 401");
                Problem::unauthorized()
            }
            CreateTaskError::ListNotFound => reference("list_id", LIST_UNKNOWN),
            CreateTaskError::ParentNotFound => reference("parent_id", PARENT_UNKNOWN),
            CreateTaskError::ParentInAnotherList => reference("parent_id", PARENT_ELSEWHERE),
            CreateTaskError::TooDeep => reference("parent_id", too_deep()),
            CreateTaskError::LabelNotFound => reference("labels", LABEL_UNKNOWN),
            CreateTaskError::LimitReached => list_full(),
            CreateTaskError::RecurrenceNeedsDue => reference("recurrence", RECURRENCE_NEEDS_DUE),
            CreateTaskError::AllDayNeedsDue => reference("due_all_day", ALL_DAY_NEEDS_DUE),
            CreateTaskError::Unavailable(e) => unavailable(&e),
            CreateTaskError::Internal(e) => internal(&*e),
        }
    }
}

impl From<UpdateTaskError> for Problem {
    fn from(error: UpdateTaskError) -> Self {
        match error {
            UpdateTaskError::NotFound => Problem::task_not_found(),
            UpdateTaskError::VersionMismatch => Problem::precondition_failed(),
            UpdateTaskError::ListNotFound => reference("list_id", LIST_UNKNOWN),
            UpdateTaskError::ParentNotFound => reference("parent_id", PARENT_UNKNOWN),
            UpdateTaskError::ParentInAnotherList => reference("parent_id", PARENT_ELSEWHERE),
            UpdateTaskError::TooDeep => reference("parent_id", too_deep()),
            UpdateTaskError::Cycle => reference("parent_id", CYCLE),
            UpdateTaskError::LabelNotFound => reference("labels", LABEL_UNKNOWN),
            UpdateTaskError::LimitReached => list_full(),
            UpdateTaskError::RecurrenceNeedsDue => reference("recurrence", RECURRENCE_NEEDS_DUE),
            UpdateTaskError::AllDayNeedsDue => reference("due_all_day", ALL_DAY_NEEDS_DUE),
            UpdateTaskError::Unavailable(e) => unavailable(&e),
            UpdateTaskError::Internal(e) => internal(&*e),
        }
    }
}

impl Problem {
    /// A refused move. `placement` is the one the request asked for: an
    /// anchor that is no sibling at the destination is named by its own
    /// field, `before` or `after`.
    pub fn from_move_error(error: MoveTaskError, placement: Placement<TaskId>) -> Self {
        match error {
            MoveTaskError::NotFound => Problem::task_not_found(),
            MoveTaskError::VersionMismatch => Problem::precondition_failed(),
            MoveTaskError::ListNotFound => reference("list_id", LIST_UNKNOWN),
            MoveTaskError::ParentNotFound => reference("parent_id", PARENT_UNKNOWN),
            MoveTaskError::ParentInAnotherList => reference("parent_id", PARENT_ELSEWHERE),
            MoveTaskError::TooDeep => reference("parent_id", too_deep()),
            MoveTaskError::Cycle => reference("parent_id", CYCLE),
            MoveTaskError::AnchorNotFound => {
                let field = match placement {
                    Placement::After(_) => "after",
                    // The store names no anchor for a move to the end.
                    Placement::Before(_) | Placement::End => "before",
                };
                reference(field, ANCHOR_UNKNOWN)
            }
            MoveTaskError::LimitReached => list_full(),
            MoveTaskError::Unavailable(e) => unavailable(&e),
            MoveTaskError::Internal(e) => internal(&*e),
        }
    }
}

impl Problem {
    /// A refused read of the change log. `field` names where the position
    /// came from: the `since` query parameter or the `Last-Event-ID`
    /// header; a position beyond the log is a 400 naming it.
    pub fn from_read_changes(error: ReadChangesError, field: &str) -> Self {
        match error {
            ReadChangesError::AheadOfLog { latest } => {
                let message = format!("is beyond your latest change ({latest})");
                if field == "since" {
                    Problem::invalid_query(vec![FieldError::new(field, message)])
                } else {
                    Problem::new(
                        ProblemKind::InvalidHeader,
                        format!("The {field} header is beyond your latest change ({latest})."),
                    )
                    .with_errors(vec![FieldError::new(field, message)])
                }
            }
            ReadChangesError::Expired { latest } => Problem::resync_required(latest),
            ReadChangesError::Unavailable(e) => unavailable(&e),
            ReadChangesError::Internal(e) => internal(&*e),
        }
    }
}

impl From<DeleteTaskError> for Problem {
    fn from(error: DeleteTaskError) -> Self {
        match error {
            DeleteTaskError::NotFound => Problem::task_not_found(),
            DeleteTaskError::VersionMismatch => Problem::precondition_failed(),
            DeleteTaskError::Unavailable(e) => unavailable(&e),
            DeleteTaskError::Internal(e) => internal(&*e),
        }
    }
}

impl From<ListCompletionsError> for Problem {
    fn from(error: ListCompletionsError) -> Self {
        match error {
            ListCompletionsError::NotFound => Problem::task_not_found(),
            ListCompletionsError::Unavailable(e) => unavailable(&e),
            ListCompletionsError::Internal(e) => internal(&*e),
        }
    }
}

impl From<GetPreferencesError> for Problem {
    fn from(error: GetPreferencesError) -> Self {
        match error {
            GetPreferencesError::Unavailable(e) => unavailable(&e),
            GetPreferencesError::Internal(e) => internal(&*e),
        }
    }
}

impl From<PutPreferencesError> for Problem {
    fn from(error: PutPreferencesError) -> Self {
        match error {
            // The domain knew the name but the database's zone list does
            // not: the same refusal as for an unknown name.
            PutPreferencesError::UnknownTimeZone => Problem::validation(vec![FieldError::new(
                "time_zone",
                domain::UnknownTimeZone.to_string(),
            )]),
            PutPreferencesError::VersionMismatch => Problem::preferences_changed(),
            PutPreferencesError::UnknownOwner => unknown_owner(),
            PutPreferencesError::Unavailable(e) => unavailable(&e),
            PutPreferencesError::Internal(e) => internal(&*e),
        }
    }
}

impl From<RepoUnavailable> for Problem {
    fn from(error: RepoUnavailable) -> Self {
        unavailable(&error)
    }
}

/// A token whose account is gone: the credential no longer proves a user,
/// so the client must sign in again, exactly as for a bad token.
fn unknown_owner() -> Problem {
    tracing::info!("token subject has no account; answering 401");
    Problem::unauthorized()
}

fn too_many_lists() -> Problem {
    Problem::limit_reached("lists per user", domain::limits::MAX_LISTS_PER_USER)
}

fn too_many_labels() -> Problem {
    Problem::limit_reached("labels per user", domain::limits::MAX_LABELS_PER_USER)
}

impl From<EnsureInboxError> for Problem {
    fn from(error: EnsureInboxError) -> Self {
        match error {
            EnsureInboxError::UnknownOwner => unknown_owner(),
            EnsureInboxError::Unavailable(e) => unavailable(&e),
            EnsureInboxError::Internal(e) => internal(&*e),
        }
    }
}

impl From<ListListsError> for Problem {
    fn from(error: ListListsError) -> Self {
        match error {
            ListListsError::UnknownOwner => unknown_owner(),
            ListListsError::Unavailable(e) => unavailable(&e),
            ListListsError::Internal(e) => internal(&*e),
        }
    }
}

impl From<CreateListError> for Problem {
    fn from(error: CreateListError) -> Self {
        match error {
            CreateListError::DuplicateName => Problem::duplicate_name("list"),
            CreateListError::LimitReached => too_many_lists(),
            CreateListError::UnknownOwner => unknown_owner(),
            CreateListError::Unavailable(e) => unavailable(&e),
            CreateListError::Internal(e) => internal(&*e),
        }
    }
}

impl From<GetListError> for Problem {
    fn from(error: GetListError) -> Self {
        match error {
            GetListError::NotFound => Problem::list_not_found(),
            GetListError::Unavailable(e) => unavailable(&e),
            GetListError::Internal(e) => internal(&*e),
        }
    }
}

impl From<UpdateListError> for Problem {
    fn from(error: UpdateListError) -> Self {
        match error {
            UpdateListError::NotFound => Problem::list_not_found(),
            UpdateListError::VersionMismatch => Problem::resource_changed("list"),
            UpdateListError::DuplicateName => Problem::duplicate_name("list"),
            UpdateListError::InboxRename => {
                Problem::inbox_locked("The Inbox cannot be renamed.").with_errors(vec![
                    FieldError::new("name", "cannot be changed on the Inbox"),
                ])
            }
            UpdateListError::Unavailable(e) => unavailable(&e),
            UpdateListError::Internal(e) => internal(&*e),
        }
    }
}

impl From<DeleteListError> for Problem {
    fn from(error: DeleteListError) -> Self {
        match error {
            DeleteListError::NotFound => Problem::list_not_found(),
            DeleteListError::VersionMismatch => Problem::resource_changed("list"),
            DeleteListError::Inbox => Problem::inbox_locked("The Inbox cannot be deleted."),
            DeleteListError::Unavailable(e) => unavailable(&e),
            DeleteListError::Internal(e) => internal(&*e),
        }
    }
}

impl From<MoveListError> for Problem {
    fn from(error: MoveListError) -> Self {
        match error {
            MoveListError::NotFound => Problem::list_not_found(),
            // The anchor is a reference in the body: 422 naming it, the
            // same whether it is missing or someone else's (the route
            // names the field it came from).
            MoveListError::AnchorNotFound => {
                Problem::validation(vec![FieldError::new("before", "is not one of your lists")])
            }
            MoveListError::InboxFirst => Problem::inbox_locked(
                "The Inbox stays first: it cannot be moved, nor a list placed before it.",
            ),
            MoveListError::Unavailable(e) => unavailable(&e),
            MoveListError::Internal(e) => internal(&*e),
        }
    }
}

impl From<ListLabelsError> for Problem {
    fn from(error: ListLabelsError) -> Self {
        match error {
            ListLabelsError::Unavailable(e) => unavailable(&e),
            ListLabelsError::Internal(e) => internal(&*e),
        }
    }
}

impl From<CreateLabelError> for Problem {
    fn from(error: CreateLabelError) -> Self {
        match error {
            CreateLabelError::DuplicateName => Problem::duplicate_name("label"),
            CreateLabelError::LimitReached => too_many_labels(),
            CreateLabelError::UnknownOwner => unknown_owner(),
            CreateLabelError::Unavailable(e) => unavailable(&e),
            CreateLabelError::Internal(e) => internal(&*e),
        }
    }
}

impl From<GetLabelError> for Problem {
    fn from(error: GetLabelError) -> Self {
        match error {
            GetLabelError::NotFound => Problem::label_not_found(),
            GetLabelError::Unavailable(e) => unavailable(&e),
            GetLabelError::Internal(e) => internal(&*e),
        }
    }
}

impl From<UpdateLabelError> for Problem {
    fn from(error: UpdateLabelError) -> Self {
        match error {
            UpdateLabelError::NotFound => Problem::label_not_found(),
            UpdateLabelError::VersionMismatch => Problem::resource_changed("label"),
            UpdateLabelError::DuplicateName => Problem::duplicate_name("label"),
            UpdateLabelError::Unavailable(e) => unavailable(&e),
            UpdateLabelError::Internal(e) => internal(&*e),
        }
    }
}

impl From<DeleteLabelError> for Problem {
    fn from(error: DeleteLabelError) -> Self {
        match error {
            DeleteLabelError::NotFound => Problem::label_not_found(),
            DeleteLabelError::VersionMismatch => Problem::resource_changed("label"),
            DeleteLabelError::Unavailable(e) => unavailable(&e),
            DeleteLabelError::Internal(e) => internal(&*e),
        }
    }
}

impl Problem {
    /// 404 for an item that is not in the caller's trash (someone else's
    /// is answered the same).
    pub fn trash_item_not_found() -> Self {
        Self::new(ProblemKind::NotFound, "No such item in the trash.")
    }

    /// 400: the `Idempotency-Key` header is not a valid key.
    pub fn invalid_idempotency_key(message: impl Into<String>) -> Self {
        Self::new(
            ProblemKind::InvalidHeader,
            "The Idempotency-Key header is not a valid key.",
        )
        .with_errors(vec![FieldError::new("Idempotency-Key", message)])
    }

    /// 422: the key was used for a request with another method, path,
    /// query, content type or body.
    pub fn idempotency_key_reused() -> Self {
        Self::new(
            ProblemKind::IdempotencyKeyReused,
            "This Idempotency-Key was already used for a different request; use a new key.",
        )
    }

    /// 409: the first request with the key has not finished; retry in a
    /// second to get its answer.
    pub fn idempotency_key_in_use() -> Self {
        Self::new(
            ProblemKind::IdempotencyKeyInUse,
            "A request with this Idempotency-Key is still being processed; retry shortly.",
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from(1u32))
    }

    /// The answer to a failed batch: a store failure as such; otherwise one
    /// `batch-failed` problem pointing at each failing operation's member
    /// (`/operations/N/id` for a missing task, `…/if_match` for a stale
    /// version, `…/<field>` for a refused value). Its status is the one all
    /// failures share when that is 404, 409 or 412, else 422.
    /// `placement_of` gives the placement operation `N` asked for (only a
    /// move's matters: it names the anchor field).
    pub fn from_batch_error(
        error: BatchError,
        placement_of: impl Fn(usize) -> Placement<TaskId>,
    ) -> Self {
        let failures = match error {
            BatchError::Failed(failures) => failures,
            BatchError::Unavailable(e) => return unavailable(&e),
            BatchError::Internal(e) => return internal(&*e),
        };
        let mut statuses = Vec::with_capacity(failures.len());
        let mut errors = Vec::with_capacity(failures.len());
        for failure in failures {
            let index = failure.index;
            let problem = match failure.error {
                BatchOpError::Update(e) => Problem::from(e),
                BatchOpError::Move(e) => Problem::from_move_error(e, placement_of(index)),
                BatchOpError::Delete(e) => Problem::from(e),
                BatchOpError::Restore(e) => Problem::from(e),
            };
            if problem.status().is_server_error() {
                return problem;
            }
            statuses.push(problem.status());
            errors.extend(operation_errors(index, &problem));
        }
        let status = match statuses.split_first() {
            Some((first, rest))
                if rest.iter().all(|s| s == first)
                    && [
                        StatusCode::NOT_FOUND,
                        StatusCode::CONFLICT,
                        StatusCode::PRECONDITION_FAILED,
                    ]
                    .contains(first) =>
            {
                *first
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let mut problem = Self::new(
            ProblemKind::BatchFailed,
            format!(
                "{} of the operations failed (listed in errors); nothing was changed.",
                statuses.len()
            ),
        )
        .with_errors(errors);
        problem.status = Some(status);
        problem
    }
}

/// The `errors` entries of operation `index` that failed with `problem`,
/// each a JSON pointer into the request body.
fn operation_errors(index: usize, problem: &Problem) -> Vec<FieldError> {
    let pointer = |member: &str| format!("/operations/{index}/{member}");
    match problem.kind {
        ProblemKind::NotFound => vec![FieldError::new(pointer("id"), problem.detail.clone())],
        ProblemKind::PreconditionFailed => vec![FieldError::new(
            pointer("if_match"),
            "does not match: the task has changed since that version",
        )],
        _ if !problem.errors.is_empty() => problem
            .errors
            .iter()
            .map(|e| FieldError::new(pointer(&e.field), e.message.clone()))
            .collect(),
        _ => vec![FieldError::new(pointer("id"), problem.detail.clone())],
    }
}

impl From<ListTrashError> for Problem {
    fn from(error: ListTrashError) -> Self {
        match error {
            ListTrashError::Unavailable(e) => unavailable(&e),
            ListTrashError::Internal(e) => internal(&*e),
        }
    }
}

impl From<RestoreError> for Problem {
    fn from(error: RestoreError) -> Self {
        match error {
            RestoreError::NotFound => Problem::trash_item_not_found(),
            RestoreError::DuplicateName => Problem::duplicate_name("list"),
            RestoreError::LimitReached => Problem::new(
                ProblemKind::Conflict,
                format!(
                    "Limit reached: at most {MAX_TASKS_PER_LIST} tasks per list or {} lists, and \
                     the destination is full.",
                    domain::limits::MAX_LISTS_PER_USER
                ),
            ),
            RestoreError::Unavailable(e) => unavailable(&e),
            RestoreError::Internal(e) => internal(&*e),
        }
    }
}

impl From<DeleteTrashItemError> for Problem {
    fn from(error: DeleteTrashItemError) -> Self {
        match error {
            DeleteTrashItemError::NotFound => Problem::trash_item_not_found(),
            DeleteTrashItemError::Unavailable(e) => unavailable(&e),
            DeleteTrashItemError::Internal(e) => internal(&*e),
        }
    }
}

impl From<EmptyTrashError> for Problem {
    fn from(error: EmptyTrashError) -> Self {
        match error {
            EmptyTrashError::Unavailable(e) => unavailable(&e),
            EmptyTrashError::Internal(e) => internal(&*e),
        }
    }
}

impl From<IdempotencyError> for Problem {
    fn from(error: IdempotencyError) -> Self {
        match error {
            IdempotencyError::Unavailable(e) => unavailable(&e),
            IdempotencyError::Internal(e) => internal(&*e),
        }
    }
}

impl From<ports::ExportError> for Problem {
    fn from(error: ports::ExportError) -> Self {
        match error {
            ports::ExportError::Unavailable(e) => unavailable(&e),
            ports::ExportError::Internal(e) => internal(&*e),
        }
    }
}

impl From<ports::ImportError> for Problem {
    fn from(error: ports::ImportError) -> Self {
        match error {
            ports::ImportError::UnknownOwner => {
                tracing::info!("token subject has no account; answering 401");
                Problem::unauthorized()
            }
            ports::ImportError::LimitReached(what) => Problem::new(
                ProblemKind::Conflict,
                format!("Limit reached: {what}; nothing was imported."),
            ),
            ports::ImportError::Invalid => Problem::new(
                ProblemKind::ValidationFailed,
                "The import is inconsistent; nothing was imported.",
            ),
            ports::ImportError::Unavailable(e) => unavailable(&e),
            ports::ImportError::Internal(e) => internal(&*e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_distinct_type_and_an_error_status() {
        let mut slugs: Vec<_> = ProblemKind::ALL.iter().map(|k| k.slug()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), ProblemKind::ALL.len());
        for kind in ProblemKind::ALL {
            assert!(kind.status().is_client_error() || kind.status().is_server_error());
            assert!(kind.type_uri().starts_with(TYPE_PREFIX));
        }
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let cause: ports::BoxError = "connection string postgres://secret@db".into();
        let problem = Problem::from(GetTaskError::Internal(cause));
        assert_eq!(problem.kind(), ProblemKind::Internal);
        let body = serde_json::to_string(&problem.document()).unwrap();
        assert!(!body.contains("secret"), "{body}");
    }

    #[test]
    fn errors_member_is_omitted_when_empty() {
        let body = serde_json::to_value(Problem::task_not_found().document()).unwrap();
        assert!(body.get("errors").is_none());
        assert_eq!(body["type"], "urn:todo-api:problem:not-found");
        assert_eq!(body["status"], 404);
    }
}
