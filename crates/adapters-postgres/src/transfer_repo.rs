//! `TransferRepo` on PostgreSQL, implemented by the same [`PgTaskRepo`]:
//! the export read in pages, the import written in one transaction.
//!
//! Export: every page is one short read of its own on a pooled connection
//! (keyset on the primary key `(user_id, id)`), not one long `REPEATABLE
//! READ` transaction over the whole download. A held transaction would pin
//! a pooled connection (and, behind a transaction-mode pooler, a server
//! connection) for as long as the slowest client takes to read the body,
//! and would run into the per-operation deadline (statement timeout plus
//! acquire timeout) on a large export. The price: an export taken while the
//! owner keeps writing is not a snapshot of one instant (a task created or
//! moved meanwhile may be missing or, under a parent read later, refer to a
//! parent the export does not hold, which the import then reports). Each
//! task appears at most once: ids never change.
//!
//! Import: one transaction (`run_write_tx`, so `BEGIN … COMMIT` with the
//! timeouts as `SET LOCAL` behind a pooler), bulk inserts of up to
//! [`INSERT_CHUNK`] rows per statement; the change log's triggers log every
//! row. Everything the limits depend on is read and checked before the
//! first write.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::dsl::{count_star, max, sql};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::limits::{MAX_LABELS_PER_USER, MAX_LISTS_PER_USER, MAX_TASKS_PER_LIST};
use domain::{
    Depth, Description, ExportedCompletion, ExportedTask, ImportCounts, ImportPlan, Label, LabelId,
    List, ListId, Position, Preferences, Priority, Recurrence, RecurrenceBasis, TaskId, Title,
    UserId,
};
use futures_util::FutureExt;
use ports::{ExportError, ExportHead, ImportError, TransferRepo};
use uuid::Uuid;

use crate::errors::{StoreError, ViolationKind, violated};
use crate::inbox;
use crate::label_repo::LABEL_LOCK_CLASS;
use crate::list_rows::{LabelRow, ListRow};
use crate::ordering::stored;
use crate::prepared::PreparedExt;
use crate::recurring;
use crate::rows::{CorruptRow, Schedule};
use crate::schema::{labels, lists, preferences, task_completions, task_labels, tasks};
use crate::task_repo::{PgTaskRepo, Replay};

/// Rows per multi-row `INSERT`: 17 columns × 1000 stays far below
/// PostgreSQL's 65 535 bind parameters per statement.
const INSERT_CHUNK: usize = 1000;

/// The columns of an exported task, read by [`tasks_at_depth`].
#[derive(Debug, QueryableByName)]
struct ExportRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    list_id: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    parent_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    position: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Text>)]
    description: Option<String>,
    #[diesel(sql_type = diesel::sql_types::SmallInt)]
    priority: i16,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    due_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    due_all_day: bool,
    #[diesel(sql_type = Nullable<Text>)]
    recurrence: Option<String>,
    #[diesel(sql_type = Text)]
    recurrence_basis: String,
    #[diesel(sql_type = Bool)]
    completed: bool,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
}

/// The statement reading one page of the tasks `depth` levels down. It
/// walks the primary key from `after` (a plan the data cannot change: no
/// join for the planner to reorder, which without fresh statistics it did
/// badly) and keeps a task when its ancestor `depth - 1` levels up exists
/// and has no parent, each ancestor found by one primary-key probe, and
/// only for tasks that have a parent at all.
fn depth_query(depth: Depth) -> String {
    // ancestor(1) = t.parent_id; ancestor(j + 1) = the parent of ancestor(j).
    let ancestor = |levels: u8| -> String {
        let mut expr = "t.parent_id".to_owned();
        for _ in 1..levels {
            expr = format!(
                "(SELECT a.parent_id FROM tasks a WHERE a.user_id = t.user_id AND a.id = {expr})"
            );
        }
        expr
    };
    let at_depth = match depth.get() {
        1 => "t.parent_id IS NULL".to_owned(),
        k => format!(
            "t.parent_id IS NOT NULL AND {} IS NOT NULL AND {} IS NULL",
            ancestor(k - 1),
            ancestor(k)
        ),
    };
    format!(
        "SELECT t.id, t.list_id, t.parent_id, t.position, t.title, t.description, t.priority, \
                t.due_at, t.due_all_day, t.recurrence, t.recurrence_basis, t.completed, \
                t.created_at, t.updated_at \
           FROM tasks t \
          WHERE t.user_id = $1 AND t.id > $2 AND {at_depth} \
          ORDER BY t.id LIMIT $3"
    )
}

