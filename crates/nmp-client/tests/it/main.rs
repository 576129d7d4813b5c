//! The Rust SDK against real Data Nodes on a loopback mesh: every lookup through the DHT, every
//! answer verified, and nodes that lie refused.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

mod forged;
mod grpc;
mod mesh;
mod privacy;
mod scripted;
mod session;
mod tee;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use nmp_client::{Multiaddr, NmpClient};
use nmp_crypto::Identity;
use nmp_node::{Node, config::File};
use nmp_testkit::{Transport, address};

/// Deadline of each test, well above what a loopback run takes.
const DEADLINE: Duration = Duration::from_secs(180);
const PATIENTS: &str = "demo.hospital/patients";
const LEDGER: &str = "demo.bank/ledger";

fn example(path: &str) -> PathBuf {
    nmp_testkit::examples(&format!("logic/{path}"))
}

fn module(path: &str) -> Vec<u8> {
    std::fs::read(example(path)).expect("bundled module")
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
        text.push_str(&nmp_testkit::dataset_toml(
            &format!("set{i}"),
            path,
            capability,
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
