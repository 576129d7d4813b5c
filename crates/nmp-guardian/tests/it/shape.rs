//! The WASI command shape, and bytes that are not a module at all.

use nmp_guardian::{FindingCode, Severity, ValidationError, validate};

use super::{errors, inspect, wat};

#[test]
fn missing_start_is_reported() {
    let report = inspect(&wat(r#"(module (memory (export "memory") 1 1))"#));
    assert_eq!(errors(&report), vec![FindingCode::MissingStartExport]);
}

#[test]
fn missing_memory_export_is_reported() {
    let report = inspect(&wat(r#"(module (memory 1 1) (func (export "_start")))"#));
    assert_eq!(errors(&report), vec![FindingCode::MissingMemoryExport]);
}

#[test]
fn a_start_with_parameters_is_bad() {
    let report = inspect(&wat(
        r#"(module (memory (export "memory") 1 1) (func (export "_start") (param i32)))"#,
    ));
    assert_eq!(errors(&report), vec![FindingCode::BadStartExport]);
    assert_eq!(report.findings[0].location.function, Some(0));
}

#[test]
fn a_start_that_is_not_a_function_is_bad() {
    let report = inspect(&wat(
        r#"(module (memory (export "memory") 1 1) (global (export "_start") i32 (i32.const 0)))"#,
    ));
    assert_eq!(errors(&report), vec![FindingCode::BadStartExport]);
}

#[test]
fn a_start_section_is_recorded_but_allowed() {
    let report = inspect(&wat(
        r#"(module (memory (export "memory") 1 1) (func $init) (start $init) (func (export "_start")))"#,
    ));
    assert!(report.is_accepted());
    let finding = report
        .find(FindingCode::StartSection)
        .expect("start section finding");
    assert_eq!(finding.severity, Severity::Info);
    assert_eq!(finding.location.function, Some(0));
}

#[test]
fn empty_input_is_malformed() {
    let report = inspect(b"");
    assert_eq!(errors(&report), vec![FindingCode::Malformed]);
    assert!(matches!(
        validate(b""),
        Err(ValidationError::Malformed { .. })
    ));
}

#[test]
fn a_wrong_magic_is_malformed() {
    assert_eq!(
        errors(&inspect(b"\x7fELF\x02\x01\x01\0")),
        vec![FindingCode::Malformed]
    );
}

#[test]
fn every_truncation_of_a_module_is_rejected_without_panicking() {
    let wasm = super::command(
        r#"(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
           (func (param i32) (result i32) (loop (br_if 0 (local.get 0))) (i32.const 1))
           (data (i32.const 8) "hello")"#,
    );
    assert!(inspect(&wasm).is_accepted());
    for len in 0..wasm.len() {
        let prefix = &wasm[..len];
        let report = inspect(prefix);
        // A cut on a section boundary leaves a shorter, well-formed module.
        if validate(prefix).is_ok() {
            continue;
        }
        assert!(!report.is_accepted(), "prefix of {len} bytes accepted");
        assert!(
            errors(&report).contains(&FindingCode::Malformed),
            "prefix of {len} bytes: {:?}",
            errors(&report)
        );
    }
}

#[test]
fn malformed_bytes_stop_cleanly_after_earlier_findings() {
    let mut wasm = wat(r#"(module (import "env" "f" (func)))"#);
    wasm.extend_from_slice(&[0x03, 0x05, 0x01]);
    let report = inspect(&wasm);
    assert_eq!(
        errors(&report),
        vec![FindingCode::ForbiddenImport, FindingCode::Malformed],
        "{:#?}",
        report.findings
    );
}

#[test]
fn reports_carry_the_module_hash_and_size() {
    let wasm = super::command("");
    let report = inspect(&wasm);
    assert_eq!(report.module_size, wasm.len() as u64);
    assert_eq!(report.module_sha256, nmp_guardian::Digest::of(&wasm));
    assert_eq!(
        report.policy_digest,
        nmp_guardian::Guardian::default().policy_digest()
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["module_sha256"].as_str().unwrap().len(), 64);
}
