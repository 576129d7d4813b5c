//! Each static limit, just at it (accepted) and just over it (rejected).

use nmp_guardian::{Detail, FindingCode, Policy, Severity};

use super::{command, errors, inspect, inspect_with, wat};

/// `at` passes under `policy` and `over` fails with `code` alone, whose
/// detail names the limit and the actual value.
fn boundary(policy: Policy, at: &[u8], over: &[u8], code: FindingCode, actual: u64) {
    let report = inspect_with(policy.clone(), at);
    assert!(report.is_accepted(), "at the limit: {:#?}", report.findings);
    let report = inspect_with(policy, over);
    assert_eq!(errors(&report), vec![code], "{:#?}", report.findings);
    match &report.findings[0].detail {
        Some(Detail::Limit { actual: a, .. }) => assert_eq!(*a, actual),
        other => panic!("no limit detail: {other:?}"),
    }
}

fn functions(n: usize) -> Vec<u8> {
    command(&"(func)".repeat(n))
}

#[test]
fn module_size() {
    let wasm = command("");
    let policy = Policy {
        max_module_bytes: wasm.len() as u64,
        ..Policy::default()
    };
    let mut over = wasm.clone();
    over.extend_from_slice(&[0, 1, b'x']); // a custom section named "x"
    boundary(
        policy,
        &wasm,
        &over,
        FindingCode::ModuleTooLarge,
        over.len() as u64,
    );
}

#[test]
fn function_count_includes_start() {
    let policy = Policy {
        max_functions: 3,
        ..Policy::default()
    };
    boundary(
        policy,
        &functions(2),
        &functions(3),
        FindingCode::TooManyFunctions,
        4,
    );
}

#[test]
fn locals_include_parameters() {
    let policy = Policy {
        max_locals_per_function: 3,
        ..Policy::default()
    };
    let at = command("(func (param i32) (local i32 i64))");
    let over = command("(func (param i32) (local i32 i64 f32))");
    boundary(policy, &at, &over, FindingCode::TooManyLocals, 4);
}

fn memory(limits: &str) -> Vec<u8> {
    wat(&format!(
        r#"(module (memory (export "memory") {limits}) (func (export "_start")))"#
    ))
}

#[test]
fn memory_initial_pages() {
    let policy = Policy {
        max_memory_pages: 2,
        ..Policy::default()
    };
    boundary(
        policy,
        &memory("2"),
        &memory("3"),
        FindingCode::MemoryTooLarge,
        3,
    );
}

#[test]
fn memory_maximum_pages() {
    let policy = Policy {
        max_memory_pages: 2,
        ..Policy::default()
    };
    boundary(
        policy,
        &memory("1 2"),
        &memory("1 3"),
        FindingCode::MemoryTooLarge,
        3,
    );
}

#[test]
fn the_default_memory_limit_is_256_mib() {
    assert!(inspect(&memory("4096 4096")).is_accepted());
    assert_eq!(
        errors(&inspect(&memory("1 4097"))),
        vec![FindingCode::MemoryTooLarge]
    );
}

#[test]
fn a_memory_without_maximum_is_allowed_and_noted() {
    let report = inspect(&memory("1"));
    assert!(report.is_accepted());
    let finding = report.find(FindingCode::MemoryNoMaximum).expect("noted");
    assert_eq!(finding.severity, Severity::Info);
}

#[test]
fn table_elements() {
    let policy = Policy {
        max_table_elements: 4,
        ..Policy::default()
    };
    let at = command("(table 4 4 funcref)");
    let over = command("(table 1 5 funcref)");
    boundary(policy, &at, &over, FindingCode::TableTooLarge, 5);
}

#[test]
fn data_bytes_across_segments() {
    let policy = Policy {
        max_data_bytes: 5,
        ..Policy::default()
    };
    let at = command(r#"(data (i32.const 0) "hel") (data "lo")"#);
    let over = command(r#"(data (i32.const 0) "hel") (data "lo!")"#);
    boundary(policy, &at, &over, FindingCode::DataTooLarge, 6);
}

#[test]
fn exports_include_memory_and_start() {
    let policy = Policy {
        max_exports: 3,
        ..Policy::default()
    };
    let at = command(r#"(func (export "a"))"#);
    let over = command(r#"(func (export "a")) (func (export "b"))"#);
    boundary(policy, &at, &over, FindingCode::TooManyExports, 4);
}

#[test]
fn nesting_depth() {
    let policy = Policy {
        max_nesting_depth: 2,
        ..Policy::default()
    };
    let at = command("(func (block (loop)))");
    let over = command("(func (block (loop (if (i32.const 0) (then)))))");
    boundary(policy, &at, &over, FindingCode::NestingTooDeep, 3);
}

#[test]
fn br_table_labels_exclude_the_default() {
    let policy = Policy {
        max_br_table_targets: 2,
        ..Policy::default()
    };
    let at = command("(func (block (br_table 0 0 0 (i32.const 0))))");
    let over = command("(func (block (br_table 0 0 0 0 (i32.const 0))))");
    boundary(policy, &at, &over, FindingCode::BrTableTooLarge, 3);
}

fn code_size(wasm: &[u8]) -> u64 {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::CodeSectionStart { size, .. }) = payload {
            return size.into();
        }
    }
    panic!("no code section");
}

#[test]
fn code_bytes() {
    let at = command("(func nop)");
    let over = command("(func nop nop)");
    let policy = Policy {
        max_code_bytes: code_size(&at),
        ..Policy::default()
    };
    boundary(
        policy,
        &at,
        &over,
        FindingCode::CodeTooLarge,
        code_size(&over),
    );
}

#[test]
fn loops_per_module() {
    let policy = Policy {
        max_loops: 2,
        ..Policy::default()
    };
    let at = command("(func (loop)) (func (loop))");
    let over = command("(func (loop)) (func (loop)) (func (loop))");
    boundary(policy, &at, &over, FindingCode::TooManyLoops, 3);
}

#[test]
fn loops_per_function() {
    let policy = Policy {
        max_loops_per_function: 2,
        ..Policy::default()
    };
    let at = command("(func (loop) (loop)) (func (loop) (loop))");
    let over = command("(func (loop) (loop) (loop))");
    boundary(policy, &at, &over, FindingCode::FunctionTooManyLoops, 3);
}

#[test]
fn a_loop_bomb_is_rejected_by_default() {
    let bomb = command(&"(func (loop) (loop) (loop) (loop) (loop))".repeat(4_001));
    let codes = errors(&inspect(&bomb));
    assert_eq!(codes, vec![FindingCode::TooManyLoops]);
    let one_function = command(&format!("(func {})", "(loop)".repeat(2_001)));
    assert_eq!(
        errors(&inspect(&one_function)),
        vec![FindingCode::FunctionTooManyLoops]
    );
}

#[test]
fn findings_are_capped_but_the_verdict_is_not() {
    let policy = Policy {
        max_findings: 2,
        ..Policy::default()
    };
    let imports: String = (0..5)
        .map(|i| format!(r#"(import "env" "f{i}" (func))"#))
        .collect();
    let report = inspect_with(policy, &command(&imports));
    assert!(!report.is_accepted());
    assert_eq!(report.findings.len(), 3);
    assert_eq!(report.findings[2].code, FindingCode::FindingsTruncated);
}
