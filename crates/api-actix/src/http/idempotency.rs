//! The `Idempotency-Key` layer (IETF httpapi idempotency-key draft): a
//! POST under `/api/{user_id}/` sent with a key runs once; a repeat with
//! the same key and the same request (method, path, query, content type,
//! body) within [`IDEMPOTENCY_KEY_TTL_HOURS`] gets the first answer back
//! (status, body bytes, `Content-Type`, `Location`, `ETag`, `Link`,
//! `Cache-Control`) plus `Idempotent-Replayed: true`, without running
//! again.
//!
//! It wraps every resource (`app.rs`), so POST routes added later are
//! covered without a line here. Order: authentication first (401/403 come
//! before a bad key's 400; the handler then reuses that authentication),
//! then the key (400), then the claim in the store: the same key with
//! another request is 422, a first request still running is 409 with
//! `Retry-After: 1`. Answers worth retrying (5xx, 429) are not kept: the
//! claim is released so that a retry runs. A claimed request runs to its
//! end even when its client hangs up, so that the client's retry finds
//! the answer.

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError};
use chrono::{Duration, Utc};
use domain::{IDEMPOTENCY_KEY_TTL_HOURS, IdempotencyKey, UserId};
use futures_util::StreamExt;
use ports::{Claim, IdempotencyStore, StoredResponse};
use sha2::{Digest, Sha256};

use crate::http::auth::authorize_owner;
use crate::http::limits::HttpLimits;
use crate::http::problem::{Problem, ProblemKind};
use crate::state::AppState;

/// The request header.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The header a replayed answer carries.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

/// How long a running claim holds its key: a request whose instance
/// crashed frees its key after this.
pub const LEASE_MINUTES: i64 = 5;

/// The largest body the layer reads to fingerprint: the import's limit for
/// the import, every other route's limit for the others (so that a key
/// never lets a client make the API hold more of a body than the route
/// itself would).
pub const MAX_FINGERPRINTED_BODY_BYTES: usize = crate::routes::transfer::MAX_IMPORT_BYTES;

/// The body limit of the route with this pattern.
fn body_limit(pattern: Option<&str>) -> usize {
    if pattern.is_some_and(|p| p.ends_with("/import")) {
        MAX_FINGERPRINTED_BODY_BYTES
    } else {
        crate::http::request_body::MAX_BODY_BYTES
    }
}

/// The response headers a replay repeats.
const REPLAYED_HEADERS: [HeaderName; 5] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::ETAG,
    header::LINK,
    header::CACHE_CONTROL,
];

/// Whether the layer applies to a request of this method to a resource of
/// this route pattern.
fn applies(method: &Method, pattern: Option<&str>) -> bool {
    method == Method::POST && pattern.is_some_and(|p| p.starts_with("/api/{user_id}/"))
}

/// SHA-256 of what makes two requests the same: method, path, query,
/// content type and body, each length-prefixed so that no two different
/// requests hash the same input.
pub fn fingerprint(
    method: &str,
    path: &str,
    query: &str,
    content_type: &[u8],
    body: &[u8],
) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in [
        method.as_bytes(),
        path.as_bytes(),
        query.as_bytes(),
        content_type,
        body,
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_slice());
    out
}

fn problem_response(req: ServiceRequest, problem: &Problem) -> ServiceResponse<BoxBody> {
    req.into_response(problem.error_response())
}

