//! The SDK's gRPC client against real Data Nodes on 127.0.0.1: TLS bound to the node's PeerId
//! (a certificate naming another PeerId, or none, is refused), and a typed timeout from an
//! endpoint that accepts and never answers, at connect time and at execute time.

use std::{path::Path, sync::Arc, time::Duration};

use futures_rustls::TlsAcceptor;
use nmp_client::{Error, Logic, NmpClient};
use nmp_crypto::Identity;
use nmp_node::{Node, config::File};
use nmp_wire::pb::{
    self,
    logic_mesh_client::LogicMeshClient,
    logic_mesh_server::{LogicMesh, LogicMeshServer},
};
use tokio::net::TcpListener;
use tokio_util::compat::TokioAsyncReadCompatExt as _;
use tonic::{Request, Response, Status, Streaming};

use crate::{DEADLINE, LEDGER, ledger, module};

/// The agents' request timeout in these tests.
const REQUEST_TIMEOUT: Duration = Duration::from_millis(500);

/// A Data Node serving a small ledger on gRPC only (TLS or not), in `dir`.
async fn grpc_node(dir: &Path, tls: bool) -> Node {
    let identity = Identity::generate();
    identity.save(&dir.join("node.key")).unwrap();
    let data = ledger(dir, 6);
    let text = format!(
        "identity = \"node.key\"\ngrpc = \"127.0.0.1:0\"\ngrpc_tls = {tls}\n\n[[datasets]]\n\
         name = \"ledger\"\npath = \"{}\"\ncapability = \"{LEDGER}\"\n",
        data.display()
    );
    Node::start(identity, &File::parse(&text).unwrap(), dir)
        .await
        .unwrap()
}

async fn agent() -> NmpClient {
    NmpClient::builder()
        .request_timeout(REQUEST_TIMEOUT)
        .execute_timeout(Duration::from_secs(60))
        .connect()
        .await
        .unwrap()
}

fn aggregate() -> Logic {
    Logic::new(LEDGER, module("c/aggregate.wasm")).with_input(b"{\"group_by\":\"branch\"}".to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_binds_the_endpoint_to_the_node_peer_id() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let node = grpc_node(dir.path(), true).await;
        let endpoint = node.grpc_endpoint().unwrap();
        assert!(endpoint.starts_with("https://"), "{endpoint}");
        let agent = agent().await;

        let grpc = agent
            .connect_grpc(&endpoint, Some(node.peer_id()))
            .await
            .expect("the certificate names the expected node");
        assert!(grpc.execute(&aggregate()).await.unwrap().is_completed());

        // Without an expected PeerId, the certificate's PeerId is the one the document must name.
        let grpc = agent.connect_grpc(&endpoint, None).await.unwrap();
        assert_eq!(grpc.provider().peer, node.peer_id());

        // A certificate naming another node is refused in the handshake.
        let other = Identity::generate().peer_id();
        let err = agent
            .connect_grpc(&endpoint, Some(other))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Grpc(_)), "{err:?}");
        assert!(err.chain().contains("certificate"), "{}", err.chain());

        // Plain HTTP/2 to the TLS face gets nothing.
        let plain = endpoint.replacen("https://", "http://", 1);
        let err = agent.connect_grpc(&plain, None).await.unwrap_err();
        assert!(
            matches!(err, Error::Grpc(_) | Error::GrpcTimeout { .. }),
            "{err:?}"
        );
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_not_bound_to_a_peer_id_is_refused() {
    tokio::time::timeout(DEADLINE, async {
        // A TLS 1.3 server with an ordinary self-signed certificate (no libp2p extension).
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![certified.cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(certified.key_pair.serialize_der().into()),
            )
            .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec()];
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                // The client aborts the handshake.
                let _ = acceptor.accept(stream.compat()).await;
            }
        });
        let err = agent()
            .await
            .connect_grpc(&format!("https://{addr}"), None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Grpc(_)), "{err:?}");
        assert!(err.chain().contains("certificate"), "{}", err.chain());
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_endpoint_ends_in_a_typed_timeout() {
    tokio::time::timeout(DEADLINE, async {
        // Accepts every connection and never writes a byte.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        let agent = agent().await;
        for scheme in ["http", "https"] {
            let err = agent
                .connect_grpc(&format!("{scheme}://{addr}"), None)
                .await
                .unwrap_err();
            assert!(
                matches!(err, Error::GrpcTimeout { after, .. } if after == REQUEST_TIMEOUT),
                "{scheme}: {err:?}"
            );
        }
    })
    .await
    .expect("the client gives up within its own timeout");
}

/// A `LogicMesh` that answers `Describe` with a real node's document and never answers
/// `Execute` (no response headers, ever).
struct Silent {
    document: pb::SignedCapabilityDocument,
}

#[tonic::async_trait]
impl LogicMesh for Silent {
    type ExecuteStream = futures::stream::Pending<Result<pb::LogicResponse, Status>>;

    async fn execute(
        &self,
        _: Request<Streaming<pb::ExecuteRequest>>,
    ) -> Result<Response<Self::ExecuteStream>, Status> {
        std::future::pending().await
    }

    async fn describe(
        &self,
        _: Request<pb::DescribeRequest>,
    ) -> Result<Response<pb::SignedCapabilityDocument>, Status> {
        Ok(Response::new(self.document.clone()))
    }

    /// An older node: no sessions, so the client seals each request on its own.
    async fn open_session(
        &self,
        _: Request<pb::SessionOpen>,
    ) -> Result<Response<pb::SessionReply>, Status> {
        Err(Status::unimplemented("no sessions"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_execute_without_response_headers_ends_in_a_typed_timeout() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let node = grpc_node(dir.path(), false).await;
        let document = LogicMeshClient::connect(node.grpc_endpoint().unwrap())
            .await
            .unwrap()
            .describe(pb::DescribeRequest {})
            .await
            .unwrap()
            .into_inner();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(LogicMeshServer::new(Silent { document }))
                .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
        );
        let grpc = agent()
            .await
            .connect_grpc(&format!("http://{addr}"), Some(node.peer_id()))
            .await
            .expect("the document is the real node's");
        let err = grpc.execute(&aggregate()).await.unwrap_err();
        assert!(
            matches!(err, Error::Timeout { peer, after } if peer == node.peer_id() && after == REQUEST_TIMEOUT),
            "{err:?}"
        );
        node.shutdown().await;
    })
    .await
    .expect("the client gives up within its own timeout");
}
