//! `ChangeLog` on PostgreSQL, implemented by the same [`PgTaskRepo`] (one
//! pool for every port). The log itself is written by the triggers of
//! migration 2026-12-07-000001 at each write's COMMIT; this module only
//! reads and prunes it.
//!
//! A read is one operation on one connection: one statement reads the
//! user's latest `seq` and the page of entries together (same snapshot, so
//! "pruned" and "ahead of the log" are judged against the page itself),
//! then one statement per kind of entity in the page loads the current
//! state of every id in it (tasks as `GET /tasks/{id}` returns them, lists
//! with their counts, labels), through the same row mappers as the other
//! ports.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::{
    Change, ChangeData, ChangeEntity, ChangeLimit, ChangePage, Completion, CompletionId, Label,
    Preferences, Seq, TaskId, TimeZone, Timestamp, TrashItem, UserId, WeekStart,
};
use futures_util::FutureExt;
use ports::{ChangeLog, PruneChangesError, ReadChangesError};
use uuid::Uuid;

use crate::errors::StoreError;
use crate::list_repo::{self, SummaryRow};
use crate::list_rows::{LabelRow, summary};
use crate::prepared::PreparedExt;
use crate::rows::{FullTaskRow, full_task, task_from};
use crate::schema::{change_seqs, labels, preferences, task_completions, tasks, trash};
use crate::task_repo::{PgTaskRepo, Replay};
use crate::trash_rows::TrashRow;

/// The latest `seq` (0 without a counter row) and up to `$3` entries after
/// `$2`, in one statement: the one-row `me` keeps the latest even when the
/// page is empty. Entries arrive by the primary key `(user_id, seq)`.
const PAGE: &str = "SELECT coalesce(s.seq, 0) AS latest, c.seq, c.entity, c.entity_id, c.op \
       FROM (SELECT $1::uuid AS user_id) AS me \
       LEFT JOIN change_seqs AS s ON s.user_id = me.user_id \
       LEFT JOIN LATERAL ( \
            SELECT changes.seq, changes.entity, changes.entity_id, changes.op FROM changes \
             WHERE changes.user_id = me.user_id AND changes.seq > $2 \
             ORDER BY changes.seq LIMIT $3) AS c ON true \
      ORDER BY c.seq";

/// Deletes a batch of old entries, skipping rows another instance's prune
/// holds, so that several instances can prune at once.
const PRUNE: &str = "DELETE FROM changes WHERE ctid IN \
     (SELECT ctid FROM changes WHERE at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)";

#[derive(Debug, QueryableByName)]
struct PageRow {
    #[diesel(sql_type = BigInt)]
    latest: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    seq: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    entity: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    entity_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    op: Option<String>,
}

/// One entry of the page as stored.
#[derive(Debug, Clone)]
struct Entry {
    seq: i64,
    entity: String,
    id: Uuid,
    deleted: bool,
}

/// What one read found, before translation to the domain.
enum Found {
    Ahead { latest: i64 },
    Expired { latest: i64 },
    Page(Box<Loaded>),
}

struct Loaded {
    /// The entries the page covers (up to the limit), collapsed to the last
    /// entry per entity.
    kept: Vec<Entry>,
    /// The last `seq` covered, collapsed entries included.
    next: Option<i64>,
    has_more: bool,
    tasks: Vec<FullTaskRow>,
    lists: Vec<SummaryRow>,
    labels: Vec<LabelRow>,
    /// `(time_zone, week_start)` of the owner, when an entry needs them.
    preferences: Option<(String, String)>,
    /// `(id, task_id, completed_at, due_at)`.
    completions: Vec<CompletionRow>,
    trash: Vec<TrashRow>,
}

type CompletionRow = (Uuid, Uuid, Timestamp, Timestamp);

/// Keeps, in `seq` order, only the last entry of each `(entity, id)`.
fn collapse(entries: Vec<Entry>) -> Vec<Entry> {
    let mut last: HashMap<(&str, Uuid), i64> = HashMap::with_capacity(entries.len());
    for entry in &entries {
        last.insert((entry.entity.as_str(), entry.id), entry.seq);
    }
    let keep: HashSet<i64> = last.into_values().collect();
    entries
        .into_iter()
        .filter(|entry| keep.contains(&entry.seq))
        .collect()
}

/// The ids of `entity` among `kept` whose current state must be loaded
/// (a deletion needs none: ids are never reused).
fn ids_of(kept: &[Entry], entity: ChangeEntity) -> Vec<Uuid> {
    kept.iter()
        .filter(|entry| !entry.deleted && entry.entity == entity.as_str())
        .map(|entry| entry.id)
        .collect()
}

