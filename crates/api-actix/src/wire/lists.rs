//! A list on the wire: the JSON the API sends, the bodies it accepts (as
//! documented and as parsed), and the body of a move. A test keeps the
//! documented request properties identical to the fields the parsers
//! accept.

use chrono::{DateTime, Utc};
use domain::{Color, ListId, ListName, ListPatch, ListSummary, NewList, Placement};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::dto::ColorDto;
use super::fields::{self, Fields};
use super::timestamp;
use crate::http::problem::FieldError;

/// The fields a client may send when creating or changing a list.
pub const EDITABLE_FIELDS: [&str; 2] = ["name", "color"];

/// Fields of the list representation that only the server sets.
pub const READ_ONLY_FIELDS: [&str; 8] = [
    "id",
    "user_id",
    "position",
    "is_inbox",
    "open_tasks",
    "total_tasks",
    "created_at",
    "updated_at",
];

/// The fields of a move.
pub const MOVE_FIELDS: [&str; 2] = ["before", "after"];

/// A list (a project), as every list endpoint returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = List)]
pub struct ListDto {
    pub id: Uuid,
    /// The owner: always the authenticated user.
    pub user_id: Uuid,
    /// Trimmed, 1–100 characters, no control characters; unique among the
    /// user's lists ignoring case.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub color: ColorDto,
    /// The list's place in the manual order: a key that sorts
    /// lexicographically (byte order). The Inbox is always first.
    pub position: String,
    /// Whether this is the user's Inbox, which cannot be renamed, moved or
    /// deleted.
    pub is_inbox: bool,
    /// Tasks in the list (subtasks included) not completed.
    pub open_tasks: u32,
    /// Tasks in the list, subtasks included.
    pub total_tasks: u32,
    // Written by `timestamp`, the one text form of an instant on the wire.
    #[serde(serialize_with = "timestamp::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<&ListSummary> for ListDto {
    fn from(summary: &ListSummary) -> Self {
        let list = &summary.list;
        Self {
            id: *list.id.as_uuid(),
            user_id: *list.owner.as_uuid(),
            name: list.name.as_str().to_owned(),
            color: list.color.into(),
            position: list.position.as_str().to_owned(),
            is_inbox: list.is_inbox,
            open_tasks: summary.open_tasks,
            total_tasks: summary.total_tasks,
            created_at: list.created_at,
            updated_at: list.updated_at,
        }
    }
}

/// The body of `POST /api/{user_id}/lists`. Unknown and read-only fields
/// are rejected by name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ListInput)]
pub struct ListInputDoc {
    /// Required. Trimmed; then 1–100 characters (Unicode code points), no
    /// control characters; unique among the user's lists ignoring case
    /// (409 otherwise).
    #[schema(min_length = 1, max_length = 100, example = "Groceries")]
    pub name: String,
    /// Default `gray`; not null.
    #[schema(nullable = false, default = "gray")]
    pub color: Option<ColorDto>,
}

/// The body of `PATCH /api/{user_id}/lists/{list_id}`: only the fields
/// present change. The Inbox's name cannot change (409).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ListPatch)]
pub struct ListPatchDoc {
    /// As in `ListInput`. Not null.
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// Not null.
    #[schema(nullable = false)]
    pub color: Option<ColorDto>,
}

/// The body of `POST /api/{user_id}/lists/{list_id}/move`: right before
/// or right after another of the user's lists; neither (`{}`) moves it to
/// the end. Not both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ListMove)]
pub struct ListMoveDoc {
    /// The id of the list to place it right before (not the Inbox).
    #[schema(nullable = false)]
    pub before: Option<Uuid>,
    /// The id of the list to place it right after.
    #[schema(nullable = false)]
    pub after: Option<Uuid>,
}

fn name(value: &Value) -> Result<ListName, String> {
    fields::string(value, ListName::parse)
}

/// The body of a new list: `name` required, `color` default gray.
///
/// # Errors
/// Every invalid, unknown or read-only field.
pub fn new_list(object: &Map<String, Value>) -> Result<NewList, Vec<FieldError>> {
    let mut f = Fields::new(object, &EDITABLE_FIELDS, &READ_ONLY_FIELDS, &[]);
    let parsed_name = f.parse("name", name);
    if parsed_name.is_none() {
        f.fail("name", "is required");
    }
    let color = f
        .parse("color", fields::color)
        .unwrap_or(Some(Color::default()));
    let new = match (parsed_name.flatten(), color) {
        (Some(name), Some(color)) => Some(NewList { name, color }),
        _ => None,
    };
    f.finish(new)
}

