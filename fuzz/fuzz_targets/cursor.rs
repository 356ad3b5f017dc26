//! The pagination cursor decoder (crates/api-actix/src/wire/cursor.rs): any text
//! is refused or decodes to a cursor that encodes and decodes back to
//! itself, and that the list query accepts with its own sort and order.
#![no_main]

use api_actix::wire::{cursor, list_query};
use domain::SortOrder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(decoded) = cursor::decode(text) else {
        return;
    };
    assert!(text.len() <= cursor::MAX_CURSOR_CHARS);
    let again = cursor::encode(&decoded);
    assert_eq!(cursor::decode(&again).as_ref(), Ok(&decoded), "{again}");
    let order = match decoded.order {
        SortOrder::Asc => "asc",
        SortOrder::Desc => "desc",
    };
    let query = format!(
        "sort={}&order={order}&cursor={again}",
        decoded.key().as_str()
    );
    let parsed = list_query::parse(&query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    assert_eq!(parsed.query.cursor(), Some(&decoded));
});
