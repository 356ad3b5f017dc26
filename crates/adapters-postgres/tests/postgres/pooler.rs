//! Behind a real PgBouncer in `pool_mode = transaction` (Debian's 1.18: no
//! prepared-statement support, startup `options` refused), started by the
//! test on a free port with a configuration of its own, in front of the
//! test's database. Fewer server connections than client connections, so
//! every server connection serves many clients.
//!
//! Without `pgbouncer` installed these tests say so and pass, except under
//! CI (`CI` set), where they fail: `.ci/run` installs it.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use adapters_postgres::{PgTaskRepo, PoolerMode, run_migrations};
use domain::{CompletionChange, TaskLocation, TaskPatch, TaskQuery, UserId};
use ports::{CreateTaskError, ListTasksError, TaskRepo};
use test_support::TestDatabase;

use crate::fixtures::{HANG_GUARD, fields, settings};

/// Concurrent workers per round; each runs create, list, get, patch,
/// complete and delete in turn.
const WORKERS: usize = 64;
const ROUNDS: usize = 4;
/// PgBouncer's server connections per database/user pair, well below the
/// repository's client connections.
const SERVER_CONNECTIONS: usize = 3;
const CLIENT_CONNECTIONS: usize = 16;

/// A PgBouncer process of the test's own; killed on drop.
pub(crate) struct PgBouncer {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
    database: String,
    user: String,
}

