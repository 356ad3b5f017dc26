//! Ports: what the application asks of storage (tasks, lists, labels,
//! preferences), of the change log and its signals, and of token
//! verification.
//! Adapters implement these traits; the HTTP layer depends only on them.

mod change_log;
mod change_signals;
mod errors;
mod idempotency_store;
mod label_repo;
mod list_repo;
mod preferences_repo;
mod task_repo;
mod token_verifier;
mod transfer_repo;
mod trash_repo;

pub use change_log::ChangeLog;
pub use change_signals::{ChangeSignals, ChangeWakeups};
pub use errors::{
    BatchError, BatchFailure, BatchOpError, BoxError, CreateLabelError, CreateListError,
    CreateTaskError, DeleteLabelError, DeleteListError, DeleteTaskError, DeleteTrashItemError,
    EmptyTrashError, EnsureInboxError, ExportError, GetLabelError, GetListError,
    GetPreferencesError, GetTaskError, IdempotencyError, ImportError, ListCompletionsError,
    ListLabelsError, ListListsError, ListTasksError, ListTrashError, MoveListError, MoveTaskError,
    PruneChangesError, PurgeTrashError, PutPreferencesError, ReadChangesError, RepoUnavailable,
    RestoreError, StoreTooSlow, UpdateLabelError, UpdateListError, UpdateTaskError,
};
pub use idempotency_store::{Claim, IdempotencyStore, StoredResponse};
pub use label_repo::LabelRepo;
pub use list_repo::ListRepo;
pub use preferences_repo::{PreferencesRepo, StoredPreferences};
pub use task_repo::TaskRepo;
pub use token_verifier::{AuthError, TokenVerifier};
pub use transfer_repo::{ExportHead, TransferRepo};
pub use trash_repo::TrashRepo;

#[cfg(feature = "mocks")]
pub use change_log::MockChangeLog;
#[cfg(feature = "mocks")]
pub use change_signals::MockChangeSignals;
#[cfg(feature = "mocks")]
pub use idempotency_store::MockIdempotencyStore;
#[cfg(feature = "mocks")]
pub use label_repo::MockLabelRepo;
#[cfg(feature = "mocks")]
pub use list_repo::MockListRepo;
#[cfg(feature = "mocks")]
pub use preferences_repo::MockPreferencesRepo;
#[cfg(feature = "mocks")]
pub use task_repo::MockTaskRepo;
#[cfg(feature = "mocks")]
pub use token_verifier::MockTokenVerifier;
#[cfg(feature = "mocks")]
pub use transfer_repo::MockTransferRepo;
#[cfg(feature = "mocks")]
pub use trash_repo::MockTrashRepo;
