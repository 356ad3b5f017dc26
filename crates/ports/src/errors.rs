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
    /// `list_id` names no list of the owner's.
    #[error("the list does not exist")]
    ListNotFound,
    /// `parent_id` names no task of the owner's.
    #[error("the parent task does not exist")]
    ParentNotFound,
    /// `parent_id` and `list_id` disagree: a subtask lives in its parent's
    /// list.
    #[error("the parent task is in another list")]
    ParentInAnotherList,
    /// Below this parent the task would be deeper than
    /// [`domain::limits::MAX_DEPTH`] levels.
    #[error("subtasks nest too deep")]
    TooDeep,
    /// One of `labels` is not one of the owner's labels.
    #[error("a label does not exist")]
    LabelNotFound,
    /// The destination list holds [`domain::limits::MAX_TASKS_PER_LIST`]
    /// tasks.
    #[error("the number of tasks per list is limited")]
    LimitReached,
    /// A recurring task needs a due date (`recurrence` without `due_at`).
    #[error("a recurring task needs a due date")]
    RecurrenceNeedsDue,
    /// An all-day task needs a due date (`due_all_day` without `due_at`).
    #[error("an all-day task needs a due date")]
    AllDayNeedsDue,
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
    /// `list_id` names no list of the owner's.
    #[error("the list does not exist")]
    ListNotFound,
    /// `parent_id` names no task of the owner's.
    #[error("the parent task does not exist")]
    ParentNotFound,
    /// `parent_id` and `list_id` disagree: a subtask lives in its parent's
    /// list.
    #[error("the parent task is in another list")]
    ParentInAnotherList,
    /// Below this parent the task would be deeper than
    /// [`domain::limits::MAX_DEPTH`] levels.
    #[error("subtasks nest too deep")]
    TooDeep,
    /// One of `labels` is not one of the owner's labels.
    #[error("a label does not exist")]
    LabelNotFound,
    /// The new parent is the task itself or one of its subtasks.
    #[error("a task cannot become its own ancestor")]
    Cycle,
    /// The destination list holds [`domain::limits::MAX_TASKS_PER_LIST`]
    /// tasks.
    #[error("the number of tasks per list is limited")]
    LimitReached,
    /// A recurring task needs a due date (`recurrence` without `due_at`).
    #[error("a recurring task needs a due date")]
    RecurrenceNeedsDue,
    /// An all-day task needs a due date (`due_all_day` without `due_at`).
    #[error("an all-day task needs a due date")]
    AllDayNeedsDue,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum MoveTaskError {
    #[error("task not found")]
    NotFound,
    #[error("task was modified concurrently")]
    VersionMismatch,
    /// `list_id` names no list of the owner's.
    #[error("the list does not exist")]
    ListNotFound,
    /// `parent_id` names no task of the owner's.
    #[error("the parent task does not exist")]
    ParentNotFound,
    /// `parent_id` and `list_id` disagree: a subtask lives in its parent's
    /// list.
    #[error("the parent task is in another list")]
    ParentInAnotherList,
    /// Below this parent the task would be deeper than
    /// [`domain::limits::MAX_DEPTH`] levels.
    #[error("subtasks nest too deep")]
    TooDeep,
    /// The new parent is the task itself or one of its subtasks.
    #[error("a task cannot become its own ancestor")]
    Cycle,
    /// `before` or `after` is not a sibling at the destination (same list,
    /// same parent, another task).
    #[error("the reference task is not a sibling at the destination")]
    AnchorNotFound,
    /// The destination list holds [`domain::limits::MAX_TASKS_PER_LIST`]
    /// tasks.
    #[error("the number of tasks per list is limited")]
    LimitReached,
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

/// Outcomes of reading a task's completion history.
#[derive(Debug, thiserror::Error)]
pub enum ListCompletionsError {
    /// The owner has no such task (someone else's is indistinguishable).
    #[error("task not found")]
    NotFound,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetPreferencesError {
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum PutPreferencesError {
    /// The time zone is unknown to the store's own zone database (the
    /// domain knew it, but PostgreSQL, which normalises all-day dates with
    /// it, does not): the same refusal as an unknown name.
    #[error("unknown time zone")]
    UnknownTimeZone,
    /// The stored preferences are not at the expected version.
    #[error("the preferences changed since the expected version")]
    VersionMismatch,
    /// The owner no longer exists (the account was deleted while a token
    /// issued to it was still valid).
    #[error("the owner does not exist")]
    UnknownOwner,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

/// Outcomes of ensuring a user's Inbox exists.
#[derive(Debug, thiserror::Error)]
pub enum EnsureInboxError {
    #[error("the owner does not exist")]
    UnknownOwner,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListListsError {
    /// The Inbox could not be created: the owner has no account.
    #[error("the owner does not exist")]
    UnknownOwner,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum CreateListError {
    /// The owner already has a list of that name, ignoring case (the Inbox
    /// included).
    #[error("a list with this name already exists")]
    DuplicateName,
    /// The owner has [`domain::limits::MAX_LISTS_PER_USER`] lists.
    #[error("the number of lists per user is limited")]
    LimitReached,
    #[error("the owner does not exist")]
    UnknownOwner,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetListError {
    /// No list with that id belongs to that owner (whether it exists for
    /// someone else is deliberately indistinguishable).
    #[error("list not found")]
    NotFound,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateListError {
    #[error("list not found")]
    NotFound,
    #[error("list was modified concurrently")]
    VersionMismatch,
    #[error("a list with this name already exists")]
    DuplicateName,
    /// The Inbox keeps its name (its colour may change).
    #[error("the Inbox cannot be renamed")]
    InboxRename,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteListError {
    #[error("list not found")]
    NotFound,
    #[error("list was modified concurrently")]
    VersionMismatch,
    #[error("the Inbox cannot be deleted")]
    Inbox,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum MoveListError {
    /// The list to move is not the owner's.
    #[error("list not found")]
    NotFound,
    /// The list named by `before` or `after` is not the owner's.
    #[error("the reference list does not exist")]
    AnchorNotFound,
    /// The Inbox stays first: it cannot move, and nothing goes before it.
    #[error("the Inbox stays in first place")]
    InboxFirst,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListLabelsError {
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum CreateLabelError {
    /// The owner already has a label of that name, ignoring case.
    #[error("a label with this name already exists")]
    DuplicateName,
    /// The owner has [`domain::limits::MAX_LABELS_PER_USER`] labels.
    #[error("the number of labels per user is limited")]
    LimitReached,
    #[error("the owner does not exist")]
    UnknownOwner,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetLabelError {
    #[error("label not found")]
    NotFound,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateLabelError {
    #[error("label not found")]
    NotFound,
    #[error("label was modified concurrently")]
    VersionMismatch,
    #[error("a label with this name already exists")]
    DuplicateName,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteLabelError {
    #[error("label not found")]
    NotFound,
    #[error("label was modified concurrently")]
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

#[derive(Debug, thiserror::Error)]
pub enum ReadChangesError {
    /// The client claims to have seen changes that were never made.
    #[error("since is beyond the latest change ({latest})")]
    AheadOfLog { latest: domain::Seq },
    /// Entries right after `since` were pruned: the client must reload
    /// everything and continue from `latest`.
    #[error("the changes after since are no longer kept")]
    Expired { latest: domain::Seq },
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected change log failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum PruneChangesError {
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected change log failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListTrashError {
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

/// Outcomes of restoring an item of the trash.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// No such item in the owner's trash (someone else's is
    /// indistinguishable).
    #[error("not in the trash")]
    NotFound,
    /// A restored list would have the name of an existing list (ignoring
    /// case).
    #[error("a list with this name already exists")]
    DuplicateName,
    /// The destination list holds [`domain::limits::MAX_TASKS_PER_LIST`]
    /// tasks, or the owner [`domain::limits::MAX_LISTS_PER_USER`] lists.
    #[error("the number of tasks per list or of lists is limited")]
    LimitReached,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteTrashItemError {
    #[error("not in the trash")]
    NotFound,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum EmptyTrashError {
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum PurgeTrashError {
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

/// Why one operation of a batch failed (the batch then changed nothing).
#[derive(Debug, thiserror::Error)]
pub enum BatchOpError {
    #[error(transparent)]
    Update(UpdateTaskError),
    #[error(transparent)]
    Move(MoveTaskError),
    #[error(transparent)]
    Delete(DeleteTaskError),
    #[error(transparent)]
    Restore(RestoreError),
}

/// One failed operation of a batch, by its index in the request.
#[derive(Debug, thiserror::Error)]
#[error("operation {index}: {error}")]
pub struct BatchFailure {
    pub index: usize,
    pub error: BatchOpError,
}

/// Outcomes of a batch.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// One or more operations failed (each listed, in index order); nothing
    /// changed. Never empty.
    #[error("{} operations of the batch failed", .0.len())]
    Failed(Vec<BatchFailure>),
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum IdempotencyError {
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The owner no longer exists.
    #[error("the owner does not exist")]
    UnknownOwner,
    /// The import would exceed a limit: what it is.
    #[error("limit reached: {0}")]
    LimitReached(String),
    /// The plan has [`domain::ImportPlan::problems`]; callers check first.
    #[error("the import plan is inconsistent")]
    Invalid,
    #[error(transparent)]
    Unavailable(#[from] RepoUnavailable),
    #[error("unexpected task store failure")]
    Internal(#[source] BoxError),
}
