use std::time::Duration;

use secrecy::SecretString;

/// Where Better Auth's JWT plugin publishes its public keys, below its base URL.
pub const BETTER_AUTH_JWKS_PATH: &str = "/api/auth/jwks";
/// A sensible cap on the JWKS document: a handful of keys is a few KiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
/// Shorter HS256 secrets are guessable offline from any one token.
pub const MIN_HS256_SECRET_BYTES: usize = 32;

/// What the verifier accepts: the claims policy shared by both modes, and
/// where the keys come from.
#[derive(Debug, Clone)]
pub struct VerifierSettings {
    /// The exact `iss` a token must carry (Better Auth's base URL).
    pub issuer: String,
    /// A value `aud` must contain.
    pub audience: String,
    /// Tolerance applied to `exp`, `nbf` and `iat`.
    pub leeway: Duration,
    pub mode: VerifierMode,
}

/// Where the verification keys come from. Exactly one mode is active.
#[derive(Debug, Clone)]
pub enum VerifierMode {
    /// Better Auth's published public keys (EdDSA, ES256, RS256, PS256).
    Jwks(JwksSettings),
    /// A shared secret, for deployments that mint their own HS256 tokens.
    Hs256 { secret: SecretString },
}

/// How the key set is fetched and kept. No defaults here: the binary's
/// configuration (`config/default.toml`) supplies every value.
#[derive(Debug, Clone)]
pub struct JwksSettings {
    /// The JWKS endpoint, e.g. `{BETTER_AUTH_URL}`[`BETTER_AUTH_JWKS_PATH`].
    pub url: String,
    /// How often the key set is refreshed in the background.
    pub refresh_interval: Duration,
    /// Minimum time between two fetches triggered by an unknown `kid`; also
    /// the retry delay after a failed fetch (bounded by `refresh_interval`).
    pub refetch_cooldown: Duration,
    /// Upper bound for one whole fetch: connect, headers and body.
    pub fetch_timeout: Duration,
    /// Largest JWKS document accepted; larger ones fail the fetch.
    pub max_body_bytes: usize,
}
