//! The command-line grammar. Every command and flag is documented in the README.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Neural Mesh Protocol: send logic to data, get back only the answer and a signed receipt.
#[derive(Debug, Parser)]
#[command(name = "nmp", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the Guardian report for a module as JSON (exit 0 accepted, 4 rejected).
    Inspect(InspectArgs),
    /// Run a module through the local node pipeline over a dataset, with no network, and print
    /// its stdout (exit 0 ok, 4 rejected, 5 trap or limit).
    Exec(ExecArgs),
    /// The egress filter: may these bytes leave a Data Node?
    #[command(subcommand)]
    Egress(EgressCommand),
    /// Create an Ed25519 identity (a key file, mode 0600) and print its PeerId.
    Keygen(KeygenArgs),
    /// Verify a receipt file (exit 0 valid, 7 invalid with the reason).
    Verify(VerifyArgs),
    /// A Data Node's audit log: the owner's signed record of every request.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Run a Data Node from a TOML configuration until Ctrl-C or SIGTERM (exit 0 after a
    /// graceful shutdown).
    Node(NodeArgs),
    /// Find the Data Nodes that serve a capability and print their verified capability
    /// documents as JSON (exit 0 found, 6 none found or the network failed).
    Discover(DiscoverArgs),
    /// Run a module on every node that serves a capability; print each node's result and receipt
    /// verdict (exit 0 all completed, 3 blocked, 4 rejected, 5 trap or limit, 6 no provider or
    /// network failure, 7 a receipt or answer failed verification).
    Run(RunArgs),
    /// Start a local mesh (a bootstrap peer and two hospital Data Nodes over a generated
    /// dataset) in this process and walk an agent through an honest query, an exfiltration
    /// attempt and an import escape.
    Demo(DemoArgs),
    /// Serve NMP as Model Context Protocol tools over stdio (or Streamable HTTP).
    Mcp(crate::cmd::mcp::Args),
    /// Measure the mesh end to end on loopback: latency, throughput and discovery time.
    Bench(crate::cmd::bench::Args),
    /// One agent process of `nmp bench --agents-procs` (internal).
    #[command(name = "bench-agents", hide = true)]
    BenchAgents(crate::cmd::bench::WorkerArgs),
    /// Compile one module for `nmp node` in a limited child process (internal).
    #[command(name = nmp_node::config::COMPILE_WORKER_COMMAND, hide = true)]
    CompileWorker(crate::cmd::compile_worker::Args),
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Check an audit log: every line signed by one node, numbered and chained (exit 0 valid,
    /// 7 invalid with the line and the reason).
    Verify(AuditVerifyArgs),
}

#[derive(Debug, Args)]
pub(crate) struct AuditVerifyArgs {
    /// The audit log (JSON lines, as the node writes it).
    pub(crate) log: PathBuf,
    /// The node that must have signed every line (base58 PeerId) [default: the first line's].
    #[arg(long, value_name = "PEERID")]
    pub(crate) node: Option<String>,
}

/// How an agent joins the mesh.
#[derive(Debug, Args)]
pub(crate) struct AgentArgs {
    /// A peer to dial first: a multiaddr ending in `/p2p/<peer id>` (repeatable).
    #[arg(long, value_name = "ADDR", required = true)]
    pub(crate) bootstrap: Vec<String>,
    /// The agent's identity key file [default: a fresh identity for this run].
    #[arg(long, value_name = "FILE")]
    pub(crate) identity: Option<PathBuf>,
    /// Deadline of the DHT lookup, in seconds.
    #[arg(long, value_name = "N", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub(crate) lookup_timeout_secs: u64,
    /// Require nodes to run inside a TEE whose measured code is this one (repeatable), e.g.
    /// `sev-snp:measurement=<96 hex>`, `nitro:pcr0=<96 hex>`, `sgx:mrenclave=<64 hex>`,
    /// `tdx:mrtd=<96 hex>`: a node whose attestation does not verify to the vendor's root,
    /// match one, be at most a day old and bind its keys is refused before anything is sealed
    /// to it, and receipts are `RECEIPT_KIND_TEE` [default: no TEE required].
    #[arg(long, value_name = "MEASUREMENT")]
    pub(crate) require_tee: Vec<nmp_client::nmp_attest::Allowed>,
}

#[derive(Debug, Args)]
pub(crate) struct DiscoverArgs {
    /// The capability, e.g. `demo.hospital/patients`.
    pub(crate) capability: String,
    /// Also ask each provider for this agent's own remaining privacy budget on the
    /// capability's datasets: one signed request per provider that runs nothing and is charged
    /// nothing, but counts against the node's rate limit.
    #[arg(long)]
    pub(crate) budget: bool,
    #[command(flatten)]
    pub(crate) agent: AgentArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The capability to run against; the module runs on every node that serves it.
    #[arg(long, value_name = "NAME")]
    pub(crate) capability: String,
    /// The WebAssembly module (a WASI preview 1 command).
    #[arg(long, value_name = "FILE")]
    pub(crate) wasm: PathBuf,
    /// A file whose bytes the guest reads on stdin [default: empty input].
    #[arg(long, value_name = "FILE")]
    pub(crate) input: Option<PathBuf>,
    /// Write each node's receipt here as `<peer id>.json`.
    #[arg(long, value_name = "DIR")]
    pub(crate) receipt_dir: Option<PathBuf>,
    /// Deadline of the whole run on each node, in seconds.
    #[arg(long, value_name = "N", default_value_t = 120,
          value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub(crate) timeout_secs: u64,
    /// Send the module and input only to this node (a base58 PeerId; repeatable). Other
    /// providers are reported as untrusted and sent nothing [default: every verified provider].
    #[arg(long, value_name = "PEERID")]
    pub(crate) trust: Vec<String>,
    #[command(flatten)]
    pub(crate) agent: AgentArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Patients generated per hospital.
    #[arg(long, value_name = "N", default_value_t = 50_000,
          value_parser = clap::value_parser!(u64).range(10..=10_000_000))]
    pub(crate) rows: u64,
    /// Keep the generated data and keys here instead of a temporary directory.
    #[arg(long, value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
    /// Where the hospitals keep their patients.
    #[arg(long, value_enum, default_value_t = DemoSource::Csv)]
    pub(crate) source: DemoSource,
}

