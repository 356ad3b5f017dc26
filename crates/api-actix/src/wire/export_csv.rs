//! The CSV export (`GET …/export?format=csv`): a header and one row per
//! task, written page by page with the `csv` crate (quoting of commas,
//! quotes and line breaks in titles and descriptions).

use std::collections::HashMap;

use domain::{ExportedTask, LabelId, ListId};

use crate::wire::timestamp;

/// The header row's columns, in order.
pub const COLUMNS: [&str; 15] = [
    "id",
    "list",
    "parent_id",
    "title",
    "description",
    "priority",
    "due_at",
    "due_all_day",
    "recurrence",
    "recurrence_basis",
    "completed",
    "labels",
    "position",
    "created_at",
    "updated_at",
];

/// List and label names by id, for the `list` and `labels` columns.
#[derive(Debug, Default)]
pub struct Names {
    pub lists: HashMap<ListId, String>,
    pub labels: HashMap<LabelId, String>,
}

/// The header row.
///
/// # Errors
/// Only the csv writer's own (never into memory).
pub fn header() -> csv::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    writer.into_inner().map_err(|e| e.into_error().into())
}

/// One row per task of `tasks`.
///
/// # Errors
/// Only the csv writer's own (never into memory).
pub fn rows(tasks: &[ExportedTask], names: &Names) -> csv::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(tasks.len() * 200));
    for task in tasks {
        let labels: Vec<&str> = task
            .labels
            .iter()
            .filter_map(|id| names.labels.get(id).map(String::as_str))
            .collect();
        writer.write_record([
            uuid::Uuid::from(task.id).to_string().as_str(),
            names.lists.get(&task.list_id).map_or("", String::as_str),
            task.parent_id
                .map(|p| uuid::Uuid::from(p).to_string())
                .unwrap_or_default()
                .as_str(),
            task.title.as_str(),
            task.description.as_ref().map_or("", |d| d.as_str()),
            task.priority.as_str(),
            task.due_at
                .as_ref()
                .map(timestamp::format)
                .unwrap_or_default()
                .as_str(),
            bool_text(task.due_all_day),
            task.recurrence.as_ref().map_or("", |r| r.as_str()),
            task.recurrence_basis.as_str(),
            bool_text(task.completed),
            labels.join(", ").as_str(),
            task.position.as_str(),
            timestamp::format(&task.created_at).as_str(),
            timestamp::format(&task.updated_at).as_str(),
        ])?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

const fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Position, Priority, RecurrenceBasis, TaskId, Title};

    #[test]
    fn titles_with_commas_quotes_and_newlines_survive_a_round_trip() {
        let at = timestamp::parse("2030-01-31T09:00:00Z").expect("time");
        let list = ListId::new_v7();
        let label = LabelId::new_v7();
        let task = ExportedTask {
            id: TaskId::new_v7(),
            list_id: list,
            parent_id: None,
            position: Position::first(),
            title: Title::parse("Buy \"milk\", eggs").expect("title"),
            description: Some(domain::Description::parse("line 1\nline 2").expect("text")),
            priority: Priority::High,
            due_at: Some(at),
            due_all_day: false,
            recurrence: None,
            recurrence_basis: RecurrenceBasis::Due,
            completed: false,
            labels: vec![label],
            created_at: at,
            updated_at: at,
        };
        let mut names = Names::default();
        names.lists.insert(list, "Errands".into());
        names.labels.insert(label, "home".into());
        let mut bytes = header().expect("header");
        bytes.extend(rows(&[task], &names).expect("rows"));
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let headers = reader.headers().expect("headers").clone();
        assert_eq!(headers.iter().collect::<Vec<_>>(), COLUMNS);
        let record = reader.records().next().expect("a row").expect("valid");
        assert_eq!(&record[1], "Errands");
        assert_eq!(&record[3], "Buy \"milk\", eggs");
        assert_eq!(&record[4], "line 1\nline 2");
        assert_eq!(&record[5], "high");
        assert_eq!(&record[6], "2030-01-31T09:00:00Z");
        assert_eq!(&record[11], "home");
    }
}
