//! Rows of `tasks` as diesel reads and writes them, and their translation to
//! and from the domain. Values read back go through the domain's parsers:
//! a row that no longer satisfies them is reported, never trusted.
//!
//! A task is read with its label ids and its subtask counts in the same
//! statement ([`full_task!`]): two correlated subqueries, each one probe of
//! an index, per row of the page.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    Description, LabelId, ListId, Position, Priority, Recurrence, RecurrenceBasis, SubtaskCounts,
    Task, TaskFields, TaskId, TaskLabels, TaskPatch, Title, UserId, Version,
};
use uuid::Uuid;

use crate::schema::tasks;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = tasks, check_for_backend(diesel::pg::Pg))]
pub(crate) struct TaskRow {
    id: Uuid,
    user_id: Uuid,
    title: String,
    description: Option<String>,
    completed: bool,
    priority: i16,
    due_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    list_id: Uuid,
    parent_id: Option<Uuid>,
    position: String,
    due_all_day: bool,
    recurrence: Option<String>,
    recurrence_basis: String,
    next_due_at: Option<DateTime<Utc>>,
}

impl TaskRow {
    /// The columns a recurring write starts from.
    pub(crate) fn schedule(&self) -> Result<Schedule, CorruptRow> {
        let corrupt = |column: &'static str| {
            let id = self.id;
            move |e: &dyn std::fmt::Display| CorruptRow::new("task", id, column, e)
        };
        Ok(Schedule {
            due_at: self.due_at,
            all_day: self.due_all_day,
            recurrence: self
                .recurrence
                .as_deref()
                .map(Recurrence::parse)
                .transpose()
                .map_err(|e| corrupt("recurrence")(&e))?,
            basis: RecurrenceBasis::parse(&self.recurrence_basis)
                .map_err(|e| corrupt("recurrence_basis")(&e))?,
        })
    }

    pub(crate) const fn id(&self) -> Uuid {
        self.id
    }

    pub(crate) const fn next_due_at(&self) -> Option<DateTime<Utc>> {
        self.next_due_at
    }
}

/// What decides a task's occurrences: its due date, whether it is all-day,
/// its rule and basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Schedule {
    pub(crate) due_at: Option<DateTime<Utc>>,
    pub(crate) all_day: bool,
    pub(crate) recurrence: Option<Recurrence>,
    pub(crate) basis: RecurrenceBasis,
}

impl Schedule {
    pub(crate) fn of(fields: &TaskFields) -> Self {
        Self {
            due_at: fields.due_at,
            all_day: fields.due_all_day,
            recurrence: fields.recurrence.clone(),
            basis: fields.recurrence_basis,
        }
    }
}

/// The label ids of the task in the enclosing statement, sorted (as
/// [`TaskLabels`] holds them): an index-only scan of `task_labels`' key.
pub(crate) const LABEL_IDS: &str = "ARRAY(SELECT task_labels.label_id FROM task_labels \
     WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id \
     ORDER BY task_labels.label_id)";

/// `[total, completed]` of the direct subtasks of the task in the enclosing
/// statement: one scan of the siblings' index under it.
pub(crate) const SUBTASK_COUNTS: &str = "(SELECT ARRAY[count(*), count(*) FILTER (WHERE sub.completed)] \
     FROM tasks AS sub WHERE sub.user_id = tasks.user_id AND sub.list_id = tasks.list_id \
     AND sub.parent_id = tasks.id)";

/// A task row with its label ids and subtask counts.
pub(crate) type FullTaskRow = (TaskRow, Vec<Uuid>, Vec<i64>);

/// The SQL type [`full_task!`] selects.
pub(crate) type FullTaskSql = (
    diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<TaskRow, diesel::pg::Pg>>,
    diesel::sql_types::Array<diesel::sql_types::Uuid>,
    diesel::sql_types::Array<diesel::sql_types::BigInt>,
);

/// The select (or returning) clause of a [`FullTaskRow`]. A macro because
/// the expression's type is unnameable.
macro_rules! full_task {
    () => {
        (
            $crate::rows::TaskRow::as_select(),
            diesel::dsl::sql::<diesel::sql_types::Array<diesel::sql_types::Uuid>>(
                $crate::rows::LABEL_IDS,
            ),
            diesel::dsl::sql::<diesel::sql_types::Array<diesel::sql_types::BigInt>>(
                $crate::rows::SUBTASK_COUNTS,
            ),
        )
    };
}
pub(crate) use full_task;

