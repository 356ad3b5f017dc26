//! Tasks in lists, under parents, with labels, in an order chosen by hand:
//! the task's new fields, the references a body makes (422 naming the
//! field when the store finds no such list, parent or label of the
//! caller's), the limit (409), `POST …/move` with its check order, and the
//! listing's new filters.

use actix_web::test::TestRequest;
use api_actix::http::request_body::MAX_BODY_BYTES;
use domain::{
    LabelId, ListId, ParentFilter, Placement, Position, SortKey, SortOrder, SubtaskCounts, TaskId,
    TaskLabels, TaskLocation, TaskMove, TaskPage, Version,
};
use ports::{CreateTaskError, GetTaskError, MockTaskRepo, MoveTaskError, UpdateTaskError};
use serde_json::{Value, json};

use crate::support::*;

const LIST: &str = "0190f3a0-0000-7000-8000-0000000000aa";
const PARENT: &str = "0190f3a0-0000-7000-8000-0000000000bb";
const SIBLING: &str = "0190f3a0-0000-7000-8000-0000000000cc";
const LABEL_1: &str = "0190f3a0-0000-7000-8000-000000000011";
const LABEL_2: &str = "0190f3a0-0000-7000-8000-000000000022";

fn list_id() -> ListId {
    ListId::parse(LIST).unwrap()
}

fn parent() -> TaskId {
    TaskId::parse(PARENT).unwrap()
}

fn sibling() -> TaskId {
    TaskId::parse(SIBLING).unwrap()
}

fn labels() -> TaskLabels {
    TaskLabels::new(vec![
        LabelId::parse(LABEL_2).unwrap(),
        LabelId::parse(LABEL_1).unwrap(),
    ])
    .unwrap()
}

/// A subtask in LIST with two labels and subtasks of its own.
fn organized_task(version: i64) -> domain::Task {
    let mut task = sample_task(task_id(), "Organized", version);
    task.list_id = list_id();
    task.parent_id = Some(parent());
    task.position = Position::parse("a1V").unwrap();
    task.fields.labels = labels();
    task.subtasks = SubtaskCounts {
        total: 3,
        completed: 1,
    };
    task
}

fn move_url(user: &str, id: &str) -> String {
    format!("{}/move", task_url(user, id))
}

#[actix_web::test]
async fn a_task_shows_its_list_parent_position_labels_and_subtask_counts() {
    let mut repo = MockTaskRepo::new();
    repo.expect_get().returning(|_, _| Ok(organized_task(2)));
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["list_id"], LIST);
    assert_eq!(body["parent_id"], PARENT);
    assert_eq!(body["position"], "a1V");
    // Sorted, as the domain keeps them.
    assert_eq!(body["labels"], json!([LABEL_1, LABEL_2]));
    assert_eq!(body["subtasks"], json!({"total": 3, "completed": 1}));
    assert!(body.get("category").is_none(), "{body}");

    // A top-level task: parent_id is null, not absent.
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .returning(|_, id| Ok(sample_task(id, "top", 1)));
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    let body = reply.json();
    assert_eq!(body["parent_id"], Value::Null);
    assert_eq!(body["labels"], json!([]));
    assert_eq!(body["subtasks"], json!({"total": 0, "completed": 0}));
}

#[actix_web::test]
async fn create_passes_list_parent_and_labels_to_the_store() {
    let mut repo = MockTaskRepo::new();
    repo.expect_create()
        .withf(|owner, fields, location| {
            *owner == alice()
                && fields.labels == labels()
                && *location
                    == TaskLocation {
                        list_id: Some(list_id()),
                        parent_id: Some(parent()),
                    }
        })
        .times(1)
        .returning(|_, _, _| Ok(organized_task(1)));
    let reply = send(
        repo,
        verifier(),
        json_request(
            "POST",
            &tasks_url(ALICE),
            ALICE_TOKEN,
            &json!({"title": "Organized", "list_id": LIST, "parent_id": PARENT,
                    "labels": [LABEL_2, LABEL_1]})
            .to_string(),
        ),
    )
    .await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.json()["list_id"], LIST);
}

