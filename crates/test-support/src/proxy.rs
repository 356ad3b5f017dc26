use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
    /// Bumped by [`TcpProxy::sever_on_next_send`]: a connection opened in an
    /// older generation is closed when its client next sends.
    generation: Arc<AtomicU64>,
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
        let generation = Arc::new(AtomicU64::new(0));
        let acceptor = tokio::spawn(accept_loop(
            listener,
            target,
            cut_rx,
            Arc::clone(&generation),
        ));
        Self {
            addr,
            cut,
            generation,
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

    /// Every live connection stays open but is closed, without forwarding
    /// anything, as soon as its client sends something; new connections
    /// work. Simulates sockets that died silently (a restarted server
    /// behind a NAT, a dropped route): the client learns it only from the
    /// reset its next request gets.
    pub fn sever_on_next_send(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

async fn accept_loop(
    listener: TcpListener,
    target: SocketAddr,
    cut: watch::Receiver<bool>,
    generation: Arc<AtomicU64>,
) {
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
        tokio::spawn(forward(
            client,
            target,
            cut.clone(),
            Arc::clone(&generation),
        ));
    }
}

async fn forward(
    client: TcpStream,
    target: SocketAddr,
    mut cut: watch::Receiver<bool>,
    generation: Arc<AtomicU64>,
) {
    let born = generation.load(Ordering::SeqCst);
    let Ok(server) = TcpStream::connect(target).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream = async {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if generation.load(Ordering::SeqCst) != born {
                        return;
                    }
                    if server_write.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            }
        }
    };
    tokio::select! {
        biased;
        // Cut, or the proxy itself dropped: both sockets close on return.
        _ = cut.wait_for(|is_cut| *is_cut) => {}
        () = upstream => {}
        _ = tokio::io::copy(&mut server_read, &mut client_write) => {}
    }
}
