//! [`PgChangeListener`]: the `ChangeSignals` port on PostgreSQL's
//! `LISTEN`/`NOTIFY`. Every write's COMMIT sends the hint
//! `'<user_uuid>:<seq>'` on the channel `todo_changes` (migration
//! 2026-12-07-000001); one background task per process holds one dedicated
//! connection (outside the pool) listening on it and wakes the watch
//! channel of that user, if anyone on this instance subscribed.
//!
//! The connection must reach PostgreSQL itself (or a session-mode pooler):
//! a transaction-mode pooler does not deliver notifications to a session.
//! When it drops, the task reconnects with backoff (100 ms doubling to 5 s,
//! with jitter) and then wakes every subscriber, who read what they missed
//! from the log: a hint lost in between loses no change.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use domain::UserId;
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use ports::{ChangeSignals, ChangeWakeups};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_postgres::AsyncMessage;

use crate::connect::{ConnectPlan, MessageStream, describe};
use crate::errors::PgSetupError;

/// The channel the change log's trigger notifies.
pub const CHANGE_CHANNEL: &str = "todo_changes";

/// Listens on [`CHANGE_CHANNEL`].
const LISTEN: &str = "LISTEN todo_changes";

/// The listening session's `application_name`, to find it in
/// `pg_stat_activity`.
pub const LISTEN_APPLICATION_NAME: &str = "todo-api listen";

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// How often the session is checked with `SELECT 1` (a peer behind a proxy
/// can vanish without the socket noticing), and subscribers nobody holds
/// any more are forgotten.
const PROBE_INTERVAL: Duration = Duration::from_secs(30);

/// Wakes each user's event streams when a hint for that user arrives.
/// Start it with [`PgChangeListener::start`]; stop it with
/// [`PgChangeListener::shutdown`] or by dropping the last handle.
pub struct PgChangeListener {
    shared: Arc<Shared>,
    /// Dropping it (or sending `true`) stops the background task.
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for PgChangeListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgChangeListener")
            .field("listening", &self.is_listening())
            .field("subscribed_users", &self.subscribed_users())
            .field("reconnects", &self.reconnects())
            .finish_non_exhaustive()
    }
}

struct Shared {
    /// One sender per user with subscribers on this instance; `None` once
    /// the listener has stopped (a later subscriber's receiver is closed
    /// at once).
    subscribers: Mutex<Option<HashMap<UserId, watch::Sender<u64>>>>,
    listening: AtomicBool,
    /// Sessions established after the first one.
    reconnects: AtomicU64,
}

