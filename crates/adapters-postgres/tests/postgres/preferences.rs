//! Preferences (issue 11): defaults without a row, the all-day
//! normalisation the database does in the user's zone, and what a change
//! of zone does to all-day and recurring tasks.

use adapters_postgres::PgTaskRepo;
use domain::{
    Preferences, Task, TaskFields, TaskLocation, TaskPatch, TimeZone, UserId, Version, WeekStart,
};
use ports::{PreferencesRepo, PutPreferencesError, TaskRepo};

use crate::fixtures::{at, fields, migrated, raw_connection};
use crate::recurrence::{recurring, set_zone};

fn tasks(repo: &PgTaskRepo) -> &dyn TaskRepo {
    repo
}

fn prefs(repo: &PgTaskRepo) -> &dyn PreferencesRepo {
    repo
}

fn all_day(title: &str, due: &str) -> TaskFields {
    TaskFields {
        due_at: Some(at(due)),
        due_all_day: true,
        ..fields(title)
    }
}

async fn create(repo: &PgTaskRepo, owner: UserId, fields: TaskFields) -> Task {
    tasks(repo)
        .create(owner, fields, TaskLocation::default())
        .await
        .unwrap()
}

async fn rows(url: &str) -> i64 {
    use diesel::dsl::sql;
    use diesel_async::RunQueryDsl;
    let mut conn = raw_connection(url).await;
    diesel::select(sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM preferences)",
    ))
    .get_result(&mut conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_user_without_preferences_reads_the_defaults_and_nothing_is_written() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let defaults = prefs(&repo).get(owner).await.unwrap();
    assert_eq!(defaults.preferences, Preferences::default());
    assert_eq!(defaults.version, Version::INITIAL);
    assert_eq!(rows(db.url()).await, 0);

    let wanted = Preferences {
        time_zone: TimeZone::parse("Asia/Kolkata").unwrap(),
        week_start: WeekStart::Sunday,
    };
    let stored = prefs(&repo).put(owner, wanted, None).await.unwrap();
    assert_eq!(stored.preferences, wanted);
    assert!(stored.version > Version::INITIAL);
    assert_eq!(prefs(&repo).get(owner).await.unwrap(), stored);
    assert_eq!(rows(db.url()).await, 1);
}

#[tokio::test]
async fn a_conditional_write_needs_the_current_version() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let berlin = Preferences {
        time_zone: TimeZone::parse("Europe/Berlin").unwrap(),
        week_start: WeekStart::Monday,
    };
    // Before any row: only the defaults' version matches, and a stale
    // tag creates nothing.
    assert!(matches!(
        prefs(&repo).put(owner, berlin, Some(Version::new(7))).await,
        Err(PutPreferencesError::VersionMismatch)
    ));
    assert_eq!(rows(db.url()).await, 0);
    let first = prefs(&repo)
        .put(owner, berlin, Some(Version::INITIAL))
        .await
        .unwrap();
    assert!(matches!(
        prefs(&repo)
            .put(owner, Preferences::default(), Some(Version::INITIAL))
            .await,
        Err(PutPreferencesError::VersionMismatch)
    ));
    let second = prefs(&repo)
        .put(owner, Preferences::default(), Some(first.version))
        .await
        .unwrap();
    assert!(second.version > first.version);
    assert_eq!(second.preferences, Preferences::default());
}

#[tokio::test]
async fn preferences_of_a_deleted_account_are_refused() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    db.delete_user(owner).await;
    assert!(matches!(
        prefs(&repo).put(owner, Preferences::default(), None).await,
        Err(PutPreferencesError::UnknownOwner)
    ));
}

