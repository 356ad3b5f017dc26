//! Recurring tasks on PostgreSQL (issue 11): the stored `next_due_at`, the
//! completion of an occurrence (record, advance, reopen the subtree), its
//! undo, and the completion history.
//!
//! The occurrences are computed in Rust by the domain
//! ([`domain::next_due`]) in the owner's time zone, read from `preferences`
//! inside the writing transaction, and only for recurring tasks: an
//! ordinary write reads neither the zone nor the history.

use chrono::Utc;
use diesel::prelude::*;
use diesel::result::{Error as DieselError, QueryResult};
use diesel::sql_types::{BigInt, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::{
    Completion, CompletionId, CompletionPage, CompletionQuery, RecurrenceBasis, TaskId, TimeZone,
    Timestamp, UserId, next_due,
};
use uuid::Uuid;

use crate::prepared::PreparedExt;
use crate::rows::{CorruptRow, FullTaskRow, Schedule, TaskRow};
use crate::schema::{preferences, task_completions, tasks};
use crate::task_repo::find_row;
use crate::task_tree::{self, Checked, Refusal};

fn corrupt(error: CorruptRow) -> DieselError {
    DieselError::DeserializationError(Box::new(error))
}

/// `owner`'s time zone: UTC without a preferences row.
pub(crate) async fn zone_of(conn: &mut AsyncPgConnection, owner: UserId) -> QueryResult<TimeZone> {
    let name: Option<String> = preferences::table
        .filter(preferences::user_id.eq(Uuid::from(owner)))
        .select(preferences::time_zone)
        .prepared()
        .get_result(conn)
        .await
        .optional()?;
    match name {
        None => Ok(TimeZone::UTC),
        Some(name) => TimeZone::parse(&name).map_err(|e| {
            corrupt(CorruptRow::new(
                "preferences",
                Uuid::from(owner),
                "time_zone",
                &e,
            ))
        }),
    }
}

/// How many times `owner`'s task `task` has been completed (occurrences
/// done; the current one is number `count + 1`).
pub(crate) async fn completions_so_far(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    task: Uuid,
) -> QueryResult<u32> {
    let count: i64 = task_completions::table
        .filter(task_completions::user_id.eq(Uuid::from(owner)))
        .filter(task_completions::task_id.eq(task))
        .count()
        .prepared()
        .get_result(conn)
        .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// The due date as the database stores it: an all-day one at 00:00 of its
/// local date (the trigger of migration 2026-12-08-000001 does the same).
fn stored_due(due: Timestamp, all_day: bool, tz: TimeZone) -> Timestamp {
    if all_day { tz.start_of_day(due) } else { due }
}

/// The occurrence after the current one on the schedule, for a task that
/// has been completed `done` times: what `next_due_at` holds. Counted from
/// the due date whatever the basis (for `completion`, what completing it on
/// its due date would give): a stored value cannot follow the clock.
pub(crate) fn upcoming(schedule: &Schedule, done: u32, tz: TimeZone) -> Option<Timestamp> {
    let (Some(rule), Some(due)) = (&schedule.recurrence, schedule.due_at) else {
        return None;
    };
    let due = stored_due(due, schedule.all_day, tz);
    next_due(
        rule,
        RecurrenceBasis::Due,
        due,
        schedule.all_day,
        due,
        done,
        tz,
    )
}

/// `next_due_at` for a write whose result has `schedule`, reading the zone
/// and (for an existing task) the history only when the task recurs.
pub(crate) async fn next_due_for(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    existing: Option<Uuid>,
    schedule: &Schedule,
) -> QueryResult<Option<Timestamp>> {
    if schedule.recurrence.is_none() || schedule.due_at.is_none() {
        return Ok(None);
    }
    let tz = zone_of(conn, owner).await?;
    let done = match existing {
        Some(task) => completions_so_far(conn, owner, task).await?,
        None => 0,
    };
    Ok(upcoming(schedule, done, tz))
}

/// The stored schedule of `owner`'s task (already locked by the caller).
async fn schedule_of(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: TaskId,
) -> QueryResult<Option<(FullTaskRow, Schedule)>> {
    let Some(row) = find_row(conn, owner, id).await? else {
        return Ok(None);
    };
    let schedule = row.0.schedule().map_err(corrupt)?;
    Ok(Some((row, schedule)))
}

/// Completes the current occurrence of `owner`'s open recurring task `id`,
/// locked by the caller at version `version` in list `list`: records it and
/// moves the task to the next occurrence, reopening its subtree; or, when
/// the rule has none, completes the task (and its subtree) for good. One
/// version bump either way. `Ok(None)` when the task turned out not to be
/// recurring after all (the caller completes it normally).
///
/// `completion` is the new record's id, chosen once per request: when it
/// exists already, this is a repeat of an attempt that committed before its
/// connection died (see `Replay`), and nothing more is done, so that a
/// repeat never completes a second occurrence.
pub(crate) async fn complete_occurrence(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: TaskId,
    list: Uuid,
    version: i64,
    completion: CompletionId,
) -> QueryResult<Option<()>> {
    let done_before: Option<Uuid> = task_completions::table
        .filter(task_completions::user_id.eq(Uuid::from(owner)))
        .filter(task_completions::id.eq(Uuid::from(completion)))
        .select(task_completions::id)
        .prepared()
        .get_result(conn)
        .await
        .optional()?;
    if done_before.is_some() {
        return Ok(Some(()));
    }
    let Some((_, schedule)) = schedule_of(conn, owner, id).await? else {
        return Err(DieselError::NotFound);
    };
    let (Some(rule), Some(due)) = (&schedule.recurrence, schedule.due_at) else {
        return Ok(None);
    };
    let uuid = Uuid::from(id);
    let tz = zone_of(conn, owner).await?;
    let done = completions_so_far(conn, owner, uuid).await?;
    let now = Utc::now();
    let next = next_due(rule, schedule.basis, due, schedule.all_day, now, done, tz);
    let new_version = version + 1;
    diesel::insert_into(task_completions::table)
        .values((
            task_completions::user_id.eq(Uuid::from(owner)),
            task_completions::id.eq(Uuid::from(completion)),
            task_completions::task_id.eq(uuid),
            task_completions::completed_at.eq(now),
            task_completions::due_at.eq(due),
            task_completions::next_due_at.eq(next),
            task_completions::task_version.eq(new_version),
        ))
        .prepared()
        .execute(conn)
        .await?;
    let update = diesel::update(tasks::table)
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::id.eq(uuid));
    match next {
        Some(next) => {
            let following = upcoming(
                &Schedule {
                    due_at: Some(next),
                    ..schedule.clone()
                },
                done.saturating_add(1),
                tz,
            );
            update
                .set((
                    tasks::due_at.eq(next),
                    tasks::next_due_at.eq(following),
                    tasks::version.eq(new_version),
                ))
                .prepared()
                .execute(conn)
                .await?;
            reopen_descendants(conn, owner, list, uuid).await?;
        }
        None => {
            update
                .set((
                    tasks::completed.eq(true),
                    tasks::next_due_at.eq(None::<Timestamp>),
                    tasks::version.eq(new_version),
                ))
                .prepared()
                .execute(conn)
                .await?;
            task_tree::complete_descendants(conn, owner, list, uuid).await?;
        }
    }
    Ok(Some(()))
}

/// The latest completion of a task: its id, the occurrence it completed
/// and the task version it left.
#[derive(Debug, Queryable)]
struct Latest {
    id: Uuid,
    due_at: Timestamp,
    task_version: i64,
}

/// Undoes the latest completion of `owner`'s open recurring task `id`
/// (locked by the caller at `version`) when nothing changed the task since:
/// the due date goes back, the record goes away, one version bump.
/// `Ok(false)` when there is nothing to undo.
pub(crate) async fn undo_latest(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: TaskId,
    version: i64,
) -> QueryResult<bool> {
    let uuid = Uuid::from(id);
    let latest: Option<Latest> = task_completions::table
        .filter(task_completions::user_id.eq(Uuid::from(owner)))
        .filter(task_completions::task_id.eq(uuid))
        .order((
            task_completions::completed_at.desc(),
            task_completions::id.desc(),
        ))
        .select((
            task_completions::id,
            task_completions::due_at,
            task_completions::task_version,
        ))
        .limit(1)
        .prepared()
        .get_result(conn)
        .await
        .optional()?;
    let Some(latest) = latest.filter(|latest| latest.task_version == version) else {
        return Ok(false);
    };
    diesel::delete(task_completions::table)
        .filter(task_completions::user_id.eq(Uuid::from(owner)))
        .filter(task_completions::id.eq(latest.id))
        .prepared()
        .execute(conn)
        .await?;
    let Some((_, schedule)) = schedule_of(conn, owner, id).await? else {
        return Err(DieselError::NotFound);
    };
    let restored = Schedule {
        due_at: Some(latest.due_at),
        ..schedule
    };
    let tz = zone_of(conn, owner).await?;
    let done = completions_so_far(conn, owner, uuid).await?;
    diesel::update(tasks::table)
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::id.eq(uuid))
        .set((
            tasks::due_at.eq(latest.due_at),
            tasks::next_due_at.eq(upcoming(&restored, done, tz)),
            tasks::version.eq(tasks::version + 1),
        ))
        .prepared()
        .execute(conn)
        .await?;
    Ok(true)
}

