//! The export streams: the real `todo-api` binary exports 100,000 tasks
//! (seeded with SQL) while the test samples the process's resident memory
//! from `/proc/<pid>/status`; it must grow by less than 20 MB, and the
//! document must hold every task.
#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::json;
use test_support::TestDatabase;
use test_support::jwt::hs256_token;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_todo-api");
const ISSUER: &str = "http://better-auth.test";
const TASKS: usize = 100_000;
const MAX_GROWTH_KB: u64 = 20 * 1024;

fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn command(args: &[&str], env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // The server's warnings (an export cut short says why) go to the
        // test's output.
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    cmd
}

/// `VmRSS` and `VmHWM` of `pid`, in kB.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// 10 lists of 10,000 top-level tasks each (the per-list limit), written
/// by SQL with the triggers off (`session_replication_role`): the change
/// log does not matter here, the seconds do.
async fn seed(db: &TestDatabase, user: domain::UserId) {
    let (client, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let user: uuid::Uuid = user.into();
    client
        .batch_execute("SET session_replication_role = replica")
        .await
        .unwrap();
    client
        .execute(
            "INSERT INTO lists (id, user_id, name, color, position, is_inbox) \
             SELECT gen_random_uuid(), $1, 'List ' || g, 'gray', 'b' || lpad(g::text, 2, '0'), false \
               FROM generate_series(1, 10) g",
            &[&user],
        )
        .await
        .unwrap();
    let inserted = client
        .execute(
            "INSERT INTO tasks (id, user_id, title, description, list_id, position) \
             SELECT gen_random_uuid(), $1, 'Task number ' || n, \
                    'A description long enough to make each row a few hundred bytes of JSON', \
                    l.id, 'd' || lpad((n % 10000)::text, 4, '0') \
               FROM generate_series(0, $2::bigint - 1) n \
               JOIN (SELECT id, row_number() OVER (ORDER BY position) - 1 AS i \
                       FROM lists WHERE user_id = $1) l ON l.i = n / 10000",
            &[&user, &i64::try_from(TASKS).unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(inserted, TASKS as u64);
}

#[derive(Deserialize)]
struct Counted {
    tasks: Vec<IgnoredAny>,
    lists: Vec<IgnoredAny>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exporting_100k_tasks_streams_in_bounded_memory() {
    let db = TestDatabase::create().await;
    let alice = db.insert_user().await;
    let migrated = command(&["migrate"], &[("DATABASE_URL", db.url().to_owned())])
        .output()
        .await
        .unwrap();
    assert!(migrated.status.success());
    seed(&db, alice).await;

    let secret: String = (0..48)
        .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
        .collect();
    let env = vec![
        ("DATABASE_URL", db.url().to_owned()),
        ("API_BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("BETTER_AUTH_URL", ISSUER.to_owned()),
        ("AUTH_MODE", "hs256".to_owned()),
        ("BETTER_AUTH_SECRET", secret.clone()),
        ("RUST_LOG", "warn".to_owned()),
    ];
    let mut child = command(&["serve"], &env).spawn().unwrap();
    let pid = child.id().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = stdout.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("listening on ") {
                return url.to_owned();
            }
        }
        panic!("todo-api exited before listening");
    })
    .await
    .unwrap();
    tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let token = hs256_token(
        secret.as_bytes(),
        &json!({"sub": alice.to_string(), "iss": ISSUER, "aud": "todo-api", "iat": now, "exp": now + 900}),
    );
    let http = reqwest::Client::new();
    let url = format!("{base}/api/{alice}/export");
    // Warm up every path the export takes (pool, prepared statements,
    // allocator arenas) on a small read, then take the baseline.
    let warm = http
        .get(format!("{base}/api/{alice}/lists"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(warm.status(), 200);
    let (baseline, _) = memory(pid);

    let mut res = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let mut body = Vec::with_capacity(64 * 1024 * 1024);
    let mut peak = baseline;
    let mut chunks = 0u64;
    while let Some(chunk) = res.chunk().await.unwrap() {
        body.extend_from_slice(&chunk);
        chunks += 1;
        if chunks % 16 == 0 {
            peak = peak.max(memory(pid).0);
        }
    }
    let (rss, hwm) = memory(pid);
    peak = peak.max(rss).max(hwm);
    let growth = peak.saturating_sub(baseline);
    eprintln!(
        "export: {} bytes in {chunks} chunks; RSS baseline {baseline} kB, peak {peak} kB, growth {growth} kB",
        body.len()
    );
    assert!(
        growth < MAX_GROWTH_KB,
        "memory grew by {growth} kB while exporting (limit {MAX_GROWTH_KB} kB)"
    );
    let doc: Counted = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc.tasks.len(), TASKS);
    // The ten seeded lists and the Inbox, made by the warm-up's listing.
    assert_eq!(doc.lists.len(), 11);
    child.kill().await.unwrap();
}
