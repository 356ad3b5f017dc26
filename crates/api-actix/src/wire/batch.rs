//! The body of `POST …/tasks/batch`: `{"operations": [...]}`, each
//! operation `{op, id, if_match?, ...}` with, for `update`, the PATCH
//! fields and, for `move`, the move fields beside `id` (parsed by
//! `task_input`'s own parsers, so a batch accepts exactly what the single
//! routes accept). Every error is named by a JSON pointer into the body
//! (`/operations/3/title`), all of them reported at once.

use domain::limits::MAX_BATCH_OPERATIONS;
use domain::{BatchAction, BatchOp, Placement, TaskId, Version};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::dto::TaskDto;
use super::task_input;
use crate::http::problem::FieldError;

/// The members an operation has whatever its `op`.
const COMMON_MEMBERS: [&str; 3] = ["op", "id", "if_match"];

/// The operation names, as on the wire.
pub const OPS: [&str; 6] = ["complete", "reopen", "update", "move", "delete", "restore"];

/// The body of `POST …/tasks/batch` (for the OpenAPI document; parsed by
/// [`parse`]).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = BatchRequest)]
pub struct BatchDoc {
    /// 1 to 100 operations, applied in order, all or nothing.
    #[schema(min_items = 1, max_items = 100)]
    pub operations: Vec<BatchOperationDoc>,
}

/// What an operation does.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = BatchOp)]
pub enum BatchOpDoc {
    Complete,
    Reopen,
    Update,
    Move,
    Delete,
    Restore,
}

/// One operation: `op` on task `id`. Beside these, an `update` carries the
/// fields of `PATCH …/tasks/{id}` (`TaskPatch`: title, description,
/// priority, due_at, due_all_day, recurrence, recurrence_basis, completed,
/// labels, list_id, parent_id) and a `move` those of `POST
/// …/tasks/{id}/move` (`TaskMove`: list_id, parent_id, before, after);
/// the other ops take no other member. Any other member is refused (422,
/// pointing at it).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = BatchOperation)]
pub struct BatchOperationDoc {
    pub op: BatchOpDoc,
    /// The task's id (for `restore`: its id in the trash).
    pub id: Uuid,
    /// Optional: the ETag the task must still have, `"\"3\""` (as the
    /// `ETag` header sends it) or `"3"`; else the batch fails with a 412
    /// naming `/operations/N/if_match`.
    #[schema(nullable = false, example = "\"3\"")]
    pub if_match: Option<String>,
}

/// The answer of a successful batch.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = BatchResult)]
pub struct BatchResultDto {
    /// The task each operation produced, in operation order (`delete`: the
    /// task as it went to the trash; `restore`: as it came back).
    pub tasks: Vec<TaskDto>,
}

/// A parsed batch: its operations, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub ops: Vec<BatchOp>,
}

impl Batch {
    /// The placement operation `index` asked for (`End` for anything but a
    /// move): names the anchor field when the store refuses it.
    pub fn placement_of(&self, index: usize) -> Placement<TaskId> {
        match self.ops.get(index).map(|op| &op.action) {
            Some(BatchAction::Move(to)) => to.placement,
            _ => Placement::End,
        }
    }
}

/// An `if_match` value: an ETag as sent in the header (`"\"3\""`) or its
/// bare version (`"3"`). Weak tags never match, so they are refused.
fn if_match(value: &Value) -> Result<Version, String> {
    const MESSAGE: &str = "must be an ETag such as \"3\" (a version number, quoted or not)";
    let text = value.as_str().ok_or(MESSAGE)?;
    let bare = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    match bare.parse::<i64>() {
        Ok(n) if n >= 1 && bare.bytes().all(|b| b.is_ascii_digit()) => Ok(Version::new(n)),
        _ => Err(MESSAGE.to_owned()),
    }
}

/// One operation, at `index`; errors are pushed with their pointers.
fn operation(index: usize, value: &Value, errors: &mut Vec<FieldError>) -> Option<BatchOp> {
    let pointer = |member: &str| format!("/operations/{index}/{member}");
    let Some(object) = value.as_object() else {
        errors.push(FieldError::new(
            format!("/operations/{index}"),
            "must be an object",
        ));
        return None;
    };
    let before = errors.len();
    let op = match object.get("op") {
        Some(Value::String(op)) if OPS.contains(&op.as_str()) => Some(op.as_str()),
        Some(_) => {
            errors.push(FieldError::new(
                pointer("op"),
                format!("must be one of {}", OPS.join(", ")),
            ));
            None
        }
        None => {
            errors.push(FieldError::new(pointer("op"), "is required"));
            None
        }
    };
    let id = match object.get("id") {
        Some(Value::String(id)) => TaskId::parse(id)
            .map_err(|_| errors.push(FieldError::new(pointer("id"), "must be a UUID")))
            .ok(),
        Some(_) => {
            errors.push(FieldError::new(pointer("id"), "must be a UUID"));
            None
        }
        None => {
            errors.push(FieldError::new(pointer("id"), "is required"));
            None
        }
    };
    let expected = match object.get("if_match") {
        None => None,
        Some(value) => match if_match(value) {
            Ok(version) => Some(version),
            Err(message) => {
                errors.push(FieldError::new(pointer("if_match"), message));
                None
            }
        },
    };
    let rest: Map<String, Value> = object
        .iter()
        .filter(|(name, _)| !COMMON_MEMBERS.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let action = match op? {
        "update" => nested(index, task_input::task_patch(&rest), errors).map(BatchAction::Update),
        "move" => nested(index, task_input::task_move(&rest), errors).map(BatchAction::Move),
        simple => {
            for name in rest.keys() {
                errors.push(FieldError::new(
                    pointer(name),
                    format!("is not a member of a {simple} operation"),
                ));
            }
            match simple {
                "complete" => Some(BatchAction::Complete),
                "reopen" => Some(BatchAction::Reopen),
                "delete" => Some(BatchAction::Delete),
                _ => Some(BatchAction::Restore),
            }
        }
    };
    if errors.len() > before {
        return None;
    }
    Some(BatchOp {
        id: id?,
        expected,
        action: action?,
    })
}

/// The value of a single route's parser, its errors moved under operation
/// `index`.
fn nested<T>(
    index: usize,
    result: Result<T, Vec<FieldError>>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(found) => {
            errors.extend(
                found.into_iter().map(|e| {
                    FieldError::new(format!("/operations/{index}/{}", e.field), e.message)
                }),
            );
            None
        }
    }
}

