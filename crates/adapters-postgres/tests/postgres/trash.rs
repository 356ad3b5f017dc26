//! The trash: deleting moves a task (with its subtree) or a list (with its
//! tasks) into it; restoring brings exactly that back; the purge deletes
//! expired items once, from any number of processes.

use std::collections::HashMap;

use adapters_postgres::PgTaskRepo;
use diesel::sql_types::{BigInt, Text, Uuid as SqlUuid};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use domain::{
    ChangeData, ChangeEntity, ChangeLimit, Color, CompletionChange, CompletionQuery, LabelName,
    ListId, ListName, NewLabel, NewList, PageLimit, Restored, Seq, Task, TaskFields, TaskId,
    TaskLabels, TaskLocation, TrashCursor, TrashKind, TrashQuery, UserId,
};
use ports::{
    ChangeLog, DeleteTrashItemError, GetTaskError, LabelRepo, ListRepo, RestoreError, TaskRepo,
    TrashRepo,
};
use uuid::Uuid;

use crate::fixtures::{fields, migrated, query, raw_connection, repo_at};
use crate::recurrence::recurring;

fn tasks(repo: &PgTaskRepo) -> &dyn TaskRepo {
    repo
}

fn lists(repo: &PgTaskRepo) -> &dyn ListRepo {
    repo
}

fn trash(repo: &PgTaskRepo) -> &dyn TrashRepo {
    repo
}

async fn new_list(repo: &PgTaskRepo, owner: UserId, name: &str) -> ListId {
    lists(repo)
        .create(
            owner,
            NewList {
                name: ListName::parse(name).unwrap(),
                color: Color::Blue,
            },
        )
        .await
        .unwrap()
        .list
        .id
}

async fn add(repo: &PgTaskRepo, owner: UserId, fields: TaskFields, location: TaskLocation) -> Task {
    tasks(repo).create(owner, fields, location).await.unwrap()
}

fn in_list(list: ListId) -> TaskLocation {
    TaskLocation {
        list_id: Some(list),
        parent_id: None,
    }
}

fn under(parent: &Task) -> TaskLocation {
    TaskLocation {
        list_id: None,
        parent_id: Some(parent.id),
    }
}

async fn get(repo: &PgTaskRepo, owner: UserId, id: TaskId) -> Task {
    tasks(repo).get(owner, id).await.unwrap()
}

/// What a restore must bring back exactly: everything but the version
/// and `updated_at`.
fn essence(
    task: &Task,
) -> (
    TaskId,
    TaskFields,
    ListId,
    Option<TaskId>,
    String,
    Option<domain::Timestamp>,
    domain::Timestamp,
) {
    (
        task.id,
        task.fields.clone(),
        task.list_id,
        task.parent_id,
        task.position.as_str().to_owned(),
        task.next_due_at,
        task.created_at,
    )
}

fn restored_task(restored: Restored) -> Task {
    match restored {
        Restored::Task(task) => *task,
        Restored::List(list) => panic!("expected a task, got {list:?}"),
    }
}

async fn history(repo: &PgTaskRepo, owner: UserId, id: TaskId) -> Vec<domain::Completion> {
    tasks(repo)
        .completions(owner, id, CompletionQuery::default())
        .await
        .unwrap()
        .completions
}