impl Shared {
    fn subscribers(&self) -> MutexGuard<'_, Option<HashMap<UserId, watch::Sender<u64>>>> {
        // Nothing under this lock can panic half-way; a poisoned map is
        // still consistent.
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Wakes `user`'s subscribers, if any; forgets the user when nobody
    /// holds a receiver any more.
    fn wake(&self, user: UserId) {
        let mut guard = self.subscribers();
        let Some(map) = guard.as_mut() else {
            return;
        };
        let Some(sender) = map.get(&user) else {
            return;
        };
        if sender.receiver_count() == 0 {
            map.remove(&user);
            return;
        }
        sender.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Wakes every subscriber (after a reconnect: they may have missed
    /// hints), forgetting users nobody follows any more.
    fn wake_all(&self) -> usize {
        let mut guard = self.subscribers();
        let Some(map) = guard.as_mut() else {
            return 0;
        };
        map.retain(|_, sender| sender.receiver_count() > 0);
        for sender in map.values() {
            sender.send_modify(|n| *n = n.wrapping_add(1));
        }
        map.len()
    }

    fn sweep(&self) {
        if let Some(map) = self.subscribers().as_mut() {
            map.retain(|_, sender| sender.receiver_count() > 0);
        }
    }

    /// Drops every sender: each receiver's `changed()` then fails, which
    /// tells its stream that the signals are shutting down.
    fn close(&self) {
        *self.subscribers() = None;
        self.listening.store(false, Ordering::Relaxed);
    }
}

impl PgChangeListener {
    /// Starts listening on a connection of its own to `url` (the API's
    /// `DATABASE_LISTEN_URL`, defaulting to `DATABASE_URL`; it must lead to
    /// PostgreSQL itself or a session-mode pooler, not a transaction-mode
    /// one). TLS follows the URL as for the pool (`sslmode`,
    /// `sslrootcert`); `connect_timeout` bounds each connection attempt
    /// (unless the URL sets one) and the `LISTEN` itself.
    ///
    /// Returns at once: connecting happens in the background, so the API
    /// starts while the database is down; [`Self::is_listening`] tells
    /// when the listener is up. Must be called on a tokio runtime, which
    /// runs the background task.
    ///
    /// # Errors
    /// [`PgSetupError::InvalidUrl`] / [`PgSetupError::Tls`] as for the
    /// pool; [`PgSetupError::InvalidSettings`] for a zero timeout or when
    /// called outside a tokio runtime.
    pub fn start(url: &SecretString, connect_timeout: Duration) -> Result<Arc<Self>, PgSetupError> {
        if connect_timeout.is_zero() {
            return Err(PgSetupError::InvalidSettings(
                "the listener's connect timeout must be greater than zero".into(),
            ));
        }
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            PgSetupError::InvalidSettings(
                "the change listener must be started on a tokio runtime".into(),
            )
        })?;
        let mut plan = ConnectPlan::from_url(url.expose_secret(), connect_timeout)?;
        plan.set_application_name(LISTEN_APPLICATION_NAME);
        // An idle LISTEN connection sends nothing: without keepalives a
        // vanished peer would go unnoticed until the next probe.
        plan.set_keepalives(Duration::from_secs(15), Duration::from_secs(5));
        let shared = Arc::new(Shared {
            subscribers: Mutex::new(Some(HashMap::new())),
            listening: AtomicBool::new(false),
            reconnects: AtomicU64::new(0),
        });
        let (stop, stopped) = watch::channel(false);
        let task = runtime.spawn(run(Arc::clone(&shared), plan, connect_timeout, stopped));
        Ok(Arc::new(Self {
            shared,
            stop,
            task: Mutex::new(Some(task)),
        }))
    }

    /// Whether the `LISTEN` is in place now (for readiness and metrics).
    /// False before the first connection, between a loss and the
    /// reconnect, and after [`Self::shutdown`].
    pub fn is_listening(&self) -> bool {
        self.shared.listening.load(Ordering::Relaxed)
    }

    /// Users with at least one subscriber on this instance (approximate:
    /// users whose subscribers all left are forgotten on the next hint for
    /// them, or within 30 s).
    pub fn subscribed_users(&self) -> usize {
        self.shared.subscribers().as_ref().map_or(0, HashMap::len)
    }

    /// How many times the listener has connected again after losing its
    /// connection.
    pub fn reconnects(&self) -> u64 {
        self.shared.reconnects.load(Ordering::Relaxed)
    }

    /// Stops listening and closes the connection; every subscriber's
    /// `changed()` then returns an error. Waits for the background task to
    /// end. Later subscriptions get a closed receiver. Idempotent.
    pub async fn shutdown(&self) {
        self.stop.send_replace(true);
        let task = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task
            && let Err(error) = task.await
        {
            tracing::warn!(%error, "the change listener's task ended abnormally");
        }
        self.shared.close();
    }
}

impl Drop for PgChangeListener {
    fn drop(&mut self) {
        // The task also ends when it sees the sender dropped; saying so
        // first makes it stop even while it is connecting.
        self.stop.send_replace(true);
    }
}

impl ChangeSignals for PgChangeListener {
    fn subscribe(&self, owner: UserId) -> ChangeWakeups {
        let mut guard = self.shared.subscribers();
        match guard.as_mut() {
            Some(map) => map
                .entry(owner)
                .or_insert_with(|| watch::channel(0).0)
                .subscribe(),
            None => watch::channel(0).1,
        }
    }
}

