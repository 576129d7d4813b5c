//! The request pipeline: Guardian → sandbox → egress filter, composed from the policy crates.
//!
//! Each stage is a separate crate that knows nothing of the others; this module is the only
//! place they meet. It runs locally (no network): `nmp exec` drives it directly, and the mesh
//! and gRPC front ends drive it for remote requests.

mod cancel;
mod egress;
mod privacy;

use nmp_egress::{Scanner, ValueIndex};
use nmp_guardian::{Guardian, Report};
use nmp_sandbox::{Cancel, Limit, Limits, Mount, Outcome as RunOutcome, Run, Sandbox};

pub(crate) use self::cancel::spawn_cancellable;
pub use self::egress::Filtered;
pub use self::privacy::{Privacy, Protected};
use crate::{Dataset, PipelineConfig};

/// The composed pipeline. Create one per node and share it: every stage is `Send + Sync`, and
/// [`Pipeline::execute`] takes `&self`.
#[derive(Debug)]
pub struct Pipeline {
    guardian: Guardian,
    sandbox: Sandbox,
    egress: Scanner,
}

/// One piece of logic to run, and what it may see.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    /// The WebAssembly module (binary format).
    pub wasm: &'a [u8],
    /// Bytes the guest reads on stdin.
    pub input: &'a [u8],
    /// Datasets mounted read-only at `/data/<name>`; the egress filter blocks the values of
    /// those carrying a value index ([`Dataset::indexed`]).
    pub datasets: &'a [Dataset],
    /// Limits for this run; `None` uses the node's defaults. Each may only tighten the node's.
    pub limits: Option<&'a Limits>,
}

/// Everything the pipeline concluded about one job.
#[derive(Debug)]
pub struct Execution {
    /// The Guardian's report; when it rejects, nothing else ran.
    pub guardian: Report,
    /// What the sandbox reported, when the module was admitted.
    pub run: Option<Run>,
    /// The egress filter's verdicts on what the guest wrote, when it ran (not when the
    /// privacy stage blocked the output).
    pub egress: Option<Filtered>,
    /// What the data owner's privacy controls did, when a dataset of the job shapes outputs.
    pub privacy: Option<Privacy>,
}

/// How a job ended, in the terms of the wire's `Outcome` and the CLI's exit statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The guest exited with status 0.
    Completed,
    /// The guest exited with a non-zero status.
    ExitedNonZero(i32),
    /// The guest trapped.
    Trapped,
    /// The guest hit a limit.
    LimitExceeded(Limit),
    /// The guest ran past its deadline.
    TimedOut,
    /// The Guardian refused the module; it never ran.
    Rejected,
    /// The guest's output held private data and the egress filter blocked it: nothing but the
    /// reports leaves, whatever the guest's own ending was.
    EgressBlocked,
    /// A dataset's privacy controls blocked the output (off its schema, a group below `k`, an
    /// order statistic): nothing but the reports leaves.
    PrivacyBlocked,
}

