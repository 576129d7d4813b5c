//! `nmp-soak`: one agent process of the soak harness (`scripts/soak.sh`).
//!
//! It connects to one Data Node over TCP, QUIC and WebSocket (one mesh client each, dialled at
//! the node's own address) and over gRPC, then sends requests one after another until its time
//! is up, cycling through five kinds of module (honest, egress-blocked, Guardian-rejected by the
//! node, trapping, timing out) and the four transports. It prints one JSON line per request
//! (`agent`, `seq`, `transport`, `module`, `result`, `outcome` or `kind`, `ms`) and a final
//! `{"agent":…,"done":N}` line, so the harness can check that every request was answered
//! exactly once: `answered` means a receipt that verified (the client returns an answer only
//! then), `refused` a typed refusal, `failed` anything else.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use nmp_client::{ErrorKind, GrpcNode, Logic, NmpClient, PeerId, outcome_name};
use serde_json::json;

/// One soak agent.
#[derive(Debug, Parser)]
struct Args {
    /// This agent's number, echoed in every line.
    #[arg(long)]
    agent: u32,
    /// The node's PeerId.
    #[arg(long)]
    node: PeerId,
    /// The node's TCP, QUIC and WebSocket multiaddrs (each ending in `/p2p/<peer>`).
    #[arg(long, num_args = 3)]
    mesh: Vec<String>,
    /// The node's gRPC endpoint (`http://127.0.0.1:PORT`).
    #[arg(long)]
    grpc: String,
    /// The capability the node serves.
    #[arg(long)]
    capability: String,
    /// The directory of the bundled example modules (`examples/logic`).
    #[arg(long)]
    modules: PathBuf,
    /// How long to keep sending, in seconds.
    #[arg(long)]
    seconds: u64,
}

/// A module the node's Guardian (max_exports = 4 in the soak's node) rejects but the default
/// pre-flight policy accepts: five exports.
const REJECTED_BY_NODE: &str = r#"(module (memory (export "memory") 1)
  (func (export "_start")) (func (export "a")) (func (export "b")) (func (export "c")))"#;
/// A module that traps at once.
const TRAPPING: &str =
    r#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#;

fn workload(args: &Args) -> anyhow::Result<Vec<(&'static str, Logic)>> {
    let file = |path: &str| -> anyhow::Result<Arc<[u8]>> {
        let bytes = std::fs::read(args.modules.join(path)).with_context(|| path.to_owned())?;
        Ok(bytes.into())
    };
    let text = |wat: &str| -> anyhow::Result<Arc<[u8]>> { Ok(wat::parse_str(wat)?.into()) };
    let cap = &args.capability;
    Ok(vec![
        ("honest", Logic::new(cap.clone(), file("c/aggregate.wasm")?)),
        (
            "egress_blocked",
            Logic::new(cap.clone(), file("c/exfiltrate.wasm")?),
        ),
        (
            "guardian_rejected",
            Logic::new(cap.clone(), text(REJECTED_BY_NODE)?),
        ),
        ("trapping", Logic::new(cap.clone(), text(TRAPPING)?)),
        (
            "timing_out",
            Logic::new(cap.clone(), file("wat/spin.wasm")?),
        ),
    ])
}

async fn client(addr: Option<&str>) -> anyhow::Result<NmpClient> {
    let mut builder = NmpClient::builder()
        .request_timeout(Duration::from_secs(30))
        .execute_timeout(Duration::from_secs(60));
    if let Some(addr) = addr {
        builder = builder.bootstrap(addr.parse()?);
    }
    Ok(builder.connect().await?)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let modules = workload(&args)?;
    let mut meshes = Vec::new();
    for (name, addr) in ["tcp", "quic", "ws"].into_iter().zip(&args.mesh) {
        meshes.push((
            name,
            client(Some(addr))
                .await
                .with_context(|| format!("{name} agent"))?,
        ));
    }
    let grpc_agent = client(None).await?;
    let grpc: GrpcNode = grpc_agent.connect_grpc(&args.grpc, Some(args.node)).await?;
    let until = Instant::now() + Duration::from_secs(args.seconds);
    let mut seq: u64 = 0;
    while Instant::now() < until {
        let (module, logic) = &modules[(seq as usize / 4 + args.agent as usize) % modules.len()];
        let transport = ["tcp", "quic", "ws", "grpc"][seq as usize % 4];
        let started = Instant::now();
        let result = match meshes.iter().find(|(name, _)| *name == transport) {
            Some((_, agent)) => agent.execute(args.node, logic).await,
            None => grpc.execute(logic).await,
        };
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let line = match result {
            Ok(answer) => json!({"result": "answered", "outcome": outcome_name(answer.outcome)}),
            Err(err) => {
                let typed = matches!(err.kind(), ErrorKind::Rejected | ErrorKind::Refused);
                let result = if typed { "refused" } else { "failed" };
                json!({"result": result, "kind": err.kind().as_str(), "error": err.chain()})
            }
        };
        let mut line = line;
        line["agent"] = json!(args.agent);
        line["seq"] = json!(seq);
        line["transport"] = json!(transport);
        line["module"] = json!(module);
        line["ms"] = json!(ms);
        println!("{line}");
        seq += 1;
    }
    println!("{}", json!({"agent": args.agent, "done": seq}));
    Ok(())
}
