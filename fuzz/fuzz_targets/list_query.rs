//! The strict query string parser of `GET /api/{user_id}/tasks`
//! (crates/api-actix/src/wire/list_query.rs): every query string is accepted or
//! refused with at least one named error, and an accepted one (its date view
//! included) survives the trip through the next page's `Link` URL unchanged.
#![no_main]

use api_actix::wire::list_query;
use domain::{Cursor, Position, Priority, SortKey, SortPosition, TaskId, UserId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query_string) = std::str::from_utf8(data) else {
        return;
    };
    let listing = match list_query::parse(query_string) {
        Ok(listing) => listing,
        Err(errors) => {
            assert!(!errors.is_empty());
            return;
        }
    };
    let query = &listing.query;
    let position = match query.sort {
        SortKey::CreatedAt => SortPosition::CreatedAt(chrono_epoch()),
        SortKey::UpdatedAt => SortPosition::UpdatedAt(chrono_epoch()),
        SortKey::DueAt => SortPosition::DueAt(None),
        SortKey::Priority => SortPosition::Priority(Priority::Low),
        SortKey::Title => SortPosition::Title("last title".into()),
        SortKey::Position => SortPosition::Position(Position::first()),
    };
    let next = Cursor {
        order: query.order,
        position,
        after: TaskId::from_uuid(uuid_from(7)),
    };
    let owner = UserId::from_uuid(uuid_from(1));
    let url = list_query::next_page_url(owner, &listing, &next);
    let (_, qs) = url.split_once('?').expect("a query string");
    let again = list_query::parse(qs).unwrap_or_else(|e| panic!("{url}: {e:?}"));
    let expected = listing
        .clone()
        .with_cursor(next)
        .expect("same sort and order");
    assert_eq!(again, expected, "{query_string} -> {url}");
});

fn chrono_epoch() -> domain::Timestamp {
    domain::Timestamp::UNIX_EPOCH
}

fn uuid_from(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}
