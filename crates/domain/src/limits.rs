//! How much one user may store. Past a bound the store refuses the write
//! (409 at the HTTP layer, naming the limit), so no user can make listings
//! or moves arbitrarily slow for everyone.

/// Lists per user, the Inbox included.
pub const MAX_LISTS_PER_USER: usize = 1_000;
/// Labels per user.
pub const MAX_LABELS_PER_USER: usize = 1_000;
/// Tasks in one list, subtasks included.
pub const MAX_TASKS_PER_LIST: usize = 10_000;
/// Labels on one task.
pub const MAX_LABELS_PER_TASK: usize = 20;
/// Levels of nesting: a top-level task and three levels of subtasks.
pub const MAX_DEPTH: usize = 4;

/// Operations in one `POST …/tasks/batch`.
pub const MAX_BATCH_OPERATIONS: usize = 100;
