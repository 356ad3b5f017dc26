//! The adapter's own errors (setup and migration) and the translation of
//! driver and pool failures into the port's error enums.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::PoolError as ManagerError;
use diesel_async::pooled_connection::deadpool::PoolError;
use ports::{
    BoxError, CreateLabelError, CreateListError, CreateTaskError, DeleteLabelError,
    DeleteListError, DeleteTaskError, EnsureInboxError, GetLabelError, GetListError,
    GetPreferencesError, GetTaskError, ListCompletionsError, ListLabelsError, ListListsError,
    ListTasksError, MoveListError, MoveTaskError, PruneChangesError, PutPreferencesError,
    ReadChangesError, RepoUnavailable, UpdateLabelError, UpdateListError, UpdateTaskError,
};

/// The repository could not be built from its settings. Messages never
/// contain the database URL (it may hold a password).
#[derive(Debug, thiserror::Error)]
pub enum PgSetupError {
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("invalid database setting: {0}")]
    InvalidSettings(String),
    #[error("cannot set up TLS for the database connection: {0}")]
    Tls(String),
    #[error("cannot build the database connection pool: {0}")]
    Pool(String),
}

/// Applying the embedded migrations failed. The message carries the
/// database's own explanation, e.g. that Better Auth's schema is missing.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error(transparent)]
    Setup(#[from] PgSetupError),
    #[error("cannot connect to the database to migrate it: {0}")]
    Connect(String),
    #[error("migration failed: {0}")]
    Failed(String),
}

/// A failure below the port, before it is fitted to an operation's enum.
#[derive(Debug)]
pub(crate) enum StoreError {
    Unavailable(BoxError),
    Internal(BoxError),
}

impl From<PoolError> for StoreError {
    fn from(err: PoolError) -> Self {
        match err {
            // Waiting for a slot, connecting or checking a connection took
            // too long, the database refused us, or a pooled connection
            // turned out dead: all mean "not reachable right now".
            PoolError::Timeout(_)
            | PoolError::Closed
            | PoolError::Backend(ManagerError::ConnectionError(_) | ManagerError::QueryError(_)) => {
                StoreError::Unavailable(Box::new(err))
            }
            PoolError::NoRuntimeSpecified | PoolError::PostCreateHook(_) => {
                StoreError::Internal(Box::new(err))
            }
        }
    }
}

impl From<DieselError> for StoreError {
    fn from(err: DieselError) -> Self {
        match err {
            // diesel-async reports a dropped or unusable socket this way.
            DieselError::DatabaseError(
                DatabaseErrorKind::UnableToSendCommand | DatabaseErrorKind::ClosedConnection,
                _,
            )
            | DieselError::BrokenTransactionManager => StoreError::Unavailable(Box::new(err)),
            // A server error diesel-async has no kind for. It hides the
            // SQLSTATE (its error wrapper is private), but every statement
            // here is fixed and runs in the tests, so what is left is the
            // server declining to finish one: statement_timeout or a cancel
            // (57014), lock_timeout (55P03), deadlock (40P01), the session
            // ended (57P01/57P02/57P03), out of resources (53xxx), or a schema
            // not migrated yet. All transient or operational: 503, and the
            // log line keeps the server's message.
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, _) => {
                StoreError::Unavailable(Box::new(err))
            }
            other => StoreError::Internal(Box::new(other)),
        }
    }
}

impl From<StoreError> for RepoUnavailable {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(e) | StoreError::Internal(e) => RepoUnavailable(e),
        }
    }
}

macro_rules! from_store_error {
    ($($target:ty),+) => {$(
        impl From<StoreError> for $target {
            fn from(err: StoreError) -> Self {
                match err {
                    StoreError::Unavailable(e) => Self::Unavailable(RepoUnavailable(e)),
                    StoreError::Internal(e) => Self::Internal(e),
                }
            }
        }
    )+};
}

from_store_error!(
    CreateTaskError,
    GetTaskError,
    ListTasksError,
    UpdateTaskError,
    DeleteTaskError,
    MoveTaskError,
    EnsureInboxError,
    ListListsError,
    CreateListError,
    GetListError,
    UpdateListError,
    DeleteListError,
    MoveListError,
    ListLabelsError,
    CreateLabelError,
    GetLabelError,
    UpdateLabelError,
    DeleteLabelError,
    ReadChangesError,
    PruneChangesError,
    ListCompletionsError,
    GetPreferencesError,
    PutPreferencesError,
    ports::ListTrashError,
    ports::RestoreError,
    ports::DeleteTrashItemError,
    ports::EmptyTrashError,
    ports::PurgeTrashError,
    ports::BatchError,
    ports::IdempotencyError
);

/// The constraint a statement violated, when it failed on one of `kind`:
/// tells a duplicate name from any other unique violation.
pub(crate) fn violated(error: &DieselError, kind: ViolationKind) -> Option<&str> {
    match (error, kind) {
        (
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info),
            ViolationKind::Unique,
        )
        | (
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info),
            ViolationKind::ForeignKey,
        ) => Some(info.constraint_name().unwrap_or_default()),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ViolationKind {
    Unique,
    ForeignKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_connections_are_unavailable_other_database_errors_internal() {
        let closed = DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("connection closed".to_owned()),
        );
        assert!(matches!(
            StoreError::from(closed),
            StoreError::Unavailable(_)
        ));
        let unsent = DieselError::DatabaseError(
            DatabaseErrorKind::UnableToSendCommand,
            Box::new("connection closed".to_owned()),
        );
        assert!(matches!(
            StoreError::from(unsent),
            StoreError::Unavailable(_)
        ));
        let timeout = DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("canceling statement due to statement timeout".to_owned()),
        );
        assert!(matches!(
            StoreError::from(timeout),
            StoreError::Unavailable(_)
        ));
        let check = DieselError::DatabaseError(
            DatabaseErrorKind::CheckViolation,
            Box::new("check".to_owned()),
        );
        assert!(matches!(StoreError::from(check), StoreError::Internal(_)));
        assert!(matches!(
            StoreError::from(DieselError::NotFound),
            StoreError::Internal(_)
        ));
    }

    #[test]
    fn pool_timeouts_and_refused_connections_are_unavailable() {
        let timeout = PoolError::Timeout(deadpool::managed::TimeoutType::Wait);
        assert!(matches!(
            StoreError::from(timeout),
            StoreError::Unavailable(_)
        ));
        let refused = PoolError::Backend(ManagerError::ConnectionError(
            diesel::ConnectionError::BadConnection("refused".into()),
        ));
        assert!(matches!(
            StoreError::from(refused),
            StoreError::Unavailable(_)
        ));
        assert!(matches!(
            StoreError::from(PoolError::NoRuntimeSpecified),
            StoreError::Internal(_)
        ));
    }

    #[test]
    fn operation_errors_keep_the_category() {
        let e: UpdateTaskError = StoreError::Unavailable("down".into()).into();
        assert!(matches!(e, UpdateTaskError::Unavailable(_)));
        let e: CreateTaskError = StoreError::Internal("bad".into()).into();
        assert!(matches!(e, CreateTaskError::Internal(_)));
    }
}
