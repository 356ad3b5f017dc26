//! [`Prepared`]: lets diesel-async keep a statement in its per-connection
//! prepared-statement cache when diesel would not.
//!
//! diesel refuses to cache every `UPDATE`, every `INSERT … VALUES` (its
//! insert values may turn into `DEFAULT`) and every query with a raw SQL
//! fragment, because the SQL text of such a statement varies with its
//! values and diesel cannot bound how many texts there are. Uncached, each
//! execution costs an extra round trip (Parse/Describe, then Bind/Execute)
//! and a fresh parse and plan in PostgreSQL: measured on `just bench-api`,
//! that was every create and every complete.
//!
//! The wrapper declares the statement safe to cache and gives it no static
//! query id, so the cache is keyed by the SQL text (and the bind types):
//! two different texts are never confused. What keeps the cache bounded is
//! the callers' job, and it holds for this crate's statements: an update's
//! text depends only on which columns it sets (at most 2⁹ patches, times
//! with or without the version check, with or without a new location, with
//! or without `recurrence IS NULL`), an insert's on which optional columns
//! are NULL (2⁵), the listing uses a fixed set of shapes (`listing.rs`, a
//! view's window adding one of four), and the list, label and tree
//! statements are fixed texts (arrays are bound as one `uuid[]`). Only wrap statements whose text is chosen from such a
//! bounded set, never text built from user input.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;

/// A statement diesel-async may prepare once per connection and reuse.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prepared<Q>(Q);

/// `.prepared()` on any statement; see the module docs for when it is
/// allowed.
pub(crate) trait PreparedExt: Sized {
    fn prepared(self) -> Prepared<Self> {
        Prepared(self)
    }
}

impl<Q: QueryFragment<Pg>> PreparedExt for Q {}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Prepared<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &Pg) -> QueryResult<bool> {
        Ok(true)
    }
}

/// No static id: the cache then keys the statement by its SQL text, which
/// is what makes caching an `UPDATE` (one Rust type, many texts) correct.
impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}
