//! One event stream: a task that replays the change log after the
//! client's position, then follows it, feeding a bounded channel that the
//! response body drains.
//!
//! No gap and no duplicate at the seam between replay and live: the route
//! subscribes to the user's wake-ups *before* it reads the log, and the
//! stream keeps the last `seq` it delivered and, on every wake-up, reads
//! the log after it (wake-ups carry no data; they may be coalesced or
//! spurious). Several API instances can therefore serve one user: the log
//! is the only state.
//!
//! The channel holds `buffer` events plus one slot kept free for the last
//! word (`resync` or `token-expired`). During the initial replay the task
//! waits for room (a client that reads at all receives every event, however
//! far behind it started). Live, a client whose buffer is full and that
//! takes nothing for `overflow_grace` while more changes are due gets
//! `event: resync` and the stream ends: it resumes from the log with
//! `Last-Event-ID`, never silently skipping an event.
//!
//! The stream ends (and its slot is given back) when the client goes away
//! (the body is dropped), when the server shuts down, when the token
//! expires (after `event: token-expired`), when the signals stop, or when
//! the log cannot be read (the client reconnects, possibly to another
//! instance, rather than this one retrying in a loop).

use std::convert::Infallible;
use std::sync::Arc;

use actix_web::web::Bytes;
use domain::{ChangeLimit, ChangePage, Seq, Timestamp, UserId};
use futures_util::Stream;
use ports::{ChangeLog, ChangeWakeups, ReadChangesError};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use futures_util::FutureExt;

use super::shared_reads::ReadFailed;
use super::{EventsOptions, StreamSlot, sse};

/// Everything the route established before answering 200.
#[derive(Debug)]
pub struct Opening {
    pub owner: UserId,
    /// Subscribed before `first` was read.
    pub wakeups: ChangeWakeups,
    /// Where the stream starts: the client's position, or the latest `seq`.
    pub position: Seq,
    /// The first page after `position`, read by the route so that a bad
    /// position is an HTTP error; `None` to start live at `position`.
    pub first: Option<ChangePage>,
    /// When the token that opened the stream expires.
    pub expires_at: Option<Timestamp>,
    pub slot: StreamSlot,
}

/// Why a stream ended; for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    ClientGone,
    Shutdown,
    TokenExpired,
    Overflow,
    SignalsClosed,
    LostPosition,
    LogFailed,
}

/// The largest page the stream reads at once.
fn page_limit(n: usize) -> ChangeLimit {
    let n = n.clamp(usize::from(ChangeLimit::MIN), usize::from(ChangeLimit::MAX));
    ChangeLimit::new(i64::try_from(n).unwrap_or(1)).unwrap_or_default()
}

/// Starts the stream's task on the current worker and returns the
/// response body it feeds.
pub fn start(
    opening: Opening,
    log: Arc<dyn ChangeLog>,
    options: &EventsOptions,
) -> impl Stream<Item = Result<Bytes, Infallible>> + 'static {
    let (tx, mut rx) = mpsc::channel(options.buffer.max(1) + 1);
    let producer = Producer {
        owner: opening.owner,
        log,
        tx,
        last: opening.position,
        options: options.clone(),
    };
    actix_web::rt::spawn(producer.produce(
        opening.wakeups,
        opening.first,
        opening.expires_at,
        opening.slot,
    ));
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|item| item.map(Ok)))
}

struct Producer {
    owner: UserId,
    log: Arc<dyn ChangeLog>,
    tx: mpsc::Sender<Bytes>,
    /// The last `seq` handed to the client.
    last: Seq,
    options: EventsOptions,
}

impl Producer {
    async fn produce(
        mut self,
        wakeups: ChangeWakeups,
        first: Option<ChangePage>,
        expires_at: Option<Timestamp>,
        slot: StreamSlot,
    ) {
        let tx = self.tx.clone();
        let shutting_down = self.options.streams.shutting_down();
        let expiry = async move {
            match expires_at {
                Some(at) => {
                    let left = (at - chrono::Utc::now()).to_std().unwrap_or_default();
                    tokio::time::sleep_until(Instant::now() + left).await;
                }
                None => std::future::pending().await,
            }
        };
        let end = tokio::select! {
            end = self.run(wakeups, first) => end,
            () = shutting_down => End::Shutdown,
            () = tx.closed() => End::ClientGone,
            () = expiry => {
                // The slot kept free for the last word.
                let _ = tx.try_send(sse::token_expired());
                End::TokenExpired
            }
        };
        tracing::debug!(?end, "event stream ended");
        drop(slot);
    }

