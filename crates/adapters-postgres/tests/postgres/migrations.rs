use adapters_postgres::{MigrationError, run_migrations};
use diesel::sql_types::Bool;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use ports::TaskRepo;
use test_support::TestDatabase;

use crate::fixtures::{fields, raw_connection, repo_at};

#[derive(diesel::QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    exists: bool,
}

async fn tasks_table_exists(url: &str) -> bool {
    let mut conn = raw_connection(url).await;
    diesel::sql_query("SELECT to_regclass('tasks') IS NOT NULL AS exists")
        .get_result::<Exists>(&mut conn)
        .await
        .unwrap()
        .exists
}

// A current-thread runtime on purpose: diesel-async's own migration harness
// would panic here.
#[tokio::test(flavor = "current_thread")]
async fn migrations_apply_once_and_are_idempotent() {
    let db = TestDatabase::create().await;
    run_migrations(&db.url().into()).await.unwrap();
    run_migrations(&db.url().into()).await.unwrap();
    assert!(tasks_table_exists(db.url()).await);

    let repo = repo_at(db.url());
    let owner = db.insert_user().await;
    repo.create(owner, fields("works")).await.unwrap();
}

#[tokio::test]
async fn migration_refuses_to_run_without_better_auths_user_table() {
    let db = TestDatabase::create_bare().await;
    let err = run_migrations(&db.url().into()).await.unwrap_err();

    assert!(matches!(err, MigrationError::Failed(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(r#"Better Auth's schema is missing: table "user" does not exist"#),
        "{message}"
    );
    assert!(message.contains("npm run db:migrate"), "{message}");
    assert!(!tasks_table_exists(db.url()).await);
}

#[tokio::test]
async fn migration_refuses_a_user_table_without_uuid_ids() {
    let db = TestDatabase::create_bare().await;
    let mut conn = raw_connection(db.url()).await;
    conn.batch_execute(r#"CREATE TABLE "user" (id text PRIMARY KEY)"#)
        .await
        .unwrap();

    let err = run_migrations(&db.url().into()).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(r#""user".id must be of type uuid"#),
        "{message}"
    );
    assert!(message.contains(r#"generateId = "uuid""#), "{message}");
    assert!(!tasks_table_exists(db.url()).await);
}

#[tokio::test]
async fn migration_reports_an_unreachable_database() {
    // Bound and released, so nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let err = run_migrations(&url.into()).await.unwrap_err();
    assert!(matches!(err, MigrationError::Connect(_)), "{err:?}");
}

#[tokio::test]
async fn migration_rejects_an_invalid_url_without_echoing_it() {
    let err = run_migrations(&"postgres://u:hunter2@h/db?sslmode=maybe".into())
        .await
        .unwrap_err();
    assert!(matches!(err, MigrationError::Setup(_)), "{err:?}");
    assert!(!err.to_string().contains("hunter2"));
}
