//! Import escapes: anything outside the allowlist, or with another signature.

use nmp_guardian::{AllowedImport, Detail, FindingCode, Policy, ValueType};

use super::{command, errors, inspect, inspect_with};

fn import(module: &str, name: &str, sig: &str) -> Vec<u8> {
    command(&format!(r#"(import "{module}" "{name}" (func {sig}))"#))
}

fn forbidden(wasm: &[u8], module: &str, name: &str) {
    let report = inspect(wasm);
    assert_eq!(
        errors(&report),
        vec![FindingCode::ForbiddenImport],
        "{:#?}",
        report.findings
    );
    assert_eq!(
        report.findings[0].detail,
        Some(Detail::Import {
            module: module.to_owned(),
            name: name.to_owned()
        })
    );
}

#[test]
fn the_default_allowlist_accepts_its_own_signatures() {
    let imports: String = AllowedImport::wasi_preview1_defaults()
        .iter()
        .map(|a| {
            let list = |ts: &[ValueType]| ts.iter().map(|t| format!(" {t}")).collect::<String>();
            format!(
                r#"(import "{}" "{}" (func (param{}) (result{})))"#,
                a.module,
                a.name,
                list(&a.params),
                list(&a.results)
            )
        })
        .collect();
    let report = inspect(&command(&imports));
    assert!(report.is_accepted(), "{:#?}", report.findings);
}

#[test]
fn sockets_are_forbidden() {
    let wasm = import(
        "wasi_snapshot_preview1",
        "sock_accept",
        "(param i32 i32 i32) (result i32)",
    );
    forbidden(&wasm, "wasi_snapshot_preview1", "sock_accept");
}

#[test]
fn proc_raise_is_forbidden() {
    let wasm = import(
        "wasi_snapshot_preview1",
        "proc_raise",
        "(param i32) (result i32)",
    );
    forbidden(&wasm, "wasi_snapshot_preview1", "proc_raise");
}

#[test]
fn sockets_stay_forbidden_even_when_a_policy_lists_them() {
    let mut policy = Policy::default();
    policy.imports.push(AllowedImport::wasi(
        "sock_accept",
        &[ValueType::I32; 3],
        &[ValueType::I32],
    ));
    let wasm = import(
        "wasi_snapshot_preview1",
        "sock_accept",
        "(param i32 i32 i32) (result i32)",
    );
    let report = inspect_with(policy, &wasm);
    assert_eq!(errors(&report), vec![FindingCode::ForbiddenImport]);
}

#[test]
fn unknown_modules_are_forbidden() {
    forbidden(&import("env", "abort", ""), "env", "abort");
}

#[test]
fn a_wrong_signature_is_a_mismatch() {
    let wasm = import(
        "wasi_snapshot_preview1",
        "fd_write",
        "(param i32 i32) (result i32)",
    );
    let report = inspect(&wasm);
    assert_eq!(errors(&report), vec![FindingCode::ImportSignatureMismatch]);
    let message = &report.findings[0].message;
    assert!(message.contains("(i32, i32) -> (i32)"), "{message}");
    assert!(
        message.contains("(i32, i32, i32, i32) -> (i32)"),
        "{message}"
    );
}

#[test]
fn a_missing_result_is_a_mismatch() {
    let wasm = import("wasi_snapshot_preview1", "sched_yield", "");
    assert_eq!(
        errors(&inspect(&wasm)),
        vec![FindingCode::ImportSignatureMismatch]
    );
}

#[test]
fn imported_memories_tables_and_globals_are_forbidden() {
    for item in [
        r#"(import "env" "mem" (memory 1))"#,
        r#"(import "env" "table" (table 1 funcref))"#,
        r#"(import "wasi_snapshot_preview1" "g" (global i32))"#,
    ] {
        let wasm = super::wat(&format!(
            r#"(module {item} (memory (export "memory") 1 1) (func (export "_start")))"#
        ));
        let report = inspect(&wasm);
        assert!(
            errors(&report).contains(&FindingCode::ForbiddenImport),
            "{item}: {:#?}",
            report.findings
        );
    }
}

#[test]
fn every_bad_import_is_reported_not_just_the_first() {
    let wasm = command(
        r#"(import "env" "a" (func))
           (import "wasi_snapshot_preview1" "sock_send" (func))
           (import "wasi_snapshot_preview1" "fd_read" (func))"#,
    );
    assert_eq!(
        errors(&inspect(&wasm)),
        vec![
            FindingCode::ForbiddenImport,
            FindingCode::ForbiddenImport,
            FindingCode::ImportSignatureMismatch
        ]
    );
}

#[test]
fn a_custom_allowlist_is_honoured() {
    let policy = Policy {
        imports: vec![AllowedImport {
            module: "nmp".to_owned(),
            name: "log".to_owned(),
            params: vec![ValueType::I32, ValueType::I32],
            results: vec![],
        }],
        ..Policy::default()
    };
    let allowed = import("nmp", "log", "(param i32 i32)");
    assert!(inspect_with(policy.clone(), &allowed).is_accepted());
    let wasi = import("wasi_snapshot_preview1", "proc_exit", "(param i32)");
    assert_eq!(
        errors(&inspect_with(policy, &wasi)),
        vec![FindingCode::ForbiddenImport]
    );
}

#[test]
fn a_policy_allowlist_loads_from_json() {
    let policy: Policy = serde_json::from_str(
        r#"{"imports": [{"module": "wasi_snapshot_preview1", "name": "fd_write",
                         "params": ["i32", "i32", "i32", "i32"], "results": ["i32"]}]}"#,
    )
    .unwrap();
    let wasm = import(
        "wasi_snapshot_preview1",
        "fd_write",
        "(param i32 i32 i32 i32) (result i32)",
    );
    assert!(inspect_with(policy, &wasm).is_accepted());
}
