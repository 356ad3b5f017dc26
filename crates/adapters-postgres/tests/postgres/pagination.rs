//! Every sort key in both orders, read page by page, must give exactly the
//! full order: no task skipped, none repeated. The data has ties on every
//! key (decided by id) and tasks without a due date.

use std::cmp::Ordering;

use diesel::sql_types::{Array, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use domain::{
    PageLimit, Priority, SortKey, SortOrder, StatusFilter, Task, TaskFields, TaskId, TaskLocation,
    TaskQuery, UserId,
};
use ports::TaskRepo;

use crate::fixtures::{at, fields, migrated, query, raw_connection};

/// Titles differing only in case tie under lower(title); plain ASCII
/// letters so the expected order does not depend on the collation.
const TITLES: [&str; 14] = [
    "apple", "Apple", "APPLE", "banana", "Banana", "cherry", "date", "Date", "elder", "fig", "FIG",
    "grape", "kiwi", "Kiwi",
];

async fn seed(repo: &impl TaskRepo, url: &str, owner: UserId) -> Vec<TaskId> {
    let dues = [
        None,
        Some("2030-01-01T00:00:00Z"),
        Some("2030-01-01T00:00:00Z"),
        None,
        Some("2029-06-15T12:30:00Z"),
        Some("2031-02-03T04:05:06.789Z"),
        None,
        Some("2030-01-01T00:00:00Z"),
    ];
    let mut ids = Vec::new();
    for (i, title) in TITLES.iter().enumerate() {
        let task = repo
            .create(
                owner,
                TaskFields {
                    priority: Priority::ALL[i % 3],
                    due_at: dues[i % dues.len()].map(at),
                    completed: i % 4 == 0,
                    ..fields(title)
                },
                TaskLocation::default(),
            )
            .await
            .unwrap();
        ids.push(task.id);
    }

    // Ties on the timestamps: one UPDATE per group, so the group shares
    // created_at (set here) and updated_at (the trigger's now(), fixed per
    // transaction). Grouped differently for the two columns.
    let mut conn = raw_connection(url).await;
    for group in 0..3 {
        let members: Vec<uuid::Uuid> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 == group)
            .map(|(_, id)| (*id).into())
            .collect();
        diesel::sql_query("UPDATE tasks SET created_at = $1 WHERE id = ANY($2)")
            .bind::<Timestamptz, _>(
                at("2030-01-01T00:00:00Z") + chrono::Duration::minutes(group as i64),
            )
            .bind::<Array<SqlUuid>, _>(members)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    for group in [2, 0, 3, 1] {
        let members: Vec<uuid::Uuid> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 4 == group)
            .map(|(_, id)| (*id).into())
            .collect();
        diesel::sql_query("UPDATE tasks SET completed = completed WHERE id = ANY($1)")
            .bind::<Array<SqlUuid>, _>(members)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    ids
}

/// The order the listing promises, computed independently of SQL.
fn expected_order(mut tasks: Vec<Task>, key: SortKey, order: SortOrder) -> Vec<TaskId> {
    let directed = |o: Ordering| match order {
        SortOrder::Asc => o,
        SortOrder::Desc => o.reverse(),
    };
    tasks.sort_by(|a, b| {
        let by_key = match key {
            SortKey::CreatedAt => directed(a.created_at.cmp(&b.created_at)),
            SortKey::UpdatedAt => directed(a.updated_at.cmp(&b.updated_at)),
            SortKey::Priority => directed(a.fields.priority.cmp(&b.fields.priority)),
            SortKey::Title => directed(
                a.fields
                    .title
                    .as_str()
                    .to_lowercase()
                    .cmp(&b.fields.title.as_str().to_lowercase()),
            ),
            // Bytewise, as the keys are compared (COLLATE "C").
            SortKey::Position => directed(
                a.position
                    .as_str()
                    .as_bytes()
                    .cmp(b.position.as_str().as_bytes()),
            ),
            // Undated last in both directions.
            SortKey::DueAt => match (a.fields.due_at, b.fields.due_at) {
                (Some(x), Some(y)) => directed(x.cmp(&y)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        by_key.then_with(|| directed(a.id.cmp(&b.id)))
    });
    tasks.into_iter().map(|t| t.id).collect()
}

async fn read_all_pages(repo: &impl TaskRepo, owner: UserId, first: TaskQuery) -> Vec<TaskId> {
    let limit = usize::from(first.limit.get());
    let mut query = first;
    let mut seen = Vec::new();
    loop {
        let page = repo.list(owner, &query).await.unwrap();
        assert!(page.tasks.len() <= limit);
        seen.extend(page.tasks.iter().map(|t| t.id));
        if !page.has_more {
            return seen;
        }
        assert_eq!(page.tasks.len(), limit, "only the last page may be short");
        let last = page.tasks.last().unwrap();
        query = query.clone().with_cursor(query.next_cursor(last)).unwrap();
        assert!(seen.len() <= 100, "pagination does not terminate");
    }
}

#[tokio::test]
async fn every_sort_and_order_pages_through_without_skips_or_repeats() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    seed(&repo, db.url(), owner).await;
    // Someone else's tasks must never show up in the pages.
    let other = db.insert_user().await;
    repo.create(other, fields("apple"), TaskLocation::default())
        .await
        .unwrap();

    let everything = repo
        .list(owner, &query(|q| q.limit = PageLimit::new(100).unwrap()))
        .await
        .unwrap();
    assert_eq!(everything.tasks.len(), TITLES.len());
    assert!(!everything.has_more);

    for key in SortKey::ALL {
        for order in [SortOrder::Asc, SortOrder::Desc] {
            for limit in [1, 3, 5] {
                let first = query(|q| {
                    q.sort = key;
                    q.order = order;
                    q.limit = PageLimit::new(limit).unwrap();
                });
                assert_eq!(
                    read_all_pages(&repo, owner, first).await,
                    expected_order(everything.tasks.clone(), key, order),
                    "sort {key:?} {order:?}, limit {limit}"
                );
            }
        }
    }
}

#[tokio::test]
async fn pagination_respects_filters_and_exact_fits() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    seed(&repo, db.url(), owner).await;
    let all = repo
        .list(owner, &query(|q| q.limit = PageLimit::new(100).unwrap()))
        .await
        .unwrap()
        .tasks;
    let pending: Vec<Task> = all.into_iter().filter(|t| !t.fields.completed).collect();

    for key in SortKey::ALL {
        let first = query(|q| {
            q.status = StatusFilter::Pending;
            q.sort = key;
            q.order = SortOrder::Asc;
            q.limit = PageLimit::new(2).unwrap();
        });
        assert_eq!(
            read_all_pages(&repo, owner, first).await,
            expected_order(pending.clone(), key, SortOrder::Asc),
            "{key:?}"
        );
    }

    // A page exactly as long as what is left says there is no more.
    let exact = query(|q| q.limit = PageLimit::new(i64::try_from(TITLES.len()).unwrap()).unwrap());
    let page = repo.list(owner, &exact).await.unwrap();
    assert_eq!(page.tasks.len(), TITLES.len());
    assert!(!page.has_more);
}
