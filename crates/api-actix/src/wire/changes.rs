//! The change feed on the wire: one change as `GET …/changes` and the event
//! stream send it, a page of them, and the query strings of both routes.
//! Strict like the task listing's query: an unknown or repeated parameter
//! is a 400; an empty value is the same as an absent one.

use domain::{Change, ChangeData, ChangeLimit, ChangePage, Seq};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::completions::CompletionDto;
use super::dto::TaskDto;
use super::labels::LabelDto;
use super::lists::ListDto;
use super::preferences::PreferencesDto;
use super::trash::TrashItemDto;
use crate::http::problem::FieldError;

/// What kind of entity changed: a task, list or label; the user's
/// `preferences` (the change's id is the user's id); a `completion` of a
/// recurring task (its `delete` is an undo); a `trash` item (its id is the
/// deleted task's or list's; `delete` when restored or deleted for good). Clients should ignore kinds
/// they do not know: later versions may add some.
#[derive(Debug, ToSchema)]
#[schema(as = ChangeEntity)]
pub enum ChangeEntityDoc {
    #[schema(rename = "task")]
    Task,
    #[schema(rename = "list")]
    List,
    #[schema(rename = "label")]
    Label,
    #[schema(rename = "preferences")]
    Preferences,
    #[schema(rename = "completion")]
    Completion,
    #[schema(rename = "trash")]
    Trash,
}

/// `upsert`: the entity now exists as `data` says (created or changed);
/// `delete`: it no longer exists (`data` is null).
#[derive(Debug, ToSchema)]
#[schema(as = ChangeOp)]
pub enum ChangeOpDoc {
    #[schema(rename = "upsert")]
    Upsert,
    #[schema(rename = "delete")]
    Delete,
}

/// The entity's current state, exactly as its own GET returns it: a Task
/// when `entity` is `task`, a List for `list`, a Label for `label`,
/// Preferences for `preferences`, a Completion (as an item of `GET
/// …/tasks/{id}/completions`) for `completion`, a TrashItem (as an item of
/// `GET …/trash`) for `trash`. (`anyOf`, not `oneOf`: a
/// List object also satisfies the Label schema.)
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
#[schema(as = ChangeData)]
pub enum ChangeDataDto {
    Task(TaskDto),
    List(ListDto),
    Label(LabelDto),
    Preferences(PreferencesDto),
    Completion(CompletionDto),
    Trash(TrashItemDto),
}

/// One change of the caller's data.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = Change)]
pub struct ChangeDto {
    /// The change's position in the caller's log: strictly increasing, no
    /// gaps in commit order (collapsed entries leave gaps within a page).
    #[schema(minimum = 1)]
    pub seq: u64,
    #[schema(value_type = ChangeEntityDoc)]
    pub entity: &'static str,
    #[schema(value_type = ChangeOpDoc)]
    pub op: &'static str,
    /// The entity's id.
    pub id: Uuid,
    /// The entity as it is now (read when the change is read, not when it
    /// was made): a Task, List, Label, Preferences or Completion as their
    /// GETs return them, or a TrashItem; null when it no longer exists.
    #[schema(required = true)]
    pub data: Option<ChangeDataDto>,
}

impl From<&Change> for ChangeDto {
    fn from(change: &Change) -> Self {
        let data = match &change.data {
            ChangeData::Task(task) => Some(ChangeDataDto::Task(TaskDto::from(task.as_ref()))),
            ChangeData::List(list) => Some(ChangeDataDto::List(ListDto::from(list.as_ref()))),
            ChangeData::Label(label) => Some(ChangeDataDto::Label(LabelDto::from(label.as_ref()))),
            ChangeData::Preferences(preferences) => Some(ChangeDataDto::Preferences(
                PreferencesDto::from(preferences.as_ref()),
            )),
            ChangeData::Completion(completion) => Some(ChangeDataDto::Completion(
                CompletionDto::from(completion.as_ref()),
            )),
            ChangeData::Trash(item) => {
                Some(ChangeDataDto::Trash(TrashItemDto::from(item.as_ref())))
            }
            ChangeData::Gone => None,
        };
        Self {
            seq: change.seq.get(),
            entity: change.entity.as_str(),
            op: change.op().as_str(),
            id: change.id,
            data,
        }
    }
}

/// A page of the caller's changes, in ascending `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ChangePage)]
pub struct ChangePageDto {
    /// Several changes of one entity within a page may be collapsed into
    /// the last of them.
    pub changes: Vec<ChangeDto>,
    /// Where to continue (`since` of the next request): the last `seq` the
    /// page covers, or the `since` asked for when the page is empty.
    #[schema(minimum = 0)]
    pub next: u64,
    /// Whether more changes follow `next` already.
    pub has_more: bool,
}

