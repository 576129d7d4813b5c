//! Shared helpers: building sandboxes and modules, and bounding each test's duration.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use nmp_sandbox::{Config, Limits, Mount, Outcome, Run, Sandbox};

/// A bound no test should come near; only a hung sandbox hits it.
const HARNESS_BOUND: Duration = Duration::from_secs(60);

/// A deadline short enough for tests yet far above any honest test guest's needs.
pub(crate) const SHORT_TIMEOUT: Duration = Duration::from_millis(300);

/// Default config, with the short timeout as the sandbox-wide default, unmetered so that
/// spinning guests end by the clock however fast the machine (tests that meter set fuel per
/// run).
pub(crate) fn config() -> Config {
    Config {
        limits: Limits {
            timeout: SHORT_TIMEOUT,
            fuel: None,
            ..Limits::default()
        },
        max_concurrent_runs: 4,
        ..Config::default()
    }
}

pub(crate) fn sandbox() -> Sandbox {
    Sandbox::new(config()).expect("default test config is valid")
}

/// Imports and helpers every test module may use, spliced into `(module ...)`.
///
/// Memory layout: 0..8 an iovec, 8..12 a result slot, 16..64 scratch, 64.. data segments,
/// 4096.. buffers.
const PRELUDE: &str = r#"
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; Writes len bytes at ptr to fd; returns the errno.
  (func $write (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
  ;; Reads up to len bytes from fd into ptr; returns the count, or -1 on an errno.
  (func $read (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (if (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))
      (then (return (i32.const -1))))
    (i32.load (i32.const 8)))
  ;; Exits with errno if it is not 0.
  (func $check (param $errno i32)
    (if (local.get $errno) (then (call $proc_exit (local.get $errno)))))
"#;

/// A WASI command: the prelude plus `body`.
pub(crate) fn command(body: &str) -> Vec<u8> {
    wasm(&format!("(module {PRELUDE} {body})"))
}

/// Any module from its text.
pub(crate) fn wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("test WAT parses")
}

/// Runs `f` on its own thread and fails the test if it does not finish within the harness
/// bound: a hung sandbox fails loudly instead of hanging the suite.
pub(crate) fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::sync_channel(1);
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(HARNESS_BOUND)
        .expect("the run finished within the harness bound")
}

/// Runs `wasm` on a fresh default sandbox, bounded.
pub(crate) fn run(wasm: Vec<u8>, input: &[u8], mounts: Vec<Mount>) -> Run {
    let input = input.to_vec();
    bounded(move || {
        sandbox()
            .run(&wasm, &input, &mounts)
            .expect("the run is not a host failure")
    })
}

/// Runs `wasm` with `limits`, bounded.
pub(crate) fn run_with(wasm: Vec<u8>, limits: Limits) -> Run {
    bounded(move || {
        sandbox()
            .run_with(&wasm, b"", &[], &limits)
            .expect("the run is not a host failure")
    })
}

/// The outcome's stdout as text, for readable assertions.
pub(crate) fn stdout(outcome: &Outcome) -> String {
    String::from_utf8_lossy(outcome.stdout()).into_owned()
}
