//! [`Isolation::InProcess`](crate::Isolation::InProcess): a compile on its own thread of this
//! process, abandoned (not stopped) at its deadline.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use wasmtime::{Engine, Module};

use super::Compiled;
use crate::Error;
use crate::sandbox::gate::Permit;

/// Compiles `wasm` (binary format only) on a new thread that holds `permit` until Cranelift
/// returns, and waits for it at most `timeout`.
pub(super) fn compile(
    engine: &Engine,
    wasm: &[u8],
    timeout: Duration,
    permit: Permit,
) -> Result<Compiled, Error> {
    // One slot: the worker's single send never blocks, even after the caller gave up.
    let (done, result) = mpsc::sync_channel(1);
    let engine = engine.clone();
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
    match result.recv_timeout(timeout) {
        Ok(Ok(module)) => Ok(Compiled::Module(module)),
        Ok(Err(reason)) => Err(Error::Compile { reason }),
        Err(RecvTimeoutError::Timeout) => Ok(Compiled::TimedOut),
        Err(RecvTimeoutError::Disconnected) => Err(Error::Host {
            reason: "the compile thread ended without a result".into(),
        }),
    }
}
