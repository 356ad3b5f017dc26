//! Tasks in lists and trees: where a task goes, how deep it may nest, what
//! completing, moving and deleting do to its subtree.

use std::sync::Arc;

use adapters_postgres::PgTaskRepo;
use diesel_async::SimpleAsyncConnection;
use domain::{
    Color, CompletionChange, LabelName, ListId, ListName, NewLabel, NewList, ParentFilter,
    Placement, SortKey, SortOrder, Task, TaskFields, TaskId, TaskLabels, TaskLocation, TaskMove,
    TaskPatch, TaskQuery, UserId, limits,
};
use ports::{
    CreateTaskError, GetTaskError, LabelRepo, ListRepo, MoveTaskError, TaskRepo, UpdateTaskError,
};

use crate::fixtures::{fields, migrated, query, raw_connection};

fn tasks(repo: &PgTaskRepo) -> &dyn TaskRepo {
    repo
}

async fn new_list(repo: &PgTaskRepo, owner: UserId, name: &str) -> ListId {
    let lists: &dyn ListRepo = repo;
    lists
        .create(
            owner,
            NewList {
                name: ListName::parse(name).unwrap(),
                color: Color::Gray,
            },
        )
        .await
        .unwrap()
        .list
        .id
}

async fn add(repo: &PgTaskRepo, owner: UserId, title: &str, location: TaskLocation) -> Task {
    tasks(repo)
        .create(owner, fields(title), location)
        .await
        .unwrap()
}

fn under(parent: &Task) -> TaskLocation {
    TaskLocation {
        list_id: None,
        parent_id: Some(parent.id),
    }
}

fn in_list(list: ListId) -> TaskLocation {
    TaskLocation {
        list_id: Some(list),
        parent_id: None,
    }
}

async fn get(repo: &PgTaskRepo, owner: UserId, id: TaskId) -> Task {
    tasks(repo).get(owner, id).await.unwrap()
}

fn moving(placement: Placement<TaskId>) -> TaskMove {
    TaskMove {
        list_id: None,
        parent_id: None,
        placement,
    }
}

#[tokio::test]
async fn subtasks_live_in_their_parents_list_and_are_counted() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let work = new_list(&repo, owner, "Work").await;
    let parent = add(&repo, owner, "parent", in_list(work)).await;
    let first = add(&repo, owner, "first", under(&parent)).await;
    let second = add(&repo, owner, "second", under(&parent)).await;

    assert_eq!((first.list_id, first.parent_id), (work, Some(parent.id)));
    assert!(first.position < second.position);
    tasks(&repo)
        .set_completed(owner, second.id, CompletionChange::Set(true), None)
        .await
        .unwrap();
    let parent = get(&repo, owner, parent.id).await;
    assert_eq!((parent.subtasks.total, parent.subtasks.completed), (2, 1));

    // Listing one level in manual order, and the top level only.
    let children = tasks(&repo)
        .list(
            owner,
            &query(|q| {
                q.parent = ParentFilter::Of(parent.id);
                q.sort = SortKey::Position;
                q.order = SortOrder::Asc;
            }),
        )
        .await
        .unwrap();
    let ids: Vec<_> = children.tasks.iter().map(|t| t.id).collect();
    assert_eq!(ids, [first.id, second.id]);
    let top = tasks(&repo)
        .list(
            owner,
            &query(|q| {
                q.list_id = Some(work);
                q.parent = ParentFilter::None;
            }),
        )
        .await
        .unwrap();
    assert_eq!(top.tasks, vec![parent]);
}

#[tokio::test]
async fn references_must_be_the_owners_and_agree() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let other = db.insert_user().await;
    let mine = new_list(&repo, owner, "Mine").await;
    let theirs = new_list(&repo, other, "Theirs").await;
    let their_task = add(&repo, other, "theirs", in_list(theirs)).await;
    let inbox_task = add(&repo, owner, "in the Inbox", TaskLocation::default()).await;
    let labels: &dyn LabelRepo = &repo;
    let their_label = labels
        .create(
            other,
            NewLabel {
                name: LabelName::parse("theirs").unwrap(),
                color: Color::Red,
            },
        )
        .await
        .unwrap();

    let create = |location| tasks(&repo).create(owner, fields("x"), location);
    assert!(matches!(
        create(in_list(theirs)).await,
        Err(CreateTaskError::ListNotFound)
    ));
    assert!(matches!(
        create(under(&their_task)).await,
        Err(CreateTaskError::ParentNotFound)
    ));
    assert!(matches!(
        create(TaskLocation {
            list_id: Some(mine),
            parent_id: Some(inbox_task.id),
        })
        .await,
        Err(CreateTaskError::ParentInAnotherList)
    ));
    let labelled = TaskFields {
        labels: TaskLabels::new(vec![their_label.id]).unwrap(),
        ..fields("x")
    };
    assert!(matches!(
        tasks(&repo)
            .create(owner, labelled.clone(), TaskLocation::default())
            .await,
        Err(CreateTaskError::LabelNotFound)
    ));
    assert!(matches!(
        tasks(&repo)
            .replace(
                owner,
                inbox_task.id,
                labelled,
                TaskLocation::default(),
                None
            )
            .await,
        Err(UpdateTaskError::LabelNotFound)
    ));
    // Nothing was written by the refused requests.
    let all = tasks(&repo)
        .list(owner, &TaskQuery::default())
        .await
        .unwrap();
    assert_eq!(all.tasks, vec![inbox_task]);
}

