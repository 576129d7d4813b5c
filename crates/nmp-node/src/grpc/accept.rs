//! The accept loop of the gRPC face: caps on open connections (in all and per origin), a
//! deadline for a new connection's first bytes (plain) or its TLS handshake, and the connection
//! type tonic serves.

use std::{
    collections::HashMap,
    io,
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
    task::{Context, Poll},
    time::Duration,
};

use futures_rustls::{TlsAcceptor, server::TlsStream};
use nmp_net::Origin;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore, mpsc},
};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::compat::{Compat, FuturesAsyncReadCompatExt as _, TokioAsyncReadCompatExt as _};
use tonic::transport::server::{Connected, TcpConnectInfo};

use super::Config;

/// Connections accepted but not yet taken by the server: 16. The accept loop waits when
/// they are not taken.
const ACCEPTED_BUFFER: usize = 16;

/// How long the loop pauses after a failed `accept` (out of file descriptors, say): 100 ms.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// The connections to serve: accepted on `listener` while fewer than
/// [`Config::max_connections`] are open, and fewer than [`Config::max_connections_per_origin`]
/// from the client's origin (one more is closed at once), with `TCP_NODELAY`
/// (request/response frames are small, and Nagle's algorithm against delayed acknowledgements
/// would add ~40 ms per exchange), and each past its TLS handshake or its first byte within
/// [`Config::request_timeout`]. The loop stops when the server drops the stream.
pub(super) fn incoming(
    listener: TcpListener,
    config: &Config,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> ReceiverStream<io::Result<Conn>> {
    let (tx, rx) = mpsc::channel(ACCEPTED_BUFFER);
    let open = Arc::new(Semaphore::new(config.max_connections));
    let per_origin = PerOrigin::new(config.max_connections_per_origin);
    let deadline = config.request_timeout;
    let tls = tls.map(TlsAcceptor::from);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                () = tx.closed() => return,
                accepted = listener.accept() => accepted,
            };
            let (stream, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "gRPC accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            };
            let origin = Origin::from_ip(peer.ip());
            let Some(from_origin) = per_origin.acquire(origin) else {
                tracing::debug!(%origin, "gRPC connection refused: too many open from its origin");
                continue;
            };
            let Ok(slot) = Arc::clone(&open).try_acquire_owned() else {
                tracing::debug!("gRPC connection refused: too many open");
                continue;
            };
            let tx = tx.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(deadline, open_conn(stream, tls, (slot, from_origin)))
                    .await
                {
                    Ok(Ok(conn)) => {
                        // The server stopped: the connection is closed with the loop.
                        let _ = tx.send(Ok(conn)).await;
                    }
                    Ok(Err(error)) => tracing::debug!(%error, "gRPC connection failed to open"),
                    Err(_) => tracing::debug!("gRPC connection silent past the deadline"),
                }
            });
        }
    });
    ReceiverStream::new(rx)
}

/// Waits for the client's first bytes (plain) or completes the TLS handshake.
async fn open_conn(
    stream: TcpStream,
    tls: Option<TlsAcceptor>,
    slots: (OwnedSemaphorePermit, OriginSlot),
) -> io::Result<Conn> {
    stream.set_nodelay(true)?;
    let info = stream.connect_info();
    let io = match tls {
        None => {
            if stream.peek(&mut [0u8; 1]).await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            Io::Plain(stream)
        }
        Some(acceptor) => Io::Tls(Box::new(acceptor.accept(stream.compat()).await?.compat())),
    };
    Ok(Conn {
        io,
        info,
        _slots: slots,
    })
}

/// Open connections per origin, each at most `max`.
#[derive(Debug, Clone)]
struct PerOrigin {
    open: Arc<Mutex<HashMap<Origin, usize>>>,
    max: usize,
}

impl PerOrigin {
    fn new(max: usize) -> Self {
        Self {
            open: Arc::default(),
            max,
        }
    }

    /// A place for one more connection from `origin`; `None` when it has `max` open.
    fn acquire(&self, origin: Origin) -> Option<OriginSlot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(origin).or_default();
        if *count >= self.max {
            return None;
        }
        *count += 1;
        Some(OriginSlot {
            origins: self.clone(),
            origin,
        })
    }
}

/// One connection's place under its origin's cap, freed on drop.
#[derive(Debug)]
struct OriginSlot {
    origins: PerOrigin,
    origin: Origin,
}

impl Drop for OriginSlot {
    fn drop(&mut self) {
        let mut open = self
            .origins
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.origin) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.origin);
            }
        }
    }
}

/// One open gRPC connection; dropping it frees its places under the connection caps.
#[derive(Debug)]
pub(super) struct Conn {
    io: Io,
    info: TcpConnectInfo,
    _slots: (OwnedSemaphorePermit, OriginSlot),
}

/// The bytes of a connection: plain TCP or TLS over it.
#[derive(Debug)]
enum Io {
    Plain(TcpStream),
    Tls(Box<Compat<TlsStream<Compat<TcpStream>>>>),
}

impl Connected for Conn {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.info.clone()
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(io) => Pin::new(io).poll_read(cx, buf),
            Io::Tls(io) => Pin::new(io.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().io {
            Io::Plain(io) => Pin::new(io).poll_write(cx, buf),
            Io::Tls(io) => Pin::new(io.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(io) => Pin::new(io).poll_flush(cx),
            Io::Tls(io) => Pin::new(io.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(io) => Pin::new(io).poll_shutdown(cx),
            Io::Tls(io) => Pin::new(io.as_mut()).poll_shutdown(cx),
        }
    }
}
