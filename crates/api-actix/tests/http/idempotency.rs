//! The `Idempotency-Key` layer through the real app factory: the check
//! order (401/403 before a bad key's 400), replays byte for byte with
//! their headers, 422 for another request under the same key, 409 while
//! the first runs, nothing kept after a 5xx, keys per user. The store is an
//! in-memory stand-in with the port's semantics.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::test::TestRequest;
use async_trait::async_trait;
use domain::{IdempotencyKey, Timestamp, UserId};
use ports::{
    Claim, CreateTaskError, IdempotencyError, IdempotencyStore, MockIdempotencyStore, MockTaskRepo,
    RepoUnavailable, StoredResponse,
};

use crate::support::{
    ALICE, ALICE_TOKEN, BOB, BOB_TOKEN, Reply, bearer, json_request, sample_task, send_to, task_id,
    verifier,
};

enum Record {
    Running([u8; 32]),
    Done([u8; 32], StoredResponse),
}

/// The port's semantics in memory (no expiry: the tests run in seconds).
#[derive(Default)]
struct MemoryStore {
    records: Mutex<HashMap<(UserId, String), Record>>,
    releases: AtomicUsize,
}

#[async_trait]
impl IdempotencyStore for MemoryStore {
    async fn claim(
        &self,
        owner: UserId,
        key: &IdempotencyKey,
        fingerprint: [u8; 32],
        _now: Timestamp,
        _lease_until: Timestamp,
        _expired_before: Timestamp,
    ) -> Result<Claim, IdempotencyError> {
        let mut records = self.records.lock().unwrap();
        let entry = (owner, key.as_str().to_owned());
        Ok(match records.get(&entry) {
            None => {
                records.insert(entry, Record::Running(fingerprint));
                Claim::Proceed
            }
            Some(Record::Running(f) | Record::Done(f, _)) if *f != fingerprint => Claim::Mismatch,
            Some(Record::Running(_)) => Claim::InProgress,
            Some(Record::Done(_, stored)) => Claim::Replay(stored.clone()),
        })
    }

    async fn complete(
        &self,
        owner: UserId,
        key: &IdempotencyKey,
        response: StoredResponse,
    ) -> Result<(), IdempotencyError> {
        let mut records = self.records.lock().unwrap();
        let entry = (owner, key.as_str().to_owned());
        let Some(Record::Running(fingerprint)) = records.get(&entry) else {
            panic!("complete without a running claim");
        };
        let fingerprint = *fingerprint;
        records.insert(entry, Record::Done(fingerprint, response));
        Ok(())
    }

    async fn release(&self, owner: UserId, key: &IdempotencyKey) -> Result<(), IdempotencyError> {
        self.releases.fetch_add(1, Ordering::SeqCst);
        self.records
            .lock()
            .unwrap()
            .remove(&(owner, key.as_str().to_owned()));
        Ok(())
    }

    async fn purge_expired(&self, _: Timestamp, _: u32) -> Result<u64, IdempotencyError> {
        Ok(0)
    }
}

fn state(repo: MockTaskRepo, store: Arc<dyn IdempotencyStore>) -> api_actix::AppState {
    api_actix::AppState {
        repo: Arc::new(repo),
        verifier: Arc::new(verifier()),
        lists: Arc::new(ports::MockListRepo::new()),
        labels: Arc::new(ports::MockLabelRepo::new()),
        preferences: Arc::new(ports::MockPreferencesRepo::new()),
        changes: Arc::new(ports::MockChangeLog::new()),
        signals: Arc::new(ports::MockChangeSignals::new()),
        trash: Arc::new(ports::MockTrashRepo::new()),
        transfer: Arc::new(ports::MockTransferRepo::new()),
        idempotency: store,
    }
}

/// A repository whose `create` may be called exactly `times` times.
fn creating(times: usize) -> MockTaskRepo {
    let mut repo = MockTaskRepo::new();
    let calls = AtomicUsize::new(0);
    repo.expect_create()
        .times(times)
        .returning(move |_, fields, _| {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            let mut task = sample_task(task_id(), fields.title.as_str(), 1);
            task.version = domain::Version::new(1 + i64::try_from(n).unwrap());
            Ok(task)
        });
    repo
}

fn create(user: &str, token: &str, key: &str, body: &str) -> TestRequest {
    json_request("POST", &format!("/api/{user}/tasks"), token, body)
        .insert_header(("Idempotency-Key", key))
}

async fn send_twice(
    state: &api_actix::AppState,
    first: TestRequest,
    second: TestRequest,
) -> (Reply, Reply) {
    let a = send_to(state.clone(), first).await;
    let b = send_to(state.clone(), second).await;
    (a, b)
}

