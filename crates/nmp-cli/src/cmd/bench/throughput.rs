//! The throughput suite: requests per second for the 1 KiB benchmark guest at each
//! concurrency level, against one Data Node over TCP. A node admits at most
//! `max_logic_streams_per_peer` concurrent streams from one agent, so each level uses as many
//! agents as it needs, the way many agents load a real node. With `--agents-procs N` the agents
//! run in `N` other processes ([`super::procs`]) and each row adds the node's CPU time per job.

use std::{
    future::Future,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context as _, ensure};
use futures::future::try_join_all;
use nmp_client::{Answer, Logic, NmpClient, PeerId};
use serde_json::{Value, json};

use super::{
    CAPABILITY, KIB,
    latency::tiny_dataset,
    open_policy,
    procs::{Route, Target},
    stats::{Samples, ms},
};
use crate::local::{LocalMesh, NodeSpec, Transport};

pub(super) async fn run(
    dir: &Path,
    levels: &[u32],
    requests: Option<u32>,
    procs: Option<(u32, &[Route])>,
) -> anyhow::Result<Value> {
    let dir = dir.join("throughput");
    let spec = NodeSpec {
        name: "node".to_owned(),
        capability: CAPABILITY.to_owned(),
        data: tiny_dataset(&dir)?,
        transport: Transport::Tcp,
        restricted: Vec::new(),
        dataset: toml::Table::new(),
        policy: open_policy(),
        sections: procs.map_or_else(toml::Table::new, |_| one_origin()),
        grpc: procs.is_some(),
    };
    let mesh = LocalMesh::start(&dir, &[spec]).await?;
    let result = match procs {
        Some(procs) => measure_procs(&mesh, levels, requests, procs).await,
        None => measure_levels(&mesh, levels, requests).await,
    };
    mesh.shutdown().await;
    result
}

/// The `[inbound]` table of a node whose agents all connect from 127.0.0.1, in many processes:
/// one origin may hold any number of connections.
fn one_origin() -> toml::Table {
    let inbound = toml::toml! { max_connections_per_origin = 1_000_000 };
    toml::Table::from_iter([("inbound".to_owned(), inbound.into())])
}

/// [`measure_levels`] with the agents in `procs` other processes, along each of `paths` in
/// turn at each level, with the node's CPU time.
async fn measure_procs(
    mesh: &LocalMesh,
    levels: &[u32],
    requests: Option<u32>,
    (procs, paths): (u32, &[Route]),
) -> anyhow::Result<Value> {
    let node = &mesh.nodes()[0];
    let bootstrap = mesh.bootstrap_addr(Transport::Tcp).await?;
    let grpc = format!(
        "http://{}",
        node.grpc_addr().context("the node serves gRPC")?
    );
    println!(
        "throughput: 1 KiB result, cached module, one Data Node on TCP, agents in up to {procs} other processes"
    );
    println!(
        "  {:>11} {:<13} {:>5} {:>9} {:>8} {:>9} {:>9} {:>7} {:>12}",
        "concurrency",
        "path",
        "procs",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "refused",
        "node CPU ms/job"
    );
    let mut rows = Vec::new();
    for &level in levels {
        let total = requests.unwrap_or_else(|| (level * 4).max(500));
        for &path in paths {
            let (bootstrap, grpc, peer) = (bootstrap.clone(), grpc.clone(), node.peer_id());
            let run = tokio::task::spawn_blocking(move || {
                let target = Target {
                    bootstrap: &bootstrap,
                    node: peer,
                    grpc: &grpc,
                };
                super::procs::load(&target, path, procs, level, total)
            })
            .await
            .context("the load generator panicked")??;
            super::procs::row(level, path, total, &run);
            let rate = run.samples.len() as f64 / run.elapsed.as_secs_f64();
            let mut row = json!({
                "concurrency": level, "path": path.name(), "requests": total,
                "refused": run.refused, "requests_per_second": rate.round(),
                "latency": run.samples.json(),
            });
            if let (Value::Object(row), Value::Object(extra)) = (&mut row, run.json()) {
                row.extend(extra);
            }
            rows.push(row);
        }
    }
    println!();
    Ok(Value::Array(rows))
}

