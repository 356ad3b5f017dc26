//! `PgTaskRepo`: the `TaskRepo` port on PostgreSQL. Every statement carries
//! `user_id = owner`, so another user's task is indistinguishable from a
//! missing one.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError, QueryResult};
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, PoolableConnection, RecyclingMethod,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use domain::{
    CompletionChange, CompletionId, CompletionPage, CompletionQuery, Placement, Task, TaskFields,
    TaskId, TaskLocation, TaskMove, TaskPage, TaskPatch, TaskQuery, UserId, Version,
};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use ports::{
    BoxError, CreateTaskError, DeleteTaskError, GetTaskError, ListCompletionsError, ListTasksError,
    MoveTaskError, RepoUnavailable, TaskRepo, UpdateTaskError,
};
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::connect::{ConnectPlan, Transport};
use crate::errors::{PgSetupError, StoreError};
use crate::listing::page_query;
use crate::prepared::PreparedExt;
use crate::recurring;
use crate::rows::{FullTaskRow, NewTaskRow, Schedule, TaskChanges, full_task, task_from};
use crate::schema::tasks;
use crate::settings::{PgSettings, PoolerMode};
use crate::task_tree::{self, DefaultList, Placed, Refusal, Target};

/// Tasks stored in PostgreSQL, behind a connection pool. Cheap to clone
/// (clones share the pool).
#[derive(Clone)]
pub struct PgTaskRepo {
    pool: Pool<AsyncPgConnection>,
    transport: Transport,
    plan: Arc<ConnectPlan>,
    /// How long one attempt of an operation may take before the client
    /// gives up on its connection: the server's statement_timeout plus a
    /// margin, for a server or network that stopped answering altogether.
    deadline: Option<Duration>,
    acquire_timeout: Duration,
    /// Behind a transaction-mode pooler: what opens each operation's
    /// transaction (`BEGIN` and the timeouts as `SET LOCAL`). `None`: each
    /// statement runs on its own, the timeouts set for the whole session.
    begin: Option<Arc<str>>,
    /// The readiness probe's own connection, outside the pool.
    probe: Arc<tokio::sync::Mutex<Option<AsyncPgConnection>>>,
}

impl fmt::Debug for PgTaskRepo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgTaskRepo")
            .field("pool", &self.pool.status())
            .field("transport", &self.transport)
            .field("per_operation_transaction", &self.begin.is_some())
            .finish()
    }
}

