//! The rules of tasks in lists and trees, as statements inside one
//! operation's transaction: where a created or moved task goes, how deep it
//! may nest, whether a move would make a task its own ancestor, the list's
//! size limit, its key among the new siblings, its labels, and completing
//! a subtree.
//!
//! Locks, always in this order so that concurrent writers cannot deadlock:
//! the destination list's row first (`FOR NO KEY UPDATE`, which serialises
//! every writer of keys and counts in that list), then the task's row.

use diesel::dsl::{count_star, max, min};
use diesel::prelude::*;
use diesel::result::{Error as DieselError, QueryResult};
use diesel::sql_types::{Array, BigInt, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::{Placement, Position, TaskId, TaskLabels, UserId, limits};
use uuid::Uuid;

use crate::inbox;
use crate::ordering::stored;
use crate::prepared::PreparedExt;
use crate::schema::{labels, lists, task_labels, tasks};

/// Why a write is refused; each operation maps it to its own error enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    UnknownOwner,
    NotFound,
    VersionMismatch,
    ListNotFound,
    ParentNotFound,
    ParentInAnotherList,
    LabelNotFound,
    TooDeep,
    Cycle,
    AnchorNotFound,
    LimitReached,
    /// `tasks_recurrence_needs_due` refused the write.
    RecurrenceNeedsDue,
    /// `tasks_all_day_needs_due` refused the write.
    AllDayNeedsDue,
}

