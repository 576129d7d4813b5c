//! `nmp demo`: a local mesh in one process (a bootstrap peer and two hospital Data Nodes over
//! generated patients, kept as CSV files, SQLite databases or PostgreSQL tables), and an agent
//! that finds them through the DHT and sends an honest aggregate, an exfiltration attempt and an
//! import escape.

mod data;
mod report;
mod source;

use std::{path::PathBuf, time::Instant};

use anyhow::{Context as _, bail, ensure};
use nmp_client::{Answer, Error, Logic, NmpClient, NodeAnswer, Outcome};

use self::source::Sources;
use crate::{
    cli::DemoArgs,
    exit::Status,
    local::{LocalMesh, NodeSpec, Transport},
};

/// The capability both hospitals serve.
const CAPABILITY: &str = "demo.hospital/patients";
const ESCAPE: &[u8] = include_bytes!("../../../../examples/logic/wat/escape.wasm");

/// The two hospitals: directory name, data seed, transport.
const HOSPITALS: [(&str, u64, Transport); 2] = [
    ("st-marys", 0x5EED_0001, Transport::Tcp),
    ("riverside", 0x5EED_0002, Transport::Quic),
];

pub(crate) fn run(args: &DemoArgs) -> anyhow::Result<Status> {
    let temp;
    let dir: PathBuf = match &args.dir {
        Some(dir) => dir.clone(),
        None => {
            temp = tempfile::tempdir().context("cannot create a temporary directory")?;
            temp.path().to_path_buf()
        }
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let status = runtime.block_on(demo(args, &dir))?;
    if args.dir.is_some() {
        println!(
            "Data, keys and node configurations are in {}.",
            dir.display()
        );
    }
    Ok(status)
}

/// Sets the mesh up (a failure there is an error: exit 2) and walks the tour (a step that does
/// not behave as it must is [`Status::Misbehaved`], with the step and why on stderr).
async fn demo(args: &DemoArgs, dir: &std::path::Path) -> anyhow::Result<Status> {
    let started = Instant::now();
    report::title();
    report::step(1, "Generating synthetic patients (fake, deterministic)");
    let sources = Sources::start(args.source)?;
    report::source(sources.describe());
    let mut specs = Vec::new();
    for (name, seed, transport) in HOSPITALS {
        let export = dir.join(name).join("data");
        let bytes = data::write_patients(&export, seed, args.rows, name)?;
        report::generated(name, args.rows, bytes);
        let served = sources.serve(name, &dir.join(name), &export)?;
        specs.push(NodeSpec {
            name: name.to_owned(),
            capability: CAPABILITY.to_owned(),
            data: served.data,
            transport,
            restricted: ["patient_id", "name", "email", "ssn"]
                .map(str::to_owned)
                .to_vec(),
            dataset: served.dataset,
            policy: sources.node_policy(),
            sections: toml::Table::new(),
            grpc: false,
        });
    }

    report::step(2, "Starting a local mesh on 127.0.0.1");
    let mesh = LocalMesh::start(dir, &specs).await?;
    for (spec, node) in specs.iter().zip(mesh.nodes()) {
        report::node(&spec.name, spec.transport, &node.peer_id());
    }
    let mut preflight = nmp_guardian::Policy::default();
    if sources.recurses() {
        preflight.recursion = nmp_guardian::RecursionPolicy::Allow;
    }
    let agent = mesh.agent_with(Transport::Tcp, preflight).await?;
    report::agent(&agent.peer_id());

    let outcome = walk(&agent, &mesh, &sources).await;
    mesh.shutdown().await;
    if let Err(failure) = outcome {
        let line = format!("{failure:#}");
        eprintln!(
            "nmp demo: a step did not behave as it must: {}",
            line.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        return Ok(Status::Misbehaved);
    }
    report::done(started.elapsed());
    Ok(Status::Ok)
}

/// Steps 3 to 5, against a running mesh.
async fn walk(agent: &NmpClient, mesh: &LocalMesh, sources: &Sources) -> anyhow::Result<()> {
    report::step(3, &format!("Discovering `{CAPABILITY}` through the DHT"));
    let discovery = mesh.discover(agent, CAPABILITY).await?;
    ensure!(
        discovery.providers.len() == mesh.nodes().len(),
        "found {} of {} hospitals",
        discovery.providers.len(),
        mesh.nodes().len()
    );
    for provider in &discovery.providers {
        report::provider(provider, CAPABILITY);
    }

    report::step(
        4,
        "Honest question: patients, mean age and mean cost per diagnosis",
    );
    let question = sources.honest();
    report::question(&question);
    let honest = Logic::new(CAPABILITY, question.wasm).with_input(question.input);
    let answers = agent
        .execute_all_with_progress(&honest, report::progress)
        .await
        .context("the honest query failed")?;
    for node in &answers {
        let answer = verified(node)?;
        ensure!(
            answer.is_completed(),
            "{} answered {:?}",
            node.peer,
            answer.outcome
        );
        report::answer(answer)?;
    }

    report::step(5, "Hostile logic");
    let question = sources.exfiltration();
    let exfiltrate = Logic::new(CAPABILITY, question.wasm).with_input(question.input);
    let answers = agent
        .execute_all(&exfiltrate)
        .await
        .context("the exfiltration run failed")?;
    for node in &answers {
        let answer = verified(node)?;
        if answer.outcome != Outcome::EgressBlocked || !answer.output.is_empty() {
            bail!(
                "{} let the exfiltration through: {:?}",
                node.peer,
                answer.outcome
            );
        }
        report::blocked(question.name, answer);
    }
    match agent.execute_all(&Logic::new(CAPABILITY, ESCAPE)).await {
        Err(Error::Rejected(guardian)) => report::rejected(&guardian),
        other => bail!("the import escape was not rejected: {other:?}"),
    }
    Ok(())
}

/// A node's verified answer, or its failure as an error naming the node.
fn verified(node: &NodeAnswer) -> anyhow::Result<&Answer> {
    node.answer
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{}: {}", node.peer, e.chain()))
}
