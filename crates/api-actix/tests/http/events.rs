//! `GET /api/{user_id}/events` through the real app with an in-memory
//! change log and signals: the refusals before the stream (every status,
//! the check order), and the stream's framing: replay then live with no
//! gap or duplicate at the seam, `ready`, keep-alive, `token-expired`,
//! `resync` on overflow, the 10-stream limit, and its end on shutdown,
//! disconnect and store outage.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{TestRequest, init_service};
use api_actix::live::{EventStreams, EventsOptions};
use api_actix::{AppOptions, AppState, build_app_with};
use async_trait::async_trait;
use domain::{Change, ChangeData, ChangeLimit, ChangePage, Principal, Seq, Timestamp, UserId};
use ports::{
    AuthError, ChangeLog, ChangeSignals, ChangeWakeups, MockTaskRepo, MockTokenVerifier,
    PruneChangesError, ReadChangesError, RepoUnavailable,
};
use serde_json::Value;
use tokio::sync::watch;

use crate::support::*;

/// A token that expires shortly after it is verified.
const SHORT_TOKEN: &str = "short.token.sig";

fn seq(n: u64) -> Seq {
    Seq::new(n).unwrap()
}

/// The change log of one user, in memory.
#[derive(Default)]
struct FakeLog {
    inner: Mutex<LogState>,
    signals: Arc<FakeSignals>,
}

#[derive(Default)]
struct LogState {
    entries: Vec<Change>,
    /// Entries at or below this were pruned.
    pruned: u64,
    failing: bool,
    /// Committed right after the next read took its snapshot.
    after_next_read: Vec<Change>,
    reads: Vec<(u64, u16)>,
}

fn change(n: u64) -> Change {
    Change {
        seq: seq(n),
        entity: domain::ChangeEntity::Label,
        id: uuid::Uuid::from_u128(u128::from(n)),
        data: ChangeData::Gone,
    }
}

impl FakeLog {
    fn with(n: u64, signals: Arc<FakeSignals>) -> Arc<Self> {
        let log = Self {
            inner: Mutex::default(),
            signals,
        };
        log.inner.lock().unwrap().entries = (1..=n).map(change).collect();
        Arc::new(log)
    }

    fn latest(&self) -> u64 {
        self.inner.lock().unwrap().entries.len() as u64
    }

    /// Commits `count` more changes and wakes the user's streams.
    fn append(&self, count: u64) {
        self.append_without_hint(count);
        self.signals.wake(alice());
    }

    /// Commits `count` more changes whose hint is lost (the writer died
    /// between its commit and its NOTIFY): no stream is woken.
    fn append_without_hint(&self, count: u64) {
        let mut state = self.inner.lock().unwrap();
        for _ in 0..count {
            let n = state.entries.len() as u64 + 1;
            state.entries.push(change(n));
        }
    }
}

#[async_trait]
impl ChangeLog for FakeLog {
    async fn read(
        &self,
        _owner: UserId,
        since: Seq,
        limit: ChangeLimit,
    ) -> Result<ChangePage, ReadChangesError> {
        let page = {
            let mut state = self.inner.lock().unwrap();
            state.reads.push((since.get(), limit.get()));
            if state.failing {
                return Err(RepoUnavailable("connection refused".into()).into());
            }
            let latest = state.entries.len() as u64;
            if since.get() > latest {
                return Err(ReadChangesError::AheadOfLog {
                    latest: seq(latest),
                });
            }
            if since.get() < state.pruned {
                return Err(ReadChangesError::Expired {
                    latest: seq(latest),
                });
            }
            let rest: Vec<Change> = state.entries[since.get() as usize..].to_vec();
            let taken: Vec<Change> = rest.iter().take(limit.get().into()).cloned().collect();
            ChangePage {
                next: taken.last().map_or(since, |c| c.seq),
                has_more: rest.len() > taken.len(),
                changes: taken,
            }
        };
        let late: Vec<Change> = std::mem::take(&mut self.inner.lock().unwrap().after_next_read);
        if !late.is_empty() {
            self.inner.lock().unwrap().entries.extend(late);
            self.signals.wake(alice());
        }
        Ok(page)
    }

    async fn latest(&self, _owner: UserId) -> Result<Seq, ReadChangesError> {
        if self.inner.lock().unwrap().failing {
            return Err(RepoUnavailable("connection refused".into()).into());
        }
        Ok(seq(self.latest()))
    }

