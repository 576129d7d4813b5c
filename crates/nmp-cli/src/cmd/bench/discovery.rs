//! The discovery suite: meshes of N Data Nodes, each announcing its own capability, started
//! from one bootstrap peer; a fresh agent then finds and describes nodes through the DHT (a
//! provider lookup, a dial, a signed capability document fetched and verified).

use std::{path::Path, time::Instant};

use anyhow::{Context as _, ensure};
use serde_json::{Value, json};

use super::{
    latency::tiny_dataset,
    stats::{Samples, ms},
};
use crate::local::{LocalMesh, NodeSpec, Transport};

/// Lookups timed per mesh after the first.
const LOOKUPS: usize = 20;

pub(super) async fn run(dir: &Path, sizes: &[u32]) -> anyhow::Result<Value> {
    println!("discovery: each node announces its own capability; a fresh agent looks them up");
    println!(
        "  {:>5} {:>9} {:>14} {:>11} {:>11}",
        "nodes", "start s", "first lookup", "p50 ms", "p99 ms"
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
        let result = lookups(&mesh, &specs).await;
        mesh.shutdown().await;
        let (first, samples) = result?;
        println!(
            "  {size:>5} {:>9.2} {:>11.1} ms {:>11.1} {:>11.1}",
            start.as_secs_f64(),
            ms(first),
            ms(samples.percentile(50.0)),
            ms(samples.percentile(99.0))
        );
        rows.push(json!({
            "nodes": size, "start_s": start.as_secs_f64(), "first_lookup_ms": ms(first),
            "lookups": samples.json(),
        }));
    }
    println!();
    Ok(Value::Array(rows))
}

/// The first lookup of a fresh agent, then [`LOOKUPS`] more spread over the mesh.
async fn lookups(
    mesh: &LocalMesh,
    specs: &[NodeSpec],
) -> anyhow::Result<(std::time::Duration, Samples)> {
    let agent = mesh.agent(Transport::Tcp).await?;
    let mut times = Vec::new();
    for i in 0..=LOOKUPS {
        // Step through the nodes with a stride co-prime to most sizes, last node first.
        let index = (specs.len() - 1 + i * 7) % specs.len();
        let started = Instant::now();
        let found = agent
            .discover(&specs[index].capability)
            .await
            .context("lookup failed")?;
        times.push(started.elapsed());
        ensure!(
            found.providers.len() == 1 && found.providers[0].peer == mesh.nodes()[index].peer_id(),
            "lookup of {} found {} providers",
            specs[index].capability,
            found.providers.len()
        );
    }
    let first = times.remove(0);
    Ok((first, Samples::new(times)))
}
