//! `TaskRepo::batch`: all or nothing, every failure reported by index,
//! results in operation order.

use adapters_postgres::PgTaskRepo;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use domain::{
    BatchAction, BatchOp, ListId, Placement, Priority, Task, TaskLocation, TaskMove, TaskPatch,
    UserId, Version,
};
use ports::{BatchError, BatchOpError, DeleteTaskError, TaskRepo, UpdateTaskError};
use uuid::Uuid;

use crate::fixtures::{fields, migrated, raw_connection};

fn tasks(repo: &PgTaskRepo) -> &dyn TaskRepo {
    repo
}

async fn add(repo: &PgTaskRepo, owner: UserId, title: &str) -> Task {
    tasks(repo)
        .create(owner, fields(title), TaskLocation::default())
        .await
        .unwrap()
}

fn op(task: &Task, action: BatchAction) -> BatchOp {
    BatchOp {
        id: task.id,
        expected: None,
        action,
    }
}

#[derive(diesel::QueryableByName)]
struct Dump {
    #[diesel(sql_type = Text)]
    dump: String,
}

/// Every row the user owns, as text, in a stable order.
async fn dump(url: &str, owner: UserId) -> String {
    let mut conn = raw_connection(url).await;
    let row: Dump = diesel::sql_query(
        "SELECT COALESCE(string_agg(x, E'\\n' ORDER BY x), '') AS dump FROM ( \
             SELECT 'task ' || to_jsonb(t)::text AS x FROM tasks t WHERE user_id = $1 \
             UNION ALL SELECT 'list ' || to_jsonb(l)::text FROM lists l WHERE user_id = $1 \
             UNION ALL SELECT 'label ' || to_jsonb(tl)::text FROM task_labels tl WHERE user_id = $1 \
             UNION ALL SELECT 'completion ' || to_jsonb(c)::text FROM task_completions c WHERE user_id = $1 \
             UNION ALL SELECT 'trash ' || to_jsonb(tr)::text FROM trash tr WHERE user_id = $1 \
             UNION ALL SELECT 'seq ' || s.seq::text FROM change_seqs s WHERE user_id = $1) AS rows",
    )
    .bind::<SqlUuid, _>(Uuid::from(owner))
    .get_result(&mut conn)
    .await
    .unwrap();
    row.dump
}

#[tokio::test]
async fn one_failing_operation_among_a_hundred_changes_nothing_and_is_reported() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let mut all = Vec::new();
    for n in 0..25 {
        all.push(add(&repo, owner, &format!("t{n}")).await);
    }
    let doomed = add(&repo, owner, "doomed").await;
    let before = dump(db.url(), owner).await;

    let mut ops = Vec::new();
    for (n, task) in all.iter().enumerate() {
        ops.push(op(task, BatchAction::Complete));
        ops.push(op(
            task,
            BatchAction::Update(TaskPatch {
                priority: Some(Priority::High),
                ..TaskPatch::default()
            }),
        ));
        ops.push(op(task, BatchAction::Reopen));
        if n == 10 {
            // A stale version: fails.
            ops.push(BatchOp {
                id: task.id,
                expected: Some(Version::new(1)),
                action: BatchAction::Complete,
            });
        } else {
            ops.push(op(task, BatchAction::Complete));
        }
    }
    ops.truncate(99);
    ops.push(op(&doomed, BatchAction::Delete));
    assert_eq!(ops.len(), 100);

    let Err(BatchError::Failed(failures)) = tasks(&repo).batch(owner, ops).await else {
        panic!("expected the batch to fail");
    };
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].index, 43);
    assert!(matches!(
        failures[0].error,
        BatchOpError::Update(UpdateTaskError::VersionMismatch)
    ));
    assert_eq!(dump(db.url(), owner).await, before);
}

#[tokio::test]
async fn every_failing_operation_is_reported() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let stranger = db.insert_user().await;
    let a = add(&repo, owner, "a").await;
    let theirs = add(&repo, stranger, "theirs").await;
    let before = dump(db.url(), owner).await;
    let missing = BatchOp {
        id: domain::TaskId::new_v7(),
        expected: None,
        action: BatchAction::Delete,
    };
    let ops = vec![
        op(&a, BatchAction::Complete),
        missing,
        op(&theirs, BatchAction::Complete),
        op(&a, BatchAction::Restore),
        op(
            &a,
            BatchAction::Move(TaskMove {
                list_id: Some(ListId::new_v7()),
                parent_id: None,
                placement: Placement::End,
            }),
        ),
    ];
    let Err(BatchError::Failed(failures)) = tasks(&repo).batch(owner, ops).await else {
        panic!("expected the batch to fail");
    };
    let indexes: Vec<usize> = failures.iter().map(|f| f.index).collect();
    assert_eq!(indexes, [1, 2, 3, 4]);
    assert!(matches!(
        failures[0].error,
        BatchOpError::Delete(DeleteTaskError::NotFound)
    ));
    assert!(matches!(
        failures[1].error,
        BatchOpError::Update(UpdateTaskError::NotFound)
    ));
    assert!(matches!(
        failures[2].error,
        BatchOpError::Restore(ports::RestoreError::NotFound)
    ));
    assert!(matches!(
        failures[3].error,
        BatchOpError::Move(ports::MoveTaskError::ListNotFound)
    ));
    assert_eq!(dump(db.url(), owner).await, before);
    assert!(
        !tasks(&repo)
            .get(owner, a.id)
            .await
            .unwrap()
            .fields
            .completed
    );
}

#[tokio::test]
async fn a_successful_batch_applies_everything_and_answers_in_order() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let a = add(&repo, owner, "a").await;
    let b = add(&repo, owner, "b").await;
    let c = add(&repo, owner, "c").await;
    let ops = vec![
        op(&c, BatchAction::Complete),
        op(
            &a,
            BatchAction::Update(TaskPatch {
                title: Some(crate::fixtures::title("a2")),
                ..TaskPatch::default()
            }),
        ),
        op(&b, BatchAction::Delete),
        op(
            &c,
            BatchAction::Move(TaskMove {
                list_id: None,
                parent_id: None,
                placement: Placement::Before(a.id),
            }),
        ),
        op(&b, BatchAction::Restore),
        BatchOp {
            id: a.id,
            expected: Some(Version::new(2)),
            action: BatchAction::Reopen,
        },
    ];
    let results = tasks(&repo).batch(owner, ops).await.unwrap();
    let ids: Vec<_> = results.iter().map(|t| t.id).collect();
    assert_eq!(ids, [c.id, a.id, b.id, c.id, b.id, a.id]);
    assert!(results[0].fields.completed);
    assert_eq!(results[1].fields.title.as_str(), "a2");
    // The delete answers the task as it went to the trash.
    assert_eq!(results[2].version, b.version);
    assert!(results[3].position < a.position);
    assert_eq!(results[4].position, b.position);
    assert_eq!(results[5].version.get(), 3);
    // Committed.
    let stored = tasks(&repo).get(owner, c.id).await.unwrap();
    assert!(stored.fields.completed && stored.position < a.position);
    assert_eq!(
        tasks(&repo).get(owner, b.id).await.unwrap().position,
        b.position
    );
}
