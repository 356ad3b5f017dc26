//! `POST /api/{user_id}/tasks/batch`: up to 100 operations on the caller's
//! tasks, all or nothing, in one transaction of the `TaskRepo` port.
//! Checks in the contract's order (401 → 403 → 400 → 413/415 → 422 (the
//! whole body, before the store) → the store's failures).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::http::auth::authorize_owner;
use crate::http::error_responses::{
    ApiErrors, BodyErrors, ConflictErrors, IfMatchErrors, ItemErrors,
};
use crate::http::problem::{Problem, ProblemKind};
use crate::http::request_body::{EmptyBody, read_json_object};
use crate::state::AppState;
use crate::wire::batch::{self, BatchDoc, BatchResultDto};
use crate::wire::dto::TaskDto;

const USER_ID_DOC: &str = "The authenticated user's id (the token's `sub`); anything else is 403.";

/// Apply up to 100 operations to the caller's tasks, all or nothing, in
/// order, in one transaction. Each operation is an object `{op, id,
/// if_match?, …}`:
/// - `complete`, `reopen`: as `PATCH …/tasks/{id}/complete` with
///   `{"completed": true|false}`;
/// - `update`: the `PATCH …/tasks/{id}` fields beside `id`;
/// - `move`: the `POST …/tasks/{id}/move` fields (`list_id`, `parent_id`,
///   `before`, `after`) beside `id`;
/// - `delete`: to the trash, with the subtasks;
/// - `restore`: a task from the trash (its id as it was).
///
/// `if_match` is an ETag value, `"\"3\""` (as the `ETag` header) or `"3"`:
/// the operation applies only if the task still has that version. Later
/// operations see the effect of earlier ones.
///
/// The answer is the resulting tasks in operation order (`delete`: the task
/// as it went to the trash). On any failure nothing changes, and the answer
/// is one `urn:todo-api:problem:batch-failed` problem whose `errors` point
/// at each failing operation's member with a JSON pointer:
/// `/operations/N/id` (no such task), `/operations/N/if_match` (the task
/// changed), `/operations/N/<field>` (a refused value), `/operations/N/op`
/// (an unknown op); `operations` itself when the list is missing, empty or
/// longer than 100. Every problem of the body is reported (422) before
/// anything is tried. Its status is the one all failures share when it is
/// 404, 409 or 412, else 422.
#[utoipa::path(
    post,
    path = "/api/{user_id}/tasks/batch",
    tag = "tasks",
    operation_id = "batch_tasks",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC)),
    request_body(content = BatchDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "Every operation applied; the tasks in operation order.",
            body = BatchResultDto),
        ApiErrors,
        ItemErrors,
        IfMatchErrors,
        BodyErrors,
        ConflictErrors,
    )
)]
pub async fn batch(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let body = read_json_object(&req, payload, EmptyBody::Rejected).await?;
    let parsed = batch::parse(&body.unwrap_or_default()).map_err(|errors| {
        Problem::new(
            ProblemKind::BatchFailed,
            "The batch has invalid operations (listed in errors); nothing was changed.",
        )
        .with_errors(errors)
    })?;
    let tasks = state
        .repo
        .batch(owner, parsed.ops.clone())
        .await
        .map_err(|error| Problem::from_batch_error(error, |index| parsed.placement_of(index)))?;
    Ok(HttpResponse::Ok().json(BatchResultDto {
        tasks: tasks.iter().map(TaskDto::from).collect(),
    }))
}