/// Reads the whole request body (to fingerprint it and hand it on), within
/// the body timeout and [`MAX_FINGERPRINTED_BODY_BYTES`].
async fn read_body(req: &mut ServiceRequest, max_bytes: usize) -> Result<Bytes, Problem> {
    let limits = HttpLimits::of(req.request())?;
    let mut payload = req.take_payload();
    let read = async move {
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|error| {
                tracing::debug!(%error, "could not read request body");
                Problem::new(
                    ProblemKind::MalformedBody,
                    "The request body could not be read.",
                )
            })?;
            if body.len() + chunk.len() > max_bytes {
                return Err(Problem::new(
                    ProblemKind::PayloadTooLarge,
                    format!("The request body must be at most {max_bytes} bytes."),
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    match actix_web::rt::time::timeout(limits.body_timeout, read).await {
        Ok(result) => result,
        Err(_) => Err(Problem::new(
            ProblemKind::RequestTimeout,
            format!(
                "The request body did not arrive within {} ms.",
                limits.body_timeout.as_millis()
            ),
        )),
    }
}

/// The stored answer as a response, marked as a replay.
fn replay(stored: &StoredResponse) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut builder = HttpResponse::build(status);
    for (name, value) in &stored.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            builder.append_header((name, value));
        }
    }
    builder.insert_header((
        HeaderName::from_static(IDEMPOTENT_REPLAYED),
        HeaderValue::from_static("true"),
    ));
    builder.body(stored.body.clone())
}

/// Whether an answer is kept for replay: not a server error nor a 429,
/// which a retry may well get past.
fn is_kept(status: StatusCode) -> bool {
    !(status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS)
}

async fn release(store: &dyn IdempotencyStore, owner: UserId, key: &IdempotencyKey) {
    if let Err(error) = store.release(owner, key).await {
        // The lease frees the key in a few minutes anyway.
        tracing::warn!(%error, "could not release an idempotency key");
    }
}

