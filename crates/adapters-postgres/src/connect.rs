//! Opening one connection: the URL is parsed once, up front, into the
//! driver's configuration plus the transport (plain or TLS), so a bad URL is
//! a startup error rather than a failure on every connection attempt.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::CacheSize;
use diesel::{ConnectionError, ConnectionResult};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use percent_encoding::percent_decode_str;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::errors::PgSetupError;
use crate::settings::PoolerMode;

/// How the bytes travel to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Plain,
    /// TLS with the server's certificate chain and host name verified.
    VerifiedTls,
}

/// Everything needed to open a connection, parsed from the URL.
#[derive(Clone)]
pub(crate) struct ConnectPlan {
    config: tokio_postgres::Config,
    tls: Option<MakeRustlsConnect>,
    pooler: PoolerMode,
}

impl fmt::Debug for ConnectPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // tokio-postgres redacts the password in its Debug output.
        f.debug_struct("ConnectPlan")
            .field("config", &self.config)
            .field("transport", &self.transport())
            .field("pooler", &self.pooler)
            .finish()
    }
}

impl ConnectPlan {
    /// Parses `url` (a `postgres://` / `postgresql://` URL or a libpq
    /// key=value string). `connect_timeout` applies unless the URL sets one.
    ///
    /// libpq's `sslmode` values that tokio-postgres does not know are
    /// handled here: `verify-ca` and `verify-full` mean TLS (rustls always
    /// verifies the chain and the host name, so `require` is just as strict),
    /// `allow` means plain text. `sslrootcert=<file>` replaces the Mozilla
    /// roots with the PEM certificates in that file (for a private CA).
    ///
    /// # Errors
    /// [`PgSetupError::InvalidUrl`] for a URL the driver rejects or an
    /// unknown `sslmode`; [`PgSetupError::Tls`] when the root certificates
    /// cannot be loaded.
    pub(crate) fn from_url(url: &str, connect_timeout: Duration) -> Result<Self, PgSetupError> {
        let libpq = LibpqOptions::extract(url)?;
        let mut config = tokio_postgres::Config::from_str(&libpq.driver_url)
            // The driver's message names the offending option, never its value.
            .map_err(|e| PgSetupError::InvalidUrl(e.to_string()))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(connect_timeout);
        }
        let tls = match config.get_ssl_mode() {
            SslMode::Require => Some(rustls_connector(libpq.root_cert.as_ref())?),
            // `prefer` without a way to authenticate the server buys no
            // real protection, so it stays plain (as with NoTls).
            _ => None,
        };
        Ok(Self {
            config,
            tls,
            pooler: PoolerMode::None,
        })
    }

    /// Connections made from now on suit `pooler` (see [`Self::connect`]).
    pub(crate) fn set_pooler(&mut self, pooler: PoolerMode) {
        self.pooler = pooler;
    }

    /// Sets `statement_timeout` and `lock_timeout` for every session, in
    /// the startup packet's `options` (after any the URL has): no statement
    /// or round trip per request, and a server that restarts the session
    /// cannot lose them. Zero means no limit, as in PostgreSQL.
    pub(crate) fn set_session_timeouts(&mut self, statement: Duration, lock: Duration) {
        let mut options = self.config.get_options().unwrap_or_default().to_owned();
        for (name, value) in [("statement_timeout", statement), ("lock_timeout", lock)] {
            if !options.is_empty() {
                options.push(' ');
            }
            options.push_str(&format!("-c {name}={}", value.as_millis()));
        }
        self.config.options(options);
    }

    /// Asks the server to cancel whatever the session behind `token` is
    /// running (a separate, short connection). Best effort: the session may
    /// already be gone.
    ///
    /// Not behind a transaction-mode pooler: PgBouncer 1.18 (Debian's)
    /// exits with "bad client state: 0" when a cancel request's connection
    /// closes before it has forwarded the request (pgbouncer#801; the fix,
    /// pgbouncer#846, came in a later release), which `just bench-api` with
    /// `BENCH_POOLER=transaction` triggered within seconds. There the abandoned connection is closed
    /// instead: PgBouncer then drops its server connection, and the
    /// `SET LOCAL statement_timeout` of every operation bounds what is left.
    pub(crate) async fn cancel(&self, token: tokio_postgres::CancelToken) {
        if self.pooler == PoolerMode::Transaction {
            return;
        }
        let sent = match &self.tls {
            None => token.cancel_query(tokio_postgres::NoTls).await,
            Some(tls) => token.cancel_query(tls.clone()).await,
        };
        if let Err(error) = sent {
            tracing::debug!(error = %describe(&error), "could not send a query cancellation");
        }
    }

    pub(crate) fn transport(&self) -> Transport {
        if self.tls.is_some() {
            Transport::VerifiedTls
        } else {
            Transport::Plain
        }
    }

    /// Opens one connection.
    ///
    /// Behind a transaction-mode pooler ([`PoolerMode::Transaction`]) the
    /// statements diesel-async runs while setting a connection up (`SET
    /// TIME ZONE`, `SET CLIENT_ENCODING`, each prepared as a named
    /// statement, then executed, then closed) run inside one transaction,
    /// so the pooler keeps them on one server connection; and the
    /// connection never keeps a statement prepared.
    ///
    /// # Errors
    /// [`ConnectionError::BadConnection`] when the server cannot be reached,
    /// refuses us or fails the TLS handshake;
    /// [`ConnectionError::CouldntSetupConfiguration`] when setting it up
    /// fails.
    pub(crate) async fn connect(&self) -> ConnectionResult<AsyncPgConnection> {
        let bad = |e: tokio_postgres::Error| ConnectionError::BadConnection(describe(&e));
        // Handing both halves to diesel-async lets it drive the connection
        // and notice when it dies, so the pool discards it.
        let mut conn = match &self.tls {
            None => {
                let (client, conn) = self
                    .config
                    .connect(tokio_postgres::NoTls)
                    .await
                    .map_err(bad)?;
                self.hand_over(client, conn).await?
            }
            Some(tls) => {
                let (client, conn) = self.config.connect(tls.clone()).await.map_err(bad)?;
                self.hand_over(client, conn).await?
            }
        };
        if self.pooler == PoolerMode::Transaction {
            conn.batch_execute("COMMIT")
                .await
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            conn.set_prepared_statement_cache_size(CacheSize::Disabled);
        }
        Ok(conn)
    }

    /// Opens one plain tokio-postgres connection (no diesel, no setup
    /// statements), for the change listener's `LISTEN`: the client, and
    /// the connection's messages (notifications among them) as a stream
    /// that also drives it. The stream hides which transport it runs on.
    ///
    /// # Errors
    /// The driver's error when the server cannot be reached, refuses us or
    /// fails the TLS handshake.
    pub(crate) async fn connect_raw(
        &self,
    ) -> Result<(tokio_postgres::Client, MessageStream), tokio_postgres::Error> {
        fn messages<S>(
            mut conn: tokio_postgres::Connection<tokio_postgres::Socket, S>,
        ) -> MessageStream
        where
            S: tokio_postgres::tls::TlsStream + Unpin + Send + 'static,
        {
            Box::pin(futures_util::stream::poll_fn(move |cx| {
                conn.poll_message(cx)
            }))
        }
        match &self.tls {
            None => {
                let (client, conn) = self.config.connect(tokio_postgres::NoTls).await?;
                Ok((client, messages(conn)))
            }
            Some(tls) => {
                let (client, conn) = self.config.connect(tls.clone()).await?;
                Ok((client, messages(conn)))
            }
        }
    }

    /// Names the sessions opened from now on (`application_name`, shown in
    /// `pg_stat_activity`).
    pub(crate) fn set_application_name(&mut self, name: &str) {
        self.config.application_name(name);
    }

    /// TCP keepalives on the connections opened from now on: a peer that
    /// vanished without closing the socket is noticed after about
    /// `idle + 3 × interval`.
    pub(crate) fn set_keepalives(&mut self, idle: Duration, interval: Duration) {
        self.config
            .keepalives(true)
            .keepalives_idle(idle)
            .keepalives_interval(interval)
            .keepalives_retries(3);
    }

    /// Turns the driver's halves into a diesel-async connection (which runs
    /// its setup statements), after opening a transaction when a
    /// transaction-mode pooler is in between: the driver is polled here
    /// until the `BEGIN` is answered.
    async fn hand_over<S>(
        &self,
        client: tokio_postgres::Client,
        mut conn: tokio_postgres::Connection<tokio_postgres::Socket, S>,
    ) -> ConnectionResult<AsyncPgConnection>
    where
        S: tokio_postgres::tls::TlsStream + Unpin + Send + 'static,
    {
        if self.pooler == PoolerMode::Transaction {
            let begin = client.batch_execute("BEGIN");
            tokio::select! {
                begun = begin => begun.map_err(|e| ConnectionError::BadConnection(describe(&e)))?,
                ended = &mut conn => {
                    let why = match ended {
                        Ok(()) => "the server closed the connection".to_owned(),
                        Err(e) => describe(&e),
                    };
                    return Err(ConnectionError::BadConnection(why));
                }
            }
        }
        AsyncPgConnection::try_from_client_and_connection(client, conn).await
    }
}

