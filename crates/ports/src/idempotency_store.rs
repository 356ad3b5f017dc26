use async_trait::async_trait;
use domain::{IdempotencyKey, Timestamp, UserId};

use crate::errors::IdempotencyError;

/// The answer a request with an `Idempotency-Key` got, kept to be replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    /// The headers a replay repeats (`Content-Type`, `Location`, `ETag`,
    /// …), in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new (or its record expired, or a crashed holder's lease
    /// ran out): the caller now holds it, runs the request and then calls
    /// [`IdempotencyStore::complete`] or [`IdempotencyStore::release`].
    Proceed,
    /// The first request with this key and this fingerprint finished:
    /// replay its answer.
    Replay(StoredResponse),
    /// The first request with this key is still running.
    InProgress,
    /// The key was used for a request with another fingerprint.
    Mismatch,
}

/// Remembers, per user and key, the fingerprint of the first request and
/// its answer, for [`domain::IDEMPOTENCY_KEY_TTL_HOURS`]. Keys of different
/// users never meet. Every method is one short statement (no session
/// state), so it works through a transaction-mode pooler.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Claims `key` for a request with `fingerprint` (a hash of its method,
    /// path, query, content type and body), atomically: of concurrent
    /// claims of one key exactly one gets `Proceed`. A record created
    /// before `expired_before` counts as absent; a claim still running
    /// whose lease ended before `now` is taken over.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn claim(
        &self,
        owner: UserId,
        key: &IdempotencyKey,
        fingerprint: [u8; 32],
        now: Timestamp,
        lease_until: Timestamp,
        expired_before: Timestamp,
    ) -> Result<Claim, IdempotencyError>;

    /// Stores the answer of the claimed request, to be replayed.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn complete(
        &self,
        owner: UserId,
        key: &IdempotencyKey,
        response: StoredResponse,
    ) -> Result<(), IdempotencyError>;

    /// Forgets a claim whose request failed in a way worth retrying (a 5xx,
    /// a 429): the next request with the key runs.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn release(&self, owner: UserId, key: &IdempotencyKey) -> Result<(), IdempotencyError>;

    /// Deletes at most `batch` records created before `expired_before`;
    /// returns how many. Safe from any number of processes at once.
    ///
    /// # Errors
    /// `Unavailable` or `Internal` when the store fails.
    async fn purge_expired(
        &self,
        expired_before: Timestamp,
        batch: u32,
    ) -> Result<u64, IdempotencyError>;
}