impl PgTaskRepo {
    /// Builds the pool; connects lazily, so the API can start while the DB
    /// is down. Waiting for and opening a connection are each bounded by
    /// `acquire_timeout`.
    ///
    /// Recovery after an outage without a round trip per checkout: a pooled
    /// connection whose socket has closed (the driver notices at once when
    /// the server or the network drops it) is discarded on checkout, and an
    /// operation whose connection turns out dead anyway is run once more on
    /// a fresh one when repeating it is safe (see [`Replay`]).
    ///
    /// Building needs no runtime; the repository's methods must run on a
    /// tokio runtime (either flavour).
    ///
    /// # Errors
    /// [`PgSetupError`] for an invalid URL, TLS roots that cannot be loaded,
    /// or a zero pool size or timeout.
    pub fn new(settings: &PgSettings) -> Result<Self, PgSetupError> {
        if settings.max_connections == 0 {
            return Err(PgSetupError::InvalidSettings(
                "max_connections must be at least 1".into(),
            ));
        }
        if settings.acquire_timeout.is_zero() {
            return Err(PgSetupError::InvalidSettings(
                "acquire_timeout must be greater than zero".into(),
            ));
        }
        let mut plan =
            ConnectPlan::from_url(settings.url.expose_secret(), settings.acquire_timeout)?;
        let begin = match settings.pooler {
            PoolerMode::None => {
                plan.set_session_timeouts(settings.statement_timeout, settings.lock_timeout);
                None
            }
            PoolerMode::Transaction => {
                plan.set_pooler(PoolerMode::Transaction);
                Some(Arc::from(begin_sql(
                    settings.statement_timeout,
                    settings.lock_timeout,
                )))
            }
        };
        let plan = Arc::new(plan);
        let transport = plan.transport();
        let deadline = (!settings.statement_timeout.is_zero())
            .then(|| settings.statement_timeout + settings.acquire_timeout);
        let setup_plan = Arc::clone(&plan);

        let mut config = ManagerConfig::default();
        config.recycling_method = RecyclingMethod::Fast;
        config.custom_setup = Box::new(move |_url| {
            let plan = Arc::clone(&setup_plan);
            async move { plan.connect().await }.boxed()
        });
        // The URL was parsed into the plan above; the manager gets none so
        // the secret lives in one place only.
        let manager = AsyncDieselConnectionManager::new_with_config(String::new(), config);
        let timeout = Some(settings.acquire_timeout);
        let pool = Pool::builder(manager)
            .max_size(settings.max_connections)
            .wait_timeout(timeout)
            .create_timeout(timeout)
            .recycle_timeout(timeout)
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| PgSetupError::Pool(e.to_string()))?;
        Ok(Self {
            pool,
            transport,
            plan,
            deadline,
            acquire_timeout: settings.acquire_timeout,
            begin,
            probe: Arc::default(),
        })
    }

    async fn conn(&self) -> Result<Object<AsyncPgConnection>, StoreError> {
        Ok(self.pool.get().await?)
    }

    /// Runs `op` on a pooled connection. When it fails because that
    /// connection is dead (closed by an outage, a restart or
    /// `pg_terminate_backend` before the pool noticed), the connection is
    /// dropped and so are the idle ones (they most likely died of the same
    /// cause), and if `replay` allows, `op` runs once more on a fresh
    /// connection: the first request after a recovery does not fail for a
    /// connection the outage broke.
    pub(crate) async fn run<T, F>(&self, replay: Replay, op: F) -> Result<T, StoreError>
    where
        T: Send,
        F: for<'c> Fn(&'c mut AsyncPgConnection) -> BoxFuture<'c, QueryResult<T>> + Send + Sync,
    {
        self.run_in(replay, Tx::No, None, op).await
    }

    /// As [`Self::run`] for a write of `owner`'s data: once it has
    /// committed, the change log's hint goes out ([`hint_sql`]), so that
    /// every API instance wakes `owner`'s event streams.
    pub(crate) async fn run_write<T, F>(
        &self,
        owner: UserId,
        replay: Replay,
        op: F,
    ) -> Result<T, StoreError>
    where
        T: Send,
        F: for<'c> Fn(&'c mut AsyncPgConnection) -> BoxFuture<'c, QueryResult<T>> + Send + Sync,
    {
        self.run_in(replay, Tx::No, Some(owner), op).await
    }

    /// As [`Self::run_write`], with `op` in one transaction: its
    /// statements commit together or not at all, and locks it takes (`FOR
    /// NO KEY UPDATE`) are held until the end (behind a transaction-mode
    /// pooler every operation is one already). The hint goes in the same
    /// round trip as the `COMMIT`.
    pub(crate) async fn run_write_tx<T, F>(
        &self,
        owner: UserId,
        replay: Replay,
        op: F,
    ) -> Result<T, StoreError>
    where
        T: Send,
        F: for<'c> Fn(&'c mut AsyncPgConnection) -> BoxFuture<'c, QueryResult<T>> + Send + Sync,
    {
        self.run_in(replay, Tx::Yes, Some(owner), op).await
    }

    async fn run_in<T, F>(
        &self,
        replay: Replay,
        tx: Tx,
        hint: Option<UserId>,
        op: F,
    ) -> Result<T, StoreError>
    where
        T: Send,
        F: for<'c> Fn(&'c mut AsyncPgConnection) -> BoxFuture<'c, QueryResult<T>> + Send + Sync,
    {
        let error = match self.attempt(&op, tx, hint).await? {
            Attempt::Done(value) => return Ok(value),
            Attempt::Lost(error) if replay == Replay::Safe => error,
            Attempt::Lost(error) | Attempt::Failed(error) => return Err(error),
        };
        tracing::debug!(
            ?error,
            "database connection found dead; running the operation again on a fresh one"
        );
        match self.attempt(&op, tx, hint).await? {
            Attempt::Done(value) => Ok(value),
            Attempt::Lost(error) | Attempt::Failed(error) => Err(error),
        }
    }

    /// One attempt of `op` on one pooled connection, bounded by the
    /// deadline. The connection goes back to the pool only after a success
    /// or an ordinary error (a 404-style miss, a constraint violation):
    /// after an error the server raised without a kind (a timeout, a
    /// cancellation), a dead connection or a missed deadline it is closed,
    /// and when the caller stops waiting (the client went away), the
    /// statement is cancelled on the server too.
    async fn attempt<T, F>(
        &self,
        op: &F,
        tx: Tx,
        hint: Option<UserId>,
    ) -> Result<Attempt<T>, StoreError>
    where
        T: Send,
        F: for<'c> Fn(&'c mut AsyncPgConnection) -> BoxFuture<'c, QueryResult<T>> + Send + Sync,
    {
        let mut in_flight = InFlight {
            conn: Some(self.conn().await?),
            plan: &self.plan,
        };
        let Some(conn) = in_flight.conn.as_mut() else {
            return Err(StoreError::Internal("no connection in flight".into()));
        };
        let work = async {
            match (&self.begin, tx) {
                (None, Tx::No) => match (op(conn).await, hint) {
                    (Ok(value), Some(owner)) => {
                        // The write has committed on its own; a hint that
                        // fails to go out only delays the wake-up (streams
                        // also re-read the log now and then).
                        let sent = conn.batch_execute(&hint_sql(owner)).await;
                        if let Err(error) = &sent {
                            tracing::warn!(%error, "the change hint was not sent");
                        }
                        (Ok(value), sent.is_ok())
                    }
                    (outcome, _) => (outcome, true),
                },
                (None, Tx::Yes) => in_transaction(conn, "BEGIN", op, hint).await,
                (Some(begin), _) => in_transaction(conn, begin, op, hint).await,
            }
        };
        let (outcome, reusable) = match self.deadline {
            None => work.await,
            Some(deadline) => match tokio::time::timeout(deadline, work).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    // Dropping the guard cancels the statement and closes
                    // the connection.
                    drop(in_flight);
                    return Ok(Attempt::Failed(StoreError::Unavailable(
                        format!("the database did not answer within {deadline:?}").into(),
                    )));
                }
            },
        };
        let Some(mut conn) = in_flight.conn.take() else {
            return Err(StoreError::Internal("no connection in flight".into()));
        };
        let error = match outcome {
            Ok(value) if reusable => return Ok(Attempt::Done(value)),
            Ok(value) => {
                drop(Object::take(conn));
                return Ok(Attempt::Done(value));
            }
            Err(error) => error,
        };
        if connection_lost(&mut conn, &error).await {
            self.discard(conn);
            return Ok(Attempt::Lost(StoreError::Unavailable(Box::new(error))));
        }
        if !reusable
            || matches!(
                error,
                DieselError::DatabaseError(DatabaseErrorKind::Unknown, _)
            )
        {
            drop(Object::take(conn));
        }
        Ok(Attempt::Failed(error.into()))
    }

    /// Closes a dead connection instead of returning it to the pool, and
    /// every idle one with it: whatever killed one (a restart, a failover,
    /// a network outage) most likely killed the others, and a replay must
    /// not land on one of them. Reconnecting costs a few milliseconds.
    fn discard(&self, conn: Object<AsyncPgConnection>) {
        drop(Object::take(conn));
        let evicted = self.pool.retain(|_, _| false);
        tracing::debug!(
            idle_closed = evicted.removed.len(),
            "dropped the pool's idle connections"
        );
    }

    /// The stored version of `owner`'s task `id`, if there is one: tells a
    /// write that matched no row whether the task is missing or changed.
    async fn stored_version(
        conn: &mut AsyncPgConnection,
        owner: UserId,
        id: TaskId,
    ) -> QueryResult<Option<i64>> {
        tasks::table
            .filter(tasks::id.eq(Uuid::from(id)))
            .filter(tasks::user_id.eq(Uuid::from(owner)))
            .select(tasks::version)
            .limit(1)
            .prepared()
            .get_result::<i64>(conn)
            .await
            .optional()
    }

    /// The outcome of a conditional write that matched no row.
    async fn miss(
        conn: &mut AsyncPgConnection,
        owner: UserId,
        id: TaskId,
        expected: Option<Version>,
    ) -> QueryResult<Miss> {
        let stored = Self::stored_version(conn, owner, id).await?;
        Ok(match (stored, expected) {
            (Some(stored), Some(expected)) if stored != expected.get() => Miss::Stale,
            // Gone (possibly deleted between the two statements), or an
            // unconditional write found nothing.
            _ => Miss::Absent,
        })
    }

    /// Runs [`write_task`] in a transaction.
    async fn write(
        &self,
        owner: UserId,
        id: TaskId,
        write: Write,
        expected: Option<Version>,
    ) -> Result<Task, UpdateTaskError> {
        // A repeat after a committed first attempt would answer 412 for the
        // client's own change when conditional; otherwise it writes the
        // same values again.
        let replay = if expected.is_some() {
            Replay::Never
        } else {
            Replay::Safe
        };
        let row = self
            .run_write_tx(owner, replay, |conn| {
                let write = write.clone();
                async move { write_task(conn, owner, id, &write, expected).await }.boxed()
            })
            .await?
            .map_err(UpdateTaskError::from)?;
        to_task(row).map_err(Into::into)
    }

    /// Applies `patch` in one statement when the task does not recur;
    /// `None` when it matched nothing (a recurring task, a missing one or a
    /// stale version: the caller's transaction tells which).
    async fn patch_unless_recurring(
        &self,
        owner: UserId,
        id: TaskId,
        patch: &TaskPatch,
        expected: Option<Version>,
    ) -> Result<Option<Task>, UpdateTaskError> {
        let replay = if expected.is_some() {
            Replay::Never
        } else {
            Replay::Safe
        };
        let outcome = self
            .run_write(owner, replay, |conn| {
                let patch = patch.clone();
                async move {
                    let update = diesel::update(tasks::table)
                        .filter(tasks::id.eq(Uuid::from(id)))
                        .filter(tasks::user_id.eq(Uuid::from(owner)))
                        .filter(tasks::recurrence.is_null())
                        .set((
                            TaskChanges::patching(&patch),
                            tasks::version.eq(tasks::version + 1),
                        ));
                    let row = match expected {
                        Some(expected) => {
                            update
                                .filter(tasks::version.eq(expected.get()))
                                .returning(full_task!())
                                .prepared()
                                .get_result::<FullTaskRow>(conn)
                                .await
                        }
                        None => {
                            update
                                .returning(full_task!())
                                .prepared()
                                .get_result::<FullTaskRow>(conn)
                                .await
                        }
                    };
                    match row.optional() {
                        Ok(row) => Ok(Ok(row)),
                        Err(error) => match Refusal::of_check(&error) {
                            Some(refusal) => Ok(Err(refusal)),
                            None => Err(error),
                        },
                    }
                }
                .boxed()
            })
            .await
            .map_err(UpdateTaskError::from)?;
        match outcome {
            Ok(Some(row)) => to_task(row).map(Some).map_err(Into::into),
            Ok(None) => Ok(None),
            Err(refusal) => Err(refusal.into()),
        }
    }

    async fn find(&self, owner: UserId, id: TaskId) -> Result<Option<Task>, StoreError> {
        let row = self
            .run(Replay::Safe, move |conn| find_row(conn, owner, id).boxed())
            .await?;
        row.map(to_task).transpose()
    }
}