#[tokio::test]
async fn nesting_stops_at_four_levels_and_never_makes_a_cycle() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let one = add(&repo, owner, "1", TaskLocation::default()).await;
    let two = add(&repo, owner, "2", under(&one)).await;
    let three = add(&repo, owner, "3", under(&two)).await;
    let four = add(&repo, owner, "4", under(&three)).await;
    assert_eq!(limits::MAX_DEPTH, 4);
    assert!(matches!(
        tasks(&repo).create(owner, fields("5"), under(&four)).await,
        Err(CreateTaskError::TooDeep)
    ));

    let to_parent = |parent: &Task| TaskMove {
        list_id: None,
        parent_id: Some(Some(parent.id)),
        placement: Placement::End,
    };
    // Under its own descendant, or under itself.
    for parent in [&three, &one] {
        assert!(matches!(
            tasks(&repo)
                .move_task(owner, one.id, to_parent(parent), None)
                .await,
            Err(MoveTaskError::Cycle)
        ));
    }
    let patch = TaskPatch {
        parent_id: Some(Some(four.id)),
        ..TaskPatch::default()
    };
    assert!(matches!(
        tasks(&repo).patch(owner, two.id, patch, None).await,
        Err(UpdateTaskError::Cycle)
    ));
    // A subtree of 2 levels under a task at level 3 would reach level 5.
    let side = add(&repo, owner, "side", under(&two)).await;
    assert!(matches!(
        tasks(&repo)
            .move_task(owner, three.id, to_parent(&side), None)
            .await,
        Err(MoveTaskError::TooDeep)
    ));
    // A leaf fits there.
    let moved = tasks(&repo)
        .move_task(owner, four.id, to_parent(&side), None)
        .await
        .unwrap();
    assert_eq!(moved.parent_id, Some(side.id));
    assert_eq!(moved.version, four.version.next());
}

#[tokio::test]
async fn completing_a_task_completes_its_open_descendants() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let root = add(&repo, owner, "root", TaskLocation::default()).await;
    let child = add(&repo, owner, "child", under(&root)).await;
    let grandchild = add(&repo, owner, "grandchild", under(&child)).await;
    let done = add(&repo, owner, "done already", under(&root)).await;
    let done = tasks(&repo)
        .set_completed(owner, done.id, CompletionChange::Set(true), None)
        .await
        .unwrap();
    let unrelated = add(&repo, owner, "unrelated", TaskLocation::default()).await;

    let completed = tasks(&repo)
        .set_completed(owner, root.id, CompletionChange::Toggle, None)
        .await
        .unwrap();
    assert!(completed.fields.completed);
    assert_eq!(
        (completed.subtasks.total, completed.subtasks.completed),
        (2, 2)
    );
    for id in [child.id, grandchild.id] {
        let task = get(&repo, owner, id).await;
        assert!(task.fields.completed);
        assert_eq!(task.version.get(), 2);
    }
    // Already complete: untouched.
    assert_eq!(get(&repo, owner, done.id).await, done);
    assert!(!get(&repo, owner, unrelated.id).await.fields.completed);

    // Reopening does not reopen the subtree; completing by PATCH cascades.
    tasks(&repo)
        .set_completed(owner, child.id, CompletionChange::Set(false), None)
        .await
        .unwrap();
    tasks(&repo)
        .set_completed(owner, grandchild.id, CompletionChange::Set(false), None)
        .await
        .unwrap();
    let patch = TaskPatch {
        completed: Some(true),
        ..TaskPatch::default()
    };
    tasks(&repo)
        .patch(owner, child.id, patch, None)
        .await
        .unwrap();
    assert!(get(&repo, owner, grandchild.id).await.fields.completed);
}

