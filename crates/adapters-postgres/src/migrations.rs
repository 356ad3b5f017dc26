//! The embedded migrations from the top-level `migrations/` directory.

use std::time::Duration;

use diesel::RunQueryDsl as _;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use secrecy::{ExposeSecret, SecretString};

use crate::connect::ConnectPlan;
use crate::errors::MigrationError;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// How long to wait for the database when migrating: longer than a request
/// would, since this runs once at deployment.
const MIGRATION_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Serialises concurrent `migrate` runs (e.g. several replicas starting at
/// once); an arbitrary constant that only this code uses.
const MIGRATION_LOCK_KEY: i64 = 0x7461_736b_735f_6d67; // "tasks_mg"

/// Applies pending embedded migrations. Safe to call from any tokio runtime,
/// including a current-thread one: the blocking part runs in
/// `spawn_blocking`.
///
/// # Errors
/// [`MigrationError::Setup`] for an invalid URL; [`MigrationError::Connect`]
/// when the database cannot be reached; [`MigrationError::Failed`] with the
/// database's message when a migration fails (e.g. Better Auth's `"user"`
/// table does not exist yet).
pub async fn run_migrations(url: &SecretString) -> Result<(), MigrationError> {
    let plan = ConnectPlan::from_url(url.expose_secret(), MIGRATION_CONNECT_TIMEOUT)?;
    let conn = plan
        .connect()
        .await
        .map_err(|e| MigrationError::Connect(e.to_string()))?;

    // diesel's migration harness is synchronous. The wrapper drives the async
    // connection from a blocking thread (it blocks on the caller's runtime,
    // whose own thread keeps the connection task going while it awaits the
    // join handle). diesel-async's AsyncMigrationHarness would call
    // block_in_place instead, which panics on a current-thread runtime.
    tokio::task::spawn_blocking(move || {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::from(conn);
        diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
            .execute(&mut conn)
            .map_err(|e| MigrationError::Failed(e.to_string()))?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map(|versions| versions.len())
            .map_err(|e| MigrationError::Failed(e.to_string()));
        // Closing the connection releases the lock too; unlocking explicitly
        // just does it sooner. A failure here changes nothing.
        let _unlocked =
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                .execute(&mut conn);
        let applied = applied?;
        tracing::info!(applied, "database migrations are up to date");
        Ok(())
    })
    .await
    .map_err(|e| MigrationError::Failed(format!("the migration task did not finish: {e}")))?
}
