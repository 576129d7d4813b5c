//! The [`Sandbox`]: owns the engine, caches, compile threads, epoch thread and async runtime,
//! and runs modules.

pub(crate) mod engine;
mod flights;
pub(crate) mod gate;
mod prepare;
mod ticker;

use std::fmt;
use std::num::NonZeroUsize;
use std::time::Instant;

use tokio::runtime::Runtime;
use wasmtime::{Engine, Linker};

use self::flights::Flights;
use self::gate::Gate;
use self::prepare::Prepared;
use self::ticker::Ticker;
use crate::cache::{DiskCache, MemoryCache};
use crate::compile::Compiler;
use crate::exec::{self, Executed, Job, State};
use crate::{Cancel, Config, Error, Limits, Mount, Run, Stats, mount};

/// Runs validated WebAssembly modules under limits over read-only data.
///
/// Create one per node and share it (`Sandbox` is `Send + Sync`; runs take `&self` and may run
/// in parallel, up to [`Config::max_concurrent_runs`]). Creating it reserves the instance pool
/// and starts two background threads (epoch ticker, timer driver); dropping it stops them.
/// With [`Isolation::Process`](crate::Isolation::Process) each compile also starts one child
/// process, which is dead and reaped when the compile returns.
pub struct Sandbox {
    // Field order is drop order: stop the epoch thread before the engine goes.
    ticker: Ticker,
    engine: Engine,
    linker: Linker<State>,
    config: Config,
    cache: MemoryCache,
    disk: Option<DiskCache>,
    compiler: Compiler,
    flights: Flights,
    runs: Gate,
    runtime: Option<Runtime>,
}

impl Sandbox {
    /// Builds a sandbox from `config`.
    ///
    /// Fails with [`Error::InvalidConfig`] for an out-of-range field, [`Error::Engine`] if the
    /// OS refuses the pool's address-space reservation, or [`Error::Io`] if a thread, the
    /// runtime or the cache directory cannot be set up.
    pub fn new(config: Config) -> Result<Self, Error> {
        config.validate()?;
        let engine = engine::engine(&config)?;
        let linker = engine::linker(&engine)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(config.max_concurrent_runs)
            .thread_name("nmp-sandbox-io")
            .enable_all()
            .build()
            .map_err(|source| Error::Io {
                what: "starting the sandbox's async runtime",
                source,
            })?;
        let disk = match &config.cache_dir {
            Some(dir) => Some(DiskCache::open(
                dir,
                &engine,
                config.disk_cache_entries,
                config.disk_cache_bytes,
            )?),
            None => None,
        };
        let entries = NonZeroUsize::new(config.cache_entries)
            .expect("Config::validate checked cache_entries >= 1");
        let compiler = Compiler::new(engine.clone(), &config, runtime.handle().clone());
        Ok(Self {
            ticker: Ticker::start(engine.clone(), config.epoch_tick)?,
            cache: MemoryCache::new(entries),
            flights: Flights::default(),
            runs: Gate::new(config.max_concurrent_runs),
            runtime: Some(runtime),
            engine,
            linker,
            config,
            disk,
            compiler,
        })
    }

    /// The configuration this sandbox was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs `wasm` with `input` on stdin and `mounts` readable under `/data`, under the
    /// default [`Config::limits`]. See [`Sandbox::run_with`].
    pub fn run(&self, wasm: &[u8], input: &[u8], mounts: &[Mount]) -> Result<Run, Error> {
        self.run_with(wasm, input, mounts, &self.config.limits)
    }

    /// Runs `wasm` (a WASI preview 1 command, binary format) under `limits`, which may only
    /// tighten [`Config::limits`]. See [`Sandbox::run_cancellable`]; this run cannot be
    /// cancelled.
    pub fn run_with(
        &self,
        wasm: &[u8],
        input: &[u8],
        mounts: &[Mount],
        limits: &Limits,
    ) -> Result<Run, Error> {
        self.run_cancellable(wasm, input, mounts, limits, &Cancel::new())
    }

    /// Runs `wasm` (a WASI preview 1 command, binary format) under `limits`, which may only
    /// tighten [`Config::limits`], until it ends or `cancel` fires.
    ///
    /// Blocks the calling thread until the guest ends: at most `limits.timeout` after it
    /// starts, plus compilation (bounded by [`Config::compile_timeout`]) on a cache miss. Call
    /// it from a plain thread; from async code, use `spawn_blocking`. Every guest behaviour,
    /// including traps, timeouts and exhausted limits, is an `Ok` [`Run`]; `Err` means the
    /// module never ran, the host failed or the caller cancelled (see [`Error`]).
    ///
    /// [`Cancel::cancel`] stops the guest within one [`Config::epoch_tick`] (at once when it
    /// is blocked in a host call) and this call returns [`Error::Cancelled`], freeing its run
    /// slot. With [`Isolation::Process`](crate::Isolation::Process) a compile in progress is
    /// killed too and its compile slot freed; an in-process compile is not interrupted (it
    /// finishes and is cached). A token already cancelled returns before compiling.
    pub fn run_cancellable(
        &self,
        wasm: &[u8],
        input: &[u8],
        mounts: &[Mount],
        limits: &Limits,
        cancel: &Cancel,
    ) -> Result<Run, Error> {
        let started = Instant::now();
        limits.check_within(&self.config.limits)?;
        mount::validate(mounts)?;
        let _permit = self.runs.try_acquire().ok_or(Error::TooManyRuns {
            max: self.runs.max(),
        })?;
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let prepared = self.prepare(wasm, cancel)?;
        let executed = match prepared.ready {
            Prepared::Ready(pre) => {
                let job = Job {
                    engine: &self.engine,
                    runtime: self.runtime(),
                    config: &self.config,
                    limits,
                    input,
                    mounts,
                    cancel,
                };
                exec::execute(&job, &pre)?
            }
            Prepared::Refused(limit) => Executed::not_started(limit),
        };
        let stats = Stats {
            wall_time: started.elapsed(),
            compile_time: prepared.elapsed,
            exec_time: executed.elapsed,
            fuel_consumed: executed.fuel_consumed,
            peak_memory_bytes: executed.peak_memory_bytes,
            cache: prepared.cache,
        };
        Ok(Run {
            outcome: executed.outcome,
            stats,
        })
    }

    fn runtime(&self) -> &Runtime {
        self.runtime
            .as_ref()
            .expect("the runtime is only taken in Drop")
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // A plain drop would block on the runtime's threads, and panics if the sandbox is
        // dropped inside async code; background shutdown does neither.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("config", &self.config)
            .field("cache", &self.cache)
            .field("disk", &self.disk)
            .field("compiler", &self.compiler)
            .field("runs", &self.runs)
            .field("ticker", &self.ticker)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Sandbox>();
    }
}
