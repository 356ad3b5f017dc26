//! The date views of `GET /api/{user_id}/tasks` on the real stack (issue
//! 11), for a user in Pacific/Kiritimati (UTC+14, the zone furthest ahead
//! of UTC): the user's "today" is usually another UTC date, so reading
//! the views in UTC would pick other tasks. Pagination across a view, the
//! views combined with filters, and the 400s of `view` and `days`.

use chrono::{Duration, Utc};
use domain::TimeZone;
use serde_json::{Value, json};

use crate::real::RealApp;

fn rfc3339(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn titles(tasks: &[Value]) -> Vec<String> {
    tasks
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_owned())
        .collect()
}

fn sorted(mut titles: Vec<String>) -> Vec<String> {
    titles.sort();
    titles
}

#[actix_web::test]
async fn views_follow_the_users_zone_and_page() {
    let app = RealApp::spawn().await;
    app.set_preferences("Pacific/Kiritimati").await;
    let zone = TimeZone::parse("Pacific/Kiritimati").unwrap();
    let now = Utc::now();
    let today = zone.local_date(now);
    let start_of_today = zone.start_of_date(today);
    let day =
        |n: i64| zone.start_of_date(today.checked_add_signed(chrono::Duration::days(n)).unwrap());
    // Local noon `n` days from today (Kiritimati has no DST).
    let noon = |n: i64| day(n) + Duration::hours(12);

    for (title, due, all_day, priority, completed) in [
        // Timed, two days ago: overdue, and in Today.
        (
            "a-timed-overdue",
            Some(now - Duration::days(2)),
            false,
            "high",
            false,
        ),
        // All-day yesterday: overdue, and in Today.
        ("b-all-day-yesterday", Some(noon(-1)), true, "low", false),
        // All-day today (stored as today's local midnight, which is
        // yesterday in UTC): Today and Upcoming, not overdue.
        ("c-all-day-today", Some(noon(0)), true, "low", false),
        // Tomorrow at noon: Upcoming only.
        ("d-tomorrow-noon", Some(noon(1)), false, "low", false),
        // In ten days: only an Upcoming of more than ten days.
        ("e-in-ten-days", Some(noon(10)), false, "low", false),
        ("f-no-date", None, false, "low", false),
        // Completed: in no view.
        ("g-done-today", Some(noon(0)), true, "high", true),
        ("h-done-undated", None, false, "low", true),
    ] {
        let mut body = json!({
            "title": title,
            "due_all_day": all_day,
            "priority": priority,
            "completed": completed,
        });
        if let Some(due) = due {
            body["due_at"] = json!(rfc3339(due));
        }
        app.create_task(body).await;
    }
    let all_day_today = app.get(&app.alice_path("/tasks?q=c-all-day-today")).await;
    assert_eq!(
        all_day_today.expect(200)[0]["due_at"],
        json!(rfc3339(start_of_today))
    );

    let view = |query: &str| app.alice_path(&format!("/tasks?{query}"));
    let (today_tasks, _) = app.all_pages(&view("view=today")).await;
    assert_eq!(
        sorted(titles(&today_tasks)),
        ["a-timed-overdue", "b-all-day-yesterday", "c-all-day-today"]
    );
    let (overdue, _) = app.all_pages(&view("view=overdue")).await;
    assert_eq!(
        sorted(titles(&overdue)),
        ["a-timed-overdue", "b-all-day-yesterday"]
    );
    let (no_date, _) = app.all_pages(&view("view=no_date")).await;
    assert_eq!(titles(&no_date), ["f-no-date"]);

    // Upcoming: by due date, soonest first, unless sorted otherwise.
    let (upcoming, _) = app.all_pages(&view("view=upcoming")).await;
    assert_eq!(titles(&upcoming), ["c-all-day-today", "d-tomorrow-noon"]);
    let (sorted_by_title, _) = app
        .all_pages(&view("view=upcoming&days=11&sort=title&order=desc"))
        .await;
    assert_eq!(
        titles(&sorted_by_title),
        ["e-in-ten-days", "d-tomorrow-noon", "c-all-day-today"]
    );

    // One task a page: the next-page links keep the view and its days.
    let first = app.get(&view("view=upcoming&days=20&limit=1")).await;
    first.expect(200);
    let next = first.next().expect("a next page");
    assert!(
        next.contains("view=upcoming") && next.contains("days=20"),
        "{next}"
    );
    let (paged, pages) = app.all_pages(&view("view=upcoming&days=20&limit=1")).await;
    assert_eq!(
        titles(&paged),
        ["c-all-day-today", "d-tomorrow-noon", "e-in-ten-days"]
    );
    assert_eq!(pages, 3);
    let (today_paged, pages) = app.all_pages(&view("view=today&limit=2")).await;
    assert_eq!(sorted(titles(&today_paged)), sorted(titles(&today_tasks)));
    assert_eq!(pages, 2);

    // Views combine with the other filters.
    let (urgent_today, _) = app.all_pages(&view("view=today&priority=high")).await;
    assert_eq!(titles(&urgent_today), ["a-timed-overdue"]);
    let (done_today, _) = app.all_pages(&view("view=today&status=completed")).await;
    assert_eq!(done_today, Vec::<Value>::new());
}

