use std::sync::Arc;

use async_trait::async_trait;
use domain::Principal;
use ports::{AuthError, TokenVerifier};
use tokio::task::AbortHandle;

use crate::claims::ClaimsPolicy;
use crate::clock::Clock;
use crate::key_cache::KeyCache;
use crate::rejection::Rejection;
use crate::token::{MAX_TOKEN_BYTES, SigningAlg, UnverifiedToken};
use crate::verified_tokens::digest_of;

/// Verifies tokens signed by Better Auth with a key from its JWKS.
#[derive(Debug)]
pub(crate) struct JwksVerifier {
    cache: Arc<KeyCache>,
    policy: ClaimsPolicy,
    clock: Arc<dyn Clock>,
    refresher: AbortHandle,
}

impl JwksVerifier {
    pub(crate) fn new(
        cache: Arc<KeyCache>,
        policy: ClaimsPolicy,
        clock: Arc<dyn Clock>,
        refresher: AbortHandle,
    ) -> Self {
        Self {
            cache,
            policy,
            clock,
            refresher,
        }
    }

    async fn check(&self, raw: &str) -> Result<Principal, AuthError> {
        if raw.len() > MAX_TOKEN_BYTES {
            return Err(Rejection::TooLarge.into_auth_error());
        }
        let now = self.clock.now_unix();
        let digest = digest_of(raw);
        let attempts = self.cache.attempts();
        let mut generation = self.cache.current();
        if let Some(principal) = generation.verified.get(&digest, now) {
            metrics::counter!("verified_token_cache_hits_total").increment(1);
            return Ok(principal);
        }
        metrics::counter!("verified_token_cache_misses_total").increment(1);

        let token = UnverifiedToken::parse(raw).map_err(Rejection::into_auth_error)?;
        if token.alg == SigningAlg::Hs256 {
            // Only asymmetric keys come from the JWKS; an HMAC "signature"
            // keyed with a public key is the classic forgery.
            return Err(Rejection::unsupported_algorithm("HS256").into_auth_error());
        }
        let kid = token
            .kid
            .as_deref()
            .ok_or_else(|| Rejection::MissingKeyId.into_auth_error())?;

        let key = match generation.keys.get(kid) {
            Some(key) => key,
            None => {
                self.cache.refetch_after_miss(attempts).await;
                generation = self.cache.current();
                match generation.keys.get(kid) {
                    Some(key) => key,
                    None if !self.cache.is_ready() => {
                        tracing::debug!("token not checked: no JWKS key loaded yet");
                        return Err(AuthError::Unavailable(
                            "no signing keys have been loaded from the JWKS endpoint yet".into(),
                        ));
                    }
                    None => return Err(Rejection::UnknownKeyId.into_auth_error()),
                }
            }
        };
        if !key.allows(token.alg) {
            return Err(Rejection::KeyAlgorithmMismatch.into_auth_error());
        }
        token
            .verify_signature(&key.key)
            .map_err(Rejection::into_auth_error)?;
        let (principal, window) = self
            .policy
            .check(token.payload, now)
            .map_err(Rejection::into_auth_error)?;
        // Into the generation whose key verified it: if a refresh replaced
        // that key set meanwhile, the entry goes away with it.
        generation
            .verified
            .insert(digest, principal.clone(), window, now);
        Ok(principal)
    }
}

impl Drop for JwksVerifier {
    fn drop(&mut self) {
        self.refresher.abort();
    }
}

#[async_trait]
impl TokenVerifier for JwksVerifier {
    async fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        self.check(token).await
    }

    fn is_ready(&self) -> bool {
        self.cache.is_ready()
    }
}
