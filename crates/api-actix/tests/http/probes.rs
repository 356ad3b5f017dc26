//! /healthz and /readyz.

use actix_web::test::TestRequest;
use ports::{MockTaskRepo, MockTokenVerifier, RepoUnavailable};
use serde_json::json;

use crate::support::*;

fn repo_pinging(ok: bool) -> MockTaskRepo {
    let mut repo = MockTaskRepo::new();
    repo.expect_ping().times(1).returning(move || {
        if ok {
            Ok(())
        } else {
            Err(RepoUnavailable("connection refused".into()))
        }
    });
    repo
}

fn verifier_ready(ready: bool) -> MockTokenVerifier {
    let mut verifier = MockTokenVerifier::new();
    verifier.expect_is_ready().return_const(ready);
    verifier
}

#[actix_web::test]
async fn healthz_is_200_and_checks_nothing() {
    // Neither mock has expectations: any call would fail the request.
    let reply = send(
        MockTaskRepo::new(),
        MockTokenVerifier::new(),
        TestRequest::get().uri("/healthz"),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"status": "ok"}));
}

#[actix_web::test]
async fn readyz_is_200_when_database_and_keys_are_there() {
    let reply = send(
        repo_pinging(true),
        verifier_ready(true),
        TestRequest::get().uri("/readyz"),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"status": "ready"}));
}

#[actix_web::test]
async fn readyz_is_503_without_the_database() {
    let reply = send(
        repo_pinging(false),
        verifier_ready(true),
        TestRequest::get().uri("/readyz"),
    )
    .await;
    let body = reply.problem(503);
    assert_eq!(reply.header("retry-after"), Some("5"));
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("database is unreachable"), "{detail}");
    assert!(!detail.contains("refused"), "{detail}");
}

#[actix_web::test]
async fn readyz_tells_a_slow_database_from_an_unreachable_one() {
    let mut repo = MockTaskRepo::new();
    repo.expect_ping()
        .times(1)
        .returning(|| Err(RepoUnavailable::slow("SELECT 1 took longer than 2s")));
    let reply = send(
        repo,
        verifier_ready(true),
        TestRequest::get().uri("/readyz"),
    )
    .await;
    let body = reply.problem(503);
    assert_eq!(reply.header("retry-after"), Some("5"));
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("too slow"), "{detail}");
    assert!(!detail.contains("unreachable"), "{detail}");
}

#[actix_web::test]
async fn readyz_is_503_without_signing_keys() {
    let reply = send(
        repo_pinging(true),
        verifier_ready(false),
        TestRequest::get().uri("/readyz"),
    )
    .await;
    let body = reply.problem(503);
    assert!(body["detail"].as_str().unwrap().contains("keys"));
    assert_eq!(reply.header("retry-after"), Some("5"));
}
