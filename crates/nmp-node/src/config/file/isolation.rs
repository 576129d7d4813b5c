//! Where the node compiles untrusted modules, as written in `[policy.sandbox]`:
//! `compile_isolation`, `compile_memory_mb` and `compile_timeout_ms`.

use std::time::Duration;

use nmp_sandbox::{Isolation, Worker};
use serde::Deserialize;

use super::{FileError, SandboxLimits};

/// The hidden subcommand of the `nmp` binary that runs one compile in a child process
/// (`nmp compile-worker`); with `compile_isolation = "process"` the node starts its own
/// executable with it.
pub const COMPILE_WORKER_COMMAND: &str = "compile-worker";

/// `policy.sandbox.compile_isolation`: where modules are compiled (`nmp_sandbox::Isolation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CompileIsolation {
    /// In a child process per compile: the node's own executable run as
    /// `<exe> compile-worker`, memory-capped by `compile_memory_mb` and killed at the compile
    /// deadline. The default of `nmp node`; the executable must be the `nmp` binary (or
    /// another program that runs `nmp_sandbox::compile_worker` on that subcommand).
    Process,
    /// On a thread of the node's process: a compile past its deadline is abandoned and runs
    /// on, and its memory is the node's. The default when a program other than `nmp node`
    /// loads the file.
    Thread,
}

impl SandboxLimits {
    /// The sandbox's compile isolation: a [`Worker`] running this process's executable for
    /// `"process"`. `compile_memory_mb` applies only to it; the sandbox checks its range.
    pub(super) fn isolation(&self) -> Result<Isolation, FileError> {
        match self.compile_isolation.unwrap_or(CompileIsolation::Thread) {
            CompileIsolation::Thread if self.compile_memory_mb.is_some() => {
                Err(FileError::Sandbox(
                    "compile_memory_mb applies only to compile_isolation = \"process\"",
                ))
            }
            CompileIsolation::Thread => Ok(Isolation::InProcess),
            CompileIsolation::Process => {
                let program = std::env::current_exe().map_err(FileError::CompileWorker)?;
                let mut worker = Worker::new(program, [COMPILE_WORKER_COMMAND]);
                if let Some(mb) = self.compile_memory_mb {
                    worker.memory_bytes = mb.saturating_mul(1024 * 1024);
                }
                Ok(Isolation::Process(worker))
            }
        }
    }

    /// The compile deadline, if `compile_timeout_ms` sets one.
    pub(super) fn compile_timeout(&self) -> Option<Duration> {
        self.compile_timeout_ms.map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(keys: &str) -> Result<Isolation, FileError> {
        let limits: SandboxLimits = toml::from_str(keys).expect("valid TOML for the section");
        limits.isolation()
    }

    #[test]
    fn process_isolation_runs_this_executable_as_a_worker() {
        assert_eq!(parse("").unwrap(), Isolation::InProcess);
        assert_eq!(
            parse("compile_isolation = \"thread\"").unwrap(),
            Isolation::InProcess
        );
        let Isolation::Process(worker) =
            parse("compile_isolation = \"process\"\ncompile_memory_mb = 512").unwrap()
        else {
            panic!("process isolation");
        };
        assert_eq!(worker.program, std::env::current_exe().unwrap());
        assert_eq!(worker.args, [COMPILE_WORKER_COMMAND]);
        assert_eq!(worker.memory_bytes, 512 * 1024 * 1024);
        let default = parse("compile_isolation = \"process\"").unwrap();
        assert!(matches!(default, Isolation::Process(w) if w.memory_bytes == 1 << 30));
    }

    #[test]
    fn a_memory_limit_without_a_worker_is_refused() {
        let err = parse("compile_memory_mb = 512").unwrap_err();
        assert!(matches!(err, FileError::Sandbox(_)), "{err}");
        assert!(toml::from_str::<SandboxLimits>("compile_isolation = \"fork\"").is_err());
    }
}
