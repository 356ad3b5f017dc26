//! Export and import through the real stack (`real::RealApp`: the app on
//! port 0, the PostgreSQL adapter on a fresh database, real tokens): the
//! JSON round trip into a fresh account, the Todoist fixture, and bad
//! imports that change nothing.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::real::RealApp;

const TODOIST_FIXTURE: &str = include_str!("../fixtures/todoist-project.csv");

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// A raw request (a body that is not JSON, or JSON sent as bytes).
async fn raw(
    app: &RealApp,
    method: Method,
    path: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = reqwest::Client::new()
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

async fn export(
    app: &RealApp,
    user: &str,
    token: &str,
    format: &str,
) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let res = reqwest::Client::new()
        .get(format!("{}/api/{user}/export?format={format}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let headers = res.headers().clone();
    (headers, res.bytes().await.unwrap().to_vec())
}

async fn export_json(app: &RealApp, user: &str, token: &str) -> Value {
    let (headers, body) = export(app, user, token, "json").await;
    assert_eq!(headers["content-type"], "application/json");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"todo-export-")
            && disposition.ends_with(".json\""),
        "{disposition}"
    );
    serde_json::from_slice(&body).unwrap()
}

/// The export with every id replaced by its index in the document (lists,
/// labels, tasks), `exported_at` dropped, and the Inbox's timestamps
/// dropped: an import merges into the account's own Inbox rather than
/// creating one, so those are the account's, not the export's.
fn normalised(doc: &Value) -> Value {
    let mut doc = doc.clone();
    let mut names: HashMap<String, String> = HashMap::new();
    for section in ["lists", "labels", "tasks"] {
        for (i, item) in doc[section].as_array().unwrap().iter().enumerate() {
            names.insert(id(item), format!("{section}#{i}"));
        }
    }
    let map = |v: &Value| -> Value {
        match v.as_str() {
            Some(s) => json!(
                names
                    .get(s)
                    .cloned()
                    .unwrap_or_else(|| format!("unknown {s}"))
            ),
            None => Value::Null,
        }
    };
    doc.as_object_mut().unwrap().remove("exported_at");
    for list in doc["lists"].as_array_mut().unwrap() {
        list["id"] = map(&list["id"]);
        if list["is_inbox"] == true {
            list.as_object_mut().unwrap().remove("created_at");
            list.as_object_mut().unwrap().remove("updated_at");
        }
    }
    for label in doc["labels"].as_array_mut().unwrap() {
        label["id"] = map(&label["id"]);
    }
    for task in doc["tasks"].as_array_mut().unwrap() {
        for member in ["id", "list_id", "parent_id"] {
            task[member] = map(&task[member]);
        }
        let labels: Vec<Value> = task["labels"].as_array().unwrap().iter().map(map).collect();
        task["labels"] = Value::Array(labels);
    }
    for completion in doc["completions"].as_array_mut().unwrap() {
        completion["task_id"] = map(&completion["task_id"]);
    }
    doc
}

/// Alice's account with every kind of data: preferences, lists besides the
/// Inbox, labels, subtasks three levels deep in a manual order, labels on
/// tasks, all-day and timed dates, a recurring task with completions, a
/// completed task, a description.
async fn seed(app: &RealApp) {
    app.set_preferences("Europe/Berlin").await;
    let work = app
        .post(
            &app.alice_path("/lists"),
            json!({"name": "Work", "color": "blue"}),
        )
        .await
        .expect(201)
        .clone();
    app.post(
        &app.alice_path("/lists"),
        json!({"name": "Home", "color": "green"}),
    )
    .await
    .expect(201);
    let urgent = app
        .post(
            &app.alice_path("/labels"),
            json!({"name": "urgent", "color": "red"}),
        )
        .await
        .expect(201)
        .clone();
    let later = app
        .post(
            &app.alice_path("/labels"),
            json!({"name": "later", "color": "gray"}),
        )
        .await
        .expect(201)
        .clone();
    app.create_task(json!({"title": "Inbox task", "description": "In the Inbox"}))
        .await;
    let parent = app
        .create_task(json!({
            "title": "Ship the release",
            "list_id": id(&work),
            "priority": "high",
            "labels": [id(&urgent), id(&later)],
            "due_at": "2030-05-01T00:00:00Z",
            "due_all_day": true
        }))
        .await;
    let child = app
        .create_task(json!({"title": "Write notes", "parent_id": id(&parent), "due_at": "2030-04-30T15:30:00Z"}))
        .await;
    app.create_task(json!({"title": "Proofread", "parent_id": id(&child), "labels": [id(&later)]}))
        .await;
    let second = app
        .create_task(json!({"title": "Tag the build", "parent_id": id(&parent), "priority": "low"}))
        .await;
    // Manual order: the second child moves before the first.
    app.post(
        &app.alice_path(&format!("/tasks/{}/move", id(&second))),
        json!({"before": id(&child)}),
    )
    .await
    .expect(200);
    let daily = app
        .create_task(json!({
            "title": "Stand-up",
            "list_id": id(&work),
            "due_at": "2026-12-01T09:00:00+01:00",
            "recurrence": "FREQ=DAILY"
        }))
        .await;
    for _ in 0..2 {
        app.call(
            Method::PATCH,
            &app.alice_path(&format!("/tasks/{}/complete", id(&daily))),
            &app.alice_token,
            None,
            &[],
        )
        .await
        .expect(200);
    }
    let done = app.create_task(json!({"title": "Done already"})).await;
    app.patch(
        &app.alice_path(&format!("/tasks/{}", id(&done))),
        json!({"completed": true}),
    )
    .await
    .expect(200);
}

