//! Compiling untrusted bytes under a deadline, after a static check of what they declare.
//!
//! Cranelift's compile time can explode on small hostile modules and cannot be interrupted,
//! so each compile runs on its own thread while the caller waits at most
//! [`Config::compile_timeout`](crate::Config::compile_timeout). A compile past its deadline is
//! abandoned, not killed: its thread keeps its slot in the compile [`Gate`] until Cranelift
//! returns, so at most `max_concurrent_compiles` compile threads ever exist, each compiling
//! one function at a time (parallel compilation is off). How long and how large one compile
//! can get is bounded statically, before this point, by the Guardian's per-function caps.

mod precheck;

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use wasmtime::{Engine, Module};

pub(crate) use self::precheck::precheck;
use crate::Error;
use crate::sandbox::gate::Gate;

/// Compiles modules on bounded, deadline-watched threads.
#[derive(Debug)]
pub(crate) struct Compiler {
    engine: Engine,
    gate: Gate,
    timeout: Duration,
}

/// A compile that finished in time, or did not.
pub(crate) enum Compiled {
    Module(Module),
    TimedOut,
}

impl Compiler {
    pub(crate) fn new(engine: Engine, max_in_flight: usize, timeout: Duration) -> Self {
        Self {
            engine,
            gate: Gate::new(max_in_flight),
            timeout,
        }
    }

    /// Compiles `wasm` (binary format only), or gives up after the deadline.
    pub(crate) fn compile(&self, wasm: &[u8]) -> Result<Compiled, Error> {
        let permit = self.gate.try_acquire().ok_or(Error::TooManyCompiles {
            max: self.gate.max(),
        })?;
        // One slot: the worker's single send never blocks, even after the caller gave up.
        let (done, result) = mpsc::sync_channel(1);
        let engine = self.engine.clone();
        let wasm = wasm.to_vec();
        thread::Builder::new()
            .name("nmp-sandbox-compile".into())
            .spawn(move || {
                let _permit = permit;
                let compiled = Module::from_binary(&engine, &wasm).map_err(|e| format!("{e:#}"));
                // The receiver is gone if the caller timed out; the module is then dropped
                // uncached, as a hostile one should be.
                let _ = done.send(compiled);
            })
            .map_err(|source| Error::Io {
                what: "starting a compile thread",
                source,
            })?;
        match result.recv_timeout(self.timeout) {
            Ok(Ok(module)) => Ok(Compiled::Module(module)),
            Ok(Err(reason)) => Err(Error::Compile { reason }),
            Err(RecvTimeoutError::Timeout) => Ok(Compiled::TimedOut),
            Err(RecvTimeoutError::Disconnected) => Err(Error::Host {
                reason: "the compile thread ended without a result".into(),
            }),
        }
    }
}
