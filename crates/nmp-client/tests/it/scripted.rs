//! Scripted nodes: the real node service behind a mesh or gRPC face the test controls, to walk
//! the client's paths one at a time: documents cached and fetched again past their TTL on both
//! faces, and a stream that ends without a result classified alike on both.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use futures::{StreamExt as _, stream::BoxStream};
use nmp_client::{Error, GrpcNode, Logic, NmpClient};
use nmp_crypto::{Identity, KemKeyPair, Keyring, envelope::OpenConfig};
use nmp_net::{Incoming, Mesh, Origin, PeerId};
use nmp_node::{
    Dataset, Service,
    service::{self, Served},
};
use nmp_wire::{
    now_ms,
    pb::{
        self,
        execute_request::Message,
        logic_mesh_server::{LogicMesh, LogicMeshServer},
        logic_response::Event,
    },
};
use tokio::net::TcpListener;
use tonic::{Request, Response, Status, Streaming};

use crate::{DEADLINE, PATIENTS, example, module};

/// A document lifetime shorter than the client's 30 s refresh margin: never fresh enough to
/// reuse, so every execution fetches it again.
const SHORT_TTL_MS: u64 = 20_000;
/// The node service's default document lifetime: 1 h.
const LONG_TTL_MS: u64 = 3_600_000;

/// The real node service over the bundled patients data, its documents and KEM key valid for
/// `ttl_ms`.
fn service(ttl_ms: u64) -> Arc<Service> {
    let identity = Identity::generate();
    let keyring = Keyring::new(
        identity.peer_id(),
        KemKeyPair::generate(),
        now_ms() + ttl_ms,
        OpenConfig::default(),
    );
    let config = service::Config {
        datasets: vec![Served {
            capability: PATIENTS.to_owned(),
            dataset: Dataset::new("patients", example("data")).expect("bundled dataset"),
            postgres: None,
            response_quantum: None,
        }],
        document_ttl_ms: ttl_ms,
        ..service::Config::default()
    };
    Arc::new(Service::new(identity, keyring, config).expect("service starts"))
}

/// What a scripted node does with the service's responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Forwards them all.
    Honest,
    /// Forwards the status events, then ends the stream cleanly without the result.
    EndWithoutResult,
}

impl Script {
    fn forwards(self, response: &pb::LogicResponse) -> bool {
        self == Self::Honest || !matches!(response.event, Some(Event::Result(_)))
    }
}

