//! End to end: the real `todo-api` binary, migrated with `todo-api migrate`
//! into a fresh PostgreSQL database, serving on port 0, driven over HTTP
//! with real tokens — HS256 with a shared secret, and EdDSA through a JWKS
//! endpoint served by this test. The database is reached through a TCP
//! proxy the test can cut, to show 503 + Retry-After and recovery without
//! touching the shared server. Finally SIGTERM during an in-flight request
//! (a slowly sent body): the request still gets its answer and the process
//! exits cleanly.
#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use domain::UserId;
use reqwest::StatusCode;
use serde_json::{Value, json};
use test_support::jwks_server::{self, JwksServer};
use test_support::jwt::{TestKey, hs256_token, jwks_json};
use test_support::{TcpProxy, TestDatabase};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_todo-api");
const ISSUER: &str = "http://better-auth.test";
/// Bounds every wait for the server; the test never asserts on speed.
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

/// The binary, run with exactly these variables (nothing inherited, so a
/// developer's own .env cannot change the outcome).
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

async fn migrate(database_url: &str) {
    let output = command(&["migrate"], &[("DATABASE_URL", database_url.to_owned())])
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "migrate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("migrations applied"));
}

/// A running `todo-api serve`.
struct Api {
    child: Child,
    base: String,
    /// `http://ADDR/metrics` when METRICS_BIND_ADDR is set.
    metrics: Option<String>,
    log: Arc<Mutex<String>>,
    http: reqwest::Client,
}

impl Api {
    async fn start(env: &[(&str, String)]) -> Self {
        let mut child = command(&["serve"], env).spawn().unwrap();
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
        let mut metrics = None;
        let base = tokio::time::timeout(PATIENCE, async {
            while let Some(line) = stdout.next_line().await.unwrap() {
                if let Some(url) = line.strip_prefix("metrics on ") {
                    metrics = Some(url.to_owned());
                }
                if let Some(url) = line.strip_prefix("listening on ") {
                    return url.to_owned();
                }
            }
            panic!("todo-api exited before listening: {}", log.lock().unwrap());
        })
        .await
        .expect("todo-api announces its address");
        tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });
        Self {
            child,
            base,
            metrics,
            log,
            http: reqwest::Client::new(),
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> Reply {
        let mut req = self.http.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        if let Some(tag) = if_match {
            req = req.header("If-Match", tag);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            json,
        }
    }

    async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(reqwest::Method::GET, path, Some(token), None, None)
            .await
    }

    /// Polls `path` until it answers `status`.
    async fn wait_for(&self, path: &str, token: Option<&str>, status: StatusCode) {
        let outcome = tokio::time::timeout(PATIENCE, async {
            loop {
                let reply = self
                    .call(reqwest::Method::GET, path, token, None, None)
                    .await;
                if reply.status == status {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
        .await;
        assert!(
            outcome.is_ok(),
            "{path} never answered {status}; log:\n{}",
            self.log()
        );
    }
}

#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    json: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    fn expect(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "{:?}", self.json);
        if status >= 400 {
            assert_eq!(
                self.header("content-type"),
                Some("application/problem+json")
            );
            assert_eq!(self.json["status"], status);
        }
        self
    }
}

/// Signs tokens the way the real issuer would.
trait Minter {
    fn issue(&self, user: UserId, expires_at: u64) -> String;
}

struct Hs256 {
    secret: String,
}

impl Minter for Hs256 {
    fn issue(&self, user: UserId, expires_at: u64) -> String {
        hs256_token(self.secret.as_bytes(), &claims(user, expires_at))
    }
}

/// Like Better Auth: alg EdDSA, a kid, no typ.
impl Minter for TestKey {
    fn issue(&self, user: UserId, expires_at: u64) -> String {
        self.token(&claims(user, expires_at))
    }
}

fn claims(user: UserId, expires_at: u64) -> Value {
    json!({
        "sub": user.to_string(),
        "iss": ISSUER,
        "aud": "todo-api",
        "iat": now(),
        "exp": expires_at,
        "email": "someone@example.test",
    })
}

/// Sets up a database with two users, migrated, behind a proxy.
async fn database() -> (TestDatabase, TcpProxy, UserId, UserId) {
    let db = TestDatabase::create().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    migrate(db.url()).await;
    // Idempotent: a second run finds nothing to do.
    migrate(db.url()).await;
    let proxy = TcpProxy::start(db.server_addr().await).await;
    (db, proxy, alice, bob)
}

fn common_env(db: &TestDatabase, proxy: &TcpProxy) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", db.url_via(proxy.addr())),
        ("API_BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("BETTER_AUTH_URL", ISSUER.to_owned()),
        // Outages are detected within a second rather than the default two.
        ("DATABASE_ACQUIRE_TIMEOUT_MS", "1000".to_owned()),
        (
            "RUST_LOG",
            "info,api_actix=debug,adapters_jwt=debug".to_owned(),
        ),
    ]
}

