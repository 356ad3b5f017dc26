//! Recurring tasks (issue 11): completing one moves it to its next
//! occurrence in the owner's time zone, records the completion, reopens its
//! subtasks; COUNT and UNTIL end it; an undo right after puts it back; two
//! completions of one occurrence advance it once (same If-Match) or twice
//! in order (none).

use std::sync::Arc;

use adapters_postgres::PgTaskRepo;
use domain::{
    CompletionChange, CompletionCursor, CompletionQuery, PageLimit, Preferences, Recurrence,
    RecurrenceBasis, Task, TaskFields, TaskLocation, TaskPatch, TimeZone, Timestamp, UserId,
    Version, WeekStart,
};
use ports::{CreateTaskError, ListCompletionsError, PreferencesRepo, TaskRepo, UpdateTaskError};

use crate::fixtures::{at, fields, migrated};

fn tasks(repo: &PgTaskRepo) -> &dyn TaskRepo {
    repo
}

pub(crate) async fn set_zone(repo: &PgTaskRepo, owner: UserId, zone: &str) {
    let prefs: &dyn PreferencesRepo = repo;
    prefs
        .put(
            owner,
            Preferences {
                time_zone: TimeZone::parse(zone).unwrap(),
                week_start: WeekStart::Monday,
            },
            None,
        )
        .await
        .unwrap();
}

pub(crate) fn recurring(title: &str, due: &str, rule: &str) -> TaskFields {
    TaskFields {
        due_at: Some(at(due)),
        recurrence: Some(Recurrence::parse(rule).unwrap()),
        ..fields(title)
    }
}

async fn create(repo: &PgTaskRepo, owner: UserId, fields: TaskFields) -> Task {
    tasks(repo)
        .create(owner, fields, TaskLocation::default())
        .await
        .unwrap()
}

async fn complete(repo: &PgTaskRepo, owner: UserId, task: &Task) -> Task {
    tasks(repo)
        .set_completed(owner, task.id, CompletionChange::Set(true), None)
        .await
        .unwrap()
}

fn due(task: &Task) -> Timestamp {
    task.fields.due_at.unwrap()
}

async fn history(repo: &PgTaskRepo, owner: UserId, task: &Task) -> Vec<(Timestamp, Timestamp)> {
    tasks(repo)
        .completions(owner, task.id, CompletionQuery::default())
        .await
        .unwrap()
        .completions
        .into_iter()
        .map(|c| (c.due_at, c.completed_at))
        .collect()
}

#[tokio::test]
async fn a_daily_nine_oclock_task_stays_at_nine_across_the_berlin_dst_change() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    set_zone(&repo, owner, "Europe/Berlin").await;
    // 09:00 CET on Saturday; the clocks go forward on Sunday 2026-03-29.
    let task = create(
        &repo,
        owner,
        recurring("Stretch", "2026-03-28T08:00:00Z", "FREQ=DAILY"),
    )
    .await;
    assert_eq!(task.next_due_at, Some(at("2026-03-29T07:00:00Z")));

    let next = complete(&repo, owner, &task).await;
    assert!(!next.fields.completed, "a recurring task stays open");
    assert_eq!(due(&next), at("2026-03-29T07:00:00Z"), "09:00 CEST");
    assert_eq!(next.next_due_at, Some(at("2026-03-30T07:00:00Z")));
    assert_eq!(next.version, task.version.next(), "one version bump");

    let after = complete(&repo, owner, &next).await;
    assert_eq!(due(&after), at("2026-03-30T07:00:00Z"));
}

#[tokio::test]
async fn a_daily_nine_oclock_task_stays_at_nine_across_the_new_york_dst_change() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    set_zone(&repo, owner, "America/New_York").await;
    // 09:00 EDT on Saturday; the clocks go back on Sunday 2026-11-01.
    let task = create(
        &repo,
        owner,
        recurring("Walk", "2026-10-31T13:00:00Z", "FREQ=DAILY"),
    )
    .await;
    let next = complete(&repo, owner, &task).await;
    assert_eq!(due(&next), at("2026-11-01T14:00:00Z"), "09:00 EST");
    let after = complete(&repo, owner, &next).await;
    assert_eq!(due(&after), at("2026-11-02T14:00:00Z"));
}

