//! Ordinary endings, host errors, per-run limits and the compile deadline.

use std::time::Duration;

use nmp_sandbox::{CacheHit, Config, Error, Limit, Limits, Outcome, Sandbox, TrapKind};

use crate::support::{bounded, command, config, run, sandbox, stdout, wasm};

fn run_err(wasm: Vec<u8>) -> Error {
    bounded(move || sandbox().run(&wasm, b"", &[]).map(|_| ()))
        .expect_err("the module should not run")
}

#[test]
fn returning_from_start_completes_with_zero() {
    let run = run(command(r#"(func (export "_start"))"#), b"", vec![]);
    assert!(run.outcome.is_success(), "{run:?}");
    assert_eq!(run.stats.cache, CacheHit::Miss);
    assert_eq!(
        run.stats.fuel_consumed, None,
        "the test sandbox is unmetered"
    );
}

#[test]
fn proc_exit_completes_with_its_code() {
    let module = command(
        r#"(data (i32.const 64) "bye")
           (func (export "_start")
             (drop (call $write (i32.const 1) (i32.const 64) (i32.const 3)))
             (call $proc_exit (i32.const 7)))"#,
    );
    let run = run(module, b"", vec![]);
    assert!(
        matches!(&run.outcome, Outcome::Completed { exit_code: 7, stdout, .. } if stdout == b"bye")
    );
}

#[test]
fn unreachable_traps_and_keeps_output() {
    let module = command(
        r#"(data (i32.const 64) "before")
           (func (export "_start")
             (drop (call $write (i32.const 2) (i32.const 64) (i32.const 6)))
             unreachable)"#,
    );
    let run = run(module, b"", vec![]);
    match &run.outcome {
        Outcome::Trapped {
            trap: TrapKind::Unreachable,
            stderr,
            ..
        } => assert_eq!(stderr, b"before"),
        other => panic!("expected an unreachable trap, got {other:?}"),
    }
}

#[test]
fn argv_is_the_program_name_and_env_is_empty() {
    let module = command(
        r#"(func (export "_start")
             (call $check (call $args_sizes_get (i32.const 16) (i32.const 20)))
             (call $check (call $environ_sizes_get (i32.const 24) (i32.const 28)))
             (if (i32.ne (i32.load (i32.const 16)) (i32.const 1)) (then (call $proc_exit (i32.const 90))))
             (if (i32.load (i32.const 24)) (then (call $proc_exit (i32.const 91))))
             (call $check (call $args_get (i32.const 32) (i32.const 128)))
             ;; Print argv[0] without its trailing NUL.
             (call $check (call $write (i32.const 1) (i32.const 128)
               (i32.sub (i32.load (i32.const 20)) (i32.const 1)))))"#,
    );
    let run = run(module, b"", vec![]);
    assert!(run.outcome.is_success(), "{run:?}");
    assert_eq!(stdout(&run.outcome), nmp_sandbox::PROGRAM_NAME);
}

#[test]
fn a_module_without_start_is_not_a_command() {
    let err = run_err(wasm(r#"(module (func (export "main")))"#));
    assert!(matches!(err, Error::NotACommand), "{err:?}");
}

#[test]
fn an_unknown_import_is_a_link_error() {
    let err = run_err(wasm(
        r#"(module (import "env" "socket" (func)) (func (export "_start")))"#,
    ));
    assert!(matches!(err, Error::Link { .. }), "{err:?}");
}

#[test]
fn garbage_bytes_are_a_compile_error() {
    let err = run_err(b"\0asm\x01\0\0\0garbage".to_vec());
    assert!(matches!(err, Error::Compile { .. }), "{err:?}");
    let err = run_err(b"not wasm at all".to_vec());
    assert!(matches!(err, Error::Compile { .. }), "{err:?}");
}

#[test]
fn per_run_limits_may_only_tighten() {
    let wasm = command(r#"(func (export "_start"))"#);
    let looser = Limits {
        timeout: Duration::from_secs(3600),
        ..config().limits
    };
    let err = bounded(move || sandbox().run_with(&wasm, b"", &[], &looser).map(|_| ()))
        .expect_err("a looser limit is refused");
    assert!(
        matches!(err, Error::LimitAboveCeiling { field: "timeout" }),
        "{err:?}"
    );
}

#[test]
fn invalid_config_is_refused() {
    let config = Config {
        max_concurrent_runs: 0,
        ..Config::default()
    };
    let err = Sandbox::new(config).expect_err("zero runs is invalid");
    assert!(matches!(
        err,
        Error::InvalidConfig {
            field: "max_concurrent_runs",
            ..
        }
    ));
}

#[test]
fn a_compile_past_its_deadline_is_a_limit() {
    // Thousands of functions take far longer than a microsecond to compile.
    let funcs: String = (0..3000)
        .map(|i| format!("(func (result i32) (i32.add (i32.const {i}) (i32.const 1)))"))
        .collect();
    let module = wasm(&format!(r#"(module {funcs} (func (export "_start")))"#));
    let config = Config {
        compile_timeout: Duration::from_micros(1),
        ..config()
    };
    let run = bounded(move || {
        Sandbox::new(config)
            .unwrap()
            .run(&module, b"", &[])
            .unwrap()
    });
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

#[test]
fn an_out_of_bounds_pointer_to_wasi_is_a_host_call_trap() {
    // WASI requires a call that must dereference an out-of-bounds pointer to trap.
    let module = command(
        r#"(func (export "_start")
             (drop (call $fd_write (i32.const 1) (i32.const -16) (i32.const 1) (i32.const 8))))"#,
    );
    let run = run(module, b"", vec![]);
    assert!(
        matches!(
            run.outcome,
            Outcome::Trapped {
                trap: TrapKind::HostCall,
                ..
            }
        ),
        "{run:?}"
    );
}
