use domain::{
    Color, Description, LabelId, LabelName, NewLabel, Priority, SearchTerm, StatusFilter, Task,
    TaskFields, TaskId, TaskLabels, TaskLocation, TaskQuery, UserId,
};
use ports::TaskRepo;

use crate::fixtures::{at, fields, migrated, query};

async fn ids(repo: &impl TaskRepo, owner: UserId, query: TaskQuery) -> Vec<TaskId> {
    let mut ids: Vec<_> = repo
        .list(owner, &query)
        .await
        .unwrap()
        .tasks
        .into_iter()
        .map(|t| t.id)
        .collect();
    ids.sort();
    ids
}

fn sorted(tasks: &[&Task]) -> Vec<TaskId> {
    let mut ids: Vec<_> = tasks.iter().map(|t| t.id).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn filters_by_status_priority_labels_and_due_date() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let label = async |name: &str| {
        ports::LabelRepo::create(
            &repo,
            owner,
            NewLabel {
                name: LabelName::parse(name).unwrap(),
                color: Color::Gray,
            },
        )
        .await
        .unwrap()
        .id
    };
    let (work, home) = (label("work").await, label("home").await);
    let labels = |ids: &[LabelId]| TaskLabels::new(ids.to_vec()).unwrap();
    let make =
        |title: &str, priority, tags: Option<&[LabelId]>, due: Option<&str>, done| TaskFields {
            priority,
            labels: labels(tags.unwrap_or_default()),
            due_at: due.map(at),
            completed: done,
            ..fields(title)
        };
    let early = repo
        .create(
            owner,
            make(
                "early",
                Priority::High,
                Some(&[work]),
                Some("2030-01-01T00:00:00Z"),
                false,
            ),
            TaskLocation::default(),
        )
        .await
        .unwrap();
    let boundary = repo
        .create(
            owner,
            make(
                "boundary",
                Priority::Low,
                Some(&[home, work]),
                Some("2030-06-01T00:00:00Z"),
                true,
            ),
            TaskLocation::default(),
        )
        .await
        .unwrap();
    let late = repo
        .create(
            owner,
            make(
                "late",
                Priority::Medium,
                Some(&[home]),
                Some("2031-01-01T00:00:00Z"),
                false,
            ),
            TaskLocation::default(),
        )
        .await
        .unwrap();
    let undated = repo
        .create(
            owner,
            make("undated", Priority::High, None, None, true),
            TaskLocation::default(),
        )
        .await
        .unwrap();

    let q = TaskQuery::default;
    assert_eq!(
        ids(&repo, owner, q()).await,
        sorted(&[&early, &boundary, &late, &undated])
    );
    assert_eq!(
        ids(
            &repo,
            owner,
            query(|q| {
                q.status = StatusFilter::Pending;
            })
        )
        .await,
        sorted(&[&early, &late])
    );
    assert_eq!(
        ids(
            &repo,
            owner,
            query(|q| {
                q.status = StatusFilter::Completed;
            })
        )
        .await,
        sorted(&[&boundary, &undated])
    );
    assert_eq!(
        ids(
            &repo,
            owner,
            query(|q| {
                q.priority = Some(Priority::High);
            })
        )
        .await,
        sorted(&[&early, &undated])
    );
    // Tasks carrying every label asked for.
    assert_eq!(
        ids(&repo, owner, query(|q| q.labels = labels(&[work]))).await,
        sorted(&[&early, &boundary])
    );
    assert_eq!(
        ids(&repo, owner, query(|q| q.labels = labels(&[work, home]))).await,
        sorted(&[&boundary])
    );
    assert_eq!(early.fields.labels, labels(&[work]));
    assert_eq!(boundary.fields.labels, labels(&[work, home]));
    // Strict bounds; tasks without a due date match neither.
    let june = Some(at("2030-06-01T00:00:00Z"));
    assert_eq!(
        ids(
            &repo,
            owner,
            query(|q| {
                q.due_before = june;
            })
        )
        .await,
        sorted(&[&early])
    );
    assert_eq!(
        ids(
            &repo,
            owner,
            query(|q| {
                q.due_after = june;
            })
        )
        .await,
        sorted(&[&late])
    );
    assert_eq!(
        ids(
            &repo,
            owner,
            query(|q| {
                q.due_after = Some(at("2029-12-31T23:59:59Z"));
                q.due_before = Some(at("2030-06-01T00:00:00.000001Z"));
            })
        )
        .await,
        sorted(&[&early, &boundary])
    );
    // Filters combine with AND.
    assert_eq!(
        ids(
            &repo,
            owner,
            query(|q| {
                q.status = StatusFilter::Completed;
                q.priority = Some(Priority::High);
            })
        )
        .await,
        sorted(&[&undated])
    );
    assert!(
        ids(
            &repo,
            owner,
            query(|q| {
                q.status = StatusFilter::Pending;
                q.labels = labels(&[work]);
                q.priority = Some(Priority::Low);
            })
        )
        .await
        .is_empty()
    );
}

#[tokio::test]
async fn search_is_case_insensitive_in_title_or_description() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let in_title = repo
        .create(owner, fields("Buy MILK"), TaskLocation::default())
        .await
        .unwrap();
    let in_description = repo
        .create(
            owner,
            TaskFields {
                description: Some(Description::parse("remember the milk, please").unwrap()),
                ..fields("Groceries")
            },
            TaskLocation::default(),
        )
        .await
        .unwrap();
    repo.create(owner, fields("Walk the dog"), TaskLocation::default())
        .await
        .unwrap();

    let search = |s: &str| {
        query(|q| {
            q.search = Some(SearchTerm::parse(s).unwrap());
        })
    };
    assert_eq!(
        ids(&repo, owner, search("milk")).await,
        sorted(&[&in_title, &in_description])
    );
    assert_eq!(
        ids(&repo, owner, search("mIlK, PLEASE")).await,
        sorted(&[&in_description])
    );
    assert!(ids(&repo, owner, search("cheese")).await.is_empty());
}

#[tokio::test]
async fn search_treats_like_metacharacters_literally() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let percent = repo
        .create(owner, fields("100% done"), TaskLocation::default())
        .await
        .unwrap();
    repo.create(owner, fields("1000 done"), TaskLocation::default())
        .await
        .unwrap();
    let underscore = repo
        .create(owner, fields("snake_case"), TaskLocation::default())
        .await
        .unwrap();
    repo.create(owner, fields("snakeXcase"), TaskLocation::default())
        .await
        .unwrap();
    let backslash = repo
        .create(owner, fields(r"C:\temp"), TaskLocation::default())
        .await
        .unwrap();
    repo.create(owner, fields("C:temp"), TaskLocation::default())
        .await
        .unwrap();

    let search = |s: &str| {
        query(|q| {
            q.search = Some(SearchTerm::parse(s).unwrap());
        })
    };
    assert_eq!(ids(&repo, owner, search("100%")).await, sorted(&[&percent]));
    assert_eq!(ids(&repo, owner, search("%")).await, sorted(&[&percent]));
    assert_eq!(
        ids(&repo, owner, search("e_c")).await,
        sorted(&[&underscore])
    );
    assert_eq!(ids(&repo, owner, search("_")).await, sorted(&[&underscore]));
    assert_eq!(
        ids(&repo, owner, search(r":\t")).await,
        sorted(&[&backslash])
    );
    assert_eq!(ids(&repo, owner, search(r"\")).await, sorted(&[&backslash]));
}
