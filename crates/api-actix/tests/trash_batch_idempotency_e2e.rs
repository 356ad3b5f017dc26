//! End to end against the real `todo-api` binary and real PostgreSQL
//! (issue 12): a task deleted to the trash and restored to its place; a
//! batch that applies, and one that fails on one operation and changes
//! nothing; and the issue's figures: 20 concurrent `POST …/tasks` with one
//! `Idempotency-Key` create exactly one task, every 2xx answer is the same
//! bytes (the others 409 while the first runs), and a replay is the same
//! bytes too; two API processes purging the trash at once delete each
//! expired item exactly once (one `delete` in the change log each) and
//! nothing that has not expired.
#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use domain::UserId;
use serde_json::json;
use test_support::TestDatabase;
use test_support::jwt::hs256_token;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_todo-api");
const ISSUER: &str = "http://better-auth.test";
const SECRET: &str = "an-hs256-secret-of-at-least-thirty-two-bytes-for-tests";
/// Bounds every wait; the tests never assert on speed.
const PATIENCE: Duration = Duration::from_secs(60);

fn command(args: &[&str], env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .current_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

fn token(user: UserId) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    hs256_token(
        SECRET.as_bytes(),
        &json!({"sub": user.to_string(), "iss": ISSUER, "aud": "todo-api",
                "iat": now, "exp": now + 3600}),
    )
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
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (db, user)
}

/// A running `todo-api serve`; killed when dropped.
struct Api {
    _child: Child,
    base: String,
    log: Arc<Mutex<String>>,
}

