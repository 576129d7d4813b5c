//! Where untrusted modules are compiled: on a thread of the sandbox's process, or in a child
//! process the sandbox can kill and the kernel bounds.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::Error;

/// Where a [`Sandbox`](crate::Sandbox) compiles the modules it has not compiled yet.
///
/// Cranelift cannot be interrupted, and a small hostile module can make it run for seconds and
/// use gigabytes. [`Isolation::Process`] puts each compile in a child process that is killed
/// at [`Config::compile_timeout`](crate::Config::compile_timeout) (or when the run is
/// cancelled) and whose memory and CPU the kernel caps; [`Isolation::InProcess`] compiles on a
/// thread of this process, which a deadline can only abandon. Defaults to
/// [`Isolation::InProcess`], which needs no helper program; a Data Node should use
/// [`Isolation::Process`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Isolation {
    /// Each compile runs on its own thread of this process. A compile past its deadline is
    /// abandoned, not stopped: its thread, its memory and its slot in
    /// [`Config::max_concurrent_compiles`](crate::Config::max_concurrent_compiles) stay taken
    /// until Cranelift returns, and its memory is this process's memory.
    #[default]
    InProcess,
    /// Each compile runs in a fresh child process, [`Worker::program`] with [`Worker::args`],
    /// which must end in a call to [`compile_worker`](crate::compile_worker). Unix only.
    Process(Worker),
}

/// The child process of [`Isolation::Process`] and the limits it runs under.
///
/// The sandbox starts the program with an empty environment, in its own process group, with
/// only stdin (the module), stdout (the compiled artifact) and stderr (a reason, of which the
/// sandbox keeps [`MAX_WORKER_STDERR`] bytes) connected. Before it reads a byte of the module,
/// the child caps its own address space at [`Worker::memory_bytes`] and its CPU time at the
/// compile deadline rounded up plus one second (`RLIMIT_CPU`: `SIGXCPU`, then `SIGKILL` a
/// second later), forbids itself new processes and threads, core dumps and file writes, and
/// asks the kernel to kill it if the sandbox's process dies. The sandbox kills the child's
/// process group with `SIGKILL` and reaps it at the compile deadline, when the run is
/// cancelled, and when its output passes [`Worker::max_artifact_bytes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    /// The program to start, normally this process's own executable
    /// (`std::env::current_exe()`), so the artifact comes from the same build as the engine
    /// that loads it.
    pub program: PathBuf,
    /// Arguments that select the worker in `program` (for the `nmp` binary,
    /// `["compile-worker"]`); the sandbox appends one more, the compile's settings, which the
    /// program passes to [`compile_worker`](crate::compile_worker).
    pub args: Vec<OsString>,
    /// The child's address-space limit (`RLIMIT_AS`), in bytes, counting the program's own
    /// mappings. An allocation past it fails, and the compile ends with
    /// [`WorkerError::Signalled`](crate::WorkerError::Signalled) (the allocator aborts) or
    /// [`Error::Compile`] (Cranelift reports it). At least 64 MiB. Defaults to 1 GiB.
    pub memory_bytes: u64,
    /// Largest compiled artifact read from the child, in bytes; a larger one is refused with
    /// [`WorkerError::ArtifactTooLarge`](crate::WorkerError::ArtifactTooLarge) and the child
    /// killed. At least 1. Defaults to 64 MiB.
    pub max_artifact_bytes: u64,
}

/// Bytes of a worker's stderr the sandbox keeps for its error reports; the rest is read and
/// discarded, so a chatty child never blocks and never grows the sandbox's memory.
pub const MAX_WORKER_STDERR: usize = 4096;

const MIB: u64 = 1024 * 1024;

impl Worker {
    /// A worker running `program` with `args`, under the default limits.
    pub fn new(
        program: impl Into<PathBuf>,
        args: impl IntoIterator<Item = impl Into<OsString>>,
    ) -> Self {
        Self {
            program: program.into(),
            args: args.into_iter().map(Into::into).collect(),
            memory_bytes: 1024 * MIB,
            max_artifact_bytes: 64 * MIB,
        }
    }
}

impl Isolation {
    /// Checks the worker's limits, and that this host can start workers.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let Self::Process(worker) = self else {
            return Ok(());
        };
        let invalid = |field, reason| Err(Error::InvalidConfig { field, reason });
        if !cfg!(unix) {
            return invalid("isolation", "compile workers need a Unix host");
        }
        if worker.memory_bytes < 64 * MIB {
            return invalid("isolation.memory_bytes", "must be at least 64 MiB");
        }
        if worker.max_artifact_bytes == 0 {
            return invalid("isolation.max_artifact_bytes", "must be at least 1");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_at_their_boundaries() {
        let mut worker = Worker::new("/bin/true", ["x"]);
        assert_eq!(worker.args, [OsString::from("x")]);
        worker.memory_bytes = 64 * MIB;
        worker.max_artifact_bytes = 1;
        Isolation::Process(worker.clone()).validate().unwrap();
        let low = Worker {
            memory_bytes: 64 * MIB - 1,
            ..worker.clone()
        };
        let err = Isolation::Process(low).validate().unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidConfig {
                field: "isolation.memory_bytes",
                ..
            }
        ));
        let empty = Worker {
            max_artifact_bytes: 0,
            ..worker
        };
        let err = Isolation::Process(empty).validate().unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidConfig {
                field: "isolation.max_artifact_bytes",
                ..
            }
        ));
    }
}
