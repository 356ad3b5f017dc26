//! The SELECT behind `TaskRepo::list`: filters, sort order and the keyset
//! condition that starts a page after its cursor.

use diesel::dsl::sql;
use diesel::expression::functions::declare_sql_function;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Int2, Text, Timestamptz, Uuid as SqlUuid};
use domain::{Cursor, SortKey, SortOrder, SortPosition, StatusFilter, TaskQuery, UserId};
use uuid::Uuid;

use crate::rows::TaskRow;
use crate::schema::tasks;

#[declare_sql_function]
extern "SQL" {
    /// `lower(text)`; diesel's own `lower` is the range function.
    #[sql_name = "lower"]
    fn lower_text(text: Text) -> Text;
}

type BoxedTaskQuery<'a> =
    tasks::BoxedQuery<'a, Pg, diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<TaskRow, Pg>>>;
type Condition<'a> = Box<dyn BoxableExpression<tasks::table, Pg, SqlType = Bool> + 'a>;

/// The cursor's sort key is not the query's (TaskQuery::with_cursor makes
/// this impossible; checked anyway rather than returning a wrong page).
#[derive(Debug, thiserror::Error)]
#[error("the cursor is for another sort key than the query")]
pub(crate) struct CursorKeyMismatch;

/// One page plus one row: the extra row only tells whether more exist.
pub(crate) fn page_query(
    owner: UserId,
    query: &TaskQuery,
) -> Result<BoxedTaskQuery<'static>, CursorKeyMismatch> {
    let mut q = tasks::table
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .select(TaskRow::as_select())
        .into_boxed();

    match query.status {
        StatusFilter::All => {}
        StatusFilter::Pending => q = q.filter(tasks::completed.eq(false)),
        StatusFilter::Completed => q = q.filter(tasks::completed.eq(true)),
    }
    if let Some(priority) = query.priority {
        q = q.filter(tasks::priority.eq(priority.rank()));
    }
    if let Some(category) = &query.category {
        q = q.filter(tasks::category.eq(category.as_str().to_owned()));
    }
    if let Some(term) = &query.search {
        let pattern = format!("%{}%", escape_like(term.as_str()));
        q = q.filter(
            tasks::title
                .ilike(pattern.clone())
                .escape('\\')
                .or(tasks::description.ilike(pattern).escape('\\')),
        );
    }
    if let Some(before) = query.due_before {
        q = q.filter(tasks::due_at.lt(before));
    }
    if let Some(after) = query.due_after {
        q = q.filter(tasks::due_at.gt(after));
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
