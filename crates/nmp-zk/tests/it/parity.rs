//! Same run, both engines: every example module the guest can run gives the same stdout and
//! the same coarse outcome in the node's wasmtime sandbox and in the guest's wasmi run (the
//! guest's code, compiled for the host). The modules the guest cannot run are refused before
//! running, with the reason.

use nmp_sandbox::{Config, Mount, Outcome as SandboxOutcome, Sandbox};
use nmp_zk::{Job, Outcome, RunError, check_module, load_dataset, run};

use super::{read, repo};

/// Runs `module` over `input` with `examples/logic/data` at `/data/data` in both engines
/// and compares.
fn same_in_both(sandbox: &Sandbox, module: &str, input: &str) {
    let wasm = read(module);
    let input = if input.is_empty() {
        Vec::new()
    } else {
        read(input)
    };
    let data = repo().join("examples/logic/data");

    let node = sandbox
        .run(&wasm, &input, &[Mount::new("data", &data)])
        .expect("the sandbox runs it");
    let (node_outcome, node_stdout) = match node.outcome {
        SandboxOutcome::Completed {
            exit_code: 0,
            stdout,
            ..
        } => (Outcome::Completed, stdout),
        SandboxOutcome::Completed { stdout, .. } => (Outcome::ExitedNonzero, stdout),
        other => panic!("{module}: unexpected sandbox outcome {other:?}"),
    };

    let mut job = Job::new([0; 16], wasm, input);
    job.datasets
        .push(load_dataset("data", &data).expect("example data"));
    let guest = run(job).expect("the guest runs it");
    assert_eq!(
        String::from_utf8_lossy(&guest.stdout),
        String::from_utf8_lossy(&node_stdout),
        "{module}: stdout differs"
    );
    assert_eq!(
        guest.journal.outcome, node_outcome,
        "{module}: outcome differs"
    );
}

#[test]
fn every_runnable_example_gives_the_same_output_in_both_engines() {
    let sandbox = Sandbox::new(Config::default()).expect("default sandbox");
    let cases = [
        (
            "examples/logic/wat/hello.wasm",
            "examples/logic/inputs/params-mean.json",
        ),
        ("examples/logic/wat/kib.wasm", ""),
        (
            "examples/logic/assemblyscript/params.wasm",
            "examples/logic/inputs/params-mean.json",
        ),
        (
            "examples/logic/assemblyscript/params.wasm",
            "examples/logic/inputs/params-bad.json",
        ),
        ("examples/logic/c/aggregate.wasm", ""),
        (
            "examples/logic/c/aggregate.wasm",
            "examples/logic/inputs/aggregate-by-city.json",
        ),
        (
            "examples/logic/c/aggregate.wasm",
            "examples/logic/inputs/aggregate-min-count.json",
        ),
        (
            "examples/logic/c/aggregate.wasm",
            "examples/logic/inputs/aggregate-by-email.json",
        ),
        ("examples/logic/c/exfiltrate.wasm", ""),
        (
            "examples/logic/c/exfiltrate.wasm",
            "examples/logic/inputs/exfiltrate-base64.txt",
        ),
        ("examples/logic/c/disguise.wasm", ""),
    ];
    for (module, input) in cases {
        same_in_both(&sandbox, module, input);
    }
}

#[test]
fn examples_the_guest_cannot_run_are_refused_before_running() {
    // SQLite reads the clock and polls: the guest cannot reproduce the node's clocks.
    let err = check_module(&read("examples/logic/sqlite/query.wasm")).expect_err("clock");
    assert!(matches!(err, RunError::UnsupportedImport { .. }), "{err:?}");
    let err = check_module(&read("examples/logic/wat/escape.wasm")).expect_err("sockets");
    assert!(matches!(err, RunError::UnsupportedImport { .. }), "{err:?}");
    for module in [
        "examples/logic/wat/hello.wasm",
        "examples/logic/wat/spin.wasm",
        "examples/logic/c/aggregate.wasm",
        "examples/logic/assemblyscript/params.wasm",
    ] {
        check_module(&read(module)).unwrap_or_else(|e| panic!("{module}: {e}"));
    }
}
