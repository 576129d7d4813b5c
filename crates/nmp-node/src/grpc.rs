//! The `nmp.v1.LogicMesh` gRPC service over [`Service`], with server reflection so generic
//! tools (`grpcurl list`) can discover it.
//!
//! Same messages, same pipeline and same envelope as the mesh: the gRPC face only moves
//! `LogicRequest`s in and `LogicResponse`s out.

use std::{future::Future, net::SocketAddr, sync::Arc};

use nmp_wire::{
    limits::MAX_FRAME_BYTES,
    pb::{
        self,
        execute_request::Message,
        logic_mesh_server::{LogicMesh, LogicMeshServer},
        logic_response::Event,
    },
};
use tokio::{net::TcpListener, sync::mpsc};
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tonic::{Request, Response, Status, Streaming};

use crate::{
    node::now_ms,
    service::{RESPONSE_BUFFER, Service},
};

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
    /// The reflection service could not load the `nmp.v1` descriptors.
    #[error("cannot build the reflection service")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The transport failed while serving.
    #[error("the gRPC transport failed")]
    Transport(#[from] tonic::transport::Error),
}

/// A bound, not yet serving, gRPC server.
#[derive(Debug)]
pub struct Server {
    service: Arc<Service>,
    listener: TcpListener,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port; see [`Server::local_addr`]).
    pub async fn bind(service: Arc<Service>, addr: SocketAddr) -> Result<Self, Error> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        Ok(Self { service, listener })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        self.listener.local_addr().map_err(Error::LocalAddr)
    }

    /// Serves `LogicMesh` and reflection (`grpc.reflection.v1`) until `shutdown` completes,
    /// then closes the service ([`Service::close`]: queued jobs end with
    /// `ERROR_CODE_SHUTTING_DOWN`), stops accepting, and lets open calls finish. Messages
    /// larger than [`MAX_FRAME_BYTES`] are refused in both directions.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send) -> Result<(), Error> {
        let reflection = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(nmp_wire::FILE_DESCRIPTOR_SET)
            .build_v1()?;
        let service = Arc::clone(&self.service);
        let shutdown = async move {
            shutdown.await;
            service.close();
        };
        let mesh = LogicMeshServer::new(Mesh {
            service: self.service,
        })
        .max_decoding_message_size(MAX_FRAME_BYTES)
        .max_encoding_message_size(MAX_FRAME_BYTES);
        tonic::transport::Server::builder()
            .add_service(mesh)
            .add_service(reflection)
            .serve_with_incoming_shutdown(incoming(self.listener), shutdown)
            .await?;
        Ok(())
    }
}

/// The generated service trait over the node's [`Service`].
#[derive(Debug, Clone)]
struct Mesh {
    service: Arc<Service>,
}

#[tonic::async_trait]
impl LogicMesh for Mesh {
    type ExecuteStream = ReceiverStream<Result<pb::LogicResponse, Status>>;

    /// The first message must be `start`; a later `cancel` ends the request with
    /// `ERROR_CODE_CANCELLED`, and so does the client cancelling the call. Half-closing the
    /// request side after `start` is normal and does not cancel.
    async fn execute(
        &self,
        request: Request<Streaming<pb::ExecuteRequest>>,
    ) -> Result<Response<Self::ExecuteStream>, Status> {
        let mut inbound = request.into_inner();
        let first = inbound.message().await?;
        let Some(pb::ExecuteRequest {
            message: Some(Message::Start(start)),
        }) = first
        else {
            return Err(Status::invalid_argument(
                "the first message must be `start`",
            ));
        };
        let request_id = start.request_id.clone();
        let responses = self.service.execute(start, now_ms());
        let (tx, rx) = mpsc::channel(RESPONSE_BUFFER);
        tokio::spawn(relay(responses, inbound, tx, request_id));
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    async fn describe(
        &self,
        _request: Request<pb::DescribeRequest>,
    ) -> Result<Response<pb::SignedCapabilityDocument>, Status> {
        Ok(Response::new(self.service.describe(now_ms())))
    }
}

/// Forwards the service's responses to the client until the request ends, the client cancels
/// (a `cancel` message or a dropped call), or the client's stream fails. Returning drops
/// `responses`, which cancels a request still queued.
async fn relay(
    mut responses: mpsc::Receiver<pb::LogicResponse>,
    mut inbound: Streaming<pb::ExecuteRequest>,
    tx: mpsc::Sender<Result<pb::LogicResponse, Status>>,
    request_id: Vec<u8>,
) {
    let mut inbound_open = true;
    loop {
        tokio::select! {
            response = responses.recv() => {
                let Some(response) = response else { return };
                if tx.send(Ok(response)).await.is_err() {
                    return;
                }
            }
            message = inbound.message(), if inbound_open => match message {
                Ok(Some(pb::ExecuteRequest { message: Some(Message::Cancel(_)) })) => {
                    let cancelled = pb::LogicResponse {
                        request_id,
                        event: Some(Event::Error(pb::Error {
                            code: pb::ErrorCode::Cancelled as i32,
                            message: "cancelled by the agent".to_owned(),
                        })),
                    };
                    // The client may already be gone; either way the request ends here.
                    let _ = tx.send(Ok(cancelled)).await;
                    return;
                }
                Ok(Some(_)) => {}
                Ok(None) => inbound_open = false,
                Err(_) => return,
            },
            () = tx.closed() => return,
        }
    }
}

/// Accepted connections with `TCP_NODELAY` set: request/response frames are small, and Nagle's
/// algorithm against the peer's delayed acknowledgements would add ~40 ms to each exchange.
fn incoming(
    listener: tokio::net::TcpListener,
) -> impl tokio_stream::Stream<Item = std::io::Result<tokio::net::TcpStream>> {
    use tokio_stream::StreamExt as _;
    TcpListenerStream::new(listener).map(|accepted| {
        let stream = accepted?;
        stream.set_nodelay(true)?;
        Ok(stream)
    })
}
