//! Wire types: the task representation the API sends, and the request
//! bodies as documented in OpenAPI. Requests are parsed by `task_input`
//! (field by field, to report every error); a test keeps the documented
//! request properties identical to the fields that parser accepts.

use chrono::{DateTime, Utc};
use domain::{SubtaskCounts, Task};
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

/// What the next due date of a recurring task counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = RecurrenceBasis)]
pub enum RecurrenceBasisDto {
    /// The schedule: the next occurrence after the current due date,
    /// however late the task is completed ("every").
    Due,
    /// The completion: the schedule starts again from the day the task was
    /// completed, at the due date's time of day ("every!").
    Completion,
}

impl From<domain::RecurrenceBasis> for RecurrenceBasisDto {
    fn from(basis: domain::RecurrenceBasis) -> Self {
        match basis {
            domain::RecurrenceBasis::Due => Self::Due,
            domain::RecurrenceBasis::Completion => Self::Completion,
        }
    }
}

/// How many direct subtasks a task has, and how many of them are
/// completed (subtasks of subtasks count under their own parent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = SubtaskCounts)]
pub struct SubtaskCountsDto {
    pub total: u32,
    pub completed: u32,
}

impl From<SubtaskCounts> for SubtaskCountsDto {
    fn from(counts: SubtaskCounts) -> Self {
        Self {
            total: counts.total,
            completed: counts.completed,
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
    /// The list the task is in; a subtask is always in its parent's list.
    pub list_id: Uuid,
    /// The parent task, or null for a top-level task.
    #[schema(required = true)]
    pub parent_id: Option<Uuid>,
    /// The task's place among its siblings (same list, same parent): sort
    /// siblings by comparing these keys character by character (ASCII
    /// order, as `<` on strings does in JavaScript), not as numbers. Opaque
    /// otherwise: it changes when the task or its siblings move.
    pub position: String,
    /// Trimmed, 1–200 characters, no control characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Up to 4000 characters; no control characters other than line breaks
    /// (`\n`, `\r`) and tabs.
    #[schema(required = true, max_length = 4000)]
    pub description: Option<String>,
    pub completed: bool,
    pub priority: PriorityDto,
    /// The ids of the task's labels, in ascending order, at most 20.
    #[schema(max_items = 20)]
    pub labels: Vec<Uuid>,
    pub subtasks: SubtaskCountsDto,
    /// When the task is due, or null. For an all-day task, 00:00 of its
    /// date in the user's time zone.
    // Written by `timestamp`, the one text form of an instant on the wire.
    #[schema(required = true)]
    #[serde(serialize_with = "timestamp::serialize_option")]
    pub due_at: Option<DateTime<Utc>>,
    /// `true`: the task is due on a calendar date rather than at an
    /// instant; `due_at` is 00:00 of that date in the user's time zone
    /// (and moves with the zone when the user changes it).
    pub due_all_day: bool,
    /// An RFC 5545 RRULE value without `RRULE:` (canonical upper case),
    /// e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH`; null for a task that does
    /// not recur.
    #[schema(required = true, max_length = 500)]
    pub recurrence: Option<String>,
    pub recurrence_basis: RecurrenceBasisDto,
    /// The occurrence after the current one (`due_at`), computed in the
    /// user's time zone; null when the task does not recur or its rule
    /// has no further occurrence (COUNT or UNTIL reached).
    #[schema(required = true)]
    #[serde(serialize_with = "timestamp::serialize_option")]
    pub next_due_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<&Task> for TaskDto {
    fn from(task: &Task) -> Self {
        let f = &task.fields;
        Self {
            id: *task.id.as_uuid(),
            user_id: *task.owner.as_uuid(),
            list_id: *task.list_id.as_uuid(),
            parent_id: task.parent_id.map(Uuid::from),
            position: task.position.as_str().to_owned(),
            title: f.title.as_str().to_owned(),
            description: f.description.as_ref().map(|d| d.as_str().to_owned()),
            completed: f.completed,
            priority: f.priority.into(),
            labels: f.labels.as_slice().iter().map(|l| *l.as_uuid()).collect(),
            subtasks: task.subtasks.into(),
            due_at: f.due_at,
            due_all_day: f.due_all_day,
            recurrence: f.recurrence.as_ref().map(|r| r.as_str().to_owned()),
            recurrence_basis: f.recurrence_basis.into(),
            next_due_at: task.next_due_at,
            created_at: task.created_at,
            updated_at: task.updated_at,
        }
    }
}

/// The body of `POST /api/{user_id}/tasks` and `PUT /api/{user_id}/tasks/{id}`.
/// Every editable field; those omitted take their default (null, `medium`,
/// `false`, `due`, no labels, the Inbox). Unknown and read-only fields
/// (`id`, `user_id`, `position`, `subtasks`, `next_due_at`, `created_at`,
/// `updated_at`) are rejected by name, and so is `category`, which labels
/// replaced in 0.2.0.
///
/// A list, parent or label that does not exist or is someone else's is 422
/// naming the field, whichever it is. On PUT, where the task is counts as a
/// field too: a `list_id` or `parent_id` other than the task's moves it
/// (with its subtasks) to the end of its new siblings, and omitting them
/// means the Inbox and the top level, as on a create.
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
    /// UTC. `null` or absent: no due date. With `due_all_day`, any instant
    /// on the intended date (read in the user's time zone) will do.
    pub due_at: Option<DateTime<Utc>>,
    /// Default `false`; not null. `true`: due on the date `due_at` falls on
    /// in the user's time zone, stored and returned as 00:00 of that date
    /// there. Needs a `due_at` (422 naming `due_all_day` otherwise).
    #[schema(nullable = false, default = false)]
    pub due_all_day: Option<bool>,
    /// An RFC 5545 RRULE value, e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH`
    /// (a leading `RRULE:` is dropped; names and values are
    /// case-insensitive and returned in upper case), at most 500
    /// characters. Supported: `FREQ` (`DAILY`, `WEEKLY`, `MONTHLY`,
    /// `YEARLY`; required) with `INTERVAL` (1–1000), `BYDAY`,
    /// `BYMONTHDAY`, `BYMONTH`, `BYSETPOS`, and either `COUNT` (1–10000
    /// occurrences in all, the first due date included: each completion
    /// uses one) or
    /// `UNTIL` (a date, a floating date-time read in the user's zone, or a
    /// UTC date-time ending in `Z`), each at most once. Anything else
    /// (other parts such as `BYHOUR` or `WKST`, `DTSTART`, several lines,
    /// a rule that never occurs) is 422 naming `recurrence`. The time of
    /// day comes from `due_at`, and a recurring task needs one (422 naming
    /// `recurrence` otherwise). `null` or absent: not recurring.
    #[schema(max_length = 500, example = "FREQ=WEEKLY;BYDAY=MO,TH")]
    pub recurrence: Option<String>,
    /// Default `due`; not null. What the next due date counts from when an
    /// occurrence is completed: `due`, the schedule (the next occurrence
    /// after the current due date, however late it is done); `completion`,
    /// the day it was done (the schedule restarts there, at the due date's
    /// time of day). Anything else is 422 naming `recurrence_basis`.
    #[schema(nullable = false, default = "due")]
    pub recurrence_basis: Option<RecurrenceBasisDto>,
    /// Default `false`; not null. `true` completes the task's open
    /// subtasks too (on PUT).
    #[schema(nullable = false, default = false)]
    pub completed: Option<bool>,
    /// One of the caller's lists. Absent: the parent's list when
    /// `parent_id` is given, else the caller's Inbox (created if needed).
    /// Not null. A list holds at most 10,000 tasks (409 past that).
    #[schema(nullable = false)]
    pub list_id: Option<Uuid>,
    /// One of the caller's tasks, in the same list (when `list_id` is
    /// given too), to make this one its subtask. At most 4 levels: a
    /// top-level task and three levels of subtasks below it; a fifth is
    /// 422. `null` or absent: a top-level task.
    pub parent_id: Option<Uuid>,
    /// Ids of the caller's labels, at most 20, none twice. Absent: none.
    /// Not null.
    #[schema(nullable = false, max_items = 20)]
    pub labels: Option<Vec<Uuid>>,
}

/// The body of `PATCH /api/{user_id}/tasks/{id}`: only the fields present
/// change; `null` clears `description`, `due_at` or `recurrence`, and
/// makes the task top-level for `parent_id`. `title`, `priority`,
/// `due_all_day`, `recurrence_basis`, `completed`, `list_id` and `labels`
/// cannot be null.
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
    /// As in `TaskInput`; `null` clears it (422 naming `recurrence` for a
    /// recurring task, `due_all_day` for an all-day one).
    pub due_at: Option<DateTime<Utc>>,
    /// As in `TaskInput`. Not null. Checked against the task as it will
    /// be: `true` on a task without a due date is 422.
    #[schema(nullable = false)]
    pub due_all_day: Option<bool>,
    /// As in `TaskInput`; `null` stops the recurrence. Checked against the
    /// task as it will be: a rule on a task without a due date is 422.
    #[schema(max_length = 500, example = "FREQ=MONTHLY;BYMONTHDAY=15")]
    pub recurrence: Option<String>,
    /// As in `TaskInput`. Not null.
    #[schema(nullable = false)]
    pub recurrence_basis: Option<RecurrenceBasisDto>,
    /// Not null. `true` completes the task's open subtasks too.
    #[schema(nullable = false)]
    pub completed: Option<bool>,
    /// Moves the task, with its subtasks, to the end of this list of the
    /// caller's; it becomes top-level there unless `parent_id` is given
    /// too. Not null.
    #[schema(nullable = false)]
    pub list_id: Option<Uuid>,
    /// Moves the task, with its subtasks, to the end of this task's
    /// subtasks (the rules of `TaskInput` apply, and the task cannot go
    /// under itself or one of its subtasks: 422); `null` makes it
    /// top-level.
    pub parent_id: Option<Uuid>,
    /// Replaces the labels: ids of the caller's labels, at most 20, none
    /// twice; `[]` removes them all. Not null.
    #[schema(nullable = false, max_items = 20)]
    pub labels: Option<Vec<Uuid>>,
}

/// The body of `POST /api/{user_id}/tasks/{id}/move`: one atomic move of a
/// task, with its subtasks, to another list, under another parent, to
/// another place among its siblings, or all at once. `{}` moves it to the
/// end of its siblings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TaskMove)]
pub struct TaskMoveDoc {
    /// The destination list, one of the caller's. Absent: the new parent's
    /// list when `parent_id` names a task, else the task's current list.
    /// Not null.
    #[schema(nullable = false)]
    pub list_id: Option<Uuid>,
    /// The new parent, one of the caller's tasks (4 levels at most; not
    /// the task itself or one of its subtasks); `null`: the top level.
    /// Absent: the current parent when the list does not change, else the
    /// top level.
    pub parent_id: Option<Uuid>,
    /// Place the task right before this task, which must be a sibling at
    /// the destination (same list, same parent), else 422. Not null; not
    /// together with `after`. Neither: at the end.
    #[schema(nullable = false)]
    pub before: Option<Uuid>,
    /// Place the task right after this sibling at the destination, as
    /// `before`.
    #[schema(nullable = false)]
    pub after: Option<Uuid>,
}

/// The optional body of `PATCH /api/{user_id}/tasks/{id}/complete`. Without
/// a body (or with `{}`) the task's completion is toggled: an open task is
/// completed (a recurring one advances to its next occurrence), a
/// completed one reopened.
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

/// A list's or label's colour, from a fixed palette of twelve (the web app
/// maps each name to its shades).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = Color)]
pub enum ColorDto {
    Gray,
    Red,
    Orange,
    Yellow,
    Lime,
    Green,
    Teal,
    Cyan,
    Blue,
    Indigo,
    Violet,
    Pink,
}

impl From<domain::Color> for ColorDto {
    fn from(color: domain::Color) -> Self {
        use domain::Color;
        match color {
            Color::Gray => Self::Gray,
            Color::Red => Self::Red,
            Color::Orange => Self::Orange,
            Color::Yellow => Self::Yellow,
            Color::Lime => Self::Lime,
            Color::Green => Self::Green,
            Color::Teal => Self::Teal,
            Color::Cyan => Self::Cyan,
            Color::Blue => Self::Blue,
            Color::Indigo => Self::Indigo,
            Color::Violet => Self::Violet,
            Color::Pink => Self::Pink,
        }
    }
}
