//! The caps that bound one function's compile cost: body bytes, locals (count and bytes) and
//! nesting, each just at its limit (accepted) and just over it (rejected).

use nmp_guardian::{Detail, FindingCode, Policy};

use super::{command, errors, inspect, inspect_with};

/// `at` passes under `policy`; `over` fails with `code` alone, reporting `actual`.
fn boundary(policy: Policy, at: &[u8], over: &[u8], code: FindingCode, actual: u64) {
    let report = inspect_with(policy.clone(), at);
    assert!(report.is_accepted(), "at the limit: {:#?}", report.findings);
    let report = inspect_with(policy, over);
    assert_eq!(errors(&report), vec![code], "{:#?}", report.findings);
    let finding = &report.findings[0];
    assert!(matches!(finding.detail, Some(Detail::Limit { actual: a, .. }) if a == actual));
    assert!(finding.location.function.is_some(), "{finding:#?}");
}

/// The size of the largest function body in `wasm`.
fn largest_body(wasm: &[u8]) -> u32 {
    wasmparser::Parser::new(0)
        .parse_all(wasm)
        .filter_map(|payload| match payload {
            Ok(wasmparser::Payload::CodeSectionEntry(body)) => Some(body.range().len() as u32),
            _ => None,
        })
        .max()
        .expect("a code section")
}

#[test]
fn function_bytes() {
    let at = command("(func nop nop)");
    let over = command("(func nop nop nop)");
    let policy = Policy {
        max_function_bytes: largest_body(&at),
        ..Policy::default()
    };
    let actual = largest_body(&over).into();
    boundary(policy, &at, &over, FindingCode::FunctionTooLarge, actual);
}

#[test]
fn local_bytes_weigh_each_type_and_include_parameters() {
    // i32 4 + f64 8 (params), v128 16 + externref 8 + f32 4 + i64 8 (locals) = 48.
    let at = command("(func (param i32 f64) (local v128 externref f32 i64))");
    let over = command("(func (param i32 f64) (local v128 externref f32 i64 i32))");
    let policy = Policy {
        max_local_bytes_per_function: 48,
        ..Policy::default()
    };
    boundary(policy, &at, &over, FindingCode::LocalsTooLarge, 52);
}

#[test]
fn v128_locals_reach_the_byte_cap_before_the_count_cap() {
    let policy = Policy::default();
    let fits = policy.max_local_bytes_per_function / 16;
    assert!(fits < policy.max_locals_per_function);
    let at = command(&format!("(func (local {}))", "v128 ".repeat(fits as usize)));
    let over = command(&format!(
        "(func (local {}))",
        "v128 ".repeat(fits as usize + 1)
    ));
    let actual = u64::from(fits + 1) * 16;
    boundary(policy, &at, &over, FindingCode::LocalsTooLarge, actual);
}

#[test]
fn locals_count_at_the_default() {
    let policy = Policy::default();
    let n = policy.max_locals_per_function as usize;
    let at = command(&format!(
        "(func (param i32) (local {}))",
        "i32 ".repeat(n - 1)
    ));
    let over = command(&format!("(func (param i32) (local {}))", "i32 ".repeat(n)));
    boundary(policy, &at, &over, FindingCode::TooManyLocals, n as u64 + 1);
}

#[test]
fn nesting_at_the_default() {
    let depth = Policy::default().max_nesting_depth as usize;
    let nest = |n: usize| command(&format!("(func {}{})", "(block ".repeat(n), ")".repeat(n)));
    assert!(inspect(&nest(depth)).is_accepted());
    assert_eq!(
        errors(&inspect(&nest(depth + 1))),
        vec![FindingCode::NestingTooDeep]
    );
}

#[test]
fn every_cap_of_one_function_is_reported_together() {
    let policy = Policy {
        max_function_bytes: 8,
        max_locals_per_function: 1,
        max_local_bytes_per_function: 4,
        max_nesting_depth: 1,
        ..Policy::default()
    };
    let wasm = command("(func (local i64 i64) (block (block nop)))");
    let mut codes = errors(&inspect_with(policy, &wasm));
    codes.sort();
    let mut expected = vec![
        FindingCode::FunctionTooLarge,
        FindingCode::TooManyLocals,
        FindingCode::LocalsTooLarge,
        FindingCode::NestingTooDeep,
    ];
    expected.sort();
    assert_eq!(codes, expected);
}

#[test]
fn blocks_per_function_count_block_loop_and_if() {
    let policy = Policy {
        max_blocks_per_function: 3,
        ..Policy::default()
    };
    let at = command("(func (block) (loop) (if (i32.const 0) (then)))");
    let over = command("(func (block) (loop) (if (i32.const 0) (then)) (block))");
    boundary(policy, &at, &over, FindingCode::FunctionTooManyBlocks, 4);
}

#[test]
fn blocks_per_module() {
    let policy = Policy {
        max_blocks: 3,
        ..Policy::default()
    };
    let at = command("(func (block) (block)) (func (loop))");
    let over = command("(func (block) (block)) (func (loop) (block))");
    let report = inspect_with(policy.clone(), &at);
    assert!(report.is_accepted(), "{:#?}", report.findings);
    let report = inspect_with(policy, &over);
    assert_eq!(errors(&report), vec![FindingCode::TooManyBlocks]);
    assert!(matches!(
        report.findings[0].detail,
        Some(Detail::Limit { actual: 4, .. })
    ));
}
