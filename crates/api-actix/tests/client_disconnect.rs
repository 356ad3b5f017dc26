//! A client that hangs up cancels its query (issue 8): the real server
//! (`server::start`), the real PostgreSQL adapter and HS256 tokens, with a
//! table lock holding a listing in the database. When the client closes its
//! connection, the listing's statement must leave the server at once: the
//! server drops the handler (HTTP/1 half-closed connections are not kept
//! open) and the adapter sends PostgreSQL a cancel request for the
//! statement it abandons. Without either, the statement would wait for the
//! lock until the (here 60 s) lock timeout.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use adapters_jwt::{VerifierMode, VerifierSettings, build_verifier};
use adapters_postgres::{PgSettings, PgTaskRepo, PoolerMode, run_migrations};
use api_actix::AppState;
use api_actix::server::{ServerSettings, start};
use domain::UserId;
use serde_json::json;
use test_support::TestDatabase;
use test_support::jwt::hs256_token;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_postgres::NoTls;

const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256!";
const ISSUER: &str = "http://better-auth.test";
const AUDIENCE: &str = "todo-api";
/// Bounds every wait; nothing here asserts on speed beyond "well before the
/// lock timeout".
const PATIENCE: Duration = Duration::from_secs(20);

fn token(user: UserId) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    hs256_token(
        SECRET.as_bytes(),
        &json!({"sub": user.to_string(), "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600}),
    )
}

async fn serve(db: &TestDatabase) -> SocketAddr {
    let repo = PgTaskRepo::new(&PgSettings {
        url: db.url().to_owned().into(),
        max_connections: 4,
        acquire_timeout: Duration::from_secs(5),
        // Far beyond the test's patience: only a cancellation ends the
        // statement in time.
        statement_timeout: Duration::from_secs(120),
        lock_timeout: Duration::from_secs(60),
        pooler: PoolerMode::None,
    })
    .unwrap();
    let verifier = build_verifier(VerifierSettings {
        issuer: ISSUER.to_owned(),
        audience: AUDIENCE.to_owned(),
        leeway: Duration::from_secs(5),
        mode: VerifierMode::Hs256 {
            secret: SECRET.to_owned().into(),
        },
    })
    .unwrap();
    let mut settings = ServerSettings::new("127.0.0.1:0".parse().unwrap());
    settings.workers = Some(1);
    let repo = Arc::new(repo);
    let state = AppState {
        trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
        idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
        transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
        repo: repo.clone(),
        verifier,
        lists: repo.clone(),
        labels: repo.clone(),
        preferences: repo,
        changes: Arc::new(ports::MockChangeLog::new()),
        signals: Arc::new(ports::MockChangeSignals::new()),
    };
    let (server, addrs) = start(&settings, state).unwrap();
    tokio::spawn(server);
    addrs[0]
}

/// How many statements of the API's (not this test's own session) are
/// waiting for a lock in the test database.
async fn waiting_on_locks(admin: &tokio_postgres::Client) -> i64 {
    admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()
                AND wait_event_type = 'Lock'",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

async fn wait_until(what: &str, admin: &tokio_postgres::Client, want: i64) {
    let start = Instant::now();
    loop {
        let now = waiting_on_locks(admin).await;
        if now == want {
            return;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "{what}: {now} statements still wait on the lock after {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn get(addr: SocketAddr, path: &str, token: &str) -> TcpStream {
    let mut conn = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    conn
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_hangs_up_cancels_its_query() {
    let db = TestDatabase::create().await;
    run_migrations(&db.url().to_owned().into()).await.unwrap();
    let alice = db.insert_user().await;
    let addr = serve(&db).await;
    let token = token(alice);
    let path = format!("/api/{alice}/tasks");

    let (mut locker, connection) = tokio_postgres::connect(db.url(), NoTls).await.unwrap();
    tokio::spawn(connection);
    let (admin, connection) = tokio_postgres::connect(db.url(), NoTls).await.unwrap();
    tokio::spawn(connection);
    let lock = locker.transaction().await.unwrap();
    lock.batch_execute("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();

    let client = get(addr, &path, &token).await;
    wait_until("the listing reaches the database", &admin, 1).await;
    drop(client);
    // The lock is still held: only a cancellation can end the statement.
    wait_until("after the client hung up", &admin, 0).await;

    // The server and its pool are fine afterwards.
    lock.rollback().await.unwrap();
    let mut conn = get(addr, &path, &token).await;
    let mut head = [0u8; 12];
    tokio::time::timeout(PATIENCE, conn.read_exact(&mut head))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&head, b"HTTP/1.1 200", "{}", String::from_utf8_lossy(&head));
}
