//! Prometheus metrics on their own address: requests by route pattern and
//! status with a latency histogram, rate-limit rejections, the pool gauges.
//! (The recorder is process-wide: other tests running meanwhile add to the
//! counters, so this checks presence and the values only it controls.)

use std::sync::Arc;

use api_actix::http::rate_limit::{RateLimitSettings, RateLimits};
use api_actix::metrics::{self, PoolGauges, PoolProbe};
use ports::MockTaskRepo;

use crate::support::*;
use crate::transport::serve;

/// The sample lines of `metric` whose labels include all of `labels`.
fn samples<'a>(text: &'a str, metric: &str, labels: &[&str]) -> Vec<&'a str> {
    text.lines()
        .filter(|line| {
            line.strip_prefix(metric)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
                && labels.iter().all(|label| line.contains(label))
        })
        .collect()
}

#[actix_web::test]
async fn the_metrics_endpoint_counts_requests_by_route_and_status() {
    let handle = metrics::install().unwrap();
    let probe: PoolProbe = Arc::new(|| PoolGauges {
        size: 3,
        idle: 2,
        waiting: 1,
    });
    let (exporter, addrs) =
        metrics::start("127.0.0.1:0".parse().unwrap(), handle, Some(probe)).unwrap();
    let exporter_handle = exporter.handle();
    actix_web::rt::spawn(exporter);

    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .returning(|_, id| Ok(sample_task(id, "x", 1)));
    let served = serve(repo, |s| {
        s.app.rate_limits = Arc::new(RateLimits::new(RateLimitSettings {
            per_user_per_second: 1,
            per_user_burst: 1,
            ..s.app.rate_limits.settings()
        }));
    });
    let http = reqwest::Client::new();
    let base = format!("http://{}", served.addr);
    let task = format!("{base}{}", task_url(ALICE, TASK));
    let status = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(
        status(http.get(format!("{base}/healthz")).send().await.unwrap()),
        200
    );
    assert_eq!(
        status(
            http.get(&task)
                .bearer_auth(EXPIRED_TOKEN)
                .send()
                .await
                .unwrap()
        ),
        401
    );
    assert_eq!(
        status(
            http.get(&task)
                .bearer_auth(ALICE_TOKEN)
                .send()
                .await
                .unwrap()
        ),
        200
    );
    assert_eq!(
        status(
            http.get(&task)
                .bearer_auth(ALICE_TOKEN)
                .send()
                .await
                .unwrap()
        ),
        429
    );

    let scraped = http
        .get(format!("http://{}/metrics", addrs[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();

    let healthz = samples(
        &text,
        "http_requests_total",
        &[r#"method="GET""#, r#"route="/healthz""#, r#"status="200""#],
    );
    assert_eq!(healthz.len(), 1, "{text}");
    let route = r#"route="/api/{user_id}/tasks/{id}""#;
    for status in ["200", "401", "429"] {
        let label = format!("status=\"{status}\"");
        assert_eq!(
            samples(&text, "http_requests_total", &[route, &label]).len(),
            1,
            "{status}: {text}"
        );
        let buckets = samples(
            &text,
            "http_request_duration_seconds_bucket",
            &[route, &label],
        );
        assert!(buckets.iter().any(|b| b.contains("le=\"+Inf\"")), "{text}");
    }
    // The raw path, with its ids, is never a label.
    assert!(!text.contains(TASK), "{text}");
    assert!(
        !samples(&text, "rate_limit_rejections_total", &[r#"policy="user""#]).is_empty(),
        "{text}"
    );
    assert!(text.contains("\ndb_pool_connections 3\n"), "{text}");
    assert!(text.contains("\ndb_pool_idle_connections 2\n"), "{text}");
    assert!(text.contains("\ndb_pool_waiting 1\n"), "{text}");

    served.stop().await;
    exporter_handle.stop(false).await;
}
