//! The label endpoints. Each handler performs the contract's checks in its
//! order (401 → 403 → 400 → 413/415 → 400 → 422 → 404 → 409/412 → 503)
//! and only translates between HTTP and the `LabelRepo` port.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::{Label, LabelId, UserId, Version};
use ports::LabelRepo;

use crate::http::auth::authorize_owner;
use crate::http::error_responses::{
    ApiErrors, BodyErrors, ConflictErrors, IfMatchErrors, ItemErrors,
};
use crate::http::preconditions::{self, IfMatch, with_etag};
use crate::http::problem::{Problem, ProblemKind};
use crate::http::request_body::{EmptyBody, read_json_object};
use crate::state::AppState;
use crate::wire::labels::{self, LabelDto, LabelInputDoc, LabelPatchDoc};

fn label_id(req: &HttpRequest) -> Result<LabelId, Problem> {
    let raw = req.match_info().get("label_id").unwrap_or_default();
    LabelId::parse(raw).map_err(|_| {
        Problem::new(
            ProblemKind::InvalidPath,
            "The label id in the path is not a UUID.",
        )
    })
}

fn label_response(label: &Label) -> HttpResponse {
    with_etag(
        HttpResponse::Ok().json(LabelDto::from(label)),
        label.version,
    )
}

async fn expected_version(
    repo: &dyn LabelRepo,
    owner: UserId,
    id: LabelId,
    condition: IfMatch,
) -> Result<Option<Version>, Problem> {
    preconditions::expected_version(
        condition,
        || async move { Ok(repo.get(owner, id).await?.version) },
        || Problem::resource_changed("label"),
    )
    .await
}

const USER_ID_DOC: &str = "The authenticated user's id (the token's `sub`); anything else is 403.";
const LABEL_ID_DOC: &str = "The label's id (a UUID; anything else is 400).";
const IF_MATCH_DOC: &str = "Optional. `*` or the label's ETag(s), e.g. `\"3\"`: the write happens only if the label \
     still has that version, else 412. Weak tags never match. Malformed syntax is 400.";
const IF_NONE_MATCH_DOC: &str = "Optional. `*` or ETag(s) the client holds, e.g. `\"3\"`: when the label is still at \
     one of them the answer is 304 with no body. Weak comparison (`W/\"3\"` matches `\"3\"`). Malformed syntax is 400.";

/// The caller's labels, by name (ignoring case).
#[utoipa::path(
    get,
    path = "/api/{user_id}/labels",
    tag = "labels",
    operation_id = "list_labels",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC)),
    responses(
        (status = 200, description = "Every label of the caller's.", body = [LabelDto]),
        ApiErrors,
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let labels = state.labels.list(owner).await?;
    let body: Vec<LabelDto> = labels.iter().map(LabelDto::from).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Create a label.
#[utoipa::path(
    post,
    path = "/api/{user_id}/labels",
    tag = "labels",
    operation_id = "create_label",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC)),
    request_body(content = LabelInputDoc, content_type = "application/json"),
    responses(
        (status = 201, description = "Created.", body = LabelDto, headers(
            ("Location" = String, description = "The new label's URL."),
            ("ETag" = String, description = "The label's version, e.g. `\"1\"`."))),
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
    let new = labels::new_label(&body.unwrap_or_default()).map_err(Problem::validation)?;
    let label = state.labels.create(owner, new).await?;
    let location = format!("/api/{owner}/labels/{}", label.id);
    let response = HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(LabelDto::from(&label));
    Ok(with_etag(response, label.version))
}

/// Get one of the caller's labels.
#[utoipa::path(
    get,
    path = "/api/{user_id}/labels/{label_id}",
    tag = "labels",
    operation_id = "get_label",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("label_id" = uuid::Uuid, Path, description = LABEL_ID_DOC),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = IF_NONE_MATCH_DOC),
    ),
    responses(
        (status = 200, description = "The label.", body = LabelDto,
            headers(("ETag" = String, description = "The label's version, e.g. `\"3\"`."))),
        (status = 304, description = "The label is still at a version named in If-None-Match; no body.",
            headers(("ETag" = String, description = "The label's version."))),
        ApiErrors,
        ItemErrors,
    )
)]
pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let id = label_id(&req)?;
    let cached = preconditions::if_none_match(&req)?;
    let label = state.labels.get(owner, id).await?;
    if cached.holds(label.version) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, preconditions::etag(label.version)))
            .finish());
    }
    Ok(label_response(&label))
}

/// Rename or recolour a label: only the fields present change.
#[utoipa::path(
    patch,
    path = "/api/{user_id}/labels/{label_id}",
    tag = "labels",
    operation_id = "patch_label",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("label_id" = uuid::Uuid, Path, description = LABEL_ID_DOC),
        ("If-Match" = Option<String>, Header, nullable = false, description = IF_MATCH_DOC),
    ),
    request_body(content = LabelPatchDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "The label after the change.", body = LabelDto,
            headers(("ETag" = String, description = "The label's new version."))),
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
    let id = label_id(&req)?;
    let condition = preconditions::if_match(&req)?;
    let body = read_json_object(&req, payload, EmptyBody::Rejected).await?;
    let patch = labels::label_patch(&body.unwrap_or_default()).map_err(Problem::validation)?;
    let expected = expected_version(state.labels.as_ref(), owner, id, condition).await?;
    let label = state.labels.update(owner, id, patch, expected).await?;
    Ok(label_response(&label))
}

/// Delete a label; it is detached from every task carrying it (the tasks
/// stay). A request body, if any, is ignored.
#[utoipa::path(
    delete,
    path = "/api/{user_id}/labels/{label_id}",
    tag = "labels",
    operation_id = "delete_label",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("label_id" = uuid::Uuid, Path, description = LABEL_ID_DOC),
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
    let id = label_id(&req)?;
    let condition = preconditions::if_match(&req)?;
    let expected = expected_version(state.labels.as_ref(), owner, id, condition).await?;
    state.labels.delete(owner, id, expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
