//! The query string of `GET /api/{user_id}/tasks`, and the `Link` to the
//! next page.
//!
//! Strict by design: an unknown or repeated parameter is a 400, so a typo
//! such as `sotr=title` is reported instead of silently ignored (`label`
//! alone may repeat: each one narrows the listing). An empty value (`q=`)
//! means the parameter is absent, as HTML forms send it.
//!
//! A date view (`view`, with `days` for Upcoming) is parsed here but
//! turned into instants by the handler, which alone knows the caller's
//! time zone and the time: [`TaskListing`] carries both the query and the
//! view.

use domain::limits::MAX_LABELS_PER_TASK;
use domain::{
    CursorMismatch, LabelId, ListId, PageLimit, ParentFilter, Priority, SearchTerm, SortKey,
    SortOrder, StatusFilter, TaskId, TaskLabels, TaskQuery, TaskView, TaskViewError,
    UpcomingDaysError, UserId,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::dto::PriorityDto;
use super::{cursor, timestamp};
use crate::http::problem::FieldError;

pub const PARAMETERS: [&str; 14] = [
    "view",
    "days",
    "status",
    "priority",
    "list_id",
    "parent_id",
    "label",
    "q",
    "due_before",
    "due_after",
    "sort",
    "order",
    "limit",
    "cursor",
];

/// The parameters that may be given more than once.
pub const REPEATABLE: [&str; 1] = ["label"];

/// The `parent_id` value that asks for top-level tasks only.
pub const TOP_LEVEL: &str = "none";

/// Which tasks to list, by completion.
#[derive(Debug, ToSchema)]
#[schema(as = StatusFilter)]
pub enum StatusFilterDoc {
    #[schema(rename = "all")]
    All,
    #[schema(rename = "pending")]
    Pending,
    #[schema(rename = "completed")]
    Completed,
}

/// A date view, read in the caller's time zone (`GET|PUT
/// …/preferences`; UTC until set): `today`, `upcoming`, `overdue` or
/// `no_date`. Every view lists open tasks only.
#[derive(Debug, ToSchema)]
#[schema(as = TaskView)]
pub enum TaskViewDoc {
    #[schema(rename = "today")]
    Today,
    #[schema(rename = "upcoming")]
    Upcoming,
    #[schema(rename = "overdue")]
    Overdue,
    #[schema(rename = "no_date")]
    NoDate,
}

/// The sort key.
#[derive(Debug, ToSchema)]
#[schema(as = SortKey)]
pub enum SortKeyDoc {
    #[schema(rename = "created_at")]
    CreatedAt,
    #[schema(rename = "updated_at")]
    UpdatedAt,
    #[schema(rename = "due_at")]
    DueAt,
    #[schema(rename = "priority")]
    Priority,
    #[schema(rename = "title")]
    Title,
    #[schema(rename = "position")]
    Position,
}

/// The sort direction.
#[derive(Debug, ToSchema)]
#[schema(as = SortOrder)]
pub enum SortOrderDoc {
    #[schema(rename = "asc")]
    Asc,
    #[schema(rename = "desc")]
    Desc,
}

/// The query parameters of `GET /api/{user_id}/tasks`, as documented.
/// Parsed by [`parse`]; a test keeps this list identical to the parameters it
/// accepts. Each may appear at most once but `label`, and no other is
/// accepted (400 otherwise); an empty value is the same as an absent
/// parameter. Filters combine: a task is listed when it passes every one.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskListQuery {
    /// Only the open tasks of a date view, in the caller's time zone (see
    /// `GET …/preferences`; UTC until set), combined with every other
    /// filter:
    /// - `today`: due before the start of tomorrow (overdue tasks
    ///   included);
    /// - `upcoming`: due from the start of today to the start of the day
    ///   `days` days later (today included: `days=1` is today only), by
    ///   `due_at` ascending unless `sort` is given;
    /// - `overdue`: all-day tasks due before today, timed tasks due before
    ///   now;
    /// - `no_date`: without a due date.
    ///
    /// "Today" is the caller's local date when the request is served; the
    /// next page of a view is read with the window of its own request.
    /// Anything else is 400.
    pub view: Option<TaskViewDoc>,
    /// Only with `view=upcoming` (else 400): how many local days it spans,
    /// today included, an integer from 1 to 60, default 7.
    #[param(minimum = 1, maximum = 60)]
    pub days: Option<u8>,
    /// `all` (default), `pending` or `completed`.
    pub status: Option<StatusFilterDoc>,
    /// Only tasks of this priority.
    pub priority: Option<PriorityDto>,
    /// Only tasks in this list (its id); makes `sort=position` the
    /// default. An id that names none of the caller's lists matches no
    /// task.
    pub list_id: Option<Uuid>,
    /// `none`: only top-level tasks; a task's id: only its direct
    /// subtasks. Absent: tasks at every level.
    pub parent_id: Option<String>,
    /// A label's id: only tasks carrying it. Repeat the parameter
    /// (`label=…&label=…`, at most 20 distinct ids) for tasks carrying all
    /// of them.
    #[param(max_items = 20)]
    pub label: Option<Vec<Uuid>>,
    /// Case-insensitive text searched in title and description: trimmed,
    /// then 1–200 characters, no control characters.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only tasks due strictly before this instant (RFC 3339).
    pub due_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Only tasks due strictly after this instant (RFC 3339).
    pub due_after: Option<chrono::DateTime<chrono::Utc>>,
    /// Sort key: `due_at` by default with `view=upcoming`, else `position`
    /// (the order chosen by hand among siblings; the default with
    /// `list_id`), else `created_at` by default. Tasks without a due date
    /// sort last. Ties are broken by id.
    pub sort: Option<SortKeyDoc>,
    /// `asc` (the default for `position`, and for `view=upcoming` without
    /// `sort`) or `desc` (the default otherwise).
    pub order: Option<SortOrderDoc>,
    /// Page size, an integer from 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u16>,
    /// Opaque cursor from a previous page's `Link` header (base64url, at
    /// most 2048 characters). Valid only with the same `sort` and `order`;
    /// anything else is 400.
    pub cursor: Option<String>,
}

