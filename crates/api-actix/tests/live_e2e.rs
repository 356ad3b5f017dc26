//! End to end for the change feed (issue 10): real `todo-api` processes on
//! one fresh PostgreSQL database, real HS256 tokens, server-sent events
//! read over HTTP as a browser's `fetch` would.
//!
//! - a write through one instance reaches a subscriber of another within
//!   1 s;
//! - resume: a client disconnects, 50 changes happen (through both
//!   instances), and reconnecting with `Last-Event-ID` replays exactly
//!   those 50, in order;
//! - the LISTEN connection killed (`pg_terminate_backend`) while writes go
//!   on: the subscriber still receives every change once, in order;
//! - 8 concurrent writers × 200 writes for one user: the subscriber and
//!   `GET …/changes` (paged) both see every `seq`, no gap, no repeat;
//! - SIGTERM with a stream open: the stream ends at once and the process
//!   exits well before its 30 s shutdown timeout.
#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use domain::UserId;
use serde_json::{Value, json};
use test_support::TestDatabase;
use test_support::jwt::hs256_token;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_todo-api");
const ISSUER: &str = "http://better-auth.test";
const SECRET: &str = "live-e2e-secret-live-e2e-secret-live-e2e-secret";
/// Bounds every wait that is not itself the assertion.
const PATIENCE: Duration = Duration::from_secs(60);

fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn token(user: UserId) -> String {
    hs256_token(
        SECRET.as_bytes(),
        &json!({
            "sub": user.to_string(),
            "iss": ISSUER,
            "aud": "todo-api",
            "iat": now(),
            "exp": now() + 600,
        }),
    )
}

