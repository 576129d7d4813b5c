//! The bounds suite: what a node's protective bounds cost an honest request. Two nodes in one
//! mesh, identical but for those bounds: `bounded` as `nmp node` runs by default (each compile
//! in a child `nmp compile-worker`, the default inbound byte budget, per-origin share and
//! connection cap, the per-agent compile quota, coarse guest clocks) and `relaxed` (compiles on
//! a thread of the node, a budget, share and cap far beyond anything sent, no compile quota,
//! real clocks). One agent alternates requests between them, so both see the same machine:
//! the cached 1 KiB guest over TCP and over gRPC, and a guest never seen before (a cold
//! compile) over TCP. Rounds give the spread.

use std::{path::Path, time::Instant};

use anyhow::{Context as _, ensure};
use nmp_client::{Answer, GrpcNode, Logic, NmpClient, PeerId};
use serde_json::{Value, json};

use super::{
    CAPABILITY, KIB, latency, open_policy,
    stats::{Samples, ms},
};
use crate::local::{LocalMesh, NodeSpec, Transport};

/// The configurations compared, in the order of the mesh's nodes.
const NODES: [&str; 2] = ["bounded", "relaxed"];

/// The paths measured on each node.
const PATHS: [&str; 3] = [
    "TCP, cached module",
    "gRPC, cached module",
    "TCP, cold compile",
];

/// Rounds of the suite; each reports its own percentiles.
const ROUNDS: u32 = 3;

/// Requests per path and node before the first round (connections, compile caches).
const WARM_UP: u32 = 20;

/// `[policy]` of each node: admission out of the measurement, and the bounds under test.
fn policy(bounded: bool) -> toml::Table {
    let mut policy = open_policy();
    let sandbox = if bounded {
        toml::toml! { compile_isolation = "process" }
    } else {
        toml::toml! {
            compile_isolation = "thread"
            clock = "real"
        }
    };
    policy.insert("sandbox".into(), sandbox.into());
    if !bounded {
        let quota = toml::toml! {
            concurrent_per_agent = "off"
            ms_per_minute = "off"
        };
        policy.insert("compile_quota".into(), quota.into());
    }
    policy
}

/// Top-level tables of each node's file: the relaxed node's inbound bounds are 1 TiB.
fn sections(bounded: bool) -> toml::Table {
    if bounded {
        return toml::Table::new();
    }
    let inbound = toml::toml! {
        budget_mib = 1_048_576
        origin_share_mib = 1_048_576
        max_connections_per_origin = 1_000_000
    };
    toml::Table::from_iter([("inbound".to_owned(), inbound.into())])
}

pub(super) async fn run(dir: &Path, requests: u32) -> anyhow::Result<Value> {
    let dir = dir.join("bounds");
    let data = latency::tiny_dataset(&dir)?;
    let specs = NODES.map(|name| {
        let bounded = name == "bounded";
        NodeSpec {
            name: name.to_owned(),
            capability: CAPABILITY.to_owned(),
            data: data.clone(),
            transport: Transport::Tcp,
            restricted: Vec::new(),
            dataset: toml::Table::new(),
            policy: policy(bounded),
            sections: sections(bounded),
            grpc: true,
        }
    });
    let mesh = LocalMesh::start(&dir, &specs).await?;
    let result = measure_all(&mesh, requests).await;
    mesh.shutdown().await;
    result
}

/// One node as the agent reaches it.
struct Target {
    peer: PeerId,
    grpc: GrpcNode,
}

async fn measure_all(mesh: &LocalMesh, requests: u32) -> anyhow::Result<Value> {
    let agent = mesh.agent(Transport::Tcp).await?;
    let found = mesh.discover(&agent, CAPABILITY).await?;
    ensure!(
        found.providers.len() == 2,
        "found {} of 2 nodes",
        found.providers.len()
    );
    let mut targets = Vec::new();
    for node in mesh.nodes() {
        let endpoint = format!("http://{}", node.grpc_addr().context("gRPC face")?);
        let grpc = agent.connect_grpc(&endpoint, Some(node.peer_id())).await?;
        targets.push(Target {
            peer: node.peer_id(),
            grpc,
        });
    }
    let mut salt = 0u32;
    println!(
        "bounds: {requests} requests per path, node and round, alternating between the nodes; \
         {ROUNDS} rounds"
    );
    println!(
        "  {:<22} {:>5} {:>20} {:>20} {:>9}",
        "path", "round", "bounded p50/p99 ms", "relaxed p50/p99 ms", "p50 diff"
    );
    alternate(&agent, &targets, WARM_UP, &mut salt).await?;
    let mut rounds = Vec::new();
    for round in 1..=ROUNDS {
        let samples = alternate(&agent, &targets, requests, &mut salt).await?;
        let mut json_paths = serde_json::Map::new();
        for (path, [bounded, relaxed]) in PATHS.iter().zip(&samples) {
            let diff = ms(bounded.percentile(50.0)) - ms(relaxed.percentile(50.0));
            println!(
                "  {path:<22} {round:>5} {:>9.3} / {:>8.3} {:>9.3} / {:>8.3} {diff:>+9.3}",
                ms(bounded.percentile(50.0)),
                ms(bounded.percentile(99.0)),
                ms(relaxed.percentile(50.0)),
                ms(relaxed.percentile(99.0)),
            );
            json_paths.insert(
                (*path).to_owned(),
                json!({ "bounded": bounded.json(), "relaxed": relaxed.json() }),
            );
        }
        rounds.push(Value::Object(json_paths));
    }
    println!();
    Ok(json!({ "requests": requests, "rounds": rounds }))
}

/// `requests` rounds of one request per path and node, in turn; the samples per path, then
/// node.
async fn alternate(
    agent: &NmpClient,
    targets: &[Target],
    requests: u32,
    salt: &mut u32,
) -> anyhow::Result<Vec<[Samples; 2]>> {
    let cached = Logic::new(CAPABILITY, KIB);
    let mut taken = vec![[Vec::new(), Vec::new()]; PATHS.len()];
    for _ in 0..requests {
        for (n, target) in targets.iter().enumerate() {
            *salt += 1;
            let cold = Logic::new(CAPABILITY, salted(*salt));
            let started = Instant::now();
            expect_kib(agent.execute(target.peer, &cached).await)?;
            taken[0][n].push(started.elapsed());
            let started = Instant::now();
            expect_kib(target.grpc.execute(&cached).await)?;
            taken[1][n].push(started.elapsed());
            let started = Instant::now();
            expect_kib(agent.execute(target.peer, &cold).await)?;
            taken[2][n].push(started.elapsed());
        }
    }
    Ok(taken
        .into_iter()
        .map(|per_node| per_node.map(Samples::new))
        .collect())
}

/// The benchmark guest with a custom section holding `salt`: a module no node has compiled.
fn salted(salt: u32) -> Vec<u8> {
    let mut wasm = KIB.to_vec();
    wasm.extend_from_slice(&[0, 9, 4, b's', b'a', b'l', b't']);
    wasm.extend_from_slice(&salt.to_le_bytes());
    wasm
}

fn expect_kib(answer: Result<Answer, nmp_client::Error>) -> anyhow::Result<()> {
    let answer = answer.context("a benchmark request failed")?;
    latency::check(&answer)
}