/// The scenario both modes run: CRUD, pagination, concurrency control,
/// isolation between users, lists, subtasks, labels and moves, a database
/// outage, graceful shutdown.
async fn scenario(mut api: Api, minter: &dyn Minter, proxy: &TcpProxy, alice: UserId, bob: UserId) {
    let a = minter.issue(alice, now() + 600);
    let b = minter.issue(bob, now() + 600);
    let tasks = format!("/api/{alice}/tasks");
    use reqwest::Method as M;

    // Create.
    let created = api
        .call(
            M::POST,
            &tasks,
            Some(&a),
            Some(json!({"title": " Write the report ", "priority": "high",
                        "description": "quarterly", "due_at": "2030-01-31T10:00:00+01:00"})),
            None,
        )
        .await;
    created.expect(201);
    let id = created.json["id"].as_str().unwrap().to_owned();
    let task = format!("{tasks}/{id}");
    assert_eq!(created.header("location"), Some(task.as_str()));
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!(created.json["title"], "Write the report");
    assert_eq!(created.json["user_id"], alice.to_string());
    assert_eq!(created.json["due_at"], "2030-01-31T09:00:00Z");
    assert_eq!(created.json["completed"], false);

    // Validation happens before storage.
    let invalid = api
        .call(
            M::POST,
            &tasks,
            Some(&a),
            Some(json!({"title": "", "id": "x"})),
            None,
        )
        .await;
    invalid.expect(422);
    assert_eq!(invalid.json["errors"].as_array().unwrap().len(), 2);

    // Read one, with its ETag.
    let got = api.get(&task, &a).await;
    got.expect(200);
    assert_eq!(got.header("etag"), Some("\"1\""));
    assert_eq!(got.json, created.json);

    // Conditional read: the version the client holds is still current.
    let unchanged = api
        .http
        .get(api.url(&task))
        .bearer_auth(&a)
        .header("If-None-Match", "W/\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(unchanged.headers()["etag"], "\"1\"");
    assert!(unchanged.bytes().await.unwrap().is_empty());

    // HEAD: GET's status and headers, no body, over the real server.
    let head = api
        .http
        .head(api.url(&task))
        .bearer_auth(&a)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["etag"], "\"1\"");
    assert!(head.headers().contains_key("content-length"));
    assert!(head.bytes().await.unwrap().is_empty());

    // Two more, then page through all three, two at a time, oldest first.
    for title in ["second", "third"] {
        api.call(
            M::POST,
            &tasks,
            Some(&a),
            Some(json!({"title": title})),
            None,
        )
        .await
        .expect(201);
    }
    let first = api
        .get(&format!("{tasks}?sort=created_at&order=asc&limit=2"), &a)
        .await;
    first.expect(200);
    let link = first.header("link").expect("a next page");
    let next = link
        .strip_prefix('<')
        .and_then(|l| l.split_once(">; rel=\"next\""))
        .map(|(url, _)| url.to_owned())
        .unwrap();
    let second = api.get(&next, &a).await;
    second.expect(200);
    assert_eq!(second.header("link"), None);
    let titles: Vec<String> = first
        .json
        .as_array()
        .unwrap()
        .iter()
        .chain(second.json.as_array().unwrap())
        .map(|t| t["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles, ["Write the report", "second", "third"]);
    let found = api.get(&format!("{tasks}?q=REPORT"), &a).await;
    found.expect(200);
    assert_eq!(found.json.as_array().unwrap().len(), 1);

    // Patch with the current ETag, then again with the stale one.
    let patched = api
        .call(
            M::PATCH,
            &task,
            Some(&a),
            Some(json!({"description": null, "completed": true})),
            Some("\"1\""),
        )
        .await;
    patched.expect(200);
    assert_eq!(patched.header("etag"), Some("\"2\""));
    assert_eq!(patched.json["description"], Value::Null);
    assert_eq!(patched.json["completed"], true);
    assert_eq!(patched.json["labels"], json!([]));
    assert_eq!(patched.json["parent_id"], Value::Null);
    assert_eq!(patched.json["priority"], "high");
    api.call(
        M::PATCH,
        &task,
        Some(&a),
        Some(json!({"title": "late"})),
        Some("\"1\""),
    )
    .await
    .expect(412);

    // Replace: omitted optional fields are cleared or defaulted.
    let replaced = api
        .call(
            M::PUT,
            &task,
            Some(&a),
            Some(json!({"title": "Replaced"})),
            Some("\"2\""),
        )
        .await;
    replaced.expect(200);
    assert_eq!(replaced.json["title"], "Replaced");
    assert_eq!(replaced.json["priority"], "medium");
    assert_eq!(replaced.json["completed"], false);
    assert_eq!(replaced.json["due_at"], Value::Null);

    // Complete: toggle, toggle back, set.
    let complete = format!("{task}/complete");
    let toggled = api.call(M::PATCH, &complete, Some(&a), None, None).await;
    toggled.expect(200);
    assert_eq!(toggled.json["completed"], true);
    let back = api.call(M::PATCH, &complete, Some(&a), None, None).await;
    assert_eq!(back.json["completed"], false);
    let set = api
        .call(
            M::PATCH,
            &complete,
            Some(&a),
            Some(json!({"completed": true})),
            None,
        )
        .await;
    set.expect(200);
    assert_eq!(set.json["completed"], true);
    let done = api.get(&format!("{tasks}?status=completed"), &a).await;
    assert_eq!(done.json.as_array().unwrap().len(), 1);
    assert_eq!(done.json[0]["id"], id.as_str());

    // Bob: not on Alice's path, and Alice's task is not found on his.
    api.get(&tasks, &b).await.expect(403);
    api.call(M::DELETE, &task, Some(&b), None, None)
        .await
        .expect(403);
    let bobs_view = format!("/api/{bob}/tasks/{id}");
    api.get(&bobs_view, &b).await.expect(404);
    api.call(
        M::PATCH,
        &bobs_view,
        Some(&b),
        Some(json!({"title": "mine"})),
        None,
    )
    .await
    .expect(404);
    api.call(
        M::PATCH,
        &format!("{bobs_view}/complete"),
        Some(&b),
        None,
        None,
    )
    .await
    .expect(404);
    api.call(M::DELETE, &bobs_view, Some(&b), None, None)
        .await
        .expect(404);
    let bobs_list = api.get(&format!("/api/{bob}/tasks"), &b).await;
    bobs_list.expect(200);
    assert_eq!(bobs_list.json, json!([]));

    // Lists, subtasks, labels and a move; Bob's ids as missing ones.
    organize(&api, &a, &b, alice, bob).await;

    // Bad and expired tokens: the same 401.
    let forged = api.get(&tasks, "not.a.token").await;
    forged.expect(401);
    assert_eq!(
        forged.header("www-authenticate"),
        Some(r#"Bearer error="invalid_token""#)
    );
    let expired = api.get(&tasks, &minter.issue(alice, now() - 3600)).await;
    expired.expect(401);
    assert_eq!(expired.json, forged.json);
    // No credentials at all: the bare challenge (RFC 6750 §3.1), same body.
    let anonymous = api.call(M::GET, &tasks, None, None, None).await;
    anonymous.expect(401);
    assert_eq!(
        anonymous.header("www-authenticate"),
        Some(r#"Bearer realm="todo-api""#)
    );
    assert_eq!(anonymous.json, forged.json);
    api.call(M::GET, &tasks, None, None, None).await.expect(401);

    // Delete, then it is gone.
    api.call(M::DELETE, &task, Some(&a), None, None)
        .await
        .expect(204);
    api.get(&task, &a).await.expect(404);

    // The document is served.
    let doc = api
        .call(M::GET, "/api/openapi.json", None, None, None)
        .await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.json["openapi"], "3.1.0");

    // Database outage: 503 with Retry-After, liveness unaffected, then
    // recovery on its own once the database is back.
    proxy.cut();
    let down = api.get(&tasks, &a).await;
    down.expect(503);
    assert_eq!(down.header("retry-after"), Some("5"));
    api.call(M::GET, "/readyz", None, None, None)
        .await
        .expect(503);
    api.call(M::GET, "/healthz", None, None, None)
        .await
        .expect(200);
    proxy.restore();
    api.wait_for(&tasks, Some(&a), StatusCode::OK).await;
    api.wait_for("/readyz", None, StatusCode::OK).await;

    // Graceful shutdown: SIGTERM while a request is in flight (its body
    // only half sent). The server stops accepting, lets the request finish
    // (201), then exits with success.
    let body = json!({"title": "sent slowly"}).to_string();
    let (head, tail) = body.split_at(body.len() / 2);
    let addr = api.base.trim_start_matches("http://").to_owned();

    // A request actix-http cannot parse gets its own empty 400; the log
    // line it writes is not an ERROR (anyone can send these at will).
    let mut garbage = tokio::net::TcpStream::connect(&addr).await.unwrap();
    garbage.write_all(b"GARBAGE\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(PATIENCE, garbage.read_to_string(&mut answer))
        .await
        .expect("actix answers and closes")
        .ok();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");

    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "POST {tasks} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {a}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{head}",
        body.len()
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    // Ample time for the server to accept the connection and start the
    // handler, which then waits for the rest of the body.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = api.child.id().unwrap();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    tokio::time::sleep(Duration::from_millis(200)).await;
    conn.write_all(tail.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(PATIENCE, conn.read_to_string(&mut response))
        .await
        .expect("the in-flight request is answered")
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    let exit = tokio::time::timeout(PATIENCE, api.child.wait())
        .await
        .expect("todo-api exits after SIGTERM")
        .unwrap();
    assert!(exit.success(), "exit status {exit:?}");

    // The log has a line per request with the route pattern, and no token.
    let log = api.log();
    if std::env::var_os("TEST_VERBOSE").is_some() {
        eprintln!("--- todo-api log ---\n{log}");
    }
    assert!(log.contains("route=\"/api/{user_id}/tasks/{id}\""), "{log}");
    assert!(log.contains("SIGTERM"), "{log}");
    assert!(
        !log.lines()
            .any(|l| l.contains("ERROR") && l.contains("actix_http")),
        "{log}"
    );
    for token in [&a, &b] {
        assert!(!log.contains(token.as_str()), "a token was logged");
    }
    assert!(!log.contains("Bearer"), "{log}");
}

/// Lists, subtasks, labels and a move, over the real binary and database:
/// Alice organises her tasks; Bob's list, label and task ids get from
/// Alice's requests exactly the answer a missing id gets.
async fn organize(api: &Api, a: &str, b: &str, alice: UserId, bob: UserId) {
    use reqwest::Method as M;
    let tasks = format!("/api/{alice}/tasks");
    let id_of = |reply: &Reply| reply.json["id"].as_str().unwrap().to_owned();

    let list = create(api, a, alice, "lists", "Garden").await;
    let label = create(api, a, alice, "labels", "outdoors").await;

    // A task in the list, with the label; a subtask under it, which lands
    // in its parent's list; and a second top-level task after the first.
    let parent = api
        .call(
            M::POST,
            &tasks,
            Some(a),
            Some(json!({"title": "Plant tulips", "list_id": list, "labels": [label]})),
            None,
        )
        .await;
    parent.expect(201);
    assert_eq!(parent.json["list_id"], list.as_str());
    assert_eq!(parent.json["parent_id"], Value::Null);
    assert_eq!(parent.json["labels"], json!([label]));
    assert_eq!(parent.json["subtasks"], json!({"total": 0, "completed": 0}));
    let parent = id_of(&parent);
    let child = api
        .call(
            M::POST,
            &tasks,
            Some(a),
            Some(json!({"title": "Buy bulbs", "parent_id": parent})),
            None,
        )
        .await;
    child.expect(201);
    assert_eq!(child.json["list_id"], list.as_str());
    assert_eq!(child.json["parent_id"], parent.as_str());
    let child = id_of(&child);
    let later = api
        .call(
            M::POST,
            &tasks,
            Some(a),
            Some(json!({"title": "Water", "list_id": list})),
            None,
        )
        .await;
    later.expect(201);
    let later = id_of(&later);
    let counted = api.get(&format!("{tasks}/{parent}"), a).await;
    counted.expect(200);
    assert_eq!(
        counted.json["subtasks"],
        json!({"total": 1, "completed": 0})
    );

    // The subtask moves up, between its former parent and the other task.
    let moved = api
        .call(
            M::POST,
            &format!("{tasks}/{child}/move"),
            Some(a),
            Some(json!({"parent_id": null, "after": parent})),
            None,
        )
        .await;
    moved.expect(200);
    assert_eq!(moved.json["parent_id"], Value::Null);
    assert_eq!(moved.json["list_id"], list.as_str());
    assert_eq!(moved.header("etag"), Some("\"2\""));
    let top = api
        .get(&format!("{tasks}?list_id={list}&parent_id=none"), a)
        .await;
    top.expect(200);
    let order: Vec<&str> = top
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, [parent.as_str(), child.as_str(), later.as_str()]);
    let labelled = api.get(&format!("{tasks}?label={label}"), a).await;
    labelled.expect(200);
    assert_eq!(labelled.json.as_array().unwrap().len(), 1);
    assert_eq!(labelled.json[0]["id"], parent.as_str());
    assert_eq!(
        api.get(&format!("{tasks}/{parent}"), a).await.json["subtasks"],
        json!({"total": 0, "completed": 0})
    );

    // Bob's own list, label and task.
    let bobs_list = create(api, b, bob, "lists", "Garden").await;
    let bobs_label = create(api, b, bob, "labels", "outdoors").await;
    let bobs_task = api
        .call(
            M::POST,
            &format!("/api/{bob}/tasks"),
            Some(b),
            Some(json!({"title": "Bob's", "list_id": bobs_list})),
            None,
        )
        .await;
    bobs_task.expect(201);
    let bobs_task = id_of(&bobs_task);
    let missing = "0190f3a0-0000-7000-8000-00000000dead";

    // Each of Bob's ids in Alice's requests: the answer a missing id gets.
    for (path, make, foreign_id, status) in [
        (
            tasks.clone(),
            create_in_list as fn(&str) -> Value,
            bobs_list.as_str(),
            422,
        ),
        (tasks.clone(), create_with_label, bobs_label.as_str(), 422),
        (tasks.clone(), create_under, bobs_task.as_str(), 422),
        (
            format!("{tasks}/{child}"),
            patch_list,
            bobs_list.as_str(),
            422,
        ),
        (
            format!("{tasks}/{child}/move"),
            move_to_list,
            bobs_list.as_str(),
            422,
        ),
        (
            format!("{tasks}/{child}/move"),
            move_under,
            bobs_task.as_str(),
            422,
        ),
        (
            format!("{tasks}/{child}/move"),
            move_before,
            bobs_task.as_str(),
            422,
        ),
    ] {
        let method = if path.ends_with("/tasks") || path.ends_with("/move") {
            M::POST
        } else {
            M::PATCH
        };
        let foreign = api
            .call(method.clone(), &path, Some(a), Some(make(foreign_id)), None)
            .await;
        foreign.expect(status);
        let absent = api
            .call(method, &path, Some(a), Some(make(missing)), None)
            .await;
        absent.expect(status);
        assert_eq!(foreign.json, absent.json, "{path} {}", make("…"));
    }
    // Bob's task on Alice's path, and Bob's list as a filter.
    let foreign = api
        .call(
            M::POST,
            &format!("{tasks}/{bobs_task}/move"),
            Some(a),
            Some(json!({})),
            None,
        )
        .await;
    foreign.expect(404);
    let absent = api
        .call(
            M::POST,
            &format!("{tasks}/{missing}/move"),
            Some(a),
            Some(json!({})),
            None,
        )
        .await;
    assert_eq!(foreign.json, absent.json);
    for filter in [
        format!("list_id={bobs_list}"),
        format!("label={bobs_label}"),
        format!("parent_id={bobs_task}"),
    ] {
        let foreign = api.get(&format!("{tasks}?{filter}"), a).await;
        foreign.expect(200);
        assert_eq!(foreign.json, json!([]), "{filter}");
    }
    // Bob's list and label on Alice's list and label routes: the answer a
    // missing id gets, on every method; as a list move's anchor, the same
    // 422 as a missing one.
    for (kind, foreign_id) in [("lists", &bobs_list), ("labels", &bobs_label)] {
        let calls = [
            (M::GET, "", None),
            (M::PATCH, "", Some(json!({"name": "Mine now"}))),
            (M::DELETE, "", None),
        ];
        let moves = [(M::POST, "/move", Some(json!({})))];
        let all = if kind == "lists" {
            calls
                .iter()
                .chain(moves.iter())
                .cloned()
                .collect::<Vec<_>>()
        } else {
            calls.to_vec()
        };
        for (method, suffix, body) in all {
            let foreign = api
                .call(
                    method.clone(),
                    &format!("/api/{alice}/{kind}/{foreign_id}{suffix}"),
                    Some(a),
                    body.clone(),
                    None,
                )
                .await;
            let absent = api
                .call(
                    method.clone(),
                    &format!("/api/{alice}/{kind}/{missing}{suffix}"),
                    Some(a),
                    body,
                    None,
                )
                .await;
            absent.expect(404);
            foreign.expect(404);
            assert_eq!(foreign.json, absent.json, "{method} {kind}{suffix}");
        }
    }
    for anchor in ["before", "after"] {
        let foreign = api
            .call(
                M::POST,
                &format!("/api/{alice}/lists/{list}/move"),
                Some(a),
                Some(json!({ anchor: bobs_list })),
                None,
            )
            .await;
        let absent = api
            .call(
                M::POST,
                &format!("/api/{alice}/lists/{list}/move"),
                Some(a),
                Some(json!({ anchor: missing })),
                None,
            )
            .await;
        absent.expect(422);
        foreign.expect(422);
        assert_eq!(foreign.json, absent.json, "list move {anchor}");
    }
    // Bob's lists and labels as Alice sees them: none of his.
    for kind in ["lists", "labels"] {
        let mine = api.get(&format!("/api/{alice}/{kind}"), a).await;
        mine.expect(200);
        let ids: Vec<&str> = mine
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap())
            .collect();
        assert!(
            !ids.contains(&bobs_list.as_str()) && !ids.contains(&bobs_label.as_str()),
            "{kind}: {ids:?}"
        );
    }

    // Bob's things are untouched.
    for (kind, id) in [("lists", &bobs_list), ("labels", &bobs_label)] {
        let still = api.get(&format!("/api/{bob}/{kind}/{id}"), b).await;
        still.expect(200);
        assert_eq!(still.header("etag"), Some("\"1\""), "{kind}");
    }
    let still = api.get(&format!("/api/{bob}/tasks/{bobs_task}"), b).await;
    still.expect(200);
    assert_eq!(still.header("etag"), Some("\"1\""));
}

/// Creates one of `user`'s lists or labels (`kind`) through the API, and
/// gives its id.
async fn create(api: &Api, token: &str, user: UserId, kind: &str, name: &str) -> String {
    let reply = api
        .call(
            reqwest::Method::POST,
            &format!("/api/{user}/{kind}"),
            Some(token),
            Some(json!({ "name": name })),
            None,
        )
        .await;
    reply.expect(201);
    reply.json["id"].as_str().unwrap().to_owned()
}

fn create_in_list(id: &str) -> Value {
    json!({"title": "x", "list_id": id})
}

fn create_with_label(id: &str) -> Value {
    json!({"title": "x", "labels": [id]})
}

fn create_under(id: &str) -> Value {
    json!({"title": "x", "parent_id": id})
}

fn patch_list(id: &str) -> Value {
    json!({"list_id": id})
}

fn move_to_list(id: &str) -> Value {
    json!({"list_id": id})
}

fn move_under(id: &str) -> Value {
    json!({"parent_id": id})
}

fn move_before(id: &str) -> Value {
    json!({"before": id})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hs256_tokens_against_the_real_binary() {
    let (db, proxy, alice, bob) = database().await;
    let secret: String = (0..48)
        .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
        .collect();
    let mut env = common_env(&db, &proxy);
    env.push(("AUTH_MODE", "hs256".to_owned()));
    env.push(("BETTER_AUTH_SECRET", secret.clone()));
    let api = Api::start(&env).await;
    api.wait_for("/readyz", None, StatusCode::OK).await;
    assert!(!api.log().contains(&secret), "the secret was logged");
    scenario(api, &Hs256 { secret }, &proxy, alice, bob).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eddsa_tokens_through_a_jwks_endpoint_against_the_real_binary() {
    let (db, proxy, alice, bob) = database().await;
    let minter = TestKey::ed25519("e2e-key-1");
    // Better Auth is not publishing keys yet.
    let server = JwksServer::start(jwks_server::Reply::Status(503)).await;

    let mut env = common_env(&db, &proxy);
    env.push(("AUTH_MODE", "jwks".to_owned()));
    env.push(("JWKS_URL", server.url()));
    env.push(("JWKS_REFRESH_SECS", "2".to_owned()));
    env.push(("JWKS_COOLDOWN_SECS", "1".to_owned()));
    env.push(("METRICS_BIND_ADDR", "127.0.0.1:0".to_owned()));
    let api = Api::start(&env).await;

    // Better Auth is not publishing keys yet: the API is up but not ready,
    // and a perfectly good token gets 503, not 401.
    let token = minter.issue(alice, now() + 600);
    let early = api.get(&format!("/api/{alice}/tasks"), &token).await;
    early.expect(503);
    assert!(early.header("retry-after").is_some());
    api.call(reqwest::Method::GET, "/readyz", None, None, None)
        .await
        .expect(503);

    // Once the keys are published the API becomes ready by itself.
    server.serve_json(jwks_json(&[minter.jwk()]));
    api.wait_for("/readyz", None, StatusCode::OK).await;

    // Metrics, on their own address: JWKS fetches, the verified-token
    // cache (a miss, then a hit for the same token), the pool, requests.
    let token = minter.issue(alice, now() + 600);
    for _ in 0..2 {
        api.get(&format!("/api/{alice}/tasks"), &token)
            .await
            .expect(200);
    }
    let metrics = api.metrics.clone().expect("metrics are announced");
    let text = api
        .http
        .get(&metrics)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    };
    assert!(value("jwks_fetches_total") >= 2.0, "{text}");
    assert!(value("jwks_fetch_failures_total") >= 1.0, "{text}");
    assert!(value("verified_token_cache_hits_total") >= 1.0, "{text}");
    assert!(value("verified_token_cache_misses_total") >= 1.0, "{text}");
    assert!(value("db_pool_connections") >= 1.0, "{text}");
    value("db_pool_idle_connections");
    value("db_pool_waiting");
    assert!(
        text.lines().any(|l| l.starts_with("http_requests_total{")
            && l.contains(r#"route="/api/{user_id}/tasks""#)
            && l.contains(r#"status="200""#)),
        "{text}"
    );
    // Not on the API's own address.
    api.call(reqwest::Method::GET, "/metrics", None, None, None)
        .await
        .expect(404);
    scenario(api, &minter, &proxy, alice, bob).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_against_the_real_binary() {
    let (db, proxy, alice, bob) = database().await;
    let secret = "rate-limit-secret-rate-limit-secret-0123".to_owned();
    let mut env = common_env(&db, &proxy);
    env.push(("AUTH_MODE", "hs256".to_owned()));
    env.push(("BETTER_AUTH_SECRET", secret.clone()));
    env.push(("RATE_LIMIT_PER_SECOND", "1".to_owned()));
    env.push(("RATE_LIMIT_BURST", "3".to_owned()));
    env.push(("AUTH_FAILURE_LIMIT_PER_MINUTE", "1".to_owned()));
    env.push(("AUTH_FAILURE_LIMIT_BURST", "2".to_owned()));
    let api = Api::start(&env).await;
    api.wait_for("/readyz", None, StatusCode::OK).await;
    let minter = Hs256 { secret };
    let a = minter.issue(alice, now() + 600);
    let tasks = format!("/api/{alice}/tasks");

    // Alice's burst of three, then 429 with Retry-After and the fields.
    for _ in 0..3 {
        let ok = api.get(&tasks, &a).await;
        ok.expect(200);
        assert_eq!(ok.header("ratelimit-policy"), Some("\"user\";q=3;w=3"));
    }
    let refused = api.get(&tasks, &a).await;
    refused.expect(429);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.header("ratelimit"), Some("\"user\";r=0;t=1"));

    // Failed authentication from this address: two 401s, then 429 for
    // everyone here, even Bob with a valid token.
    api.get(&tasks, "forged.token.sig").await.expect(401);
    api.get(&tasks, "forged.token.sig").await.expect(401);
    let blocked = api.get(&tasks, "forged.token.sig").await;
    blocked.expect(429);
    assert!(
        blocked
            .header("ratelimit")
            .is_some_and(|v| v.starts_with("\"auth-failures\";r=0;t="))
    );
    let b = minter.issue(bob, now() + 600);
    api.get(&format!("/api/{bob}/tasks"), &b).await.expect(429);
    // Probes are not limited.
    api.call(reqwest::Method::GET, "/healthz", None, None, None)
        .await
        .expect(200);
}

/// Runs the binary to completion and returns (exit code, stdout, stderr).
async fn run(args: &[&str], env: &[(&str, String)]) -> (i32, String, String) {
    let output = command(args, env).output().await.unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_bad_setting_stops_startup_with_one_line_naming_it() {
    let (code, _, stderr) = run(&["serve"], &[]).await;
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");

    let secret = "too-short-secret";
    let (code, _, stderr) = run(
        &[],
        &[
            (
                "DATABASE_URL",
                "postgres://app:topsecret@127.0.0.1:1/todo".to_owned(),
            ),
            ("BETTER_AUTH_URL", ISSUER.to_owned()),
            ("AUTH_MODE", "hs256".to_owned()),
            ("BETTER_AUTH_SECRET", secret.to_owned()),
        ],
    )
    .await;
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("BETTER_AUTH_SECRET"), "{stderr}");
    assert!(
        !stderr.contains(secret) && !stderr.contains("topsecret"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&["frobnicate"], &[]).await;
    assert_eq!(code, 2);
    assert!(stderr.contains("usage: todo-api"), "{stderr}");
}

#[tokio::test]
async fn migrate_against_an_unreachable_database_fails_without_leaking_the_url() {
    let (code, stdout, stderr) = run(
        &["migrate"],
        &[(
            "DATABASE_URL",
            "postgres://app:topsecret@127.0.0.1:1/todo".to_owned(),
        )],
    )
    .await;
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stdout.contains("migrations applied"));
    assert!(!stderr.contains("topsecret"), "{stderr}");
    assert!(stderr.contains("todo-api: "), "{stderr}");
}
