use crate::{Color, LabelId, LabelName, Timestamp, UserId, Version};

/// A label a user attaches to any of their tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub id: LabelId,
    pub owner: UserId,
    pub name: LabelName,
    pub color: Color,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: Version,
}

/// What a client gives to create a label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLabel {
    pub name: LabelName,
    pub color: Color,
}

/// A partial update of a label; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelPatch {
    pub name: Option<LabelName>,
    pub color: Option<Color>,
}

impl LabelPatch {
    pub fn is_empty(&self) -> bool {
        *self == LabelPatch::default()
    }
}