async fn read_page(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    since: i64,
    limit: u16,
) -> QueryResult<Found> {
    let rows: Vec<PageRow> = diesel::sql_query(PAGE)
        .bind::<SqlUuid, _>(Uuid::from(owner))
        .bind::<BigInt, _>(since)
        .bind::<BigInt, _>(i64::from(limit) + 1)
        .prepared()
        .load(conn)
        .await?;
    let latest = rows.as_slice().first().map_or(0, |row| row.latest);
    if since > latest {
        return Ok(Found::Ahead { latest });
    }
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let (Some(seq), Some(entity), Some(id), Some(op)) =
            (row.seq, row.entity, row.entity_id, row.op)
        else {
            continue;
        };
        entries.push(Entry {
            seq,
            entity,
            id,
            deleted: op == "delete",
        });
    }
    if since < latest
        && entries
            .as_slice()
            .first()
            .is_none_or(|first| first.seq != since + 1)
    {
        return Ok(Found::Expired { latest });
    }
    let has_more = entries.len() > usize::from(limit);
    entries.truncate(usize::from(limit));
    let next = entries.as_slice().last().map(|entry| entry.seq);
    let kept = collapse(entries);

    let task_ids = ids_of(&kept, ChangeEntity::Task);
    let list_ids = ids_of(&kept, ChangeEntity::List);
    let label_ids = ids_of(&kept, ChangeEntity::Label);
    let tasks = if task_ids.is_empty() {
        Vec::new()
    } else {
        tasks::table
            .filter(tasks::user_id.eq(Uuid::from(owner)))
            .filter(tasks::id.eq_any(task_ids))
            .select(full_task!())
            .prepared()
            .load::<FullTaskRow>(conn)
            .await?
    };
    let lists = if list_ids.is_empty() {
        Vec::new()
    } else {
        list_repo::load_many(conn, owner, list_ids).await?
    };
    let labels = if label_ids.is_empty() {
        Vec::new()
    } else {
        labels::table
            .filter(labels::user_id.eq(Uuid::from(owner)))
            .filter(labels::id.eq_any(label_ids))
            .select(LabelRow::as_select())
            .prepared()
            .load::<LabelRow>(conn)
            .await?
    };
    // The preferences entity's id is the owner's: only the owner's own row
    // is ever read.
    let preferences = if ids_of(&kept, ChangeEntity::Preferences).is_empty() {
        None
    } else {
        preferences::table
            .filter(preferences::user_id.eq(Uuid::from(owner)))
            .select((preferences::time_zone, preferences::week_start))
            .prepared()
            .get_result::<(String, String)>(conn)
            .await
            .optional()?
    };
    let completion_ids = ids_of(&kept, ChangeEntity::Completion);
    let completions = if completion_ids.is_empty() {
        Vec::new()
    } else {
        task_completions::table
            .filter(task_completions::user_id.eq(Uuid::from(owner)))
            .filter(task_completions::id.eq_any(completion_ids))
            .select((
                task_completions::id,
                task_completions::task_id,
                task_completions::completed_at,
                task_completions::due_at,
            ))
            .prepared()
            .load::<CompletionRow>(conn)
            .await?
    };
    let trash_ids = ids_of(&kept, ChangeEntity::Trash);
    let trash = if trash_ids.is_empty() {
        Vec::new()
    } else {
        trash::table
            .filter(trash::user_id.eq(Uuid::from(owner)))
            .filter(trash::id.eq_any(trash_ids))
            .select(TrashRow::as_select())
            .prepared()
            .load::<TrashRow>(conn)
            .await?
    };
    Ok(Found::Page(Box::new(Loaded {
        kept,
        next,
        has_more,
        tasks,
        lists,
        labels,
        preferences,
        completions,
        trash,
    })))
}

fn seq_from(raw: i64) -> Result<Seq, ReadChangesError> {
    u64::try_from(raw)
        .ok()
        .and_then(|value| Seq::new(value).ok())
        .ok_or_else(|| ReadChangesError::Internal(format!("stored seq {raw} is negative").into()))
}

fn internal(error: impl std::error::Error + Send + Sync + 'static) -> ReadChangesError {
    ReadChangesError::Internal(Box::new(error))
}