#[tokio::test]
async fn monthly_on_the_31st_skips_the_shorter_months() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = create(
        &repo,
        owner,
        recurring(
            "Invoice",
            "2027-01-31T10:00:00Z",
            "FREQ=MONTHLY;BYMONTHDAY=31",
        ),
    )
    .await;
    assert_eq!(task.next_due_at, Some(at("2027-03-31T10:00:00Z")));
    let march = complete(&repo, owner, &task).await;
    assert_eq!(due(&march), at("2027-03-31T10:00:00Z"), "February skipped");
    let may = complete(&repo, owner, &march).await;
    assert_eq!(due(&may), at("2027-05-31T10:00:00Z"), "April skipped");
}

#[tokio::test]
async fn count_ends_the_series_and_the_last_completion_is_for_good() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = create(
        &repo,
        owner,
        recurring("Three times", "2026-05-01T08:00:00Z", "FREQ=DAILY;COUNT=3"),
    )
    .await;
    let second = complete(&repo, owner, &task).await;
    assert_eq!(due(&second), at("2026-05-02T08:00:00Z"));
    let third = complete(&repo, owner, &second).await;
    assert_eq!(due(&third), at("2026-05-03T08:00:00Z"));
    assert!(!third.fields.completed);
    assert_eq!(third.next_due_at, None, "the third is the last occurrence");

    let done = complete(&repo, owner, &third).await;
    assert!(done.fields.completed, "exhausted: completed for good");
    assert_eq!(due(&done), at("2026-05-03T08:00:00Z"), "due stays");
    assert_eq!(done.next_due_at, None);
    assert_eq!(history(&repo, owner, &task).await.len(), 3);
}

#[tokio::test]
async fn until_ends_the_series() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = create(
        &repo,
        owner,
        recurring(
            "Until Thursday",
            "2026-03-04T10:00:00Z",
            "FREQ=DAILY;UNTIL=20260305T235959Z",
        ),
    )
    .await;
    let last = complete(&repo, owner, &task).await;
    assert_eq!(due(&last), at("2026-03-05T10:00:00Z"));
    assert_eq!(last.next_due_at, None);
    let done = complete(&repo, owner, &last).await;
    assert!(done.fields.completed);
}

#[tokio::test]
async fn completion_basis_counts_from_the_day_it_was_done() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = create(
        &repo,
        owner,
        TaskFields {
            recurrence_basis: RecurrenceBasis::Completion,
            ..recurring("Water plants", "2020-01-06T09:00:00Z", "FREQ=WEEKLY")
        },
    )
    .await;
    assert_eq!(
        task.next_due_at,
        Some(at("2020-01-13T09:00:00Z")),
        "stored: as if done on its due date"
    );
    let next = complete(&repo, owner, &task).await;
    let (completed_due, completed_at) = history(&repo, owner, &task).await[0];
    assert_eq!(completed_due, at("2020-01-06T09:00:00Z"));
    let expected = (completed_at.date_naive() + chrono::Days::new(7))
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    assert_eq!(
        due(&next),
        expected,
        "a week after the completion, at 09:00"
    );
}

#[tokio::test]
async fn completions_are_recorded_newest_first_and_paginated() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let mut task = create(
        &repo,
        owner,
        recurring("Daily", "2026-06-01T07:00:00Z", "FREQ=DAILY"),
    )
    .await;
    let first = task.clone();
    for _ in 0..3 {
        task = complete(&repo, owner, &task).await;
    }
    let page = tasks(&repo)
        .completions(
            owner,
            first.id,
            CompletionQuery {
                limit: PageLimit::new(2).unwrap(),
                cursor: None,
            },
        )
        .await
        .unwrap();
    assert!(page.has_more);
    let dues: Vec<_> = page.completions.iter().map(|c| c.due_at).collect();
    assert_eq!(
        dues,
        [at("2026-06-03T07:00:00Z"), at("2026-06-02T07:00:00Z")]
    );
    assert!(page.completions.iter().all(|c| c.task_id == first.id));
    let rest = tasks(&repo)
        .completions(
            owner,
            first.id,
            CompletionQuery {
                limit: PageLimit::new(2).unwrap(),
                cursor: Some(CompletionCursor::after(&page.completions[1])),
            },
        )
        .await
        .unwrap();
    assert!(!rest.has_more);
    let dues: Vec<_> = rest.completions.iter().map(|c| c.due_at).collect();
    assert_eq!(dues, [at("2026-06-01T07:00:00Z")]);
}

