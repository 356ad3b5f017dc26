//! Turning a request's JSON object into domain values, collecting every
//! invalid field (422) instead of stopping at the first.
//!
//! The object is walked by hand rather than deserialized into a struct so
//! that a PATCH can tell an absent field from `null`, unknown and read-only
//! fields are named, and a wrong JSON type is reported against its field.
//!
//! Only the form of the ids is checked here: whether a list, parent or
//! label is the caller's is the store's to say (also 422, naming the field).
//! So are the rules that tie fields together on the stored task (a
//! recurring or all-day task needs a due date): a PATCH may send one
//! without the other, and only the store sees the result (422 naming
//! `recurrence` or `due_all_day`).

use domain::limits::MAX_LABELS_PER_TASK;
use domain::{
    CompletionChange, Description, LabelId, ListId, Placement, Priority, Recurrence,
    RecurrenceBasis, TaskFields, TaskId, TaskLabels, TaskLocation, TaskMove, TaskPatch, Timestamp,
    Title,
};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::fields::{Fields, NOT_NULL, nullable};
use super::timestamp;
use crate::http::problem::FieldError;

/// The fields a client may send when creating, replacing or patching.
pub const EDITABLE_FIELDS: [&str; 11] = [
    "title",
    "description",
    "priority",
    "due_at",
    "due_all_day",
    "recurrence",
    "recurrence_basis",
    "completed",
    "list_id",
    "parent_id",
    "labels",
];

/// Fields of the task representation that only the server sets.
pub const READ_ONLY_FIELDS: [&str; 7] = [
    "id",
    "user_id",
    "position",
    "subtasks",
    "next_due_at",
    "created_at",
    "updated_at",
];

/// Fields an earlier version accepted, with what replaced them.
pub const REMOVED_FIELDS: [(&str, &str); 1] = [(
    "category",
    "was removed in 0.2.0: labels replace categories (see `labels`)",
)];

/// The one field of `PATCH …/complete`.
pub const COMPLETION_FIELDS: [&str; 1] = ["completed"];

/// The fields of `POST …/tasks/{id}/move`.
pub const MOVE_FIELDS: [&str; 4] = ["list_id", "parent_id", "before", "after"];

/// A field that may be absent (`None`), present but invalid
/// (`Some(None)`) or present and valid (`Some(Some(v))`): `Err` when
/// invalid, else whether and how it is present.
fn valid<T>(field: Option<Option<T>>) -> Result<Option<T>, ()> {
    field.map(|v| v.ok_or(())).transpose()
}