/// One UPDATE of `owner`'s task `id` applying `$changes`, conditional on
/// `$expected`, that bumps the version and returns the new row; when it
/// matches nothing, a scoped lookup tells NotFound from VersionMismatch
/// (that second round trip happens only on a miss, never on the 200 path).
/// A macro rather than a generic function: diesel's changeset bounds for an
/// arbitrary `$changes` would outweigh the body. Each attempt gets its own
/// copy of `$data` (owned, so the attempt's future borrows nothing but the
/// connection), which `$changes` may borrow as `$d`.
macro_rules! update_task {
    ($repo:expr, $replay:expr, $owner:expr, $id:expr, $expected:expr, $data:expr, |$d:ident| $changes:expr) => {{
        let (owner, id, expected): (UserId, TaskId, Option<Version>) = ($owner, $id, $expected);
        // Repeating a conditional write whose first attempt committed would
        // answer 412 for the client's own change.
        let replay = if expected.is_some() {
            Replay::Never
        } else {
            $replay
        };
        let outcome = $repo
            .run_write(owner, replay, |conn| {
                let $d = $data;
                async move {
                    let $d = &$d;
                    let changes = $changes;
                    let update = diesel::update(tasks::table)
                        .filter(tasks::id.eq(Uuid::from(id)))
                        .filter(tasks::user_id.eq(Uuid::from(owner)))
                        .set((changes, tasks::version.eq(tasks::version + 1)));
                    let row = match expected {
                        Some(expected) => update
                            .filter(tasks::version.eq(expected.get()))
                            .returning(full_task!())
                            .prepared()
                            .get_result::<FullTaskRow>(conn)
                            .await
                            .optional(),
                        None => update
                            .returning(full_task!())
                            .prepared()
                            .get_result::<FullTaskRow>(conn)
                            .await
                            .optional(),
                    };
                    match row {
                        Ok(Some(row)) => Ok(Ok(row)),
                        Ok(None) => Ok(Err(PgTaskRepo::miss(conn, owner, id, expected).await?)),
                        Err(error) => match Refusal::of_check(&error) {
                            Some(refusal) => Ok(Err(Miss::Refused(refusal))),
                            None => Err(error),
                        },
                    }
                }
                .boxed()
            })
            .await
            .map_err(UpdateTaskError::from)?;
        match outcome {
            Ok(row) => to_task(row).map_err(UpdateTaskError::from),
            Err(Miss::Stale) => Err(UpdateTaskError::VersionMismatch),
            Err(Miss::Absent) => Err(UpdateTaskError::NotFound),
            Err(Miss::Refused(refusal)) => Err(UpdateTaskError::from(refusal)),
        }
    }};
}

