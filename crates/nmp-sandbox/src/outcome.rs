//! What happened in one run: the guest's [`Outcome`] and the run's [`Stats`].

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The result of one [`Sandbox::run`](crate::Sandbox::run): what the guest did, and what it
/// cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// How the guest ended, with its captured output.
    pub outcome: Outcome,
    /// Time, fuel, memory and cache figures for the receipt.
    pub stats: Stats,
}

/// How a guest ended. Guest misbehaviour is an outcome, never an [`Error`](crate::Error).
///
/// Every variant carries what the guest wrote to stdout and stderr before it ended (never
/// more than the caps in [`Limits`](crate::Limits)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// `_start` returned (exit code 0) or the guest called `proc_exit(n)` (exit code `n`).
    Completed {
        /// The exit code; 0 means success by WASI convention.
        exit_code: i32,
        /// Everything written to stdout.
        stdout: Vec<u8>,
        /// Everything written to stderr.
        stderr: Vec<u8>,
    },
    /// The guest trapped: a WebAssembly trap, or a WASI call it made failed fatally.
    Trapped {
        /// The kind of trap.
        trap: TrapKind,
        /// Wasmtime's description, with the wasm backtrace when available; for humans only.
        message: String,
        /// Stdout up to the trap.
        stdout: Vec<u8>,
        /// Stderr up to the trap.
        stderr: Vec<u8>,
    },
    /// The guest hit one of its limits and was stopped (or, for limits checked before the
    /// guest starts, never started).
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// Stdout up to the stop (for [`Limit::Stdout`], exactly the cap).
        stdout: Vec<u8>,
        /// Stderr up to the stop.
        stderr: Vec<u8>,
    },
    /// The guest ran past [`Limits::timeout`](crate::Limits::timeout), in wasm code or blocked
    /// in a host call, and was stopped.
    TimedOut {
        /// Stdout up to the stop.
        stdout: Vec<u8>,
        /// Stderr up to the stop.
        stderr: Vec<u8>,
    },
}

impl Outcome {
    /// What the guest wrote to stdout, whatever the outcome.
    pub fn stdout(&self) -> &[u8] {
        match self {
            Self::Completed { stdout, .. }
            | Self::Trapped { stdout, .. }
            | Self::LimitExceeded { stdout, .. }
            | Self::TimedOut { stdout, .. } => stdout,
        }
    }

    /// What the guest wrote to stderr, whatever the outcome.
    pub fn stderr(&self) -> &[u8] {
        match self {
            Self::Completed { stderr, .. }
            | Self::Trapped { stderr, .. }
            | Self::LimitExceeded { stderr, .. }
            | Self::TimedOut { stderr, .. } => stderr,
        }
    }

    /// `true` when the guest completed with exit code 0.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Completed { exit_code: 0, .. })
    }
}

/// Why a guest trapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TrapKind {
    /// Recursion went past [`Config::max_wasm_stack`](crate::Config::max_wasm_stack).
    StackOverflow,
    /// A load or store outside linear memory.
    MemoryOutOfBounds,
    /// A table access outside the table.
    TableOutOfBounds,
    /// An indirect call through an uninitialised table element.
    IndirectCallToNull,
    /// An indirect call whose signature did not match.
    BadSignature,
    /// Integer overflow (e.g. `i32.div_s` of `MIN` by -1).
    IntegerOverflow,
    /// Integer division by zero.
    IntegerDivisionByZero,
    /// A float-to-integer conversion of NaN or an out-of-range value.
    BadConversionToInteger,
    /// An `unreachable` instruction (also how Rust and C guests abort and panic).
    Unreachable,
    /// A WASI call ended the guest, e.g. because it passed an out-of-bounds pointer.
    HostCall,
    /// Any other trap (unaligned atomics, null references and other rarer conditions).
    Other,
}

impl TrapKind {
    /// Maps wasmtime's trap code onto the kinds this crate reports.
    pub(crate) fn from_wasmtime(trap: wasmtime::Trap) -> Self {
        use wasmtime::Trap;
        match trap {
            Trap::StackOverflow => Self::StackOverflow,
            Trap::MemoryOutOfBounds => Self::MemoryOutOfBounds,
            Trap::TableOutOfBounds => Self::TableOutOfBounds,
            Trap::IndirectCallToNull => Self::IndirectCallToNull,
            Trap::BadSignature => Self::BadSignature,
            Trap::IntegerOverflow => Self::IntegerOverflow,
            Trap::IntegerDivisionByZero => Self::IntegerDivisionByZero,
            Trap::BadConversionToInteger => Self::BadConversionToInteger,
            Trap::UnreachableCodeReached => Self::Unreachable,
            _ => Self::Other,
        }
    }
}

/// Which limit a guest hit. Each is configured in [`Limits`](crate::Limits) or
/// [`Config`](crate::Config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Limit {
    /// A linear memory would exceed [`Limits::memory_bytes`](crate::Limits::memory_bytes).
    Memory,
    /// The run burnt all of [`Limits::fuel`](crate::Limits::fuel).
    Fuel,
    /// Stdout would exceed [`Limits::stdout_bytes`](crate::Limits::stdout_bytes).
    Stdout,
    /// Stderr would exceed [`Limits::stderr_bytes`](crate::Limits::stderr_bytes).
    Stderr,
    /// A table would exceed [`Limits::table_elements`](crate::Limits::table_elements).
    Table,
    /// The module declares more memories than
    /// [`Config::max_memories`](crate::Config::max_memories); it was never compiled.
    Memories,
    /// The module declares more tables than [`Config::max_tables`](crate::Config::max_tables);
    /// it was never compiled.
    Tables,
    /// Compiling took longer than
    /// [`Config::compile_timeout`](crate::Config::compile_timeout); the module never ran.
    CompileTime,
}

/// Where the compiled code for a run came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CacheHit {
    /// The in-memory cache: no compile, no disk read.
    Memory,
    /// An artifact in [`Config::cache_dir`](crate::Config::cache_dir), verified and loaded.
    Disk,
    /// Neither: the module was compiled (or refused before or during compilation).
    Miss,
}

/// Resources one run used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Wall time of the whole call, from entry to return.
    pub wall_time: Duration,
    /// Time to obtain compiled code: hashing and lookup, plus compiling or loading on a miss.
    pub compile_time: Duration,
    /// Time spent instantiating and running the guest (zero if it never started).
    pub exec_time: Duration,
    /// Fuel burnt, when the run was metered ([`Limits::fuel`](crate::Limits::fuel) is `Some`).
    pub fuel_consumed: Option<u64>,
    /// Largest size any linear memory of the guest reached, in bytes.
    pub peak_memory_bytes: u64,
    /// Where the compiled code came from.
    pub cache: CacheHit,
}