#[actix_web::test]
async fn view_and_days_are_checked() {
    let app = RealApp::spawn().await;
    for (query, field) in [
        ("view=tomorrow", "view"),
        ("view=TODAY", "view"),
        ("view=upcoming&days=0", "days"),
        ("view=upcoming&days=61", "days"),
        ("view=upcoming&days=seven", "days"),
        ("view=upcoming&days=-1", "days"),
        ("view=today&days=3", "days"),
        ("days=3", "days"),
        ("view=today&view=overdue", "view"),
    ] {
        let reply = app.get(&app.alice_path(&format!("/tasks?{query}"))).await;
        assert_eq!(reply.problem(400), [field], "{query}");
    }
    for query in [
        "view=upcoming&days=1",
        "view=upcoming&days=60",
        "view=&days=",
    ] {
        app.get(&app.alice_path(&format!("/tasks?{query}")))
            .await
            .expect(200);
    }
}

mod mocked {
    //! The handler's side with mocked ports: the caller's preferences are
    //! read (once) only when a view is asked for, and the view reaches the
    //! store as the window of the caller's zone.

    use std::sync::Arc;

    use actix_web::test::TestRequest;
    use api_actix::AppState;
    use chrono::Utc;
    use domain::{Preferences, TaskPage, TimeZone, Version, ViewWindow, WeekStart};
    use ports::{
        GetPreferencesError, MockPreferencesRepo, MockTaskRepo, RepoUnavailable, StoredPreferences,
    };

    use crate::support::*;

    fn state(repo: MockTaskRepo, preferences: MockPreferencesRepo) -> AppState {
        AppState {
            trash: std::sync::Arc::new(ports::MockTrashRepo::new()),
            idempotency: std::sync::Arc::new(ports::MockIdempotencyStore::new()),
            transfer: std::sync::Arc::new(ports::MockTransferRepo::new()),
            repo: Arc::new(repo),
            verifier: Arc::new(verifier()),
            lists: Arc::new(ports::MockListRepo::new()),
            labels: Arc::new(ports::MockLabelRepo::new()),
            preferences: Arc::new(preferences),
            changes: Arc::new(ports::MockChangeLog::new()),
            signals: Arc::new(ports::MockChangeSignals::new()),
        }
    }

    fn list(query: &str) -> TestRequest {
        TestRequest::get()
            .uri(&format!("{}?{query}", tasks_url(ALICE)))
            .insert_header(bearer(ALICE_TOKEN))
    }

    fn empty_page(
        repo: &mut MockTaskRepo,
        check: impl Fn(&domain::TaskQuery) -> bool + Send + Sync + 'static,
    ) {
        repo.expect_list()
            .withf(move |_, q| check(q))
            .times(1)
            .returning(|_, _| {
                Ok(TaskPage {
                    tasks: Vec::new(),
                    has_more: false,
                })
            });
    }

    #[actix_web::test]
    async fn no_view_no_preferences_read() {
        let mut repo = MockTaskRepo::new();
        empty_page(&mut repo, |q| q.view.is_none());
        // No expectation: a read would panic (500).
        let reply = send_to(
            state(repo, MockPreferencesRepo::new()),
            list("status=pending"),
        )
        .await;
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
    }

    #[actix_web::test]
    async fn a_view_reads_the_zone_once_and_becomes_its_window() {
        let zone = TimeZone::parse("Pacific/Kiritimati").unwrap();
        let mut preferences = MockPreferencesRepo::new();
        preferences
            .expect_get()
            .withf(|owner| *owner == alice())
            .times(1)
            .returning(move |_| {
                Ok(StoredPreferences {
                    preferences: Preferences {
                        time_zone: zone,
                        week_start: WeekStart::Sunday,
                    },
                    version: Version::new(3),
                })
            });
        let before = Utc::now();
        let mut repo = MockTaskRepo::new();
        empty_page(&mut repo, move |q| match q.view {
            // The start of the caller's tomorrow, in Kiritimati.
            Some(ViewWindow::DueBefore { before: end }) => {
                let tomorrow = zone.local_date(before).succ_opt().unwrap();
                end == zone.start_of_date(tomorrow)
                    || end == zone.start_of_date(tomorrow.succ_opt().unwrap())
            }
            _ => false,
        });
        let reply = send_to(state(repo, preferences), list("view=today")).await;
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
    }

    #[actix_web::test]
    async fn an_unreachable_preferences_store_is_503() {
        let mut preferences = MockPreferencesRepo::new();
        preferences.expect_get().returning(|_| {
            Err(GetPreferencesError::Unavailable(RepoUnavailable(
                "connection refused".into(),
            )))
        });
        let reply = send_to(
            state(MockTaskRepo::new(), preferences),
            list("view=overdue"),
        )
        .await;
        reply.problem(503);
    }

    #[actix_web::test]
    async fn a_bad_view_is_400_before_any_read() {
        let reply = send_to(
            state(MockTaskRepo::new(), MockPreferencesRepo::new()),
            list("view=someday&days=3"),
        )
        .await;
        reply.problem(400);
        assert_eq!(reply.error_fields(), ["view"]);
    }
}
