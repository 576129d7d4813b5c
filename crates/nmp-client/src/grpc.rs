//! Execution through a node's gRPC endpoint (`LogicMesh`), for agents outside the mesh: the same
//! envelope, the same answer checks.

use nmp_net::PeerId;
use nmp_wire::{
    limits::MAX_FRAME_BYTES,
    pb::{self, execute_request::Message, logic_mesh_client::LogicMeshClient},
};
use tonic::transport::{Channel, Endpoint};

use crate::{Answer, Error, Logic, NmpClient, Provider, client::now_ms, exchange};

/// A Data Node reached through its gRPC endpoint: one HTTP/2 connection and the node's verified
/// capability document, reused by every call. Cheap to clone.
#[derive(Debug, Clone)]
pub struct GrpcNode {
    client: NmpClient,
    channel: LogicMeshClient<Channel>,
    provider: Provider,
}

impl NmpClient {
    /// Connects to a node's gRPC endpoint (`http://host:port`), fetches its capability document
    /// and verifies it.
    ///
    /// gRPC does not authenticate the node the way the mesh does: pass the PeerId you expect as
    /// `expected_node`, or the document is trusted for the node it names (and every answer is
    /// then checked against that node). Fails with [`Error::Grpc`] when the endpoint is
    /// malformed or unreachable, and [`Error::Document`] when the document is refused.
    pub async fn connect_grpc(
        &self,
        endpoint: &str,
        expected_node: Option<PeerId>,
    ) -> Result<GrpcNode, Error> {
        let channel = Endpoint::from_shared(endpoint.to_owned())
            .map_err(|e| Error::Grpc(e.into()))?
            .connect_timeout(self.shared().request_timeout)
            .tcp_nodelay(true)
            .connect()
            .await
            .map_err(|e| Error::Grpc(e.into()))?;
        let mut channel = LogicMeshClient::new(channel)
            .max_decoding_message_size(MAX_FRAME_BYTES)
            .max_encoding_message_size(MAX_FRAME_BYTES);
        let signed = channel
            .describe(pb::DescribeRequest {})
            .await
            .map_err(|status| Error::Grpc(status.into()))?
            .into_inner();
        let provider = self.verify_document(&signed, expected_node)?;
        Ok(GrpcNode {
            client: self.clone(),
            channel,
            provider,
        })
    }
}

impl GrpcNode {
    /// The node and its verified capability document (as fetched at connect time).
    pub fn provider(&self) -> &Provider {
        &self.provider
    }

    /// Runs `logic` on the node, with the same pre-flight, envelope and receipt checks as
    /// [`NmpClient::execute`].
    pub async fn execute(&self, logic: &Logic) -> Result<Answer, Error> {
        self.client.preflight(&logic.wasm)?;
        let shared = self.client.shared();
        let sealed = exchange::seal(&shared.identity, &self.provider, logic, now_ms())?;
        let start = pb::ExecuteRequest {
            message: Some(Message::Start(sealed.request.clone())),
        };
        let responses = self
            .channel
            .clone()
            .execute(futures::stream::iter([start]))
            .await
            .map_err(|status| Error::Grpc(status.into()))?
            .into_inner();
        exchange::receive(
            &self.provider,
            &sealed,
            responses,
            shared.execute_timeout,
            &|_, _| {},
            &mut false,
        )
        .await
    }
}
