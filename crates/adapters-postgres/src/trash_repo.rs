//! The trash on PostgreSQL (`TrashRepo`, implemented by the same
//! [`PgTaskRepo`]), and the statements that move a task or a list into it
//! and back, which `TaskRepo::delete`, `ListRepo::delete` and the batch run
//! inside their own transactions.
//!
//! An item is a snapshot (migration 2026-12-09-000001): deleting writes one
//! `trash` row whose payload holds every deleted row (`to_jsonb`), then
//! deletes the live rows, whose cascades remove their subtasks, labels and
//! completions. A restore re-inserts the same rows from the payload
//! (`jsonb_populate_recordset`), at a new version. The triggers log every
//! step: the trash row's own (`trash`), and those of the tasks, lists and
//! completions deleted or re-inserted.
//!
//! Locks follow `task_tree.rs`'s order: the list's row first (`FOR NO KEY
//! UPDATE`, which every writer of tasks in that list takes), then the
//! task's, so no task can be added under a subtree while it is copied into
//! the trash. Transaction-scoped only: the purge skips rows another purge
//! holds (`SKIP LOCKED`), so it works through a transaction-mode pooler and
//! from any number of processes.

use std::collections::BTreeSet;

use async_trait::async_trait;
use diesel::dsl::{count_star, max};
use diesel::prelude::*;
use diesel::result::{Error as DieselError, QueryResult};
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use domain::{
    ListSummary, Placement, Position, Restored, TaskId, Timestamp, TrashItem, TrashPage,
    TrashQuery, UserId, limits,
};
use futures_util::FutureExt;
use ports::{
    DeleteListError, DeleteTrashItemError, EmptyTrashError, ListTrashError, PurgeTrashError,
    RestoreError, TrashRepo,
};
use uuid::Uuid;

use crate::errors::{StoreError, ViolationKind, violated};
use crate::inbox;
use crate::list_repo::{self, SummaryRow};
use crate::list_rows::summary;
use crate::ordering::stored;
use crate::prepared::PreparedExt;
use crate::rows::{FullTaskRow, task_from};
use crate::schema::{lists, tasks, trash};
use crate::task_repo::{PgTaskRepo, Replay, find_row, notify_sql};
use crate::task_tree::{self, Checked, Refusal};
use crate::trash_rows::TrashRow;

/// The unique index on list names (ignoring case).
const LIST_NAME_INDEX: &str = "lists_user_name_key";

/// Copies `$1`'s task `$2` and its subtree into the trash (one row). The
/// payload's tasks come parents first; `height` is the subtree's number of
/// levels, which a restore checks against the depth limit.
const TRASH_TASK: &str = "\
    WITH RECURSIVE sub (id, depth) AS ( \
        SELECT id, 0 FROM tasks WHERE user_id = $1 AND id = $2 \
      UNION ALL \
        SELECT t.id, sub.depth + 1 FROM tasks t JOIN sub ON t.user_id = $1 AND t.parent_id = sub.id \
    ) \
    INSERT INTO trash (user_id, id, kind, title, list_id, parent_id, task_count, deleted_at, payload) \
    SELECT $1, root.id, 'task', root.title, root.list_id, root.parent_id, \
           (SELECT count(*) FROM sub), now(), \
           jsonb_build_object( \
               'list', NULL, \
               'height', (SELECT max(depth) + 1 FROM sub), \
               'tasks', (SELECT jsonb_agg(to_jsonb(t) ORDER BY sub.depth, t.position) \
                           FROM sub JOIN tasks t ON t.user_id = $1 AND t.id = sub.id), \
               'task_labels', COALESCE((SELECT jsonb_agg(jsonb_build_object('task_id', tl.task_id, 'label_id', tl.label_id)) \
                           FROM sub JOIN task_labels tl ON tl.user_id = $1 AND tl.task_id = sub.id), '[]'::jsonb), \
               'completions', COALESCE((SELECT jsonb_agg(to_jsonb(c) ORDER BY c.completed_at, c.id) \
                           FROM sub JOIN task_completions c ON c.user_id = $1 AND c.task_id = sub.id), '[]'::jsonb)) \
      FROM tasks root WHERE root.user_id = $1 AND root.id = $2";

