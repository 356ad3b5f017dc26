//! PostgreSQL adapter: [`PgTaskRepo`] implements the `TaskRepo`, `ListRepo`,
//! `LabelRepo`, `PreferencesRepo`, `ChangeLog`, `TrashRepo` and
//! `IdempotencyStore` ports with diesel-async over one deadpool pool
//! (TLS via rustls when the URL asks for it), [`PgChangeListener`] the
//! `ChangeSignals` port on a dedicated `LISTEN` connection, and
//! [`run_migrations`] applies the embedded migrations from the top-level
//! `migrations/` directory.

mod batch;
mod change_listener;
mod change_log;
mod connect;
mod errors;
mod idempotency_store;
mod inbox;
mod label_repo;
mod list_repo;
mod list_rows;
mod listing;
mod migrations;
mod ordering;
mod preferences_repo;
mod prepared;
mod recurring;
mod rows;
mod schema;
mod settings;
mod task_repo;
mod task_tree;
mod transfer_repo;
mod trash_repo;
mod trash_rows;

pub use change_listener::{CHANGE_CHANNEL, LISTEN_APPLICATION_NAME, PgChangeListener};
pub use errors::{MigrationError, PgSetupError};
pub use migrations::run_migrations;
pub use settings::{PgSettings, PoolerMode};
pub use task_repo::{PgTaskRepo, PoolStatus};