#[actix_web::test]
async fn a_repeat_is_replayed_byte_for_byte_with_its_headers() {
    let store = Arc::new(MemoryStore::default());
    let state = state(creating(1), store.clone());
    let body = r#"{"title":"Buy milk"}"#;
    let (first, again) = send_twice(
        &state,
        create(ALICE, ALICE_TOKEN, "\"k-1\"", body),
        create(ALICE, ALICE_TOKEN, "\"k-1\"", body),
    )
    .await;
    assert_eq!(first.status, 201);
    assert!(first.header("idempotent-replayed").is_none());
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body);
    for name in ["content-type", "location", "etag"] {
        assert_eq!(again.header(name), first.header(name), "{name}");
    }
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    // The bare form of the same key is the same key.
    let third = send_to(state.clone(), create(ALICE, ALICE_TOKEN, "k-1", body)).await;
    assert_eq!(third.body, first.body);
    assert_eq!(store.releases.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn another_request_under_the_same_key_is_422() {
    let state = state(creating(1), Arc::new(MemoryStore::default()));
    let (first, other) = send_twice(
        &state,
        create(ALICE, ALICE_TOKEN, "k", r#"{"title":"A"}"#),
        create(ALICE, ALICE_TOKEN, "k", r#"{"title":"B"}"#),
    )
    .await;
    assert_eq!(first.status, 201);
    let body = other.problem(422);
    assert_eq!(body["type"], "urn:todo-api:problem:idempotency-key-reused");
}

#[actix_web::test]
async fn keys_are_per_user() {
    let state = state(creating(2), Arc::new(MemoryStore::default()));
    let (alice, bob) = send_twice(
        &state,
        create(ALICE, ALICE_TOKEN, "same", r#"{"title":"A"}"#),
        create(BOB, BOB_TOKEN, "same", r#"{"title":"A"}"#),
    )
    .await;
    assert_eq!(alice.status, 201);
    assert_eq!(bob.status, 201);
    assert!(bob.header("idempotent-replayed").is_none());
    assert_eq!(bob.header("etag"), Some("\"2\""));
}

#[actix_web::test]
async fn a_request_still_running_is_409_with_retry_after() {
    let mut store = MockIdempotencyStore::new();
    store
        .expect_claim()
        .times(1)
        .returning(|_, _, _, _, _, _| Ok(Claim::InProgress));
    let state = state(MockTaskRepo::new(), Arc::new(store));
    let reply = send_to(state, create(ALICE, ALICE_TOKEN, "k", r#"{"title":"A"}"#)).await;
    let body = reply.problem(409);
    assert_eq!(body["type"], "urn:todo-api:problem:idempotency-key-in-use");
    assert_eq!(reply.header("retry-after"), Some("1"));
}

#[actix_web::test]
async fn a_server_error_is_not_kept_and_a_retry_runs() {
    let mut repo = MockTaskRepo::new();
    let mut seq = mockall::Sequence::new();
    repo.expect_create()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _, _| Err(CreateTaskError::Unavailable(RepoUnavailable("down".into()))));
    repo.expect_create()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _, _| Ok(sample_task(task_id(), "A", 1)));
    let store = Arc::new(MemoryStore::default());
    let state = state(repo, store.clone());
    let (failed, retried) = send_twice(
        &state,
        create(ALICE, ALICE_TOKEN, "k", r#"{"title":"A"}"#),
        create(ALICE, ALICE_TOKEN, "k", r#"{"title":"A"}"#),
    )
    .await;
    failed.problem(503);
    assert_eq!(retried.status, 201);
    assert!(retried.header("idempotent-replayed").is_none());
    assert_eq!(store.releases.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn a_client_error_is_kept_and_replayed() {
    // A 422 is the request's own fault: repeating it answers the same
    // without running the handler's store call again.
    let state = state(MockTaskRepo::new(), Arc::new(MemoryStore::default()));
    let (first, again) = send_twice(
        &state,
        create(ALICE, ALICE_TOKEN, "k", r#"{"title":""}"#),
        create(ALICE, ALICE_TOKEN, "k", r#"{"title":""}"#),
    )
    .await;
    first.problem(422);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
}

#[actix_web::test]
async fn a_bad_key_is_400_but_only_after_authentication() {
    // The store and the repository have no expectations: neither is used.
    let no_store = || Arc::new(MockIdempotencyStore::new());
    let uri = format!("/api/{ALICE}/tasks");
    let unauthenticated = TestRequest::post()
        .uri(&uri)
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("Idempotency-Key", "a b"))
        .set_payload(r#"{"title":"A"}"#);
    send_to(state(MockTaskRepo::new(), no_store()), unauthenticated)
        .await
        .problem(401);
    let someone_else = create(ALICE, BOB_TOKEN, "a b", r#"{"title":"A"}"#);
    send_to(state(MockTaskRepo::new(), no_store()), someone_else)
        .await
        .problem(403);
    for bad in ["a b", "\"unterminated", "", "\"\"", &"x".repeat(256), "é"] {
        let req = TestRequest::post()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "application/json"))
            .insert_header((
                "Idempotency-Key",
                actix_web::http::header::HeaderValue::from_bytes(bad.as_bytes()).unwrap(),
            ))
            .set_payload(r#"{"title":"A"}"#);
        let reply = send_to(state(MockTaskRepo::new(), no_store()), req).await;
        let body = reply.problem(400);
        assert_eq!(body["type"], "urn:todo-api:problem:invalid-header", "{bad}");
        assert_eq!(reply.error_fields(), vec!["Idempotency-Key"]);
    }
}

#[actix_web::test]
async fn requests_without_a_key_or_other_methods_do_not_touch_the_store() {
    let no_store = Arc::new(MockIdempotencyStore::new());
    let reply = send_to(
        state(creating(1), no_store.clone()),
        json_request(
            "POST",
            &format!("/api/{ALICE}/tasks"),
            ALICE_TOKEN,
            r#"{"title":"A"}"#,
        ),
    )
    .await;
    assert_eq!(reply.status, 201);
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .returning(|_, _| Ok(sample_task(task_id(), "A", 1)));
    let reply = send_to(
        state(repo, no_store),
        TestRequest::get()
            .uri(&format!("/api/{ALICE}/tasks/{}", task_id()))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Idempotency-Key", "a b")),
    )
    .await;
    assert_eq!(reply.status, 200);
}

#[actix_web::test]
async fn a_key_authenticates_once_for_the_rate_limits() {
    // The layer's authentication is reused by the handler: the verifier
    // sees the token once per request.
    let mut verifier = ports::MockTokenVerifier::new();
    verifier
        .expect_verify()
        .times(1)
        .returning(|_| Ok(domain::Principal::new(UserId::parse(ALICE).unwrap())));
    verifier.expect_is_ready().return_const(true);
    let mut state = state(creating(1), Arc::new(MemoryStore::default()));
    state.verifier = Arc::new(verifier);
    let reply = send_to(state, create(ALICE, ALICE_TOKEN, "k", r#"{"title":"A"}"#)).await;
    assert_eq!(reply.status, 201);
}

/// [`MemoryStore`] whose `complete` waits for the test's go-ahead, so that
/// a request is still running (storing its answer) when its client hangs
/// up.
struct GatedStore {
    inner: MemoryStore,
    gate: tokio::sync::Semaphore,
}

impl GatedStore {
    fn is_done(&self, owner: UserId, key: &str) -> bool {
        matches!(
            self.inner
                .records
                .lock()
                .unwrap()
                .get(&(owner, key.to_owned())),
            Some(Record::Done(..))
        )
    }
}

#[async_trait]
impl IdempotencyStore for GatedStore {
    async fn claim(
        &self,
        owner: UserId,
        key: &IdempotencyKey,
        fingerprint: [u8; 32],
        now: Timestamp,
        lease_until: Timestamp,
        expired_before: Timestamp,
    ) -> Result<Claim, IdempotencyError> {
        self.inner
            .claim(owner, key, fingerprint, now, lease_until, expired_before)
            .await
    }

    async fn complete(
        &self,
        owner: UserId,
        key: &IdempotencyKey,
        response: StoredResponse,
    ) -> Result<(), IdempotencyError> {
        let _go = self.gate.acquire().await;
        self.inner.complete(owner, key, response).await
    }

    async fn release(&self, owner: UserId, key: &IdempotencyKey) -> Result<(), IdempotencyError> {
        self.inner.release(owner, key).await
    }

    async fn purge_expired(&self, before: Timestamp, batch: u32) -> Result<u64, IdempotencyError> {
        self.inner.purge_expired(before, batch).await
    }
}

#[actix_web::test]
async fn a_client_that_hangs_up_gets_the_answer_when_it_retries() {
    use std::time::Duration;

    let store = Arc::new(GatedStore {
        inner: MemoryStore::default(),
        gate: tokio::sync::Semaphore::new(0),
    });
    let state = state(creating(1), store.clone());
    let app = actix_web::test::init_service(api_actix::build_app(state.clone())).await;
    let body = r#"{"title":"Pay rent"}"#;
    // The client gives up while the request runs: its future is dropped,
    // as the server drops a request whose connection closed.
    let hung_up = tokio::time::timeout(
        Duration::from_millis(200),
        actix_web::test::try_call_service(
            &app,
            create(ALICE, ALICE_TOKEN, "\"rent-1\"", body).to_request(),
        ),
    )
    .await;
    assert!(
        hung_up.is_err(),
        "the request should still have been running"
    );
    // The request goes on without its client and keeps its answer: a
    // claim left running would make every retry a 409 until its lease
    // ends.
    store.gate.add_permits(1);
    let alice = UserId::from_uuid(uuid::Uuid::parse_str(ALICE).unwrap());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !store.is_done(alice, "rent-1") {
        assert!(
            std::time::Instant::now() < deadline,
            "the abandoned request never stored its answer"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let retry = send_to(
        state.clone(),
        create(ALICE, ALICE_TOKEN, "\"rent-1\"", body),
    )
    .await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.json()["title"], "Pay rent");
    assert_eq!(store.inner.releases.load(Ordering::SeqCst), 0);
}