impl Api {
    async fn start(db: &TestDatabase, extra: &[(&str, &str)]) -> Self {
        let mut env = vec![
            ("DATABASE_URL", db.url().to_owned()),
            ("API_BIND_ADDR", "127.0.0.1:0".to_owned()),
            ("BETTER_AUTH_URL", ISSUER.to_owned()),
            ("AUTH_MODE", "hs256".to_owned()),
            ("BETTER_AUTH_SECRET", SECRET.to_owned()),
            // Twenty requests at once from one user: no per-user rate here.
            ("RATE_LIMIT_PER_SECOND", "0".to_owned()),
            ("RUST_LOG", "info".to_owned()),
        ];
        env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
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
        Self {
            _child: child,
            base,
            log,
        }
    }
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

async fn post_task(http: &reqwest::Client, api: &Api, user: UserId, key: &str) -> Answer {
    let res = http
        .post(format!("{}/api/{user}/tasks", api.base))
        .bearer_auth(token(user))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .body(r#"{"title":"Pay the rent","priority":"high"}"#)
        .send()
        .await
        .unwrap();
    Answer {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        body: res.bytes().await.unwrap().to_vec(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_posts_with_one_key_create_one_task() {
    let (db, user) = database().await;
    let api = Api::start(&db, &[]).await;
    let http = reqwest::Client::new();
    let key = "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"";
    let answers =
        futures_util::future::join_all((0..20).map(|_| post_task(&http, &api, user, key))).await;
    let created: Vec<&Answer> = answers.iter().filter(|a| a.status == 201).collect();
    assert!(!created.is_empty(), "log:\n{}", api.log.lock().unwrap());
    for answer in &answers {
        assert!(
            answer.status == 201 || answer.status == 409,
            "{}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
        if answer.status == 409 {
            assert_eq!(answer.headers["retry-after"], "1");
        }
    }
    for answer in &created {
        assert_eq!(answer.body, created[0].body, "every 2xx is the same bytes");
        assert_eq!(answer.headers["location"], created[0].headers["location"]);
        assert_eq!(answer.headers["etag"], created[0].headers["etag"]);
    }

    // Exactly one task exists.
    let listing: serde_json::Value = http
        .get(format!("{}/api/{user}/tasks", api.base))
        .bearer_auth(token(user))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listing.as_array().unwrap().len(), 1, "{listing}");

    // Once the first has finished, a repeat is a replay of its bytes.
    let replay = post_task(&http, &api, user, key).await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.body, created[0].body);
    assert_eq!(replay.headers["location"], created[0].headers["location"]);
    assert_eq!(replay.headers["etag"], created[0].headers["etag"]);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_purge_each_expired_item_exactly_once() {
    let (db, user) = database().await;
    let (client, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let user_id = user.to_string();
    // 1,234 items deleted 40 days ago (more than two purge batches) and 17
    // deleted 10 days ago, with the default retention of 30 days.
    let seed = "INSERT INTO trash (user_id, id, kind, title, list_id, parent_id, task_count, \
                deleted_at, payload) \
                SELECT ($1::text)::uuid, gen_random_uuid(), 'list', 'List ' || g, NULL, NULL, 0, \
                now() - make_interval(days => $2) - g * interval '1 second', \
                '{\"list\": null, \"tasks\": [], \"task_labels\": [], \"completions\": []}' \
                FROM generate_series(1, $3::int) AS g";
    client
        .execute(seed, &[&user_id, &40i32, &1234i32])
        .await
        .unwrap();
    client
        .execute(seed, &[&user_id, &10i32, &17i32])
        .await
        .unwrap();
    let expired: Vec<String> = client
        .query(
            "SELECT id::text FROM trash WHERE deleted_at < now() - interval '30 days'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(expired.len(), 1234);

    let settings = [
        ("TRASH_PURGE_INTERVAL_SECS", "1"),
        ("TRASH_RETENTION_DAYS", "30"),
    ];
    let first = Api::start(&db, &settings).await;
    let second = Api::start(&db, &settings).await;
    let count = |sql: &'static str| {
        let client = &client;
        async move {
            let row = client.query_one(sql, &[]).await.unwrap();
            row.get::<_, i64>(0)
        }
    };
    let gone = tokio::time::timeout(PATIENCE, async {
        while count("SELECT count(*) FROM trash WHERE deleted_at < now() - interval '30 days'")
            .await
            > 0
        {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
    assert!(
        gone.is_ok(),
        "the purge never finished; logs:\n{}\n{}",
        first.log.lock().unwrap(),
        second.log.lock().unwrap()
    );
    // Let both run another round over what is left.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(count("SELECT count(*) FROM trash").await, 17);
    // Each expired item left the trash once: one `delete` in the change
    // log per id, and none for the items kept.
    let deletes: Vec<(String, i64)> = client
        .query(
            "SELECT entity_id::text, count(*) FROM changes \
             WHERE entity = 'trash' AND op = 'delete' GROUP BY entity_id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert_eq!(deletes.len(), expired.len());
    assert!(deletes.iter().all(|(_, n)| *n == 1));
    let mut deleted: Vec<String> = deletes.into_iter().map(|(id, _)| id).collect();
    let mut expired = expired;
    deleted.sort_unstable();
    expired.sort_unstable();
    assert_eq!(deleted, expired);
    // Neither process failed a round (a lock wait or a conflict would).
    for api in [&first, &second] {
        assert!(
            !api.log.lock().unwrap().contains("trash purge failed"),
            "{}",
            api.log.lock().unwrap()
        );
    }
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    user: UserId,
    body: Option<serde_json::Value>,
) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    let mut req = http.request(method, url).bearer_auth(token(user));
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trash_restore_and_batches_over_http() {
    use reqwest::Method;
    let (db, user) = database().await;
    let api = Api::start(&db, &[]).await;
    let http = reqwest::Client::new();
    let base = format!("{}/api/{user}", api.base);
    let (status, _, first) = call(
        &http,
        Method::POST,
        format!("{base}/tasks"),
        user,
        Some(json!({"title": "First"})),
    )
    .await;
    assert_eq!(status, 201, "{first}");
    let (_, _, second) = call(
        &http,
        Method::POST,
        format!("{base}/tasks"),
        user,
        Some(json!({"title": "Second"})),
    )
    .await;
    let (_, _, child) = call(
        &http,
        Method::POST,
        format!("{base}/tasks"),
        user,
        Some(json!({"title": "Child", "parent_id": second["id"]})),
    )
    .await;
    let second_id = second["id"].as_str().unwrap().to_owned();

    // Deleted: gone from the task routes, in the trash with its subtask.
    let (status, _, _) = call(
        &http,
        Method::DELETE,
        format!("{base}/tasks/{second_id}"),
        user,
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _, _) = call(
        &http,
        Method::GET,
        format!("{base}/tasks/{second_id}"),
        user,
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, trash) = call(&http, Method::GET, format!("{base}/trash"), user, None).await;
    assert_eq!(status, 200);
    assert_eq!(trash[0]["id"], second["id"]);
    assert_eq!(trash[0]["kind"], "task");
    assert_eq!(trash[0]["task_count"], 2);

    // Restored: the same id, place and subtask, at a new version.
    let (status, headers, restored) = call(
        &http,
        Method::POST,
        format!("{base}/trash/{second_id}/restore"),
        user,
        None,
    )
    .await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["kind"], "task");
    assert_eq!(restored["task"]["position"], second["position"]);
    assert_eq!(
        headers["location"],
        format!("/api/{user}/tasks/{second_id}").as_str()
    );
    let (status, _, back) = call(
        &http,
        Method::GET,
        format!("{base}/tasks/{}", child["id"].as_str().unwrap()),
        user,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(back["parent_id"], second["id"]);
    let (_, _, trash) = call(&http, Method::GET, format!("{base}/trash"), user, None).await;
    assert_eq!(trash, json!([]));
    let (status, _, _) = call(
        &http,
        Method::POST,
        format!("{base}/trash/{second_id}/restore"),
        user,
        None,
    )
    .await;
    assert_eq!(status, 404);

    // A batch that applies, in order.
    let (status, _, done) = call(
        &http,
        Method::POST,
        format!("{base}/tasks/batch"),
        user,
        Some(json!({"operations": [
            {"op": "complete", "id": first["id"], "if_match": "\"1\""},
            {"op": "update", "id": second["id"], "title": "Second, renamed"},
        ]})),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["tasks"][0]["completed"], true);
    assert_eq!(done["tasks"][1]["title"], "Second, renamed");

    // One missing task among the operations: 404 pointing at it, and the
    // other operations did not happen.
    let missing = "0190f3a0-0000-7000-8000-00000000dead";
    let (status, _, problem) = call(
        &http,
        Method::POST,
        format!("{base}/tasks/batch"),
        user,
        Some(json!({"operations": [
            {"op": "update", "id": second["id"], "title": "Never"},
            {"op": "delete", "id": missing},
            {"op": "reopen", "id": first["id"]},
        ]})),
    )
    .await;
    assert_eq!(status, 404, "{problem}");
    assert_eq!(problem["type"], "urn:todo-api:problem:batch-failed");
    assert_eq!(problem["errors"][0]["field"], "/operations/1/id");
    let (_, _, now) = call(
        &http,
        Method::GET,
        format!("{base}/tasks/{second_id}"),
        user,
        None,
    )
    .await;
    assert_eq!(now["title"], "Second, renamed");
    let (_, _, now) = call(
        &http,
        Method::GET,
        format!("{base}/tasks/{}", first["id"].as_str().unwrap()),
        user,
        None,
    )
    .await;
    assert_eq!(now["completed"], true);
}
