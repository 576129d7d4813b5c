//! The latency suite: one agent, sequential requests for the 1 KiB benchmark guest, through the
//! whole pipeline (envelope, Guardian, cached instantiate, egress, receipt, sealed answer) over
//! TCP, QUIC and gRPC (per-request envelope and sealed session); beside the same job run
//! in-process (Guardian, sandbox and egress with no envelope, receipt or network) and a bare
//! tonic unary call carrying the same bytes.

use std::{
    future::Future,
    path::Path,
    time::{Duration, Instant},
};

use anyhow::{Context as _, ensure};
use nmp_client::{Answer, Logic};
use nmp_node::{Dataset, Job, Pipeline, PipelineConfig};
use serde_json::{Value, json};

use super::{
    CAPABILITY, KIB, bare, open_policy,
    stats::{Samples, ms},
};
use crate::local::{LocalMesh, NodeSpec, Transport};

/// Requests before measuring, so every module is compiled and cached and every connection open.
const WARM_UP: u32 = 20;

pub(super) async fn run(dir: &Path, requests: u32) -> anyhow::Result<Value> {
    let dir = dir.join("latency");
    let data = tiny_dataset(&dir)?;
    let spec = |name: &str, transport, grpc| NodeSpec {
        name: name.to_owned(),
        capability: CAPABILITY.to_owned(),
        data: data.clone(),
        transport,
        restricted: Vec::new(),
        dataset: toml::Table::new(),
        policy: open_policy(),
        sections: toml::Table::new(),
        grpc,
    };
    let mesh = LocalMesh::start(
        &dir,
        &[
            spec("tcp", Transport::Tcp, true),
            spec("quic", Transport::Quic, false),
        ],
    )
    .await?;
    let result = measure_all(&mesh, &data, requests).await;
    mesh.shutdown().await;
    result
}

async fn measure_all(mesh: &LocalMesh, data: &Path, requests: u32) -> anyhow::Result<Value> {
    let agent = mesh.agent(Transport::Tcp).await?;
    let logic = Logic::new(CAPABILITY, KIB);
    let found = mesh.discover(&agent, CAPABILITY).await?;
    ensure!(
        found.providers.len() == 2,
        "found {} of 2 nodes",
        found.providers.len()
    );
    let [tcp, quic] = [&mesh.nodes()[0], &mesh.nodes()[1]];
    println!("latency: {requests} sequential requests per path, 1 KiB result, cached module");
    println!(
        "  {:<34} {:>9} {:>9} {:>9}",
        "path", "p50 ms", "p99 ms", "mean ms"
    );
    let tcp_samples = measure(requests, || agent.execute(tcp.peer_id(), &logic)).await?;
    row("mesh over TCP (full pipeline)", &tcp_samples);
    let quic_samples = measure(requests, || agent.execute(quic.peer_id(), &logic)).await?;
    row("mesh over QUIC (full pipeline)", &quic_samples);
    let endpoint = format!(
        "http://{}",
        tcp.grpc_addr().context("the TCP node serves gRPC")?
    );
    let grpc = agent.connect_grpc(&endpoint, Some(tcp.peer_id())).await?;
    let enveloped = grpc.clone().without_sessions();
    let grpc_samples = measure(requests, || enveloped.execute(&logic)).await?;
    row("gRPC, envelope (full pipeline)", &grpc_samples);
    let session_samples = measure(requests, || grpc.execute(&logic)).await?;
    row("gRPC, session (full pipeline)", &session_samples);
    let sizes = bare::sizes(&grpc.execute(&logic).await?, &logic);
    let bare_samples = bare::measure(sizes, WARM_UP, requests).await?;
    row("bare tonic unary, same bytes", &bare_samples);
    let data = data.to_path_buf();
    let local = tokio::task::spawn_blocking(move || in_process(&data, requests))
        .await
        .context("the in-process run panicked")??;
    row("in-process pipeline, no network", &local);
    let ratio = |s: &Samples| {
        s.percentile(50.0).as_secs_f64() / local.percentile(50.0).as_secs_f64().max(1e-9)
    };
    println!(
        "  p50 over the in-process pipeline: TCP {:.1}x, QUIC {:.1}x, gRPC {:.1}x, gRPC in a session {:.1}x",
        ratio(&tcp_samples),
        ratio(&quic_samples),
        ratio(&grpc_samples),
        ratio(&session_samples)
    );
    let over_bare = |s: &Samples, p: f64| {
        s.percentile(p).as_secs_f64() / bare_samples.percentile(p).as_secs_f64().max(1e-9)
    };
    println!(
        "  over bare tonic ({} B in, {} B out), p50 / p99: session {:.1}x / {:.1}x, envelope {:.1}x / {:.1}x\n",
        sizes.0,
        sizes.1,
        over_bare(&session_samples, 50.0),
        over_bare(&session_samples, 99.0),
        over_bare(&grpc_samples, 50.0),
        over_bare(&grpc_samples, 99.0),
    );
    Ok(json!({
        "requests": requests,
        "tcp": tcp_samples.json(),
        "quic": quic_samples.json(),
        "grpc": grpc_samples.json(),
        "grpc_session": session_samples.json(),
        "bare_tonic_unary": bare_samples.json(),
        "bare_bytes": { "request": sizes.0, "response": sizes.1 },
        "in_process": local.json(),
    }))
}

