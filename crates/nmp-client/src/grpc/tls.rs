//! TLS to a node's gRPC face: TLS 1.3, and a server certificate accepted only when its libp2p
//! TLS extension names the expected PeerId (or, when none is expected, the same PeerId on every
//! connection).

use std::{
    future::Future,
    io,
    pin::Pin as Pinned,
    sync::{Arc, Mutex},
    task::{Context, Poll},
};

use futures_rustls::{TlsConnector, client::TlsStream};
use hyper_util::rt::TokioIo;
use nmp_crypto::Identity;
use nmp_net::PeerId;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, FuturesAsyncReadCompatExt as _, TokioAsyncReadCompatExt as _};
use tonic::codegen::{Service, http::Uri};

use crate::Error;

/// The one application protocol asked for: HTTP/2.
const ALPN_H2: &[u8] = b"h2";

/// A TLS connection as the gRPC channel drives it.
pub(super) type Io = TokioIo<Compat<TlsStream<Compat<TcpStream>>>>;

/// The PeerId the node's certificates must name: the expected one, or the first one seen.
#[derive(Debug, Clone)]
pub(super) struct Pin(Arc<Mutex<Option<PeerId>>>);

impl Pin {
    pub(super) fn new(expected: Option<PeerId>) -> Self {
        Self(Arc::new(Mutex::new(expected)))
    }

    /// The PeerId pinned so far.
    pub(super) fn node(&self) -> Option<PeerId> {
        self.0.lock().ok().and_then(|pinned| *pinned)
    }

    /// Accepts `node` when it is the pinned PeerId, or pins it when none is.
    fn check(&self, node: PeerId) -> io::Result<()> {
        let mut pinned = self
            .0
            .lock()
            .map_err(|_| io::Error::other("the PeerId pin is poisoned"))?;
        match *pinned {
            Some(expected) if expected != node => Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("the TLS certificate names {node}, not {expected}"),
            )),
            Some(_) => Ok(()),
            None => {
                *pinned = Some(node);
                Ok(())
            }
        }
    }
}

/// Opens TCP connections and runs the TLS handshake on them for the gRPC channel.
#[derive(Clone)]
pub(super) struct Connector {
    tls: TlsConnector,
    pin: Pin,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("pin", &self.pin)
            .finish_non_exhaustive()
    }
}

impl Connector {
    /// A connector presenting `identity`'s libp2p certificate if asked (nodes do not ask) and
    /// checking the node's against `pin`.
    pub(super) fn new(identity: &Identity, pin: Pin) -> Result<Self, Error> {
        let mut config = libp2p_tls::make_client_config(&identity.to_libp2p_keypair(), pin.node())
            .map_err(|e| Error::Grpc(e.into()))?;
        config.alpn_protocols = vec![ALPN_H2.to_vec()];
        config.key_log = Arc::new(rustls::NoKeyLog);
        Ok(Self {
            tls: TlsConnector::from(Arc::new(config)),
            pin,
        })
    }
}

impl Service<Uri> for Connector {
    type Response = Io;
    type Error = io::Error;
    type Future = Pinned<Box<dyn Future<Output = io::Result<Io>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let Self { tls, pin } = self.clone();
        Box::pin(async move {
            let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, what.to_owned());
            let host = uri
                .host()
                .ok_or_else(|| invalid("the endpoint has no host"))?
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned();
            let port = uri.port_u16().unwrap_or(443);
            let tcp = TcpStream::connect((host.as_str(), port)).await?;
            tcp.set_nodelay(true)?;
            let name = ServerName::try_from(host).map_err(|_| invalid("bad host name"))?;
            let stream = tls.connect(name, tcp.compat()).await?;
            let certificate = stream
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .ok_or_else(|| invalid("the node sent no certificate"))?;
            // The verifier already parsed and checked it; this reads the PeerId it names.
            let node = libp2p_tls::certificate::parse(certificate)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?
                .peer_id();
            pin.check(node)?;
            Ok(TokioIo::new(stream.compat()))
        })
    }
}
