//! `ListRepo` on PostgreSQL, implemented by the same [`PgTaskRepo`] (one
//! pool for every port). Every statement carries `user_id = owner`.
//!
//! Writes that depend on the other lists (creating one under the limit,
//! choosing a key next to a neighbour) lock the owner's Inbox row first:
//! that serialises them per user, so a count or a neighbour's key cannot
//! change before the write that relies on it.

use async_trait::async_trait;
use diesel::dsl::{count_star, max, min, sql};
use diesel::prelude::*;
use diesel::result::{Error as DieselError, QueryResult};
use diesel::sql_types::{Array, BigInt, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::{
    Color, ListId, ListName, ListPatch, ListSummary, NewList, Placement, Position, UserId, Version,
    limits,
};
use futures_util::FutureExt;
use ports::{
    CreateListError, DeleteListError, EnsureInboxError, GetListError, ListListsError, ListRepo,
    MoveListError, UpdateListError,
};
use uuid::Uuid;

use crate::errors::{StoreError, ViolationKind, violated};
use crate::inbox;
use crate::list_rows::{ListRow, summary};
use crate::ordering::stored;
use crate::prepared::PreparedExt;
use crate::schema::lists;
use crate::task_repo::{PgTaskRepo, Replay};

/// A list's tasks, subtasks included, and those not completed: correlated
/// subqueries, each an index scan of the list's tasks.
const TOTAL_TASKS: &str =
    "(SELECT count(*) FROM tasks WHERE tasks.user_id = lists.user_id AND tasks.list_id = lists.id)";
const OPEN_TASKS: &str = "(SELECT count(*) FROM tasks WHERE tasks.user_id = lists.user_id \
     AND tasks.list_id = lists.id AND NOT tasks.completed)";

/// The unique index on `(user_id, lower(name))`.
const NAME_INDEX: &str = "lists_user_name_key";

pub(crate) type SummaryRow = (ListRow, i64, i64);

async fn load_all(conn: &mut AsyncPgConnection, owner: UserId) -> QueryResult<Vec<SummaryRow>> {
    lists::table
        .filter(lists::user_id.eq(Uuid::from(owner)))
        .select((
            ListRow::as_select(),
            sql::<BigInt>(TOTAL_TASKS),
            sql::<BigInt>(OPEN_TASKS),
        ))
        .order_by((
            lists::is_inbox.desc(),
            lists::position.asc(),
            lists::id.asc(),
        ))
        .prepared()
        .load(conn)
        .await
}

async fn load_one(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: Uuid,
) -> QueryResult<Option<SummaryRow>> {
    lists::table
        .filter(lists::user_id.eq(Uuid::from(owner)))
        .filter(lists::id.eq(id))
        .select((
            ListRow::as_select(),
            sql::<BigInt>(TOTAL_TASKS),
            sql::<BigInt>(OPEN_TASKS),
        ))
        .prepared()
        .get_result(conn)
        .await
        .optional()
}

/// Several of `owner`'s lists by id, with their counts, in no particular
/// order (the change log's reader); ids that are not `owner`'s lists are
/// left out. One statement: the ids are bound as one `uuid[]`.
pub(crate) async fn load_many(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    ids: Vec<Uuid>,
) -> QueryResult<Vec<SummaryRow>> {
    lists::table
        .filter(lists::user_id.eq(Uuid::from(owner)))
        .filter(lists::id.eq_any(ids))
        .select((
            ListRow::as_select(),
            sql::<BigInt>(TOTAL_TASKS),
            sql::<BigInt>(OPEN_TASKS),
        ))
        .prepared()
        .load(conn)
        .await
}

fn to_summary(row: SummaryRow) -> Result<ListSummary, StoreError> {
    summary(row).map_err(|e| StoreError::Internal(Box::new(e)))
}

fn key_error(error: domain::PositionError) -> DieselError {
    DieselError::DeserializationError(Box::new(error))
}

/// Gives every list of `owner` a fresh short key in the current order (the
/// Inbox first), when moves made one long. One statement: the unique index
/// on the keys is checked at its end (deferrable), so keys may swap.
async fn rebalance(conn: &mut AsyncPgConnection, owner: UserId) -> QueryResult<()> {
    let ids: Vec<Uuid> = lists::table
        .filter(lists::user_id.eq(Uuid::from(owner)))
        .select(lists::id)
        .order_by((
            lists::is_inbox.desc(),
            lists::position.asc(),
            lists::id.asc(),
        ))
        .prepared()
        .load(conn)
        .await?;
    let keys: Vec<String> = Position::spread(ids.len())
        .map(|key| key.as_str().to_owned())
        .collect();
    diesel::sql_query(
        "UPDATE lists SET position = fresh.position, version = lists.version + 1 \
           FROM unnest($2::uuid[], $3::text[]) AS fresh (id, position) \
          WHERE lists.user_id = $1 AND lists.id = fresh.id AND lists.position <> fresh.position",
    )
    .bind::<SqlUuid, _>(Uuid::from(owner))
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<Array<Text>, _>(keys)
    .prepared()
    .execute(conn)
    .await?;
    Ok(())
}

/// The key for a list placed by `placement` among `owner`'s others (the
/// moving list `moving` excluded), or why there is none.
async fn key_for(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    moving: Uuid,
    placement: Placement<ListId>,
) -> QueryResult<Result<Position, MoveListError>> {
    let others = lists::table
        .filter(lists::user_id.eq(Uuid::from(owner)))
        .filter(lists::id.ne(moving));
    let anchor_of = |anchor: ListId| {
        lists::table
            .filter(lists::user_id.eq(Uuid::from(owner)))
            .filter(lists::id.eq(Uuid::from(anchor)))
            .select((lists::position, lists::is_inbox))
    };
    let (lower, upper) = match placement {
        Placement::End => {
            let last: Option<String> = others
                .select(max(lists::position))
                .prepared()
                .get_result(conn)
                .await?;
            (last, None)
        }
        Placement::Before(anchor) => {
            let Some((anchor, is_inbox)) = anchor_of(anchor)
                .prepared()
                .get_result::<(String, bool)>(conn)
                .await
                .optional()?
            else {
                return Ok(Err(MoveListError::AnchorNotFound));
            };
            if is_inbox {
                return Ok(Err(MoveListError::InboxFirst));
            }
            let lower: Option<String> = others
                .filter(lists::position.lt(&anchor))
                .select(max(lists::position))
                .prepared()
                .get_result(conn)
                .await?;
            (lower, Some(anchor))
        }
        Placement::After(anchor) => {
            let Some((anchor, _)) = anchor_of(anchor)
                .prepared()
                .get_result::<(String, bool)>(conn)
                .await
                .optional()?
            else {
                return Ok(Err(MoveListError::AnchorNotFound));
            };
            let upper: Option<String> = others
                .filter(lists::position.gt(&anchor))
                .select(min(lists::position))
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

#[derive(Debug, AsChangeset)]
#[diesel(table_name = lists)]
struct ListChanges<'a> {
    name: Option<&'a str>,
    color: Option<&'static str>,
}

#[async_trait]
impl ListRepo for PgTaskRepo {
    async fn ensure_inbox(&self, owner: UserId) -> Result<ListSummary, EnsureInboxError> {
        let row = self
            .run(Replay::Safe, move |conn| {
                async move {
                    let id = match inbox::found_or_created(conn, owner).await {
                        Ok(id) => id,
                        Err(e) if violated(&e, ViolationKind::ForeignKey).is_some() => {
                            return Ok(None);
                        }
                        Err(e) => return Err(e),
                    };
                    load_one(conn, owner, id).await
                }
                .boxed()
            })
            .await?;
        to_summary(row.ok_or(EnsureInboxError::UnknownOwner)?).map_err(Into::into)
    }

    async fn list_all(&self, owner: UserId) -> Result<Vec<ListSummary>, ListListsError> {
        let rows = self
            .run(Replay::Safe, move |conn| {
                async move {
                    let rows = load_all(conn, owner).await?;
                    if rows
                        .as_slice()
                        .first()
                        .is_some_and(|(list, _, _)| list.is_inbox)
                    {
                        return Ok(Some(rows));
                    }
                    // First need: the Inbox is made now.
                    match inbox::found_or_created(conn, owner).await {
                        Ok(_) => Ok(Some(load_all(conn, owner).await?)),
                        Err(e) if violated(&e, ViolationKind::ForeignKey).is_some() => Ok(None),
                        Err(e) => Err(e),
                    }
                }
                .boxed()
            })
            .await?
            .ok_or(ListListsError::UnknownOwner)?;
        rows.into_iter()
            .map(to_summary)
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }

    async fn create(&self, owner: UserId, new: NewList) -> Result<ListSummary, CreateListError> {
        let id = ListId::new_v7();
        // Not repeated after a dead connection: a repeat of a committed
        // first attempt would answer "duplicate name".
        let row = self
            .run_write_tx(owner, Replay::Never, |conn| {
                let new = new.clone();
                async move {
                    match inbox::locked(conn, owner).await {
                        Ok(_) => {}
                        Err(e) if violated(&e, ViolationKind::ForeignKey).is_some() => {
                            return Ok(Err(CreateListError::UnknownOwner));
                        }
                        Err(e) => return Err(e),
                    }
                    let (count, last): (i64, Option<String>) = lists::table
                        .filter(lists::user_id.eq(Uuid::from(owner)))
                        .select((count_star(), max(lists::position)))
                        .prepared()
                        .get_result(conn)
                        .await?;
                    if usize::try_from(count).unwrap_or(usize::MAX) >= limits::MAX_LISTS_PER_USER {
                        return Ok(Err(CreateListError::LimitReached));
                    }
                    let position = match last.as_deref().map(stored).transpose()? {
                        Some(last) => last.after().map_err(key_error)?,
                        None => Position::first().after().map_err(key_error)?,
                    };
                    let inserted = diesel::insert_into(lists::table)
                        .values((
                            lists::id.eq(Uuid::from(id)),
                            lists::user_id.eq(Uuid::from(owner)),
                            lists::name.eq(new.name.as_str()),
                            lists::color.eq(new.color.as_str()),
                            lists::position.eq(position.as_str()),
                        ))
                        .returning(ListRow::as_returning())
                        .prepared()
                        .get_result::<ListRow>(conn)
                        .await;
                    match inserted {
                        Ok(row) => Ok(Ok((row, 0, 0))),
                        Err(e) if violated(&e, ViolationKind::Unique) == Some(NAME_INDEX) => {
                            Ok(Err(CreateListError::DuplicateName))
                        }
                        Err(e) => Err(e),
                    }
                }
                .boxed()
            })
            .await??;
        to_summary(row).map_err(Into::into)
    }

    async fn get(&self, owner: UserId, id: ListId) -> Result<ListSummary, GetListError> {
        let row = self
            .run(Replay::Safe, move |conn| {
                load_one(conn, owner, Uuid::from(id)).boxed()
            })
            .await?
            .ok_or(GetListError::NotFound)?;
        to_summary(row).map_err(Into::into)
    }

    async fn update(
        &self,
        owner: UserId,
        id: ListId,
        patch: ListPatch,
        expected: Option<Version>,
    ) -> Result<ListSummary, UpdateListError> {
        let replay = if expected.is_some() {
            Replay::Never
        } else {
            Replay::Safe
        };
        let row = self
            .run_write_tx(owner, replay, |conn| {
                let patch = patch.clone();
                async move {
                    let id = Uuid::from(id);
                    let current: Option<(bool, String, i64)> = lists::table
                        .filter(lists::user_id.eq(Uuid::from(owner)))
                        .filter(lists::id.eq(id))
                        .select((lists::is_inbox, lists::name, lists::version))
                        .for_no_key_update()
                        .prepared()
                        .get_result(conn)
                        .await
                        .optional()?;
                    let Some((is_inbox, name, version)) = current else {
                        return Ok(Err(UpdateListError::NotFound));
                    };
                    if expected.is_some_and(|expected| expected.get() != version) {
                        return Ok(Err(UpdateListError::VersionMismatch));
                    }
                    if is_inbox && patch.name.as_ref().is_some_and(|new| new.as_str() != name) {
                        return Ok(Err(UpdateListError::InboxRename));
                    }
                    if !patch.is_empty() {
                        let changes = ListChanges {
                            name: patch.name.as_ref().map(ListName::as_str),
                            color: patch.color.map(Color::as_str),
                        };
                        let updated = diesel::update(lists::table)
                            .filter(lists::user_id.eq(Uuid::from(owner)))
                            .filter(lists::id.eq(id))
                            .set((changes, lists::version.eq(lists::version + 1)))
                            .prepared()
                            .execute(conn)
                            .await;
                        match updated {
                            Ok(_) => {}
                            Err(e) if violated(&e, ViolationKind::Unique) == Some(NAME_INDEX) => {
                                return Ok(Err(UpdateListError::DuplicateName));
                            }
                            Err(e) => return Err(e),
                        }
                    }
                    Ok(load_one(conn, owner, id)
                        .await?
                        .ok_or(UpdateListError::NotFound))
                }
                .boxed()
            })
            .await??;
        to_summary(row).map_err(Into::into)
    }

    async fn delete(
        &self,
        owner: UserId,
        id: ListId,
        expected: Option<Version>,
    ) -> Result<(), DeleteListError> {
        // One transaction: the list and its tasks are copied into the
        // trash, then deleted (trash_repo.rs).
        self.run_write_tx(owner, Replay::Never, move |conn| {
            crate::trash_repo::trash_list(conn, owner, Uuid::from(id), expected.map(Version::get))
                .boxed()
        })
        .await?
    }

    async fn move_list(
        &self,
        owner: UserId,
        id: ListId,
        placement: Placement<ListId>,
    ) -> Result<ListSummary, MoveListError> {
        let row = self
            .run_write_tx(owner, Replay::Never, move |conn| {
                async move {
                    match inbox::locked(conn, owner).await {
                        Ok(_) => {}
                        // No account, hence no list.
                        Err(e) if violated(&e, ViolationKind::ForeignKey).is_some() => {
                            return Ok(Err(MoveListError::NotFound));
                        }
                        Err(e) => return Err(e),
                    }
                    let moving = Uuid::from(id);
                    let is_inbox: Option<bool> = lists::table
                        .filter(lists::user_id.eq(Uuid::from(owner)))
                        .filter(lists::id.eq(moving))
                        .select(lists::is_inbox)
                        .prepared()
                        .get_result(conn)
                        .await
                        .optional()?;
                    match is_inbox {
                        None => return Ok(Err(MoveListError::NotFound)),
                        Some(true) => return Ok(Err(MoveListError::InboxFirst)),
                        Some(false) => {}
                    }
                    let stays = matches!(placement,
                        Placement::Before(anchor) | Placement::After(anchor) if anchor == id);
                    if !stays {
                        let key = match key_for(conn, owner, moving, placement).await? {
                            Ok(key) => key,
                            Err(refused) => return Ok(Err(refused)),
                        };
                        diesel::update(lists::table)
                            .filter(lists::user_id.eq(Uuid::from(owner)))
                            .filter(lists::id.eq(moving))
                            .set((
                                lists::position.eq(key.as_str()),
                                lists::version.eq(lists::version + 1),
                            ))
                            .prepared()
                            .execute(conn)
                            .await?;
                        if key.is_long() {
                            rebalance(conn, owner).await?;
                        }
                    }
                    Ok(load_one(conn, owner, moving)
                        .await?
                        .ok_or(MoveListError::NotFound))
                }
                .boxed()
            })
            .await??;
        to_summary(row).map_err(Into::into)
    }
}
