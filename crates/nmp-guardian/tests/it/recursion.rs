//! Call-graph cycles: direct, mutual and through `call_indirect`.

use nmp_guardian::{Detail, FindingCode, Policy, RecursionPolicy, Severity};

use super::{command, errors, inspect, inspect_with};

fn cycle(wasm: &[u8]) -> (Vec<u32>, bool) {
    let report = inspect(wasm);
    assert_eq!(
        errors(&report),
        vec![FindingCode::Recursion],
        "{:#?}",
        report.findings
    );
    match &report.findings[0].detail {
        Some(Detail::Cycle {
            functions,
            indirect,
            ..
        }) => (functions.clone(), *indirect),
        other => panic!("no cycle detail: {other:?}"),
    }
}

#[test]
fn direct_recursion() {
    // Function 0 is `_start` (declared last in `command`, so index 1 here).
    assert_eq!(cycle(&command("(func $f (call $f))")), (vec![0], false));
}

#[test]
fn mutual_recursion() {
    let wasm =
        command("(func $a (call $b)) (func $b (call $c)) (func $c (call $a)) (func $d (call $a))");
    assert_eq!(cycle(&wasm), (vec![0, 1, 2], false));
}

#[test]
fn recursion_through_call_indirect() {
    let wasm = command(
        "(type $t (func))
         (table 1 1 funcref)
         (elem (i32.const 0) $f)
         (func $f (type $t) (call_indirect (type $t) (i32.const 0)))",
    );
    assert_eq!(cycle(&wasm), (vec![0], true));
}

#[test]
fn recursion_through_a_function_taken_by_ref_func() {
    let wasm = command(
        "(type $t (func))
         (table 1 1 funcref)
         (elem declare func $f)
         (func $f (type $t)
           (table.set (i32.const 0) (ref.func $f))
           (call_indirect (type $t) (i32.const 0)))",
    );
    assert_eq!(cycle(&wasm), (vec![0], true));
}

#[test]
fn call_indirect_of_another_signature_is_not_recursion() {
    let wasm = command(
        "(type $t (func))
         (type $u (func (param i32)))
         (table 1 1 funcref)
         (elem (i32.const 0) $f)
         (func $f (type $t) (call_indirect (type $u) (i32.const 1) (i32.const 0)))",
    );
    let report = inspect(&wasm);
    assert!(report.is_accepted(), "{:#?}", report.findings);
}

#[test]
fn a_deep_acyclic_chain_is_fine() {
    let chain: String = (0..500)
        .map(|i| format!("(func $f{i} (call $f{}))", i + 1))
        .collect();
    let wasm = command(&format!("{chain} (func $f500)"));
    assert!(inspect(&wasm).is_accepted());
}

#[test]
fn allowed_recursion_is_a_warning() {
    let policy = Policy {
        recursion: RecursionPolicy::Allow,
        ..Policy::default()
    };
    let report = inspect_with(policy, &command("(func $f (call $f))"));
    assert!(report.is_accepted());
    assert_eq!(report.findings[0].code, FindingCode::Recursion);
    assert_eq!(report.findings[0].severity, Severity::Warning);
}
