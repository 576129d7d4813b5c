//! Integration tests for the Guardian: hostile modules, one file per concern.

mod compile_cost;
mod conformance;
mod imports;
mod limits;
mod properties;
mod proposals;
mod recursion;
mod shape;

use nmp_guardian::{FindingCode, Guardian, Policy, Report};

/// Compiles WAT text, panicking on a typo in the test itself.
fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).unwrap_or_else(|e| panic!("test WAT does not parse: {e}\n{text}"))
}

/// A WASI command module around `items` (extra module fields).
fn command(items: &str) -> Vec<u8> {
    wat(&format!(
        r#"(module
             {items}
             (memory (export "memory") 1 1)
             (func (export "_start")))"#
    ))
}

fn inspect(wasm: &[u8]) -> Report {
    Guardian::new(Policy::default()).inspect(wasm)
}

fn inspect_with(policy: Policy, wasm: &[u8]) -> Report {
    Guardian::new(policy).inspect(wasm)
}

/// The codes of the report's error findings, in report order.
fn errors(report: &Report) -> Vec<FindingCode> {
    report
        .findings
        .iter()
        .filter(|f| f.severity == nmp_guardian::Severity::Error)
        .map(|f| f.code)
        .collect()
}

#[test]
fn a_minimal_command_is_accepted_without_findings() {
    let report = inspect(&command(""));
    assert!(report.is_accepted(), "{:#?}", report.findings);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}
