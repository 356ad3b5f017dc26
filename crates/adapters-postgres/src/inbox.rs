//! Every user's Inbox: created on first need, exactly once however many
//! requests need it at the same moment.

use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::sql_types::{Integer, Text, Uuid as SqlUuid};
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
/// missing. Concurrent first calls are serialised (see [`INSERT_INBOX`]):
/// one inserts, the others then do nothing, and all select the winner.
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

/// The class of the transaction-scoped advisory lock that serialises the
/// creation of one user's Inbox.
const INBOX_LOCK_CLASS: i32 = 0x696e_6278; // "inbx"

/// Inserts the Inbox unless there is one, in one statement that first takes
/// a transaction-scoped advisory lock on the owner (held to the end of the
/// caller's transaction, or of this statement outside one). Two first
/// inserts of one user would otherwise race inside PostgreSQL: `ON
/// CONFLICT` arbitrates only the one-Inbox index, so the loser could fail
/// on the name index (`lists_user_name_key`), or deadlock with the winner's
/// end-of-statement recheck of the deferrable position key (both seen
/// behind PgBouncer, `tests/postgres/pooler.rs`). Serialised, the second
/// insert sees the committed Inbox and does nothing. Works behind a
/// transaction-mode pooler: the lock never outlives a transaction.
const INSERT_INBOX: &str = "\
    WITH serialised AS (SELECT pg_advisory_xact_lock($1, hashtext($2::text))) \
    INSERT INTO lists (id, user_id, name, color, position, is_inbox) \
    SELECT $3, $2, $4, $5, $6, true FROM serialised \
    ON CONFLICT (user_id) WHERE is_inbox DO NOTHING";

async fn ensure(conn: &mut AsyncPgConnection, owner: UserId, lock: Lock) -> QueryResult<Uuid> {
    if let Some(id) = select(conn, owner, lock).await? {
        return Ok(id);
    }
    diesel::sql_query(INSERT_INBOX)
        .bind::<Integer, _>(INBOX_LOCK_CLASS)
        .bind::<SqlUuid, _>(Uuid::from(owner))
        .bind::<SqlUuid, _>(Uuid::now_v7())
        .bind::<Text, _>(ListName::INBOX)
        .bind::<Text, _>(Color::default().as_str())
        .bind::<Text, _>(INBOX_POSITION)
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
