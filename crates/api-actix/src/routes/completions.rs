//! `GET /api/{user_id}/tasks/{id}/completions`: the completion history of
//! one of the caller's recurring tasks. Checks in the contract's order
//! (401 → 403 → 400 → 404 → 503); the history is read through the
//! `TaskRepo` port.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::TaskId;

use crate::http::auth::authorize_owner;
use crate::http::error_responses::{ApiErrors, ItemErrors};
use crate::http::problem::{Problem, ProblemKind};
use crate::state::AppState;
use crate::wire::completions::{self, CompletionDto, CompletionsQuery};

const USER_ID_DOC: &str = "The authenticated user's id (the token's `sub`); anything else is 403.";
const TASK_ID_DOC: &str = "The task's id (a UUID; anything else is 400).";

fn task_id(req: &HttpRequest) -> Result<TaskId, Problem> {
    let raw = req.match_info().get("id").unwrap_or_default();
    TaskId::parse(raw).map_err(|_| {
        Problem::new(
            ProblemKind::InvalidPath,
            "The task id in the path is not a UUID.",
        )
    })
}

/// The completion history of one of the caller's tasks, newest first (by
/// `completed_at`, then by id). Each time an open recurring task is
/// completed (`PATCH …/complete`) one completion records the occurrence
/// (`due_at`) and when it was done; undoing that completion removes its
/// record. A task that never recurred has an empty history.
///
/// Keyset pagination, as on the task listing: when more completions
/// follow, a `Link: <…>; rel="next"` header carries the URL of the next
/// page (the same `limit` plus an opaque `cursor`). A task that does not
/// exist or is someone else's is 404. Unknown or repeated query parameters
/// are 400; an empty value is the same as an absent parameter.
#[utoipa::path(
    get,
    path = "/api/{user_id}/tasks/{id}/completions",
    tag = "tasks",
    operation_id = "list_task_completions",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("id" = uuid::Uuid, Path, description = TASK_ID_DOC),
        CompletionsQuery,
    ),
    responses(
        (status = 200, description = "One page of the task's completions, newest first.",
            body = [CompletionDto],
            headers(("Link" = String, description = "`<URL>; rel=\"next\"` when a next page exists."))),
        ApiErrors,
        ItemErrors,
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = task_id(&req)?;
    let query = completions::parse(req.query_string()).map_err(Problem::invalid_query)?;
    let page = state.repo.completions(owner, id, query).await?;
    let mut response = HttpResponse::Ok();
    if page.has_more
        && let Some(last) = page.completions.last()
    {
        let url = completions::next_page_url(owner, id, &query, last);
        response.insert_header((header::LINK, format!("<{url}>; rel=\"next\"")));
    }
    let body: Vec<CompletionDto> = page.completions.iter().map(CompletionDto::from).collect();
    Ok(response.json(body))
}
