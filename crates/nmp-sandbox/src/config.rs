//! What a [`Sandbox`](crate::Sandbox) allows: per-run limits, pool sizing, caches, clocks and
//! randomness.
//!
//! Everything is deny-by-default: a default [`Config`] grants no WASI capability beyond stdio
//! and the mounts passed to each run, every limit below is finite, and the guest's clocks are
//! coarse.

mod clocks;
mod isolation;

use std::path::PathBuf;
use std::time::Duration;

pub use self::clocks::{Clocks, DEFAULT_CLOCK_RESOLUTION, FIXED_CLOCK_STEP, Randomness};
pub use self::isolation::{Isolation, MAX_WORKER_STDERR, Worker};
use crate::Error;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;
/// A 32-bit linear memory can never exceed 4 GiB.
const MAX_MEMORY_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// The limits of one run.
///
/// [`Config::limits`] holds the sandbox's defaults, which are also ceilings: a per-run override
/// passed to [`Sandbox::run_with`](crate::Sandbox::run_with) may only be equal or tighter, field
/// by field, or the run fails with [`Error::LimitAboveCeiling`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock budget for instantiation plus `_start`, including time blocked in host calls
    /// such as `poll_oneoff`. Compilation is bounded separately by [`Config::compile_timeout`].
    ///
    /// A run past it ends with [`Outcome::TimedOut`](crate::Outcome::TimedOut), within about
    /// one [`Config::epoch_tick`]. Defaults to 10 s.
    pub timeout: Duration,
    /// Maximum size in bytes of each linear memory, including its declared initial size.
    ///
    /// A guest that asks for more (at instantiation or with `memory.grow`) is stopped with
    /// [`Limit::Memory`](crate::Limit::Memory) rather than handed `-1`, so the outcome is
    /// unambiguous. At most 4 GiB. Defaults to 256 MiB.
    pub memory_bytes: u64,
    /// Fuel budget, roughly one unit per WebAssembly instruction executed; `None` is unmetered.
    ///
    /// A run that burns it all ends with [`Limit::Fuel`](crate::Limit::Fuel). Fuel is
    /// deterministic, unlike the wall clock, so receipts can quote it. As a ceiling, `None`
    /// allows any per-run budget. Defaults to `Some(1_000_000_000)`.
    pub fuel: Option<u64>,
    /// Maximum bytes the guest may write to stdout.
    ///
    /// The write that would exceed it stops the guest with
    /// [`Limit::Stdout`](crate::Limit::Stdout); the output up to the cap is kept. Never
    /// silently truncated. Defaults to 1 MiB.
    pub stdout_bytes: usize,
    /// Maximum bytes the guest may write to stderr, enforced like `stdout_bytes` with
    /// [`Limit::Stderr`](crate::Limit::Stderr). Defaults to 64 KiB.
    pub stderr_bytes: usize,
    /// Maximum elements of each table, including its declared initial size.
    ///
    /// Exceeding it stops the guest with [`Limit::Table`](crate::Limit::Table). Each element
    /// costs 8 bytes of host memory. Defaults to 20,000.
    pub table_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            memory_bytes: 256 * MIB as u64,
            fuel: Some(1_000_000_000),
            stdout_bytes: MIB,
            stderr_bytes: 64 * KIB,
            table_elements: 20_000,
        }
    }
}

impl Limits {
    /// Checks that every field is equal to or tighter than `ceiling`'s.
    pub(crate) fn check_within(&self, ceiling: &Limits) -> Result<(), Error> {
        let above = |field| Err(Error::LimitAboveCeiling { field });
        if self.timeout > ceiling.timeout {
            return above("timeout");
        }
        if self.memory_bytes > ceiling.memory_bytes {
            return above("memory_bytes");
        }
        if let Some(max) = ceiling.fuel
            && self.fuel.is_none_or(|fuel| fuel > max)
        {
            return above("fuel");
        }
        if self.stdout_bytes > ceiling.stdout_bytes {
            return above("stdout_bytes");
        }
        if self.stderr_bytes > ceiling.stderr_bytes {
            return above("stderr_bytes");
        }
        if self.table_elements > ceiling.table_elements {
            return above("table_elements");
        }
        Ok(())
    }
}

/// How instances get their memories, tables and stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Allocator {
    /// Slots reserved once when the sandbox is created and reused by every run: instantiation
    /// costs microseconds.
    ///
    /// Address-space cost, reserved up front but not committed: `max_concurrent_runs ×
    /// max_memories` memory slots of about 4 GiB + 32 MiB guard each (Wasmtime's reservation,
    /// which lets it drop bounds checks), so about 64.5 GiB of virtual address space with the
    /// defaults; plus tables (`table_elements × 8` bytes each) and one async stack
    /// (`max_wasm_stack` + 1.5 MiB) per run. Needs an unlimited `ulimit -v`.
    #[default]
    Pooling,
    /// Memories and tables are mapped for each run and unmapped after it: no reservation, but
    /// each instantiation costs tens of microseconds more.
    OnDemand,
}

