//! Rate limits: per user on the task routes, per address on failed
//! authentication, 429 problems with Retry-After and the IETF RateLimit
//! fields, and where they sit in the check order.

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{TestRequest, init_service, read_body};
use api_actix::http::rate_limit::{RateLimitSettings, RateLimits};
use api_actix::{AppOptions, AppState, build_app_with};
use domain::Principal;
use ports::{AuthError, MockTaskRepo, MockTokenVerifier};
use serde_json::Value;

use crate::support::*;

fn repo() -> MockTaskRepo {
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .returning(|_, id| Ok(sample_task(id, "x", 1)));
    repo
}

fn settings(
    per_user_per_second: u32,
    per_user_burst: u32,
    auth_failures_per_minute: u32,
    auth_failures_burst: u32,
) -> RateLimitSettings {
    RateLimitSettings {
        per_user_per_second,
        per_user_burst,
        auth_failures_per_minute,
        auth_failures_burst,
    }
}

struct Reply {
    status: u16,
    headers: actix_web::http::header::HeaderMap,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

async fn reply<B: MessageBody>(res: Result<ServiceResponse<B>, actix_web::Error>) -> Reply {
    let res = match res {
        Ok(res) => res,
        Err(error) => panic!("service error: {error}"),
    };
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = serde_json::from_slice(&read_body(res).await).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

fn get(token: &str, user: &str, from: &str) -> TestRequest {
    let peer: SocketAddr = from.parse().unwrap();
    let mut req = TestRequest::get()
        .uri(&task_url(user, TASK))
        .peer_addr(peer);
    if !token.is_empty() {
        req = req.insert_header(bearer(token));
    }
    req
}

macro_rules! app {
    ($verifier:expr, $settings:expr) => {
        init_service(build_app_with(
            AppState {
                trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
                idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
                transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
                repo: Arc::new(repo()),
                verifier: Arc::new($verifier),
                lists: Arc::new(ports::MockListRepo::new()),
                labels: Arc::new(ports::MockLabelRepo::new()),
                preferences: Arc::new(ports::MockPreferencesRepo::new()),
                changes: Arc::new(ports::MockChangeLog::new()),
                signals: Arc::new(ports::MockChangeSignals::new()),
            },
            AppOptions {
                rate_limits: Arc::new(RateLimits::new($settings)),
                ..AppOptions::default()
            },
        ))
        .await
    };
}

#[actix_web::test]
async fn a_user_over_their_rate_gets_429_with_retry_after_and_ratelimit_fields() {
    let app = app!(verifier(), settings(1, 3, 0, 1));
    const HERE: &str = "10.0.0.1:5000";
    for remaining in [2, 1, 0] {
        let ok = reply(app.call(get(ALICE_TOKEN, ALICE, HERE).to_request()).await).await;
        assert_eq!(ok.status, 200);
        assert_eq!(ok.header("ratelimit-policy"), Some("\"user\";q=3;w=3"));
        let state = ok.header("ratelimit").unwrap();
        assert!(
            state.starts_with(&format!("\"user\";r={remaining};t=")),
            "{state}"
        );
    }
    let refused = reply(app.call(get(ALICE_TOKEN, ALICE, HERE).to_request()).await).await;
    assert_eq!(refused.status, 429);
    assert_eq!(
        refused.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(
        refused.body["type"],
        "urn:todo-api:problem:too-many-requests"
    );
    assert_eq!(refused.body["status"], 429);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.header("ratelimit"), Some("\"user\";r=0;t=1"));
    assert_eq!(refused.header("ratelimit-policy"), Some("\"user\";q=3;w=3"));
    // 429 comes after 401 and before 403: on Bob's path too.
    let elsewhere = reply(app.call(get(ALICE_TOKEN, BOB, HERE).to_request()).await).await;
    assert_eq!(elsewhere.status, 429);
    let bad = reply(app.call(get(EXPIRED_TOKEN, ALICE, HERE).to_request()).await).await;
    assert_eq!(bad.status, 401);
    // Bob has his own bucket, from the same address.
    let bob = reply(app.call(get(BOB_TOKEN, ALICE, HERE).to_request()).await).await;
    assert_eq!(bob.status, 403);
}

#[actix_web::test]
async fn an_address_out_of_failed_attempts_gets_429_before_its_token_is_verified() {
    let mut verifier = MockTokenVerifier::new();
    // Two failures and one success from the other address: once its
    // budget is spent, the address's requests never reach the verifier.
    verifier
        .expect_verify()
        .times(3)
        .returning(|token| match token {
            ALICE_TOKEN => Ok(Principal::new(alice())),
            _ => Err(AuthError::Rejected("bad signature".into())),
        });
    let app = app!(verifier, settings(0, 1, 1, 2));
    const GUESSER: &str = "10.0.0.2:4000";
    for remaining in [1, 0] {
        let failed = reply(
            app.call(get("guess.token.sig", ALICE, GUESSER).to_request())
                .await,
        )
        .await;
        assert_eq!(failed.status, 401);
        assert_eq!(
            failed.header("ratelimit-policy"),
            Some("\"auth-failures\";q=2;w=120")
        );
        let state = failed.header("ratelimit").unwrap();
        assert!(
            state.starts_with(&format!("\"auth-failures\";r={remaining};t=")),
            "{state}"
        );
    }
    // Out of budget: 429 whatever the token, even a valid one.
    for token in ["guess.token.sig", ALICE_TOKEN] {
        let refused = reply(app.call(get(token, ALICE, GUESSER).to_request()).await).await;
        assert_eq!(refused.status, 429, "{token}");
        let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
        assert!(
            refused
                .header("ratelimit")
                .unwrap()
                .starts_with("\"auth-failures\";r=0;t=")
        );
    }
    // Another address is unaffected.
    let other = reply(
        app.call(get(ALICE_TOKEN, ALICE, "10.0.0.3:4000").to_request())
            .await,
    )
    .await;
    assert_eq!(other.status, 200);
}

#[actix_web::test]
async fn missing_credentials_count_as_failures_and_unavailable_keys_do_not() {
    let app = app!(verifier(), settings(0, 1, 1, 1));
    const HERE: &str = "10.0.0.4:4000";
    for _ in 0..3 {
        let unavailable = reply(app.call(get(NO_KEYS_TOKEN, ALICE, HERE).to_request()).await).await;
        assert_eq!(unavailable.status, 503);
    }
    let anonymous = reply(app.call(get("", ALICE, HERE).to_request()).await).await;
    assert_eq!(anonymous.status, 401);
    let again = reply(app.call(get("", ALICE, HERE).to_request()).await).await;
    assert_eq!(again.status, 429);
}

#[actix_web::test]
async fn a_rate_of_zero_switches_the_limits_off() {
    let app = app!(verifier(), settings(0, 1, 0, 1));
    const HERE: &str = "10.0.0.5:4000";
    for _ in 0..50 {
        let failed = reply(app.call(get(EXPIRED_TOKEN, ALICE, HERE).to_request()).await).await;
        assert_eq!(failed.status, 401);
        assert_eq!(failed.header("ratelimit"), None);
        let ok = reply(app.call(get(ALICE_TOKEN, ALICE, HERE).to_request()).await).await;
        assert_eq!(ok.status, 200);
        assert_eq!(ok.header("ratelimit"), None);
    }
}

#[actix_web::test]
async fn the_document_lists_429_on_every_authenticated_operation() {
    let reply = send(
        MockTaskRepo::new(),
        MockTokenVerifier::new(),
        TestRequest::get().uri("/api/openapi.json"),
    )
    .await;
    let doc = reply.json();
    let response = &doc["components"]["responses"]["TooManyRequests"];
    for name in ["Retry-After", "RateLimit", "RateLimit-Policy"] {
        assert!(response["headers"].get(name).is_some(), "{name}");
    }
    let mut seen = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let has = op["responses"].get("429").is_some();
            assert_eq!(has, path.starts_with("/api/{user_id}"), "{method} {path}");
            seen += usize::from(has);
        }
    }
    let authenticated = api_actix::endpoints()
        .iter()
        .filter(|e| e.path.starts_with("/api/{user_id}"))
        .count();
    assert_eq!(seen, authenticated);
}
