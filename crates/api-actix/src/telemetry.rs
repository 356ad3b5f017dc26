//! Logging: `tracing` to stderr, filtered by `RUST_LOG`. Request lines come
//! from the app's middleware; nothing logs headers, tokens or secrets.
//!
//! actix-http's dispatcher logs every connection it gives up on at ERROR
//! ("stream error: request parse error: …", "… message head is too large",
//! I/O errors, slow clients): things any anonymous client can cause at will,
//! which would flood the error log. Those lines are written at DEBUG
//! instead, and only when `RUST_LOG` enables debug for `actix_http`; the
//! dispatcher's other errors (a failing response stream, say) stay ERROR.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::{Format, Writer};
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

/// Where actix-http's dispatcher logs.
const DISPATCHER: &str = "actix_http::h1::dispatcher";

/// The message of a dispatcher ERROR about a connection a client broke.
fn client_caused_message(event: &Event<'_>) -> Option<String> {
    let meta = event.metadata();
    if meta.target() != DISPATCHER || *meta.level() != tracing::Level::ERROR {
        return None;
    }
    struct Message(Option<String>);
    impl Visit for Message {
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            if field.name() == "message" {
                self.0 = Some(format!("{value:?}"));
            }
        }
    }
    let mut message = Message(None);
    event.record(&mut message);
    message.0.filter(|m| m.starts_with("stream error"))
}

/// The usual format, except that client-caused dispatcher errors are
/// written as DEBUG lines, or not at all.
#[derive(Debug)]
struct ClientErrorsAsDebug<F> {
    inner: F,
    show: bool,
}

impl<S, N, F> FormatEvent<S, N> for ClientErrorsAsDebug<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        match client_caused_message(event) {
            None => self.inner.format_event(ctx, writer, event),
            Some(_) if !self.show => Ok(()),
            Some(message) => {
                SystemTime.format_time(&mut writer)?;
                writeln!(writer, " DEBUG {DISPATCHER}: {message}")
            }
        }
    }
}

/// Whether `filter` enables DEBUG events of the dispatcher.
fn dispatcher_debug_enabled(filter: &str) -> bool {
    let Ok(filter) = EnvFilter::try_new(filter) else {
        return false;
    };
    let probe = tracing_subscriber::registry::Registry::default();
    let probe = tracing_subscriber::layer::SubscriberExt::with(probe, filter);
    tracing::subscriber::with_default(
        probe,
        || tracing::enabled!(target: "actix_http::h1::dispatcher", tracing::Level::DEBUG),
    )
}

/// The subscriber `init` installs, writing to `writer`; tests capture it.
pub fn subscriber<W>(filter: &str, writer: W, ansi: bool) -> impl Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let show = dispatcher_debug_enabled(filter);
    let env_filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_ansi(ansi)
        .with_writer(writer)
        .event_format(ClientErrorsAsDebug {
            inner: Format::default().with_target(true),
            show,
        })
        .finish()
}

/// Installs the global subscriber. `filter` was validated with the rest of
/// the configuration; should installing fail anyway (a subscriber already
/// set), logging stays as it is.
pub fn init(filter: &str) {
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing::subscriber::set_global_default(subscriber(filter, std::io::stderr, ansi));
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .extend_from_slice(buf);
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

    fn log_with(filter: &str) -> String {
        let captured = Captured::default();
        let subscriber = subscriber(filter, captured.clone(), false);
        tracing::subscriber::with_default(subscriber, || {
            tracing::error!(
                target: "actix_http::h1::dispatcher",
                "stream error: {}",
                "request parse error: invalid Header provided"
            );
            tracing::error!(target: "actix_http::h1::dispatcher", "Response payload stream error: boom");
            tracing::error!(target: "api_actix::app", "a request handler panicked");
        });
        let bytes = captured.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn client_caused_dispatcher_errors_are_debug_lines() {
        let log = log_with("info");
        assert!(!log.contains("invalid Header"), "{log}");
        assert!(
            log.contains("ERROR actix_http::h1::dispatcher: Response payload stream error"),
            "{log}"
        );
        assert!(
            log.contains("ERROR api_actix::app: a request handler panicked"),
            "{log}"
        );

        let log = log_with("info,actix_http=debug");
        let line = log
            .lines()
            .find(|l| l.contains("invalid Header"))
            .unwrap_or_default();
        assert!(
            line.contains(" DEBUG actix_http::h1::dispatcher: stream error: request parse error"),
            "{log}"
        );
        assert!(!line.contains("ERROR"), "{line}");
    }

    #[test]
    fn the_probe_reads_the_filter() {
        assert!(!dispatcher_debug_enabled("info"));
        assert!(!dispatcher_debug_enabled("info,api_actix=debug"));
        assert!(dispatcher_debug_enabled("debug"));
        assert!(dispatcher_debug_enabled("warn,actix_http=debug"));
        assert!(dispatcher_debug_enabled("actix_http::h1::dispatcher=trace"));
    }
}
