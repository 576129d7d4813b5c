//! End-to-end tests of `nmp-net` on 127.0.0.1: real sockets, ephemeral ports, every test
//! bounded by [`within`].

mod discovery;
mod info;
mod large;
mod logic;

use std::future::Future;
use std::time::Duration;

use libp2p::multiaddr::Protocol;
use nmp_net::{Config, Inbound, Incoming, Keypair, Mesh, Multiaddr};
use nmp_wire::pb;
use nmp_wire::pb::logic_response::Event;

/// Upper bound on any one test; far above what loopback needs.
const TEST_DEADLINE: Duration = Duration::from_secs(60);

/// Runs `test` and fails if it takes longer than [`TEST_DEADLINE`].
async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(TEST_DEADLINE, test)
        .await
        .expect("test exceeded its deadline")
}

/// Which transport an address uses.
#[derive(Debug, Clone, Copy)]
enum Transport {
    Tcp,
    Quic,
    WebSocket,
}

impl Transport {
    fn matches(self, addr: &Multiaddr) -> bool {
        let quic = addr.iter().any(|p| matches!(p, Protocol::QuicV1));
        let ws = addr.iter().any(|p| matches!(p, Protocol::Ws(_)));
        match self {
            Self::Tcp => !quic && !ws,
            Self::Quic => quic,
            Self::WebSocket => ws,
        }
    }
}

/// The address of `mesh` on `transport`, ending in `/p2p/<peer id>`.
async fn address(mesh: &Mesh, transport: Transport) -> Multiaddr {
    let addrs = mesh.listen_addrs().await.expect("mesh is running");
    let addr = addrs
        .into_iter()
        .find(|addr| transport.matches(addr))
        .expect("listening on it");
    addr.with(Protocol::P2p(mesh.peer_id()))
}

/// A node listening on every loopback transport.
async fn listening_node() -> (Mesh, Inbound) {
    Mesh::bind(Keypair::generate_ed25519(), Config::loopback())
        .await
        .expect("node binds")
}

/// An agent that listens nowhere and knows the given bootstrap peers.
async fn agent(bootstrap: Vec<Multiaddr>) -> Mesh {
    let config = Config {
        bootstrap,
        ..Config::default()
    };
    Mesh::bind(Keypair::generate_ed25519(), config)
        .await
        .expect("agent binds")
        .0
}

/// The capability document a test node serves: its own name in the document bytes.
fn document(name: &str) -> pb::SignedCapabilityDocument {
    pb::SignedCapabilityDocument {
        document: name.as_bytes().to_vec(),
        signature: vec![7; 64],
    }
}

/// Serves every inbound request until the mesh stops: answers describe requests with
/// `document(name)` and each logic request with one status and an echo of its capability.
fn serve(mut inbound: Inbound, name: &'static str) {
    tokio::spawn(async move {
        while let Some(incoming) = inbound.next().await {
            match incoming {
                Incoming::Info(request) => {
                    request
                        .respond(document(name))
                        .await
                        .expect("mesh is running");
                }
                Incoming::Logic(stream) => {
                    tokio::spawn(echo(*stream));
                }
                _ => {}
            }
        }
    });
}

async fn echo(stream: nmp_net::LogicStream) {
    let (request, mut sender, _closed) = stream.into_parts();
    let status = pb::LogicResponse {
        request_id: request.request_id.clone(),
        event: Some(Event::Status(pb::Status {
            stage: pb::Stage::Running as i32,
            ..Default::default()
        })),
    };
    let result = pb::LogicResponse {
        request_id: request.request_id,
        event: Some(Event::Result(pb::LogicResult {
            sealed: Some(pb::SealedResponse {
                nonce: Vec::new(),
                ciphertext: request.capability.into_bytes(),
            }),
        })),
    };
    if sender.send(&status).await.is_ok() && sender.send(&result).await.is_ok() {
        let _ = sender.finish().await;
    }
}
