//! One read of the change log for all of a user's streams woken by the same
//! hint. A write wakes every stream of its user (up to ten per instance);
//! each would otherwise read the same entries on its own, ten queries where
//! one does.
//!
//! Reads are shared only between streams that asked for the same page
//! (same user, same position, same size) after seeing the same wake-up:
//! the read was started after that wake-up, hence after the commit that
//! caused it, so no stream can be handed a read older than its own hint.
//! The entry is removed as soon as the read completes, by whichever waiter
//! sees it first; a later wake-up always starts a fresh read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use domain::{ChangeLimit, ChangePage, Seq, UserId};
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};

/// What a shared read yields: the page, or that the log could not be read
/// (why is logged once, by the read itself).
pub type SharedPage = Result<Arc<ChangePage>, ReadFailed>;

/// The log could not be read; `lost` when the position itself is no longer
/// valid (the account was reset or the log pruned past it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadFailed {
    pub lost: bool,
}

type Key = (UserId, Seq, u16, u64);
type InFlight = Shared<BoxFuture<'static, SharedPage>>;

/// The reads in flight on this instance.
#[derive(Default)]
pub struct SharedReads {
    in_flight: Mutex<HashMap<Key, InFlight>>,
}

impl std::fmt::Debug for SharedReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedReads").finish_non_exhaustive()
    }
}

impl SharedReads {
    /// The page after `since` for `owner`, read once for every caller that
    /// asks with the same `wakeup` (the value of the user's wake-up counter
    /// the caller saw); `read` starts the read when none is in flight.
    pub async fn read<F>(
        &self,
        owner: UserId,
        since: Seq,
        limit: ChangeLimit,
        wakeup: u64,
        read: F,
    ) -> SharedPage
    where
        F: FnOnce() -> BoxFuture<'static, SharedPage>,
    {
        let key = (owner, since, limit.get(), wakeup);
        let shared = {
            let mut in_flight = self
                .in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            in_flight
                .entry(key)
                .or_insert_with(|| read().shared())
                .clone()
        };
        let page = shared.clone().await;
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if in_flight
            .get(&key)
            .is_some_and(|current| current.ptr_eq(&shared))
        {
            in_flight.remove(&key);
        }
        page
    }

    /// Reads in flight (for tests).
    pub fn len(&self) -> usize {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn page(next: u64) -> ChangePage {
        ChangePage {
            changes: Vec::new(),
            next: Seq::new(next).unwrap(),
            has_more: false,
        }
    }

    #[tokio::test]
    async fn waiters_of_one_wakeup_share_one_read_and_later_wakeups_read_again() {
        let reads = Arc::new(SharedReads::default());
        let count = Arc::new(AtomicUsize::new(0));
        let owner = UserId::parse("33e85bcb-82d5-4511-b8fc-1f6806a44a90").unwrap();
        let (release, gate) = tokio::sync::watch::channel(false);
        let start = |wakeup: u64| {
            let reads = reads.clone();
            let count = count.clone();
            let mut gate = gate.clone();
            tokio::spawn(async move {
                reads
                    .read(owner, Seq::ZERO, ChangeLimit::DEFAULT, wakeup, move || {
                        count.fetch_add(1, Ordering::SeqCst);
                        async move {
                            let _ = gate.wait_for(|open| *open).await;
                            Ok(Arc::new(page(7)))
                        }
                        .boxed()
                    })
                    .await
            })
        };
        let waiters: Vec<_> = (0..10).map(|_| start(1)).collect();
        tokio::task::yield_now().await;
        release.send(true).unwrap();
        for waiter in waiters {
            assert_eq!(waiter.await.unwrap().unwrap().next.get(), 7);
        }
        assert_eq!(count.load(Ordering::SeqCst), 1, "one read for ten waiters");
        assert!(reads.is_empty(), "the finished read is forgotten");
        start(1).await.unwrap().unwrap();
        start(2).await.unwrap().unwrap();
        assert_eq!(count.load(Ordering::SeqCst), 3, "a later ask reads again");
    }
}