/// Whether an operation may run a second time when its connection turned
/// out to be dead. A dead connection does not tell whether the statement
/// reached the server and committed before the socket went, so only
/// operations whose repetition yields the same state and the same answer
/// are repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads; inserts under a client-chosen id (a repeat finds the row the
    /// first attempt made); unconditional writes of given values (the same
    /// fields again; the version counts one more change).
    Safe,
    /// Toggles, writes conditional on a version (`If-Match`) and deletes: a
    /// repeat after a committed first attempt would flip back, answer 412,
    /// or answer 404. These fail as unavailable (503) instead.
    Never,
}

/// Whether an operation needs a transaction of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tx {
    No,
    Yes,
}

pub(crate) async fn find_row(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: TaskId,
) -> QueryResult<Option<FullTaskRow>> {
    tasks::table
        .filter(tasks::id.eq(Uuid::from(id)))
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .select(full_task!())
        .limit(1)
        .prepared()
        .get_result::<FullTaskRow>(conn)
        .await
        .optional()
}

/// What opens an operation's transaction behind a transaction-mode pooler:
/// one simple-query round trip, the timeouts local to the transaction.
fn begin_sql(statement_timeout: Duration, lock_timeout: Duration) -> String {
    format!(
        "BEGIN; SET LOCAL statement_timeout = {}; SET LOCAL lock_timeout = {}",
        statement_timeout.as_millis(),
        lock_timeout.as_millis()
    )
}

/// The change log's hint for `owner` (the `NOTIFY` that wakes every API
/// instance's event streams of that user, issue 10), as its own small
/// transaction after the write has committed, with `synchronous_commit`
/// off. Not from the log's trigger inside the write: PostgreSQL lets only
/// one transaction that has notified commit at a time, *including its wait
/// for the WAL flush*, so notifying inside every write serialised all
/// writes of the database (3–6 × slower updates at 8 clients, measured
/// with pgbench); this transaction writes no data and need not wait for a
/// flush. The payload is `<user>:<latest seq>`; the uuid is formatted by
/// its type, never taken from a client's text.
fn hint_sql(owner: UserId) -> String {
    format!(
        "BEGIN; SET LOCAL synchronous_commit TO off; {}; COMMIT",
        notify_sql(owner)
    )
}

/// The `NOTIFY` of [`hint_sql`] alone, for a caller that wakes several
/// owners in a transaction of its own (the trash purge).
pub(crate) fn notify_sql(owner: UserId) -> String {
    format!(
        "SELECT pg_notify('{channel}', '{owner}:' || COALESCE((SELECT seq FROM change_seqs WHERE user_id = '{owner}'), 0))",
        channel = crate::change_listener::CHANGE_CHANNEL,
    )
}

/// Runs `op` inside a transaction opened by `begin`: behind a
/// transaction-mode pooler, everything between `BEGIN` and `COMMIT` stays
/// on one server connection, including each statement's Parse, its
/// Bind/Execute and its Close (tokio-postgres sends the Close, with a Sync,
/// when the statement is dropped, which happens before `op` returns; the
/// cache is disabled, so none is kept). A failed `op` is rolled back.
/// The flag says whether the connection is clean for the next operation:
/// not when `COMMIT` or `ROLLBACK` itself failed.
async fn in_transaction<T, F>(
    conn: &mut AsyncPgConnection,
    begin: &str,
    op: &F,
    hint: Option<UserId>,
) -> (QueryResult<T>, bool)
where
    F: for<'c> Fn(&'c mut AsyncPgConnection) -> BoxFuture<'c, QueryResult<T>> + Send + Sync,
{
    if let Err(error) = conn.batch_execute(begin).await {
        return (Err(error), false);
    }
    let commit = match hint {
        // One round trip: the server runs the hint's transaction right
        // after the COMMIT succeeded, and not at all when it failed.
        Some(owner) => std::borrow::Cow::Owned(format!("COMMIT; {}", hint_sql(owner))),
        None => std::borrow::Cow::Borrowed("COMMIT"),
    };
    match op(conn).await {
        Ok(value) => match conn.batch_execute(&commit).await {
            Ok(()) => (Ok(value), true),
            Err(error) => (Err(error), false),
        },
        Err(error) => {
            let rolled_back = conn.batch_execute("ROLLBACK").await.is_ok();
            (Err(error), rolled_back)
        }
    }
}

/// Whether the statement failed because its connection is gone. The driver
/// reports a socket it could not use as `UnableToSendCommand` or
/// `ClosedConnection`. A server that ends the session (e.g.
/// `pg_terminate_backend`, SQLSTATE 57P01, or a shutdown) answers the
/// pending statement with a FATAL error, which diesel-async reports as
/// `Unknown` without its code, and closes the socket right after: for an
/// unknown error the driver gets a moment to see that close.
async fn connection_lost(conn: &mut AsyncPgConnection, error: &DieselError) -> bool {
    /// Far longer than the close takes to follow the FATAL error on the
    /// wire; only unknown server errors (timeouts, cancellations) wait it.
    const SETTLE: std::time::Duration = std::time::Duration::from_millis(50);
    match error {
        DieselError::DatabaseError(
            DatabaseErrorKind::UnableToSendCommand | DatabaseErrorKind::ClosedConnection,
            _,
        ) => true,
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, _) => {
            let deadline = tokio::time::Instant::now() + SETTLE;
            loop {
                if conn.is_broken() {
                    return true;
                }
                if tokio::time::Instant::now() >= deadline {
                    return false;
                }
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        }
        _ => conn.is_broken(),
    }
}

/// How one attempt of an operation ended.
enum Attempt<T> {
    Done(T),
    /// The connection was dead: a replay may succeed on a fresh one.
    Lost(StoreError),
    Failed(StoreError),
}

/// A pooled connection lent to one attempt. Dropped while still holding it
/// means the attempt's future was dropped mid-statement (the HTTP client
/// went away and actix dropped the handler, or the deadline passed): the
/// connection is in an unknown state, so it is closed rather than pooled,
/// and the server is asked to cancel the statement, which would otherwise
/// run on (closing the socket alone does not stop it).
struct InFlight<'p> {
    conn: Option<Object<AsyncPgConnection>>,
    plan: &'p Arc<ConnectPlan>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        let token = conn.cancel_token();
        drop(Object::take(conn));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let plan = Arc::clone(self.plan);
            runtime.spawn(async move { plan.cancel(token).await });
        }
        tracing::debug!("database operation abandoned mid-statement; cancelled it");
    }
}

