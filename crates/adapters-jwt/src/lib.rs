//! Verifies the JWTs Better Auth issues, as a [`ports::TokenVerifier`].
//!
//! Two modes, chosen by [`VerifierMode`]:
//! - **JWKS** (default): Better Auth's public keys, fetched from its JWKS
//!   endpoint and cached by `kid`. EdDSA (Ed25519), ES256, RS256 and PS256,
//!   each only with a key of the matching type and `alg`. Refreshed in the
//!   background and on an unknown `kid` (one fetch at a time, with a
//!   cooldown); verification itself never waits for the network when the
//!   key is known. Tokens that passed are remembered (by SHA-256, inside
//!   their validity window, until the next key refresh) so a reused token
//!   skips the signature check.
//! - **HS256**: a shared secret of at least 32 bytes.
//!
//! Both apply the same claims policy: `exp` required, `nbf`/`iat` honoured
//! with a leeway, exact `iss`, `aud` containing the audience, `sub` a UUID.
//! Tokens over 8 KiB, with a `crit` header or a `typ` other than `JWT` are
//! refused. Every refusal is [`ports::AuthError::Rejected`], its reason
//! logged at debug level only.

mod claims;
mod clock;
mod config_error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod hs256_verifier;
mod json_str;
mod jwks_fetch;
mod jwks_verifier;
mod key_cache;
mod key_set;
mod rejection;
mod settings;
mod token;
mod verified_tokens;

use std::sync::Arc;

use ports::TokenVerifier;
use secrecy::ExposeSecret;

pub use clock::{Clock, SystemClock};
pub use config_error::VerifierConfigError;
pub use settings::{
    BETTER_AUTH_JWKS_PATH, DEFAULT_MAX_BODY_BYTES, JwksSettings, MIN_HS256_SECRET_BYTES,
    VerifierMode, VerifierSettings,
};

use claims::ClaimsPolicy;
use hs256_verifier::Hs256Verifier;
use jwks_fetch::JwksFetcher;
use jwks_verifier::JwksVerifier;
use key_cache::KeyCache;

/// Builds the verifier the settings describe, judging time by the system
/// clock. Must be called inside a tokio runtime: JWKS mode spawns the
/// background refresh there, whose first fetch starts at once and is not
/// awaited, so the API starts even while Better Auth is down.
///
/// # Errors
/// [`VerifierConfigError`] for an empty issuer or audience, an HS256 secret
/// under 32 bytes, an unusable JWKS URL or interval, or no tokio runtime.
pub fn build_verifier(
    settings: VerifierSettings,
) -> Result<Arc<dyn TokenVerifier>, VerifierConfigError> {
    build_verifier_with_clock(settings, Arc::new(SystemClock))
}

/// [`build_verifier`] with another notion of "now" for the token's time
/// claims, e.g. to check recorded tokens at the instant they were valid.
/// Key refresh timing always follows the runtime's clock.
///
/// # Errors
/// As [`build_verifier`].
pub fn build_verifier_with_clock(
    settings: VerifierSettings,
    clock: Arc<dyn Clock>,
) -> Result<Arc<dyn TokenVerifier>, VerifierConfigError> {
    if settings.issuer.trim().is_empty() {
        return Err(VerifierConfigError::EmptyIssuer);
    }
    if settings.audience.trim().is_empty() {
        return Err(VerifierConfigError::EmptyAudience);
    }
    let policy = ClaimsPolicy::new(settings.issuer, settings.audience, settings.leeway);
    match settings.mode {
        VerifierMode::Hs256 { secret } => {
            let secret = secret.expose_secret().as_bytes();
            if secret.len() < MIN_HS256_SECRET_BYTES {
                return Err(VerifierConfigError::SecretTooShort {
                    min: MIN_HS256_SECRET_BYTES,
                });
            }
            Ok(Arc::new(Hs256Verifier::new(secret, policy, clock)))
        }
        VerifierMode::Jwks(jwks) => {
            check_jwks_settings(&jwks)?;
            let runtime = tokio::runtime::Handle::try_current()
                .map_err(|_| VerifierConfigError::NoRuntime)?;
            let fetcher = JwksFetcher::new(&jwks)?;
            let cache = Arc::new(KeyCache::new(fetcher, jwks.refetch_cooldown));
            let refresher = cache.spawn_refresh(&runtime, jwks.refresh_interval);
            Ok(Arc::new(JwksVerifier::new(cache, policy, clock, refresher)))
        }
    }
}

fn check_jwks_settings(jwks: &JwksSettings) -> Result<(), VerifierConfigError> {
    let invalid = |name, reason| Err(VerifierConfigError::InvalidJwksSetting { name, reason });
    if jwks.refresh_interval.is_zero() {
        return invalid("refresh_interval", "must be greater than zero");
    }
    if jwks.fetch_timeout.is_zero() {
        return invalid("fetch_timeout", "must be greater than zero");
    }
    if jwks.max_body_bytes == 0 {
        return invalid("max_body_bytes", "must be greater than zero");
    }
    Ok(())
}
