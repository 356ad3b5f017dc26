use crate::{Color, ListId, ListName, Position, Timestamp, UserId, Version};

/// A list of tasks (a project). Every user has exactly one Inbox, which
/// sorts first and cannot be renamed, moved or deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    pub id: ListId,
    pub owner: UserId,
    pub name: ListName,
    pub color: Color,
    pub position: Position,
    pub is_inbox: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: Version,
}

/// What a client gives to create a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewList {
    pub name: ListName,
    pub color: Color,
}

/// A partial update of a list; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListPatch {
    pub name: Option<ListName>,
    pub color: Option<Color>,
}

impl ListPatch {
    pub fn is_empty(&self) -> bool {
        *self == ListPatch::default()
    }
}

/// A list with how many tasks it holds (subtasks included) and how many of
/// them are not completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSummary {
    pub list: List,
    pub open_tasks: u32,
    pub total_tasks: u32,
}

/// Where to put an item among its siblings: right before or right after
/// another one; neither means at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement<Id> {
    End,
    Before(Id),
    After(Id),
}
