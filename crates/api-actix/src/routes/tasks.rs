//! The task endpoints. Each handler performs the contract's checks in its
//! order (401 → 403 → 400 → 413/415 → 400 → 422 → 404 → 409/412 → 503) and
//! only translates between HTTP and the `TaskRepo` port.
//!
//! The 422s for a list, parent or label that is not the caller's come from
//! the store, after the body has passed its own checks: the store alone
//! knows what exists, and it answers the same for someone else's id as for
//! a missing one.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use domain::{Task, TaskId, UserId, Version};
use ports::TaskRepo;

use crate::http::auth::authorize_owner;
use crate::http::error_responses::{
    ApiErrors, BodyErrors, ConflictErrors, IfMatchErrors, ItemErrors,
};
use crate::http::preconditions::{self, IfMatch, with_etag};
use crate::http::problem::{Problem, ProblemKind};
use crate::http::request_body::{EmptyBody, read_json_object};
use crate::state::AppState;
use crate::wire::dto::{CompletionDoc, TaskDto, TaskInputDoc, TaskMoveDoc, TaskPatchDoc};
use crate::wire::list_query::{self, TaskListQuery};
use crate::wire::task_input;

fn task_id(req: &HttpRequest) -> Result<TaskId, Problem> {
    let raw = req.match_info().get("id").unwrap_or_default();
    TaskId::parse(raw).map_err(|_| {
        Problem::new(
            ProblemKind::InvalidPath,
            "The task id in the path is not a UUID.",
        )
    })
}

fn task_response(task: &Task) -> HttpResponse {
    with_etag(HttpResponse::Ok().json(TaskDto::from(task)), task.version)
}

/// The version a conditional write must find
/// ([`preconditions::expected_version`]).
async fn expected_version(
    repo: &dyn TaskRepo,
    owner: UserId,
    id: TaskId,
    condition: IfMatch,
) -> Result<Option<Version>, Problem> {
    preconditions::expected_version(
        condition,
        || async move { Ok(repo.get(owner, id).await?.version) },
        Problem::precondition_failed,
    )
    .await
}

const USER_ID_DOC: &str = "The authenticated user's id (the token's `sub`); anything else is 403.";
const TASK_ID_DOC: &str = "The task's id (a UUID; anything else is 400).";
const IF_MATCH_DOC: &str = "Optional. `*` or the task's ETag(s), e.g. `\"3\"`: the write happens only if the task \
     still has that version, else 412. Weak tags never match. Malformed syntax is 400.";
const IF_NONE_MATCH_DOC: &str = "Optional. `*` or ETag(s) the client holds, e.g. `\"3\"`: when the task is still at \
     one of them the answer is 304 with no body. Weak comparison (`W/\"3\"` matches `\"3\"`). Malformed syntax is 400.";

/// List the caller's tasks, newest first unless sorted otherwise.
///
/// Keyset pagination: when more tasks match, a `Link: <…>; rel="next"`
/// header carries the URL of the next page (same view, filters, sort and
/// limit plus an opaque `cursor`). Unknown or repeated query parameters
/// are 400; an empty value is the same as an absent parameter.
///
/// `view` narrows the listing to the open tasks of a date view (Today,
/// Upcoming, Overdue, No date), computed in the caller's time zone (`GET
/// …/preferences`; UTC until set) at the time of each request; it
/// combines with every other filter. An unknown view, `days` outside
/// 1–60, or `days` without `view=upcoming` is 400 naming the parameter.
#[utoipa::path(
    get,
    path = "/api/{user_id}/tasks",
    tag = "tasks",
    operation_id = "list_tasks",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC), TaskListQuery),
    responses(
        (status = 200, description = "One page of tasks, in the requested order.", body = [TaskDto],
            headers(("Link" = String, description = "`<URL>; rel=\"next\"` when a next page exists."))),
        ApiErrors,
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let listing = list_query::parse(req.query_string()).map_err(Problem::invalid_query)?;
    let mut query = listing.query.clone();
    // Only a view needs the caller's zone: one read by primary key.
    if let Some(view) = listing.view {
        let zone = state.preferences.get(owner).await?.preferences.time_zone;
        query.view = Some(view.window(Utc::now(), zone));
    }
    let page = state.repo.list(owner, &query).await?;
    let mut response = HttpResponse::Ok();
    if page.has_more
        && let Some(last) = page.tasks.last()
    {
        let url = list_query::next_page_url(owner, &listing, &query.next_cursor(last));
        response.insert_header((header::LINK, format!("<{url}>; rel=\"next\"")));
    }
    let body: Vec<TaskDto> = page.tasks.iter().map(TaskDto::from).collect();
    Ok(response.json(body))
}

