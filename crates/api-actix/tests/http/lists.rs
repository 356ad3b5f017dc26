//! The list endpoints with a mocked `ListRepo`: every status code, ETag and
//! If-Match, and the check order (401 → 403 → 400 → 413/415 → 422 → 404 →
//! 409/412).

use std::sync::Arc;

use actix_web::test::TestRequest;
use api_actix::AppState;
use chrono::{TimeZone, Utc};
use domain::{Color, List, ListId, ListName, ListSummary, Placement, Position, UserId, Version};
use ports::{
    CreateListError, DeleteListError, GetListError, ListListsError, MockLabelRepo, MockListRepo,
    MockTaskRepo, MoveListError, RepoUnavailable, UpdateListError,
};
use serde_json::json;

use crate::support::*;

const LIST: &str = "0190f3a0-0000-7000-8000-0000000000a1";
const OTHER_LIST: &str = "0190f3a0-0000-7000-8000-0000000000a2";

fn list_id() -> ListId {
    ListId::parse(LIST).unwrap()
}

fn lists_url(user: &str) -> String {
    format!("/api/{user}/lists")
}

fn list_url(user: &str, id: &str) -> String {
    format!("/api/{user}/lists/{id}")
}

fn summary(id: ListId, name: &str, version: i64) -> ListSummary {
    let created = Utc.with_ymd_and_hms(2026, 11, 1, 9, 30, 0).unwrap();
    ListSummary {
        list: List {
            id,
            owner: alice(),
            name: ListName::parse(name).unwrap(),
            color: Color::Teal,
            position: Position::first(),
            is_inbox: name == ListName::INBOX,
            created_at: created,
            updated_at: created + chrono::Duration::seconds(version),
            version: Version::new(version),
        },
        open_tasks: 2,
        total_tasks: 5,
    }
}