fn exported(row: ExportRow, labels: Vec<LabelId>) -> Result<ExportedTask, CorruptRow> {
    let id = row.id;
    let corrupt = |column: &'static str| {
        move |e: &dyn std::fmt::Display| CorruptRow::new("task", id, column, e)
    };
    Ok(ExportedTask {
        id: TaskId::from_uuid(row.id),
        list_id: ListId::from_uuid(row.list_id),
        parent_id: row.parent_id.map(TaskId::from_uuid),
        position: Position::parse(&row.position).map_err(|e| corrupt("position")(&e))?,
        title: Title::parse(&row.title).map_err(|e| corrupt("title")(&e))?,
        description: row
            .description
            .as_deref()
            .map(Description::parse)
            .transpose()
            .map_err(|e| corrupt("description")(&e))?,
        priority: Priority::from_rank(row.priority).map_err(|e| corrupt("priority")(&e))?,
        due_at: row.due_at,
        due_all_day: row.due_all_day,
        recurrence: row
            .recurrence
            .as_deref()
            .map(Recurrence::parse)
            .transpose()
            .map_err(|e| corrupt("recurrence")(&e))?,
        recurrence_basis: RecurrenceBasis::parse(&row.recurrence_basis)
            .map_err(|e| corrupt("recurrence_basis")(&e))?,
        completed: row.completed,
        labels,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn internal(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Internal(Box::new(error))
}

fn key_error(error: domain::PositionError) -> DieselError {
    DieselError::DeserializationError(Box::new(error))
}

/// A task to insert, with the timestamps of the export (`None`: now, the
/// column default).
#[derive(Debug, Insertable)]
#[diesel(table_name = tasks)]
struct ImportTaskRow<'a> {
    id: Uuid,
    user_id: Uuid,
    title: &'a str,
    description: Option<&'a str>,
    completed: bool,
    priority: i16,
    due_at: Option<DateTime<Utc>>,
    due_all_day: bool,
    recurrence: Option<&'a str>,
    recurrence_basis: &'static str,
    next_due_at: Option<DateTime<Utc>>,
    list_id: Uuid,
    parent_id: Option<Uuid>,
    position: String,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = lists)]
struct ImportListRow<'a> {
    id: Uuid,
    user_id: Uuid,
    name: &'a str,
    color: &'static str,
    position: String,
    is_inbox: bool,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = labels)]
struct ImportLabelRow<'a> {
    id: Uuid,
    user_id: Uuid,
    name: &'a str,
    color: &'static str,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
}

/// Keys for a set of siblings: the wanted key when the import creates all
/// of them and the key is free, else the next key after the greatest one
/// so far.
struct Siblings {
    keep: bool,
    taken: HashSet<String>,
    last: Option<Position>,
}

impl Siblings {
    fn new(last_existing: Option<Position>) -> Self {
        Self {
            keep: last_existing.is_none(),
            taken: last_existing
                .iter()
                .map(|p| p.as_str().to_owned())
                .collect(),
            last: last_existing,
        }
    }

    fn place(&mut self, wanted: Option<&Position>) -> QueryResult<Position> {
        let position = match wanted {
            Some(p) if self.keep && !self.taken.contains(p.as_str()) => p.clone(),
            _ => match &self.last {
                Some(last) => last.after().map_err(key_error)?,
                None => Position::first(),
            },
        };
        self.taken.insert(position.as_str().to_owned());
        if self
            .last
            .as_ref()
            .is_none_or(|last| position.as_str() > last.as_str())
        {
            self.last = Some(position.clone());
        }
        Ok(position)
    }
}

/// Why an import was refused before anything was written.
enum Refused {
    UnknownOwner,
    Limit(String),
}