    async fn prune(&self, _before: Timestamp, _batch: u32) -> Result<u64, PruneChangesError> {
        Ok(0)
    }
}

/// Wake-ups by user, in memory.
#[derive(Default)]
struct FakeSignals {
    channels: Mutex<HashMap<UserId, watch::Sender<u64>>>,
}

impl FakeSignals {
    fn wake(&self, user: UserId) {
        if let Some(sender) = self.channels.lock().unwrap().get(&user) {
            sender.send_modify(|n| *n += 1);
        }
    }
}

impl ChangeSignals for FakeSignals {
    fn subscribe(&self, owner: UserId) -> ChangeWakeups {
        self.channels
            .lock()
            .unwrap()
            .entry(owner)
            .or_insert_with(|| watch::Sender::new(0))
            .subscribe()
    }
}

fn verifier_with_short_tokens() -> MockTokenVerifier {
    let mut verifier = MockTokenVerifier::new();
    verifier.expect_verify().returning(|token| match token {
        ALICE_TOKEN => Ok(Principal::new(alice())),
        BOB_TOKEN => Ok(Principal::new(UserId::parse(BOB).unwrap())),
        SHORT_TOKEN => {
            let mut principal = Principal::new(alice());
            principal.expires_at = Some(chrono::Utc::now() + chrono::Duration::milliseconds(400));
            Ok(principal)
        }
        NO_KEYS_TOKEN => Err(AuthError::Unavailable("no keys loaded".into())),
        _ => Err(AuthError::Rejected("bad signature".into())),
    });
    verifier.expect_is_ready().return_const(true);
    verifier
}

struct Fixture {
    log: Arc<FakeLog>,
    options: AppOptions,
}

impl Fixture {
    fn new(entries: u64) -> Self {
        let signals = Arc::new(FakeSignals::default());
        let options = AppOptions {
            events: EventsOptions::new(Duration::from_secs(3600)),
            ..AppOptions::default()
        };
        Self {
            log: FakeLog::with(entries, signals),
            options,
        }
    }

    fn state(&self) -> AppState {
        AppState {
            trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
            idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
            transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
            repo: Arc::new(MockTaskRepo::new()),
            verifier: Arc::new(verifier_with_short_tokens()),
            lists: Arc::new(ports::MockListRepo::new()),
            labels: Arc::new(ports::MockLabelRepo::new()),
            preferences: Arc::new(ports::MockPreferencesRepo::new()),
            changes: self.log.clone(),
            signals: self.log.signals.clone(),
        }
    }

    fn streams(&self) -> Arc<EventStreams> {
        self.options.events.streams.clone()
    }

    async fn app(
        &self,
    ) -> impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    > {
        init_service(build_app_with(self.state(), self.options.clone())).await
    }
}

fn events_url(user: &str, query: &str) -> String {
    format!("/api/{user}/events{query}")
}

fn get(uri: &str) -> TestRequest {
    TestRequest::get()
        .uri(uri)
        .insert_header(bearer(ALICE_TOKEN))
}

/// One server-sent event (or comment), as parsed from the stream.
#[derive(Debug, Clone, Default, PartialEq)]
struct Event {
    id: Option<String>,
    event: Option<String>,
    data: Option<String>,
    comment: Option<String>,
}

impl Event {
    fn seq(&self) -> u64 {
        self.id.as_deref().unwrap().parse().unwrap()
    }

    fn json(&self) -> Value {
        serde_json::from_str(self.data.as_deref().unwrap()).unwrap()
    }

    fn kind(&self) -> &str {
        self.event.as_deref().unwrap_or("")
    }
}

/// Reads a response body's frames as they come.
struct Reader<B> {
    body: Pin<Box<B>>,
    buffer: String,
    ended: bool,
}

impl<B: MessageBody> Reader<B> {
    fn new(res: ServiceResponse<B>) -> Self {
        Self {
            body: Box::pin(res.into_body()),
            buffer: String::new(),
            ended: false,
        }
    }

    /// The next event, or `None` once the stream has ended; panics after
    /// 5 s without one.
    async fn next(&mut self) -> Option<Event> {
        self.next_within(Duration::from_secs(5))
            .await
            .expect("an event within the time limit")
    }

