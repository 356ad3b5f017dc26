use async_trait::async_trait;
use domain::Principal;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The token is not one we accept. The reason is for the log only: the
    /// client always gets the same answer, so it learns nothing about which
    /// check failed.
    #[error("token rejected: {0}")]
    Rejected(String),
    /// The verifier cannot judge any token yet (no signing keys loaded).
    /// The token may be fine, so this must not be reported as a rejection.
    #[error("token verification unavailable: {0}")]
    Unavailable(String),
}

/// Turns a bearer token into the principal it proves. Implementations never
/// do network I/O per call in the common case, and never panic on any input.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TokenVerifier: Send + Sync + 'static {
    /// # Errors
    /// [`AuthError::Rejected`] for any token that is malformed, expired, not
    /// yet valid, for another issuer or audience, or wrongly signed;
    /// [`AuthError::Unavailable`] when the verifier has no keys to check with.
    async fn verify(&self, token: &str) -> Result<Principal, AuthError>;

    /// Whether the verifier can verify tokens now (its keys are loaded).
    fn is_ready(&self) -> bool;
}