fn row(label: &str, samples: &Samples) {
    println!(
        "  {label:<34} {:>9.3} {:>9.3} {:>9.3}",
        ms(samples.percentile(50.0)),
        ms(samples.percentile(99.0)),
        ms(samples.mean())
    );
}

/// Times `requests` sequential calls of `call` after [`WARM_UP`] unmeasured ones; every answer
/// must be a completed, verified 1 KiB result.
async fn measure<F, Fut>(requests: u32, call: F) -> anyhow::Result<Samples>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Answer, nmp_client::Error>>,
{
    let mut samples = Vec::with_capacity(requests as usize);
    for i in 0..WARM_UP + requests {
        let started = Instant::now();
        let answer = call().await.context("a benchmark request failed")?;
        let took = started.elapsed();
        check(&answer)?;
        if i >= WARM_UP {
            samples.push(took);
        }
    }
    Ok(Samples::new(samples))
}

/// Fails unless `answer` is a completed, verified 1 KiB result.
pub(super) fn check(answer: &Answer) -> anyhow::Result<()> {
    ensure!(
        answer.is_completed() && answer.output.len() == 1024,
        "unexpected answer {:?}",
        answer.outcome
    );
    Ok(())
}

/// The same job through `Pipeline::execute` in this thread.
fn in_process(data: &Path, requests: u32) -> anyhow::Result<Samples> {
    let pipeline =
        Pipeline::new(&PipelineConfig::default()).context("cannot build the pipeline")?;
    let datasets = [Dataset::new("bench", data).context("the benchmark dataset")?];
    let mut samples: Vec<Duration> = Vec::with_capacity(requests as usize);
    for i in 0..WARM_UP + requests {
        let started = Instant::now();
        let execution = pipeline
            .execute(Job {
                wasm: KIB,
                input: &[],
                datasets: &datasets,
                limits: None,
            })
            .context("the in-process pipeline failed")?;
        let took = started.elapsed();
        ensure!(
            execution.stdout().is_some_and(|out| out.len() == 1024),
            "unexpected in-process result"
        );
        if i >= WARM_UP {
            samples.push(took);
        }
    }
    Ok(Samples::new(samples))
}

/// A one-row CSV dataset: the benchmark guest reads nothing, but a node serves one dataset.
pub(super) fn tiny_dataset(dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).with_context(|| format!("cannot create {}", data.display()))?;
    std::fs::write(data.join("bench.csv"), "id,value\n1,2\n")
        .context("cannot write the dataset")?;
    Ok(data)
}
