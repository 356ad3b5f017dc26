//! Helpers shared by the tests.
use std::time::Duration;

use adapters_postgres::{PgSettings, PgTaskRepo, PoolerMode, run_migrations};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::{Description, Priority, TaskFields, TaskLabels, Timestamp, Title};
use test_support::TestDatabase;

/// Short enough to keep outage tests quick, long enough for a loaded
/// machine to open a local connection.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_millis(1500);

/// Guards against a hang: an operation that should fail fast but has not
/// returned by then is a bug. Not a performance assertion.
pub const HANG_GUARD: Duration = Duration::from_secs(20);

/// A fresh, migrated database and a repository on it.
pub async fn migrated() -> (TestDatabase, PgTaskRepo) {
    let db = TestDatabase::create().await;
    run_migrations(&db.url().into()).await.unwrap();
    let repo = repo_at(db.url());
    (db, repo)
}

pub fn repo_at(url: &str) -> PgTaskRepo {
    PgTaskRepo::new(&settings(url)).unwrap()
}

pub fn settings(url: &str) -> PgSettings {
    PgSettings {
        url: url.into(),
        max_connections: 10,
        acquire_timeout: ACQUIRE_TIMEOUT,
        statement_timeout: Duration::from_secs(5),
        lock_timeout: Duration::from_secs(2),
        pooler: PoolerMode::None,
    }
}

/// A direct connection, for arranging data the port cannot (e.g. ties in
/// timestamps) and for inspecting the schema.
pub async fn raw_connection(url: &str) -> AsyncPgConnection {
    AsyncPgConnection::establish(url).await.unwrap()
}

pub fn title(s: &str) -> Title {
    Title::parse(s).unwrap()
}

pub fn fields(s: &str) -> TaskFields {
    TaskFields::new(title(s))
}

/// A task with every optional field set.
pub fn full_fields(s: &str, due_at: Timestamp) -> TaskFields {
    TaskFields {
        title: title(s),
        description: Some(Description::parse("first line\nsecond line").unwrap()),
        priority: Priority::High,
        due_at: Some(due_at),
        due_all_day: false,
        recurrence: None,
        recurrence_basis: domain::RecurrenceBasis::Due,
        completed: false,
        labels: TaskLabels::default(),
    }
}

/// A timestamp at microsecond precision (PostgreSQL's), so it round-trips.
pub fn at(rfc3339: &str) -> Timestamp {
    rfc3339.parse().unwrap()
}

/// A default query changed by `edit` (the cursor field is private, so
/// struct-update syntax is not available).
pub fn query(edit: impl FnOnce(&mut domain::TaskQuery)) -> domain::TaskQuery {
    let mut q = domain::TaskQuery::default();
    edit(&mut q);
    q
}
