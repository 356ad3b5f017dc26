//! The database going away and coming back, simulated with a proxy so the
//! shared server is never touched.

use std::future::Future;
use std::net::SocketAddr;

use domain::{CompletionChange, TaskId, TaskPatch, TaskQuery, UserId};
use ports::{
    CreateTaskError, DeleteTaskError, GetTaskError, ListTasksError, TaskRepo, UpdateTaskError,
};
use test_support::{TcpProxy, TestDatabase};
use tokio::net::TcpListener;

use crate::fixtures::{HANG_GUARD, fields, repo_at, settings};

async fn guarded<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(HANG_GUARD, f)
        .await
        .unwrap_or_else(|_| panic!("{what} hung instead of failing"))
}

/// Where the test database's server listens.
async fn postgres_addr(db: &TestDatabase) -> SocketAddr {
    let after_at = db.url().rsplit_once('@').map_or(db.url(), |(_, rest)| rest);
    let host_port = after_at.split(['/', '?']).next().unwrap();
    let host_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    tokio::net::lookup_host(host_port)
        .await
        .unwrap()
        .next()
        .unwrap()
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
    let e = guarded("create", repo.create(owner, fields("lost")))
        .await
        .unwrap_err();
    assert!(matches!(e, CreateTaskError::Unavailable(_)), "{e:?}");
    let e = guarded("replace", repo.replace(owner, id, fields("x"), None))
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
    let proxy = TcpProxy::start(postgres_addr(&db).await).await;
    let repo = repo_at(&db.url_via(proxy.addr()));
    let owner = db.insert_user().await;
    let task = repo.create(owner, fields("survives")).await.unwrap();
    repo.ping().await.unwrap();

    proxy.cut();
    assert_unavailable(&repo, owner, task.id).await;
    // Still down on a second round: nothing got stuck half-open.
    assert_unavailable(&repo, owner, task.id).await;

    proxy.restore();
    guarded("ping after restore", repo.ping()).await.unwrap();
    assert_eq!(repo.get(owner, task.id).await.unwrap(), task);
    let after = repo.create(owner, fields("after")).await.unwrap();
    assert_eq!(repo.get(owner, after.id).await.unwrap(), after);
}

#[tokio::test]
async fn a_pool_built_while_the_database_is_down_works_once_it_is_up() {
    let db = TestDatabase::create().await;
    adapters_postgres::run_migrations(&db.url().into())
        .await
        .unwrap();
    let proxy = TcpProxy::start(postgres_addr(&db).await).await;
    proxy.cut();
    // Building connects lazily, so it succeeds with the database down.
    let repo = repo_at(&db.url_via(proxy.addr()));
    let owner = db.insert_user().await;
    assert_unavailable(&repo, owner, TaskId::new_v7()).await;

    proxy.restore();
    guarded("ping after restore", repo.ping()).await.unwrap();
    repo.create(owner, fields("late start")).await.unwrap();
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    // Bound and released, so nothing listens there.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
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
    let proxy = TcpProxy::start(postgres_addr(&db).await).await;
    // No migrations needed: ping only asks the server to answer.
    let repo = repo_at(&db.url_via(proxy.addr()));
    repo.ping().await.unwrap();
    proxy.cut();
    assert!(guarded("ping", repo.ping()).await.is_err());
    proxy.restore();
    guarded("ping", repo.ping()).await.unwrap();
}