#[tokio::test]
async fn an_all_day_due_date_is_stored_as_local_midnight_on_every_write_path() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    set_zone(&repo, owner, "Pacific/Kiritimati").await;
    // 15:00 UTC is 05:00 on the 9th in Kiritimati (UTC+14).
    let task = create(&repo, owner, all_day("Birthday", "2026-12-08T15:00:00Z")).await;
    assert_eq!(task.fields.due_at, Some(at("2026-12-08T10:00:00Z")));
    assert!(task.fields.due_all_day);

    let patched = tasks(&repo)
        .patch(
            owner,
            task.id,
            TaskPatch {
                due_at: Some(Some(at("2026-12-20T09:59:00Z"))),
                ..TaskPatch::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        patched.fields.due_at,
        Some(at("2026-12-19T10:00:00Z")),
        "09:59 UTC on the 20th is 23:59 on the 20th in Kiritimati"
    );

    // A timed task is left alone; making it all-day normalises it.
    let timed = create(
        &repo,
        owner,
        TaskFields {
            due_at: Some(at("2026-12-08T15:00:00Z")),
            ..fields("Call")
        },
    )
    .await;
    assert_eq!(timed.fields.due_at, Some(at("2026-12-08T15:00:00Z")));
    let whole_day = tasks(&repo)
        .patch(
            owner,
            timed.id,
            TaskPatch {
                due_all_day: Some(true),
                ..TaskPatch::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(whole_day.fields.due_at, Some(at("2026-12-08T10:00:00Z")));
}

#[tokio::test]
async fn changing_the_zone_keeps_all_day_tasks_on_their_dates() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    set_zone(&repo, owner, "Pacific/Kiritimati").await;
    // The 9th in Kiritimati (UTC+14) starts at 10:00 UTC on the 8th.
    let task = create(&repo, owner, all_day("Deadline", "2026-12-08T12:00:00Z")).await;
    assert_eq!(task.fields.due_at, Some(at("2026-12-08T10:00:00Z")));
    let timed = create(
        &repo,
        owner,
        TaskFields {
            due_at: Some(at("2026-12-08T12:00:00Z")),
            ..fields("Call")
        },
    )
    .await;

    // Pago Pago (UTC-11) is 25 hours behind: its 9th starts at 11:00 UTC
    // on the 9th.
    set_zone(&repo, owner, "Pacific/Pago_Pago").await;
    let moved = tasks(&repo).get(owner, task.id).await.unwrap();
    assert_eq!(moved.fields.due_at, Some(at("2026-12-09T11:00:00Z")));
    assert_eq!(moved.version, task.version.next());
    assert_eq!(tasks(&repo).get(owner, timed.id).await.unwrap(), timed);

    set_zone(&repo, owner, "Pacific/Kiritimati").await;
    let back = tasks(&repo).get(owner, task.id).await.unwrap();
    assert_eq!(back.fields.due_at, Some(at("2026-12-08T10:00:00Z")));

    // Storing the same zone again moves nothing.
    set_zone(&repo, owner, "Pacific/Kiritimati").await;
    assert_eq!(tasks(&repo).get(owner, task.id).await.unwrap(), back);
}

#[tokio::test]
async fn changing_the_zone_recomputes_the_next_occurrence() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    set_zone(&repo, owner, "Europe/Berlin").await;
    // Monthly on the 1st at 09:00 Berlin time (08:00 UTC in winter).
    let task = create(
        &repo,
        owner,
        recurring("Rent", "2026-02-01T08:00:00Z", "FREQ=MONTHLY;BYMONTHDAY=1"),
    )
    .await;
    // March 1st is still winter time in Berlin.
    assert_eq!(task.next_due_at, Some(at("2026-03-01T08:00:00Z")));
    let all_day_daily = create(
        &repo,
        owner,
        TaskFields {
            due_all_day: true,
            ..recurring("Journal", "2026-02-01T12:00:00Z", "FREQ=DAILY")
        },
    )
    .await;
    assert_eq!(
        all_day_daily.fields.due_at,
        Some(at("2026-01-31T23:00:00Z"))
    );
    assert_eq!(all_day_daily.next_due_at, Some(at("2026-02-01T23:00:00Z")));

    set_zone(&repo, owner, "America/Sao_Paulo").await;
    let rent = tasks(&repo).get(owner, task.id).await.unwrap();
    // The instant stays; the next one is a month later at the same local
    // time in São Paulo (05:00, UTC-3 without DST).
    assert_eq!(rent.fields.due_at, task.fields.due_at);
    assert_eq!(rent.next_due_at, Some(at("2026-03-01T08:00:00Z")));
    let journal = tasks(&repo).get(owner, all_day_daily.id).await.unwrap();
    assert_eq!(journal.fields.due_at, Some(at("2026-02-01T03:00:00Z")));
    assert_eq!(journal.next_due_at, Some(at("2026-02-02T03:00:00Z")));
    assert!(journal.version > Version::new(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_all_day_task_created_during_a_change_of_zone_lands_in_the_new_zone() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    set_zone(&repo, owner, "Pacific/Kiritimati").await;

    // A change of zone in progress, as PreferencesRepo::put makes it, held
    // open before its COMMIT.
    let (client, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!(
            "BEGIN; \
             SELECT 1 FROM preferences WHERE user_id = '{owner}' FOR UPDATE; \
             UPDATE preferences SET time_zone = 'Pacific/Pago_Pago', version = version + 1 \
              WHERE user_id = '{owner}'; \
             UPDATE tasks SET due_at = ((due_at AT TIME ZONE 'Pacific/Kiritimati')::date::timestamp \
                    AT TIME ZONE 'Pacific/Pago_Pago') \
              WHERE user_id = '{owner}' AND due_all_day"
        ))
        .await
        .unwrap();

    let creating = {
        let repo = repo.clone();
        tokio::spawn(async move {
            tasks(&repo)
                .create(
                    owner,
                    all_day("Meanwhile", "2026-12-08T12:00:00Z"),
                    TaskLocation::default(),
                )
                .await
                .unwrap()
        })
    };
    // The create waits for the zone change (or, without that wait, ends).
    let waiting = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND wait_event_type = 'Lock'",
        db.name()
    );
    loop {
        let waiters: i64 = client.query_one(&waiting, &[]).await.unwrap().get(0);
        if waiters > 0 || creating.is_finished() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    client.batch_execute("COMMIT").await.unwrap();

    // 12:00 UTC on the 8th is 01:00 on the 8th in Pago Pago (UTC-11): its
    // midnight is 11:00 UTC. (In Kiritimati it would be the 9th.)
    let task = creating.await.unwrap();
    assert_eq!(task.fields.due_at, Some(at("2026-12-08T11:00:00Z")));
}
