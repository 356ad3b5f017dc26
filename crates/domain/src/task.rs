use crate::limits::MAX_LABELS_PER_TASK;
use crate::{
    Description, LabelId, ListId, Placement, Position, Priority, Recurrence, RecurrenceBasis,
    TaskId, Timestamp, Title, UserId,
};

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

/// The labels on a task: distinct ids in ascending order, at most
/// [`MAX_LABELS_PER_TASK`]. Whether each is one of the owner's labels is the
/// store's to check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TaskLabels(Vec<LabelId>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must hold at most {max} distinct labels (got {actual})", max = MAX_LABELS_PER_TASK)]
pub struct TooManyLabels {
    pub actual: usize,
}

impl TaskLabels {
    /// Sorts and de-duplicates `ids`.
    ///
    /// # Errors
    /// [`TooManyLabels`] for more than [`MAX_LABELS_PER_TASK`] distinct ids.
    pub fn new(mut ids: Vec<LabelId>) -> Result<Self, TooManyLabels> {
        ids.sort_unstable();
        ids.dedup();
        if ids.len() > MAX_LABELS_PER_TASK {
            return Err(TooManyLabels { actual: ids.len() });
        }
        Ok(Self(ids))
    }

    pub fn as_slice(&self) -> &[LabelId] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Everything about a task's content that its owner may edit. Creating a
/// task and replacing one (PUT) both take a complete set of these, with a
/// [`TaskLocation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFields {
    pub title: Title,
    pub description: Option<Description>,
    pub priority: Priority,
    pub due_at: Option<Timestamp>,
    /// Due on a date rather than at an instant: `due_at` is stored (and
    /// returned) as 00:00 of its date in the owner's time zone. Needs a
    /// `due_at`.
    pub due_all_day: bool,
    /// The schedule of a recurring task; needs a `due_at`.
    pub recurrence: Option<Recurrence>,
    /// What the next occurrence counts from.
    pub recurrence_basis: RecurrenceBasis,
    pub completed: bool,
    pub labels: TaskLabels,
}

impl TaskFields {
    /// A pending, medium-priority task with nothing but a title.
    pub fn new(title: Title) -> Self {
        Self {
            title,
            description: None,
            priority: Priority::default(),
            due_at: None,
            due_all_day: false,
            recurrence: None,
            recurrence_basis: RecurrenceBasis::Due,
            completed: false,
            labels: TaskLabels::default(),
        }
    }

    /// Whether the task recurs.
    pub const fn is_recurring(&self) -> bool {
        self.recurrence.is_some()
    }
}

/// Where a created or replaced task goes. No list means the parent's list
/// when there is a parent, else the owner's Inbox; no parent means a
/// top-level task. It goes after its last sibling there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaskLocation {
    pub list_id: Option<ListId>,
    pub parent_id: Option<TaskId>,
}

/// How many direct subtasks a task has, and how many of them are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SubtaskCounts {
    pub total: u32,
    pub completed: u32,
}

/// A stored task. The owner, the timestamps, the position and the counts
/// are set by the system, never by a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: TaskId,
    pub owner: UserId,
    pub fields: TaskFields,
    pub list_id: ListId,
    /// `None` for a top-level task.
    pub parent_id: Option<TaskId>,
    /// Its place among its siblings (same list, same parent).
    pub position: Position,
    pub subtasks: SubtaskCounts,
    /// For a recurring task, the occurrence after the current one (`due_at`)
    /// in the owner's time zone; `None` when not recurring or when the rule
    /// has no further occurrence. Computed by the store.
    pub next_due_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: Version,
}

/// One move of a task: to another list, under another parent, to another
/// place among its siblings, or all at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskMove {
    /// `None`: the parent's list when a parent is given, else the task's
    /// current list.
    pub list_id: Option<ListId>,
    /// `None`: the current parent when the list does not change, else the
    /// top level; `Some(None)`: the top level.
    pub parent_id: Option<Option<TaskId>>,
    /// Among the siblings at the destination.
    pub placement: Placement<TaskId>,
}

/// A partial update. The outer `Option` says whether the field is being
/// changed; for optional fields the inner `Option` is the new value, where
/// `None` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskPatch {
    pub title: Option<Title>,
    pub description: Option<Option<Description>>,
    pub priority: Option<Priority>,
    pub due_at: Option<Option<Timestamp>>,
    pub due_all_day: Option<bool>,
    /// `Some(None)` stops the recurrence.
    pub recurrence: Option<Option<Recurrence>>,
    pub recurrence_basis: Option<RecurrenceBasis>,
    pub completed: Option<bool>,
    pub labels: Option<TaskLabels>,
    /// A move to another list (the subtree comes along; the task becomes
    /// top-level there unless `parent_id` says otherwise).
    pub list_id: Option<ListId>,
    /// A new parent; `Some(None)` makes the task top-level.
    pub parent_id: Option<Option<TaskId>>,
}

