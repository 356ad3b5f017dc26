//! Deletes for good what stayed in the trash longer than the retention
//! (`TRASH_RETENTION_DAYS`), and forgets `Idempotency-Key` records older
//! than [`domain::IDEMPOTENCY_KEY_TTL_HOURS`], about every
//! `TRASH_PURGE_INTERVAL_SECS`, in batches of [`BATCH`]. Every instance
//! runs it: the store's purges skip the rows another purge holds
//! (transaction-scoped locks only, so it works through a transaction-mode
//! pooler), so each item goes exactly once.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use ports::{IdempotencyError, IdempotencyStore, PurgeTrashError, TrashRepo};

use super::pruning::{jittered, random_seed};

/// Items (or records) deleted per statement.
pub const BATCH: u32 = 500;

/// A pause between batches, so that a large backlog is not deleted in one
/// burst.
const BETWEEN_BATCHES: Duration = Duration::from_millis(100);

/// `now - retention`, or the earliest instant for a retention beyond
/// chrono's range.
fn cutoff(retention: Duration) -> domain::Timestamp {
    let retention = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    Utc::now()
        .checked_sub_signed(retention)
        .unwrap_or(chrono::DateTime::<Utc>::MIN_UTC)
}

/// Purges the trash items deleted more than `retention` ago, batch after
/// batch until one comes back short; returns how many went.
///
/// # Errors
/// The store's error; what was deleted before it stays deleted.
pub async fn purge_trash_once(
    trash: &dyn TrashRepo,
    retention: Duration,
) -> Result<u64, PurgeTrashError> {
    let before = cutoff(retention);
    let mut total = 0;
    loop {
        let deleted = trash.purge_expired(before, BATCH).await?;
        total += deleted;
        if deleted < u64::from(BATCH) {
            return Ok(total);
        }
        tokio::time::sleep(BETWEEN_BATCHES).await;
    }
}

/// Forgets the idempotency records older than their time to live, batch
/// after batch; returns how many went.
///
/// # Errors
/// The store's error; what was deleted before it stays deleted.
pub async fn purge_keys_once(store: &dyn IdempotencyStore) -> Result<u64, IdempotencyError> {
    let ttl =
        Duration::from_secs(u64::try_from(domain::IDEMPOTENCY_KEY_TTL_HOURS).unwrap_or(24) * 3600);
    let before = cutoff(ttl);
    let mut total = 0;
    loop {
        let deleted = store.purge_expired(before, BATCH).await?;
        total += deleted;
        if deleted < u64::from(BATCH) {
            return Ok(total);
        }
        tokio::time::sleep(BETWEEN_BATCHES).await;
    }
}

/// Purges every `interval` (jittered), forever; failures are logged and
/// retried at the next round.
pub async fn run(
    trash: Arc<dyn TrashRepo>,
    keys: Arc<dyn IdempotencyStore>,
    interval: Duration,
    retention: Duration,
) {
    loop {
        tokio::time::sleep(jittered(interval, random_seed())).await;
        match purge_trash_once(trash.as_ref(), retention).await {
            Ok(0) => tracing::debug!("trash purge: nothing to delete"),
            Ok(deleted) => tracing::info!(deleted, "trash purged"),
            Err(error) => tracing::warn!(%error, "trash purge failed; retrying later"),
        }
        match purge_keys_once(keys.as_ref()).await {
            Ok(0) => tracing::debug!("idempotency keys: nothing to forget"),
            Ok(deleted) => tracing::info!(deleted, "idempotency keys forgotten"),
            Err(error) => tracing::warn!(%error, "idempotency key purge failed; retrying later"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn purges_batches_until_one_comes_back_short() {
        let mut trash = ports::MockTrashRepo::new();
        let mut answers = vec![Ok(500), Ok(500), Ok(3)].into_iter();
        let started = Utc::now();
        trash
            .expect_purge_expired()
            .times(3)
            .returning(move |before, batch| {
                assert_eq!(batch, BATCH);
                // 30 days before now, give or take the test's own time.
                let age = started - before;
                assert!(
                    age >= chrono::Duration::days(30) - chrono::Duration::seconds(5)
                        && age <= chrono::Duration::days(30) + chrono::Duration::seconds(5),
                    "{age:?}"
                );
                answers.next().unwrap_or(Ok(0))
            });
        let deleted = purge_trash_once(&trash, Duration::from_secs(30 * 86_400)).await;
        assert_eq!(deleted.ok(), Some(1003));
    }

    #[tokio::test]
    async fn forgets_keys_older_than_a_day() {
        let mut store = ports::MockIdempotencyStore::new();
        let started = Utc::now();
        store
            .expect_purge_expired()
            .times(1)
            .returning(move |before, batch| {
                assert_eq!(batch, BATCH);
                let age = started - before;
                assert!(
                    (age - chrono::Duration::hours(24)).num_seconds().abs() < 5,
                    "{age:?}"
                );
                Ok(7)
            });
        assert_eq!(purge_keys_once(&store).await.ok(), Some(7));
    }
}