impl Refusal {
    /// The refusal a violated CHECK constraint of `tasks` stands for: the
    /// rules that need the row's final state (after a patch) are left to the
    /// database, which names them.
    pub(crate) fn of_check(error: &DieselError) -> Option<Self> {
        match error {
            DieselError::DatabaseError(diesel::result::DatabaseErrorKind::CheckViolation, info) => {
                match info.constraint_name() {
                    Some("tasks_recurrence_needs_due") => Some(Self::RecurrenceNeedsDue),
                    Some("tasks_all_day_needs_due") => Some(Self::AllDayNeedsDue),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// An outcome inside a transaction: a database error aborts it; a refusal
/// is an answer (the transaction has written nothing by then).
pub(crate) type Checked<T> = QueryResult<Result<T, Refusal>>;

/// Which list a task goes to when the request names neither a list nor a
/// parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DefaultList {
    /// Create and replace: the owner's Inbox.
    Inbox,
    /// Patch and move: where the task is.
    Current,
}

/// A requested location.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub(crate) list: Option<Uuid>,
    /// `None`: keep the parent when the list stays, else top level.
    pub(crate) parent: Option<Option<Uuid>>,
    pub(crate) default_list: DefaultList,
}

/// Where a task goes: its list, its parent and its key there.
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    pub(crate) list: Uuid,
    pub(crate) parent: Option<Uuid>,
    pub(crate) position: Position,
}

fn key_error(error: domain::PositionError) -> DieselError {
    DieselError::DeserializationError(Box::new(error))
}

/// Locks `list` if it is `owner`'s.
pub(crate) async fn lock_list(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    list: Uuid,
) -> QueryResult<bool> {
    let found: Option<Uuid> = lists::table
        .filter(lists::user_id.eq(Uuid::from(owner)))
        .filter(lists::id.eq(list))
        .select(lists::id)
        .for_no_key_update()
        .prepared()
        .get_result(conn)
        .await
        .optional()?;
    Ok(found.is_some())
}

/// The list of `owner`'s task `id`, if there is one.
pub(crate) async fn list_of(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: Uuid,
) -> QueryResult<Option<Uuid>> {
    tasks::table
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::id.eq(id))
        .select(tasks::list_id)
        .prepared()
        .get_result(conn)
        .await
        .optional()
}

/// Resolves and locks the destination list of a task under `parent` (or
/// top-level) with `requested` list.
async fn destination_list(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    requested: Option<Uuid>,
    parent: Option<Uuid>,
    fallback: Option<Uuid>,
) -> Checked<Uuid> {
    let list = match (parent, requested) {
        (Some(parent), requested) => {
            let Some(parents_list) = list_of(conn, owner, parent).await? else {
                return Ok(Err(Refusal::ParentNotFound));
            };
            if requested.is_some_and(|list| list != parents_list) {
                return Ok(Err(Refusal::ParentInAnotherList));
            }
            parents_list
        }
        (None, Some(list)) => list,
        (None, None) => match fallback {
            Some(list) => list,
            None => match inbox::locked(conn, owner).await {
                Ok(inbox) => return Ok(Ok(inbox)),
                Err(DieselError::DatabaseError(
                    diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                    _,
                )) => return Ok(Err(Refusal::UnknownOwner)),
                Err(e) => return Err(e),
            },
        },
    };
    if !lock_list(conn, owner, list).await? {
        // A parent's list cannot vanish while the parent exists, short of
        // a concurrent delete; the request named a list that is not there.
        return Ok(Err(if parent.is_some() {
            Refusal::ParentNotFound
        } else {
            Refusal::ListNotFound
        }));
    }
    Ok(Ok(list))
}

#[derive(Debug, diesel::QueryableByName)]
struct Ancestor {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

/// `task` and its ancestors, from `task` up to its top-level ancestor.
/// Bounded: a chain longer than any allowed depth stops the walk.
pub(crate) async fn ancestry(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    task: Uuid,
) -> QueryResult<Vec<Uuid>> {
    let rows: Vec<Ancestor> = diesel::sql_query(
        "WITH RECURSIVE up (id, parent_id, depth) AS ( \
             SELECT id, parent_id, 1 FROM tasks WHERE user_id = $1 AND id = $2 \
           UNION ALL \
             SELECT tasks.id, tasks.parent_id, up.depth + 1 FROM tasks JOIN up \
                 ON tasks.user_id = $1 AND tasks.id = up.parent_id \
              WHERE up.depth <= $3) \
         SELECT id FROM up ORDER BY depth",
    )
    .bind::<SqlUuid, _>(Uuid::from(owner))
    .bind::<SqlUuid, _>(task)
    .bind::<BigInt, _>(i64::try_from(limits::MAX_DEPTH).unwrap_or(i64::MAX))
    .prepared()
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

#[derive(Debug, diesel::QueryableByName)]
struct Subtree {
    #[diesel(sql_type = BigInt)]
    height: i64,
    #[diesel(sql_type = BigInt)]
    size: i64,
}

/// The levels of `task`'s subtree (1 for a leaf) and its number of tasks.
async fn subtree(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    list: Uuid,
    task: Uuid,
) -> QueryResult<Subtree> {
    diesel::sql_query(
        "WITH RECURSIVE down (id, level) AS ( \
             SELECT $3::uuid, 1 \
           UNION ALL \
             SELECT tasks.id, down.level + 1 FROM tasks JOIN down \
                 ON tasks.user_id = $1 AND tasks.list_id = $2 AND tasks.parent_id = down.id \
              WHERE down.level <= $4) \
         SELECT max(level)::bigint AS height, count(*) AS size FROM down",
    )
    .bind::<SqlUuid, _>(Uuid::from(owner))
    .bind::<SqlUuid, _>(list)
    .bind::<SqlUuid, _>(task)
    .bind::<BigInt, _>(i64::try_from(limits::MAX_DEPTH).unwrap_or(i64::MAX))
    .prepared()
    .get_result(conn)
    .await
}

/// Whether `list` has room for `adding` more tasks.
pub(crate) async fn has_room(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    list: Uuid,
    adding: i64,
) -> QueryResult<bool> {
    let count: i64 = tasks::table
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::list_id.eq(list))
        .select(count_star())
        .prepared()
        .get_result(conn)
        .await?;
    Ok(count.saturating_add(adding)
        <= i64::try_from(limits::MAX_TASKS_PER_LIST).unwrap_or(i64::MAX))
}

/// The siblings under `parent` in `list`, `moving` excluded.
fn siblings(
    owner: UserId,
    list: Uuid,
    parent: Option<Uuid>,
    moving: Option<Uuid>,
) -> tasks::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = tasks::table
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::list_id.eq(list))
        .into_boxed();
    q = match parent {
        None => q.filter(tasks::parent_id.is_null()),
        Some(parent) => q.filter(tasks::parent_id.eq(parent)),
    };
    if let Some(moving) = moving {
        q = q.filter(tasks::id.ne(moving));
    }
    q
}

/// The key for a task placed by `placement` among the siblings under
/// `parent` in `list` (`moving` excluded). The anchor must be one of them.
pub(crate) async fn sibling_key(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    list: Uuid,
    parent: Option<Uuid>,
    moving: Option<Uuid>,
    placement: Placement<TaskId>,
) -> Checked<Position> {
    let anchor_key = async |conn: &mut AsyncPgConnection, anchor: TaskId| {
        siblings(owner, list, parent, moving)
            .filter(tasks::id.eq(Uuid::from(anchor)))
            .select(tasks::position)
            .prepared()
            .get_result::<String>(conn)
            .await
            .optional()
    };
    let (lower, upper) = match placement {
        Placement::End => {
            let last: Option<String> = siblings(owner, list, parent, moving)
                .select(max(tasks::position))
                .prepared()
                .get_result(conn)
                .await?;
            (last, None)
        }
        Placement::Before(anchor) => {
            let Some(anchor) = anchor_key(conn, anchor).await? else {
                return Ok(Err(Refusal::AnchorNotFound));
            };
            let lower: Option<String> = siblings(owner, list, parent, moving)
                .filter(tasks::position.lt(anchor.clone()))
                .select(max(tasks::position))
                .prepared()
                .get_result(conn)
                .await?;
            (lower, Some(anchor))
        }
        Placement::After(anchor) => {
            let Some(anchor) = anchor_key(conn, anchor).await? else {
                return Ok(Err(Refusal::AnchorNotFound));
            };
            let upper: Option<String> = siblings(owner, list, parent, moving)
                .filter(tasks::position.gt(anchor.clone()))
                .select(min(tasks::position))
                .prepared()
                .get_result(conn)
                .await?;
            (Some(anchor), upper)
        }
    };
    let lower = lower.as_deref().map(stored).transpose()?;
    let upper = upper.as_deref().map(stored).transpose()?;
    Position::between(lower.as_ref(), upper.as_ref())
        .map(Ok)
        .map_err(key_error)
}