/// Copies `$1`'s list `$2` and all its tasks into the trash (one row).
const TRASH_LIST: &str = "\
    WITH sub AS (SELECT id FROM tasks WHERE user_id = $1 AND list_id = $2) \
    INSERT INTO trash (user_id, id, kind, title, list_id, parent_id, task_count, deleted_at, payload) \
    SELECT $1, l.id, 'list', l.name, NULL, NULL, (SELECT count(*) FROM sub), now(), \
           jsonb_build_object( \
               'list', to_jsonb(l), \
               'tasks', COALESCE((SELECT jsonb_agg(to_jsonb(t) ORDER BY t.parent_id NULLS FIRST, t.position) \
                           FROM tasks t WHERE t.user_id = $1 AND t.list_id = $2), '[]'::jsonb), \
               'task_labels', COALESCE((SELECT jsonb_agg(jsonb_build_object('task_id', tl.task_id, 'label_id', tl.label_id)) \
                           FROM sub JOIN task_labels tl ON tl.user_id = $1 AND tl.task_id = sub.id), '[]'::jsonb), \
               'completions', COALESCE((SELECT jsonb_agg(to_jsonb(c) ORDER BY c.completed_at, c.id) \
                           FROM sub JOIN task_completions c ON c.user_id = $1 AND c.task_id = sub.id), '[]'::jsonb)) \
      FROM lists l WHERE l.user_id = $1 AND l.id = $2";

/// Re-inserts the tasks of item `$2`: into list `$3` (NULL: each its own),
/// the root (`$2`, when the item is a task) under parent `$4` at key `$5`;
/// every task one version later, changed now.
const RESTORE_TASKS: &str = "\
    INSERT INTO tasks (id, user_id, title, description, completed, priority, due_at, created_at, \
                       updated_at, version, list_id, parent_id, position, due_all_day, recurrence, \
                       recurrence_basis, next_due_at) \
    SELECT t.id, $1, t.title, t.description, t.completed, t.priority, t.due_at, t.created_at, \
           now(), t.version + 1, COALESCE($3, t.list_id), \
           CASE WHEN t.id = $2 THEN $4 ELSE t.parent_id END, \
           CASE WHEN t.id = $2 THEN $5 ELSE t.position END, \
           t.due_all_day, t.recurrence, t.recurrence_basis, t.next_due_at \
      FROM trash, jsonb_populate_recordset(NULL::tasks, trash.payload->'tasks') AS t \
     WHERE trash.user_id = $1 AND trash.id = $2";

/// Re-attaches the labels of item `$2`'s tasks that still exist.
const RESTORE_LABELS: &str = "\
    INSERT INTO task_labels (user_id, task_id, label_id) \
    SELECT $1, x.task_id, x.label_id \
      FROM trash, jsonb_to_recordset(trash.payload->'task_labels') AS x (task_id uuid, label_id uuid) \
     WHERE trash.user_id = $1 AND trash.id = $2 \
       AND EXISTS (SELECT 1 FROM labels WHERE labels.user_id = $1 AND labels.id = x.label_id)";

/// Re-inserts the completion history of item `$2`'s tasks.
const RESTORE_COMPLETIONS: &str = "\
    INSERT INTO task_completions (user_id, id, task_id, completed_at, due_at, next_due_at, task_version) \
    SELECT $1, c.id, c.task_id, c.completed_at, c.due_at, c.next_due_at, c.task_version \
      FROM trash, jsonb_populate_recordset(NULL::task_completions, trash.payload->'completions') AS c \
     WHERE trash.user_id = $1 AND trash.id = $2";

/// Re-inserts the list of item `$2` at key `$3`, one version later.
const RESTORE_LIST: &str = "\
    INSERT INTO lists (id, user_id, name, color, position, is_inbox, created_at, updated_at, version) \
    SELECT l.id, $1, l.name, l.color, $3, false, l.created_at, now(), l.version + 1 \
      FROM trash, jsonb_populate_record(NULL::lists, trash.payload->'list') AS l \
     WHERE trash.user_id = $1 AND trash.id = $2";

