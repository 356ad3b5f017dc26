//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz). Compiled only
//! with the `fuzzing` feature, which nothing but `fuzz/Cargo.toml` enables:
//! the crate's API is unchanged without it. Each function runs untrusted
//! bytes through the real parsing and policy code and asserts the
//! invariants that must hold whatever the input; a panic here is a bug.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};

use crate::claims::ClaimsPolicy;
use crate::clock::Clock;
use crate::hs256_verifier::Hs256Verifier;
use crate::rejection::Rejection;
use crate::token::{
    MAX_TOKEN_BYTES, SigningAlg, UnverifiedToken, decode_segment, with_decoded_segment,
};

/// The HS256 key the fuzzed tokens are checked (and, for [`header`] and
/// [`claims`], signed) with.
pub const SECRET: &[u8] = b"fuzzing-secret-of-at-least-32-bytes!";
pub const ISSUER: &str = "http://localhost:3000";
pub const AUDIENCE: &str = "todo-api";
/// The instant the claims are judged at (Unix seconds).
pub const NOW: i64 = 1_795_295_100;
const LEEWAY: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct FixedClock;

impl Clock for FixedClock {
    fn now_unix(&self) -> i64 {
        NOW
    }
}

fn policy() -> ClaimsPolicy {
    ClaimsPolicy::new(ISSUER.to_owned(), AUDIENCE.to_owned(), LEEWAY)
}

fn verifier() -> Hs256Verifier {
    Hs256Verifier::new(SECRET, policy(), std::sync::Arc::new(FixedClock))
}

/// A compact JWS over `header` and `payload` (raw JSON bytes), signed with
/// [`SECRET`] whatever `alg` the header names.
fn signed(header: &[u8], payload: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = jsonwebtoken::crypto::sign(
        signing_input.as_bytes(),
        &EncodingKey::from_secret(SECRET),
        Algorithm::HS256,
    )
    .expect("HMAC signing cannot fail");
    format!("{signing_input}.{signature}")
}

/// A raw `Authorization: Bearer` value: the header parser, the HS256
/// signature check and the claims policy.
pub fn token(raw: &str) {
    // The stack-buffer decoder must agree with the plain one on every
    // segment, however long or malformed.
    for segment in raw.split('.') {
        assert_eq!(
            with_decoded_segment(segment, <[u8]>::to_vec),
            decode_segment(segment),
            "decoders disagree on {segment:?}"
        );
    }
    match UnverifiedToken::parse(raw) {
        Ok(parsed) => {
            assert!(raw.len() <= MAX_TOKEN_BYTES);
            let (signing_input, signature) = raw.rsplit_once('.').expect("three segments");
            assert_eq!(parsed.signing_input, signing_input);
            assert_eq!(parsed.signature, signature);
            assert_eq!(Some(parsed.payload), raw.split('.').nth(1));
            assert_eq!(raw.split('.').count(), 3);
        }
        Err(rejection) => {
            if raw.len() > MAX_TOKEN_BYTES {
                assert_eq!(rejection, Rejection::TooLarge);
            }
        }
    }
    if verifier().check(raw).is_ok() {
        // Only a token signed with the secret gets here.
        let parsed = UnverifiedToken::parse(raw).expect("accepted tokens parse");
        assert_eq!(parsed.alg, SigningAlg::Hs256);
        let (_, window) = policy()
            .check(parsed.payload, NOW)
            .expect("accepted tokens pass the policy");
        assert!(window.contains(NOW));
    }
}

/// `header_json` as the protected header of a correctly signed token whose
/// claims are valid.
pub fn header(header_json: &[u8]) {
    let claims = format!(
        r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","sub":"33e85bcb-82d5-4511-b8fc-1f6806a44a90","exp":{},"iat":{}}}"#,
        NOW + 600,
        NOW - 10
    );
    let raw = signed(header_json, claims.as_bytes());
    let verdict = verifier().check(&raw);
    if verdict.is_ok() {
        let parsed = UnverifiedToken::parse(&raw).expect("accepted tokens parse");
        assert_eq!(parsed.alg, SigningAlg::Hs256);
    }
    token(&raw);
}

/// `claims_json` as the payload of a correctly signed HS256 token, and
/// through the policy alone: a token with a good signature is judged by
/// its claims only.
pub fn claims(claims_json: &[u8]) {
    let raw = signed(br#"{"alg":"HS256","typ":"JWT"}"#, claims_json);
    let through_verifier = verifier().check(&raw);
    let payload = URL_SAFE_NO_PAD.encode(claims_json);
    let direct = policy().check(&payload, NOW);
    if raw.len() > MAX_TOKEN_BYTES {
        assert_eq!(through_verifier, Err(Rejection::TooLarge));
    } else {
        assert_eq!(
            through_verifier,
            direct.clone().map(|(principal, _)| principal)
        );
    }
    if let Ok((_, window)) = direct {
        assert!(
            window.contains(NOW),
            "{window:?} excludes the instant it was judged at"
        );
    }
    token(&raw);
}
