//! Ports: what the application asks of storage and of token verification.
//! Adapters implement these traits; the HTTP layer depends only on them.

mod errors;
mod task_repo;
mod token_verifier;

pub use errors::{
    BoxError, CreateTaskError, DeleteTaskError, GetTaskError, ListTasksError, RepoUnavailable,
    StoreTooSlow, UpdateTaskError,
};
pub use task_repo::TaskRepo;
pub use token_verifier::{AuthError, TokenVerifier};

#[cfg(feature = "mocks")]
pub use task_repo::MockTaskRepo;
#[cfg(feature = "mocks")]
pub use token_verifier::MockTokenVerifier;
