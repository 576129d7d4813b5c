//! One module per subcommand; each returns the exit [`Status`] or an error (exit 2).

mod agent;
mod audit;
pub(crate) mod bench;
pub(crate) mod compile_worker;
mod demo;
mod discover;
mod egress;
mod exec;
mod inspect;
mod keygen;
pub(crate) mod mcp;
mod node;
mod run;
mod verify;

use std::{fs, io::Read, path::Path};

use anyhow::{Context as _, bail};

use crate::{
    cli::{AuditCommand, Cli, Command, EgressCommand},
    exit::Status,
};

/// Runs the parsed command.
pub(crate) fn run(cli: Cli) -> anyhow::Result<Status> {
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Exec(args) => exec::run(&args),
        Command::Egress(EgressCommand::Scan(args)) => egress::scan(&args),
        Command::Keygen(args) => keygen::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Audit(AuditCommand::Verify(args)) => audit::verify(&args),
        Command::Node(args) => node::run(&args),
        Command::Discover(args) => discover::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Mcp(args) => mcp::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::BenchAgents(args) => bench::run_worker(&args),
        Command::CompileWorker(args) => compile_worker::run(&args),
    }
}

/// Largest file any command reads into memory: 256 MiB. The node's own limits are lower
/// (a module over the Guardian's limit is read and then rejected with a report).
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a whole file, refusing anything larger than `limit` bytes before allocating for it.
pub(crate) fn read_file(path: &Path, what: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
    let file =
        fs::File::open(path).with_context(|| format!("cannot read {what} {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if bytes.len() as u64 > limit {
        bail!("{what} {} is larger than {limit} bytes", path.display());
    }
    Ok(bytes)
}

/// Reads a WebAssembly module (up to [`MAX_FILE_BYTES`]).
pub(crate) fn read_module(path: &Path) -> anyhow::Result<Vec<u8>> {
    read_file(path, "module", MAX_FILE_BYTES)
}

/// The PeerId a `--node` argument names, if given.
pub(crate) fn node_arg(text: Option<&str>) -> anyhow::Result<Option<nmp_crypto::PeerId>> {
    text.map(str::parse)
        .transpose()
        .context("--node is not a PeerId")
}

/// Prints a value as pretty JSON on stdout.
pub(crate) fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value).context("encoding JSON")?;
    println!("{text}");
    Ok(())
}
