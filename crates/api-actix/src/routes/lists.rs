//! The list endpoints. Each handler performs the contract's checks in its
//! order (401 → 403 → 400 → 413/415 → 400 → 422 → 404 → 409/412 → 503)
//! and only translates between HTTP and the `ListRepo` port.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::{ListId, ListSummary, Placement, UserId, Version};
use ports::{ListRepo, MoveListError};

use crate::http::auth::authorize_owner;
use crate::http::error_responses::{
    ApiErrors, BodyErrors, ConflictErrors, IfMatchErrors, ItemErrors,
};
use crate::http::preconditions::{self, IfMatch, with_etag};
use crate::http::problem::{FieldError, Problem, ProblemKind};
use crate::http::request_body::{EmptyBody, read_json_object};
use crate::state::AppState;
use crate::wire::lists::{self, ListDto, ListInputDoc, ListMoveDoc, ListPatchDoc};

fn list_id(req: &HttpRequest) -> Result<ListId, Problem> {
    let raw = req.match_info().get("list_id").unwrap_or_default();
    ListId::parse(raw).map_err(|_| {
        Problem::new(
            ProblemKind::InvalidPath,
            "The list id in the path is not a UUID.",
        )
    })
}

fn list_response(list: &ListSummary) -> HttpResponse {
    with_etag(
        HttpResponse::Ok().json(ListDto::from(list)),
        list.list.version,
    )
}

async fn expected_version(
    repo: &dyn ListRepo,
    owner: UserId,
    id: ListId,
    condition: IfMatch,
) -> Result<Option<Version>, Problem> {
    preconditions::expected_version(
        condition,
        || async move { Ok(repo.get(owner, id).await?.list.version) },
        || Problem::resource_changed("list"),
    )
    .await
}

const USER_ID_DOC: &str = "The authenticated user's id (the token's `sub`); anything else is 403.";
const LIST_ID_DOC: &str = "The list's id (a UUID; anything else is 400).";
const IF_MATCH_DOC: &str = "Optional. `*` or the list's ETag(s), e.g. `\"3\"`: the write happens only if the list \
     still has that version, else 412. Weak tags never match. Malformed syntax is 400.";
const IF_NONE_MATCH_DOC: &str = "Optional. `*` or ETag(s) the client holds, e.g. `\"3\"`: when the list is still at \
     one of them the answer is 304 with no body. Weak comparison (`W/\"3\"` matches `\"3\"`). Malformed syntax is 400.";

/// The caller's lists: the Inbox first (created on first need), then the
/// others in their manual order, each with its task counts.
#[utoipa::path(
    get,
    path = "/api/{user_id}/lists",
    tag = "lists",
    operation_id = "list_lists",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC)),
    responses(
        (status = 200, description = "Every list of the caller's, in order.", body = [ListDto]),
        ApiErrors,
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let lists = state.lists.list_all(owner).await?;
    let body: Vec<ListDto> = lists.iter().map(ListDto::from).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Create a list, placed after the caller's others.
#[utoipa::path(
    post,
    path = "/api/{user_id}/lists",
    tag = "lists",
    operation_id = "create_list",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC)),
    request_body(content = ListInputDoc, content_type = "application/json"),
    responses(
        (status = 201, description = "Created.", body = ListDto, headers(
            ("Location" = String, description = "The new list's URL."),
            ("ETag" = String, description = "The list's version, e.g. `\"1\"`."))),
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
    let new = lists::new_list(&body.unwrap_or_default()).map_err(Problem::validation)?;
    let list = state.lists.create(owner, new).await?;
    let location = format!("/api/{owner}/lists/{}", list.list.id);
    let response = HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(ListDto::from(&list));
    Ok(with_etag(response, list.list.version))
}