/// Parses the body of `POST …/tasks/batch`.
///
/// # Errors
/// Every problem found, each named by its JSON pointer (or `operations`
/// for a missing, empty or too long list).
pub fn parse(body: &Map<String, Value>) -> Result<Batch, Vec<FieldError>> {
    let mut errors = Vec::new();
    for name in body.keys().filter(|name| *name != "operations") {
        errors.push(FieldError::new(format!("/{name}"), "is not a known member"));
    }
    let operations = match body.get("operations") {
        Some(Value::Array(operations))
            if (1..=MAX_BATCH_OPERATIONS).contains(&operations.len()) =>
        {
            operations
        }
        _ => {
            errors.push(FieldError::new(
                "operations",
                format!("must be an array of 1 to {MAX_BATCH_OPERATIONS} operations"),
            ));
            return Err(errors);
        }
    };
    let ops: Vec<Option<BatchOp>> = operations
        .iter()
        .enumerate()
        .map(|(index, value)| operation(index, value, &mut errors))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Batch {
        ops: ops.into_iter().flatten().collect(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse_value(value: Value) -> Result<Batch, Vec<String>> {
        let Value::Object(map) = value else {
            panic!("not an object")
        };
        parse(&map).map_err(|errors| errors.into_iter().map(|e| e.field).collect())
    }

    const ID: &str = "0190f3a0-0000-7000-8000-000000000001";

    #[test]
    fn parses_every_op_with_its_fields() {
        let batch = parse_value(json!({"operations": [
            {"op": "complete", "id": ID, "if_match": "\"3\""},
            {"op": "reopen", "id": ID, "if_match": "4"},
            {"op": "update", "id": ID, "title": "New", "priority": "high"},
            {"op": "move", "id": ID, "after": ID},
            {"op": "delete", "id": ID},
            {"op": "restore", "id": ID},
        ]}))
        .unwrap();
        assert_eq!(batch.ops.len(), 6);
        assert_eq!(batch.ops[0].expected, Some(Version::new(3)));
        assert_eq!(batch.ops[1].expected, Some(Version::new(4)));
        assert_eq!(batch.ops[0].action, BatchAction::Complete);
        match &batch.ops[2].action {
            BatchAction::Update(patch) => assert_eq!(
                patch.title.as_ref().map(|t| t.as_str().to_owned()),
                Some("New".to_owned())
            ),
            other => panic!("{other:?}"),
        }
        assert!(matches!(batch.placement_of(3), Placement::After(_)));
        assert_eq!(batch.placement_of(4), Placement::End);
        assert_eq!(batch.ops[5].action, BatchAction::Restore);
    }

    #[test]
    fn every_error_is_named_by_its_pointer() {
        let errors = parse_value(json!({"operations": [
            {"op": "complete", "id": ID},
            {"op": "explode", "id": ID},
            {"op": "update", "id": "nope", "title": ""},
            {"op": "delete", "id": ID, "title": "x", "if_match": "W/\"1\""},
            {"op": "move", "id": ID, "before": ID, "after": ID},
            "not an object",
            {"id": ID},
        ], "extra": 1}))
        .unwrap_err();
        assert_eq!(
            errors,
            vec![
                "/extra",
                "/operations/1/op",
                "/operations/2/id",
                "/operations/2/title",
                "/operations/3/if_match",
                "/operations/3/title",
                "/operations/4/after",
                "/operations/5",
                "/operations/6/op",
            ]
        );
    }

    #[test]
    fn the_operations_must_be_one_to_a_hundred() {
        for body in [
            json!({}),
            json!({"operations": []}),
            json!({"operations": {}}),
            json!({"operations": vec![json!({"op": "delete", "id": ID}); 101]}),
        ] {
            assert_eq!(parse_value(body).unwrap_err(), vec!["operations"]);
        }
        let hundred = json!({"operations": vec![json!({"op": "delete", "id": ID}); 100]});
        assert_eq!(parse_value(hundred).unwrap().ops.len(), 100);
    }
}
