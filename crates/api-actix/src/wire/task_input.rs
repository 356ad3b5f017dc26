//! Turning a request's JSON object into domain values, collecting every
//! invalid field (422) instead of stopping at the first.
//!
//! The object is walked by hand rather than deserialized into a struct so
//! that a PATCH can tell an absent field from `null`, unknown and read-only
//! fields are named, and a wrong JSON type is reported against its field.

use domain::{
    CompletionChange, Description, Priority, TaskFields, TaskLabels, TaskPatch, Timestamp, Title,
};
use serde_json::{Map, Value};

use super::timestamp;
use crate::http::problem::FieldError;

/// The fields a client may send when creating, replacing or patching.
pub const EDITABLE_FIELDS: [&str; 5] = ["title", "description", "priority", "due_at", "completed"];

/// Fields of the task representation that only the server sets. For now
/// also `list_id`, `parent_id` and `labels`, which the body parser does not
/// take yet (issue 9: the port does; `TaskLocation::default()` is the Inbox).
pub const READ_ONLY_FIELDS: [&str; 9] = [
    "id",
    "user_id",
    "created_at",
    "updated_at",
    "position",
    "subtasks",
    "list_id",
    "parent_id",
    "labels",
];

/// The one field of `PATCH …/complete`.
pub const COMPLETION_FIELDS: [&str; 1] = ["completed"];

const NOT_NULL: &str = "must not be null";

/// Unknown and read-only fields, each named.
fn check_names(object: &Map<String, Value>, allowed: &[&str], errors: &mut Vec<FieldError>) {
    for name in object.keys() {
        if allowed.contains(&name.as_str()) {
            continue;
        }
        let message = if READ_ONLY_FIELDS.contains(&name.as_str()) {
            "is read-only and cannot be set"
        } else {
            "is not a known field"
        };
        errors.push(FieldError::new(name.as_str(), message));
    }
}

/// Collects errors while fields are parsed one by one.
struct Fields<'a> {
    object: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    fn new(object: &'a Map<String, Value>, allowed: &[&str]) -> Self {
        let mut errors = Vec::new();
        check_names(object, allowed, &mut errors);
        Self { object, errors }
    }

    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// `None`: absent. `Some(None)`: present but invalid (already recorded).
    fn parse<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Option<Option<T>> {
        let value = self.object.get(field)?;
        match parse(value) {
            Ok(parsed) => Some(Some(parsed)),
            Err(message) => {
                self.fail(field, message);
                Some(None)
            }
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(self.errors),
        }
    }
}

fn title(value: &Value) -> Result<Title, String> {
    match value {
        Value::String(s) => Title::parse(s).map_err(|e| e.to_string()),
        Value::Null => Err(NOT_NULL.into()),
        _ => Err("must be a string".into()),
    }
}

fn nullable<T>(
    value: &Value,
    parse: impl FnOnce(&str) -> Result<T, String>,
    wrong_type: &str,
) -> Result<Option<T>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => parse(s).map(Some),
        _ => Err(wrong_type.into()),
    }
}

fn description(value: &Value) -> Result<Option<Description>, String> {
    nullable(
        value,
        |s| Description::parse(s).map_err(|e| e.to_string()),
        "must be a string or null",
    )
}

fn due_at(value: &Value) -> Result<Option<Timestamp>, String> {
    nullable(
        value,
        |s| timestamp::parse(s).map_err(str::to_owned),
        "must be an RFC 3339 date-time string or null",
    )
}

fn priority(value: &Value) -> Result<Priority, String> {
    match value {
        Value::String(s) => Priority::parse(s).map_err(|e| e.to_string()),
        Value::Null => Err(NOT_NULL.into()),
        _ => Err(domain::PriorityError.to_string()),
    }
}

fn completed(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Null => Err(NOT_NULL.into()),
        _ => Err("must be true or false".into()),
    }
}

/// The body of `POST …/tasks` and `PUT …/tasks/{id}`: a complete set of
/// editable fields. Absent optional fields are empty, priority defaults to
/// medium and `completed` to false.
///
/// # Errors
/// Every invalid, unknown or read-only field.
pub fn task_fields(object: &Map<String, Value>) -> Result<TaskFields, Vec<FieldError>> {
    let mut f = Fields::new(object, &EDITABLE_FIELDS);
    let parsed_title = f.parse("title", title);
    if parsed_title.is_none() {
        f.fail("title", "is required");
    }
    // Absent optional fields take their default; a present but invalid
    // one (already recorded) makes the whole result `None`.
    let fields = assemble_fields(
        parsed_title.flatten(),
        f.parse("description", description).unwrap_or(Some(None)),
        f.parse("priority", priority)
            .unwrap_or(Some(Priority::default())),
        f.parse("due_at", due_at).unwrap_or(Some(None)),
        f.parse("completed", completed).unwrap_or(Some(false)),
    );
    f.finish(fields)
}

fn assemble_fields(
    title: Option<Title>,
    description: Option<Option<Description>>,
    priority: Option<Priority>,
    due_at: Option<Option<Timestamp>>,
    completed: Option<bool>,
) -> Option<TaskFields> {
    Some(TaskFields {
        title: title?,
        description: description?,
        priority: priority?,
        due_at: due_at?,
        completed: completed?,
        labels: TaskLabels::default(),
    })
}