/// Why a session ended.
enum Ended {
    /// Never got to `LISTEN` (unreachable, refused, timed out).
    NotConnected(String),
    /// Was listening, then lost the connection.
    Lost(String),
}

/// The background task: sessions one after another until told to stop.
async fn run(
    shared: Arc<Shared>,
    plan: ConnectPlan,
    timeout: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut backoff = FIRST_BACKOFF;
    let mut sessions: u64 = 0;
    loop {
        if *stop.borrow_and_update() {
            break;
        }
        let ended = tokio::select! {
            ended = session(&shared, &plan, timeout, &mut sessions) => ended,
            _ = stop.changed() => break,
        };
        shared.listening.store(false, Ordering::Relaxed);
        let delay = jittered(match ended {
            Ended::Lost(_) => FIRST_BACKOFF,
            Ended::NotConnected(_) => backoff,
        });
        match &ended {
            Ended::Lost(why) => {
                backoff = FIRST_BACKOFF;
                tracing::warn!(
                    error = %why,
                    retry_in_ms = delay.as_millis(),
                    "change listener lost its database connection; reconnecting"
                );
            }
            Ended::NotConnected(why) => {
                tracing::warn!(
                    error = %why,
                    retry_in_ms = delay.as_millis(),
                    "change listener cannot connect to the database; retrying"
                );
            }
        }
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _ = stop.changed() => break,
        }
        if matches!(ended, Ended::NotConnected(_)) {
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }
    shared.close();
    tracing::info!("change listener stopped");
}

/// `delay` shortened by a random part of up to half, so that instances
/// cut off together do not all reconnect at the same instant.
fn jittered(delay: Duration) -> Duration {
    let random = uuid::Uuid::new_v4().as_u128();
    // 0 ..= 500 thousandths.
    let cut = u32::try_from(random % 501).unwrap_or(0);
    delay.saturating_sub(delay * cut / 1000)
}

/// One connection: connect, `LISTEN`, wake everyone, then wake users as
/// hints arrive until the connection fails.
async fn session(
    shared: &Shared,
    plan: &ConnectPlan,
    timeout: Duration,
    sessions: &mut u64,
) -> Ended {
    let connected = tokio::time::timeout(timeout, plan.connect_raw()).await;
    let (client, mut messages) = match connected {
        Ok(Ok(pair)) => pair,
        Ok(Err(error)) => return Ended::NotConnected(describe(&error)),
        Err(_) => {
            return Ended::NotConnected(format!("no connection within {timeout:?}"));
        }
    };
    // The client's requests are carried by polling the messages, so the
    // LISTEN runs while they are polled.
    let listen = async {
        let command = client.batch_execute(LISTEN);
        tokio::pin!(command);
        loop {
            tokio::select! {
                done = &mut command => return done.map_err(|e| describe(&e)),
                message = messages.next() => handle(shared, message)?,
            }
        }
    };
    match tokio::time::timeout(timeout, listen).await {
        Ok(Ok(())) => {}
        Ok(Err(why)) => return Ended::NotConnected(why),
        Err(_) => return Ended::NotConnected(format!("LISTEN took longer than {timeout:?}")),
    }
    if *sessions > 0 {
        shared.reconnects.fetch_add(1, Ordering::Relaxed);
    }
    *sessions += 1;
    // Hints sent before this session existed are lost: everyone catches up
    // from the log (on the first session too, for subscribers that came
    // before the listener was up).
    let woken = shared.wake_all();
    // Only now: whoever subscribes after seeing it listening missed nothing.
    shared.listening.store(true, Ordering::Relaxed);
    tracing::info!(
        woken_users = woken,
        reconnect = *sessions > 1,
        "change listener is listening"
    );
    listen_until_lost(shared, &client, messages, timeout).await
}

