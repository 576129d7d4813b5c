//! Getting from bytes to linked, ready-to-instantiate code: memory cache, static check, disk
//! cache, compile, link, in that order.

use std::time::{Duration, Instant};

use wasmtime::{ExternType, InstancePre, Module};

use super::Sandbox;
use crate::cache::{self, Key};
use crate::compile::{Compiled, precheck};
use crate::exec::State;
use crate::{CacheHit, Cancel, Error, Limit};

/// Code ready to run, or a limit that stops the module before it runs.
pub(super) enum Prepared {
    Ready(InstancePre<State>),
    Refused(Limit),
}

/// The result of [`Sandbox::prepare`], with where it came from and what it cost.
pub(super) struct Preparation {
    pub(super) ready: Prepared,
    pub(super) cache: CacheHit,
    pub(super) elapsed: Duration,
}

impl Sandbox {
    /// Whether a run of the module whose bytes have SHA-256 `module_sha256` would now find its
    /// compiled code in memory, without compiling.
    ///
    /// The answer can change at once (another run may cache it, or evict it), so it is a hint
    /// for admission, such as charging compiles to a quota; a disk-cache hit counts as not
    /// compiled.
    pub fn is_compiled(&self, module_sha256: &[u8; 32]) -> bool {
        self.cache.contains(module_sha256)
    }

    /// Finds or builds linked code for `wasm`.
    ///
    /// Concurrent misses on one module compile it once: the others wait their turn and then
    /// find it in memory. The static check runs on every memory miss, before the disk cache, so
    /// an artifact written under a laxer configuration can never bypass this sandbox's
    /// ceilings. `cancel` stops a compile in a worker process (see [`Compiler::compile`]).
    ///
    /// [`Compiler::compile`]: crate::compile::Compiler::compile
    pub(super) fn prepare(&self, wasm: &[u8], cancel: &Cancel) -> Result<Preparation, Error> {
        let started = Instant::now();
        let done = |ready, cache| Preparation {
            ready,
            cache,
            elapsed: started.elapsed(),
        };
        let key = cache::key(wasm);
        if let Some(pre) = self.cache.get(&key) {
            return Ok(done(Prepared::Ready(pre), CacheHit::Memory));
        }
        let ticket = self.flights.join(key);
        let _turn = ticket.wait();
        // Whoever held the turn before us may have just cached it.
        if let Some(pre) = self.cache.get(&key) {
            return Ok(done(Prepared::Ready(pre), CacheHit::Memory));
        }
        if let Some(limit) = precheck(wasm, &self.config)? {
            return Ok(done(Prepared::Refused(limit), CacheHit::Miss));
        }
        let loaded = self.disk.as_ref().and_then(|d| d.load(&self.engine, &key));
        let (module, hit) = match loaded {
            Some(module) => (module, CacheHit::Disk),
            None => match self.compiler.compile(wasm, cancel)? {
                Compiled::Module(module) => (module, CacheHit::Miss),
                Compiled::TimedOut => {
                    return Ok(done(Prepared::Refused(Limit::CompileTime), CacheHit::Miss));
                }
            },
        };
        let pre = self.link(&module)?;
        if hit == CacheHit::Miss {
            self.store_on_disk(&key, &module);
        }
        self.cache.insert(key, pre.clone());
        Ok(done(Prepared::Ready(pre), hit))
    }

    fn link(&self, module: &Module) -> Result<InstancePre<State>, Error> {
        let is_command = matches!(
            module.get_export("_start"),
            Some(ExternType::Func(start)) if start.params().len() == 0 && start.results().len() == 0
        );
        if !is_command {
            return Err(Error::NotACommand);
        }
        self.linker
            .instantiate_pre(module)
            .map_err(|e| Error::Link {
                reason: format!("{e:#}"),
            })
    }

    fn store_on_disk(&self, key: &Key, module: &Module) {
        if let Some(disk) = &self.disk {
            disk.store(key, module);
        }
    }
}
