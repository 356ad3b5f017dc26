//! The views (issue 11) at the day boundary in the zones farthest from UTC:
//! tasks seeded just before and after local midnight, listed through
//! windows computed by the domain (`TaskView::window`) at a fixed `now`.

use adapters_postgres::PgTaskRepo;
use chrono::{Duration, NaiveDate};
use domain::{
    CompletionChange, Priority, SortKey, SortOrder, Task, TaskFields, TaskLocation, TaskQuery,
    TaskView, TimeZone, Timestamp, UpcomingDays, UserId,
};
use ports::TaskRepo;

use crate::fixtures::{fields, migrated, query};
use crate::recurrence::set_zone;

fn tasks(repo: &PgTaskRepo) -> &dyn TaskRepo {
    repo
}

struct Seeded {
    /// Timed, 23:00 local today: before `now` (23:30 local).
    late_today: Task,
    /// Timed, 23:59 local today: after `now`, still today.
    last_minute: Task,
    /// Timed, 00:30 local tomorrow.
    after_midnight: Task,
    /// All-day today.
    all_day_today: Task,
    /// All-day yesterday.
    all_day_yesterday: Task,
    /// All-day tomorrow.
    all_day_tomorrow: Task,
    /// No due date.
    undated: Task,
    now: Timestamp,
}

async fn seed(repo: &PgTaskRepo, owner: UserId, zone: &str) -> Seeded {
    set_zone(repo, owner, zone).await;
    let tz = TimeZone::parse(zone).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
    let start = |date: NaiveDate| tz.start_of_date(date);
    let tomorrow = today.succ_opt().unwrap();
    let yesterday = today.pred_opt().unwrap();
    let add = |title: &str, due: Timestamp, all_day: bool| {
        let fields = TaskFields {
            due_at: Some(due),
            due_all_day: all_day,
            priority: if all_day {
                Priority::Low
            } else {
                Priority::High
            },
            ..fields(title)
        };
        async move {
            tasks(repo)
                .create(owner, fields, TaskLocation::default())
                .await
                .unwrap()
        }
    };
    let seeded = Seeded {
        late_today: add("late today", start(today) + Duration::hours(23), false).await,
        last_minute: add("last minute", start(tomorrow) - Duration::minutes(1), false).await,
        after_midnight: add(
            "after midnight",
            start(tomorrow) + Duration::minutes(30),
            false,
        )
        .await,
        all_day_today: add("all day today", start(today) + Duration::hours(12), true).await,
        all_day_yesterday: add(
            "all day yesterday",
            start(yesterday) + Duration::hours(20),
            true,
        )
        .await,
        all_day_tomorrow: add("all day tomorrow", start(tomorrow), true).await,
        undated: tasks(repo)
            .create(owner, fields("undated"), TaskLocation::default())
            .await
            .unwrap(),
        now: start(today) + Duration::minutes(23 * 60 + 30),
    };
    // A completed task due today is in no view.
    let done = add("done today", start(today) + Duration::hours(1), false).await;
    tasks(repo)
        .set_completed(owner, done.id, CompletionChange::Set(true), None)
        .await
        .unwrap();
    seeded
}

async fn titles(repo: &PgTaskRepo, owner: UserId, q: &TaskQuery) -> Vec<String> {
    let page = tasks(repo).list(owner, q).await.unwrap();
    assert!(!page.has_more);
    page.tasks
        .into_iter()
        .map(|t| t.fields.title.as_str().to_owned())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn names(tasks: &[&Task]) -> Vec<String> {
    sorted(
        tasks
            .iter()
            .map(|t| t.fields.title.as_str().to_owned())
            .collect(),
    )
}

fn in_view(view: TaskView, s: &Seeded, tz: TimeZone) -> TaskQuery {
    TaskQuery::default().for_view(view.window(s.now, tz), false)
}

async fn views_at_the_day_boundary(zone: &str) {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let s = seed(&repo, owner, zone).await;
    let tz = TimeZone::parse(zone).unwrap();

    // All-day tasks are stored at local midnight.
    assert_eq!(
        s.all_day_today.fields.due_at,
        Some(tz.start_of_date(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()))
    );

    let today = titles(&repo, owner, &in_view(TaskView::Today, &s, tz)).await;
    assert_eq!(
        sorted(today),
        names(&[
            &s.late_today,
            &s.last_minute,
            &s.all_day_today,
            &s.all_day_yesterday
        ]),
        "{zone}: today and earlier, nothing after local midnight"
    );

    let overdue = titles(&repo, owner, &in_view(TaskView::Overdue, &s, tz)).await;
    assert_eq!(
        sorted(overdue),
        names(&[&s.late_today, &s.all_day_yesterday]),
        "{zone}: timed tasks past now, all-day tasks before today"
    );

    let upcoming = TaskView::Upcoming {
        days: UpcomingDays::parse(2).unwrap(),
    };
    let q = in_view(upcoming, &s, tz);
    assert_eq!((q.sort, q.order), (SortKey::DueAt, SortOrder::Asc));
    let listed = titles(&repo, owner, &q).await;
    let expected: Vec<String> = [
        &s.all_day_today,
        &s.late_today,
        &s.last_minute,
        &s.all_day_tomorrow,
        &s.after_midnight,
    ]
    .iter()
    .map(|t| t.fields.title.as_str().to_owned())
    .collect();
    assert_eq!(listed, expected, "{zone}: today and tomorrow, by due date");

    let no_date = titles(&repo, owner, &in_view(TaskView::NoDate, &s, tz)).await;
    assert_eq!(no_date, names(&[&s.undated]));

    // Views combine with filters and paginate.
    let high = query(|q| {
        *q = in_view(upcoming, &s, tz);
        q.priority = Some(Priority::High);
    });
    assert_eq!(
        titles(&repo, owner, &high).await,
        ["late today", "last minute", "after midnight"]
    );
    let mut q = query(|q| {
        *q = in_view(upcoming, &s, tz);
        q.limit = domain::PageLimit::new(2).unwrap();
    });
    let mut paged = Vec::new();
    loop {
        let page = tasks(&repo).list(owner, &q).await.unwrap();
        let last = page.tasks.last().cloned();
        paged.extend(
            page.tasks
                .iter()
                .map(|t| t.fields.title.as_str().to_owned()),
        );
        match (page.has_more, last) {
            (true, Some(last)) => q = q.clone().with_cursor(q.next_cursor(&last)).unwrap(),
            _ => break,
        }
    }
    assert_eq!(paged, expected);
}

#[tokio::test]
async fn views_at_the_day_boundary_in_kiritimati() {
    views_at_the_day_boundary("Pacific/Kiritimati").await;
}

#[tokio::test]
async fn views_at_the_day_boundary_in_pago_pago() {
    views_at_the_day_boundary("Pacific/Pago_Pago").await;
}
