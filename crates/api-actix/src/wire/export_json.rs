//! The JSON export document (`GET …/export?format=json`), version 1: its
//! members as serde types (also read back by `import_json`) and the pieces
//! the streaming response is written from. The document is written in
//! parts (head, one chunk per page of tasks or completions, tail) so that
//! no more than one page is ever held in memory.

use domain::{ExportedCompletion, ExportedTask, Label, List, Preferences, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::wire::preferences::PreferencesDto;
use crate::wire::timestamp;

/// The value of the document's `format` member.
pub const FORMAT: &str = "todo-api-export";
/// The only version this API writes and reads.
pub const VERSION: u32 = 1;

/// A list in an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ExportList)]
pub struct ExportListDto {
    pub id: Uuid,
    pub name: String,
    pub color: String,
    pub position: String,
    pub is_inbox: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// A label in an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ExportLabel)]
pub struct ExportLabelDto {
    pub id: Uuid,
    pub name: String,
    pub color: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A task in an export; parents come before their subtasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ExportTask)]
pub struct ExportTaskDto {
    pub id: Uuid,
    pub list_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub position: String,
    pub title: String,
    pub description: Option<String>,
    /// `low`, `medium` or `high`.
    pub priority: String,
    pub due_at: Option<String>,
    pub due_all_day: bool,
    pub recurrence: Option<String>,
    /// `due` or `completion`.
    pub recurrence_basis: String,
    pub completed: bool,
    /// Ids of labels in the document's `labels`.
    pub labels: Vec<Uuid>,
    pub created_at: String,
    pub updated_at: String,
}

/// One completion of a recurring task in an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ExportCompletion)]
pub struct ExportCompletionDto {
    pub task_id: Uuid,
    pub completed_at: String,
    pub due_at: String,
    pub next_due_at: Option<String>,
}

/// The whole JSON export (`format` `todo-api-export`, `version` 1), as
/// `POST …/import` reads it back. The trash is not exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ExportDocument)]
pub struct ExportDocument {
    #[schema(example = "todo-api-export")]
    pub format: String,
    #[schema(example = 1)]
    pub version: u32,
    pub exported_at: Option<String>,
    pub preferences: Option<PreferencesDto>,
    #[serde(default)]
    pub lists: Vec<ExportListDto>,
    #[serde(default)]
    pub labels: Vec<ExportLabelDto>,
    #[serde(default)]
    pub tasks: Vec<ExportTaskDto>,
    #[serde(default)]
    pub completions: Vec<ExportCompletionDto>,
}

impl From<&List> for ExportListDto {
    fn from(list: &List) -> Self {
        Self {
            id: list.id.into(),
            name: list.name.as_str().to_owned(),
            color: list.color.as_str().to_owned(),
            position: list.position.as_str().to_owned(),
            is_inbox: list.is_inbox,
            created_at: timestamp::format(&list.created_at),
            updated_at: timestamp::format(&list.updated_at),
        }
    }
}

impl From<&Label> for ExportLabelDto {
    fn from(label: &Label) -> Self {
        Self {
            id: label.id.into(),
            name: label.name.as_str().to_owned(),
            color: label.color.as_str().to_owned(),
            created_at: timestamp::format(&label.created_at),
            updated_at: timestamp::format(&label.updated_at),
        }
    }
}

impl From<&ExportedTask> for ExportTaskDto {
    fn from(task: &ExportedTask) -> Self {
        Self {
            id: task.id.into(),
            list_id: task.list_id.into(),
            parent_id: task.parent_id.map(Into::into),
            position: task.position.as_str().to_owned(),
            title: task.title.as_str().to_owned(),
            description: task.description.as_ref().map(|d| d.as_str().to_owned()),
            priority: task.priority.as_str().to_owned(),
            due_at: task.due_at.as_ref().map(timestamp::format),
            due_all_day: task.due_all_day,
            recurrence: task.recurrence.as_ref().map(|r| r.as_str().to_owned()),
            recurrence_basis: task.recurrence_basis.as_str().to_owned(),
            completed: task.completed,
            labels: task.labels.iter().map(|&l| l.into()).collect(),
            created_at: timestamp::format(&task.created_at),
            updated_at: timestamp::format(&task.updated_at),
        }
    }
}

impl From<&ExportedCompletion> for ExportCompletionDto {
    fn from(c: &ExportedCompletion) -> Self {
        Self {
            task_id: c.task_id.into(),
            completed_at: timestamp::format(&c.completed_at),
            due_at: timestamp::format(&c.due_at),
            next_due_at: c.next_due_at.as_ref().map(timestamp::format),
        }
    }
}

/// The document up to the opening bracket of `tasks`.
///
/// # Errors
/// Only serde_json's own (never for these types).
pub fn head(
    exported_at: Timestamp,
    preferences: &Preferences,
    lists: &[List],
    labels: &[Label],
) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(br#"{"format":""#);
    out.extend_from_slice(FORMAT.as_bytes());
    out.extend_from_slice(br#"","version":"#);
    out.extend_from_slice(VERSION.to_string().as_bytes());
    out.extend_from_slice(br#","exported_at":"#);
    serde_json::to_writer(&mut out, &timestamp::format(&exported_at))?;
    out.extend_from_slice(br#","preferences":"#);
    serde_json::to_writer(&mut out, &PreferencesDto::from(preferences))?;
    out.extend_from_slice(br#","lists":"#);
    let lists: Vec<ExportListDto> = lists.iter().map(Into::into).collect();
    serde_json::to_writer(&mut out, &lists)?;
    out.extend_from_slice(br#","labels":"#);
    let labels: Vec<ExportLabelDto> = labels.iter().map(Into::into).collect();
    serde_json::to_writer(&mut out, &labels)?;
    out.extend_from_slice(br#","tasks":["#);
    Ok(out)
}

/// Array elements, each preceded by a comma unless it is the array's
/// first (`first` says whether anything was written into it yet).
///
/// # Errors
/// Only serde_json's own.
pub fn elements<T: Serialize>(items: &[T], first: bool) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(items.len() * 400);
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !first {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, item)?;
    }
    Ok(out)
}

/// Closes `tasks` and opens `completions`.
pub const BETWEEN: &[u8] = br#"],"completions":["#;
/// Closes `completions` and the document.
pub const TAIL: &[u8] = b"]}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_make_one_document_that_reads_back() {
        let at = timestamp::parse("2030-01-31T09:00:00Z").expect("time");
        let mut doc = head(at, &Preferences::default(), &[], &[]).expect("head");
        let task = ExportCompletionDto {
            task_id: Uuid::nil(),
            completed_at: "2030-01-31T09:00:00Z".into(),
            due_at: "2030-01-31T09:00:00Z".into(),
            next_due_at: None,
        };
        doc.extend_from_slice(BETWEEN);
        doc.extend(elements(std::slice::from_ref(&task), true).expect("first"));
        doc.extend(elements(&[task], false).expect("more"));
        doc.extend_from_slice(TAIL);
        let read: ExportDocument = serde_json::from_slice(&doc).expect("valid JSON");
        assert_eq!(read.format, FORMAT);
        assert_eq!(read.version, 1);
        assert_eq!(read.completions.len(), 2);
        assert!(read.tasks.is_empty());
    }
}
