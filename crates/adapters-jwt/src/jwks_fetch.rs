//! One bounded HTTP GET of the JWKS document: a deadline for the whole
//! exchange and a size cap enforced while the body streams in.

use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderValue};
use reqwest::{StatusCode, Url, redirect};

use crate::config_error::VerifierConfigError;
use crate::settings::JwksSettings;

#[derive(Debug, thiserror::Error)]
pub(crate) enum FetchError {
    #[error("JWKS request failed: {0}")]
    Request(#[source] reqwest::Error),
    #[error("JWKS fetch took longer than {0:?}")]
    Timeout(Duration),
    #[error("JWKS endpoint answered HTTP {0}")]
    Status(StatusCode),
    #[error("JWKS body is larger than {0} bytes")]
    TooLarge(usize),
}

#[derive(Debug)]
pub(crate) struct JwksFetcher {
    client: reqwest::Client,
    url: Url,
    timeout: Duration,
    max_body_bytes: usize,
}

impl JwksFetcher {
    /// # Errors
    /// [`VerifierConfigError`] when the URL is not http(s) or the HTTP client
    /// cannot be built.
    pub(crate) fn new(settings: &JwksSettings) -> Result<Self, VerifierConfigError> {
        let invalid_url = |reason: String| VerifierConfigError::InvalidJwksUrl {
            url: settings.url.clone(),
            reason,
        };
        let url = Url::parse(&settings.url).map_err(|e| invalid_url(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid_url("the scheme must be http or https".into()));
        }
        if url.scheme() == "http" && !is_loopback(&url) {
            tracing::warn!(
                url = %url,
                "the JWKS URL is plain http: anyone on the path could substitute signing keys"
            );
        }
        let client = reqwest::Client::builder()
            .connect_timeout(settings.fetch_timeout)
            // The configured URL is the one trusted source of keys; a
            // redirect elsewhere is treated as a failed fetch.
            .redirect(redirect::Policy::none())
            .user_agent(concat!("todo-api-jwt-verifier/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(VerifierConfigError::HttpClient)?;
        Ok(Self {
            client,
            url,
            timeout: settings.fetch_timeout,
            max_body_bytes: settings.max_body_bytes,
        })
    }

    /// Fetches the raw document.
    ///
    /// # Errors
    /// [`FetchError`] for a transport error, a non-2xx status, a body over
    /// the cap, or the deadline passing first.
    pub(crate) async fn fetch(&self) -> Result<Vec<u8>, FetchError> {
        tokio::time::timeout(self.timeout, self.fetch_without_deadline())
            .await
            .unwrap_or(Err(FetchError::Timeout(self.timeout)))
    }

    async fn fetch_without_deadline(&self) -> Result<Vec<u8>, FetchError> {
        let mut response = self
            .client
            .get(self.url.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .send()
            .await
            .map_err(FetchError::Request)?;
        if !response.status().is_success() {
            return Err(FetchError::Status(response.status()));
        }
        let cap = self.max_body_bytes;
        let declared = response.content_length();
        if declared.is_some_and(|len| len > cap as u64) {
            return Err(FetchError::TooLarge(cap));
        }
        let initial = declared.map_or(0, |len| usize::try_from(len).unwrap_or(cap).min(cap));
        let mut body = Vec::with_capacity(initial);
        // Chunk by chunk, so a huge or endless body is cut off at the cap
        // instead of being buffered first.
        while let Some(chunk) = response.chunk().await.map_err(FetchError::Request)? {
            if chunk.len() > cap - body.len() {
                return Err(FetchError::TooLarge(cap));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use test_support::jwks_server::{JwksServer, Reply};

    use super::*;

    /// Settings for `url`; only the fetcher's own limits matter here.
    fn settings(url: impl Into<String>, timeout: Duration, cap: usize) -> JwksSettings {
        JwksSettings {
            url: url.into(),
            refresh_interval: Duration::from_secs(3600),
            refetch_cooldown: Duration::from_secs(3600),
            fetch_timeout: timeout,
            max_body_bytes: cap,
        }
    }

    fn fetcher(server: &JwksServer, timeout: Duration, cap: usize) -> JwksFetcher {
        JwksFetcher::new(&settings(server.url(), timeout, cap)).unwrap()
    }

    const LONG: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn returns_the_body() {
        let server = JwksServer::start(Reply::Json(r#"{"keys":[]}"#.into())).await;
        let body = fetcher(&server, LONG, 1024).fetch().await.unwrap();
        assert_eq!(body, br#"{"keys":[]}"#);
    }

    #[tokio::test]
    async fn a_body_exactly_at_the_cap_is_fine() {
        let reply = Reply::Padded {
            prefix: "{}".into(),
            total: 1024,
            declare_length: false,
        };
        let server = JwksServer::start(reply).await;
        let body = fetcher(&server, LONG, 1024).fetch().await.unwrap();
        assert_eq!(body.len(), 1024);
    }

    #[tokio::test]
    async fn an_announced_oversized_body_is_refused() {
        let reply = Reply::Padded {
            prefix: "{}".into(),
            total: 1025,
            declare_length: true,
        };
        let server = JwksServer::start(reply).await;
        let err = fetcher(&server, LONG, 1024).fetch().await.unwrap_err();
        assert!(matches!(err, FetchError::TooLarge(1024)), "{err}");
    }

    #[tokio::test]
    async fn an_endless_body_is_cut_off_at_the_cap_not_at_the_deadline() {
        // With a 60 s deadline, only a cap enforced while streaming can end
        // this fetch, and it must say so.
        let server = JwksServer::start(Reply::Endless).await;
        let err = fetcher(&server, LONG, 64 * 1024).fetch().await.unwrap_err();
        assert!(matches!(err, FetchError::TooLarge(_)), "{err}");
    }

    #[tokio::test]
    async fn a_hanging_endpoint_times_out() {
        let server = JwksServer::start(Reply::Hang).await;
        let err = fetcher(&server, Duration::from_millis(50), 1024)
            .fetch()
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Timeout(_)), "{err}");
    }

    #[tokio::test]
    async fn error_statuses_and_redirects_fail() {
        let server = JwksServer::start(Reply::Status(500)).await;
        let err = fetcher(&server, LONG, 1024).fetch().await.unwrap_err();
        assert!(matches!(err, FetchError::Status(s) if s == 500), "{err}");

        server.set(Reply::Redirect("http://127.0.0.1:9/elsewhere".into()));
        let err = fetcher(&server, LONG, 1024).fetch().await.unwrap_err();
        assert!(matches!(err, FetchError::Status(s) if s == 302), "{err}");
    }

    #[tokio::test]
    async fn a_refused_connection_fails() {
        let server = JwksServer::start(Reply::Status(200)).await;
        let fetcher = fetcher(&server, LONG, 1024);
        drop(server);
        tokio::task::yield_now().await;
        let err = fetcher.fetch().await.unwrap_err();
        assert!(matches!(err, FetchError::Request(_)), "{err}");
    }

    #[test]
    fn only_http_urls_are_accepted() {
        for url in ["ftp://example.com/jwks", "not a url", "file:///etc/jwks"] {
            assert!(
                matches!(
                    JwksFetcher::new(&settings(url, LONG, 1024)),
                    Err(VerifierConfigError::InvalidJwksUrl { .. })
                ),
                "{url}"
            );
        }
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for (url, loopback) in [
            ("http://localhost:3000/x", true),
            ("http://127.0.0.1/x", true),
            ("http://[::1]:3000/x", true),
            ("http://auth.example.com/x", false),
            ("http://10.0.0.1/x", false),
        ] {
            assert_eq!(is_loopback(&Url::parse(url).unwrap()), loopback, "{url}");
        }
    }
}
