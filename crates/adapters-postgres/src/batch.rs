//! `TaskRepo::batch`: up to 100 operations on tasks, all or nothing, in one
//! transaction. Each operation runs the same statements as its single
//! route (`set_completed_in`, `patch_in`, `move_in`, `trash_task`,
//! `restore_in`), inside a savepoint of its own: a failing operation (even
//! one whose statement the database refused, which aborts only its
//! savepoint) is rolled back alone and reported, and the next one still
//! runs, so every failure is reported at once. When any failed, the whole
//! batch is rolled back to its start before the transaction ends.
//!
//! Savepoints are transaction-scoped, so this works behind a
//! transaction-mode pooler like every other operation.

use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, SimpleAsyncConnection};
use domain::{BatchAction, BatchOp, CompletionChange, CompletionId, Task, TaskId, UserId};
use futures_util::FutureExt;
use ports::{
    BatchError, BatchFailure, BatchOpError, DeleteTaskError, MoveTaskError, UpdateTaskError,
};
use uuid::Uuid;

use crate::rows::FullTaskRow;
use crate::task_repo::{
    PgTaskRepo, Replay, impossible, move_in, patch_in, set_completed_in, to_task,
};
use crate::task_tree::Refusal;
use crate::trash_repo::{Accept, RestoredRow, restore_in, trash_task};

/// Runs `ops` for `owner` in one transaction.
pub(crate) async fn run(
    repo: &PgTaskRepo,
    owner: UserId,
    ops: Vec<BatchOp>,
) -> Result<Vec<Task>, BatchError> {
    // Chosen once per operation, as `set_completed` does, so that a
    // completion's id never depends on the attempt.
    let completions: Vec<CompletionId> = ops.iter().map(|_| CompletionId::new_v7()).collect();
    // Never repeated: toggles, conditional writes and deletes are not safe
    // to repeat after a committed first attempt.
    let outcome = repo
        .run_write_tx(owner, Replay::Never, |conn| {
            let ops = ops.clone();
            let completions = completions.clone();
            async move { in_transaction(conn, owner, &ops, &completions).await }.boxed()
        })
        .await?;
    match outcome {
        Ok(rows) => rows
            .into_iter()
            .map(|row| to_task(row).map_err(BatchError::from))
            .collect(),
        Err(failures) => Err(BatchError::Failed(failures)),
    }
}

async fn in_transaction(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    ops: &[BatchOp],
    completions: &[CompletionId],
) -> QueryResult<Result<Vec<FullTaskRow>, Vec<BatchFailure>>> {
    conn.batch_execute("SAVEPOINT batch_start").await?;
    let mut rows = Vec::with_capacity(ops.len());
    let mut failures = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        let completion = completions
            .get(index)
            .copied()
            .unwrap_or_else(CompletionId::new_v7);
        conn.batch_execute("SAVEPOINT batch_op").await?;
        match apply(conn, owner, op, completion).await? {
            Ok(row) => {
                conn.batch_execute("RELEASE SAVEPOINT batch_op").await?;
                rows.push(row);
            }
            Err(error) => {
                conn.batch_execute("ROLLBACK TO SAVEPOINT batch_op; RELEASE SAVEPOINT batch_op")
                    .await?;
                failures.push(BatchFailure { index, error });
            }
        }
    }
    if failures.is_empty() {
        Ok(Ok(rows))
    } else {
        // Undo the operations that succeeded; the COMMIT then commits
        // nothing.
        conn.batch_execute("ROLLBACK TO SAVEPOINT batch_start")
            .await?;
        Ok(Err(failures))
    }
}

/// One operation, as its single route runs it.
async fn apply(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    op: &BatchOp,
    completion: CompletionId,
) -> QueryResult<Result<FullTaskRow, BatchOpError>> {
    let id: TaskId = op.id;
    let expected = op.expected;
    let update = |outcome: Result<FullTaskRow, Refusal>| {
        outcome.map_err(|refusal| BatchOpError::Update(UpdateTaskError::from(refusal)))
    };
    Ok(match &op.action {
        BatchAction::Complete => update(
            set_completed_in(
                conn,
                owner,
                id,
                CompletionChange::Set(true),
                expected,
                completion,
            )
            .await?,
        ),
        BatchAction::Reopen => update(
            set_completed_in(
                conn,
                owner,
                id,
                CompletionChange::Set(false),
                expected,
                completion,
            )
            .await?,
        ),
        BatchAction::Update(patch) => {
            update(patch_in(conn, owner, id, patch.clone(), expected).await?)
        }
        BatchAction::Move(to) => move_in(conn, owner, id, *to, expected)
            .await?
            .map_err(|refusal| BatchOpError::Move(MoveTaskError::from(refusal))),
        BatchAction::Delete => trash_task(conn, owner, id, expected.map(|v| v.get()))
            .await?
            .map_err(|refusal| {
                BatchOpError::Delete(match refusal {
                    Refusal::NotFound => DeleteTaskError::NotFound,
                    Refusal::VersionMismatch => DeleteTaskError::VersionMismatch,
                    other => DeleteTaskError::Internal(impossible(other)),
                })
            }),
        // A trashed task has no version to compare `expected` with: the
        // item is restored whatever it says.
        BatchAction::Restore => {
            match restore_in(conn, owner, Uuid::from(id), Accept::TaskOnly).await? {
                Ok(RestoredRow::Task(row)) => Ok(*row),
                Ok(RestoredRow::List(_)) => {
                    Err(BatchOpError::Restore(ports::RestoreError::NotFound))
                }
                Err(error) => Err(BatchOpError::Restore(error)),
            }
        }
    })
}
