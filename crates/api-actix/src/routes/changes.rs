//! `GET /api/{user_id}/changes`: the caller's change log after a position,
//! for clients that poll. Checks in the contract's order (401 → 403 → 400
//! → 410 → 503); the log itself is read through the `ChangeLog` port.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::http::auth::authorize_owner;
use crate::http::error_responses::{ApiErrors, ResyncErrors};
use crate::http::problem::Problem;
use crate::state::AppState;
use crate::wire::changes::{self, ChangePageDto, ChangesQuery};

const USER_ID_DOC: &str = "The authenticated user's id (the token's `sub`); anything else is 403.";

/// The caller's changes after `since`, in ascending `seq`: a client that
/// has loaded everything (remembering the `seq` it was at, e.g. from the
/// event stream's `ready` event or a previous page's `next`) applies these
/// to stay current. Each change carries its entity's current JSON, as its
/// own GET returns it, or null when the entity is gone; several changes of
/// one entity within a page may be collapsed into the last. Continue with
/// `since=next` while `has_more`. `since` beyond the caller's latest `seq`
/// is 400; `since` older than the kept log (30 days by default) is 410
/// `resync-required`, whose `seq` member says where to continue after
/// reloading everything. Unknown or repeated query parameters are 400.
#[utoipa::path(
    get,
    path = "/api/{user_id}/changes",
    tag = "changes",
    operation_id = "list_changes",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC), ChangesQuery),
    responses(
        (status = 200, description = "A page of changes, in ascending `seq`.", body = ChangePageDto,
            headers(("Cache-Control" = String, description = "`no-store`."))),
        ApiErrors,
        ResyncErrors,
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let (since, limit) =
        changes::parse_changes_query(req.query_string()).map_err(Problem::invalid_query)?;
    let page = state
        .changes
        .read(owner, since, limit)
        .await
        .map_err(|e| Problem::from_read_changes(e, "since"))?;
    Ok(HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(ChangePageDto::from(&page)))
}