    /// `Err` when nothing came within `wait`.
    async fn next_within(&mut self, wait: Duration) -> Result<Option<Event>, ()> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let mut event = Event::default();
                for line in frame.lines() {
                    if let Some(rest) = line.strip_prefix(':') {
                        event.comment = Some(rest.trim().to_owned());
                    } else if let Some((field, value)) = line.split_once(": ") {
                        match field {
                            "id" => event.id = Some(value.to_owned()),
                            "event" => event.event = Some(value.to_owned()),
                            "data" => event.data = Some(value.to_owned()),
                            other => panic!("unexpected field {other}"),
                        }
                    }
                }
                return Ok(Some(event));
            }
            if self.ended {
                assert!(self.buffer.is_empty(), "a partial frame: {:?}", self.buffer);
                return Ok(None);
            }
            let body = &mut self.body;
            let chunk = tokio::time::timeout_at(
                deadline,
                std::future::poll_fn(|cx| body.as_mut().poll_next(cx)),
            )
            .await
            .map_err(|_| ())?;
            match chunk {
                Some(Ok(bytes)) => self.buffer.push_str(std::str::from_utf8(&bytes).unwrap()),
                Some(Err(_)) => panic!("the body failed"),
                None => self.ended = true,
            }
        }
    }

    /// The next events that carry an id (skipping comments), `n` of them.
    async fn changes(&mut self, n: usize) -> Vec<u64> {
        let mut seqs = Vec::new();
        while seqs.len() < n {
            let event = self.next().await.expect("more events");
            if event.comment.is_none() {
                assert!(event.kind().starts_with("label."), "{event:?}");
                assert_eq!(event.json()["seq"].as_u64(), Some(event.seq()));
                seqs.push(event.seq());
            }
        }
        seqs
    }
}

async fn open<S, B>(
    app: &S,
    req: TestRequest,
) -> (u16, Reader<B>, actix_web::http::header::HeaderMap)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let res = app.call(req.to_request()).await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, Reader::new(res), headers)
}

#[actix_web::test]
async fn replays_after_last_event_id_then_ready_then_live_with_no_gap_or_duplicate() {
    let fixture = Fixture::new(5);
    // Committed just after the route's first read: only a subscription
    // taken before that read hears of it.
    fixture.log.inner.lock().unwrap().after_next_read = vec![change(6)];
    let app = fixture.app().await;
    let req = get(&events_url(ALICE, "?since=1")).insert_header(("Last-Event-ID", "2"));
    let (status, mut reader, headers) = open(&app, req).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").unwrap(), "text/event-stream");
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    assert_eq!(headers.get("x-accel-buffering").unwrap(), "no");
    assert_eq!(reader.changes(3).await, vec![3, 4, 5]);
    let ready = reader.next().await.unwrap();
    assert_eq!(ready.kind(), "ready");
    assert_eq!(ready.seq(), 5);
    assert_eq!(ready.json(), serde_json::json!({"seq": 5}));
    // The change that landed at the seam, then live ones.
    assert_eq!(reader.changes(1).await, vec![6]);
    fixture.log.append(2);
    assert_eq!(reader.changes(2).await, vec![7, 8]);
    fixture.log.append(1);
    assert_eq!(reader.changes(1).await, vec![9]);
    // Nothing else is pending.
    assert!(
        reader
            .next_within(Duration::from_millis(200))
            .await
            .is_err()
    );
}

#[actix_web::test]
async fn a_change_event_is_the_change_json_of_the_changes_route() {
    let fixture = Fixture::new(1);
    let app = fixture.app().await;
    let (_, mut reader, _) = open(&app, get(&events_url(ALICE, "?since=0"))).await;
    let event = reader.next().await.unwrap();
    assert_eq!(event.id.as_deref(), Some("1"));
    assert_eq!(event.kind(), "label.delete");
    assert_eq!(
        event.json(),
        serde_json::json!({"seq": 1, "entity": "label", "op": "delete",
            "id": "00000000-0000-0000-0000-000000000001", "data": null})
    );
}

#[actix_web::test]
async fn a_long_replay_is_read_in_pages_of_at_most_1000() {
    let fixture = Fixture::new(2500);
    let app = fixture.app().await;
    let (_, mut reader, _) = open(&app, get(&events_url(ALICE, "?since=0"))).await;
    let seqs = reader.changes(2500).await;
    assert_eq!(seqs, (1..=2500).collect::<Vec<_>>());
    assert_eq!(reader.next().await.unwrap().kind(), "ready");
    let reads = fixture.log.inner.lock().unwrap().reads.clone();
    assert_eq!(reads, vec![(0, 1000), (1000, 1000), (2000, 1000)]);
}

