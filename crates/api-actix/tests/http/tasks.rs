//! The task endpoints' successful paths, ETag/If-Match and pagination.

use actix_web::test::TestRequest;
use chrono::{TimeZone, Utc};
use domain::{
    CompletionChange, Cursor, Priority, SortKey, SortOrder, StatusFilter, TaskFields, TaskId,
    TaskLocation, TaskPage, Title, Version,
};
use ports::{GetTaskError, MockTaskRepo, UpdateTaskError};
use serde_json::json;

use crate::support::*;

#[actix_web::test]
async fn create_answers_201_with_location_etag_and_the_task() {
    let mut repo = MockTaskRepo::new();
    repo.expect_create()
        .withf(|owner, fields, location| {
            *owner == alice()
                && *location == TaskLocation::default()
                && fields.title.as_str() == "Write the report"
                && fields.priority == Priority::High
                && fields.due_at == Some(Utc.with_ymd_and_hms(2026, 12, 1, 16, 0, 0).unwrap())
                && fields.description.is_none()
                && !fields.completed
        })
        .times(1)
        .returning(|owner, fields, _| {
            let mut task = sample_task(task_id(), "x", 1);
            task.owner = owner;
            task.fields = fields;
            Ok(task)
        });
    let reply = send(
        repo,
        verifier(),
        json_request(
            "POST",
            &tasks_url(ALICE),
            ALICE_TOKEN,
            r#"{"title":"  Write the report ","priority":"high",
                "due_at":"2026-12-01T17:00:00+01:00","description":null}"#,
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
        Some(format!("/api/{ALICE}/tasks/{TASK}").as_str())
    );
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.json(),
        json!({
            "id": TASK,
            "user_id": ALICE,
            "title": "Write the report",
            "description": null,
            "completed": false,
            "priority": "high",
            "list_id": "00000000-0000-0000-0000-000000000011",
            "parent_id": null,
            "position": "a0",
            "labels": [],
            "subtasks": {"total": 0, "completed": 0},
            "due_at": "2026-12-01T16:00:00Z",
            "due_all_day": false,
            "recurrence": null,
            "recurrence_basis": "due",
            "next_due_at": null,
            "created_at": "2026-11-01T09:30:00Z",
            "updated_at": "2026-11-01T09:30:01Z"
        })
    );
}

#[actix_web::test]
async fn get_answers_the_task_with_its_etag() {
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .withf(|owner, id| *owner == alice() && *id == task_id())
        .returning(|_, id| Ok(sample_task(id, "Buy milk", 7)));
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"7\""));
    assert_eq!(reply.json()["title"], "Buy milk");
    assert_eq!(reply.json()["priority"], "medium");
}

fn get_with_if_none_match(value: &str) -> TestRequest {
    TestRequest::get()
        .uri(&task_url(ALICE, TASK))
        .insert_header(bearer(ALICE_TOKEN))
        .insert_header(("If-None-Match", value))
}

fn repo_with_task_at(version: i64) -> MockTaskRepo {
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .withf(|owner, id| *owner == alice() && *id == task_id())
        .returning(move |_, id| Ok(sample_task(id, "Buy milk", version)));
    repo
}

#[actix_web::test]
async fn if_none_match_with_the_current_version_is_304_without_a_body() {
    for value in [r#""7""#, r#"W/"7""#, r#""3", "7""#, "*"] {
        let reply = send(
            repo_with_task_at(7),
            verifier(),
            get_with_if_none_match(value),
        )
        .await;
        assert_eq!(reply.status, 304, "{value}");
        assert_eq!(reply.header("etag"), Some("\"7\""), "{value}");
        assert!(reply.body.is_empty(), "{value}");
    }
}

