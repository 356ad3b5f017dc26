//! JWKS mode, the key cache: shared and rate-limited refetches, rotation,
//! removal, startup without keys, and every way a fetch can fail without
//! losing the keys already loaded.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns: a panic there is a failed test

mod support;

use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use adapters_jwt::{JwksSettings, VerifierMode};
use ports::{AuthError, TokenVerifier};
use serde_json::json;
use support::{JwksServer, ManualClock, NOW, Reply, TestKey, claims, jwks_json, mint};

static KEY_A: LazyLock<TestKey> = LazyLock::new(|| TestKey::ed25519("key-a"));
static KEY_B: LazyLock<TestKey> = LazyLock::new(|| TestKey::es256("key-b"));

fn only_a() -> String {
    jwks_json(&[KEY_A.jwk()])
}

fn a_and_b() -> String {
    jwks_json(&[KEY_A.jwk(), KEY_B.jwk()])
}

fn build(jwks: JwksSettings) -> Arc<dyn TokenVerifier> {
    let settings = support::settings(VerifierMode::Jwks(jwks));
    adapters_jwt::build_verifier_with_clock(settings, ManualClock::at(NOW)).unwrap()
}

/// A verifier that refreshes every 20 ms, so "the next refresh" comes soon.
fn build_refreshing(server: &JwksServer) -> Arc<dyn TokenVerifier> {
    build(JwksSettings {
        refresh_interval: Duration::from_millis(20),
        ..support::fast_jwks_settings(&server.url())
    })
}

fn token_for(key: &TestKey) -> String {
    key.token(&claims(NOW - 60))
}

fn token_with_kid(kid: &str) -> String {
    mint(
        &json!({"alg": "EdDSA", "kid": kid}),
        &claims(NOW - 60),
        |i| KEY_A.sign(i),
    )
}

fn assert_unknown_kid(result: &Result<domain::Principal, AuthError>) {
    assert!(
        matches!(result, Err(AuthError::Rejected(why)) if why.contains("kid names no known key")),
        "{result:?}"
    );
}

/// Long enough for every request a test starts to meet a fetch still in
/// flight; the tests never depend on how much longer it is.
const IN_FLIGHT: Duration = Duration::from_millis(300);

