//! The OpenAPI document matches what the app serves.

use std::collections::BTreeSet;

use actix_web::http::Method;
use actix_web::test::TestRequest;
use api_actix::endpoints;
use api_actix::wire::dto::TaskDto;
use api_actix::wire::{list_query, task_input};
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
            .replace("{id}", TASK)
            .replace("{list_id}", TASK)
            .replace("{label_id}", TASK);
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
        // Items in the trash have no version: deleting them is not
        // conditional.
        let trash = path.starts_with("/api/{user_id}/trash");
        if ([Method::PUT, Method::PATCH, Method::DELETE]
            .iter()
            .any(|m| m.as_str() == method)
            && !trash)
            // A task's move is conditional; a list's is not (it writes
            // only the list's place, which nobody edits by hand).
            || path.ends_with("/tasks/{id}/move")
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
        // Every POST under a user takes an Idempotency-Key, whose replies
        // include 409 (in use) and 422 (reused).
        if method == "POST" {
            let key = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "Idempotency-Key")
                .unwrap_or_else(|| panic!("{method} {path} lacks Idempotency-Key"));
            assert_eq!(key["in"], "header");
            assert_eq!(key["required"], false);
            for status in ["409", "422"] {
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
    // A List object also satisfies the Label schema: a change's data is
    // anyOf its kinds, never oneOf (which would refuse every list).
    let data = &doc["components"]["schemas"]["ChangeData"];
    let kinds: Vec<&str> = data["anyOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["$ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "Task",
            "List",
            "Label",
            "Preferences",
            "Completion",
            "TrashItem"
        ]
        .map(|k| format!("#/components/schemas/{k}")),
        "{data}"
    );
    assert!(data.get("oneOf").is_none(), "{data}");
    let problem = &doc["components"]["schemas"]["Problem"];
    assert_eq!(
        keys(&problem["properties"]),
        set(&["type", "title", "status", "detail", "errors", "seq"])
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

    assert_eq!(
        keys(&schemas["TaskMove"]["properties"]),
        set(&task_input::MOVE_FIELDS)
    );
    assert!(schemas["TaskMove"].get("required").is_none());
    // Every write that places a task can meet a full list.
    for (path, method) in [
        ("/api/{user_id}/tasks", "post"),
        ("/api/{user_id}/tasks/{id}", "put"),
        ("/api/{user_id}/tasks/{id}", "patch"),
        ("/api/{user_id}/tasks/{id}/move", "post"),
    ] {
        assert_eq!(
            doc["paths"][path][method]["responses"]["409"]["$ref"],
            "#/components/responses/Conflict",
            "{method} {path}"
        );
    }

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

fn property<'a>(doc: &'a Value, schema: &str, name: &str) -> &'a Value {
    &doc["components"]["schemas"][schema]["properties"][name]
}