/// A stored row that the domain rejects. Names the row and the column, not
/// the content (which is user data).
#[derive(Debug, thiserror::Error)]
#[error("stored {table} {id} has an invalid {column}: {reason}")]
pub(crate) struct CorruptRow {
    table: &'static str,
    id: Uuid,
    column: &'static str,
    reason: String,
}

impl CorruptRow {
    pub(crate) fn new(
        table: &'static str,
        id: Uuid,
        column: &'static str,
        reason: &dyn std::fmt::Display,
    ) -> Self {
        Self {
            table,
            id,
            column,
            reason: reason.to_string(),
        }
    }
}

/// A stored task from its row, labels and counts, through the domain's
/// parsers.
pub(crate) fn task_from((row, labels, counts): FullTaskRow) -> Result<Task, CorruptRow> {
    {
        let id = row.id;
        let corrupt = |column: &'static str| {
            move |e: &dyn std::fmt::Display| CorruptRow::new("task", id, column, e)
        };
        let title = Title::parse(&row.title).map_err(|e| corrupt("title")(&e))?;
        let description = row
            .description
            .as_deref()
            .map(Description::parse)
            .transpose()
            .map_err(|e| corrupt("description")(&e))?;
        let priority = Priority::from_rank(row.priority).map_err(|e| corrupt("priority")(&e))?;
        if row.version < Version::INITIAL.get() {
            return Err(corrupt("version")(&"must be at least 1"));
        }
        let position = Position::parse(&row.position).map_err(|e| corrupt("position")(&e))?;
        let recurrence = row
            .recurrence
            .as_deref()
            .map(Recurrence::parse)
            .transpose()
            .map_err(|e| corrupt("recurrence")(&e))?;
        let recurrence_basis = RecurrenceBasis::parse(&row.recurrence_basis)
            .map_err(|e| corrupt("recurrence_basis")(&e))?;
        let labels = TaskLabels::new(labels.into_iter().map(LabelId::from_uuid).collect())
            .map_err(|e| corrupt("labels")(&e))?;
        let count = |i: usize| {
            counts
                .get(i)
                .and_then(|n| u32::try_from(*n).ok())
                .ok_or_else(|| corrupt("subtask counts")(&"must be two counts"))
        };
        let subtasks = SubtaskCounts {
            total: count(0)?,
            completed: count(1)?,
        };
        Ok(Task {
            id: TaskId::from_uuid(row.id),
            owner: UserId::from_uuid(row.user_id),
            fields: TaskFields {
                title,
                description,
                priority,
                due_at: row.due_at,
                due_all_day: row.due_all_day,
                recurrence,
                recurrence_basis,
                completed: row.completed,
                labels,
            },
            list_id: ListId::from_uuid(row.list_id),
            parent_id: row.parent_id.map(TaskId::from_uuid),
            position,
            subtasks,
            next_due_at: row.next_due_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: Version::new(row.version),
        })
    }
}

/// A task to insert; timestamps and the version come from column defaults.
#[derive(Debug, Insertable)]
#[diesel(table_name = tasks)]
pub(crate) struct NewTaskRow<'a> {
    id: Uuid,
    user_id: Uuid,
    title: &'a str,
    description: Option<&'a str>,
    completed: bool,
    priority: i16,
    due_at: Option<DateTime<Utc>>,
    due_all_day: bool,
    recurrence: Option<&'a str>,
    recurrence_basis: &'static str,
    next_due_at: Option<DateTime<Utc>>,
    list_id: Uuid,
    parent_id: Option<Uuid>,
    position: &'a str,
}

impl<'a> NewTaskRow<'a> {
    pub(crate) fn new(
        id: TaskId,
        owner: UserId,
        fields: &'a TaskFields,
        list_id: Uuid,
        parent_id: Option<Uuid>,
        position: &'a Position,
        next_due_at: Option<DateTime<Utc>>,
    ) -> Self {
        Self {
            id: id.into(),
            user_id: owner.into(),
            title: fields.title.as_str(),
            description: fields.description.as_ref().map(Description::as_str),
            completed: fields.completed,
            priority: fields.priority.rank(),
            due_at: fields.due_at,
            due_all_day: fields.due_all_day,
            recurrence: fields.recurrence.as_ref().map(Recurrence::as_str),
            recurrence_basis: fields.recurrence_basis.as_str(),
            next_due_at,
            list_id,
            parent_id,
            position: position.as_str(),
        }
    }
}

