//! `GET /api/{user_id}/changes` with a mocked `ChangeLog`: every status
//! code, the page's JSON (each change's data exactly as the entity's own
//! GET returns it) and the check order (401 → 403 → 400 → 410 → 503).

use std::sync::Arc;

use actix_web::test::TestRequest;
use api_actix::AppState;
use api_actix::wire::dto::TaskDto;
use domain::{Change, ChangeData, ChangeEntity, ChangeLimit, ChangePage, Seq};
use ports::{MockChangeLog, MockTaskRepo, ReadChangesError, RepoUnavailable};
use serde_json::json;

use crate::support::*;

pub fn seq(n: u64) -> Seq {
    Seq::new(n).unwrap()
}

fn changes_url(user: &str, query: &str) -> String {
    format!("/api/{user}/changes{query}")
}

async fn send_changes(log: MockChangeLog, req: TestRequest) -> Reply {
    let state = AppState {
        trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
        idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
        transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
        repo: Arc::new(MockTaskRepo::new()),
        verifier: Arc::new(verifier()),
        lists: Arc::new(ports::MockListRepo::new()),
        labels: Arc::new(ports::MockLabelRepo::new()),
        preferences: Arc::new(ports::MockPreferencesRepo::new()),
        changes: Arc::new(log),
        signals: Arc::new(ports::MockChangeSignals::new()),
    };
    send_to(state, req).await
}

fn get(uri: &str) -> TestRequest {
    TestRequest::get()
        .uri(uri)
        .insert_header(bearer(ALICE_TOKEN))
}

fn page() -> ChangePage {
    ChangePage {
        changes: vec![
            Change {
                seq: seq(4),
                entity: ChangeEntity::Task,
                id: *task_id().as_uuid(),
                data: ChangeData::Task(Box::new(sample_task(task_id(), "buy milk", 3))),
            },
            Change {
                seq: seq(6),
                entity: ChangeEntity::Label,
                id: uuid::Uuid::from_u128(0xb1),
                data: ChangeData::Gone,
            },
        ],
        next: seq(6),
        has_more: true,
    }
}

#[actix_web::test]
async fn a_page_carries_each_entity_as_its_get_returns_it() {
    let mut log = MockChangeLog::new();
    log.expect_read()
        .withf(|owner, since, limit| {
            *owner == alice() && since.get() == 3 && limit.get() == ChangeLimit::DEFAULT.get()
        })
        .times(1)
        .returning(|_, _, _| Ok(page()));
    let reply = send_changes(log, get(&changes_url(ALICE, "?since=3"))).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let task = serde_json::to_value(TaskDto::from(&sample_task(task_id(), "buy milk", 3))).unwrap();
    assert_eq!(
        reply.json(),
        json!({
            "changes": [
                {"seq": 4, "entity": "task", "op": "upsert", "id": TASK, "data": task},
                {"seq": 6, "entity": "label", "op": "delete",
                 "id": "00000000-0000-0000-0000-0000000000b1", "data": null},
            ],
            "next": 6,
            "has_more": true,
        })
    );
}

#[actix_web::test]
async fn limit_is_passed_on_and_an_empty_page_continues_from_since() {
    let mut log = MockChangeLog::new();
    log.expect_read()
        .withf(|_, since, limit| since.get() == 0 && limit.get() == 1000)
        .returning(|_, since, _| {
            Ok(ChangePage {
                changes: vec![],
                next: since,
                has_more: false,
            })
        });
    let reply = send_changes(log, get(&changes_url(ALICE, "?since=0&limit=1000"))).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"changes": [], "next": 0, "has_more": false})
    );
}

#[actix_web::test]
async fn bad_queries_are_400_naming_the_parameter_without_reading_the_log() {
    for (query, field) in [
        ("", "since"),
        ("?since=", "since"),
        ("?limit=5", "since"),
        ("?since=abc", "since"),
        ("?since=-1", "since"),
        ("?since=9223372036854775808", "since"),
        ("?since=1&limit=0", "limit"),
        ("?since=1&limit=1001", "limit"),
        ("?since=1&since=2", "since"),
        ("?since=1&cursor=x", "cursor"),
    ] {
        let reply = send_changes(MockChangeLog::new(), get(&changes_url(ALICE, query))).await;
        let body = reply.problem(400);
        assert_eq!(
            body["type"], "urn:todo-api:problem:invalid-query",
            "{query}"
        );
        assert_eq!(reply.error_fields(), vec![field], "{query}");
    }
}

#[actix_web::test]
async fn since_beyond_the_log_is_400_naming_since() {
    let mut log = MockChangeLog::new();
    log.expect_read()
        .returning(|_, _, _| Err(ReadChangesError::AheadOfLog { latest: seq(9) }));
    let reply = send_changes(log, get(&changes_url(ALICE, "?since=10"))).await;
    reply.problem(400);
    assert_eq!(reply.error_fields(), vec!["since"]);
}

#[actix_web::test]
async fn a_pruned_position_is_410_resync_required_with_the_seq_to_continue_from() {
    let mut log = MockChangeLog::new();
    log.expect_read()
        .returning(|_, _, _| Err(ReadChangesError::Expired { latest: seq(1234) }));
    let reply = send_changes(log, get(&changes_url(ALICE, "?since=1"))).await;
    let body = reply.problem(410);
    assert_eq!(body["type"], "urn:todo-api:problem:resync-required");
    assert_eq!(body["title"], "Resync required");
    assert_eq!(body["seq"], 1234);
}

#[actix_web::test]
async fn an_unreachable_store_is_503_and_a_failure_500() {
    let mut log = MockChangeLog::new();
    log.expect_read()
        .returning(|_, _, _| Err(RepoUnavailable("connection refused".into()).into()));
    let reply = send_changes(log, get(&changes_url(ALICE, "?since=1"))).await;
    reply.problem(503);
    assert!(reply.header("retry-after").is_some());

    let mut log = MockChangeLog::new();
    log.expect_read()
        .returning(|_, _, _| Err(ReadChangesError::Internal("postgres://secret".into())));
    let reply = send_changes(log, get(&changes_url(ALICE, "?since=1"))).await;
    let body = reply.problem(500);
    assert!(!body.to_string().contains("secret"));
}

#[actix_web::test]
async fn check_order_401_then_403_then_400() {
    // A bad token and a bad query: 401.
    let req = TestRequest::get()
        .uri(&changes_url(ALICE, "?since=x"))
        .insert_header(bearer("forged"));
    send_changes(MockChangeLog::new(), req).await.problem(401);
    let req = TestRequest::get().uri(&changes_url(ALICE, "?since=x"));
    send_changes(MockChangeLog::new(), req).await.problem(401);
    // Someone else's feed and a bad query: 403.
    let reply = send_changes(MockChangeLog::new(), get(&changes_url(BOB, "?since=x"))).await;
    reply.problem(403);
    let reply = send_changes(MockChangeLog::new(), get(&changes_url("me", "?since=1"))).await;
    reply.problem(403);
}

#[actix_web::test]
async fn head_is_answered_like_get() {
    let mut log = MockChangeLog::new();
    log.expect_read().returning(|_, _, _| Ok(page()));
    let req = TestRequest::default()
        .method(actix_web::http::Method::HEAD)
        .uri(&changes_url(ALICE, "?since=3"))
        .insert_header(bearer(ALICE_TOKEN));
    let reply = send_changes(log, req).await;
    // The body is dropped by the HTTP layer on the wire, as for every GET.
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
}
