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

impl Error {
    /// A [`Error::Host`] from a wasmtime error, keeping its whole cause chain in the text.
    pub(crate) fn host(error: &wasmtime::Error) -> Self {
        Self::Host {
            reason: format!("{error:#}"),
        }
    }
}