/// What a restore needs of an item, its row locked.
const TRASHED: &str = "\
    SELECT kind, list_id, parent_id, task_count, \
           (SELECT e->>'position' FROM jsonb_array_elements(payload->'tasks') AS e \
             WHERE (e->>'id')::uuid = trash.id) AS position, \
           COALESCE((payload->>'height')::int, 1) AS height, \
           payload->'list'->>'name' AS name \
      FROM trash WHERE user_id = $1 AND id = $2 FOR UPDATE";

/// Deletes at most `$2` items deleted before `$1`, of any user, skipping
/// those another purge holds.
const PURGE: &str = "\
    DELETE FROM trash WHERE (user_id, id) IN ( \
        SELECT user_id, id FROM trash WHERE deleted_at < $1 \
         ORDER BY deleted_at LIMIT $2 FOR UPDATE SKIP LOCKED) \
    RETURNING user_id";

#[derive(Debug, QueryableByName)]
struct Trashed {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    list_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    parent_id: Option<Uuid>,
    #[diesel(sql_type = Integer)]
    task_count: i32,
    #[diesel(sql_type = Nullable<Text>)]
    position: Option<String>,
    #[diesel(sql_type = Integer)]
    height: i32,
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
}

/// Whether `$1` has a list named `$2` (ignoring case, as the unique index).
const NAME_TAKEN: &str =
    "SELECT count(*) AS n FROM lists WHERE user_id = $1 AND lower(name) = lower($2)";

#[derive(Debug, QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(Debug, QueryableByName)]
struct Purged {
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
}

/// What a restore brought back, as rows.
pub(crate) enum RestoredRow {
    Task(Box<FullTaskRow>),
    List(SummaryRow),
}

/// Moves `owner`'s task `id` (with its subtree) into the trash, if its
/// version is `expected` (when given); returns the task as it was.
pub(crate) async fn trash_task(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: TaskId,
    expected: Option<i64>,
) -> Checked<FullTaskRow> {
    let uuid = Uuid::from(id);
    // The list first, then the task (see the module's note); a task moved
    // to another list in between is looked up again.
    let mut attempts = 0;
    loop {
        let Some(list) = task_tree::list_of(conn, owner, uuid).await? else {
            return Ok(Err(Refusal::NotFound));
        };
        task_tree::lock_list(conn, owner, list).await?;
        let now = match task_tree::lock_in_place(conn, owner, uuid, expected).await? {
            Ok(now) => now,
            Err(refusal) => return Ok(Err(refusal)),
        };
        if now.list == list {
            break;
        }
        // Moved to another list between the two reads: lock that one. A
        // task that keeps moving is left alone (an internal error) rather
        // than chased forever.
        attempts += 1;
        if attempts >= 3 {
            return Err(DieselError::RollbackTransaction);
        }
    }
    let Some(row) = find_row(conn, owner, id).await? else {
        return Ok(Err(Refusal::NotFound));
    };
    diesel::sql_query(TRASH_TASK)
        .bind::<SqlUuid, _>(Uuid::from(owner))
        .bind::<SqlUuid, _>(uuid)
        .prepared()
        .execute(conn)
        .await?;
    // The subtree, its labels and completions go by the cascades.
    diesel::delete(tasks::table)
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::id.eq(uuid))
        .prepared()
        .execute(conn)
        .await?;
    Ok(Ok(row))
}

/// Moves `owner`'s list `id` (with its tasks) into the trash, if its
/// version is `expected` (when given). The Inbox cannot be deleted.
pub(crate) async fn trash_list(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: Uuid,
    expected: Option<i64>,
) -> QueryResult<Result<(), DeleteListError>> {
    let found: Option<(bool, i64)> = lists::table
        .filter(lists::user_id.eq(Uuid::from(owner)))
        .filter(lists::id.eq(id))
        .select((lists::is_inbox, lists::version))
        .for_no_key_update()
        .prepared()
        .get_result(conn)
        .await
        .optional()?;
    match found {
        None => return Ok(Err(DeleteListError::NotFound)),
        Some((true, _)) => return Ok(Err(DeleteListError::Inbox)),
        Some((false, version)) if expected.is_some_and(|e| e != version) => {
            return Ok(Err(DeleteListError::VersionMismatch));
        }
        Some(_) => {}
    }
    diesel::sql_query(TRASH_LIST)
        .bind::<SqlUuid, _>(Uuid::from(owner))
        .bind::<SqlUuid, _>(id)
        .prepared()
        .execute(conn)
        .await?;
    // Its tasks (and their labels and completions) go by the cascades.
    diesel::delete(lists::table)
        .filter(lists::user_id.eq(Uuid::from(owner)))
        .filter(lists::id.eq(id))
        .prepared()
        .execute(conn)
        .await?;
    Ok(Ok(()))
}

