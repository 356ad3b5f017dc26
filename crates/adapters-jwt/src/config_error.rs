/// Why [`crate::build_verifier`] refused its settings. Each message names
/// the setting at fault and never includes a secret.
#[derive(Debug, thiserror::Error)]
pub enum VerifierConfigError {
    #[error("the HS256 secret must be at least {min} bytes long")]
    SecretTooShort { min: usize },
    #[error("the expected token issuer must not be empty")]
    EmptyIssuer,
    #[error("the expected token audience must not be empty")]
    EmptyAudience,
    #[error("the JWKS URL {url:?} is not a usable http(s) URL: {reason}")]
    InvalidJwksUrl { url: String, reason: String },
    #[error("the JWKS setting {name} {reason}")]
    InvalidJwksSetting {
        name: &'static str,
        reason: &'static str,
    },
    #[error(
        "the verifier must be built inside a tokio runtime (it refreshes keys in the background)"
    )]
    NoRuntime,
    #[error("could not build the HTTP client for the JWKS endpoint")]
    HttpClient(#[source] reqwest::Error),
}
