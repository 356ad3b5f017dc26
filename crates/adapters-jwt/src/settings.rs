use std::time::Duration;

use secrecy::SecretString;

/// Default tolerance for clock skew between Better Auth and this service.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);
/// Default audience: what the frontend's JWT plugin puts in `aud`.
pub const DEFAULT_AUDIENCE: &str = "todo-api";
/// Where Better Auth's JWT plugin publishes its public keys, below its base URL.
pub const BETTER_AUTH_JWKS_PATH: &str = "/api/auth/jwks";
pub const DEFAULT_REFRESH_INTERVAL: Duration = Duration::from_secs(300);
pub const DEFAULT_REFETCH_COOLDOWN: Duration = Duration::from_secs(10);
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(2);
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

#[derive(Debug, Clone)]
pub struct JwksSettings {
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

impl JwksSettings {
    /// Settings for `url` with every other value at its default.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            refresh_interval: DEFAULT_REFRESH_INTERVAL,
            refetch_cooldown: DEFAULT_REFETCH_COOLDOWN,
            fetch_timeout: DEFAULT_FETCH_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Settings for the JWKS endpoint of the Better Auth server at
    /// `base_url` (e.g. `http://localhost:3000`), with defaults elsewhere.
    pub fn for_better_auth(base_url: &str) -> Self {
        Self::new(format!(
            "{}{BETTER_AUTH_JWKS_PATH}",
            base_url.trim_end_matches('/')
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn better_auth_jwks_url_ignores_a_trailing_slash() {
        assert_eq!(
            JwksSettings::for_better_auth("http://localhost:3000/").url,
            "http://localhost:3000/api/auth/jwks"
        );
        assert_eq!(
            JwksSettings::for_better_auth("https://auth.example.com").url,
            "https://auth.example.com/api/auth/jwks"
        );
    }
}