/// `service` on a loopback TCP mesh face, counting its describe requests in `describes`.
async fn mesh_node(service: Arc<Service>, describes: Arc<AtomicUsize>) -> nmp_net::Multiaddr {
    let net = nmp_net::Config {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        ..nmp_net::Config::default()
    };
    let keypair = service.identity().to_libp2p_keypair();
    let (mesh, mut inbound) = Mesh::bind(keypair, net).await.unwrap();
    let addr = format!(
        "{}/p2p/{}",
        mesh.listen_addrs().await.unwrap()[0],
        mesh.peer_id()
    );
    tokio::spawn(async move {
        let _mesh = mesh;
        while let Some(incoming) = inbound.next().await {
            match incoming {
                Incoming::Info(info) => {
                    describes.fetch_add(1, Ordering::SeqCst);
                    let _ = info.respond(service.describe(now_ms())).await;
                }
                Incoming::Logic(stream) => {
                    let origin = stream.origin();
                    let (request, mut sender, _closed) = stream.into_parts();
                    let mut responses = service.execute(request, origin, now_ms());
                    tokio::spawn(async move {
                        while let Some(response) = responses.recv().await {
                            if sender.send(&response).await.is_err() {
                                return;
                            }
                        }
                        let _ = sender.finish().await;
                    });
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    });
    addr.parse().unwrap()
}

/// `service` behind a `LogicMesh` of the test's own, counting describes and following `script`.
struct ScriptedGrpc {
    service: Arc<Service>,
    describes: Arc<AtomicUsize>,
    script: Script,
}

#[tonic::async_trait]
impl LogicMesh for ScriptedGrpc {
    type ExecuteStream = BoxStream<'static, Result<pb::LogicResponse, Status>>;

    async fn execute(
        &self,
        request: Request<Streaming<pb::ExecuteRequest>>,
    ) -> Result<Response<Self::ExecuteStream>, Status> {
        let Some(pb::ExecuteRequest {
            message: Some(Message::Start(start)),
        }) = request.into_inner().message().await?
        else {
            return Err(Status::invalid_argument("no start"));
        };
        let responses = self.service.execute(start, Origin::UNKNOWN, now_ms());
        let script = self.script;
        let stream = futures::stream::unfold(responses, |mut responses| async move {
            let response = responses.recv().await?;
            Some((response, responses))
        })
        .filter(move |response| std::future::ready(script.forwards(response)))
        .map(Ok);
        Ok(Response::new(stream.boxed()))
    }

    async fn describe(
        &self,
        _: Request<pb::DescribeRequest>,
    ) -> Result<Response<pb::SignedCapabilityDocument>, Status> {
        self.describes.fetch_add(1, Ordering::SeqCst);
        Ok(Response::new(self.service.describe(now_ms())))
    }

    async fn open_session(
        &self,
        request: Request<pb::SessionOpen>,
    ) -> Result<Response<pb::SessionReply>, Status> {
        let reply = self
            .service
            .open_session(request.get_ref(), Origin::UNKNOWN, now_ms());
        Ok(Response::new(reply))
    }
}

/// Serves `service` over plain gRPC on loopback; returns the agent's connection to it.
async fn grpc_node(
    service: Arc<Service>,
    describes: Arc<AtomicUsize>,
    script: Script,
) -> (NmpClient, GrpcNode) {
    let peer = service.identity().peer_id();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let scripted = ScriptedGrpc {
        service,
        describes,
        script,
    };
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(LogicMeshServer::new(scripted))
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    let client = agent().await;
    let node = client
        .connect_grpc(&format!("http://{addr}"), Some(peer))
        .await
        .expect("the scripted node's document verifies");
    (client, node)
}

async fn agent() -> NmpClient {
    NmpClient::builder()
        .execute_timeout(Duration::from_secs(30))
        .connect()
        .await
        .unwrap()
}

fn aggregate() -> Logic {
    Logic::new(PATIENTS, module("c/aggregate.wasm"))
}

/// Runs `aggregate` twice on the mesh node of `service`; returns how many documents it served.
async fn mesh_describes(service: Arc<Service>) -> usize {
    let describes = Arc::new(AtomicUsize::new(0));
    let addr = mesh_node(service, Arc::clone(&describes)).await;
    let client = agent().await;
    let peer: PeerId = client.mesh().dial(addr).await.unwrap();
    for _ in 0..2 {
        let answer = client.execute(peer, &aggregate()).await.unwrap();
        assert!(answer.is_completed());
        assert_eq!(answer.receipt_body.request_id.len(), 16);
    }
    describes.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mesh_document_is_reused_until_its_ttl_and_fetched_again_past_it() {
    tokio::time::timeout(DEADLINE, async {
        assert_eq!(mesh_describes(service(LONG_TTL_MS)).await, 1, "cached");
        assert_eq!(mesh_describes(service(SHORT_TTL_MS)).await, 2, "refreshed");
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpc_document_is_reused_until_its_ttl_and_fetched_again_past_it() {
    tokio::time::timeout(DEADLINE, async {
        for (ttl, expected) in [(LONG_TTL_MS, 1), (SHORT_TTL_MS, 3)] {
            let describes = Arc::new(AtomicUsize::new(0));
            let (_client, node) =
                grpc_node(service(ttl), Arc::clone(&describes), Script::Honest).await;
            let first = node.provider().document.issued_at_ms;
            for _ in 0..2 {
                tokio::time::sleep(Duration::from_millis(5)).await;
                let answer = node.execute(&aggregate()).await.unwrap();
                assert!(answer.is_completed());
            }
            // Connect, then one fetch per execution when the document is too short-lived.
            assert_eq!(describes.load(Ordering::SeqCst), expected, "ttl {ttl}");
            let latest = node.provider().document.issued_at_ms;
            assert_eq!(latest > first, ttl == SHORT_TTL_MS, "ttl {ttl}");
        }
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpc_stream_that_ends_without_a_result_is_a_protocol_error() {
    tokio::time::timeout(DEADLINE, async {
        let describes = Arc::new(AtomicUsize::new(0));
        let (_client, node) =
            grpc_node(service(LONG_TTL_MS), describes, Script::EndWithoutResult).await;
        let err = node.execute(&aggregate()).await.unwrap_err();
        // The same failure over the mesh: `forged.rs`, `Lie::NoResult`.
        assert!(
            matches!(
                err,
                Error::Protocol {
                    reason: "the stream ended without a result",
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.kind(), nmp_client::ErrorKind::Verification);
    })
    .await
    .expect("within the deadline");
}