/// Why the pipeline could not reach an outcome. Guest misbehaviour is never an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The sandbox could not be created from the configuration.
    #[error("cannot start the sandbox")]
    Sandbox(#[source] nmp_sandbox::Error),
    /// The egress filter's configuration is invalid (e.g. an extra pattern does not compile).
    #[error("invalid egress filter configuration")]
    Egress(#[source] nmp_egress::ConfigError),
    /// The sandbox failed on the host side (or refused the per-run limits) for this job.
    #[error("the sandbox failed to run the module")]
    Run(#[source] nmp_sandbox::Error),
    /// The job's [`Cancel`] fired before it ended (its caller went away): the guest was
    /// stopped and its output discarded; nothing was filtered or signed.
    #[error("the job was cancelled")]
    Cancelled,
    /// The differential privacy library failed (its random source, or a calibration); the
    /// output does not leave.
    #[error("the privacy stage failed")]
    Privacy(#[source] nmp_privacy::NoiseError),
}

impl Pipeline {
    /// Builds the pipeline from a node configuration. Reserves the sandbox's instance pool.
    pub fn new(config: &PipelineConfig) -> Result<Self, PipelineError> {
        Ok(Self {
            guardian: Guardian::new(config.guardian.clone()),
            sandbox: Sandbox::new(config.sandbox.clone()).map_err(PipelineError::Sandbox)?,
            egress: Scanner::new(config.egress.clone()).map_err(PipelineError::Egress)?,
        })
    }

    /// The Guardian stage, for callers that only need a report.
    pub fn guardian(&self) -> &Guardian {
        &self.guardian
    }

    /// The egress stage, for callers that need its rules (the capability document's
    /// `restricted` column flags come from [`Scanner::is_restricted_key`]).
    pub fn egress(&self) -> &Scanner {
        &self.egress
    }

    /// The sandbox stage, for admission decisions such as whether a module is compiled.
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// SHA-256 of the egress filter's active rule set and configuration (receipts bind it).
    pub fn egress_rule_set_digest(&self) -> [u8; 32] {
        self.egress.rule_set_digest()
    }

    /// Runs one job through every stage and returns what each concluded.
    ///
    /// Blocks the calling thread for up to the run's deadline plus compilation; call it from a
    /// blocking thread in async code. It cannot be cancelled; see
    /// [`Pipeline::execute_admitted`].
    pub fn execute(&self, job: Job<'_>) -> Result<Execution, PipelineError> {
        let guardian = self.guardian.inspect(job.wasm);
        self.execute_admitted(job, guardian, &Cancel::new())
    }

    /// Runs the stages after the Guardian for a job whose report the caller already holds (a
    /// node checks modules before queueing them, so it does not inspect twice). A rejected
    /// report ends the job there, as in [`Pipeline::execute`]. The report must be this
    /// pipeline's Guardian's report for `job.wasm`.
    ///
    /// `cancel` stops the job when the caller no longer wants it: the guest is interrupted
    /// within one epoch tick of [`Cancel::cancel`] (at once when blocked in a host call), its
    /// sandbox slot frees, and this returns [`PipelineError::Cancelled`].
    pub fn execute_admitted(
        &self,
        job: Job<'_>,
        guardian: Report,
        cancel: &Cancel,
    ) -> Result<Execution, PipelineError> {
        self.execute_protected(job, guardian, cancel, &[])
    }

    /// [`Pipeline::execute_admitted`] with the data owner's privacy controls of the job's
    /// datasets applied between the sandbox and the egress filter (in the order given). Fails
    /// with [`PipelineError::Privacy`] when the differential privacy library does.
    pub fn execute_protected(
        &self,
        job: Job<'_>,
        guardian: Report,
        cancel: &Cancel,
        protected: &[Protected],
    ) -> Result<Execution, PipelineError> {
        if !guardian.is_accepted() {
            return Ok(Execution {
                guardian,
                run: None,
                egress: None,
                privacy: None,
            });
        }
        let mounts: Vec<Mount> = job
            .datasets
            .iter()
            .map(|d| Mount::new(d.name(), d.path()))
            .collect();
        let limits = job.limits.unwrap_or(&self.sandbox.config().limits);
        let run = self
            .sandbox
            .run_cancellable(job.wasm, job.input, &mounts, limits, cancel)
            .map_err(|e| match e {
                nmp_sandbox::Error::Cancelled => PipelineError::Cancelled,
                e => PipelineError::Run(e),
            })?;
        let values: Vec<&ValueIndex> = job.datasets.iter().filter_map(Dataset::values).collect();
        let privacy =
            privacy::shape(protected, run.outcome.stdout()).map_err(PipelineError::Privacy)?;
        let egress = match &privacy {
            Some(Privacy::Blocked { .. }) => None,
            Some(Privacy::Passed(stdout)) => {
                Some(Filtered::scan(&self.egress, stdout, b"", &values))
            }
            None => {
                let (stdout, stderr) = (run.outcome.stdout(), run.outcome.stderr());
                Some(Filtered::scan(&self.egress, stdout, stderr, &values))
            }
        };
        Ok(Execution {
            guardian,
            run: Some(run),
            egress,
            privacy,
        })
    }
}

impl Execution {
    /// How the job ended.
    pub fn outcome(&self) -> Outcome {
        if matches!(self.privacy, Some(Privacy::Blocked { .. })) {
            return Outcome::PrivacyBlocked;
        }
        if self.egress.as_ref().is_some_and(Filtered::is_blocked) {
            return Outcome::EgressBlocked;
        }
        match self.run.as_ref().map(|run| &run.outcome) {
            None => Outcome::Rejected,
            Some(RunOutcome::Completed { exit_code: 0, .. }) => Outcome::Completed,
            Some(RunOutcome::Completed { exit_code, .. }) => Outcome::ExitedNonZero(*exit_code),
            Some(RunOutcome::Trapped { .. }) => Outcome::Trapped,
            Some(RunOutcome::LimitExceeded { limit, .. }) => Outcome::LimitExceeded(*limit),
            Some(RunOutcome::TimedOut { .. }) => Outcome::TimedOut,
        }
    }

    /// The stdout bytes that may leave the node: as the guest wrote them (or as the privacy
    /// stage rewrote them) when the filter passed them, redacted in redact mode, `None` when
    /// blocked or when the module never ran.
    pub fn stdout(&self) -> Option<&[u8]> {
        let run = self.run.as_ref()?;
        let raw = match &self.privacy {
            Some(Privacy::Passed(stdout)) => stdout,
            Some(Privacy::Blocked { .. }) => return None,
            None => run.outcome.stdout(),
        };
        self.egress.as_ref()?.stdout(raw)
    }

    /// The stderr bytes that may leave the node, filtered like [`Execution::stdout`]; empty
    /// when a dataset's privacy controls shape the output.
    pub fn stderr(&self) -> Option<&[u8]> {
        let run = self.run.as_ref()?;
        let raw = match &self.privacy {
            Some(_) => b"",
            None => run.outcome.stderr(),
        };
        self.egress.as_ref()?.stderr(raw)
    }
}
