//! Recurring and all-day tasks on the real stack (issue 11): the new task
//! fields and their 422s, completing a recurring task (advance, undo,
//! exhaustion, concurrent completions), its completion history, and the
//! change feed's `completion` entries.

use reqwest::Method;
use serde_json::{Value, json};

use crate::real::RealApp;

fn id(task: &Value) -> String {
    task["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn tasks_carry_recurrence_and_all_day_fields() {
    let app = RealApp::spawn().await;
    app.set_preferences("Europe/Berlin").await;

    // A plain task: the new fields at their defaults.
    let plain = app.create_task(json!({"title": "Plain"})).await;
    assert_eq!(plain["due_all_day"], false);
    assert_eq!(plain["recurrence"], Value::Null);
    assert_eq!(plain["recurrence_basis"], "due");
    assert_eq!(plain["next_due_at"], Value::Null);

    // All-day: any instant on the local date becomes its local midnight.
    let all_day = app
        .create_task(json!({
            "title": "Pay rent",
            "due_at": "2026-12-01T22:30:00Z",
            "due_all_day": true
        }))
        .await;
    // 22:30Z on 1 Dec is 23:30 in Berlin: still 1 Dec, so 00:00 CET.
    assert_eq!(all_day["due_at"], "2026-11-30T23:00:00Z");
    assert_eq!(all_day["due_all_day"], true);

    // Weekly on Monday and Thursday at 09:00 Berlin, starting on a Monday.
    let weekly = app
        .create_task(json!({
            "title": "Stand-up",
            "due_at": "2026-12-07T09:00:00+01:00",
            "recurrence": "FREQ=WEEKLY;BYDAY=MO,TH"
        }))
        .await;
    assert_eq!(weekly["recurrence"], "FREQ=WEEKLY;BYDAY=MO,TH");
    assert_eq!(weekly["recurrence_basis"], "due");
    assert_eq!(weekly["due_at"], "2026-12-07T08:00:00Z");
    assert_eq!(weekly["next_due_at"], "2026-12-10T08:00:00Z");

    // PATCH changes the basis and can stop the recurrence.
    let path = app.alice_path(&format!("/tasks/{}", id(&weekly)));
    let patched = app
        .patch(&path, json!({"recurrence_basis": "completion"}))
        .await;
    assert_eq!(patched.expect(200)["recurrence_basis"], "completion");
    let stopped = app.patch(&path, json!({"recurrence": null})).await;
    assert_eq!(stopped.expect(200)["recurrence"], Value::Null);
    assert_eq!(stopped.body["next_due_at"], Value::Null);

    // PUT replaces them (omitted: the defaults).
    let replaced = app
        .put(
            &path,
            json!({
                "title": "Stand-up",
                "due_at": "2026-12-07T09:00:00+01:00",
                "recurrence": "FREQ=DAILY;INTERVAL=2",
                "recurrence_basis": "due"
            }),
        )
        .await;
    assert_eq!(replaced.expect(200)["next_due_at"], "2026-12-09T08:00:00Z");
    assert_eq!(replaced.body["due_all_day"], false);
}

#[actix_web::test]
async fn invalid_recurrence_and_all_day_inputs_are_422_naming_the_field() {
    let app = RealApp::spawn().await;
    let tasks = app.alice_path("/tasks");
    let due = "2026-12-07T09:00:00Z";
    for (body, field) in [
        (
            json!({"title": "x", "due_at": due, "recurrence": "FREQ=HOURLY"}),
            "recurrence",
        ),
        (
            json!({"title": "x", "due_at": due, "recurrence": "every monday"}),
            "recurrence",
        ),
        (
            json!({"title": "x", "due_at": due, "recurrence": "FREQ=DAILY;BYHOUR=9"}),
            "recurrence",
        ),
        (
            json!({"title": "x", "recurrence": "FREQ=DAILY"}),
            "recurrence",
        ),
        (json!({"title": "x", "due_all_day": true}), "due_all_day"),
        (
            json!({"title": "x", "due_at": due, "due_all_day": null}),
            "due_all_day",
        ),
        (
            json!({"title": "x", "due_at": due, "recurrence": "FREQ=DAILY",
                   "recurrence_basis": "whenever"}),
            "recurrence_basis",
        ),
        (
            json!({"title": "x", "recurrence_basis": null}),
            "recurrence_basis",
        ),
        (json!({"title": "x", "next_due_at": due}), "next_due_at"),
    ] {
        let reply = app.post(&tasks, body.clone()).await;
        assert_eq!(reply.problem(422), [field], "{body}");
    }

    // PATCH: removing the due date of a recurring task, or making a task
    // without one all-day.
    let recurring = app
        .create_task(json!({"title": "r", "due_at": due, "recurrence": "FREQ=DAILY"}))
        .await;
    let path = app.alice_path(&format!("/tasks/{}", id(&recurring)));
    assert_eq!(
        app.patch(&path, json!({"due_at": null})).await.problem(422),
        ["recurrence"]
    );
    let undated = app.create_task(json!({"title": "u"})).await;
    let path = app.alice_path(&format!("/tasks/{}", id(&undated)));
    assert_eq!(
        app.patch(&path, json!({"due_all_day": true}))
            .await
            .problem(422),
        ["due_all_day"]
    );
    assert_eq!(
        app.patch(&path, json!({"recurrence": "FREQ=WEEKLY"}))
            .await
            .problem(422),
        ["recurrence"]
    );
}

async fn complete(app: &RealApp, task: &str, body: Option<Value>) -> crate::real::RealReply {
    app.call(
        Method::PATCH,
        &app.alice_path(&format!("/tasks/{task}/complete")),
        &app.alice_token,
        body,
        &[],
    )
    .await
}

#[actix_web::test]
async fn completing_advances_undo_restores_and_history_pages_newest_first() {
    let app = RealApp::spawn().await;
    app.set_preferences("Europe/Berlin").await;
    // Daily at 09:00 Berlin, across the end of daylight saving time
    // (25 October 2026): 09:00 local stays 09:00 local.
    let task = app
        .create_task(json!({
            "title": "Water the plants",
            "due_at": "2026-10-24T09:00:00+02:00",
            "recurrence": "FREQ=DAILY"
        }))
        .await;
    let task_id = id(&task);
    assert_eq!(task["next_due_at"], "2026-10-25T08:00:00Z");
    let subtask = app
        .create_task(json!({"title": "Fill the can", "parent_id": task_id, "completed": true}))
        .await;

    let done = complete(&app, &task_id, Some(json!({"completed": true}))).await;
    let done = done.expect(200);
    assert_eq!(done["completed"], false);
    assert_eq!(done["due_at"], "2026-10-25T08:00:00Z");
    assert_eq!(done["next_due_at"], "2026-10-26T08:00:00Z");
    // Its subtasks are open again for the next occurrence.
    let sub = app
        .get(&app.alice_path(&format!("/tasks/{}", id(&subtask))))
        .await;
    assert_eq!(sub.expect(200)["completed"], false);

    // Undo, right after: the previous due date is back, the record gone.
    let undone = complete(&app, &task_id, Some(json!({"completed": false}))).await;
    assert_eq!(undone.expect(200)["due_at"], "2026-10-24T07:00:00Z");
    assert_eq!(undone.body["completed"], false);
    let history = app
        .get(&app.alice_path(&format!("/tasks/{task_id}/completions")))
        .await;
    assert_eq!(history.expect(200), &json!([]));

    // Three completions (the empty body toggles, which completes an open
    // task): each advances one day.
    for expected in [
        "2026-10-25T08:00:00Z",
        "2026-10-26T08:00:00Z",
        "2026-10-27T08:00:00Z",
    ] {
        let reply = complete(&app, &task_id, None).await;
        assert_eq!(reply.expect(200)["due_at"], expected);
    }
    // A later change ends the undo window: completed:false is a no-op.
    app.patch(
        &app.alice_path(&format!("/tasks/{task_id}")),
        json!({"priority": "high"}),
    )
    .await
    .expect(200);
    let no_op = complete(&app, &task_id, Some(json!({"completed": false}))).await;
    assert_eq!(no_op.expect(200)["due_at"], "2026-10-27T08:00:00Z");

    let first = app
        .get(&app.alice_path(&format!("/tasks/{task_id}/completions?limit=2")))
        .await;
    let page = first.expect(200).as_array().unwrap().clone();
    let occurrences: Vec<&str> = page.iter().map(|c| c["due_at"].as_str().unwrap()).collect();
    assert_eq!(
        occurrences,
        ["2026-10-26T08:00:00Z", "2026-10-25T08:00:00Z"]
    );
    for c in &page {
        assert_eq!(c["task_id"], task_id.as_str());
        assert!(c["completed_at"].is_string() && c["id"].is_string());
    }
    let next = first.next().expect("a next page");
    assert!(
        next.contains("limit=2") && next.contains("cursor="),
        "{next}"
    );
    let second = app.get(&next).await;
    let rest = second.expect(200).as_array().unwrap().clone();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["due_at"], "2026-10-24T07:00:00Z");
    assert_eq!(second.next(), None);

    // Someone else's task is 404, as is a bad query 400.
    app.call(
        Method::GET,
        &format!("/api/{}/tasks/{task_id}/completions", app.bob),
        &app.bob_token,
        None,
        &[],
    )
    .await
    .problem(404);
    assert_eq!(
        app.get(&app.alice_path(&format!("/tasks/{task_id}/completions?limit=0")))
            .await
            .problem(400),
        ["limit"]
    );
}

