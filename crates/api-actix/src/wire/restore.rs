//! The answer of `POST …/trash/{id}/restore`: what came back, as `GET` of
//! that task or list answers it, tagged by `kind`.

use domain::Restored;
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::TaskDto;
use super::lists::ListDto;

/// The restored task (with its subtasks back) or list (with its tasks).
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[schema(as = Restored)]
pub enum RestoredDto {
    Task { task: TaskDto },
    List { list: ListDto },
}

impl From<&Restored> for RestoredDto {
    fn from(restored: &Restored) -> Self {
        match restored {
            Restored::Task(task) => Self::Task {
                task: TaskDto::from(task.as_ref()),
            },
            Restored::List(list) => Self::List {
                list: ListDto::from(list.as_ref()),
            },
        }
    }
}
