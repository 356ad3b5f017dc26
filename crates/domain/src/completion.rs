//! The completion history of recurring tasks: each time an occurrence is
//! completed, one [`Completion`] records which occurrence and when.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::{PageLimit, TaskId, Timestamp};

/// The id of a completion (UUIDv7, like task ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CompletionId(Uuid);

impl CompletionId {
    pub fn new_v7() -> Self {
        Self(Uuid::now_v7())
    }

    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub const fn as_uuid(&self) -> &Uuid {
        &self.0
    }

    /// Parses the canonical textual form of a UUID.
    ///
    /// # Errors
    /// Fails when `s` is not a UUID.
    pub fn parse(s: &str) -> Result<Self, uuid::Error> {
        Uuid::parse_str(s).map(Self)
    }
}

impl FromStr for CompletionId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for CompletionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl From<CompletionId> for Uuid {
    fn from(id: CompletionId) -> Uuid {
        id.0
    }
}

/// One completed occurrence of a recurring task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Completion {
    pub id: CompletionId,
    pub task_id: TaskId,
    /// When it was completed.
    pub completed_at: Timestamp,
    /// The occurrence it completed (the task's due date at the time).
    pub due_at: Timestamp,
}

/// A keyset-pagination bookmark in a completion history (newest first):
/// the next page starts strictly after the completion `after`, made at
/// `completed_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CompletionCursor {
    pub completed_at: Timestamp,
    pub after: CompletionId,
}

impl CompletionCursor {
    /// The cursor for the page after one that ended with `last`.
    pub const fn after(last: &Completion) -> Self {
        Self {
            completed_at: last.completed_at,
            after: last.id,
        }
    }
}

/// One request for a page of a task's completion history, newest first
/// (by `completed_at`, then id, both descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CompletionQuery {
    pub limit: PageLimit,
    pub cursor: Option<CompletionCursor>,
}

/// A page of completions, newest first. `has_more` says whether a next
/// page exists; its cursor is [`CompletionCursor::after`] the last item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionPage {
    pub completions: Vec<Completion>,
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn the_cursor_follows_the_last_completion() {
        let last = Completion {
            id: CompletionId::new_v7(),
            task_id: TaskId::new_v7(),
            completed_at: Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap(),
            due_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
        };
        let cursor = CompletionCursor::after(&last);
        assert_eq!(cursor.after, last.id);
        assert_eq!(cursor.completed_at, last.completed_at);
        assert_eq!(CompletionQuery::default().limit.get(), 50);
    }

    #[test]
    fn ids_round_trip_through_text() {
        let id = CompletionId::new_v7();
        assert_eq!(id.to_string().parse::<CompletionId>(), Ok(id));
        assert_eq!(id.as_uuid().get_version_num(), 7);
    }
}