#[actix_web::test]
async fn create_without_a_list_leaves_the_inbox_to_the_store() {
    let mut repo = MockTaskRepo::new();
    repo.expect_create()
        .withf(|_, fields, location| {
            *location == TaskLocation::default() && fields.labels.is_empty()
        })
        .times(1)
        .returning(|_, _, _| Ok(sample_task(task_id(), "x", 1)));
    let reply = send(
        repo,
        verifier(),
        json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, r#"{"title":"x"}"#),
    )
    .await;
    assert_eq!(reply.status, 201);
}

#[actix_web::test]
async fn put_and_patch_pass_where_the_task_goes() {
    let mut repo = MockTaskRepo::new();
    repo.expect_replace()
        .withf(|_, _, fields, location, _| {
            fields.labels == labels()
                && *location
                    == TaskLocation {
                        list_id: Some(list_id()),
                        parent_id: None,
                    }
        })
        .times(1)
        .returning(|_, _, _, _, _| Ok(organized_task(2)));
    let reply = send(
        repo,
        verifier(),
        json_request(
            "PUT",
            &task_url(ALICE, TASK),
            ALICE_TOKEN,
            &json!({"title": "t", "list_id": LIST, "parent_id": null,
                    "labels": [LABEL_1, LABEL_2]})
            .to_string(),
        ),
    )
    .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );

    let mut repo = MockTaskRepo::new();
    repo.expect_patch()
        .withf(|_, _, patch, _| {
            patch.list_id.is_none()
                && patch.parent_id == Some(None)
                && patch.labels == Some(TaskLabels::default())
                && patch.title.is_none()
        })
        .times(1)
        .returning(|_, _, _, _| Ok(organized_task(3)));
    let reply = send(
        repo,
        verifier(),
        json_request(
            "PATCH",
            &task_url(ALICE, TASK),
            ALICE_TOKEN,
            r#"{"parent_id":null,"labels":[]}"#,
        ),
    )
    .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
}

/// Makes a store error afresh for each request (they are not `Clone`).
type Make<E> = fn() -> E;

/// The one field a 422 names, and the problem itself.
async fn unprocessable(repo: MockTaskRepo, req: TestRequest) -> (String, Value) {
    let reply = send(repo, verifier(), req).await;
    let body = reply.problem(422);
    assert_eq!(body["type"], "urn:todo-api:problem:validation-failed");
    let fields = reply.error_fields();
    assert_eq!(fields.len(), 1, "{body}");
    // Nothing in the answer tells whether the id exists for someone else.
    let text = body.to_string();
    for id in [LIST, PARENT, LABEL_1] {
        assert!(!text.contains(id), "{text}");
    }
    (fields[0].clone(), body)
}

#[actix_web::test]
async fn references_the_store_does_not_find_are_422_naming_the_field() {
    let body = json!({"title": "t", "list_id": LIST, "parent_id": PARENT, "labels": [LABEL_1]})
        .to_string();
    let create_cases: [(Make<CreateTaskError>, &str); 5] = [
        (|| CreateTaskError::ListNotFound, "list_id"),
        (|| CreateTaskError::ParentNotFound, "parent_id"),
        (|| CreateTaskError::ParentInAnotherList, "parent_id"),
        (|| CreateTaskError::TooDeep, "parent_id"),
        (|| CreateTaskError::LabelNotFound, "labels"),
    ];
    for (error, field) in create_cases {
        let mut repo = MockTaskRepo::new();
        repo.expect_create()
            .times(1)
            .returning(move |_, _, _| Err(error()));
        let (named, _) = unprocessable(
            repo,
            json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, &body),
        )
        .await;
        assert_eq!(named, field, "create {:?}", error());
    }
    let update_cases: [(Make<UpdateTaskError>, &str); 6] = [
        (|| UpdateTaskError::ListNotFound, "list_id"),
        (|| UpdateTaskError::ParentNotFound, "parent_id"),
        (|| UpdateTaskError::ParentInAnotherList, "parent_id"),
        (|| UpdateTaskError::TooDeep, "parent_id"),
        (|| UpdateTaskError::Cycle, "parent_id"),
        (|| UpdateTaskError::LabelNotFound, "labels"),
    ];
    for (error, field) in update_cases {
        let mut repo = MockTaskRepo::new();
        repo.expect_replace()
            .times(1)
            .returning(move |_, _, _, _, _| Err(error()));
        let (named, _) = unprocessable(
            repo,
            json_request("PUT", &task_url(ALICE, TASK), ALICE_TOKEN, &body),
        )
        .await;
        assert_eq!(named, field, "PUT {:?}", error());
        let mut repo = MockTaskRepo::new();
        repo.expect_patch()
            .times(1)
            .returning(move |_, _, _, _| Err(error()));
        let (named, _) = unprocessable(
            repo,
            json_request(
                "PATCH",
                &task_url(ALICE, TASK),
                ALICE_TOKEN,
                &json!({"parent_id": PARENT, "list_id": LIST, "labels": [LABEL_1]}).to_string(),
            ),
        )
        .await;
        assert_eq!(named, field, "PATCH {:?}", error());
    }
}

