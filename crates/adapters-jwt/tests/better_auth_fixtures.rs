//! Compatibility with tokens captured from a real better-auth 1.7.24 server
//! (EdDSA, ES256, RS256, PS256), each verified against the JWKS document it
//! served at the time, with the verifier's clock set to when they were valid.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns: a panic there is a failed test

mod support;

use std::path::PathBuf;

use adapters_jwt::{VerifierMode, VerifierSettings};
use ports::AuthError;
use serde_json::Value;
use support::{JwksServer, ManualClock, Reply};

const LEEWAY_SECS: i64 = 30;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/better-auth")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture_dir().join(name)).unwrap()
}

fn read_json(name: &str) -> Value {
    serde_json::from_str(&read(name)).unwrap()
}

async fn check_fixture(alg: &str) {
    let index = read_json("index.json");
    let entry = index["fixtures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["alg"] == alg)
        .unwrap_or_else(|| panic!("no {alg} fixture"));
    let token = read(entry["token"].as_str().unwrap());
    let token = token.trim();
    let claims = read_json(entry["claims"].as_str().unwrap());
    let (iat, exp) = (
        entry["iat"].as_i64().unwrap(),
        entry["exp"].as_i64().unwrap(),
    );
    assert!(iat < exp);

    let server = JwksServer::start(Reply::Json(read(entry["jwks"].as_str().unwrap()))).await;
    let clock = ManualClock::at(iat + (exp - iat) / 2);
    let settings = VerifierSettings {
        issuer: index["issuer"].as_str().unwrap().to_owned(),
        audience: index["audience"].as_str().unwrap().to_owned(),
        leeway: std::time::Duration::from_secs(LEEWAY_SECS.unsigned_abs()),
        mode: VerifierMode::Jwks(support::fast_jwks_settings(&server.url())),
    };
    let verifier = adapters_jwt::build_verifier_with_clock(settings, clock.clone()).unwrap();
    support::wait_ready(&verifier).await;

    for now in [iat, iat + (exp - iat) / 2, exp, exp + LEEWAY_SECS] {
        clock.set(now);
        let principal = verifier
            .verify(token)
            .await
            .unwrap_or_else(|e| panic!("{alg} fixture at {now}: {e:?}"));
        assert_eq!(
            principal.user_id.to_string(),
            entry["sub"].as_str().unwrap()
        );
        assert_eq!(
            principal.email.as_deref(),
            claims["payload"]["email"].as_str()
        );
        assert_eq!(
            principal.name.as_deref(),
            claims["payload"]["name"].as_str()
        );
    }

    clock.set(exp + LEEWAY_SECS + 1);
    assert!(
        matches!(verifier.verify(token).await, Err(AuthError::Rejected(ref why)) if why.contains("expired")),
        "{alg} fixture must be refused one second past exp + leeway"
    );
    // Long before it was issued, it is not valid either.
    clock.set(iat - LEEWAY_SECS - 1);
    assert!(matches!(
        verifier.verify(token).await,
        Err(AuthError::Rejected(_))
    ));
}

#[tokio::test]
async fn better_auth_eddsa_token_verifies() {
    check_fixture("EdDSA").await;
}

#[tokio::test]
async fn better_auth_es256_token_verifies() {
    check_fixture("ES256").await;
}

#[tokio::test]
async fn better_auth_rs256_token_verifies() {
    check_fixture("RS256").await;
}

#[tokio::test]
async fn better_auth_ps256_token_verifies() {
    check_fixture("PS256").await;
}

#[test]
fn every_fixture_in_the_index_is_covered() {
    let index = read_json("index.json");
    let mut algs: Vec<&str> = index["fixtures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["alg"].as_str().unwrap())
        .collect();
    algs.sort_unstable();
    assert_eq!(algs, ["ES256", "EdDSA", "PS256", "RS256"]);
}
