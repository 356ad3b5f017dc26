//! `GET …/export` and `POST …/import` with a mocked `TransferRepo`: the
//! statuses, headers and checks in the contract's order, and the
//! streamed document's shape across pages.

use std::sync::Arc;

use actix_web::test::TestRequest;
use api_actix::AppState;
use chrono::{TimeZone, Utc};
use domain::{
    Color, Depth, ExportedTask, ImportCounts, List, ListId, ListName, Position, Priority,
    RecurrenceBasis, TaskId, Title, UserId, Version,
};
use ports::{ExportHead, MockTransferRepo};
use serde_json::Value;

use crate::support::{ALICE, ALICE_TOKEN, BOB, bearer, send_to, verifier};

fn state(transfer: MockTransferRepo) -> AppState {
    AppState {
        trash: Arc::new(ports::MockTrashRepo::new()),
        idempotency: Arc::new(ports::MockIdempotencyStore::new()),
        transfer: Arc::new(transfer),
        repo: Arc::new(ports::MockTaskRepo::new()),
        verifier: Arc::new(verifier()),
        lists: Arc::new(ports::MockListRepo::new()),
        labels: Arc::new(ports::MockLabelRepo::new()),
        preferences: Arc::new(ports::MockPreferencesRepo::new()),
        changes: Arc::new(ports::MockChangeLog::new()),
        signals: Arc::new(ports::MockChangeSignals::new()),
    }
}

fn inbox() -> List {
    let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    List {
        id: ListId::new_v7(),
        owner: UserId::parse(ALICE).unwrap(),
        name: ListName::inbox(),
        color: Color::default(),
        position: Position::first(),
        is_inbox: true,
        created_at: at,
        updated_at: at,
        version: Version::INITIAL,
    }
}

fn task(list: ListId, n: usize) -> ExportedTask {
    let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    ExportedTask {
        id: TaskId::new_v7(),
        list_id: list,
        parent_id: None,
        position: Position::first(),
        title: Title::parse(&format!("Task {n}")).unwrap(),
        description: None,
        priority: Priority::Medium,
        due_at: None,
        due_all_day: false,
        recurrence: None,
        recurrence_basis: RecurrenceBasis::Due,
        completed: false,
        labels: Vec::new(),
        created_at: at,
        updated_at: at,
    }
}

/// A repository with an Inbox and `count` top-level tasks, served in pages.
fn exporting(count: usize) -> MockTransferRepo {
    let list = inbox();
    let list_id = list.id;
    let tasks: Arc<Vec<ExportedTask>> = Arc::new((0..count).map(|n| task(list_id, n)).collect());
    let mut repo = MockTransferRepo::new();
    repo.expect_export_head().returning(move |_| {
        Ok(ExportHead {
            preferences: None,
            lists: vec![list.clone()],
            labels: Vec::new(),
        })
    });
    repo.expect_export_tasks()
        .returning(move |_, depth, after, limit| {
            if depth != Depth::TOP {
                return Ok(Vec::new());
            }
            let start = after.map_or(0, |a| tasks.iter().position(|t| t.id == a).unwrap() + 1);
            Ok(tasks
                .iter()
                .skip(start)
                .take(usize::from(limit))
                .cloned()
                .collect())
        });
    repo.expect_export_completions()
        .returning(|_, _, _| Ok(Vec::new()));
    repo
}

fn export_request(query: &str) -> TestRequest {
    TestRequest::get()
        .uri(&format!("/api/{ALICE}/export{query}"))
        .insert_header(bearer(ALICE_TOKEN))
}

#[actix_web::test]
async fn the_json_export_streams_every_page_as_one_document_to_download() {
    let reply = send_to(state(exporting(2500)), export_request("")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let disposition = reply.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"todo-export-20"),
        "{disposition}"
    );
    assert!(disposition.ends_with(".json\""), "{disposition}");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let doc: Value = reply.json();
    assert_eq!(doc["format"], "todo-api-export");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["preferences"]["time_zone"], "UTC");
    assert_eq!(doc["lists"][0]["is_inbox"], true);
    assert_eq!(doc["tasks"].as_array().unwrap().len(), 2500);
    assert_eq!(doc["tasks"][2499]["title"], "Task 2499");
    assert_eq!(doc["completions"], Value::Array(Vec::new()));
}