/// A parsed listing request: the store's query, and the date view asked
/// for, which the handler turns into the query's window
/// ([`TaskView::window`]) in the caller's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskListing {
    pub query: TaskQuery,
    pub view: Option<TaskView>,
}

impl TaskListing {
    /// The same listing resumed after `cursor`.
    ///
    /// # Errors
    /// A cursor made for another sort key or order.
    pub fn with_cursor(self, cursor: domain::Cursor) -> Result<Self, CursorMismatch> {
        Ok(Self {
            query: self.query.with_cursor(cursor)?,
            view: self.view,
        })
    }
}

const DAYS_WITHOUT_UPCOMING: &str = "is only allowed with view=upcoming";

/// `view` and `days` together: `days` means something for Upcoming only.
fn task_view(
    errors: &mut Vec<FieldError>,
    view: Option<&str>,
    days: Option<&str>,
) -> Option<TaskView> {
    let days = match days.map(str::parse::<i64>) {
        None => None,
        Some(Ok(days)) => Some(days),
        Some(Err(_)) => {
            let message = if view == Some("upcoming") {
                UpcomingDaysError.to_string()
            } else {
                DAYS_WITHOUT_UPCOMING.to_owned()
            };
            errors.push(FieldError::new("days", message));
            return None;
        }
    };
    let Some(view) = view else {
        if days.is_some() {
            errors.push(FieldError::new("days", DAYS_WITHOUT_UPCOMING));
        }
        return None;
    };
    TaskView::parse(view, days)
        .map_err(|e| {
            let message = match &e {
                TaskViewError::UnknownView => {
                    "must be one of: today, upcoming, overdue, no_date".to_owned()
                }
                TaskViewError::Days(e) => e.to_string(),
                TaskViewError::DaysWithoutUpcoming => DAYS_WITHOUT_UPCOMING.to_owned(),
            };
            errors.push(FieldError::new(e.field(), message));
        })
        .ok()
}

fn record<T, E: ToString>(
    errors: &mut Vec<FieldError>,
    field: &str,
    result: Result<T, E>,
) -> Option<T> {
    result
        .map_err(|e| errors.push(FieldError::new(field, e.to_string())))
        .ok()
}

fn parent_filter(value: &str) -> Result<ParentFilter, &'static str> {
    if value == TOP_LEVEL {
        return Ok(ParentFilter::None);
    }
    TaskId::parse(value)
        .map(ParentFilter::Of)
        .map_err(|_| "must be a task id (a UUID) or none")
}