/// The page in the domain's terms: each kept entry with its entity's
/// current state, or [`ChangeData::Gone`].
fn to_page(loaded: Loaded, since: Seq) -> Result<ChangePage, ReadChangesError> {
    let mut tasks = HashMap::with_capacity(loaded.tasks.len());
    for row in loaded.tasks {
        let task = task_from(row).map_err(internal)?;
        tasks.insert(Uuid::from(task.id), task);
    }
    let mut lists = HashMap::with_capacity(loaded.lists.len());
    for row in loaded.lists {
        let list = summary(row).map_err(internal)?;
        lists.insert(Uuid::from(list.list.id), list);
    }
    let mut labels = HashMap::with_capacity(loaded.labels.len());
    for row in loaded.labels {
        let label = Label::try_from(row).map_err(internal)?;
        labels.insert(Uuid::from(label.id), label);
    }
    let mut completions: HashMap<Uuid, Completion> = loaded
        .completions
        .into_iter()
        .map(|(id, task_id, completed_at, due_at)| {
            (
                id,
                Completion {
                    id: CompletionId::from_uuid(id),
                    task_id: TaskId::from_uuid(task_id),
                    completed_at,
                    due_at,
                },
            )
        })
        .collect();
    let mut trash = HashMap::with_capacity(loaded.trash.len());
    for row in loaded.trash {
        let item = TrashItem::try_from(row).map_err(internal)?;
        trash.insert(item.id, item);
    }
    let preferences = loaded
        .preferences
        .map(
            |(zone, week_start)| -> Result<Preferences, ReadChangesError> {
                Ok(Preferences {
                    time_zone: TimeZone::parse(&zone).map_err(internal)?,
                    week_start: WeekStart::parse(&week_start).map_err(internal)?,
                })
            },
        )
        .transpose()?;
    let mut changes = Vec::with_capacity(loaded.kept.len());
    for entry in loaded.kept {
        let entity = ChangeEntity::from_name(&entry.entity).ok_or_else(|| {
            ReadChangesError::Internal(
                format!("stored change {} has an unknown entity", entry.seq).into(),
            )
        })?;
        let data = if entry.deleted {
            ChangeData::Gone
        } else {
            match entity {
                ChangeEntity::Task => tasks
                    .remove(&entry.id)
                    .map_or(ChangeData::Gone, |t| ChangeData::Task(Box::new(t))),
                ChangeEntity::List => lists
                    .remove(&entry.id)
                    .map_or(ChangeData::Gone, |l| ChangeData::List(Box::new(l))),
                ChangeEntity::Label => labels
                    .remove(&entry.id)
                    .map_or(ChangeData::Gone, |l| ChangeData::Label(Box::new(l))),
                // The row of a user who deleted nothing: it exists from
                // the first write on, so a missing one is gone with the
                // account.
                ChangeEntity::Preferences => {
                    preferences.map_or(ChangeData::Gone, |p| ChangeData::Preferences(Box::new(p)))
                }
                ChangeEntity::Completion => completions
                    .remove(&entry.id)
                    .map_or(ChangeData::Gone, |c| ChangeData::Completion(Box::new(c))),
                ChangeEntity::Trash => trash
                    .remove(&entry.id)
                    .map_or(ChangeData::Gone, |t| ChangeData::Trash(Box::new(t))),
            }
        };
        changes.push(Change {
            seq: seq_from(entry.seq)?,
            entity,
            id: entry.id,
            data,
        });
    }
    let next = match loaded.next {
        Some(raw) => seq_from(raw)?,
        None => since,
    };
    Ok(ChangePage {
        changes,
        next,
        has_more: loaded.has_more,
    })
}

fn stored_seq(seq: Seq) -> Result<i64, StoreError> {
    i64::try_from(seq.get())
        .map_err(|_| StoreError::Internal(format!("seq {seq} is beyond the store's range").into()))
}

#[async_trait]
impl ChangeLog for PgTaskRepo {
    async fn read(
        &self,
        owner: UserId,
        since: Seq,
        limit: ChangeLimit,
    ) -> Result<ChangePage, ReadChangesError> {
        let raw_since = stored_seq(since)?;
        let found = self
            .run(Replay::Safe, move |conn| {
                read_page(conn, owner, raw_since, limit.get()).boxed()
            })
            .await?;
        match found {
            Found::Ahead { latest } => Err(ReadChangesError::AheadOfLog {
                latest: seq_from(latest)?,
            }),
            Found::Expired { latest } => Err(ReadChangesError::Expired {
                latest: seq_from(latest)?,
            }),
            Found::Page(loaded) => to_page(*loaded, since),
        }
    }

    async fn latest(&self, owner: UserId) -> Result<Seq, ReadChangesError> {
        let latest = self
            .run(Replay::Safe, move |conn| {
                change_seqs::table
                    .filter(change_seqs::user_id.eq(Uuid::from(owner)))
                    .select(change_seqs::seq)
                    .prepared()
                    .get_result::<i64>(conn)
                    .map(|r| r.optional())
                    .boxed()
            })
            .await?;
        seq_from(latest.unwrap_or(0))
    }

    async fn prune(&self, before: Timestamp, batch: u32) -> Result<u64, PruneChangesError> {
        // Deleting old entries again deletes nothing more: safe to repeat.
        let deleted = self
            .run(Replay::Safe, move |conn| {
                diesel::sql_query(PRUNE)
                    .bind::<Timestamptz, _>(before)
                    .bind::<BigInt, _>(i64::from(batch))
                    .prepared()
                    .execute(conn)
                    .boxed()
            })
            .await?;
        Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, entity: &str, id: u128) -> Entry {
        Entry {
            seq,
            entity: entity.into(),
            id: Uuid::from_u128(id),
            deleted: false,
        }
    }

    #[test]
    fn collapsing_keeps_the_last_entry_of_each_entity_in_order() {
        let kept = collapse(vec![
            entry(1, "task", 1),
            entry(2, "list", 1),
            entry(3, "task", 2),
            entry(4, "task", 1),
            entry(5, "label", 1),
            entry(6, "list", 1),
        ]);
        let seqs: Vec<i64> = kept.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [3, 4, 5, 6]);
    }

    #[test]
    fn the_same_id_under_two_entities_is_two_entities() {
        let kept = collapse(vec![entry(1, "task", 7), entry(2, "label", 7)]);
        assert_eq!(kept.len(), 2);
    }
}
