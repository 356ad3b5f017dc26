//! Graceful shutdown under load, over real TCP against the in-process
//! server: every request the server accepted gets its answer; after the
//! stop, connections are refused; what is still running after the shutdown
//! timeout is cut off.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use api_actix::AppState;
use api_actix::http::rate_limit::{RateLimitSettings, RateLimits};
use api_actix::server::{ServerSettings, serve_until, start};
use ports::MockTaskRepo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::*;

const CLIENTS: usize = 32;

fn repo() -> MockTaskRepo {
    let mut repo = MockTaskRepo::new();
    repo.expect_create().returning(|owner, fields, _| {
        let mut task = sample_task(task_id(), "x", 1);
        task.owner = owner;
        task.fields = fields;
        Ok(task)
    });
    repo
}

fn settings(shutdown_timeout: Duration) -> ServerSettings {
    let mut settings = ServerSettings::new("127.0.0.1:0".parse().unwrap());
    settings.workers = Some(2);
    settings.shutdown_timeout = shutdown_timeout;
    // Every client is Alice: her rate limit is not what this is about.
    settings.app.rate_limits = Arc::new(RateLimits::new(RateLimitSettings {
        per_user_per_second: 0,
        ..settings.app.rate_limits.settings()
    }));
    settings
}

#[derive(Debug, Default)]
struct Tally {
    answered: usize,
    /// Connected, but the server closed the connection before accepting
    /// the request (the listen backlog at the moment of the stop).
    not_accepted: usize,
    /// Accepted (100 Continue received) but never answered: the failure.
    dropped: Vec<String>,
    refused_at_end: bool,
}

/// Reads until the end of a response head.
async fn read_head(conn: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match conn.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// One client: requests in a loop, each on a new connection, until a
/// connection is refused. `Expect: 100-continue` tells it when the server
/// has accepted a request; the body follows after a pause, so that many
/// requests are in flight when the stop comes.
async fn client(addr: SocketAddr, n: usize, stopping: Arc<AtomicBool>) -> Tally {
    let mut tally = Tally::default();
    let body = r#"{"title":"under load"}"#;
    for i in 0.. {
        let mut conn = match TcpStream::connect(addr).await {
            Ok(conn) => conn,
            Err(error) => {
                assert!(stopping.load(Ordering::SeqCst), "refused early: {error}");
                tally.refused_at_end = true;
                return tally;
            }
        };
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {ALICE_TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\
             Expect: 100-continue\r\nConnection: close\r\n\r\n",
            tasks_url(ALICE),
            body.len()
        );
        let accepted = match conn.write_all(head.as_bytes()).await {
            Ok(()) => read_head(&mut conn).await,
            Err(_) => None,
        };
        match accepted {
            Some(interim) if interim.starts_with("HTTP/1.1 100") => {}
            Some(other) => panic!("expected 100 Continue, got {other}"),
            None => {
                assert!(stopping.load(Ordering::SeqCst), "closed before the stop");
                tally.not_accepted += 1;
                continue;
            }
        }
        tokio::time::sleep(Duration::from_millis(((n * 7 + i * 3) % 20) as u64)).await;
        let mut response = String::new();
        let sent = conn.write_all(body.as_bytes()).await;
        let read = conn.read_to_string(&mut response).await;
        if sent.is_ok() && read.is_ok() && response.starts_with("HTTP/1.1 201") {
            tally.answered += 1;
        } else {
            tally
                .dropped
                .push(format!("{sent:?} {read:?} {response:?}"));
        }
    }
    tally
}

#[actix_web::test]
async fn a_graceful_shutdown_under_load_answers_every_accepted_request() {
    let state = AppState {
        trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
        idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
        transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
        repo: Arc::new(repo()),
        verifier: Arc::new(verifier()),
        lists: Arc::new(ports::MockListRepo::new()),
        labels: Arc::new(ports::MockLabelRepo::new()),
        preferences: Arc::new(ports::MockPreferencesRepo::new()),
        changes: Arc::new(ports::MockChangeLog::new()),
        signals: Arc::new(ports::MockChangeSignals::new()),
    };
    let (server, addrs) = start(&settings(Duration::from_secs(10)), state).unwrap();
    let addr = addrs[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = actix_web::rt::spawn(serve_until(server, async move {
        let _ = stopped.await;
        "test"
    }));
    let stopping = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| actix_web::rt::spawn(client(addr, n, stopping.clone())))
        .collect();

    tokio::time::sleep(Duration::from_millis(700)).await;
    stopping.store(true, Ordering::SeqCst);
    let stop_sent = Instant::now();
    stop.send(()).unwrap();

    let mut total = Tally::default();
    for handle in clients {
        let tally = tokio::time::timeout(Duration::from_secs(30), handle)
            .await
            .expect("clients finish once connections are refused")
            .unwrap();
        total.answered += tally.answered;
        total.not_accepted += tally.not_accepted;
        total.dropped.extend(tally.dropped);
        assert!(tally.refused_at_end);
    }
    tokio::time::timeout(Duration::from_secs(30), serving)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
    eprintln!("shutdown under load: {total:?}");
    assert!(
        total.dropped.is_empty(),
        "accepted, never answered: {total:?}"
    );
    assert!(total.answered >= CLIENTS, "too little load: {total:?}");
    assert!(stop_sent.elapsed() < Duration::from_secs(10), "{total:?}");
    assert!(TcpStream::connect(addr).await.is_err());
}

#[actix_web::test]
async fn requests_still_running_after_the_shutdown_timeout_are_cut_off() {
    let mut settings = settings(Duration::from_secs(1));
    settings.app.limits.body_timeout = Duration::from_secs(120);
    let state = AppState {
        trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
        idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
        transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
        repo: Arc::new(repo()),
        verifier: Arc::new(verifier()),
        lists: Arc::new(ports::MockListRepo::new()),
        labels: Arc::new(ports::MockLabelRepo::new()),
        preferences: Arc::new(ports::MockPreferencesRepo::new()),
        changes: Arc::new(ports::MockChangeLog::new()),
        signals: Arc::new(ports::MockChangeSignals::new()),
    };
    let (server, addrs) = start(&settings, state).unwrap();
    let addr = addrs[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = actix_web::rt::spawn(serve_until(server, async move {
        let _ = stopped.await;
        "test"
    }));
    // A request whose body never comes: in flight until cut off.
    let mut conn = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {ALICE_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
        tasks_url(ALICE)
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stop_sent = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(15), serving)
        .await
        .expect("the server stops after its shutdown timeout")
        .unwrap()
        .unwrap();
    let waited = stop_sent.elapsed();
    assert!(waited >= Duration::from_millis(900), "{waited:?}");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), conn.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the connection is closed");
}
