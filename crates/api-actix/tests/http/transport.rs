//! Slow and oversized requests over real TCP: the in-process server on port
//! 0 with mocked ports, driven byte by byte. Timeouts are set short; the
//! assertions bound how long the server may hold a connection, generously.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use api_actix::AppState;
use api_actix::server::{ServerSettings, start};
use ports::MockTaskRepo;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::*;

/// Far longer than any timeout set here: a connection still open after
/// this is one the server holds indefinitely.
const PATIENCE: Duration = Duration::from_secs(15);

pub struct Served {
    pub addr: SocketAddr,
    handle: ServerHandle,
}

impl Served {
    pub async fn stop(self) {
        self.handle.stop(false).await;
    }
}

/// Serves the app in-process with these settings (one worker) and mocks.
pub fn serve(repo: MockTaskRepo, adjust: impl FnOnce(&mut ServerSettings)) -> Served {
    let mut settings = ServerSettings::new("127.0.0.1:0".parse().unwrap());
    settings.workers = Some(1);
    settings.shutdown_timeout = Duration::from_secs(1);
    adjust(&mut settings);
    let state = AppState {
        trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
        idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
        transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
        repo: Arc::new(repo),
        verifier: Arc::new(verifier()),
        lists: Arc::new(ports::MockListRepo::new()),
        labels: Arc::new(ports::MockLabelRepo::new()),
        preferences: Arc::new(ports::MockPreferencesRepo::new()),
        changes: Arc::new(ports::MockChangeLog::new()),
        signals: Arc::new(ports::MockChangeSignals::new()),
    };
    let (server, addrs) = start(&settings, state).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Served {
        addr: addrs[0],
        handle,
    }
}

