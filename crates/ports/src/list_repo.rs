use async_trait::async_trait;
use domain::{ListId, ListPatch, ListSummary, NewList, Placement, UserId, Version};

use crate::errors::{
    CreateListError, DeleteListError, EnsureInboxError, GetListError, ListListsError,
    MoveListError, UpdateListError,
};

/// Storage of lists. Every method takes the owner and is scoped to it: a
/// list that belongs to someone else behaves exactly like one that does not
/// exist. Every user has one Inbox, created on first need ([`ListRepo::
/// ensure_inbox`], and implicitly by [`ListRepo::list_all`] and by creating
/// a list or a task); it sorts first and cannot be renamed, moved or
/// deleted.
///
/// Lists are returned with their task counts ([`ListSummary`]), so every
/// answer has the same shape. Writes take an optional expected [`Version`]
/// as in `TaskRepo`, and every successful write bumps it.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ListRepo: Send + Sync + 'static {
    /// `owner`'s Inbox, created if it does not exist yet (exactly once,
    /// even under concurrent first calls).
    ///
    /// # Errors
    /// [`EnsureInboxError::UnknownOwner`] when `owner` has no account;
    /// `Unavailable` or `Internal` when the store fails.
    async fn ensure_inbox(&self, owner: UserId) -> Result<ListSummary, EnsureInboxError>;

    /// All of `owner`'s lists: the Inbox first (created if missing), then
    /// the others in their manual order.
    ///
    /// # Errors
    /// `UnknownOwner` when the Inbox cannot be created because `owner` has
    /// no account; `Unavailable` or `Internal` when the store fails.
    async fn list_all(&self, owner: UserId) -> Result<Vec<ListSummary>, ListListsError>;

    /// Adds a list after all of `owner`'s others.
    ///
    /// # Errors
    /// `DuplicateName` when `owner` has a list of that name ignoring case;
    /// `LimitReached` at [`domain::limits::MAX_LISTS_PER_USER`] lists;
    /// `UnknownOwner` when `owner` has no account; `Unavailable` or
    /// `Internal` when the store fails.
    async fn create(&self, owner: UserId, new: NewList) -> Result<ListSummary, CreateListError>;

    /// # Errors
    /// `NotFound` when `owner` has no list `id`; `Unavailable` or
    /// `Internal` when the store fails.
    async fn get(&self, owner: UserId, id: ListId) -> Result<ListSummary, GetListError>;

    /// Changes the fields present in `patch`. An empty patch changes
    /// nothing and returns the list as stored (after the version check);
    /// so does a patch naming the Inbox by its own name.
    ///
    /// # Errors
    /// `NotFound`; `VersionMismatch` when `expected` is stale;
    /// `DuplicateName`; `InboxRename` for a new name on the Inbox;
    /// `Unavailable` or `Internal` when the store fails.
    async fn update(
        &self,
        owner: UserId,
        id: ListId,
        patch: ListPatch,
        expected: Option<Version>,
    ) -> Result<ListSummary, UpdateListError>;

    /// Moves the list and every task in it to the trash (see `TrashRepo`),
    /// in one transaction.
    ///
    /// # Errors
    /// `NotFound`; `VersionMismatch` when `expected` is stale; `Inbox` for
    /// the Inbox; `Unavailable` or `Internal` when the store fails.
    async fn delete(
        &self,
        owner: UserId,
        id: ListId,
        expected: Option<Version>,
    ) -> Result<(), DeleteListError>;

    /// Moves the list right before or after another of `owner`'s lists, or
    /// to the end; writes the moved list only (its position and version).
    /// Placing a list relative to itself leaves it where it is.
    ///
    /// # Errors
    /// `NotFound` when `owner` has no list `id`; `AnchorNotFound` when the
    /// other list is not `owner`'s; `InboxFirst` when moving the Inbox or
    /// placing a list before it; `Unavailable` or `Internal` when the store
    /// fails.
    async fn move_list(
        &self,
        owner: UserId,
        id: ListId,
        placement: Placement<ListId>,
    ) -> Result<ListSummary, MoveListError>;
}
