use async_trait::async_trait;
use domain::{Preferences, UserId, Version};

use crate::errors::{GetPreferencesError, PutPreferencesError};

/// A user's preferences with their version (the HTTP `ETag`). The defaults
/// of a user who never stored any are at [`Version::INITIAL`]; every write
/// moves to a higher version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredPreferences {
    pub preferences: Preferences,
    pub version: Version,
}

/// Storage of each user's preferences (time zone, week start). A user who
/// never stored any has the defaults ([`Preferences::default`]: UTC,
/// Monday); reading never creates a row.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PreferencesRepo: Send + Sync + 'static {
    /// `owner`'s preferences, or the defaults at [`Version::INITIAL`] when
    /// none are stored (also for an owner without an account: nothing is
    /// written).
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn get(&self, owner: UserId) -> Result<StoredPreferences, GetPreferencesError>;

    /// Stores `owner`'s preferences (creating them on first use) and
    /// returns them as stored, at a new version. With `expected`, only if
    /// the stored version (the defaults': [`Version::INITIAL`]) still is
    /// that one. In the same transaction, when the time zone
    /// changes, every all-day task of `owner` keeps its calendar date (its
    /// `due_at` moves to 00:00 of that date in the new zone) and every
    /// recurring task's next occurrence is computed again in the new zone.
    ///
    /// # Errors
    /// [`PutPreferencesError::UnknownTimeZone`] when the store's zone
    /// database does not know the zone; `VersionMismatch` when `expected`
    /// is stale; `UnknownOwner` when `owner` has no account; `Unavailable`
    /// or `Internal` when the store fails.
    async fn put(
        &self,
        owner: UserId,
        preferences: Preferences,
        expected: Option<Version>,
    ) -> Result<StoredPreferences, PutPreferencesError>;
}
