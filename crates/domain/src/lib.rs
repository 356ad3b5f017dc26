//! The task manager's domain: what a task is, which values are valid, and
//! who may touch which task. Everything here is pure; adapters and the HTTP
//! layer build on these types and never bypass their parsers.

mod category;
mod description;
mod ids;
mod ownership;
mod priority;
mod query;
mod task;
mod text;
mod title;

pub use category::{Category, CategoryError};
pub use description::{Description, DescriptionError};
pub use ids::{TaskId, UserId};
pub use ownership::{AccessDenied, Principal};
pub use priority::{Priority, PriorityError};
pub use query::{
    Cursor, CursorMismatch, PageLimit, PageLimitError, SearchTerm, SearchTermError, SortKey,
    SortKeyError, SortOrder, SortOrderError, SortPosition, StatusFilter, StatusFilterError,
    TaskPage, TaskQuery,
};
pub use task::{CompletionChange, Task, TaskFields, TaskPatch, Version};
pub use title::{Title, TitleError};

/// Timestamps are always UTC instants.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
