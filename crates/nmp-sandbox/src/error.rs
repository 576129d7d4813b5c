//! Host failures: the only way [`Sandbox`](crate::Sandbox) calls fail.
//!
//! Guest misbehaviour (traps, timeouts, exhausted limits) is never an [`Error`]; it is an
//! [`Outcome`](crate::Outcome).

use std::io;
use std::path::PathBuf;

/// Why the sandbox could not be created, or could not run a module at all.
///
/// Every variant means the guest did not run to any outcome; nothing about the guest's behaviour
/// can be inferred from it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A [`Config`](crate::Config) field is out of range; no sandbox was created.
    #[error("invalid sandbox config: `{field}` {reason}")]
    InvalidConfig {
        /// The offending field, as spelled in `Config` or `Limits`.
        field: &'static str,
        /// What the field must satisfy.
        reason: &'static str,
    },
    /// A per-run [`Limits`](crate::Limits) field is looser than the sandbox's ceiling
    /// (`Config::limits`); nothing ran.
    #[error("per-run limit `{field}` is above the sandbox ceiling")]
    LimitAboveCeiling {
        /// The offending field of `Limits`.
        field: &'static str,
    },
    /// A [`Mount`](crate::Mount) is malformed (bad name, duplicate, too many); nothing ran.
    #[error("invalid mount `{name}`: {reason}")]
    InvalidMount {
        /// The mount name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A mount's host directory could not be opened; nothing ran.
    #[error("cannot open mount `{name}` at {}", path.display())]
    MountUnavailable {
        /// The mount name.
        name: String,
        /// The host directory that could not be opened.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// The bytes are not a WebAssembly module this engine can compile. The Guardian should have
    /// rejected it; the module never ran.
    #[error("module does not compile: {reason}")]
    Compile {
        /// The compiler's explanation, with its cause chain.
        reason: String,
    },
    /// The module imports something the sandbox does not provide (only WASI preview 1 is
    /// linked); the module never ran.
    #[error("module cannot be linked: {reason}")]
    Link {
        /// The linker's explanation, naming the import.
        reason: String,
    },
    /// The module does not export `_start` as a function taking and returning nothing, so it is
    /// not a WASI command; the module never ran.
    #[error("module is not a WASI command: no `_start: func()` export")]
    NotACommand,
    /// `Config::max_concurrent_runs` runs are already in flight; retry later.
    #[error("sandbox busy: {max} runs already in flight")]
    TooManyRuns {
        /// The configured maximum.
        max: usize,
    },
    /// `Config::max_concurrent_compiles` compilations are already in flight (some may be
    /// runaway compiles still finishing after their deadline); retry later.
    #[error("compiler busy: {max} compilations already in flight")]
    TooManyCompiles {
        /// The configured maximum.
        max: usize,
    },
    /// The wasm engine could not be created (for example the OS refused the pooling
    /// allocator's address-space reservation).
    #[error("cannot create the wasm engine: {reason}")]
    Engine {
        /// Wasmtime's explanation.
        reason: String,
    },
    /// The caller's [`Cancel`](crate::Cancel) fired before the run returned; the guest was
    /// stopped (or never started) and its output discarded. Nothing about the guest's
    /// behaviour can be inferred from it.
    #[error("the run was cancelled")]
    Cancelled,
    /// The compile worker of [`Isolation::Process`](crate::Isolation::Process) failed: it
    /// could not be started, was killed by a signal it was not sent (for instance its memory
    /// limit made the allocator abort), exited with an unexpected status, or wrote an
    /// artifact that is too large or that Wasmtime refuses. The module never ran and is not
    /// cached. The [`WorkerError`] says which; its text can carry what a hostile module made
    /// the compiler print, so it belongs in the operator's log, not in an answer.
    #[error("the compile worker failed")]
    Worker(#[from] WorkerError),
    /// A host resource (thread, async runtime, cache directory) could not be set up.
    #[error("host resource unavailable: {what}")]
    Io {
        /// What the sandbox was doing.
        what: &'static str,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// Setting up or tearing down a run failed for a reason that is not the guest's doing.
    #[error("host failure while running a module: {reason}")]
    Host {
        /// What went wrong, with its cause chain.
        reason: String,
    },
}

/// How a compile worker failed. See [`Error::Worker`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// The worker program could not be started (missing, not executable, out of processes).
    #[error("cannot start the compile worker")]
    Spawn {
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// Reading from or waiting for the worker failed.
    #[error("cannot talk to the compile worker")]
    Pipe {
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// The worker died of a signal the sandbox did not send: typically `SIGABRT` (an
    /// allocation failed under its memory limit), `SIGXCPU` or `SIGKILL` (its CPU limit, or
    /// the kernel's out-of-memory killer) or `SIGSEGV`.
    #[error("the compile worker died of signal {signal}: {stderr}")]
    Signalled {
        /// The signal number.
        signal: i32,
        /// The start of what it wrote to stderr (at most
        /// [`MAX_WORKER_STDERR`](crate::MAX_WORKER_STDERR) bytes).
        stderr: String,
    },
    /// The worker exited with a status other than success or "does not compile" (for
    /// instance it could not set its limits, or the program is not a compile worker).
    #[error("the compile worker exited with status {code}: {stderr}")]
    Exited {
        /// The exit status.
        code: i32,
        /// The start of what it wrote to stderr (at most
        /// [`MAX_WORKER_STDERR`](crate::MAX_WORKER_STDERR) bytes).
        stderr: String,
    },
    /// The artifact passed [`Worker::max_artifact_bytes`](crate::Worker::max_artifact_bytes);
    /// the worker was killed and nothing more read.
    #[error("the compiled artifact is larger than {max} bytes")]
    ArtifactTooLarge {
        /// The configured maximum.
        max: u64,
    },
    /// Wasmtime refused the artifact (an incompatible or damaged one).
    #[error("the compiled artifact does not load: {reason}")]
    BadArtifact {
        /// Wasmtime's explanation.
        reason: String,
    },
}

impl Error {
    /// A [`Error::Host`] from a wasmtime error, keeping its whole cause chain in the text.
    pub(crate) fn host(error: &wasmtime::Error) -> Self {
        Self::Host {
            reason: format!("{error:#}"),
        }
    }
}
