//! The `nmp.v1.LogicMesh` gRPC service over [`Service`], with server reflection so generic
//! tools (`grpcurl list`) can discover it.
//!
//! Same messages, same pipeline and same envelope as the mesh: the gRPC face only moves
//! `LogicRequest`s in and `LogicResponse`s out. It enforces the mesh's bounds on the same
//! resources ([`Config`]): a deadline for the request, concurrent streams per connection, a
//! total and a per-origin connection cap, a message size limit, and, shared with the mesh, one
//! pool of logic handlers and one inbound byte budget. Per-origin limits count an
//! [`nmp_net::Origin`] (a client's IPv4 address or IPv6 /64), the mesh's rule. With [`Config::tls`] it serves TLS 1.3 with a certificate bound to the node's PeerId.

mod accept;
mod inbound;
mod mesh;
mod tls;

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use nmp_net::{Budget, Keypair};
use nmp_wire::pb::logic_mesh_server::LogicMeshServer;
use tokio::{net::TcpListener, sync::Semaphore};

use crate::{node::MAX_LOGIC_HANDLERS, service::Service};

/// Largest HTTP/2 header list a client may send on one request: 16 KiB. gRPC headers are a
/// few hundred bytes; a larger list ends the connection.
pub const MAX_HEADER_LIST_BYTES: u32 = 16 * 1024;

/// How often the server pings an open connection (HTTP/2 PING): every 30 s. A ping not
/// answered within [`Config::request_timeout`] closes the connection.
pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);