fn list_parameter<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["paths"]["/api/{user_id}/tasks"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

fn pattern(schema: &Value) -> regex::Regex {
    let text = schema["pattern"]
        .as_str()
        .unwrap_or_else(|| panic!("no pattern in {schema}"));
    regex::Regex::new(text).unwrap()
}

/// Whether a string value is valid by `schema`'s pattern and length limits
/// (counted in characters, as JSON Schema does).
fn schema_accepts(schema: &Value, value: &str) -> bool {
    let chars = value.chars().count() as u64;
    pattern(schema).is_match(value)
        && schema["maxLength"].as_u64().is_none_or(|max| chars <= max)
        && schema["minLength"].as_u64().is_none_or(|min| chars >= min)
}

#[actix_web::test]
async fn documents_the_rules_the_server_enforces() {
    let doc = document().await;
    let schemas = &doc["components"]["schemas"];
    for body in ["TaskInput", "TaskPatch", "CompletionInput", "TaskMove"] {
        assert_eq!(schemas[body]["additionalProperties"], false, "{body}");
    }
    assert_eq!(
        schemas["Priority"]["enum"],
        serde_json::json!(["low", "medium", "high"])
    );
    assert_eq!(
        schemas["StatusFilter"]["enum"],
        serde_json::json!(["all", "pending", "completed"])
    );
    assert_eq!(
        schemas["SortKey"]["enum"],
        serde_json::json!([
            "created_at",
            "updated_at",
            "due_at",
            "priority",
            "title",
            "position"
        ])
    );
    assert_eq!(
        schemas["SortOrder"]["enum"],
        serde_json::json!(["asc", "desc"])
    );
    for schema in ["Task", "TaskInput", "TaskPatch"] {
        let title = property(&doc, schema, "title");
        assert_eq!(
            (&title["minLength"], &title["maxLength"]),
            (&1.into(), &200.into())
        );
        assert!(title["pattern"].is_string(), "{schema}.title");
        assert_eq!(property(&doc, schema, "description")["maxLength"], 4000);
        assert!(property(&doc, schema, "description")["pattern"].is_string());
        assert_eq!(property(&doc, schema, "due_at")["format"], "date-time");
        assert!(property(&doc, schema, "category").is_null(), "{schema}");
        let labels = property(&doc, schema, "labels");
        assert_eq!(labels["maxItems"], 20, "{schema}");
        assert_eq!(labels["uniqueItems"], true, "{schema}");
        assert_eq!(labels["items"]["format"], "uuid", "{schema}");
        for field in ["list_id", "parent_id"] {
            assert!(
                property(&doc, schema, field)
                    .to_string()
                    .contains("\"uuid\""),
                "{schema}.{field}"
            );
        }
    }
    for field in ["id", "user_id", "list_id"] {
        assert_eq!(property(&doc, "Task", field)["format"], "uuid");
    }
    for field in ["list_id", "before", "after"] {
        assert_eq!(property(&doc, "TaskMove", field)["format"], "uuid");
    }
    let subtasks = &schemas["SubtaskCounts"];
    assert_eq!(keys(&subtasks["properties"]), set(&["total", "completed"]));
    assert_eq!(subtasks["properties"]["total"]["minimum"], 0);
    let label = &list_parameter(&doc, "label")["schema"];
    assert_eq!(
        (
            &label["items"]["format"],
            &label["maxItems"],
            &label["uniqueItems"]
        ),
        (&"uuid".into(), &20.into(), &true.into())
    );
    assert_eq!(list_parameter(&doc, "list_id")["schema"]["format"], "uuid");
    let limit = &list_parameter(&doc, "limit")["schema"];
    assert_eq!(
        (&limit["minimum"], &limit["maximum"]),
        (&1.into(), &100.into())
    );
    assert_eq!(
        list_parameter(&doc, "due_before")["schema"]["format"],
        "date-time"
    );
    assert_eq!(list_parameter(&doc, "user_id")["schema"]["format"], "uuid");
    let cursor = &list_parameter(&doc, "cursor")["schema"];
    assert_eq!(
        cursor["maxLength"],
        api_actix::wire::cursor::MAX_CURSOR_CHARS
    );
    for (method, path) in operations(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        // The size limits answer before routing, on every route.
        for status in ["414", "431"] {
            assert!(
                op["responses"].get(status).is_some(),
                "{method} {path} lacks {status}"
            );
        }
        for parameter in op["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] == "header" {
                assert!(
                    parameter["schema"]["pattern"].is_string(),
                    "{method} {path}"
                );
            }
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            if let Some(etag) = response["headers"].get("ETag") {
                assert!(
                    etag["schema"]["pattern"].is_string(),
                    "{method} {path} {status}"
                );
            }
        }
    }
}