async fn send_lists(lists: MockListRepo, req: TestRequest) -> Reply {
    let state = AppState {
        trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
        idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
        transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
        repo: Arc::new(MockTaskRepo::new()),
        verifier: Arc::new(verifier()),
        lists: Arc::new(lists),
        labels: Arc::new(MockLabelRepo::new()),
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

fn unavailable() -> RepoUnavailable {
    RepoUnavailable("connection refused".into())
}

#[actix_web::test]
async fn listing_answers_every_list_in_order_with_counts() {
    let mut lists = MockListRepo::new();
    lists
        .expect_list_all()
        .withf(|owner| *owner == alice())
        .returning(|_| {
            Ok(vec![
                summary(ListId::parse(OTHER_LIST).unwrap(), "Inbox", 1),
                summary(list_id(), "Groceries", 3),
            ])
        });
    let reply = send_lists(lists, get(&lists_url(ALICE))).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body.as_array().unwrap().len(), 2);
    assert_eq!(body[0]["is_inbox"], true);
    assert_eq!(
        body[1],
        json!({
            "id": LIST,
            "user_id": ALICE,
            "name": "Groceries",
            "color": "teal",
            "position": Position::first().as_str(),
            "is_inbox": false,
            "open_tasks": 2,
            "total_tasks": 5,
            "created_at": "2026-11-01T09:30:00Z",
            "updated_at": "2026-11-01T09:30:03Z"
        })
    );
}

#[actix_web::test]
async fn listing_for_an_account_that_is_gone_is_401_and_an_outage_503() {
    let mut lists = MockListRepo::new();
    lists
        .expect_list_all()
        .returning(|_| Err(ListListsError::UnknownOwner));
    send_lists(lists, get(&lists_url(ALICE))).await.problem(401);
    let mut lists = MockListRepo::new();
    lists
        .expect_list_all()
        .returning(|_| Err(ListListsError::Unavailable(unavailable())));
    let reply = send_lists(lists, get(&lists_url(ALICE))).await;
    reply.problem(503);
    assert!(reply.header("retry-after").is_some());
}

#[actix_web::test]
async fn create_answers_201_with_location_etag_and_the_list() {
    let mut lists = MockListRepo::new();
    lists
        .expect_create()
        .withf(|owner, new| {
            *owner == alice() && new.name.as_str() == "Groceries" && new.color == Color::Teal
        })
        .times(1)
        .returning(|_, new| Ok(summary(list_id(), new.name.as_str(), 1)));
    let reply = send_lists(
        lists,
        json_request(
            "POST",
            &lists_url(ALICE),
            ALICE_TOKEN,
            r#"{"name":"  Groceries ","color":"teal"}"#,
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
        Some(list_url(ALICE, LIST).as_str())
    );
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(reply.json()["name"], "Groceries");
}

#[actix_web::test]
async fn a_duplicate_name_is_409_naming_the_field() {
    let mut lists = MockListRepo::new();
    lists
        .expect_create()
        .returning(|_, _| Err(CreateListError::DuplicateName));
    let reply = send_lists(
        lists,
        json_request(
            "POST",
            &lists_url(ALICE),
            ALICE_TOKEN,
            r#"{"name":"inbox"}"#,
        ),
    )
    .await;
    let body = reply.problem(409);
    assert_eq!(body["type"], "urn:todo-api:problem:conflict");
    assert_eq!(reply.error_fields(), ["name"]);
}

#[actix_web::test]
async fn past_the_bound_is_409_naming_the_limit() {
    let mut lists = MockListRepo::new();
    lists
        .expect_create()
        .returning(|_, _| Err(CreateListError::LimitReached));
    let reply = send_lists(
        lists,
        json_request(
            "POST",
            &lists_url(ALICE),
            ALICE_TOKEN,
            r#"{"name":"One more"}"#,
        ),
    )
    .await;
    let body = reply.problem(409);
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("1000 lists per user"), "{detail}");
}

#[actix_web::test]
async fn invalid_fields_are_422_each_named_and_the_store_is_not_asked() {
    let reply = send_lists(
        MockListRepo::new(),
        json_request(
            "POST",
            &lists_url(ALICE),
            ALICE_TOKEN,
            r#"{"name":"   ","color":"mauve","is_inbox":true}"#,
        ),
    )
    .await;
    reply.problem(422);
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(fields, ["color", "is_inbox", "name"]);
}

#[actix_web::test]
async fn get_answers_the_list_with_its_etag_or_304() {
    let lists = || {
        let mut lists = MockListRepo::new();
        lists
            .expect_get()
            .withf(|owner, id| *owner == alice() && *id == list_id())
            .returning(|_, id| Ok(summary(id, "Groceries", 7)));
        lists
    };
    let reply = send_lists(lists(), get(&list_url(ALICE, LIST))).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"7\""));
    assert_eq!(reply.json()["id"], LIST);
    let reply = send_lists(
        lists(),
        get(&list_url(ALICE, LIST)).insert_header(("If-None-Match", "W/\"7\"")),
    )
    .await;
    assert_eq!(reply.status, 304);
    assert!(reply.body.is_empty());
}

#[actix_web::test]
async fn a_missing_or_foreign_list_is_404() {
    let mut lists = MockListRepo::new();
    lists
        .expect_get()
        .returning(|_, _| Err(GetListError::NotFound));
    let body = send_lists(lists, get(&list_url(ALICE, LIST)))
        .await
        .problem(404);
    assert_eq!(body["detail"], "No such list.");
}

#[actix_web::test]
async fn patch_with_a_matching_if_match_passes_the_version_on() {
    let mut lists = MockListRepo::new();
    lists
        .expect_update()
        .withf(|owner, id, patch, expected| {
            *owner == alice()
                && *id == list_id()
                && patch.name.as_ref().map(ListName::as_str) == Some("Errands")
                && patch.color.is_none()
                && *expected == Some(Version::new(3))
        })
        .times(1)
        .returning(|_, id, _, _| Ok(summary(id, "Errands", 4)));
    let reply = send_lists(
        lists,
        json_request(
            "PATCH",
            &list_url(ALICE, LIST),
            ALICE_TOKEN,
            r#"{"name":"Errands"}"#,
        )
        .insert_header(("If-Match", "\"3\"")),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"4\""));
    assert_eq!(reply.json()["name"], "Errands");
}

