//! Tool-call overhead of the MCP bridge: a no-op `nmp_describe` of a local Data Node through an
//! in-process MCP client and the bridge, beside the bare `NmpClient::describe` it wraps.
//!
//! Both paths fetch and verify the same signed capability document over the loopback mesh; the
//! difference is the bridge (JSON-RPC framing, argument checks, the result view and its
//! serialization). Prints p50 and p99 of each.
//!
//! `cargo bench -p nmp-mcp --bench bridge` (`-- N` sets the iterations per path, default 2000).

#![allow(
    clippy::unwrap_used,
    reason = "benchmark code: a failed unwrap is a failed run"
)]

use std::{
    path::Path,
    time::{Duration, Instant},
};

use nmp_client::NmpClient;
use nmp_crypto::Identity;
use nmp_mcp::Bridge;
use nmp_node::{Node, config::File};
use rmcp::{ServiceExt as _, model::CallToolRequestParams};

const WARM_UP: usize = 100;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let iterations = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().unwrap();
    let (bootstrap, _) = nmp_testkit::bootstrap().await;
    let seed = nmp_testkit::address(&bootstrap, nmp_testkit::Transport::Tcp)
        .await
        .to_string();
    let node = data_node(dir.path(), &seed).await;
    let peer = node.peer_id();
    let agent = NmpClient::builder()
        .bootstrap(seed.parse().unwrap())
        .connect()
        .await
        .unwrap();

    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    let server = tokio::spawn(async move {
        let running = Bridge::new(agent.clone()).serve(server_io).await.unwrap();
        running.waiting().await.unwrap();
    });
    let mcp = ().serve(client_io).await.unwrap();
    let mut arguments = serde_json::Map::new();
    arguments.insert("peer".into(), peer.to_string().into());
    let call = CallToolRequestParams::new("nmp_describe").with_arguments(arguments);

    let bare = NmpClient::builder()
        .bootstrap(seed.parse().unwrap())
        .connect()
        .await
        .unwrap();
    let bare_times = measure(iterations, || async {
        bare.describe(peer).await.unwrap();
    })
    .await;
    let bridge_times = measure(iterations, || async {
        let result = mcp.call_tool(call.clone()).await.unwrap();
        assert_ne!(result.is_error, Some(true), "{result:?}");
    })
    .await;
    report("bare NmpClient::describe", &bare_times);
    report("nmp_describe through the bridge", &bridge_times);

    mcp.cancel().await.unwrap();
    server.await.unwrap();
    node.shutdown().await;
}

async fn data_node(dir: &Path, seed: &str) -> Node {
    let identity = Identity::generate();
    identity.save(&dir.join("node.key")).unwrap();
    let data = nmp_testkit::examples("logic/data");
    let file = File::parse(&format!(
        "identity = \"node.key\"\nbootstrap = [\"{seed}\"]\n[listen]\ntcp = \"/ip4/127.0.0.1/tcp/0\"\n{}",
        nmp_testkit::dataset_toml("patients", &data, "demo.hospital/patients")
    ))
    .unwrap();
    Node::start(identity, &file, dir).await.unwrap()
}

/// Runs `op` `WARM_UP` times, then times `iterations` runs.
async fn measure<F, Fut>(iterations: usize, op: F) -> Vec<Duration>
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    for _ in 0..WARM_UP {
        op().await;
    }
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        op().await;
        times.push(start.elapsed());
    }
    times.sort_unstable();
    times
}

fn report(what: &str, sorted: &[Duration]) {
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what:<34} n={:<6} p50 {:>9.1} µs   p99 {:>9.1} µs",
        sorted.len(),
        at(0.50).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6
    );
}
