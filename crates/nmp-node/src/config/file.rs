//! The node's TOML configuration file: identity, addresses, datasets and policy.
//!
//! `examples/node.toml` is a complete, commented example; every field but `identity` and the
//! datasets has a default. Unknown fields are refused, so a typo never silently weakens a policy.

mod clocks;
mod inbound;
mod isolation;
mod mesh;
mod off;
mod sandbox;

use std::{
    collections::{HashMap, HashSet},
    net::SocketAddr,
    num::{NonZeroU32, NonZeroU64, NonZeroUsize},
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use nmp_crypto::PeerId;
use serde::Deserialize;

pub use self::clocks::{ClockMode, RandomMode};
pub use self::inbound::Inbound;
pub use self::isolation::{COMPILE_WORKER_COMMAND, CompileIsolation};
pub use self::mesh::Mesh;
pub use self::off::OrOff;
pub use self::sandbox::{Allocator, Sandbox};
use crate::{
    Dataset, DatasetError,
    service::{self, Access, Served},
};

/// Largest configuration file read: 1 MiB.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Shortest capability-document TTL accepted (`policy.document_ttl_secs`): 60 s. The node
/// rotates its KEM key every half TTL, so a shorter one would mostly churn keys.
pub const MIN_DOCUMENT_TTL_SECS: u64 = 60;

/// Longest capability-document TTL accepted (`policy.document_ttl_secs`): 7 days. A published
/// KEM key stays usable that long after it is fetched.
pub const MAX_DOCUMENT_TTL_SECS: u64 = 7 * 24 * 60 * 60;

/// Longest interval between two checks of the datasets' files (`dataset_rescan_secs`): one day.
pub const MAX_DATASET_RESCAN_SECS: u64 = 24 * 60 * 60;

/// A node's configuration file as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    /// Path of the node's Ed25519 key file (68 bytes, see `nmp keygen`), relative to the file.
    pub identity: PathBuf,
    /// libp2p listen addresses. Defaults to none of each.
    #[serde(default)]
    pub listen: Listen,
    /// Multiaddrs (with `/p2p/<PeerId>`) of the peers dialled first. Defaults to none.
    #[serde(default)]
    pub bootstrap: Vec<String>,
    /// Address of the gRPC server; absent means no gRPC face. The mesh's limits (request
    /// timeout, streams per peer, connections in all and per origin, frame size), its pool of
    /// logic handlers and its inbound byte budget apply to it too (see
    /// `nmp_node::grpc::Config`).
    #[serde(default)]
    pub grpc: Option<SocketAddr>,
    /// Serve gRPC over TLS 1.3 with a certificate bound to the node's PeerId (clients connect
    /// with `https://` and check the PeerId); `false` serves plain HTTP/2. Defaults to `false`.
    #[serde(default)]
    pub grpc_tls: bool,
    /// Address of the Prometheus metrics endpoint (`GET /metrics`, plain HTTP); absent means
    /// no endpoint. Bind it to a loopback or private address: it needs no credentials.
    #[serde(default)]
    pub metrics: Option<SocketAddr>,
    /// The datasets served.
    #[serde(default)]
    pub datasets: Vec<DatasetEntry>,
    /// Seconds between two checks of the datasets' files (paths, sizes, modification times);
    /// a dataset that changed is re-committed. `"off"` turns the checks off; at least 1, at
    /// most [`MAX_DATASET_RESCAN_SECS`]. Defaults to 30.
    #[serde(default = "thirty")]
    pub dataset_rescan_secs: OrOff<NonZeroU64>,
    /// The inbound byte budget and per-origin connection cap, shared by the mesh and gRPC.
    #[serde(default)]
    pub inbound: Inbound,
    /// The mesh's connection, stream, frame and timeout limits (`[mesh]`). Defaults to the
    /// mesh's own.
    #[serde(default)]
    pub mesh: Mesh,
    /// The sandbox's instance allocator, run pool and compiled-module caches (`[sandbox]`).
    /// Defaults to the sandbox's own.
    #[serde(default)]
    pub sandbox: Sandbox,
    /// Who may ask, how often, and under which policies.
    #[serde(default)]
    pub policy: Policy,
    /// The node's TEE attestation (`[attestation]`: `kind` and a `document` file or a
    /// `command`, see [`crate::attestation::Entry`]); absent means the node runs outside an
    /// enclave and publishes none.
    #[serde(default)]
    pub attestation: Option<crate::attestation::Entry>,
    /// The owner's audit log (signed JSON lines, see `nmp_node::audit`), relative to the file.
    /// Always kept. Defaults to `audit.jsonl`.
    #[serde(default = "audit_jsonl")]
    pub audit_log: PathBuf,
    /// The privacy budget ledger (a `redb` file of what each agent spent per dataset and
    /// window), relative to the file; opened only when a dataset sets a budget. Defaults to
    /// `privacy.redb`.
    #[serde(default = "privacy_redb")]
    pub privacy_ledger: PathBuf,
}

