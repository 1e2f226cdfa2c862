//! The accept loop: how many connections the server holds, and for how long.
//!
//! `axum::serve` offers neither a header read timeout nor a connection cap,
//! and a client on the machine could hold connections open for ever with a
//! half-sent request, one file handle each, until the app had none left. So
//! the server accepts connections itself and hands each to hyper's HTTP/1
//! connection with a header read timeout, while a semaphore caps how many it
//! holds at once.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};

/// How much of the server a client can hold, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once (at least one). A connection past the cap
    /// is not refused: it waits, unaccepted, in the kernel's queue, where it
    /// holds none of the app's file handles, until a served one closes. The
    /// web view opens a handful for a video's Range requests, far below it.
    pub connections: usize,
    /// How long a connection may take to send a whole request head, counted
    /// from when it is accepted and again from the end of each answer. So it
    /// is also how long an idle keep-alive connection is kept: hyper starts
    /// the same timer while it waits for the next request. It never cuts an
    /// answer short, so a paused video that stops reading keeps its stream.
    pub header_read_timeout: Duration,
}

impl Limits {
    /// Far above the web view's few connections per host, far below the
    /// 1024 file handles a Linux process gets by default.
    pub const CONNECTIONS: usize = 64;
    /// The web view sends a request head in one packet; five seconds is also
    /// the usual keep-alive idle time of servers (Apache, Node), which
    /// browsers expect and reconnect after.
    pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { connections: Limits::CONNECTIONS, header_read_timeout: Limits::HEADER_READ_TIMEOUT }
    }
}

/// Serves `app` on `listener` within `limits` until `stop` fires or its
/// sender is dropped; then stops accepting and lets answers under way finish.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(limits.connections.max(1)));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let graceful = GracefulShutdown::new();
    loop {
        // The slot is taken before accepting, so the cap bounds the sockets
        // the process holds, not just the requests it answers.
        let slot = tokio::select! {
            _ = &mut stop => break,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_closed) => break,
            },
        };
        let stream = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) => {
                    pause_after(error).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // Timed-out heads and clients that hang up end here; they are
            // the clients' doing, not the server's trouble.
            if let Err(error) = connection.await {
                tracing::debug!("media server connection: {error}");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// After a failed accept: a connection that died in the queue is no matter,
/// but anything else (most likely no file handles left) would fail again at
/// once, so wait a moment rather than spin.
async fn pause_after(error: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::error!("the media server cannot accept a connection: {error}");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