/// Which items a restore accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accept {
    Any,
    /// The batch's `restore`: a task only (a list is "not found").
    TaskOnly,
}

/// Brings `owner`'s item `id` back from the trash.
pub(crate) async fn restore_in(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: Uuid,
    accept: Accept,
) -> QueryResult<Result<RestoredRow, RestoreError>> {
    let item: Option<Trashed> = diesel::sql_query(TRASHED)
        .bind::<SqlUuid, _>(Uuid::from(owner))
        .bind::<SqlUuid, _>(id)
        .prepared()
        .get_result(conn)
        .await
        .optional()?;
    let Some(item) = item else {
        return Ok(Err(RestoreError::NotFound));
    };
    let restored = match (item.kind.as_str(), item.list_id) {
        ("task", Some(list)) => restore_task(conn, owner, id, list, &item).await?,
        ("list", None) if accept == Accept::Any => restore_list(conn, owner, id, &item).await?,
        ("list", None) => return Ok(Err(RestoreError::NotFound)),
        _ => {
            return Err(DieselError::DeserializationError(
                format!("trash item {id} has an invalid kind").into(),
            ));
        }
    };
    if restored.is_ok() {
        diesel::delete(trash::table)
            .filter(trash::user_id.eq(Uuid::from(owner)))
            .filter(trash::id.eq(id))
            .prepared()
            .execute(conn)
            .await?;
    }
    Ok(restored)
}

fn key_error(error: domain::PositionError) -> DieselError {
    DieselError::DeserializationError(Box::new(error))
}

async fn restore_task(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: Uuid,
    list: Uuid,
    item: &Trashed,
) -> QueryResult<Result<RestoredRow, RestoreError>> {
    // Its own list when it still exists, else the Inbox (at the end).
    let (list, parent, keep_key) = if task_tree::lock_list(conn, owner, list).await? {
        // Its parent when it is still there (in that list) and the subtree
        // still fits under it, else the top level.
        let parent = match item.parent_id {
            Some(parent)
                if task_tree::list_of(conn, owner, parent).await? == Some(list)
                    && task_tree::ancestry(conn, owner, parent).await?.len()
                        + usize::try_from(item.height).unwrap_or(usize::MAX)
                        <= limits::MAX_DEPTH =>
            {
                Some(parent)
            }
            _ => None,
        };
        (list, parent, parent == item.parent_id)
    } else {
        match inbox::locked(conn, owner).await {
            Ok(inbox) => (inbox, None, false),
            Err(e) if violated(&e, ViolationKind::ForeignKey).is_some() => {
                return Ok(Err(RestoreError::NotFound));
            }
            Err(e) => return Err(e),
        }
    };
    if !task_tree::has_room(conn, owner, list, i64::from(item.task_count)).await? {
        return Ok(Err(RestoreError::LimitReached));
    }
    let position = match item.position.as_deref().map(stored).transpose()? {
        // Its old place among its siblings; right after the sibling that
        // has taken that key since.
        Some(old) if keep_key => {
            let taken = tasks::table
                .filter(tasks::user_id.eq(Uuid::from(owner)))
                .filter(tasks::list_id.eq(list))
                .filter(tasks::position.eq(old.as_str()))
                .into_boxed();
            let taken = match parent {
                Some(parent) => taken.filter(tasks::parent_id.eq(parent)),
                None => taken.filter(tasks::parent_id.is_null()),
            };
            let taken: Option<Uuid> = taken
                .select(tasks::id)
                .prepared()
                .get_result(conn)
                .await
                .optional()?;
            match taken {
                None => old,
                Some(sibling) => {
                    match task_tree::sibling_key(
                        conn,
                        owner,
                        list,
                        parent,
                        None,
                        Placement::After(TaskId::from_uuid(sibling)),
                    )
                    .await?
                    {
                        Ok(key) => key,
                        // The sibling was just read under the list's lock:
                        // it cannot be missing.
                        Err(_) => return Err(DieselError::NotFound),
                    }
                }
            }
        }
        _ => match task_tree::sibling_key(conn, owner, list, parent, None, Placement::End).await? {
            Ok(key) => key,
            Err(_) => return Err(DieselError::NotFound),
        },
    };
    diesel::sql_query(RESTORE_TASKS)
        .bind::<SqlUuid, _>(Uuid::from(owner))
        .bind::<SqlUuid, _>(id)
        .bind::<Nullable<SqlUuid>, _>(Some(list))
        .bind::<Nullable<SqlUuid>, _>(parent)
        .bind::<Text, _>(position.as_str())
        .prepared()
        .execute(conn)
        .await?;
    if position.is_long() {
        task_tree::rebalance(conn, owner, list, parent).await?;
    }
    restore_attachments(conn, owner, id).await?;
    let row = find_row(conn, owner, TaskId::from_uuid(id))
        .await?
        .ok_or(DieselError::NotFound)?;
    Ok(Ok(RestoredRow::Task(Box::new(row))))
}

