use std::fmt::Debug;
use std::time::{SystemTime, UNIX_EPOCH};

/// The verifier's notion of "now" for `exp`, `nbf` and `iat`. Injectable so
/// that recorded tokens can be checked at the instant they were valid.
pub trait Clock: Send + Sync + Debug + 'static {
    /// Whole seconds since the Unix epoch.
    fn now_unix(&self) -> i64;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            // A clock set before 1970 makes every token look not yet valid,
            // which fails closed.
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        }
    }
}
