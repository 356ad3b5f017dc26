//! The JWKS key cache. Verification reads the current key set through an
//! `ArcSwap` (no lock, no I/O); fetches replace it wholesale. One mutex
//! serialises fetches, so concurrent misses share one fetch, and a cooldown
//! limits how often unknown `kid`s can make us fetch at all.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::sync::Mutex;
use tokio::task::AbortHandle;
use tokio::time::Instant;

use crate::jwks_fetch::{FetchError, JwksFetcher};
use crate::key_set::{KeySet, NotAJwks, parse_jwks};
use crate::verified_tokens::VerifiedTokens;

/// After a failed fetch the background task retries after the refetch
/// cooldown rather than the full refresh interval, so an API started before
/// Better Auth becomes ready soon after it comes up; never more often than
/// this, even with no cooldown configured.
const MIN_RETRY_INTERVAL: Duration = Duration::from_millis(100);

/// One loaded key set, with the tokens verified against it. Replaced as a
/// whole by every successful fetch, so cached verifications never outlive
/// the keys that made them.
#[derive(Debug, Default)]
pub(crate) struct KeyGeneration {
    pub(crate) keys: KeySet,
    pub(crate) verified: VerifiedTokens,
}

#[derive(Debug)]
pub(crate) struct KeyCache {
    current: ArcSwap<KeyGeneration>,
    /// Set once a fetch has produced at least one usable key; never unset,
    /// since a failed fetch keeps the last good keys.
    ready: AtomicBool,
    /// Completed fetch attempts, successful or not. A miss that sees this
    /// change while it waited for the fetch lock knows a fetch happened
    /// after its lookup and does not start another.
    attempts: AtomicU64,
    fetcher: JwksFetcher,
    refetch_cooldown: Duration,
    fetch_state: Mutex<FetchState>,
}

#[derive(Debug, Default)]
struct FetchState {
    last_on_demand: Option<Instant>,
    /// Kids already warned about, so an unusable key is logged once rather
    /// than at every refresh.
    warned: HashSet<Option<String>>,
}

#[derive(Debug, thiserror::Error)]
enum RefreshError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Document(#[from] NotAJwks),
}

impl KeyCache {
    pub(crate) fn new(fetcher: JwksFetcher, refetch_cooldown: Duration) -> Self {
        Self {
            current: ArcSwap::from_pointee(KeyGeneration::default()),
            ready: AtomicBool::new(false),
            attempts: AtomicU64::new(0),
            fetcher,
            refetch_cooldown,
            fetch_state: Mutex::new(FetchState::default()),
        }
    }

    pub(crate) fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// A marker to pass to [`Self::refetch_after_miss`], taken before the
    /// lookup that may miss.
    pub(crate) fn attempts(&self) -> u64 {
        self.attempts.load(Ordering::Acquire)
    }

    pub(crate) fn current(&self) -> Arc<KeyGeneration> {
        self.current.load_full()
    }

    /// Called when a token names a `kid` we do not have. Returns once a
    /// fetch that started after the miss has finished, or at once when the
    /// cooldown forbids fetching.
    pub(crate) async fn refetch_after_miss(&self, attempts_before_lookup: u64) {
        let mut state = self.fetch_state.lock().await;
        if self.attempts() != attempts_before_lookup {
            return;
        }
        if state
            .last_on_demand
            .is_some_and(|at| at.elapsed() < self.refetch_cooldown)
        {
            tracing::debug!("unknown kid within the JWKS refetch cooldown; not fetching");
            return;
        }
        state.last_on_demand = Some(Instant::now());
        self.refresh_locked(&mut state).await;
    }

    /// A scheduled refresh. Returns whether it succeeded.
    async fn refresh(&self) -> bool {
        let mut state = self.fetch_state.lock().await;
        self.refresh_locked(&mut state).await
    }

    async fn refresh_locked(&self, state: &mut FetchState) -> bool {
        let outcome = self.fetch_and_parse(state).await;
        self.attempts.fetch_add(1, Ordering::AcqRel);
        metrics::counter!("jwks_fetches_total").increment(1);
        match outcome {
            Ok(()) => true,
            Err(err) => {
                metrics::counter!("jwks_fetch_failures_total").increment(1);
                let kept = self.current.load().keys.len();
                tracing::warn!(error = %err, kept_keys = kept, "JWKS refresh failed; keeping the last good keys");
                false
            }
        }
    }

    async fn fetch_and_parse(&self, state: &mut FetchState) -> Result<(), RefreshError> {
        let body = self.fetcher.fetch().await?;
        let parsed = parse_jwks(&body)?;
        for skipped in parsed.skipped {
            if state.warned.insert(skipped.kid.clone()) {
                tracing::warn!(
                    kid = skipped.kid.as_deref().unwrap_or("(none)"),
                    reason = %skipped.reason,
                    "skipping a JWKS key this verifier cannot use"
                );
            }
        }
        let count = parsed.keys.len();
        if count == 0 {
            tracing::warn!("the JWKS document holds no usable key");
        } else {
            tracing::debug!(keys = count, "JWKS loaded");
        }
        // A well-formed document is the authority's current word, even when
        // it drops keys: removed keys must stop verifying.
        self.current.store(Arc::new(KeyGeneration {
            keys: parsed.keys,
            verified: VerifiedTokens::default(),
        }));
        if count > 0 {
            self.ready.store(true, Ordering::Release);
        }
        Ok(())
    }

    /// Starts the background refresh: a first fetch right away, then one per
    /// `refresh_interval` (sooner after a failure). The task holds only a
    /// weak reference between fetches and ends with the cache.
    pub(crate) fn spawn_refresh(
        self: &Arc<Self>,
        runtime: &tokio::runtime::Handle,
        refresh_interval: Duration,
    ) -> AbortHandle {
        let retry_interval = refresh_interval.min(self.refetch_cooldown.max(MIN_RETRY_INTERVAL));
        let cache: Weak<Self> = Arc::downgrade(self);
        runtime
            .spawn(async move {
                loop {
                    let Some(strong) = cache.upgrade() else {
                        return;
                    };
                    // A well-formed but empty document also counts as not
                    // there yet: retry soon rather than after a full interval.
                    let ok = strong.refresh().await && strong.is_ready();
                    drop(strong);
                    tokio::time::sleep(if ok { refresh_interval } else { retry_interval }).await;
                }
            })
            .abort_handle()
    }
}