fn title(value: &Value) -> Result<Title, String> {
    match value {
        Value::String(s) => Title::parse(s).map_err(|e| e.to_string()),
        Value::Null => Err(NOT_NULL.into()),
        _ => Err("must be a string".into()),
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

/// `due_all_day`: a boolean, like `completed`.
fn all_day(value: &Value) -> Result<bool, String> {
    completed(value)
}

/// `null` stops (or means no) recurrence.
fn recurrence(value: &Value) -> Result<Option<Recurrence>, String> {
    nullable(
        value,
        |s| Recurrence::parse(s).map_err(|e| e.to_string()),
        "must be an RRULE string (e.g. FREQ=WEEKLY;BYDAY=MO) or null",
    )
}

fn recurrence_basis(value: &Value) -> Result<RecurrenceBasis, String> {
    match value {
        Value::String(s) => RecurrenceBasis::parse(s).map_err(|e| e.to_string()),
        Value::Null => Err(NOT_NULL.into()),
        _ => Err(domain::RecurrenceBasisError.to_string()),
    }
}

const NOT_A_UUID: &str = "must be an id (a UUID string)";

fn uuid(value: &Value) -> Result<Uuid, String> {
    match value {
        Value::String(s) => Uuid::parse_str(s).map_err(|_| NOT_A_UUID.into()),
        Value::Null => Err(NOT_NULL.into()),
        _ => Err(NOT_A_UUID.into()),
    }
}

fn list_id(value: &Value) -> Result<ListId, String> {
    uuid(value).map(ListId::from_uuid)
}

fn task_ref(value: &Value) -> Result<TaskId, String> {
    uuid(value).map(TaskId::from_uuid)
}

/// `null` is the top level.
fn parent_id(value: &Value) -> Result<Option<TaskId>, String> {
    match value {
        Value::Null => Ok(None),
        _ => task_ref(value).map(Some),
    }
}

fn labels(value: &Value) -> Result<TaskLabels, String> {
    let items = match value {
        Value::Array(items) => items,
        Value::Null => return Err(NOT_NULL.into()),
        _ => return Err("must be an array of label ids".into()),
    };
    if items.len() > MAX_LABELS_PER_TASK {
        return Err(format!(
            "must hold at most {MAX_LABELS_PER_TASK} label ids (got {})",
            items.len()
        ));
    }
    let mut ids: Vec<LabelId> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let id = match item {
            Value::String(s) => Uuid::parse_str(s).ok().map(LabelId::from_uuid),
            _ => None,
        }
        .ok_or_else(|| format!("item {index} is not a label id (a UUID string)"))?;
        // The schema says `uniqueItems`: a repeat is a client's mistake
        // worth reporting rather than silently merging.
        if ids.contains(&id) {
            return Err(format!("item {index} repeats a label id"));
        }
        ids.push(id);
    }
    TaskLabels::new(ids).map_err(|e| e.to_string())
}

/// The body of `POST …/tasks` and `PUT …/tasks/{id}`: a complete set of
/// editable fields, and where the task goes. Absent optional fields are
/// empty, priority defaults to medium, `completed` to false, the list to
/// the parent's or the Inbox (the store resolves it) and the parent to
/// none.
///
/// # Errors
/// Every invalid, unknown, removed or read-only field.
pub fn task_fields(
    object: &Map<String, Value>,
) -> Result<(TaskFields, TaskLocation), Vec<FieldError>> {
    let mut f = Fields::new(object, &EDITABLE_FIELDS, &READ_ONLY_FIELDS, &REMOVED_FIELDS);
    let parsed_title = f.parse("title", title);
    if parsed_title.is_none() {
        f.fail("title", "is required");
    }
    // Absent optional fields take their default; a present but invalid
    // one (already recorded) makes the whole result `None`.
    let description = f.parse("description", description).unwrap_or(Some(None));
    let priority = f
        .parse("priority", priority)
        .unwrap_or(Some(Priority::default()));
    let due_at = f.parse("due_at", due_at).unwrap_or(Some(None));
    let due_all_day = f.parse("due_all_day", all_day).unwrap_or(Some(false));
    let recurrence = f.parse("recurrence", recurrence).unwrap_or(Some(None));
    let recurrence_basis = f
        .parse("recurrence_basis", recurrence_basis)
        .unwrap_or(Some(RecurrenceBasis::default()));
    let completed = f.parse("completed", completed).unwrap_or(Some(false));
    let labels = f
        .parse("labels", labels)
        .unwrap_or(Some(TaskLabels::default()));
    let list_id = valid(f.parse("list_id", list_id));
    let parent_id = f.parse("parent_id", parent_id).unwrap_or(Some(None));
    let schedule = match (due_all_day, recurrence, recurrence_basis) {
        (Some(due_all_day), Some(recurrence), Some(recurrence_basis)) => {
            Some((due_all_day, recurrence, recurrence_basis))
        }
        _ => None,
    };
    let assembled = match (
        parsed_title.flatten(),
        description,
        priority,
        due_at,
        schedule,
        completed,
        labels,
        list_id,
        parent_id,
    ) {
        (
            Some(title),
            Some(description),
            Some(priority),
            Some(due_at),
            Some((due_all_day, recurrence, recurrence_basis)),
            Some(completed),
            Some(labels),
            Ok(list_id),
            Some(parent_id),
        ) => Some((
            TaskFields {
                title,
                description,
                priority,
                due_at,
                due_all_day,
                recurrence,
                recurrence_basis,
                completed,
                labels,
            },
            TaskLocation { list_id, parent_id },
        )),
        _ => None,
    };
    f.finish(assembled)
}

/// The body of `PATCH …/tasks/{id}`: only the fields present change, and
/// `null` clears an optional one (for `parent_id`: the top level).
///
/// # Errors
/// Every invalid, unknown, removed or read-only field; `null` for a field
/// that cannot be empty.
pub fn task_patch(object: &Map<String, Value>) -> Result<TaskPatch, Vec<FieldError>> {
    let mut f = Fields::new(object, &EDITABLE_FIELDS, &READ_ONLY_FIELDS, &REMOVED_FIELDS);
    let title = valid(f.parse("title", title));
    let description = valid(f.parse("description", description));
    let priority = valid(f.parse("priority", priority));
    let due_at = valid(f.parse("due_at", due_at));
    let due_all_day = valid(f.parse("due_all_day", all_day));
    let recurrence = valid(f.parse("recurrence", recurrence));
    let recurrence_basis = valid(f.parse("recurrence_basis", recurrence_basis));
    let completed = valid(f.parse("completed", completed));
    let labels = valid(f.parse("labels", labels));
    let list_id = valid(f.parse("list_id", list_id));
    let parent_id = valid(f.parse("parent_id", parent_id));
    let schedule = match (due_all_day, recurrence, recurrence_basis) {
        (Ok(due_all_day), Ok(recurrence), Ok(recurrence_basis)) => {
            Ok((due_all_day, recurrence, recurrence_basis))
        }
        _ => Err(()),
    };
    let patch = match (
        title,
        description,
        priority,
        due_at,
        schedule,
        completed,
        labels,
        list_id,
        parent_id,
    ) {
        (
            Ok(title),
            Ok(description),
            Ok(priority),
            Ok(due_at),
            Ok((due_all_day, recurrence, recurrence_basis)),
            Ok(completed),
            Ok(labels),
            Ok(list_id),
            Ok(parent_id),
        ) => Some(TaskPatch {
            title,
            description,
            priority,
            due_at,
            due_all_day,
            recurrence,
            recurrence_basis,
            completed,
            labels,
            list_id,
            parent_id,
        }),
        _ => None,
    };
    f.finish(patch)
}

/// The body of `POST …/tasks/{id}/move`: where the task goes. Absent
/// fields mean what [`TaskMove`] says; `before` and `after` exclude each
/// other, and neither means at the end.
///
/// # Errors
/// Every invalid or unknown field; `before` and `after` together.
pub fn task_move(object: &Map<String, Value>) -> Result<TaskMove, Vec<FieldError>> {
    let mut f = Fields::new(object, &MOVE_FIELDS, &READ_ONLY_FIELDS, &REMOVED_FIELDS);
    let list_id = valid(f.parse("list_id", list_id));
    let parent_id = valid(f.parse("parent_id", parent_id));
    let before = valid(f.parse("before", task_ref));
    let after = valid(f.parse("after", task_ref));
    let placement = match (before, after) {
        (Ok(None), Ok(None)) => Some(Placement::End),
        (Ok(Some(id)), Ok(None)) => Some(Placement::Before(id)),
        (Ok(None), Ok(Some(id))) => Some(Placement::After(id)),
        (Ok(Some(_)), Ok(Some(_))) => {
            f.fail("after", "must not be given together with before");
            None
        }
        _ => None,
    };
    let to = match (list_id, parent_id, placement) {
        (Ok(list_id), Ok(parent_id), Some(placement)) => Some(TaskMove {
            list_id,
            parent_id,
            placement,
        }),
        _ => None,
    };
    f.finish(to)
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
    let mut f = Fields::new(
        object,
        &COMPLETION_FIELDS,
        &READ_ONLY_FIELDS,
        &REMOVED_FIELDS,
    );
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

    fn message(errors: &[FieldError], field: &str) -> String {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
            .unwrap()
    }

    const LIST: &str = "0190f3a0-0000-7000-8000-0000000000aa";
    const PARENT: &str = "0190f3a0-0000-7000-8000-0000000000bb";
    const LABEL_1: &str = "0190f3a0-0000-7000-8000-000000000001";
    const LABEL_2: &str = "0190f3a0-0000-7000-8000-000000000002";

    fn label_ids(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| Uuid::from_u128(i as u128 + 1).to_string())
            .collect()
    }

    #[test]
    fn full_fields_with_defaults() {
        let (fields, location) = task_fields(&object(json!({"title": "  Buy milk "}))).unwrap();
        assert_eq!(fields, TaskFields::new(Title::parse("Buy milk").unwrap()));
        assert_eq!(location, TaskLocation::default());
    }

    #[test]
    fn full_fields_with_every_value() {
        let (fields, location) = task_fields(&object(json!({
            "title": "Report",
            "description": "quarterly\nnumbers",
            "priority": "high",
            "due_at": "2030-01-31T10:00:00+01:00",
            "completed": true,
            "list_id": LIST,
            "parent_id": PARENT,
            "labels": [LABEL_2, LABEL_1]
        })))
        .unwrap();
        assert_eq!(fields.priority, Priority::High);
        assert_eq!(
            fields.due_at.unwrap().to_rfc3339(),
            "2030-01-31T09:00:00+00:00"
        );
        assert!(fields.completed);
        assert_eq!(fields.description.unwrap().as_str(), "quarterly\nnumbers");
        // Sorted, whatever order they came in.
        assert_eq!(
            fields.labels.as_slice(),
            [LABEL_1, LABEL_2].map(|l| LabelId::parse(l).unwrap())
        );
        assert_eq!(location.list_id, Some(ListId::parse(LIST).unwrap()));
        assert_eq!(location.parent_id, Some(TaskId::parse(PARENT).unwrap()));
        let (_, top) = task_fields(&object(json!({"title": "x", "parent_id": null}))).unwrap();
        assert_eq!(top.parent_id, None);
    }

    #[test]
    fn reports_every_bad_field_by_name() {
        let errors = task_fields(&object(json!({
            "description": 5,
            "priority": "urgent",
            "category": "work",
            "due_at": "tomorrow",
            "completed": "yes",
            "id": "x",
            "created_at": "x",
            "position": "a0",
            "subtasks": {"total": 1},
            "list_id": null,
            "parent_id": "nope",
            "labels": "work",
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
                "labels",
                "list_id",
                "parent_id",
                "position",
                "priority",
                "subtasks",
                "title"
            ]
        );
        assert_eq!(message(&errors, "title"), "is required");
        assert_eq!(message(&errors, "id"), "is read-only and cannot be set");
        assert_eq!(
            message(&errors, "position"),
            "is read-only and cannot be set"
        );
        assert_eq!(message(&errors, "colour"), "is not a known field");
        assert!(message(&errors, "category").contains("labels"));
        assert_eq!(
            message(&errors, "priority"),
            "must be one of: low, medium, high"
        );
        assert_eq!(message(&errors, "list_id"), "must not be null");
        assert_eq!(message(&errors, "parent_id"), NOT_A_UUID);
        assert_eq!(message(&errors, "labels"), "must be an array of label ids");
    }

    #[test]
    fn labels_are_at_most_twenty_distinct_ids() {
        let twenty = label_ids(20);
        let (fields, _) = task_fields(&object(json!({"title": "x", "labels": twenty}))).unwrap();
        assert_eq!(fields.labels.len(), 20);
        for (labels, expected) in [
            (
                json!(label_ids(21)),
                "must hold at most 20 label ids (got 21)",
            ),
            (json!([LABEL_1, LABEL_1]), "item 1 repeats a label id"),
            (
                json!([LABEL_1, 7]),
                "item 1 is not a label id (a UUID string)",
            ),
            (
                json!(["not-a-uuid"]),
                "item 0 is not a label id (a UUID string)",
            ),
            (json!(null), "must not be null"),
        ] {
            let errors = task_fields(&object(json!({"title": "x", "labels": labels}))).unwrap_err();
            assert_eq!(errors, [FieldError::new("labels", expected)], "{labels}");
            let errors = task_patch(&object(json!({"labels": labels}))).unwrap_err();
            assert_eq!(errors, [FieldError::new("labels", expected)], "{labels}");
        }
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
        let patch = task_patch(&object(json!({
            "description": null, "priority": "low", "parent_id": null, "labels": []
        })))
        .unwrap();
        assert_eq!(patch.description, Some(None));
        assert_eq!(patch.priority, Some(Priority::Low));
        assert_eq!(patch.parent_id, Some(None));
        assert_eq!(patch.labels, Some(TaskLabels::default()));
        assert_eq!(patch.title, None);
        assert_eq!(patch.list_id, None);
        assert!(task_patch(&object(json!({}))).unwrap().is_empty());
        let patch = task_patch(&object(json!({"list_id": LIST, "parent_id": PARENT}))).unwrap();
        assert_eq!(patch.list_id, Some(ListId::parse(LIST).unwrap()));
        assert_eq!(patch.parent_id, Some(Some(TaskId::parse(PARENT).unwrap())));
    }

    #[test]
    fn patch_refuses_null_for_required_fields() {
        let errors = task_patch(&object(json!({
            "title": null, "priority": null, "completed": null, "list_id": null, "labels": null
        })))
        .unwrap_err();
        assert_eq!(errors.len(), 5);
        assert!(errors.iter().all(|e| e.message == "must not be null"));
    }

    #[test]
    fn move_reads_destination_and_place() {
        let task = |id: &str| TaskId::parse(id).unwrap();
        assert_eq!(
            task_move(&object(json!({}))),
            Ok(TaskMove {
                list_id: None,
                parent_id: None,
                placement: Placement::End
            })
        );
        assert_eq!(
            task_move(&object(
                json!({"list_id": LIST, "parent_id": null, "before": PARENT})
            )),
            Ok(TaskMove {
                list_id: Some(ListId::parse(LIST).unwrap()),
                parent_id: Some(None),
                placement: Placement::Before(task(PARENT))
            })
        );
        assert_eq!(
            task_move(&object(json!({"parent_id": PARENT, "after": LABEL_1}))),
            Ok(TaskMove {
                list_id: None,
                parent_id: Some(Some(task(PARENT))),
                placement: Placement::After(task(LABEL_1))
            })
        );
    }

    #[test]
    fn move_refuses_bad_fields_and_both_anchors() {
        let errors = task_move(&object(json!({"before": PARENT, "after": LABEL_1}))).unwrap_err();
        assert_eq!(
            errors,
            [FieldError::new(
                "after",
                "must not be given together with before"
            )]
        );
        let errors = task_move(&object(json!({
            "list_id": 1, "parent_id": "x", "before": null, "after": "y", "title": "t"
        })))
        .unwrap_err();
        let mut names = fields_of(&errors);
        names.sort_unstable();
        assert_eq!(names, ["after", "before", "list_id", "parent_id", "title"]);
        assert_eq!(message(&errors, "before"), "must not be null");
    }

    #[test]
    fn schedule_fields_default_parse_and_name_their_errors() {
        let (fields, _) = task_fields(&object(json!({"title": "x"}))).unwrap();
        assert!(!fields.due_all_day);
        assert_eq!(fields.recurrence, None);
        assert_eq!(fields.recurrence_basis, RecurrenceBasis::Due);
        let (fields, _) = task_fields(&object(json!({
            "title": "x",
            "due_at": "2030-01-31T09:00:00Z",
            "due_all_day": true,
            "recurrence": "rrule:freq=weekly;byday=mo,th",
            "recurrence_basis": "completion"
        })))
        .unwrap();
        assert!(fields.due_all_day);
        assert_eq!(
            fields.recurrence.as_ref().map(Recurrence::as_str),
            Some("FREQ=WEEKLY;BYDAY=MO,TH")
        );
        assert_eq!(fields.recurrence_basis, RecurrenceBasis::Completion);
        for (body, field) in [
            (json!({"recurrence": "FREQ=HOURLY"}), "recurrence"),
            (json!({"recurrence": "every day"}), "recurrence"),
            (json!({"recurrence": 7}), "recurrence"),
            (json!({"due_all_day": null}), "due_all_day"),
            (json!({"due_all_day": "yes"}), "due_all_day"),
            (json!({"recurrence_basis": "schedule"}), "recurrence_basis"),
            (json!({"recurrence_basis": null}), "recurrence_basis"),
            (json!({"next_due_at": null}), "next_due_at"),
        ] {
            let mut full = object(body.clone());
            full.insert("title".into(), json!("x"));
            let errors = task_fields(&full).unwrap_err();
            assert_eq!(fields_of(&errors), [field], "{body}");
            let errors = task_patch(&object(body.clone())).unwrap_err();
            assert_eq!(fields_of(&errors), [field], "{body}");
        }
        assert_eq!(
            message(
                &task_fields(&object(json!({"title": "x", "next_due_at": null}))).unwrap_err(),
                "next_due_at"
            ),
            "is read-only and cannot be set"
        );
    }

    #[test]
    fn patch_reads_and_clears_the_schedule() {
        let patch = task_patch(&object(json!({"recurrence": null}))).unwrap();
        assert_eq!(patch.recurrence, Some(None));
        assert_eq!(patch.due_all_day, None);
        let patch = task_patch(&object(json!({
            "recurrence": "FREQ=MONTHLY;BYMONTHDAY=15", "due_all_day": false,
            "recurrence_basis": "due"
        })))
        .unwrap();
        assert_eq!(
            patch.recurrence.flatten().as_ref().map(Recurrence::as_str),
            Some("FREQ=MONTHLY;BYMONTHDAY=15")
        );
        assert_eq!(patch.due_all_day, Some(false));
        assert_eq!(patch.recurrence_basis, Some(RecurrenceBasis::Due));
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