/// Where a new task goes: checks the location's rules and locks its list.
pub(crate) async fn place_new(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    list: Option<Uuid>,
    parent: Option<Uuid>,
) -> Checked<Placed> {
    let list = match destination_list(conn, owner, list, parent, None).await? {
        Ok(list) => list,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Some(parent) = parent
        && ancestry(conn, owner, parent).await?.len() + 1 > limits::MAX_DEPTH
    {
        return Ok(Err(Refusal::TooDeep));
    }
    if !has_room(conn, owner, list, 1).await? {
        return Ok(Err(Refusal::LimitReached));
    }
    let position = match sibling_key(conn, owner, list, parent, None, Placement::End).await? {
        Ok(position) => position,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(Ok(Placed {
        list,
        parent,
        position,
    }))
}

/// The stored state of a task a write starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub(crate) struct Current {
    pub(crate) list: Uuid,
    pub(crate) parent: Option<Uuid>,
    pub(crate) version: i64,
    pub(crate) completed: bool,
    /// It has a recurrence rule (issue 11).
    pub(crate) recurring: bool,
}

async fn current(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: Uuid,
    lock: bool,
) -> QueryResult<Option<Current>> {
    let q = tasks::table
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::id.eq(id))
        .select((
            tasks::list_id,
            tasks::parent_id,
            tasks::version,
            tasks::completed,
            tasks::recurrence.is_not_null(),
        ));
    if lock {
        q.for_no_key_update()
            .prepared()
            .get_result(conn)
            .await
            .optional()
    } else {
        q.prepared().get_result(conn).await.optional()
    }
}

/// Locks `owner`'s task `id` for a write that does not move it, after the
/// version check.
pub(crate) async fn lock_in_place(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: Uuid,
    expected: Option<i64>,
) -> Checked<Current> {
    let Some(now) = current(conn, owner, id, true).await? else {
        return Ok(Err(Refusal::NotFound));
    };
    if expected.is_some_and(|expected| expected != now.version) {
        return Ok(Err(Refusal::VersionMismatch));
    }
    Ok(Ok(now))
}

