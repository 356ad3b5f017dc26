use async_trait::async_trait;
use domain::{
    BatchOp, CompletionChange, CompletionPage, CompletionQuery, Task, TaskFields, TaskId,
    TaskLocation, TaskMove, TaskPage, TaskPatch, TaskQuery, UserId, Version,
};

use crate::errors::{
    BatchError, CreateTaskError, DeleteTaskError, GetTaskError, ListCompletionsError,
    ListTasksError, MoveTaskError, RepoUnavailable, UpdateTaskError,
};

/// Storage of tasks. Every method takes the owner, and an implementation
/// must scope every statement to it: a task that belongs to someone else
/// behaves exactly like one that does not exist.
///
/// Writes take an optional expected [`Version`]. With `Some`, the write
/// happens only if the stored version still equals it; with `None` it
/// happens unconditionally. Every successful write bumps the version and
/// `updated_at`.
///
/// Tasks live in lists and may nest ([`domain::limits::MAX_DEPTH`] levels):
/// a subtask always lives in its parent's list, moving a task to another
/// list moves its subtree, completing a task completes its open
/// descendants, and deleting a task deletes its subtree, each in one
/// transaction. A list, parent or label that is someone else's is reported
/// exactly like a missing one.
///
/// Due dates follow the owner's time zone (see `PreferencesRepo`): an
/// all-day task's `due_at` is stored as 00:00 of its date there, and a
/// recurring task's `next_due_at` is computed there by every write that
/// changes its due date, rule or basis.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TaskRepo: Send + Sync + 'static {
    /// Stores a new task for `owner` at `location` (after its last sibling
    /// there), with a fresh id and timestamps set by the store. The Inbox is
    /// created when it is the destination and does not exist yet.
    ///
    /// # Errors
    /// [`CreateTaskError::UnknownOwner`] when `owner` has no account;
    /// `ListNotFound`, `ParentNotFound`, `ParentInAnotherList`, `TooDeep`
    /// for a location that is not `owner`'s or not allowed; `LabelNotFound`
    /// when a label is not `owner`'s; `LimitReached` when the list is full;
    /// `RecurrenceNeedsDue` / `AllDayNeedsDue` for a recurring or all-day
    /// task without a due date; `Unavailable` or `Internal` when the store
    /// fails.
    async fn create(
        &self,
        owner: UserId,
        fields: TaskFields,
        location: TaskLocation,
    ) -> Result<Task, CreateTaskError>;

    /// # Errors
    /// [`GetTaskError::NotFound`] when `owner` has no task `id`;
    /// `Unavailable` or `Internal` when the store fails.
    async fn get(&self, owner: UserId, id: TaskId) -> Result<Task, GetTaskError>;

    /// One page of `owner`'s tasks matching `query`, in its order.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn list(&self, owner: UserId, query: &TaskQuery) -> Result<TaskPage, ListTasksError>;

    /// Replaces every editable field and the location (a different list or
    /// parent is a move to the end of the new siblings; the same keeps the
    /// task's place).
    ///
    /// # Errors
    /// `NotFound` when `owner` has no task `id`; `VersionMismatch` when
    /// `expected` is stale; `ListNotFound`, `ParentNotFound`,
    /// `ParentInAnotherList`, `TooDeep`, `Cycle`, `LabelNotFound`,
    /// `LimitReached` as for a create or a move; `RecurrenceNeedsDue` /
    /// `AllDayNeedsDue` when the result would be a recurring or all-day
    /// task without a due date; `Unavailable` or `Internal` when the store
    /// fails.
    async fn replace(
        &self,
        owner: UserId,
        id: TaskId,
        fields: TaskFields,
        location: TaskLocation,
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
    /// Completing a task completes its open descendants too.
    ///
    /// A recurring task is different. Completing it while open (`Set(true)`
    /// or `Toggle`) records a completion of the current occurrence and
    /// moves `due_at` to the next one (in the owner's time zone), reopens
    /// its whole subtree and leaves it open; when the rule has no further
    /// occurrence it completes for good like any task. Two completions
    /// with the same `expected` version advance it once (the other gets
    /// `VersionMismatch`); without `expected` they run one after the other,
    /// each advancing one occurrence (none is skipped). `Set(false)` on an
    /// open recurring task whose latest completion is the last change made
    /// to it (its version is the one that completion left) undoes that
    /// completion: the due date goes back and the record is deleted.
    /// Otherwise `Set(false)` on an open task changes nothing but the
    /// version, as for any task.
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

    /// Moves the task (and its subtree) to another list, under another
    /// parent, or to another place among its siblings, atomically. The
    /// moved task gets a new position; the others keep theirs.
    ///
    /// # Errors
    /// `NotFound`; `VersionMismatch` when `expected` is stale;
    /// `ListNotFound`, `ParentNotFound`, `ParentInAnotherList`, `TooDeep`,
    /// `Cycle`; `AnchorNotFound` when `before`/`after` is not a sibling at
    /// the destination; `LimitReached` when the destination list is full;
    /// `Unavailable` or `Internal` when the store fails.
    async fn move_task(
        &self,
        owner: UserId,
        id: TaskId,
        to: TaskMove,
        expected: Option<Version>,
    ) -> Result<Task, MoveTaskError>;

    /// Moves the task and its subtree to the trash (see `TrashRepo`): they
    /// disappear from every listing, view and count, and their ids answer
    /// `NotFound` until restored.
    ///
    /// # Errors
    /// `NotFound` when `owner` has no task `id`; `VersionMismatch` when
    /// `expected` is stale; `Unavailable` or `Internal` when the store fails.
    async fn delete(
        &self,
        owner: UserId,
        id: TaskId,
        expected: Option<Version>,
    ) -> Result<(), DeleteTaskError>;

    /// A page of the completion history of `owner`'s task `id`, newest
    /// first.
    ///
    /// # Errors
    /// [`ListCompletionsError::NotFound`] when `owner` has no task `id`;
    /// `Unavailable` or `Internal` when the store fails.
    async fn completions(
        &self,
        owner: UserId,
        id: TaskId,
        query: CompletionQuery,
    ) -> Result<CompletionPage, ListCompletionsError>;

    /// Applies `ops` in order, in one transaction, each exactly as its
    /// single-task method would (`Complete`/`Reopen` as
    /// [`TaskRepo::set_completed`] with `Set(true)`/`Set(false)`, `Update`
    /// as [`TaskRepo::patch`], `Move` as [`TaskRepo::move_task`], `Delete`
    /// as [`TaskRepo::delete`], `Restore` as `TrashRepo::restore` of a
    /// task), each seeing the effects of the ones before it. Returns the
    /// resulting tasks in order (for `Delete`, the task as it went to the
    /// trash). All or nothing: when any operation fails, every operation is
    /// still tried (so that all failures are reported), then nothing is
    /// kept.
    ///
    /// # Errors
    /// [`BatchError::Failed`] listing each failed operation by index;
    /// `Unavailable` or `Internal` when the store fails.
    async fn batch(&self, owner: UserId, ops: Vec<BatchOp>) -> Result<Vec<Task>, BatchError>;

    /// Whether the store answers right now; used by the readiness probe.
    ///
    /// # Errors
    /// [`RepoUnavailable`] when it does not.
    async fn ping(&self) -> Result<(), RepoUnavailable>;
}
