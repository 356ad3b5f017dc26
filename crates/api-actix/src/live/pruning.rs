//! Deletes change-log entries older than the retention
//! (`CHANGES_RETENTION_DAYS`), every few minutes, in small batches so that
//! no statement holds many locks or runs long. Every instance runs it; the
//! store lets concurrent pruners skip each other's rows. A client asking
//! from before the oldest kept entry is told to start over (410).

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::time::Duration;

use ports::{ChangeLog, PruneChangesError};

/// Entries deleted per statement.
pub const BATCH: u32 = 1000;

/// About how often an instance prunes (each wait is jittered by ±20 %, so
/// that instances started together do not prune in step).
pub const INTERVAL: Duration = Duration::from_secs(5 * 60);

/// A pause between batches, so that a large backlog is not deleted in one
/// burst.
const BETWEEN_BATCHES: Duration = Duration::from_millis(100);

/// `base` scaled by a factor from 0.8 to 1.2, from `seed`.
pub fn jittered(base: Duration, seed: u64) -> Duration {
    // 0..=400 per mille, centred on 1.0.
    let per_mille = 800 + seed % 401;
    base * u32::try_from(per_mille).unwrap_or(1000) / 1000
}

/// A fresh random number without a random-number crate: the standard
/// library seeds every `RandomState` randomly.
pub fn random_seed() -> u64 {
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// Deletes what is older than `retention` now, batch after batch until a
/// batch comes back short; returns how many entries went.
///
/// # Errors
/// The store's error; what was deleted before it stays deleted.
pub async fn prune_once(
    log: &dyn ChangeLog,
    retention: Duration,
) -> Result<u64, PruneChangesError> {
    let retention = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    let before = chrono::Utc::now()
        .checked_sub_signed(retention)
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    let mut total = 0;
    loop {
        let deleted = log.prune(before, BATCH).await?;
        total += deleted;
        if deleted < u64::from(BATCH) {
            return Ok(total);
        }
        tokio::time::sleep(BETWEEN_BATCHES).await;
    }
}

/// Prunes every [`INTERVAL`] (jittered), forever; failures are logged and
/// retried at the next round.
pub async fn run(log: Arc<dyn ChangeLog>, retention: Duration) {
    loop {
        tokio::time::sleep(jittered(INTERVAL, random_seed())).await;
        match prune_once(log.as_ref(), retention).await {
            Ok(0) => tracing::debug!("change log pruning: nothing to delete"),
            Ok(deleted) => tracing::info!(deleted, "change log pruned"),
            Err(error) => tracing::warn!(%error, "change log pruning failed; retrying later"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_a_fifth() {
        let base = Duration::from_secs(300);
        for seed in [0, 1, 200, 400, 401, u64::MAX] {
            let d = jittered(base, seed);
            assert!(
                d >= Duration::from_secs(240) && d <= Duration::from_secs(360),
                "{d:?}"
            );
        }
        assert_eq!(jittered(base, 0), Duration::from_secs(240));
        assert_eq!(jittered(base, 400), Duration::from_secs(360));
    }

    #[tokio::test]
    async fn prunes_batches_until_one_comes_back_short() {
        let mut log = ports::MockChangeLog::new();
        let mut answers = vec![Ok(1000), Ok(1000), Ok(7)].into_iter();
        log.expect_prune().times(3).returning(move |_, batch| {
            assert_eq!(batch, BATCH);
            answers.next().unwrap_or(Ok(0))
        });
        let deleted = prune_once(&log, Duration::from_secs(86_400)).await;
        assert_eq!(deleted.ok(), Some(2007));
    }
}