/// # Errors
/// One entry per bad, unknown or repeated parameter.
pub fn parse(query_string: &str) -> Result<TaskListing, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut query = TaskQuery::default();
    let mut raw_cursor = None;
    let (mut raw_view, mut raw_days) = (None, None);
    let mut labels: Vec<LabelId> = Vec::new();
    let (mut sort_given, mut order_given) = (false, false);
    for (name, value) in form_urlencoded::parse(query_string.as_bytes()) {
        if !PARAMETERS.contains(&name.as_ref()) {
            errors.push(FieldError::new(name.as_ref(), "is not a known parameter"));
            continue;
        }
        if !REPEATABLE.contains(&name.as_ref()) {
            if seen.iter().any(|s| *s == name) {
                errors.push(FieldError::new(name.as_ref(), "must be given at most once"));
                continue;
            }
            seen.push(name.to_string());
        }
        if value.is_empty() {
            continue;
        }
        let e = &mut errors;
        match name.as_ref() {
            "view" => raw_view = Some(value.into_owned()),
            "days" => raw_days = Some(value.into_owned()),
            "status" => {
                query.status = record(e, "status", StatusFilter::parse(&value)).unwrap_or_default();
            }
            "priority" => query.priority = record(e, "priority", Priority::parse(&value)),
            "list_id" => {
                let id = ListId::parse(&value).map_err(|_| "must be a list id (a UUID)");
                query.list_id = record(e, "list_id", id);
            }
            "parent_id" => {
                query.parent = record(e, "parent_id", parent_filter(&value)).unwrap_or_default();
            }
            "label" => {
                let id = LabelId::parse(&value).map_err(|_| "must be a label id (a UUID)");
                labels.extend(record(e, "label", id));
            }
            "q" => query.search = record(e, "q", SearchTerm::parse(&value)),
            "due_before" => query.due_before = record(e, "due_before", timestamp::parse(&value)),
            "due_after" => query.due_after = record(e, "due_after", timestamp::parse(&value)),
            "sort" => {
                sort_given = true;
                query.sort = record(e, "sort", SortKey::parse(&value)).unwrap_or_default();
            }
            "order" => {
                order_given = true;
                query.order = record(e, "order", SortOrder::parse(&value)).unwrap_or_default();
            }
            "limit" => {
                let limit = value
                    .parse::<i64>()
                    .map_err(|_| domain::PageLimitError)
                    .and_then(PageLimit::new);
                query.limit = record(e, "limit", limit).unwrap_or_default();
            }
            _ => raw_cursor = Some(value.into_owned()),
        }
    }
    // Repeats of one id narrow nothing further; past 20 distinct ones no
    // task can match (a task carries at most 20 labels).
    query.labels = record(
        &mut errors,
        "label",
        TaskLabels::new(labels).map_err(|e| {
            format!(
                "must be given for at most {MAX_LABELS_PER_TASK} distinct labels (got {})",
                e.actual
            )
        }),
    )
    .unwrap_or_default();
    let view = task_view(&mut errors, raw_view.as_deref(), raw_days.as_deref());
    // Upcoming reads as an agenda: soonest first. Inside one list the
    // order chosen by hand is what people expect; and that order reads
    // from the first item down.
    if !sort_given && matches!(view, Some(TaskView::Upcoming { .. })) {
        query.sort = SortKey::DueAt;
        if !order_given {
            query.order = SortOrder::Asc;
        }
    } else if !sort_given && query.list_id.is_some() {
        query.sort = SortKey::Position;
    }
    if !order_given && query.sort == SortKey::Position {
        query.order = SortOrder::Asc;
    }
    if let Some(raw) = raw_cursor {
        if let Some(parsed) = record(&mut errors, "cursor", cursor::decode(&raw)) {
            // Only meaningful once sort and order are known to be valid.
            if errors.is_empty() {
                match query.clone().with_cursor(parsed) {
                    Ok(with) => query = with,
                    Err(mismatch) => errors.push(FieldError::new("cursor", mismatch.to_string())),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(TaskListing { query, view })
    } else {
        Err(errors)
    }
}

/// The relative URL of the page after the one that `listing` produced and
/// that ended with the task whose cursor is `next`: the same view, filters,
/// sort, order and limit, plus the cursor.
pub fn next_page_url(owner: UserId, listing: &TaskListing, next: &domain::Cursor) -> String {
    let query = &listing.query;
    let mut params = form_urlencoded::Serializer::new(String::new());
    if let Some(view) = listing.view {
        params.append_pair("view", view.as_str());
        if let TaskView::Upcoming { days } = view {
            params.append_pair("days", &days.get().to_string());
        }
    }
    let status = match query.status {
        StatusFilter::All => None,
        StatusFilter::Pending => Some("pending"),
        StatusFilter::Completed => Some("completed"),
    };
    if let Some(status) = status {
        params.append_pair("status", status);
    }
    if let Some(priority) = query.priority {
        params.append_pair("priority", priority.as_str());
    }
    if let Some(list_id) = &query.list_id {
        params.append_pair("list_id", &list_id.to_string());
    }
    match query.parent {
        ParentFilter::Any => {}
        ParentFilter::None => {
            params.append_pair("parent_id", TOP_LEVEL);
        }
        ParentFilter::Of(id) => {
            params.append_pair("parent_id", &id.to_string());
        }
    }
    for label in query.labels.as_slice() {
        params.append_pair("label", &label.to_string());
    }
    if let Some(search) = &query.search {
        params.append_pair("q", search.as_str());
    }
    if let Some(t) = &query.due_before {
        params.append_pair("due_before", &timestamp::format(t));
    }
    if let Some(t) = &query.due_after {
        params.append_pair("due_after", &timestamp::format(t));
    }
    params.append_pair("sort", query.sort.as_str());
    params.append_pair("order", query.order.as_str());
    params.append_pair("limit", &query.limit.get().to_string());
    params.append_pair("cursor", &cursor::encode(next));
    format!("/api/{owner}/tasks?{}", params.finish())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use domain::{Cursor, Position, SortPosition, TaskId};

    use super::*;

    const LIST: &str = "0190f3a0-0000-7000-8000-0000000000aa";
    const PARENT: &str = "0190f3a0-0000-7000-8000-0000000000bb";
    const LABEL_1: &str = "0190f3a0-0000-7000-8000-000000000001";
    const LABEL_2: &str = "0190f3a0-0000-7000-8000-000000000002";

    fn names(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    /// The store's query alone (no view asked for).
    fn parse(query_string: &str) -> Result<TaskQuery, Vec<FieldError>> {
        super::parse(query_string).map(|listing| {
            assert_eq!(listing.view, None);
            listing.query
        })
    }

    #[test]
    fn empty_query_is_the_default() {
        assert_eq!(parse(""), Ok(TaskQuery::default()));
        assert_eq!(
            parse("q=&limit=&status=&label=&list_id="),
            Ok(TaskQuery::default())
        );
    }

    #[test]
    fn parses_every_parameter() {
        let q = parse(&format!(
            "status=pending&priority=high&q=milk%20run&due_before=2030-01-01T00:00:00Z\
             &due_after=2029-01-01T00:00:00%2B01:00&sort=title&order=asc&limit=10\
             &list_id={LIST}&parent_id={PARENT}&label={LABEL_2}&label={LABEL_1}&label={LABEL_2}"
        ))
        .unwrap();
        assert_eq!(q.status, StatusFilter::Pending);
        assert_eq!(q.priority, Some(Priority::High));
        assert_eq!(q.search.unwrap().as_str(), "milk run");
        assert_eq!(
            q.due_before,
            Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap())
        );
        assert_eq!(
            q.due_after,
            Some(Utc.with_ymd_and_hms(2028, 12, 31, 23, 0, 0).unwrap())
        );
        assert_eq!(q.sort, SortKey::Title);
        assert_eq!(q.order, SortOrder::Asc);
        assert_eq!(q.limit.get(), 10);
        assert_eq!(q.list_id, Some(ListId::parse(LIST).unwrap()));
        assert_eq!(q.parent, ParentFilter::Of(TaskId::parse(PARENT).unwrap()));
        assert_eq!(
            q.labels.as_slice(),
            [LABEL_1, LABEL_2].map(|l| LabelId::parse(l).unwrap())
        );
        assert_eq!(parse("parent_id=none").unwrap().parent, ParentFilter::None);
    }

    #[test]
    fn a_list_sorts_by_position_unless_told_otherwise() {
        let q = parse(&format!("list_id={LIST}")).unwrap();
        assert_eq!((q.sort, q.order), (SortKey::Position, SortOrder::Asc));
        let q = parse(&format!("list_id={LIST}&order=desc")).unwrap();
        assert_eq!((q.sort, q.order), (SortKey::Position, SortOrder::Desc));
        let q = parse(&format!("list_id={LIST}&sort=due_at")).unwrap();
        assert_eq!((q.sort, q.order), (SortKey::DueAt, SortOrder::Desc));
        let q = parse("sort=position").unwrap();
        assert_eq!((q.sort, q.order), (SortKey::Position, SortOrder::Asc));
        let q = parse("").unwrap();
        assert_eq!((q.sort, q.order), (SortKey::CreatedAt, SortOrder::Desc));
    }

    #[test]
    fn reports_each_bad_parameter() {
        let errors = parse("status=done&limit=0&sort=id&order=up&due_before=soon&bogus=1&limit=5")
            .unwrap_err();
        assert_eq!(
            names(&errors),
            [
                "status",
                "limit",
                "sort",
                "order",
                "due_before",
                "bogus",
                "limit"
            ]
        );
        assert_eq!(errors[1].message, "must be an integer from 1 to 100");
        assert_eq!(errors[5].message, "is not a known parameter");
        assert_eq!(errors[6].message, "must be given at most once");
        assert_eq!(names(&parse("limit=abc").unwrap_err()), ["limit"]);
        assert_eq!(names(&parse("limit=101").unwrap_err()), ["limit"]);
        let errors = parse(&format!(
            "list_id=7&parent_id=top&label=x&list_id={LIST}&category=work"
        ))
        .unwrap_err();
        assert_eq!(
            names(&errors),
            ["list_id", "parent_id", "label", "list_id", "category"]
        );
        assert_eq!(errors[1].message, "must be a task id (a UUID) or none");
    }

    #[test]
    fn label_repeats_up_to_twenty_distinct_ids() {
        let labels = |n: u128| -> String {
            (1..=n)
                .map(|i| format!("label={}", uuid::Uuid::from_u128(i)))
                .collect::<Vec<_>>()
                .join("&")
        };
        assert_eq!(parse(&labels(20)).unwrap().labels.len(), 20);
        let errors = parse(&labels(21)).unwrap_err();
        assert_eq!(names(&errors), ["label"]);
        assert_eq!(
            errors[0].message,
            "must be given for at most 20 distinct labels (got 21)"
        );
    }

    #[test]
    fn cursor_must_decode_and_match_the_ordering() {
        assert_eq!(names(&parse("cursor=garbage").unwrap_err()), ["cursor"]);
        let cursor = Cursor {
            order: SortOrder::Asc,
            position: SortPosition::Title("b".into()),
            after: TaskId::new_v7(),
        };
        let text = cursor::encode(&cursor);
        let q = parse(&format!("sort=title&order=asc&cursor={text}")).unwrap();
        assert_eq!(q.cursor(), Some(&cursor));
        let errors = parse(&format!("cursor={text}")).unwrap_err();
        assert_eq!(names(&errors), ["cursor"]);
        // A list's default ordering takes a position cursor as it is.
        let cursor = Cursor {
            order: SortOrder::Asc,
            position: SortPosition::Position(Position::first()),
            after: TaskId::new_v7(),
        };
        let text = cursor::encode(&cursor);
        let q = parse(&format!("list_id={LIST}&cursor={text}")).unwrap();
        assert_eq!(q.cursor(), Some(&cursor));
    }

    #[test]
    fn next_page_url_preserves_filters_and_parses_back() {
        let owner = UserId::parse("33e85bcb-82d5-4511-b8fc-1f6806a44a90").unwrap();
        for (qs, position) in [
            (
                "status=completed&priority=low&q=x%3Dy&due_after=2029-01-01T00:00:00Z\
                 &sort=due_at&order=asc&limit=2&parent_id=none"
                    .to_owned(),
                SortPosition::DueAt(None),
            ),
            (
                format!("list_id={LIST}&parent_id={PARENT}&label={LABEL_1}&label={LABEL_2}"),
                SortPosition::Position(Position::first()),
            ),
            (
                "view=upcoming&days=14&priority=high".to_owned(),
                SortPosition::DueAt(Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap())),
            ),
            (
                "view=upcoming&list_id=".to_owned() + LIST,
                SortPosition::DueAt(None),
            ),
            (
                "view=today&sort=title&order=asc".to_owned(),
                SortPosition::Title("t".into()),
            ),
            (
                "view=no_date&list_id=".to_owned() + LIST,
                SortPosition::Position(Position::first()),
            ),
        ] {
            let listing = super::parse(&qs).unwrap();
            let next = Cursor {
                order: listing.query.order,
                position,
                after: TaskId::new_v7(),
            };
            let url = next_page_url(owner, &listing, &next);
            let (path, again) = url.split_once('?').unwrap();
            assert_eq!(path, format!("/api/{owner}/tasks"));
            let again = super::parse(again).unwrap();
            assert_eq!(again, listing.with_cursor(next).unwrap(), "{qs}");
        }
    }

    #[test]
    fn views_are_parsed_with_their_days() {
        let view = |qs: &str| super::parse(qs).map(|l| l.view);
        assert_eq!(view(""), Ok(None));
        assert_eq!(view("view=&days="), Ok(None));
        assert_eq!(view("view=today"), Ok(Some(TaskView::Today)));
        assert_eq!(view("view=overdue"), Ok(Some(TaskView::Overdue)));
        assert_eq!(view("view=no_date"), Ok(Some(TaskView::NoDate)));
        let upcoming = |days: i64| {
            Ok(Some(TaskView::Upcoming {
                days: domain::UpcomingDays::parse(days).unwrap(),
            }))
        };
        assert_eq!(view("view=upcoming"), upcoming(7));
        assert_eq!(view("view=upcoming&days=1"), upcoming(1));
        assert_eq!(view("days=60&view=upcoming"), upcoming(60));
        for (qs, field, message) in [
            (
                "view=later",
                "view",
                "must be one of: today, upcoming, overdue, no_date",
            ),
            (
                "view=Today",
                "view",
                "must be one of: today, upcoming, overdue, no_date",
            ),
            (
                "view=upcoming&days=0",
                "days",
                "must be an integer from 1 to 60",
            ),
            (
                "view=upcoming&days=61",
                "days",
                "must be an integer from 1 to 60",
            ),
            (
                "view=upcoming&days=7.5",
                "days",
                "must be an integer from 1 to 60",
            ),
            ("view=today&days=3", "days", DAYS_WITHOUT_UPCOMING),
            ("view=today&days=x", "days", DAYS_WITHOUT_UPCOMING),
            ("days=3", "days", DAYS_WITHOUT_UPCOMING),
        ] {
            let errors = super::parse(qs).unwrap_err();
            assert_eq!(errors, [FieldError::new(field, message)], "{qs}");
        }
        assert_eq!(
            names(&super::parse("view=today&view=today").unwrap_err()),
            ["view"]
        );
    }

    #[test]
    fn upcoming_sorts_by_due_date_unless_told_otherwise() {
        let order = |qs: &str| {
            let q = super::parse(qs).unwrap().query;
            (q.sort, q.order)
        };
        assert_eq!(order("view=upcoming"), (SortKey::DueAt, SortOrder::Asc));
        assert_eq!(
            order(&format!("view=upcoming&list_id={LIST}")),
            (SortKey::DueAt, SortOrder::Asc)
        );
        assert_eq!(
            order("view=upcoming&order=desc"),
            (SortKey::DueAt, SortOrder::Desc)
        );
        assert_eq!(
            order("view=upcoming&sort=title"),
            (SortKey::Title, SortOrder::Desc)
        );
        assert_eq!(order("view=today"), (SortKey::CreatedAt, SortOrder::Desc));
        // A cursor of the view's own ordering is accepted without repeating it.
        let cursor = Cursor {
            order: SortOrder::Asc,
            position: SortPosition::DueAt(None),
            after: TaskId::new_v7(),
        };
        let text = cursor::encode(&cursor);
        let listing = super::parse(&format!("view=upcoming&cursor={text}")).unwrap();
        assert_eq!(listing.query.cursor(), Some(&cursor));
        assert_eq!(
            names(&super::parse(&format!("view=today&cursor={text}")).unwrap_err()),
            ["cursor"]
        );
    }
}