/// libp2p listen addresses, one multiaddr string per transport.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listen {
    /// TCP, e.g. `/ip4/0.0.0.0/tcp/7701`.
    pub tcp: Option<String>,
    /// QUIC, e.g. `/ip4/0.0.0.0/udp/7701/quic-v1`.
    pub quic: Option<String>,
    /// WebSocket, e.g. `/ip4/0.0.0.0/tcp/7702/ws`.
    pub ws: Option<String>,
}

/// One dataset as configured.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetEntry {
    /// The name the guest sees (`/data/<name>`).
    pub name: String,
    /// The directory holding it, relative to the file (created for a `postgres` dataset, whose
    /// snapshots the node writes there).
    pub path: PathBuf,
    /// What the directory holds: `csv`, `jsonl` (or `ndjson`), `parquet`, `sqlite`, `postgres`
    /// or `raw` (see [`nmp_dataset::Kind`]). Defaults to `csv`.
    #[serde(default)]
    pub format: nmp_dataset::Kind,
    /// Where a `postgres` dataset's snapshots come from (`[datasets.postgres]`); required with
    /// `format = "postgres"` and refused with any other format.
    #[serde(default)]
    pub postgres: Option<nmp_dataset::Source>,
    /// The capability it serves.
    pub capability: String,
    /// Column or JSON keys that must never leave (added to the egress filter's list).
    #[serde(default)]
    pub restricted_keys: Vec<String>,
    /// Hold each result of this dataset's capability back to the next multiple of this many
    /// milliseconds since the request was accepted, so that response times say less about the
    /// run; absent (the default) sends results when ready. The job keeps its run slot until its
    /// result is released (when a slot frees is visible to other agents), so each job of this
    /// capability occupies a slot for a whole number of quanta. At least 1, at most 60,000.
    #[serde(default)]
    pub response_quantum_ms: Option<NonZeroU64>,
    /// Columns whose values must never leave under any key, in addition to the restricted
    /// columns (e.g. `name`, `email`): their values join the dataset's value index. Defaults to
    /// none.
    #[serde(default)]
    pub egress_values: Vec<String>,
    /// The owner's privacy controls on this dataset (`[datasets.privacy]` after the entry's
    /// `[[datasets]]`): output schema, minimum group size, refused order statistics, noise and
    /// budgets; see `nmp_privacy::Settings` and `docs/privacy.md`. Entries sharing a name must
    /// share these too. Defaults to none.
    #[serde(default)]
    pub privacy: Option<nmp_privacy::Settings>,
}

fn thirty() -> OrOff<NonZeroU64> {
    OrOff::On(NonZeroU64::MIN.saturating_add(29))
}

fn audit_jsonl() -> PathBuf {
    PathBuf::from("audit.jsonl")
}

fn privacy_redb() -> PathBuf {
    PathBuf::from("privacy.redb")
}

