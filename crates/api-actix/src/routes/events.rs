//! `GET /api/{user_id}/events`: the caller's changes as server-sent
//! events, replayed from a position and then live. Every check happens
//! before the stream starts, so every refusal is a problem+json answer, in
//! this order: 401 → 403 → 400 (query, then `Last-Event-ID`) → 406
//! (`Accept`) → 429 (streams open here) → 400/410 (the position against
//! the log) → 503. The stream itself is `live::stream`.

use actix_web::http::header::{self, CacheControl, CacheDirective, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use domain::Seq;

use crate::http::auth::authenticate;
use crate::http::error_responses::{ApiErrors, ResyncErrors, StreamErrors};
use crate::http::problem::{FieldError, Problem, ProblemKind};
use crate::live::EventsOptions;
use crate::live::stream::{self, Opening};
use crate::state::AppState;
use crate::wire::changes::{self, EventsQuery};

pub const EVENT_STREAM: &str = "text/event-stream";
pub const LAST_EVENT_ID: &str = "Last-Event-ID";

/// Seconds a client refused for having too many streams should wait.
const STREAMS_RETRY_AFTER_SECS: u32 = 10;

const USER_ID_DOC: &str = "The authenticated user's id (the token's `sub`); anything else is 403.";
const LAST_EVENT_ID_DOC: &str = "Optional: the `id` of the last event the client received (a \
     `seq`); the stream replays every change after it, then continues live. Wins over `since`. \
     Digits only; beyond the caller's latest `seq` is 400, older than the kept log is 410.";

/// The 200 answer's description: the event format and the stream's rules.
const STREAM_DOC: &str = "A `text/event-stream` (server-sent events) that stays open. Events:\n\
\n\
- a change: `id: <seq>`, `event: <entity>.<op>` (e.g. `task.upsert`, `list.delete`) and \
`data:` the change as one line of JSON, exactly as `GET /api/{user_id}/changes` returns it \
(`{\"seq\",\"entity\",\"op\",\"id\",\"data\"}`);\n\
- `event: ready` with `id: <seq>` and `data: {\"seq\":<seq>}`, once, after the replay of what \
the client missed: the position reached (a client that connected without one learns it here);\n\
- `event: token-expired` (`data: {}`) when the token that opened the stream expires; the stream \
then ends: reconnect with a fresh token and `Last-Event-ID`;\n\
- `event: resync` (`data: {}`) when the client does not keep up (1,000 events waiting unsent \
and none taken for 5 s); the stream then ends: reconnect with `Last-Event-ID`, the missed \
changes are replayed from the log;\n\
- a comment line `: keep-alive` every 15 s (`EVENTS_KEEPALIVE_SECS`), for proxies.\n\
\n\
Start: after `Last-Event-ID`, else after `since`, else at the caller's latest change (live only). \
The replay comes from the change log in pages of up to 1,000, then live changes follow with no \
gap and no duplicate, whichever API instance made them. A stream may also end when the server \
shuts down or the store is unreachable: reconnect with `Last-Event-ID` (the usual SSE retry). \
At most 10 streams per user are open at once on one API instance (the next is 429 with \
Retry-After); the limit is per instance, not global. As `EventSource` cannot send an \
`Authorization` header, browsers read the stream with `fetch`.";

/// The caller's changes as server-sent events: replayed from the log
/// after the client's position, then live.
#[utoipa::path(
    get,
    path = "/api/{user_id}/events",
    tag = "changes",
    operation_id = "stream_events",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = USER_ID_DOC),
        EventsQuery,
        ("Last-Event-ID" = Option<String>, Header, nullable = false, description = LAST_EVENT_ID_DOC),
    ),
    responses(
        (status = 200, description = STREAM_DOC, content_type = "text/event-stream", body = String,
            headers(
                ("Cache-Control" = String, description = "`no-store`."),
                ("X-Accel-Buffering" = String, description = "`no`: proxies such as nginx must not buffer the stream."),
            )),
        ApiErrors,
        StreamErrors,
        ResyncErrors,
    )
)]
pub async fn stream(
    req: HttpRequest,
    state: web::Data<AppState>,
    options: web::Data<EventsOptions>,
) -> Result<HttpResponse, Problem> {
    let principal = authenticate(&req, state.verifier.as_ref()).await?;
    let requested = req.match_info().get("user_id").unwrap_or_default();
    let owner = principal
        .authorize_owner(requested)
        .map_err(|_| Problem::forbidden())?;
    let since = changes::parse_events_query(req.query_string()).map_err(Problem::invalid_query)?;
    let last_event_id = last_event_id(&req)?;
    if !accepts_event_stream(&req) {
        return Err(Problem::not_acceptable(EVENT_STREAM));
    }
    let slot = options
        .streams
        .try_open(owner, options.max_streams_per_user)
        .ok_or_else(|| {
            tracing::info!("event stream refused: too many open for this user");
            Problem::too_many_streams(options.max_streams_per_user, STREAMS_RETRY_AFTER_SECS)
        })?;
    // Subscribed before the log is read: a change committed in between
    // still wakes the stream, which then reads it.
    let wakeups = state.signals.subscribe(owner);
    let (position, first) = match (last_event_id, since) {
        (Some(position), _) => (position, Some((position, LAST_EVENT_ID))),
        (None, Some(position)) => (position, Some((position, "since"))),
        (None, None) => {
            let latest = state
                .changes
                .latest(owner)
                .await
                .map_err(|e| Problem::from_read_changes(e, "since"))?;
            (latest, None)
        }
    };
    let first = match first {
        Some((position, field)) => Some(
            state
                .changes
                .read(
                    owner,
                    position,
                    domain::ChangeLimit::new(1000).unwrap_or_default(),
                )
                .await
                .map_err(|e| Problem::from_read_changes(e, field))?,
        ),
        None => None,
    };
    let mut response = stream_head();
    if req.method() == Method::HEAD {
        return Ok(response.finish());
    }
    let opening = Opening {
        owner,
        wakeups,
        position,
        first,
        expires_at: principal.expires_at,
        slot,
    };
    let body = stream::start(opening, state.changes.clone(), &options);
    Ok(response.streaming(body))
}