async fn write_plan(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    plan: &ImportPlan,
) -> QueryResult<Result<ImportCounts, Refused>> {
    let user = Uuid::from(owner);
    // Serialises with list creation (which locks the Inbox) and label
    // creation (this advisory lock), so the counts below hold until COMMIT.
    let inbox_id = match inbox::locked(conn, owner).await {
        Ok(id) => id,
        Err(e) if violated(&e, ViolationKind::ForeignKey).is_some() => {
            return Ok(Err(Refused::UnknownOwner));
        }
        Err(e) => return Err(e),
    };
    diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2::text))")
        .bind::<Integer, _>(LABEL_LOCK_CLASS)
        .bind::<SqlUuid, _>(user)
        .prepared()
        .execute(conn)
        .await?;

    // Lists: merge by name (the Inbox into the Inbox), else new.
    let existing_lists: Vec<(Uuid, String, String, bool)> = lists::table
        .filter(lists::user_id.eq(user))
        .select((
            lists::id,
            sql::<Text>("lower(lists.name)"),
            lists::position,
            lists::is_inbox,
        ))
        .load(conn)
        .await?;
    let by_name: HashMap<&str, Uuid> = existing_lists
        .iter()
        .map(|(id, name, _, _)| (name.as_str(), *id))
        .collect();
    let fresh_account = existing_lists.iter().all(|(_, _, _, is_inbox)| *is_inbox);
    let mut list_ids: Vec<Uuid> = Vec::with_capacity(plan.lists.len());
    let mut new_lists: Vec<usize> = Vec::new();
    for (i, list) in plan.lists.iter().enumerate() {
        let merged = if list.is_inbox {
            Some(inbox_id)
        } else {
            by_name
                .get(list.name.as_str().to_lowercase().as_str())
                .copied()
        };
        match merged {
            Some(id) => list_ids.push(id),
            None => {
                list_ids.push(ListId::new_v7().into());
                new_lists.push(i);
            }
        }
    }
    if existing_lists.len() + new_lists.len() > MAX_LISTS_PER_USER {
        return Ok(Err(Refused::Limit(format!(
            "an account holds at most {MAX_LISTS_PER_USER} lists"
        ))));
    }

    // Labels: merge by name, else new.
    let existing_labels: Vec<(Uuid, String)> = labels::table
        .filter(labels::user_id.eq(user))
        .select((labels::id, sql::<Text>("lower(labels.name)")))
        .load(conn)
        .await?;
    let label_by_name: HashMap<&str, Uuid> = existing_labels
        .iter()
        .map(|(id, name)| (name.as_str(), *id))
        .collect();
    let mut label_ids: Vec<Uuid> = Vec::with_capacity(plan.labels.len());
    let mut new_labels: Vec<usize> = Vec::new();
    for (i, label) in plan.labels.iter().enumerate() {
        match label_by_name.get(label.name.as_str().to_lowercase().as_str()) {
            Some(id) => label_ids.push(*id),
            None => {
                label_ids.push(LabelId::new_v7().into());
                new_labels.push(i);
            }
        }
    }
    if existing_labels.len() + new_labels.len() > MAX_LABELS_PER_USER {
        return Ok(Err(Refused::Limit(format!(
            "an account holds at most {MAX_LABELS_PER_USER} labels"
        ))));
    }

    // Tasks per list, and the last top-level key of every list merged into.
    let merged: Vec<Uuid> = list_ids
        .iter()
        .enumerate()
        .filter(|(i, _)| !new_lists.contains(i))
        .map(|(_, id)| *id)
        .collect();
    let counts: Vec<(Uuid, i64)> = tasks::table
        .filter(tasks::user_id.eq(user))
        .filter(tasks::list_id.eq_any(&merged))
        .group_by(tasks::list_id)
        .select((tasks::list_id, count_star()))
        .load(conn)
        .await?;
    let mut per_list: HashMap<Uuid, usize> = counts
        .into_iter()
        .map(|(id, n)| (id, usize::try_from(n).unwrap_or(usize::MAX)))
        .collect();
    for task in &plan.tasks {
        *per_list.entry(list_ids[task.list]).or_default() += 1;
    }
    if per_list.values().any(|&n| n > MAX_TASKS_PER_LIST) {
        return Ok(Err(Refused::Limit(format!(
            "a list holds at most {MAX_TASKS_PER_LIST} tasks"
        ))));
    }
    let last_keys: Vec<(Uuid, Option<String>)> = tasks::table
        .filter(tasks::user_id.eq(user))
        .filter(tasks::list_id.eq_any(&merged))
        .filter(tasks::parent_id.is_null())
        .group_by(tasks::list_id)
        .select((tasks::list_id, max(tasks::position)))
        .load(conn)
        .await?;
    let mut top_last: HashMap<Uuid, Position> = HashMap::new();
    for (list, key) in last_keys {
        if let Some(key) = key {
            top_last.insert(list, stored(&key)?);
        }
    }

    // Preferences first: the all-day trigger and next_due_at read the zone.
    if let Some(prefs) = &plan.preferences {
        diesel::insert_into(preferences::table)
            .values((
                preferences::user_id.eq(user),
                preferences::time_zone.eq(prefs.time_zone.name()),
                preferences::week_start.eq(prefs.week_start.as_str()),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    let tz = recurring::zone_of(conn, owner).await?;

    // New lists: their keys when the account had none but the Inbox, else
    // after the last list.
    let last_list = existing_lists
        .iter()
        .map(|(_, _, p, _)| p.as_str())
        .max()
        .map(stored)
        .transpose()?;
    let mut list_keys = Siblings::new(last_list);
    list_keys.keep = fresh_account;
    let mut list_rows = Vec::with_capacity(new_lists.len());
    for &i in &new_lists {
        let list = &plan.lists[i];
        list_rows.push(ImportListRow {
            id: list_ids[i],
            user_id: user,
            name: list.name.as_str(),
            color: list.color.as_str(),
            position: list_keys.place(list.position.as_ref())?.as_str().to_owned(),
            is_inbox: false,
            created_at: list.created_at,
            updated_at: list.updated_at,
        });
    }
    for chunk in list_rows.chunks(INSERT_CHUNK) {
        diesel::insert_into(lists::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    let label_rows: Vec<ImportLabelRow<'_>> = new_labels
        .iter()
        .map(|&i| {
            let label = &plan.labels[i];
            ImportLabelRow {
                id: label_ids[i],
                user_id: user,
                name: label.name.as_str(),
                color: label.color.as_str(),
                created_at: label.created_at,
                updated_at: label.updated_at,
            }
        })
        .collect();
    for chunk in label_rows.chunks(INSERT_CHUNK) {
        diesel::insert_into(labels::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }

    // Tasks, parents first (the plan's order).
    let mut done: HashMap<usize, u32> = HashMap::new();
    for completion in &plan.completions {
        *done.entry(completion.task).or_default() += 1;
    }
    let task_ids: Vec<Uuid> = plan.tasks.iter().map(|_| TaskId::new_v7().into()).collect();
    let mut groups: HashMap<(usize, Option<usize>), Siblings> = HashMap::new();
    let mut task_rows = Vec::with_capacity(plan.tasks.len());
    let mut label_links: Vec<(Uuid, Uuid, Uuid)> = Vec::new();
    for (i, task) in plan.tasks.iter().enumerate() {
        let list_id = list_ids[task.list];
        let group = groups.entry((task.list, task.parent)).or_insert_with(|| {
            let last = match task.parent {
                None => top_last.get(&list_id).cloned(),
                Some(_) => None,
            };
            Siblings::new(last)
        });
        let position = group.place(task.position.as_ref())?;
        // An all-day date arrives as 00:00 UTC of the date (see
        // `PlannedTask::due_at`): 00:00 of that date here.
        let due_at = match task.due_at {
            Some(due) if task.due_all_day => Some(tz.start_of_date(due.date_naive())),
            other => other,
        };
        let schedule = Schedule {
            due_at,
            all_day: task.due_all_day,
            recurrence: task.recurrence.clone(),
            basis: task.recurrence_basis,
        };
        let next_due_at = recurring::upcoming(&schedule, done.get(&i).copied().unwrap_or(0), tz);
        task_rows.push(ImportTaskRow {
            id: task_ids[i],
            user_id: user,
            title: task.title.as_str(),
            description: task.description.as_ref().map(Description::as_str),
            completed: task.completed,
            priority: task.priority.rank(),
            due_at,
            due_all_day: task.due_all_day,
            recurrence: task.recurrence.as_ref().map(Recurrence::as_str),
            recurrence_basis: task.recurrence_basis.as_str(),
            next_due_at,
            list_id,
            parent_id: task.parent.map(|p| task_ids[p]),
            position: position.as_str().to_owned(),
            created_at: task.created_at,
            updated_at: task.updated_at,
        });
        let distinct: HashSet<usize> = task.labels.iter().copied().collect();
        for l in distinct {
            label_links.push((user, task_ids[i], label_ids[l]));
        }
    }
    for chunk in task_rows.chunks(INSERT_CHUNK) {
        diesel::insert_into(tasks::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    for chunk in label_links.chunks(INSERT_CHUNK * 5) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(u, t, l)| {
                (
                    task_labels::user_id.eq(*u),
                    task_labels::task_id.eq(*t),
                    task_labels::label_id.eq(*l),
                )
            })
            .collect();
        diesel::insert_into(task_labels::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    let completion_rows: Vec<_> = plan
        .completions
        .iter()
        .map(|c| {
            (
                task_completions::user_id.eq(user),
                task_completions::id.eq(Uuid::now_v7()),
                task_completions::task_id.eq(task_ids[c.task]),
                task_completions::completed_at.eq(c.completed_at),
                task_completions::due_at.eq(c.due_at),
                task_completions::next_due_at.eq(c.next_due_at),
                task_completions::task_version.eq(1_i64),
            )
        })
        .collect();
    for chunk in completion_rows.chunks(INSERT_CHUNK) {
        diesel::insert_into(task_completions::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Ok(ImportCounts {
        lists: count(new_lists.len()),
        labels: count(new_labels.len()),
        tasks: count(plan.tasks.len()),
        completions: count(plan.completions.len()),
    }))
}

fn export_error(error: StoreError) -> ExportError {
    match error {
        StoreError::Unavailable(e) => ExportError::Unavailable(ports::RepoUnavailable(e)),
        StoreError::Internal(e) => ExportError::Internal(e),
    }
}

#[async_trait]
impl TransferRepo for PgTaskRepo {
    async fn export_head(&self, owner: UserId) -> Result<ExportHead, ExportError> {
        let user = Uuid::from(owner);
        let (prefs, list_rows, label_rows) = self
            .run(Replay::Safe, move |conn| {
                async move {
                    let prefs: Option<(String, String)> = preferences::table
                        .filter(preferences::user_id.eq(user))
                        .select((preferences::time_zone, preferences::week_start))
                        .get_result(conn)
                        .await
                        .optional()?;
                    let lists: Vec<ListRow> = lists::table
                        .filter(lists::user_id.eq(user))
                        .select(ListRow::as_select())
                        .order_by((
                            lists::is_inbox.desc(),
                            lists::position.asc(),
                            lists::id.asc(),
                        ))
                        .load(conn)
                        .await?;
                    let labels: Vec<LabelRow> = labels::table
                        .filter(labels::user_id.eq(user))
                        .select(LabelRow::as_select())
                        .order_by((sql::<Text>("lower(labels.name)").asc(), labels::id.asc()))
                        .load(conn)
                        .await?;
                    Ok((prefs, lists, labels))
                }
                .boxed()
            })
            .await
            .map_err(export_error)?;
        let preferences = prefs
            .map(|(zone, week)| -> Result<Preferences, StoreError> {
                Ok(Preferences {
                    time_zone: domain::TimeZone::parse(&zone).map_err(internal)?,
                    week_start: domain::WeekStart::parse(&week).map_err(internal)?,
                })
            })
            .transpose()
            .map_err(export_error)?;
        let lists = list_rows
            .into_iter()
            .map(List::try_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| export_error(internal(e)))?;
        let labels = label_rows
            .into_iter()
            .map(Label::try_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| export_error(internal(e)))?;
        Ok(ExportHead {
            preferences,
            lists,
            labels,
        })
    }

    async fn export_tasks(
        &self,
        owner: UserId,
        depth: Depth,
        after: Option<TaskId>,
        limit: u16,
    ) -> Result<Vec<ExportedTask>, ExportError> {
        let user = Uuid::from(owner);
        let after = after.map_or(Uuid::nil(), Uuid::from);
        let query = depth_query(depth);
        let (rows, links) = self
            .run(Replay::Safe, move |conn| {
                let query = query.clone();
                async move {
                    let rows: Vec<ExportRow> = diesel::sql_query(query)
                        .bind::<SqlUuid, _>(user)
                        .bind::<SqlUuid, _>(after)
                        .bind::<BigInt, _>(i64::from(limit))
                        .load(conn)
                        .await?;
                    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
                    let links: Vec<(Uuid, Uuid)> = task_labels::table
                        .filter(task_labels::user_id.eq(user))
                        .filter(task_labels::task_id.eq_any(&ids))
                        .select((task_labels::task_id, task_labels::label_id))
                        .order_by((task_labels::task_id, task_labels::label_id))
                        .load(conn)
                        .await?;
                    Ok((rows, links))
                }
                .boxed()
            })
            .await
            .map_err(export_error)?;
        let mut by_task: HashMap<Uuid, Vec<LabelId>> = HashMap::new();
        for (task, label) in links {
            by_task
                .entry(task)
                .or_default()
                .push(LabelId::from_uuid(label));
        }
        rows.into_iter()
            .map(|row| {
                let labels = by_task.remove(&row.id).unwrap_or_default();
                exported(row, labels)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| export_error(internal(e)))
    }

    async fn export_completions(
        &self,
        owner: UserId,
        after: Option<Uuid>,
        limit: u16,
    ) -> Result<Vec<(Uuid, ExportedCompletion)>, ExportError> {
        let user = Uuid::from(owner);
        let after = after.unwrap_or(Uuid::nil());
        let rows: Vec<(
            Uuid,
            Uuid,
            DateTime<Utc>,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
        )> = self
            .run(Replay::Safe, move |conn| {
                task_completions::table
                    .filter(task_completions::user_id.eq(user))
                    .filter(task_completions::id.gt(after))
                    .select((
                        task_completions::id,
                        task_completions::task_id,
                        task_completions::completed_at,
                        task_completions::due_at,
                        task_completions::next_due_at,
                    ))
                    .order_by(task_completions::id)
                    .limit(i64::from(limit))
                    .prepared()
                    .load(conn)
                    .boxed()
            })
            .await
            .map_err(export_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, task, completed_at, due_at, next_due_at)| {
                (
                    id,
                    ExportedCompletion {
                        task_id: TaskId::from_uuid(task),
                        completed_at,
                        due_at,
                        next_due_at,
                    },
                )
            })
            .collect())
    }

    async fn import(&self, owner: UserId, plan: ImportPlan) -> Result<ImportCounts, ImportError> {
        if !plan.problems().is_empty() {
            return Err(ImportError::Invalid);
        }
        let plan = std::sync::Arc::new(plan);
        // Not repeated after a dead connection: every attempt makes new ids,
        // so a repeat of a committed first attempt would import twice.
        let outcome = self
            .run_write_tx(owner, Replay::Never, move |conn| {
                let plan = std::sync::Arc::clone(&plan);
                async move { write_plan(conn, owner, &plan).await }.boxed()
            })
            .await
            .map_err(|e| match e {
                StoreError::Unavailable(e) => ImportError::Unavailable(ports::RepoUnavailable(e)),
                StoreError::Internal(e) => ImportError::Internal(e),
            })?;
        match outcome {
            Ok(counts) => Ok(counts),
            Err(Refused::UnknownOwner) => Err(ImportError::UnknownOwner),
            Err(Refused::Limit(what)) => Err(ImportError::LimitReached(what)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeper_pages_probe_every_ancestor_up_to_the_top() {
        let depths: Vec<String> = Depth::all().map(depth_query).collect();
        assert!(depths[0].contains("t.parent_id IS NULL"));
        assert!(!depths[0].contains("SELECT a."));
        // Level 3: the grandparent exists and is top-level.
        assert_eq!(depths[2].matches("SELECT a.parent_id").count(), 1 + 2);
        assert!(depths.iter().all(|q| !q.contains("JOIN")));
    }

    #[test]
    fn kept_keys_until_a_sibling_existed_then_after_the_last() {
        let a = Position::parse("a5").expect("key");
        let mut fresh = Siblings::new(None);
        assert_eq!(fresh.place(Some(&a)).expect("key"), a);
        // A duplicate wanted key goes after the greatest.
        assert_eq!(fresh.place(Some(&a)).expect("key").as_str(), "a6");
        let mut merged = Siblings::new(Some(Position::parse("a2").expect("key")));
        assert_eq!(merged.place(Some(&a)).expect("key").as_str(), "a3");
        assert_eq!(merged.place(None).expect("key").as_str(), "a4");
    }
}
