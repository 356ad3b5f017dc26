//! The one text form of an instant on the wire: RFC 3339 with an offset
//! when read (`2030-01-31T10:00:00+01:00`), RFC 3339 in UTC with `Z` and
//! only the fractional digits needed (0, 3, 6 or 9) when written. Request
//! bodies, query parameters, cursors, `Link` URLs and the task JSON all go
//! through here, so a value the API writes is always one it reads back.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::Timestamp;
use serde::Serializer;

/// Parses an RFC 3339 date-time with an offset, e.g. `2030-01-31T09:00:00Z`
/// or `2030-01-31T10:00:00+01:00`, into UTC.
///
/// # Errors
/// A readable message when `raw` is not such a date-time.
pub fn parse(raw: &str) -> Result<Timestamp, &'static str> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| "must be an RFC 3339 date-time with an offset, e.g. 2030-01-31T09:00:00Z")
}

/// The text of `t`, e.g. `2030-01-31T09:00:00Z` or
/// `2030-01-31T09:00:00.123456Z`.
pub fn format(t: &Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// [`format`] for `#[serde(serialize_with)]`.
///
/// # Errors
/// Only the serializer's own.
pub fn serialize<S: Serializer>(t: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(t))
}

/// [`format`] of an optional instant (`null` when absent), for
/// `#[serde(serialize_with)]`.
///
/// # Errors
/// Only the serializer's own.
pub fn serialize_option<S: Serializer>(
    t: &Option<Timestamp>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => serialize(t, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn timestamps_need_an_offset() {
        assert!(parse("2030-01-31T09:00:00Z").is_ok());
        assert!(parse("2030-01-31T09:00:00").is_err());
        assert!(parse("2030-01-31").is_err());
        assert!(parse("+202030-01-31T09:00:00Z").is_err());
    }

    #[test]
    fn written_in_utc_with_the_digits_needed_and_read_back() {
        let t = Utc.with_ymd_and_hms(2030, 1, 31, 9, 0, 0).unwrap();
        assert_eq!(format(&t), "2030-01-31T09:00:00Z");
        let micros = t + chrono::Duration::microseconds(123_456);
        assert_eq!(format(&micros), "2030-01-31T09:00:00.123456Z");
        assert_eq!(parse(&format(&micros)), Ok(micros));
        assert_eq!(
            parse("2030-01-31T10:00:00+01:00").map(|t| format(&t)),
            Ok("2030-01-31T09:00:00Z".to_owned())
        );
        // The same text chrono's own serde writes: the JSON did not change.
        assert_eq!(
            serde_json::to_value(micros).unwrap(),
            serde_json::Value::from(format(&micros))
        );
    }
}
