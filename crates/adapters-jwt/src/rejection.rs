use std::fmt;

use ports::AuthError;

/// Why a token was refused. Only ever logged (at debug level) and carried in
/// [`AuthError::Rejected`]; the client gets the same answer for all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rejection {
    TooLarge,
    Malformed(&'static str),
    UnsupportedAlgorithm(String),
    CriticalHeader,
    UnexpectedType,
    MissingKeyId,
    UnknownKeyId,
    KeyAlgorithmMismatch,
    BadSignature,
    MissingExpiry,
    Expired,
    NotYetValid,
    IssuedInFuture,
    WrongIssuer,
    WrongAudience,
    MissingSubject,
    SubjectNotUuid,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge => f.write_str("token is larger than 8 KiB"),
            Self::Malformed(what) => write!(f, "malformed token: {what}"),
            Self::UnsupportedAlgorithm(alg) => write!(f, "algorithm {alg} is not accepted"),
            Self::CriticalHeader => f.write_str("token has a crit header"),
            Self::UnexpectedType => f.write_str("token typ is not JWT"),
            Self::MissingKeyId => f.write_str("token has no kid"),
            Self::UnknownKeyId => f.write_str("token kid names no known key"),
            Self::KeyAlgorithmMismatch => f.write_str("token alg does not match its key"),
            Self::BadSignature => f.write_str("signature does not verify"),
            Self::MissingExpiry => f.write_str("token has no exp"),
            Self::Expired => f.write_str("token expired"),
            Self::NotYetValid => f.write_str("token not yet valid (nbf)"),
            Self::IssuedInFuture => f.write_str("token issued in the future (iat)"),
            Self::WrongIssuer => f.write_str("token iss is not the expected issuer"),
            Self::WrongAudience => f.write_str("token aud does not contain the expected audience"),
            Self::MissingSubject => f.write_str("token has no sub"),
            Self::SubjectNotUuid => f.write_str("token sub is not a UUID"),
        }
    }
}

impl Rejection {
    /// Attacker-chosen header values are logged only as a short, escaped
    /// excerpt so they cannot flood or forge log lines.
    pub(crate) fn unsupported_algorithm(alg: &str) -> Self {
        let excerpt: String = alg.chars().take(16).flat_map(char::escape_debug).collect();
        Self::UnsupportedAlgorithm(excerpt)
    }

    /// Logs the reason where it is decided and turns it into the port's error.
    pub(crate) fn into_auth_error(self) -> AuthError {
        tracing::debug!(reason = %self, "token rejected");
        AuthError::Rejected(self.to_string())
    }
}