/// What an insert found.
enum Inserted {
    Row(Box<FullTaskRow>),
    Refused(Refusal),
    /// The id exists: the first attempt committed before its connection
    /// died, or (never seen) a UUIDv7 collision.
    Collision(DieselError),
}

enum Miss {
    Absent,
    Stale,
    /// A CHECK constraint refused the write.
    Refused(Refusal),
}

pub(crate) fn to_task(row: FullTaskRow) -> Result<Task, StoreError> {
    task_from(row).map_err(|e| StoreError::Internal(Box::new(e)))
}

/// A refusal that the operation cannot produce is a bug, reported as such.
pub(crate) fn impossible(refusal: Refusal) -> BoxError {
    format!("unexpected refusal {refusal:?}").into()
}

impl From<Refusal> for CreateTaskError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::UnknownOwner => Self::UnknownOwner,
            Refusal::ListNotFound => Self::ListNotFound,
            Refusal::ParentNotFound => Self::ParentNotFound,
            Refusal::ParentInAnotherList => Self::ParentInAnotherList,
            Refusal::LabelNotFound => Self::LabelNotFound,
            Refusal::TooDeep => Self::TooDeep,
            Refusal::LimitReached => Self::LimitReached,
            Refusal::RecurrenceNeedsDue => Self::RecurrenceNeedsDue,
            Refusal::AllDayNeedsDue => Self::AllDayNeedsDue,
            other => Self::Internal(impossible(other)),
        }
    }
}

impl From<Refusal> for UpdateTaskError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            // Replacing a task into the Inbox of an owner who no longer
            // exists: the task is gone with the owner.
            Refusal::NotFound | Refusal::UnknownOwner => Self::NotFound,
            Refusal::VersionMismatch => Self::VersionMismatch,
            Refusal::ListNotFound => Self::ListNotFound,
            Refusal::ParentNotFound => Self::ParentNotFound,
            Refusal::ParentInAnotherList => Self::ParentInAnotherList,
            Refusal::LabelNotFound => Self::LabelNotFound,
            Refusal::TooDeep => Self::TooDeep,
            Refusal::Cycle => Self::Cycle,
            Refusal::LimitReached => Self::LimitReached,
            Refusal::RecurrenceNeedsDue => Self::RecurrenceNeedsDue,
            Refusal::AllDayNeedsDue => Self::AllDayNeedsDue,
            Refusal::AnchorNotFound => Self::Internal(impossible(refusal)),
        }
    }
}

impl From<Refusal> for MoveTaskError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotFound | Refusal::UnknownOwner => Self::NotFound,
            Refusal::VersionMismatch => Self::VersionMismatch,
            Refusal::ListNotFound => Self::ListNotFound,
            Refusal::ParentNotFound => Self::ParentNotFound,
            Refusal::ParentInAnotherList => Self::ParentInAnotherList,
            Refusal::TooDeep => Self::TooDeep,
            Refusal::Cycle => Self::Cycle,
            Refusal::AnchorNotFound => Self::AnchorNotFound,
            Refusal::LimitReached => Self::LimitReached,
            Refusal::LabelNotFound | Refusal::RecurrenceNeedsDue | Refusal::AllDayNeedsDue => {
                Self::Internal(impossible(refusal))
            }
        }
    }
}

/// Whether the patch may change a recurring task's next occurrence (its
/// due date, all-day flag, rule or basis): then `next_due_at` is computed
/// for the result, in the transaction. Ending the recurrence needs no
/// computation (`next_due_at` becomes NULL in the same statement).
fn touches_schedule(patch: &TaskPatch) -> bool {
    patch.due_at.is_some()
        || patch.due_all_day.is_some()
        || patch.recurrence_basis.is_some()
        || matches!(patch.recurrence, Some(Some(_)))
}

/// Everything a replace or a slow-path patch writes.
#[derive(Debug, Clone)]
struct Write {
    columns: Columns,
    target: Option<Target>,
    labels: Option<domain::TaskLabels>,
    /// The write completes the task, so its open descendants follow.
    completes: bool,
}

/// The columns a write sets.
#[derive(Debug, Clone)]
enum Columns {
    /// Every editable one.
    Replace(TaskFields),
    /// Those the patch names.
    Patch(TaskPatch),
}