/// The node's policy section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Any authenticated agent may send logic. Defaults to `true`; `false` admits only
    /// `allowed_agents`.
    pub open: bool,
    /// Base58 PeerIds admitted when `open` is `false`.
    pub allowed_agents: Vec<String>,
    /// Requests per agent per minute, at least 1; `"off"` is unlimited. Defaults to 60.
    pub rate_limit_per_minute: OrOff<NonZeroU32>,
    /// Requests admitted per agent per day, besides the per-minute rate, at least 1; `"off"` is
    /// unlimited. Defaults to 10,000.
    pub budget_per_day: OrOff<NonZeroU32>,
    /// With `open = true`, requests per minute from one origin (the IPv4 address or IPv6 /64 of
    /// a mesh connection or a gRPC client), whatever agents and peer ids sign them, at least 1;
    /// `"off"` is unlimited. Defaults to 600.
    pub origin_rate_limit_per_minute: OrOff<NonZeroU32>,
    /// Per-agent compile bounds (`[policy.compile_quota]`). Defaults to
    /// [`service::CompileQuota::default`].
    pub compile_quota: service::CompileQuota,
    /// Jobs running at once, at least 1 (and never more than `[sandbox] max_concurrent_runs`).
    /// Defaults to the number of cores.
    pub max_concurrent_jobs: Option<NonZeroUsize>,
    /// Jobs waiting for a run slot. Defaults to 64.
    pub max_queued_jobs: usize,
    /// How long a capability document (and the KEM key it publishes) stays valid, in seconds;
    /// the node rotates its KEM key every half of it. Between [`MIN_DOCUMENT_TTL_SECS`] and
    /// [`MAX_DOCUMENT_TTL_SECS`]. Defaults to 3,600 (one hour).
    pub document_ttl_secs: u64,
    /// The Guardian policy (`nmp_guardian::Policy`). Defaults to its defaults.
    pub guardian: nmp_guardian::Policy,
    /// Sandbox limits of every run, and the guest's clocks and randomness.
    pub sandbox: SandboxLimits,
    /// The egress filter (`nmp_egress::Config`). Defaults to block mode, every rule on.
    pub egress: nmp_egress::Config,
}

impl Default for Policy {
    fn default() -> Self {
        let defaults = service::Config::default();
        let per = |limit: Option<NonZeroU32>| limit.map_or(OrOff::Off, OrOff::On);
        Self {
            open: true,
            allowed_agents: Vec::new(),
            rate_limit_per_minute: per(defaults.rate_limit_per_minute),
            budget_per_day: per(defaults.budget_per_day),
            origin_rate_limit_per_minute: per(defaults.origin_rate_limit_per_minute),
            compile_quota: service::CompileQuota::default(),
            max_concurrent_jobs: None,
            max_queued_jobs: 64,
            document_ttl_secs: 3_600,
            guardian: nmp_guardian::Policy::default(),
            sandbox: SandboxLimits::default(),
            egress: nmp_egress::Config::default(),
        }
    }
}

/// The sandbox limits a node applies to every run (requests may only tighten them), and what
/// guests see of time and chance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SandboxLimits {
    /// Wall-clock deadline per run. Defaults to the sandbox's default.
    pub timeout_ms: Option<u64>,
    /// Memory cap per run, in MiB. Defaults to the sandbox's default.
    pub memory_mb: Option<u64>,
    /// Fuel budget per run, at least 1; `"off"` turns metering off. Defaults to the sandbox's
    /// default.
    pub fuel: Option<OrOff<NonZeroU64>>,
    /// Deterministic mode: `clock = "fixed"` and `random = "seeded"`, so the same module,
    /// input and data give the same output. Defaults to `false`.
    pub deterministic: bool,
    /// The guests' clocks. Defaults to `coarse` (`fixed` when `deterministic`).
    pub clock: Option<ClockMode>,
    /// Step of coarse clocks, in ms, between 1 and 60,000; `clock_res_get` reports it.
    /// Only with `clock = "coarse"`. Defaults to 100.
    pub clock_resolution_ms: Option<u64>,
    /// The first wall-clock reading of fixed clocks, in seconds since the Unix epoch. Only
    /// with `clock = "fixed"`. Defaults to 0.
    pub clock_start_secs: Option<u64>,
    /// The guests' random source. Defaults to `real` (`seeded` when `deterministic`).
    pub random: Option<RandomMode>,
    /// Seed of seeded randomness; anyone who knows it can predict the bytes. Only with
    /// `random = "seeded"`. Defaults to 0.
    pub random_seed: Option<u64>,
    /// Where untrusted modules are compiled: `"process"` (a child process per compile, killed
    /// at the deadline, memory-capped) or `"thread"` (in the node's process). `nmp node`
    /// defaults to `"process"`; other programs loading the file default to `"thread"`.
    pub compile_isolation: Option<CompileIsolation>,
    /// Address-space limit of each compile process, in MiB, at least 64. Only with
    /// `compile_isolation = "process"`. Defaults to 1,024.
    pub compile_memory_mb: Option<u64>,
    /// Deadline for compiling one module, in ms; past it the run ends with the limit
    /// `compile_time` (a compile process is killed then). Defaults to the sandbox's 10,000.
    pub compile_timeout_ms: Option<u64>,
}

