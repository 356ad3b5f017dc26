//! HS256 mode (a shared secret) and the settings `build_verifier` refuses.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns: a panic there is a failed test

mod support;

use std::time::Duration;

use adapters_jwt::{JwksSettings, VerifierConfigError, VerifierMode, build_verifier_with_clock};
use ports::{AuthError, TokenVerifier};
use secrecy::SecretString;
use serde_json::json;
use std::sync::{Arc, LazyLock};
use support::{ManualClock, NOW, SUB, TestKey, claims, hs256_sign, hs256_token, mint};

const SECRET: &str = "0123456789abcdef0123456789abcdef-better-auth-secret";

static ED: LazyLock<TestKey> = LazyLock::new(|| TestKey::ed25519("ed-1"));

fn hs256_mode(secret: &str) -> VerifierMode {
    VerifierMode::Hs256 {
        secret: SecretString::from(secret.to_owned()),
    }
}

fn verifier() -> Arc<dyn TokenVerifier> {
    build_verifier_with_clock(support::settings(hs256_mode(SECRET)), ManualClock::at(NOW)).unwrap()
}

/// An HS256 signature under `secret` over any header.
fn hs256_with(secret: &[u8], header: serde_json::Value, claims: &serde_json::Value) -> String {
    mint(&header, claims, |input| hs256_sign(secret, input))
}

/// As Better Auth signs in HS256 mode: `{"alg": "HS256", "typ": "JWT"}`.
fn valid_token() -> String {
    hs256_token(SECRET.as_bytes(), &claims(NOW - 60))
}

async fn assert_rejected(token: &str, reason: &str) {
    match verifier().verify(token).await {
        Err(AuthError::Rejected(why)) => {
            assert!(
                why.contains(reason),
                "rejected for {why:?}, expected {reason:?}"
            );
        }
        other => panic!("expected rejection for {reason:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn accepts_a_valid_token() {
    let verifier = verifier();
    assert!(verifier.is_ready());
    let principal = verifier.verify(&valid_token()).await.unwrap();
    assert_eq!(principal.user_id.to_string(), SUB);
    assert_eq!(principal.email.as_deref(), Some("user@example.com"));
}

#[tokio::test]
async fn rejects_a_token_signed_with_another_secret() {
    let token = hs256_with(
        b"another secret that is long enough!!",
        json!({"alg": "HS256"}),
        &claims(NOW - 60),
    );
    assert_rejected(&token, "signature does not verify").await;
}

#[tokio::test]
async fn rejects_other_algorithms_even_with_the_right_secret() {
    // alg none.
    let none = mint(&json!({"alg": "none"}), &claims(NOW - 60), |_| Vec::new());
    assert_rejected(&none, "algorithm none is not accepted").await;
    // HS512 keyed with the same secret.
    let hs512 = mint(&json!({"alg": "HS512"}), &claims(NOW - 60), |input| {
        aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA512, SECRET.as_bytes()),
            input,
        )
        .as_ref()
        .to_vec()
    });
    assert_rejected(&hs512, "algorithm HS512 is not accepted").await;
    // An asymmetric token: no JWKS is consulted in this mode.
    let eddsa = ED.token(&claims(NOW - 60));
    assert_rejected(&eddsa, "does not match its key").await;
}

#[tokio::test]
async fn applies_the_claims_policy() {
    let mut c = claims(NOW - 60);
    c["exp"] = json!(NOW - 31);
    assert_rejected(
        &hs256_with(SECRET.as_bytes(), json!({"alg": "HS256"}), &c),
        "expired",
    )
    .await;
    let mut c = claims(NOW - 60);
    c["aud"] = json!("someone-else");
    assert_rejected(
        &hs256_with(SECRET.as_bytes(), json!({"alg": "HS256"}), &c),
        "aud",
    )
    .await;
    let mut c = claims(NOW - 60);
    c["iss"] = json!("https://evil.example.com");
    assert_rejected(
        &hs256_with(SECRET.as_bytes(), json!({"alg": "HS256"}), &c),
        "iss",
    )
    .await;
    let mut c = claims(NOW - 60);
    c["sub"] = json!("not-a-uuid");
    assert_rejected(
        &hs256_with(SECRET.as_bytes(), json!({"alg": "HS256"}), &c),
        "UUID",
    )
    .await;
    let crit = hs256_with(
        SECRET.as_bytes(),
        json!({"alg": "HS256", "crit": ["b64"], "b64": false}),
        &claims(NOW - 60),
    );
    assert_rejected(&crit, "crit").await;
}