#[actix_web::test]
async fn if_none_match_with_an_older_version_gets_the_task() {
    let reply = send(
        repo_with_task_at(8),
        verifier(),
        get_with_if_none_match(r#""7""#),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"8\""));
    assert_eq!(reply.json()["title"], "Buy milk");
}

#[actix_web::test]
async fn if_none_match_keeps_the_check_order() {
    // Malformed: 400 before the store is asked.
    send_no_repo(get_with_if_none_match("7")).await.problem(400);
    // A missing task is 404 even with `*`.
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .returning(|_, _| Err(GetTaskError::NotFound));
    send(repo, verifier(), get_with_if_none_match("*"))
        .await
        .problem(404);
    // No token: 401 first.
    let anonymous = TestRequest::get()
        .uri(&task_url(ALICE, TASK))
        .insert_header(("If-None-Match", "7"));
    send_no_repo(anonymous).await.problem(401);
}

#[actix_web::test]
async fn head_is_answered_on_every_get_route() {
    let reply = send(
        repo_with_task_at(4),
        verifier(),
        TestRequest::default()
            .method(actix_web::http::Method::HEAD)
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"4\""));
    // The same checks as GET: no token, 401.
    let reply = send_no_repo(
        TestRequest::default()
            .method(actix_web::http::Method::HEAD)
            .uri(&tasks_url(ALICE)),
    )
    .await;
    reply.problem(401);
    for path in ["/healthz", "/api/openapi.json"] {
        let reply = send_no_repo(
            TestRequest::default()
                .method(actix_web::http::Method::HEAD)
                .uri(path),
        )
        .await;
        assert_eq!(reply.status, 200, "{path}");
    }
}

#[actix_web::test]
async fn path_user_id_is_case_insensitive_like_any_uuid() {
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .returning(|_, id| Ok(sample_task(id, "x", 1)));
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&task_url(&ALICE.to_uppercase(), TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 200);
}

#[actix_web::test]
async fn put_replaces_every_field_and_defaults_the_omitted_ones() {
    let mut repo = MockTaskRepo::new();
    repo.expect_replace()
        .withf(|owner, id, fields, location, expected| {
            *owner == alice()
                && *id == task_id()
                && *location == TaskLocation::default()
                && *fields == TaskFields::new(Title::parse("Only a title").unwrap())
                && expected.is_none()
        })
        .times(1)
        .returning(|_, id, fields, _, _| {
            let mut task = sample_task(id, "x", 2);
            task.fields = fields;
            Ok(task)
        });
    let reply = send(
        repo,
        verifier(),
        json_request(
            "PUT",
            &task_url(ALICE, TASK),
            ALICE_TOKEN,
            r#"{"title":"Only a title"}"#,
        ),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"2\""));
    assert_eq!(reply.json()["priority"], "medium");
    assert_eq!(reply.json()["completed"], false);
}

