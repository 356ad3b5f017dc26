//! The database going away and coming back, simulated with a proxy so the
//! shared server is never touched.

use std::future::Future;

use domain::{CompletionChange, TaskId, TaskLocation, TaskPatch, TaskQuery, UserId};
use ports::{
    CreateTaskError, DeleteTaskError, GetTaskError, ListTasksError, TaskRepo, UpdateTaskError,
};
use test_support::{TcpProxy, TestDatabase, unused_local_addr};
use tokio::net::TcpListener;

use crate::fixtures::{HANG_GUARD, fields, repo_at, settings};

async fn guarded<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(HANG_GUARD, f)
        .await
        .unwrap_or_else(|_| panic!("{what} hung instead of failing"))
}

async fn assert_unavailable(repo: &impl TaskRepo, owner: UserId, id: TaskId) {
    let e = guarded("ping", repo.ping()).await;
    assert!(e.is_err());
    let e = guarded("get", repo.get(owner, id)).await.unwrap_err();
    assert!(matches!(e, GetTaskError::Unavailable(_)), "{e:?}");
    let e = guarded("list", repo.list(owner, &TaskQuery::default()))
        .await
        .unwrap_err();
    assert!(matches!(e, ListTasksError::Unavailable(_)), "{e:?}");
    let e = guarded(
        "create",
        repo.create(owner, fields("lost"), TaskLocation::default()),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, CreateTaskError::Unavailable(_)), "{e:?}");
    let e = guarded(
        "replace",
        repo.replace(owner, id, fields("x"), TaskLocation::default(), None),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, UpdateTaskError::Unavailable(_)), "{e:?}");
    let patch = TaskPatch {
        completed: Some(true),
        ..TaskPatch::default()
    };
    let e = guarded("patch", repo.patch(owner, id, patch, None))
        .await
        .unwrap_err();
    assert!(matches!(e, UpdateTaskError::Unavailable(_)), "{e:?}");
    let e = guarded(
        "set_completed",
        repo.set_completed(owner, id, CompletionChange::Toggle, None),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, UpdateTaskError::Unavailable(_)), "{e:?}");
    let e = guarded("delete", repo.delete(owner, id, None))
        .await
        .unwrap_err();
    assert!(matches!(e, DeleteTaskError::Unavailable(_)), "{e:?}");
}

#[tokio::test]
async fn an_outage_gives_unavailable_errors_and_the_same_repo_recovers() {
    let db = TestDatabase::create().await;
    adapters_postgres::run_migrations(&db.url().into())
        .await
        .unwrap();
    let proxy = TcpProxy::start(db.server_addr().await).await;
    let repo = repo_at(&db.url_via(proxy.addr()));
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("survives"), TaskLocation::default())
        .await
        .unwrap();
    repo.ping().await.unwrap();

    proxy.cut();
    assert_unavailable(&repo, owner, task.id).await;
    // Still down on a second round: nothing got stuck half-open.
    assert_unavailable(&repo, owner, task.id).await;

    proxy.restore();
    guarded("ping after restore", repo.ping()).await.unwrap();
    assert_eq!(repo.get(owner, task.id).await.unwrap(), task);
    let after = repo
        .create(owner, fields("after"), TaskLocation::default())
        .await
        .unwrap();
    assert_eq!(repo.get(owner, after.id).await.unwrap(), after);
}

