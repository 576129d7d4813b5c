//! The Data Node's request service, independent of any transport: one sealed `LogicRequest` in,
//! a stream of `LogicResponse` out; and the node's signed capability document.
//!
//! The gRPC face ([`crate::grpc`]) and the mesh both drive the same [`Service`].

mod compiles;
mod document;
mod execute;
mod mounted;
mod policy;
mod privacy;
pub(crate) mod report;
mod session;

use std::{
    collections::HashMap,
    num::NonZeroU32,
    sync::{Arc, atomic::AtomicUsize},
};

use nmp_crypto::{Identity, Keyring};
use tokio::sync::Semaphore;

pub use self::{
    compiles::CompileQuota,
    policy::{Access, MAX_TRACKED_AGENTS, MAX_TRACKED_ORIGINS, Origin},
};
use self::{compiles::Compiles, mounted::Mounted, policy::Admission};
use crate::{
    Dataset, Pipeline,
    audit::AuditLog,
    metrics::{Gauges, Metrics},
};

/// Responses buffered per request before the service waits for the caller to read. Default 8.
pub const RESPONSE_BUFFER: usize = 8;

/// One dataset the node serves, and the capability it serves it under.
#[derive(Debug, Clone)]
pub struct Served {
    /// The capability name agents ask for (e.g. `demo.hospital/patients`), 1-256 bytes.
    pub capability: String,
    /// The dataset, mounted at `/data/<name>` for requests naming the capability.
    pub dataset: Dataset,
    /// Where a [`nmp_dataset::Kind::Postgres`] dataset's snapshots come from; `None` for
    /// every other kind (the dataset's [kind](Dataset::kind) says what its files are).
    pub postgres: Option<nmp_dataset::Source>,
    /// Results of requests naming this dataset's capability are held back to the next multiple
    /// of this since the request was accepted (the largest of the capability's datasets'
    /// applies); `None` sends each as soon as it is ready. At most [`MAX_RESPONSE_QUANTUM`].
    pub response_quantum: Option<std::time::Duration>,
}

/// Longest response quantum a dataset may set: 60 s.
pub const MAX_RESPONSE_QUANTUM: std::time::Duration = std::time::Duration::from_secs(60);

/// How the service admits and schedules requests.
#[derive(Debug, Clone)]
pub struct Config {
    /// The pipeline's policies: Guardian, sandbox limits, egress filter.
    pub node: crate::PipelineConfig,
    /// The datasets served, grouped by capability when several share one.
    pub datasets: Vec<Served>,
    /// Which agents may send logic. Defaults to [`Access::Open`].
    pub access: Access,
    /// Requests each agent may send per minute (token bucket, bursts up to this many); `None`
    /// is unlimited. One more is answered `ERROR_CODE_RATE_LIMITED`. Defaults to 60.
    pub rate_limit_per_minute: Option<NonZeroU32>,
    /// Requests each agent may have admitted per day (token bucket refilled evenly over 24
    /// hours, bursts up to this many), besides its rate: it bounds how many runs, and so how
    /// many timing observations, one agent gets in a day. `None` is unlimited. One more is
    /// answered `ERROR_CODE_RATE_LIMITED`; a request refused for its rate spends none.
    /// Defaults to 10,000.
    pub budget_per_day: Option<NonZeroU32>,
    /// In open mode, requests per minute from one [`Origin`] (the IPv4 address or IPv6 /64 of
    /// a mesh connection or a gRPC client) whatever agents sign them, since an agent identity costs nothing
    /// to make; `None` is unlimited; not applied with an allow-list. One more is answered
    /// `ERROR_CODE_RATE_LIMITED`. Defaults to 600.
    pub origin_rate_limit_per_minute: Option<NonZeroU32>,
    /// How much compilation each agent may cause. Defaults to [`CompileQuota::default`].
    pub compile_quota: CompileQuota,
    /// Jobs running at once. Defaults to the number of available cores; never more than the
    /// sandbox's `max_concurrent_runs` (the service uses the smaller of the two).
    pub max_concurrent_jobs: usize,
    /// Jobs waiting for a run slot; one more is answered `ERROR_CODE_OVERLOADED`. Defaults to 64.
    pub max_queued_jobs: usize,
    /// How long a capability document is valid after it is issued (capped by the KEM keys'
    /// expiry). Defaults to 3,600,000 (one hour).
    pub document_ttl_ms: u64,
    /// The owner's audit log ([`crate::audit`]): every request that reaches an outcome is
    /// appended with its exact figures. `None` keeps no log (the figures are then only in the
    /// node's `tracing` log). Defaults to `None`; a node run from a configuration file always
    /// keeps one.
    pub audit_log: Option<std::path::PathBuf>,
    /// The data owner's privacy controls per dataset name (`nmp_privacy`), applied to every
    /// request mounting a dataset of that name. Defaults to none.
    pub privacy: HashMap<String, Arc<nmp_privacy::Policy>>,
    /// The budget ledger (a `redb` file): what agents spent per dataset and window, kept across
    /// restarts. Required when a dataset's controls set a budget. Defaults to `None`.
    pub privacy_ledger: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            node: crate::PipelineConfig::default(),
            datasets: Vec::new(),
            access: Access::Open,
            rate_limit_per_minute: NonZeroU32::new(60),
            budget_per_day: NonZeroU32::new(10_000),
            origin_rate_limit_per_minute: NonZeroU32::new(600),
            compile_quota: CompileQuota::default(),
            max_concurrent_jobs: std::thread::available_parallelism().map_or(1, usize::from),
            max_queued_jobs: 64,
            document_ttl_ms: 3_600_000,
            audit_log: None,
            privacy: HashMap::new(),
            privacy_ledger: None,
        }
    }
}