fn stream_head() -> HttpResponseBuilder {
    let mut response = HttpResponse::build(StatusCode::OK);
    response
        .insert_header((header::CONTENT_TYPE, EVENT_STREAM))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .insert_header(("X-Accel-Buffering", HeaderValue::from_static("no")));
    response
}

fn bad_last_event_id(message: &str) -> Problem {
    Problem::new(
        ProblemKind::InvalidHeader,
        format!("The {LAST_EVENT_ID} header {message}."),
    )
    .with_errors(vec![FieldError::new(LAST_EVENT_ID, message)])
}

/// The `Last-Event-ID` header: absent or empty (what `EventSource` sends
/// before any id) is none.
fn last_event_id(req: &HttpRequest) -> Result<Option<Seq>, Problem> {
    let mut values = req.headers().get_all(LAST_EVENT_ID);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(bad_last_event_id("must be given at most once"));
    }
    let text = value
        .to_str()
        .map_err(|_| bad_last_event_id("must be a seq (digits)"))?
        .trim();
    if text.is_empty() {
        return Ok(None);
    }
    changes::seq(text)
        .map(Some)
        .map_err(|message| bad_last_event_id(&message))
}

/// Whether `Accept` is absent or allows `text/event-stream` (as itself,
/// `text/*` or `*/*`, with a non-zero `q`).
fn accepts_event_stream(req: &HttpRequest) -> bool {
    let mut any = false;
    for value in req.headers().get_all(header::ACCEPT) {
        any = true;
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            if !matches!(media.as_str(), EVENT_STREAM | "text/*" | "*/*") {
                continue;
            }
            let refused = parts.any(|param| {
                let (name, value) = param.split_once('=').unwrap_or((param, ""));
                name.trim().eq_ignore_ascii_case("q")
                    && value.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
            });
            if !refused {
                return true;
            }
        }
    }
    !any
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn accepts(values: &[&str]) -> bool {
        let mut req = TestRequest::default();
        for value in values {
            req = req.append_header((header::ACCEPT, *value));
        }
        accepts_event_stream(&req.to_http_request())
    }

    #[test]
    fn accept_must_allow_the_event_stream() {
        assert!(accepts(&[]));
        assert!(accepts(&["text/event-stream"]));
        assert!(accepts(&["Text/Event-Stream; charset=utf-8"]));
        assert!(accepts(&["application/json, */*;q=0.1"]));
        assert!(accepts(&["text/*"]));
        assert!(accepts(&["application/json", "text/event-stream"]));
        assert!(!accepts(&["application/json"]));
        assert!(!accepts(&["text/event-stream;q=0"]));
        assert!(!accepts(&["text/html, application/xml;q=0.9"]));
    }

    #[test]
    fn last_event_id_is_a_seq_or_nothing() {
        let with = |value: &str| {
            let req = TestRequest::default()
                .insert_header((LAST_EVENT_ID, value))
                .to_http_request();
            last_event_id(&req)
        };
        assert_eq!(with("12").ok().flatten().map(Seq::get), Some(12));
        assert_eq!(with("").ok(), Some(None));
        assert!(with("x").is_err());
        assert!(with("-1").is_err());
        let req = TestRequest::default().to_http_request();
        assert_eq!(last_event_id(&req).ok(), Some(None));
    }
}
