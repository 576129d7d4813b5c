//! The throughput suite with its agents in other processes (`--agents-procs N`): this process
//! runs the Data Node (and the idle bootstrap peer); `N` child processes of this executable
//! (`nmp bench-agents`, see [`super::worker`]) each hold their share of the agents and the
//! concurrency. The node's CPU time per job is this process's user + system time between the
//! start signal and the last result, over the jobs completed: the figure that does not depend
//! on how busy the shared machine is.

use std::{
    io::{BufRead as _, BufReader, Write as _},
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail, ensure};
use nmp_client::{Multiaddr, PeerId};
use serde_json::{Value, json};

use super::{
    stats::{Samples, ms},
    worker::READY,
};

/// The path the agent processes' requests take to the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Route {
    /// `/nmp/logic/1` over TCP, a per-request envelope each.
    Mesh,
    /// gRPC (`GrpcNode`) in a sealed session.
    GrpcSession,
    /// gRPC with a per-request envelope each (`GrpcNode::without_sessions`).
    GrpcEnvelope,
}

impl Route {
    /// Its name on the command line.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Mesh => "mesh",
            Self::GrpcSession => "grpc-session",
            Self::GrpcEnvelope => "grpc-envelope",
        }
    }
}

/// Where the agent processes find the node: the bootstrap peer, the node, and its gRPC
/// endpoint.
pub(super) struct Target<'a> {
    /// The bootstrap peer's address, ending in `/p2p/<peer id>`.
    pub(super) bootstrap: &'a Multiaddr,
    /// The Data Node.
    pub(super) node: PeerId,
    /// The node's gRPC endpoint, `http://IP:PORT`.
    pub(super) grpc: &'a str,
}

/// One level's run: how it was spread and what it measured.
pub(super) struct Run {
    /// Agent processes used (at most one per concurrent request).
    pub(super) procs: u32,
    /// Wall time from the start signal to the last result.
    pub(super) elapsed: Duration,
    /// Every completed request's latency.
    pub(super) samples: Samples,
    /// Requests the node still refused as `OVERLOADED` after the SDK's retries.
    pub(super) refused: u64,
    /// This process's (the node's) CPU time over the same interval, when the platform says.
    pub(super) node_cpu: Option<Duration>,
    /// The agent processes' CPU time, start-up and warm-up included, when the platform says.
    pub(super) agents_cpu: Option<Duration>,
}

impl Run {
    /// The row's JSON figures beside the common ones.
    pub(super) fn json(&self) -> Value {
        let per_job = |cpu: Option<Duration>| {
            let jobs = self.samples.len().max(1) as f64;
            cpu.map(|c| (c.as_secs_f64() * 1e6 / jobs * 10.0).round() / 10.0)
        };
        json!({
            "agent_processes": self.procs,
            "node_cpu_us_per_job": per_job(self.node_cpu),
            "agents_cpu_us_per_job": per_job(self.agents_cpu),
        })
    }

    /// The node's CPU time per completed job in milliseconds, or `-` when unknown.
    pub(super) fn node_ms_per_job(&self) -> String {
        let jobs = self.samples.len().max(1) as f64;
        self.node_cpu.map_or_else(
            || "-".to_owned(),
            |c| format!("{:.3}", c.as_secs_f64() * 1e3 / jobs),
        )
    }
}

