//! Listing tasks: filters, sort order and keyset pagination.

use crate::text::{char_len, has_control};
use crate::{ListId, Position, Priority, Task, TaskId, TaskLabels, Timestamp, ViewWindow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    All,
    Pending,
    Completed,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: all, pending, completed")]
pub struct StatusFilterError;

impl StatusFilter {
    /// # Errors
    /// Fails for anything but `all`, `pending` or `completed`.
    pub fn parse(raw: &str) -> Result<Self, StatusFilterError> {
        match raw {
            "all" => Ok(Self::All),
            "pending" => Ok(Self::Pending),
            "completed" => Ok(Self::Completed),
            _ => Err(StatusFilterError),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    CreatedAt,
    UpdatedAt,
    DueAt,
    Priority,
    Title,
    /// The manual order among siblings (`position`), then id.
    Position,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: created_at, updated_at, due_at, priority, title, position")]
pub struct SortKeyError;

impl SortKey {
    pub const ALL: [SortKey; 6] = [
        SortKey::CreatedAt,
        SortKey::UpdatedAt,
        SortKey::DueAt,
        SortKey::Priority,
        SortKey::Title,
        SortKey::Position,
    ];

    /// # Errors
    /// Fails for a name that is not a sort key.
    pub fn parse(raw: &str) -> Result<Self, SortKeyError> {
        match raw {
            "created_at" => Ok(Self::CreatedAt),
            "updated_at" => Ok(Self::UpdatedAt),
            "due_at" => Ok(Self::DueAt),
            "priority" => Ok(Self::Priority),
            "title" => Ok(Self::Title),
            "position" => Ok(Self::Position),
            _ => Err(SortKeyError),
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CreatedAt => "created_at",
            Self::UpdatedAt => "updated_at",
            Self::DueAt => "due_at",
            Self::Priority => "priority",
            Self::Title => "title",
            Self::Position => "position",
        }
    }

    /// The position of `task` in a listing sorted by this key.
    pub fn position_of(self, task: &Task) -> SortPosition {
        match self {
            Self::CreatedAt => SortPosition::CreatedAt(task.created_at),
            Self::UpdatedAt => SortPosition::UpdatedAt(task.updated_at),
            Self::DueAt => SortPosition::DueAt(task.fields.due_at),
            Self::Priority => SortPosition::Priority(task.fields.priority),
            Self::Title => SortPosition::Title(task.fields.title.as_str().to_owned()),
            Self::Position => SortPosition::Position(task.position.clone()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    Asc,
    /// Newest first is what people expect of a task list.
    #[default]
    Desc,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: asc, desc")]
pub struct SortOrderError;

impl SortOrder {
    /// # Errors
    /// Fails for anything but `asc` or `desc`.
    pub fn parse(raw: &str) -> Result<Self, SortOrderError> {
        match raw {
            "asc" => Ok(Self::Asc),
            "desc" => Ok(Self::Desc),
            _ => Err(SortOrderError),
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }
}

/// How many tasks one page holds: 1 to 100, 50 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit(u16);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be an integer from {min} to {max}", min = PageLimit::MIN, max = PageLimit::MAX)]
pub struct PageLimitError;

impl PageLimit {
    pub const MIN: u16 = 1;
    pub const MAX: u16 = 100;
    pub const DEFAULT: PageLimit = PageLimit(50);

    /// # Errors
    /// Fails outside `1..=100`.
    pub fn new(value: i64) -> Result<Self, PageLimitError> {
        u16::try_from(value)
            .ok()
            .filter(|v| (Self::MIN..=Self::MAX).contains(v))
            .map(Self)
            .ok_or(PageLimitError)
    }

    pub const fn get(self) -> u16 {
        self.0
    }
}

impl Default for PageLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Text searched for, case-insensitively, in titles and descriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerm(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchTermError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters", max = SearchTerm::MAX_CHARS)]
    TooLong,
    #[error("must not contain control characters")]
    ControlCharacter,
}

impl SearchTerm {
    pub const MAX_CHARS: usize = 200;

    /// # Errors
    /// Fails when blank, over [`Self::MAX_CHARS`] characters or holding a
    /// control character.
    pub fn parse(raw: &str) -> Result<Self, SearchTermError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(SearchTermError::Empty);
        }
        if char_len(trimmed) > Self::MAX_CHARS {
            return Err(SearchTermError::TooLong);
        }
        if has_control(trimmed) {
            return Err(SearchTermError::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The literal text; adapters must escape it for their own pattern syntax.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a task sits in a sorted listing: the sort key's value for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortPosition {
    CreatedAt(Timestamp),
    UpdatedAt(Timestamp),
    /// Tasks without a due date sort after all others, in either order.
    DueAt(Option<Timestamp>),
    Priority(Priority),
    Title(String),
    Position(Position),
}

impl SortPosition {
    pub const fn key(&self) -> SortKey {
        match self {
            Self::CreatedAt(_) => SortKey::CreatedAt,
            Self::UpdatedAt(_) => SortKey::UpdatedAt,
            Self::DueAt(_) => SortKey::DueAt,
            Self::Priority(_) => SortKey::Priority,
            Self::Title(_) => SortKey::Title,
            Self::Position(_) => SortKey::Position,
        }
    }
}

/// A keyset-pagination bookmark: the next page starts strictly after the task
/// at `position` with id `after`. Ties on the sort key are broken by id, in
/// the same direction as the sort, so no row is skipped or repeated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub order: SortOrder,
    pub position: SortPosition,
    pub after: TaskId,
}

impl Cursor {
    pub fn after_task(task: &Task, key: SortKey, order: SortOrder) -> Self {
        Self {
            order,
            position: key.position_of(task),
            after: task.id,
        }
    }

    pub const fn key(&self) -> SortKey {
        self.position.key()
    }
}

/// A cursor only makes sense for the ordering that produced it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the cursor belongs to a different sort or order; start again without it")]
pub struct CursorMismatch;

/// Which parent the listed tasks have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParentFilter {
    #[default]
    Any,
    /// Top-level tasks only.
    None,
    /// The direct subtasks of this task.
    Of(TaskId),
}

/// One request for a page of a user's tasks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskQuery {
    pub status: StatusFilter,
    pub priority: Option<Priority>,
    /// Only tasks in this list.
    pub list_id: Option<ListId>,
    pub parent: ParentFilter,
    /// Only tasks carrying every one of these labels.
    pub labels: TaskLabels,
    pub search: Option<SearchTerm>,
    /// Only tasks due strictly before this instant.
    pub due_before: Option<Timestamp>,
    /// Only tasks due strictly after this instant.
    pub due_after: Option<Timestamp>,
    /// Only open tasks in this view's window (Today, Upcoming, Overdue, No
    /// date), computed in the owner's time zone by
    /// [`crate::TaskView::window`]. Combines with every other filter. The
    /// order stays `sort`/`order`: a caller that wants Upcoming by due date
    /// (the default for it) sets [`SortKey::DueAt`] ascending, as
    /// [`TaskQuery::for_view`] does.
    pub view: Option<ViewWindow>,
    pub sort: SortKey,
    pub order: SortOrder,
    pub limit: PageLimit,
    cursor: Option<Cursor>,
}

impl TaskQuery {
    /// Attaches a cursor, refusing one minted for another ordering.
    ///
    /// # Errors
    /// [`CursorMismatch`] when the cursor's key or order differs from the
    /// query's.
    pub fn with_cursor(mut self, cursor: Cursor) -> Result<Self, CursorMismatch> {
        if cursor.key() != self.sort || cursor.order != self.order {
            return Err(CursorMismatch);
        }
        self.cursor = Some(cursor);
        Ok(self)
    }

    /// The query a view implies when the caller chose no sort: Upcoming
    /// (a window between two instants) by due date, soonest first; the
    /// others as given.
    #[must_use]
    pub fn for_view(mut self, view: ViewWindow, sort_given: bool) -> Self {
        if !sort_given && matches!(view, ViewWindow::DueBetween { .. }) {
            self.sort = SortKey::DueAt;
            self.order = SortOrder::Asc;
        }
        self.view = Some(view);
        self
    }

    pub fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_ref()
    }

    /// The cursor for the page after one that ended with `last`.
    pub fn next_cursor(&self, last: &Task) -> Cursor {
        Cursor::after_task(last, self.sort, self.order)
    }
}

/// A page of tasks in the query's order. `has_more` says whether a next
/// page exists; its cursor is [`TaskQuery::next_cursor`] of the last item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::{TaskFields, Title, UserId, Version};

    fn task() -> Task {
        let now = Utc::now();
        Task {
            id: TaskId::new_v7(),
            owner: UserId::parse("33e85bcb-82d5-4511-b8fc-1f6806a44a90").unwrap(),
            fields: TaskFields::new(Title::parse("t").unwrap()),
            list_id: ListId::new_v7(),
            parent_id: None,
            position: Position::first(),
            subtasks: crate::SubtaskCounts::default(),
            next_due_at: None,
            created_at: now,
            updated_at: now,
            version: Version::INITIAL,
        }
    }

    #[test]
    fn defaults_are_newest_first_fifty_all() {
        let q = TaskQuery::default();
        assert_eq!(q.status, StatusFilter::All);
        assert_eq!(q.sort, SortKey::CreatedAt);
        assert_eq!(q.order, SortOrder::Desc);
        assert_eq!(q.limit.get(), 50);
        assert!(q.cursor().is_none());
    }

    #[test]
    fn page_limit_bounds() {
        assert!(PageLimit::new(0).is_err());
        assert_eq!(PageLimit::new(1).unwrap().get(), 1);
        assert_eq!(PageLimit::new(100).unwrap().get(), 100);
        assert!(PageLimit::new(101).is_err());
        assert!(PageLimit::new(-5).is_err());
        assert!(PageLimit::new(i64::MAX).is_err());
    }

    #[test]
    fn parses_enumerations() {
        assert_eq!(StatusFilter::parse("pending"), Ok(StatusFilter::Pending));
        assert!(StatusFilter::parse("done").is_err());
        for key in SortKey::ALL {
            assert_eq!(SortKey::parse(key.as_str()), Ok(key));
        }
        assert!(SortKey::parse("id").is_err());
        assert_eq!(SortOrder::parse("asc"), Ok(SortOrder::Asc));
        assert!(SortOrder::parse("ASC").is_err());
    }

    #[test]
    fn search_term_is_trimmed_and_bounded() {
        assert_eq!(SearchTerm::parse("  milk ").unwrap().as_str(), "milk");
        assert_eq!(SearchTerm::parse("   "), Err(SearchTermError::Empty));
        assert_eq!(
            SearchTerm::parse(&"x".repeat(201)),
            Err(SearchTermError::TooLong)
        );
        assert_eq!(
            SearchTerm::parse("a\u{0}"),
            Err(SearchTermError::ControlCharacter)
        );
    }

    #[test]
    fn cursor_must_match_the_query_ordering() {
        let t = task();
        let q = TaskQuery {
            sort: SortKey::Title,
            order: SortOrder::Asc,
            ..TaskQuery::default()
        };
        let cursor = q.next_cursor(&t);
        assert_eq!(cursor.position, SortPosition::Title("t".into()));
        assert_eq!(cursor.after, t.id);
        assert!(q.clone().with_cursor(cursor.clone()).is_ok());

        let other_order = TaskQuery {
            order: SortOrder::Desc,
            ..q.clone()
        };
        assert_eq!(other_order.with_cursor(cursor.clone()), Err(CursorMismatch));
        let other_key = TaskQuery {
            sort: SortKey::Priority,
            ..q
        };
        assert_eq!(other_key.with_cursor(cursor), Err(CursorMismatch));
    }

    #[test]
    fn upcoming_sorts_by_due_date_unless_a_sort_was_given() {
        let now = Utc::now();
        let between = ViewWindow::DueBetween {
            start: now,
            end: now + chrono::Duration::days(7),
        };
        let q = TaskQuery::default().for_view(between, false);
        assert_eq!((q.sort, q.order), (SortKey::DueAt, SortOrder::Asc));
        assert_eq!(q.view, Some(between));
        let given = TaskQuery {
            sort: SortKey::Title,
            ..TaskQuery::default()
        }
        .for_view(between, true);
        assert_eq!((given.sort, given.order), (SortKey::Title, SortOrder::Desc));
        let today = TaskQuery::default().for_view(ViewWindow::DueBefore { before: now }, false);
        assert_eq!(today.sort, SortKey::CreatedAt);
    }

    #[test]
    fn positions_follow_the_key() {
        let t = task();
        for key in SortKey::ALL {
            assert_eq!(key.position_of(&t).key(), key);
        }
        assert_eq!(SortKey::DueAt.position_of(&t), SortPosition::DueAt(None));
        assert_eq!(
            SortKey::Position.position_of(&t),
            SortPosition::Position(Position::first())
        );
    }
}