// ------------------------------------------------------------- settings

#[test]
fn a_secret_under_32_bytes_is_a_config_error() {
    let short = "x".repeat(31);
    assert!(matches!(
        build_verifier_with_clock(support::settings(hs256_mode(&short)), ManualClock::at(NOW)),
        Err(VerifierConfigError::SecretTooShort { min: 32 })
    ));
    // Bytes count, not characters: 11 three-byte characters are 33 bytes.
    let multibyte = "€".repeat(11);
    assert!(
        build_verifier_with_clock(
            support::settings(hs256_mode(&multibyte)),
            ManualClock::at(NOW)
        )
        .is_ok()
    );
    assert!(
        build_verifier_with_clock(
            support::settings(hs256_mode(&"x".repeat(32))),
            ManualClock::at(NOW)
        )
        .is_ok()
    );
}

#[test]
fn the_error_and_the_settings_never_show_the_secret() {
    let settings = support::settings(hs256_mode(SECRET));
    assert!(!format!("{settings:?}").contains(SECRET));
    let err = build_verifier_with_clock(
        support::settings(hs256_mode("short-secret")),
        ManualClock::at(NOW),
    )
    .err()
    .unwrap();
    assert!(!err.to_string().contains("short-secret"));
    assert_eq!(
        err.to_string(),
        "the HS256 secret must be at least 32 bytes long"
    );
}

#[test]
fn empty_issuer_or_audience_is_a_config_error() {
    let mut settings = support::settings(hs256_mode(SECRET));
    settings.issuer = " ".into();
    assert!(matches!(
        adapters_jwt::build_verifier(settings),
        Err(VerifierConfigError::EmptyIssuer)
    ));
    let mut settings = support::settings(hs256_mode(SECRET));
    settings.audience = String::new();
    assert!(matches!(
        adapters_jwt::build_verifier(settings),
        Err(VerifierConfigError::EmptyAudience)
    ));
}

#[test]
fn jwks_mode_outside_a_runtime_is_a_config_error() {
    let settings = support::settings(VerifierMode::Jwks(support::fast_jwks_settings(
        "http://localhost:3000/api/auth/jwks",
    )));
    assert!(matches!(
        adapters_jwt::build_verifier(settings),
        Err(VerifierConfigError::NoRuntime)
    ));
}

#[tokio::test]
async fn unusable_jwks_settings_are_config_errors() {
    let jwks = |f: fn(&mut JwksSettings)| {
        let mut s = support::fast_jwks_settings("http://localhost:3000/api/auth/jwks");
        f(&mut s);
        adapters_jwt::build_verifier(support::settings(VerifierMode::Jwks(s)))
    };
    assert!(matches!(
        jwks(|s| s.refresh_interval = Duration::ZERO),
        Err(VerifierConfigError::InvalidJwksSetting {
            name: "refresh_interval",
            ..
        })
    ));
    assert!(matches!(
        jwks(|s| s.fetch_timeout = Duration::ZERO),
        Err(VerifierConfigError::InvalidJwksSetting {
            name: "fetch_timeout",
            ..
        })
    ));
    assert!(matches!(
        jwks(|s| s.max_body_bytes = 0),
        Err(VerifierConfigError::InvalidJwksSetting {
            name: "max_body_bytes",
            ..
        })
    ));
    assert!(matches!(
        jwks(|s| s.url = "localhost:3000/api/auth/jwks".into()),
        Err(VerifierConfigError::InvalidJwksUrl { .. })
    ));
    // Defaults build (the first fetch fails in the background; no panic).
    let verifier = jwks(|_| {}).unwrap();
    assert!(!verifier.is_ready());
}
