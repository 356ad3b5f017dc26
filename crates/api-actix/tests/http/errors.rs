//! Every error status, the problem+json shape, and the order in which the
//! checks run when a request has several faults.

use actix_web::test::TestRequest;
use api_actix::http::request_body::MAX_BODY_BYTES;
use ports::{
    CreateTaskError, DeleteTaskError, GetTaskError, ListTasksError, MockTaskRepo, RepoUnavailable,
    UpdateTaskError,
};

use crate::support::*;

const VALID: &str = r#"{"title":"ok"}"#;

fn oversize_body() -> String {
    format!(r#"{{"title":"{}"}}"#, "x".repeat(MAX_BODY_BYTES))
}

// --- 401 ---------------------------------------------------------------

/// RFC 6750 §3.1: a request without credentials gets the bare challenge,
/// one whose token was refused gets `error="invalid_token"`.
const NO_CREDENTIALS: &str = r#"Bearer realm="todo-api""#;
const INVALID_TOKEN: &str = r#"Bearer error="invalid_token""#;

async fn unauthorized(req: TestRequest, challenge: &str) -> serde_json::Value {
    let reply = send_no_repo(req).await;
    let body = reply.problem(401);
    assert_eq!(reply.header("www-authenticate"), Some(challenge));
    body
}

#[actix_web::test]
async fn every_authentication_failure_is_the_same_401() {
    let url = task_url(ALICE, TASK);
    let bodies = [
        unauthorized(TestRequest::get().uri(&url), NO_CREDENTIALS).await,
        // An unsupported scheme counts as no credentials (RFC 6750 §3.1).
        unauthorized(
            TestRequest::get()
                .uri(&url)
                .insert_header(("Authorization", "Basic YWxpY2U6cHc=")),
            NO_CREDENTIALS,
        )
        .await,
        unauthorized(
            TestRequest::get()
                .uri(&url)
                .insert_header(("Authorization", "Bearer ")),
            INVALID_TOKEN,
        )
        .await,
        unauthorized(
            TestRequest::get()
                .uri(&url)
                .insert_header(bearer(EXPIRED_TOKEN)),
            INVALID_TOKEN,
        )
        .await,
        unauthorized(
            TestRequest::get()
                .uri(&url)
                .insert_header(bearer("garbage")),
            INVALID_TOKEN,
        )
        .await,
    ];
    for body in &bodies {
        assert_eq!(body, &bodies[0]);
    }
    assert_eq!(bodies[0]["type"], "urn:todo-api:problem:unauthorized");
}

#[actix_web::test]
async fn a_deleted_account_gets_401_on_create() {
    let mut repo = MockTaskRepo::new();
    repo.expect_create()
        .returning(|_, _, _| Err(CreateTaskError::UnknownOwner));
    let reply = send(
        repo,
        verifier(),
        json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, VALID),
    )
    .await;
    reply.problem(401);
    assert!(reply.header("www-authenticate").is_some());
}

#[actix_web::test]
async fn verifier_without_keys_is_503_not_401() {
    let reply = send_no_repo(
        TestRequest::get()
            .uri(&tasks_url(ALICE))
            .insert_header(bearer(NO_KEYS_TOKEN)),
    )
    .await;
    reply.problem(503);
    assert_eq!(reply.header("retry-after"), Some("5"));
    assert_eq!(reply.header("www-authenticate"), None);
}

// --- 403 ---------------------------------------------------------------

#[actix_web::test]
async fn another_users_path_is_403() {
    for user in [BOB, "me", "33e85bcb"] {
        let reply = send_no_repo(
            TestRequest::get()
                .uri(&tasks_url(user))
                .insert_header(bearer(ALICE_TOKEN)),
        )
        .await;
        let body = reply.problem(403);
        assert_eq!(body["type"], "urn:todo-api:problem:forbidden");
    }
}

// --- 400 ---------------------------------------------------------------