#[actix_web::test]
async fn more_than_twenty_labels_is_422_before_the_store_is_asked() {
    let ids: Vec<String> = (1..=21u128)
        .map(|i| uuid::Uuid::from_u128(i).to_string())
        .collect();
    let reply = send_no_repo(json_request(
        "POST",
        &tasks_url(ALICE),
        ALICE_TOKEN,
        &json!({"title": "t", "labels": ids}).to_string(),
    ))
    .await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["labels"]);
}

#[actix_web::test]
async fn category_is_gone_from_bodies_and_filters() {
    let reply = send_no_repo(json_request(
        "POST",
        &tasks_url(ALICE),
        ALICE_TOKEN,
        r#"{"title":"t","category":"work"}"#,
    ))
    .await;
    let body = reply.problem(422);
    assert_eq!(reply.error_fields(), ["category"]);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("labels"),
        "{body}"
    );
    let reply = send_no_repo(
        TestRequest::get()
            .uri(&format!("{}?category=work", tasks_url(ALICE)))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(400);
    assert_eq!(reply.error_fields(), ["category"]);
}

#[actix_web::test]
async fn a_full_list_is_409_naming_the_limit() {
    let mut repo = MockTaskRepo::new();
    repo.expect_create()
        .returning(|_, _, _| Err(CreateTaskError::LimitReached));
    let reply = send(
        repo,
        verifier(),
        json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, r#"{"title":"x"}"#),
    )
    .await;
    let body = reply.problem(409);
    assert_eq!(body["type"], "urn:todo-api:problem:conflict");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("10000 tasks per list"),
        "{body}"
    );

    let mut repo = MockTaskRepo::new();
    repo.expect_move_task()
        .returning(|_, _, _, _| Err(MoveTaskError::LimitReached));
    let moved = send(
        repo,
        verifier(),
        json_request(
            "POST",
            &move_url(ALICE, TASK),
            ALICE_TOKEN,
            r#"{"list_id":"0190f3a0-0000-7000-8000-0000000000aa"}"#,
        ),
    )
    .await
    .problem(409);
    assert_eq!(moved, body);
}

// --- POST …/move --------------------------------------------------------

#[actix_web::test]
async fn move_passes_destination_and_place_and_answers_the_task() {
    let mut repo = MockTaskRepo::new();
    repo.expect_move_task()
        .withf(|owner, id, to, expected| {
            *owner == alice()
                && *id == task_id()
                && *to
                    == TaskMove {
                        list_id: Some(list_id()),
                        parent_id: Some(Some(parent())),
                        placement: Placement::After(sibling()),
                    }
                && *expected == Some(Version::new(4))
        })
        .times(1)
        .returning(|_, _, _, _| Ok(organized_task(5)));
    let reply = send(
        repo,
        verifier(),
        json_request(
            "POST",
            &move_url(ALICE, TASK),
            ALICE_TOKEN,
            &json!({"list_id": LIST, "parent_id": PARENT, "after": SIBLING}).to_string(),
        )
        .insert_header(("If-Match", "\"4\"")),
    )
    .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.header("etag"), Some("\"5\""));
    assert_eq!(reply.json()["position"], "a1V");
    assert_eq!(reply.json()["parent_id"], PARENT);
}

#[actix_web::test]
async fn an_empty_move_goes_to_the_end_of_the_siblings() {
    let mut repo = MockTaskRepo::new();
    repo.expect_move_task()
        .withf(|_, _, to, expected| {
            *to == TaskMove {
                list_id: None,
                parent_id: None,
                placement: Placement::End,
            } && expected.is_none()
        })
        .times(1)
        .returning(|_, _, _, _| Ok(organized_task(2)));
    let reply = send(
        repo,
        verifier(),
        json_request("POST", &move_url(ALICE, TASK), ALICE_TOKEN, "{}"),
    )
    .await;
    assert_eq!(reply.status, 200);
}