#[tokio::test]
async fn a_deleted_task_comes_back_exactly_with_its_subtree_labels_and_history() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let labels: &dyn LabelRepo = &repo;
    let label = labels
        .create(
            owner,
            NewLabel {
                name: LabelName::parse("home").unwrap(),
                color: Color::Red,
            },
        )
        .await
        .unwrap();
    let work = new_list(&repo, owner, "Work").await;
    let first = add(&repo, owner, fields("first"), in_list(work)).await;
    let mut daily = recurring("daily", "2030-01-01T09:00:00Z", "FREQ=DAILY");
    daily.labels = TaskLabels::new(vec![label.id]).unwrap();
    let task = add(&repo, owner, daily, in_list(work)).await;
    let last = add(&repo, owner, fields("last"), in_list(work)).await;
    let sub = add(&repo, owner, fields("sub"), under(&task)).await;
    let subsub = add(&repo, owner, fields("subsub"), under(&sub)).await;
    // One completion of the recurring task: history to keep.
    tasks(&repo)
        .set_completed(owner, task.id, CompletionChange::Set(true), None)
        .await
        .unwrap();
    let before: Vec<Task> = {
        let mut v = Vec::new();
        for id in [task.id, sub.id, subsub.id] {
            v.push(get(&repo, owner, id).await);
        }
        v
    };
    let history_before = history(&repo, owner, task.id).await;
    assert_eq!(history_before.len(), 1);
    let counts_before = lists(&repo).get(owner, work).await.unwrap();

    tasks(&repo).delete(owner, task.id, None).await.unwrap();

    // Gone from every route, listing and count.
    for id in [task.id, sub.id, subsub.id] {
        assert!(matches!(
            tasks(&repo).get(owner, id).await,
            Err(GetTaskError::NotFound)
        ));
    }
    let listed = tasks(&repo).list(owner, &query(|_| {})).await.unwrap();
    let ids: Vec<TaskId> = listed.tasks.iter().map(|t| t.id).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&first.id) && ids.contains(&last.id));
    let counts = lists(&repo).get(owner, work).await.unwrap();
    assert_eq!(counts.total_tasks, counts_before.total_tasks - 3);

    // One item, the task's.
    let page = trash(&repo)
        .list(owner, TrashQuery::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let item = &page.items[0];
    assert_eq!(item.id, Uuid::from(task.id));
    assert_eq!(item.task_count, 3);
    assert_eq!(
        item.kind,
        TrashKind::Task {
            title: "daily".into(),
            list_id: work,
            parent_id: None
        }
    );

    let back = restored_task(
        trash(&repo)
            .restore(owner, Uuid::from(task.id))
            .await
            .unwrap(),
    );
    assert_eq!(essence(&back), essence(&before[0]));
    assert_eq!(back.version.get(), before[0].version.get() + 1);
    for old in &before {
        let now = get(&repo, owner, old.id).await;
        assert_eq!(essence(&now), essence(old), "{}", old.fields.title.as_str());
        assert_eq!(now.version.get(), old.version.get() + 1);
    }
    assert_eq!(history(&repo, owner, task.id).await, history_before);
    assert_eq!(
        lists(&repo).get(owner, work).await.unwrap().total_tasks,
        counts_before.total_tasks
    );
    // Between its old neighbours again.
    let order: Vec<TaskId> = tasks(&repo)
        .list(
            owner,
            &query(|q| {
                q.sort = domain::SortKey::Position;
                q.order = domain::SortOrder::Asc;
            }),
        )
        .await
        .unwrap()
        .tasks
        .iter()
        .filter(|t| t.parent_id.is_none())
        .map(|t| t.id)
        .collect();
    assert_eq!(order, [first.id, task.id, last.id]);
    assert!(
        trash(&repo)
            .list(owner, TrashQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn a_restored_task_whose_place_was_taken_goes_right_after_the_sibling_there() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let work = new_list(&repo, owner, "Work").await;
    let a = add(&repo, owner, fields("a"), in_list(work)).await;
    tasks(&repo).delete(owner, a.id, None).await.unwrap();
    // The first key again, now b's.
    let b = add(&repo, owner, fields("b"), in_list(work)).await;
    let c = add(&repo, owner, fields("c"), in_list(work)).await;
    assert_eq!(b.position, a.position);
    let back = restored_task(trash(&repo).restore(owner, Uuid::from(a.id)).await.unwrap());
    assert!(back.position > b.position && back.position < c.position);
}

#[tokio::test]
async fn a_task_whose_list_is_gone_returns_to_the_inbox_and_whose_parent_is_gone_to_the_top() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let errands = new_list(&repo, owner, "Errands").await;
    let parent = add(&repo, owner, fields("parent"), in_list(errands)).await;
    let child = add(&repo, owner, fields("child"), under(&parent)).await;
    let loner = add(&repo, owner, fields("loner"), in_list(errands)).await;

    // The child first, then its parent: the parent is gone when the child
    // comes back.
    tasks(&repo).delete(owner, child.id, None).await.unwrap();
    tasks(&repo).delete(owner, parent.id, None).await.unwrap();
    let back = restored_task(
        trash(&repo)
            .restore(owner, Uuid::from(child.id))
            .await
            .unwrap(),
    );
    assert_eq!((back.list_id, back.parent_id), (errands, None));

    // The loner's list goes (into the trash, without the loner, who was
    // deleted first): the loner returns to the Inbox, at the end.
    tasks(&repo).delete(owner, loner.id, None).await.unwrap();
    lists(&repo).delete(owner, errands, None).await.unwrap();
    let inbox_task = add(
        &repo,
        owner,
        fields("in the inbox"),
        TaskLocation::default(),
    )
    .await;
    let back = restored_task(
        trash(&repo)
            .restore(owner, Uuid::from(loner.id))
            .await
            .unwrap(),
    );
    assert_eq!(back.list_id, inbox_task.list_id);
    assert_eq!(back.parent_id, None);
    assert!(back.position > inbox_task.position);
}

#[tokio::test]
async fn a_deleted_list_comes_back_with_its_tasks_unless_its_name_is_taken() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let home = new_list(&repo, owner, "Home").await;
    let other = new_list(&repo, owner, "Other").await;
    let parent = add(&repo, owner, fields("parent"), in_list(home)).await;
    let child = add(&repo, owner, fields("child"), under(&parent)).await;
    let before = lists(&repo).get(owner, home).await.unwrap();

    lists(&repo).delete(owner, home, None).await.unwrap();
    assert!(tasks(&repo).get(owner, child.id).await.is_err());
    let page = trash(&repo)
        .list(owner, TrashQuery::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].task_count, 2);
    assert_eq!(
        page.items[0].kind,
        TrashKind::List {
            name: "Home".into()
        }
    );

    // A new list took the name (ignoring case): refused, still in the trash.
    let usurper = new_list(&repo, owner, "HOME").await;
    assert!(matches!(
        trash(&repo).restore(owner, Uuid::from(home)).await,
        Err(RestoreError::DuplicateName)
    ));
    assert_eq!(
        trash(&repo)
            .list(owner, TrashQuery::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    lists(&repo).delete(owner, usurper, None).await.unwrap();

    let Restored::List(back) = trash(&repo).restore(owner, Uuid::from(home)).await.unwrap() else {
        panic!("expected a list");
    };
    assert_eq!(back.list.id, home);
    assert_eq!(back.list.name, before.list.name);
    assert_eq!(back.list.color, before.list.color);
    assert_eq!(back.list.created_at, before.list.created_at);
    assert_eq!(back.list.version.get(), before.list.version.get() + 1);
    assert_eq!(back.total_tasks, 2);
    // At the end of the lists.
    let other_pos = lists(&repo).get(owner, other).await.unwrap().list.position;
    assert!(back.list.position > other_pos);
    let child_back = get(&repo, owner, child.id).await;
    assert_eq!(
        (child_back.list_id, child_back.parent_id),
        (home, Some(parent.id))
    );
}

#[tokio::test]
async fn another_users_item_is_not_found() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let task = add(&repo, alice, fields("mine"), TaskLocation::default()).await;
    tasks(&repo).delete(alice, task.id, None).await.unwrap();
    let id = Uuid::from(task.id);
    assert!(matches!(
        trash(&repo).restore(bob, id).await,
        Err(RestoreError::NotFound)
    ));
    assert!(matches!(
        trash(&repo).delete_forever(bob, id).await,
        Err(DeleteTrashItemError::NotFound)
    ));
    assert!(
        trash(&repo)
            .list(bob, TrashQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(trash(&repo).empty(bob).await.unwrap(), 0);
    // Alice's is untouched.
    assert_eq!(
        trash(&repo)
            .list(alice, TrashQuery::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    trash(&repo).delete_forever(alice, id).await.unwrap();
    assert!(matches!(
        trash(&repo).restore(alice, id).await,
        Err(RestoreError::NotFound)
    ));
}

#[tokio::test]
async fn the_trash_pages_newest_first_and_empties() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let task = add(
            &repo,
            owner,
            fields(&format!("t{n}")),
            TaskLocation::default(),
        )
        .await;
        tasks(&repo).delete(owner, task.id, None).await.unwrap();
        ids.push(Uuid::from(task.id));
    }
    let limit = PageLimit::new(2).unwrap();
    let mut seen = Vec::new();
    let mut cursor: Option<TrashCursor> = None;
    loop {
        let page = trash(&repo)
            .list(owner, TrashQuery { limit, cursor })
            .await
            .unwrap();
        seen.extend(page.items.iter().map(|i| i.id));
        match (page.has_more, page.items.last()) {
            (true, Some(last)) => cursor = Some(TrashCursor::after(last)),
            _ => break,
        }
    }
    ids.reverse();
    assert_eq!(seen, ids);
    assert_eq!(trash(&repo).empty(owner).await.unwrap(), 5);
    assert!(
        trash(&repo)
            .list(owner, TrashQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[derive(diesel::QueryableByName)]
struct Counted {
    #[diesel(sql_type = SqlUuid)]
    entity_id: Uuid,
    #[diesel(sql_type = Text)]
    op: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[tokio::test]
async fn two_processes_purging_at_once_delete_each_expired_item_exactly_once() {
    let (db, repo) = migrated().await;
    let users = [
        db.insert_user().await,
        db.insert_user().await,
        db.insert_user().await,
    ];
    let mut expired = Vec::new();
    let mut fresh = Vec::new();
    for (u, owner) in users.iter().enumerate() {
        for n in 0..40 {
            let task = add(
                &repo,
                *owner,
                fields(&format!("u{u} t{n}")),
                TaskLocation::default(),
            )
            .await;
            tasks(&repo).delete(*owner, task.id, None).await.unwrap();
            if n % 4 == 0 {
                fresh.push(Uuid::from(task.id));
            } else {
                expired.push(Uuid::from(task.id));
            }
        }
    }
    let mut conn = raw_connection(db.url()).await;
    let list = expired
        .iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(",");
    conn.batch_execute(&format!(
        "UPDATE trash SET deleted_at = now() - interval '31 days' WHERE id IN ({list})"
    ))
    .await
    .unwrap();

    // Two "processes": two pools of their own.
    let first = repo_at(db.url());
    let second = repo_at(db.url());
    let cutoff = chrono::Utc::now() - domain::trash_retention();
    let purge = |repo: PgTaskRepo| async move {
        let mut total = 0;
        loop {
            let n = trash(&repo).purge_expired(cutoff, 7).await.unwrap();
            total += n;
            if n == 0 {
                return total;
            }
        }
    };
    let (a, b) = tokio::join!(tokio::spawn(purge(first)), tokio::spawn(purge(second)));
    let total = a.unwrap() + b.unwrap();
    assert_eq!(total, expired.len() as u64);

    let left: Vec<Uuid> = {
        let mut all = Vec::new();
        for owner in users {
            all.extend(
                trash(&repo)
                    .list(
                        owner,
                        TrashQuery {
                            limit: PageLimit::new(100).unwrap(),
                            cursor: None,
                        },
                    )
                    .await
                    .unwrap()
                    .items
                    .iter()
                    .map(|i| i.id),
            );
        }
        all
    };
    let mut left_sorted = left.clone();
    left_sorted.sort();
    let mut fresh_sorted = fresh.clone();
    fresh_sorted.sort();
    assert_eq!(left_sorted, fresh_sorted);

    // The change log: one trash deletion per expired item, none for the
    // others.
    let counted: Vec<Counted> = diesel::sql_query(
        "SELECT entity_id, op, count(*) AS n FROM changes WHERE entity = 'trash' GROUP BY entity_id, op",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let deletes: HashMap<Uuid, i64> = counted
        .iter()
        .filter(|c| c.op == "delete")
        .map(|c| (c.entity_id, c.n))
        .collect();
    assert_eq!(deletes.len(), expired.len());
    for id in &expired {
        assert_eq!(deletes.get(id), Some(&1), "{id}");
    }
    for id in &fresh {
        assert_eq!(deletes.get(id), None, "{id}");
    }
}

#[tokio::test]
async fn entering_and_leaving_the_trash_is_in_the_change_feed() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let log: &dyn ChangeLog = &repo;
    let task = add(&repo, owner, fields("t"), TaskLocation::default()).await;
    let since = log.latest(owner).await.unwrap();
    tasks(&repo).delete(owner, task.id, None).await.unwrap();
    let page = log.read(owner, since, ChangeLimit::DEFAULT).await.unwrap();
    let item = page
        .changes
        .iter()
        .find(|c| c.entity == ChangeEntity::Trash)
        .unwrap();
    assert_eq!(item.id, Uuid::from(task.id));
    assert!(matches!(&item.data, ChangeData::Trash(t) if t.task_count == 1));

    let since: Seq = page.next;
    trash(&repo)
        .restore(owner, Uuid::from(task.id))
        .await
        .unwrap();
    let page = log.read(owner, since, ChangeLimit::DEFAULT).await.unwrap();
    let kinds: Vec<(ChangeEntity, domain::ChangeOp)> =
        page.changes.iter().map(|c| (c.entity, c.op())).collect();
    assert!(kinds.contains(&(ChangeEntity::Trash, domain::ChangeOp::Delete)));
    assert!(kinds.contains(&(ChangeEntity::Task, domain::ChangeOp::Upsert)));

    // Deleted for good: the item's deletion again.
    tasks(&repo).delete(owner, task.id, None).await.unwrap();
    let since = log.latest(owner).await.unwrap();
    trash(&repo)
        .delete_forever(owner, Uuid::from(task.id))
        .await
        .unwrap();
    let page = log.read(owner, since, ChangeLimit::DEFAULT).await.unwrap();
    let kinds: Vec<(ChangeEntity, domain::ChangeOp)> =
        page.changes.iter().map(|c| (c.entity, c.op())).collect();
    assert_eq!(kinds, [(ChangeEntity::Trash, domain::ChangeOp::Delete)]);
}

/// Through a real PgBouncer in transaction mode (see `pooler.rs`): delete
/// and restore, a failing and a succeeding batch (savepoints), the purge
/// from two pools at once, and idempotency claims, with several clients
/// sharing few server connections.
#[tokio::test]
async fn trash_batch_purge_and_claims_work_through_a_transaction_mode_pooler() {
    use adapters_postgres::PoolerMode;
    use domain::{BatchAction, BatchOp, IdempotencyKey};
    use ports::{BatchError, Claim, IdempotencyStore};

    use crate::pooler::{PgBouncer, migrated_db, repo_via};

    let db = migrated_db().await;
    let Some(bouncer) = PgBouncer::start(&db, "") else {
        return;
    };
    let first = repo_via(&bouncer, PoolerMode::Transaction);
    let second = repo_via(&bouncer, PoolerMode::Transaction);
    let owner = db.insert_user().await;

    let a = add(&first, owner, fields("a"), TaskLocation::default()).await;
    let b = add(&first, owner, fields("b"), TaskLocation::default()).await;
    tasks(&first).delete(owner, a.id, None).await.unwrap();
    assert!(tasks(&second).get(owner, a.id).await.is_err());
    trash(&second)
        .restore(owner, Uuid::from(a.id))
        .await
        .unwrap();

    let failing = vec![
        BatchOp {
            id: a.id,
            expected: None,
            action: BatchAction::Delete,
        },
        BatchOp {
            id: TaskId::new_v7(),
            expected: None,
            action: BatchAction::Complete,
        },
    ];
    assert!(matches!(
        tasks(&first).batch(owner, failing).await,
        Err(BatchError::Failed(f)) if f.len() == 1 && f[0].index == 1
    ));
    assert!(tasks(&first).get(owner, a.id).await.is_ok());
    let ok = vec![
        BatchOp {
            id: a.id,
            expected: None,
            action: BatchAction::Delete,
        },
        BatchOp {
            id: b.id,
            expected: None,
            action: BatchAction::Delete,
        },
    ];
    assert_eq!(tasks(&second).batch(owner, ok).await.unwrap().len(), 2);

    let mut conn = raw_connection(db.url()).await;
    conn.batch_execute("UPDATE trash SET deleted_at = now() - interval '31 days'")
        .await
        .unwrap();
    let cutoff = chrono::Utc::now() - domain::trash_retention();
    let (x, y) = tokio::join!(
        trash(&first).purge_expired(cutoff, 1),
        trash(&second).purge_expired(cutoff, 1)
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    let rest = trash(&first).purge_expired(cutoff, 10).await.unwrap();
    assert_eq!(x + y + rest, 2);

    let key = IdempotencyKey::parse_header(b"pooled").unwrap();
    let now = chrono::Utc::now();
    let claim = async |store: &dyn IdempotencyStore| {
        store
            .claim(
                owner,
                &key,
                [4; 32],
                now,
                now + chrono::Duration::minutes(5),
                now - chrono::Duration::hours(24),
            )
            .await
    };
    let (x, y) = tokio::join!(claim(&first), claim(&second));
    let mut outcomes = [x.unwrap(), y.unwrap()];
    outcomes.sort_by_key(|c| matches!(c, Claim::Proceed));
    assert_eq!(outcomes, [Claim::InProgress, Claim::Proceed]);
}
