//! The parent side of `Isolation::Process` against misbehaving workers: real child processes
//! (`/bin/sh` scripts standing in for the worker, which the `nmp` binary's tests exercise for
//! real), each failure mapped to its typed error, every child dead and reaped on return.
//!
//! The script gets the sandbox's settings argument as `$1`, and an empty environment.

use std::path::Path;
use std::time::{Duration, Instant};

use nmp_sandbox::{
    Cancel, Config, Error, Isolation, Limit, MAX_WORKER_STDERR, Outcome, Sandbox, Worker,
    WorkerError,
};

use crate::support::{bounded, command, config};

/// A sandbox whose compile worker is `script` run by `/bin/sh`, with `max_artifact_bytes`.
fn scripted(script: &str, max_artifact_bytes: u64, compile_timeout: Duration) -> Sandbox {
    let mut worker = Worker::new("/bin/sh", ["-c", script, "worker"]);
    worker.max_artifact_bytes = max_artifact_bytes;
    Sandbox::new(Config {
        isolation: Isolation::Process(worker),
        compile_timeout,
        max_concurrent_compiles: 1,
        ..config()
    })
    .expect("valid config")
}

/// The error a compile with `script` as its worker ends in.
fn failure(script: &str, max_artifact_bytes: u64) -> Error {
    let sandbox = scripted(script, max_artifact_bytes, Duration::from_secs(20));
    let module = command(r#"(func (export "_start"))"#);
    bounded(move || {
        sandbox
            .run(&module, b"", &[])
            .expect_err("the worker fails")
    })
}

/// Whether process `pid` still runs, or is a zombie this process should have reaped. A
/// zombie whose parent is someone else (a killed worker's own child, re-parented to init)
/// is not ours to reap.
fn alive(pid: &str) -> bool {
    let Ok(stat) = std::fs::read_to_string(Path::new("/proc").join(pid.trim()).join("stat")) else {
        return false;
    };
    // `pid (comm) state ppid ...`; comm may hold spaces, so read after the last `)`.
    let after = &stat[stat.rfind(')').map_or(0, |i| i + 1)..];
    let mut fields = after.split_whitespace();
    let state = fields.next().unwrap_or("");
    let parent: u32 = fields.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    state != "Z" || parent == std::process::id()
}

/// Whether `pid` is gone within five seconds: a process sent SIGKILL may still be exiting for a
/// moment on a loaded machine.
fn gone(pid: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(pid) {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

#[test]
fn a_worker_that_cannot_start_is_a_spawn_error() {
    let mut worker = Worker::new("/nonexistent/nmp", ["compile-worker"]);
    worker.max_artifact_bytes = 1;
    let sandbox = Sandbox::new(Config {
        isolation: Isolation::Process(worker),
        ..config()
    })
    .unwrap();
    let err = sandbox
        .run(&command(r#"(func (export "_start"))"#), b"", &[])
        .unwrap_err();
    assert!(
        matches!(err, Error::Worker(WorkerError::Spawn { .. })),
        "{err:?}"
    );
}

#[test]
fn each_exit_and_signal_maps_to_its_error() {
    let err = failure("cat >/dev/null; echo oops >&2; exit 3", 1 << 20);
    assert!(
        matches!(&err, Error::Worker(WorkerError::Exited { code: 3, stderr }) if stderr == "oops\n"),
        "{err:?}"
    );
    // Status 65 is the worker's "does not compile", with the compiler's reason on stderr.
    let err = failure("cat >/dev/null; printf 'bad opcode' >&2; exit 65", 1 << 20);
    assert!(
        matches!(&err, Error::Compile { reason } if reason == "bad opcode"),
        "{err:?}"
    );
    let err = failure("kill -SEGV $$", 1 << 20);
    assert!(
        matches!(
            &err,
            Error::Worker(WorkerError::Signalled { signal: 11, .. })
        ),
        "{err:?}"
    );
    // The parent's environment does not reach the worker.
    let err = failure("env | grep -c HOME >&2; exit 3", 1 << 20);
    assert!(
        matches!(&err, Error::Worker(WorkerError::Exited { stderr, .. }) if stderr == "0\n"),
        "{err:?}"
    );
}

#[test]
fn output_that_is_not_an_artifact_is_refused() {
    let err = failure("cat >/dev/null; echo garbage", 1 << 20);
    assert!(
        matches!(err, Error::Worker(WorkerError::BadArtifact { .. })),
        "{err:?}"
    );
}

#[test]
fn the_artifact_cap_holds_at_its_boundary() {
    let script = "cat >/dev/null; head -c 1000 /dev/zero";
    // Exactly at the cap the bytes are read (and refused as an artifact); one past, not.
    let at = failure(script, 1000);
    assert!(
        matches!(at, Error::Worker(WorkerError::BadArtifact { .. })),
        "{at:?}"
    );
    let past = failure(script, 999);
    assert!(
        matches!(
            past,
            Error::Worker(WorkerError::ArtifactTooLarge { max: 999 })
        ),
        "{past:?}"
    );
    // A worker that never stops writing is cut off at the cap, not at the deadline.
    let started = Instant::now();
    let endless = failure("cat >/dev/null; cat /dev/zero", 1 << 20);
    assert!(matches!(
        endless,
        Error::Worker(WorkerError::ArtifactTooLarge { .. })
    ));
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[test]
fn stderr_is_kept_up_to_its_cap_and_drained_past_it() {
    let err = failure(
        "head -c 1000000 /dev/zero | tr '\\0' x >&2; exit 3",
        1 << 20,
    );
    let Error::Worker(WorkerError::Exited { code: 3, stderr }) = err else {
        panic!("{err:?}");
    };
    assert_eq!(stderr.len(), MAX_WORKER_STDERR);
}

#[test]
fn a_worker_past_its_deadline_is_killed_with_its_group_and_reaped() {
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    // The worker and a process it started both outlive the deadline unless killed.
    let script = format!(
        "sleep 60 & echo $! >> {0}; echo $$ >> {0}; wait",
        pids.display()
    );
    let sandbox = scripted(&script, 1 << 20, Duration::from_millis(300));
    let module = command(r#"(func (export "_start"))"#);
    let (first, second, elapsed) = bounded(move || {
        let started = Instant::now();
        let first = sandbox.run(&module, b"", &[]).unwrap();
        let elapsed = started.elapsed();
        // One compile slot: a second compile right after finds it free.
        let second = sandbox.run(&module, b"", &[]).unwrap();
        (first, second, elapsed)
    });
    for run in [&first, &second] {
        assert!(
            matches!(
                run.outcome,
                Outcome::LimitExceeded {
                    limit: Limit::CompileTime,
                    ..
                }
            ),
            "{run:?}"
        );
    }
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let written = std::fs::read_to_string(&pids).unwrap();
    assert_eq!(written.lines().count(), 4, "{written}");
    for pid in written.lines() {
        assert!(gone(pid), "process {pid} is still there");
    }
}

#[test]
fn cancelling_a_compile_kills_its_worker() {
    let dir = tempfile::tempdir().unwrap();
    let pid = dir.path().join("pid");
    let script = format!("echo $$ > {}; exec sleep 60", pid.display());
    let sandbox = scripted(&script, 1 << 20, Duration::from_secs(60));
    let module = command(r#"(func (export "_start"))"#);
    let cancel = Cancel::new();
    let canceller = cancel.clone();
    let pid_file = pid.clone();
    let waiter = std::thread::spawn(move || {
        while !pid_file.exists() {
            std::thread::sleep(Duration::from_millis(10));
        }
        canceller.cancel();
    });
    let started = Instant::now();
    let err = bounded(move || {
        sandbox
            .run_cancellable(&module, b"", &[], &config().limits, &cancel)
            .unwrap_err()
    });
    waiter.join().unwrap();
    assert!(matches!(err, Error::Cancelled), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(30));
    let pid = std::fs::read_to_string(&pid).unwrap();
    assert!(gone(&pid), "process {pid} is still there");
}
