use async_trait::async_trait;
use domain::{
    CompletionChange, Task, TaskFields, TaskId, TaskPage, TaskPatch, TaskQuery, UserId, Version,
};

use crate::errors::{
    CreateTaskError, DeleteTaskError, GetTaskError, ListTasksError, RepoUnavailable,
    UpdateTaskError,
};

/// Storage of tasks. Every method takes the owner, and an implementation
/// must scope every statement to it: a task that belongs to someone else
/// behaves exactly like one that does not exist.
///
/// Writes take an optional expected [`Version`]. With `Some`, the write
/// happens only if the stored version still equals it; with `None` it
/// happens unconditionally. Every successful write bumps the version and
/// `updated_at`.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TaskRepo: Send + Sync + 'static {
    /// Stores a new task for `owner`, with a fresh id and timestamps set by
    /// the store.
    ///
    /// # Errors
    /// [`CreateTaskError::UnknownOwner`] when `owner` has no account;
    /// `Unavailable` or `Internal` when the store fails.
    async fn create(&self, owner: UserId, fields: TaskFields) -> Result<Task, CreateTaskError>;

    /// # Errors
    /// [`GetTaskError::NotFound`] when `owner` has no task `id`;
    /// `Unavailable` or `Internal` when the store fails.
    async fn get(&self, owner: UserId, id: TaskId) -> Result<Task, GetTaskError>;

    /// One page of `owner`'s tasks matching `query`, in its order.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn list(&self, owner: UserId, query: &TaskQuery) -> Result<TaskPage, ListTasksError>;

    /// Replaces every editable field.
    ///
    /// # Errors
    /// `NotFound` when `owner` has no task `id`; `VersionMismatch` when
    /// `expected` is stale; `Unavailable` or `Internal` when the store fails.
    async fn replace(
        &self,
        owner: UserId,
        id: TaskId,
        fields: TaskFields,
        expected: Option<Version>,
    ) -> Result<Task, UpdateTaskError>;

    /// Changes only the fields present in `patch`. An empty patch changes
    /// nothing and returns the task as stored (after the version check).
    ///
    /// # Errors
    /// As for [`TaskRepo::replace`].
    async fn patch(
        &self,
        owner: UserId,
        id: TaskId,
        patch: TaskPatch,
        expected: Option<Version>,
    ) -> Result<Task, UpdateTaskError>;

    /// Toggles or sets `completed`, atomically with respect to other writes.
    ///
    /// # Errors
    /// As for [`TaskRepo::replace`].
    async fn set_completed(
        &self,
        owner: UserId,
        id: TaskId,
        change: CompletionChange,
        expected: Option<Version>,
    ) -> Result<Task, UpdateTaskError>;

    /// # Errors
    /// `NotFound` when `owner` has no task `id`; `VersionMismatch` when
    /// `expected` is stale; `Unavailable` or `Internal` when the store fails.
    async fn delete(
        &self,
        owner: UserId,
        id: TaskId,
        expected: Option<Version>,
    ) -> Result<(), DeleteTaskError>;

    /// Whether the store answers right now; used by the readiness probe.
    ///
    /// # Errors
    /// [`RepoUnavailable`] when it does not.
    async fn ping(&self) -> Result<(), RepoUnavailable>;
}
