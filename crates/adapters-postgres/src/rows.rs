//! Rows of `tasks` as diesel reads and writes them, and their translation to
//! and from the domain. Values read back go through the domain's parsers:
//! a row that no longer satisfies them is reported, never trusted.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    Category, Description, Position, Priority, Task, TaskFields, TaskId, TaskPatch, Title, UserId,
    Version,
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
    category: Option<String>,
    due_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

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

impl TryFrom<TaskRow> for Task {
    type Error = CorruptRow;

    fn try_from(row: TaskRow) -> Result<Self, Self::Error> {
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
        let category = row
            .category
            .as_deref()
            .map(Category::parse)
            .transpose()
            .map_err(|e| corrupt("category")(&e))?;
        if row.version < Version::INITIAL.get() {
            return Err(corrupt("version")(&"must be at least 1"));
        }
        Ok(Task {
            id: TaskId::from_uuid(row.id),
            owner: UserId::from_uuid(row.user_id),
            fields: TaskFields {
                title,
                description,
                priority,
                category,
                due_at: row.due_at,
                completed: row.completed,
            },
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
    category: Option<&'a str>,
    due_at: Option<DateTime<Utc>>,
    list_id: Uuid,
    position: &'a str,
}

impl<'a> NewTaskRow<'a> {
    pub(crate) fn new(
        id: TaskId,
        owner: UserId,
        fields: &'a TaskFields,
        list_id: Uuid,
        position: &'a Position,
    ) -> Self {
        Self {
            id: id.into(),
            user_id: owner.into(),
            title: fields.title.as_str(),
            description: fields.description.as_ref().map(Description::as_str),
            completed: fields.completed,
            priority: fields.priority.rank(),
            category: fields.category.as_ref().map(Category::as_str),
            due_at: fields.due_at,
            list_id,
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
    category: Option<Option<&'a str>>,
    due_at: Option<Option<DateTime<Utc>>>,
}

impl<'a> TaskChanges<'a> {
    /// Every editable column (a replacement).
    pub(crate) fn replacing(fields: &'a TaskFields) -> Self {
        Self {
            title: Some(fields.title.as_str()),
            description: Some(fields.description.as_ref().map(Description::as_str)),
            completed: Some(fields.completed),
            priority: Some(fields.priority.rank()),
            category: Some(fields.category.as_ref().map(Category::as_str)),
            due_at: Some(fields.due_at),
        }
    }

    /// Only the columns the patch mentions.
    pub(crate) fn patching(patch: &'a TaskPatch) -> Self {
        Self {
            title: patch.title.as_ref().map(Title::as_str),
            description: patch
                .description
                .as_ref()
                .map(|d| d.as_ref().map(Description::as_str)),
            completed: patch.completed,
            priority: patch.priority.map(Priority::rank),
            category: patch
                .category
                .as_ref()
                .map(|c| c.as_ref().map(Category::as_str)),
            due_at: patch.due_at,
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
            category: Some("work".into()),
            due_at: None,
            created_at: now,
            updated_at: now,
            version: 3,
        }
    }

    #[test]
    fn a_valid_row_becomes_a_task() {
        let task = Task::try_from(row()).unwrap();
        assert_eq!(task.fields.title.as_str(), "Write report");
        assert_eq!(task.fields.priority, Priority::High);
        assert_eq!(task.version, Version::new(3));
    }

    #[test]
    fn corrupt_rows_are_errors_naming_the_column_not_the_content() {
        type Spoil = fn(&mut TaskRow);
        let cases: [(Spoil, &str); 5] = [
            (|r| r.title = "   ".into(), "title"),
            (|r| r.priority = 7, "priority"),
            (|r| r.category = Some(String::new()), "category"),
            (
                |r| r.description = Some("x\u{0}secret".into()),
                "description",
            ),
            (|r| r.version = 0, "version"),
        ];
        for (spoil, column) in cases {
            let mut r = row();
            spoil(&mut r);
            let err = Task::try_from(r).unwrap_err();
            assert_eq!(err.column, column);
            assert!(!err.to_string().contains("secret"));
        }
    }
}