#[actix_web::test]
async fn move_answers_each_store_refusal() {
    let cases: [(Make<MoveTaskError>, u16, Option<&str>); 8] = [
        (|| MoveTaskError::NotFound, 404, None),
        (|| MoveTaskError::VersionMismatch, 412, None),
        (|| MoveTaskError::ListNotFound, 422, Some("list_id")),
        (|| MoveTaskError::ParentNotFound, 422, Some("parent_id")),
        (
            || MoveTaskError::ParentInAnotherList,
            422,
            Some("parent_id"),
        ),
        (|| MoveTaskError::TooDeep, 422, Some("parent_id")),
        (|| MoveTaskError::Cycle, 422, Some("parent_id")),
        (|| MoveTaskError::LimitReached, 409, None),
    ];
    for (error, status, field) in cases {
        let mut repo = MockTaskRepo::new();
        repo.expect_move_task()
            .times(1)
            .returning(move |_, _, _, _| Err(error()));
        let reply = send(
            repo,
            verifier(),
            json_request(
                "POST",
                &move_url(ALICE, TASK),
                ALICE_TOKEN,
                &json!({"list_id": LIST, "parent_id": PARENT}).to_string(),
            ),
        )
        .await;
        reply.problem(status);
        let expected: Vec<String> = field.into_iter().map(str::to_owned).collect();
        assert_eq!(reply.error_fields(), expected, "{:?}", error());
    }
}

#[actix_web::test]
async fn an_anchor_that_is_no_sibling_is_422_naming_before_or_after() {
    for anchor in ["before", "after"] {
        let mut repo = MockTaskRepo::new();
        repo.expect_move_task()
            .times(1)
            .returning(|_, _, _, _| Err(MoveTaskError::AnchorNotFound));
        let (named, _) = unprocessable(
            repo,
            json_request(
                "POST",
                &move_url(ALICE, TASK),
                ALICE_TOKEN,
                &json!({ anchor: SIBLING }).to_string(),
            ),
        )
        .await;
        assert_eq!(named, anchor);
    }
}

