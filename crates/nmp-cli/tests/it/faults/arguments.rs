//! Bad command-line arguments: each a one-line reason on stderr and exit status 2, with
//! nothing written.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt as _;
use std::process::Command;

use crate::{arg, assert_usage_error, example, nmp};

#[test]
fn every_bad_argument_is_refused_on_one_line_with_exit_2_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = example("c/aggregate.wasm");
    let wasm = arg(&wasm);
    let peer = "12D3KooWJS7auJ3mqfZFnv485a8K6qhtgv22NxsaUi4mpRuGZzxo";
    let good = format!("/ip4/127.0.0.1/tcp/9/p2p/{peer}");
    let run = |extra: &[&str]| -> Vec<String> {
        ["run", "--capability", "x/d", "--wasm", wasm]
            .iter()
            .chain(extra)
            .map(ToString::to_string)
            .collect()
    };
    let existing = dir.path().join("exists.key");
    std::fs::write(&existing, b"not a key").unwrap();
    let missing_dir = dir.path().join("no/such/dir/k.key");
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("no subcommand", vec![]),
        ("unknown subcommand", vec!["frobnicate".into()]),
        ("unknown flag", run(&["--bootstrap", &good, "--colour"])),
        ("missing value", run(&["--bootstrap"])),
        (
            "missing required flag",
            vec!["run".into(), "--wasm".into(), wasm.into()],
        ),
        ("not a multiaddr", run(&["--bootstrap", "not-an-address"])),
        (
            "multiaddr without /p2p",
            run(&["--bootstrap", "/ip4/127.0.0.1/tcp/9"]),
        ),
        (
            "negative timeout",
            run(&["--bootstrap", &good, "--timeout-secs", "-1"]),
        ),
        (
            "timeout not a number",
            run(&["--bootstrap", &good, "--timeout-secs", "soon"]),
        ),
        (
            "not a PeerId",
            run(&["--bootstrap", &good, "--trust", "nobody"]),
        ),
        (
            "identity a device",
            run(&["--bootstrap", &good, "--identity", "/dev/zero"]),
        ),
        (
            "identity missing",
            run(&["--bootstrap", &good, "--identity", "/nonexistent.key"]),
        ),
        (
            "module missing",
            vec![
                "run".into(),
                "--capability".into(),
                "x".into(),
                "--wasm".into(),
                "/nonexistent.wasm".into(),
                "--bootstrap".into(),
                good.clone(),
            ],
        ),
        (
            "keygen over a file",
            vec!["keygen".into(), "--out".into(), arg(&existing).into()],
        ),
        (
            "keygen into no directory",
            vec!["keygen".into(), "--out".into(), arg(&missing_dir).into()],
        ),
        ("node without --config", vec!["node".into()]),
    ];
    for (case, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = nmp(&args, b"");
        let said = String::from_utf8_lossy(&out.stderr);
        eprintln!("{case}: {}", said.trim_end());
        assert_usage_error(&out);
        // The reason names what is missing, not only that something is.
        if case.starts_with("missing required") {
            assert!(said.contains("--capability"), "{said}");
        }
        if case.starts_with("node without") {
            assert!(said.contains("--config"), "{said}");
        }
    }
    // Nothing was written: the existing file is untouched and no key appeared.
    assert_eq!(std::fs::read(&existing).unwrap(), b"not a key");
    assert!(!missing_dir.exists());

    // A path that is not UTF-8.
    let out = Command::new(env!("CARGO_BIN_EXE_nmp"))
        .arg("inspect")
        .arg(OsStr::from_bytes(b"/tmp/\xff\xfe.wasm"))
        .output()
        .expect("nmp runs");
    eprintln!(
        "non-UTF-8 path: {}",
        String::from_utf8_lossy(&out.stderr).trim_end()
    );
    assert_usage_error(&out);
}
