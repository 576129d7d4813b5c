//! Every disabled proposal gets its own finding code, and so do components.

use nmp_guardian::{Detail, FindingCode, validate};

use super::{command, errors, inspect, wat};

/// Asserts that `wasm` is rejected with exactly `code` as its only error.
fn rejected_as(wasm: &[u8], code: FindingCode) {
    assert!(
        validate(wasm).is_err(),
        "validate accepted a {code:?} module"
    );
    let report = inspect(wasm);
    assert_eq!(errors(&report), vec![code], "{:#?}", report.findings);
}

#[test]
fn shared_memory_is_threads() {
    rejected_as(
        &wat(r#"(module (memory (export "memory") 1 1 shared) (func (export "_start")))"#),
        FindingCode::Threads,
    );
}

#[test]
fn atomics_are_threads() {
    rejected_as(
        &command("(func (param i32) (result i32) (i32.atomic.load (local.get 0)))"),
        FindingCode::Threads,
    );
}

#[test]
fn a_64_bit_memory_is_memory64() {
    rejected_as(
        &wat(r#"(module (memory (export "memory") i64 1 1) (func (export "_start")))"#),
        FindingCode::Memory64,
    );
}

#[test]
fn two_memories_are_multi_memory() {
    rejected_as(&command("(memory 1 1)"), FindingCode::MultiMemory);
}

#[test]
fn tags_and_throw_are_exceptions() {
    rejected_as(
        &command("(tag $e) (func (throw $e))"),
        FindingCode::Exceptions,
    );
}

#[test]
fn try_table_is_exceptions() {
    rejected_as(
        &command("(func (block $h (try_table (catch_all $h) nop)))"),
        FindingCode::Exceptions,
    );
}

#[test]
fn legacy_try_is_exceptions() {
    // The text parser no longer writes legacy `try`, so patch the binary: the
    // body `nop nop nop nop end` becomes `try catch_all end end`.
    let mut wasm = command("(func nop nop nop nop)");
    let body = [0x01, 0x01, 0x01, 0x01, 0x0b];
    let at = wasm
        .windows(5)
        .position(|w| w == body)
        .expect("the nop body");
    wasm[at..at + 5].copy_from_slice(&[0x06, 0x40, 0x19, 0x0b, 0x0b]);
    rejected_as(&wasm, FindingCode::Exceptions);
    let report = inspect(&wasm);
    assert_eq!(
        report.findings[0].detail,
        Some(Detail::Proposal {
            name: "legacy_exceptions".to_owned()
        })
    );
}

#[test]
fn struct_types_are_gc() {
    rejected_as(&command("(type (struct (field i32)))"), FindingCode::Gc);
}

#[test]
fn return_call_is_tail_call() {
    rejected_as(
        &command("(func $a) (func (return_call $a))"),
        FindingCode::TailCall,
    );
}

#[test]
fn relaxed_simd_is_relaxed_simd() {
    rejected_as(
        &command("(func (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))"),
        FindingCode::RelaxedSimd,
    );
}

#[test]
fn arithmetic_in_a_constant_is_extended_const() {
    rejected_as(
        &command("(global i32 (i32.add (i32.const 1) (i32.const 2)))"),
        FindingCode::ExtendedConst,
    );
}

#[test]
fn typed_references_are_function_references() {
    rejected_as(
        &command("(type $t (func)) (func (param (ref $t)) (call_ref $t (local.get 0)))"),
        FindingCode::FunctionReferences,
    );
}

#[test]
fn add128_is_wide_arithmetic() {
    rejected_as(
        &command(
            "(func (param i64 i64 i64 i64) (result i64 i64)
               (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))",
        ),
        FindingCode::WideArithmetic,
    );
}

#[test]
fn a_one_byte_page_is_custom_page_sizes() {
    rejected_as(
        &wat(r#"(module (memory (export "memory") 1 1 (pagesize 1)) (func (export "_start")))"#),
        FindingCode::CustomPageSizes,
    );
}

#[test]
fn a_component_is_a_component_binary() {
    rejected_as(&wat("(component)"), FindingCode::ComponentBinary);
}

#[test]
fn each_proposal_in_one_module_is_reported() {
    let wasm = wat(r#"(module
             (memory (export "memory") 1 1 shared)
             (func $a)
             (func (export "_start") (return_call $a)))"#);
    let report = inspect(&wasm);
    assert_eq!(
        errors(&report),
        vec![FindingCode::Threads, FindingCode::TailCall],
        "{:#?}",
        report.findings
    );
}

#[test]
fn proposal_findings_name_the_proposal_and_place() {
    let report = inspect(&command("(func $a) (func (return_call $a))"));
    let finding = report
        .find(FindingCode::TailCall)
        .expect("tail call finding");
    assert_eq!(
        finding.detail,
        Some(Detail::Proposal {
            name: "tail_call".to_owned()
        })
    );
    assert_eq!(finding.location.function, Some(1));
    assert!(finding.location.offset.is_some());
}

#[test]
fn a_plain_type_error_is_invalid_not_a_proposal() {
    rejected_as(
        &command("(func (result i32) (i64.const 1))"),
        FindingCode::Invalid,
    );
}

#[test]
fn wasm_2_features_are_accepted() {
    let wasm = command(
        r#"(global (mut i32) (i32.const 0))
           (table 2 2 funcref)
           (table 1 1 externref)
           (func (param i32) (result i32 i32)
             (i32.extend8_s (local.get 0))
             (i32.trunc_sat_f32_s (f32.const 1.5)))
           (func (param v128) (result v128) (i8x16.add (local.get 0) (local.get 0)))
           (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
                 (drop (ref.is_null (ref.null extern))))"#,
    );
    validate(&wasm).expect("wasm 2.0 validates");
    let report = inspect(&wasm);
    assert!(report.is_accepted(), "{:#?}", report.findings);
}
