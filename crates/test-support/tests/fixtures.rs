//! The database fixtures themselves: databases really disappear, their
//! addresses lead to them, and the proxy really forwards, cuts and restores.
// Helpers outside #[test] functions unwrap too: a failure there is a
// failed test.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;

use test_support::{TcpProxy, TestDatabase, admin_url, unused_local_addr};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn database_exists(name: &str) -> bool {
    let (client, connection) = tokio_postgres::connect(&admin_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .await
        .unwrap();
    row.get::<_, i64>(0) == 1
}

#[tokio::test]
async fn a_database_exists_while_held_and_is_dropped_afterwards() {
    let db = TestDatabase::create().await;
    let name = db.name().to_owned();
    assert!(name.starts_with("todo_test_"));
    assert!(db.url().ends_with(&format!("/{name}")), "{}", db.url());
    assert!(database_exists(&name).await);

    let user = db.insert_user().await;
    db.delete_user(user).await;

    drop(db);
    assert!(!database_exists(&name).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_works_from_a_multi_thread_runtime_and_with_open_connections() {
    let db = TestDatabase::create_bare().await;
    let name = db.name().to_owned();
    // A connection still open when the database is dropped (as a pool
    // would hold): WITH (FORCE) ends it.
    let (client, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    let driver = tokio::spawn(connection);
    drop(db);
    assert!(!database_exists(&name).await);
    assert!(driver.await.unwrap().is_err() || client.is_closed());
}

#[tokio::test]
async fn url_via_points_at_the_same_database_through_another_address() {
    let db = TestDatabase::create_bare().await;
    let addr: SocketAddr = "127.0.0.1:6543".parse().unwrap();
    let via = db.url_via(addr);
    assert!(via.contains("@127.0.0.1:6543/"), "{via}");
    assert!(via.ends_with(&format!("/{}", db.name())), "{via}");
}

/// Which database a connection to `url` lands in.
async fn current_database(url: &str) -> String {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let row = client
        .query_one("SELECT current_database()::text", &[])
        .await
        .unwrap();
    row.get(0)
}

#[tokio::test]
async fn the_server_address_and_a_proxy_in_front_of_it_reach_the_database() {
    let db = TestDatabase::create_bare().await;
    let server = db.server_addr().await;
    assert_eq!(current_database(&db.url_via(server)).await, db.name());
    let proxy = TcpProxy::start(server).await;
    assert_eq!(current_database(&db.url_via(proxy.addr())).await, db.name());
}

/// Echoes whatever it receives, for checking the proxy end to end.
async fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (mut r, mut w) = socket.split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
            });
        }
    });
    addr
}

async fn round_trip(stream: &mut TcpStream, message: &[u8]) -> std::io::Result<Vec<u8>> {
    stream.write_all(message).await?;
    let mut buf = vec![0; message.len()];
    stream.read_exact(&mut buf).await?;
    Ok(buf)
}

#[tokio::test]
async fn the_proxy_forwards_cuts_and_restores() {
    let proxy = TcpProxy::start(echo_server().await).await;

    let mut live = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut live, b"hello").await.unwrap(), b"hello");

    proxy.cut();
    // The live connection is closed…
    assert!(round_trip(&mut live, b"again").await.is_err());
    // …and new ones are closed straight away.
    let mut refused = TcpStream::connect(proxy.addr()).await.unwrap();
    assert!(round_trip(&mut refused, b"anyone?").await.is_err());

    proxy.restore();
    let mut fresh = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut fresh, b"back").await.unwrap(), b"back");
}

#[tokio::test]
async fn nothing_listens_on_an_unused_local_address() {
    let addr = unused_local_addr();
    assert!(addr.ip().is_loopback());
    let refused = TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
}