/// What the server sent until it closed the connection, and how long that
/// took; `None` if it still had not closed it after [`PATIENCE`].
pub async fn until_closed(conn: &mut TcpStream) -> Option<(String, Duration)> {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    let outcome = tokio::time::timeout(PATIENCE, async {
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    outcome.ok()?;
    Some((
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    ))
}

/// Status and JSON body of a raw HTTP/1.1 response.
pub fn parse(response: &str) -> (u16, String, Value) {
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((response, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (
        status,
        head.to_ascii_lowercase(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

fn post_head(addr: SocketAddr, length: usize) -> String {
    format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {ALICE_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n",
        tasks_url(ALICE)
    )
}

fn assert_problem(response: &str, status: u16) -> Value {
    let (got, head, body) = parse(response);
    assert_eq!(got, status, "{response}");
    assert!(
        head.contains("content-type: application/problem+json"),
        "{response}"
    );
    assert_eq!(body["status"], status, "{response}");
    body
}

#[actix_web::test]
async fn a_body_shorter_than_its_content_length_gets_408_and_the_connection_is_closed() {
    let served = serve(MockTaskRepo::new(), |s| {
        s.app.limits.body_timeout = Duration::from_millis(500);
    });
    let mut conn = TcpStream::connect(served.addr).await.unwrap();
    let head = post_head(served.addr, 100);
    conn.write_all(format!("{head}{{\"title\":").as_bytes())
        .await
        .unwrap();
    let (response, _) = until_closed(&mut conn)
        .await
        .expect("a stalled body must not hold the connection");
    let body = assert_problem(&response, 408);
    assert_eq!(body["type"], "urn:todo-api:problem:request-timeout");
    assert!(
        parse(&response).1.contains("connection: close"),
        "{response}"
    );
    served.stop().await;
}

#[actix_web::test]
async fn a_body_dribbled_a_byte_at_a_time_is_cut_off_at_the_body_timeout() {
    let served = serve(MockTaskRepo::new(), |s| {
        s.app.limits.body_timeout = Duration::from_millis(800);
    });
    let body = format!("{{\"title\":\"{}\"}}", "x".repeat(200));
    let mut conn = TcpStream::connect(served.addr).await.unwrap();
    conn.write_all(post_head(served.addr, body.len()).as_bytes())
        .await
        .unwrap();
    // One byte every 100 ms would take 20 s; each byte alone arrives well
    // within any per-read timeout, so only an overall deadline stops it.
    let (mut reader, mut writer) = conn.into_split();
    let dribble = tokio::spawn(async move {
        for byte in body.bytes() {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let started = Instant::now();
    let mut received = Vec::new();
    tokio::time::timeout(PATIENCE, reader.read_to_end(&mut received))
        .await
        .expect("the server closes the connection")
        .ok();
    dribble.abort();
    let response = String::from_utf8_lossy(&received);
    assert_problem(&response, 408);
    assert!(started.elapsed() < Duration::from_secs(10));
    served.stop().await;
}

#[actix_web::test]
async fn a_request_head_sent_too_slowly_is_dropped() {
    let served = serve(MockTaskRepo::new(), |s| {
        s.client_request_timeout = Duration::from_millis(500);
    });
    let mut conn = TcpStream::connect(served.addr).await.unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let (response, _) = until_closed(&mut conn)
        .await
        .expect("a slow head must not hold the connection");
    // actix-http answers this itself: 408 with an empty body.
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    served.stop().await;
}

#[actix_web::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let served = serve(MockTaskRepo::new(), |s| {
        s.keep_alive = Duration::from_secs(1);
    });
    let mut conn = TcpStream::connect(served.addr).await.unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (response, _) = until_closed(&mut conn)
        .await
        .expect("an idle connection is closed after keep-alive");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    served.stop().await;
}

#[actix_web::test]
async fn over_long_targets_queries_and_headers_are_problems() {
    let served = serve(MockTaskRepo::new(), |s| {
        s.app.limits.max_uri_bytes = 1024;
        s.app.limits.max_query_bytes = 256;
        s.app.limits.max_header_bytes = 2048;
    });
    let long_path = format!("/api/{}/tasks", "a".repeat(1100));
    let long_query = format!("{}?q={}", tasks_url(ALICE), "a".repeat(300));
    let cases = [
        (format!("GET {long_path} HTTP/1.1\r\nHost: x\r\n"), 414),
        (format!("GET {long_query} HTTP/1.1\r\nHost: x\r\n"), 414),
        (
            format!(
                "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n",
                "b".repeat(2100)
            ),
            431,
        ),
    ];
    for (head, status) in cases {
        let mut conn = TcpStream::connect(served.addr).await.unwrap();
        conn.write_all(format!("{head}Connection: close\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let (response, _) = until_closed(&mut conn).await.unwrap();
        assert_problem(&response, status);
    }
    // Beyond actix-http's own 128 KiB head buffer: its empty 431.
    let mut conn = TcpStream::connect(served.addr).await.unwrap();
    let huge = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Huge: {}\r\n\r\n",
        "h".repeat(140 * 1024)
    );
    let _ = conn.write_all(huge.as_bytes()).await;
    let (response, _) = until_closed(&mut conn).await.unwrap();
    assert!(
        response.is_empty() || response.starts_with("HTTP/1.1 431"),
        "{response}"
    );
    served.stop().await;
}

#[actix_web::test]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let served = serve(MockTaskRepo::new(), |s| {
        s.max_connections = 2;
        s.keep_alive = Duration::from_secs(60);
    });
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut conn = TcpStream::connect(served.addr).await.unwrap();
        conn.write_all(request).await.unwrap();
        let mut buf = [0u8; 1024];
        let n = conn.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        held.push(conn);
    }
    // The third connects (the kernel's backlog) but is not served...
    let mut third = TcpStream::connect(served.addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let early = tokio::time::timeout(Duration::from_millis(700), third.read(&mut buf)).await;
    assert!(early.is_err(), "served beyond max_connections");
    // ...until one of the first two closes.
    drop(held.pop());
    let (response, _) = until_closed(&mut third).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    served.stop().await;
}

#[actix_web::test]
async fn json_nested_deeper_than_the_limit_is_a_malformed_body() {
    let body = format!(
        "{{\"title\":\"x\",\"description\":{}1{}}}",
        "[".repeat(40),
        "]".repeat(40)
    );
    let reply = send_no_repo(json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, &body)).await;
    let problem = reply.problem(400);
    assert_eq!(problem["type"], "urn:todo-api:problem:malformed-body");
    assert!(
        problem["detail"].as_str().unwrap().contains("32 deep"),
        "{problem}"
    );
    // The depth check comes after authentication, as every body check.
    let reply = send_no_repo(json_request(
        "POST",
        &tasks_url(ALICE),
        EXPIRED_TOKEN,
        &body,
    ))
    .await;
    reply.problem(401);
}

#[actix_web::test]
async fn an_unparsable_request_gets_actix_s_empty_400_and_a_closed_connection() {
    let served = serve(MockTaskRepo::new(), |_| {});
    let mut conn = TcpStream::connect(served.addr).await.unwrap();
    conn.write_all(b"GARBAGE\r\n\r\n").await.unwrap();
    let (response, _) = until_closed(&mut conn).await.unwrap();
    // Not problem+json: actix-http answers it before any app code runs
    // (documented in the README and the OpenAPI description).
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(
        parse(&response).1.contains("content-length: 0"),
        "{response}"
    );
    served.stop().await;
}