/// Get one of the caller's lists.
#[utoipa::path(
    get,
    path = "/api/{user_id}/lists/{list_id}",
    tag = "lists",
    operation_id = "get_list",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("list_id" = uuid::Uuid, Path, description = LIST_ID_DOC),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = IF_NONE_MATCH_DOC),
    ),
    responses(
        (status = 200, description = "The list.", body = ListDto,
            headers(("ETag" = String, description = "The list's version, e.g. `\"3\"`."))),
        (status = 304, description = "The list is still at a version named in If-None-Match; no body.",
            headers(("ETag" = String, description = "The list's version."))),
        ApiErrors,
        ItemErrors,
    )
)]
pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = list_id(&req)?;
    let cached = preconditions::if_none_match(&req)?;
    let list = state.lists.get(owner, id).await?;
    if cached.holds(list.list.version) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, preconditions::etag(list.list.version)))
            .finish());
    }
    Ok(list_response(&list))
}

/// Rename or recolour a list: only the fields present change. The Inbox
/// cannot be renamed (409).
#[utoipa::path(
    patch,
    path = "/api/{user_id}/lists/{list_id}",
    tag = "lists",
    operation_id = "patch_list",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("list_id" = uuid::Uuid, Path, description = LIST_ID_DOC),
        ("If-Match" = Option<String>, Header, nullable = false, description = IF_MATCH_DOC),
    ),
    request_body(content = ListPatchDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "The list after the change.", body = ListDto,
            headers(("ETag" = String, description = "The list's new version."))),
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
    let id = list_id(&req)?;
    let condition = preconditions::if_match(&req)?;
    let body = read_json_object(&req, payload, EmptyBody::Rejected).await?;
    let patch = lists::list_patch(&body.unwrap_or_default()).map_err(Problem::validation)?;
    let expected = expected_version(state.lists.as_ref(), owner, id, condition).await?;
    let list = state.lists.update(owner, id, patch, expected).await?;
    Ok(list_response(&list))
}

/// Delete a list with all its tasks, in one transaction. The Inbox cannot
/// be deleted (409). A request body, if any, is ignored.
#[utoipa::path(
    delete,
    path = "/api/{user_id}/lists/{list_id}",
    tag = "lists",
    operation_id = "delete_list",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("list_id" = uuid::Uuid, Path, description = LIST_ID_DOC),
        ("If-Match" = Option<String>, Header, nullable = false, description = IF_MATCH_DOC),
    ),
    responses(
        (status = 204, description = "Deleted, with its tasks."),
        ApiErrors,
        ItemErrors,
        IfMatchErrors,
        ConflictErrors,
    )
)]
pub async fn delete(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = list_id(&req)?;
    let condition = preconditions::if_match(&req)?;
    let expected = expected_version(state.lists.as_ref(), owner, id, condition).await?;
    state.lists.delete(owner, id, expected).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Move a list right before or after another of the caller's lists, or
/// to the end (no body, or `{}`). The Inbox stays first: moving it, or
/// placing a list before it, is 409.
#[utoipa::path(
    post,
    path = "/api/{user_id}/lists/{list_id}/move",
    tag = "lists",
    operation_id = "move_list",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("list_id" = uuid::Uuid, Path, description = LIST_ID_DOC),
    ),
    request_body(content = ListMoveDoc, content_type = "application/json",
        description = "Optional: without a body (or with `{}`) the list moves to the end."),
    responses(
        (status = 200, description = "The list at its new position.", body = ListDto,
            headers(("ETag" = String, description = "The list's new version."))),
        ApiErrors,
        ItemErrors,
        BodyErrors,
        ConflictErrors,
    )
)]
pub async fn move_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = list_id(&req)?;
    let body = read_json_object(&req, payload, EmptyBody::Allowed).await?;
    let placement = lists::placement(body.as_ref()).map_err(Problem::validation)?;
    let list = match state.lists.move_list(owner, id, placement).await {
        // The other list is a reference in the body: 422 naming it, the
        // same whether it is missing or someone else's.
        Err(MoveListError::AnchorNotFound) => {
            let field = match placement {
                Placement::After(_) => "after",
                Placement::Before(_) | Placement::End => "before",
            };
            return Err(Problem::validation(vec![FieldError::new(
                field,
                "is not one of your lists",
            )]));
        }
        result => result?,
    };
    Ok(list_response(&list))
}
