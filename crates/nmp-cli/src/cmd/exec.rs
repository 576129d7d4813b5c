//! `nmp exec FILE.wasm --data DIR`: the whole node pipeline, locally, with no network.

use std::{
    fs,
    io::{self, Write as _},
    path::Path,
    time::Duration,
};

use anyhow::{Context as _, anyhow};
use nmp_crypto::{Identity, receipt};
use nmp_node::{Dataset, Execution, Job, Outcome, Pipeline, PipelineConfig, receipt::Context};
use nmp_wire::limits::MAX_INPUT_BYTES;

use super::{read_file, read_module};
use crate::{cli::ExecArgs, exit::Status};

pub(crate) fn run(args: &ExecArgs) -> anyhow::Result<Status> {
    let wasm = read_module(&args.wasm)?;
    let input = match &args.input {
        Some(path) => read_file(path, "input", MAX_INPUT_BYTES as u64)?,
        None => Vec::new(),
    };
    let dataset = dataset(args)?;
    // Load the signing key before running anything: a bad key is a usage error, not a run.
    let signer = match &args.key {
        Some(path) => Some(
            Identity::load(path).with_context(|| format!("cannot load key {}", path.display()))?,
        ),
        None => None,
    };
    let pipeline = Pipeline::new(&config(args)).context("cannot start the node pipeline")?;
    // As a node does: the values of the dataset's restricted columns never leave either.
    let dataset = dataset
        .indexed(|column| pipeline.egress().is_restricted_key(column))
        .context("cannot index the dataset's restricted values")?;
    let job = Job {
        wasm: &wasm,
        input: &input,
        datasets: std::slice::from_ref(&dataset),
        limits: None,
    };
    let execution = pipeline.execute(job).context("the pipeline failed")?;
    if let (Some(signer), Some(path)) = (&signer, &args.receipt) {
        write_receipt(&pipeline, &job, &execution, &dataset, signer, path)?;
    }
    report(&execution)
}

/// Signs a receipt of the run (every outcome is receipted) and writes its JSON view.
fn write_receipt(
    pipeline: &Pipeline,
    job: &Job<'_>,
    execution: &Execution,
    dataset: &Dataset,
    signer: &Identity,
    path: &Path,
) -> anyhow::Result<()> {
    let commitment = dataset
        .commitment()
        .context("cannot commit to the dataset")?;
    let issued_at_ms = nmp_wire::now_ms();
    let context = Context {
        request_id: &[],
        capability: "",
        agent_peer_id: &[],
        datasets: &[(dataset, commitment)],
        issued_at_ms,
    };
    let body = pipeline.receipt_body(job, execution, &context);
    let json = receipt::to_json(&receipt::sign(signer, &body));
    let text = serde_json::to_string_pretty(&json).context("encoding the receipt")?;
    fs::write(path, text + "\n").with_context(|| format!("cannot write receipt {}", path.display()))
}

fn config(args: &ExecArgs) -> PipelineConfig {
    let mut config = PipelineConfig::default();
    let limits = &mut config.sandbox.limits;
    limits.timeout = Duration::from_millis(args.timeout_ms);
    limits.memory_bytes = args.memory_mb * 1024 * 1024;
    limits.fuel = args.fuel;
    config
}

fn dataset(args: &ExecArgs) -> anyhow::Result<Dataset> {
    let name = match &args.data_name {
        Some(name) => name.clone(),
        None => {
            let canonical = args.data.canonicalize().with_context(|| {
                format!("cannot read dataset directory {}", args.data.display())
            })?;
            canonical
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_owned)
                .ok_or_else(|| {
                    anyhow!(
                        "{} has no usable base name; pass --data-name",
                        args.data.display()
                    )
                })?
        }
    };
    Ok(Dataset::new(name, &args.data)?)
}

/// Prints what may leave (stdout) and a one-line account on stderr; returns the exit status.
fn report(execution: &Execution) -> anyhow::Result<Status> {
    let Some(run) = &execution.run else {
        let text = serde_json::to_string_pretty(&execution.guardian).context("encoding JSON")?;
        eprintln!("{text}");
        eprintln!(
            "nmp: rejected by the Guardian ({} findings)",
            execution.guardian.findings.len()
        );
        return Ok(Status::Rejected);
    };
    // Only what the egress filter let through is printed: nothing when it blocked.
    if let Some(stdout) = execution.stdout() {
        let mut out = io::stdout().lock();
        out.write_all(stdout).context("writing stdout")?;
        out.flush().context("writing stdout")?;
    }
    if let Some(stderr) = execution.stderr() {
        io::stderr().write_all(stderr).context("writing stderr")?;
    }
    let stats = &run.stats;
    let account = format!(
        "in {:.1} ms (compile {:.1} ms, cache {:?}, peak memory {} KiB{})",
        ms(stats.wall_time),
        ms(stats.compile_time),
        stats.cache,
        stats.peak_memory_bytes / 1024,
        stats
            .fuel_consumed
            .map(|f| format!(", fuel {f}"))
            .unwrap_or_default(),
    );
    let (status, what) = match execution.outcome() {
        Outcome::Completed => (Status::Ok, "completed".to_owned()),
        Outcome::ExitedNonZero(code) => (Status::Trapped, format!("exited with status {code}")),
        Outcome::Trapped => (
            Status::Trapped,
            format!("trapped: {}", trap_message(execution)),
        ),
        Outcome::LimitExceeded(limit) => {
            (Status::Trapped, format!("stopped at the {limit:?} limit"))
        }
        Outcome::TimedOut => (Status::Trapped, "timed out".to_owned()),
        Outcome::Rejected => (Status::Rejected, "rejected".to_owned()),
        Outcome::EgressBlocked => {
            if let Some(egress) = &execution.egress {
                let reports = [&egress.stdout.report, &egress.stderr.report];
                let text = serde_json::to_string_pretty(&reports).context("encoding JSON")?;
                eprintln!("{text}");
            }
            (
                Status::Blocked,
                "output blocked by the egress filter".to_owned(),
            )
        }
        other => (Status::Trapped, format!("{other:?}")),
    };
    eprintln!("nmp: {what} {account}");
    Ok(status)
}

fn trap_message(execution: &Execution) -> String {
    match execution.run.as_ref().map(|r| &r.outcome) {
        Some(nmp_sandbox::Outcome::Trapped { trap, message, .. }) => {
            format!("{trap:?}: {}", message.lines().next().unwrap_or_default())
        }
        _ => String::new(),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
