//! Cancelling a run: the guest stops long before its deadline, its slot frees, and the run
//! reports [`Error::Cancelled`].

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use nmp_sandbox::{Cancel, Config, Error, Limits, Run, Sandbox};

use crate::support::{bounded, command, config};

/// A deadline no test waits for: a cancelled run must end long before it.
const LONG_DEADLINE: Duration = Duration::from_secs(30);

/// How long a cancelled run may take to return: far below [`LONG_DEADLINE`], far above one
/// epoch tick on a loaded machine.
const CANCEL_BOUND: Duration = Duration::from_secs(5);

/// A sandbox with one run slot and a 30 s deadline.
fn one_slot() -> Arc<Sandbox> {
    let config = Config {
        limits: Limits {
            timeout: LONG_DEADLINE,
            ..config().limits
        },
        max_concurrent_runs: 1,
        ..config()
    };
    Arc::new(Sandbox::new(config).expect("valid config"))
}

fn spinner() -> Vec<u8> {
    command(r#"(func (export "_start") (loop (br 0)))"#)
}

/// Sleeps 20 s in `poll_oneoff` (a relative clock subscription).
fn sleeper() -> Vec<u8> {
    command(
        r#"(func (export "_start")
             (i32.store8 (i32.const 4104) (i32.const 0))              ;; type: clock
             (i32.store (i32.const 4112) (i32.const 1))               ;; monotonic
             (i64.store (i32.const 4120) (i64.const 20000000000))     ;; 20 s
             (i32.store16 (i32.const 4136) (i32.const 0))             ;; relative
             (call $check (call $poll_oneoff (i32.const 4096) (i32.const 8192) (i32.const 1) (i32.const 8))))"#,
    )
}

/// Starts `wasm` in the background under `cancel`, and waits until it holds the only slot
/// (a trivial run is then refused as busy).
fn start(
    sandbox: &Arc<Sandbox>,
    wasm: Vec<u8>,
    cancel: &Cancel,
) -> thread::JoinHandle<Result<Run, Error>> {
    let (background, cancel) = (Arc::clone(sandbox), cancel.clone());
    let limits = background.config().limits.clone();
    let handle = thread::spawn(move || {
        // A probing run below may hold the slot for a moment; retry until admitted.
        loop {
            match background.run_cancellable(&wasm, b"", &[], &limits, &cancel) {
                Err(Error::TooManyRuns { .. }) => thread::yield_now(),
                other => break other,
            }
        }
    });
    let trivial = command(r#"(func (export "_start"))"#);
    loop {
        match sandbox.run(&trivial, b"", &[]) {
            Err(Error::TooManyRuns { .. }) => return handle,
            _ => thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// Cancels the run `handle` is running and returns how long it took to end, and its result.
fn cancel_and_wait(
    cancel: &Cancel,
    handle: thread::JoinHandle<Result<Run, Error>>,
) -> (Duration, Result<Run, Error>) {
    let cancelled = Instant::now();
    cancel.cancel();
    let result = handle.join().expect("the run does not panic");
    (cancelled.elapsed(), result)
}

#[test]
fn a_cancelled_spinner_stops_and_frees_its_slot() {
    bounded(|| {
        let sandbox = one_slot();
        let cancel = Cancel::new();
        let handle = start(&sandbox, spinner(), &cancel);
        let (took, result) = cancel_and_wait(&cancel, handle);
        assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
        assert!(took < CANCEL_BOUND, "took {took:?}");
        // The slot is free: the next run gets it at once.
        let echo = command(r#"(func (export "_start"))"#);
        let run = sandbox.run(&echo, b"", &[]).expect("the slot is free");
        assert!(run.outcome.is_success(), "{run:?}");
    });
}

#[test]
fn a_cancelled_sleeper_stops_at_once() {
    bounded(|| {
        let sandbox = one_slot();
        let cancel = Cancel::new();
        let handle = start(&sandbox, sleeper(), &cancel);
        let (took, result) = cancel_and_wait(&cancel, handle);
        assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
        assert!(took < CANCEL_BOUND, "took {took:?}");
    });
}

#[test]
fn a_token_cancelled_before_the_run_stops_it_before_it_starts() {
    let run = bounded(|| {
        let sandbox = one_slot();
        let cancel = Cancel::new();
        cancel.cancel();
        let limits = sandbox.config().limits.clone();
        sandbox.run_cancellable(&spinner(), b"", &[], &limits, &cancel)
    });
    assert!(matches!(run, Err(Error::Cancelled)), "{run:?}");
}

#[test]
fn an_uncancelled_token_changes_nothing() {
    let run = bounded(|| {
        let sandbox = one_slot();
        let limits = Limits {
            timeout: Duration::from_millis(300),
            ..sandbox.config().limits.clone()
        };
        sandbox.run_cancellable(&spinner(), b"", &[], &limits, &Cancel::new())
    });
    let run = run.expect("not cancelled");
    assert!(
        matches!(run.outcome, nmp_sandbox::Outcome::TimedOut { .. }),
        "{run:?}"
    );
}
