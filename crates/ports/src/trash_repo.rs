use async_trait::async_trait;
use domain::{Restored, Timestamp, TrashPage, TrashQuery, UserId};
use uuid::Uuid;

use crate::errors::{
    DeleteTrashItemError, EmptyTrashError, ListTrashError, PurgeTrashError, RestoreError,
};

/// The trash. Deleting a task (`TaskRepo::delete`) or a list
/// (`ListRepo::delete`) moves it here, with its subtasks or its tasks, as
/// one item named by the deleted entity's id; every method is scoped to
/// the owner, and someone else's item behaves like a missing one. Adding,
/// restoring and removing an item each append to the change log (entity
/// `trash`), as do the tasks and lists they remove or bring back.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TrashRepo: Send + Sync + 'static {
    /// A page of `owner`'s trash, newest first.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn list(&self, owner: UserId, query: TrashQuery) -> Result<TrashPage, ListTrashError>;

    /// Brings item `id` back, exactly as it was deleted (same ids, fields,
    /// labels that still exist, completion history, positions), at a new
    /// version, and removes it from the trash. A task returns to its list
    /// and place among its siblings; into the Inbox (at the end) when its
    /// list is gone; to the top level of its list when its parent is gone.
    /// A list returns with the tasks deleted with it, at the end of the
    /// lists.
    ///
    /// # Errors
    /// [`RestoreError::NotFound`] when `owner` has no item `id` in the
    /// trash; `DuplicateName` when a list of the same name (ignoring case)
    /// exists now; `LimitReached` when the destination list or the lists
    /// are full; `Unavailable` or `Internal` when the store fails.
    async fn restore(&self, owner: UserId, id: Uuid) -> Result<Restored, RestoreError>;

    /// Deletes item `id` for good.
    ///
    /// # Errors
    /// `NotFound` when `owner` has no item `id` in the trash;
    /// `Unavailable` or `Internal` when the store fails.
    async fn delete_forever(&self, owner: UserId, id: Uuid) -> Result<(), DeleteTrashItemError>;

    /// Deletes every item of `owner`'s trash for good; returns how many.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn empty(&self, owner: UserId) -> Result<u64, EmptyTrashError>;

    /// Deletes for good at most `batch` items (of any user) deleted before
    /// `cutoff`, in one short transaction; returns how many. Safe to run
    /// from any number of processes at once (each item is deleted once;
    /// rows another purge holds are skipped, not waited for), through a
    /// transaction-mode pooler (no session state). Call again while it
    /// returns `batch`.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn purge_expired(&self, cutoff: Timestamp, batch: u32) -> Result<u64, PurgeTrashError>;
}
