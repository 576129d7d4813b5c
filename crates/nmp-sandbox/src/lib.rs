//! Runs a validated WebAssembly module under limits over read-only data, and reports what
//! happened.
//!
//! The node's Guardian has already checked the module statically; this crate runs it with
//! Wasmtime as a WASI preview 1 command: the request's input on stdin, stdout and stderr
//! captured under caps, datasets preopened read-only at `/data/<name>`, `argv` the program
//! name only, no environment, no network, no writable path, coarse clocks. Memory, tables,
//! fuel, wall-clock time, output and compile time are all bounded, and a guest that breaks a
//! bound gets an [`Outcome`], not an [`Error`]: only host failures (and a caller's
//! cancellation) are errors.
//!
//! ```
//! use nmp_sandbox::{Config, Outcome, Sandbox};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::new(Config::default())?;
//! // Echoes its first 64 bytes of stdin to stdout.
//! let wasm = wat::parse_str(
//!     r#"(module
//!       (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
//!       (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
//!       (memory (export "memory") 1)
//!       (func (export "_start")
//!         (i32.store (i32.const 0) (i32.const 64))  ;; iovec.buf
//!         (i32.store (i32.const 4) (i32.const 64))  ;; iovec.len
//!         (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
//!         (i32.store (i32.const 4) (i32.load (i32.const 8)))
//!         (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
//! )?;
//! let run = sandbox.run(&wasm, b"hello", &[])?;
//! assert!(matches!(&run.outcome, Outcome::Completed { exit_code: 0, stdout, .. } if stdout == b"hello"));
//! println!("took {:?}, cache {:?}", run.stats.wall_time, run.stats.cache);
//! # Ok(())
//! # }
//! ```
//!
//! # Concepts
//!
//! - [`Config`] and [`Limits`]: what every run may use; fixed for the sandbox's lifetime, with
//!   per-run [`Limits`] that may only tighten it.
//! - [`Sandbox`]: one per node, shared by all requests; owns the engine, the compiled-module
//!   caches (memory and optionally disk), the instance pool and its background threads.
//! - [`Mount`]: a dataset directory for one run, read-only at `/data/<name>`.
//! - [`Run`]: one call's result, an [`Outcome`] (completed, trapped, limit exceeded, timed
//!   out, each with the captured output) and its [`Stats`].
//! - [`Cancel`]: a token the caller keeps to stop a run it no longer wants (its agent went
//!   away); one per run, or shared by several.
//! - [`Error`]: the module never ran (it does not compile or link, the sandbox is busy, the
//!   compile worker failed: [`WorkerError`]), the host failed, or the caller cancelled the
//!   run.
//! - [`Isolation`] and [`Worker`]: where modules are compiled, and the limits of a compile
//!   worker process.
//!
//! # How the bounds are enforced
//!
//! - **Wall clock**: a thread owned by the sandbox advances the engine's epoch every
//!   [`Config::epoch_tick`]; wasm code checks its deadline at each tick and is interrupted
//!   past it. Host calls are async (a Tokio runtime owned by the sandbox), so a guest asleep
//!   in `poll_oneoff` is cut off by a timeout around the whole run. Stdin is the input then
//!   end-of-file and never blocks.
//! - **Memory and tables**: a resource limiter stops the guest at the first request past the
//!   cap, including a declared initial size.
//! - **Compilation**: at most [`Config::max_concurrent_compiles`] at a time, each under
//!   [`Config::compile_timeout`]; declarations past the ceilings are refused before compiling.
//!   With [`Isolation::Process`] each compile is a child process ([`compile_worker`]) that
//!   caps its own address space and CPU time with the kernel before reading the module, and
//!   that is killed at the deadline or on cancellation, so its slot frees at once; with
//!   [`Isolation::InProcess`] (the default) it runs on its own thread, abandoned at the
//!   deadline.
//! - **Output**: the write that would cross a cap stops the guest.
//! - **Cancellation**: the epoch callback also checks the run's [`Cancel`], and the run's
//!   future is dropped the moment it fires, so a cancelled guest stops within one tick in wasm
//!   code and at once in a host call.
//!
//! # Clocks and randomness
//!
//! Whatever a guest reads can reach its output, so [`Config::clocks`] decides how much time it
//! sees: [`Clocks::Coarse`] (the default, 100 ms steps), [`Clocks::Fixed`] (no host time at
//! all) or [`Clocks::Real`] (nanoseconds, a timing channel; opt-in). [`Config::randomness`]
//! is the host's ([`Randomness::Real`], the default) or a seeded stream
//! ([`Randomness::Seeded`]). Fixed clocks with seeded randomness make the sandbox
//! deterministic ([`Config::deterministic`]): the same module, input and data give the same
//! outcome and output, unless the wall-clock deadline cuts the run short (fuel is
//! deterministic, the deadline is not).

mod cache;
mod cancel;
mod compile;
mod config;
mod error;
mod exec;
mod mount;
mod outcome;
mod sandbox;

pub use self::cancel::Cancel;
pub use self::compile::worker::compile_worker;
pub use self::config::{
    Allocator, Clocks, Config, DEFAULT_CLOCK_RESOLUTION, FIXED_CLOCK_STEP, Isolation, Limits,
    MAX_WORKER_STDERR, Randomness, Worker,
};
pub use self::error::{Error, WorkerError};
pub use self::exec::PROGRAM_NAME;
pub use self::mount::{MAX_MOUNT_NAME, MAX_MOUNTS, Mount};
pub use self::outcome::{CacheHit, Limit, Outcome, Run, Stats, TrapKind};
pub use self::sandbox::Sandbox;
