//! The SELECT behind `TaskRepo::list`: filters, sort order and the keyset
//! condition that starts a page after its cursor.

use diesel::dsl::sql;
use diesel::expression::functions::declare_sql_function;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Int2, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use domain::{
    Cursor, ParentFilter, SortKey, SortOrder, SortPosition, StatusFilter, TaskQuery, UserId,
    ViewWindow,
};
use uuid::Uuid;

use crate::rows::{FullTaskSql, full_task};
use crate::schema::tasks;

#[declare_sql_function]
extern "SQL" {
    /// `lower(text)`; diesel's own `lower` is the range function.
    #[sql_name = "lower"]
    fn lower_text(text: Text) -> Text;
}

type BoxedTaskQuery<'a> = tasks::BoxedQuery<'a, Pg, FullTaskSql>;
type Condition<'a> = Box<dyn BoxableExpression<tasks::table, Pg, SqlType = Bool> + 'a>;

/// The cursor's sort key is not the query's (TaskQuery::with_cursor makes
/// this impossible; checked anyway rather than returning a wrong page).
#[derive(Debug, thiserror::Error)]
#[error("the cursor is for another sort key than the query")]
pub(crate) struct CursorKeyMismatch;

/// One page plus one row: the extra row only tells whether more exist.
/// Each task comes with its labels and subtask counts (see `rows.rs`).
pub(crate) fn page_query(
    owner: UserId,
    query: &TaskQuery,
) -> Result<BoxedTaskQuery<'static>, CursorKeyMismatch> {
    let mut q = tasks::table
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .select(full_task!())
        .into_boxed();

    // The list and the parent are index columns (`(user_id, list_id,
    // parent_id, position)`), so they are real conditions, not generic
    // ones: a statement text per combination (2 × 3).
    if let Some(list) = query.list_id {
        q = q.filter(tasks::list_id.eq(Uuid::from(list)));
    }
    match query.parent {
        ParentFilter::Any => {}
        ParentFilter::None => q = q.filter(tasks::parent_id.is_null()),
        ParentFilter::Of(parent) => q = q.filter(tasks::parent_id.eq(Uuid::from(parent))),
    }

    if let Some(view) = query.view {
        q = q.filter(view_window(view));
    }
    if has_filters(query) {
        q = q.filter(filters(query));
    }
    if let Some(cursor) = query.cursor() {
        if cursor.key() != query.sort {
            return Err(CursorKeyMismatch);
        }
        q = q.filter(after_cursor(cursor, query.order));
    }

    let limit = i64::from(query.limit.get()) + 1;
    Ok(ordered(q, query.sort, query.order).limit(limit))
}

fn has_filters(query: &TaskQuery) -> bool {
    query.status != StatusFilter::All
        || query.priority.is_some()
        || !query.labels.is_empty()
        || query.search.is_some()
        || query.due_before.is_some()
        || query.due_after.is_some()
}

