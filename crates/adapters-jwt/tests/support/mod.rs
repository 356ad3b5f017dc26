//! Shared by the integration tests and the benchmark: the verifier's
//! settings for tests, a controllable clock, and Better Auth's claims. Keys,
//! token minting and the JWKS endpoint come from test-support.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    dead_code,
    unused_imports,
    unreachable_pub
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use adapters_jwt::{Clock, JwksSettings, VerifierMode, VerifierSettings};
use ports::TokenVerifier;
use serde_json::{Value, json};

pub use test_support::jwks_server::{JwksServer, Reply};
pub use test_support::jwt::{TestKey, b64, b64_decode, hs256_sign, hs256_token, jwks_json, mint};

pub const ISSUER: &str = "http://localhost:3000";
pub const AUDIENCE: &str = "todo-api";
pub const SUB: &str = "33e85bcb-82d5-4511-b8fc-1f6806a44a90";
/// An instant in the fixtures' era, used as "now" by most tests.
pub const NOW: i64 = 1_795_295_100;

/// Claims Better Auth would put in a token issued at `iat`.
pub fn claims(iat: i64) -> Value {
    json!({
        "iat": iat,
        "email": "user@example.com",
        "name": "Test User",
        "sub": SUB,
        "exp": iat + 900,
        "iss": ISSUER,
        "aud": AUDIENCE,
    })
}

/// A clock the test sets by hand.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn at(now: i64) -> Arc<Self> {
        Arc::new(Self(AtomicI64::new(now)))
    }

    pub fn set(&self, now: i64) {
        self.0.store(now, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_unix(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// JWKS settings for tests: intervals short enough to run in milliseconds,
/// and a cooldown long enough that only the test decides when it ends.
pub fn fast_jwks_settings(url: &str) -> JwksSettings {
    JwksSettings {
        url: url.to_owned(),
        refresh_interval: Duration::from_secs(3600),
        refetch_cooldown: Duration::from_secs(3600),
        fetch_timeout: Duration::from_secs(5),
        max_body_bytes: 64 * 1024,
    }
}

pub fn settings(mode: VerifierMode) -> VerifierSettings {
    VerifierSettings {
        issuer: ISSUER.to_owned(),
        audience: AUDIENCE.to_owned(),
        leeway: Duration::from_secs(30),
        mode,
    }
}

/// Waits (bounded) until the verifier has loaded keys.
pub async fn wait_ready(verifier: &Arc<dyn TokenVerifier>) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while !verifier.is_ready() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await
    .expect("verifier did not become ready within 10 s");
}
