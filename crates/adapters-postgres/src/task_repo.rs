//! `PgTaskRepo`: the `TaskRepo` port on PostgreSQL. Every statement carries
//! `user_id = owner`, so another user's task is indistinguishable from a
//! missing one.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::{
    CompletionChange, Task, TaskFields, TaskId, TaskPage, TaskPatch, TaskQuery, UserId, Version,
};
use futures_util::FutureExt;
use ports::{
    CreateTaskError, DeleteTaskError, GetTaskError, ListTasksError, RepoUnavailable, TaskRepo,
    UpdateTaskError,
};
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::connect::{ConnectPlan, Transport};
use crate::errors::{PgSetupError, StoreError};
use crate::listing::page_query;
use crate::rows::{NewTaskRow, TaskChanges, TaskRow};
use crate::schema::tasks;
use crate::settings::PgSettings;

/// Tasks stored in PostgreSQL, behind a connection pool. Cheap to clone
/// (clones share the pool).
#[derive(Clone)]
pub struct PgTaskRepo {
    pool: Pool<AsyncPgConnection>,
    transport: Transport,
}

impl fmt::Debug for PgTaskRepo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgTaskRepo")
            .field("pool", &self.pool.status())
            .field("transport", &self.transport)
            .finish()
    }
}

impl PgTaskRepo {
    /// Builds the pool; connects lazily, so the API can start while the DB
    /// is down. Waiting for, opening and checking a connection are each
    /// bounded by `acquire_timeout`; every connection is checked
    /// (`SELECT 1`) before reuse, so connections broken by an outage are
    /// replaced and the pool recovers by itself.
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
        let plan = Arc::new(ConnectPlan::from_url(
            settings.url.expose_secret(),
            settings.acquire_timeout,
        )?);
        let transport = plan.transport();