/// Configuration of a [`Sandbox`](crate::Sandbox), fixed for its lifetime.
///
/// Plain fields with documented defaults; `Config::default()` is the recommended starting
/// point. [`Sandbox::new`](crate::Sandbox::new) validates it and fails with
/// [`Error::InvalidConfig`] naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Default limits of every run, and the ceiling for per-run overrides. See [`Limits`].
    pub limits: Limits,
    /// Maximum linear memories a module may declare (imported or defined). A module with more
    /// ends with [`Limit::Memories`](crate::Limit::Memories) before it is compiled. Defaults
    /// to 1.
    pub max_memories: u32,
    /// Maximum tables a module may declare, enforced like `max_memories` with
    /// [`Limit::Tables`](crate::Limit::Tables). Defaults to 1.
    pub max_tables: u32,
    /// Maximum native stack wasm code may use; deeper recursion traps with
    /// [`TrapKind::StackOverflow`](crate::TrapKind::StackOverflow). Defaults to 512 KiB.
    pub max_wasm_stack: usize,
    /// Deadline for compiling one module; past it the run ends with
    /// [`Limit::CompileTime`](crate::Limit::CompileTime) and the module is not cached.
    ///
    /// With [`Isolation::Process`] the compile's process is killed at the deadline and its
    /// slot in `max_concurrent_compiles` frees at once. With [`Isolation::InProcess`] Cranelift
    /// cannot be interrupted, so a compile past its deadline keeps its thread and its slot
    /// until it finishes; how long that can be is bounded by the Guardian's per-function and
    /// per-module caps, not here: the worst module the default Guardian policy admits took
    /// 16 s of one core and 150 MiB (see the crate README). Defaults to 10 s.
    pub compile_timeout: Duration,
    /// Maximum compilations in flight, counting (with [`Isolation::InProcess`]) runaway ones
    /// past their deadline. Beyond it runs that need a compile fail with
    /// [`Error::TooManyCompiles`]; cached modules still run. Each compile uses exactly one
    /// thread or worker process (parallel compilation is off), so this bounds the compile
    /// threads or processes, the cores and the compiler working sets the sandbox can ever
    /// use. Defaults to 2.
    pub max_concurrent_compiles: usize,
    /// Where modules are compiled: on a thread of this process or in a killable, memory-capped
    /// child process. Defaults to [`Isolation::InProcess`]; see [`Isolation`].
    pub isolation: Isolation,
    /// Maximum runs in flight; beyond it [`Error::TooManyRuns`]. Also sizes the pooling
    /// allocator and the blocking-I/O thread pool. Defaults to 16.
    pub max_concurrent_runs: usize,
    /// Instance allocation strategy. Defaults to [`Allocator::Pooling`].
    pub allocator: Allocator,
    /// Period of the background thread that advances the epoch; a running guest notices its
    /// deadline at the next tick, so this is the timeout's precision. Between 1 ms and 1 s.
    /// Defaults to 5 ms.
    pub epoch_tick: Duration,
    /// Compiled modules kept in memory, least recently used evicted first. Defaults to 256.
    pub cache_entries: usize,
    /// Directory for compiled artifacts that survive restarts; `None` keeps the cache in memory
    /// only.
    ///
    /// Artifacts are named by the module's SHA-256 and a fingerprint of the engine's settings,
    /// and each is checked against a SHA-256 digest stored beside it; any mismatch means a
    /// recompile. An artifact is trusted code, so the directory must be writable by the node
    /// alone: [`Sandbox::new`](crate::Sandbox::new) refuses (with [`Error::InvalidConfig`] on
    /// `cache_dir`) an existing one that is a symbolic link, owned by another user, or
    /// writable by its group or others; a missing one is created with mode `0700` when the
    /// first artifact is stored. Defaults to `None`.
    pub cache_dir: Option<PathBuf>,
    /// Maximum artifacts kept in `cache_dir`; writing one more first deletes the oldest.
    /// Defaults to 1,024.
    pub disk_cache_entries: usize,
    /// Maximum bytes of artifacts kept in `cache_dir` together; writing one more first deletes
    /// the oldest until it fits, and an artifact larger than this alone is not stored. At
    /// least 1. Defaults to 256 MiB.
    pub disk_cache_bytes: u64,
    /// The clocks every guest reads. Defaults to [`Clocks::Coarse`] at 100 ms.
    ///
    /// With [`Clocks::Fixed`] and [`Randomness::Seeded`] together the sandbox is
    /// deterministic (see [`Config::is_deterministic`]).
    pub clocks: Clocks,
    /// Where every guest's random bytes come from. Defaults to [`Randomness::Real`].
    pub randomness: Randomness,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            max_memories: 1,
            max_tables: 1,
            max_wasm_stack: 512 * KIB,
            compile_timeout: Duration::from_secs(10),
            max_concurrent_compiles: 2,
            isolation: Isolation::InProcess,
            max_concurrent_runs: 16,
            allocator: Allocator::Pooling,
            epoch_tick: Duration::from_millis(5),
            cache_entries: 256,
            cache_dir: None,
            disk_cache_entries: 1024,
            disk_cache_bytes: 256 * MIB as u64,
            clocks: Clocks::default(),
            randomness: Randomness::default(),
        }
    }
}