#[actix_web::test]
async fn the_csv_export_is_a_header_and_one_row_per_task() {
    let reply = send_to(state(exporting(3)), export_request("?format=csv")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert!(
        reply
            .header("content-disposition")
            .unwrap()
            .ends_with(".csv\"")
    );
    let text = String::from_utf8(reply.body.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("id,list,parent_id,title,"));
    assert!(lines[1].contains(",Inbox,,Task 0,"));
}

#[actix_web::test]
async fn export_checks_the_caller_and_the_format_before_reading() {
    let reply = send_to(
        state(MockTransferRepo::new()),
        export_request("?format=xml"),
    )
    .await;
    let body = reply.problem(400);
    assert_eq!(body["errors"][0]["field"], "format");
    let reply = send_to(
        state(MockTransferRepo::new()),
        TestRequest::get()
            .uri(&format!("/api/{BOB}/export"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(403);
    let reply = send_to(
        state(MockTransferRepo::new()),
        TestRequest::get().uri(&format!("/api/{ALICE}/export")),
    )
    .await;
    reply.problem(401);
}

fn import_request(content_type: &str, body: Vec<u8>) -> TestRequest {
    TestRequest::post()
        .uri(&format!("/api/{ALICE}/import"))
        .insert_header(bearer(ALICE_TOKEN))
        .insert_header(("Content-Type", content_type.to_owned()))
        .set_payload(body)
}

#[actix_web::test]
async fn import_refuses_other_types_too_large_bodies_and_non_exports_without_writing() {
    // The mock has no expectations: a call would panic (500).
    let reply = send_to(
        state(MockTransferRepo::new()),
        import_request("text/plain", b"x".to_vec()),
    )
    .await;
    reply.problem(415);
    let reply = send_to(
        state(MockTransferRepo::new()),
        import_request("application/json", vec![b' '; 10 * 1024 * 1024 + 1]),
    )
    .await;
    reply.problem(413);
    let reply = send_to(
        state(MockTransferRepo::new()),
        import_request("application/json", br#"{"tasks":[]}"#.to_vec()),
    )
    .await;
    let body = reply.problem(422);
    assert_eq!(body["errors"][0]["field"], "/format");
    let reply = send_to(
        state(MockTransferRepo::new()),
        import_request("application/json", b"[".to_vec()),
    )
    .await;
    reply.problem(400);
    let reply = send_to(
        state(MockTransferRepo::new()),
        import_request("application/json", b"{}".to_vec())
            .uri(&format!("/api/{ALICE}/import?list_name=")),
    )
    .await;
    let body = reply.problem(400);
    assert_eq!(body["errors"][0]["field"], "list_name");
}

#[actix_web::test]
async fn a_valid_export_is_imported_once_and_answered_with_the_report() {
    let mut repo = MockTransferRepo::new();
    repo.expect_import()
        .times(1)
        .withf(|_, plan| plan.lists.len() == 1 && plan.lists[0].is_inbox && plan.tasks.is_empty())
        .returning(|_, _| {
            Ok(ImportCounts {
                lists: 0,
                labels: 0,
                tasks: 0,
                completions: 0,
            })
        });
    let body = br#"{"format":"todo-api-export","version":1,"exported_at":"2030-01-01T00:00:00Z",
        "preferences":{"time_zone":"Europe/Berlin","week_start":"sunday"},
        "lists":[{"id":"0190c0de-0000-7000-8000-000000000001","name":"Inbox","color":"gray","position":"a0","is_inbox":true,"created_at":"2030-01-01T00:00:00Z","updated_at":"2030-01-01T00:00:00Z"}],
        "labels":[],"tasks":[],"completions":[]}"#;
    let reply = send_to(
        state(repo),
        import_request("application/json", body.to_vec()),
    )
    .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(
        reply.json(),
        serde_json::json!({
            "created": {"lists": 0, "labels": 0, "tasks": 0, "completions": 0},
            "skipped": [],
            "warnings": []
        })
    );
}