async fn measure_levels(
    mesh: &LocalMesh,
    levels: &[u32],
    requests: Option<u32>,
) -> anyhow::Result<Value> {
    let node = mesh.nodes()[0].peer_id();
    let per_agent = u32::try_from(nmp_net::Config::default().max_logic_streams_per_peer)
        .unwrap_or(u32::MAX)
        .max(1);
    println!("throughput: 1 KiB result, cached module, one Data Node over TCP");
    println!(
        "  {:>11} {:>7} {:>9} {:>10} {:>9} {:>9} {:>8}",
        "concurrency", "agents", "requests", "req/s", "p50 ms", "p99 ms", "refused"
    );
    let mut rows = Vec::new();
    let mut agents: Vec<NmpClient> = Vec::new();
    for &level in levels {
        let needed = level.div_ceil(per_agent) as usize;
        while agents.len() < needed {
            let agent = mesh.agent(Transport::Tcp).await?;
            let found = mesh.discover(&agent, CAPABILITY).await?;
            ensure!(found.providers.len() == 1, "an agent did not find the node");
            agents.push(agent);
        }
        let total = requests.unwrap_or_else(|| (level * 4).max(500));
        let (elapsed, samples, refused) = load(&agents[..needed], node, level, total).await?;
        let completed = u32::try_from(samples.len()).unwrap_or(u32::MAX);
        let rate = f64::from(completed) / elapsed.as_secs_f64();
        println!(
            "  {level:>11} {needed:>7} {total:>9} {rate:>10.0} {:>9.3} {:>9.3} {refused:>8}",
            ms(samples.percentile(50.0)),
            ms(samples.percentile(99.0))
        );
        rows.push(json!({
            "concurrency": level, "agents": needed, "requests": total, "refused": refused,
            "requests_per_second": rate.round(), "latency": samples.json(),
        }));
    }
    println!();
    Ok(Value::Array(rows))
}

/// Runs `total` requests with `level` workers spread over `agents`; returns the wall time, the
/// latency of every completed request, and how many the node still refused as `OVERLOADED`
/// after the client's own retries (a saturated node's answer, counted, not an error).
async fn load(
    agents: &[NmpClient],
    node: PeerId,
    level: u32,
    total: u32,
) -> anyhow::Result<(Duration, Samples, u32)> {
    let logic = Logic::new(CAPABILITY, KIB);
    let agents = agents.to_vec();
    let call = move |worker: u32| {
        let agent = agents[worker as usize % agents.len()].clone();
        let logic = logic.clone();
        async move { agent.execute(node, &logic).await }
    };
    load_with(level, total, call).await
}

/// Runs `total` requests with `level` workers, worker `w` sending each of its requests with
/// `call(w)`; returns what [`load`] does.
pub(super) async fn load_with<F, Fut>(
    level: u32,
    total: u32,
    call: F,
) -> anyhow::Result<(Duration, Samples, u32)>
where
    F: Fn(u32) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Answer, nmp_client::Error>> + Send + 'static,
{
    let call = Arc::new(call);
    let next = Arc::new(AtomicU32::new(0));
    let started = Instant::now();
    let workers = (0..level).map(|worker| {
        let (call, next) = (Arc::clone(&call), Arc::clone(&next));
        tokio::spawn(async move {
            let (mut latencies, mut refused) = (Vec::new(), 0u32);
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let sent = Instant::now();
                let answer = match call(worker).await {
                    Err(nmp_client::Error::Node {
                        code: nmp_wire::pb::ErrorCode::Overloaded,
                        ..
                    }) => {
                        refused += 1;
                        continue;
                    }
                    answer => answer?,
                };
                ensure!(
                    answer.is_completed(),
                    "unexpected outcome {:?}",
                    answer.outcome
                );
                latencies.push(sent.elapsed());
            }
            anyhow::Ok((latencies, refused))
        })
    });
    let results = try_join_all(workers)
        .await
        .context("a load worker panicked")?;
    let elapsed = started.elapsed();
    let (mut all, mut refused) = (Vec::with_capacity(total as usize), 0);
    for worker in results {
        let (latencies, worker_refused) = worker.context("a benchmark request failed")?;
        all.extend(latencies);
        refused += worker_refused;
    }
    Ok((elapsed, Samples::new(all), refused))
}