#[actix_web::test]
async fn a_json_export_imported_into_a_fresh_account_exports_identically() {
    let app = RealApp::spawn().await;
    seed(&app).await;
    let alice = app.alice.to_string();
    let bob = app.bob.to_string();
    let first = export_json(&app, &alice, &app.alice_token).await;
    assert_eq!(first["format"], "todo-api-export");
    assert_eq!(first["version"], 1);
    assert_eq!(first["tasks"].as_array().unwrap().len(), 7);
    assert_eq!(first["completions"].as_array().unwrap().len(), 2);
    // Parents come before their subtasks.
    let tasks = first["tasks"].as_array().unwrap();
    for (i, task) in tasks.iter().enumerate() {
        if let Some(parent) = task["parent_id"].as_str() {
            assert!(tasks[..i].iter().any(|t| t["id"] == parent), "{task}");
        }
    }

    let (status, _, body) = raw(
        &app,
        Method::POST,
        &format!("/api/{bob}/import"),
        &app.bob_token,
        "application/json",
        serde_json::to_vec(&first).unwrap(),
    )
    .await;
    let report: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report,
        json!({
            "created": {"lists": 2, "labels": 2, "tasks": 7, "completions": 2},
            "skipped": [],
            "warnings": []
        })
    );

    let second = export_json(&app, &bob, &app.bob_token).await;
    // Every id is new…
    let old: Vec<&Value> = first["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert!(
        second["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| !old.contains(&&t["id"]))
    );
    // …and everything else is the same.
    assert_eq!(normalised(&second), normalised(&first));

    // The CSV export: a header and one row per task.
    let (headers, csv) = export(&app, &bob, &app.bob_token, "csv").await;
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    assert_eq!(reader.headers().unwrap().get(1), Some("list"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7);
    let release = rows.iter().find(|r| &r[3] == "Ship the release").unwrap();
    assert_eq!(&release[1], "Work");
    assert_eq!(&release[11], "later, urgent");
}

#[actix_web::test]
async fn the_todoist_fixture_imports_with_its_structure_and_report() {
    let app = RealApp::spawn().await;
    app.set_preferences("UTC").await;
    let alice = app.alice.to_string();
    let (status, _, body) = raw(
        &app,
        Method::POST,
        &format!("/api/{alice}/import"),
        &app.alice_token,
        "text/csv",
        TODOIST_FIXTURE.as_bytes().to_vec(),
    )
    .await;
    let report: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report["created"],
        json!({"lists": 2, "labels": 0, "tasks": 8, "completions": 0})
    );
    let lines = |key: &str| -> Vec<u64> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["line"].as_u64().unwrap())
            .collect()
    };
    // The view setting and the task without a title.
    assert_eq!(lines("skipped"), vec![2, 14]);
    // The date it cannot read, and INDENT 4 under a task at level 2.
    assert_eq!(lines("warnings"), vec![8, 13]);
    assert!(
        report["warnings"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("when the weather is nice")
    );

    // Every imported row is in the change feed.
    let feed = app.get(&app.alice_path("/changes?since=0&limit=100")).await;
    let changes = feed.expect(200)["changes"].as_array().unwrap().clone();
    let count = |entity: &str| {
        changes
            .iter()
            .filter(|c| c["entity"] == entity && c["op"] == "upsert")
            .count()
    };
    assert_eq!(count("task"), 8, "{changes:?}");
    assert_eq!(count("list"), 3);

    let doc = export_json(&app, &alice, &app.alice_token).await;
    let lists: Vec<&str> = doc["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(lists, vec!["Inbox", "Todoist import", "Errands"]);
    let list_of: HashMap<String, String> = doc["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (id(l), l["name"].as_str().unwrap().to_owned()))
        .collect();
    let tasks: HashMap<String, &Value> = doc["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["title"].as_str().unwrap().to_owned(), t))
        .collect();
    let title_of: HashMap<String, String> = tasks.iter().map(|(k, t)| (id(t), k.clone())).collect();
    let parent = |title: &str| {
        tasks[title]["parent_id"]
            .as_str()
            .map(|p| title_of[p].clone())
    };
    assert_eq!(parent("Plan the garden"), None);
    assert_eq!(parent("Buy seeds").as_deref(), Some("Plan the garden"));
    assert_eq!(parent("Tomatoes").as_deref(), Some("Buy seeds"));
    assert_eq!(parent("Stamps").as_deref(), Some("Post office"));
    assert_eq!(parent("Deep one").as_deref(), Some("Stamps"));
    assert_eq!(
        list_of[tasks["Plan the garden"]["list_id"].as_str().unwrap()],
        "Todoist import"
    );
    assert_eq!(
        list_of[tasks["Post office"]["list_id"].as_str().unwrap()],
        "Errands"
    );
    let priority = |title: &str| tasks[title]["priority"].as_str().unwrap();
    assert_eq!(priority("Plan the garden"), "high");
    assert_eq!(priority("Buy seeds"), "medium");
    assert_eq!(priority("Tomatoes"), "low");
    assert_eq!(priority("Water the plants"), "medium");
    // An empty PRIORITY is Todoist's p1.
    assert_eq!(priority("Sharpen the tools"), "high");
    assert_eq!(tasks["Plan the garden"]["due_at"], "2030-03-01T00:00:00Z");
    assert_eq!(tasks["Plan the garden"]["due_all_day"], true);
    // 09:30 in Berlin (TIMEZONE) is 08:30 UTC in March.
    assert_eq!(tasks["Buy seeds"]["due_at"], "2030-03-02T08:30:00Z");
    assert_eq!(tasks["Buy seeds"]["due_all_day"], false);
    assert_eq!(tasks["Post office"]["due_at"], "2030-03-05T16:00:00Z");
    assert_eq!(tasks["Water the plants"]["recurrence"], "FREQ=DAILY");
    assert_eq!(tasks["Water the plants"]["due_all_day"], true);
    assert_eq!(tasks["Sharpen the tools"]["due_at"], Value::Null);
    assert_eq!(
        tasks["Tomatoes"]["description"],
        "Cherry, and \"San Marzano\"\n\nAsk the neighbour which variety did well"
    );
    // Siblings keep the file's order.
    let top: Vec<&str> = doc["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            t["parent_id"].is_null() && list_of[t["list_id"].as_str().unwrap()] == "Todoist import"
        })
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    let mut by_position = top.clone();
    by_position.sort_by_key(|title| tasks[*title]["position"].as_str().unwrap().to_owned());
    assert_eq!(
        by_position,
        vec!["Plan the garden", "Water the plants", "Sharpen the tools"]
    );
}

#[actix_web::test]
async fn bad_imports_are_refused_and_change_nothing() {
    let app = RealApp::spawn().await;
    seed(&app).await;
    let alice = app.alice.to_string();
    let bob = app.bob.to_string();
    let mut doc = export_json(&app, &alice, &app.alice_token).await;
    let before = export_json(&app, &bob, &app.bob_token).await;
    let path = format!("/api/{bob}/import");
    let send = |content_type: &'static str, body: Vec<u8>| {
        let path = path.clone();
        let app = &app;
        async move { raw(app, Method::POST, &path, &app.bob_token, content_type, body).await }
    };
    let problem = |(status, headers, body): (u16, reqwest::header::HeaderMap, Vec<u8>)| {
        assert_eq!(headers["content-type"], "application/problem+json");
        let body: Value = serde_json::from_slice(&body).unwrap();
        (status, body)
    };

    let (status, _) = problem(send("application/json", b"{not json".to_vec()).await);
    assert_eq!(status, 400);
    let (status, body) = problem(
        send(
            "application/json",
            br#"{"format":"something-else","version":1}"#.to_vec(),
        )
        .await,
    );
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "/format");
    let (status, body) = problem(
        send(
            "application/json",
            br#"{"format":"todo-api-export","version":7}"#.to_vec(),
        )
        .await,
    );
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "/version");
    let (status, _) = problem(send("text/plain", b"hello".to_vec()).await);
    assert_eq!(status, 415);
    let (status, body) = problem(send("text/csv", b"name,value\nx,1\n".to_vec()).await);
    assert_eq!(status, 422, "{body}");

    // One bad task among good ones: every problem named, nothing written.
    doc["tasks"][3]["title"] = json!("");
    doc["tasks"][5]["priority"] = json!("urgent");
    let (status, body) = problem(send("application/json", serde_json::to_vec(&doc).unwrap()).await);
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["/tasks/3/title", "/tasks/5/priority"]);

    let after = export_json(&app, &bob, &app.bob_token).await;
    assert_eq!(normalised(&after), normalised(&before));
    assert!(after["tasks"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn a_second_import_merges_lists_by_name_and_appends_its_tasks() {
    let app = RealApp::spawn().await;
    let alice = app.alice.to_string();
    let path = format!("/api/{alice}/import");
    let import = |key: &'static str| {
        let path = path.clone();
        let app = &app;
        async move {
            let res = reqwest::Client::new()
                .post(format!("{}{path}", app.base))
                .bearer_auth(&app.alice_token)
                .header("content-type", "text/csv; charset=utf-8")
                .header("idempotency-key", format!("\"{key}\""))
                .body(TODOIST_FIXTURE)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let replayed = res.headers().contains_key("idempotent-replayed");
            let body: Value = res.json().await.unwrap();
            (status, replayed, body)
        }
    };
    let (status, replayed, first) = import("import-1").await;
    assert_eq!((status, replayed), (200, false), "{first}");
    assert_eq!(first["created"]["lists"], 2);
    // The same request with the same key is answered again, not run again.
    let (status, replayed, again) = import("import-1").await;
    assert_eq!((status, replayed), (200, true));
    assert_eq!(again, first);
    let doc = export_json(&app, &alice, &app.alice_token).await;
    assert_eq!(doc["tasks"].as_array().unwrap().len(), 8);

    // Another key: a second import into the same lists (merged by name,
    // ignoring case), its tasks after the ones already there.
    let (status, _, second) = import("import-2").await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(
        second["created"],
        json!({"lists": 0, "labels": 0, "tasks": 8, "completions": 0})
    );
    let doc = export_json(&app, &alice, &app.alice_token).await;
    assert_eq!(doc["lists"].as_array().unwrap().len(), 3);
    let errands = doc["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "Errands")
        .unwrap();
    let mut top: Vec<(String, String)> = doc["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["list_id"] == errands["id"] && t["parent_id"].is_null())
        .map(|t| {
            (
                t["position"].as_str().unwrap().to_owned(),
                t["created_at"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(top.len(), 2);
    top.sort();
    // In position order, the first import's task comes first.
    assert!(top[0].1 < top[1].1, "{top:?}");
}

#[actix_web::test]
async fn an_all_day_task_keeps_its_date_in_an_account_in_another_zone() {
    let app = RealApp::spawn().await;
    seed(&app).await;
    let alice = app.alice.to_string();
    let bob = app.bob.to_string();
    app.call(
        Method::PUT,
        &format!("/api/{bob}/preferences"),
        &app.bob_token,
        Some(json!({"time_zone": "America/New_York", "week_start": "sunday"})),
        &[],
    )
    .await
    .expect(200);
    let doc = export_json(&app, &alice, &app.alice_token).await;
    let (status, _, body) = raw(
        &app,
        Method::POST,
        &format!("/api/{bob}/import"),
        &app.bob_token,
        "application/json",
        serde_json::to_vec(&doc).unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let imported = export_json(&app, &bob, &app.bob_token).await;
    // Bob's own preferences stay.
    assert_eq!(imported["preferences"]["time_zone"], "America/New_York");
    let release = imported["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Ship the release")
        .unwrap();
    // 1 May stays 1 May: 00:00 in New York (EDT), not Berlin's 00:00.
    assert_eq!(release["due_at"], "2030-05-01T04:00:00Z");
    assert_eq!(release["due_all_day"], true);
}