/// Why a configuration file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("{path} is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// The file is not valid TOML for this schema (unknown field, wrong type, missing field).
    #[error("invalid configuration")]
    Parse(#[from] toml::de::Error),
    /// An allowed agent is not a PeerId.
    #[error("allowed agent `{0}` is not a PeerId")]
    InvalidAgent(String),
    /// A dataset cannot be served.
    #[error("invalid dataset")]
    Dataset(#[from] DatasetError),
    /// A dataset's `[datasets.postgres]` section is missing with `format = "postgres"`,
    /// present with another format, or names neither or both of `query` and `table`.
    #[error(
        "dataset `{0}`: format = \"postgres\" needs a [datasets.postgres] section with exactly one of `query` and `table`, and only it may have one"
    )]
    Postgres(String),
    /// The directory of a `postgres` dataset does not exist and cannot be created.
    #[error("cannot create the snapshot directory {path}")]
    SnapshotDir {
        /// The directory.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// `dataset_rescan_secs` is above [`MAX_DATASET_RESCAN_SECS`] (or 0: write `"off"`).
    #[error("dataset_rescan_secs = {0} is above {MAX_DATASET_RESCAN_SECS}")]
    DatasetRescan(u64),
    /// The clock and random keys of `[policy.sandbox]` contradict each other, or set a
    /// parameter of a mode not chosen.
    #[error("invalid [policy.sandbox]: {0}")]
    Sandbox(&'static str),
    /// `compile_isolation = "process"`, but the node's own executable cannot be found to run
    /// as the compile worker.
    #[error("cannot locate this program to run compile workers")]
    CompileWorker(#[source] std::io::Error),
    /// A key of `[inbound]` (named) is 0.
    #[error("invalid [inbound]: `{0}` must be at least 1")]
    Inbound(&'static str),
    /// `policy.document_ttl_secs` is outside [`MIN_DOCUMENT_TTL_SECS`]..=[`MAX_DOCUMENT_TTL_SECS`].
    #[error("document_ttl_secs = {0} is outside {MIN_DOCUMENT_TTL_SECS}..={MAX_DOCUMENT_TTL_SECS}")]
    DocumentTtl(u64),
    /// A dataset's privacy settings are invalid, or its schema cannot be read or compiled.
    #[error("invalid privacy settings of dataset `{dataset}`")]
    Privacy {
        /// The dataset.
        dataset: String,
        /// The failure.
        #[source]
        source: nmp_privacy::PolicyError,
    },
    /// Two entries of one dataset name set different privacy settings.
    #[error("dataset `{0}` is configured with two different privacy settings")]
    PrivacyConflict(String),
}

impl File {
    /// Reads and parses the file at `path` (at most [`MAX_FILE_BYTES`]).
    pub fn load(path: &Path) -> Result<Self, FileError> {
        let read = |source| FileError::Read {
            path: path.to_owned(),
            source,
        };
        let size = std::fs::metadata(path).map_err(read)?.len();
        if size > MAX_FILE_BYTES {
            return Err(FileError::TooLarge {
                path: path.to_owned(),
            });
        }
        Self::parse(&std::fs::read_to_string(path).map_err(read)?)
    }

    /// Parses a configuration from TOML text.
    pub fn parse(text: &str) -> Result<Self, FileError> {
        Ok(toml::from_str(text)?)
    }

    /// How often the node checks its datasets' files for changes; `None` when the checks are
    /// off (`dataset_rescan_secs = "off"`).
    pub fn dataset_rescan(&self) -> Result<Option<Duration>, FileError> {
        match self.dataset_rescan_secs.on().map(NonZeroU64::get) {
            None => Ok(None),
            Some(secs) if secs > MAX_DATASET_RESCAN_SECS => Err(FileError::DatasetRescan(secs)),
            Some(secs) => Ok(Some(Duration::from_secs(secs))),
        }
    }

    /// The service configuration this file describes; relative dataset paths resolve against
    /// `base` (the file's directory). Each dataset's restricted keys join the egress filter's.
    pub fn service_config(&self, base: &Path) -> Result<service::Config, FileError> {
        let policy = &self.policy;
        let ttl = policy.document_ttl_secs;
        if !(MIN_DOCUMENT_TTL_SECS..=MAX_DOCUMENT_TTL_SECS).contains(&ttl) {
            return Err(FileError::DocumentTtl(ttl));
        }
        let mut node = crate::PipelineConfig {
            guardian: policy.guardian.clone(),
            egress: policy.egress.clone(),
            ..crate::PipelineConfig::default()
        };
        let limits = &mut node.sandbox.limits;
        if let Some(ms) = policy.sandbox.timeout_ms {
            limits.timeout = Duration::from_millis(ms);
        }
        if let Some(mb) = policy.sandbox.memory_mb {
            limits.memory_bytes = mb.saturating_mul(1024 * 1024);
        }
        if let Some(fuel) = policy.sandbox.fuel {
            limits.fuel = fuel.on().map(NonZeroU64::get);
        }
        self.sandbox.apply(&mut node.sandbox, base);
        (node.sandbox.clocks, node.sandbox.randomness) = policy.sandbox.clocks_and_randomness()?;
        node.sandbox.isolation = policy.sandbox.isolation()?;
        if let Some(timeout) = policy.sandbox.compile_timeout() {
            node.sandbox.compile_timeout = timeout;
        }
        let mut datasets = Vec::new();
        let privacy = self.privacy(base)?;
        for entry in &self.datasets {
            let path = base.join(&entry.path);
            let is_postgres = entry.format == nmp_dataset::Kind::Postgres;
            let valid = match &entry.postgres {
                Some(source) => is_postgres && source.query().is_some(),
                None => !is_postgres,
            };
            if !valid {
                return Err(FileError::Postgres(entry.name.clone()));
            }
            if is_postgres {
                std::fs::create_dir_all(&path).map_err(|source| FileError::SnapshotDir {
                    path: path.clone(),
                    source,
                })?;
            }
            let dataset = Dataset::new(&entry.name, path)?
                .with_kind(entry.format)
                .with_value_columns(entry.egress_values.clone());
            node.egress
                .restricted_keys
                .extend(entry.restricted_keys.iter().cloned());
            datasets.push(Served {
                capability: entry.capability.clone(),
                dataset,
                postgres: entry.postgres.clone(),
                response_quantum: entry
                    .response_quantum_ms
                    .map(|ms| Duration::from_millis(ms.get())),
            });
        }
        let access = if policy.open {
            Access::Open
        } else {
            let agents = policy
                .allowed_agents
                .iter()
                .map(|a| {
                    a.parse::<PeerId>()
                        .map_err(|_| FileError::InvalidAgent(a.clone()))
                })
                .collect::<Result<HashSet<_>, _>>()?;
            Access::Allowed(agents)
        };
        let defaults = service::Config::default();
        Ok(service::Config {
            node,
            datasets,
            access,
            rate_limit_per_minute: policy.rate_limit_per_minute.on(),
            budget_per_day: policy.budget_per_day.on(),
            origin_rate_limit_per_minute: policy.origin_rate_limit_per_minute.on(),
            compile_quota: policy.compile_quota,
            max_concurrent_jobs: policy
                .max_concurrent_jobs
                .map_or(defaults.max_concurrent_jobs, NonZeroUsize::get),
            max_queued_jobs: policy.max_queued_jobs,
            document_ttl_ms: ttl * 1_000,
            audit_log: Some(base.join(&self.audit_log)),
            privacy,
            privacy_ledger: Some(base.join(&self.privacy_ledger)),
        })
    }

    /// Each dataset's privacy policy, by name; schemas resolve against `base`.
    fn privacy(&self, base: &Path) -> Result<HashMap<String, Arc<nmp_privacy::Policy>>, FileError> {
        let mut policies: HashMap<String, (&nmp_privacy::Settings, Arc<_>)> = HashMap::new();
        for entry in &self.datasets {
            let Some(settings) = &entry.privacy else {
                continue;
            };
            if let Some((known, _)) = policies.get(&entry.name) {
                if *known != settings {
                    return Err(FileError::PrivacyConflict(entry.name.clone()));
                }
                continue;
            }
            let policy = nmp_privacy::Policy::load(settings.clone(), base).map_err(|source| {
                FileError::Privacy {
                    dataset: entry.name.clone(),
                    source,
                }
            })?;
            policies.insert(entry.name.clone(), (settings, Arc::new(policy)));
        }
        Ok(policies.into_iter().map(|(n, (_, p))| (n, p)).collect())
    }
}
