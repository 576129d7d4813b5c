//! `nmp bench`: the end-to-end load tool. Starts Data Nodes and agents in this process on
//! 127.0.0.1 and measures what a user of the mesh feels: the latency of one request through the
//! whole pipeline (over TCP, QUIC and gRPC, beside the same job run in-process with no network),
//! throughput under concurrent load, discovery time in meshes of several sizes, and what the
//! node's protective bounds cost an honest request. With `--agents-procs N` the throughput
//! suite's agents run in `N` child processes of this executable (`nmp bench-agents`) and each
//! row adds the node's CPU time per job.

mod bare;
mod bounds;
mod discovery;
mod latency;
mod procs;
mod stats;
mod throughput;
mod worker;

pub(crate) use worker::{Args as WorkerArgs, run as run_worker};

use std::path::PathBuf;

use anyhow::Context as _;
use clap::ValueEnum;
use serde_json::{Value, json};

use crate::exit::Status;

/// The benchmark guest: 1 KiB of JSON out, nothing in.
const KIB: &[u8] = include_bytes!("../../../../examples/logic/wat/kib.wasm");
/// The capability the benchmark nodes serve.
const CAPABILITY: &str = "bench/kib";
/// The node policy that keeps admission control out of the measurement: the rate limits and
/// the queue are far above what the suites send, and there is no daily budget.
fn open_policy() -> toml::Table {
    toml::toml! {
        rate_limit_per_minute = 100_000_000
        origin_rate_limit_per_minute = "off"
        budget_per_day = "off"
        max_queued_jobs = 8192
    }
}

/// Arguments of `nmp bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The suites to run, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "latency,throughput,discovery"
    )]
    suites: Vec<Suite>,
    /// Sequential requests per transport in the latency suite, and per path, node and round in
    /// the bounds suite (after 20 warm-up requests).
    #[arg(long, value_name = "N", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(10..=1_000_000))]
    requests: u32,
    /// Concurrency levels of the throughput suite, comma-separated.
    #[arg(long, value_name = "N,...", value_delimiter = ',', default_value = "1,64,1024",
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    concurrency: Vec<u32>,
    /// Requests per throughput level [default: 4 per concurrent slot, at least 500].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    throughput_requests: Option<u32>,
    /// Runs the throughput suite's agents in this many other processes (this process then
    /// holds only the node and the bootstrap peer) and reports the node's CPU time per job.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    agents_procs: Option<u32>,
    /// With `--agents-procs`, the paths the agents' requests take, comma-separated; each level
    /// runs each path in turn.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "mesh")]
    agents_paths: Vec<procs::Route>,
    /// Mesh sizes (Data Nodes) of the discovery suite, comma-separated.
    #[arg(long, value_name = "N,...", value_delimiter = ',', default_value = "10,50",
          value_parser = clap::value_parser!(u32).range(2..=200))]
    nodes: Vec<u32>,
    /// Lookup quorums of the discovery suite's agents (`nmp_net::Config::lookup_quorum`; 0 runs
    /// each lookup to the end of its Kademlia query), one fresh agent each, in this order, in
    /// every mesh.
    #[arg(long, value_name = "N,...", value_delimiter = ',', default_value = "3",
          value_parser = clap::value_parser!(u32).range(0..=20))]
    lookup_quorum: Vec<u32>,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// One measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Suite {
    /// p50/p99 of sequential requests over TCP, QUIC and gRPC, and in-process.
    Latency,
    /// Requests per second at each concurrency level, over TCP (with `--agents-procs`, the
    /// node's CPU time per job too).
    Throughput,
    /// Time to find and describe a node in meshes of each size.
    Discovery,
    /// p50/p99 of honest requests to a node with its default bounds and to one without,
    /// alternating, cached and cold-compiled (`--requests` per path, node and round).
    Bounds,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<Status> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let mut results = serde_json::Map::new();
    println!(
        "nmp bench: {} build, {} cores, everything on 127.0.0.1 in this process\n",
        if cfg!(debug_assertions) {
            "DEBUG (figures are not representative)"
        } else {
            "release"
        },
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    for suite in &args.suites {
        let value: Value = match suite {
            Suite::Latency => runtime.block_on(latency::run(dir.path(), args.requests))?,
            Suite::Throughput => runtime.block_on(throughput::run(
                dir.path(),
                &args.concurrency,
                args.throughput_requests,
                args.agents_procs.map(|n| (n, args.agents_paths.as_slice())),
            ))?,
            Suite::Discovery => {
                runtime.block_on(discovery::run(dir.path(), &args.nodes, &args.lookup_quorum))?
            }
            Suite::Bounds => runtime.block_on(bounds::run(dir.path(), args.requests))?,
        };
        let name = suite
            .to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_owned());
        results.insert(name, value);
    }
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&json!(results)).context("encoding JSON")?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(Status::Ok)
}