/// Create a task for the caller.
#[utoipa::path(
    post,
    path = "/api/{user_id}/tasks",
    tag = "tasks",
    operation_id = "create_task",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC)),
    request_body(content = TaskInputDoc, content_type = "application/json"),
    responses(
        (status = 201, description = "Created.", body = TaskDto, headers(
            ("Location" = String, description = "The new task's URL."),
            ("ETag" = String, description = "The task's version, e.g. `\"1\"`."))),
        ApiErrors,
        BodyErrors,
        ConflictErrors,
    )
)]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let body = read_json_object(&req, payload, EmptyBody::Rejected).await?;
    let (fields, location) =
        task_input::task_fields(&body.unwrap_or_default()).map_err(Problem::validation)?;
    let task = state.repo.create(owner, fields, location).await?;
    let location = format!("/api/{owner}/tasks/{}", task.id);
    let response = HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(TaskDto::from(&task));
    Ok(with_etag(response, task.version))
}

/// Get one of the caller's tasks.
#[utoipa::path(
    get,
    path = "/api/{user_id}/tasks/{id}",
    tag = "tasks",
    operation_id = "get_task",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("id" = uuid::Uuid, Path, description = TASK_ID_DOC),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = IF_NONE_MATCH_DOC),
    ),
    responses(
        (status = 200, description = "The task.", body = TaskDto,
            headers(("ETag" = String, description = "The task's version, e.g. `\"3\"`."))),
        (status = 304, description = "The task is still at a version named in If-None-Match; no body.",
            headers(("ETag" = String, description = "The task's version."))),
        ApiErrors,
        ItemErrors,
    )
)]
pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = task_id(&req)?;
    let cached = preconditions::if_none_match(&req)?;
    let task = state.repo.get(owner, id).await?;
    if cached.holds(task.version) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, preconditions::etag(task.version)))
            .finish());
    }
    Ok(task_response(&task))
}

/// Replace every editable field of a task; omitted optional fields are
/// cleared (priority becomes `medium`, `completed` false, no labels). Where
/// the task is counts too: a `list_id` or `parent_id` other than the
/// task's moves it, with its subtasks, to the end of its new siblings;
/// omitted, they mean the Inbox and the top level, as on a create.
#[utoipa::path(
    put,
    path = "/api/{user_id}/tasks/{id}",
    tag = "tasks",
    operation_id = "replace_task",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("id" = uuid::Uuid, Path, description = TASK_ID_DOC),
        ("If-Match" = Option<String>, Header, nullable = false, description = IF_MATCH_DOC),
    ),
    request_body(content = TaskInputDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "The task after the change.", body = TaskDto,
            headers(("ETag" = String, description = "The task's new version."))),
        ApiErrors,
        ItemErrors,
        IfMatchErrors,
        BodyErrors,
        ConflictErrors,
    )
)]
pub async fn replace(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = task_id(&req)?;
    let condition = preconditions::if_match(&req)?;
    let body = read_json_object(&req, payload, EmptyBody::Rejected).await?;
    let (fields, location) =
        task_input::task_fields(&body.unwrap_or_default()).map_err(Problem::validation)?;
    let expected = expected_version(state.repo.as_ref(), owner, id, condition).await?;
    let task = state
        .repo
        .replace(owner, id, fields, location, expected)
        .await?;
    Ok(task_response(&task))
}

/// Change only the fields present in the body; `null` clears an optional
/// field. `list_id` or `parent_id` moves the task, with its subtasks, to
/// the end of its new siblings (`POST …/move` places it anywhere).
#[utoipa::path(
    patch,
    path = "/api/{user_id}/tasks/{id}",
    tag = "tasks",
    operation_id = "patch_task",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("id" = uuid::Uuid, Path, description = TASK_ID_DOC),
        ("If-Match" = Option<String>, Header, nullable = false, description = IF_MATCH_DOC),
    ),
    request_body(content = TaskPatchDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "The task after the change.", body = TaskDto,
            headers(("ETag" = String, description = "The task's new version."))),
        ApiErrors,
        ItemErrors,
        IfMatchErrors,
        BodyErrors,
        ConflictErrors,
    )
)]
pub async fn patch(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = task_id(&req)?;
    let condition = preconditions::if_match(&req)?;
    let body = read_json_object(&req, payload, EmptyBody::Rejected).await?;
    let patch = task_input::task_patch(&body.unwrap_or_default()).map_err(Problem::validation)?;
    let expected = expected_version(state.repo.as_ref(), owner, id, condition).await?;
    let task = state.repo.patch(owner, id, patch, expected).await?;
    Ok(task_response(&task))
}

