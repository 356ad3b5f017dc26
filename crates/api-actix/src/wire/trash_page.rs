//! The query of `GET …/trash` (`limit`, `cursor`) and the URL of its next
//! page, as for the completions: keyset pagination, newest first.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::{PageLimit, TrashCursor, TrashItem, TrashQuery, UserId};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use uuid::Uuid;

use super::cursor::{InvalidCursor, MAX_CURSOR_CHARS};
use super::timestamp;
use crate::http::problem::FieldError;

/// The parameters of `GET …/trash`.
pub const PARAMETERS: [&str; 2] = ["limit", "cursor"];

/// The query of `GET /api/{user_id}/trash`. Each at most once; no other
/// parameter is accepted (400); an empty value is the same as an absent
/// one.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrashPageQuery {
    /// Page size, an integer from 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u16>,
    /// Opaque cursor from a previous page's `Link` header (base64url, at
    /// most 2048 characters); anything else is 400.
    pub cursor: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    /// The last item's `deleted_at`.
    t: String,
    /// The last item's id.
    a: Uuid,
}

pub fn encode_cursor(cursor: &TrashCursor) -> String {
    let wire = Wire {
        t: timestamp::format(&cursor.deleted_at),
        a: cursor.after,
    };
    // A string and a UUID always serialize; an empty cursor would simply
    // be refused when it comes back.
    let json = serde_json::to_vec(&wire).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// # Errors
/// [`InvalidCursor`] for anything `encode_cursor` did not produce.
pub fn decode_cursor(text: &str) -> Result<TrashCursor, InvalidCursor> {
    if text.len() > MAX_CURSOR_CHARS {
        return Err(InvalidCursor);
    }
    let json = URL_SAFE_NO_PAD.decode(text).map_err(|_| InvalidCursor)?;
    let wire: Wire = serde_json::from_slice(&json).map_err(|_| InvalidCursor)?;
    let deleted_at = timestamp::parse(&wire.t).map_err(|_| InvalidCursor)?;
    Ok(TrashCursor {
        deleted_at,
        after: wire.a,
    })
}

/// # Errors
/// One entry per bad, unknown or repeated parameter.
pub fn parse(query_string: &str) -> Result<TrashQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut query = TrashQuery::default();
    for (name, value) in form_urlencoded::parse(query_string.as_bytes()) {
        if !PARAMETERS.contains(&name.as_ref()) {
            errors.push(FieldError::new(name.as_ref(), "is not a known parameter"));
            continue;
        }
        if seen.iter().any(|s| *s == name) {
            errors.push(FieldError::new(name.as_ref(), "must be given at most once"));
            continue;
        }
        seen.push(name.to_string());
        if value.is_empty() {
            continue;
        }
        if name == "limit" {
            match value
                .parse::<i64>()
                .map_err(|_| domain::PageLimitError)
                .and_then(PageLimit::new)
            {
                Ok(limit) => query.limit = limit,
                Err(e) => errors.push(FieldError::new("limit", e.to_string())),
            }
        } else {
            match decode_cursor(&value) {
                Ok(cursor) => query.cursor = Some(cursor),
                Err(e) => errors.push(FieldError::new("cursor", e.to_string())),
            }
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

/// The relative URL of the page after the one `query` produced, which
/// ended with `last`: the same limit, plus the cursor.
pub fn next_page_url(owner: UserId, query: &TrashQuery, last: &TrashItem) -> String {
    let mut params = form_urlencoded::Serializer::new(String::new());
    params.append_pair("limit", &query.limit.get().to_string());
    params.append_pair("cursor", &encode_cursor(&TrashCursor::after(last)));
    format!("/api/{owner}/trash?{}", params.finish())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn a_cursor_comes_back_as_it_went() {
        let cursor = TrashCursor {
            deleted_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap(),
            after: Uuid::now_v7(),
        };
        assert_eq!(decode_cursor(&encode_cursor(&cursor)), Ok(cursor));
        assert_eq!(decode_cursor("garbage"), Err(InvalidCursor));
    }

    #[test]
    fn bad_parameters_are_each_named() {
        let fields = |q: &str| -> Vec<String> {
            parse(q).unwrap_err().into_iter().map(|e| e.field).collect()
        };
        assert_eq!(
            fields("limit=0&cursor=x&sort=1"),
            vec!["limit", "cursor", "sort"]
        );
        assert_eq!(fields("limit=5&limit=6"), vec!["limit"]);
        assert_eq!(parse("limit=7").unwrap().limit.get(), 7);
        assert_eq!(parse("").unwrap(), TrashQuery::default());
    }
}
