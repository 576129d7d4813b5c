//! Execution through a node's gRPC endpoint (`LogicMesh`), for agents outside the mesh: the same
//! envelope, the same answer checks.

use nmp_net::PeerId;
use nmp_wire::{
    limits::MAX_FRAME_BYTES,
    pb::{self, execute_request::Message, logic_mesh_client::LogicMeshClient},
};
use tonic::transport::{Channel, Endpoint};

use crate::{Answer, Error, Logic, NmpClient, Provider, client::now_ms, exchange};

impl NmpClient {
    /// Fetches the capability document from a gRPC endpoint (`http://host:port`) and verifies
    /// it. gRPC does not authenticate the node the way the mesh does: pass the PeerId you expect
    /// as `expected_node`, or the document is trusted for the node it names.
    pub async fn describe_grpc(
        &self,
        endpoint: &str,
        expected_node: Option<PeerId>,
    ) -> Result<Provider, Error> {
        let mut client = self.grpc_client(endpoint).await?;
        let signed = client
            .describe(pb::DescribeRequest {})
            .await
            .map_err(|status| Error::Grpc(status.into()))?
            .into_inner();
        self.verify_document(&signed, expected_node)
    }

    /// Runs `logic` on the node behind a gRPC endpoint, with the same pre-flight, envelope and
    /// receipt checks as [`NmpClient::execute`]. See [`NmpClient::describe_grpc`] for
    /// `expected_node`.
    pub async fn execute_grpc(
        &self,
        endpoint: &str,
        expected_node: Option<PeerId>,
        logic: &Logic,
    ) -> Result<Answer, Error> {
        self.preflight(&logic.wasm)?;
        let provider = self.describe_grpc(endpoint, expected_node).await?;
        let shared = self.shared();
        let sealed = exchange::seal(&shared.identity, &provider, logic, now_ms())?;
        let start = pb::ExecuteRequest {
            message: Some(Message::Start(sealed.request.clone())),
        };
        let mut client = self.grpc_client(endpoint).await?;
        let responses = client
            .execute(futures::stream::iter([start]))
            .await
            .map_err(|status| Error::Grpc(status.into()))?
            .into_inner();
        exchange::receive(
            &provider,
            &sealed,
            responses,
            shared.execute_timeout,
            &|_, _| {},
        )
        .await
    }

    async fn grpc_client(&self, endpoint: &str) -> Result<LogicMeshClient<Channel>, Error> {
        let channel = Endpoint::from_shared(endpoint.to_owned())
            .map_err(|e| Error::Grpc(e.into()))?
            .connect_timeout(self.shared().request_timeout)
            .connect()
            .await
            .map_err(|e| Error::Grpc(e.into()))?;
        Ok(LogicMeshClient::new(channel)
            .max_decoding_message_size(MAX_FRAME_BYTES)
            .max_encoding_message_size(MAX_FRAME_BYTES))
    }
}
