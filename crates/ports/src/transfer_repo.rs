use async_trait::async_trait;
use domain::{
    Depth, ExportedCompletion, ExportedTask, ImportCounts, ImportPlan, Label, List, Preferences,
    TaskId, UserId,
};

use crate::errors::{ExportError, ImportError};

/// The small part of an export, read at once: the preferences (`None`
/// when none are stored), every list and every label (both bounded by the
/// per-user limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportHead {
    pub preferences: Option<Preferences>,
    /// In their order (the Inbox first).
    pub lists: Vec<List>,
    /// By name.
    pub labels: Vec<Label>,
}

/// Export and import of everything an owner has. The export is read in
/// pages (keyset on ids), so that the caller can stream any number of
/// tasks in bounded memory; each page is one short read of its own.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TransferRepo: Send + Sync + 'static {
    /// `owner`'s preferences, lists and labels.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn export_head(&self, owner: UserId) -> Result<ExportHead, ExportError>;

    /// At most `limit` of `owner`'s tasks at `depth` (1: top-level), in
    /// ascending id order, after the task `after`. Reading every depth in
    /// turn gives every parent before its subtasks.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn export_tasks(
        &self,
        owner: UserId,
        depth: Depth,
        after: Option<TaskId>,
        limit: u16,
    ) -> Result<Vec<ExportedTask>, ExportError>;

    /// At most `limit` of `owner`'s completions, in ascending order of
    /// their own ids, after the one whose id is `after` (a page's last
    /// value of the returned cursor).
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn export_completions(
        &self,
        owner: UserId,
        after: Option<uuid::Uuid>,
        limit: u16,
    ) -> Result<Vec<(uuid::Uuid, ExportedCompletion)>, ExportError>;

    /// Writes `plan` for `owner` in one transaction: all of it or nothing.
    /// Lists and labels merge into the owner's of the same name (ignoring
    /// case; the Inbox into the Inbox); tasks and completions are always
    /// new, with new ids; positions are kept where the import creates all
    /// the siblings, else the imported ones go after the existing ones in
    /// plan order; the preferences are stored only when the owner has
    /// none. The plan must be free of [`ImportPlan::problems`].
    ///
    /// # Errors
    /// `UnknownOwner` when the account is gone; `LimitReached` when the
    /// result would exceed a per-user or per-list limit; `Invalid` when
    /// the plan has problems; `Unavailable` or `Internal` when the store
    /// fails.
    async fn import(&self, owner: UserId, plan: ImportPlan) -> Result<ImportCounts, ImportError>;
}