/// Each argument is absent (`None`), present but invalid (`Some(None)`) or
/// present and valid (`Some(Some(v))`); any invalid one gives `None`.
fn assemble_patch(
    title: Option<Option<Title>>,
    description: Option<Option<Option<Description>>>,
    priority: Option<Option<Priority>>,
    due_at: Option<Option<Option<Timestamp>>>,
    completed: Option<Option<bool>>,
) -> Option<TaskPatch> {
    fn valid<T>(field: Option<Option<T>>) -> Result<Option<T>, ()> {
        field.map(|v| v.ok_or(())).transpose()
    }
    Some(TaskPatch {
        title: valid(title).ok()?,
        description: valid(description).ok()?,
        priority: valid(priority).ok()?,
        due_at: valid(due_at).ok()?,
        completed: valid(completed).ok()?,
        ..TaskPatch::default()
    })
}

/// The body of `PATCH …/tasks/{id}`: only the fields present change, and
/// `null` clears an optional one.
///
/// # Errors
/// Every invalid, unknown or read-only field; `null` for a field that
/// cannot be empty.
pub fn task_patch(object: &Map<String, Value>) -> Result<TaskPatch, Vec<FieldError>> {
    let mut f = Fields::new(object, &EDITABLE_FIELDS);
    let title = f.parse("title", title);
    let description = f.parse("description", description);
    let priority = f.parse("priority", priority);
    let due_at = f.parse("due_at", due_at);
    let completed = f.parse("completed", completed);
    let patch = assemble_patch(title, description, priority, due_at, completed);
    f.finish(patch)
}

/// The body of `PATCH …/tasks/{id}/complete`: none (or `{}`) toggles,
/// `{"completed": bool}` sets.
///
/// # Errors
/// An unknown field, or `completed` that is not a boolean.
pub fn completion_change(
    object: Option<&Map<String, Value>>,
) -> Result<CompletionChange, Vec<FieldError>> {
    let Some(object) = object else {
        return Ok(CompletionChange::Toggle);
    };
    let mut f = Fields::new(object, &COMPLETION_FIELDS);
    let change = match f.parse("completed", completed) {
        None => Some(CompletionChange::Toggle),
        Some(value) => value.map(CompletionChange::Set),
    };
    f.finish(change)
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
    fn full_fields_with_defaults() {
        let fields = task_fields(&object(json!({"title": "  Buy milk "}))).unwrap();
        assert_eq!(fields, TaskFields::new(Title::parse("Buy milk").unwrap()));
    }

    #[test]
    fn full_fields_with_every_value() {
        let fields = task_fields(&object(json!({
            "title": "Report",
            "description": "quarterly\nnumbers",
            "priority": "high",
            "due_at": "2030-01-31T10:00:00+01:00",
            "completed": true
        })))
        .unwrap();
        assert_eq!(fields.priority, Priority::High);
        assert_eq!(
            fields.due_at.unwrap().to_rfc3339(),
            "2030-01-31T09:00:00+00:00"
        );
        assert!(fields.completed);
        assert_eq!(fields.description.unwrap().as_str(), "quarterly\nnumbers");
    }

    #[test]
    fn reports_every_bad_field_by_name() {
        let errors = task_fields(&object(json!({
            "description": 5,
            "priority": "urgent",
            // Gone in 0.2.0: labels replace it.
            "category": "",
            "due_at": "tomorrow",
            "completed": "yes",
            "id": "x",
            "created_at": "x",
            "colour": "red"
        })))
        .unwrap_err();
        let mut names = fields_of(&errors);
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "category",
                "colour",
                "completed",
                "created_at",
                "description",
                "due_at",
                "id",
                "priority",
                "title"
            ]
        );
        let message = |field: &str| {
            errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
                .unwrap()
        };
        assert_eq!(message("title"), "is required");
        assert_eq!(message("id"), "is read-only and cannot be set");
        assert_eq!(message("colour"), "is not a known field");
        assert_eq!(message("priority"), "must be one of: low, medium, high");
    }

    #[test]
    fn title_rules_come_from_the_domain() {
        let errors = task_fields(&object(json!({"title": "   "}))).unwrap_err();
        assert_eq!(errors, [FieldError::new("title", "must not be empty")]);
        let errors = task_fields(&object(json!({"title": "a".repeat(201)}))).unwrap_err();
        assert_eq!(
            errors,
            [FieldError::new(
                "title",
                "must be at most 200 characters (got 201)"
            )]
        );
        let errors = task_fields(&object(json!({"title": null}))).unwrap_err();
        assert_eq!(errors, [FieldError::new("title", "must not be null")]);
        let errors = task_fields(&object(json!({"title": ["x"]}))).unwrap_err();
        assert_eq!(errors, [FieldError::new("title", "must be a string")]);
    }

    #[test]
    fn patch_tells_absent_from_null() {
        let patch = task_patch(&object(json!({"description": null, "priority": "low"}))).unwrap();
        assert_eq!(patch.description, Some(None));
        assert_eq!(patch.priority, Some(Priority::Low));
        assert_eq!(patch.title, None);
        assert!(task_patch(&object(json!({}))).unwrap().is_empty());
    }

    #[test]
    fn patch_refuses_null_for_required_fields() {
        let errors = task_patch(&object(json!({
            "title": null, "priority": null, "completed": null
        })))
        .unwrap_err();
        assert_eq!(errors.len(), 3);
        assert!(errors.iter().all(|e| e.message == "must not be null"));
    }

    #[test]
    fn completion_toggles_or_sets() {
        assert_eq!(completion_change(None), Ok(CompletionChange::Toggle));
        assert_eq!(
            completion_change(Some(&object(json!({})))),
            Ok(CompletionChange::Toggle)
        );
        assert_eq!(
            completion_change(Some(&object(json!({"completed": false})))),
            Ok(CompletionChange::Set(false))
        );
        let errors =
            completion_change(Some(&object(json!({"completed": 1, "title": "x"})))).unwrap_err();
        assert_eq!(fields_of(&errors), ["title", "completed"]);
    }
}
