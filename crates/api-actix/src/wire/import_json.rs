//! `POST …/import` with `application/json`: this API's own export
//! (version 1) turned into an [`ImportPlan`]. Every member goes through the domain's
//! parsers; every problem is reported at once, each with the JSON pointer
//! of the offending member (`/tasks/3/title`), before anything is written.

use std::collections::HashMap;

use chrono::TimeZone as _;

use domain::{
    Color, Description, ImportPlan, LabelName, ListName, PlanItem, PlannedCompletion, PlannedLabel,
    PlannedList, PlannedTask, Position, Preferences, Priority, Recurrence, RecurrenceBasis,
    TimeZone, Timestamp, Title, WeekStart,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::http::problem::FieldError;
use crate::wire::export_json::{ExportDocument, FORMAT, VERSION};
use crate::wire::preferences::WeekStartDto;
use crate::wire::timestamp;

/// At most this many errors are listed; the rest would only repeat them.
const MAX_ERRORS: usize = 100;

/// Only the members that say what the document is, read before the rest.
#[derive(Debug, Deserialize)]
struct Envelope {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

/// Why a JSON body cannot be imported: not a version 1 export, or members
/// that do not parse (each named by its pointer).
#[derive(Debug)]
pub enum JsonImportError {
    /// Not JSON at all (syntax): 400.
    Syntax(String),
    /// JSON, but not an export this API reads, or with invalid members: 422.
    Invalid(Vec<FieldError>),
}

struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, pointer: String, message: impl Into<String>) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(FieldError::new(pointer, message));
        }
    }
}

fn time(errors: &mut Errors, pointer: String, raw: &str) -> Option<Timestamp> {
    match timestamp::parse(raw) {
        Ok(t) => Some(t),
        Err(message) => {
            errors.push(pointer, message);
            None
        }
    }
}

fn opt_time(errors: &mut Errors, pointer: String, raw: Option<&str>) -> Option<Timestamp> {
    raw.and_then(|raw| time(errors, pointer, raw))
}

fn parsed<T, E: std::fmt::Display>(
    errors: &mut Errors,
    pointer: String,
    result: Result<T, E>,
) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) => {
            errors.push(pointer, e.to_string());
            None
        }
    }
}

/// Parses `body` as an export and builds the plan.
///
/// # Errors
/// [`JsonImportError`] as documented there.
pub fn plan(body: &[u8]) -> Result<ImportPlan, JsonImportError> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            JsonImportError::Invalid(vec![FieldError::new(
                "/",
                "must be a JSON object: an export of this API (format todo-api-export)",
            )])
        } else {
            JsonImportError::Syntax(format!("The request body is not valid JSON: {e}."))
        }
    })?;
    if envelope.format.as_ref().and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(JsonImportError::Invalid(vec![FieldError::new(
            "/format",
            format!(
                "must be \"{FORMAT}\": only this API's own JSON export can be imported as JSON"
            ),
        )]));
    }
    if envelope
        .version
        .as_ref()
        .and_then(serde_json::Value::as_u64)
        != Some(u64::from(VERSION))
    {
        return Err(JsonImportError::Invalid(vec![FieldError::new(
            "/version",
            format!("must be {VERSION}: the only export version this API reads"),
        )]));
    }
    let document: ExportDocument = serde_json::from_slice(body).map_err(|e| {
        JsonImportError::Invalid(vec![FieldError::new(
            "/",
            format!("is not a well-formed export: {e}"),
        )])
    })?;
    let mut errors = Errors(Vec::new());
    let plan = build(&document, &mut errors);
    if errors.0.is_empty() {
        for problem in plan.problems() {
            let (section, i) = match problem.item {
                PlanItem::List(i) => ("lists", i),
                PlanItem::Label(i) => ("labels", i),
                PlanItem::Task(i) => ("tasks", i),
                PlanItem::Completion(i) => ("completions", i),
            };
            let pointer = if problem.field.is_empty() {
                format!("/{section}")
            } else {
                format!("/{section}/{i}/{}", problem.field)
            };
            errors.push(pointer, problem.reason);
        }
    }
    if errors.0.is_empty() {
        Ok(plan)
    } else {
        Err(JsonImportError::Invalid(errors.0))
    }
}

/// 00:00 UTC of `date`: how a plan carries an all-day date.
pub fn date_as_utc(date: chrono::NaiveDate) -> Timestamp {
    chrono::Utc.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN))
}

