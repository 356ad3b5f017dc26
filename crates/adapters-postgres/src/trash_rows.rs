//! A row of the `trash` table (without its payload) and its domain form.

use diesel::prelude::*;
use domain::{ListId, TaskId, Timestamp, TrashItem, TrashKind};
use uuid::Uuid;

use crate::rows::CorruptRow;
use crate::schema::trash;

/// What a listing shows of an item: everything but the snapshot.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = trash, check_for_backend(diesel::pg::Pg))]
pub(crate) struct TrashRow {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub list_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub task_count: i32,
    pub deleted_at: Timestamp,
}

impl TryFrom<TrashRow> for TrashItem {
    type Error = CorruptRow;

    fn try_from(row: TrashRow) -> Result<Self, Self::Error> {
        let kind = match (row.kind.as_str(), row.list_id) {
            ("task", Some(list_id)) => TrashKind::Task {
                title: row.title,
                list_id: ListId::from_uuid(list_id),
                parent_id: row.parent_id.map(TaskId::from_uuid),
            },
            ("list", None) => TrashKind::List { name: row.title },
            _ => return Err(CorruptRow::new("trash", row.id, "kind", &row.kind)),
        };
        Ok(Self {
            id: row.id,
            kind,
            task_count: u32::try_from(row.task_count)
                .map_err(|e| CorruptRow::new("trash", row.id, "task_count", &e))?,
            deleted_at: row.deleted_at,
        })
    }
}
