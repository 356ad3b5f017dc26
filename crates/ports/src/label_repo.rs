use async_trait::async_trait;
use domain::{Label, LabelId, LabelPatch, NewLabel, UserId, Version};

use crate::errors::{
    CreateLabelError, DeleteLabelError, GetLabelError, ListLabelsError, UpdateLabelError,
};

/// Storage of labels, scoped to their owner like every repository: another
/// user's label behaves exactly like a missing one. Writes take an optional
/// expected [`Version`] as in `TaskRepo`, and every successful write bumps
/// it.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait LabelRepo: Send + Sync + 'static {
    /// All of `owner`'s labels, by name (ignoring case), then id.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn list(&self, owner: UserId) -> Result<Vec<Label>, ListLabelsError>;

    /// # Errors
    /// `DuplicateName` when `owner` has a label of that name ignoring case;
    /// `LimitReached` at [`domain::limits::MAX_LABELS_PER_USER`] labels;
    /// `UnknownOwner` when `owner` has no account; `Unavailable` or
    /// `Internal` when the store fails.
    async fn create(&self, owner: UserId, new: NewLabel) -> Result<Label, CreateLabelError>;

    /// # Errors
    /// `NotFound` when `owner` has no label `id`; `Unavailable` or
    /// `Internal` when the store fails.
    async fn get(&self, owner: UserId, id: LabelId) -> Result<Label, GetLabelError>;

    /// Changes the fields present in `patch`; an empty patch changes
    /// nothing and returns the label as stored (after the version check).
    ///
    /// # Errors
    /// `NotFound`; `VersionMismatch` when `expected` is stale;
    /// `DuplicateName`; `Unavailable` or `Internal` when the store fails.
    async fn update(
        &self,
        owner: UserId,
        id: LabelId,
        patch: LabelPatch,
        expected: Option<Version>,
    ) -> Result<Label, UpdateLabelError>;

    /// Deletes the label and detaches it from every task carrying it (the
    /// tasks themselves stay).
    ///
    /// # Errors
    /// `NotFound`; `VersionMismatch` when `expected` is stale;
    /// `Unavailable` or `Internal` when the store fails.
    async fn delete(
        &self,
        owner: UserId,
        id: LabelId,
        expected: Option<Version>,
    ) -> Result<(), DeleteLabelError>;
}
