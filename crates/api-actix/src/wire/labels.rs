//! A label on the wire: the JSON the API sends and the bodies it accepts
//! (as documented and as parsed). A test keeps the documented request
//! properties identical to the fields the parsers accept.

use chrono::{DateTime, Utc};
use domain::{Color, Label, LabelName, LabelPatch, NewLabel};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::dto::ColorDto;
use super::fields::{self, Fields};
use super::timestamp;
use crate::http::problem::FieldError;

/// The fields a client may send when creating or changing a label.
pub const EDITABLE_FIELDS: [&str; 2] = ["name", "color"];

/// Fields of the label representation that only the server sets.
pub const READ_ONLY_FIELDS: [&str; 4] = ["id", "user_id", "created_at", "updated_at"];

/// A label, as every label endpoint returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = Label)]
pub struct LabelDto {
    pub id: Uuid,
    /// The owner: always the authenticated user.
    pub user_id: Uuid,
    /// Trimmed, 1–50 characters, no control characters; unique among the
    /// user's labels ignoring case.
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    pub color: ColorDto,
    // Written by `timestamp`, the one text form of an instant on the wire.
    #[serde(serialize_with = "timestamp::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<&Label> for LabelDto {
    fn from(label: &Label) -> Self {
        Self {
            id: *label.id.as_uuid(),
            user_id: *label.owner.as_uuid(),
            name: label.name.as_str().to_owned(),
            color: label.color.into(),
            created_at: label.created_at,
            updated_at: label.updated_at,
        }
    }
}

/// The body of `POST /api/{user_id}/labels`. Unknown and read-only fields
/// are rejected by name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LabelInput)]
pub struct LabelInputDoc {
    /// Required. Trimmed; then 1–50 characters (Unicode code points), no
    /// control characters; unique among the user's labels ignoring case
    /// (409 otherwise).
    #[schema(min_length = 1, max_length = 50, example = "errand")]
    pub name: String,
    /// Default `gray`; not null.
    #[schema(nullable = false, default = "gray")]
    pub color: Option<ColorDto>,
}

/// The body of `PATCH /api/{user_id}/labels/{label_id}`: only the fields
/// present change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LabelPatch)]
pub struct LabelPatchDoc {
    /// As in `LabelInput`. Not null.
    #[schema(nullable = false, min_length = 1, max_length = 50)]
    pub name: Option<String>,
    /// Not null.
    #[schema(nullable = false)]
    pub color: Option<ColorDto>,
}

fn name(value: &Value) -> Result<LabelName, String> {
    fields::string(value, LabelName::parse)
}

/// The body of a new label: `name` required, `color` default gray.
///
/// # Errors
/// Every invalid, unknown or read-only field.
pub fn new_label(object: &Map<String, Value>) -> Result<NewLabel, Vec<FieldError>> {
    let mut f = Fields::new(object, &EDITABLE_FIELDS, &READ_ONLY_FIELDS, &[]);
    let parsed_name = f.parse("name", name);
    if parsed_name.is_none() {
        f.fail("name", "is required");
    }
    let color = f
        .parse("color", fields::color)
        .unwrap_or(Some(Color::default()));
    let new = match (parsed_name.flatten(), color) {
        (Some(name), Some(color)) => Some(NewLabel { name, color }),
        _ => None,
    };
    f.finish(new)
}

/// The body of a label change: only the fields present.
///
/// # Errors
/// Every invalid, unknown or read-only field; `null` for either field.
pub fn label_patch(object: &Map<String, Value>) -> Result<LabelPatch, Vec<FieldError>> {
    let mut f = Fields::new(object, &EDITABLE_FIELDS, &READ_ONLY_FIELDS, &[]);
    let name = f.parse("name", name);
    let color = f.parse("color", fields::color);
    let patch = match (name, color) {
        (Some(None), _) | (_, Some(None)) => None,
        (name, color) => Some(LabelPatch {
            name: name.flatten(),
            color: color.flatten(),
        }),
    };
    f.finish(patch)
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

    #[test]
    fn names_are_trimmed_and_bounded_at_50() {
        let new = new_label(&object(json!({"name": " errand ", "color": "pink"}))).unwrap();
        assert_eq!(new.name.as_str(), "errand");
        assert_eq!(new.color, Color::Pink);
        assert!(new_label(&object(json!({"name": "a".repeat(50)}))).is_ok());
        let errors = new_label(&object(json!({"name": "a".repeat(51)}))).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "name");
        let errors = label_patch(&object(json!({"created_at": "x"}))).unwrap_err();
        assert_eq!(
            errors,
            [FieldError::new(
                "created_at",
                "is read-only and cannot be set"
            )]
        );
    }
}
