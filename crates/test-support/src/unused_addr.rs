use std::net::{SocketAddr, TcpListener};

/// A local address nothing listens on: bound and released at once, so a
/// connection to it is refused, or a server started next can listen there.
/// (Another process could take the port in between; within a test that is
/// unlikely enough.)
///
/// # Panics
/// When no local port can be bound.
pub fn unused_local_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind a local port")
}