/// Strings at the edges of the text rules: white space of every kind
/// around and inside, control characters, format characters, characters
/// outside the BMP, and the length limits.
fn edge_strings() -> Vec<String> {
    let mut edges: Vec<String> = [
        "a",
        " a ",
        "\ta\n",
        "",
        " ",
        "\u{3000}",
        "\u{3000}x\u{3000}",
        "a\u{0}b",
        "a\nb",
        "a\tb",
        "a\rb",
        "\u{7f}",
        "\u{85}x",
        "x\u{85}",
        "a\u{85}b",
        "\u{a0}x\u{a0}",
        "a\u{a0}b",
        "\u{feff}",
        "\u{200b}",
        "\u{1c}",
        "\u{1c}a",
        "a\u{2028}b",
        "\u{2028}",
        "\u{202e}abc",
        "a\u{9f}",
        "\u{1b}[31m",
        "🦀",
        "x\u{b}",
        "\u{c}x",
        "a\u{d}",
        "\u{180e}",
        "\u{2007}a\u{2029}",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for n in [49, 50, 51, 199, 200, 201, 3999, 4000, 4001] {
        edges.push("a".repeat(n));
        edges.push("é".repeat(n));
        edges.push("🦀".repeat(n));
        edges.push(format!("x{}", "\n".repeat(n - 1)));
    }
    edges
}

#[actix_web::test]
async fn text_patterns_accept_what_the_domain_accepts() {
    let doc = document().await;
    // The only strings on which the schema and the server differ: text
    // within the limit once trimmed but over it as sent. maxLength counts
    // what is sent, so the schema is stricter there, never looser.
    let padded = |value: &str, max: usize| {
        value.chars().count() > max && value.trim().chars().count() <= max
    };
    for schema in ["TaskInput", "TaskPatch", "Task"] {
        let title = property(&doc, schema, "title");
        let description = property(&doc, schema, "description");
        for value in edge_strings() {
            let shown = value.escape_debug().to_string();
            let shown = &shown[..shown.len().min(40)];
            if !padded(&value, 200) {
                assert_eq!(
                    schema_accepts(title, &value),
                    domain::Title::parse(&value).is_ok(),
                    "{schema}.title {shown}"
                );
            }
            assert_eq!(
                schema_accepts(description, &value),
                domain::Description::parse(&value).is_ok(),
                "{schema}.description {shown}"
            );
        }
    }
    // Query parameters: an empty value is an absent parameter.
    let q = &list_parameter(&doc, "q")["schema"];
    for value in edge_strings() {
        let shown = value.escape_debug().to_string();
        let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        if !padded(&value, 200) {
            assert_eq!(
                schema_accepts(q, &value),
                list_query::parse(&format!("q={encoded}")).is_ok(),
                "q={shown}"
            );
        }
    }
}

#[actix_web::test]
async fn header_and_cursor_patterns_accept_what_the_server_accepts() {
    let doc = document().await;
    let put = &doc["paths"]["/api/{user_id}/tasks/{id}"]["put"]["parameters"];
    let if_match = &put
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "If-Match")
        .unwrap()["schema"];
    for value in [
        "*",
        " * ",
        "\"1\"",
        "W/\"1\"",
        "\"1\", \"2\"",
        "\"1\",W/\"x\"",
        ", \"1\" ,,",
        "\"\"",
        "\"a!#~\"",
        "\t\"1\"\t",
        "",
        ",",
        "1",
        "\"1",
        "\"a b\"",
        "\"1\" \"2\"",
        "*, \"1\"",
        "**",
        "w/\"1\"",
        "W/ \"1\"",
        "\"1\";",
    ] {
        let req = TestRequest::default()
            .insert_header(("If-Match", value))
            .to_http_request();
        assert_eq!(
            schema_accepts(if_match, value.trim()),
            api_actix::http::preconditions::if_match(&req).is_ok(),
            "If-Match: {value:?}"
        );
        let req = TestRequest::default()
            .insert_header(("If-None-Match", value))
            .to_http_request();
        assert_eq!(
            schema_accepts(if_match, value.trim()),
            api_actix::http::preconditions::if_none_match(&req).is_ok(),
            "If-None-Match: {value:?}"
        );
    }
    // Every cursor the API issues matches the documented pattern; text that
    // does not is refused.
    let cursor = &list_parameter(&doc, "cursor")["schema"];
    let issued = api_actix::wire::cursor::encode(&domain::Cursor {
        order: domain::SortOrder::Asc,
        position: domain::SortPosition::Title("🦀".repeat(200)),
        after: task_id(),
    });
    assert!(schema_accepts(cursor, &issued));
    for refused in ["a+b", "a/b", "a=", "a b", &"A".repeat(2049)] {
        assert!(!schema_accepts(cursor, refused), "{refused}");
        assert!(
            api_actix::wire::cursor::decode(refused).is_err(),
            "{refused}"
        );
    }
}

