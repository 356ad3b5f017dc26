//! `IdempotencyStore` against PostgreSQL: one claimer of a key among many,
//! replays, mismatches, expiry, lease takeover, per-user keys.

use std::sync::Arc;

use adapters_postgres::PgTaskRepo;
use chrono::Duration;
use domain::{IdempotencyKey, Timestamp, UserId};
use ports::{Claim, IdempotencyStore, StoredResponse};

use crate::fixtures::migrated;

fn store(repo: &PgTaskRepo) -> &dyn IdempotencyStore {
    repo
}

fn key(text: &str) -> IdempotencyKey {
    IdempotencyKey::parse_header(text.as_bytes()).unwrap()
}

const LEASE: i64 = 300;
const TTL_HOURS: i64 = 24;

async fn claim_at(
    repo: &PgTaskRepo,
    owner: UserId,
    k: &IdempotencyKey,
    fingerprint: [u8; 32],
    now: Timestamp,
) -> Claim {
    store(repo)
        .claim(
            owner,
            k,
            fingerprint,
            now,
            now + Duration::seconds(LEASE),
            now - Duration::hours(TTL_HOURS),
        )
        .await
        .unwrap()
}

fn answer() -> StoredResponse {
    StoredResponse {
        status: 201,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("location".into(), "/api/x/tasks/1".into()),
            ("etag".into(), "\"1\"".into()),
        ],
        body: br#"{"id":"1"}"#.to_vec(),
    }
}

#[tokio::test]
async fn of_twenty_concurrent_claims_exactly_one_proceeds() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let repo = Arc::new(repo);
    let k = key("\"8e03978e-40d5\"");
    let now = chrono::Utc::now();
    let mut handles = Vec::new();
    for _ in 0..20 {
        let repo = Arc::clone(&repo);
        let k = k.clone();
        handles.push(tokio::spawn(async move {
            claim_at(&repo, owner, &k, [7; 32], now).await
        }));
    }
    let mut proceed = 0;
    for handle in handles {
        match handle.await.unwrap() {
            Claim::Proceed => proceed += 1,
            Claim::InProgress => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(proceed, 1);
}

#[tokio::test]
async fn a_finished_request_is_replayed_and_another_body_is_a_mismatch() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let k = key("abc");
    let now = chrono::Utc::now();
    assert_eq!(
        claim_at(&repo, owner, &k, [1; 32], now).await,
        Claim::Proceed
    );
    assert_eq!(
        claim_at(&repo, owner, &k, [1; 32], now).await,
        Claim::InProgress
    );
    assert_eq!(
        claim_at(&repo, owner, &k, [2; 32], now).await,
        Claim::Mismatch
    );
    store(&repo).complete(owner, &k, answer()).await.unwrap();
    assert_eq!(
        claim_at(&repo, owner, &k, [1; 32], now).await,
        Claim::Replay(answer())
    );
    assert_eq!(
        claim_at(&repo, owner, &k, [2; 32], now).await,
        Claim::Mismatch
    );
}

#[tokio::test]
async fn a_released_or_expired_key_is_claimed_afresh() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let k = key("k");
    let now = chrono::Utc::now();
    assert_eq!(
        claim_at(&repo, owner, &k, [1; 32], now).await,
        Claim::Proceed
    );
    store(&repo).release(owner, &k).await.unwrap();
    assert_eq!(
        claim_at(&repo, owner, &k, [1; 32], now).await,
        Claim::Proceed
    );
    store(&repo).complete(owner, &k, answer()).await.unwrap();
    // A day and a bit later the record counts as absent, whatever body.
    let later = now + Duration::hours(TTL_HOURS) + Duration::minutes(1);
    assert_eq!(
        claim_at(&repo, owner, &k, [3; 32], later).await,
        Claim::Proceed
    );
    assert_eq!(
        claim_at(&repo, owner, &k, [3; 32], later).await,
        Claim::InProgress
    );
}

#[tokio::test]
async fn a_crashed_holders_lease_is_taken_over_by_the_same_request_only() {
    let (db, repo) = migrated().await;
    let owner = db.insert_user().await;
    let k = key("lease");
    let now = chrono::Utc::now();
    assert_eq!(
        claim_at(&repo, owner, &k, [1; 32], now).await,
        Claim::Proceed
    );
    let after_lease = now + Duration::seconds(LEASE + 1);
    assert_eq!(
        claim_at(&repo, owner, &k, [9; 32], after_lease).await,
        Claim::Mismatch
    );
    assert_eq!(
        claim_at(&repo, owner, &k, [1; 32], after_lease).await,
        Claim::Proceed
    );
    assert_eq!(
        claim_at(&repo, owner, &k, [1; 32], after_lease).await,
        Claim::InProgress
    );
}

#[tokio::test]
async fn keys_are_per_user_and_purged_when_old() {
    let (db, repo) = migrated().await;
    let alice = db.insert_user().await;
    let bob = db.insert_user().await;
    let k = key("shared");
    let now = chrono::Utc::now();
    assert_eq!(
        claim_at(&repo, alice, &k, [1; 32], now).await,
        Claim::Proceed
    );
    assert_eq!(claim_at(&repo, bob, &k, [2; 32], now).await, Claim::Proceed);
    store(&repo).complete(alice, &k, answer()).await.unwrap();
    assert_eq!(
        claim_at(&repo, bob, &k, [2; 32], now).await,
        Claim::InProgress
    );

    // Nothing is old yet; then everything is.
    assert_eq!(
        store(&repo)
            .purge_expired(now - Duration::hours(1), 10)
            .await
            .unwrap(),
        0
    );
    let future = chrono::Utc::now() + Duration::hours(1);
    assert_eq!(store(&repo).purge_expired(future, 1).await.unwrap(), 1);
    assert_eq!(store(&repo).purge_expired(future, 10).await.unwrap(), 1);
    assert_eq!(
        claim_at(&repo, alice, &k, [5; 32], now).await,
        Claim::Proceed
    );
}
