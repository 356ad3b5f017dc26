//! What every handler needs: the ports, behind trait objects so that the
//! binary hands in the real adapters and the tests hand in mocks.

use std::sync::Arc;

use ports::{TaskRepo, TokenVerifier};

/// The ports the routes work through.
#[derive(Clone)]
pub struct AppState {
    pub repo: Arc<dyn TaskRepo>,
    pub verifier: Arc<dyn TokenVerifier>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}
