//! Wire types: the task representation the API sends, and the request
//! bodies as documented in OpenAPI. Requests are parsed by `task_input`
//! (field by field, to report every error); a test keeps the documented
//! request properties identical to the fields that parser accepts.

use chrono::{DateTime, Utc};
use domain::Task;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::timestamp;

/// How urgent a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = Priority)]
pub enum PriorityDto {
    Low,
    Medium,
    High,
}

impl From<domain::Priority> for PriorityDto {
    fn from(p: domain::Priority) -> Self {
        match p {
            domain::Priority::Low => Self::Low,
            domain::Priority::Medium => Self::Medium,
            domain::Priority::High => Self::High,
        }
    }
}

/// A task, as every endpoint returns it. Timestamps are RFC 3339 in UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = Task)]
pub struct TaskDto {
    pub id: Uuid,
    /// The owner: always the authenticated user.
    pub user_id: Uuid,
    /// Trimmed, 1–200 characters, no control characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Up to 4000 characters; no control characters other than line breaks
    /// (`\n`, `\r`) and tabs.
    #[schema(required = true, max_length = 4000)]
    pub description: Option<String>,
    pub completed: bool,
    pub priority: PriorityDto,
    /// The list the task is in.
    pub list_id: Uuid,
    /// The parent task; null for a top-level task.
    #[schema(required = true)]
    pub parent_id: Option<Uuid>,
    /// Its place among its siblings (same list, same parent): an opaque key
    /// that sorts bytewise (`sort=position`).
    pub position: String,
    /// The ids of its labels, sorted.
    pub labels: Vec<Uuid>,
    /// Its direct subtasks.
    pub subtasks: SubtasksDto,
    // Written by `timestamp`, the one text form of an instant on the wire.
    #[schema(required = true)]
    #[serde(serialize_with = "timestamp::serialize_option")]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    pub updated_at: DateTime<Utc>,
}

/// How many direct subtasks a task has, and how many of them are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = Subtasks)]
pub struct SubtasksDto {
    pub total: u32,
    pub completed: u32,
}

impl From<&Task> for TaskDto {
    fn from(task: &Task) -> Self {
        let f = &task.fields;
        Self {
            id: *task.id.as_uuid(),
            user_id: *task.owner.as_uuid(),
            title: f.title.as_str().to_owned(),
            description: f.description.as_ref().map(|d| d.as_str().to_owned()),
            completed: f.completed,
            priority: f.priority.into(),
            list_id: *task.list_id.as_uuid(),
            parent_id: task.parent_id.map(|p| *p.as_uuid()),
            position: task.position.as_str().to_owned(),
            labels: f.labels.as_slice().iter().map(|l| *l.as_uuid()).collect(),
            subtasks: SubtasksDto {
                total: task.subtasks.total,
                completed: task.subtasks.completed,
            },
            due_at: f.due_at,
            created_at: task.created_at,
            updated_at: task.updated_at,
        }
    }
}

/// The body of `POST /api/{user_id}/tasks` and `PUT /api/{user_id}/tasks/{id}`.
/// Every editable field; those omitted take their default (null, `medium`,
/// `false`). Unknown and read-only fields (`id`, `user_id`, `created_at`,
/// `updated_at`) are rejected by name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TaskInput)]
pub struct TaskInputDoc {
    /// Required. Surrounding white space is trimmed; what remains must be
    /// 1–200 characters (Unicode code points, not bytes) with no control
    /// characters. Lengths are measured after trimming.
    #[schema(min_length = 1, max_length = 200, example = "Write the report")]
    pub title: String,
    /// Up to 4000 characters, kept as sent (not trimmed); no control
    /// characters other than `\n`, `\r` and `\t`. `null` or absent: none.
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// Default `medium`; not null.
    #[schema(nullable = false, default = "medium")]
    pub priority: Option<PriorityDto>,
    /// An RFC 3339 date-time with an offset (`Z` or `±hh:mm`), stored in
    /// UTC. `null` or absent: no due date.
    pub due_at: Option<DateTime<Utc>>,
    /// Default `false`; not null.
    #[schema(nullable = false, default = false)]
    pub completed: Option<bool>,
}

/// The body of `PATCH /api/{user_id}/tasks/{id}`: only the fields present
/// change; `null` clears `description` or `due_at`. `title`,
/// `priority` and `completed` cannot be null.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TaskPatch)]
pub struct TaskPatchDoc {
    /// As in `TaskInput`: trimmed, then 1–200 characters, no control
    /// characters. Not null.
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// As in `TaskInput`; `null` clears it.
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// Not null.
    #[schema(nullable = false)]
    pub priority: Option<PriorityDto>,
    /// As in `TaskInput`; `null` clears it.
    pub due_at: Option<DateTime<Utc>>,
    /// Not null.
    #[schema(nullable = false)]
    pub completed: Option<bool>,
}

/// The optional body of `PATCH /api/{user_id}/tasks/{id}/complete`. Without
/// a body (or with `{}`) the task's completion is toggled.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CompletionInput)]
pub struct CompletionDoc {
    #[schema(nullable = false)]
    pub completed: Option<bool>,
}

/// The answer of the health probes.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = ProbeStatus)]
pub struct StatusDto {
    #[schema(example = "ok")]
    pub status: String,
}