        let mut config = ManagerConfig::default();
        config.recycling_method = RecyclingMethod::Verified;
        config.custom_setup = Box::new(move |_url| {
            let plan = Arc::clone(&plan);
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
        Ok(Self { pool, transport })
    }

    async fn conn(&self) -> Result<Object<AsyncPgConnection>, StoreError> {
        Ok(self.pool.get().await?)
    }

    /// The stored version of `owner`'s task `id`, if there is one: tells a
    /// write that matched no row whether the task is missing or changed.
    async fn stored_version(
        conn: &mut AsyncPgConnection,
        owner: UserId,
        id: TaskId,
    ) -> Result<Option<i64>, StoreError> {
        Ok(tasks::table
            .filter(tasks::id.eq(Uuid::from(id)))
            .filter(tasks::user_id.eq(Uuid::from(owner)))
            .select(tasks::version)
            .first::<i64>(conn)
            .await
            .optional()?)
    }

    /// The outcome of a conditional write that matched no row.
    async fn miss(
        conn: &mut AsyncPgConnection,
        owner: UserId,
        id: TaskId,
        expected: Option<Version>,
    ) -> Result<Miss, StoreError> {
        let stored = Self::stored_version(conn, owner, id).await?;
        Ok(match (stored, expected) {
            (Some(stored), Some(expected)) if stored != expected.get() => Miss::Stale,
            // Gone (possibly deleted between the two statements), or an
            // unconditional write found nothing.
            _ => Miss::Absent,
        })
    }

    async fn find(&self, owner: UserId, id: TaskId) -> Result<Option<Task>, StoreError> {
        let mut conn = self.conn().await?;
        let row = tasks::table
            .filter(tasks::id.eq(Uuid::from(id)))
            .filter(tasks::user_id.eq(Uuid::from(owner)))
            .select(TaskRow::as_select())
            .first::<TaskRow>(&mut conn)
            .await
            .optional()?;
        row.map(to_task).transpose()
    }
}

/// One UPDATE of `owner`'s task `id` applying `$changes`, conditional on
/// `$expected`, that bumps the version and returns the new row; when it
/// matches nothing, a scoped lookup tells NotFound from VersionMismatch.
/// A macro rather than a generic function: diesel's changeset bounds for an
/// arbitrary `$changes` would outweigh the body.
macro_rules! update_task {
    ($repo:expr, $owner:expr, $id:expr, $expected:expr, $changes:expr) => {{
        let (owner, id, expected): (UserId, TaskId, Option<Version>) = ($owner, $id, $expected);
        async {
            let mut conn = $repo.conn().await?;
            let mut update = diesel::update(tasks::table)
                .filter(tasks::id.eq(Uuid::from(id)))
                .filter(tasks::user_id.eq(Uuid::from(owner)))
                .set(($changes, tasks::version.eq(tasks::version + 1)))
                .into_boxed();
            if let Some(expected) = expected {
                update = update.filter(tasks::version.eq(expected.get()));
            }
            let row = update
                .returning(TaskRow::as_returning())
                .get_result::<TaskRow>(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?;
            match row {
                Some(row) => to_task(row).map_err(UpdateTaskError::from),
                None => match PgTaskRepo::miss(&mut conn, owner, id, expected).await? {
                    Miss::Stale => Err(UpdateTaskError::VersionMismatch),
                    Miss::Absent => Err(UpdateTaskError::NotFound),
                },
            }
        }
        .await
    }};
}

enum Miss {
    Absent,
    Stale,
}

fn to_task(row: TaskRow) -> Result<Task, StoreError> {
    Task::try_from(row).map_err(|e| StoreError::Internal(Box::new(e)))
}

#[async_trait]
impl TaskRepo for PgTaskRepo {
    async fn create(&self, owner: UserId, fields: TaskFields) -> Result<Task, CreateTaskError> {
        let mut conn = self.conn().await?;
        let inserted = diesel::insert_into(tasks::table)
            .values(NewTaskRow::new(TaskId::new_v7(), owner, &fields))
            .returning(TaskRow::as_returning())
            .get_result::<TaskRow>(&mut conn)
            .await;
        match inserted {
            Ok(row) => to_task(row).map_err(Into::into),
            // The only foreign key is tasks.user_id → "user"(id).
            Err(DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _)) => {
                Err(CreateTaskError::UnknownOwner)
            }
            Err(e) => Err(StoreError::from(e).into()),
        }
    }

    async fn get(&self, owner: UserId, id: TaskId) -> Result<Task, GetTaskError> {
        self.find(owner, id).await?.ok_or(GetTaskError::NotFound)
    }

    async fn list(&self, owner: UserId, query: &TaskQuery) -> Result<TaskPage, ListTasksError> {
        let select = page_query(owner, query).map_err(|e| ListTasksError::Internal(Box::new(e)))?;
        let mut conn = self.conn().await?;
        let rows = select
            .load::<TaskRow>(&mut conn)
            .await
            .map_err(StoreError::from)?;
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
        expected: Option<Version>,
    ) -> Result<Task, UpdateTaskError> {
        update_task!(self, owner, id, expected, TaskChanges::replacing(&fields))
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
        update_task!(self, owner, id, expected, TaskChanges::patching(&patch))
    }

    async fn set_completed(
        &self,
        owner: UserId,
        id: TaskId,
        change: CompletionChange,
        expected: Option<Version>,
    ) -> Result<Task, UpdateTaskError> {
        // Toggling happens in the UPDATE itself (`NOT completed`), so two
        // concurrent toggles flip twice rather than both reading the same
        // old value.
        match change {
            CompletionChange::Toggle => {
                update_task!(
                    self,
                    owner,
                    id,
                    expected,
                    tasks::completed.eq(diesel::dsl::not(tasks::completed))
                )
            }
            CompletionChange::Set(value) => {
                update_task!(self, owner, id, expected, tasks::completed.eq(value))
            }
        }
    }

    async fn delete(
        &self,
        owner: UserId,
        id: TaskId,
        expected: Option<Version>,
    ) -> Result<(), DeleteTaskError> {
        let mut conn = self.conn().await?;
        let mut delete = diesel::delete(tasks::table)
            .filter(tasks::id.eq(Uuid::from(id)))
            .filter(tasks::user_id.eq(Uuid::from(owner)))
            .into_boxed();
        if let Some(expected) = expected {
            delete = delete.filter(tasks::version.eq(expected.get()));
        }
        let deleted = delete.execute(&mut conn).await.map_err(StoreError::from)?;
        if deleted > 0 {
            return Ok(());
        }
        match Self::miss(&mut conn, owner, id, expected).await? {
            Miss::Stale => Err(DeleteTaskError::VersionMismatch),
            Miss::Absent => Err(DeleteTaskError::NotFound),
        }
    }

    async fn ping(&self) -> Result<(), RepoUnavailable> {
        let mut conn = self.conn().await?;
        diesel::select(1_i32.into_sql::<diesel::sql_types::Integer>())
            .get_result::<i32>(&mut conn)
            .await
            .map_err(|e| RepoUnavailable(Box::new(e)))?;
        Ok(())
    }
}