impl Config {
    /// A deterministic sandbox: [`Clocks::Fixed`] at `wall_clock` and
    /// [`Randomness::Seeded`] with `seed`, the rest as [`Config::default`].
    pub fn deterministic(wall_clock: Duration, seed: u64) -> Self {
        Self {
            clocks: Clocks::Fixed { wall_clock },
            randomness: Randomness::Seeded(seed),
            ..Self::default()
        }
    }

    /// `true` when clocks are [`Clocks::Fixed`] and randomness [`Randomness::Seeded`]: the
    /// same module, input and data then give the same outcome and output, unless the
    /// wall-clock deadline cuts the run short (fuel is deterministic, the deadline is not).
    /// The engine then also canonicalises NaNs and makes relaxed SIMD deterministic, at some
    /// speed cost.
    pub fn is_deterministic(&self) -> bool {
        matches!(self.clocks, Clocks::Fixed { .. })
            && matches!(self.randomness, Randomness::Seeded(_))
    }

    /// Checks every field's range.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let invalid = |field, reason| Err(Error::InvalidConfig { field, reason });
        if self.limits.timeout.is_zero() {
            return invalid("limits.timeout", "must be positive");
        }
        if self.limits.memory_bytes > MAX_MEMORY_BYTES {
            return invalid("limits.memory_bytes", "must be at most 4 GiB");
        }
        if self.max_wasm_stack == 0 || self.max_wasm_stack > 64 * MIB {
            return invalid("max_wasm_stack", "must be between 1 byte and 64 MiB");
        }
        if self.compile_timeout.is_zero() {
            return invalid("compile_timeout", "must be positive");
        }
        if self.max_concurrent_compiles == 0 {
            return invalid("max_concurrent_compiles", "must be at least 1");
        }
        if self.max_concurrent_runs == 0 || self.max_concurrent_runs > 10_000 {
            return invalid("max_concurrent_runs", "must be between 1 and 10,000");
        }
        if self.epoch_tick < Duration::from_millis(1) || self.epoch_tick > Duration::from_secs(1) {
            return invalid("epoch_tick", "must be between 1 ms and 1 s");
        }
        if self.cache_entries == 0 {
            return invalid("cache_entries", "must be at least 1");
        }
        if self.disk_cache_entries == 0 {
            return invalid("disk_cache_entries", "must be at least 1");
        }
        if self.disk_cache_bytes == 0 {
            return invalid("disk_cache_bytes", "must be at least 1");
        }
        self.isolation.validate()?;
        self.clocks.validate()
    }
}

/// Stack of each async fiber: wasm's own budget (`max_wasm_stack`) plus room for host calls
/// made from it.
pub(crate) fn async_stack_size(max_wasm_stack: usize) -> usize {
    max_wasm_stack + 3 * MIB / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn tighter_limits_pass_and_looser_fail() {
        let ceiling = Limits::default();
        let tighter = Limits {
            timeout: Duration::from_millis(100),
            fuel: Some(5),
            ..Limits::default()
        };
        tighter.check_within(&ceiling).unwrap();

        let unmetered = Limits {
            fuel: None,
            ..Limits::default()
        };
        let err = unmetered.check_within(&ceiling).unwrap_err();
        assert!(matches!(err, Error::LimitAboveCeiling { field: "fuel" }));
        // An unmetered ceiling admits any budget.
        tighter.check_within(&unmetered).unwrap();
    }

    #[test]
    fn out_of_range_fields_are_named() {
        let config = Config {
            epoch_tick: Duration::ZERO,
            ..Config::default()
        };
        let err = config.validate().unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidConfig {
                field: "epoch_tick",
                ..
            }
        ));
    }
}
