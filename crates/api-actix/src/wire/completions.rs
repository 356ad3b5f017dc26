//! A task's completion history on the wire: one completion as
//! `GET …/tasks/{id}/completions` sends it, that route's query string
//! (strict, like the task listing's: an unknown or repeated parameter is a
//! 400, an empty value is absent), its opaque cursor and the `Link` to the
//! next page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use domain::{
    Completion, CompletionCursor, CompletionId, CompletionQuery, PageLimit, TaskId, UserId,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::cursor::{InvalidCursor, MAX_CURSOR_CHARS};
use super::timestamp;
use crate::http::problem::FieldError;

/// The parameters of `GET …/tasks/{id}/completions`.
pub const PARAMETERS: [&str; 2] = ["limit", "cursor"];

/// One completed occurrence of a recurring task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = Completion)]
pub struct CompletionDto {
    pub id: Uuid,
    /// The task whose occurrence was completed.
    pub task_id: Uuid,
    /// When it was completed.
    #[serde(serialize_with = "timestamp::serialize")]
    pub completed_at: DateTime<Utc>,
    /// The occurrence it completed: the task's `due_at` at the time.
    #[serde(serialize_with = "timestamp::serialize")]
    pub due_at: DateTime<Utc>,
}

impl From<&Completion> for CompletionDto {
    fn from(completion: &Completion) -> Self {
        Self {
            id: *completion.id.as_uuid(),
            task_id: *completion.task_id.as_uuid(),
            completed_at: completion.completed_at,
            due_at: completion.due_at,
        }
    }
}

/// The query of `GET /api/{user_id}/tasks/{id}/completions`. Each at most
/// once; no other parameter is accepted (400); an empty value is the same
/// as an absent one.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompletionsQuery {
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
    /// The last completion's `completed_at`.
    t: String,
    /// The last completion's id.
    a: Uuid,
}

pub fn encode_cursor(cursor: &CompletionCursor) -> String {
    let wire = Wire {
        t: timestamp::format(&cursor.completed_at),
        a: *cursor.after.as_uuid(),
    };
    // A string and a UUID always serialize; an empty cursor would simply
    // be refused when it comes back.
    let json = serde_json::to_vec(&wire).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// # Errors
/// [`InvalidCursor`] for anything `encode_cursor` did not produce.
pub fn decode_cursor(text: &str) -> Result<CompletionCursor, InvalidCursor> {
    if text.len() > MAX_CURSOR_CHARS {
        return Err(InvalidCursor);
    }
    let json = URL_SAFE_NO_PAD.decode(text).map_err(|_| InvalidCursor)?;
    let wire: Wire = serde_json::from_slice(&json).map_err(|_| InvalidCursor)?;
    let completed_at = timestamp::parse(&wire.t).map_err(|_| InvalidCursor)?;
    Ok(CompletionCursor {
        completed_at,
        after: CompletionId::from_uuid(wire.a),
    })
}

/// # Errors
/// One entry per bad, unknown or repeated parameter.
pub fn parse(query_string: &str) -> Result<CompletionQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut query = CompletionQuery::default();
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
pub fn next_page_url(
    owner: UserId,
    task: TaskId,
    query: &CompletionQuery,
    last: &Completion,
) -> String {
    let mut params = form_urlencoded::Serializer::new(String::new());
    params.append_pair("limit", &query.limit.get().to_string());
    params.append_pair("cursor", &encode_cursor(&CompletionCursor::after(last)));
    format!("/api/{owner}/tasks/{task}/completions?{}", params.finish())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn names(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    fn completion() -> Completion {
        Completion {
            id: CompletionId::new_v7(),
            task_id: TaskId::new_v7(),
            completed_at: Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap()
                + chrono::Duration::microseconds(123_456),
            due_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
        }
    }

    #[test]
    fn defaults_and_limits() {
        assert_eq!(parse(""), Ok(CompletionQuery::default()));
        assert_eq!(parse("limit=&cursor="), Ok(CompletionQuery::default()));
        assert_eq!(parse("limit=100").unwrap().limit.get(), 100);
        for bad in ["limit=0", "limit=101", "limit=x", "limit=1&limit=2"] {
            assert_eq!(names(&parse(bad).unwrap_err()), ["limit"], "{bad}");
        }
        assert_eq!(names(&parse("cursor=nope!").unwrap_err()), ["cursor"]);
        assert_eq!(names(&parse("since=1").unwrap_err()), ["since"]);
    }

    #[test]
    fn the_next_page_url_parses_back() {
        let last = completion();
        let owner = UserId::parse("33e85bcb-82d5-4511-b8fc-1f6806a44a90").unwrap();
        let query = parse("limit=2").unwrap();
        let url = next_page_url(owner, last.task_id, &query, &last);
        let (path, qs) = url.split_once('?').unwrap();
        assert_eq!(
            path,
            format!("/api/{owner}/tasks/{}/completions", last.task_id)
        );
        let again = parse(qs).unwrap();
        assert_eq!(again.limit.get(), 2);
        assert_eq!(again.cursor, Some(CompletionCursor::after(&last)));
    }

    #[test]
    fn forged_cursors_are_refused() {
        let forged = |json: &str| decode_cursor(&URL_SAFE_NO_PAD.encode(json));
        assert_eq!(forged(r#"{"t":"soon","a":"x"}"#), Err(InvalidCursor));
        assert_eq!(
            forged(
                r#"{"t":"2026-01-01T00:00:00Z","a":"00000000-0000-0000-0000-000000000000","x":1}"#
            ),
            Err(InvalidCursor)
        );
        assert!(
            forged(r#"{"t":"2026-01-01T00:00:00Z","a":"00000000-0000-0000-0000-000000000000"}"#)
                .is_ok()
        );
        assert_eq!(
            decode_cursor(&"A".repeat(MAX_CURSOR_CHARS + 1)),
            Err(InvalidCursor)
        );
    }
}
