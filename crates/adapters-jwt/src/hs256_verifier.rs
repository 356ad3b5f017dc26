use std::sync::Arc;

use async_trait::async_trait;
use domain::Principal;
use jsonwebtoken::DecodingKey;
use ports::{AuthError, TokenVerifier};

use crate::claims::ClaimsPolicy;
use crate::clock::Clock;
use crate::rejection::Rejection;
use crate::token::{SigningAlg, UnverifiedToken};

/// Verifies HS256 tokens minted with a shared secret.
#[derive(Debug)]
pub(crate) struct Hs256Verifier {
    /// jsonwebtoken redacts the secret in its `Debug` output.
    key: DecodingKey,
    policy: ClaimsPolicy,
    clock: Arc<dyn Clock>,
}

impl Hs256Verifier {
    pub(crate) fn new(secret: &[u8], policy: ClaimsPolicy, clock: Arc<dyn Clock>) -> Self {
        Self {
            key: DecodingKey::from_secret(secret),
            policy,
            clock,
        }
    }

    pub(crate) fn check(&self, raw: &str) -> Result<Principal, Rejection> {
        let token = UnverifiedToken::parse(raw)?;
        if token.alg != SigningAlg::Hs256 {
            return Err(Rejection::KeyAlgorithmMismatch);
        }
        token.verify_signature(&self.key)?;
        self.policy
            .check(token.payload, self.clock.now_unix())
            .map(|(principal, _)| principal)
    }
}

#[async_trait]
impl TokenVerifier for Hs256Verifier {
    async fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        self.check(token).map_err(Rejection::into_auth_error)
    }

    fn is_ready(&self) -> bool {
        true
    }
}
