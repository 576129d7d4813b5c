//! The wasmtime engine and linker a sandbox is built on.

use wasmtime::{Engine, InstanceAllocationStrategy, Linker, PoolingAllocationConfig};

use crate::exec::State;
use crate::{Allocator, Config, Error};

/// An engine with epoch interruption and fuel metering on, sized by `config`: the settings of
/// [`wasm_config`] plus, with [`Allocator::Pooling`], the instance pool.
pub(crate) fn engine(config: &Config) -> Result<Engine, Error> {
    let mut wasm = wasm_config(&EngineSettings::of(config));
    if config.allocator == Allocator::Pooling {
        wasm.allocation_strategy(InstanceAllocationStrategy::Pooling(pool(config)));
    }
    Engine::new(&wasm).map_err(|e| Error::Engine {
        reason: format!("{e:#}"),
    })
}

/// What of a sandbox's [`Config`] shapes compiled code. The compile worker receives it on its
/// command line, so the engine it compiles with is built by the same [`wasm_config`] call as
/// the sandbox's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EngineSettings {
    /// [`Config::max_wasm_stack`].
    pub(crate) max_wasm_stack: usize,
    /// [`Config::is_deterministic`].
    pub(crate) deterministic: bool,
}

impl EngineSettings {
    pub(crate) fn of(config: &Config) -> Self {
        Self {
            max_wasm_stack: config.max_wasm_stack,
            deterministic: config.is_deterministic(),
        }
    }
}

/// The one Wasmtime configuration every compile uses, in the sandbox's process and in a
/// compile worker alike.
///
/// Fuel metering is always compiled in (it costs some speed in every guest) so that per-run
/// budgets work whatever the sandbox-wide ceiling is. Parallel compilation is off: each
/// compile runs on its one compile thread (or in its one worker process), so
/// `max_concurrent_compiles` bounds the cores (and the Cranelift working sets) compilation can
/// ever take, whatever a module's function count. The allocation strategy is left out: it
/// decides only how instances get memory at run time, not what code is generated (Wasmtime
/// does not count it among the settings an artifact must match), and a worker has no use for
/// the pool's address-space reservation.
pub(crate) fn wasm_config(settings: &EngineSettings) -> wasmtime::Config {
    let mut wasm = wasmtime::Config::new();
    wasm.epoch_interruption(true)
        .consume_fuel(true)
        .max_wasm_stack(settings.max_wasm_stack)
        .async_stack_size(crate::config::async_stack_size(settings.max_wasm_stack))
        .parallel_compilation(false);
    if settings.deterministic {
        wasm.cranelift_nan_canonicalization(true)
            .relaxed_simd_deterministic(true);
    }
    wasm
}

/// One slot of everything per concurrent run. See [`Allocator::Pooling`] for the cost.
fn pool(config: &Config) -> PoolingAllocationConfig {
    let runs = u32::try_from(config.max_concurrent_runs).unwrap_or(u32::MAX);
    let limits = &config.limits;
    let mut pool = PoolingAllocationConfig::new();
    pool.total_core_instances(runs)
        .total_stacks(runs)
        .total_memories(runs.saturating_mul(config.max_memories))
        .total_tables(runs.saturating_mul(config.max_tables))
        .max_memories_per_module(config.max_memories)
        .max_tables_per_module(config.max_tables)
        .max_memory_size(usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX))
        .table_elements(limits.table_elements);
    pool
}

/// A linker with the asynchronous WASI preview 1 functions and nothing else.
///
/// Async host functions are what let a deadline interrupt a guest blocked in `poll_oneoff`:
/// their futures can be dropped, a thread inside a sync host call cannot be stopped.
pub(crate) fn linker(engine: &Engine) -> Result<Linker<State>, Error> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_async(&mut linker, State::wasi)
        .map_err(|e| Error::host(&e))?;
    Ok(linker)
}