async fn listen_until_lost(
    shared: &Shared,
    client: &tokio_postgres::Client,
    mut messages: MessageStream,
    timeout: Duration,
) -> Ended {
    let mut ticks = tokio::time::interval_at(Instant::now() + PROBE_INTERVAL, PROBE_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut probe: Option<BoxFuture<'_, Result<(), String>>> = None;
    loop {
        tokio::select! {
            message = messages.next() => {
                if let Err(why) = handle(shared, message) {
                    return Ended::Lost(why);
                }
            }
            _ = ticks.tick() => {
                shared.sweep();
                if probe.is_none() {
                    probe = Some(Box::pin(async move {
                        match tokio::time::timeout(timeout, client.simple_query("SELECT 1")).await {
                            Ok(Ok(_)) => Ok(()),
                            Ok(Err(error)) => Err(describe(&error)),
                            Err(_) => Err(format!("SELECT 1 took longer than {timeout:?}")),
                        }
                    }));
                }
            }
            Some(answer) = async {
                match probe.as_mut() {
                    Some(pending) => Some(pending.await),
                    None => std::future::pending().await,
                }
            } => {
                probe = None;
                if let Err(why) = answer {
                    return Ended::Lost(why);
                }
            }
        }
    }
}

/// Acts on one message of the connection; `Err` when the connection ended.
fn handle(
    shared: &Shared,
    message: Option<Result<AsyncMessage, tokio_postgres::Error>>,
) -> Result<(), String> {
    match message {
        None => Err("the server closed the connection".into()),
        Some(Err(error)) => Err(describe(&error)),
        Some(Ok(AsyncMessage::Notification(note))) => {
            if note.channel() == CHANGE_CHANNEL {
                match parse_hint(note.payload()) {
                    Some(user) => shared.wake(user),
                    None => tracing::debug!("ignored a malformed change hint"),
                }
            }
            Ok(())
        }
        Some(Ok(AsyncMessage::Notice(notice))) => {
            tracing::debug!(notice = %notice.message(), "notice on the change listener's connection");
            Ok(())
        }
        Some(Ok(_)) => Ok(()),
    }
}

/// The user of a hint `'<user_uuid>:<seq>'` (the seq only says that the
/// log grew; readers read the log).
fn parse_hint(payload: &str) -> Option<UserId> {
    let (user, seq) = payload.split_once(':')?;
    seq.parse::<u64>().ok()?;
    UserId::parse(user).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_a_user_and_a_seq() {
        let user = uuid::Uuid::new_v4();
        assert_eq!(
            parse_hint(&format!("{user}:17")),
            Some(UserId::from_uuid(user))
        );
        for bad in ["", "17", ":17", &format!("{user}"), &format!("{user}:x")] {
            assert_eq!(parse_hint(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_listen_statement_names_the_channel() {
        assert_eq!(LISTEN, format!("LISTEN {CHANGE_CHANNEL}"));
    }

    #[test]
    fn jitter_cuts_at_most_half() {
        for _ in 0..1000 {
            let d = jittered(Duration::from_millis(100));
            assert!(d >= Duration::from_millis(50) && d <= Duration::from_millis(100));
        }
    }

    #[tokio::test]
    async fn wake_ups_reach_only_the_users_subscribers_and_forget_the_departed() {
        let shared = Shared {
            subscribers: Mutex::new(Some(HashMap::new())),
            listening: AtomicBool::new(false),
            reconnects: AtomicU64::new(0),
        };
        let alice = UserId::from_uuid(uuid::Uuid::new_v4());
        let bob = UserId::from_uuid(uuid::Uuid::new_v4());
        let subscribe = |user| {
            shared
                .subscribers()
                .as_mut()
                .unwrap()
                .entry(user)
                .or_insert_with(|| watch::channel(0).0)
                .subscribe()
        };
        let mut a = subscribe(alice);
        let b = subscribe(bob);
        shared.wake(alice);
        assert!(a.has_changed().unwrap());
        a.mark_unchanged();
        assert!(!b.has_changed().unwrap());
        drop(b);
        shared.wake(bob);
        assert!(!shared.subscribers().as_ref().unwrap().contains_key(&bob));
        assert_eq!(shared.wake_all(), 1);
        assert!(a.has_changed().unwrap());
        a.mark_unchanged();
        shared.close();
        assert!(a.changed().await.is_err());
    }
}
