//! The trash: deleted tasks (with their subtasks) and lists (with their
//! tasks) are kept for [`TRASH_RETENTION_DAYS`] days, then purged. Each
//! deletion is one [`TrashItem`], named by the id of what was deleted.

use chrono::Duration;
use uuid::Uuid;

use crate::{ListId, ListSummary, PageLimit, Task, TaskId, Timestamp};

/// How long a deleted item stays restorable.
pub const TRASH_RETENTION_DAYS: i64 = 30;

/// The retention as a duration.
pub fn trash_retention() -> Duration {
    Duration::days(TRASH_RETENTION_DAYS)
}

/// What one deletion moved to the trash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrashKind {
    /// A task and its subtasks (at the time of the deletion).
    Task {
        title: String,
        /// The list it was in (it may be gone since).
        list_id: ListId,
        /// Its parent at the time (it may be gone since).
        parent_id: Option<TaskId>,
    },
    /// A list and the tasks it held (those not already in the trash).
    List { name: String },
}

/// One entry of the trash. `id` is the id of the deleted task or list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrashItem {
    pub id: Uuid,
    pub kind: TrashKind,
    /// How many tasks it holds: the task and its subtasks, or the list's
    /// tasks.
    pub task_count: u32,
    pub deleted_at: Timestamp,
}

impl TrashItem {
    /// When the purge will delete it for good.
    pub fn expires_at(&self) -> Timestamp {
        self.deleted_at + trash_retention()
    }
}

/// A keyset bookmark (newest first): the next page starts strictly after
/// the item `after`, deleted at `deleted_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrashCursor {
    pub deleted_at: Timestamp,
    pub after: Uuid,
}

impl TrashCursor {
    pub fn after(last: &TrashItem) -> Self {
        Self {
            deleted_at: last.deleted_at,
            after: last.id,
        }
    }
}

/// One request for a page of the trash, newest first (by `deleted_at`,
/// then id, both descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrashQuery {
    pub limit: PageLimit,
    pub cursor: Option<TrashCursor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrashPage {
    pub items: Vec<TrashItem>,
    pub has_more: bool,
}

/// What a restore brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restored {
    /// The task (its subtasks came back with it), where it landed: its own
    /// list and place, or the Inbox when its list is gone, or the top
    /// level when its parent is gone.
    Task(Box<Task>),
    /// The list, with the tasks deleted with it.
    List(Box<ListSummary>),
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn items_expire_after_the_retention() {
        let item = TrashItem {
            id: Uuid::now_v7(),
            kind: TrashKind::List {
                name: "Errands".into(),
            },
            task_count: 3,
            deleted_at: Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap(),
        };
        assert_eq!(
            item.expires_at(),
            Utc.with_ymd_and_hms(2026, 1, 31, 12, 0, 0).unwrap()
        );
        let cursor = TrashCursor::after(&item);
        assert_eq!(cursor.after, item.id);
    }
}
