//! Logging: `tracing` to stderr, filtered by `RUST_LOG`. Request lines come
//! from the app's middleware; nothing logs headers, tokens or secrets.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `filter` was validated with the rest of
/// the configuration; should installing fail anyway (a subscriber already
/// set), logging stays as it is.
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_target(true)
        .try_init();
}
