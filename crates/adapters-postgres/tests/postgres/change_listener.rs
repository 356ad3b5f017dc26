//! `PgChangeListener` against the real server: a commit wakes the
//! subscribed user (and nobody else), a killed LISTEN session comes back
//! and wakes everyone, shutdown closes the subscriptions.

use std::sync::Arc;
use std::time::Duration;

use adapters_postgres::{LISTEN_APPLICATION_NAME, PgChangeListener, PoolerMode};
use domain::{ChangeLimit, Seq, TaskLocation, UserId};
use ports::{ChangeLog, ChangeSignals, ChangeWakeups, TaskRepo};
use secrecy::SecretString;

use crate::fixtures::{ACQUIRE_TIMEOUT, HANG_GUARD, fields, migrated};
use crate::pooler::{PgBouncer, migrated_db, repo_via};

/// How soon a commit must reach a subscriber (the figure).
const WITHIN: Duration = Duration::from_secs(1);

/// How long to watch for a wake-up that must not come.
const QUIET: Duration = Duration::from_millis(300);

fn start(url: &str) -> Arc<PgChangeListener> {
    PgChangeListener::start(&SecretString::from(url), ACQUIRE_TIMEOUT).unwrap()
}

async fn until_listening(listener: &PgChangeListener) {
    tokio::time::timeout(HANG_GUARD, async {
        while !listener.is_listening() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the listener did not start listening");
}

/// Waits for the next wake-up, at most `within`.
async fn woken(rx: &mut ChangeWakeups, within: Duration) -> bool {
    matches!(tokio::time::timeout(within, rx.changed()).await, Ok(Ok(())))
}

async fn write(repo: &dyn TaskRepo, owner: UserId, title: &str) {
    repo.create(owner, fields(title), TaskLocation::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_commit_wakes_the_users_subscribers_only() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let listener = start(db.url());
    until_listening(&listener).await;
    let mut a1 = listener.subscribe(alice);
    let mut a2 = listener.subscribe(alice);
    let mut b = listener.subscribe(bob);
    assert_eq!(listener.subscribed_users(), 2);

    write(&repo, alice, "hello").await;
    assert!(woken(&mut a1, WITHIN).await, "alice's first stream");
    assert!(woken(&mut a2, WITHIN).await, "alice's second stream");
    assert!(!woken(&mut b, QUIET).await, "bob was woken");

    // What woke her is in the log.
    let page = ChangeLog::read(&repo, alice, Seq::ZERO, ChangeLimit::DEFAULT)
        .await
        .unwrap();
    assert_eq!(page.changes.len(), 2, "her Inbox and the task");

    // A user whose subscribers all left is forgotten on the next hint.
    drop(b);
    write(&repo, bob, "unheard").await;
    write(&repo, alice, "again").await;
    assert!(woken(&mut a1, WITHIN).await);
    tokio::time::timeout(HANG_GUARD, async {
        while listener.subscribed_users() != 1 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("bob's channel was not dropped");
    listener.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_listen_session_reconnects_and_wakes_every_subscriber() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let listener = start(db.url());
    until_listening(&listener).await;
    let mut a = listener.subscribe(alice);
    let mut b = listener.subscribe(bob);

    let (admin, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let killed = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
              WHERE application_name = $1 AND datname = current_database()",
            &[&LISTEN_APPLICATION_NAME],
        )
        .await
        .unwrap();
    assert_eq!(killed.len(), 1, "exactly one LISTEN session per listener");
    assert!(killed[0].get::<_, bool>(0));

    // Both woken by the reconnect, without any write.
    assert!(woken(&mut a, HANG_GUARD).await, "alice after the reconnect");
    assert!(woken(&mut b, HANG_GUARD).await, "bob after the reconnect");
    assert_eq!(listener.reconnects(), 1);
    // Reported as listening right after the wake-ups.
    until_listening(&listener).await;

    // And it listens again.
    write(&repo, alice, "after").await;
    assert!(woken(&mut a, WITHIN).await);
    assert!(!woken(&mut b, QUIET).await);
    listener.shutdown().await;
}

#[tokio::test]
async fn it_waits_for_the_database_and_wakes_subscribers_once_it_listens() {
    let (db, _repo) = migrated().await;
    let alice = db.insert_user().await;
    // Through a proxy that refuses everything at first.
    let proxy = test_support::TcpProxy::start(db.server_addr().await).await;
    proxy.cut();
    let listener = start(&db.url_via(proxy.addr()));
    let mut a = listener.subscribe(alice);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!listener.is_listening());
    proxy.restore();
    // Hints sent before it listened are lost: it wakes everyone.
    assert!(woken(&mut a, HANG_GUARD).await);
    until_listening(&listener).await;
    assert_eq!(listener.reconnects(), 0);
    listener.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_every_subscription() {
    let (db, _repo) = migrated().await;
    let alice = db.insert_user().await;
    let listener = start(db.url());
    until_listening(&listener).await;
    let mut a = listener.subscribe(alice);
    listener.shutdown().await;
    assert!(!listener.is_listening());
    // A wake-up not yet seen may still be reported once, then it ends.
    tokio::time::timeout(HANG_GUARD, async { while a.changed().await.is_ok() {} })
        .await
        .expect("the subscription stayed open");
    // Later subscriptions are closed from the start.
    let mut late = listener.subscribe(alice);
    assert!(late.changed().await.is_err());
    // Idempotent.
    listener.shutdown().await;
}

#[test]
fn starting_outside_a_runtime_is_an_error_not_a_panic() {
    let err = PgChangeListener::start(
        &SecretString::from("postgres://u@127.0.0.1/db"),
        ACQUIRE_TIMEOUT,
    )
    .unwrap_err();
    assert!(err.to_string().contains("tokio runtime"), "{err}");
}

/// Writes through a transaction-mode PgBouncer still notify (NOTIFY is
/// sent at COMMIT, whichever server connection ran the transaction); the
/// listener itself connects directly, as DATABASE_LISTEN_URL says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_through_a_transaction_pooler_wake_the_direct_listener() {
    let db = migrated_db().await;
    let Some(bouncer) = PgBouncer::start(&db, "") else {
        return;
    };
    let repo = repo_via(&bouncer, PoolerMode::Transaction);
    let alice = db.insert_user().await;
    let listener = start(db.url());
    until_listening(&listener).await;
    let mut a = listener.subscribe(alice);
    write(&repo, alice, "pooled").await;
    assert!(woken(&mut a, WITHIN).await);
    // The log reads through the pooler too.
    let page = ChangeLog::read(&repo, alice, Seq::ZERO, ChangeLimit::DEFAULT)
        .await
        .unwrap();
    assert_eq!(page.changes.len(), 2);
    assert_eq!(
        ChangeLog::latest(&repo, alice).await.unwrap(),
        Seq::new(2).unwrap()
    );
    listener.shutdown().await;
}