/// The middleware (see the module comment). Requests it does not apply to
/// pass through untouched.
pub async fn layer(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let pattern = req.match_pattern();
    if !applies(req.method(), pattern.as_deref()) || !req.headers().contains_key(IDEMPOTENCY_KEY) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let owner = match authorize_owner(req.request(), state.verifier.as_ref()).await {
        Ok(owner) => owner,
        Err(problem) => return Ok(problem_response(req, &problem)),
    };
    let mut values = req.headers().get_all(IDEMPOTENCY_KEY);
    let parsed = match (values.next(), values.next()) {
        (Some(value), None) => {
            IdempotencyKey::parse_header(value.as_bytes()).map_err(|e| e.to_string())
        }
        _ => Err("must be sent once".to_owned()),
    };
    let key = match parsed {
        Ok(key) => key,
        Err(message) => {
            return Ok(problem_response(
                req,
                &Problem::invalid_idempotency_key(message),
            ));
        }
    };
    let body = match read_body(&mut req, body_limit(pattern.as_deref())).await {
        Ok(body) => body,
        Err(problem) => return Ok(problem_response(req, &problem)),
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    let print = fingerprint(
        req.method().as_str(),
        req.path(),
        req.query_string(),
        &content_type,
        &body,
    );
    req.set_payload(actix_web::dev::Payload::from(body));

    let now = Utc::now();
    let claim = state
        .idempotency
        .claim(
            owner,
            &key,
            print,
            now,
            now + Duration::minutes(LEASE_MINUTES),
            now - Duration::hours(IDEMPOTENCY_KEY_TTL_HOURS),
        )
        .await;
    match claim {
        Ok(Claim::Proceed) => {}
        Ok(Claim::Replay(stored)) => {
            tracing::debug!("idempotency key replayed");
            return Ok(req.into_response(replay(&stored)));
        }
        Ok(Claim::InProgress) => {
            return Ok(problem_response(req, &Problem::idempotency_key_in_use()));
        }
        Ok(Claim::Mismatch) => {
            return Ok(problem_response(req, &Problem::idempotency_key_reused()));
        }
        Err(error) => return Ok(problem_response(req, &Problem::from(error))),
    }

    // The request runs to its end in a task of its own, even when the
    // client hangs up (which drops this future): a client that lost its
    // connection retries with the same key, and must then get the answer
    // replayed, not a 409 for a claim nobody would ever finish (or, if the
    // claim were released on hang-up, a second write after a first that
    // committed). Requests without a key keep being cancelled with their
    // client.
    let http_req = req.request().clone();
    let store = Arc::clone(&state.idempotency);
    let run = actix_web::rt::spawn(run_claimed(next, req, store, owner, key));
    match run.await {
        Ok(outcome) => outcome,
        Err(error) => {
            // Whether the write committed is unknown: the claim is left to
            // its lease rather than released for a second write.
            tracing::error!(%error, "an idempotent request's task failed");
            Ok(ServiceResponse::new(
                http_req,
                Problem::internal().error_response(),
            ))
        }
    }
}

/// Runs a request whose key this instance has claimed, then stores its
/// answer for replay (or releases the claim when the answer is worth
/// retrying).
async fn run_claimed<B: MessageBody + 'static>(
    next: Next<B>,
    req: ServiceRequest,
    store: Arc<dyn IdempotencyStore>,
    owner: UserId,
    key: IdempotencyKey,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let store = store.as_ref();
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(error) => {
            release(store, owner, &key).await;
            return Err(error);
        }
    };
    let status = res.status();
    if !is_kept(status) {
        release(store, owner, &key).await;
        return Ok(res.map_into_boxed_body());
    }
    let (http_req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let bytes = match to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            release(store, owner, &key).await;
            let problem = Problem::internal();
            return Ok(ServiceResponse::new(http_req, problem.error_response()));
        }
    };
    let headers = REPLAYED_HEADERS
        .iter()
        .flat_map(|name| {
            head.headers().get_all(name).filter_map(move |value| {
                value
                    .to_str()
                    .ok()
                    .map(|v| (name.as_str().to_owned(), v.to_owned()))
            })
        })
        .collect();
    let stored = StoredResponse {
        status: status.as_u16(),
        headers,
        body: bytes.to_vec(),
    };
    if let Err(error) = store.complete(owner, &key, stored).await {
        // The answer still goes out; a retry meets the claim (409) until
        // its lease ends, and never a second write.
        tracing::warn!(%error, "could not store an idempotent answer");
    }
    let response = head.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(http_req, response))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_to_posts_under_a_user_only() {
        assert!(applies(&Method::POST, Some("/api/{user_id}/tasks")));
        assert!(applies(&Method::POST, Some("/api/{user_id}/import")));
        assert!(!applies(&Method::PATCH, Some("/api/{user_id}/tasks/{id}")));
        assert!(!applies(&Method::POST, Some("/healthz")));
        assert!(!applies(&Method::POST, None));
        assert_eq!(
            body_limit(Some("/api/{user_id}/import")),
            MAX_FINGERPRINTED_BODY_BYTES
        );
        assert_eq!(
            body_limit(Some("/api/{user_id}/tasks")),
            crate::http::request_body::MAX_BODY_BYTES
        );
    }

    #[test]
    fn every_part_of_the_request_changes_the_fingerprint() {
        let base = fingerprint("POST", "/a", "q=1", b"application/json", b"{}");
        assert_eq!(
            base,
            fingerprint("POST", "/a", "q=1", b"application/json", b"{}")
        );
        for other in [
            fingerprint("PUT", "/a", "q=1", b"application/json", b"{}"),
            fingerprint("POST", "/b", "q=1", b"application/json", b"{}"),
            fingerprint("POST", "/a", "q=2", b"application/json", b"{}"),
            fingerprint("POST", "/a", "q=1", b"text/csv", b"{}"),
            fingerprint("POST", "/a", "q=1", b"application/json", b"{ }"),
            // The parts are delimited: moving a byte across a boundary is
            // another request.
            fingerprint("POST", "/aq", "=1", b"application/json", b"{}"),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn retryable_answers_are_not_kept() {
        assert!(is_kept(StatusCode::CREATED));
        assert!(is_kept(StatusCode::UNPROCESSABLE_ENTITY));
        assert!(is_kept(StatusCode::NOT_FOUND));
        assert!(!is_kept(StatusCode::TOO_MANY_REQUESTS));
        assert!(!is_kept(StatusCode::SERVICE_UNAVAILABLE));
        assert!(!is_kept(StatusCode::INTERNAL_SERVER_ERROR));
    }
}
