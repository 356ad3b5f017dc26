//! The bearer token parser of crates/adapters-jwt (header, HS256 signature,
//! claims policy). The first byte picks what the rest is: a raw token, the
//! JSON header of an otherwise valid signed token, or the JSON claims of a
//! correctly signed token (so the claims parser is reached past the
//! signature check).
#![no_main]

use adapters_jwt::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 3 {
        0 => {
            if let Ok(raw) = std::str::from_utf8(rest) {
                fuzzing::token(raw);
            }
        }
        1 => fuzzing::header(rest),
        _ => fuzzing::claims(rest),
    }
});
