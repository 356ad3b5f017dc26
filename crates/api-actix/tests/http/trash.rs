//! The trash routes (`…/trash`, `…/trash/{id}/restore`, `…/trash/{id}`):
//! every status, in the contract's check order, through the real app
//! factory with a mocked `TrashRepo`.

use std::sync::Arc;

use actix_web::test::TestRequest;
use chrono::{TimeZone, Utc};
use domain::{
    Color, List, ListId, ListName, ListSummary, Position, Restored, TrashItem, TrashKind,
    TrashPage, Version,
};
use ports::{
    DeleteTrashItemError, ListTrashError, MockTaskRepo, MockTrashRepo, RepoUnavailable,
    RestoreError,
};
use uuid::Uuid;

use crate::support::{
    ALICE, ALICE_TOKEN, BOB, BOB_TOKEN, alice, bearer, json_request, sample_task, send_to, task_id,
    verifier,
};

const ITEM: &str = "0190f3a0-0000-7000-8000-0000000000aa";

fn state(trash: MockTrashRepo) -> api_actix::AppState {
    api_actix::AppState {
        repo: Arc::new(MockTaskRepo::new()),
        verifier: Arc::new(verifier()),
        lists: Arc::new(ports::MockListRepo::new()),
        labels: Arc::new(ports::MockLabelRepo::new()),
        preferences: Arc::new(ports::MockPreferencesRepo::new()),
        changes: Arc::new(ports::MockChangeLog::new()),
        signals: Arc::new(ports::MockChangeSignals::new()),
        trash: Arc::new(trash),
        transfer: Arc::new(ports::MockTransferRepo::new()),
        idempotency: Arc::new(ports::MockIdempotencyStore::new()),
    }
}

fn item(n: u128, kind: TrashKind) -> TrashItem {
    TrashItem {
        id: Uuid::from_u128(n),
        kind,
        task_count: 2,
        deleted_at: Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap(),
    }
}

fn get(uri: &str, token: &str) -> TestRequest {
    TestRequest::get().uri(uri).insert_header(bearer(token))
}

#[actix_web::test]
async fn the_trash_is_listed_newest_first_with_a_next_link() {
    let mut trash = MockTrashRepo::new();
    trash.expect_list().times(1).returning(|owner, query| {
        assert_eq!(owner, alice());
        assert_eq!(query.limit.get(), 2);
        Ok(TrashPage {
            items: vec![
                item(
                    1,
                    TrashKind::Task {
                        title: "Call Sam".into(),
                        list_id: ListId::from_uuid(Uuid::from_u128(7)),
                        parent_id: None,
                    },
                ),
                item(
                    2,
                    TrashKind::List {
                        name: "Errands".into(),
                    },
                ),
            ],
            has_more: true,
        })
    });
    let reply = send_to(
        state(trash),
        get(&format!("/api/{ALICE}/trash?limit=2"), ALICE_TOKEN),
    )
    .await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body[0]["kind"], "task");
    assert_eq!(body[0]["title"], "Call Sam");
    assert_eq!(body[1]["kind"], "list");
    assert!(body[1]["list_id"].is_null());
    assert_eq!(body[1]["expires_at"], "2026-12-02T08:00:00Z");
    let link = reply.header("link").unwrap();
    assert!(
        link.starts_with(&format!("</api/{ALICE}/trash?limit=2&cursor=")),
        "{link}"
    );
    assert!(link.ends_with(">; rel=\"next\""), "{link}");

    // The cursor it gave comes back as the same position.
    let next = link
        .trim_start_matches('<')
        .trim_end_matches(">; rel=\"next\"")
        .to_owned();
    let mut trash = MockTrashRepo::new();
    trash.expect_list().times(1).returning(|_, query| {
        let cursor = query.cursor.unwrap();
        assert_eq!(cursor.after, Uuid::from_u128(2));
        Ok(TrashPage {
            items: vec![],
            has_more: false,
        })
    });
    let reply = send_to(state(trash), get(&next, ALICE_TOKEN)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), serde_json::json!([]));
    assert!(reply.header("link").is_none());
}

#[actix_web::test]
async fn listing_checks_token_owner_and_query_before_the_store() {
    let uri = format!("/api/{ALICE}/trash?limit=0");
    let reply = send_to(state(MockTrashRepo::new()), TestRequest::get().uri(&uri)).await;
    reply.problem(401);
    let reply = send_to(state(MockTrashRepo::new()), get(&uri, BOB_TOKEN)).await;
    reply.problem(403);
    let reply = send_to(state(MockTrashRepo::new()), get(&uri, ALICE_TOKEN)).await;
    reply.problem(400);
    assert_eq!(reply.error_fields(), vec!["limit"]);

    let mut trash = MockTrashRepo::new();
    trash
        .expect_list()
        .returning(|_, _| Err(ListTrashError::Unavailable(RepoUnavailable("down".into()))));
    let reply = send_to(
        state(trash),
        get(&format!("/api/{ALICE}/trash"), ALICE_TOKEN),
    )
    .await;
    reply.problem(503);
}

fn restore_url(id: &str) -> String {
    format!("/api/{ALICE}/trash/{id}/restore")
}