/// Every filter at once, each written `(param IS NULL OR condition)` with
/// the parameter NULL when the filter is absent. One SQL text for every
/// combination keeps the number of statements the prepared-statement cache
/// may hold small and fixed (see `prepared.rs`): sort key × order × cursor
/// kind × filtered or not. The filters only narrow the rows the
/// `(user_id, key, id)` index already delivers in order, so a generic plan
/// loses nothing by not knowing which ones are set.
fn filters(query: &TaskQuery) -> Condition<'static> {
    let completed = match query.status {
        StatusFilter::All => None,
        StatusFilter::Pending => Some(false),
        StatusFilter::Completed => Some(true),
    };
    let priority = query.priority.map(|p| p.rank());
    let labels: Vec<Uuid> = query
        .labels
        .as_slice()
        .iter()
        .copied()
        .map(Uuid::from)
        .collect();
    let pattern = query
        .search
        .as_ref()
        .map(|term| format!("%{}%", escape_like(term.as_str())));
    Box::new(
        sql::<Bool>("((")
            .bind::<Nullable<Bool>, _>(completed)
            .sql("::boolean IS NULL OR tasks.completed = ")
            .bind::<Nullable<Bool>, _>(completed)
            .sql(") AND (")
            .bind::<Nullable<Int2>, _>(priority)
            .sql("::smallint IS NULL OR tasks.priority = ")
            .bind::<Nullable<Int2>, _>(priority)
            .sql(") AND (")
            // Every label: as many of the task's links match as were asked
            // for (the ids are distinct), one probe of the links' key each.
            .bind::<Array<SqlUuid>, _>(labels.clone())
            .sql("::uuid[] = '{}' OR (SELECT count(*) FROM task_labels WHERE task_labels.user_id = tasks.user_id AND task_labels.task_id = tasks.id AND task_labels.label_id = ANY(")
            .bind::<Array<SqlUuid>, _>(labels.clone())
            .sql(")) = cardinality(")
            .bind::<Array<SqlUuid>, _>(labels)
            .sql(")) AND (")
            .bind::<Nullable<Text>, _>(pattern.clone())
            .sql("::text IS NULL OR tasks.title ILIKE ")
            .bind::<Nullable<Text>, _>(pattern.clone())
            .sql(" ESCAPE '\\' OR tasks.description ILIKE ")
            .bind::<Nullable<Text>, _>(pattern)
            .sql(" ESCAPE '\\') AND (")
            .bind::<Nullable<Timestamptz>, _>(query.due_before)
            .sql("::timestamptz IS NULL OR tasks.due_at < ")
            .bind::<Nullable<Timestamptz>, _>(query.due_before)
            .sql(") AND (")
            .bind::<Nullable<Timestamptz>, _>(query.due_after)
            .sql("::timestamptz IS NULL OR tasks.due_at > ")
            .bind::<Nullable<Timestamptz>, _>(query.due_after)
            .sql("))"),
    )
}

/// A view's window (issue 11): open tasks only, by due date. Real
/// conditions rather than generic ones, one statement text per kind of
/// window (4 more shapes), so that the plan can range-scan the partial
/// index of open tasks by due date (`tasks_user_open_due_idx`): `NOT
/// completed` is written literally because a bound `completed = $n` would
/// not match the index's predicate in a generic plan.
fn view_window(view: ViewWindow) -> Condition<'static> {
    match view {
        ViewWindow::DueBefore { before } => Box::new(
            sql::<Bool>("(NOT tasks.completed AND tasks.due_at < ")
                .bind::<Timestamptz, _>(before)
                .sql(")"),
        ),
        ViewWindow::DueBetween { start, end } => Box::new(
            sql::<Bool>("(NOT tasks.completed AND tasks.due_at >= ")
                .bind::<Timestamptz, _>(start)
                .sql(" AND tasks.due_at < ")
                .bind::<Timestamptz, _>(end)
                .sql(")"),
        ),
        // An all-day task is overdue from the day after its date, a timed
        // one from its instant. The start of today is never after now, so
        // `due_at < now` bounds the range scan for both.
        ViewWindow::Overdue {
            start_of_today,
            now,
        } => Box::new(
            sql::<Bool>("(NOT tasks.completed AND tasks.due_at < ")
                .bind::<Timestamptz, _>(now.max(start_of_today))
                .sql(" AND ((tasks.due_all_day AND tasks.due_at < ")
                .bind::<Timestamptz, _>(start_of_today)
                .sql(") OR (NOT tasks.due_all_day AND tasks.due_at < ")
                .bind::<Timestamptz, _>(now)
                .sql(")))"),
        ),
        ViewWindow::NoDate => Box::new(sql::<Bool>(
            "(NOT tasks.completed AND tasks.due_at IS NULL)",
        )),
    }
}

