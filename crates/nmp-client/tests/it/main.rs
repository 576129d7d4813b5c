//! The Rust SDK against real Data Nodes on a loopback mesh: every lookup through the DHT, every
//! answer verified, and nodes that lie refused.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

mod forged;
mod grpc;
mod mesh;
mod scripted;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use nmp_client::{Multiaddr, NmpClient};
use nmp_crypto::Identity;
use nmp_net::Mesh;
use nmp_node::{Node, config::File};

/// Deadline of each test, well above what a loopback run takes.
const DEADLINE: Duration = Duration::from_secs(180);
const PATIENTS: &str = "demo.hospital/patients";
const LEDGER: &str = "demo.bank/ledger";

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/logic")
        .join(path)
}

fn module(path: &str) -> Vec<u8> {
    std::fs::read(example(path)).expect("bundled module")
}

/// One transport, as a node's only listener and as the dial address of the bootstrap peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Tcp,
    Quic,
    Ws,
}

impl Transport {
    fn listen(self) -> &'static str {
        match self {
            Self::Tcp => "/ip4/127.0.0.1/tcp/0",
            Self::Quic => "/ip4/127.0.0.1/udp/0/quic-v1",
            Self::Ws => "/ip4/127.0.0.1/tcp/0/ws",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Quic => "quic",
            Self::Ws => "ws",
        }
    }

    fn matches(self, addr: &Multiaddr) -> bool {
        let text = addr.to_string();
        match self {
            Self::Tcp => text.contains("/tcp/") && !text.contains("/ws"),
            Self::Quic => text.contains("/quic-v1"),
            Self::Ws => text.contains("/ws"),
        }
    }
}

/// A bootstrap peer listening on every transport.
async fn bootstrap() -> Mesh {
    let (mesh, _) = Mesh::bind(
        nmp_net::Keypair::generate_ed25519(),
        nmp_net::Config::loopback(),
    )
    .await
    .expect("bootstrap binds");
    mesh
}

/// `mesh`'s address on `transport`, ending in `/p2p/<peer id>`.
async fn address(mesh: &Mesh, transport: Transport) -> Multiaddr {
    let addrs = mesh.listen_addrs().await.expect("mesh running");
    let addr = addrs
        .into_iter()
        .find(|a| transport.matches(a))
        .expect("a listener on the transport");
    format!("{addr}/p2p/{}", mesh.peer_id())
        .parse()
        .expect("multiaddr")
}

/// A Data Node in `dir` listening on `transport` only, bootstrapping from `seed` and serving
/// each `(capability, dataset directory)`; `extra` is appended to its TOML file.
async fn data_node(
    dir: &Path,
    transport: Transport,
    seed: &Multiaddr,
    datasets: &[(&str, &Path)],
    extra: &str,
) -> Node {
    let identity = Identity::generate();
    identity
        .save(&dir.join("node.key"))
        .expect("key file written");
    let mut text = format!(
        "identity = \"node.key\"\nbootstrap = [\"{seed}\"]\n{extra}\n[listen]\n{} = \"{}\"\n",
        transport.key(),
        transport.listen()
    );
    for (i, (capability, path)) in datasets.iter().enumerate() {
        text.push_str(&format!(
            "\n[[datasets]]\nname = \"set{i}\"\npath = \"{}\"\nformat = \"csv\"\ncapability = \"{capability}\"\n",
            path.display()
        ));
    }
    let file = File::parse(&text).expect("valid configuration");
    Node::start(identity, &file, dir)
        .await
        .expect("node starts")
}

/// An agent that knows only `seed`.
async fn agent(seed: Multiaddr) -> NmpClient {
    NmpClient::builder()
        .bootstrap(seed)
        .query_timeout(Duration::from_secs(20))
        .execute_timeout(Duration::from_secs(60))
        .connect()
        .await
        .expect("agent joins")
}

/// A directory holding one CSV ledger of `rows` rows: branch, amount.
fn ledger(dir: &Path, rows: usize) -> PathBuf {
    let path = dir.join("ledger");
    std::fs::create_dir_all(&path).expect("ledger dir");
    let mut csv = String::from("branch,amount\n");
    for i in 0..rows {
        csv.push_str(&format!("b{},{}\n", i % 3, 100 + i));
    }
    std::fs::write(path.join("ledger.csv"), csv).expect("ledger written");
    path
}
