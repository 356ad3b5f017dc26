//! The task manager's domain: what tasks, lists and labels are, how their
//! changes are numbered, which values
//! are valid, and who may touch which task. Everything here is pure; adapters and the HTTP
//! layer build on these types and never bypass their parsers.

mod batch;
mod change;
mod color;
mod completion;
mod description;
mod export;
mod idempotency;
mod ids;
mod import_plan;
mod label;
pub mod limits;
mod list;
mod name;
mod ownership;
mod position;
mod priority;
mod query;
mod recurrence;
mod task;
mod text;
mod time_zone;
mod title;
mod trash;
mod view;

pub use batch::{BatchAction, BatchOp};
pub use change::{
    Change, ChangeData, ChangeEntity, ChangeLimit, ChangeLimitError, ChangeOp, ChangePage, Seq,
    SeqError,
};
pub use color::{Color, ColorError};
pub use completion::{Completion, CompletionCursor, CompletionId, CompletionPage, CompletionQuery};
pub use description::{Description, DescriptionError};
pub use export::{Depth, ExportedCompletion, ExportedTask};
pub use idempotency::{IDEMPOTENCY_KEY_TTL_HOURS, IdempotencyKey, IdempotencyKeyError};
pub use ids::{LabelId, ListId, TaskId, UserId};
pub use import_plan::{
    ImportCounts, ImportPlan, ImportReport, PlanItem, PlanProblem, PlannedCompletion, PlannedLabel,
    PlannedList, PlannedTask, ReportLine,
};
pub use label::{Label, LabelPatch, NewLabel};
pub use list::{List, ListPatch, ListSummary, NewList, Placement};
pub use name::{LabelName, ListName, NameError};
pub use ownership::{AccessDenied, Principal};
pub use position::{Position, PositionError};
pub use priority::{Priority, PriorityError};
pub use query::{
    Cursor, CursorMismatch, PageLimit, PageLimitError, ParentFilter, SearchTerm, SearchTermError,
    SortKey, SortKeyError, SortOrder, SortOrderError, SortPosition, StatusFilter,
    StatusFilterError, TaskPage, TaskQuery,
};
pub use recurrence::{
    Recurrence, RecurrenceBasis, RecurrenceBasisError, RecurrenceError, next_due,
};
pub use task::{
    CompletionChange, SubtaskCounts, Task, TaskFields, TaskLabels, TaskLocation, TaskMove,
    TaskPatch, TooManyLabels, Version,
};
pub use time_zone::{Preferences, TimeZone, UnknownTimeZone, WeekStart, WeekStartError};
pub use title::{Title, TitleError};
pub use trash::{
    Restored, TRASH_RETENTION_DAYS, TrashCursor, TrashItem, TrashKind, TrashPage, TrashQuery,
    trash_retention,
};
pub use view::{TaskView, TaskViewError, UpcomingDays, UpcomingDaysError, ViewWindow};

/// Timestamps are always UTC instants.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
