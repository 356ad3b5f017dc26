//! Manual order: fractional-index keys as stored. Writers of keys hold the
//! list's row lock (tasks, see `task_tree.rs`) or the Inbox's (lists, see
//! `list_repo.rs`), so reading a neighbour's key and writing the new one
//! cannot race; the unique indexes on the keys are the backstop.

use diesel::result::{Error as DieselError, QueryResult};
use domain::Position;

/// A key read back from the database, which only ever holds valid ones.
pub(crate) fn stored(raw: &str) -> QueryResult<Position> {
    Position::parse(raw).map_err(corrupt)
}

fn corrupt(error: domain::PositionError) -> DieselError {
    DieselError::DeserializationError(Box::new(error))
}