#[actix_web::test]
async fn the_idempotency_key_pattern_accepts_what_the_server_accepts() {
    let doc = document().await;
    let post = &doc["paths"]["/api/{user_id}/tasks"]["post"]["parameters"];
    let key = &post
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Idempotency-Key")
        .unwrap()["schema"];
    let long = "x".repeat(255);
    let too_long = "x".repeat(256);
    let quoted_long = format!("\"{long}\"");
    for value in [
        "\"8e03978e-40d5\"",
        "8e03978e-40d5",
        " \"a\" ",
        r#""a\"b\\c""#,
        long.as_str(),
        quoted_long.as_str(),
        too_long.as_str(),
        "",
        "\"\"",
        "\"abc",
        "abc\"",
        "a b",
        "\"a b\"",
        "\"a\";p=1",
        r#""a\nb""#,
    ] {
        assert_eq!(
            schema_accepts(key, value),
            domain::IdempotencyKey::parse_header(value.as_bytes()).is_ok(),
            "Idempotency-Key: {value:?}"
        );
    }
}

#[actix_web::test]
async fn id_patterns_accept_what_the_server_accepts() {
    let doc = document().await;
    // `parent_id`: a task's id or `none`; what the pattern accepts, the
    // parser does (it also takes the other text forms of a UUID).
    let parent = &list_parameter(&doc, "parent_id")["schema"];
    for value in [
        "none",
        "",
        TASK,
        &TASK.to_uppercase(),
        "None",
        "null",
        " none",
        "0190f3a0000070008000000000000001",
        "{0190f3a0-0000-7000-8000-000000000001}",
        "0190f3a0-0000-7000-8000-00000000001",
        "0190f3a0-0000-7000-8000-0000000000012",
        "g190f3a0-0000-7000-8000-000000000001",
        "nonenone",
    ] {
        let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        let parsed = list_query::parse(&format!("parent_id={encoded}")).is_ok();
        if schema_accepts(parent, value) {
            assert!(parsed, "parent_id={value}");
        }
        if ["none", "", TASK].contains(&value) {
            assert!(schema_accepts(parent, value), "parent_id={value}");
        }
    }
    // `position`: every key the domain makes matches the documented
    // pattern.
    let position = property(&doc, "Task", "position");
    let first = domain::Position::first();
    let mut keys: Vec<domain::Position> = domain::Position::spread(100).collect();
    keys.push(first.before().unwrap());
    keys.push(domain::Position::between(Some(&keys[0]), Some(&keys[1])).unwrap());
    for key in &keys {
        assert!(schema_accepts(position, key.as_str()), "{key}");
    }
    for refused in ["", "0a", "a-0", "a 0"] {
        assert!(!schema_accepts(position, refused), "{refused:?}");
    }
}