#[tokio::test]
async fn undo_right_after_a_completion_restores_the_due_date_and_removes_the_record() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = create(
        &repo,
        owner,
        recurring("Undo me", "2026-06-01T07:00:00Z", "FREQ=DAILY"),
    )
    .await;
    let done = complete(&repo, owner, &task).await;
    let undone = tasks(&repo)
        .set_completed(
            owner,
            task.id,
            CompletionChange::Set(false),
            Some(done.version),
        )
        .await
        .unwrap();
    assert_eq!(due(&undone), due(&task));
    assert_eq!(undone.next_due_at, task.next_due_at);
    assert!(!undone.fields.completed);
    assert_eq!(undone.version, done.version.next());
    assert!(history(&repo, owner, &task).await.is_empty());

    // Once something else changed the task, Set(false) undoes nothing.
    let done = complete(&repo, owner, &undone).await;
    let renamed = tasks(&repo)
        .patch(
            owner,
            task.id,
            TaskPatch {
                title: Some(domain::Title::parse("Renamed").unwrap()),
                ..TaskPatch::default()
            },
            None,
        )
        .await
        .unwrap();
    let after = tasks(&repo)
        .set_completed(owner, task.id, CompletionChange::Set(false), None)
        .await
        .unwrap();
    assert_eq!(due(&after), due(&done), "still on the next occurrence");
    assert_eq!(after.version, renamed.version.next());
    assert_eq!(history(&repo, owner, &task).await.len(), 1);
}

#[tokio::test]
async fn advancing_reopens_the_whole_subtree() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let parent = create(
        &repo,
        owner,
        recurring("Weekly review", "2026-06-01T07:00:00Z", "FREQ=WEEKLY"),
    )
    .await;
    let child = tasks(&repo)
        .create(
            owner,
            fields("Inbox zero"),
            TaskLocation {
                list_id: None,
                parent_id: Some(parent.id),
            },
        )
        .await
        .unwrap();
    let grandchild = tasks(&repo)
        .create(
            owner,
            fields("Archive"),
            TaskLocation {
                list_id: None,
                parent_id: Some(child.id),
            },
        )
        .await
        .unwrap();
    complete(&repo, owner, &grandchild).await;
    complete(&repo, owner, &child).await;

    let next = complete(&repo, owner, &parent).await;
    assert_eq!(due(&next), at("2026-06-08T07:00:00Z"));
    assert_eq!(next.subtasks.completed, 0);
    for id in [child.id, grandchild.id] {
        assert!(!tasks(&repo).get(owner, id).await.unwrap().fields.completed);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_completions_with_the_same_version_advance_once() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = create(
        &repo,
        owner,
        recurring("Contended", "2026-06-01T07:00:00Z", "FREQ=DAILY"),
    )
    .await;
    let repo = Arc::new(repo);
    let racers: Vec<_> = (0..2)
        .map(|_| {
            let repo = Arc::clone(&repo);
            let version = task.version;
            tokio::spawn(async move {
                tasks(&repo)
                    .set_completed(owner, task.id, CompletionChange::Toggle, Some(version))
                    .await
            })
        })
        .collect();
    let mut advanced = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Ok(_) => advanced += 1,
            Err(UpdateTaskError::VersionMismatch) => {}
            Err(other) => panic!("unexpected outcome: {other:?}"),
        }
    }
    assert_eq!(advanced, 1);
    let stored = tasks(&repo).get(owner, task.id).await.unwrap();
    assert_eq!(due(&stored), at("2026-06-02T07:00:00Z"));
    assert_eq!(stored.version, Version::new(2));
    assert_eq!(history(&repo, owner, &task).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_completions_without_versions_advance_two_occurrences_in_order() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = create(
        &repo,
        owner,
        recurring("Twice", "2026-06-01T07:00:00Z", "FREQ=DAILY"),
    )
    .await;
    let repo = Arc::new(repo);
    let racers: Vec<_> = (0..2)
        .map(|_| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                tasks(&repo)
                    .set_completed(owner, task.id, CompletionChange::Set(true), None)
                    .await
                    .unwrap()
            })
        })
        .collect();
    for racer in racers {
        racer.await.unwrap();
    }
    let stored = tasks(&repo).get(owner, task.id).await.unwrap();
    assert_eq!(due(&stored), at("2026-06-03T07:00:00Z"));
    let mut dues: Vec<_> = history(&repo, owner, &task)
        .await
        .into_iter()
        .map(|(due, _)| due)
        .collect();
    dues.sort();
    assert_eq!(
        dues,
        [at("2026-06-01T07:00:00Z"), at("2026-06-02T07:00:00Z")],
        "each occurrence completed once, none skipped"
    );
}

