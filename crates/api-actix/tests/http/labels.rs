//! The label endpoints with a mocked `LabelRepo`: every status code, ETag
//! and If-Match, and the check order (401 → 403 → 400 → 413/415 → 422 →
//! 404 → 409/412).

use std::sync::Arc;

use actix_web::test::TestRequest;
use api_actix::AppState;
use chrono::{TimeZone, Utc};
use domain::{Color, Label, LabelId, LabelName, Version};
use ports::{
    CreateLabelError, DeleteLabelError, GetLabelError, ListLabelsError, MockLabelRepo,
    MockListRepo, MockTaskRepo, UpdateLabelError,
};
use serde_json::json;

use crate::support::*;

const LABEL: &str = "0190f3a0-0000-7000-8000-0000000000b1";

fn label_id() -> LabelId {
    LabelId::parse(LABEL).unwrap()
}

fn labels_url(user: &str) -> String {
    format!("/api/{user}/labels")
}

fn label_url(user: &str, id: &str) -> String {
    format!("/api/{user}/labels/{id}")
}

fn label(id: LabelId, name: &str, version: i64) -> Label {
    let created = Utc.with_ymd_and_hms(2026, 11, 1, 9, 30, 0).unwrap();
    Label {
        id,
        owner: alice(),
        name: LabelName::parse(name).unwrap(),
        color: Color::Pink,
        created_at: created,
        updated_at: created + chrono::Duration::seconds(version),
        version: Version::new(version),
    }
}

async fn send_labels(labels: MockLabelRepo, req: TestRequest) -> Reply {
    let state = AppState {
        trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
        idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
        transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
        repo: Arc::new(MockTaskRepo::new()),
        verifier: Arc::new(verifier()),
        lists: Arc::new(MockListRepo::new()),
        labels: Arc::new(labels),
        preferences: Arc::new(ports::MockPreferencesRepo::new()),
        changes: Arc::new(ports::MockChangeLog::new()),
        signals: Arc::new(ports::MockChangeSignals::new()),
    };
    send_to(state, req).await
}

fn get(uri: &str) -> TestRequest {
    TestRequest::get()
        .uri(uri)
        .insert_header(bearer(ALICE_TOKEN))
}

fn delete(uri: &str) -> TestRequest {
    TestRequest::delete()
        .uri(uri)
        .insert_header(bearer(ALICE_TOKEN))
}

#[actix_web::test]
async fn listing_answers_every_label() {
    let mut labels = MockLabelRepo::new();
    labels
        .expect_list()
        .withf(|owner| *owner == alice())
        .returning(|_| Ok(vec![label(label_id(), "errand", 2)]));
    let reply = send_labels(labels, get(&labels_url(ALICE))).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!([{
            "id": LABEL,
            "user_id": ALICE,
            "name": "errand",
            "color": "pink",
            "created_at": "2026-11-01T09:30:00Z",
            "updated_at": "2026-11-01T09:30:02Z"
        }])
    );
    let mut labels = MockLabelRepo::new();
    labels
        .expect_list()
        .returning(|_| Err(ListLabelsError::Internal("boom".into())));
    let body = send_labels(labels, get(&labels_url(ALICE)))
        .await
        .problem(500);
    assert!(!body.to_string().contains("boom"));
}

#[actix_web::test]
async fn create_answers_201_with_location_and_etag() {
    let mut labels = MockLabelRepo::new();
    labels
        .expect_create()
        .withf(|owner, new| {
            *owner == alice() && new.name.as_str() == "errand" && new.color == Color::Gray
        })
        .times(1)
        .returning(|_, new| Ok(label(label_id(), new.name.as_str(), 1)));
    let reply = send_labels(
        labels,
        json_request(
            "POST",
            &labels_url(ALICE),
            ALICE_TOKEN,
            r#"{"name":" errand "}"#,
        ),
    )
    .await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(
        reply.header("location"),
        Some(label_url(ALICE, LABEL).as_str())
    );
    assert_eq!(reply.header("etag"), Some("\"1\""));
}

#[actix_web::test]
async fn duplicates_and_the_bound_are_409() {
    let mut labels = MockLabelRepo::new();
    labels
        .expect_create()
        .returning(|_, _| Err(CreateLabelError::DuplicateName));
    let reply = send_labels(
        labels,
        json_request(
            "POST",
            &labels_url(ALICE),
            ALICE_TOKEN,
            r#"{"name":"Errand"}"#,
        ),
    )
    .await;
    reply.problem(409);
    assert_eq!(reply.error_fields(), ["name"]);
    let mut labels = MockLabelRepo::new();
    labels
        .expect_create()
        .returning(|_, _| Err(CreateLabelError::LimitReached));
    let reply = send_labels(
        labels,
        json_request("POST", &labels_url(ALICE), ALICE_TOKEN, r#"{"name":"x"}"#),
    )
    .await;
    let body = reply.problem(409);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("1000 labels per user")
    );
    let mut labels = MockLabelRepo::new();
    labels
        .expect_update()
        .returning(|_, _, _, _| Err(UpdateLabelError::DuplicateName));
    let reply = send_labels(
        labels,
        json_request(
            "PATCH",
            &label_url(ALICE, LABEL),
            ALICE_TOKEN,
            r#"{"name":"x"}"#,
        ),
    )
    .await;
    reply.problem(409);
    assert_eq!(reply.error_fields(), ["name"]);
}

