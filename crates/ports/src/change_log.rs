use async_trait::async_trait;
use domain::{ChangeLimit, ChangePage, Seq, Timestamp, UserId};

use crate::errors::{PruneChangesError, ReadChangesError};

/// Reading and pruning the per-user change log. The log itself is written
/// by the store as part of every write (in the same transaction), never
/// through this port: no write path can forget it.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ChangeLog: Send + Sync + 'static {
    /// `owner`'s entries after `since`, in ascending `seq`, at most `limit`
    /// of them, each with its entity's current state ([`domain::ChangeData`]).
    /// Several entries for one entity within the page may be collapsed into
    /// the last; [`ChangePage::next`] is the last `seq` the page covers, or
    /// `since` when it is empty.
    ///
    /// # Errors
    /// [`ReadChangesError::AheadOfLog`] when `since` is beyond `owner`'s
    /// latest `seq`; [`ReadChangesError::Expired`] when entries right after
    /// `since` were pruned (the client must reload everything, then continue
    /// from the `latest` it carries); `Unavailable` or `Internal` when the
    /// store fails.
    async fn read(
        &self,
        owner: UserId,
        since: Seq,
        limit: ChangeLimit,
    ) -> Result<ChangePage, ReadChangesError>;

    /// `owner`'s latest `seq` ([`Seq::ZERO`] before the first change): where
    /// a client that has just loaded everything starts following.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn latest(&self, owner: UserId) -> Result<Seq, ReadChangesError>;

    /// Deletes at most `batch` entries (of any users) recorded before
    /// `before`; returns how many it deleted. Several instances may prune at
    /// once: each batch skips rows another is deleting.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn prune(&self, before: Timestamp, batch: u32) -> Result<u64, PruneChangesError>;
}
