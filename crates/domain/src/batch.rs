//! Bulk edits: up to [`crate::limits::MAX_BATCH_OPERATIONS`] operations on
//! tasks, applied all or nothing.

use crate::{TaskId, TaskMove, TaskPatch, Version};

/// What one operation of a batch does to its task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchAction {
    /// As `PATCH …/complete` with `true` (a recurring task advances).
    Complete,
    /// As `PATCH …/complete` with `false` (undoes a recurring task's last
    /// completion when that is its last change).
    Reopen,
    /// As `PATCH …/tasks/{id}`.
    Update(TaskPatch),
    /// As `POST …/tasks/{id}/move`.
    Move(TaskMove),
    /// As `DELETE …/tasks/{id}`: to the trash, with the subtasks.
    Delete,
    /// As `POST …/trash/{id}/restore` for a task in the trash.
    Restore,
}

impl BatchAction {
    /// The name of the operation on the wire (`op`).
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Reopen => "reopen",
            Self::Update(_) => "update",
            Self::Move(_) => "move",
            Self::Delete => "delete",
            Self::Restore => "restore",
        }
    }
}

/// One operation: `action` on task `id`, only if its version is still
/// `expected` when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOp {
    pub id: TaskId,
    pub expected: Option<Version>,
    pub action: BatchAction,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_named_as_on_the_wire() {
        assert_eq!(BatchAction::Complete.name(), "complete");
        assert_eq!(BatchAction::Update(TaskPatch::default()).name(), "update");
        assert_eq!(BatchAction::Restore.name(), "restore");
    }
}
