//! The WebAssembly 2.0 spec test suite, as binaries: `validate` accepts every
//! valid module, and the Guardian rejects every invalid and malformed one.

use std::collections::BTreeMap;
use std::path::PathBuf;

use nmp_guardian::{Guardian, Policy, validate};

/// The suite, unpacked from the archive the repository carries
/// (`tests/conformance/wasm-spec.tar.xz`: the spec suite's binaries and manifest, 287 KB
/// packed, 20 MB unpacked) into a temporary directory that lives as long as the returned guard.
fn suite() -> (tempfile::TempDir, PathBuf) {
    let archive =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/wasm-spec.tar.xz");
    let temp = tempfile::tempdir().expect("a temporary directory");
    let status = std::process::Command::new("tar")
        .arg("-xJf")
        .arg(&archive)
        .arg("-C")
        .arg(temp.path())
        .status()
        .expect("tar runs");
    assert!(status.success(), "cannot unpack {}", archive.display());
    let dir = temp.path().join("wasm-spec");
    assert!(
        dir.join("spec.jsonl").is_file(),
        "the archive holds spec.jsonl"
    );
    (temp, dir)
}

#[test]
fn spec_suite_agrees_with_the_guardian() {
    let (_unpacked, dir) = suite();
    let manifest = std::fs::read_to_string(dir.join("spec.jsonl")).expect("read spec.jsonl");
    let guardian = Guardian::new(Policy::default());
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let entry: serde_json::Value = serde_json::from_str(line).expect("manifest line is JSON");
        let file = entry["file"].as_str().expect("file");
        let expect = entry["expect"].as_str().expect("expect");
        let wasm = std::fs::read(dir.join(file)).expect("read module");
        *counts.entry(expect.to_owned()).or_default() += 1;
        match expect {
            "valid" => {
                if let Err(e) = validate(&wasm) {
                    wrong.push(format!("{file}: valid but rejected: {e}"));
                }
            }
            "invalid" | "malformed" => {
                let report = guardian.inspect(&wasm);
                if report.is_accepted() {
                    wrong.push(format!("{file}: {expect} but accepted"));
                }
                if validate(&wasm).is_ok() {
                    wrong.push(format!("{file}: {expect} but validates"));
                }
                let first = report.findings.first().map(|f| format!("{:?}", f.code));
                *codes
                    .entry(format!("{expect} -> {}", first.unwrap_or_default()))
                    .or_default() += 1;
            }
            other => panic!("unknown expectation {other} for {file}"),
        }
    }
    println!("spec modules by expectation: {counts:?}");
    println!("first finding of rejected modules: {codes:#?}");
    assert_eq!(
        counts.values().sum::<usize>(),
        4_581,
        "the suite has 4,581 modules"
    );
    assert!(
        wrong.is_empty(),
        "{} disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
