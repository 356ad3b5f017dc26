//! `GET|PUT /api/{user_id}/preferences`: the caller's time zone and week
//! start. Checks in the contract's order (401 → 403 → 400 → 413/415 → 400
//! → 422 → 412 → 503); the preferences are read and written through the
//! `PreferencesRepo` port.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::{UserId, Version};
use ports::{PreferencesRepo, StoredPreferences};

use crate::http::auth::authorize_owner;
use crate::http::error_responses::{ApiErrors, BodyErrors, IfMatchErrors};
use crate::http::preconditions::{self, IfMatch, with_etag};
use crate::http::problem::Problem;
use crate::http::request_body::{EmptyBody, read_json_object};
use crate::state::AppState;
use crate::wire::preferences::{self, PreferencesDto, PreferencesInputDoc};

const USER_ID_DOC: &str = "The authenticated user's id (the token's `sub`); anything else is 403.";
const IF_MATCH_DOC: &str = "Optional. `*` or the preferences' ETag(s), e.g. `\"3\"`: the write happens only if \
     they still have that version, else 412. Weak tags never match. Malformed syntax is 400.";

fn preferences_response(stored: &StoredPreferences) -> HttpResponse {
    with_etag(
        HttpResponse::Ok().json(PreferencesDto::from(&stored.preferences)),
        stored.version,
    )
}

async fn expected_version(
    repo: &dyn PreferencesRepo,
    owner: UserId,
    condition: IfMatch,
) -> Result<Option<Version>, Problem> {
    preconditions::expected_version(
        condition,
        || async move { Ok(repo.get(owner).await?.version) },
        Problem::preferences_changed,
    )
    .await
}

/// The caller's preferences: the time zone in which "today", all-day due
/// dates, recurrences and the views of the task listing are read, and the
/// first day of the week the web app's calendars show. Until the first
/// `PUT` they are the defaults, `UTC` and `monday` (reading never stores
/// anything).
///
/// `ETag` is the preferences' version, as for tasks: send it back in
/// `If-Match` to change them only if nobody else did since.
#[utoipa::path(
    get,
    path = "/api/{user_id}/preferences",
    tag = "preferences",
    operation_id = "get_preferences",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = USER_ID_DOC)),
    responses(
        (status = 200, description = "The caller's preferences (the defaults until the first PUT).",
            body = PreferencesDto,
            headers(("ETag" = String, description = "The preferences' version, e.g. `\"1\"`."))),
        ApiErrors,
    )
)]
pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let stored = state.preferences.get(owner).await?;
    Ok(preferences_response(&stored))
}

/// Set both preferences (the first `PUT` stores them; later ones replace
/// them). Both fields are required; an unknown time zone is 422 naming
/// `time_zone`, a week start other than `monday` or `sunday` 422 naming
/// `week_start`, and an unknown field 422 naming it, as in task bodies.
///
/// Changing the time zone keeps every all-day task on its calendar date:
/// its `due_at` moves to 00:00 of that date in the new zone. Timed tasks
/// keep their instant. Recurring tasks compute their next occurrences in
/// the new zone from then on (their `next_due_at` is computed again). The
/// change appears in the change feed as a `preferences` upsert (its id is
/// the user's id), and every task it moved as a task upsert.
#[utoipa::path(
    put,
    path = "/api/{user_id}/preferences",
    tag = "preferences",
    operation_id = "put_preferences",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        ("If-Match" = Option<String>, Header, nullable = false, description = IF_MATCH_DOC),
    ),
    request_body(content = PreferencesInputDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "The preferences as stored.", body = PreferencesDto,
            headers(("ETag" = String, description = "The preferences' new version."))),
        ApiErrors,
        IfMatchErrors,
        BodyErrors,
    )
)]
pub async fn put(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let owner = authorize_owner(&req, state.verifier.as_ref()).await?;
    let condition = preconditions::if_match(&req)?;
    let body = read_json_object(&req, payload, EmptyBody::Rejected).await?;
    let new = preferences::preferences(&body.unwrap_or_default()).map_err(Problem::validation)?;
    let expected = expected_version(state.preferences.as_ref(), owner, condition).await?;
    let stored = state.preferences.put(owner, new, expected).await?;
    Ok(preferences_response(&stored))
}
