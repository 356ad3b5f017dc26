//! `TransferRepo` against PostgreSQL: an import written through a
//! transaction-mode PgBouncer and read back page by page; a refused import
//! writes nothing.

use adapters_postgres::{PgTaskRepo, PoolerMode};
use diesel_async::SimpleAsyncConnection;
use domain::{
    Color, Depth, ExportedTask, ImportPlan, LabelName, ListName, PlannedCompletion, PlannedLabel,
    PlannedList, PlannedTask, Position, Preferences, Priority, Recurrence, RecurrenceBasis,
    TimeZone, UserId, WeekStart,
};
use ports::{ImportError, PreferencesRepo, TransferRepo};

use crate::fixtures::{at, migrated, raw_connection, title};
use crate::pooler::{PgBouncer, migrated_db, repo_via};

fn list(name: &str, is_inbox: bool, position: Option<&str>) -> PlannedList {
    PlannedList {
        name: if is_inbox {
            ListName::inbox()
        } else {
            ListName::parse(name).unwrap()
        },
        color: Color::default(),
        is_inbox,
        position: position.map(|p| Position::parse(p).unwrap()),
        created_at: None,
        updated_at: None,
    }
}

fn task(list: usize, parent: Option<usize>, name: &str, position: &str) -> PlannedTask {
    PlannedTask {
        list,
        parent,
        position: Some(Position::parse(position).unwrap()),
        title: title(name),
        description: None,
        priority: Priority::Medium,
        due_at: None,
        due_all_day: false,
        recurrence: None,
        recurrence_basis: RecurrenceBasis::Due,
        completed: false,
        labels: Vec::new(),
        created_at: None,
        updated_at: None,
    }
}

/// The Inbox with one task, a list "Work" with three levels of subtasks
/// (the second level in reverse order of creation), a label, and a
/// recurring task completed once.
fn plan() -> ImportPlan {
    let mut top = task(1, None, "Top", "a0");
    top.labels = vec![0];
    let mut daily = task(0, None, "Daily", "a0");
    daily.due_at = Some(at("2030-01-02T09:00:00Z"));
    daily.recurrence = Some(Recurrence::parse("FREQ=DAILY").unwrap());
    ImportPlan {
        preferences: Some(Preferences {
            time_zone: TimeZone::parse("Europe/Berlin").unwrap(),
            week_start: WeekStart::Sunday,
        }),
        lists: vec![
            list("Inbox", true, Some("a0")),
            list("Work", false, Some("a5")),
        ],
        labels: vec![PlannedLabel {
            name: LabelName::parse("urgent").unwrap(),
            color: Color::default(),
            created_at: None,
            updated_at: None,
        }],
        tasks: vec![
            daily,
            top,
            task(1, Some(1), "Second", "a2"),
            task(1, Some(1), "First", "a1"),
            task(1, Some(3), "Deep", "a0"),
        ],
        completions: vec![PlannedCompletion {
            task: 0,
            completed_at: at("2030-01-01T10:00:00Z"),
            due_at: at("2030-01-01T09:00:00Z"),
            next_due_at: Some(at("2030-01-02T09:00:00Z")),
        }],
    }
}

async fn all_tasks(repo: &PgTaskRepo, owner: UserId) -> Vec<ExportedTask> {
    let mut out = Vec::new();
    for depth in Depth::all() {
        let mut after = None;
        loop {
            // Pages of two, to cross page boundaries.
            let page = repo.export_tasks(owner, depth, after, 2).await.unwrap();
            after = page.last().map(|t| t.id);
            let done = page.len() < 2;
            out.extend(page);
            if done {
                break;
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_through_transaction_mode_pgbouncer_reads_back_page_by_page() {
    let db = migrated_db().await;
    let Some(bouncer) = PgBouncer::start(&db, "") else {
        return;
    };
    let repo = repo_via(&bouncer, PoolerMode::Transaction);
    let owner = db.insert_user().await;

    let counts = repo.import(owner, plan()).await.unwrap();
    assert_eq!(
        (
            counts.lists,
            counts.labels,
            counts.tasks,
            counts.completions
        ),
        (1, 1, 5, 1)
    );
    let head = repo.export_head(owner).await.unwrap();
    let names: Vec<&str> = head.lists.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, vec!["Inbox", "Work"]);
    assert_eq!(head.lists[1].position.as_str(), "a5");
    assert_eq!(
        head.preferences.map(|p| p.week_start),
        Some(WeekStart::Sunday)
    );

    let tasks = all_tasks(&repo, owner).await;
    assert_eq!(tasks.len(), 5);
    for (i, t) in tasks.iter().enumerate() {
        if let Some(parent) = t.parent_id {
            assert!(tasks[..i].iter().any(|p| p.id == parent), "{t:?}");
        }
    }
    let by_title = |name: &str| tasks.iter().find(|t| t.title.as_str() == name).unwrap();
    assert_eq!(by_title("Deep").parent_id, Some(by_title("First").id));
    assert_eq!(by_title("First").position.as_str(), "a1");
    assert_eq!(by_title("Second").position.as_str(), "a2");
    assert_eq!(by_title("Top").labels, vec![head.labels[0].id]);
    assert_eq!(by_title("Daily").list_id, head.lists[0].id);
    let completions = repo.export_completions(owner, None, 10).await.unwrap();
    assert_eq!(completions.len(), 1);
    assert_eq!(completions[0].1.task_id, by_title("Daily").id);

    // Again: the lists and the label merge by name, the tasks go after the
    // ones already there, the stored preferences stay.
    let mut again = plan();
    again.lists[1].name = ListName::parse("WORK").unwrap();
    again.preferences = Some(Preferences::default());
    let counts = repo.import(owner, again).await.unwrap();
    assert_eq!((counts.lists, counts.labels, counts.tasks), (0, 0, 5));
    let tasks = all_tasks(&repo, owner).await;
    let tops: Vec<&str> = tasks
        .iter()
        .filter(|t| t.title.as_str() == "Top")
        .map(|t| t.position.as_str())
        .collect();
    assert_eq!(tops, vec!["a0", "a1"]);
    assert_eq!(
        repo.get(owner).await.unwrap().preferences.week_start,
        WeekStart::Sunday
    );
}

#[tokio::test]
async fn an_import_refused_for_a_limit_writes_nothing() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    // The account already holds the most lists it may (the Inbox and 999).
    let mut conn = raw_connection(db.url()).await;
    conn.batch_execute(&format!(
        "INSERT INTO lists (id, user_id, name, color, position, is_inbox) \
         VALUES (gen_random_uuid(), '{owner}', 'Inbox', 'gray', 'a0', true); \
         INSERT INTO lists (id, user_id, name, color, position, is_inbox) \
         SELECT gen_random_uuid(), '{owner}', 'List ' || g, 'gray', 'c' || lpad(g::text, 3, '0'), false \
           FROM generate_series(1, 999) g"
    ))
    .await
    .unwrap();

    let error = repo.import(owner, plan()).await.unwrap_err();
    assert!(matches!(error, ImportError::LimitReached(_)), "{error:?}");
    let head = repo.export_head(owner).await.unwrap();
    assert_eq!(head.lists.len(), 1000);
    assert!(head.labels.is_empty());
    assert_eq!(head.preferences, None);
    assert!(all_tasks(&repo, owner).await.is_empty());
}