/// Toggle a task's completion, or set it with `{"completed": bool}`.
/// Completing a task completes its open subtasks in the same step.
///
/// A recurring task (one with a `recurrence`) is different:
/// - Completing it while open (`{"completed": true}`, or no body) records
///   a completion of the current occurrence (see `GET …/completions`),
///   moves `due_at` to the next occurrence (computed in the caller's time
///   zone, so 09:00 stays 09:00 local across daylight-saving changes; with
///   `recurrence_basis` `completion`, counted from the day it is done),
///   reopens its subtasks and leaves it open: the answer shows the new
///   `due_at` and `next_due_at`. When the rule has no further occurrence
///   (COUNT or UNTIL reached) it completes for good, like any task.
/// - Undo: `{"completed": false}` on the open task while its latest
///   completion is still the last change made to it (no other write since)
///   restores the previous `due_at` and removes that completion record.
///   Otherwise `{"completed": false}` on an open task changes nothing (200).
/// - Concurrency: two completions sent with the same `If-Match` advance
///   the task once; one gets 200, the other 412 (fetch the task again).
///   Without `If-Match` they run one after the other, each advancing one
///   occurrence: none is skipped. Send `If-Match` to complete exactly the
///   occurrence shown.
///
/// The change feed shows the task's upsert and, for a recurring task, the
/// `completion` upsert (or its delete on undo).
#[utoipa::path(
    patch,
    path = "/api/{user_id}/tasks/{id}/complete",
    tag = "tasks",
    operation_id = "complete_task",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("id" = uuid::Uuid, Path, description = TASK_ID_DOC),
        ("If-Match" = Option<String>, Header, nullable = false, description = IF_MATCH_DOC),
    ),
    // Marked optional (`required: false`) by `openapi::OptionalCompletionBody`.
    request_body(content = CompletionDoc, content_type = "application/json",
        description = "Optional: without a body (or with `{}`) completion is toggled."),
    responses(
        (status = 200, description = "The task after the change.", body = TaskDto,
            headers(("ETag" = String, description = "The task's new version."))),
        ApiErrors,
        ItemErrors,
        IfMatchErrors,
        BodyErrors,
    )
)]
pub async fn complete(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = task_id(&req)?;
    let condition = preconditions::if_match(&req)?;
    let body = read_json_object(&req, payload, EmptyBody::Allowed).await?;
    let change = task_input::completion_change(body.as_ref()).map_err(Problem::validation)?;
    let expected = expected_version(state.repo.as_ref(), owner, id, condition).await?;
    let task = state
        .repo
        .set_completed(owner, id, change, expected)
        .await?;
    Ok(task_response(&task))
}

/// Move a task, with its subtasks, in one atomic step: to another list,
/// under another parent, to another place among its siblings, or all at
/// once. The task's new `position` is in the answer; its siblings keep
/// theirs.
///
/// Honours `If-Match` like the other writes (412 when the task changed
/// since): a client that moves what it last saw does not undo someone
/// else's move unknowingly.
#[utoipa::path(
    post,
    path = "/api/{user_id}/tasks/{id}/move",
    tag = "tasks",
    operation_id = "move_task",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("id" = uuid::Uuid, Path, description = TASK_ID_DOC),
        ("If-Match" = Option<String>, Header, nullable = false, description = IF_MATCH_DOC),
    ),
    request_body(content = TaskMoveDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "The task after the move.", body = TaskDto,
            headers(("ETag" = String, description = "The task's new version."))),
        ApiErrors,
        ItemErrors,
        IfMatchErrors,
        BodyErrors,
        ConflictErrors,
    )
)]
pub async fn move_task(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = task_id(&req)?;
    let condition = preconditions::if_match(&req)?;
    let body = read_json_object(&req, payload, EmptyBody::Rejected).await?;
    let to = task_input::task_move(&body.unwrap_or_default()).map_err(Problem::validation)?;
    let expected = expected_version(state.repo.as_ref(), owner, id, condition).await?;
    let task = state
        .repo
        .move_task(owner, id, to, expected)
        .await
        .map_err(|error| Problem::from_move_error(error, to.placement))?;
    Ok(task_response(&task))
}

/// Delete a task and its subtasks. A request body, if any, is ignored.
#[utoipa::path(
    delete,
    path = "/api/{user_id}/tasks/{id}",
    tag = "tasks",
    operation_id = "delete_task",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("id" = uuid::Uuid, Path, description = TASK_ID_DOC),
        ("If-Match" = Option<String>, Header, nullable = false, description = IF_MATCH_DOC),
    ),
    responses(
        (status = 204, description = "Deleted."),
        ApiErrors,
        ItemErrors,
        IfMatchErrors,
    )
)]
pub async fn delete(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = task_id(&req)?;
    let condition = preconditions::if_match(&req)?;
    let expected = expected_version(state.repo.as_ref(), owner, id, condition).await?;
    state.repo.delete(owner, id, expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
