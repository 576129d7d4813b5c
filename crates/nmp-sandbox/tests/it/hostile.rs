//! Hostile guests: each must end with its documented outcome, within its deadline.

use nmp_sandbox::{Limit, Limits, Outcome, TrapKind};

use crate::support::{SHORT_TIMEOUT, command, run, run_with, wasm};

#[test]
fn infinite_loop_in_start_export_times_out() {
    let run = run(
        command(r#"(func (export "_start") (loop (br 0)))"#),
        b"",
        vec![],
    );
    assert!(matches!(run.outcome, Outcome::TimedOut { .. }), "{run:?}");
    assert!(run.stats.exec_time >= SHORT_TIMEOUT);
}

#[test]
fn infinite_loop_in_start_function_times_out() {
    let module = command(
        r#"(func $spin (loop (br 0)))
           (start $spin)
           (func (export "_start"))"#,
    );
    let run = run(module, b"", vec![]);
    assert!(matches!(run.outcome, Outcome::TimedOut { .. }), "{run:?}");
}

#[test]
fn output_before_a_timeout_is_kept() {
    let module = command(
        r#"(data (i32.const 64) "partial")
           (func (export "_start")
             (call $check (call $write (i32.const 1) (i32.const 64) (i32.const 7)))
             (loop (br 0)))"#,
    );
    let run = run(module, b"", vec![]);
    assert!(matches!(&run.outcome, Outcome::TimedOut { stdout, .. } if stdout == b"partial"));
}

#[test]
fn sleeping_an_hour_in_poll_oneoff_times_out() {
    // One relative monotonic-clock subscription of an hour: the case wasmtime-wasi would turn
    // into `std::thread::sleep` if blocking the current thread were allowed.
    let module = command(
        r#"(func (export "_start")
             (i32.store8 (i32.const 1032) (i32.const 0))            ;; tag: clock
             (i32.store (i32.const 1040) (i32.const 1))             ;; clock id: monotonic
             (i64.store (i32.const 1048) (i64.const 3600000000000)) ;; timeout: 1 h in ns
             (i64.store (i32.const 1056) (i64.const 0))             ;; precision
             (i32.store16 (i32.const 1064) (i32.const 0))           ;; flags: relative
             (call $check (call $poll_oneoff
               (i32.const 1024) (i32.const 2048) (i32.const 1) (i32.const 8))))"#,
    );
    let run = run(module, b"", vec![]);
    assert!(matches!(run.outcome, Outcome::TimedOut { .. }), "{run:?}");
}

#[test]
fn reading_stdin_to_the_end_never_blocks() {
    // Reads until end-of-file; stdin is the input then EOF, so this completes.
    let module = command(
        r#"(func (export "_start") (local $total i32) (local $n i32)
             (loop $more
               (local.set $n (call $read (i32.const 0) (i32.const 4096) (i32.const 4096)))
               (if (i32.lt_s (local.get $n) (i32.const 0)) (then (call $proc_exit (i32.const 2))))
               (local.set $total (i32.add (local.get $total) (local.get $n)))
               (br_if $more (local.get $n)))
             ;; Exit 0 only if exactly 100,000 bytes arrived.
             (call $proc_exit (i32.ne (local.get $total) (i32.const 100000))))"#,
    );
    let run = run(module, &vec![b'x'; 100_000], vec![]);
    assert!(run.outcome.is_success(), "{run:?}");
}

#[test]
fn memory_grow_bomb_hits_the_memory_limit() {
    let module = command(
        r#"(func (export "_start")
             (loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
             unreachable)"#,
    );
    let run = run(module, b"", vec![]);
    assert!(
        matches!(
            run.outcome,
            Outcome::LimitExceeded {
                limit: Limit::Memory,
                ..
            }
        ),
        "{run:?}"
    );
    assert!(run.stats.peak_memory_bytes <= Limits::default().memory_bytes);
}