fn oversize_move() -> String {
    format!(r#"{{"list_id":"{}"}}"#, "x".repeat(MAX_BODY_BYTES))
}

#[actix_web::test]
async fn move_keeps_the_check_order() {
    let url = move_url(ALICE, TASK);
    // 401: a bad token and every other fault.
    send_no_repo(
        TestRequest::post()
            .uri(&move_url(BOB, "nope"))
            .insert_header(bearer(EXPIRED_TOKEN))
            .insert_header(("If-Match", "bad"))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload(oversize_move()),
    )
    .await
    .problem(401);
    // 403: someone else's path, whatever the rest.
    send_no_repo(
        TestRequest::post()
            .uri(&move_url(BOB, "nope"))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload("{"),
    )
    .await
    .problem(403);
    // 400: the path's id, then a malformed If-Match, before the body.
    let body = send_no_repo(
        TestRequest::post()
            .uri(&move_url(ALICE, "nope"))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload(oversize_move()),
    )
    .await
    .problem(400);
    assert_eq!(body["type"], "urn:todo-api:problem:invalid-path-parameter");
    let body = send_no_repo(
        json_request("POST", &url, ALICE_TOKEN, &oversize_move()).insert_header(("If-Match", "3")),
    )
    .await
    .problem(400);
    assert_eq!(body["type"], "urn:todo-api:problem:invalid-header");
    // 413 before 415, 415 before malformed JSON, which is 400.
    send_no_repo(
        TestRequest::post()
            .uri(&url)
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload(oversize_move()),
    )
    .await
    .problem(413);
    send_no_repo(
        TestRequest::post()
            .uri(&url)
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload("{"),
    )
    .await
    .problem(415);
    let body = send_no_repo(json_request("POST", &url, ALICE_TOKEN, "{"))
        .await
        .problem(400);
    assert_eq!(body["type"], "urn:todo-api:problem:malformed-body");
    send_no_repo(json_request("POST", &url, ALICE_TOKEN, ""))
        .await
        .problem(400);
    // 422 before the store is asked (so before 404, 409 and 412).
    let reply = send_no_repo(
        json_request(
            "POST",
            &url,
            ALICE_TOKEN,
            &json!({"before": SIBLING, "after": SIBLING, "position": "a0"}).to_string(),
        )
        .insert_header(("If-Match", "\"1\", \"2\"")),
    )
    .await;
    reply.problem(422);
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(fields, ["after", "position"]);
    // 404 before 412: with several tags the current version is read first.
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .times(1)
        .returning(|_, _| Err(GetTaskError::NotFound));
    send(
        repo,
        verifier(),
        json_request("POST", &url, ALICE_TOKEN, "{}").insert_header(("If-Match", "\"1\", \"2\"")),
    )
    .await
    .problem(404);
    // 412 when none of them is current, and nothing moves.
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .times(1)
        .returning(|_, id| Ok(sample_task(id, "x", 9)));
    send(
        repo,
        verifier(),
        json_request("POST", &url, ALICE_TOKEN, "{}").insert_header(("If-Match", "\"1\", \"2\"")),
    )
    .await
    .problem(412);
}

#[actix_web::test]
async fn move_is_routed_for_post_only() {
    let reply = send_no_repo(
        TestRequest::get()
            .uri(&move_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(405);
    assert_eq!(reply.header("allow"), Some("POST"));
}

// --- listing ------------------------------------------------------------

#[actix_web::test]
async fn a_lists_tasks_come_in_position_order_and_the_next_page_keeps_the_filters() {
    let mut first = organized_task(1);
    first.id = TaskId::new_v7();
    let last = organized_task(1);
    let page = vec![first, last.clone()];
    let label_query = format!("label={LABEL_2}&label={LABEL_1}");
    let mut repo = MockTaskRepo::new();
    repo.expect_list()
        .withf(|owner, q| {
            *owner == alice()
                && q.list_id == Some(list_id())
                && q.parent == ParentFilter::None
                && q.labels == labels()
                && q.sort == SortKey::Position
                && q.order == SortOrder::Asc
                && q.limit.get() == 2
                && q.cursor().is_none()
        })
        .times(1)
        .returning(move |_, _| {
            Ok(TaskPage {
                tasks: page.clone(),
                has_more: true,
            })
        });
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&format!(
                "{}?list_id={LIST}&parent_id=none&{label_query}&limit=2",
                tasks_url(ALICE)
            ))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let link = reply.header("link").expect("a next page").to_owned();
    let next = link
        .strip_prefix('<')
        .and_then(|l| l.strip_suffix(">; rel=\"next\""))
        .unwrap()
        .to_owned();

    let expected = domain::Cursor::after_task(&last, SortKey::Position, SortOrder::Asc);
    let mut repo = MockTaskRepo::new();
    repo.expect_list()
        .withf(move |_, q| {
            q.list_id == Some(list_id())
                && q.parent == ParentFilter::None
                && q.labels == labels()
                && q.sort == SortKey::Position
                && q.cursor() == Some(&expected)
        })
        .times(1)
        .returning(|_, _| {
            Ok(TaskPage {
                tasks: Vec::new(),
                has_more: false,
            })
        });
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&next)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 200, "{next}");
}

#[actix_web::test]
async fn the_subtasks_of_one_task_can_be_listed() {
    let mut repo = MockTaskRepo::new();
    repo.expect_list()
        .withf(|_, q| {
            q.parent == ParentFilter::Of(parent())
                && q.list_id.is_none()
                && q.sort == SortKey::CreatedAt
                && q.order == SortOrder::Desc
        })
        .times(1)
        .returning(|_, _| {
            Ok(TaskPage {
                tasks: Vec::new(),
                has_more: false,
            })
        });
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&format!("{}?parent_id={PARENT}", tasks_url(ALICE)))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 200);
}

#[actix_web::test]
async fn bad_new_filters_are_400_each_named() {
    let reply = send_no_repo(
        TestRequest::get()
            .uri(&format!(
                "{}?list_id=inbox&parent_id=top&label=work&list_id={LIST}",
                tasks_url(ALICE)
            ))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(400);
    assert_eq!(
        reply.error_fields(),
        ["list_id", "parent_id", "label", "list_id"]
    );
}
