//! `nmp bench-agents` (hidden): one agent process of the multi-process throughput suite
//! (`nmp bench --agents-procs N`). The parent starts it; nobody else should.
//!
//! The exchange with the parent, one line each on stdout and stdin: the worker joins the mesh
//! through `--bootstrap`, finds `--node` (over the mesh, or at `--grpc`), sends one warm-up
//! request per agent, prints `ready`;
//! waits for a line on stdin (end of input, the parent gone, ends it); runs `--requests`
//! requests with `--concurrency` workers; prints one JSON line (`completed`, `refused`, the
//! latencies in microseconds) and exits.

use std::{
    io::{BufRead as _, Write as _},
    time::Duration,
};

use anyhow::{Context as _, ensure};
use nmp_client::{Logic, Multiaddr, NmpClient, PeerId};
use serde_json::json;

use super::{CAPABILITY, KIB, latency::check, procs::Route, throughput::load_with};

/// Arguments of `nmp bench-agents`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The bootstrap peer's address, ending in `/p2p/<peer id>`.
    #[arg(long, value_name = "ADDR")]
    bootstrap: Multiaddr,
    /// The Data Node to load.
    #[arg(long, value_name = "PEERID")]
    node: PeerId,
    /// Requests in flight at once from this process.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    concurrency: u32,
    /// Requests this process sends after the start signal.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    requests: u32,
    /// The path the requests take.
    #[arg(long, value_enum)]
    path: Route,
    /// The node's gRPC endpoint (`http://IP:PORT`), for the gRPC paths.
    #[arg(long, value_name = "URL")]
    grpc: Option<String>,
}

/// The line a worker prints once its agents are connected and warmed up.
pub(super) const READY: &str = "ready";

pub(crate) fn run(args: &Args) -> anyhow::Result<crate::exit::Status> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(args))?;
    Ok(crate::exit::Status::Ok)
}

async fn serve(args: &Args) -> anyhow::Result<()> {
    let per_agent = u32::try_from(nmp_net::Config::default().max_logic_streams_per_peer)
        .unwrap_or(u32::MAX)
        .max(1);
    let logic = Logic::new(CAPABILITY, KIB);
    let (mut agents, mut nodes) = (Vec::new(), Vec::new());
    for _ in 0..args.concurrency.div_ceil(per_agent) {
        let agent = NmpClient::builder()
            .bootstrap(args.bootstrap.clone())
            .query_timeout(Duration::from_secs(30))
            .connect()
            .await
            .context("an agent could not join the mesh")?;
        if args.path == Route::Mesh {
            find(&agent, args.node).await?;
            check(&agent.execute(args.node, &logic).await?)?;
        } else {
            let endpoint = args.grpc.as_deref().context("a gRPC path needs --grpc")?;
            let mut node = agent.connect_grpc(endpoint, Some(args.node)).await?;
            if args.path == Route::GrpcEnvelope {
                node = node.without_sessions();
            }
            check(&node.execute(&logic).await?)?;
            nodes.push(node);
        }
        agents.push(agent);
    }
    println!("{READY}");
    std::io::stdout().flush().context("stdout")?;
    let mut go = String::new();
    let read = tokio::task::spawn_blocking(move || std::io::stdin().lock().read_line(&mut go));
    let started = read.await.context("stdin")?.context("stdin")?;
    ensure!(started > 0, "the parent went away before the start");
    let peer = args.node;
    let call = move |worker: u32| {
        let i = worker as usize % agents.len();
        let (agent, node, logic) = (agents[i].clone(), nodes.get(i).cloned(), logic.clone());
        async move {
            match node {
                Some(node) => node.execute(&logic).await,
                None => agent.execute(peer, &logic).await,
            }
        }
    };
    let (_, samples, refused) = load_with(args.concurrency, args.requests, call).await?;
    let latencies_us: Vec<u64> = samples
        .as_slice()
        .iter()
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .collect();
    let line = json!({ "refused": refused, "latencies_us": latencies_us });
    println!("{line}");
    std::io::stdout().flush().context("stdout")?;
    Ok(())
}

/// Looks `node` up (for up to 10 s) until the lookup finds it.
async fn find(agent: &NmpClient, node: PeerId) -> anyhow::Result<()> {
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let found = agent.discover(CAPABILITY).await.context("lookup failed")?;
        if found.providers.iter().any(|p| p.peer == node) {
            return Ok(());
        }
        ensure!(
            tokio::time::Instant::now() < until,
            "the node was not found"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