/// Where `nmp demo`'s hospitals keep their patients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DemoSource {
    /// CSV files; the agent sends a C aggregate.
    Csv,
    /// A SQLite database each; the agent sends SQL with SQLite's own engine compiled to
    /// WebAssembly.
    Sqlite,
    /// A PostgreSQL table each, in a throwaway local server the demo starts (Debian's
    /// `postgresql`); each node serves a snapshot it takes itself.
    Postgres,
}

#[derive(Debug, Args)]
pub(crate) struct NodeArgs {
    /// The node's TOML configuration; relative paths in it resolve against its directory.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// Where to write the key file; an existing file is never overwritten.
    #[arg(long, value_name = "FILE", default_value = "nmp.key")]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The receipt file (JSON, as written by `nmp exec --receipt`).
    pub(crate) receipt: PathBuf,
    /// The output bytes received; their SHA-256 must be the receipted output digest.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// The PeerId of the node that must have signed.
    #[arg(long, value_name = "PEERID")]
    pub(crate) node: Option<String>,
    /// The module that must have run (its SHA-256 must be the receipted `module_sha256`).
    #[arg(long, value_name = "FILE")]
    pub(crate) wasm: Option<PathBuf>,
    /// The input that was sent (its SHA-256 must be the receipted `input_sha256`).
    #[arg(long, value_name = "FILE")]
    pub(crate) input: Option<PathBuf>,
    /// For a TEE receipt: a measured code identity to trust (repeatable, as `--require-tee`
    /// of `nmp run`). The receipt's attestation must verify to the vendor's root at the
    /// receipt's issue time, match one, and bind the signing node; without this a TEE
    /// receipt is refused.
    #[arg(long, value_name = "MEASUREMENT")]
    pub(crate) tee_allow: Vec<nmp_client::nmp_attest::Allowed>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum EgressCommand {
    /// Scan one payload read from stdin. Block mode: the report as JSON on stdout (exit 0 pass,
    /// 3 blocked). Redact mode: the payload with every hit replaced on stdout (byte-identical when
    /// nothing was found; exit 0, or 3 if something could not be decided) and the report on
    /// `--report` or stderr.
    Scan(EgressScanArgs),
}

#[derive(Debug, Args)]
pub(crate) struct EgressScanArgs {
    /// Restricted schema keys, comma-separated (e.g. `patientId,mrn`), added to the built-in list.
    #[arg(long, value_name = "KEYS", value_delimiter = ',')]
    pub(crate) restricted_keys: Vec<String>,
    /// What to do with a hit [default: block, or the config file's mode].
    #[arg(long, value_enum)]
    pub(crate) mode: Option<EgressMode>,
    /// A TOML file with the filter's configuration: the keys of a node config's
    /// `[policy.egress]` table, at the top level.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Where redact mode writes the report [default: stderr].
    #[arg(long, value_name = "FILE")]
    pub(crate) report: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum EgressMode {
    /// Drop the whole payload when anything is found.
    Block,
    /// Replace each hit with a typed placeholder such as `[REDACTED:email]`.
    Redact,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The WebAssembly module to check.
    pub(crate) wasm: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct ExecArgs {
    /// The WebAssembly module to run (a WASI preview 1 command).
    pub(crate) wasm: PathBuf,
    /// A directory mounted read-only for the guest at `/data/NAME`.
    #[arg(long, value_name = "DIR")]
    pub(crate) data: PathBuf,
    /// The name the dataset is mounted under [default: the directory's base name].
    #[arg(long, value_name = "NAME")]
    pub(crate) data_name: Option<String>,
    /// A file whose bytes the guest reads on stdin [default: empty input].
    #[arg(long, value_name = "FILE")]
    pub(crate) input: Option<PathBuf>,
    /// Wall-clock deadline for the run, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub(crate) timeout_ms: u64,
    /// Memory cap for the guest, in MiB.
    #[arg(long, value_name = "N", default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..=4_096))]
    pub(crate) memory_mb: u64,
    /// Write a signed receipt of the run here (JSON); needs `--key`.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub(crate) receipt: Option<PathBuf>,
    /// The node identity that signs the receipt (a key file from `nmp keygen`).
    #[arg(long, value_name = "FILE", requires = "receipt")]
    pub(crate) key: Option<PathBuf>,
    /// Fuel budget (deterministic instruction metering) [default: unmetered].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) fuel: Option<u64>,
}
