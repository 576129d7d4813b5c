//! What a node enforces: the Guardian policy, the sandbox configuration and the egress filter;
//! and the TOML file a node is configured from ([`File`]).

mod file;

pub use file::{
    Allocator, COMPILE_WORKER_COMMAND, ClockMode, CompileIsolation, DatasetEntry, File, FileError,
    Inbound, Listen, MAX_DATASET_RESCAN_SECS, MAX_DOCUMENT_TTL_SECS, MAX_FILE_BYTES,
    MIN_DOCUMENT_TTL_SECS, Mesh, OrOff, Policy, RandomMode, Sandbox, SandboxLimits,
};

/// What a node's pipeline enforces (its Guardian policy, sandbox configuration and egress
/// filter). Defaults are the policy crates' own deny-by-default settings.
#[derive(Debug, Clone, Default)]
pub struct PipelineConfig {
    /// The Guardian policy every module is checked against.
    pub guardian: nmp_guardian::Policy,
    /// Sandbox limits (the defaults and ceilings of every run), pool sizing and caches.
    pub sandbox: nmp_sandbox::Config,
    /// The egress filter: mode (block or redact), restricted keys, extra rules, budgets.
    pub egress: nmp_egress::Config,
}
