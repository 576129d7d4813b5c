//! The wasmtime engine and linker a sandbox is built on.

use wasmtime::{Engine, InstanceAllocationStrategy, Linker, PoolingAllocationConfig};

use crate::exec::State;
use crate::{Allocator, Config, Error};

/// An engine with epoch interruption and fuel metering on, sized by `config`.
///
/// Fuel metering is always compiled in (it costs some speed in every guest) so that per-run
/// budgets work whatever the sandbox-wide ceiling is. Parallel compilation is off: each
/// compile runs on its one compile thread, so `max_concurrent_compiles` bounds the cores (and
/// the Cranelift working sets) compilation can ever take, whatever a module's function count.
pub(crate) fn engine(config: &Config) -> Result<Engine, Error> {
    let mut wasm = wasmtime::Config::new();
    wasm.epoch_interruption(true)
        .consume_fuel(true)
        .max_wasm_stack(config.max_wasm_stack)
        .async_stack_size(config.async_stack_size())
        .parallel_compilation(false);
    if config.is_deterministic() {
        wasm.cranelift_nan_canonicalization(true)
            .relaxed_simd_deterministic(true);
    }
    if config.allocator == Allocator::Pooling {
        wasm.allocation_strategy(InstanceAllocationStrategy::Pooling(pool(config)));
    }
    Engine::new(&wasm).map_err(|e| Error::Engine {
        reason: format!("{e:#}"),
    })
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
