//! What every handler needs: the ports, behind trait objects so that the
//! binary hands in the real adapters and the tests hand in mocks.

use std::sync::Arc;

use ports::{
    ChangeLog, ChangeSignals, IdempotencyStore, LabelRepo, ListRepo, PreferencesRepo, TaskRepo,
    TokenVerifier, TransferRepo, TrashRepo,
};

/// The ports the routes work through.
#[derive(Clone)]
pub struct AppState {
    /// Tasks.
    pub repo: Arc<dyn TaskRepo>,
    pub verifier: Arc<dyn TokenVerifier>,
    pub lists: Arc<dyn ListRepo>,
    pub labels: Arc<dyn LabelRepo>,
    /// Time zone and week start (`…/preferences`, and the zone of the
    /// listing's date views).
    pub preferences: Arc<dyn PreferencesRepo>,
    /// The per-user change log (`GET …/changes`, event stream replays).
    pub changes: Arc<dyn ChangeLog>,
    /// Wake-ups when a user's change log grows (event streams).
    pub signals: Arc<dyn ChangeSignals>,
    /// Deleted tasks and lists (`…/trash`), and the purge of old ones.
    pub trash: Arc<dyn TrashRepo>,
    /// The answers to requests sent with an `Idempotency-Key`, replayed
    /// on a repeat (`http::idempotency`).
    pub idempotency: Arc<dyn IdempotencyStore>,
    /// Export and import of everything a user owns (`…/export`, `…/import`).
    pub transfer: Arc<dyn TransferRepo>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}
