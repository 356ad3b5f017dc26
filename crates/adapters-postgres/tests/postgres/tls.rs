//! TLS against the local server, which (as Debian sets it up) serves a
//! self-signed "snakeoil" certificate for `localhost`. No server with a
//! publicly trusted certificate is available here, so the Mozilla-roots
//! path is shown by its rejection of this certificate.

use domain::TaskLocation;
use std::error::Error as _;

use adapters_postgres::PgTaskRepo;
use diesel_async::RunQueryDsl;
use ports::TaskRepo;
use test_support::TestDatabase;

use crate::fixtures::{raw_connection, settings};

const SNAKEOIL_CERT: &str = "/etc/ssl/certs/ssl-cert-snakeoil.pem";

#[derive(diesel::QueryableByName)]
struct Ssl {
    #[diesel(sql_type = diesel::sql_types::Text)]
    ssl: String,
}

/// The test database's URL with `localhost` (the certificate's name) as its
/// host, when the server offers TLS with the snakeoil certificate.
async fn tls_url(db: &TestDatabase) -> Option<String> {
    let mut conn = raw_connection(db.url()).await;
    let ssl = diesel::sql_query("SELECT current_setting('ssl') AS ssl")
        .get_result::<Ssl>(&mut conn)
        .await
        .unwrap()
        .ssl;
    let local = db.url().contains("@127.0.0.1:") || db.url().contains("@localhost:");
    if ssl != "on" || !local || !std::path::Path::new(SNAKEOIL_CERT).exists() {
        eprintln!("skipped: the server does not offer TLS with the snakeoil certificate");
        return None;
    }
    Some(db.url().replacen("@127.0.0.1:", "@localhost:", 1))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[tokio::test]
async fn sslmode_require_verifies_the_server_certificate() {
    let db = TestDatabase::create().await;
    let Some(url) = tls_url(&db).await else {
        return;
    };
    // The snakeoil certificate is not signed by any public root.
    let repo = PgTaskRepo::new(&settings(&format!("{url}?sslmode=require"))).unwrap();
    let err = repo.ping().await.unwrap_err();
    let chain = error_chain(&err);
    assert!(chain.to_lowercase().contains("certificate"), "{chain}");
    assert!(err.source().is_some());
}

#[tokio::test]
async fn verify_full_with_a_private_root_connects_over_tls() {
    let db = TestDatabase::create().await;
    let Some(url) = tls_url(&db).await else {
        return;
    };
    let url = format!("{url}?sslmode=verify-full&sslrootcert={SNAKEOIL_CERT}");
    adapters_postgres::run_migrations(&url.clone().into())
        .await
        .unwrap();
    let repo = PgTaskRepo::new(&settings(&url)).unwrap();
    repo.ping().await.unwrap();
    let owner = db.insert_user().await;
    let task = repo
        .create(
            owner,
            crate::fixtures::fields("over TLS"),
            TaskLocation::default(),
        )
        .await
        .unwrap();
    assert_eq!(repo.get(owner, task.id).await.unwrap(), task);

    // The server confirms that the pool's idle connection is encrypted.
    let mut conn = raw_connection(db.url()).await;
    let encrypted = diesel::sql_query(
        "SELECT count(*) AS sessions FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) \
         WHERE datname = current_database() AND ssl",
    )
    .get_result::<Sessions>(&mut conn)
    .await
    .unwrap()
    .sessions;
    assert!(encrypted >= 1);
}

#[derive(diesel::QueryableByName)]
struct Sessions {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    sessions: i64,
}
