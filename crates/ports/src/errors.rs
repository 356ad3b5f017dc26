//! One error enum per repository operation, so each caller matches exactly
//! the outcomes its operation can have.

/// The cause of an infrastructure failure, kept for the log and never shown
/// to a client.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The store could not be reached (connection refused, pool exhausted,
/// timeout). Transient: the caller may retry later.
#[derive(Debug, thiserror::Error)]
#[error("task store unavailable")]
pub struct RepoUnavailable(#[source] pub BoxError);

impl RepoUnavailable {
    /// The store is reachable but did not answer in time (as opposed to
    /// not reachable at all): see [`RepoUnavailable::is_slow`].
    pub fn slow(cause: impl Into<BoxError>) -> Self {
        Self(Box::new(StoreTooSlow(cause.into())))
    }

    /// Whether this was made by [`RepoUnavailable::slow`]: the readiness
    /// probe tells "slow" from "unreachable" with it.
    pub fn is_slow(&self) -> bool {
        self.0.is::<StoreTooSlow>()
    }
}

/// The cause inside a [`RepoUnavailable::slow`].
#[derive(Debug, thiserror::Error)]
#[error("the task store is reachable but too slow to answer")]
pub struct StoreTooSlow(#[source] pub BoxError);

#[derive(Debug, thiserror::Error)]
pub enum CreateTaskError {
    /// The owner no longer exists (the account was deleted while a token
    /// issued to it was still valid).
    #[error("the owner does not exist")]
    UnknownOwner,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetTaskError {
    /// No task with that id belongs to that owner. Whether it exists for
    /// someone else is deliberately indistinguishable.
    #[error("task not found")]
    NotFound,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListTasksError {
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

/// Outcomes shared by replace, patch and set-completed.
#[derive(Debug, thiserror::Error)]
pub enum UpdateTaskError {
    #[error("task not found")]
    NotFound,
    /// The caller's expected version is not the stored one: someone else
    /// changed the task first.
    #[error("task was modified concurrently")]
    VersionMismatch,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteTaskError {
    #[error("task not found")]
    NotFound,
    #[error("task was modified concurrently")]
    VersionMismatch,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_is_told_from_unreachable() {
        assert!(RepoUnavailable::slow("no answer within 2 s").is_slow());
        assert!(!RepoUnavailable("connection refused".into()).is_slow());
    }
}