/// Why the gRPC server could not start or stopped with a failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listen address could not be bound (in use, not local, no permission).
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The bound socket's address could not be read.
    #[error("cannot read the listening address")]
    LocalAddr(#[source] std::io::Error),
    /// A bound of [`Config`] is zero (or `max_connections` is above what a semaphore holds):
    /// the field is named.
    #[error("invalid gRPC configuration: `{0}`")]
    InvalidConfig(&'static str),
    /// The node's TLS certificate could not be generated.
    #[error("cannot generate the TLS certificate")]
    Certificate(#[from] libp2p_tls::certificate::GenError),
    /// The TLS configuration was refused (certificate or key unusable).
    #[error("cannot configure TLS")]
    Tls(#[from] rustls::Error),
    /// The reflection service could not load the `nmp.v1` descriptors.
    #[error("cannot build the reflection service")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The transport failed while serving.
    #[error("the gRPC transport failed")]
    Transport(#[from] tonic::transport::Error),
}

/// The bounds and options of the gRPC face. [`Config::from_mesh`] takes every bound from the
/// mesh configuration that protects the same resource.
#[derive(Debug, Clone)]
pub struct Config {
    /// Deadline for a call's first message (an `Execute` stream's `start`, a `Describe`
    /// request; tonic's server timeout, shortened by a client's `grpc-timeout`) and for a new
    /// connection's first bytes or TLS handshake. A call past it ends with `CANCELLED`
    /// ("Timeout expired") and its buffered bytes are freed; a connection past it is closed.
    /// Defaults to the mesh's `request_timeout` (10 s).
    pub request_timeout: Duration,
    /// Concurrent streams per HTTP/2 connection (`SETTINGS_MAX_CONCURRENT_STREAMS`); the
    /// server refuses streams past it (`REFUSED_STREAM`). Defaults to the mesh's
    /// `max_logic_streams_per_peer` (8).
    pub max_streams_per_connection: u32,
    /// Open gRPC connections (plain or TLS, handshaking included); one more is closed as soon
    /// as it is accepted. Defaults to the mesh's `max_connections` (256).
    pub max_connections: usize,
    /// Open gRPC connections from one [`nmp_net::Origin`] (an IPv4 address, an IPv6 /64); one
    /// more from it is closed as soon as it is accepted. Defaults to the mesh's
    /// `max_connections_per_origin` (64).
    pub max_connections_per_origin: usize,
    /// Largest message decoded or encoded, either way; a larger one ends the call with
    /// `RESOURCE_EXHAUSTED` (or `OUT_OF_RANGE`). Defaults to the mesh's `max_frame_bytes`
    /// (24 MiB).
    pub max_message_bytes: usize,
    /// Logic handlers running at once, shared with the mesh's serving loop: an `Execute`
    /// stream takes a slot before its first message is read and holds it until the request
    /// ends; with none free the call ends with `RESOURCE_EXHAUSTED` at once. Defaults to a
    /// pool of [`MAX_LOGIC_HANDLERS`] of its own; a [`Node`](crate::Node) passes the mesh's.
    pub handlers: Arc<Semaphore>,
    /// The inbound byte budget request bodies are charged to as their bytes arrive (see
    /// [`Budget`]), under the client's origin. A call whose next bytes it (or the origin's
    /// share) refuses ends at once with `RESOURCE_EXHAUSTED` (the node logs the cause); the
    /// charge is released when the call ends. Defaults to the mesh's `inbound_budget` (a
    /// [`Node`](crate::Node) shares one between its mesh and this face).
    pub budget: Budget,
    /// Serve TLS 1.3 with a self-signed certificate bound to this key's PeerId (the libp2p TLS
    /// certificate: an extension carries the certificate key signed by the identity key), so
    /// a client that knows the node's PeerId can refuse any other. Only `h2` is offered by
    /// ALPN and no client certificate is asked for. Defaults to `None`: plain HTTP/2.
    pub tls: Option<Keypair>,
}

impl Config {
    /// The bounds of `mesh` applied to gRPC, sharing its inbound byte budget, with a fresh
    /// handler pool and no TLS.
    pub fn from_mesh(mesh: &nmp_net::Config) -> Self {
        Self {
            request_timeout: mesh.request_timeout,
            max_streams_per_connection: u32::try_from(mesh.max_logic_streams_per_peer)
                .unwrap_or(u32::MAX),
            max_connections: usize::try_from(mesh.max_connections).unwrap_or(usize::MAX),
            max_connections_per_origin: usize::try_from(mesh.max_connections_per_origin)
                .unwrap_or(usize::MAX),
            max_message_bytes: mesh.max_frame_bytes,
            budget: mesh.inbound_budget.clone(),
            handlers: Arc::new(Semaphore::new(MAX_LOGIC_HANDLERS)),
            tls: None,
        }
    }

    /// Refuses the bounds that would stop the face from serving at all.
    fn validate(&self) -> Result<(), Error> {
        let invalid = [
            ("request_timeout", self.request_timeout.is_zero()),
            (
                "max_streams_per_connection",
                self.max_streams_per_connection == 0,
            ),
            (
                "max_connections",
                self.max_connections == 0 || self.max_connections > Semaphore::MAX_PERMITS,
            ),
            (
                "max_connections_per_origin",
                self.max_connections_per_origin == 0,
            ),
            ("max_message_bytes", self.max_message_bytes == 0),
        ];
        match invalid.into_iter().find(|(_, bad)| *bad) {
            Some((name, _)) => Err(Error::InvalidConfig(name)),
            None => Ok(()),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::from_mesh(&nmp_net::Config::default())
    }
}

/// A bound, not yet serving, gRPC server.
#[derive(Debug)]
pub struct Server {
    service: Arc<Service>,
    listener: TcpListener,
    config: Config,
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port; see [`Server::local_addr`]) and, with
    /// [`Config::tls`], generates the node's certificate.
    ///
    /// Fails with [`Error::InvalidConfig`] when a bound is zero, [`Error::Bind`] when the
    /// address cannot be bound.
    pub async fn bind(
        service: Arc<Service>,
        addr: SocketAddr,
        config: Config,
    ) -> Result<Self, Error> {
        config.validate()?;
        let tls = config
            .tls
            .as_ref()
            .map(|keypair| tls::server_config(keypair).map(Arc::new))
            .transpose()?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        Ok(Self {
            service,
            listener,
            config,
            tls,
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        self.listener.local_addr().map_err(Error::LocalAddr)
    }

    /// Serves `LogicMesh` and reflection (`grpc.reflection.v1` and `grpc.reflection.v1alpha`) until `shutdown` completes,
    /// then closes the service ([`Service::close`]: queued jobs end with
    /// `ERROR_CODE_SHUTTING_DOWN`), stops accepting, and lets open calls finish. Every bound
    /// of [`Config`] applies.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send) -> Result<(), Error> {
        // Both reflection versions: grpcurl and current clients speak `v1`; Python's
        // `grpcio-reflection`, Postman and older tools still ask `v1alpha`.
        let reflection = || {
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(nmp_wire::FILE_DESCRIPTOR_SET)
        };
        let reflection_v1 = reflection().build_v1()?;
        let reflection_v1alpha = reflection().build_v1alpha()?;
        let service = Arc::clone(&self.service);
        let shutdown = async move {
            shutdown.await;
            service.close();
        };
        let config = self.config;
        let mesh = LogicMeshServer::new(mesh::Mesh::new(self.service, &config))
            .max_decoding_message_size(config.max_message_bytes)
            .max_encoding_message_size(config.max_message_bytes);
        let incoming = accept::incoming(self.listener, &config, self.tls);
        tonic::transport::Server::builder()
            .timeout(config.request_timeout)
            .max_concurrent_streams(config.max_streams_per_connection)
            .http2_max_header_list_size(MAX_HEADER_LIST_BYTES)
            .http2_keepalive_interval(Some(KEEPALIVE_INTERVAL))
            .http2_keepalive_timeout(Some(config.request_timeout))
            .layer(inbound::Layer {
                budget: config.budget.clone(),
                max_message_bytes: config.max_message_bytes,
            })
            .add_service(mesh)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha)
            .serve_with_incoming_shutdown(incoming, shutdown)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_that_stop_the_face_are_refused() {
        assert!(Config::default().validate().is_ok());
        let zero_streams = Config {
            max_streams_per_connection: 0,
            ..Config::default()
        };
        assert!(matches!(
            zero_streams.validate(),
            Err(Error::InvalidConfig("max_streams_per_connection"))
        ));
        let too_many = Config {
            max_connections: usize::MAX,
            ..Config::default()
        };
        assert!(matches!(
            too_many.validate(),
            Err(Error::InvalidConfig("max_connections"))
        ));
    }
}
