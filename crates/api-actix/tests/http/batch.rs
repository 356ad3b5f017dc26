//! `POST …/tasks/batch`: the body's pointers, the status the failures
//! share, and the check order, through the real app factory with a mocked
//! `TaskRepo`.

use actix_web::test::TestRequest;
use domain::{BatchAction, Placement, Version};
use ports::{
    BatchError, BatchFailure, BatchOpError, DeleteTaskError, MockTaskRepo, MoveTaskError,
    RepoUnavailable, RestoreError, UpdateTaskError,
};
use serde_json::json;

use crate::support::{
    ALICE, ALICE_TOKEN, BOB_TOKEN, alice, json_request, sample_task, send, send_no_repo, task_id,
    verifier,
};

const T1: &str = "0190f3a0-0000-7000-8000-000000000001";
const T2: &str = "0190f3a0-0000-7000-8000-000000000002";

fn url() -> String {
    format!("/api/{ALICE}/tasks/batch")
}

fn post(body: &serde_json::Value) -> TestRequest {
    json_request("POST", &url(), ALICE_TOKEN, &body.to_string())
}

#[actix_web::test]
async fn every_operation_applies_and_the_tasks_come_back_in_order() {
    let mut repo = MockTaskRepo::new();
    repo.expect_batch().times(1).returning(|owner, ops| {
        assert_eq!(owner, alice());
        assert_eq!(ops.len(), 3);
        assert_eq!(ops[0].action, BatchAction::Complete);
        assert_eq!(ops[0].expected, Some(Version::new(3)));
        assert!(matches!(&ops[1].action, BatchAction::Move(to) if to.placement == Placement::End));
        assert_eq!(ops[2].action, BatchAction::Delete);
        Ok(vec![
            sample_task(task_id(), "One", 4),
            sample_task(task_id(), "Two", 2),
            sample_task(task_id(), "Three", 1),
        ])
    });
    let reply = send(
        repo,
        verifier(),
        post(&json!({"operations": [
            {"op": "complete", "id": T1, "if_match": "\"3\""},
            {"op": "move", "id": T2, "parent_id": null},
            {"op": "delete", "id": T1},
        ]})),
    )
    .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let body = reply.json();
    let titles: Vec<&str> = body["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["One", "Two", "Three"]);
}

#[actix_web::test]
async fn a_bad_body_is_reported_whole_before_the_store() {
    // The repository has no expectation: a call would be a 500.
    let reply = send_no_repo(post(&json!({"operations": [
        {"op": "complete", "id": T1},
        {"op": "fly", "id": T1},
        {"op": "update", "id": T1, "title": "", "owner": "x"},
        {"op": "move", "id": "nope", "before": T1, "after": T2},
        {"op": "delete", "id": T1, "if_match": "W/\"2\""},
    ]})))
    .await;
    let body = reply.problem(422);
    assert_eq!(body["type"], "urn:todo-api:problem:batch-failed");
    assert_eq!(body["title"], "Batch failed");
    assert_eq!(
        reply.error_fields(),
        vec![
            "/operations/1/op",
            "/operations/2/owner",
            "/operations/2/title",
            "/operations/3/id",
            "/operations/3/after",
            "/operations/4/if_match",
        ]
    );

    for bad in [
        json!({}),
        json!({"operations": []}),
        json!({"operations": vec![json!({"op": "delete", "id": T1}); 101]}),
    ] {
        let reply = send_no_repo(post(&bad)).await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), vec!["operations"]);
    }
}

#[actix_web::test]
async fn authentication_and_ownership_come_first() {
    let bad = json!({"operations": []}).to_string();
    let reply = send_no_repo(
        TestRequest::post()
            .uri(&url())
            .insert_header(("Content-Type", "application/json"))
            .set_payload(bad.clone()),
    )
    .await;
    reply.problem(401);
    let reply = send_no_repo(json_request("POST", &url(), BOB_TOKEN, &bad)).await;
    reply.problem(403);
    let reply = send_no_repo(json_request("POST", &url(), ALICE_TOKEN, "[1")).await;
    reply.problem(400);
    let reply = send_no_repo(
        TestRequest::post()
            .uri(&url())
            .insert_header(crate::support::bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload("x"),
    )
    .await;
    reply.problem(415);
}

/// What the store answers a batch with.
type Failures = fn() -> Vec<BatchFailure>;

fn failing(failures: Failures) -> MockTaskRepo {
    let mut repo = MockTaskRepo::new();
    repo.expect_batch()
        .times(1)
        .returning(move |_, _| Err(BatchError::Failed(failures())));
    repo
}

fn two_ops() -> serde_json::Value {
    json!({"operations": [
        {"op": "update", "id": T1, "title": "x", "if_match": "1"},
        {"op": "move", "id": T2, "after": T1},
        {"op": "restore", "id": T2},
    ]})
}

#[actix_web::test]
async fn the_status_is_the_one_the_failures_share_else_422() {
    let cases: [(Failures, u16, Vec<&str>); 5] = [
        (
            || {
                vec![
                    BatchFailure {
                        index: 0,
                        error: BatchOpError::Update(UpdateTaskError::NotFound),
                    },
                    BatchFailure {
                        index: 2,
                        error: BatchOpError::Restore(RestoreError::NotFound),
                    },
                ]
            },
            404,
            vec!["/operations/0/id", "/operations/2/id"],
        ),
        (
            || {
                vec![BatchFailure {
                    index: 0,
                    error: BatchOpError::Update(UpdateTaskError::VersionMismatch),
                }]
            },
            412,
            vec!["/operations/0/if_match"],
        ),
        (
            || {
                vec![BatchFailure {
                    index: 1,
                    error: BatchOpError::Move(MoveTaskError::LimitReached),
                }]
            },
            409,
            vec!["/operations/1/id"],
        ),
        (
            || {
                vec![
                    BatchFailure {
                        index: 0,
                        error: BatchOpError::Delete(DeleteTaskError::NotFound),
                    },
                    BatchFailure {
                        index: 1,
                        error: BatchOpError::Move(MoveTaskError::AnchorNotFound),
                    },
                ]
            },
            422,
            vec!["/operations/0/id", "/operations/1/after"],
        ),
        (
            || {
                vec![BatchFailure {
                    index: 0,
                    error: BatchOpError::Update(UpdateTaskError::Cycle),
                }]
            },
            422,
            vec!["/operations/0/parent_id"],
        ),
    ];
    for (failures, status, fields) in cases {
        let reply = send(failing(failures), verifier(), post(&two_ops())).await;
        let body = reply.problem(status);
        assert_eq!(body["type"], "urn:todo-api:problem:batch-failed");
        assert_eq!(reply.error_fields(), fields);
    }
}

#[actix_web::test]
async fn a_store_failure_is_a_503_not_a_batch_failure() {
    let mut repo = MockTaskRepo::new();
    repo.expect_batch()
        .returning(|_, _| Err(BatchError::Unavailable(RepoUnavailable("down".into()))));
    let reply = send(repo, verifier(), post(&two_ops())).await;
    let body = reply.problem(503);
    assert_eq!(body["type"], "urn:todo-api:problem:service-unavailable");
}