impl From<&ChangePage> for ChangePageDto {
    fn from(page: &ChangePage) -> Self {
        Self {
            changes: page.changes.iter().map(ChangeDto::from).collect(),
            next: page.next.get(),
            has_more: page.has_more,
        }
    }
}

/// The query of `GET /api/{user_id}/changes`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// Required. The last `seq` the client has applied (`0` before the
    /// first change): the page starts after it. Digits only, at most the
    /// caller's latest `seq`.
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64)]
    pub since: u64,
    /// Page size, an integer from 1 to 1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u16>,
}

/// The query of `GET /api/{user_id}/events`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Where to start when no `Last-Event-ID` header is sent: the last
    /// `seq` the client has applied. Absent (and without the header): the
    /// stream starts at the caller's latest change (live only).
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64)]
    pub since: Option<u64>,
}

/// The parameters one route accepts, each at most once.
fn parameters(
    query_string: &str,
    known: &[&str],
    errors: &mut Vec<FieldError>,
) -> Vec<(String, String)> {
    let mut seen: Vec<(String, String)> = Vec::new();
    for (name, value) in form_urlencoded::parse(query_string.as_bytes()) {
        if !known.contains(&name.as_ref()) {
            errors.push(FieldError::new(name.as_ref(), "is not a known parameter"));
        } else if seen.iter().any(|(n, _)| *n == name) {
            errors.push(FieldError::new(name.as_ref(), "must be given at most once"));
        } else {
            seen.push((name.into_owned(), value.into_owned()));
        }
    }
    seen.retain(|(_, value)| !value.is_empty());
    seen
}

/// A position as a client sends it (`since`, `Last-Event-ID`).
///
/// # Errors
/// The message for a value that is not a `seq`.
pub fn seq(text: &str) -> Result<Seq, String> {
    Seq::parse(text).map_err(|e| e.to_string())
}

/// `since` (required) and `limit` of `GET …/changes`.
///
/// # Errors
/// One entry per bad, missing, unknown or repeated parameter.
pub fn parse_changes_query(query_string: &str) -> Result<(Seq, ChangeLimit), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut since = None;
    let mut limit = ChangeLimit::DEFAULT;
    for (name, value) in parameters(query_string, &["since", "limit"], &mut errors) {
        match name.as_str() {
            "since" => match seq(&value) {
                Ok(s) => since = Some(s),
                Err(message) => errors.push(FieldError::new("since", message)),
            },
            _ => match value
                .parse::<i64>()
                .map_err(|_| domain::ChangeLimitError)
                .and_then(ChangeLimit::new)
            {
                Ok(l) => limit = l,
                Err(e) => errors.push(FieldError::new("limit", e.to_string())),
            },
        }
    }
    if since.is_none() && !errors.iter().any(|e| e.field == "since") {
        errors.push(FieldError::new(
            "since",
            "is required: the last seq you have applied (0 for everything kept)",
        ));
    }
    match since {
        Some(since) if errors.is_empty() => Ok((since, limit)),
        _ => Err(errors),
    }
}

/// The optional `since` of `GET …/events`.
///
/// # Errors
/// One entry per bad, unknown or repeated parameter.
pub fn parse_events_query(query_string: &str) -> Result<Option<Seq>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut since = None;
    for (_, value) in parameters(query_string, &["since"], &mut errors) {
        match seq(&value) {
            Ok(s) => since = Some(s),
            Err(message) => errors.push(FieldError::new("since", message)),
        }
    }
    if errors.is_empty() {
        Ok(since)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn changes_query_needs_since_and_bounds_limit() {
        let (since, limit) = parse_changes_query("since=5").unwrap();
        assert_eq!((since.get(), limit.get()), (5, 100));
        let (_, limit) = parse_changes_query("since=0&limit=1000").unwrap();
        assert_eq!(limit.get(), 1000);
        for (query, bad) in [
            ("", vec!["since"]),
            ("since=", vec!["since"]),
            ("limit=5", vec!["since"]),
            ("since=-1", vec!["since"]),
            ("since=1x", vec!["since"]),
            ("since=9223372036854775808", vec!["since"]),
            ("since=1&limit=0", vec!["limit"]),
            ("since=1&limit=1001", vec!["limit"]),
            ("since=1&limit=a", vec!["limit"]),
            ("since=1&since=2", vec!["since"]),
            ("since=1&cursor=x", vec!["cursor"]),
        ] {
            let errors = parse_changes_query(query).unwrap_err();
            assert_eq!(fields(&errors), bad, "{query}");
        }
    }

    #[test]
    fn events_query_since_is_optional() {
        assert_eq!(parse_events_query("").unwrap(), None);
        assert_eq!(parse_events_query("since=").unwrap(), None);
        assert_eq!(
            parse_events_query("since=7").unwrap().map(Seq::get),
            Some(7)
        );
        assert_eq!(
            fields(&parse_events_query("since=x&limit=2").unwrap_err()),
            vec!["limit", "since"]
        );
    }
}
