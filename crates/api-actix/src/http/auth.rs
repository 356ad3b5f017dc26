//! Bearer-token authentication, the rate limits around it
//! (`rate_limit.rs`), and the ownership check that follows it.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, web};
use domain::{Principal, UserId};
use ports::{AuthError, TokenVerifier};

use crate::http::problem::Problem;
use crate::http::rate_limit::RateLimits;

/// Why no token could be taken from the request; for the log only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MissingToken {
    NoHeader,
    SeveralHeaders,
    NotText,
    NotBearer,
    Empty,
}

/// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1;
/// the scheme name is case-insensitive).
fn bearer_token(req: &HttpRequest) -> Result<&str, MissingToken> {
    let mut values = req.headers().get_all(header::AUTHORIZATION);
    let value = values.next().ok_or(MissingToken::NoHeader)?;
    if values.next().is_some() {
        return Err(MissingToken::SeveralHeaders);
    }
    let value = value.to_str().map_err(|_| MissingToken::NotText)?;
    let (scheme, token) = value.split_once(' ').ok_or(MissingToken::NotBearer)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(MissingToken::NotBearer);
    }
    let token = token.trim();
    if token.is_empty() || token.contains(' ') {
        return Err(MissingToken::Empty);
    }
    Ok(token)
}

/// Verifies the request's bearer token, within the rate limits the app was
/// built with: 429 for an address out of failed attempts (before the token
/// is looked at), 401 (or 429 once the address's budget is gone), then 429
/// for a user over their rate. A successful answer later carries the user's
/// `RateLimit` fields (`app.rs`).
///
/// # Errors
/// 401 (one body for every cause; the cause is logged at debug level) when
/// the token is missing or rejected; 429 as above; 503 when the verifier has
/// no keys yet, because the token may well be valid.
pub async fn authenticate(
    req: &HttpRequest,
    verifier: &dyn TokenVerifier,
) -> Result<Principal, Problem> {
    // Authenticated already on this request (the idempotency layer runs
    // before the handler): not again, so the rate limits count it once.
    if let Some(Authenticated(principal)) = req.extensions().get::<Authenticated>().cloned() {
        return Ok(principal);
    }
    let principal = authenticate_once(req, verifier).await?;
    req.extensions_mut()
        .insert(Authenticated(principal.clone()));
    Ok(principal)
}

/// The caller a request proved to be, kept in its extensions.
#[derive(Debug, Clone)]
struct Authenticated(Principal);

async fn authenticate_once(
    req: &HttpRequest,
    verifier: &dyn TokenVerifier,
) -> Result<Principal, Problem> {
    let limits = req.app_data::<web::Data<RateLimits>>();
    let peer = req.peer_addr().map(|addr| addr.ip());
    if let Some(limits) = limits {
        limits.check_address(peer)?;
    }
    let failed = |problem: Problem| match limits {
        Some(limits) => limits.record_failure(peer, problem),
        None => problem,
    };
    let principal =
        verify(req, verifier).await.map_err(
            |(problem, is_failure)| {
                if is_failure { failed(problem) } else { problem }
            },
        )?;
    if let Some(limits) = limits {
        if let Some(outcome) = limits.check_user(principal.user_id)? {
            req.extensions_mut().insert(outcome);
        }
    }
    Ok(principal)
}

/// The token check itself; the flag says whether the error is a failed
/// authentication (401), which counts against the address.
async fn verify(
    req: &HttpRequest,
    verifier: &dyn TokenVerifier,
) -> Result<Principal, (Problem, bool)> {
    let token = bearer_token(req).map_err(|cause| {
        tracing::debug!(?cause, "no usable bearer token");
        let problem = match cause {
            // No credentials, or only credentials of a scheme we don't
            // support: RFC 6750 §3.1 wants the bare challenge.
            MissingToken::NoHeader | MissingToken::NotBearer => {
                Problem::unauthorized_without_credentials()
            }
            MissingToken::SeveralHeaders | MissingToken::NotText | MissingToken::Empty => {
                Problem::unauthorized()
            }
        };
        (problem, true)
    })?;
    match verifier.verify(token).await {
        Ok(principal) => Ok(principal),
        Err(AuthError::Rejected(reason)) => {
            tracing::debug!(%reason, "token rejected");
            Err((Problem::unauthorized(), true))
        }
        Err(AuthError::Unavailable(reason)) => {
            tracing::warn!(%reason, "token verification unavailable");
            Err((Problem::verifier_unavailable(), false))
        }
    }
}

/// Authenticates the request and checks that the `{user_id}` path segment
/// is the caller: 401, then 403.
///
/// # Errors
/// As for [`authenticate`]; 403 when the path names anyone else, or
/// anything that is not the caller's id at all.
pub async fn authorize_owner(
    req: &HttpRequest,
    verifier: &dyn TokenVerifier,
) -> Result<UserId, Problem> {
    let principal = authenticate(req, verifier).await?;
    let requested = req.match_info().get("user_id").unwrap_or_default();
    principal
        .authorize_owner(requested)
        .map_err(|_| Problem::forbidden())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn token_of(value: &str) -> Result<String, MissingToken> {
        let req = TestRequest::default()
            .insert_header((header::AUTHORIZATION, value))
            .to_http_request();
        bearer_token(&req).map(str::to_owned)
    }

    #[test]
    fn takes_the_token_after_a_case_insensitive_scheme() {
        assert_eq!(token_of("Bearer abc.def.ghi").as_deref(), Ok("abc.def.ghi"));
        assert_eq!(token_of("bearer abc").as_deref(), Ok("abc"));
        assert_eq!(token_of("BEARER  abc ").as_deref(), Ok("abc"));
    }

    #[test]
    fn refuses_other_schemes_and_empty_tokens() {
        assert_eq!(token_of("Basic dXNlcjpwYXNz"), Err(MissingToken::NotBearer));
        assert_eq!(token_of("Bearer"), Err(MissingToken::NotBearer));
        assert_eq!(token_of("Bearer   "), Err(MissingToken::Empty));
        assert_eq!(token_of("Bearer a b"), Err(MissingToken::Empty));
        let req = TestRequest::default().to_http_request();
        assert_eq!(bearer_token(&req), Err(MissingToken::NoHeader));
    }

    #[test]
    fn refuses_two_authorization_headers() {
        let req = TestRequest::default()
            .append_header((header::AUTHORIZATION, "Bearer a"))
            .append_header((header::AUTHORIZATION, "Bearer b"))
            .to_http_request();
        assert_eq!(bearer_token(&req), Err(MissingToken::SeveralHeaders));
    }
}