#[actix_web::test]
async fn patch_changes_present_fields_and_null_clears() {
    let mut repo = MockTaskRepo::new();
    repo.expect_patch()
        .withf(|_, _, patch, expected| {
            patch.title.is_none()
                && patch.description == Some(None)
                && patch.due_at == Some(None)
                && patch.priority == Some(Priority::Low)
                && patch.labels.is_none()
                && patch.completed == Some(true)
                && *expected == Some(Version::new(4))
        })
        .times(1)
        .returning(|_, id, _, _| Ok(sample_task(id, "x", 5)));
    let reply = send(
        repo,
        verifier(),
        json_request(
            "PATCH",
            &task_url(ALICE, TASK),
            ALICE_TOKEN,
            r#"{"description":null,"due_at":null,"priority":"low","completed":true}"#,
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
}

#[actix_web::test]
async fn merge_patch_media_type_is_accepted() {
    let mut repo = MockTaskRepo::new();
    repo.expect_patch()
        .times(1)
        .returning(|_, id, _, _| Ok(sample_task(id, "x", 2)));
    let reply = send(
        repo,
        verifier(),
        json_request("PATCH", &task_url(ALICE, TASK), ALICE_TOKEN, "{}").insert_header((
            "Content-Type",
            "application/merge-patch+json; charset=utf-8",
        )),
    )
    .await;
    assert_eq!(reply.status, 200);
}

async fn complete_with(req: TestRequest, change: CompletionChange) -> u16 {
    let mut repo = MockTaskRepo::new();
    repo.expect_set_completed()
        .withf(move |owner, id, c, expected| {
            *owner == alice() && *id == task_id() && *c == change && expected.is_none()
        })
        .times(1)
        .returning(|_, id, _, _| {
            let mut task = sample_task(id, "x", 3);
            task.fields.completed = true;
            Ok(task)
        });
    let reply = send(repo, verifier(), req).await;
    assert_eq!(reply.header("etag"), Some("\"3\""));
    reply.status.as_u16()
}

#[actix_web::test]
async fn complete_toggles_without_a_body_and_sets_with_one() {
    let url = format!("{}/complete", task_url(ALICE, TASK));
    let no_body = TestRequest::patch()
        .uri(&url)
        .insert_header(bearer(ALICE_TOKEN));
    assert_eq!(complete_with(no_body, CompletionChange::Toggle).await, 200);
    let empty_object = json_request("PATCH", &url, ALICE_TOKEN, "{}");
    assert_eq!(
        complete_with(empty_object, CompletionChange::Toggle).await,
        200
    );
    let empty_json_typed = json_request("PATCH", &url, ALICE_TOKEN, "");
    assert_eq!(
        complete_with(empty_json_typed, CompletionChange::Toggle).await,
        200
    );
    let set = json_request("PATCH", &url, ALICE_TOKEN, r#"{"completed":false}"#);
    assert_eq!(complete_with(set, CompletionChange::Set(false)).await, 200);
}

#[actix_web::test]
async fn delete_answers_204_without_a_body() {
    let mut repo = MockTaskRepo::new();
    repo.expect_delete()
        .withf(|owner, id, expected| *owner == alice() && *id == task_id() && expected.is_none())
        .times(1)
        .returning(|_, _, _| Ok(()));
    let reply = send(
        repo,
        verifier(),
        TestRequest::delete()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert!(reply.body.is_empty());
}

fn delete_with_if_match(value: &str) -> TestRequest {
    TestRequest::delete()
        .uri(&task_url(ALICE, TASK))
        .insert_header(bearer(ALICE_TOKEN))
        .insert_header(("If-Match", value.to_owned()))
}

#[actix_web::test]
async fn if_match_passes_the_version_and_stale_is_412() {
    let mut repo = MockTaskRepo::new();
    repo.expect_delete()
        .withf(|_, _, expected| *expected == Some(Version::new(3)))
        .times(1)
        .returning(|_, _, _| Err(ports::DeleteTaskError::VersionMismatch));
    let reply = send(repo, verifier(), delete_with_if_match("\"3\"")).await;
    let body = reply.problem(412);
    assert_eq!(body["type"], "urn:todo-api:problem:precondition-failed");
}

#[actix_web::test]
async fn if_match_star_is_unconditional() {
    let mut repo = MockTaskRepo::new();
    repo.expect_delete()
        .withf(|_, _, expected| expected.is_none())
        .times(1)
        .returning(|_, _, _| Ok(()));
    assert_eq!(
        send(repo, verifier(), delete_with_if_match("*"))
            .await
            .status,
        204
    );
}

#[actix_web::test]
async fn weak_or_foreign_tags_never_match() {
    for value in ["W/\"3\"", "\"abc\""] {
        let mut repo = MockTaskRepo::new();
        repo.expect_replace()
            .withf(|_, _, _, _, expected| *expected == Some(Version::new(0)))
            .times(1)
            .returning(|_, _, _, _, _| Err(UpdateTaskError::VersionMismatch));
        let reply = send(
            repo,
            verifier(),
            json_request(
                "PUT",
                &task_url(ALICE, TASK),
                ALICE_TOKEN,
                r#"{"title":"t"}"#,
            )
            .insert_header(("If-Match", value)),
        )
        .await;
        reply.problem(412);
    }
}

#[actix_web::test]
async fn if_match_list_writes_against_the_matching_current_version() {
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .times(1)
        .returning(|_, id| Ok(sample_task(id, "x", 5)));
    repo.expect_patch()
        .withf(|_, _, _, expected| *expected == Some(Version::new(5)))
        .times(1)
        .returning(|_, id, _, _| Ok(sample_task(id, "x", 6)));
    let reply = send(
        repo,
        verifier(),
        json_request(
            "PATCH",
            &task_url(ALICE, TASK),
            ALICE_TOKEN,
            r#"{"title":"t"}"#,
        )
        .insert_header(("If-Match", "\"4\", \"5\"")),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"6\""));
}

#[actix_web::test]
async fn if_match_list_without_the_current_version_is_412_and_writes_nothing() {
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .times(1)
        .returning(|_, id| Ok(sample_task(id, "x", 9)));
    let reply = send(repo, verifier(), delete_with_if_match("\"4\", \"5\"")).await;
    reply.problem(412);
}

#[actix_web::test]
async fn if_match_list_on_a_missing_task_is_404() {
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .times(1)
        .returning(|_, _| Err(GetTaskError::NotFound));
    let reply = send(repo, verifier(), delete_with_if_match("\"4\", \"5\"")).await;
    reply.problem(404);
}

fn tasks(n: usize) -> Vec<domain::Task> {
    (0..n)
        .map(|i| sample_task(TaskId::new_v7(), &format!("task {i}"), 1))
        .collect()
}

/// Extracts the URL from `Link: <URL>; rel="next"`.
fn next_link(reply: &Reply) -> Option<String> {
    let link = reply.header("link")?;
    let (url, rel) = link.split_once("; ")?;
    assert_eq!(rel, "rel=\"next\"");
    Some(url.strip_prefix('<')?.strip_suffix('>')?.to_owned())
}

#[actix_web::test]
async fn list_passes_filters_and_links_the_next_page_with_them() {
    let page = tasks(2);
    let last = page[1].clone();
    let mut repo = MockTaskRepo::new();
    repo.expect_list()
        .withf(|owner, q| {
            *owner == alice()
                && q.status == StatusFilter::Pending
                && q.priority == Some(Priority::High)
                && q.search.as_ref().map(|s| s.as_str()) == Some("milk")
                && q.due_before == Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap())
                && q.sort == SortKey::Title
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
    let query = "status=pending&priority=high&q=milk\
                 &due_before=2030-01-01T00:00:00Z&sort=title&order=asc&limit=2";
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&format!("{}?{query}", tasks_url(ALICE)))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body.as_array().unwrap().len(), 2);
    assert_eq!(body[1]["id"], last.id.to_string());
    let next = next_link(&reply).expect("a next link");
    assert!(next.starts_with(&format!("/api/{ALICE}/tasks?")), "{next}");

    // Following the link sends the same filters plus the cursor after the
    // last task of the first page.
    let expected_cursor = Cursor::after_task(&last, SortKey::Title, SortOrder::Asc);
    let mut repo = MockTaskRepo::new();
    repo.expect_list()
        .withf(move |_, q| {
            q.status == StatusFilter::Pending
                && q.priority == Some(Priority::High)
                && q.search.as_ref().map(|s| s.as_str()) == Some("milk")
                && q.limit.get() == 2
                && q.cursor() == Some(&expected_cursor)
        })
        .times(1)
        .returning(|_, _| {
            Ok(TaskPage {
                tasks: tasks(1),
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
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json().as_array().unwrap().len(), 1);
    assert_eq!(next_link(&reply), None, "last page has no next link");
}

#[actix_web::test]
async fn list_defaults_to_newest_first_fifty() {
    let mut repo = MockTaskRepo::new();
    repo.expect_list()
        .withf(|_, q| *q == domain::TaskQuery::default())
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
            .uri(&tasks_url(ALICE))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!([]));
    assert_eq!(reply.header("link"), None);
}
