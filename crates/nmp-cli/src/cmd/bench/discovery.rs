//! The discovery suite: meshes of N Data Nodes, each announcing its own capability, started
//! from one bootstrap peer; a fresh agent then finds and describes nodes through the DHT (a
//! provider lookup, a dial, a signed capability document fetched and verified). Beside the
//! times, the messages each step cost (Kademlia requests, connections dialled, describe requests
//! that needed a dial, peer lookups), which a loaded machine does not change.

use std::{path::Path, time::Instant};

use anyhow::{Context as _, ensure};
use nmp_client::NmpClient;
use nmp_net::Stats;
use serde_json::{Value, json};

use super::{
    latency::tiny_dataset,
    stats::{Samples, ms},
};
use crate::local::{LocalMesh, NodeSpec, Transport};

/// Lookups timed per mesh after the first.
const LOOKUPS: usize = 20;

pub(super) async fn run(dir: &Path, sizes: &[u32], quorums: &[u32]) -> anyhow::Result<Value> {
    println!("discovery: each node announces its own capability; fresh agents look them up");
    println!(
        "  {:>5} {:>9} {:>6} {:>14} {:>11} {:>11}",
        "nodes", "start s", "quorum", "first lookup", "p50 ms", "p99 ms"
    );
    let mut rows = Vec::new();
    for &size in sizes {
        let dir = dir.join(format!("discovery-{size}"));
        let data = tiny_dataset(&dir)?;
        let specs: Vec<NodeSpec> = (0..size)
            .map(|i| NodeSpec {
                name: format!("node-{i}"),
                capability: format!("bench/node-{i}"),
                data: data.clone(),
                transport: Transport::Tcp,
                restricted: Vec::new(),
                dataset: toml::Table::new(),
                policy: toml::Table::new(),
                sections: toml::Table::new(),
                grpc: false,
            })
            .collect();
        let started = Instant::now();
        let mesh = LocalMesh::start(&dir, &specs).await?;
        let start = started.elapsed();
        let seed = mesh.bootstrap().stats().await?;
        println!(
            "  {size:>5} {:>9.2}   (the bootstrap peer served {} Kademlia requests on {} connections)",
            start.as_secs_f64(),
            seed.served,
            seed.accepted
        );
        let mut agents = Vec::new();
        for &quorum in quorums {
            let result = lookups(&mesh, &specs, quorum).await;
            let (first, samples, costs) = match result {
                Ok(measured) => measured,
                Err(err) => {
                    mesh.shutdown().await;
                    return Err(err);
                }
            };
            println!(
                "  {:>5} {:>9} {quorum:>6} {:>11.1} ms {:>11.1} {:>11.1}",
                "",
                "",
                ms(first),
                ms(samples.percentile(50.0)),
                ms(samples.percentile(99.0))
            );
            println!("        first lookup: {}", costs[0].line());
            let later = Cost::mean(&costs[1..]);
            println!("        later lookups, mean: {}", later.line());
            agents.push(json!({
                "lookup_quorum": quorum, "first_lookup_ms": ms(first), "lookups": samples.json(),
                "first_lookup_cost": costs[0].json(), "later_lookup_cost_mean": later.json(),
            }));
        }
        mesh.shutdown().await;
        rows.push(json!({
            "nodes": size, "start_s": start.as_secs_f64(),
            "bootstrap_peer": { "served": seed.served, "accepted": seed.accepted },
            "agents": agents,
        }));
    }
    println!();
    Ok(Value::Array(rows))
}

/// What one lookup cost the agent in messages, from its counters before and after.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    /// Kademlia requests of its provider and peer lookups.
    requests: f64,
    /// Connections it dialled (for its lookups, its describe requests and its own bootstrap).
    dialled: f64,
    /// Describe requests to a provider it had no connection to.
    describe_dials: f64,
    /// Peer lookups for a provider it had no address for.
    peer_lookups: f64,
    /// Requests of its routing-table bootstrap that ran meanwhile.
    bootstrap: f64,
}

impl Cost {
    fn between(before: &Stats, after: &Stats) -> Self {
        let delta = |f: fn(&Stats) -> u64| (f(after) - f(before)) as f64;
        Self {
            requests: delta(|s| s.lookups.requests + s.peer_lookups.requests),
            dialled: delta(|s| s.dialled),
            describe_dials: delta(|s| s.describe_dials),
            peer_lookups: delta(|s| s.peer_lookups.queries),
            bootstrap: delta(|s| s.bootstraps.requests),
        }
    }

    fn mean(costs: &[Self]) -> Self {
        let n = costs.len().max(1) as f64;
        let sum = |f: fn(&Self) -> f64| costs.iter().map(f).sum::<f64>() / n;
        Self {
            requests: sum(|c| c.requests),
            dialled: sum(|c| c.dialled),
            describe_dials: sum(|c| c.describe_dials),
            peer_lookups: sum(|c| c.peer_lookups),
            bootstrap: sum(|c| c.bootstrap),
        }
    }

    fn line(&self) -> String {
        format!(
            "{:.1} Kademlia requests, {:.1} peer lookups, {:.1} dials ({:.1} for describe); \
             its bootstrap meanwhile {:.1} requests",
            self.requests, self.peer_lookups, self.dialled, self.describe_dials, self.bootstrap
        )
    }

    fn json(&self) -> Value {
        json!({
            "kad_requests": self.requests, "peer_lookups": self.peer_lookups,
            "dials": self.dialled, "describe_dials": self.describe_dials,
            "bootstrap_requests": self.bootstrap,
        })
    }
}

/// The first lookup of a fresh agent whose lookups end at `quorum`, then [`LOOKUPS`] more
/// spread over the mesh; with what each cost.
async fn lookups(
    mesh: &LocalMesh,
    specs: &[NodeSpec],
    quorum: u32,
) -> anyhow::Result<(std::time::Duration, Samples, Vec<Cost>)> {
    let config = nmp_net::Config {
        bootstrap: vec![mesh.bootstrap_addr(Transport::Tcp).await?],
        lookup_quorum: usize::try_from(quorum)?,
        ..nmp_net::Config::default()
    };
    let agent = NmpClient::builder()
        .mesh_config(config)
        .connect()
        .await
        .context("the agent could not join the mesh")?;
    let mut times = Vec::new();
    let mut costs = Vec::new();
    let mut before = agent.mesh().stats().await?;
    for i in 0..=LOOKUPS {
        // Step through the nodes with a stride co-prime to most sizes, last node first.
        let index = (specs.len() - 1 + i * 7) % specs.len();
        let started = Instant::now();
        let found = agent
            .discover(&specs[index].capability)
            .await
            .context("lookup failed")?;
        times.push(started.elapsed());
        let after = agent.mesh().stats().await?;
        costs.push(Cost::between(&before, &after));
        before = after;
        ensure!(
            found.providers.len() == 1 && found.providers[0].peer == mesh.nodes()[index].peer_id(),
            "lookup of {} found {} providers",
            specs[index].capability,
            found.providers.len()
        );
    }
    let first = times.remove(0);
    Ok((first, Samples::new(times), costs))
}