#[actix_web::test]
async fn a_task_id_that_is_not_a_uuid_is_400() {
    let reply = send_no_repo(
        TestRequest::get()
            .uri(&task_url(ALICE, "42"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    let body = reply.problem(400);
    assert_eq!(body["type"], "urn:todo-api:problem:invalid-path-parameter");
}

#[actix_web::test]
async fn bad_query_parameters_are_400_and_each_is_named() {
    let reply = send_no_repo(
        TestRequest::get()
            .uri(&format!(
                "{}?limit=0&sort=colour&due_after=yesterday&unknown=1&cursor=%%%",
                tasks_url(ALICE)
            ))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    let body = reply.problem(400);
    assert_eq!(body["type"], "urn:todo-api:problem:invalid-query");
    assert_eq!(
        reply.error_fields(),
        ["limit", "sort", "due_after", "unknown", "cursor"]
    );
}

#[actix_web::test]
async fn malformed_bodies_are_400() {
    let cases: [&[u8]; 7] = [
        b"{\"title\": ",
        b"[1, 2]",
        b"\"just a string\"",
        b"null",
        b"{\"title\": \"\xff\xfe\"}",
        b"{\"title\": \"ok\"} trailing",
        b"\xef\xbb\xbf{\"title\": \"bom\"}",
    ];
    for body in cases {
        let reply = send_no_repo(
            TestRequest::post()
                .uri(&tasks_url(ALICE))
                .insert_header(bearer(ALICE_TOKEN))
                .insert_header(("Content-Type", "application/json"))
                .set_payload(body.to_vec()),
        )
        .await;
        let problem = reply.problem(400);
        assert_eq!(
            problem["type"],
            "urn:todo-api:problem:malformed-body",
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[actix_web::test]
async fn an_empty_body_is_400_where_one_is_required() {
    let reply = send_no_repo(json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, "")).await;
    reply.problem(400);
}

#[actix_web::test]
async fn a_malformed_if_match_is_400() {
    let reply = send_no_repo(
        TestRequest::delete()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("If-Match", "3")),
    )
    .await;
    let body = reply.problem(400);
    assert_eq!(body["type"], "urn:todo-api:problem:invalid-header");
}

// --- 413 ---------------------------------------------------------------

#[actix_web::test]
async fn bodies_over_64_kib_are_413_by_header_or_by_content() {
    let reply = send_no_repo(json_request(
        "POST",
        &tasks_url(ALICE),
        ALICE_TOKEN,
        &oversize_body(),
    ))
    .await;
    reply.problem(413);

    // A Content-Length that understates the body does not get it through.
    let reply = send_no_repo(
        json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, &oversize_body())
            .insert_header(("Content-Length", "10")),
    )
    .await;
    reply.problem(413);
}

#[actix_web::test]
async fn exactly_64_kib_is_read_and_validated() {
    let padding = MAX_BODY_BYTES - r#"{"title":"ok","description":""}"#.len();
    let body = format!(
        r#"{{"title":"ok","description":"{}"}}"#,
        "d".repeat(padding)
    );
    assert_eq!(body.len(), MAX_BODY_BYTES);
    let reply = send_no_repo(json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, &body)).await;
    // Within the size limit, so it reaches validation (description > 4000).
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["description"]);

    let body = format!(
        r#"{{"title":"ok","description":"{}"}}"#,
        "d".repeat(padding + 1)
    );
    let reply = send_no_repo(json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, &body)).await;
    reply.problem(413);
}

// --- 415 ---------------------------------------------------------------

#[actix_web::test]
async fn non_json_bodies_are_415() {
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/json; charset=iso-8859-1"),
        None,
    ] {
        let mut req = TestRequest::post()
            .uri(&tasks_url(ALICE))
            .insert_header(bearer(ALICE_TOKEN))
            .set_payload(VALID);
        if let Some(content_type) = content_type {
            req = req.insert_header(("Content-Type", content_type));
        }
        let reply = send_no_repo(req).await;
        reply.problem(415);
    }
    let reply = send_no_repo(
        json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, VALID)
            .insert_header(("Content-Encoding", "gzip")),
    )
    .await;
    reply.problem(415);
}

#[actix_web::test]
async fn complete_with_a_non_json_body_is_415() {
    let reply = send_no_repo(
        TestRequest::patch()
            .uri(&format!("{}/complete", task_url(ALICE, TASK)))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload("true"),
    )
    .await;
    reply.problem(415);
}

// --- 422 ---------------------------------------------------------------