#[actix_web::test]
async fn invalid_fields_are_422_each_named() {
    let reply = send_labels(
        MockLabelRepo::new(),
        json_request(
            "POST",
            &labels_url(ALICE),
            ALICE_TOKEN,
            &format!(r#"{{"name":"{}","color":1,"id":"x"}}"#, "a".repeat(51)),
        ),
    )
    .await;
    reply.problem(422);
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(fields, ["color", "id", "name"]);
}

#[actix_web::test]
async fn get_with_etag_304_and_404() {
    let found = || {
        let mut labels = MockLabelRepo::new();
        labels
            .expect_get()
            .withf(|owner, id| *owner == alice() && *id == label_id())
            .returning(|_, id| Ok(label(id, "errand", 4)));
        labels
    };
    let reply = send_labels(found(), get(&label_url(ALICE, LABEL))).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"4\""));
    let reply = send_labels(
        found(),
        get(&label_url(ALICE, LABEL)).insert_header(("If-None-Match", "\"4\"")),
    )
    .await;
    assert_eq!(reply.status, 304);
    let mut labels = MockLabelRepo::new();
    labels
        .expect_get()
        .returning(|_, _| Err(GetLabelError::NotFound));
    let body = send_labels(labels, get(&label_url(ALICE, LABEL)))
        .await
        .problem(404);
    assert_eq!(body["detail"], "No such label.");
}

#[actix_web::test]
async fn patch_passes_if_match_on_and_a_stale_one_is_412() {
    let mut labels = MockLabelRepo::new();
    labels
        .expect_update()
        .withf(|_, id, patch, expected| {
            *id == label_id()
                && patch.color == Some(Color::Red)
                && patch.name.is_none()
                && *expected == Some(Version::new(2))
        })
        .returning(|_, id, _, _| Ok(label(id, "errand", 3)));
    let reply = send_labels(
        labels,
        json_request(
            "PATCH",
            &label_url(ALICE, LABEL),
            ALICE_TOKEN,
            r#"{"color":"red"}"#,
        )
        .insert_header(("If-Match", "\"2\"")),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"3\""));
    let mut labels = MockLabelRepo::new();
    labels
        .expect_update()
        .returning(|_, _, _, _| Err(UpdateLabelError::VersionMismatch));
    let reply = send_labels(
        labels,
        json_request(
            "PATCH",
            &label_url(ALICE, LABEL),
            ALICE_TOKEN,
            r#"{"color":"red"}"#,
        )
        .insert_header(("If-Match", "\"1\"")),
    )
    .await;
    let body = reply.problem(412);
    assert!(body["detail"].as_str().unwrap().contains("label"));
}

#[actix_web::test]
async fn delete_answers_204_404_or_412() {
    let mut labels = MockLabelRepo::new();
    labels
        .expect_delete()
        .withf(|_, id, expected| *id == label_id() && expected.is_none())
        .returning(|_, _, _| Ok(()));
    let reply = send_labels(labels, delete(&label_url(ALICE, LABEL))).await;
    assert_eq!(reply.status, 204);
    for (error, status) in [
        (DeleteLabelError::NotFound, 404),
        (DeleteLabelError::VersionMismatch, 412),
    ] {
        let mut labels = MockLabelRepo::new();
        let error = std::sync::Mutex::new(Some(error));
        labels
            .expect_delete()
            .returning(move |_, _, _| Err(error.lock().unwrap().take().unwrap()));
        send_labels(
            labels,
            delete(&label_url(ALICE, LABEL)).insert_header(("If-Match", "\"1\"")),
        )
        .await
        .problem(status);
    }
}

/// A PATCH with every fault at once, each fault removed in turn: the
/// answer is always the first in the contract's order.
#[actix_web::test]
async fn patch_keeps_the_check_order() {
    let patch = |token: &str, user: &str, id: &str, ctype: &str, body: &str| {
        TestRequest::patch()
            .uri(&label_url(user, id))
            .insert_header(bearer(token))
            .insert_header(("Content-Type", ctype))
            .set_payload(body.to_owned())
    };
    let cases: [(&str, &str, &str, &str, &str, u16); 6] = [
        ("nope", BOB, "x", "text/plain", "[", 401),
        (ALICE_TOKEN, BOB, "x", "text/plain", "[", 403),
        (ALICE_TOKEN, ALICE, "x", "text/plain", "[", 400),
        (ALICE_TOKEN, ALICE, LABEL, "text/plain", "[", 415),
        (
            ALICE_TOKEN,
            ALICE,
            LABEL,
            "application/json",
            "{\"name\":null}",
            422,
        ),
        (ALICE_TOKEN, ALICE, LABEL, "application/json", "{}", 404),
    ];
    for (token, user, id, ctype, body, status) in cases {
        let mut labels = MockLabelRepo::new();
        if status == 404 {
            labels
                .expect_update()
                .returning(|_, _, _, _| Err(UpdateLabelError::NotFound));
        }
        send_labels(labels, patch(token, user, id, ctype, body))
            .await
            .problem(status);
    }
}