#[actix_web::test]
async fn documented_lists_and_labels_are_the_ones_served_and_parsed() {
    use api_actix::wire::{labels, lists};
    let doc = document().await;
    let schemas = &doc["components"]["schemas"];
    let created = chrono::Utc::now();
    let list = serde_json::to_value(lists::ListDto::from(&domain::ListSummary {
        list: domain::List {
            id: domain::ListId::new_v7(),
            owner: alice(),
            name: domain::ListName::inbox(),
            color: domain::Color::Gray,
            position: domain::Position::first(),
            is_inbox: true,
            created_at: created,
            updated_at: created,
            version: domain::Version::new(1),
        },
        open_tasks: 0,
        total_tasks: 0,
    }))
    .unwrap();
    let label = serde_json::to_value(labels::LabelDto::from(&domain::Label {
        id: domain::LabelId::new_v7(),
        owner: alice(),
        name: domain::LabelName::parse("x").unwrap(),
        color: domain::Color::Gray,
        created_at: created,
        updated_at: created,
        version: domain::Version::new(1),
    }))
    .unwrap();
    for (schema, served, editable, read_only) in [
        (
            "List",
            &list,
            &lists::EDITABLE_FIELDS[..],
            &lists::READ_ONLY_FIELDS[..],
        ),
        (
            "Label",
            &label,
            &labels::EDITABLE_FIELDS[..],
            &labels::READ_ONLY_FIELDS[..],
        ),
    ] {
        assert_eq!(
            keys(&schemas[schema]["properties"]),
            keys(served),
            "{schema}"
        );
        let read: BTreeSet<String> = keys(served).difference(&set(editable)).cloned().collect();
        assert_eq!(read, set(read_only), "{schema}");
        for body in [format!("{schema}Input"), format!("{schema}Patch")] {
            assert_eq!(keys(&schemas[&body]["properties"]), set(editable), "{body}");
            assert_eq!(schemas[&body]["additionalProperties"], false, "{body}");
        }
        assert_eq!(
            schemas[&format!("{schema}Input")]["required"],
            serde_json::json!(["name"])
        );
    }
    assert_eq!(
        keys(&schemas["ListMove"]["properties"]),
        set(&lists::MOVE_FIELDS)
    );
    let colors: Vec<&str> = domain::Color::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(schemas["Color"]["enum"], serde_json::json!(colors));
    let move_body = &doc["paths"]["/api/{user_id}/lists/{list_id}/move"]["post"]["requestBody"];
    assert_eq!(move_body["required"], false);
    // The names follow the domain's rules, as the text fields do.
    for (schema, max) in [
        ("List", 100),
        ("ListInput", 100),
        ("Label", 50),
        ("LabelPatch", 50),
    ] {
        let name = property(&doc, schema, "name");
        assert_eq!(name["maxLength"], max, "{schema}");
        for value in edge_strings() {
            if value.chars().count() > max && value.trim().chars().count() <= max {
                continue;
            }
            let domain_ok = if max == 100 {
                domain::ListName::parse(&value).is_ok()
            } else {
                domain::LabelName::parse(&value).is_ok()
            };
            assert_eq!(
                schema_accepts(name, &value),
                domain_ok,
                "{schema}.name {}",
                value.escape_debug()
            );
        }
    }
}

#[actix_web::test]
async fn documented_preferences_completions_and_views_are_the_ones_served_and_parsed() {
    use api_actix::wire::{completions, preferences};
    let doc = document().await;
    let schemas = &doc["components"]["schemas"];

    let served = serde_json::to_value(preferences::PreferencesDto::from(
        &domain::Preferences::default(),
    ))
    .unwrap();
    assert_eq!(keys(&schemas["Preferences"]["properties"]), keys(&served));
    let input = &schemas["PreferencesInput"];
    assert_eq!(
        keys(&input["properties"]),
        set(&preferences::EDITABLE_FIELDS)
    );
    assert_eq!(input["additionalProperties"], false);
    assert_eq!(
        input["required"],
        serde_json::json!(["time_zone", "week_start"])
    );
    assert_eq!(
        schemas["WeekStart"]["enum"],
        serde_json::json!(["monday", "sunday"])
    );
    let put = &doc["paths"]["/api/{user_id}/preferences"]["put"];
    for status in ["412", "422"] {
        assert!(put["responses"].get(status).is_some(), "{status}");
    }

    let completion = domain::Completion {
        id: domain::CompletionId::new_v7(),
        task_id: task_id(),
        completed_at: chrono::Utc::now(),
        due_at: chrono::Utc::now(),
    };
    let served = serde_json::to_value(completions::CompletionDto::from(&completion)).unwrap();
    assert_eq!(keys(&schemas["Completion"]["properties"]), keys(&served));
    let history = &doc["paths"]["/api/{user_id}/tasks/{id}/completions"]["get"];
    let query: BTreeSet<String> = history["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(query, set(&completions::PARAMETERS));
    assert!(history["responses"].get("404").is_some());

    assert_eq!(
        list_parameter(&doc, "view")["schema"]["$ref"],
        "#/components/schemas/TaskView"
    );
    assert_eq!(
        schemas["TaskView"]["enum"],
        serde_json::json!(["today", "upcoming", "overdue", "no_date"])
    );
    let days = &list_parameter(&doc, "days")["schema"];
    assert_eq!(
        (days["minimum"].as_u64(), days["maximum"].as_u64()),
        (Some(1), Some(60))
    );
    assert_eq!(
        schemas["RecurrenceBasis"]["enum"],
        serde_json::json!(["due", "completion"])
    );
    assert_eq!(doc["info"]["version"], "0.5.0");
}
