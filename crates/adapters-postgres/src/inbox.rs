//! Every user's Inbox: created on first need, exactly once however many
//! requests need it at the same moment.

use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::upsert::DecoratableTarget;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::{Color, ListName, UserId};
use uuid::Uuid;

use crate::prepared::PreparedExt;
use crate::schema::lists;

/// The Inbox sorts first whatever its key; this one is the first key, so
/// the lists after it start at the next.
pub(crate) const INBOX_POSITION: &str = "a0";

/// The id of `owner`'s Inbox, locked `FOR NO KEY UPDATE` until the end of
/// the caller's transaction (which serialises the writers that append to
/// it, without blocking readers or foreign-key checks); created when
/// missing. Concurrent first calls both insert with `ON CONFLICT DO
/// NOTHING` against the one-Inbox-per-user index: one row wins, the other
/// insert waits for it and then does nothing, and both select the winner.
///
/// # Errors
/// A foreign-key violation when `owner` has no account.
pub(crate) async fn locked(conn: &mut AsyncPgConnection, owner: UserId) -> QueryResult<Uuid> {
    ensure(conn, owner, Lock::ForNoKeyUpdate).await
}

/// The id of `owner`'s Inbox, created when missing, without a lock.
///
/// # Errors
/// As [`locked`].
pub(crate) async fn found_or_created(
    conn: &mut AsyncPgConnection,
    owner: UserId,
) -> QueryResult<Uuid> {
    ensure(conn, owner, Lock::None).await
}

#[derive(Debug, Clone, Copy)]
enum Lock {
    None,
    ForNoKeyUpdate,
}

async fn ensure(conn: &mut AsyncPgConnection, owner: UserId, lock: Lock) -> QueryResult<Uuid> {
    if let Some(id) = select(conn, owner, lock).await? {
        return Ok(id);
    }
    diesel::insert_into(lists::table)
        .values((
            lists::id.eq(Uuid::now_v7()),
            lists::user_id.eq(Uuid::from(owner)),
            lists::name.eq(ListName::INBOX),
            lists::color.eq(Color::default().as_str()),
            lists::position.eq(INBOX_POSITION),
            lists::is_inbox.eq(true),
        ))
        // The one-Inbox-per-user index is the arbiter; a conflict on any
        // other constraint is an error (none can happen: the Inbox is always
        // a user's first list).
        .on_conflict(lists::user_id)
        .filter_target(lists::is_inbox.eq(true))
        .do_nothing()
        .prepared()
        .execute(conn)
        .await?;
    select(conn, owner, lock)
        .await?
        .ok_or(diesel::result::Error::NotFound)
}

async fn select(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    lock: Lock,
) -> QueryResult<Option<Uuid>> {
    let inbox = lists::table
        .filter(lists::user_id.eq(Uuid::from(owner)))
        .filter(lists::is_inbox)
        .select(lists::id);
    match lock {
        Lock::None => inbox.prepared().get_result(conn).await.optional(),
        Lock::ForNoKeyUpdate => inbox
            .for_no_key_update()
            .prepared()
            .get_result(conn)
            .await
            .optional(),
    }
}
