//! The JWKS endpoint itself: each reply is what it says on the wire (an
//! announced or a chunked size, a body that never ends, an answer that
//! never comes), requests are counted on arrival, and a dropped server's
//! port is closed. The adapters' tests rely on each of these.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use reqwest::{Client, Response, StatusCode, redirect};
use test_support::jwks_server::{JwksServer, Reply};

fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

async fn get(url: &str) -> Response {
    client().get(url).send().await.unwrap()
}

#[tokio::test]
async fn serves_the_current_reply_and_counts_requests() {
    let server = JwksServer::start(Reply::Json(r#"{"keys":[]}"#.into())).await;
    assert!(server.url().ends_with("/api/auth/jwks"), "{}", server.url());
    assert_eq!(server.hits(), 0);

    let res = get(&server.url()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.text().await.unwrap(), r#"{"keys":[]}"#);
    assert_eq!(server.hits(), 1);

    server.serve_json(r#"{"keys":[{"kid":"b"}]}"#.into());
    assert_eq!(
        get(&server.url()).await.text().await.unwrap(),
        r#"{"keys":[{"kid":"b"}]}"#
    );
    server.set(Reply::Status(503));
    assert_eq!(get(&server.url()).await.status(), 503);
    server.set(Reply::Redirect("http://127.0.0.1:9/elsewhere".into()));
    let moved = get(&server.url()).await;
    assert_eq!(moved.status(), StatusCode::FOUND);
    assert_eq!(moved.headers()["location"], "http://127.0.0.1:9/elsewhere");
    server.wait_for_hits(4).await;
    assert_eq!(server.hits(), 4);
}

#[tokio::test]
async fn only_the_jwks_path_is_served() {
    let server = JwksServer::start(Reply::Json("{}".into())).await;
    let elsewhere = server.url().replace("/api/auth/jwks", "/jwks");
    assert_eq!(get(&elsewhere).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn a_padded_body_is_announced_or_chunked_as_asked() {
    let padded = |declare_length| Reply::Padded {
        prefix: "{}".into(),
        total: 100_000,
        declare_length,
    };
    let server = JwksServer::start(padded(true)).await;
    let announced = get(&server.url()).await;
    assert_eq!(announced.content_length(), Some(100_000));
    let body = announced.bytes().await.unwrap();
    assert_eq!(body.len(), 100_000);
    assert!(body.starts_with(b"{} "));

    server.set(padded(false));
    let chunked = get(&server.url()).await;
    assert_eq!(chunked.content_length(), None);
    assert_eq!(chunked.headers()["transfer-encoding"], "chunked");
    assert_eq!(chunked.bytes().await.unwrap().len(), 100_000);
}

#[tokio::test]
async fn an_endless_body_keeps_coming() {
    let server = JwksServer::start(Reply::Endless).await;
    let mut res = get(&server.url()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.content_length(), None);
    let mut received = 0;
    while received < 4 * 1024 * 1024 {
        received += res.chunk().await.unwrap().expect("the body goes on").len();
    }
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn delayed_and_hanging_answers_are_counted_on_arrival() {
    let server = JwksServer::start(Reply::Json("{}".into())).await;
    server.delay_answers(Duration::from_secs(3600));
    let url = server.url();
    let pending = tokio::spawn(async move { get(&url).await });
    server.wait_for_hits(1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!pending.is_finished(), "the delayed answer came early");
    pending.abort();

    // A short delay: the answer does come.
    server.delay_answers(Duration::from_millis(50));
    assert_eq!(get(&server.url()).await.status(), StatusCode::OK);

    // A hanging reply ignores the delay: it never answers.
    server.set(Reply::Hang);
    let hung = tokio::time::timeout(Duration::from_millis(300), get(&server.url())).await;
    assert!(hung.is_err(), "a hanging endpoint answered");
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn a_dropped_server_refuses_connections() {
    let server = JwksServer::start(Reply::Status(200)).await;
    let url = server.url();
    assert_eq!(get(&url).await.status(), StatusCode::OK);
    drop(server);
    // wiremock stops its listener on its own thread: wait (bounded) for it.
    let refused = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match client().get(&url).send().await {
                Err(e) if e.is_connect() => return,
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    })
    .await;
    assert!(refused.is_ok(), "the port still accepts connections");
}

#[tokio::test]
#[should_panic(expected = "only served by a JwksServer started with Reply::Endless")]
async fn an_endless_body_cannot_be_switched_to() {
    let server = JwksServer::start(Reply::Json("{}".into())).await;
    server.set(Reply::Endless);
}
