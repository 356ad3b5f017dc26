//! The trash on the wire: one item as `GET …/trash` lists it and as the
//! change feed sends it (entity `trash`).

use chrono::{DateTime, Utc};
use domain::{TrashItem, TrashKind};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::timestamp;

/// What was deleted: a task (with its subtasks) or a list (with its tasks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TrashKind)]
pub enum TrashKindDto {
    Task,
    List,
}

/// One deleted task or list, restorable until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = TrashItem)]
pub struct TrashItemDto {
    /// The id of the deleted task or list (the id it gets back on restore).
    pub id: Uuid,
    pub kind: TrashKindDto,
    /// The task's title or the list's name.
    pub title: String,
    /// A task: the list it was in when deleted (it may be gone since; a
    /// restore then puts the task into the Inbox). A list: null.
    #[schema(required = true)]
    pub list_id: Option<Uuid>,
    /// A task: its parent when deleted (it may be gone since; a restore
    /// then puts the task at the top level). Otherwise null.
    #[schema(required = true)]
    pub parent_id: Option<Uuid>,
    /// How many tasks it holds: the task and its subtasks, or the list's
    /// tasks.
    #[schema(minimum = 0)]
    pub task_count: u32,
    // Written by `timestamp`, the one text form of an instant on the wire.
    #[serde(serialize_with = "timestamp::serialize")]
    pub deleted_at: DateTime<Utc>,
    /// When the purge deletes it for good.
    #[serde(serialize_with = "timestamp::serialize")]
    pub expires_at: DateTime<Utc>,
}

impl From<&TrashItem> for TrashItemDto {
    fn from(item: &TrashItem) -> Self {
        let (kind, title, list_id, parent_id) = match &item.kind {
            TrashKind::Task {
                title,
                list_id,
                parent_id,
            } => (
                TrashKindDto::Task,
                title.clone(),
                Some(*list_id.as_uuid()),
                parent_id.map(|p| *p.as_uuid()),
            ),
            TrashKind::List { name } => (TrashKindDto::List, name.clone(), None, None),
        };
        Self {
            id: item.id,
            kind,
            title,
            list_id,
            parent_id,
            task_count: item.task_count,
            deleted_at: item.deleted_at,
            expires_at: item.expires_at(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::{ListId, TaskId};
    use serde_json::json;

    use super::*;

    #[test]
    fn a_task_item_is_sent_with_its_place_and_expiry() {
        let id = Uuid::now_v7();
        let list = ListId::new_v7();
        let parent = TaskId::new_v7();
        let item = TrashItem {
            id,
            kind: TrashKind::Task {
                title: "Call Sam".into(),
                list_id: list,
                parent_id: Some(parent),
            },
            task_count: 2,
            deleted_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap(),
        };
        let json = serde_json::to_value(TrashItemDto::from(&item)).unwrap();
        assert_eq!(json["kind"], "task");
        assert_eq!(json["title"], "Call Sam");
        assert_eq!(json["list_id"], json!(list.as_uuid()));
        assert_eq!(json["parent_id"], json!(parent.as_uuid()));
        assert_eq!(json["task_count"], 2);
        assert_eq!(json["deleted_at"], "2026-03-01T09:30:00Z");
        assert_eq!(json["expires_at"], "2026-03-31T09:30:00Z");
    }

    #[test]
    fn a_list_item_has_no_place() {
        let item = TrashItem {
            id: Uuid::now_v7(),
            kind: TrashKind::List {
                name: "Errands".into(),
            },
            task_count: 0,
            deleted_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap(),
        };
        let json = serde_json::to_value(TrashItemDto::from(&item)).unwrap();
        assert_eq!(json["kind"], "list");
        assert_eq!(json["title"], "Errands");
        assert!(json["list_id"].is_null());
        assert!(json["parent_id"].is_null());
    }
}