/// The editable columns to change. `None` leaves a column alone; for the
/// nullable ones, `Some(None)` sets NULL (diesel's rule for nested options).
#[derive(Debug, AsChangeset)]
#[diesel(table_name = tasks)]
pub(crate) struct TaskChanges<'a> {
    title: Option<&'a str>,
    description: Option<Option<&'a str>>,
    completed: Option<bool>,
    priority: Option<i16>,
    due_at: Option<Option<DateTime<Utc>>>,
    due_all_day: Option<bool>,
    recurrence: Option<Option<&'a str>>,
    recurrence_basis: Option<&'static str>,
    next_due_at: Option<Option<DateTime<Utc>>>,
}

impl<'a> TaskChanges<'a> {
    /// Every editable column (a replacement).
    pub(crate) fn replacing(fields: &'a TaskFields) -> Self {
        Self {
            title: Some(fields.title.as_str()),
            description: Some(fields.description.as_ref().map(Description::as_str)),
            completed: Some(fields.completed),
            priority: Some(fields.priority.rank()),
            due_at: Some(fields.due_at),
            due_all_day: Some(fields.due_all_day),
            recurrence: Some(fields.recurrence.as_ref().map(Recurrence::as_str)),
            recurrence_basis: Some(fields.recurrence_basis.as_str()),
            next_due_at: None,
        }
    }

    /// Also sets `next_due_at` (computed for the result of the write).
    #[must_use]
    pub(crate) fn with_next_due(mut self, next_due_at: Option<DateTime<Utc>>) -> Self {
        self.next_due_at = Some(next_due_at);
        self
    }

    /// Whether no column is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.description.is_none()
            && self.completed.is_none()
            && self.priority.is_none()
            && self.due_at.is_none()
            && self.due_all_day.is_none()
            && self.recurrence.is_none()
            && self.recurrence_basis.is_none()
            && self.next_due_at.is_none()
    }

    /// Only the columns the patch mentions (labels and the location are
    /// written separately).
    pub(crate) fn patching(patch: &'a TaskPatch) -> Self {
        Self {
            title: patch.title.as_ref().map(Title::as_str),
            description: patch
                .description
                .as_ref()
                .map(|d| d.as_ref().map(Description::as_str)),
            completed: patch.completed,
            priority: patch.priority.map(Priority::rank),
            due_at: patch.due_at,
            due_all_day: patch.due_all_day,
            recurrence: patch
                .recurrence
                .as_ref()
                .map(|r| r.as_ref().map(Recurrence::as_str)),
            recurrence_basis: patch.recurrence_basis.map(RecurrenceBasis::as_str),
            // A patch that ends the recurrence clears it in the same
            // statement; one that changes the schedule otherwise has it
            // computed (`with_next_due`).
            next_due_at: matches!(patch.recurrence, Some(None)).then_some(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> TaskRow {
        let now = Utc::now();
        TaskRow {
            id: Uuid::now_v7(),
            user_id: Uuid::new_v4(),
            title: "Write report".into(),
            description: Some("quarterly".into()),
            completed: false,
            priority: 2,
            due_at: None,
            created_at: now,
            updated_at: now,
            version: 3,
            list_id: Uuid::now_v7(),
            parent_id: None,
            position: "a0".into(),
            due_all_day: false,
            recurrence: None,
            recurrence_basis: "due".into(),
            next_due_at: None,
        }
    }

    fn full(row: TaskRow) -> FullTaskRow {
        (
            row,
            vec![Uuid::from_u128(2), Uuid::from_u128(1)],
            vec![3, 1],
        )
    }

    #[test]
    fn a_valid_row_becomes_a_task() {
        let task = task_from(full(row())).unwrap();
        assert_eq!(task.fields.title.as_str(), "Write report");
        assert_eq!(
            task.fields.labels.as_slice(),
            [
                LabelId::from_uuid(Uuid::from_u128(1)),
                LabelId::from_uuid(Uuid::from_u128(2))
            ]
        );
        assert_eq!(
            task.subtasks,
            SubtaskCounts {
                total: 3,
                completed: 1
            }
        );
        assert_eq!(task.fields.priority, Priority::High);
        assert_eq!(task.version, Version::new(3));
    }

    #[test]
    fn corrupt_rows_are_errors_naming_the_column_not_the_content() {
        type Spoil = fn(&mut TaskRow);
        let cases: [(Spoil, &str); 5] = [
            (|r| r.title = "   ".into(), "title"),
            (|r| r.priority = 7, "priority"),
            (|r| r.position = "a".into(), "position"),
            (
                |r| r.description = Some("x\u{0}secret".into()),
                "description",
            ),
            (|r| r.version = 0, "version"),
        ];
        for (spoil, column) in cases {
            let mut r = row();
            spoil(&mut r);
            let err = task_from(full(r)).unwrap_err();
            assert_eq!(err.column, column);
            assert!(!err.to_string().contains("secret"));
        }
    }
}