#[actix_web::test]
async fn a_stale_if_match_is_412() {
    let mut lists = MockListRepo::new();
    lists
        .expect_update()
        .returning(|_, _, _, _| Err(UpdateListError::VersionMismatch));
    let reply = send_lists(
        lists,
        json_request(
            "PATCH",
            &list_url(ALICE, LIST),
            ALICE_TOKEN,
            r#"{"color":"red"}"#,
        )
        .insert_header(("If-Match", "\"2\"")),
    )
    .await;
    let body = reply.problem(412);
    assert!(body["detail"].as_str().unwrap().contains("list"));
    // Several candidate tags: the current version is read first.
    let mut lists = MockListRepo::new();
    lists
        .expect_get()
        .returning(|_, id| Ok(summary(id, "Groceries", 9)));
    let reply = send_lists(
        lists,
        json_request(
            "PATCH",
            &list_url(ALICE, LIST),
            ALICE_TOKEN,
            r#"{"color":"red"}"#,
        )
        .insert_header(("If-Match", "\"2\", \"3\"")),
    )
    .await;
    reply.problem(412);
}

#[actix_web::test]
async fn renaming_or_deleting_the_inbox_is_409() {
    let mut lists = MockListRepo::new();
    lists
        .expect_update()
        .returning(|_, _, _, _| Err(UpdateListError::InboxRename));
    let reply = send_lists(
        lists,
        json_request(
            "PATCH",
            &list_url(ALICE, LIST),
            ALICE_TOKEN,
            r#"{"name":"Later"}"#,
        ),
    )
    .await;
    reply.problem(409);
    assert_eq!(reply.error_fields(), ["name"]);
    let mut lists = MockListRepo::new();
    lists
        .expect_delete()
        .returning(|_, _, _| Err(DeleteListError::Inbox));
    let reply = send_lists(
        lists,
        TestRequest::delete()
            .uri(&list_url(ALICE, LIST))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    let body = reply.problem(409);
    assert!(body["detail"].as_str().unwrap().contains("Inbox"));
}

#[actix_web::test]
async fn delete_answers_204_and_passes_if_match_on() {
    let mut lists = MockListRepo::new();
    lists
        .expect_delete()
        .withf(|owner, id, expected| {
            *owner == alice() && *id == list_id() && *expected == Some(Version::new(5))
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    let reply = send_lists(
        lists,
        TestRequest::delete()
            .uri(&list_url(ALICE, LIST))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("If-Match", "\"5\"")),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert!(reply.body.is_empty());
    let mut lists = MockListRepo::new();
    lists
        .expect_delete()
        .returning(|_, _, _| Err(DeleteListError::NotFound));
    let reply = send_lists(
        lists,
        TestRequest::delete()
            .uri(&list_url(ALICE, LIST))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(404);
}

fn move_request(body: Option<&str>) -> TestRequest {
    let uri = format!("{}/move", list_url(ALICE, LIST));
    match body {
        Some(body) => json_request("POST", &uri, ALICE_TOKEN, body),
        None => TestRequest::post()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN)),
    }
}

#[actix_web::test]
async fn move_places_the_list_before_after_or_at_the_end() {
    let other = ListId::parse(OTHER_LIST).unwrap();
    let cases: Vec<(Option<String>, Placement<ListId>)> = vec![
        (None, Placement::End),
        (Some("{}".to_owned()), Placement::End),
        (
            Some(format!(r#"{{"before":"{OTHER_LIST}"}}"#)),
            Placement::Before(other),
        ),
        (
            Some(format!(r#"{{"after":"{OTHER_LIST}"}}"#)),
            Placement::After(other),
        ),
    ];
    for (body, placement) in cases {
        let mut lists = MockListRepo::new();
        lists
            .expect_move_list()
            .withf(move |owner, id, p| *owner == alice() && *id == list_id() && *p == placement)
            .times(1)
            .returning(|_, id, _| Ok(summary(id, "Groceries", 2)));
        let reply = send_lists(lists, move_request(body.as_deref())).await;
        assert_eq!(reply.status, 200, "{body:?}");
        assert_eq!(reply.header("etag"), Some("\"2\""));
    }
}

#[actix_web::test]
async fn moves_the_rules_refuse() {
    // Both anchors: 422 before the store is asked.
    let both = format!(r#"{{"before":"{OTHER_LIST}","after":"{OTHER_LIST}"}}"#);
    let reply = send_lists(MockListRepo::new(), move_request(Some(&both))).await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["after"]);
    // An anchor that is not the caller's: 422 naming the field it came in.
    for field in ["before", "after"] {
        let mut lists = MockListRepo::new();
        lists
            .expect_move_list()
            .returning(|_, _, _| Err(MoveListError::AnchorNotFound));
        let body = format!(r#"{{"{field}":"{OTHER_LIST}"}}"#);
        let reply = send_lists(lists, move_request(Some(&body))).await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), [field]);
    }
    let mut lists = MockListRepo::new();
    lists
        .expect_move_list()
        .returning(|_, _, _| Err(MoveListError::InboxFirst));
    send_lists(lists, move_request(Some("{}")))
        .await
        .problem(409);
    let mut lists = MockListRepo::new();
    lists
        .expect_move_list()
        .returning(|_, _, _| Err(MoveListError::NotFound));
    send_lists(lists, move_request(None)).await.problem(404);
}

/// A PATCH with every fault at once, each fault removed in turn: the
/// answer is always the first in the contract's order. The store, when
/// reached, says 404 (and would say 409 or 412 after that).
#[actix_web::test]
async fn patch_keeps_the_check_order() {
    let patch = |token: &str, user: &str, id: &str, if_match: &str, ctype: &str, body: &str| {
        TestRequest::patch()
            .uri(&list_url(user, id))
            .insert_header(bearer(token))
            .insert_header(("If-Match", if_match))
            .insert_header(("Content-Type", ctype))
            .set_payload(body.to_owned())
    };
    let not_found = || {
        let mut lists = MockListRepo::new();
        lists
            .expect_update()
            .returning(|_, _, _, _| Err(UpdateListError::NotFound));
        lists
    };
    let bob = UserId::parse(BOB).unwrap().to_string();
    let bad = "{\"name\":\"\"}";
    let good = "{\"name\":\"x\"}";
    let cases: [(&str, &str, &str, &str, &str, &str, u16); 6] = [
        ("nope", &bob, "not-a-uuid", "bad", "text/plain", "[", 401),
        (
            ALICE_TOKEN,
            &bob,
            "not-a-uuid",
            "bad",
            "text/plain",
            "[",
            403,
        ),
        (
            ALICE_TOKEN,
            ALICE,
            "not-a-uuid",
            "\"1\"",
            "text/plain",
            "[",
            400,
        ),
        (ALICE_TOKEN, ALICE, LIST, "\"1\"", "text/plain", "[", 415),
        (
            ALICE_TOKEN,
            ALICE,
            LIST,
            "\"1\"",
            "application/json",
            bad,
            422,
        ),
        (
            ALICE_TOKEN,
            ALICE,
            LIST,
            "\"1\"",
            "application/json",
            good,
            404,
        ),
    ];
    for (token, user, id, if_match, ctype, body, status) in cases {
        let lists = if status == 404 {
            not_found()
        } else {
            MockListRepo::new()
        };
        let reply = send_lists(lists, patch(token, user, id, if_match, ctype, body)).await;
        reply.problem(status);
    }
    // A bad If-Match is 400 too, before the body is read.
    let reply = send_lists(
        MockListRepo::new(),
        patch(ALICE_TOKEN, ALICE, LIST, "bad", "text/plain", "["),
    )
    .await;
    reply.problem(400);
    // 413 comes before 415.
    let big = format!("{{\"name\":\"{}\"}}", "x".repeat(70_000));
    let reply = send_lists(
        MockListRepo::new(),
        patch(ALICE_TOKEN, ALICE, LIST, "\"1\"", "text/plain", &big),
    )
    .await;
    reply.problem(413);
}

#[actix_web::test]
async fn another_users_lists_are_403_before_anything_else() {
    for uri in [
        lists_url(BOB),
        list_url(BOB, LIST),
        format!("{}/move", list_url(BOB, LIST)),
    ] {
        let reply = send_lists(MockListRepo::new(), get(&uri)).await;
        // GET on …/move is 405; the rest 403.
        if uri.ends_with("/move") {
            reply.problem(405);
        } else {
            reply.problem(403);
        }
    }
    let reply = send_lists(
        MockListRepo::new(),
        TestRequest::post()
            .uri(&format!("{}/move", list_url(BOB, LIST)))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(403);
}