#[actix_web::test]
async fn validation_errors_name_every_field() {
    let reply = send_no_repo(json_request(
        "POST",
        &tasks_url(ALICE),
        ALICE_TOKEN,
        r#"{"title":"   ","priority":"urgent","due_at":"tomorrow","category":7,
            "id":"x","user_id":"y","updated_at":"z","colour":"red"}"#,
    ))
    .await;
    let body = reply.problem(422);
    assert_eq!(body["type"], "urn:todo-api:problem:validation-failed");
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "category",
            "colour",
            "due_at",
            "id",
            "priority",
            "title",
            "updated_at",
            "user_id"
        ]
    );
    let errors = body["errors"].as_array().unwrap();
    let message = |f: &str| {
        errors.iter().find(|e| e["field"] == f).unwrap()["message"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(message("title"), "must not be empty");
    assert_eq!(message("id"), "is read-only and cannot be set");
    assert_eq!(message("colour"), "is not a known field");
}

#[actix_web::test]
async fn title_is_required_on_create_and_put_and_not_nullable_on_patch() {
    for (method, url, body) in [
        ("POST", tasks_url(ALICE), "{}"),
        ("PUT", task_url(ALICE, TASK), r#"{"priority":"low"}"#),
        ("PATCH", task_url(ALICE, TASK), r#"{"title":null}"#),
        (
            "PATCH",
            task_url(ALICE, TASK),
            &format!(r#"{{"title":"{}"}}"#, "a".repeat(201)),
        ),
    ] {
        let reply = send_no_repo(json_request(method, &url, ALICE_TOKEN, body)).await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), ["title"], "{method} {body}");
    }
}

#[actix_web::test]
async fn complete_refuses_a_non_boolean() {
    let reply = send_no_repo(json_request(
        "PATCH",
        &format!("{}/complete", task_url(ALICE, TASK)),
        ALICE_TOKEN,
        r#"{"completed":"yes"}"#,
    ))
    .await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["completed"]);
}

// --- 404 / 405 ---------------------------------------------------------

#[actix_web::test]
async fn missing_or_foreign_tasks_are_404_from_every_operation() {
    let url = task_url(ALICE, TASK);
    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .returning(|_, _| Err(GetTaskError::NotFound));
    let get = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&url)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await
    .problem(404);

    let mut repo = MockTaskRepo::new();
    repo.expect_replace()
        .returning(|_, _, _, _, _| Err(UpdateTaskError::NotFound));
    let put = send(
        repo,
        verifier(),
        json_request("PUT", &url, ALICE_TOKEN, VALID),
    )
    .await
    .problem(404);

    let mut repo = MockTaskRepo::new();
    repo.expect_set_completed()
        .returning(|_, _, _, _| Err(UpdateTaskError::NotFound));
    let complete = send(
        repo,
        verifier(),
        TestRequest::patch()
            .uri(&format!("{url}/complete"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await
    .problem(404);

    let mut repo = MockTaskRepo::new();
    repo.expect_delete()
        .returning(|_, _, _| Err(DeleteTaskError::NotFound));
    let delete = send(
        repo,
        verifier(),
        TestRequest::delete()
            .uri(&url)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await
    .problem(404);

    for body in [put, complete, delete] {
        assert_eq!(body, get);
    }
}

#[actix_web::test]
async fn unknown_routes_are_problem_404() {
    for uri in [
        "/",
        "/api",
        "/api/tasks",
        &format!("/api/{ALICE}/tasks/{TASK}/extra"),
        &format!("/api/{ALICE}/tasks/"),
    ] {
        let reply = send_no_repo(
            TestRequest::get()
                .uri(uri)
                .insert_header(bearer(ALICE_TOKEN)),
        )
        .await;
        let body = reply.problem(404);
        assert_eq!(body["type"], "urn:todo-api:problem:not-found", "{uri}");
    }
}

#[actix_web::test]
async fn wrong_methods_are_problem_405_with_allow() {
    let reply = send_no_repo(
        TestRequest::post()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(405);
    assert_eq!(reply.header("allow"), Some("GET, HEAD, PUT, PATCH, DELETE"));
    let reply = send_no_repo(TestRequest::delete().uri("/healthz")).await;
    reply.problem(405);
    assert_eq!(reply.header("allow"), Some("GET, HEAD"));
}

// --- 503 / 500 ---------------------------------------------------------

fn down() -> RepoUnavailable {
    RepoUnavailable("connection refused".into())
}

#[actix_web::test]
async fn an_unreachable_database_is_503_with_retry_after() {
    let mut repo = MockTaskRepo::new();
    repo.expect_list()
        .returning(|_, _| Err(ListTasksError::Unavailable(down())));
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&tasks_url(ALICE))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    let body = reply.problem(503);
    assert_eq!(reply.header("retry-after"), Some("5"));
    assert_eq!(body["type"], "urn:todo-api:problem:service-unavailable");
    assert!(!String::from_utf8_lossy(&reply.body).contains("refused"));

    let mut repo = MockTaskRepo::new();
    repo.expect_create()
        .returning(|_, _, _| Err(CreateTaskError::Unavailable(down())));
    let reply = send(
        repo,
        verifier(),
        json_request("POST", &tasks_url(ALICE), ALICE_TOKEN, VALID),
    )
    .await;
    reply.problem(503);
    assert_eq!(reply.header("retry-after"), Some("5"));
}

#[actix_web::test]
async fn internal_failures_are_500_without_details() {
    let mut repo = MockTaskRepo::new();
    repo.expect_get().returning(|_, _| {
        Err(GetTaskError::Internal(
            "relation \"tasks\" does not exist at postgres://app:pw@db".into(),
        ))
    });
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(500);
    let text = String::from_utf8_lossy(&reply.body);
    assert!(
        !text.contains("relation") && !text.contains("postgres"),
        "{text}"
    );
}

#[actix_web::test]
async fn a_panicking_handler_becomes_a_500_problem() {
    let mut repo = MockTaskRepo::new();
    repo.expect_get().returning(|_, _| panic!("bug"));
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(500);
}

// --- check order -------------------------------------------------------

#[actix_web::test]
async fn bad_token_wins_over_everything_else() {
    // Wrong user, bad id, malformed If-Match, oversize non-JSON body.
    let reply = send_no_repo(
        TestRequest::put()
            .uri(&task_url(BOB, "nope"))
            .insert_header(bearer(EXPIRED_TOKEN))
            .insert_header(("If-Match", "bad"))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload(oversize_body()),
    )
    .await;
    reply.problem(401);
}

#[actix_web::test]
async fn verifier_outage_wins_over_the_ownership_check() {
    let reply = send_no_repo(
        TestRequest::get()
            .uri(&tasks_url(BOB))
            .insert_header(bearer(NO_KEYS_TOKEN)),
    )
    .await;
    reply.problem(503);
}

#[actix_web::test]
async fn wrong_user_wins_over_bad_input() {
    let reply = send_no_repo(
        TestRequest::patch()
            .uri(&task_url(BOB, "nope"))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "application/json"))
            .set_payload("{not json"),
    )
    .await;
    reply.problem(403);
    let reply = send_no_repo(
        TestRequest::get()
            .uri(&format!("{}?limit=1000", tasks_url(BOB)))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    reply.problem(403);
}

#[actix_web::test]
async fn bad_path_id_wins_over_body_problems() {
    let reply = send_no_repo(
        TestRequest::put()
            .uri(&task_url(ALICE, "nope"))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload(oversize_body()),
    )
    .await;
    let body = reply.problem(400);
    assert_eq!(body["type"], "urn:todo-api:problem:invalid-path-parameter");
}

#[actix_web::test]
async fn malformed_if_match_wins_over_body_problems() {
    let reply = send_no_repo(
        json_request("PUT", &task_url(ALICE, TASK), ALICE_TOKEN, &oversize_body())
            .insert_header(("If-Match", "bad")),
    )
    .await;
    let body = reply.problem(400);
    assert_eq!(body["type"], "urn:todo-api:problem:invalid-header");
}

#[actix_web::test]
async fn oversize_wins_over_media_type() {
    let reply = send_no_repo(
        TestRequest::post()
            .uri(&tasks_url(ALICE))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload(oversize_body()),
    )
    .await;
    reply.problem(413);
}

#[actix_web::test]
async fn media_type_wins_over_malformed_json() {
    let reply = send_no_repo(
        TestRequest::post()
            .uri(&tasks_url(ALICE))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("Content-Type", "text/plain"))
            .set_payload("{not json"),
    )
    .await;
    reply.problem(415);
}

#[actix_web::test]
async fn validation_wins_over_not_found_and_stale_versions() {
    // The repository is never asked, so neither 404 nor 412 can happen
    // before the body is valid.
    let reply = send_no_repo(
        json_request(
            "PATCH",
            &task_url(ALICE, TASK),
            ALICE_TOKEN,
            r#"{"title":""}"#,
        )
        .insert_header(("If-Match", "\"1\", \"2\"")),
    )
    .await;
    reply.problem(422);
}

#[actix_web::test]
async fn not_found_wins_over_a_stale_if_match() {
    let mut repo = MockTaskRepo::new();
    repo.expect_delete()
        .withf(|_, _, expected| expected.is_some())
        .returning(|_, _, _| Err(DeleteTaskError::NotFound));
    let reply = send(
        repo,
        verifier(),
        TestRequest::delete()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("If-Match", "\"99\"")),
    )
    .await;
    reply.problem(404);
}