impl PgBouncer {
    /// Starts PgBouncer in transaction mode in front of `db`, or returns
    /// `None` (after saying why) when it is not installed outside CI.
    pub(crate) fn start(db: &TestDatabase, extra: &str) -> Option<Self> {
        let Some(binary) = find_binary() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "pgbouncer is not installed (apt-get install pgbouncer; .ci/run does)"
            );
            eprintln!("SKIPPED: pgbouncer is not installed (apt-get install pgbouncer)");
            return None;
        };
        let target = tokio_postgres::Config::from_str(db.url()).unwrap();
        let host = match &target.get_hosts()[0] {
            tokio_postgres::config::Host::Tcp(host) => host.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        };
        let port = target.get_ports().first().copied().unwrap_or(5432);
        let user = target.get_user().unwrap_or("postgres").to_owned();
        let database = target.get_dbname().unwrap().to_owned();
        let password = target
            .get_password()
            .map(|p| format!(" password={}", String::from_utf8_lossy(p)))
            .unwrap_or_default();

        let addr = test_support::unused_local_addr();
        let listen_port = addr.port();
        let dir = std::env::temp_dir().join(format!("todo-pgbouncer-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let ini = dir.join("pgbouncer.ini");
        // auth_type = any: clients are not checked; the database entry
        // logs in to PostgreSQL with the test database's own credentials.
        std::fs::write(
            &ini,
            format!(
                "[databases]\n\
                 * = host={host} port={port} user={user}{password}\n\
                 [pgbouncer]\n\
                 listen_addr = 127.0.0.1\n\
                 listen_port = {listen_port}\n\
                 unix_socket_dir =\n\
                 auth_type = any\n\
                 pool_mode = transaction\n\
                 default_pool_size = {SERVER_CONNECTIONS}\n\
                 max_client_conn = 500\n\
                 logfile =\n\
                 pidfile =\n\
                 {extra}\n"
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.join("pgbouncer.log")).unwrap();
        let mut command = Command::new(binary);
        // PgBouncer refuses to run as root; -u switches to another user.
        if running_as_root() {
            command.args(["-u", "postgres"]);
        }
        let child = command
            .arg(&ini)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut bouncer = Self {
            child,
            addr,
            dir,
            database,
            user,
        };
        bouncer.wait_until_listening();
        Some(bouncer)
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(self.addr).is_err() {
            let exited = self.child.try_wait().unwrap();
            if exited.is_some() || Instant::now() > deadline {
                panic!(
                    "pgbouncer did not start ({exited:?}): {}",
                    std::fs::read_to_string(self.dir.join("pgbouncer.log")).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The test database's URL through PgBouncer.
    pub(crate) fn url(&self) -> String {
        format!("postgres://{}@{}/{}", self.user, self.addr, self.database)
    }

    /// How many named statements each server connection holds: opens one
    /// client per server connection, each holding a transaction open, so
    /// together they occupy every server connection PgBouncer may use.
    async fn prepared_statements_left(&self) -> Vec<i64> {
        let mut clients = Vec::new();
        for _ in 0..SERVER_CONNECTIONS {
            let (client, connection) = tokio_postgres::connect(&self.url(), tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(connection);
            clients.push(client);
        }
        let mut counts = Vec::new();
        for client in &clients {
            // Simple queries only: no named statement of our own.
            let messages = client
                .simple_query("BEGIN; SELECT count(*) FROM pg_prepared_statements")
                .await
                .unwrap();
            let values: Vec<String> = messages
                .iter()
                .filter_map(|m| match m {
                    tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
                    _ => None,
                })
                .collect();
            counts.push(values[0].parse().unwrap());
        }
        for client in &clients {
            client.batch_execute("COMMIT").await.unwrap();
        }
        counts
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn find_binary() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/sbin")])
        .map(|dir| dir.join("pgbouncer"))
        .find(|candidate| candidate.is_file())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

pub(crate) async fn migrated_db() -> TestDatabase {
    let db = TestDatabase::create().await;
    // Migrations take session-level locks: always on a direct connection.
    run_migrations(&db.url().into()).await.unwrap();
    db
}

pub(crate) fn repo_via(bouncer: &PgBouncer, pooler: PoolerMode) -> PgTaskRepo {
    let mut settings = settings(&bouncer.url());
    settings.max_connections = CLIENT_CONNECTIONS;
    settings.pooler = pooler;
    PgTaskRepo::new(&settings).unwrap()
}

/// One worker's round: every operation once, each result checked. Returns
/// the first failure, described.
async fn worker(repo: Arc<PgTaskRepo>, owner: UserId, n: usize) -> Result<(), String> {
    let created = repo
        .create(owner, fields(&format!("task {n}")), TaskLocation::default())
        .await
        .map_err(|e| format!("create: {e:?}"))?;
    let page = repo
        .list(owner, &TaskQuery::default())
        .await
        .map_err(|e| format!("list: {e:?}"))?;
    if !page.tasks.iter().any(|t| t.id == created.id) && !page.has_more {
        return Err("list: the new task is missing".into());
    }
    let got = repo
        .get(owner, created.id)
        .await
        .map_err(|e| format!("get: {e:?}"))?;
    if got != created {
        return Err(format!("get: {got:?} != {created:?}"));
    }
    let patch = TaskPatch {
        title: Some(domain::Title::parse(&format!("task {n} renamed")).unwrap()),
        ..TaskPatch::default()
    };
    let patched = repo
        .patch(owner, created.id, patch, Some(created.version))
        .await
        .map_err(|e| format!("patch: {e:?}"))?;
    let completed = repo
        .set_completed(owner, created.id, CompletionChange::Toggle, None)
        .await
        .map_err(|e| format!("complete: {e:?}"))?;
    if !completed.fields.completed || completed.version.get() != patched.version.get() + 1 {
        return Err(format!("complete: {completed:?}"));
    }
    repo.delete(owner, created.id, Some(completed.version))
        .await
        .map_err(|e| format!("delete: {e:?}"))?;
    Ok(())
}

/// Runs the rounds; returns every failure.
async fn workload(repo: &Arc<PgTaskRepo>, owners: &[UserId]) -> Vec<String> {
    let mut failures = Vec::new();
    for round in 0..ROUNDS {
        let workers: Vec<_> = (0..WORKERS)
            .map(|i| {
                let repo = Arc::clone(repo);
                let owner = owners[i % owners.len()];
                tokio::spawn(worker(repo, owner, round * WORKERS + i))
            })
            .collect();
        for worker in workers {
            if let Err(failure) = tokio::time::timeout(HANG_GUARD, worker)
                .await
                .expect("a worker hung")
                .unwrap()
            {
                failures.push(failure);
            }
        }
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transaction_mode_serves_concurrent_operations_without_errors() {
    let db = migrated_db().await;
    let Some(bouncer) = PgBouncer::start(&db, "") else {
        return;
    };
    let repo = Arc::new(repo_via(&bouncer, PoolerMode::Transaction));
    let mut owners = Vec::new();
    for _ in 0..4 {
        owners.push(db.insert_user().await);
    }

    let failures = workload(&repo, &owners).await;
    assert!(
        failures.is_empty(),
        "{} of {} workers failed, e.g. {:?}",
        failures.len(),
        ROUNDS * WORKERS,
        &failures[..failures.len().min(5)]
    );
    repo.ping().await.unwrap();

    // Every statement was closed inside its transaction: no server
    // connection keeps one that could collide with another client's.
    let left = bouncer.prepared_statements_left().await;
    assert_eq!(left, vec![0; SERVER_CONNECTIONS], "named statements left");
}

#[tokio::test]
async fn transaction_mode_keeps_the_statement_and_lock_timeouts() {
    let db = migrated_db().await;
    let Some(bouncer) = PgBouncer::start(&db, "") else {
        return;
    };
    let mut settings = settings(&bouncer.url());
    settings.pooler = PoolerMode::Transaction;
    settings.statement_timeout = Duration::from_millis(300);
    settings.lock_timeout = Duration::from_millis(200);
    let repo = PgTaskRepo::new(&settings).unwrap();
    let owner = db.insert_user().await;
    repo.create(owner, fields("fine"), TaskLocation::default())
        .await
        .unwrap();

    let (admin, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    admin
        .batch_execute(
            "CREATE FUNCTION slow_task() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.title = 'slow' THEN PERFORM pg_sleep(5); END IF; RETURN NEW; END $$; \
             CREATE TRIGGER slow_task BEFORE INSERT ON tasks \
             FOR EACH ROW EXECUTE FUNCTION slow_task();",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let e = repo
        .create(owner, fields("slow"), TaskLocation::default())
        .await
        .unwrap_err();
    assert!(matches!(e, CreateTaskError::Unavailable(_)), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "statement_timeout did not apply"
    );

    admin
        .batch_execute("BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let started = Instant::now();
    let e = repo.list(owner, &TaskQuery::default()).await.unwrap_err();
    assert!(matches!(e, ListTasksError::Unavailable(_)), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "lock_timeout did not apply"
    );
    admin.batch_execute("ROLLBACK").await.unwrap();

    // The server connections those timeouts hit serve the next operations.
    assert_eq!(
        repo.list(owner, &TaskQuery::default())
            .await
            .unwrap()
            .tasks
            .len(),
        1
    );
}

/// Without the setting: PgBouncer 1.18 refuses the startup `options` that
/// carry the timeouts, so nothing works; and where it is told to ignore
/// them, statements prepared on one server connection are executed on
/// another.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_the_setting_it_fails() {
    let db = migrated_db().await;
    let Some(strict) = PgBouncer::start(&db, "") else {
        return;
    };
    let owner = db.insert_user().await;
    let repo = repo_via(&strict, PoolerMode::None);
    let e = repo
        .create(owner, fields("refused"), TaskLocation::default())
        .await
        .unwrap_err();
    assert!(
        format!("{e:?}").contains("unsupported startup parameter: options"),
        "{e:?}"
    );
    drop(strict);

    let Some(lenient) = PgBouncer::start(&db, "ignore_startup_parameters = options") else {
        return;
    };
    let repo = Arc::new(repo_via(&lenient, PoolerMode::None));
    let failures = workload(&repo, &[owner]).await;
    assert!(
        failures.iter().any(|f| f.contains("prepared statement")),
        "expected prepared-statement errors, got {} failures: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}

/// Operations abandoned mid-statement (an HTTP client that hung up, a
/// missed deadline) send no cancel request through the pooler: PgBouncer
/// 1.18 exits ("bad client state: 0", pgbouncer#801) when a cancel
/// request's connection closes before it forwarded it, which `just
/// bench-api` hit within seconds. The connection is closed instead, and
/// PgBouncer stays up and serves the next operations.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn abandoned_operations_send_no_cancel_request_through_the_pooler() {
    let db = migrated_db().await;
    let Some(mut bouncer) = PgBouncer::start(&db, "") else {
        return;
    };
    let repo = Arc::new(repo_via(&bouncer, PoolerMode::Transaction));
    let owner = db.insert_user().await;
    repo.create(owner, fields("kept"), TaskLocation::default())
        .await
        .unwrap();

    let (admin, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    admin
        .batch_execute("BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    // Callers that stop waiting while their statements wait for the lock.
    let abandoned: Vec<_> = (0..CLIENT_CONNECTIONS)
        .map(|_| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                tokio::time::timeout(
                    Duration::from_millis(300),
                    repo.list(owner, &TaskQuery::default()),
                )
                .await
                .is_err()
            })
        })
        .collect();
    for caller in abandoned {
        assert!(
            caller.await.unwrap(),
            "an operation finished under the lock"
        );
    }
    admin.batch_execute("ROLLBACK").await.unwrap();

    assert_eq!(
        tokio::time::timeout(HANG_GUARD, repo.list(owner, &TaskQuery::default()))
            .await
            .unwrap()
            .unwrap()
            .tasks
            .len(),
        1
    );
    assert!(
        bouncer.child.try_wait().unwrap().is_none(),
        "pgbouncer exited"
    );
    let log = std::fs::read_to_string(bouncer.dir.join("pgbouncer.log")).unwrap_or_default();
    assert!(
        !log.contains("cancel request"),
        "a cancel request went through the pooler:\n{log}"
    );
}
