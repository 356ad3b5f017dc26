//! Live updates: the per-user event streams of `GET /api/{user_id}/events`
//! (`stream`: replay from the change log, then follow it on wake-ups from
//! the `ChangeSignals` port), their server-sent-event framing (`sse`), the
//! per-instance bookkeeping of open streams (`slots`), the log reads a
//! user's streams share (`shared_reads`), and the background
//! pruning of the change log (`pruning`) and the purge of the trash and the
//! idempotency records (`trash_purge`).
//!
//! Depends on the ports, the domain and `wire` (a change is sent as the
//! same JSON `GET …/changes` returns); the routes open streams through it.

pub mod pruning;
pub mod shared_reads;
pub mod slots;
pub mod sse;
pub mod stream;
pub mod trash_purge;

use std::sync::Arc;
use std::time::Duration;

pub use shared_reads::SharedReads;
pub use slots::{EventStreams, StreamSlot};

/// At most this many open event streams per user on one instance; the next
/// is refused with 429.
pub const MAX_STREAMS_PER_USER: usize = 10;

/// Events a stream may hold unsent before its client counts as unable to
/// keep up (it then gets `event: resync` and the stream ends).
pub const STREAM_BUFFER: usize = 1000;

/// How long a stream whose buffer is full waits for its client to take an
/// event before giving up on it.
pub const OVERFLOW_GRACE: Duration = Duration::from_secs(5);

/// How event streams behave. The keep-alive interval is a setting
/// (`EVENTS_KEEPALIVE_SECS`); the rest are the contract's numbers, fields
/// so that tests can make them small.
#[derive(Debug, Clone)]
pub struct EventsOptions {
    /// A comment line is sent this often so that proxies keep the
    /// connection open.
    pub keep_alive: Duration,
    pub max_streams_per_user: usize,
    pub buffer: usize,
    pub overflow_grace: Duration,
    /// The open streams of this instance (shared by every worker), and the
    /// signal that ends them all on shutdown.
    pub streams: Arc<EventStreams>,
    /// Log reads shared by a user's streams woken by the same hint.
    pub reads: Arc<SharedReads>,
}

impl EventsOptions {
    /// The contract's limits with this keep-alive interval.
    pub fn new(keep_alive: Duration) -> Self {
        Self {
            keep_alive,
            max_streams_per_user: MAX_STREAMS_PER_USER,
            buffer: STREAM_BUFFER,
            overflow_grace: OVERFLOW_GRACE,
            streams: Arc::new(EventStreams::default()),
            reads: Arc::new(SharedReads::default()),
        }
    }
}