/// The binary with exactly these variables (nothing inherited).
fn command(args: &[&str], env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// A migrated database with one user.
async fn database() -> (TestDatabase, UserId) {
    let db = TestDatabase::create().await;
    let user = db.insert_user().await;
    let output = command(&["migrate"], &[("DATABASE_URL", db.url().to_owned())])
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "migrate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (db, user)
}

/// One running `todo-api serve`.
struct Api {
    child: Child,
    base: String,
    log: Arc<Mutex<String>>,
    http: reqwest::Client,
}

impl Api {
    async fn start(db: &TestDatabase) -> Self {
        let env = [
            ("DATABASE_URL", db.url().to_owned()),
            ("API_BIND_ADDR", "127.0.0.1:0".to_owned()),
            ("BETTER_AUTH_URL", ISSUER.to_owned()),
            ("AUTH_MODE", "hs256".to_owned()),
            ("BETTER_AUTH_SECRET", SECRET.to_owned()),
            // One user writes 1,600 times as fast as it can.
            ("RATE_LIMIT_PER_SECOND", "0".to_owned()),
            ("DATABASE_MAX_CONNECTIONS", "12".to_owned()),
            (
                "RUST_LOG",
                "info,api_actix=debug,adapters_postgres=debug".to_owned(),
            ),
        ];
        let mut child = command(&["serve"], &env).spawn().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let sink = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = tokio::time::timeout(PATIENCE, async {
            while let Some(line) = stdout.next_line().await.unwrap() {
                if let Some(url) = line.strip_prefix("listening on ") {
                    return url.to_owned();
                }
            }
            panic!("todo-api exited before listening: {}", log.lock().unwrap());
        })
        .await
        .expect("todo-api announces its address");
        tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });
        let api = Self {
            child,
            base,
            log,
            http: reqwest::Client::new(),
        };
        api.wait_ready().await;
        api
    }

    async fn wait_ready(&self) {
        let ready = tokio::time::timeout(PATIENCE, async {
            loop {
                if let Ok(res) = self.http.get(format!("{}/readyz", self.base)).send().await
                    && res.status() == 200
                {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
        .await;
        assert!(ready.is_ok(), "never ready: {}", self.log());
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Creates a task; returns its id.
    async fn create_task(&self, user: UserId, token: &str, title: &str) -> String {
        let res = self
            .http
            .post(format!("{}/api/{user}/tasks", self.base))
            .bearer_auth(token)
            .json(&json!({"title": title}))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    async fn changes(&self, user: UserId, token: &str, since: u64, limit: u16) -> Value {
        let res = self
            .http
            .get(format!(
                "{}/api/{user}/changes?since={since}&limit={limit}",
                self.base
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    async fn latest(&self, user: UserId, token: &str) -> u64 {
        let mut since = 0;
        loop {
            let page = self.changes(user, token, since, 1000).await;
            since = page["next"].as_u64().unwrap();
            if !page["has_more"].as_bool().unwrap() {
                return since;
            }
        }
    }

    async fn subscribe(&self, user: UserId, token: &str, last_event_id: Option<u64>) -> Sse {
        let mut req = self
            .http
            .get(format!("{}/api/{user}/events", self.base))
            .bearer_auth(token)
            .header("Accept", "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers().get("content-type").unwrap(),
            "text/event-stream"
        );
        Sse {
            res,
            buffer: String::new(),
        }
    }
}

/// One event: `(id, event, data)`.
#[derive(Debug, Clone)]
struct Event {
    id: Option<u64>,
    kind: String,
    data: Value,
}

/// An open event stream.
struct Sse {
    res: reqwest::Response,
    buffer: String,
}

impl Sse {
    /// The next event (comments skipped); `None` when nothing came within
    /// `wait` or the stream ended.
    async fn next_within(&mut self, wait: Duration) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let mut event = Event {
                    id: None,
                    kind: String::new(),
                    data: Value::Null,
                };
                let mut comment = false;
                for line in frame.lines() {
                    if line.starts_with(':') {
                        comment = true;
                    } else if let Some(v) = line.strip_prefix("id: ") {
                        event.id = Some(v.parse().unwrap());
                    } else if let Some(v) = line.strip_prefix("event: ") {
                        event.kind = v.to_owned();
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        event.data = serde_json::from_str(v).unwrap();
                    }
                }
                if !comment {
                    return Some(event);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk()).await;
            match chunk {
                Ok(Ok(Some(bytes))) => self.buffer.push_str(std::str::from_utf8(&bytes).unwrap()),
                _ => return None,
            }
        }
    }

    async fn next(&mut self) -> Event {
        self.next_within(PATIENCE)
            .await
            .expect("an event before the patience runs out")
    }

    /// The `ready` event's seq (the first event on a stream without a
    /// replay).
    async fn ready(&mut self) -> u64 {
        let event = self.next().await;
        assert_eq!(event.kind, "ready", "{event:?}");
        event.id.unwrap()
    }

    /// Change events until `until` (inclusive), their seqs in order.
    async fn seqs_until(&mut self, until: u64) -> Vec<u64> {
        let mut seqs = Vec::new();
        while seqs.last().is_none_or(|last| *last < until) {
            let event = self.next().await;
            assert!(event.kind.contains('.'), "{event:?}");
            assert_eq!(event.data["seq"].as_u64(), event.id);
            seqs.push(event.id.unwrap());
        }
        seqs
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_one_instance_reaches_a_subscriber_of_another_within_a_second() {
    let (db, user) = database().await;
    let token = token(user);
    let (a, b) = tokio::join!(Api::start(&db), Api::start(&db));
    // The first write also creates the Inbox (a list change of its own).
    a.create_task(user, &token, "warm-up").await;
    let mut stream = b.subscribe(user, &token, None).await;
    let start = stream.ready().await;
    for i in 1..=5u64 {
        let id = a.create_task(user, &token, &format!("task {i}")).await;
        let written = Instant::now();
        let event = stream
            .next_within(Duration::from_secs(1))
            .await
            .unwrap_or_else(|| panic!("no event within 1 s of write {i}; log:\n{}", b.log()));
        let took = written.elapsed();
        assert!(took < Duration::from_secs(1), "{took:?}");
        assert_eq!(event.kind, "task.upsert");
        assert_eq!(event.data["id"], id.as_str());
        assert_eq!(event.data["data"]["title"], format!("task {i}"));
        assert!(event.id.unwrap() > start);
        eprintln!("write {i} through A reached B's subscriber after {took:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_resumes_with_last_event_id_and_gets_exactly_what_it_missed() {
    let (db, user) = database().await;
    let token = token(user);
    let (a, b) = tokio::join!(Api::start(&db), Api::start(&db));
    // Something before, so that the resume point is not the start.
    a.create_task(user, &token, "before").await;
    let mut stream = a.subscribe(user, &token, None).await;
    let seen = stream.ready().await;
    drop(stream);
    let mut titles = Vec::new();
    for i in 0..50 {
        let through = if i % 2 == 0 { &a } else { &b };
        let title = format!("missed {i}");
        through.create_task(user, &token, &title).await;
        titles.push(title);
    }
    let mut resumed = b.subscribe(user, &token, Some(seen)).await;
    let mut got = Vec::new();
    for _ in 0..50 {
        let event = resumed.next().await;
        assert_eq!(event.kind, "task.upsert", "{event:?}");
        got.push((
            event.id.unwrap(),
            event.data["data"]["title"].as_str().unwrap().to_owned(),
        ));
    }
    let expected: Vec<(u64, String)> = (seen + 1..=seen + 50).zip(titles).collect();
    assert_eq!(got, expected);
    // Then the replay is over: nothing more, the ready event at the end.
    let ready = resumed.next().await;
    assert_eq!((ready.kind.as_str(), ready.id), ("ready", Some(seen + 50)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_listen_connection_loses_no_change() {
    let (db, user) = database().await;
    let token = token(user);
    let api = Api::start(&db).await;
    // The first write also creates the Inbox (a list change of its own).
    api.create_task(user, &token, "warm-up").await;
    let mut stream = api.subscribe(user, &token, None).await;
    let start = stream.ready().await;
    let (admin, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let writes = 60u64;
    let writer = {
        let http = api.http.clone();
        let base = api.base.clone();
        let token = token.clone();
        tokio::spawn(async move {
            for i in 0..writes {
                let res = http
                    .post(format!("{base}/api/{user}/tasks"))
                    .bearer_auth(&token)
                    .json(&json!({"title": format!("write {i}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let mut killed = 0;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let rows = admin
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND application_name = $1",
                &[&adapters_postgres::LISTEN_APPLICATION_NAME],
            )
            .await
            .unwrap();
        killed += rows.len();
    }
    assert!(killed >= 1, "no LISTEN connection found to kill");
    writer.await.unwrap();
    let seqs = stream.seqs_until(start + writes).await;
    assert_eq!(seqs, (start + 1..=start + writes).collect::<Vec<_>>());
    assert!(
        stream
            .next_within(Duration::from_millis(500))
            .await
            .is_none(),
        "a duplicate"
    );
    eprintln!("killed the LISTEN connection {killed} times; every change arrived once, in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_produce_every_seq_once_for_a_subscriber_and_for_changes() {
    const WRITERS: u64 = 8;
    const EACH: u64 = 200;
    let (db, user) = database().await;
    let token = token(user);
    let (a, b) = tokio::join!(Api::start(&db), Api::start(&db));
    // The first write also creates the Inbox: done before counting.
    a.create_task(user, &token, "warm-up").await;
    let mut stream = a.subscribe(user, &token, None).await;
    let start = stream.ready().await;
    assert_eq!(start, a.latest(user, &token).await);
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (http, base) = if w % 2 == 0 {
            (a.http.clone(), a.base.clone())
        } else {
            (b.http.clone(), b.base.clone())
        };
        let token = token.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..EACH {
                let res = http
                    .post(format!("{base}/api/{user}/tasks"))
                    .bearer_auth(&token)
                    .json(&json!({"title": format!("writer {w} write {i}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    res.status(),
                    201,
                    "{}",
                    res.text().await.unwrap_or_default()
                );
            }
        }));
    }
    let end = start + WRITERS * EACH;
    let streamed = stream.seqs_until(end).await;
    for writer in writers {
        writer.await.unwrap();
    }
    let expected: Vec<u64> = (start + 1..=end).collect();
    assert_eq!(streamed, expected, "the subscriber");
    assert!(
        stream
            .next_within(Duration::from_millis(500))
            .await
            .is_none()
    );
    // The same through the polling endpoint, in pages.
    let mut polled = Vec::new();
    let mut since = start;
    loop {
        let page = b.changes(user, &token, since, 1000).await;
        for change in page["changes"].as_array().unwrap() {
            polled.push(change["seq"].as_u64().unwrap());
        }
        since = page["next"].as_u64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(polled, expected, "changes?since");
    assert_eq!(since, end);
    // From the very start: 1 … end, no gap.
    let mut since = 0;
    let mut all = Vec::new();
    loop {
        let page = a.changes(user, &token, since, 1000).await;
        all.extend(
            page["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["seq"].as_u64().unwrap()),
        );
        since = page["next"].as_u64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(all, (1..=end).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_open_streams_at_once_instead_of_waiting_out_the_shutdown_timeout() {
    let (db, user) = database().await;
    let token = token(user);
    let mut api = Api::start(&db).await;
    let mut streams = Vec::new();
    for _ in 0..3 {
        let mut stream = api.subscribe(user, &token, None).await;
        stream.ready().await;
        streams.push(stream);
    }
    let pid = api.child.id().unwrap();
    let signalled = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    for stream in &mut streams {
        // The stream ends (no event, no error) rather than staying open.
        assert!(stream.next_within(Duration::from_secs(10)).await.is_none());
    }
    let exit = tokio::time::timeout(Duration::from_secs(10), api.child.wait())
        .await
        .expect("todo-api exits well before SHUTDOWN_TIMEOUT_SECS (30 s)")
        .unwrap();
    assert!(exit.success(), "exit status {exit:?}; log:\n{}", api.log());
    let took = signalled.elapsed();
    eprintln!("SIGTERM with 3 open streams: exited after {took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
}