/// `%`, `_` and the escape character itself match literally in a search.
pub(crate) fn escape_like(term: &str) -> String {
    let mut escaped = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Sort key, then id in the same direction, so the order is total. Tasks
/// without a due date come last in both directions.
fn ordered(q: BoxedTaskQuery<'static>, key: SortKey, order: SortOrder) -> BoxedTaskQuery<'static> {
    use SortOrder::{Asc, Desc};
    match (key, order) {
        (SortKey::CreatedAt, Asc) => q.order_by((tasks::created_at.asc(), tasks::id.asc())),
        (SortKey::CreatedAt, Desc) => q.order_by((tasks::created_at.desc(), tasks::id.desc())),
        (SortKey::UpdatedAt, Asc) => q.order_by((tasks::updated_at.asc(), tasks::id.asc())),
        (SortKey::UpdatedAt, Desc) => q.order_by((tasks::updated_at.desc(), tasks::id.desc())),
        (SortKey::DueAt, Asc) => q.order_by((tasks::due_at.asc().nulls_last(), tasks::id.asc())),
        (SortKey::DueAt, Desc) => q.order_by((tasks::due_at.desc().nulls_last(), tasks::id.desc())),
        (SortKey::Priority, Asc) => q.order_by((tasks::priority.asc(), tasks::id.asc())),
        (SortKey::Priority, Desc) => q.order_by((tasks::priority.desc(), tasks::id.desc())),
        // lower(title) is what the title index holds.
        (SortKey::Title, Asc) => q.order_by((lower_text(tasks::title).asc(), tasks::id.asc())),
        (SortKey::Title, Desc) => q.order_by((lower_text(tasks::title).desc(), tasks::id.desc())),
        (SortKey::Position, Asc) => q.order_by((tasks::position.asc(), tasks::id.asc())),
        (SortKey::Position, Desc) => q.order_by((tasks::position.desc(), tasks::id.desc())),
    }
}

/// Rows strictly after the cursor in the listing's order. Written as row
/// comparisons, `(key, id) > (…, …)`, because PostgreSQL matches those
/// against the `(user_id, key, id)` indexes; diesel's DSL has no row values,
/// so these are SQL fragments with bound parameters.
fn after_cursor(cursor: &Cursor, order: SortOrder) -> Condition<'static> {
    let cmp = match order {
        SortOrder::Asc => ">",
        SortOrder::Desc => "<",
    };
    let after = Uuid::from(cursor.after);
    match &cursor.position {
        SortPosition::CreatedAt(at) => Box::new(
            sql::<Bool>(&format!("(tasks.created_at, tasks.id) {cmp} ("))
                .bind::<Timestamptz, _>(*at)
                .sql(", ")
                .bind::<SqlUuid, _>(after)
                .sql(")"),
        ),
        SortPosition::UpdatedAt(at) => Box::new(
            sql::<Bool>(&format!("(tasks.updated_at, tasks.id) {cmp} ("))
                .bind::<Timestamptz, _>(*at)
                .sql(", ")
                .bind::<SqlUuid, _>(after)
                .sql(")"),
        ),
        SortPosition::Priority(priority) => Box::new(
            sql::<Bool>(&format!("(tasks.priority, tasks.id) {cmp} ("))
                .bind::<Int2, _>(priority.rank())
                .sql(", ")
                .bind::<SqlUuid, _>(after)
                .sql(")"),
        ),
        SortPosition::Title(title) => Box::new(
            sql::<Bool>(&format!("(lower(tasks.title), tasks.id) {cmp} (lower("))
                .bind::<Text, _>(title.clone())
                .sql("), ")
                .bind::<SqlUuid, _>(after)
                .sql(")"),
        ),
        // The key column's collation ("C") applies to the comparison.
        SortPosition::Position(position) => Box::new(
            sql::<Bool>(&format!("(tasks.position, tasks.id) {cmp} ("))
                .bind::<Text, _>(position.as_str().to_owned())
                .sql(", ")
                .bind::<SqlUuid, _>(after)
                .sql(")"),
        ),
        // NULL due dates sort last either way: after a dated task come the
        // later-dated ones and then every undated one; after an undated task
        // only undated ones with a later id.
        SortPosition::DueAt(Some(at)) => Box::new(
            sql::<Bool>(&format!("((tasks.due_at, tasks.id) {cmp} ("))
                .bind::<Timestamptz, _>(*at)
                .sql(", ")
                .bind::<SqlUuid, _>(after)
                .sql(") OR tasks.due_at IS NULL)"),
        ),
        SortPosition::DueAt(None) => Box::new(
            sql::<Bool>(&format!("(tasks.due_at IS NULL AND tasks.id {cmp} "))
                .bind::<SqlUuid, _>(after)
                .sql(")"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(escape_like("100%"), "100\\%");
        assert_eq!(escape_like("a_b"), "a\\_b");
        assert_eq!(escape_like("C:\\dir"), "C:\\\\dir");
        assert_eq!(escape_like("plain"), "plain");
    }
}
