use domain::UserId;

/// A wake-up for one user's event streams: its value counts wake-ups and
/// means nothing else. `changed()` returns when the user's log may have
/// grown (a hint from any API instance, or a catch-up after the listener
/// reconnected); wake-ups may be coalesced or spurious, so a subscriber
/// always reads the log after the last `seq` it delivered to learn what
/// changed. It returns an error only when the signals are shutting down.
pub type ChangeWakeups = tokio::sync::watch::Receiver<u64>;

/// Wakes event streams when their user's change log grows, whichever API
/// instance made the change. Implemented by a listener on the database's
/// notifications (adapters-postgres); cheap to call, never blocks.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait ChangeSignals: Send + Sync + 'static {
    /// Starts receiving `owner`'s wake-ups. Subscribe *before* reading the
    /// log, so that a change committed in between still wakes the caller.
    fn subscribe(&self, owner: UserId) -> ChangeWakeups;
}
