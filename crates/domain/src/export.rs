//! What an export holds, besides the lists and labels themselves (exported
//! as [`crate::List`] and [`crate::Label`]): tasks and completions without
//! the system's bookkeeping (owner, version, counts), as a re-import needs
//! them.

use crate::{
    Description, LabelId, ListId, Position, Priority, Recurrence, RecurrenceBasis, TaskId,
    Timestamp, Title,
};

/// One task as exported: its place (list, parent, position), its content
/// and labels, and its timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedTask {
    pub id: TaskId,
    pub list_id: ListId,
    pub parent_id: Option<TaskId>,
    pub position: Position,
    pub title: Title,
    pub description: Option<Description>,
    pub priority: Priority,
    pub due_at: Option<Timestamp>,
    pub due_all_day: bool,
    pub recurrence: Option<Recurrence>,
    pub recurrence_basis: RecurrenceBasis,
    pub completed: bool,
    /// Ascending ids.
    pub labels: Vec<LabelId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One completed occurrence of a recurring task, as exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportedCompletion {
    pub task_id: TaskId,
    pub completed_at: Timestamp,
    /// The occurrence completed.
    pub due_at: Timestamp,
    /// Where the completion moved the task; `None` when it completed for
    /// good.
    pub next_due_at: Option<Timestamp>,
}

/// How deep a task sits: 1 for a top-level task, up to
/// [`crate::limits::MAX_DEPTH`]. An export reads the tasks level by level,
/// so that every parent comes before its subtasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Depth(u8);

impl Depth {
    pub const TOP: Depth = Depth(1);

    /// Every level from the top down.
    pub fn all() -> impl Iterator<Item = Depth> {
        // MAX_DEPTH is a small constant (4); the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let max = crate::limits::MAX_DEPTH as u8;
        (1..=max).map(Depth)
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depths_run_from_the_top_to_the_limit() {
        let all: Vec<u8> = Depth::all().map(Depth::get).collect();
        assert_eq!(all.first(), Some(&1));
        assert_eq!(all.len(), crate::limits::MAX_DEPTH);
        assert_eq!(Depth::TOP.get(), 1);
    }
}