/// The body of a list change: only the fields present.
///
/// # Errors
/// Every invalid, unknown or read-only field; `null` for either field.
pub fn list_patch(object: &Map<String, Value>) -> Result<ListPatch, Vec<FieldError>> {
    let mut f = Fields::new(object, &EDITABLE_FIELDS, &READ_ONLY_FIELDS, &[]);
    let name = f.parse("name", name);
    let color = f.parse("color", fields::color);
    let patch = match (name, color) {
        (Some(None), _) | (_, Some(None)) => None,
        (name, color) => Some(ListPatch {
            name: name.flatten(),
            color: color.flatten(),
        }),
    };
    f.finish(patch)
}

fn list_id(value: &Value) -> Result<ListId, String> {
    fields::string(value, |s| {
        ListId::parse(s).map_err(|_| "must be a list id (a UUID)")
    })
}

/// The body of a move, or none (`{}` or no body): at the end.
///
/// # Errors
/// An unknown field, an id that is not a UUID, or both `before` and
/// `after`.
pub fn placement(
    object: Option<&Map<String, Value>>,
) -> Result<Placement<ListId>, Vec<FieldError>> {
    let Some(object) = object else {
        return Ok(Placement::End);
    };
    let mut f = Fields::new(object, &MOVE_FIELDS, &[], &[]);
    let before = f.parse("before", list_id);
    let after = f.parse("after", list_id);
    let placement = match (before, after) {
        (Some(Some(_)), Some(Some(_))) => {
            f.fail("after", "cannot be given together with before");
            None
        }
        (Some(None), _) | (_, Some(None)) => None,
        (Some(Some(id)), None) => Some(Placement::Before(id)),
        (None, Some(Some(id))) => Some(Placement::After(id)),
        (None, None) => Some(Placement::End),
    };
    f.finish(placement)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    fn fields_of(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_new_list_needs_a_name_and_may_have_a_color() {
        let new = new_list(&object(json!({"name": "  Groceries "}))).unwrap();
        assert_eq!(new.name.as_str(), "Groceries");
        assert_eq!(new.color, Color::Gray);
        let new = new_list(&object(json!({"name": "Work", "color": "teal"}))).unwrap();
        assert_eq!(new.color, Color::Teal);
        let errors = new_list(&object(json!({"color": "mauve", "id": 1, "x": 2}))).unwrap_err();
        let mut names = fields_of(&errors);
        names.sort_unstable();
        assert_eq!(names, ["color", "id", "name", "x"]);
        let errors = new_list(&object(json!({"name": "a".repeat(101)}))).unwrap_err();
        assert_eq!(fields_of(&errors), ["name"]);
        let errors = new_list(&object(json!({"name": null}))).unwrap_err();
        assert_eq!(errors, [FieldError::new("name", "must not be null")]);
    }

    #[test]
    fn a_patch_changes_only_what_is_present() {
        assert!(list_patch(&object(json!({}))).unwrap().is_empty());
        let patch = list_patch(&object(json!({"color": "red"}))).unwrap();
        assert_eq!(patch.color, Some(Color::Red));
        assert_eq!(patch.name, None);
        let errors = list_patch(&object(json!({"name": null, "color": null}))).unwrap_err();
        assert_eq!(fields_of(&errors), ["name", "color"]);
    }

    #[test]
    fn a_move_is_before_after_or_to_the_end() {
        let id = ListId::new_v7();
        assert_eq!(placement(None), Ok(Placement::End));
        assert_eq!(placement(Some(&object(json!({})))), Ok(Placement::End));
        assert_eq!(
            placement(Some(&object(json!({"before": id.to_string()})))),
            Ok(Placement::Before(id))
        );
        assert_eq!(
            placement(Some(&object(json!({"after": id.to_string()})))),
            Ok(Placement::After(id))
        );
        let both = json!({"before": id.to_string(), "after": id.to_string()});
        assert_eq!(
            fields_of(&placement(Some(&object(both))).unwrap_err()),
            ["after"]
        );
        let bad = object(json!({"before": "x", "position": "a"}));
        let errors = placement(Some(&bad)).unwrap_err();
        let mut names = fields_of(&errors);
        names.sort_unstable();
        assert_eq!(names, ["before", "position"]);
    }
}
