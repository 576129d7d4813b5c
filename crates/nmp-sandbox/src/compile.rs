//! Compiling untrusted bytes under a deadline, after a static check of what they declare.
//!
//! Cranelift's compile time and memory can explode on small hostile modules, and a compile
//! cannot be interrupted from inside. Where it runs is the sandbox's [`Isolation`]:
//!
//! - [`Isolation::Process`]: each compile is a child process (the [`worker`] side in the
//!   child, the [`process`] side here) that caps its own memory and CPU time with the kernel
//!   before it reads the module, and that the caller kills at [`Config::compile_timeout`] or
//!   when the run is cancelled, so its slot in the compile [`Gate`] frees at once.
//! - [`Isolation::InProcess`]: each compile runs on its own thread while the caller waits at
//!   most the deadline. A compile past its deadline is abandoned, not killed: its thread keeps
//!   its slot until Cranelift returns, so at most `max_concurrent_compiles` compile threads
//!   ever exist, each compiling one function at a time (parallel compilation is off).
//!
//! Either way, how long and how large one compile can get is bounded statically first, by
//! the Guardian's per-function caps.
//!
//! [`Config::compile_timeout`]: crate::Config::compile_timeout

mod limits;
mod precheck;
#[cfg(unix)]
pub(crate) mod process;
mod thread;
pub(crate) mod worker;

use std::time::Duration;

use futures::executor::block_on;
use tokio::runtime::Handle;
use wasmtime::{Engine, Module};

pub(crate) use self::precheck::precheck;
use crate::sandbox::engine::EngineSettings;
use crate::sandbox::gate::Gate;
use crate::{Cancel, Error, Isolation};

/// Compiles modules on bounded, deadline-watched threads or worker processes.
#[derive(Debug)]
pub(crate) struct Compiler {
    engine: Engine,
    settings: EngineSettings,
    isolation: Isolation,
    gate: Gate,
    timeout: Duration,
    runtime: Handle,
}

/// A compile that finished in time, or did not.
pub(crate) enum Compiled {
    Module(Module),
    TimedOut,
}

impl Compiler {
    /// A compiler for `engine`, whose worker processes (if any) run their async I/O on
    /// `runtime`.
    pub(crate) fn new(engine: Engine, config: &crate::Config, runtime: Handle) -> Self {
        Self {
            engine,
            settings: EngineSettings::of(config),
            isolation: config.isolation.clone(),
            gate: Gate::new(config.max_concurrent_compiles),
            timeout: config.compile_timeout,
            runtime,
        }
    }

    /// Compiles `wasm` (binary format only), or gives up after the deadline.
    ///
    /// With [`Isolation::Process`], `cancel` kills the compile and returns
    /// [`Error::Cancelled`]; an in-process compile cannot be cancelled and runs to its end
    /// or its deadline.
    pub(crate) fn compile(&self, wasm: &[u8], cancel: &Cancel) -> Result<Compiled, Error> {
        let permit = self.gate.try_acquire().ok_or(Error::TooManyCompiles {
            max: self.gate.max(),
        })?;
        match &self.isolation {
            Isolation::InProcess => thread::compile(&self.engine, wasm, self.timeout, permit),
            Isolation::Process(worker) => {
                let _permit = permit;
                self.in_worker(worker, wasm, cancel)
            }
        }
    }

    #[cfg(unix)]
    fn in_worker(
        &self,
        worker: &crate::Worker,
        wasm: &[u8],
        cancel: &Cancel,
    ) -> Result<Compiled, Error> {
        let spec = worker::Spec {
            engine: self.settings,
            wasm_bytes: wasm.len() as u64,
            memory_bytes: worker.memory_bytes,
            cpu_secs: cpu_secs(self.timeout),
            parent: std::process::id(),
        };
        let _runtime = self.runtime.enter();
        let ending = block_on(process::compile(worker, &spec, wasm, self.timeout, cancel))?;
        match ending {
            process::Ending::Artifact(artifact) => {
                process::deserialize(&self.engine, &artifact).map(Compiled::Module)
            }
            process::Ending::TimedOut => Ok(Compiled::TimedOut),
        }
    }

    /// `Config` validation refuses [`Isolation::Process`] off Unix.
    #[cfg(not(unix))]
    fn in_worker(&self, _: &crate::Worker, _: &[u8], _: &Cancel) -> Result<Compiled, Error> {
        Err(Error::InvalidConfig {
            field: "isolation",
            reason: "compile workers need a Unix host",
        })
    }
}

/// A worker's CPU-time limit: the deadline rounded up to whole seconds, plus one. It is a
/// backstop for a sandbox that could not kill its worker in time; the deadline comes first.
fn cpu_secs(timeout: Duration) -> u64 {
    timeout
        .as_secs()
        .saturating_add(u64::from(timeout.subsec_nanos() > 0))
        .saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_limit_is_a_second_above_the_rounded_deadline() {
        assert_eq!(cpu_secs(Duration::from_secs(10)), 11);
        assert_eq!(cpu_secs(Duration::from_millis(10_001)), 12);
        assert_eq!(cpu_secs(Duration::from_millis(1)), 2);
    }
}