#[tokio::test]
async fn a_pool_built_while_the_database_is_down_works_once_it_is_up() {
    let db = TestDatabase::create().await;
    adapters_postgres::run_migrations(&db.url().into())
        .await
        .unwrap();
    let proxy = TcpProxy::start(db.server_addr().await).await;
    proxy.cut();
    // Building connects lazily, so it succeeds with the database down.
    let repo = repo_at(&db.url_via(proxy.addr()));
    let owner = db.insert_user().await;
    assert_unavailable(&repo, owner, TaskId::new_v7()).await;

    proxy.restore();
    guarded("ping after restore", repo.ping()).await.unwrap();
    repo.create(owner, fields("late start"), TaskLocation::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    let addr = unused_local_addr();
    let repo = repo_at(&format!("postgres://postgres@{addr}/postgres"));
    let owner = UserId::from_uuid(uuid::Uuid::new_v4());
    assert_unavailable(&repo, owner, TaskId::new_v7()).await;
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_unavailable() {
    // Accepts connections and then says nothing, like a host behind a
    // dropped route: only the timeouts can end the wait.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut sockets = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            sockets.push(socket);
        }
    });
    let repo = adapters_postgres::PgTaskRepo::new(&adapters_postgres::PgSettings {
        acquire_timeout: std::time::Duration::from_millis(300),
        ..settings(&format!("postgres://postgres@{addr}/postgres"))
    })
    .unwrap();

    let e = guarded("ping", repo.ping()).await;
    assert!(e.is_err());
    let e = guarded(
        "get",
        repo.get(UserId::from_uuid(uuid::Uuid::new_v4()), TaskId::new_v7()),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, GetTaskError::Unavailable(_)), "{e:?}");
    held.abort();
}

#[tokio::test]
async fn ping_answers_when_the_database_does() {
    let db = TestDatabase::create().await;
    let proxy = TcpProxy::start(db.server_addr().await).await;
    // No migrations needed: ping only asks the server to answer.
    let repo = repo_at(&db.url_via(proxy.addr()));
    repo.ping().await.unwrap();
    proxy.cut();
    assert!(guarded("ping", repo.ping()).await.is_err());
    proxy.restore();
    guarded("ping", repo.ping()).await.unwrap();
}

/// Opens `n` pooled connections at once (each operation holds one while
/// the others start).
async fn warm(repo: &adapters_postgres::PgTaskRepo, owner: UserId, n: usize) {
    let query = TaskQuery::default();
    let lists = (0..n).map(|_| repo.list(owner, &query));
    for listed in futures_util::future::join_all(lists).await {
        listed.unwrap();
    }
}

/// Idle pooled connections that look alive but are reset by their next
/// statement.
async fn stale(repo: &adapters_postgres::PgTaskRepo, proxy: &TcpProxy, owner: UserId) {
    warm(repo, owner, 2).await;
    proxy.sever_on_next_send();
}

fn set(value: bool) -> CompletionChange {
    CompletionChange::Set(value)
}

#[tokio::test]
async fn connections_that_died_silently_are_replaced_without_failing_a_request() {
    let db = TestDatabase::create().await;
    adapters_postgres::run_migrations(&db.url().into())
        .await
        .unwrap();
    let proxy = TcpProxy::start(db.server_addr().await).await;
    let repo = repo_at(&db.url_via(proxy.addr()));
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("kept"), TaskLocation::default())
        .await
        .unwrap();

    // Every request below meets a pooled connection that looks alive but
    // is reset by its first statement: each one is replayed on a fresh
    // connection and succeeds.
    stale(&repo, &proxy, owner).await;
    guarded("ping", repo.ping()).await.unwrap();
    stale(&repo, &proxy, owner).await;
    assert_eq!(
        guarded("get", repo.get(owner, task.id)).await.unwrap(),
        task
    );
    stale(&repo, &proxy, owner).await;
    let listed = guarded("list", repo.list(owner, &TaskQuery::default()))
        .await
        .unwrap();
    assert_eq!(listed.tasks, std::slice::from_ref(&task));
    stale(&repo, &proxy, owner).await;
    let created = guarded(
        "create",
        repo.create(owner, fields("replayed"), TaskLocation::default()),
    )
    .await
    .unwrap();
    stale(&repo, &proxy, owner).await;
    let done = guarded(
        "set",
        repo.set_completed(owner, created.id, set(true), None),
    )
    .await
    .unwrap();
    assert!(done.fields.completed);
    stale(&repo, &proxy, owner).await;
    let replaced = guarded(
        "replace",
        repo.replace(owner, task.id, fields("new"), TaskLocation::default(), None),
    )
    .await
    .unwrap();
    assert_eq!(replaced.version.get(), task.version.get() + 1);
    stale(&repo, &proxy, owner).await;
    let patch = TaskPatch {
        completed: Some(true),
        ..TaskPatch::default()
    };
    guarded("patch", repo.patch(owner, task.id, patch, None))
        .await
        .unwrap();
    // One row per create: the replayed insert did not run twice.
    let all = repo.list(owner, &TaskQuery::default()).await.unwrap();
    assert_eq!(all.tasks.len(), 2);

    // A repeat of these could answer differently had the first attempt
    // committed (a toggle flips back, a conditional write answers 412, a
    // delete 404), so they report the dead connection as unavailable...
    stale(&repo, &proxy, owner).await;
    let e = guarded(
        "toggle",
        repo.set_completed(owner, task.id, CompletionChange::Toggle, None),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, UpdateTaskError::Unavailable(_)), "{e:?}");
    stale(&repo, &proxy, owner).await;
    let current = repo.get(owner, task.id).await.unwrap();
    stale(&repo, &proxy, owner).await;
    let e = guarded(
        "conditional set",
        repo.set_completed(owner, task.id, set(false), Some(current.version)),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, UpdateTaskError::Unavailable(_)), "{e:?}");
    stale(&repo, &proxy, owner).await;
    let e = guarded("delete", repo.delete(owner, created.id, None))
        .await
        .unwrap_err();
    assert!(matches!(e, DeleteTaskError::Unavailable(_)), "{e:?}");
    // ...and the connection is not reused: the next one works.
    repo.set_completed(owner, task.id, CompletionChange::Toggle, None)
        .await
        .unwrap();
    repo.delete(owner, created.id, None).await.unwrap();
    // Nothing of the refused attempts reached the database.
    let after = repo.get(owner, task.id).await.unwrap();
    assert_eq!(after.version.get(), current.version.get() + 1);
    assert!(!after.fields.completed);
}