#[actix_web::test]
async fn an_exhausted_rule_completes_for_good() {
    let app = RealApp::spawn().await;
    let task = app
        .create_task(json!({
            "title": "Two sessions",
            "due_at": "2026-12-01T10:00:00Z",
            "recurrence": "FREQ=WEEKLY;COUNT=2"
        }))
        .await;
    let task_id = id(&task);
    let first = complete(&app, &task_id, None).await;
    assert_eq!(first.expect(200)["due_at"], "2026-12-08T10:00:00Z");
    assert_eq!(first.body["completed"], false);
    assert_eq!(first.body["next_due_at"], Value::Null);
    let last = complete(&app, &task_id, None).await;
    assert_eq!(last.expect(200)["completed"], true);
    assert_eq!(last.body["due_at"], "2026-12-08T10:00:00Z");
}

#[actix_web::test]
async fn two_completions_with_the_same_if_match_advance_once() {
    let app = RealApp::spawn().await;
    let task = app
        .create_task(json!({
            "title": "Daily",
            "due_at": "2026-12-01T10:00:00Z",
            "recurrence": "FREQ=DAILY"
        }))
        .await;
    let task_id = id(&task);
    let tag = app
        .get(&app.alice_path(&format!("/tasks/{task_id}")))
        .await
        .etag();
    let path = app.alice_path(&format!("/tasks/{task_id}/complete"));
    let body = json!({"completed": true});
    let headers = [("If-Match", tag.as_str())];
    let (a, b) = tokio::join!(
        app.call(
            Method::PATCH,
            &path,
            &app.alice_token,
            Some(body.clone()),
            &headers
        ),
        app.call(
            Method::PATCH,
            &path,
            &app.alice_token,
            Some(body.clone()),
            &headers
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412], "{} / {}", a.body, b.body);
    let now = app.get(&app.alice_path(&format!("/tasks/{task_id}"))).await;
    assert_eq!(now.expect(200)["due_at"], "2026-12-02T10:00:00Z");
    let history = app
        .get(&app.alice_path(&format!("/tasks/{task_id}/completions")))
        .await;
    assert_eq!(history.expect(200).as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn the_change_feed_carries_completions() {
    let app = RealApp::spawn().await;
    let task = app
        .create_task(json!({
            "title": "Daily",
            "due_at": "2026-12-01T10:00:00Z",
            "recurrence": "FREQ=DAILY"
        }))
        .await;
    let task_id = id(&task);
    let since = app.get(&app.alice_path("/changes?since=0")).await.body["next"]
        .as_u64()
        .unwrap();
    complete(&app, &task_id, None).await.expect(200);
    let history = app
        .get(&app.alice_path(&format!("/tasks/{task_id}/completions")))
        .await;
    let completion = history.body[0].clone();

    let feed = app
        .get(&app.alice_path(&format!("/changes?since={since}")))
        .await;
    let changes = feed.expect(200)["changes"].as_array().unwrap().clone();
    let entry = changes
        .iter()
        .find(|c| c["entity"] == "completion")
        .unwrap_or_else(|| panic!("no completion entry in {changes:?}"));
    assert_eq!(entry["op"], "upsert");
    assert_eq!(entry["id"], completion["id"]);
    assert_eq!(entry["data"], completion);
    let task_entry = changes
        .iter()
        .find(|c| c["entity"] == "task")
        .unwrap_or_else(|| panic!("no task entry in {changes:?}"));
    assert_eq!(task_entry["id"], task_id.as_str());
    assert_eq!(task_entry["data"]["due_at"], "2026-12-02T10:00:00Z");

    // Undo deletes the record: its entry says so.
    let since = feed.body["next"].as_u64().unwrap();
    complete(&app, &task_id, Some(json!({"completed": false})))
        .await
        .expect(200);
    let feed = app
        .get(&app.alice_path(&format!("/changes?since={since}")))
        .await;
    let changes = feed.expect(200)["changes"].as_array().unwrap().clone();
    assert!(
        changes.iter().any(|c| c["entity"] == "completion"
            && c["op"] == "delete"
            && c["id"] == completion["id"]
            && c["data"].is_null()),
        "{changes:?}"
    );
}

#[actix_web::test]
async fn extreme_due_dates_with_a_recurrence_are_never_a_server_error() {
    let app = RealApp::spawn().await;
    app.set_preferences("Pacific/Kiritimati").await;
    for due in [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-12:00",
    ] {
        for (rule, all_day) in [
            ("FREQ=DAILY", false),
            ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", true),
            ("FREQ=MONTHLY;BYDAY=-1FR;UNTIL=99991231", false),
        ] {
            let body = json!({
                "title": "edge", "due_at": due, "recurrence": rule, "due_all_day": all_day
            });
            let reply = app.post(&app.alice_path("/tasks"), body.clone()).await;
            assert!(
                reply.status == 201 || reply.status == 422,
                "{body}: {} {}",
                reply.status,
                reply.body
            );
            if reply.status == 201 {
                let task_id = id(&reply.body);
                let done = complete(&app, &task_id, None).await;
                assert!(
                    done.status == 200 || done.status == 422,
                    "{body}: {} {}",
                    done.status,
                    done.body
                );
            }
        }
    }
}

#[actix_web::test]
async fn the_completion_basis_counts_from_the_day_it_was_done() {
    let app = RealApp::spawn().await;
    app.set_preferences("America/New_York").await;
    let zone = domain::TimeZone::parse("America/New_York").unwrap();
    // Due long ago at 09:00 New York time (EST), every day.
    let late = app
        .create_task(json!({
            "title": "Stretch",
            "due_at": "2026-01-05T09:00:00-05:00",
            "recurrence": "FREQ=DAILY",
            "recurrence_basis": "completion"
        }))
        .await;
    let on_schedule = app
        .create_task(json!({
            "title": "Stretch on schedule",
            "due_at": "2026-01-05T09:00:00-05:00",
            "recurrence": "FREQ=DAILY"
        }))
        .await;
    let now = chrono::Utc::now();
    let done = complete(&app, &id(&late), None).await;
    let due: chrono::DateTime<chrono::Utc> = done.expect(200)["due_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // "every!": the day after the day it was done, at the same 09:00
    // local time.
    let tomorrow = zone.local_date(now).succ_opt().unwrap();
    let local = due.with_timezone(&zone.tz());
    assert_eq!(local.date_naive(), tomorrow, "{due}");
    assert_eq!(
        local.time(),
        chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap()
    );
    // "every": the next date of the schedule, however late.
    let kept = complete(&app, &id(&on_schedule), None).await;
    assert_eq!(kept.expect(200)["due_at"], "2026-01-06T14:00:00Z");
}