/// Where an existing task goes for `target` and `placement`, with every
/// rule checked and the destination list and the task locked (in that
/// order). `None` when it stays where it is (same list and parent, and
/// `reposition` is false).
pub(crate) async fn place_existing(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: Uuid,
    target: Target,
    placement: Placement<TaskId>,
    reposition: bool,
    expected: Option<i64>,
) -> Checked<(Current, Option<Placed>)> {
    // Read without a lock to learn which list to lock first; if the task
    // moved in between, read again (a few times at most: each retry means
    // another writer just moved this very task).
    for _ in 0..3 {
        let Some(before) = current(conn, owner, id, false).await? else {
            return Ok(Err(Refusal::NotFound));
        };
        let parent = match target.parent {
            Some(parent) => parent,
            None if target.list.is_none_or(|list| list == before.list) => before.parent,
            None => None,
        };
        let fallback = match target.default_list {
            DefaultList::Current => Some(before.list),
            DefaultList::Inbox => None,
        };
        let list = match destination_list(conn, owner, target.list, parent, fallback).await? {
            Ok(list) => list,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let now = match lock_in_place(conn, owner, id, expected).await? {
            Ok(now) => now,
            Err(refusal) => return Ok(Err(refusal)),
        };
        if (now.list, now.parent) != (before.list, before.parent) {
            continue;
        }
        if !reposition && (list, parent) == (now.list, now.parent) {
            return Ok(Ok((now, None)));
        }
        if let Some(parent) = parent {
            let chain = ancestry(conn, owner, parent).await?;
            if chain.contains(&id) {
                return Ok(Err(Refusal::Cycle));
            }
            let below = subtree(conn, owner, now.list, id).await?;
            let depth = chain.len() + usize::try_from(below.height).unwrap_or(usize::MAX);
            if depth > limits::MAX_DEPTH {
                return Ok(Err(Refusal::TooDeep));
            }
        }
        if list != now.list {
            let moving = subtree(conn, owner, now.list, id).await?;
            if !has_room(conn, owner, list, moving.size).await? {
                return Ok(Err(Refusal::LimitReached));
            }
        }
        let position = match sibling_key(conn, owner, list, parent, Some(id), placement).await? {
            Ok(position) => position,
            Err(refusal) => return Ok(Err(refusal)),
        };
        return Ok(Ok((
            now,
            Some(Placed {
                list,
                parent,
                position,
            }),
        )));
    }
    // Moved by others three times in a row while we looked: give up as a
    // conflict rather than wait.
    Ok(Err(Refusal::VersionMismatch))
}

/// Gives the siblings under `parent` in `list` fresh short keys in their
/// current order, when a move made one long. One statement: the unique
/// index on sibling keys is checked at its end (deferrable).
pub(crate) async fn rebalance(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    list: Uuid,
    parent: Option<Uuid>,
) -> QueryResult<()> {
    let ids: Vec<Uuid> = siblings(owner, list, parent, None)
        .select(tasks::id)
        .order_by((tasks::position.asc(), tasks::id.asc()))
        .prepared()
        .load(conn)
        .await?;
    let keys: Vec<String> = Position::spread(ids.len())
        .map(|key| key.as_str().to_owned())
        .collect();
    diesel::sql_query(
        "UPDATE tasks SET position = fresh.position, version = tasks.version + 1 \
           FROM unnest($2::uuid[], $3::text[]) AS fresh (id, position) \
          WHERE tasks.user_id = $1 AND tasks.id = fresh.id AND tasks.position <> fresh.position",
    )
    .bind::<SqlUuid, _>(Uuid::from(owner))
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<Array<diesel::sql_types::Text>, _>(keys)
    .prepared()
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether every label is one of `owner`'s.
pub(crate) async fn labels_are_owners(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    wanted: &TaskLabels,
) -> QueryResult<bool> {
    if wanted.is_empty() {
        return Ok(true);
    }
    let ids: Vec<Uuid> = wanted.as_slice().iter().copied().map(Uuid::from).collect();
    let found: i64 = labels::table
        .filter(labels::user_id.eq(Uuid::from(owner)))
        .filter(labels::id.eq_any(ids))
        .select(count_star())
        .prepared()
        .get_result(conn)
        .await?;
    Ok(usize::try_from(found).ok() == Some(wanted.len()))
}

/// Makes `task`'s labels exactly `wanted` (checked by
/// [`labels_are_owners`]), touching only the links that change.
pub(crate) async fn set_labels(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    task: Uuid,
    wanted: &TaskLabels,
) -> QueryResult<()> {
    let ids: Vec<Uuid> = wanted.as_slice().iter().copied().map(Uuid::from).collect();
    diesel::delete(task_labels::table)
        .filter(task_labels::user_id.eq(Uuid::from(owner)))
        .filter(task_labels::task_id.eq(task))
        .filter(diesel::dsl::not(task_labels::label_id.eq_any(ids.clone())))
        .prepared()
        .execute(conn)
        .await?;
    if ids.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "INSERT INTO task_labels (user_id, task_id, label_id) \
         SELECT $1, $2, label_id FROM unnest($3::uuid[]) AS wanted (label_id) \
         ON CONFLICT DO NOTHING",
    )
    .bind::<SqlUuid, _>(Uuid::from(owner))
    .bind::<SqlUuid, _>(task)
    .bind::<Array<SqlUuid>, _>(ids)
    .prepared()
    .execute(conn)
    .await?;
    Ok(())
}

/// Completes every open descendant of `task` (which lives in `list`, as
/// its whole subtree does), bumping their versions.
pub(crate) async fn complete_descendants(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    list: Uuid,
    task: Uuid,
) -> QueryResult<usize> {
    diesel::sql_query(
        "WITH RECURSIVE down (id) AS ( \
             SELECT id FROM tasks WHERE user_id = $1 AND list_id = $2 AND parent_id = $3 \
           UNION ALL \
             SELECT tasks.id FROM tasks JOIN down \
                 ON tasks.user_id = $1 AND tasks.list_id = $2 AND tasks.parent_id = down.id) \
         UPDATE tasks SET completed = true, version = version + 1 \
          WHERE user_id = $1 AND id IN (SELECT id FROM down) AND NOT completed",
    )
    .bind::<SqlUuid, _>(Uuid::from(owner))
    .bind::<SqlUuid, _>(list)
    .bind::<SqlUuid, _>(task)
    .prepared()
    .execute(conn)
    .await
}