#[actix_web::test]
async fn without_a_position_the_stream_starts_live_at_the_latest_change() {
    let fixture = Fixture::new(3);
    let app = fixture.app().await;
    let (status, mut reader, _) = open(&app, get(&events_url(ALICE, ""))).await;
    assert_eq!(status, 200);
    let ready = reader.next().await.unwrap();
    assert_eq!((ready.kind(), ready.seq()), ("ready", 3));
    fixture.log.append(1);
    assert_eq!(reader.changes(1).await, vec![4]);
}

#[actix_web::test]
async fn an_empty_last_event_id_falls_back_to_since() {
    let fixture = Fixture::new(3);
    let app = fixture.app().await;
    let req = get(&events_url(ALICE, "?since=2")).insert_header(("Last-Event-ID", ""));
    let (_, mut reader, _) = open(&app, req).await;
    assert_eq!(reader.changes(1).await, vec![3]);
}

#[actix_web::test]
async fn keep_alive_comments_come_while_nothing_changes() {
    let mut fixture = Fixture::new(0);
    fixture.options.events.keep_alive = Duration::from_millis(100);
    let app = fixture.app().await;
    let (_, mut reader, _) = open(&app, get(&events_url(ALICE, ""))).await;
    assert_eq!(reader.next().await.unwrap().kind(), "ready");
    for _ in 0..2 {
        let event = reader.next().await.unwrap();
        assert_eq!(event.comment.as_deref(), Some("keep-alive"), "{event:?}");
    }
}

#[actix_web::test]
async fn a_change_whose_hint_was_lost_arrives_with_the_next_keep_alive() {
    let mut fixture = Fixture::new(1);
    fixture.options.events.keep_alive = Duration::from_millis(200);
    let app = fixture.app().await;
    let (_, mut reader, _) = open(&app, get(&events_url(ALICE, "?since=1"))).await;
    assert_eq!(reader.next().await.unwrap().kind(), "ready");
    fixture.log.append_without_hint(2);
    assert_eq!(reader.changes(2).await, vec![2, 3]);
}

#[actix_web::test]
async fn the_stream_ends_with_token_expired_when_the_token_expires() {
    let fixture = Fixture::new(0);
    let app = fixture.app().await;
    let req = TestRequest::get()
        .uri(&events_url(ALICE, ""))
        .insert_header(bearer(SHORT_TOKEN));
    let (_, mut reader, _) = open(&app, req).await;
    assert_eq!(reader.next().await.unwrap().kind(), "ready");
    let event = reader.next().await.unwrap();
    assert_eq!(event.kind(), "token-expired");
    assert_eq!(event.data.as_deref(), Some("{}"));
    assert_eq!(reader.next().await, None);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(fixture.streams().open_for(alice()), 0);
}

#[actix_web::test]
async fn a_client_that_does_not_keep_up_gets_resync_and_the_stream_ends() {
    let mut fixture = Fixture::new(0);
    fixture.options.events.buffer = 5;
    fixture.options.events.overflow_grace = Duration::from_millis(100);
    let app = fixture.app().await;
    let (_, mut reader, _) = open(&app, get(&events_url(ALICE, ""))).await;
    // The client reads nothing while 20 changes happen.
    fixture.log.append(20);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(reader.next().await.unwrap().kind(), "ready");
    let mut seqs = Vec::new();
    let last = loop {
        let event = reader.next().await.expect("the stream ends with resync");
        if event.id.is_none() {
            break event;
        }
        seqs.push(event.seq());
    };
    assert_eq!(last.kind(), "resync");
    assert_eq!(last.data.as_deref(), Some("{}"));
    // Never silently skipped: what came is a gap-free prefix.
    assert!(!seqs.is_empty());
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
    assert!(seqs.len() <= 5);
    assert_eq!(reader.next().await, None);
}