#[tokio::test]
async fn a_recurring_or_all_day_task_without_a_due_date_is_refused() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let no_due = TaskFields {
        due_at: None,
        ..recurring("Never", "2026-06-01T07:00:00Z", "FREQ=DAILY")
    };
    assert!(matches!(
        tasks(&repo)
            .create(owner, no_due.clone(), TaskLocation::default())
            .await,
        Err(CreateTaskError::RecurrenceNeedsDue)
    ));
    let all_day = TaskFields {
        due_all_day: true,
        ..fields("Someday")
    };
    assert!(matches!(
        tasks(&repo)
            .create(owner, all_day, TaskLocation::default())
            .await,
        Err(CreateTaskError::AllDayNeedsDue)
    ));

    let task = create(
        &repo,
        owner,
        recurring("Daily", "2026-06-01T07:00:00Z", "FREQ=DAILY"),
    )
    .await;
    let clear_due = TaskPatch {
        due_at: Some(None),
        ..TaskPatch::default()
    };
    assert!(matches!(
        tasks(&repo).patch(owner, task.id, clear_due, None).await,
        Err(UpdateTaskError::RecurrenceNeedsDue)
    ));
    assert!(matches!(
        tasks(&repo)
            .replace(owner, task.id, no_due, TaskLocation::default(), None)
            .await,
        Err(UpdateTaskError::RecurrenceNeedsDue)
    ));
    let plain = create(&repo, owner, fields("Plain")).await;
    let all_day_patch = TaskPatch {
        due_all_day: Some(true),
        ..TaskPatch::default()
    };
    assert!(matches!(
        tasks(&repo)
            .patch(owner, plain.id, all_day_patch, None)
            .await,
        Err(UpdateTaskError::AllDayNeedsDue)
    ));
    // Nothing was written by the refusals.
    assert_eq!(tasks(&repo).get(owner, task.id).await.unwrap(), task);
    assert_eq!(tasks(&repo).get(owner, plain.id).await.unwrap(), plain);
}

