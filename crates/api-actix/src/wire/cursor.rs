//! The opaque pagination cursor: base64url (no padding) of a compact JSON
//! form of [`domain::Cursor`]. Clients must treat it as opaque. It is not
//! signed: a forged cursor can only move the caller within their own tasks,
//! because every listing is scoped to the authenticated owner.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::{Cursor, Position, Priority, SortKey, SortOrder, SortPosition, TaskId, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::timestamp;

/// Longer than any cursor this API issues (a 200-character title of
/// four-byte characters encodes to about 1.2 KiB).
pub const MAX_CURSOR_CHARS: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is not a cursor issued by this API; start again without it")]
pub struct InvalidCursor;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    /// Sort key.
    k: String,
    /// Order.
    o: String,
    /// The sort key's value for the last task of the page.
    v: Value,
    /// The last task's id.
    a: Uuid,
}

pub fn encode(cursor: &Cursor) -> String {
    let v = match &cursor.position {
        SortPosition::CreatedAt(t) | SortPosition::UpdatedAt(t) => {
            Value::from(timestamp::format(t))
        }
        SortPosition::DueAt(t) => t
            .as_ref()
            .map_or(Value::Null, |t| timestamp::format(t).into()),
        SortPosition::Priority(p) => Value::from(p.as_str()),
        SortPosition::Title(title) => Value::from(title.as_str()),
        SortPosition::Position(position) => Value::from(position.as_str()),
    };
    let wire = Wire {
        k: cursor.key().as_str().to_owned(),
        o: cursor.order.as_str().to_owned(),
        v,
        a: *cursor.after.as_uuid(),
    };
    // Serializing strings, a UUID and a JSON value cannot fail; an empty
    // cursor would simply be refused when it comes back.
    let json = serde_json::to_vec(&wire).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

fn instant(v: &Value) -> Result<Timestamp, InvalidCursor> {
    v.as_str()
        .and_then(|s| timestamp::parse(s).ok())
        .ok_or(InvalidCursor)
}

/// # Errors
/// [`InvalidCursor`] for anything `encode` did not produce.
pub fn decode(text: &str) -> Result<Cursor, InvalidCursor> {
    if text.len() > MAX_CURSOR_CHARS {
        return Err(InvalidCursor);
    }
    let json = URL_SAFE_NO_PAD.decode(text).map_err(|_| InvalidCursor)?;
    let wire: Wire = serde_json::from_slice(&json).map_err(|_| InvalidCursor)?;
    let key = SortKey::parse(&wire.k).map_err(|_| InvalidCursor)?;
    let order = SortOrder::parse(&wire.o).map_err(|_| InvalidCursor)?;
    let position = match key {
        SortKey::CreatedAt => SortPosition::CreatedAt(instant(&wire.v)?),
        SortKey::UpdatedAt => SortPosition::UpdatedAt(instant(&wire.v)?),
        SortKey::DueAt if wire.v.is_null() => SortPosition::DueAt(None),
        SortKey::DueAt => SortPosition::DueAt(Some(instant(&wire.v)?)),
        SortKey::Priority => SortPosition::Priority(
            wire.v
                .as_str()
                .and_then(|s| Priority::parse(s).ok())
                .ok_or(InvalidCursor)?,
        ),
        SortKey::Title => SortPosition::Title(wire.v.as_str().ok_or(InvalidCursor)?.to_owned()),
        SortKey::Position => SortPosition::Position(
            wire.v
                .as_str()
                .and_then(|s| Position::parse(s).ok())
                .ok_or(InvalidCursor)?,
        ),
    };
    Ok(Cursor {
        order,
        position,
        after: TaskId::from_uuid(wire.a),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn cursors() -> Vec<Cursor> {
        let t = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap()
            + chrono::Duration::microseconds(123_456);
        let after = TaskId::new_v7();
        let positions = [
            SortPosition::CreatedAt(t),
            SortPosition::UpdatedAt(t),
            SortPosition::DueAt(Some(t)),
            SortPosition::DueAt(None),
            SortPosition::Priority(Priority::High),
            SortPosition::Title("Ünïcode 🦀 \"quoted\"".into()),
            SortPosition::Position(Position::first()),
            SortPosition::Position(Position::parse("a0V").unwrap()),
        ];
        positions
            .into_iter()
            .flat_map(|position| {
                [SortOrder::Asc, SortOrder::Desc].map(|order| Cursor {
                    order,
                    position: position.clone(),
                    after,
                })
            })
            .collect()
    }

    #[test]
    fn round_trips_every_key_and_order_exactly() {
        for cursor in cursors() {
            let text = encode(&cursor);
            assert!(text.len() < MAX_CURSOR_CHARS);
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            assert_eq!(decode(&text), Ok(cursor));
        }
    }

    #[test]
    fn refuses_garbage_and_tampering() {
        assert_eq!(decode(""), Err(InvalidCursor));
        assert_eq!(decode("not base64!"), Err(InvalidCursor));
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("[1,2]")), Err(InvalidCursor));
        let forged = |json: &str| decode(&URL_SAFE_NO_PAD.encode(json));
        let id = Uuid::nil();
        assert_eq!(
            forged(&format!(
                r#"{{"k":"priority","o":"asc","v":"urgent","a":"{id}"}}"#
            )),
            Err(InvalidCursor)
        );
        assert_eq!(
            forged(&format!(
                r#"{{"k":"created_at","o":"asc","v":null,"a":"{id}"}}"#
            )),
            Err(InvalidCursor)
        );
        assert_eq!(
            forged(&format!(r#"{{"k":"id","o":"asc","v":"x","a":"{id}"}}"#)),
            Err(InvalidCursor)
        );
        // Not a position key the store could have made.
        for v in [r#""a00""#, r#""!""#, "1", "null"] {
            assert_eq!(
                forged(&format!(
                    r#"{{"k":"position","o":"asc","v":{v},"a":"{id}"}}"#
                )),
                Err(InvalidCursor),
                "{v}"
            );
        }
        assert_eq!(
            forged(&format!(
                r#"{{"k":"title","o":"asc","v":"x","a":"{id}","extra":1}}"#
            )),
            Err(InvalidCursor)
        );
        assert_eq!(
            forged(r#"{"k":"title","o":"asc","v":"x","a":"nope"}"#),
            Err(InvalidCursor)
        );
        assert!(forged(&format!(r#"{{"k":"title","o":"asc","v":"x","a":"{id}"}}"#)).is_ok());
        assert_eq!(
            decode(&"A".repeat(MAX_CURSOR_CHARS + 1)),
            Err(InvalidCursor)
        );
    }
}