#[actix_web::test]
async fn a_slow_but_reading_client_gets_everything() {
    let mut fixture = Fixture::new(0);
    fixture.options.events.buffer = 5;
    fixture.options.events.overflow_grace = Duration::from_secs(2);
    let app = fixture.app().await;
    let (_, mut reader, _) = open(&app, get(&events_url(ALICE, ""))).await;
    assert_eq!(reader.next().await.unwrap().kind(), "ready");
    fixture.log.append(40);
    let mut seqs = Vec::new();
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(2)).await;
        seqs.extend(reader.changes(1).await);
    }
    assert_eq!(seqs, (1..=40).collect::<Vec<_>>());
}

#[actix_web::test]
async fn the_eleventh_stream_is_429_and_a_closed_stream_frees_its_slot() {
    let fixture = Fixture::new(0);
    let app = fixture.app().await;
    let mut readers = Vec::new();
    for _ in 0..10 {
        let (status, mut reader, _) = open(&app, get(&events_url(ALICE, ""))).await;
        assert_eq!(status, 200);
        assert_eq!(reader.next().await.unwrap().kind(), "ready");
        readers.push(reader);
    }
    assert_eq!(fixture.streams().open_for(alice()), 10);
    let res = app
        .call(get(&events_url(ALICE, "")).to_request())
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    let body = actix_web::body::to_bytes(res.into_body())
        .await
        .ok()
        .unwrap();
    let problem: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem["type"], "urn:todo-api:problem:too-many-requests");
    // Another user is not affected.
    let req = TestRequest::get()
        .uri(&events_url(BOB, ""))
        .insert_header(bearer(BOB_TOKEN));
    let (status, _bob, _) = open(&app, req).await;
    assert_eq!(status, 200);
    // A client that goes away gives its slot back.
    drop(readers.pop());
    for _ in 0..100 {
        if fixture.streams().open_for(alice()) == 9 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(fixture.streams().open_for(alice()), 9);
    let (status, _again, _) = open(&app, get(&events_url(ALICE, ""))).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn streams_end_at_once_on_shutdown() {
    let fixture = Fixture::new(0);
    let app = fixture.app().await;
    let (_, mut reader, _) = open(&app, get(&events_url(ALICE, ""))).await;
    assert_eq!(reader.next().await.unwrap().kind(), "ready");
    fixture.streams().shut_down();
    assert_eq!(reader.next().await, None);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(fixture.streams().open_total(), 0);
}

#[actix_web::test]
async fn a_store_outage_during_the_live_phase_ends_the_stream() {
    let fixture = Fixture::new(1);
    let app = fixture.app().await;
    let (_, mut reader, _) = open(&app, get(&events_url(ALICE, ""))).await;
    assert_eq!(reader.next().await.unwrap().kind(), "ready");
    fixture.log.inner.lock().unwrap().failing = true;
    fixture.log.append(1);
    assert_eq!(reader.next().await, None);
    let reads = fixture.log.inner.lock().unwrap().reads.len();
    assert_eq!(reads, 1, "no retry loop");
}

#[actix_web::test]
async fn head_answers_the_stream_headers_without_holding_a_slot() {
    let fixture = Fixture::new(2);
    let app = fixture.app().await;
    let req = TestRequest::default()
        .method(actix_web::http::Method::HEAD)
        .uri(&events_url(ALICE, ""))
        .insert_header(bearer(ALICE_TOKEN));
    let res = app.call(req.to_request()).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    assert_eq!(fixture.streams().open_for(alice()), 0);
}

/// Sends a request that must be refused before any stream starts.
async fn refused(fixture: &Fixture, req: TestRequest) -> Reply {
    send_to_with(fixture, req).await
}

async fn send_to_with(fixture: &Fixture, req: TestRequest) -> Reply {
    let app = fixture.app().await;
    let res = app.call(req.to_request()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = actix_web::body::to_bytes(res.into_body())
        .await
        .ok()
        .unwrap()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

#[actix_web::test]
async fn refusals_are_problems_before_the_stream_starts() {
    let fixture = Fixture::new(5);
    fixture.log.inner.lock().unwrap().pruned = 2;
    // 401, 403.
    refused(&fixture, TestRequest::get().uri(&events_url(ALICE, "")))
        .await
        .problem(401);
    refused(&fixture, get(&events_url(BOB, "")))
        .await
        .problem(403);
    // 400: the query, the header.
    for query in ["?since=x", "?since=-1", "?limit=1", "?since=1&since=2"] {
        refused(&fixture, get(&events_url(ALICE, query)))
            .await
            .problem(400);
    }
    for value in ["x", "1.5", "99999999999999999999"] {
        let reply = refused(
            &fixture,
            get(&events_url(ALICE, "")).insert_header(("Last-Event-ID", value)),
        )
        .await;
        let body = reply.problem(400);
        assert_eq!(body["type"], "urn:todo-api:problem:invalid-header");
        assert_eq!(reply.error_fields(), vec!["Last-Event-ID"]);
    }
    // 406.
    let reply = refused(
        &fixture,
        get(&events_url(ALICE, "")).insert_header(("Accept", "application/json")),
    )
    .await;
    reply.problem(406);
    // Beyond the log: 400 naming where the position came from.
    let reply = refused(&fixture, get(&events_url(ALICE, "?since=6"))).await;
    reply.problem(400);
    assert_eq!(reply.error_fields(), vec!["since"]);
    let reply = refused(
        &fixture,
        get(&events_url(ALICE, "")).insert_header(("Last-Event-ID", "9")),
    )
    .await;
    reply.problem(400);
    assert_eq!(reply.error_fields(), vec!["Last-Event-ID"]);
    // Pruned: 410 with where to continue.
    let reply = refused(&fixture, get(&events_url(ALICE, "?since=1"))).await;
    let body = reply.problem(410);
    assert_eq!(body["type"], "urn:todo-api:problem:resync-required");
    assert_eq!(body["seq"], 5);
    // 503.
    fixture.log.inner.lock().unwrap().failing = true;
    let reply = refused(&fixture, get(&events_url(ALICE, ""))).await;
    reply.problem(503);
    assert!(reply.header("retry-after").is_some());
    // None of them holds a slot.
    assert_eq!(fixture.streams().open_total(), 0);
}

#[actix_web::test]
async fn check_order_401_403_400_406_429() {
    let fixture = Fixture::new(0);
    let not_json = ("Accept", "application/json");
    // A bad token wins over everything.
    let req = TestRequest::get()
        .uri(&events_url(BOB, "?since=x"))
        .insert_header(bearer("forged"))
        .insert_header(not_json);
    refused(&fixture, req).await.problem(401);
    // Someone else's stream, a bad query and a bad Accept: 403.
    let req = get(&events_url(BOB, "?since=x")).insert_header(not_json);
    refused(&fixture, req).await.problem(403);
    // A bad query and a bad Accept: 400.
    let req = get(&events_url(ALICE, "?since=x")).insert_header(not_json);
    refused(&fixture, req).await.problem(400);
    // A bad Accept with every slot taken: 406.
    let held: Vec<_> = (0..10)
        .map(|_| fixture.streams().try_open(alice(), 10).unwrap())
        .collect();
    let req = get(&events_url(ALICE, "")).insert_header(not_json);
    refused(&fixture, req).await.problem(406);
    // Every slot taken and a position beyond the log: 429.
    let req = get(&events_url(ALICE, "?since=100"));
    refused(&fixture, req).await.problem(429);
    drop(held);
}

/// Over real TCP: a client that hangs up frees its stream's slot and task
/// (the server does not keep half-closed connections, and the stream's
/// task ends when its body is dropped).
#[actix_web::test]
async fn a_client_that_hangs_up_frees_its_slot() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let fixture = Fixture::new(0);
    let mut settings = api_actix::server::ServerSettings::new("127.0.0.1:0".parse().unwrap());
    settings.workers = Some(1);
    settings.app = fixture.options.clone();
    let (server, addrs) = api_actix::server::start(&settings, fixture.state()).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let mut conn = tokio::net::TcpStream::connect(addrs[0]).await.unwrap();
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {ALICE_TOKEN}\r\n\
         Accept: text/event-stream\r\n\r\n",
        events_url(ALICE, "")
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&received).contains("event: ready") {
        let n = tokio::time::timeout(Duration::from_secs(5), conn.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(
            n > 0,
            "closed early: {}",
            String::from_utf8_lossy(&received)
        );
        received.extend_from_slice(&buf[..n]);
    }
    assert!(String::from_utf8_lossy(&received).starts_with("HTTP/1.1 200"));
    assert_eq!(fixture.streams().open_for(alice()), 1);
    drop(conn);
    let mut open = 1;
    for _ in 0..200 {
        open = fixture.streams().open_for(alice());
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(open, 0, "the slot is still held after the client hung up");
    handle.stop(false).await;
}
