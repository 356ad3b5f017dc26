//! The OpenAPI document matches what the app serves.

use std::collections::BTreeSet;

use actix_web::http::Method;
use actix_web::test::TestRequest;
use api_actix::dto::TaskDto;
use api_actix::{endpoints, list_query, task_input};
use ports::{MockTaskRepo, MockTokenVerifier};
use serde_json::Value;

use crate::support::*;

async fn document() -> Value {
    let reply = send(
        MockTaskRepo::new(),
        MockTokenVerifier::new(),
        TestRequest::get().uri("/api/openapi.json"),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    reply.json()
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[actix_web::test]
async fn is_openapi_3_1() {
    let doc = document().await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "todo-api");
}

#[actix_web::test]
async fn todo_api_openapi_prints_the_served_document() {
    // The real binary, with no settings at all: the subcommand needs none.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_todo-api"))
        .arg("openapi")
        .env_clear()
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "todo-api openapi failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, document().await);
}

#[actix_web::test]
async fn documents_exactly_the_routes_the_app_serves() {
    let doc = document().await;
    let served: BTreeSet<(String, String)> = endpoints()
        .iter()
        .map(|e| (e.method.to_string(), e.path.to_owned()))
        .collect();
    assert_eq!(operations(&doc), served);
}

#[actix_web::test]
async fn every_route_in_the_table_is_really_routed() {
    // Requests without a token: a routed task endpoint answers 401, an
    // unrouted one would be 404 or 405.
    for endpoint in endpoints() {
        let uri = endpoint
            .path
            .replace("{user_id}", ALICE)
            .replace("{id}", TASK);
        let mut repo = MockTaskRepo::new();
        repo.expect_ping().returning(|| Ok(()));
        let mut verifier = MockTokenVerifier::new();
        verifier.expect_is_ready().return_const(true);
        let reply = send(
            repo,
            verifier,
            TestRequest::default()
                .method(endpoint.method.clone())
                .uri(&uri),
        )
        .await;
        let expected = if uri.starts_with("/api/") && uri != "/api/openapi.json" {
            401
        } else {
            200
        };
        assert_eq!(reply.status, expected, "{} {uri}", endpoint.method);
    }
}

#[actix_web::test]
async fn protected_operations_declare_bearer_security_and_their_errors() {
    let doc = document().await;
    for (method, path) in operations(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        let statuses = keys(&op["responses"]);
        if !path.starts_with("/api/{user_id}") {
            continue;
        }
        assert_eq!(
            op["security"],
            serde_json::json!([{"bearer": []}]),
            "{method} {path}"
        );
        for status in ["400", "401", "403", "500", "503"] {
            assert!(statuses.contains(status), "{method} {path} lacks {status}");
        }
        if path.contains("{id}") {
            assert!(statuses.contains("404"), "{method} {path}");
        }
        if [Method::PUT, Method::PATCH, Method::DELETE]
            .iter()
            .any(|m| m.as_str() == method)
        {
            assert!(statuses.contains("412"), "{method} {path}");
            let params: Vec<&str> = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert!(params.contains(&"If-Match"), "{method} {path}");
        }
        if op.get("requestBody").is_some() {
            for status in ["413", "415", "422"] {
                assert!(statuses.contains(status), "{method} {path} lacks {status}");
            }
        }
    }
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(bearer["scheme"], "bearer");
}

#[actix_web::test]
async fn error_responses_are_problem_json_with_their_headers() {
    let doc = document().await;
    let responses = &doc["components"]["responses"];
    for name in keys(responses) {
        let content = &responses[&name]["content"];
        assert_eq!(keys(content), set(&["application/problem+json"]), "{name}");
        assert_eq!(
            content["application/problem+json"]["schema"]["$ref"], "#/components/schemas/Problem",
            "{name}"
        );
    }
    assert!(
        responses["Unauthorized"]["headers"]
            .get("WWW-Authenticate")
            .is_some()
    );
    assert!(
        responses["ServiceUnavailable"]["headers"]
            .get("Retry-After")
            .is_some()
    );
    let problem = &doc["components"]["schemas"]["Problem"];
    assert_eq!(
        keys(&problem["properties"]),
        set(&["type", "title", "status", "detail", "errors"])
    );
}

#[actix_web::test]
async fn documented_bodies_and_parameters_are_the_ones_parsed() {
    let doc = document().await;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        keys(&schemas["TaskInput"]["properties"]),
        set(&task_input::EDITABLE_FIELDS)
    );
    assert_eq!(
        schemas["TaskInput"]["required"],
        serde_json::json!(["title"])
    );
    assert_eq!(schemas["TaskInput"]["additionalProperties"], false);
    assert_eq!(
        keys(&schemas["TaskPatch"]["properties"]),
        set(&task_input::EDITABLE_FIELDS)
    );
    assert_eq!(
        keys(&schemas["CompletionInput"]["properties"]),
        set(&task_input::COMPLETION_FIELDS)
    );

    let complete = &doc["paths"]["/api/{user_id}/tasks/{id}/complete"]["patch"]["requestBody"];
    assert_eq!(complete["required"], false);
    let create = &doc["paths"]["/api/{user_id}/tasks"]["post"]["requestBody"];
    assert_eq!(create["required"], true);

    let list = &doc["paths"]["/api/{user_id}/tasks"]["get"]["parameters"];
    let query: BTreeSet<String> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(query, set(&list_query::PARAMETERS));
}

#[actix_web::test]
async fn documented_task_is_the_served_task() {
    let doc = document().await;
    let task = &doc["components"]["schemas"]["Task"];
    let served = serde_json::to_value(TaskDto::from(&sample_task(task_id(), "x", 1))).unwrap();
    assert_eq!(keys(&task["properties"]), keys(&served));
    // Every property is always present (nullable ones as null).
    let required: BTreeSet<String> = task["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(required, keys(&served));
    // Read-only fields the parser refuses are exactly the served ones that
    // are not editable.
    let read_only: BTreeSet<String> = keys(&served)
        .difference(&set(&task_input::EDITABLE_FIELDS))
        .cloned()
        .collect();
    assert_eq!(read_only, set(&task_input::READ_ONLY_FIELDS));
}
