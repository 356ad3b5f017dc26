//! Time per verification for each algorithm (first use and cached), next to
//! the raw signature check jsonwebtoken does for the same token: the
//! difference is what the verifier adds per request (header and claims
//! parsing, key lookup, claims policy, cache bookkeeping).

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns: a panic there is a failed test

#[path = "../tests/support/mod.rs"]
mod support;

use std::future::Future;
use std::hint::black_box;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use adapters_jwt::{VerifierMode, build_verifier};
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{Algorithm, DecodingKey};
use ports::TokenVerifier;
use secrecy::SecretString;
use serde_json::json;
use support::keys::hs256_sign;
use support::{JwksServer, Reply, TestKey, claims, jwks_json, mint, token};

const HS_SECRET: &str = "0123456789abcdef0123456789abcdef-bench";

/// Drives a verification that needs no I/O to completion without a
/// runtime, so the measurement is the verifier's own work.
fn complete<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a verification with a cached key had to wait"),
    }
}

fn decoding_key(key: &TestKey) -> DecodingKey {
    let jwk = key.jwk();
    let s = |name: &str| jwk[name].as_str().unwrap().to_owned();
    match jwk["kty"].as_str().unwrap() {
        "OKP" => DecodingKey::from_ed_components(&s("x")).unwrap(),
        "EC" => DecodingKey::from_ec_components(&s("x"), &s("y")).unwrap(),
        _ => DecodingKey::from_rsa_components(&s("n"), &s("e")).unwrap(),
    }
}

fn raw_check(token: &str, key: &DecodingKey, alg: Algorithm) -> bool {
    let (input, signature) = token.rsplit_once('.').unwrap();
    jsonwebtoken::crypto::verify(signature, input.as_bytes(), key, alg).unwrap()
}

/// Distinct valid tokens, so that each one is verified from scratch.
fn token_pool(key: &TestKey, now: i64, size: usize) -> Vec<String> {
    (0..size)
        .map(|jti| {
            let mut c = claims(now);
            c["jti"] = json!(jti);
            token(key, &c)
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let keys = [
        (TestKey::ed25519("ed"), Algorithm::EdDSA, 2000),
        (TestKey::es256("ec"), Algorithm::ES256, 2000),
        (TestKey::rs256("rs"), Algorithm::RS256, 1000),
        (TestKey::ps256("ps"), Algorithm::PS256, 1000),
    ];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let jwks: Vec<_> = keys.iter().map(|(k, _, _)| k.jwk()).collect();
    let server = runtime.block_on(JwksServer::start(Reply::Json(jwks_json(&jwks))));
    let fresh_verifier = || -> Arc<dyn TokenVerifier> {
        runtime.block_on(async {
            let verifier = build_verifier(support::settings(VerifierMode::Jwks(
                support::fast_jwks_settings(&server.url()),
            )))
            .unwrap();
            support::wait_ready(&verifier).await;
            verifier
        })
    };
    let jwks_verifier = fresh_verifier();
    let hs_verifier = build_verifier(support::settings(VerifierMode::Hs256 {
        secret: SecretString::from(HS_SECRET),
    }))
    .unwrap();

    // Every token seen for the first time: full parse, signature, claims,
    // and entry into the verified-token cache. A new verifier (empty cache)
    // is built, untimed, whenever the pool of distinct tokens runs out.
    let mut group = c.benchmark_group("verify_first_use");
    for (key, alg, pool_size) in &keys {
        let pool = token_pool(key, now, *pool_size);
        group.bench_function(format!("{alg:?}"), |b| {
            b.iter_custom(|iters| {
                let mut measured = Duration::ZERO;
                let mut remaining = usize::try_from(iters).unwrap();
                while remaining > 0 {
                    let verifier = fresh_verifier();
                    let batch = &pool[..remaining.min(pool.len())];
                    let start = Instant::now();
                    for t in batch {
                        assert!(complete(verifier.verify(black_box(t))).is_ok());
                    }
                    measured += start.elapsed();
                    remaining -= batch.len();
                }
                measured
            })
        });
    }
    group.finish();

    // The same token again: answered from the verified-token cache.
    let mut group = c.benchmark_group("verify_cached");
    for (key, alg, _) in &keys {
        let t = token(key, &claims(now));
        assert!(complete(jwks_verifier.verify(&t)).is_ok());
        group.bench_function(format!("{alg:?}"), |b| {
            b.iter(|| complete(jwks_verifier.verify(black_box(&t))))
        });
    }
    group.finish();

    // HS256 mode keeps no cache: an HMAC costs less than a lookup would
    // save, and with its cheap signature this pair isolates the verifier's
    // own per-request work (parsing, claims policy) best.
    let hs = mint(&json!({"alg": "HS256", "typ": "JWT"}), &claims(now), |i| {
        hs256_sign(HS_SECRET.as_bytes(), i)
    });
    assert!(complete(hs_verifier.verify(&hs)).is_ok());
    let mut group = c.benchmark_group("verify");
    group.bench_function("HS256", |b| {
        b.iter(|| complete(hs_verifier.verify(black_box(&hs))))
    });
    group.finish();

    let mut group = c.benchmark_group("raw_signature_check");
    for (key, alg, _) in &keys {
        let t = token(key, &claims(now));
        let decoding = decoding_key(key);
        assert!(raw_check(&t, &decoding, *alg));
        group.bench_function(format!("{alg:?}"), |b| {
            b.iter(|| raw_check(black_box(&t), &decoding, *alg))
        });
    }
    let hs_key = DecodingKey::from_secret(HS_SECRET.as_bytes());
    assert!(raw_check(&hs, &hs_key, Algorithm::HS256));
    group.bench_function("HS256", |b| {
        b.iter(|| raw_check(black_box(&hs), &hs_key, Algorithm::HS256))
    });
    group.finish();

    // The cheapest refusals: what a flood of junk costs.
    let mut group = c.benchmark_group("reject");
    let ghost = mint(
        &json!({"alg": "EdDSA", "kid": "ghost"}),
        &claims(now),
        |i| keys[0].0.sign(i),
    );
    // The first unknown kid spends the on-demand fetch; later ones are
    // refused within the cooldown without any I/O.
    let _ = runtime.block_on(jwks_verifier.verify(&ghost));
    group.bench_function("unknown_kid_within_cooldown", |b| {
        b.iter(|| runtime.block_on(jwks_verifier.verify(black_box(&ghost))))
    });
    group.bench_function("malformed", |b| {
        b.iter(|| complete(jwks_verifier.verify(black_box("not.a.token"))))
    });
    group.finish();
}

criterion_group! {
    name = verify;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(verify);
