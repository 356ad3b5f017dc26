//! The open event streams of this instance: how many each user has (to
//! refuse the 11th), and the signal that ends them all when the server
//! shuts down (an open stream would otherwise hold the graceful shutdown
//! for its whole timeout).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use domain::UserId;
use tokio::sync::watch;

/// Shared by every worker of one server.
#[derive(Debug)]
pub struct EventStreams {
    open: Mutex<HashMap<UserId, usize>>,
    shutdown: watch::Sender<bool>,
}

impl Default for EventStreams {
    fn default() -> Self {
        Self {
            open: Mutex::new(HashMap::new()),
            shutdown: watch::Sender::new(false),
        }
    }
}

impl EventStreams {
    /// A slot for one more of `user`'s streams, unless they already have
    /// `max`. The slot is given back when the [`StreamSlot`] is dropped
    /// (the stream ended, or its client went away).
    pub fn try_open(self: &Arc<Self>, user: UserId, max: usize) -> Option<StreamSlot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(user).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        crate::metrics::record_open_streams(open.values().sum());
        Some(StreamSlot {
            streams: Arc::clone(self),
            user,
        })
    }

    /// How many streams `user` has open here.
    pub fn open_for(&self, user: UserId) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&user).copied().unwrap_or(0)
    }

    /// How many streams are open here, all users together.
    pub fn open_total(&self) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.values().sum()
    }

    /// Ends every open stream, and every stream opened from now on, at
    /// once: called when the server starts shutting down.
    pub fn shut_down(&self) {
        self.shutdown.send_replace(true);
    }

    /// Completes once [`EventStreams::shut_down`] has been called.
    pub fn shutting_down(&self) -> impl Future<Output = ()> + use<> {
        let mut shutdown = self.shutdown.subscribe();
        async move {
            // An error means the sender is gone, which it never is while a
            // stream holds its slot; either way the stream should end.
            let _ = shutdown.wait_for(|stopping| *stopping).await;
        }
    }

    fn close(&self, user: UserId) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&user) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&user);
            }
        }
        crate::metrics::record_open_streams(open.values().sum());
    }
}

/// One open stream's place in its user's allowance.
#[derive(Debug)]
pub struct StreamSlot {
    streams: Arc<EventStreams>,
    user: UserId,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.streams.close(self.user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_per_user_and_given_back_on_drop() {
        let streams = Arc::new(EventStreams::default());
        let alice = UserId::from_uuid(uuid::Uuid::from_u128(1));
        let bob = UserId::from_uuid(uuid::Uuid::from_u128(2));
        let held: Vec<_> = (0..3)
            .map(|_| streams.try_open(alice, 3).expect("a slot"))
            .collect();
        assert!(streams.try_open(alice, 3).is_none());
        let bobs = streams.try_open(bob, 3);
        assert!(bobs.is_some());
        assert_eq!(streams.open_total(), 4);
        drop(held);
        assert_eq!(streams.open_for(alice), 0);
        assert!(streams.try_open(alice, 3).is_some());
    }
}