#[actix_web::test]
async fn a_restored_task_comes_back_with_its_location_and_etag() {
    let mut trash = MockTrashRepo::new();
    trash.expect_restore().times(1).returning(|owner, id| {
        assert_eq!(owner, alice());
        assert_eq!(id, *task_id().as_uuid());
        Ok(Restored::Task(Box::new(sample_task(task_id(), "Back", 4))))
    });
    let uri = restore_url(&task_id().to_string());
    let req = TestRequest::post()
        .uri(&uri)
        .insert_header(bearer(ALICE_TOKEN));
    let reply = send_to(state(trash), req).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(
        reply.header("location"),
        Some(format!("/api/{ALICE}/tasks/{}", task_id()).as_str())
    );
    assert_eq!(reply.header("etag"), Some("\"4\""));
    let body = reply.json();
    assert_eq!(body["kind"], "task");
    assert_eq!(body["task"]["title"], "Back");
    assert_eq!(body["task"]["id"], task_id().to_string());
}

#[actix_web::test]
async fn a_restored_list_comes_back_as_a_list() {
    let list_id = ListId::from_uuid(Uuid::parse_str(ITEM).unwrap());
    let mut trash = MockTrashRepo::new();
    trash.expect_restore().times(1).returning(move |_, _| {
        let created = Utc.with_ymd_and_hms(2026, 11, 1, 9, 30, 0).unwrap();
        Ok(Restored::List(Box::new(ListSummary {
            list: List {
                id: list_id,
                owner: alice(),
                name: ListName::parse("Errands").unwrap(),
                color: Color::Teal,
                position: Position::first(),
                is_inbox: false,
                created_at: created,
                updated_at: created,
                version: Version::new(2),
            },
            open_tasks: 1,
            total_tasks: 3,
        })))
    });
    let reply = send_to(
        state(trash),
        json_request("POST", &restore_url(ITEM), ALICE_TOKEN, "{}"),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("location"),
        Some(format!("/api/{ALICE}/lists/{ITEM}").as_str())
    );
    assert_eq!(reply.header("etag"), Some("\"2\""));
    let body = reply.json();
    assert_eq!(body["kind"], "list");
    assert_eq!(body["list"]["name"], "Errands");
}

#[actix_web::test]
async fn restore_refusals_in_order() {
    // 401, 403, then 400 for the id, 422 for a body member: none reaches
    // the store (the mock has no expectation).
    let reply = send_to(
        state(MockTrashRepo::new()),
        TestRequest::post().uri(&restore_url("nope")),
    )
    .await;
    reply.problem(401);
    let reply = send_to(
        state(MockTrashRepo::new()),
        TestRequest::post()
            .uri(&restore_url("nope"))
            .insert_header(bearer(BOB_TOKEN)),
    )
    .await;
    reply.problem(403);
    let reply = send_to(
        state(MockTrashRepo::new()),
        TestRequest::post()
            .uri(&restore_url("nope"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(400);
    let reply = send_to(
        state(MockTrashRepo::new()),
        json_request("POST", &restore_url(ITEM), ALICE_TOKEN, r#"{"to":"x"}"#),
    )
    .await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), vec!["to"]);

    fn error(case: usize) -> RestoreError {
        match case {
            0 => RestoreError::NotFound,
            1 => RestoreError::DuplicateName,
            2 => RestoreError::LimitReached,
            _ => RestoreError::Unavailable(RepoUnavailable("down".into())),
        }
    }
    for (case, status) in [(0, 404), (1, 409), (2, 409), (3, 503)] {
        let mut trash = MockTrashRepo::new();
        trash
            .expect_restore()
            .returning(move |_, _| Err(error(case)));
        let req = TestRequest::post()
            .uri(&restore_url(ITEM))
            .insert_header(bearer(ALICE_TOKEN));
        let reply = send_to(state(trash), req).await;
        reply.problem(status);
        if case == 1 {
            assert_eq!(reply.error_fields(), vec!["name"]);
        }
    }
}

#[actix_web::test]
async fn an_item_is_deleted_for_good_or_is_not_there() {
    let uri = format!("/api/{ALICE}/trash/{ITEM}");
    let mut trash = MockTrashRepo::new();
    trash.expect_delete_forever().times(1).returning(|_, id| {
        assert_eq!(id, Uuid::parse_str(ITEM).unwrap());
        Ok(())
    });
    let reply = send_to(
        state(trash),
        TestRequest::delete()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert!(reply.body.is_empty());

    let mut trash = MockTrashRepo::new();
    trash
        .expect_delete_forever()
        .returning(|_, _| Err(DeleteTrashItemError::NotFound));
    let reply = send_to(
        state(trash),
        TestRequest::delete()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(404);

    let reply = send_to(
        state(MockTrashRepo::new()),
        TestRequest::delete()
            .uri(&format!("/api/{ALICE}/trash/12"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(400);
    let reply = send_to(
        state(MockTrashRepo::new()),
        TestRequest::delete()
            .uri(&format!("/api/{BOB}/trash/{ITEM}"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(403);
}

#[actix_web::test]
async fn emptying_the_trash_says_how_many_went() {
    let mut trash = MockTrashRepo::new();
    trash.expect_empty().times(1).returning(|owner| {
        assert_eq!(owner, alice());
        Ok(3)
    });
    let reply = send_to(
        state(trash),
        TestRequest::delete()
            .uri(&format!("/api/{ALICE}/trash"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), serde_json::json!({"deleted": 3}));
    let reply = send_to(
        state(MockTrashRepo::new()),
        TestRequest::delete().uri(&format!("/api/{ALICE}/trash")),
    )
    .await;
    reply.problem(401);
}