#[tokio::test]
async fn editing_the_schedule_recomputes_the_next_occurrence_and_ending_it_clears_it() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let task = create(&repo, owner, fields("Plain")).await;
    assert_eq!(task.next_due_at, None);
    let patch = TaskPatch {
        due_at: Some(Some(at("2026-06-01T07:00:00Z"))),
        recurrence: Some(Some(Recurrence::parse("FREQ=WEEKLY;INTERVAL=2").unwrap())),
        ..TaskPatch::default()
    };
    let biweekly = tasks(&repo)
        .patch(owner, task.id, patch, None)
        .await
        .unwrap();
    assert_eq!(biweekly.next_due_at, Some(at("2026-06-15T07:00:00Z")));
    let moved = tasks(&repo)
        .patch(
            owner,
            task.id,
            TaskPatch {
                due_at: Some(Some(at("2026-06-03T07:00:00Z"))),
                ..TaskPatch::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(moved.next_due_at, Some(at("2026-06-17T07:00:00Z")));
    let ended = tasks(&repo)
        .patch(
            owner,
            task.id,
            TaskPatch {
                recurrence: Some(None),
                ..TaskPatch::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(ended.fields.recurrence, None);
    assert_eq!(ended.next_due_at, None);
    // A plain task completes as before.
    let done = complete(&repo, owner, &ended).await;
    assert!(done.fields.completed);
}

#[tokio::test]
async fn another_users_task_has_no_completions_to_show_or_make() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let stranger = db.insert_user().await;
    let task = create(
        &repo,
        owner,
        recurring("Mine", "2026-06-01T07:00:00Z", "FREQ=DAILY"),
    )
    .await;
    complete(&repo, owner, &task).await;
    assert!(matches!(
        tasks(&repo)
            .completions(stranger, task.id, CompletionQuery::default())
            .await,
        Err(ListCompletionsError::NotFound)
    ));
    assert!(matches!(
        tasks(&repo)
            .set_completed(stranger, task.id, CompletionChange::Set(true), None)
            .await,
        Err(UpdateTaskError::NotFound)
    ));
    assert_eq!(history(&repo, owner, &task).await.len(), 1);
}

#[tokio::test]
async fn completions_and_preferences_appear_in_the_change_log() {
    use domain::{ChangeData, ChangeEntity, ChangeLimit, ChangeOp};
    use ports::ChangeLog;

    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let log: &dyn ChangeLog = &repo;

    let before = log.latest(owner).await.unwrap();
    set_zone(&repo, owner, "Europe/Berlin").await;
    let page = log.read(owner, before, ChangeLimit::DEFAULT).await.unwrap();
    let prefs: Vec<_> = page
        .changes
        .iter()
        .filter(|c| c.entity == ChangeEntity::Preferences)
        .collect();
    assert_eq!(prefs.len(), 1, "collapsed to the last entry");
    assert_eq!(prefs[0].id, uuid::Uuid::from(owner));
    match &prefs[0].data {
        ChangeData::Preferences(p) => assert_eq!(p.time_zone.name(), "Europe/Berlin"),
        other => panic!("unexpected data {other:?}"),
    }

    let task = create(
        &repo,
        owner,
        recurring("Logged", "2026-06-01T07:00:00Z", "FREQ=DAILY"),
    )
    .await;
    let before = log.latest(owner).await.unwrap();
    let done = complete(&repo, owner, &task).await;
    let page = log.read(owner, before, ChangeLimit::DEFAULT).await.unwrap();
    let kinds: Vec<_> = page.changes.iter().map(|c| (c.entity, c.op())).collect();
    assert_eq!(
        kinds,
        [
            (ChangeEntity::Completion, ChangeOp::Upsert),
            (ChangeEntity::Task, ChangeOp::Upsert)
        ]
    );
    let completion = match &page.changes[0].data {
        ChangeData::Completion(c) => **c,
        other => panic!("unexpected data {other:?}"),
    };
    assert_eq!(completion.task_id, task.id);
    assert_eq!(completion.due_at, at("2026-06-01T07:00:00Z"));
    assert_eq!(page.changes[0].id, uuid::Uuid::from(completion.id));
    match &page.changes[1].data {
        ChangeData::Task(t) => assert_eq!(**t, done),
        other => panic!("unexpected data {other:?}"),
    }

    let before = log.latest(owner).await.unwrap();
    tasks(&repo)
        .set_completed(owner, task.id, CompletionChange::Set(false), None)
        .await
        .unwrap();
    let page = log.read(owner, before, ChangeLimit::DEFAULT).await.unwrap();
    let kinds: Vec<_> = page
        .changes
        .iter()
        .map(|c| (c.entity, c.id, c.op()))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                ChangeEntity::Completion,
                uuid::Uuid::from(completion.id),
                ChangeOp::Delete
            ),
            (
                ChangeEntity::Task,
                uuid::Uuid::from(task.id),
                ChangeOp::Upsert
            )
        ]
    );
}

#[tokio::test]
async fn an_all_day_task_advances_to_local_midnight_of_its_next_date() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    set_zone(&repo, owner, "Pacific/Pago_Pago").await;
    // Monday 2026-12-07 in Pago Pago (UTC-11) starts at 11:00 UTC.
    let task = create(
        &repo,
        owner,
        TaskFields {
            due_all_day: true,
            ..recurring("Gym", "2026-12-07T20:00:00Z", "FREQ=WEEKLY;BYDAY=MO,TH")
        },
    )
    .await;
    assert_eq!(due(&task), at("2026-12-07T11:00:00Z"));
    assert_eq!(
        task.next_due_at,
        Some(at("2026-12-10T11:00:00Z")),
        "Thursday"
    );
    let thursday = complete(&repo, owner, &task).await;
    assert_eq!(due(&thursday), at("2026-12-10T11:00:00Z"));
    assert!(thursday.fields.due_all_day);
    let monday = complete(&repo, owner, &thursday).await;
    assert_eq!(due(&monday), at("2026-12-14T11:00:00Z"));
}