#[tokio::test]
async fn the_first_requests_after_an_outage_succeed() {
    let db = TestDatabase::create().await;
    adapters_postgres::run_migrations(&db.url().into())
        .await
        .unwrap();
    let proxy = TcpProxy::start(db.server_addr().await).await;
    let repo = repo_at(&db.url_via(proxy.addr()));
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("survives"), TaskLocation::default())
        .await
        .unwrap();
    warm(&repo, owner, 4).await;

    // An outage nobody asked the database anything during.
    proxy.cut();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    proxy.restore();
    // Including the operations that are never replayed: the pool noticed
    // the closed sockets and does not hand them out.
    repo.set_completed(owner, task.id, CompletionChange::Toggle, None)
        .await
        .unwrap();
    warm(&repo, owner, 4).await;
    let created = repo
        .create(owner, fields("after"), TaskLocation::default())
        .await
        .unwrap();
    repo.delete(owner, created.id, None).await.unwrap();
}

/// `pg_terminate_backend` on every connection the repository holds, from a
/// separate session.
async fn terminate_backends(db: &TestDatabase, application_name: &str) -> u64 {
    let (client, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE application_name = $1",
            &[&application_name],
        )
        .await
        .unwrap();
    u64::try_from(row.get::<_, i64>(0)).unwrap()
}

#[tokio::test]
async fn terminated_backends_do_not_fail_the_next_requests() {
    let (db, _) = crate::fixtures::migrated().await;
    let app = "terminated-backends-test";
    let repo = repo_at(&format!("{}?application_name={app}", db.url()));
    let owner = db.insert_user().await;
    let task = repo
        .create(owner, fields("survives"), TaskLocation::default())
        .await
        .unwrap();
    warm(&repo, owner, 4).await;

    assert!(terminate_backends(&db, app).await >= 4);
    // At once: the pool either notices the closed sockets on checkout or
    // the statement fails on one and is replayed on a fresh connection.
    guarded("list", repo.list(owner, &TaskQuery::default()))
        .await
        .unwrap();
    guarded("get", repo.get(owner, task.id)).await.unwrap();
    guarded(
        "create",
        repo.create(owner, fields("next"), TaskLocation::default()),
    )
    .await
    .unwrap();
    warm(&repo, owner, 4).await;

    assert!(terminate_backends(&db, app).await >= 4);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // A moment later every socket is known closed: even a toggle works.
    repo.set_completed(owner, task.id, CompletionChange::Toggle, None)
        .await
        .unwrap();
}
