use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A TCP proxy on `127.0.0.1:0` forwarding to `target`. [`TcpProxy::cut`]
/// drops every live connection and makes new ones fail at once (accepted
/// and closed immediately, so clients see the server vanish, not a hang);
/// [`TcpProxy::restore`] forwards again. Lets a test simulate a database
/// outage without touching the shared server.
///
/// Must be used within the tokio runtime it was started on.
#[derive(Debug)]
pub struct TcpProxy {
    addr: SocketAddr,
    /// `true` while cut. Dropping the proxy drops this sender, which ends
    /// every forwarding task.
    cut: watch::Sender<bool>,
    acceptor: JoinHandle<()>,
}

impl TcpProxy {
    /// # Panics
    /// When no local port can be bound.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy to a local port");
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        let (cut, cut_rx) = watch::channel(false);
        let acceptor = tokio::spawn(accept_loop(listener, target, cut_rx));
        Self {
            addr,
            cut,
            acceptor,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Drops live connections and refuses new ones until [`Self::restore`].
    pub fn cut(&self) {
        self.cut.send_replace(true);
    }

    /// Accepts and forwards again.
    pub fn restore(&self) {
        self.cut.send_replace(false);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

async fn accept_loop(listener: TcpListener, target: SocketAddr, cut: watch::Receiver<bool>) {
    loop {
        let client = match listener.accept().await {
            Ok((client, _)) => client,
            Err(_) => {
                // E.g. out of file descriptors: back off instead of spinning.
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        if *cut.borrow() {
            drop(client);
            continue;
        }
        tokio::spawn(forward(client, target, cut.clone()));
    }
}

async fn forward(mut client: TcpStream, target: SocketAddr, mut cut: watch::Receiver<bool>) {
    let Ok(mut server) = TcpStream::connect(target).await else {
        return;
    };
    tokio::select! {
        biased;
        // Cut, or the proxy itself dropped: both sockets close on return.
        _ = cut.wait_for(|is_cut| *is_cut) => {}
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
    }
}