async fn restore_list(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: Uuid,
    item: &Trashed,
) -> QueryResult<Result<RestoredRow, RestoreError>> {
    // The Inbox's row serialises the writers of list keys (list_repo.rs).
    match inbox::locked(conn, owner).await {
        Ok(_) => {}
        Err(e) if violated(&e, ViolationKind::ForeignKey).is_some() => {
            return Ok(Err(RestoreError::NotFound));
        }
        Err(e) => return Err(e),
    }
    let name = item.name.clone().unwrap_or_default();
    let taken: Count = diesel::sql_query(NAME_TAKEN)
        .bind::<SqlUuid, _>(Uuid::from(owner))
        .bind::<Text, _>(name)
        .prepared()
        .get_result(conn)
        .await?;
    if taken.n > 0 {
        return Ok(Err(RestoreError::DuplicateName));
    }
    let (count, last): (i64, Option<String>) = lists::table
        .filter(lists::user_id.eq(Uuid::from(owner)))
        .select((count_star(), max(lists::position)))
        .prepared()
        .get_result(conn)
        .await?;
    if usize::try_from(count).unwrap_or(usize::MAX) >= limits::MAX_LISTS_PER_USER {
        return Ok(Err(RestoreError::LimitReached));
    }
    let position = match last.as_deref().map(stored).transpose()? {
        Some(last) => last.after().map_err(key_error)?,
        None => Position::first().after().map_err(key_error)?,
    };
    let inserted = diesel::sql_query(RESTORE_LIST)
        .bind::<SqlUuid, _>(Uuid::from(owner))
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(position.as_str())
        .prepared()
        .execute(conn)
        .await;
    match inserted {
        Ok(_) => {}
        // A concurrent create of the same name committed first.
        Err(e) if violated(&e, ViolationKind::Unique) == Some(LIST_NAME_INDEX) => {
            return Ok(Err(RestoreError::DuplicateName));
        }
        Err(e) => return Err(e),
    }
    diesel::sql_query(RESTORE_TASKS)
        .bind::<SqlUuid, _>(Uuid::from(owner))
        .bind::<SqlUuid, _>(id)
        .bind::<Nullable<SqlUuid>, _>(None::<Uuid>)
        .bind::<Nullable<SqlUuid>, _>(None::<Uuid>)
        .bind::<Text, _>("")
        .prepared()
        .execute(conn)
        .await?;
    restore_attachments(conn, owner, id).await?;
    let row = list_repo::load_many(conn, owner, vec![id])
        .await?
        .into_iter()
        .next()
        .ok_or(DieselError::NotFound)?;
    Ok(Ok(RestoredRow::List(row)))
}

