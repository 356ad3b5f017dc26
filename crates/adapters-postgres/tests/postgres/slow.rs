//! A slow or stuck database: statement and lock timeouts, sessions ended
//! mid-statement, abandoned operations, and the readiness probe while the
//! pool is busy. All answer "unavailable" (503), never "internal".

use std::future::Future;
use std::time::Duration;

use adapters_postgres::{PgSettings, PgTaskRepo};
use domain::{CompletionChange, TaskLocation, TaskQuery};
use ports::{CreateTaskError, ListTasksError, TaskRepo, UpdateTaskError};
use test_support::TestDatabase;
use tokio_postgres::Client;

use crate::fixtures::{HANG_GUARD, fields, migrated, settings};

async fn guarded<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(HANG_GUARD, f)
        .await
        .unwrap_or_else(|_| panic!("{what} hung instead of failing"))
}

/// A session of the test's own on the test database.
async fn session(db: &TestDatabase) -> Client {
    let (client, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

/// A repository whose sessions carry `application_name`, so the test can
/// find them in pg_stat_activity.
fn repo(db: &TestDatabase, app: &str, tune: impl FnOnce(&mut PgSettings)) -> PgTaskRepo {
    let mut settings = settings(&format!("{}?application_name={app}", db.url()));
    tune(&mut settings);
    PgTaskRepo::new(&settings).unwrap()
}

/// How many of `app`'s sessions wait for a lock / run a statement.
async fn activity(admin: &Client, app: &str) -> (i64, i64) {
    let row = admin
        .query_one(
            "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), \
                    count(*) FILTER (WHERE state = 'active') \
             FROM pg_stat_activity WHERE application_name = $1",
            &[&app],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

/// Makes inserts and updates of a task titled `slow` take `secs` seconds.
async fn slow_writes(admin: &Client, secs: u32) {
    admin
        .batch_execute(&format!(
            "CREATE FUNCTION slow_task() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.title = 'slow' THEN PERFORM pg_sleep({secs}); END IF; RETURN NEW; END $$; \
             CREATE TRIGGER slow_task BEFORE INSERT OR UPDATE ON tasks \
             FOR EACH ROW EXECUTE FUNCTION slow_task();"
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_lock_held_past_the_lock_timeout_is_unavailable_then_recovers() {
    let (db, _) = migrated().await;
    let repo = repo(&db, "lock-timeout-test", |s| {
        s.lock_timeout = Duration::from_millis(300);
    });
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("locked"), TaskLocation::default())
        .await
        .unwrap();

    let locker = session(&db).await;
    locker
        .batch_execute("BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let e = guarded("list", repo.list(owner, &TaskQuery::default()))
        .await
        .unwrap_err();
    assert!(matches!(e, ListTasksError::Unavailable(_)), "{e:?}");
    let e = guarded(
        "toggle",
        repo.set_completed(owner, task.id, CompletionChange::Toggle, None),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, UpdateTaskError::Unavailable(_)), "{e:?}");
    let e = guarded(
        "create",
        repo.create(owner, fields("x"), TaskLocation::default()),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, CreateTaskError::Unavailable(_)), "{e:?}");

    locker.batch_execute("ROLLBACK").await.unwrap();
    let page = repo.list(owner, &TaskQuery::default()).await.unwrap();
    assert_eq!(page.tasks, [task]);
}

#[tokio::test]
async fn a_statement_past_the_statement_timeout_is_unavailable() {
    let (db, _) = migrated().await;
    let admin = session(&db).await;
    slow_writes(&admin, 10).await;
    let repo = repo(&db, "statement-timeout-test", |s| {
        s.statement_timeout = Duration::from_millis(300);
    });
    let owner = db.insert_user().await;

    let e = guarded(
        "create",
        repo.create(owner, fields("slow"), TaskLocation::default()),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, CreateTaskError::Unavailable(_)), "{e:?}");
    // Cancelled, not left running, and the next statement works.
    assert_eq!(activity(&admin, "statement-timeout-test").await.1, 0);
    repo.create(owner, fields("fast"), TaskLocation::default())
        .await
        .unwrap();
    assert_eq!(
        repo.list(owner, &TaskQuery::default())
            .await
            .unwrap()
            .tasks
            .len(),
        1
    );
}

#[tokio::test]
async fn a_session_terminated_mid_statement_is_unavailable_not_internal() {
    let (db, _) = migrated().await;
    let admin = session(&db).await;
    let app = "terminated-mid-statement-test";
    let repo = repo(&db, app, |_| {});
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("slow"), TaskLocation::default())
        .await
        .unwrap();
    slow_writes(&admin, 30).await;

    // A toggle is never replayed, so its outcome shows the error itself.
    let toggle = tokio::spawn({
        let repo = repo.clone();
        async move {
            repo.set_completed(owner, task.id, CompletionChange::Toggle, None)
                .await
        }
    });
    guarded("the toggle to start", async {
        while activity(&admin, app).await.1 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&app],
        )
        .await
        .unwrap();
    let e = guarded("toggle", toggle).await.unwrap().unwrap_err();
    assert!(matches!(e, UpdateTaskError::Unavailable(_)), "{e:?}");
    assert!(!repo.get(owner, task.id).await.unwrap().fields.completed);
}

#[tokio::test]
async fn an_abandoned_operation_is_cancelled_on_the_server() {
    let (db, _) = migrated().await;
    let admin = session(&db).await;
    let app = "abandoned-operation-test";
    let repo = repo(&db, app, |s| s.lock_timeout = Duration::from_secs(60));
    let owner = db.insert_user().await;

    let locker = session(&db).await;
    locker
        .batch_execute("BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    // The caller stops waiting (an HTTP client that went away): the
    // operation's future is dropped while its statement waits for the lock.
    let abandoned = tokio::time::timeout(
        Duration::from_millis(500),
        repo.list(owner, &TaskQuery::default()),
    )
    .await;
    assert!(abandoned.is_err());
    // Without the cancel it would wait for the lock for a minute.
    guarded("the statement to be cancelled", async {
        while activity(&admin, app).await.0 > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    locker.batch_execute("ROLLBACK").await.unwrap();
    repo.list(owner, &TaskQuery::default()).await.unwrap();
}

#[tokio::test]
async fn ping_answers_while_every_pooled_connection_is_stuck() {
    let (db, _) = migrated().await;
    let repo = repo(&db, "busy-pool-test", |s| {
        s.max_connections = 1;
        s.lock_timeout = Duration::from_secs(60);
        s.statement_timeout = Duration::from_secs(60);
    });
    let owner = db.insert_user().await;
    let locker = session(&db).await;
    locker
        .batch_execute("BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let stuck = tokio::spawn({
        let repo = repo.clone();
        async move { repo.list(owner, &TaskQuery::default()).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The pool's only connection waits for the lock: a request times out
    // waiting for a connection, but the probe has its own.
    let e = guarded("list", repo.list(owner, &TaskQuery::default()))
        .await
        .unwrap_err();
    assert!(matches!(e, ListTasksError::Unavailable(_)), "{e:?}");
    guarded("ping", repo.ping()).await.unwrap();
    locker.batch_execute("ROLLBACK").await.unwrap();
    stuck.await.unwrap().unwrap();
}

#[tokio::test]
async fn ping_reports_a_refused_connection_as_unreachable_not_slow() {
    let addr = test_support::unused_local_addr();
    let repo = crate::fixtures::repo_at(&format!("postgres://postgres@{addr}/postgres"));
    let e = guarded("ping", repo.ping()).await.unwrap_err();
    assert!(!e.is_slow(), "{e:?}");
}