/// One transaction of a replace or patch: move (if asked), write the
/// columns, the labels, complete the subtree (when the write completes the
/// task), and read the result back.
async fn write_task(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: TaskId,
    write: &Write,
    expected: Option<Version>,
) -> QueryResult<Result<FullTaskRow, Refusal>> {
    let uuid = Uuid::from(id);
    let expected = expected.map(Version::get);
    let placed = match write.target {
        Some(target) => {
            match task_tree::place_existing(
                conn,
                owner,
                uuid,
                target,
                Placement::End,
                false,
                expected,
            )
            .await?
            {
                Ok((now, placed)) => (now, placed),
                Err(refusal) => return Ok(Err(refusal)),
            }
        }
        None => match task_tree::lock_in_place(conn, owner, uuid, expected).await? {
            Ok(now) => (now, None),
            Err(refusal) => return Ok(Err(refusal)),
        },
    };
    let (now, placed) = placed;
    if let Some(labels) = &write.labels
        && !task_tree::labels_are_owners(conn, owner, labels).await?
    {
        return Ok(Err(Refusal::LabelNotFound));
    }
    let changes = match &write.columns {
        Columns::Patch(patch) if touches_schedule(patch) => {
            // The result's schedule is the stored one with the patch on it
            // (the task is locked: nothing changes it meanwhile).
            let Some(row) = find_row(conn, owner, id).await? else {
                return Ok(Err(Refusal::NotFound));
            };
            let stored = row
                .0
                .schedule()
                .map_err(|e| DieselError::DeserializationError(Box::new(e)))?;
            let schedule = Schedule {
                due_at: patch.due_at.unwrap_or(stored.due_at),
                all_day: patch.due_all_day.unwrap_or(stored.all_day),
                recurrence: patch.recurrence.clone().unwrap_or(stored.recurrence),
                basis: patch.recurrence_basis.unwrap_or(stored.basis),
            };
            let next = recurring::next_due_for(conn, owner, Some(uuid), &schedule).await?;
            TaskChanges::patching(patch).with_next_due(next)
        }
        Columns::Patch(patch) => TaskChanges::patching(patch),
        Columns::Replace(fields) => {
            let next =
                recurring::next_due_for(conn, owner, Some(uuid), &Schedule::of(fields)).await?;
            TaskChanges::replacing(fields).with_next_due(next)
        }
    };
    let update = diesel::update(tasks::table)
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::id.eq(uuid));
    let written: QueryResult<Uuid> = async {
        Ok(match &placed {
            Some(Placed {
                list,
                parent,
                position,
            }) => {
                // An empty changeset is a query builder error: the location
                // columns are always there.
                if changes.is_empty() {
                    update
                        .set((
                            tasks::list_id.eq(*list),
                            tasks::parent_id.eq(*parent),
                            tasks::position.eq(position.as_str()),
                            tasks::version.eq(tasks::version + 1),
                        ))
                        .prepared()
                        .execute(conn)
                        .await?;
                } else {
                    update
                        .set((
                            changes,
                            tasks::list_id.eq(*list),
                            tasks::parent_id.eq(*parent),
                            tasks::position.eq(position.as_str()),
                            tasks::version.eq(tasks::version + 1),
                        ))
                        .prepared()
                        .execute(conn)
                        .await?;
                }
                if position.is_long() {
                    task_tree::rebalance(conn, owner, *list, *parent).await?;
                }
                *list
            }
            None => {
                if changes.is_empty() {
                    update
                        .set(tasks::version.eq(tasks::version + 1))
                        .prepared()
                        .execute(conn)
                        .await?;
                } else {
                    update
                        .set((changes, tasks::version.eq(tasks::version + 1)))
                        .prepared()
                        .execute(conn)
                        .await?;
                }
                now.list
            }
        })
    }
    .await;
    let list = match written {
        Ok(list) => list,
        Err(error) => match Refusal::of_check(&error) {
            Some(refusal) => return Ok(Err(refusal)),
            None => return Err(error),
        },
    };
    if let Some(labels) = &write.labels {
        task_tree::set_labels(conn, owner, uuid, labels).await?;
    }
    if write.completes {
        task_tree::complete_descendants(conn, owner, list, uuid).await?;
    }
    Ok(find_row(conn, owner, id).await?.ok_or(Refusal::NotFound))
}

/// What the general path of a patch writes.
fn patch_write(patch: TaskPatch) -> Write {
    Write {
        completes: patch.completed == Some(true),
        labels: patch.labels.clone(),
        target: patch.moves().then_some(Target {
            list: patch.list_id.map(Uuid::from),
            parent: patch.parent_id.map(|parent| parent.map(Uuid::from)),
            default_list: DefaultList::Current,
        }),
        columns: Columns::Patch(patch),
    }
}

/// A patch inside the caller's transaction (the batch's `update`): the
/// general path of `patch`, which its one-statement shortcuts only speed
/// up. An empty patch reports the task as stored, without a new version.
pub(crate) async fn patch_in(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: TaskId,
    patch: TaskPatch,
    expected: Option<Version>,
) -> task_tree::Checked<FullTaskRow> {
    if patch.is_empty() {
        let Some(stored) = PgTaskRepo::stored_version(conn, owner, id).await? else {
            return Ok(Err(Refusal::NotFound));
        };
        if expected.is_some_and(|expected| expected.get() != stored) {
            return Ok(Err(Refusal::VersionMismatch));
        }
        return Ok(find_row(conn, owner, id).await?.ok_or(Refusal::NotFound));
    }
    write_task(conn, owner, id, &patch_write(patch), expected).await
}

/// One transaction of `set_completed` (and of the batch's `complete` and
/// `reopen`). The task is locked first, so two completions of one
/// occurrence run one after the other: with the same `expected` the second
/// is refused, without it each advances one occurrence. Toggling is decided
/// on the locked row, so two concurrent toggles flip twice rather than both
/// reading the same old value.
pub(crate) async fn set_completed_in(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: TaskId,
    change: CompletionChange,
    expected: Option<Version>,
    completion: CompletionId,
) -> task_tree::Checked<FullTaskRow> {
    let uuid = Uuid::from(id);
    let now = match task_tree::lock_in_place(conn, owner, uuid, expected.map(Version::get)).await? {
        Ok(now) => now,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let completed = change.apply_to(now.completed);
    if now.recurring && !now.completed {
        let handled = if completed {
            recurring::complete_occurrence(conn, owner, id, now.list, now.version, completion)
                .await?
                .is_some()
        } else {
            recurring::undo_latest(conn, owner, id, now.version).await?
        };
        if handled {
            return Ok(find_row(conn, owner, id).await?.ok_or(Refusal::NotFound));
        }
    }
    diesel::update(tasks::table)
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::id.eq(uuid))
        .set((
            tasks::completed.eq(completed),
            tasks::version.eq(tasks::version + 1),
        ))
        .prepared()
        .execute(conn)
        .await?;
    if completed {
        task_tree::complete_descendants(conn, owner, now.list, uuid).await?;
    }
    Ok(find_row(conn, owner, id).await?.ok_or(Refusal::NotFound))
}

/// One transaction of `move_task` (and of the batch's `move`).
pub(crate) async fn move_in(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: TaskId,
    to: TaskMove,
    expected: Option<Version>,
) -> task_tree::Checked<FullTaskRow> {
    let uuid = Uuid::from(id);
    let target = Target {
        list: to.list_id.map(Uuid::from),
        parent: to.parent_id.map(|parent| parent.map(Uuid::from)),
        default_list: DefaultList::Current,
    };
    let placed = match task_tree::place_existing(
        conn,
        owner,
        uuid,
        target,
        to.placement,
        true,
        expected.map(Version::get),
    )
    .await?
    {
        Ok((_, Some(placed))) => placed,
        Ok((_, None)) => return Err(DieselError::NotFound),
        Err(refusal) => return Ok(Err(refusal)),
    };
    // The subtree follows to another list by the parent reference's ON
    // UPDATE CASCADE.
    diesel::update(tasks::table)
        .filter(tasks::user_id.eq(Uuid::from(owner)))
        .filter(tasks::id.eq(uuid))
        .set((
            tasks::list_id.eq(placed.list),
            tasks::parent_id.eq(placed.parent),
            tasks::position.eq(placed.position.as_str()),
            tasks::version.eq(tasks::version + 1),
        ))
        .prepared()
        .execute(conn)
        .await?;
    if placed.position.is_long() {
        task_tree::rebalance(conn, owner, placed.list, placed.parent).await?;
    }
    Ok(find_row(conn, owner, id).await?.ok_or(Refusal::NotFound))
}

