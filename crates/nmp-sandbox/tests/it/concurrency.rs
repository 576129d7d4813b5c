//! Parallel runs: a hostile guest must not disturb honest ones, and the run bound holds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use nmp_sandbox::{Config, Error, Limits, Outcome, Sandbox};

use crate::support::{bounded, command, config};

fn spinner() -> Vec<u8> {
    command(r#"(func (export "_start") (loop (br 0)))"#)
}

fn echo() -> Vec<u8> {
    command(
        r#"(func (export "_start") (local $n i32)
             (local.set $n (call $read (i32.const 0) (i32.const 4096) (i32.const 4096)))
             (call $check (call $write (i32.const 1) (i32.const 4096) (local.get $n))))"#,
    )
}

/// A sandbox whose default timeout is long enough that a spinner outlives the honest runs.
fn long_sandbox(max_runs: usize) -> Arc<Sandbox> {
    let config = Config {
        limits: Limits {
            timeout: Duration::from_secs(3),
            ..config().limits
        },
        max_concurrent_runs: max_runs,
        ..config()
    };
    Arc::new(Sandbox::new(config).expect("valid config"))
}

/// Starts a spinner on its own thread; the flag turns true when it has ended.
fn spin_in_background(sandbox: &Arc<Sandbox>) -> (thread::JoinHandle<Outcome>, Arc<AtomicBool>) {
    let done = Arc::new(AtomicBool::new(false));
    let (sandbox, flag) = (Arc::clone(sandbox), Arc::clone(&done));
    let handle = thread::spawn(move || {
        // A concurrent run may hold the only slot for a moment; retry until admitted.
        let run = loop {
            match sandbox.run(&spinner(), b"", &[]) {
                Err(Error::TooManyRuns { .. }) => thread::yield_now(),
                other => break other.expect("not a host failure"),
            }
        };
        flag.store(true, Ordering::SeqCst);
        run.outcome
    });
    (handle, done)
}

#[test]
fn a_hostile_run_does_not_disturb_honest_runs() {
    bounded(|| {
        let sandbox = long_sandbox(4);
        let (spinner, spinner_done) = spin_in_background(&sandbox);
        let honest: Vec<_> = (0..3)
            .map(|i| {
                let sandbox = Arc::clone(&sandbox);
                thread::spawn(move || {
                    let input = format!("honest {i}");
                    (0..5)
                        .map(|_| sandbox.run(&echo(), input.as_bytes(), &[]).unwrap().outcome)
                        .all(|outcome| outcome.is_success() && outcome.stdout() == input.as_bytes())
                })
            })
            .collect();
        for handle in honest {
            assert!(handle.join().unwrap(), "every honest run echoed its input");
        }
        assert!(
            !spinner_done.load(Ordering::SeqCst),
            "the honest runs finished while the spinner was still running"
        );
        let outcome = spinner.join().unwrap();
        assert!(matches!(outcome, Outcome::TimedOut { .. }), "{outcome:?}");
    });
}

#[test]
fn runs_beyond_the_bound_are_refused_not_queued() {
    bounded(|| {
        let sandbox = long_sandbox(1);
        let (spinner, spinner_done) = spin_in_background(&sandbox);
        // Keep trying until the spinner holds the only slot; it holds it for seconds.
        loop {
            match sandbox.run(&echo(), b"x", &[]) {
                Err(Error::TooManyRuns { max: 1 }) => break,
                Ok(_) if !spinner_done.load(Ordering::SeqCst) => thread::yield_now(),
                other => panic!("expected TooManyRuns while the spinner runs, got {other:?}"),
            }
        }
        let outcome = spinner.join().unwrap();
        assert!(matches!(outcome, Outcome::TimedOut { .. }), "{outcome:?}");
    });
}