/// The labels (those that still exist) and completions of a restored
/// item's tasks.
async fn restore_attachments(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: Uuid,
) -> QueryResult<()> {
    for statement in [RESTORE_LABELS, RESTORE_COMPLETIONS] {
        diesel::sql_query(statement)
            .bind::<SqlUuid, _>(Uuid::from(owner))
            .bind::<SqlUuid, _>(id)
            .prepared()
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub(crate) fn restored_from(row: RestoredRow) -> Result<Restored, StoreError> {
    let internal = |e| StoreError::Internal(Box::new(e));
    Ok(match row {
        RestoredRow::Task(row) => Restored::Task(Box::new(task_from(*row).map_err(internal)?)),
        RestoredRow::List(row) => {
            let list: ListSummary = summary(row).map_err(internal)?;
            Restored::List(Box::new(list))
        }
    })
}

#[async_trait]
impl TrashRepo for PgTaskRepo {
    async fn list(&self, owner: UserId, query: TrashQuery) -> Result<TrashPage, ListTrashError> {
        let limit = usize::from(query.limit.get());
        let rows = self
            .run(Replay::Safe, move |conn| {
                async move {
                    let mut q = trash::table
                        .filter(trash::user_id.eq(Uuid::from(owner)))
                        .into_boxed();
                    if let Some(cursor) = query.cursor {
                        q = q.filter(
                            trash::deleted_at.lt(cursor.deleted_at).or(trash::deleted_at
                                .eq(cursor.deleted_at)
                                .and(trash::id.lt(cursor.after))),
                        );
                    }
                    q.order((trash::deleted_at.desc(), trash::id.desc()))
                        .limit(i64::from(query.limit.get()) + 1)
                        .select(TrashRow::as_select())
                        .prepared()
                        .load::<TrashRow>(conn)
                        .await
                }
                .boxed()
            })
            .await?;
        let has_more = rows.len() > limit;
        let items = rows
            .into_iter()
            .take(limit)
            .map(TrashItem::try_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ListTrashError::Internal(Box::new(e)))?;
        Ok(TrashPage { items, has_more })
    }

    async fn restore(&self, owner: UserId, id: Uuid) -> Result<Restored, RestoreError> {
        // Not repeated: a repeat of a committed restore would answer 404.
        let row = self
            .run_write_tx(owner, Replay::Never, move |conn| {
                restore_in(conn, owner, id, Accept::Any).boxed()
            })
            .await??;
        restored_from(row).map_err(Into::into)
    }

    async fn delete_forever(&self, owner: UserId, id: Uuid) -> Result<(), DeleteTrashItemError> {
        let deleted = self
            .run_write(owner, Replay::Never, move |conn| {
                diesel::delete(trash::table)
                    .filter(trash::user_id.eq(Uuid::from(owner)))
                    .filter(trash::id.eq(id))
                    .prepared()
                    .execute(conn)
                    .boxed()
            })
            .await?;
        if deleted == 0 {
            return Err(DeleteTrashItemError::NotFound);
        }
        Ok(())
    }

    async fn empty(&self, owner: UserId) -> Result<u64, EmptyTrashError> {
        let deleted = self
            .run_write(owner, Replay::Safe, move |conn| {
                diesel::delete(trash::table)
                    .filter(trash::user_id.eq(Uuid::from(owner)))
                    .prepared()
                    .execute(conn)
                    .boxed()
            })
            .await?;
        Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
    }

    async fn purge_expired(&self, cutoff: Timestamp, batch: u32) -> Result<u64, PurgeTrashError> {
        // Repeating is safe: a committed first attempt left nothing for the
        // second to find but the next batch.
        let purged: Vec<Purged> = self
            .run(Replay::Safe, move |conn| {
                diesel::sql_query(PURGE)
                    .bind::<Timestamptz, _>(cutoff)
                    .bind::<BigInt, _>(i64::from(batch))
                    .prepared()
                    .load(conn)
                    .boxed()
            })
            .await?;
        // Wake the owners' event streams, as a user's own write does.
        let owners: BTreeSet<Uuid> = purged.iter().map(|row| row.user_id).collect();
        if !owners.is_empty() {
            let hints: Vec<String> = owners
                .iter()
                .map(|owner| notify_sql(UserId::from_uuid(*owner)))
                .collect();
            let hints = hints.join("; ");
            let sent = self
                .run(Replay::Safe, |conn| {
                    let hints = hints.clone();
                    async move { conn.batch_execute(&hints).await }.boxed()
                })
                .await;
            if let Err(error) = sent {
                tracing::warn!(?error, "the change hints of a trash purge were not sent");
            }
        }
        Ok(u64::try_from(purged.len()).unwrap_or(u64::MAX))
    }
}
