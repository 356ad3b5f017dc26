//! The real stack for the tests of issue 11: the app served in-process on
//! port 0 (`server::start`, as the binary serves it), the PostgreSQL
//! adapter on a fresh migrated database, and EdDSA tokens checked by the
//! real JWKS verifier against a local JWKS endpoint. Two users, each with
//! a token.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use adapters_jwt::{JwksSettings, VerifierMode, VerifierSettings, build_verifier};
use adapters_postgres::{PgChangeListener, PgSettings, PgTaskRepo, PoolerMode, run_migrations};
use api_actix::AppState;
use api_actix::http::rate_limit::RateLimits;
use api_actix::server::{ServerSettings, start};
use domain::UserId;
use reqwest::Method;
use serde_json::{Value, json};
use test_support::TestDatabase;
use test_support::jwks_server::{JwksServer, Reply};
use test_support::jwt::{TestKey, jwks_json};

const ISSUER: &str = "http://better-auth.test";
const AUDIENCE: &str = "todo-api";
/// Bounds the waits for the server and its keys; no assertion is timed.
const PATIENCE: Duration = Duration::from_secs(30);

pub struct RealApp {
    pub base: String,
    pub alice: UserId,
    pub bob: UserId,
    pub alice_token: String,
    pub bob_token: String,
    http: reqwest::Client,
    // Kept alive for the test's duration.
    _jwks: JwksServer,
    _db: TestDatabase,
}

#[derive(Debug)]
pub struct RealReply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl RealReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// Asserts the status, naming the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "{}", self.body);
        &self.body
    }

    /// Asserts a problem+json answer with this status; returns the fields
    /// its `errors` name.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Vec<String> {
        self.expect(status);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn etag(&self) -> String {
        self.header("etag").expect("an ETag").to_owned()
    }

    /// The relative URL of `Link: <…>; rel="next"`, if any.
    pub fn next(&self) -> Option<String> {
        let link = self.header("link")?;
        let url = link.strip_prefix('<')?.split_once('>')?.0;
        assert!(link.ends_with("; rel=\"next\""), "{link}");
        Some(url.to_owned())
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn token(key: &TestKey, user: UserId) -> String {
    key.token(&json!({
        "sub": user.to_string(),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now(),
        "exp": now() + 900,
    }))
}

impl RealApp {
    pub async fn spawn() -> Self {
        let db = TestDatabase::create().await;
        run_migrations(&db.url().to_owned().into()).await.unwrap();
        let alice = db.insert_user().await;
        let bob = db.insert_user().await;

        let key = TestKey::ed25519("issue-11-key");
        let jwks = JwksServer::start(Reply::Json(jwks_json(&[key.jwk()]))).await;
        let verifier = build_verifier(VerifierSettings {
            issuer: ISSUER.to_owned(),
            audience: AUDIENCE.to_owned(),
            leeway: Duration::from_secs(5),
            mode: VerifierMode::Jwks(JwksSettings {
                url: jwks.url(),
                refresh_interval: Duration::from_secs(300),
                refetch_cooldown: Duration::from_secs(1),
                fetch_timeout: Duration::from_secs(5),
                max_body_bytes: 64 * 1024,
            }),
        })
        .unwrap();

        let url: secrecy::SecretString = db.url().to_owned().into();
        let repo = Arc::new(
            PgTaskRepo::new(&PgSettings {
                url: url.clone(),
                max_connections: 6,
                acquire_timeout: Duration::from_secs(10),
                statement_timeout: Duration::from_secs(30),
                lock_timeout: Duration::from_secs(10),
                pooler: PoolerMode::None,
            })
            .unwrap(),
        );
        let signals = PgChangeListener::start(&url, Duration::from_secs(10)).unwrap();
        let state = AppState {
            trash: repo.clone(),
            idempotency: repo.clone(),
            transfer: repo.clone(),
            repo: repo.clone(),
            verifier,
            lists: repo.clone(),
            labels: repo.clone(),
            preferences: repo.clone(),
            changes: repo,
            signals,
        };
        let mut settings = ServerSettings::new("127.0.0.1:0".parse().unwrap());
        settings.workers = Some(2);
        settings.shutdown_timeout = Duration::from_secs(1);
        // Many requests in a row from one user: no per-user rate here.
        let mut limits = settings.app.rate_limits.settings();
        limits.per_user_per_second = 0;
        settings.app.rate_limits = Arc::new(RateLimits::new(limits));
        let (server, addrs) = start(&settings, state).unwrap();
        actix_web::rt::spawn(server);

        let app = Self {
            base: format!("http://{}", addrs[0]),
            alice,
            bob,
            alice_token: token(&key, alice),
            bob_token: token(&key, bob),
            http: reqwest::Client::new(),
            _jwks: jwks,
            _db: db,
        };
        app.wait_ready().await;
        app
    }

    /// Until the keys are loaded and the database answers.
    async fn wait_ready(&self) {
        let started = Instant::now();
        loop {
            let res = self.http.get(format!("{}/readyz", self.base)).send().await;
            if res.is_ok_and(|r| r.status() == 200) {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "the app never became ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// One request as `token`, with a JSON body when given and these extra
    /// headers.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> RealReply {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        RealReply {
            status,
            headers,
            body,
        }
    }

    /// Alice's requests, the common case.
    pub async fn get(&self, path: &str) -> RealReply {
        self.call(Method::GET, path, &self.alice_token, None, &[])
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> RealReply {
        self.call(Method::POST, path, &self.alice_token, Some(body), &[])
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> RealReply {
        self.call(Method::PUT, path, &self.alice_token, Some(body), &[])
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> RealReply {
        self.call(Method::PATCH, path, &self.alice_token, Some(body), &[])
            .await
    }

    /// `/api/{alice}{rest}`.
    pub fn alice_path(&self, rest: &str) -> String {
        format!("/api/{}{rest}", self.alice)
    }

    /// Creates one of Alice's tasks; answers its JSON.
    pub async fn create_task(&self, body: Value) -> Value {
        let reply = self.post(&self.alice_path("/tasks"), body).await;
        reply.expect(201).clone()
    }

    pub async fn set_preferences(&self, time_zone: &str) {
        self.put(
            &self.alice_path("/preferences"),
            json!({"time_zone": time_zone, "week_start": "monday"}),
        )
        .await
        .expect(200);
    }

    /// Every page of a listing that starts at `path`, following `Link`.
    pub async fn all_pages(&self, path: &str) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut pages = 0;
        let mut next = Some(path.to_owned());
        while let Some(path) = next {
            let reply = self.get(&path).await;
            let page = reply.expect(200).as_array().unwrap().clone();
            items.extend(page);
            pages += 1;
            next = reply.next();
        }
        (items, pages)
    }
}
