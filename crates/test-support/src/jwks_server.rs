//! A local JWKS endpoint the tests control: what it answers can be changed
//! at any time, requests are counted, and answers can be held back. Used by
//! adapters-jwt's unit tests (the fetcher), integration tests and benchmark.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use hyper::body::{Body, Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

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
    /// size is announced in Content-Length, otherwise it is streamed chunked.
    Padded {
        prefix: String,
        total: usize,
        declare_length: bool,
    },
    /// A chunked body that never ends.
    Endless,
}

#[derive(Debug)]
struct Shared {
    reply: Mutex<Reply>,
    hits: watch::Sender<usize>,
    open: watch::Sender<bool>,
}

/// An HTTP/1 server on `127.0.0.1:0` answering every request with the
/// current [`Reply`]. Stops accepting when dropped.
///
/// Must be used within the tokio runtime it was started on.
#[derive(Debug)]
pub struct JwksServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_loop: JoinHandle<()>,
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

impl JwksServer {
    /// # Panics
    /// When no local port can be bound.
    pub async fn start(reply: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the JWKS server to a local port");
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        let shared = Arc::new(Shared {
            reply: Mutex::new(reply),
            hits: watch::channel(0).0,
            open: watch::channel(true).0,
        });
        let for_loop = Arc::clone(&shared);
        let accept_loop = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let shared = Arc::clone(&for_loop);
                tokio::spawn(async move {
                    let service = service_fn(move |req| answer(Arc::clone(&shared), req));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            addr,
            shared,
            accept_loop,
        }
    }

    /// Where the server answers, at Better Auth's JWKS path.
    pub fn url(&self) -> String {
        format!("http://{}/api/auth/jwks", self.addr)
    }

    /// What every request from now on is answered with.
    pub fn set(&self, reply: Reply) {
        *self.shared.reply.lock().expect("reply lock not poisoned") = reply;
    }

    /// Shorthand for `set(Reply::Json(json))`.
    pub fn serve_json(&self, json: String) {
        self.set(Reply::Json(json));
    }

    /// Requests received so far (counted on arrival, before any hold).
    pub fn hits(&self) -> usize {
        *self.shared.hits.borrow()
    }

    /// Waits (bounded) until at least `n` requests have arrived.
    ///
    /// # Panics
    /// When fewer than `n` requests arrive within 10 s.
    pub async fn wait_for_hits(&self, n: usize) {
        let mut rx = self.shared.hits.subscribe();
        tokio::time::timeout(Duration::from_secs(10), rx.wait_for(|hits| *hits >= n))
            .await
            .unwrap_or_else(|_| panic!("fewer than {n} JWKS requests within 10 s"))
            .expect("the server outlives this call");
    }

    /// Requests arriving from now on wait until [`Self::release`].
    pub fn hold(&self) {
        self.shared.open.send_replace(false);
    }

    /// Answers held requests, and later ones at once.
    pub fn release(&self) {
        self.shared.open.send_replace(true);
    }
}

type ReplyBody = BoxBody<Bytes, Infallible>;

async fn answer(
    shared: Arc<Shared>,
    _req: Request<Incoming>,
) -> Result<Response<ReplyBody>, Infallible> {
    shared.hits.send_modify(|hits| *hits += 1);
    let mut open = shared.open.subscribe();
    let _ = open.wait_for(|open| *open).await;
    let reply = shared
        .reply
        .lock()
        .expect("reply lock not poisoned")
        .clone();
    let response = match reply {
        Reply::Json(body) => Response::builder()
            .header("content-type", "application/json")
            .body(full(body.into_bytes())),
        Reply::Status(code) => Response::builder()
            .status(StatusCode::from_u16(code).expect("a valid HTTP status code"))
            .body(full(Vec::new())),
        Reply::Redirect(location) => Response::builder()
            .status(StatusCode::FOUND)
            .header("location", location)
            .body(full(Vec::new())),
        Reply::Hang => {
            std::future::pending::<()>().await;
            unreachable!()
        }
        Reply::Padded {
            prefix,
            total,
            declare_length,
        } => {
            let mut body = prefix.into_bytes();
            body.resize(total.max(body.len()), b' ');
            let builder = Response::builder().header("content-type", "application/json");
            if declare_length {
                builder.body(full(body))
            } else {
                builder.body(Chunked::finite(body).boxed())
            }
        }
        Reply::Endless => Response::builder()
            .header("content-type", "application/json")
            .body(Chunked::endless().boxed()),
    };
    Ok(response.expect("a well-formed response"))
}

fn full(body: Vec<u8>) -> ReplyBody {
    http_body_util::Full::new(Bytes::from(body)).boxed()
}

/// A body of unknown length, sent in 16 KiB chunks.
struct Chunked {
    rest: Option<Bytes>,
}

const CHUNK: usize = 16 * 1024;

impl Chunked {
    fn finite(body: Vec<u8>) -> Self {
        Self {
            rest: Some(Bytes::from(body)),
        }
    }

    fn endless() -> Self {
        Self { rest: None }
    }
}

impl Body for Chunked {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let chunk = match &mut self.rest {
            None => Bytes::from(vec![b' '; CHUNK]),
            Some(rest) if rest.is_empty() => return Poll::Ready(None),
            Some(rest) => rest.split_to(CHUNK.min(rest.len())),
        };
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }
}
