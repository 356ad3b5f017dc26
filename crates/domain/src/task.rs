use crate::{Category, Description, Priority, TaskId, Timestamp, Title, UserId};

/// A task's revision counter. Every successful write increments it; clients
/// see it as the task's `ETag` and send it back in `If-Match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(i64);

impl Version {
    pub const INITIAL: Version = Version(1);

    pub const fn new(value: i64) -> Self {
        Self(value)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    #[must_use]
    pub const fn next(self) -> Self {
        Self(self.0.saturating_add(1))
    }
}

/// Everything about a task that its owner may edit. Creating a task and
/// replacing one (PUT) both take a complete set of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFields {
    pub title: Title,
    pub description: Option<Description>,
    pub priority: Priority,
    pub category: Option<Category>,
    pub due_at: Option<Timestamp>,
    pub completed: bool,
}

impl TaskFields {
    /// A pending, medium-priority task with nothing but a title.
    pub fn new(title: Title) -> Self {
        Self {
            title,
            description: None,
            priority: Priority::default(),
            category: None,
            due_at: None,
            completed: false,
        }
    }
}

/// A stored task. The owner and the timestamps are set by the system, never
/// by a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: TaskId,
    pub owner: UserId,
    pub fields: TaskFields,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: Version,
}

/// A partial update. The outer `Option` says whether the field is being
/// changed; for optional fields the inner `Option` is the new value, where
/// `None` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskPatch {
    pub title: Option<Title>,
    pub description: Option<Option<Description>>,
    pub priority: Option<Priority>,
    pub category: Option<Option<Category>>,
    pub due_at: Option<Option<Timestamp>>,
    pub completed: Option<bool>,
}

impl TaskPatch {
    pub fn is_empty(&self) -> bool {
        *self == TaskPatch::default()
    }

    /// The fields after this patch; untouched fields keep their values.
    #[must_use]
    pub fn apply_to(self, current: TaskFields) -> TaskFields {
        TaskFields {
            title: self.title.unwrap_or(current.title),
            description: self.description.unwrap_or(current.description),
            priority: self.priority.unwrap_or(current.priority),
            category: self.category.unwrap_or(current.category),
            due_at: self.due_at.unwrap_or(current.due_at),
            completed: self.completed.unwrap_or(current.completed),
        }
    }
}

/// How `PATCH …/complete` changes a task's completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionChange {
    Toggle,
    Set(bool),
}

impl CompletionChange {
    pub const fn apply_to(self, completed: bool) -> bool {
        match self {
            CompletionChange::Toggle => !completed,
            CompletionChange::Set(value) => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn fields() -> TaskFields {
        TaskFields {
            title: Title::parse("Write report").unwrap(),
            description: Some(Description::parse("quarterly").unwrap()),
            priority: Priority::High,
            category: Some(Category::parse("work").unwrap()),
            due_at: Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()),
            completed: false,
        }
    }

    #[test]
    fn empty_patch_changes_nothing() {
        let patch = TaskPatch::default();
        assert!(patch.is_empty());
        assert_eq!(patch.apply_to(fields()), fields());
    }

    #[test]
    fn patch_changes_only_present_fields_and_null_clears() {
        let patch = TaskPatch {
            title: Some(Title::parse("New title").unwrap()),
            description: Some(None),
            due_at: Some(None),
            ..TaskPatch::default()
        };
        assert!(!patch.is_empty());
        let after = patch.apply_to(fields());
        assert_eq!(after.title.as_str(), "New title");
        assert_eq!(after.description, None);
        assert_eq!(after.due_at, None);
        assert_eq!(after.priority, Priority::High);
        assert_eq!(after.category, fields().category);
        assert!(!after.completed);
    }

    #[test]
    fn new_fields_have_documented_defaults() {
        let f = TaskFields::new(Title::parse("x").unwrap());
        assert_eq!(f.priority, Priority::Medium);
        assert!(!f.completed);
        assert!(f.description.is_none() && f.category.is_none() && f.due_at.is_none());
    }

    #[test]
    fn completion_toggles_or_sets() {
        assert!(CompletionChange::Toggle.apply_to(false));
        assert!(!CompletionChange::Toggle.apply_to(true));
        assert!(CompletionChange::Set(true).apply_to(true));
        assert!(!CompletionChange::Set(false).apply_to(true));
    }

    #[test]
    fn versions_increase() {
        assert_eq!(Version::INITIAL.next().get(), 2);
        assert_eq!(Version::new(i64::MAX).next().get(), i64::MAX);
    }
}