    async fn run(&mut self, mut wakeups: ChangeWakeups, first: Option<ChangePage>) -> End {
        let mut page = first;
        while let Some(current) = page.take() {
            for change in &current.changes {
                if self.send_waiting(sse::change(change)).await.is_err() {
                    return End::ClientGone;
                }
            }
            self.last = current.next;
            if current.has_more {
                match self.read(page_limit(usize::MAX)).await {
                    Ok(next) => page = Some(next),
                    Err(end) => return end,
                }
            }
        }
        if self.send_waiting(sse::ready(self.last)).await.is_err() {
            return End::ClientGone;
        }
        let period = self.options.keep_alive;
        let mut ticks = tokio::time::interval_at(Instant::now() + period, period);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                changed = wakeups.changed() => {
                    if changed.is_err() {
                        return End::SignalsClosed;
                    }
                    let wakeup = *wakeups.borrow_and_update();
                    if let Err(end) = self.catch_up(Some(wakeup)).await {
                        return end;
                    }
                }
                _ = ticks.tick() => {
                    // Pointless when events are waiting anyway.
                    if self.tx.capacity() > 1 {
                        let _ = self.tx.try_send(sse::keep_alive());
                    }
                    // A hint can be lost (a writer that died between its
                    // commit and its NOTIFY, ADR 0007): the log is read on
                    // every tick too, so such a change arrives at most one
                    // keep-alive period late, never not at all.
                    if let Err(end) = self.catch_up(None).await {
                        return end;
                    }
                }
            }
        }
    }

    /// Sends, waiting for room but never taking the slot kept for the last
    /// word.
    async fn send_waiting(&self, event: Bytes) -> Result<(), End> {
        let mut permits = self.tx.reserve_many(2).await.map_err(|_| End::ClientGone)?;
        if let Some(permit) = permits.next() {
            permit.send(event);
        }
        Ok(())
    }

    /// Delivers everything after `last`, as far as the buffer allows.
    async fn catch_up(&mut self, wakeup: Option<u64>) -> Result<(), End> {
        loop {
            let mut room = self.tx.capacity().saturating_sub(1);
            if room == 0 {
                let waited =
                    tokio::time::timeout(self.options.overflow_grace, self.tx.reserve_many(2))
                        .await;
                match waited {
                    Ok(Ok(permits)) => drop(permits),
                    Ok(Err(_)) => return Err(End::ClientGone),
                    Err(_) => return self.overflowed().await,
                }
                room = self.tx.capacity().saturating_sub(1);
            }
            let page = match wakeup {
                Some(wakeup) => self.read_shared(page_limit(room), wakeup).await?,
                None => self.read(page_limit(room)).await?,
            };
            for change in &page.changes {
                self.tx
                    .try_send(sse::change(change))
                    .map_err(|_| End::ClientGone)?;
            }
            self.last = page.next;
            if !page.has_more {
                return Ok(());
            }
        }
    }

    /// The buffer stayed full: the client is told to resync if changes
    /// are really due (a wake-up may be spurious).
    async fn overflowed(&self) -> Result<(), End> {
        match self.log.latest(self.owner).await {
            Ok(latest) if latest <= self.last => Ok(()),
            _ => {
                let _ = self.tx.try_send(sse::resync());
                tracing::info!(last = %self.last, "event stream client fell behind; sent resync");
                Err(End::Overflow)
            }
        }
    }

    async fn read(&self, limit: ChangeLimit) -> Result<ChangePage, End> {
        read_log(self.log.as_ref(), self.owner, self.last, limit)
            .await
            .map_err(End::from)
    }

    /// As [`Self::read`], shared with the user's other streams on this
    /// instance that were woken by the same wake-up (`wakeup`: the value
    /// of the user's wake-up counter seen after it).
    async fn read_shared(&self, limit: ChangeLimit, wakeup: u64) -> Result<ChangePage, End> {
        let (log, owner, since) = (self.log.clone(), self.owner, self.last);
        self.options
            .reads
            .read(owner, since, limit, wakeup, move || {
                async move {
                    read_log(log.as_ref(), owner, since, limit)
                        .await
                        .map(Arc::new)
                }
                .boxed()
            })
            .await
            .map(Arc::unwrap_or_clone)
            .map_err(End::from)
    }
}

impl From<ReadFailed> for End {
    fn from(failed: ReadFailed) -> Self {
        if failed.lost {
            Self::LostPosition
        } else {
            Self::LogFailed
        }
    }
}

/// Reads the log after `since`; failures are logged here, once per read.
async fn read_log(
    log: &dyn ChangeLog,
    owner: UserId,
    since: Seq,
    limit: ChangeLimit,
) -> Result<ChangePage, ReadFailed> {
    match log.read(owner, since, limit).await {
        Ok(page) => Ok(page),
        Err(ReadChangesError::Unavailable(error)) => {
            tracing::warn!(%error, "change log unavailable; ending the event stream");
            Err(ReadFailed { lost: false })
        }
        Err(ReadChangesError::Internal(error)) => {
            tracing::error!(%error, "change log failure; ending the event stream");
            Err(ReadFailed { lost: false })
        }
        Err(error @ (ReadChangesError::AheadOfLog { .. } | ReadChangesError::Expired { .. })) => {
            // The user's log was reset (account deleted) or pruned past
            // this stream: reconnecting tells the client which.
            tracing::debug!(%error, "event stream lost its position");
            Err(ReadFailed { lost: true })
        }
    }
}
