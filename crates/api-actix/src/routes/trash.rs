//! The trash: `GET …/trash`, `POST …/trash/{id}/restore`, `DELETE
//! …/trash/{id}` and `DELETE …/trash`. Deleting a task or a list
//! (`DELETE …/tasks/{id}`, `DELETE …/lists/{list_id}`) puts it here; the
//! API purges what is older than the retention (`live::trash_purge`).
//! Checks in the contract's order (401 → 403 → 400 → 413/415 → 422 → 404 →
//! 409 → 503), through the `TrashRepo` port.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::Restored;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::auth::authorize_owner;
use crate::http::error_responses::{ApiErrors, BodyErrors, ConflictErrors, ItemErrors};
use crate::http::preconditions::etag;
use crate::http::problem::{FieldError, Problem, ProblemKind};
use crate::http::request_body::{EmptyBody, read_json_object};
use crate::state::AppState;
use crate::wire::restore::RestoredDto;
use crate::wire::trash::TrashItemDto;
use crate::wire::trash_page::{self, TrashPageQuery};

const USER_ID_DOC: &str = "The authenticated user's id (the token's `sub`); anything else is 403.";
const ITEM_ID_DOC: &str = "The id of the deleted task or list (a UUID; anything else is 400).";

fn item_id(req: &HttpRequest) -> Result<Uuid, Problem> {
    let raw = req.match_info().get("id").unwrap_or_default();
    Uuid::parse_str(raw).map_err(|_| {
        Problem::new(
            ProblemKind::InvalidPath,
            "The item id in the path is not a UUID.",
        )
    })
}

/// The answer of `DELETE …/trash`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = EmptiedTrash)]
pub struct EmptiedTrashDto {
    /// How many items were deleted for good.
    #[schema(minimum = 0)]
    pub deleted: u64,
}

/// The caller's trash: deleted tasks (each with its subtasks) and lists
/// (each with its tasks), newest first. Items are kept 30 days (see
/// `expires_at`), then purged for good.
///
/// Keyset pagination, as on the task listing: when more items follow, a
/// `Link: <…>; rel="next"` header carries the URL of the next page.
/// Unknown or repeated query parameters are 400; an empty value is the
/// same as an absent parameter.
#[utoipa::path(
    get,
    path = "/api/{user_id}/trash",
    tag = "trash",
    operation_id = "list_trash",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC), TrashPageQuery),
    responses(
        (status = 200, description = "One page of the trash, newest first.",
            body = [TrashItemDto],
            headers(("Link" = String, description = "`<URL>; rel=\"next\"` when a next page exists."))),
        ApiErrors,
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let query = trash_page::parse(req.query_string()).map_err(Problem::invalid_query)?;
    let page = state.trash.list(owner, query).await?;
    let mut response = HttpResponse::Ok();
    if page.has_more
        && let Some(last) = page.items.last()
    {
        let url = trash_page::next_page_url(owner, &query, last);
        response.insert_header((header::LINK, format!("<{url}>; rel=\"next\"")));
    }
    let body: Vec<TrashItemDto> = page.items.iter().map(TrashItemDto::from).collect();
    Ok(response.json(body))
}

/// Restore an item of the trash, exactly as it was deleted (same ids,
/// fields, labels that still exist, completion history), at a new version.
/// A task returns to its list and place among its siblings (right after a
/// sibling that took its place); into the Inbox, at the end, when its list
/// is gone; to the top level when its parent is gone. A list returns at
/// the end of the lists, with the tasks deleted with it. No body is needed
/// (an empty body or `{}`).
///
/// The answer is the restored task or list as `GET` answers it, with its
/// `Location` and `ETag`. 409 when a list of the restored list's name
/// exists now (ignoring case; rename that one first) or the destination is
/// full.
#[utoipa::path(
    post,
    path = "/api/{user_id}/trash/{id}/restore",
    tag = "trash",
    operation_id = "restore_trash_item",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("id" = uuid::Uuid, Path, description = ITEM_ID_DOC),
    ),
    responses(
        (status = 200, description = "Restored.", body = RestoredDto, headers(
            ("Location" = String, description = "The restored task's or list's URL."),
            ("ETag" = String, description = "Its new version, e.g. `\"4\"`."))),
        ApiErrors,
        ItemErrors,
        BodyErrors,
        ConflictErrors,
    )
)]
pub async fn restore(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = item_id(&req)?;
    let body = read_json_object(&req, payload, EmptyBody::Allowed).await?;
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        return Err(Problem::validation(
            body.keys()
                .map(|name| FieldError::new(name.as_str(), "is not a known field"))
                .collect(),
        ));
    }
    let restored = state.trash.restore(owner, id).await?;
    let (location, version) = match &restored {
        Restored::Task(task) => (format!("/api/{owner}/tasks/{}", task.id), task.version),
        Restored::List(list) => (
            format!("/api/{owner}/lists/{}", list.list.id),
            list.list.version,
        ),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, etag(version)))
        .json(RestoredDto::from(&restored)))
}

/// Delete an item of the trash for good (a task with its subtasks, a list
/// with its tasks). A request body, if any, is ignored.
#[utoipa::path(
    delete,
    path = "/api/{user_id}/trash/{id}",
    tag = "trash",
    operation_id = "delete_trash_item",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("id" = uuid::Uuid, Path, description = ITEM_ID_DOC),
    ),
    responses(
        (status = 204, description = "Deleted for good."),
        ApiErrors,
        ItemErrors,
    )
)]
pub async fn delete(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = item_id(&req)?;
    state.trash.delete_forever(owner, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Empty the caller's trash: every item is deleted for good. A request
/// body, if any, is ignored.
#[utoipa::path(
    delete,
    path = "/api/{user_id}/trash",
    tag = "trash",
    operation_id = "empty_trash",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC)),
    responses(
        (status = 200, description = "Emptied.", body = EmptiedTrashDto),
        ApiErrors,
    )
)]
pub async fn empty(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let deleted = state.trash.empty(owner).await?;
    Ok(HttpResponse::Ok().json(EmptiedTrashDto { deleted }))
}
