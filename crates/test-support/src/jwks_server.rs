//! A local JWKS endpoint the tests control, on wiremock: what it answers can
//! be changed at any time, requests are counted, and answers can be delayed.
//! Used by adapters-jwt's unit tests (the fetcher), integration tests and
//! benchmark, and the API's end-to-end test.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Better Auth's JWKS path: requests elsewhere get wiremock's 404.
const JWKS_PATH: &str = "/api/auth/jwks";

/// Longer than any test runs: an answer delayed this long never comes.
const NEVER: Duration = Duration::from_secs(24 * 60 * 60);

/// What the endpoint answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with this body and a JSON content type.
    Json(String),
    /// This status with an empty body.
    Status(u16),
    /// 302 to `location`.
    Redirect(String),
    /// Accept the request and never answer.
    Hang,
    /// `prefix`, then spaces up to `total` bytes; with `declare_length` the
    /// size is announced in Content-Length, otherwise it is sent chunked,
    /// so only counting the bytes as they arrive can tell it is too big.
    Padded {
        prefix: String,
        total: usize,
        declare_length: bool,
    },
    /// A chunked body that never ends. wiremock buffers every body, so this
    /// one reply comes from a small endpoint of its own: only as the reply a
    /// server is started with, never through [`JwksServer::set`].
    Endless,
}

/// An HTTP server on `127.0.0.1:0` answering `GET /api/auth/jwks` with the
/// current [`Reply`]. Its port closes when it is dropped.
///
/// Must be used within a tokio runtime.
#[derive(Debug)]
pub struct JwksServer {
    endpoint: Endpoint,
    answers: Arc<Answers>,
}

#[derive(Debug)]
enum Endpoint {
    // Not from wiremock's pool: a pooled server keeps listening after it is
    // dropped, and tests drop the server to make the endpoint unreachable.
    Mock(MockServer),
    Endless(EndlessBody),
}

#[derive(Debug)]
struct Answers {
    reply: Mutex<Reply>,
    delay: Mutex<Duration>,
    hits: watch::Sender<usize>,
}

impl Answers {
    fn count(&self) {
        self.hits.send_modify(|hits| *hits += 1);
    }
}

/// Builds each answer from the current reply, when the request arrives.
struct Current(Arc<Answers>);

impl Respond for Current {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        self.0.count();
        let reply = self.0.reply.lock().expect("reply lock").clone();
        let delay = *self.0.delay.lock().expect("delay lock");
        let template = match reply {
            Reply::Json(body) => ResponseTemplate::new(200).set_body_raw(body, "application/json"),
            Reply::Status(code) => ResponseTemplate::new(code),
            Reply::Redirect(location) => {
                ResponseTemplate::new(302).insert_header("location", location.as_str())
            }
            // Whatever delay is set: this answer never comes.
            Reply::Hang => return ResponseTemplate::new(200).set_delay(NEVER),
            Reply::Padded {
                prefix,
                total,
                declare_length,
            } => {
                let mut body = prefix.into_bytes();
                body.resize(total.max(body.len()), b' ');
                let template = ResponseTemplate::new(200).set_body_raw(body, "application/json");
                if declare_length {
                    // hyper announces a buffered body's length itself.
                    template
                } else {
                    // With this header hyper sends the body chunked and
                    // leaves Content-Length out.
                    template.insert_header("transfer-encoding", "chunked")
                }
            }
            Reply::Endless => unreachable!("JwksServer::set refuses Reply::Endless"),
        };
        if delay.is_zero() {
            template
        } else {
            template.set_delay(delay)
        }
    }
}

impl JwksServer {
    /// # Panics
    /// When no local port can be bound.
    pub async fn start(reply: Reply) -> Self {
        let answers = Arc::new(Answers {
            reply: Mutex::new(reply.clone()),
            delay: Mutex::new(Duration::ZERO),
            hits: watch::channel(0).0,
        });
        let endpoint = if matches!(reply, Reply::Endless) {
            Endpoint::Endless(EndlessBody::start(Arc::clone(&answers)).await)
        } else {
            let server = MockServer::builder().start().await;
            Mock::given(method("GET"))
                .and(path(JWKS_PATH))
                .respond_with(Current(Arc::clone(&answers)))
                .mount(&server)
                .await;
            Endpoint::Mock(server)
        };
        Self { endpoint, answers }
    }

    /// Where the server answers, at Better Auth's JWKS path.
    pub fn url(&self) -> String {
        let base = match &self.endpoint {
            Endpoint::Mock(server) => server.uri(),
            Endpoint::Endless(endless) => endless.uri(),
        };
        format!("{base}{JWKS_PATH}")
    }

    /// What every request from now on is answered with.
    ///
    /// # Panics
    /// For [`Reply::Endless`], or on a server started with it: that reply
    /// is not served by wiremock (see [`Reply::Endless`]).
    pub fn set(&self, reply: Reply) {
        assert!(
            !matches!(reply, Reply::Endless) && matches!(self.endpoint, Endpoint::Mock(_)),
            "an endless body is only served by a JwksServer started with Reply::Endless"
        );
        *self.answers.reply.lock().expect("reply lock") = reply;
    }

    /// Shorthand for `set(Reply::Json(json))`.
    pub fn serve_json(&self, json: String) {
        self.set(Reply::Json(json));
    }

    /// Answers to requests arriving from now on are sent `delay` after the
    /// request arrived (each is counted on arrival); zero sends them at
    /// once. Keeps a fetch in flight long enough for other work to meet it.
    pub fn delay_answers(&self, delay: Duration) {
        *self.answers.delay.lock().expect("delay lock") = delay;
    }

    /// Requests received so far (counted on arrival, before any delay).
    pub fn hits(&self) -> usize {
        *self.answers.hits.borrow()
    }

    /// Waits (bounded) until at least `n` requests have arrived.
    ///
    /// # Panics
    /// When fewer than `n` requests arrive within 10 s.
    pub async fn wait_for_hits(&self, n: usize) {
        let mut rx = self.answers.hits.subscribe();
        tokio::time::timeout(Duration::from_secs(10), rx.wait_for(|hits| *hits >= n))
            .await
            .unwrap_or_else(|_| panic!("fewer than {n} JWKS requests within 10 s"))
            .expect("the server outlives this call");
    }
}

/// An HTTP/1.1 endpoint answering every request with 200 and a chunked
/// body of spaces that never ends (until the client hangs up).
#[derive(Debug)]
struct EndlessBody {
    uri: String,
    accept_loop: JoinHandle<()>,
}

impl Drop for EndlessBody {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

impl EndlessBody {
    async fn start(answers: Arc<Answers>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the endless endpoint to a local port");
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        let accept_loop = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let answers = Arc::clone(&answers);
                tokio::spawn(async move {
                    // The request head, whatever it asks: every request gets
                    // the same answer.
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    answers.count();
                    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                transfer-encoding: chunked\r\n\r\n";
                    if socket.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    // 16 KiB chunks of spaces, until a write fails.
                    let mut chunk = format!("{:x}\r\n", 16 * 1024).into_bytes();
                    chunk.resize(chunk.len() + 16 * 1024, b' ');
                    chunk.extend_from_slice(b"\r\n");
                    while socket.write_all(&chunk).await.is_ok() {}
                });
            }
        });
        Self {
            uri: format!("http://{addr}"),
            accept_loop,
        }
    }

    fn uri(&self) -> String {
        self.uri.clone()
    }
}