#[test]
fn huge_declared_memory_is_refused_before_compiling() {
    let module = wasm(r#"(module (memory 65536) (func (export "_start")))"#);
    let run = run(module, b"", vec![]);
    assert!(matches!(
        run.outcome,
        Outcome::LimitExceeded {
            limit: Limit::Memory,
            ..
        }
    ));
    assert_eq!(run.stats.exec_time, std::time::Duration::ZERO);
}

#[test]
fn declared_memory_over_a_per_run_cap_is_refused_at_instantiation() {
    // 100 pages (6.25 MiB) fit the sandbox ceiling but not this run's 1 MiB.
    let module = wasm(r#"(module (memory 100) (func (export "_start")))"#);
    let limits = Limits {
        memory_bytes: 1 << 20,
        timeout: SHORT_TIMEOUT,
        ..Limits::default()
    };
    let run = run_with(module, limits);
    assert!(matches!(
        run.outcome,
        Outcome::LimitExceeded {
            limit: Limit::Memory,
            ..
        }
    ));
}

#[test]
fn huge_declared_table_is_refused() {
    let module = wasm(r#"(module (table 1000000 funcref) (func (export "_start")))"#);
    let run = run(module, b"", vec![]);
    assert!(matches!(
        run.outcome,
        Outcome::LimitExceeded {
            limit: Limit::Table,
            ..
        }
    ));
}

#[test]
fn table_grow_bomb_hits_the_table_limit() {
    let module = wasm(
        r#"(module (table $t 1 funcref)
             (func (export "_start")
               (loop $grow
                 (br_if $grow (i32.ne (table.grow $t (ref.null func) (i32.const 1000))
                                      (i32.const -1))))))"#,
    );
    let run = run(module, b"", vec![]);
    assert!(
        matches!(
            run.outcome,
            Outcome::LimitExceeded {
                limit: Limit::Table,
                ..
            }
        ),
        "{run:?}"
    );
}

#[test]
fn too_many_memories_are_refused() {
    let module = wasm(r#"(module (memory 1) (memory 1) (func (export "_start")))"#);
    let run = run(module, b"", vec![]);
    assert!(matches!(
        run.outcome,
        Outcome::LimitExceeded {
            limit: Limit::Memories,
            ..
        }
    ));
}

#[test]
fn deep_recursion_traps_with_stack_overflow() {
    let module =
        wasm(r#"(module (func $down (call $down)) (func (export "_start") (call $down)))"#);
    let run = run(module, b"", vec![]);
    assert!(
        matches!(
            run.outcome,
            Outcome::Trapped {
                trap: TrapKind::StackOverflow,
                ..
            }
        ),
        "{run:?}"
    );
}

#[test]
fn fuel_exhaustion_is_a_limit() {
    let module = wasm(r#"(module (func (export "_start") (loop (br 0))))"#);
    let limits = Limits {
        fuel: Some(100_000),
        timeout: SHORT_TIMEOUT,
        ..Limits::default()
    };
    let run = run_with(module, limits);
    assert!(
        matches!(
            run.outcome,
            Outcome::LimitExceeded {
                limit: Limit::Fuel,
                ..
            }
        ),
        "{run:?}"
    );
    assert_eq!(run.stats.fuel_consumed, Some(100_000));
}

/// A guest that writes 1 KiB chunks forever to `fd`, ignoring errors.
fn flood(fd: u32) -> Vec<u8> {
    command(&format!(
        r#"(func (export "_start")
             (loop (drop (call $write (i32.const {fd}) (i32.const 4096) (i32.const 1024))) (br 0)))"#
    ))
}

#[test]
fn stdout_flood_hits_the_stdout_cap_exactly() {
    let run = run(flood(1), b"", vec![]);
    let cap = Limits::default().stdout_bytes;
    match &run.outcome {
        Outcome::LimitExceeded {
            limit: Limit::Stdout,
            stdout,
            ..
        } => assert_eq!(stdout.len(), cap),
        other => panic!("expected LimitExceeded(Stdout), got {other:?}"),
    }
}

#[test]
fn stderr_flood_hits_the_stderr_cap() {
    let run = run(flood(2), b"", vec![]);
    let cap = Limits::default().stderr_bytes;
    match &run.outcome {
        Outcome::LimitExceeded {
            limit: Limit::Stderr,
            stderr,
            ..
        } => assert_eq!(stderr.len(), cap),
        other => panic!("expected LimitExceeded(Stderr), got {other:?}"),
    }
}

#[test]
fn output_of_exactly_the_cap_completes() {
    let limits = Limits {
        stdout_bytes: 1024,
        timeout: SHORT_TIMEOUT,
        ..Limits::default()
    };
    let module = command(
        r#"(func (export "_start") (call $check (call $write (i32.const 1) (i32.const 4096) (i32.const 1024))))"#,
    );
    let run = run_with(module, limits);
    assert!(run.outcome.is_success(), "{run:?}");
    assert_eq!(run.outcome.stdout().len(), 1024);
}
