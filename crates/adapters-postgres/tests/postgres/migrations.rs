use adapters_postgres::{MigrationError, run_migrations};
use diesel::sql_types::Bool;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use domain::TaskLocation;
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
    repo.create(owner, fields("works"), TaskLocation::default())
        .await
        .unwrap();
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
    let addr = test_support::unused_local_addr();
    let url = format!("postgres://postgres@{addr}/postgres");
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

#[derive(diesel::QueryableByName, Debug, PartialEq)]
struct Placed {
    #[diesel(sql_type = diesel::sql_types::Text)]
    title: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    list: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    position: String,
}

/// Tasks written before lists existed land in their owner's Inbox, in
/// creation order, a user without tasks gets no Inbox until needed, and
/// categories become labels on the same tasks (one per name ignoring case).
#[tokio::test]
async fn existing_tasks_move_into_their_owners_inbox_and_categories_become_labels() {
    let db = TestDatabase::create().await;
    let mut conn = raw_connection(db.url()).await;
    conn.batch_execute(include_str!(
        "../../../../migrations/2026-11-23-000001_create_tasks/up.sql"
    ))
    .await
    .unwrap();
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let _carol = db.insert_user().await;
    // 70 tasks: their keys cross from the 2-character to the 3-character
    // integer part (a0 … az, b00 …).
    conn.batch_execute(&format!(
        "INSERT INTO tasks (id, user_id, title, created_at)
         SELECT gen_random_uuid(), '{alice}', 'task ' || g, now() - (100 - g) * interval '1 minute'
           FROM generate_series(1, 70) AS g;
         UPDATE tasks SET category = CASE WHEN title IN ('task 1', 'task 2') THEN 'work'
                                          WHEN title = 'task 3' THEN 'Work'
                                          WHEN title = 'task 4' THEN 'home' END;
         INSERT INTO tasks (id, user_id, title) VALUES (gen_random_uuid(), '{bob}', 'bob''s');"
    ))
    .await
    .unwrap();
    conn.batch_execute(&format!(
        "BEGIN; {} {} COMMIT;",
        include_str!("../../../../migrations/2026-11-30-000001_lists_labels_subtasks/up.sql"),
        include_str!("../../../../migrations/2026-11-30-000002_categories_become_labels/up.sql")
    ))
    .await
    .unwrap();

    let placed: Vec<Placed> = diesel::sql_query(
        "SELECT t.title, l.name AS list, t.position FROM tasks t
           JOIN lists l ON l.user_id = t.user_id AND l.id = t.list_id AND l.is_inbox
          WHERE t.user_id = $1 ORDER BY t.position",
    )
    .bind::<diesel::sql_types::Uuid, _>(uuid::Uuid::from(alice))
    .load(&mut conn)
    .await
    .unwrap();
    let titles: Vec<_> = placed.iter().map(|p| p.title.as_str()).collect();
    let expected: Vec<_> = (1..=70).map(|i| format!("task {i}")).collect();
    assert_eq!(titles, expected);
    assert!(placed.iter().all(|p| p.list == "Inbox"));
    assert_eq!(placed[0].position, "a0");
    assert_eq!(placed[62].position, "b00");

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let inboxes: Count = diesel::sql_query("SELECT count(*) AS n FROM lists WHERE is_inbox")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        inboxes.n, 2,
        "one Inbox each for Alice and Bob, none for Carol"
    );
}