/// Runs `total` requests at `level` concurrent ones from up to `procs` agent processes along
/// `path` to `target`.
pub(super) fn load(
    target: &Target<'_>,
    path: Route,
    procs: u32,
    level: u32,
    total: u32,
) -> anyhow::Result<Run> {
    let procs = procs.min(level).min(total).max(1);
    let share = |n: u32, i: u32| n / procs + u32::from(i < n % procs);
    let exe = std::env::current_exe().context("cannot find this executable")?;
    let mut workers = Workers(Vec::new());
    let agents_before = cpu(Whose::Children);
    for i in 0..procs {
        let mut child = Command::new(&exe)
            .arg("bench-agents")
            .args(["--bootstrap", &target.bootstrap.to_string()])
            .args(["--node", &target.node.to_string()])
            .args(["--path", path.name(), "--grpc", target.grpc])
            .args(["--concurrency", &share(level, i).to_string()])
            .args(["--requests", &share(total, i).to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start an agent process")?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            bail!("an agent process has no pipes");
        };
        workers.0.push(Worker {
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
        });
    }
    for worker in &mut workers.0 {
        let line = worker.line()?;
        ensure!(line.trim() == READY, "an agent process said {line:?}");
    }
    let node_before = cpu(Whose::Node);
    let started = Instant::now();
    for worker in &mut workers.0 {
        let mut stdin = worker
            .stdin
            .take()
            .context("an agent process lost its stdin")?;
        stdin
            .write_all(b"go\n")
            .context("cannot start an agent process")?;
    }
    let lines = workers
        .0
        .iter_mut()
        .map(Worker::line)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let elapsed = started.elapsed();
    let node_cpu = node_before
        .zip(cpu(Whose::Node))
        .map(|(a, b)| b.saturating_sub(a));
    for worker in &mut workers.0 {
        let status = worker.child.wait().context("an agent process")?;
        ensure!(status.success(), "an agent process failed: {status}");
    }
    let agents_cpu = agents_before
        .zip(cpu(Whose::Children))
        .map(|(a, b)| b.saturating_sub(a));
    let (mut all, mut refused) = (Vec::with_capacity(total as usize), 0);
    for line in lines {
        let report: Value = serde_json::from_str(&line).context("an agent process's report")?;
        refused += report["refused"]
            .as_u64()
            .context("a report without `refused`")?;
        let latencies = report["latencies_us"]
            .as_array()
            .context("a report without latencies")?;
        all.extend(
            latencies
                .iter()
                .filter_map(Value::as_u64)
                .map(Duration::from_micros),
        );
    }
    Ok(Run {
        procs,
        elapsed,
        samples: Samples::new(all),
        refused,
        node_cpu,
        agents_cpu,
    })
}

/// One agent process and its pipes.
struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    /// The next line the process prints; its end of output is an error.
    fn line(&mut self) -> anyhow::Result<String> {
        let mut line = String::new();
        let read = self
            .stdout
            .read_line(&mut line)
            .context("an agent process")?;
        ensure!(
            read > 0,
            "an agent process ended early (its stderr says why)"
        );
        Ok(line)
    }
}

/// The agent processes; any still running when this is dropped (an error) are killed.
struct Workers(Vec<Worker>);

impl Drop for Workers {
    fn drop(&mut self) {
        for worker in &mut self.0 {
            if matches!(worker.child.try_wait(), Ok(None)) {
                let _ = worker.child.kill();
                let _ = worker.child.wait();
            }
        }
    }
}

/// Whose CPU time [`cpu`] reads.
#[derive(Clone, Copy)]
enum Whose {
    /// This process: the node.
    Node,
    /// Its children that have been waited for: the agent processes.
    Children,
}

/// User + system CPU time of `whose` so far.
#[cfg(unix)]
fn cpu(whose: Whose) -> Option<Duration> {
    use nix::sys::resource::{UsageWho, getrusage};
    let who = match whose {
        Whose::Node => UsageWho::RUSAGE_SELF,
        Whose::Children => UsageWho::RUSAGE_CHILDREN,
    };
    let usage = getrusage(who).ok()?;
    let time = |t: nix::sys::time::TimeVal| {
        let micros = u64::try_from(t.tv_sec()).ok()? * 1_000_000;
        Some(Duration::from_micros(
            micros + u64::try_from(t.tv_usec()).ok()?,
        ))
    };
    Some(time(usage.user_time())? + time(usage.system_time())?)
}

/// User + system CPU time of `whose` so far: unknown on this platform.
#[cfg(not(unix))]
fn cpu(_: Whose) -> Option<Duration> {
    None
}

/// Prints the figures of one level and path.
pub(super) fn row(level: u32, path: Route, total: u32, run: &Run) {
    let rate = run.samples.len() as f64 / run.elapsed.as_secs_f64();
    println!(
        "  {level:>11} {:<13} {:>5} {total:>9} {rate:>8.0} {:>9.3} {:>9.3} {:>7} {:>12}",
        path.name(),
        run.procs,
        ms(run.samples.percentile(50.0)),
        ms(run.samples.percentile(99.0)),
        run.refused,
        run.node_ms_per_job(),
    );
}
