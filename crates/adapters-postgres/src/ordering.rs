//! Manual order: the fractional-index keys of tasks among their siblings
//! (same list, same parent). Callers hold the list's row lock (see
//! `inbox::locked` and the list lookups), which serialises every writer of
//! positions in that list, so reading a neighbour's key and writing the new
//! one cannot race; the unique index on the siblings' keys is the backstop.

use diesel::prelude::*;
use diesel::result::{Error as DieselError, QueryResult};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::{Position, UserId};
use uuid::Uuid;

use crate::prepared::PreparedExt;
use crate::schema::tasks;

/// A key after the last of the siblings under `parent` (top level when
/// `None`) in `list`.
pub(crate) async fn append_position(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    list: Uuid,
    parent: Option<Uuid>,
) -> QueryResult<Position> {
    let siblings = tasks::table
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::list_id.eq(list));
    let last: Option<String> = match parent {
        None => siblings
            .filter(tasks::parent_id.is_null())
            .select(tasks::position)
            .order_by(tasks::position.desc())
            .limit(1)
            .prepared()
            .get_result(conn)
            .await
            .optional()?,
        Some(parent) => siblings
            .filter(tasks::parent_id.eq(parent))
            .select(tasks::position)
            .order_by(tasks::position.desc())
            .limit(1)
            .prepared()
            .get_result(conn)
            .await
            .optional()?,
    };
    match last {
        None => Ok(Position::first()),
        Some(last) => stored(&last)?.after().map_err(corrupt),
    }
}

/// A key read back from the database, which only ever holds valid ones.
pub(crate) fn stored(raw: &str) -> QueryResult<Position> {
    Position::parse(raw).map_err(corrupt)
}

fn corrupt(error: domain::PositionError) -> DieselError {
    DieselError::DeserializationError(Box::new(error))
}