/// The messages of a raw connection ([`ConnectPlan::connect_raw`]); polling
/// it drives the connection. Ends (or yields an error) when the connection
/// does.
pub(crate) type MessageStream = std::pin::Pin<
    Box<
        dyn futures_util::Stream<Item = Result<tokio_postgres::AsyncMessage, tokio_postgres::Error>>
            + Send,
    >,
>;

/// The error with its causes: diesel keeps connection errors as text, and
/// the useful part (e.g. "invalid peer certificate: UnknownIssuer") is
/// several sources deep.
pub(crate) fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some layers repeat their cause in their own message.
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The options this adapter interprets itself, and the URL left for the
/// driver.
#[derive(Debug)]
struct LibpqOptions {
    driver_url: String,
    root_cert: Option<PathBuf>,
}

impl LibpqOptions {
    fn extract(url: &str) -> Result<Self, PgSetupError> {
        let is_url = ["postgres://", "postgresql://"]
            .iter()
            .any(|scheme| url.starts_with(scheme));
        let Some((base, query)) = url.split_once('?').filter(|_| is_url) else {
            // key=value strings and URLs without options go to the driver
            // as they are.
            return Ok(Self {
                driver_url: url.to_owned(),
                root_cert: None,
            });
        };

        let mut kept = Vec::new();
        let mut root_cert = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode_str(raw_value).decode_utf8_lossy();
            match key {
                "sslmode" => {
                    let driver_mode = match value.as_ref() {
                        "disable" | "allow" => "disable",
                        "prefer" => "prefer",
                        "require" | "verify-ca" | "verify-full" => "require",
                        _ => {
                            return Err(PgSetupError::InvalidUrl(
                                "sslmode must be one of disable, allow, prefer, require, \
                                 verify-ca, verify-full"
                                    .into(),
                            ));
                        }
                    };
                    kept.push(format!("sslmode={driver_mode}"));
                }
                "sslrootcert" => {
                    // libpq's "system" means the platform roots; ours are the
                    // bundled Mozilla roots.
                    root_cert = (value != "system").then(|| PathBuf::from(value.as_ref()));
                }
                _ => kept.push(pair.to_owned()),
            }
        }
        let driver_url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        Ok(Self {
            driver_url,
            root_cert,
        })
    }
}