#[tokio::test]
async fn due_date_edits_and_reopening_check_the_version_recurring_or_not() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let plain = create(&repo, owner, fields("Plain")).await;
    let daily = create(
        &repo,
        owner,
        recurring("Daily", "2026-06-01T07:00:00Z", "FREQ=DAILY"),
    )
    .await;
    let stale = Version::new(7);
    for task in [&plain, &daily] {
        let moved = TaskPatch {
            due_at: Some(Some(at("2026-07-01T07:00:00Z"))),
            ..TaskPatch::default()
        };
        assert!(matches!(
            tasks(&repo)
                .patch(owner, task.id, moved.clone(), Some(stale))
                .await,
            Err(UpdateTaskError::VersionMismatch)
        ));
        assert!(matches!(
            tasks(&repo)
                .set_completed(owner, task.id, CompletionChange::Set(false), Some(stale))
                .await,
            Err(UpdateTaskError::VersionMismatch)
        ));
        let missing = domain::TaskId::new_v7();
        assert!(matches!(
            tasks(&repo)
                .patch(owner, missing, moved.clone(), None)
                .await,
            Err(UpdateTaskError::NotFound)
        ));
        let edited = tasks(&repo)
            .patch(owner, task.id, moved, Some(task.version))
            .await
            .unwrap();
        assert_eq!(due(&edited), at("2026-07-01T07:00:00Z"));
        assert_eq!(edited.version, task.version.next());
    }
    let daily = tasks(&repo).get(owner, daily.id).await.unwrap();
    assert_eq!(daily.next_due_at, Some(at("2026-07-02T07:00:00Z")));
    assert_eq!(
        tasks(&repo).get(owner, plain.id).await.unwrap().next_due_at,
        None
    );
}

/// Every supported RRULE part, completed through the store (the owner's
/// zone is the default, UTC): the first due date, then the two occurrences
/// that two completions move the task to. COUNT and UNTIL have tests of
/// their own above; the domain's unit tests cover each part in more zones.
#[tokio::test]
async fn each_supported_part_advances_through_its_occurrences() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let cases = [
        // (rule, first due, after one completion, after two)
        (
            "FREQ=DAILY;INTERVAL=3",
            "2027-01-04T10:00:00Z",
            "2027-01-07T10:00:00Z",
            "2027-01-10T10:00:00Z",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO,TH",
            "2027-01-04T10:00:00Z",
            "2027-01-07T10:00:00Z",
            "2027-01-11T10:00:00Z",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2",
            "2027-01-04T10:00:00Z",
            "2027-01-18T10:00:00Z",
            "2027-02-01T10:00:00Z",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=15",
            "2027-01-15T10:00:00Z",
            "2027-02-15T10:00:00Z",
            "2027-03-15T10:00:00Z",
        ),
        // The last Friday of the month: 29 Jan, 26 Feb, 26 Mar 2027.
        (
            "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1",
            "2027-01-29T10:00:00Z",
            "2027-02-26T10:00:00Z",
            "2027-03-26T10:00:00Z",
        ),
        (
            "FREQ=MONTHLY;INTERVAL=3",
            "2027-01-10T10:00:00Z",
            "2027-04-10T10:00:00Z",
            "2027-07-10T10:00:00Z",
        ),
        (
            "FREQ=YEARLY;BYMONTH=3,9",
            "2027-03-05T10:00:00Z",
            "2027-09-05T10:00:00Z",
            "2028-03-05T10:00:00Z",
        ),
    ];
    for (rule, first, second, third) in cases {
        let task = create(&repo, owner, recurring(rule, first, rule)).await;
        assert_eq!(task.next_due_at, Some(at(second)), "{rule}: next_due_at");
        let advanced = complete(&repo, owner, &task).await;
        assert_eq!(due(&advanced), at(second), "{rule}: first completion");
        assert!(!advanced.fields.completed, "{rule}: stays open");
        let again = complete(&repo, owner, &advanced).await;
        assert_eq!(due(&again), at(third), "{rule}: second completion");
        assert!(again.next_due_at.is_some(), "{rule}: goes on");
        assert_eq!(
            history(&repo, owner, &task).await.len(),
            2,
            "{rule}: history"
        );
    }
}
