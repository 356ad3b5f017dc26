//! The request log: one line per request with method, route pattern,
//! status and latency, and never the token.

use std::io::Write;
use std::sync::{Arc, Mutex};

use actix_web::test::TestRequest;
use ports::MockTaskRepo;
use tracing_subscriber::fmt::MakeWriter;

use crate::support::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[actix_web::test]
async fn one_line_per_request_with_route_pattern_and_no_token() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut repo = MockTaskRepo::new();
    repo.expect_get()
        .returning(|_, id| Ok(sample_task(id, "x", 1)));
    let reply = send(
        repo,
        verifier(),
        TestRequest::get()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 200);
    let reply = send_no_repo(
        TestRequest::get()
            .uri(&task_url(ALICE, TASK))
            .insert_header(bearer(EXPIRED_TOKEN)),
    )
    .await;
    assert_eq!(reply.status, 401);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(" request ")).collect();
    assert_eq!(lines.len(), 2, "{log}");
    for (line, status) in lines.iter().zip(["200", "401"]) {
        assert!(line.contains("method=GET"), "{line}");
        assert!(
            line.contains("route=\"/api/{user_id}/tasks/{id}\""),
            "{line}"
        );
        assert!(line.contains(&format!("status={status}")), "{line}");
        assert!(line.contains("latency_ms="), "{line}");
        assert!(!line.contains(TASK), "raw path logged: {line}");
    }
    for token in [ALICE_TOKEN, EXPIRED_TOKEN] {
        assert!(!log.contains(token), "token in log: {log}");
    }
    assert!(!log.contains("Bearer"), "{log}");
}