/// Waits until a fetch that started after this call has completed: fetches
/// are one at a time, so when request `n + 2` arrives, request `n + 1` (the
/// first to see the server's current reply) has been fully handled.
async fn wait_for_a_fresh_fetch(server: &JwksServer) {
    server.wait_for_hits(server.hits() + 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_requests_with_the_same_unknown_kid_cause_one_fetch() {
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let verifier = build(support::fast_jwks_settings(&server.url()));
    support::wait_ready(&verifier).await;
    assert_eq!(server.hits(), 1);

    // Delay the refetch so the requests pile up behind it.
    server.delay_answers(IN_FLIGHT);
    let ghost = token_with_kid("ghost");
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let verifier = Arc::clone(&verifier);
            let ghost = ghost.clone();
            tokio::spawn(async move { verifier.verify(&ghost).await })
        })
        .collect();
    for task in tasks {
        assert_unknown_kid(&task.await.unwrap());
    }
    assert_eq!(server.hits(), 2, "exactly one refetch for 100 misses");

    // A different unknown kid within the cooldown fetches nothing.
    assert_unknown_kid(&verifier.verify(&token_with_kid("ghost-2")).await);
    assert_eq!(server.hits(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_for_a_newly_published_key_share_one_fetch_and_all_pass() {
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let verifier = build(support::fast_jwks_settings(&server.url()));
    support::wait_ready(&verifier).await;

    server.serve_json(a_and_b());
    server.delay_answers(IN_FLIGHT);
    let b = token_for(&KEY_B);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let verifier = Arc::clone(&verifier);
            let b = b.clone();
            tokio::spawn(async move { verifier.verify(&b).await })
        })
        .collect();
    // With a one-hour cooldown, a request that did not wait for the shared
    // fetch would have been refused.
    for task in tasks {
        assert!(task.await.unwrap().is_ok());
    }
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_miss_during_a_scheduled_refresh_waits_for_it_instead_of_fetching_again() {
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let verifier = build(JwksSettings {
        refresh_interval: Duration::from_millis(500),
        ..support::fast_jwks_settings(&server.url())
    });
    support::wait_ready(&verifier).await;

    // The scheduled refresh picks up key B but is kept in flight...
    server.serve_json(a_and_b());
    server.delay_answers(IN_FLIGHT);
    server.wait_for_hits(2).await;
    // ...while a token signed with B arrives and waits for that fetch.
    let pending = {
        let verifier = Arc::clone(&verifier);
        let b = token_for(&KEY_B);
        tokio::spawn(async move { verifier.verify(&b).await })
    };
    assert!(pending.await.unwrap().is_ok());
    assert_eq!(server.hits(), 2, "the miss reused the scheduled fetch");
}

#[tokio::test]
async fn a_second_unknown_kid_within_the_cooldown_causes_no_fetch() {
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let verifier = build(support::fast_jwks_settings(&server.url()));
    support::wait_ready(&verifier).await;

    assert_unknown_kid(&verifier.verify(&token_with_kid("ghost-1")).await);
    assert_eq!(server.hits(), 2);
    // Even a key that has meanwhile been published waits for the cooldown
    // or the next scheduled refresh.
    server.serve_json(a_and_b());
    assert_unknown_kid(&verifier.verify(&token_for(&KEY_B)).await);
    assert_unknown_kid(&verifier.verify(&token_with_kid("ghost-2")).await);
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn the_cooldown_ends() {
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let cooldown = Duration::from_millis(50);
    let verifier = build(JwksSettings {
        refetch_cooldown: cooldown,
        ..support::fast_jwks_settings(&server.url())
    });
    support::wait_ready(&verifier).await;

    assert_unknown_kid(&verifier.verify(&token_with_kid("ghost-1")).await);
    assert_eq!(server.hits(), 2);
    tokio::time::sleep(cooldown).await;
    assert_unknown_kid(&verifier.verify(&token_with_kid("ghost-2")).await);
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn a_rotated_in_key_is_accepted_after_one_fetch() {
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let verifier = build(support::fast_jwks_settings(&server.url()));
    support::wait_ready(&verifier).await;
    let b = token_for(&KEY_B);

    server.serve_json(a_and_b());
    assert!(verifier.verify(&b).await.is_ok());
    assert_eq!(server.hits(), 2, "one fetch on the unknown kid");
    // Then it is cached: no more fetches.
    assert!(verifier.verify(&b).await.is_ok());
    assert!(verifier.verify(&token_for(&KEY_A)).await.is_ok());
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_removed_key_stops_verifying_after_the_next_refresh() {
    let server = JwksServer::start(Reply::Json(a_and_b())).await;
    let verifier = build_refreshing(&server);
    support::wait_ready(&verifier).await;
    let b = token_for(&KEY_B);
    // Twice: the second answer comes from the verified-token cache.
    assert!(verifier.verify(&b).await.is_ok());
    assert!(verifier.verify(&b).await.is_ok());

    server.serve_json(jwks_json(&[KEY_A.jwk()]));
    wait_for_a_fresh_fetch(&server).await;
    assert_unknown_kid(&verifier.verify(&b).await);
    assert!(verifier.verify(&token_for(&KEY_A)).await.is_ok());
}

#[tokio::test]
async fn jwks_down_at_startup_then_up_becomes_ready() {
    let server = JwksServer::start(Reply::Status(503)).await;
    let verifier = build_refreshing(&server);
    server.wait_for_hits(2).await;

    assert!(!verifier.is_ready());
    // No key yet: the token may be fine, so this is not a rejection.
    let a = token_for(&KEY_A);
    assert!(matches!(
        verifier.verify(&a).await,
        Err(AuthError::Unavailable(_))
    ));
    // A malformed token is still plainly rejected.
    assert!(matches!(
        verifier.verify("garbage").await,
        Err(AuthError::Rejected(_))
    ));

    server.serve_json(only_a());
    support::wait_ready(&verifier).await;
    assert!(verifier.verify(&a).await.is_ok());
}

#[tokio::test]
async fn failed_or_empty_fetches_are_retried_after_the_cooldown_not_the_refresh_interval() {
    for first in [Reply::Status(500), Reply::Json(jwks_json(&[]))] {
        let server = JwksServer::start(first).await;
        // A one-hour refresh: becoming ready within the wait below is only
        // possible through the retry after the 50 ms cooldown.
        let verifier = build(JwksSettings {
            refetch_cooldown: Duration::from_millis(50),
            ..support::fast_jwks_settings(&server.url())
        });
        server.wait_for_hits(1).await;
        server.serve_json(only_a());
        support::wait_ready(&verifier).await;
        assert!(verifier.verify(&token_for(&KEY_A)).await.is_ok());
    }
}

#[tokio::test]
async fn an_unreachable_endpoint_leaves_the_verifier_unavailable() {
    let url = format!("http://{}/api/auth/jwks", test_support::unused_local_addr());
    let verifier = build(support::fast_jwks_settings(&url));
    assert!(matches!(
        verifier.verify(&token_for(&KEY_A)).await,
        Err(AuthError::Unavailable(_))
    ));
    assert!(!verifier.is_ready());
}

#[tokio::test]
async fn a_document_without_usable_keys_does_not_make_the_verifier_ready() {
    let server = JwksServer::start(Reply::Json(jwks_json(&[]))).await;
    let verifier = build_refreshing(&server);
    wait_for_a_fresh_fetch(&server).await;
    assert!(!verifier.is_ready());
    assert!(matches!(
        verifier.verify(&token_for(&KEY_A)).await,
        Err(AuthError::Unavailable(_))
    ));
}

#[tokio::test]
async fn a_known_key_verifies_while_a_fetch_is_stuck() {
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let verifier = build(JwksSettings {
        refresh_interval: Duration::from_millis(20),
        fetch_timeout: Duration::from_secs(3600),
        ..support::fast_jwks_settings(&server.url())
    });
    support::wait_ready(&verifier).await;

    // The next scheduled fetch hangs, holding the fetch lock.
    server.set(Reply::Hang);
    server.wait_for_hits(2).await;
    let verified =
        tokio::time::timeout(Duration::from_secs(10), verifier.verify(&token_for(&KEY_A)))
            .await
            .expect("verification waited for the stuck fetch");
    assert!(verified.is_ok());
}

// ------------------------------------------------ verified-token cache

#[tokio::test]
async fn a_cached_token_stops_verifying_once_it_expires() {
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let clock = ManualClock::at(NOW);
    let settings = support::settings(VerifierMode::Jwks(support::fast_jwks_settings(
        &server.url(),
    )));
    let verifier = adapters_jwt::build_verifier_with_clock(settings, clock.clone()).unwrap();
    support::wait_ready(&verifier).await;

    let c = claims(NOW - 60);
    let exp = c["exp"].as_i64().unwrap();
    let t = KEY_A.token(&c);
    assert!(verifier.verify(&t).await.is_ok());
    assert!(verifier.verify(&t).await.is_ok());
    clock.set(exp + 31);
    assert!(
        matches!(verifier.verify(&t).await, Err(AuthError::Rejected(why)) if why.contains("expired"))
    );
}

#[tokio::test]
async fn a_cached_token_is_not_served_before_it_is_valid() {
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let clock = ManualClock::at(NOW);
    let settings = support::settings(VerifierMode::Jwks(support::fast_jwks_settings(
        &server.url(),
    )));
    let verifier = adapters_jwt::build_verifier_with_clock(settings, clock.clone()).unwrap();
    support::wait_ready(&verifier).await;

    let mut c = claims(NOW);
    c["nbf"] = json!(NOW);
    let t = KEY_A.token(&c);
    assert!(verifier.verify(&t).await.is_ok());
    // A clock stepped back past nbf - leeway must not be answered from
    // the cache.
    clock.set(NOW - 31);
    assert!(
        matches!(verifier.verify(&t).await, Err(AuthError::Rejected(why)) if why.contains("not yet valid"))
    );
}

#[tokio::test]
async fn a_refresh_drops_cached_tokens_even_when_the_kid_stays() {
    // The authority replaces the key material behind an unchanged kid: a
    // token cached under the old key must not survive the refresh.
    let replacement = TestKey::ed25519(&KEY_A.kid);
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let verifier = build_refreshing(&server);
    support::wait_ready(&verifier).await;
    let old = token_for(&KEY_A);
    assert!(verifier.verify(&old).await.is_ok());
    assert!(verifier.verify(&old).await.is_ok());

    server.serve_json(jwks_json(&[replacement.jwk()]));
    wait_for_a_fresh_fetch(&server).await;
    assert!(
        matches!(verifier.verify(&old).await, Err(AuthError::Rejected(why)) if why.contains("signature")),
    );
    assert!(verifier.verify(&token_for(&replacement)).await.is_ok());
}

// ------------------------------------------------ failed fetches keep keys

/// Loads key A, switches the endpoint to `failure`, waits for a refresh to
/// complete against it, and checks key A still verifies.
async fn keeps_the_last_good_keys_when(
    failure: Reply,
    fetch_timeout: Duration,
) -> Arc<dyn TokenVerifier> {
    let server = JwksServer::start(Reply::Json(only_a())).await;
    let verifier = build(JwksSettings {
        refresh_interval: Duration::from_millis(20),
        fetch_timeout,
        ..support::fast_jwks_settings(&server.url())
    });
    support::wait_ready(&verifier).await;

    server.set(failure);
    wait_for_a_fresh_fetch(&server).await;
    assert!(verifier.is_ready());
    assert!(verifier.verify(&token_for(&KEY_A)).await.is_ok());
    verifier
}

const NORMAL_TIMEOUT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn keeps_keys_when_the_endpoint_fails() {
    keeps_the_last_good_keys_when(Reply::Status(500), NORMAL_TIMEOUT).await;
}

#[tokio::test]
async fn keeps_keys_when_the_endpoint_hangs() {
    keeps_the_last_good_keys_when(Reply::Hang, Duration::from_millis(50)).await;
}

#[tokio::test]
async fn keeps_keys_when_the_endpoint_returns_garbage() {
    keeps_the_last_good_keys_when(Reply::Json("<html>oops</html>".into()), NORMAL_TIMEOUT).await;
}

#[tokio::test]
async fn keeps_keys_when_the_document_is_malformed() {
    keeps_the_last_good_keys_when(
        Reply::Json(r#"{"keys":{"kid":"x"}}"#.into()),
        NORMAL_TIMEOUT,
    )
    .await;
}

#[tokio::test]
async fn keeps_keys_and_ignores_an_oversized_body() {
    // A valid document naming key B, padded past the 64 KiB cap: whether
    // announced or streamed, B must not be loaded.
    for declare_length in [true, false] {
        let reply = Reply::Padded {
            prefix: a_and_b(),
            total: 64 * 1024 + 1,
            declare_length,
        };
        let verifier = keeps_the_last_good_keys_when(reply, NORMAL_TIMEOUT).await;
        assert_unknown_kid(&verifier.verify(&token_for(&KEY_B)).await);
    }
}

#[tokio::test]
async fn an_endless_body_is_cut_off_and_retried_not_waited_for() {
    // A body that never ends and a one-hour deadline: only the size cap can
    // end a fetch. Cut off there, it fails like any other failed fetch and
    // the retry follows after the cooldown; a verifier buffering the body
    // would still be on its first fetch when the wait below gives up. (The
    // endless endpoint serves nothing else, so unlike the failures above it
    // cannot follow a good document: keeping keys across a failed fetch is
    // shown there, with an oversized body among them.)
    let server = JwksServer::start(Reply::Endless).await;
    let verifier = build(JwksSettings {
        refetch_cooldown: Duration::from_millis(50),
        fetch_timeout: Duration::from_secs(3600),
        ..support::fast_jwks_settings(&server.url())
    });
    server.wait_for_hits(3).await;
    assert!(!verifier.is_ready());
    assert!(matches!(
        verifier.verify(&token_for(&KEY_A)).await,
        Err(AuthError::Unavailable(_))
    ));
}

// ------------------------------------------------------ unusable keys

#[derive(Clone, Default)]
struct Warnings(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Warnings {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if *event.metadata().level() == tracing::Level::WARN {
            let mut line = String::new();
            event.record(
                &mut |field: &tracing::field::Field, value: &dyn std::fmt::Debug| {
                    line.push_str(&format!("{}={value:?} ", field.name()));
                },
            );
            self.0.lock().unwrap().push(line);
        }
    }
}

#[tokio::test]
async fn unusable_keys_are_skipped_with_one_warning_each() {
    use tracing_subscriber::layer::SubscriberExt;

    let warnings = Warnings::default();
    // This test runs on one thread, so the thread-local subscriber also
    // sees the background refresh task.
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(warnings.clone()));

    let es512 = json!({
        "kty": "EC", "crv": "P-521", "alg": "ES512", "kid": "es512-key",
        "x": "AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
        "y": "AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1",
    });
    let mut ed448 = KEY_A.jwk();
    ed448["kid"] = json!("ed448-key");
    ed448["crv"] = json!("Ed448");
    let server = JwksServer::start(Reply::Json(jwks_json(&[es512, ed448, KEY_A.jwk()]))).await;
    let verifier = build_refreshing(&server);
    support::wait_ready(&verifier).await;
    // Several refreshes of the same document.
    server.wait_for_hits(4).await;
    wait_for_a_fresh_fetch(&server).await;

    assert!(verifier.verify(&token_for(&KEY_A)).await.is_ok());
    let warnings = warnings.0.lock().unwrap().clone();
    for kid in ["es512-key", "ed448-key"] {
        let about: Vec<_> = warnings.iter().filter(|w| w.contains(kid)).collect();
        assert_eq!(about.len(), 1, "warnings about {kid}: {warnings:#?}");
    }
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
}
