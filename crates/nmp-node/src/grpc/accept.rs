//! The accept loop of the gRPC face: a cap on open connections, a deadline for a new
//! connection's first bytes (plain) or its TLS handshake, and the connection type tonic serves.

use std::{
    io,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use futures_rustls::{TlsAcceptor, server::TlsStream};
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
/// [`Config::max_connections`] are open (one more is closed at once), with `TCP_NODELAY`
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
    let deadline = config.request_timeout;
    let tls = tls.map(TlsAcceptor::from);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                () = tx.closed() => return,
                accepted = listener.accept() => accepted,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    tracing::warn!(%error, "gRPC accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            };
            let Ok(slot) = Arc::clone(&open).try_acquire_owned() else {
                tracing::debug!("gRPC connection refused: too many open");
                continue;
            };
            let tx = tx.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(deadline, open_conn(stream, tls, slot)).await {
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
    slot: OwnedSemaphorePermit,
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
        _slot: slot,
    })
}

/// One open gRPC connection; dropping it frees its place under the connection cap.
#[derive(Debug)]
pub(super) struct Conn {
    io: Io,
    info: TcpConnectInfo,
    _slot: OwnedSemaphorePermit,
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