#[tokio::test]
async fn moving_a_task_to_another_list_moves_its_subtree_and_deleting_deletes_it() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let work = new_list(&repo, owner, "Work").await;
    let home = new_list(&repo, owner, "Home").await;
    let root = add(&repo, owner, "root", in_list(work)).await;
    let child = add(&repo, owner, "child", under(&root)).await;
    let grandchild = add(&repo, owner, "grandchild", under(&child)).await;
    let there = add(&repo, owner, "already there", in_list(home)).await;

    let moved = tasks(&repo)
        .move_task(
            owner,
            root.id,
            TaskMove {
                list_id: Some(home),
                parent_id: None,
                placement: Placement::Before(there.id),
            },
            Some(root.version),
        )
        .await
        .unwrap();
    assert_eq!((moved.list_id, moved.parent_id), (home, None));
    assert!(moved.position < there.position);
    for id in [child.id, grandchild.id] {
        let task = get(&repo, owner, id).await;
        assert_eq!(task.list_id, home);
        assert_eq!(
            task.version.get(),
            2,
            "a task whose list changes has changed"
        );
    }
    assert_eq!(get(&repo, owner, child.id).await.parent_id, Some(root.id));

    // A stale version refuses the move.
    assert!(matches!(
        tasks(&repo)
            .move_task(owner, root.id, moving(Placement::End), Some(root.version))
            .await,
        Err(MoveTaskError::VersionMismatch)
    ));
    // The anchor must be a sibling at the destination.
    assert!(matches!(
        tasks(&repo)
            .move_task(owner, there.id, moving(Placement::After(child.id)), None)
            .await,
        Err(MoveTaskError::AnchorNotFound)
    ));

    // PATCH list_id moves too; the subtask becomes top-level there.
    let patch = TaskPatch {
        list_id: Some(work),
        ..TaskPatch::default()
    };
    let patched = tasks(&repo)
        .patch(owner, child.id, patch, None)
        .await
        .unwrap();
    assert_eq!((patched.list_id, patched.parent_id), (work, None));
    assert_eq!(get(&repo, owner, grandchild.id).await.list_id, work);

    tasks(&repo).delete(owner, patched.id, None).await.unwrap();
    assert!(matches!(
        tasks(&repo).get(owner, grandchild.id).await,
        Err(GetTaskError::NotFound)
    ));
    assert_eq!(get(&repo, owner, root.id).await.subtasks.total, 0);
}

#[tokio::test]
async fn a_full_list_refuses_more_tasks() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let full = new_list(&repo, owner, "Full").await;
    let other = new_list(&repo, owner, "Other").await;
    let mut conn = raw_connection(db.url()).await;
    conn.batch_execute(&format!(
        "INSERT INTO tasks (id, user_id, title, list_id, position)
         SELECT gen_random_uuid(), '{owner}', 'filler ' || g, '{full}', 'd' || lpad(g::text, 5, '0')
           FROM generate_series(1, {}) AS g",
        limits::MAX_TASKS_PER_LIST
    ))
    .await
    .unwrap();
    assert!(matches!(
        tasks(&repo)
            .create(owner, fields("one too many"), in_list(full))
            .await,
        Err(CreateTaskError::LimitReached)
    ));
    let outside = add(&repo, owner, "outside", in_list(other)).await;
    assert!(matches!(
        tasks(&repo)
            .move_task(
                owner,
                outside.id,
                TaskMove {
                    list_id: Some(full),
                    parent_id: None,
                    placement: Placement::End,
                },
                None
            )
            .await,
        Err(MoveTaskError::LimitReached)
    ));
}

/// 50 moves at once, each of a random task to right before or after
/// another random one, leave every task in place exactly once and a total
/// order: no two keys equal.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_random_moves_keep_a_total_order() {
    const TASKS: usize = 20;
    const MOVES: u64 = 50;
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let list = new_list(&repo, owner, "Shuffled").await;
    let mut ids = Vec::new();
    for i in 0..TASKS {
        ids.push(
            add(&repo, owner, &format!("task {i}"), in_list(list))
                .await
                .id,
        );
    }
    let repo = Arc::new(repo);
    let ids = Arc::new(ids);

    let movers: Vec<_> = (0..MOVES)
        .map(|i| {
            let (repo, ids) = (Arc::clone(&repo), Arc::clone(&ids));
            tokio::spawn(async move {
                // A fixed pseudo-random choice per mover, never itself.
                let pick = |salt: u64| {
                    let x = (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt;
                    usize::try_from(x % TASKS as u64).unwrap()
                };
                let task = ids[pick(0)];
                let anchor = ids[(pick(0) + 1 + pick(0xdead_beef) % (TASKS - 1)) % TASKS];
                let placement = if i % 2 == 0 {
                    Placement::Before(anchor)
                } else {
                    Placement::After(anchor)
                };
                repo.move_task(owner, task, moving(placement), None)
                    .await
                    .map(drop)
            })
        })
        .collect();
    for mover in movers {
        mover.await.unwrap().unwrap();
    }

    let page = tasks(&repo)
        .list(
            owner,
            &query(|q| {
                q.list_id = Some(list);
                q.sort = SortKey::Position;
                q.order = SortOrder::Asc;
                q.limit = domain::PageLimit::new(100).unwrap();
            }),
        )
        .await
        .unwrap();
    assert_eq!(page.tasks.len(), TASKS, "no task lost or duplicated");
    let mut seen: Vec<_> = page.tasks.iter().map(|t| t.id).collect();
    seen.sort();
    let mut expected = ids.to_vec();
    expected.sort();
    assert_eq!(seen, expected);
    assert!(
        page.tasks
            .windows(2)
            .all(|w| w[0].position.as_str().as_bytes() < w[1].position.as_str().as_bytes()),
        "keys strictly increase: no two equal"
    );
}