fn build(doc: &ExportDocument, errors: &mut Errors) -> ImportPlan {
    let mut plan = ImportPlan::default();
    if let Some(p) = &doc.preferences {
        let zone = parsed(
            errors,
            "/preferences/time_zone".into(),
            TimeZone::parse(&p.time_zone),
        );
        if let Some(time_zone) = zone {
            plan.preferences = Some(Preferences {
                time_zone,
                week_start: match p.week_start {
                    WeekStartDto::Monday => WeekStart::Monday,
                    WeekStartDto::Sunday => WeekStart::Sunday,
                },
            });
        }
    }
    let source_zone = plan
        .preferences
        .as_ref()
        .map_or(TimeZone::UTC, |p| p.time_zone);
    let mut list_index: HashMap<Uuid, usize> = HashMap::new();
    for (i, list) in doc.lists.iter().enumerate() {
        let at = |m: &str| format!("/lists/{i}/{m}");
        if list_index.insert(list.id, i).is_some() {
            errors.push(at("id"), "is the id of an earlier list");
        }
        let name = parsed(errors, at("name"), ListName::parse(&list.name));
        let color = parsed(errors, at("color"), Color::parse(&list.color));
        let position = parsed(errors, at("position"), Position::parse(&list.position));
        let created_at = time(errors, at("created_at"), &list.created_at);
        let updated_at = time(errors, at("updated_at"), &list.updated_at);
        if let (Some(name), Some(color)) = (name, color) {
            plan.lists.push(PlannedList {
                name: if list.is_inbox {
                    ListName::inbox()
                } else {
                    name
                },
                color,
                is_inbox: list.is_inbox,
                position,
                created_at,
                updated_at,
            });
        }
    }
    let mut label_index: HashMap<Uuid, usize> = HashMap::new();
    for (i, label) in doc.labels.iter().enumerate() {
        let at = |m: &str| format!("/labels/{i}/{m}");
        if label_index.insert(label.id, i).is_some() {
            errors.push(at("id"), "is the id of an earlier label");
        }
        let name = parsed(errors, at("name"), LabelName::parse(&label.name));
        let color = parsed(errors, at("color"), Color::parse(&label.color));
        let created_at = time(errors, at("created_at"), &label.created_at);
        let updated_at = time(errors, at("updated_at"), &label.updated_at);
        if let (Some(name), Some(color)) = (name, color) {
            plan.labels.push(PlannedLabel {
                name,
                color,
                created_at,
                updated_at,
            });
        }
    }
    let mut task_index: HashMap<Uuid, usize> = HashMap::new();
    for (i, task) in doc.tasks.iter().enumerate() {
        let at = |m: &str| format!("/tasks/{i}/{m}");
        let list = list_index.get(&task.list_id).copied();
        if list.is_none() {
            errors.push(at("list_id"), "is not the id of a list in the export");
        }
        let parent = match task.parent_id {
            None => Some(None),
            Some(p) => match task_index.get(&p) {
                Some(&p) => Some(Some(p)),
                None => {
                    errors.push(
                        at("parent_id"),
                        "is not the id of a task earlier in the export (parents come first)",
                    );
                    None
                }
            },
        };
        let mut labels = Vec::with_capacity(task.labels.len());
        for (j, label) in task.labels.iter().enumerate() {
            match label_index.get(label) {
                Some(&l) => labels.push(l),
                None => errors.push(
                    format!("/tasks/{i}/labels/{j}"),
                    "is not the id of a label in the export",
                ),
            }
        }
        let title = parsed(errors, at("title"), Title::parse(&task.title));
        let description = task
            .description
            .as_deref()
            .map(|d| parsed(errors, at("description"), Description::parse(d)));
        let priority = parsed(errors, at("priority"), Priority::parse(&task.priority));
        let position = parsed(errors, at("position"), Position::parse(&task.position));
        let due_at = opt_time(errors, at("due_at"), task.due_at.as_deref()).map(|due| {
            if task.due_all_day {
                // The date in the exporting account's zone, as 00:00 UTC
                // (`PlannedTask::due_at`).
                date_as_utc(source_zone.local_date(due))
            } else {
                due
            }
        });
        let recurrence = task
            .recurrence
            .as_deref()
            .map(|r| parsed(errors, at("recurrence"), Recurrence::parse(r)));
        let basis = parsed(
            errors,
            at("recurrence_basis"),
            RecurrenceBasis::parse(&task.recurrence_basis),
        );
        let created_at = time(errors, at("created_at"), &task.created_at);
        let updated_at = time(errors, at("updated_at"), &task.updated_at);
        if task_index.insert(task.id, i).is_some() {
            errors.push(at("id"), "is the id of an earlier task");
        }
        if let (Some(list), Some(parent), Some(title), Some(priority), Some(basis)) =
            (list, parent, title, priority, basis)
        {
            plan.tasks.push(PlannedTask {
                list,
                parent,
                position,
                title,
                description: description.flatten(),
                priority,
                due_at,
                due_all_day: task.due_all_day,
                recurrence: recurrence.flatten(),
                recurrence_basis: basis,
                completed: task.completed,
                labels,
                created_at,
                updated_at,
            });
        }
    }
    for (i, c) in doc.completions.iter().enumerate() {
        let at = |m: &str| format!("/completions/{i}/{m}");
        let task = task_index.get(&c.task_id).copied();
        if task.is_none() {
            errors.push(at("task_id"), "is not the id of a task in the export");
        }
        let completed_at = time(errors, at("completed_at"), &c.completed_at);
        let due_at = time(errors, at("due_at"), &c.due_at);
        let next_due_at = opt_time(errors, at("next_due_at"), c.next_due_at.as_deref());
        if let (Some(task), Some(completed_at), Some(due_at)) = (task, completed_at, due_at) {
            plan.completions.push(PlannedCompletion {
                task,
                completed_at,
                due_at,
                next_due_at,
            });
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(body: &str) -> Vec<String> {
        match plan(body.as_bytes()) {
            Err(JsonImportError::Invalid(errors)) => {
                errors.iter().map(|e| e.field.clone()).collect()
            }
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn only_a_version_1_export_is_read() {
        assert!(matches!(
            plan(b"{not json"),
            Err(JsonImportError::Syntax(_))
        ));
        assert_eq!(errors_of("[1]"), vec!["/"]);
        assert_eq!(
            errors_of(r#"{"format":"other","version":1}"#),
            vec!["/format"]
        );
        assert_eq!(
            errors_of(r#"{"format":"todo-api-export","version":2}"#),
            vec!["/version"]
        );
    }

    #[test]
    fn an_all_day_date_travels_as_its_date_in_the_exporting_zone() {
        let list = "0190c0de-0000-7000-8000-000000000001";
        let body = format!(
            r#"{{"format":"todo-api-export","version":1,"preferences":{{"time_zone":"Europe/Berlin","week_start":"monday"}},
            "lists":[{{"id":"{list}","name":"Inbox","color":"gray","position":"a0","is_inbox":true,"created_at":"2030-01-01T00:00:00Z","updated_at":"2030-01-01T00:00:00Z"}}],
            "tasks":[{{"id":"0190c0de-0000-7000-8000-000000000002","list_id":"{list}","parent_id":null,"position":"a0","title":"May Day","description":null,"priority":"low","due_at":"2030-04-30T22:00:00Z","due_all_day":true,"recurrence":null,"recurrence_basis":"due","completed":false,"labels":[],"created_at":"2030-01-01T00:00:00Z","updated_at":"2030-01-01T00:00:00Z"}}]}}"#
        );
        let plan = plan(body.as_bytes()).unwrap();
        // 00:00 in Berlin on 1 May is 22:00 UTC the day before; the plan
        // carries the date itself.
        assert_eq!(
            plan.tasks[0].due_at.map(|d| timestamp::format(&d)),
            Some("2030-05-01T00:00:00Z".to_owned())
        );
    }

    #[test]
    fn every_bad_member_is_named_by_its_pointer() {
        let list = "0190c0de-0000-7000-8000-000000000001";
        let body = format!(
            r#"{{"format":"todo-api-export","version":1,"lists":[{{"id":"{list}","name":"A","color":"mauve","position":"a1","is_inbox":false,"created_at":"2030-01-01T00:00:00Z","updated_at":"2030-01-01T00:00:00Z"}}],
            "tasks":[{{"id":"0190c0de-0000-7000-8000-000000000002","list_id":"{list}","parent_id":"0190c0de-0000-7000-8000-000000000009","position":"a1","title":"","description":null,"priority":"urgent","due_at":null,"due_all_day":false,"recurrence":null,"recurrence_basis":"due","completed":false,"labels":[],"created_at":"yesterday","updated_at":"2030-01-01T00:00:00Z"}}]}}"#
        );
        assert_eq!(
            errors_of(&body),
            vec![
                "/lists/0/color",
                "/tasks/0/parent_id",
                "/tasks/0/title",
                "/tasks/0/priority",
                "/tasks/0/created_at",
            ]
        );
    }
}
