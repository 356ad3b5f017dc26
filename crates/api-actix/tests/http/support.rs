//! Shared fixtures: two users with their tokens, mocked ports, and a way to
//! send one request through the real app factory.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::{TestRequest, init_service, read_body, try_call_service};
use api_actix::{AppState, build_app};
use chrono::{TimeZone, Utc};
use domain::{Principal, Task, TaskFields, TaskId, Title, UserId, Version};
use ports::{AuthError, MockTaskRepo, MockTokenVerifier};
use serde_json::Value;

pub const ALICE: &str = "33e85bcb-82d5-4511-b8fc-1f6806a44a90";
pub const BOB: &str = "f1cd4d08-7a2a-4cdf-b080-6b13e16933dc";
pub const ALICE_TOKEN: &str = "alice.token.sig";
pub const BOB_TOKEN: &str = "bob.token.sig";
pub const EXPIRED_TOKEN: &str = "expired.token.sig";
/// A token the verifier cannot judge: it has no keys yet.
pub const NO_KEYS_TOKEN: &str = "nokeys.token.sig";
pub const TASK: &str = "0190f3a0-0000-7000-8000-000000000001";

pub fn alice() -> UserId {
    UserId::parse(ALICE).unwrap()
}

pub fn task_id() -> TaskId {
    TaskId::parse(TASK).unwrap()
}

pub fn bearer(token: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {token}"))
}

/// The verifier accepts exactly ALICE_TOKEN and BOB_TOKEN.
pub fn verifier() -> MockTokenVerifier {
    let mut verifier = MockTokenVerifier::new();
    verifier.expect_verify().returning(|token| match token {
        ALICE_TOKEN => Ok(Principal::new(UserId::parse(ALICE).unwrap())),
        BOB_TOKEN => Ok(Principal::new(UserId::parse(BOB).unwrap())),
        NO_KEYS_TOKEN => Err(AuthError::Unavailable("no keys loaded".into())),
        _ => Err(AuthError::Rejected("bad signature".into())),
    });
    verifier.expect_is_ready().return_const(true);
    verifier
}

pub fn sample_task(id: TaskId, title: &str, version: i64) -> Task {
    let created = Utc.with_ymd_and_hms(2026, 11, 1, 9, 30, 0).unwrap();
    Task {
        id,
        owner: alice(),
        fields: TaskFields::new(Title::parse(title).unwrap()),
        list_id: domain::ListId::from_uuid(uuid::Uuid::from_u128(0x11)),
        parent_id: None,
        position: domain::Position::first(),
        subtasks: domain::SubtaskCounts::default(),
        next_due_at: None,
        created_at: created,
        updated_at: created + chrono::Duration::seconds(version),
        version: Version::new(version),
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// Asserts an RFC 9457 problem with this status, and returns it.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        let body = self.json();
        assert_eq!(body["status"], status);
        assert!(
            body["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:todo-api:problem:")
        );
        assert!(!body["title"].as_str().unwrap().is_empty());
        assert!(!body["detail"].as_str().unwrap().is_empty());
        body
    }

    /// The `field` of every entry in `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Sends one request through `build_app` with these mocks.
pub async fn send(repo: MockTaskRepo, verifier: MockTokenVerifier, req: TestRequest) -> Reply {
    let state = AppState {
        trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
        idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
        transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
        repo: Arc::new(repo),
        verifier: Arc::new(verifier),
        lists: Arc::new(ports::MockListRepo::new()),
        labels: Arc::new(ports::MockLabelRepo::new()),
        preferences: Arc::new(ports::MockPreferencesRepo::new()),
        changes: Arc::new(ports::MockChangeLog::new()),
        signals: Arc::new(ports::MockChangeSignals::new()),
    };
    send_to(state, req).await
}

/// Sends one request through `build_app` with this state.
pub async fn send_to(state: AppState, req: TestRequest) -> Reply {
    let app = init_service(build_app(state)).await;
    // An `Err` from the service is what the server turns into a response
    // with the error's own `error_response`; do the same here.
    let (status, headers, body) = match try_call_service(&app, req.to_request()).await {
        Ok(res) => (
            res.status(),
            res.headers().clone(),
            read_body(res).await.to_vec(),
        ),
        Err(error) => {
            let res = error.error_response();
            let status = res.status();
            let headers = res.headers().clone();
            let body = actix_web::body::to_bytes(res.into_body())
                .await
                .unwrap()
                .to_vec();
            (status, headers, body)
        }
    };
    Reply {
        status,
        headers,
        body,
    }
}

/// Sends with a repository that must not be called at all (any call
/// panics in the mock, which the app turns into a 500).
pub async fn send_no_repo(req: TestRequest) -> Reply {
    send(MockTaskRepo::new(), verifier(), req).await
}

pub fn tasks_url(user: &str) -> String {
    format!("/api/{user}/tasks")
}

pub fn task_url(user: &str, id: &str) -> String {
    format!("/api/{user}/tasks/{id}")
}

pub fn json_request(method: &str, uri: &str, token: &str, body: &str) -> TestRequest {
    TestRequest::default()
        .method(method.parse().unwrap())
        .uri(uri)
        .insert_header(bearer(token))
        .insert_header(("Content-Type", "application/json"))
        .set_payload(body.to_owned())
}
