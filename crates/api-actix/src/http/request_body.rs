//! Reading a JSON request body by hand, so that its checks happen in the
//! contract's order and after authentication: size (413), media type (415),
//! arrival within the body timeout (408), then syntax and nesting depth
//! (400). Validation of the fields (422) is `task_input`'s job.

use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use serde_json::{Map, Value};

use crate::http::limits::{HttpLimits, json_too_deep};
use crate::http::problem::{Problem, ProblemKind};

/// The largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Whether an endpoint accepts a request without a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyBody {
    Allowed,
    Rejected,
}

fn too_large() -> Problem {
    Problem::new(
        ProblemKind::PayloadTooLarge,
        format!("The request body must be at most {MAX_BODY_BYTES} bytes."),
    )
}

fn unsupported(detail: &str) -> Problem {
    Problem::new(ProblemKind::UnsupportedMediaType, detail)
}

fn malformed(detail: impl Into<String>) -> Problem {
    Problem::new(ProblemKind::MalformedBody, detail)
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Whether a `Content-Type` value is JSON in UTF-8: `application/json` or
/// any `application/*+json`, with no charset or `charset=utf-8`.
pub fn is_json_media_type(value: &str) -> bool {
    let Ok(mime) = value.parse::<actix_web::mime::Mime>() else {
        return false;
    };
    let json = mime.type_() == actix_web::mime::APPLICATION
        && (mime.subtype() == actix_web::mime::JSON
            || mime.suffix() == Some(actix_web::mime::JSON));
    let utf8 = mime
        .get_param(actix_web::mime::CHARSET)
        .is_none_or(|charset| charset.as_str().eq_ignore_ascii_case("utf-8"));
    json && utf8
}

/// Checks the media type headers: a JSON `Content-Type` and no content
/// coding (RFC 7694: an unsupported coding is also a 415).
fn check_media_type(headers: &HeaderMap, required: bool) -> Result<(), Problem> {
    if let Some(coding) = headers.get(header::CONTENT_ENCODING) {
        let identity = coding
            .to_str()
            .is_ok_and(|c| c.trim().eq_ignore_ascii_case("identity"));
        if !identity {
            return Err(unsupported(
                "Compressed request bodies are not accepted; send plain JSON.",
            ));
        }
    }
    match headers.get(header::CONTENT_TYPE) {
        Some(value) if value.to_str().is_ok_and(is_json_media_type) => Ok(()),
        Some(_) => Err(unsupported(
            "The request body must be JSON: Content-Type application/json (charset utf-8).",
        )),
        None if required => Err(unsupported(
            "The request body must be JSON: set Content-Type: application/json.",
        )),
        None => Ok(()),
    }
}

/// Reads the whole body, within `limits.body_timeout` overall: a body that
/// stalls, or trickles in a byte at a time, gets a 408 and the connection
/// is closed, instead of holding it (and a worker's attention) for ever.
async fn read_within(payload: web::Payload, limits: &HttpLimits) -> Result<Vec<u8>, Problem> {
    match actix_web::rt::time::timeout(limits.body_timeout, read_limited(payload)).await {
        Ok(result) => result,
        Err(_) => {
            tracing::debug!(
                timeout_ms = limits.body_timeout.as_millis(),
                "request body too slow"
            );
            Err(Problem::new(
                ProblemKind::RequestTimeout,
                format!(
                    "The request body did not arrive within {} ms.",
                    limits.body_timeout.as_millis()
                ),
            ))
        }
    }
}

async fn read_limited(mut payload: web::Payload) -> Result<Vec<u8>, Problem> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| {
            tracing::debug!(%error, "could not read request body");
            malformed("The request body could not be read.")
        })?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads the body as a JSON object. Returns `None` only for an empty body
/// on an endpoint that allows one.
///
/// # Errors
/// 413 when the body is (or is declared) over [`MAX_BODY_BYTES`]; 415 for a
/// non-JSON or compressed body; 408 when it does not arrive within the body
/// timeout ([`HttpLimits`]); 400 when it is empty but required, not UTF-8
/// JSON, nested too deeply, or not an object.
pub async fn read_json_object(
    req: &HttpRequest,
    payload: web::Payload,
    empty: EmptyBody,
) -> Result<Option<Map<String, Value>>, Problem> {
    let headers = req.headers();
    if declared_length(headers).is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    // A request that may be empty still needs a JSON type once it has a
    // body; that is only known after reading, so the header is checked
    // twice.
    check_media_type(headers, empty == EmptyBody::Rejected)?;
    let limits = HttpLimits::of(req)?;
    let bytes = read_within(payload, &limits).await?;
    if bytes.is_empty() {
        return match empty {
            EmptyBody::Allowed => Ok(None),
            EmptyBody::Rejected => Err(malformed(
                "The request body is empty; a JSON object is required.",
            )),
        };
    }
    check_media_type(headers, true)?;
    if json_too_deep(&bytes, limits.max_json_depth) {
        return Err(malformed(format!(
            "The request body nests arrays and objects more than {} deep.",
            limits.max_json_depth
        )));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        Ok(_) => Err(malformed("The request body must be a JSON object.")),
        Err(error) => Err(malformed(format!(
            "The request body is not valid JSON: {error}."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "application/json;charset=UTF-8",
            "Application/JSON",
            "application/merge-patch+json",
            "application/problem+json",
        ] {
            assert!(is_json_media_type(ok), "{ok}");
        }
        for bad in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=latin1",
            "application/jsonx",
            "text/json",
            "",
            "application",
        ] {
            assert!(!is_json_media_type(bad), "{bad}");
        }
    }
}