#[async_trait]
impl TaskRepo for PgTaskRepo {
    async fn create(
        &self,
        owner: UserId,
        fields: TaskFields,
        location: TaskLocation,
    ) -> Result<Task, CreateTaskError> {
        // The id is chosen here, once, so a repeat of the insert after a
        // dead connection is recognisable: the id can only exist if the
        // first attempt committed.
        let id = TaskId::new_v7();
        let inserted = self
            .run_write_tx(owner, Replay::Safe, |conn| {
                let fields = fields.clone();
                async move {
                    let placed = match task_tree::place_new(
                        conn,
                        owner,
                        location.list_id.map(Uuid::from),
                        location.parent_id.map(Uuid::from),
                    )
                    .await?
                    {
                        Ok(placed) => placed,
                        Err(refusal) => return Ok(Inserted::Refused(refusal)),
                    };
                    if !task_tree::labels_are_owners(conn, owner, &fields.labels).await? {
                        return Ok(Inserted::Refused(Refusal::LabelNotFound));
                    }
                    let next_due =
                        recurring::next_due_for(conn, owner, None, &Schedule::of(&fields)).await?;
                    let inserted = diesel::insert_into(tasks::table)
                        .values(NewTaskRow::new(
                            id,
                            owner,
                            &fields,
                            placed.list,
                            placed.parent,
                            &placed.position,
                            next_due,
                        ))
                        .returning(full_task!())
                        .prepared()
                        .get_result::<FullTaskRow>(conn)
                        .await;
                    let row = match inserted {
                        Ok(row) => row,
                        // The owner was deleted since the list was locked.
                        Err(DieselError::DatabaseError(
                            DatabaseErrorKind::ForeignKeyViolation,
                            _,
                        )) => return Ok(Inserted::Refused(Refusal::UnknownOwner)),

                        // A fresh UUIDv7 collides only with itself: the
                        // first attempt was committed before its connection
                        // died. Looked up in an operation of its own: the
                        // failed insert has aborted this transaction.
                        Err(
                            error @ DieselError::DatabaseError(
                                DatabaseErrorKind::UniqueViolation,
                                _,
                            ),
                        ) => return Ok(Inserted::Collision(error)),
                        Err(error) => {
                            return match Refusal::of_check(&error) {
                                Some(refusal) => Ok(Inserted::Refused(refusal)),
                                None => Err(error),
                            };
                        }
                    };
                    if fields.labels.is_empty() {
                        // What RETURNING read is complete: no labels, no
                        // subtasks yet.
                        return Ok(Inserted::Row(Box::new(row)));
                    }
                    task_tree::set_labels(conn, owner, Uuid::from(id), &fields.labels).await?;
                    match find_row(conn, owner, id).await? {
                        Some(row) => Ok(Inserted::Row(Box::new(row))),
                        None => Err(DieselError::NotFound),
                    }
                }
                .boxed()
            })
            .await?;
        match inserted {
            Inserted::Row(row) => to_task(*row).map_err(Into::into),
            Inserted::Refused(refusal) => Err(refusal.into()),
            Inserted::Collision(error) => self
                .find(owner, id)
                .await?
                .ok_or_else(|| CreateTaskError::Internal(Box::new(error))),
        }
    }

    async fn get(&self, owner: UserId, id: TaskId) -> Result<Task, GetTaskError> {
        self.find(owner, id).await?.ok_or(GetTaskError::NotFound)
    }

