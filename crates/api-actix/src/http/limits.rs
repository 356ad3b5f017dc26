//! Limits on what one request may cost the server: how long its body may
//! take to arrive, how long its target, query string and headers may be, and
//! how deeply its JSON may nest. The target and header limits are checked by
//! the app's first middleware (`app.rs`), before anything else
//! (authentication included): they are about the request's shape, not its
//! meaning. The body limits are applied by `request_body` after
//! authentication, in the contract's order (ADR 0002).
//!
//! actix-http has its own hard limits beneath these, which answer with an
//! empty body (not problem+json) and close the connection: a request head
//! over 128 KiB or with more than 96 headers (431), a head not received
//! within `client_request_timeout` (408), and a request line it cannot parse
//! (400).

use std::time::Duration;

use crate::http::problem::{Problem, ProblemKind};

/// The per-request limits, as configured (`config/default.toml` has the
/// defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// The whole body must have arrived within this time after the handler
    /// starts reading it (408 otherwise, and the connection is closed).
    pub body_timeout: Duration,
    /// Path plus query string, in bytes (414 beyond).
    pub max_uri_bytes: usize,
    /// The query string alone, in bytes (414 beyond).
    pub max_query_bytes: usize,
    /// All header names and values together, in bytes (431 beyond).
    pub max_header_bytes: usize,
    /// Nesting of arrays and objects in a JSON body (400 beyond).
    pub max_json_depth: usize,
}

impl HttpLimits {
    /// The limits the app was built with.
    ///
    /// # Errors
    /// 500 for an app built without them, which `app::build_app_with`
    /// never does: no request goes unlimited.
    pub fn of(req: &actix_web::HttpRequest) -> Result<Self, Problem> {
        req.app_data::<HttpLimits>().copied().ok_or_else(|| {
            tracing::error!("the app was built without its HttpLimits");
            Problem::internal()
        })
    }

    /// Checks the request target and the headers.
    ///
    /// # Errors
    /// 414 for an over-long target or query string, 431 for over-large
    /// headers.
    pub fn check_head(&self, req: &actix_web::HttpRequest) -> Result<(), Problem> {
        let uri = req.uri();
        let target = uri.path_and_query().map_or(0, |pq| pq.as_str().len());
        if target > self.max_uri_bytes {
            return Err(Problem::new(
                ProblemKind::UriTooLong,
                format!(
                    "The request target must be at most {} bytes.",
                    self.max_uri_bytes
                ),
            ));
        }
        if uri.query().map_or(0, str::len) > self.max_query_bytes {
            return Err(Problem::new(
                ProblemKind::UriTooLong,
                format!(
                    "The query string must be at most {} bytes.",
                    self.max_query_bytes
                ),
            ));
        }
        let headers: usize = req
            .headers()
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum();
        if headers > self.max_header_bytes {
            return Err(Problem::new(
                ProblemKind::HeaderFieldsTooLarge,
                format!(
                    "The request headers must be at most {} bytes in all.",
                    self.max_header_bytes
                ),
            ));
        }
        Ok(())
    }
}

/// Whether `json` nests arrays and objects deeper than `max`. A linear scan
/// that skips strings; it does not validate (serde_json does that next), so
/// it may stop early on malformed input.
pub fn json_too_deep(json: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn json_depth_counts_brackets_outside_strings() {
        assert!(!json_too_deep(br#"{"a":[1,{"b":2}]}"#, 3));
        assert!(json_too_deep(br#"{"a":[1,{"b":2}]}"#, 2));
        assert!(!json_too_deep(br#"{"t":"[[[[{{{{\"[[["}"#, 1));
        assert!(!json_too_deep(br#"{"t":"\\"}"#, 1));
        assert!(json_too_deep(&[b'['; 33], 32));
        assert!(!json_too_deep(&[b'['; 32], 32));
    }

    #[test]
    fn head_limits() {
        let limits = HttpLimits {
            body_timeout: std::time::Duration::from_secs(1),
            max_uri_bytes: 40,
            max_query_bytes: 10,
            max_header_bytes: 100,
            max_json_depth: 4,
        };
        let ok = TestRequest::get().uri("/a?b=c").to_http_request();
        assert_eq!(limits.check_head(&ok), Ok(()));
        let long = TestRequest::get()
            .uri(&format!("/{}", "a".repeat(40)))
            .to_http_request();
        assert_eq!(
            limits.check_head(&long).map_err(|p| p.kind()),
            Err(ProblemKind::UriTooLong)
        );
        let query = TestRequest::get().uri("/a?b=0123456789").to_http_request();
        assert_eq!(
            limits.check_head(&query).map_err(|p| p.kind()),
            Err(ProblemKind::UriTooLong)
        );
        let headers = TestRequest::get()
            .uri("/a")
            .insert_header(("x-big", "v".repeat(100)))
            .to_http_request();
        assert_eq!(
            limits.check_head(&headers).map_err(|p| p.kind()),
            Err(ProblemKind::HeaderFieldsTooLarge)
        );
    }
}
