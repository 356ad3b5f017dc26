//! `GET|PUT /api/{user_id}/preferences` on the real stack (issue 11):
//! defaults until the first PUT, ETag and If-Match, 422 naming the field,
//! 403 for another user, and the change feed's `preferences` entries.

use reqwest::Method;
use serde_json::json;

use crate::real::RealApp;

#[actix_web::test]
async fn defaults_then_a_put_with_etag_and_if_match() {
    let app = RealApp::spawn().await;
    let path = app.alice_path("/preferences");

    let first = app.get(&path).await;
    assert_eq!(
        first.expect(200),
        &json!({"time_zone": "UTC", "week_start": "monday"})
    );
    let defaults_tag = first.etag();
    // Reading never writes: the same tag again.
    assert_eq!(app.get(&path).await.etag(), defaults_tag);

    let put = app
        .call(
            Method::PUT,
            &path,
            &app.alice_token,
            Some(json!({"time_zone": "Europe/Berlin", "week_start": "sunday"})),
            &[("If-Match", &defaults_tag)],
        )
        .await;
    assert_eq!(
        put.expect(200),
        &json!({"time_zone": "Europe/Berlin", "week_start": "sunday"})
    );
    let stored_tag = put.etag();
    assert_ne!(stored_tag, defaults_tag);
    let again = app.get(&path).await;
    assert_eq!(
        again.expect(200),
        &json!({"time_zone": "Europe/Berlin", "week_start": "sunday"})
    );
    assert_eq!(again.etag(), stored_tag);

    // A stale tag: 412, nothing changes.
    let stale = app
        .call(
            Method::PUT,
            &path,
            &app.alice_token,
            Some(json!({"time_zone": "Asia/Tokyo", "week_start": "monday"})),
            &[("If-Match", &defaults_tag)],
        )
        .await;
    stale.problem(412);
    assert_eq!(app.get(&path).await.body["time_zone"], "Europe/Berlin");

    // Without If-Match the write is unconditional.
    let put = app
        .put(&path, json!({"time_zone": "UTC", "week_start": "monday"}))
        .await;
    put.expect(200);
    assert_ne!(put.etag(), stored_tag);
}

#[actix_web::test]
async fn invalid_bodies_are_422_naming_each_field() {
    let app = RealApp::spawn().await;
    let path = app.alice_path("/preferences");
    for (body, fields) in [
        (
            json!({"time_zone": "Mars/Olympus_Mons", "week_start": "monday"}),
            vec!["time_zone"],
        ),
        (
            json!({"time_zone": "europe/berlin", "week_start": "monday"}),
            vec!["time_zone"],
        ),
        (
            json!({"time_zone": "UTC", "week_start": "friday"}),
            vec!["week_start"],
        ),
        (json!({"time_zone": "UTC"}), vec!["week_start"]),
        (json!({}), vec!["time_zone", "week_start"]),
        (
            json!({"time_zone": "UTC", "week_start": "monday", "theme": "dark"}),
            vec!["theme"],
        ),
    ] {
        let reply = app.put(&path, body.clone()).await;
        let mut named = reply.problem(422);
        named.sort();
        assert_eq!(named, fields, "{body}");
    }
    // Nothing was stored.
    assert_eq!(
        app.get(&path).await.body,
        json!({"time_zone": "UTC", "week_start": "monday"})
    );
}

#[actix_web::test]
async fn another_users_preferences_are_403() {
    let app = RealApp::spawn().await;
    let path = app.alice_path("/preferences");
    app.call(Method::GET, &path, &app.bob_token, None, &[])
        .await
        .problem(403);
    app.call(
        Method::PUT,
        &path,
        &app.bob_token,
        Some(json!({"time_zone": "UTC", "week_start": "sunday"})),
        &[],
    )
    .await
    .problem(403);
    assert_eq!(app.get(&path).await.body["week_start"], "monday");
}

#[actix_web::test]
async fn changing_the_zone_keeps_all_day_tasks_on_their_dates() {
    let app = RealApp::spawn().await;
    app.set_preferences("Europe/Berlin").await;
    let task = app
        .create_task(json!({
            "title": "Christmas Eve",
            "due_at": "2026-12-24T18:00:00+01:00",
            "due_all_day": true
        }))
        .await;
    assert_eq!(task["due_at"], "2026-12-23T23:00:00Z");
    app.set_preferences("America/New_York").await;
    let id = task["id"].as_str().unwrap();
    let moved = app.get(&app.alice_path(&format!("/tasks/{id}"))).await;
    assert_eq!(moved.expect(200)["due_at"], "2026-12-24T05:00:00Z");
    assert_eq!(moved.body["due_all_day"], true);
}

#[actix_web::test]
async fn the_change_feed_carries_preferences() {
    let app = RealApp::spawn().await;
    app.set_preferences("Asia/Tokyo").await;
    let feed = app.get(&app.alice_path("/changes?since=0")).await;
    let changes = feed.expect(200)["changes"].as_array().unwrap().clone();
    let entry = changes
        .iter()
        .find(|c| c["entity"] == "preferences")
        .unwrap_or_else(|| panic!("no preferences entry in {changes:?}"));
    assert_eq!(entry["op"], "upsert");
    assert_eq!(entry["id"], app.alice.to_string());
    assert_eq!(
        entry["data"],
        json!({"time_zone": "Asia/Tokyo", "week_start": "monday"})
    );
}