    async fn list(&self, owner: UserId, query: &TaskQuery) -> Result<TaskPage, ListTasksError> {
        // Built once up front so that a bad cursor is reported before any
        // connection is taken; each attempt builds its own copy.
        page_query(owner, query).map_err(|e| ListTasksError::Internal(Box::new(e)))?;
        let rows = self
            .run(Replay::Safe, |conn| {
                let select = page_query(owner, query);
                async move {
                    let select = select.map_err(|e| DieselError::QueryBuilderError(Box::new(e)))?;
                    select.prepared().load::<FullTaskRow>(conn).await
                }
                .boxed()
            })
            .await?;
        let limit = usize::from(query.limit.get());
        let has_more = rows.len() > limit;
        let tasks = rows
            .into_iter()
            .take(limit)
            .map(to_task)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TaskPage { tasks, has_more })
    }

    async fn replace(
        &self,
        owner: UserId,
        id: TaskId,
        fields: TaskFields,
        location: TaskLocation,
        expected: Option<Version>,
    ) -> Result<Task, UpdateTaskError> {
        let write = Write {
            labels: Some(fields.labels.clone()),
            completes: fields.completed,
            columns: Columns::Replace(fields),
            target: Some(Target {
                list: location.list_id.map(Uuid::from),
                parent: Some(location.parent_id.map(Uuid::from)),
                default_list: DefaultList::Inbox,
            }),
        };
        self.write(owner, id, write, expected).await
    }

    async fn patch(
        &self,
        owner: UserId,
        id: TaskId,
        patch: TaskPatch,
        expected: Option<Version>,
    ) -> Result<Task, UpdateTaskError> {
        if patch.is_empty() {
            // Nothing to write: report the task as stored, after the same
            // checks a write would make, without bumping its version.
            let task = self
                .find(owner, id)
                .await?
                .ok_or(UpdateTaskError::NotFound)?;
            return match expected {
                Some(expected) if expected != task.version => Err(UpdateTaskError::VersionMismatch),
                _ => Ok(task),
            };
        }
        if patch.labels.is_none()
            && !patch.moves()
            && patch.completed != Some(true)
            && !matches!(patch.recurrence, Some(Some(_)))
        {
            if !touches_schedule(&patch) {
                // The common case: columns only, one statement.
                return update_task!(
                    self,
                    Replay::Safe,
                    owner,
                    id,
                    expected,
                    patch.clone(),
                    |p| { TaskChanges::patching(p) }
                );
            }
            // A new due date of a task that does not recur has no next
            // occurrence to compute: one statement too. A recurring task
            // (or a miss) takes the transaction below.
            if let Some(task) = self
                .patch_unless_recurring(owner, id, &patch, expected)
                .await?
            {
                return Ok(task);
            }
        }
        self.write(owner, id, patch_write(patch), expected).await
    }

    async fn set_completed(
        &self,
        owner: UserId,
        id: TaskId,
        change: CompletionChange,
        expected: Option<Version>,
    ) -> Result<Task, UpdateTaskError> {
        if change == CompletionChange::Set(false) {
            // Reopening a task that does not recur is one statement. An
            // open recurring task may have a completion to undo: the
            // transaction below (as does a miss, to tell why).
            let reopen = TaskPatch {
                completed: Some(false),
                ..TaskPatch::default()
            };
            if let Some(task) = self
                .patch_unless_recurring(owner, id, &reopen, expected)
                .await?
            {
                return Ok(task);
            }
        }
        // One transaction: completing may complete a subtree, and a
        // recurring task records the completion and moves on (or undoes
        // one). The task is locked first, so two completions of one
        // occurrence run one after the other: with the same `expected` the
        // second is refused, without it each advances one occurrence.
        // Toggling is decided on the locked row, so two concurrent toggles
        // flip twice rather than both reading the same old value.
        let replay = if expected.is_some() || change == CompletionChange::Toggle {
            Replay::Never
        } else {
            Replay::Safe
        };
        // Chosen once, so that a repeat of a committed completion of a
        // recurring task is recognised (and not made twice).
        let completion = CompletionId::new_v7();
        let row = self
            .run_write_tx(owner, replay, move |conn| {
                set_completed_in(conn, owner, id, change, expected, completion).boxed()
            })
            .await?
            .map_err(UpdateTaskError::from)?;
        to_task(row).map_err(Into::into)
    }

    async fn completions(
        &self,
        owner: UserId,
        id: TaskId,
        query: CompletionQuery,
    ) -> Result<CompletionPage, ListCompletionsError> {
        self.run(Replay::Safe, move |conn| {
            recurring::history(conn, owner, id, query).boxed()
        })
        .await
        .map_err(ListCompletionsError::from)?
        .map_err(|refusal| match refusal {
            Refusal::NotFound => ListCompletionsError::NotFound,
            other => ListCompletionsError::Internal(impossible(other)),
        })
    }

    async fn move_task(
        &self,
        owner: UserId,
        id: TaskId,
        to: TaskMove,
        expected: Option<Version>,
    ) -> Result<Task, MoveTaskError> {
        let row = self
            .run_write_tx(owner, Replay::Never, move |conn| {
                move_in(conn, owner, id, to, expected).boxed()
            })
            .await?
            .map_err(MoveTaskError::from)?;
        to_task(row).map_err(Into::into)
    }

    async fn delete(
        &self,
        owner: UserId,
        id: TaskId,
        expected: Option<Version>,
    ) -> Result<(), DeleteTaskError> {
        // One transaction: the task and its subtree are copied into the
        // trash, then deleted (trash_repo.rs).
        let outcome = self
            .run_write_tx(owner, Replay::Never, move |conn| {
                crate::trash_repo::trash_task(conn, owner, id, expected.map(Version::get)).boxed()
            })
            .await?;
        match outcome {
            Ok(_) => Ok(()),
            Err(Refusal::VersionMismatch) => Err(DeleteTaskError::VersionMismatch),
            Err(Refusal::NotFound) => Err(DeleteTaskError::NotFound),
            Err(refusal) => Err(DeleteTaskError::Internal(impossible(refusal))),
        }
    }

    async fn batch(
        &self,
        owner: UserId,
        ops: Vec<domain::BatchOp>,
    ) -> Result<Vec<Task>, ports::BatchError> {
        crate::batch::run(self, owner, ops).await
    }

    /// Checks the database on a connection of its own, outside the pool: a
    /// pool busy with slow requests neither delays the answer nor loses a
    /// connection to it. "Unreachable" when no connection can be opened
    /// (or the one held died); "slow" when the server accepts the
    /// connection but `SELECT 1` takes longer than the acquire timeout.
    async fn ping(&self) -> Result<(), RepoUnavailable> {
        let mut probe = self.probe.lock().await;
        if probe.as_mut().is_none_or(|conn| conn.is_broken()) {
            *probe = None;
            let conn = tokio::time::timeout(self.acquire_timeout, self.plan.connect())
                .await
                .map_err(|_| {
                    RepoUnavailable(
                        format!(
                            "no connection to the database within {:?}",
                            self.acquire_timeout
                        )
                        .into(),
                    )
                })?
                .map_err(|e| RepoUnavailable(Box::new(e)))?;
            *probe = Some(conn);
        }
        let Some(conn) = probe.as_mut() else {
            return Err(RepoUnavailable("no probe connection".into()));
        };
        // A simple query: one round trip, no prepared statement, so it is
        // the same behind a transaction-mode pooler.
        let answered =
            tokio::time::timeout(self.acquire_timeout, conn.batch_execute("SELECT 1")).await;
        match answered {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => {
                let lost = connection_lost(conn, &error).await;
                *probe = None;
                if lost {
                    Err(RepoUnavailable(Box::new(error)))
                } else {
                    // Cancelled by statement_timeout, or out of resources.
                    Err(RepoUnavailable::slow(error))
                }
            }
            Err(_) => {
                if let Some(conn) = probe.take() {
                    let plan = Arc::clone(&self.plan);
                    let token = conn.cancel_token();
                    tokio::spawn(async move { plan.cancel(token).await });
                }
                Err(RepoUnavailable::slow(format!(
                    "SELECT 1 took longer than {:?}",
                    self.acquire_timeout
                )))
            }
        }
    }
}

/// The connection pool at one instant, for the API's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open, idle or in use.
    pub size: usize,
    /// Connections open and idle.
    pub idle: usize,
    /// Operations waiting for a connection.
    pub waiting: usize,
}

impl PgTaskRepo {
    /// The pool's open and idle connections and its waiting operations.
    pub fn pool_status(&self) -> PoolStatus {
        let status = self.pool.status();
        PoolStatus {
            size: status.size,
            idle: status.available,
            waiting: status.waiting,
        }
    }
}