fn rustls_connector(root_cert: Option<&PathBuf>) -> Result<MakeRustlsConnect, PgSetupError> {
    let mut roots = rustls::RootCertStore::empty();
    match root_cert {
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(path) => {
            let unreadable = |e: &dyn fmt::Display| {
                PgSetupError::Tls(format!("cannot read sslrootcert {}: {e}", path.display()))
            };
            for cert in CertificateDer::pem_file_iter(path).map_err(|e| unreadable(&e))? {
                let cert = cert.map_err(|e| unreadable(&e))?;
                roots.add(cert).map_err(|e| unreadable(&e))?;
            }
            if roots.is_empty() {
                return Err(unreadable(&"no certificate in the file"));
            }
        }
    }
    // One crypto provider for the whole workspace (aws-lc-rs), chosen
    // explicitly so nothing depends on a process-wide default being set.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| PgSetupError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(2);

    fn transport(url: &str) -> Transport {
        ConnectPlan::from_url(url, TIMEOUT).unwrap().transport()
    }

    #[test]
    fn tls_only_when_the_url_requires_it() {
        let base = "postgres://app:secret@db.example.com:5432/todo";
        assert_eq!(transport(base), Transport::Plain);
        for mode in ["disable", "allow", "prefer"] {
            assert_eq!(
                transport(&format!("{base}?sslmode={mode}")),
                Transport::Plain,
                "{mode}"
            );
        }
        for mode in ["require", "verify-ca", "verify-full"] {
            assert_eq!(
                transport(&format!("{base}?sslmode={mode}")),
                Transport::VerifiedTls,
                "{mode}"
            );
        }
        assert_eq!(
            transport("host=db.example.com user=app sslmode=require"),
            Transport::VerifiedTls
        );
    }

    #[test]
    fn neon_style_urls_are_accepted() {
        let url = "postgresql://app:secret@ep-cool-darkness-123456.eu-central-1.aws.neon.tech/neondb\
                   ?sslmode=require&channel_binding=require";
        assert_eq!(transport(url), Transport::VerifiedTls);
    }

    #[test]
    fn libpq_only_options_are_not_passed_to_the_driver() {
        let opts = LibpqOptions::extract(
            "postgres://u@h/db?sslmode=verify-full&application_name=todo&sslrootcert=%2Fca%20dir%2Froot.pem",
        )
        .unwrap();
        assert_eq!(
            opts.driver_url,
            "postgres://u@h/db?sslmode=require&application_name=todo"
        );
        assert_eq!(opts.root_cert, Some(PathBuf::from("/ca dir/root.pem")));

        let system = LibpqOptions::extract("postgres://u@h/db?sslrootcert=system").unwrap();
        assert_eq!(system.driver_url, "postgres://u@h/db");
        assert_eq!(system.root_cert, None);
    }

    #[test]
    fn the_url_timeout_wins_over_the_default() {
        let plan = ConnectPlan::from_url("postgres://u@h/db?connect_timeout=7", TIMEOUT).unwrap();
        assert_eq!(
            plan.config.get_connect_timeout(),
            Some(&Duration::from_secs(7))
        );
        let plan = ConnectPlan::from_url("postgres://u@h/db", TIMEOUT).unwrap();
        assert_eq!(plan.config.get_connect_timeout(), Some(&TIMEOUT));
    }

    #[test]
    fn bad_urls_are_rejected_without_echoing_them() {
        for url in [
            "postgres://u:hunter2@h/db?sslmode=sometimes",
            "postgres://u:hunter2@h/db?no_such_option=1",
            "mysql://u:hunter2@h/db",
        ] {
            let err = ConnectPlan::from_url(url, TIMEOUT).unwrap_err();
            assert!(matches!(err, PgSetupError::InvalidUrl(_)), "{url}: {err}");
            assert!(!err.to_string().contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn a_missing_root_certificate_file_is_a_setup_error() {
        let err = ConnectPlan::from_url(
            "postgres://u@h/db?sslmode=require&sslrootcert=/nonexistent/root.pem",
            TIMEOUT,
        )
        .unwrap_err();
        assert!(matches!(err, PgSetupError::Tls(_)), "{err}");
        assert!(err.to_string().contains("/nonexistent/root.pem"));
    }

    #[test]
    fn descriptions_include_every_cause_once() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer: inner")]
        struct Outer(#[source] Inner);
        #[derive(Debug, thiserror::Error)]
        #[error("inner")]
        struct Inner(#[source] std::io::Error);
        let err = Outer(Inner(std::io::Error::other("root cause")));
        assert_eq!(describe(&err), "outer: inner: root cause");
    }

    #[test]
    fn session_timeouts_go_into_the_startup_options_after_the_urls() {
        let mut plan = ConnectPlan::from_url("postgres://u@h/db", TIMEOUT).unwrap();
        plan.set_session_timeouts(Duration::from_secs(5), Duration::ZERO);
        assert_eq!(
            plan.config.get_options(),
            Some("-c statement_timeout=5000 -c lock_timeout=0")
        );
        let mut plan =
            ConnectPlan::from_url("postgres://u@h/db?options=-c%20search_path%3Dapp", TIMEOUT)
                .unwrap();
        plan.set_session_timeouts(Duration::from_millis(1500), Duration::from_secs(2));
        assert_eq!(
            plan.config.get_options(),
            Some("-c search_path=app -c statement_timeout=1500 -c lock_timeout=2000")
        );
    }

    #[test]
    fn debug_output_hides_the_password() {
        let plan = ConnectPlan::from_url("postgres://u:hunter2@h/db", TIMEOUT).unwrap();
        assert!(!format!("{plan:?}").contains("hunter2"));
    }
}