/// Why the service cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The pipeline could not be built from the configuration.
    #[error("cannot build the pipeline")]
    Pipeline(#[from] crate::PipelineError),
    /// A capability name is empty or longer than 256 bytes.
    #[error("invalid capability name `{0}`")]
    InvalidCapability(String),
    /// Two datasets served under one capability share a name (they would share a mount).
    #[error("dataset `{0}` is served twice under one capability")]
    DuplicateDataset(String),
    /// `max_concurrent_jobs` (or the sandbox's `max_concurrent_runs`) is zero: nothing could
    /// ever run.
    #[error("max_concurrent_jobs must be at least 1")]
    NoConcurrency,
    /// A dataset's response quantum is above [`MAX_RESPONSE_QUANTUM`].
    #[error("dataset `{0}`: response quantum above 60 s")]
    ResponseQuantum(String),
    /// The audit log cannot be opened or continued.
    #[error("cannot open the audit log")]
    Audit(#[from] crate::audit::Error),
    /// A dataset's privacy controls set a budget but no ledger is configured.
    #[error("dataset `{0}` sets a privacy budget but no budget ledger is configured")]
    NoLedger(String),
    /// The budget ledger cannot be opened.
    #[error("cannot open the budget ledger")]
    Ledger(#[source] nmp_privacy::LedgerError),
}

/// Attestations a node keeps: its current KEM key's and the previous key's (which the keyring
/// accepts through its grace period after a rotation): 2.
const KEPT_ATTESTATIONS: usize = 2;

/// The node's request service. Build one per node and share it in an `Arc`.
#[derive(Debug)]
pub struct Service {
    identity: Identity,
    keyring: Keyring,
    pipeline: Pipeline,
    config: Config,
    capabilities: HashMap<String, Vec<Mounted>>,
    admission: Admission,
    compiles: Compiles,
    slots: std::sync::Arc<Semaphore>,
    queued: AtomicUsize,
    metrics: Metrics,
    audit: Option<AuditLog>,
    ledger: Option<Arc<nmp_privacy::Ledger>>,
    /// The latest attestations, newest first (at most [`KEPT_ATTESTATIONS`]): the document
    /// publishes the one binding the current KEM key; TEE receipts carry the one binding the
    /// key a request was sealed to.
    attestations: std::sync::RwLock<Vec<nmp_wire::pb::Attestation>>,
}

impl Service {
    /// Builds the service: the pipeline, and each dataset's commitment and schema.
    ///
    /// Reads every dataset file once (commitments hash them), so start-up costs one pass over
    /// the data. A dataset whose files cannot be read or decoded is not served (requests for
    /// its capability are refused) and the capability document says why; the others are. A
    /// PostgreSQL dataset is served from its first [snapshot](Service::record_snapshot). Fails
    /// with [`Error`] when the configuration is unusable.
    pub fn new(identity: Identity, keyring: Keyring, mut config: Config) -> Result<Self, Error> {
        config.max_concurrent_jobs = config
            .max_concurrent_jobs
            .min(config.node.sandbox.max_concurrent_runs);
        if config.max_concurrent_jobs == 0 {
            return Err(Error::NoConcurrency);
        }
        let pipeline = Pipeline::new(&config.node)?;
        let metrics = Metrics::default();
        let mut capabilities: HashMap<String, Vec<Mounted>> = HashMap::new();
        for served in &config.datasets {
            let cap = &served.capability;
            if cap.is_empty() || cap.len() > nmp_wire::limits::MAX_CAPABILITY_BYTES {
                return Err(Error::InvalidCapability(cap.clone()));
            }
            let group = capabilities.entry(cap.clone()).or_default();
            let name = served.dataset.name();
            if group.iter().any(|m| m.served.dataset.name() == name) {
                return Err(Error::DuplicateDataset(name.to_owned()));
            }
            if served.response_quantum > Some(MAX_RESPONSE_QUANTUM) {
                return Err(Error::ResponseQuantum(name.to_owned()));
            }
            let protected = config.privacy.get(name).map(|policy| crate::Protected {
                dataset: name.to_owned(),
                policy: Arc::clone(policy),
            });
            let mounted = Mounted::new(served.clone(), pipeline.egress()).protect(protected);
            if mounted.facts().is_some() {
                metrics.commitment();
            }
            group.push(mounted);
        }
        let ledger = Self::open_ledger(&config)?;
        let audit = match &config.audit_log {
            Some(path) => Some(AuditLog::open(path, identity.clone())?),
            None => None,
        };
        Ok(Self {
            audit,
            ledger,
            admission: Admission::new(&config),
            compiles: Compiles::new(config.compile_quota, matches!(config.access, Access::Open)),
            slots: std::sync::Arc::new(Semaphore::new(config.max_concurrent_jobs)),
            queued: AtomicUsize::new(0),
            metrics,
            identity,
            keyring,
            pipeline,
            capabilities,
            config,
            attestations: std::sync::RwLock::new(Vec::new()),
        })
    }

    /// Opens the budget ledger when a dataset's controls set a budget.
    fn open_ledger(config: &Config) -> Result<Option<Arc<nmp_privacy::Ledger>>, Error> {
        let budgeted = config.privacy.iter().find(|(_, p)| {
            let s = p.settings();
            s.budget.is_some() || s.budget_all_agents.is_some()
        });
        let Some((name, _)) = budgeted else {
            return Ok(None);
        };
        let path = config
            .privacy_ledger
            .as_ref()
            .ok_or_else(|| Error::NoLedger(name.clone()))?;
        let ledger =
            nmp_privacy::Ledger::open(path, nmp_privacy::MAX_ACCOUNTS).map_err(Error::Ledger)?;
        Ok(Some(Arc::new(ledger)))
    }

    /// The node's identity (its PeerId names it in envelopes, receipts and documents).
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// How long a capability document (and the KEM key it publishes) stays valid.
    pub fn document_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.config.document_ttl_ms)
    }

    /// Replaces the current KEM key with a fresh one valid for [`Service::document_ttl`]; the
    /// old key keeps opening envelopes through the keyring's grace period, so requests sealed
    /// to a document fetched just before the rotation still open. Costs one ML-KEM and one
    /// X25519 key generation.
    pub fn rotate_kem_key(&self, now_ms: u64) {
        let not_after = now_ms.saturating_add(self.config.document_ttl_ms);
        self.keyring
            .rotate(nmp_crypto::KemKeyPair::generate(), not_after, now_ms);
        self.metrics.kem_rotation();
        tracing::info!(not_after_ms = not_after, "KEM key rotated");
    }

    /// The node's current KEM public key (the first its capability document lists).
    pub fn current_kem_key(&self, now_ms: u64) -> Option<nmp_wire::pb::KemPublicKey> {
        self.keyring.public_keys(now_ms).into_iter().next()
    }

    /// Adds the attestation of a new KEM key (see [`crate::attestation`]), keeping the one
    /// before it for requests sealed to the previous key in its grace period; `None` drops
    /// them all. The capability document publishes an attestation only while it binds the
    /// current KEM key, and a node with none refuses `RECEIPT_KIND_TEE` requests.
    pub fn set_attestation(&self, attestation: Option<nmp_wire::pb::Attestation>) {
        let mut kept = self
            .attestations
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match attestation {
            Some(attestation) => {
                kept.insert(0, attestation);
                kept.truncate(KEPT_ATTESTATIONS);
            }
            None => kept.clear(),
        }
    }

    /// The newest attestation that binds `kem`, if any.
    pub(crate) fn attestation_for(
        &self,
        kem: &nmp_wire::pb::KemPublicKey,
    ) -> Option<nmp_wire::pb::Attestation> {
        let kept = self
            .attestations
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.iter()
            .find(|a| a.kem_x25519 == kem.x25519 && a.kem_ml_kem_768 == kem.ml_kem_768)
            .cloned()
    }

    /// The attestation binding the KEM key whose id is `key_id`, while the keyring still
    /// accepts that key at `now_ms`.
    pub(crate) fn attestation_for_key_id(
        &self,
        key_id: &[u8],
        now_ms: u64,
    ) -> Option<nmp_wire::pb::Attestation> {
        self.keyring
            .public_keys(now_ms)
            .iter()
            .find(|k| k.key_id == key_id)
            .and_then(|k| self.attestation_for(k))
    }

    /// Stops taking work: new requests and jobs still queued are answered
    /// `ERROR_CODE_SHUTTING_DOWN`; running jobs finish and deliver their results. Idempotent.
    pub fn close(&self) {
        self.slots.close();
    }

    /// Jobs waiting for a run slot now (the queue depth).
    pub fn queued_jobs(&self) -> usize {
        self.queued.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The service's counters, for the transports' own refusals.
    pub(crate) fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Jobs holding a run slot now.
    pub fn running_jobs(&self) -> usize {
        self.config
            .max_concurrent_jobs
            .saturating_sub(self.slots.available_permits())
    }

    /// The node's metrics in the OpenMetrics text format (names, labels and
    /// types in `docs/observability.md`). Costs a few microseconds; never blocks.
    pub fn metrics_text(&self) -> String {
        self.metrics.render(Gauges {
            queued: self.queued_jobs(),
            running: self.running_jobs(),
            datasets: self.capabilities.values().map(Vec::len).sum(),
        })
    }
}