impl TaskPatch {
    pub fn is_empty(&self) -> bool {
        *self == TaskPatch::default()
    }

    /// Whether the patch changes where the task is (its list or parent).
    pub fn moves(&self) -> bool {
        self.list_id.is_some() || self.parent_id.is_some()
    }

    /// The fields after this patch; untouched fields keep their values.
    #[must_use]
    pub fn apply_to(self, current: TaskFields) -> TaskFields {
        TaskFields {
            title: self.title.unwrap_or(current.title),
            description: self.description.unwrap_or(current.description),
            priority: self.priority.unwrap_or(current.priority),
            due_at: self.due_at.unwrap_or(current.due_at),
            due_all_day: self.due_all_day.unwrap_or(current.due_all_day),
            recurrence: self.recurrence.unwrap_or(current.recurrence),
            recurrence_basis: self.recurrence_basis.unwrap_or(current.recurrence_basis),
            completed: self.completed.unwrap_or(current.completed),
            labels: self.labels.unwrap_or(current.labels),
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
            due_at: Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()),
            due_all_day: false,
            recurrence: None,
            recurrence_basis: RecurrenceBasis::Due,
            completed: false,
            labels: TaskLabels::new(vec![LabelId::from_uuid(uuid::Uuid::from_u128(7))]).unwrap(),
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
        assert_eq!(after.labels, fields().labels);
        assert!(!after.completed);
    }

    #[test]
    fn a_patch_changes_the_schedule_and_can_end_the_recurrence() {
        let daily = crate::Recurrence::parse("FREQ=DAILY").unwrap();
        let patch = TaskPatch {
            due_all_day: Some(true),
            recurrence: Some(Some(daily.clone())),
            recurrence_basis: Some(RecurrenceBasis::Completion),
            ..TaskPatch::default()
        };
        let after = patch.apply_to(fields());
        assert!(after.due_all_day && after.is_recurring());
        assert_eq!(after.recurrence, Some(daily));
        assert_eq!(after.recurrence_basis, RecurrenceBasis::Completion);
        let ended = TaskPatch {
            recurrence: Some(None),
            ..TaskPatch::default()
        }
        .apply_to(after);
        assert!(!ended.is_recurring());
        assert!(ended.due_all_day, "untouched fields stay");
    }

    #[test]
    fn new_fields_have_documented_defaults() {
        let f = TaskFields::new(Title::parse("x").unwrap());
        assert_eq!(f.priority, Priority::Medium);
        assert!(!f.completed);
        assert!(f.description.is_none() && f.labels.is_empty() && f.due_at.is_none());
        assert!(!f.due_all_day && !f.is_recurring());
        assert_eq!(f.recurrence_basis, RecurrenceBasis::Due);
    }

    #[test]
    fn completion_toggles_or_sets() {
        assert!(CompletionChange::Toggle.apply_to(false));
        assert!(!CompletionChange::Toggle.apply_to(true));
        assert!(CompletionChange::Set(true).apply_to(true));
        assert!(!CompletionChange::Set(false).apply_to(true));
    }

    #[test]
    fn labels_are_sorted_distinct_and_bounded() {
        let ids: Vec<_> = (0..21).map(|_| LabelId::new_v7()).collect();
        let mut twice = ids[..20].to_vec();
        twice.extend_from_slice(&ids[..20]);
        twice.reverse();
        let labels = TaskLabels::new(twice).unwrap();
        assert_eq!(labels.as_slice(), &ids[..20]);
        assert_eq!(
            TaskLabels::new(ids.clone()),
            Err(TooManyLabels { actual: 21 })
        );
    }

    #[test]
    fn a_patch_moves_only_when_it_names_a_list_or_parent() {
        assert!(!TaskPatch::default().moves());
        let to_top = TaskPatch {
            parent_id: Some(None),
            ..TaskPatch::default()
        };
        assert!(to_top.moves() && !to_top.is_empty());
    }

    #[test]
    fn versions_increase() {
        assert_eq!(Version::INITIAL.next().get(), 2);
        assert_eq!(Version::new(i64::MAX).next().get(), i64::MAX);
    }
}