/// Reopens every completed descendant of `task` (which lives in `list`, as
/// its whole subtree does), bumping their versions: the next occurrence of
/// a recurring task starts with its checklist unticked.
async fn reopen_descendants(
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
         UPDATE tasks SET completed = false, version = version + 1 \
          WHERE user_id = $1 AND id IN (SELECT id FROM down) AND completed",
    )
    .bind::<SqlUuid, _>(Uuid::from(owner))
    .bind::<SqlUuid, _>(list)
    .bind::<SqlUuid, _>(task)
    .prepared()
    .execute(conn)
    .await
}

/// Recomputes `next_due_at` of every recurring task of `owner` in `tz`
/// (after a change of zone), writing only those whose value changes. The
/// tasks are read locked: a write in progress on one (a completion moving
/// its due date) is waited for and its result read, rather than
/// overwritten with a value computed from the due date before it.
pub(crate) async fn recompute_all(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    tz: TimeZone,
) -> QueryResult<()> {
    // Locked first, read after: the read's snapshot (a statement of its own)
    // then includes what the writes waited for committed, their new
    // completions too.
    tasks::table
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::recurrence.is_not_null())
        .select(tasks::id)
        .for_no_key_update()
        .prepared()
        .load::<Uuid>(conn)
        .await?;
    let rows: Vec<(TaskRow, i64)> = tasks::table
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::recurrence.is_not_null())
        .select((
            TaskRow::as_select(),
            diesel::dsl::sql::<BigInt>(
                "(SELECT count(*) FROM task_completions c \
                  WHERE c.user_id = tasks.user_id AND c.task_id = tasks.id)",
            ),
        ))
        .prepared()
        .load(conn)
        .await?;
    for (row, done) in rows {
        let schedule = row.schedule().map_err(corrupt)?;
        let next = upcoming(&schedule, u32::try_from(done).unwrap_or(u32::MAX), tz);
        if next == row.next_due_at() {
            continue;
        }
        diesel::update(tasks::table)
            .filter(tasks::user_id.eq(Uuid::from(owner)))
            .filter(tasks::id.eq(row.id()))
            .set((
                tasks::next_due_at.eq(next),
                tasks::version.eq(tasks::version + 1),
            ))
            .prepared()
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// One page of the completion history of `owner`'s task `id`, newest
/// first, or a refusal when `owner` has no such task.
pub(crate) async fn history(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: TaskId,
    query: CompletionQuery,
) -> Checked<CompletionPage> {
    let uuid = Uuid::from(id);
    let exists: Option<Uuid> = tasks::table
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::id.eq(uuid))
        .select(tasks::id)
        .prepared()
        .get_result(conn)
        .await
        .optional()?;
    if exists.is_none() {
        return Ok(Err(Refusal::NotFound));
    }
    let limit = i64::from(query.limit.get()) + 1;
    let base = task_completions::table
        .filter(task_completions::user_id.eq(Uuid::from(owner)))
        .filter(task_completions::task_id.eq(uuid))
        .order((
            task_completions::completed_at.desc(),
            task_completions::id.desc(),
        ))
        .select((
            task_completions::id,
            task_completions::completed_at,
            task_completions::due_at,
        ))
        .limit(limit);
    let rows: Vec<(Uuid, Timestamp, Timestamp)> = match query.cursor {
        None => base.prepared().load(conn).await?,
        Some(cursor) => {
            // A row comparison, which the (user_id, task_id, completed_at
            // DESC, id DESC) index serves directly.
            base.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "(task_completions.completed_at, task_completions.id) < (",
                )
                .bind::<Timestamptz, _>(cursor.completed_at)
                .sql(", ")
                .bind::<SqlUuid, _>(Uuid::from(cursor.after))
                .sql(")"),
            )
            .prepared()
            .load(conn)
            .await?
        }
    };
    let has_more = rows.len() > usize::from(query.limit.get());
    let completions = rows
        .into_iter()
        .take(usize::from(query.limit.get()))
        .map(|(cid, completed_at, due_at)| Completion {
            id: CompletionId::from_uuid(cid),
            task_id: id,
            completed_at,
            due_at,
        })
        .collect();
    Ok(Ok(CompletionPage {
        completions,
        has_more,
    }))
}
