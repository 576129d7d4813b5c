//! Guardian throughput beside bare wasmparser validation on the same module.
//!
//! The module is generated here: a WASI command with a few thousand functions
//! whose bodies look like compiled C (loops over memory, arithmetic, branches,
//! a `br_table`, calls to earlier functions and through a table).
//!
//! `cargo bench -p nmp-guardian --bench inspect -- --warm-up-time 1 --measurement-time 3`

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nmp_guardian::{Guardian, Policy};
use wasmparser::{Validator, WasmFeatures};

/// Functions in the generated module (about 2.5 MB).
const FUNCTIONS: u32 = 12_000;

fn body(f: u32) -> String {
    let callee = if f > 0 {
        format!("(drop (call $f{} (local.get $i) (local.get $acc)))", f / 2)
    } else {
        String::new()
    };
    format!(
        r#"
  (func $f{f} (type $t) (param $p i32) (param $q i32) (result i32)
    (local $i i32) (local $acc i32) (local $x i64)
    (local.set $acc (i32.const {f}))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $q)))
        (local.set $acc
          (i32.add (local.get $acc)
            (i32.load offset=16 (i32.and (i32.add (local.get $p) (local.get $i)) (i32.const 65532)))))
        (local.set $x (i64.mul (i64.extend_i32_u (local.get $acc)) (i64.const 2654435761)))
        (i32.store (i32.and (local.get $i) (i32.const 65532)) (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 7))))
        (if (i32.eqz (i32.and (local.get $i) (i32.const 3)))
          (then (local.set $acc (i32.xor (local.get $acc) (i32.const 0x5bd1e995))))
          (else (local.set $acc (i32.rotl (local.get $acc) (i32.const 5)))))
        (block $c (block $b (block $a
          (br_table $a $b $c (i32.and (local.get $i) (i32.const 3))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1))))
          (local.set $acc (i32.sub (local.get $acc) (i32.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    {callee}
    (call_indirect (type $t) (local.get $acc) (local.get $p) (i32.const 0)))
"#
    )
}

fn module() -> Vec<u8> {
    let mut wat = String::from(
        r#"(module
  (type $t (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2 16)
  (table 1 1 funcref)
  (func $leaf (type $t) (i32.add (local.get 0) (local.get 1)))
  (elem (i32.const 0) $leaf)
  (func (export "_start") (drop (call $f0 (i32.const 0) (i32.const 8))))
"#,
    );
    for f in 0..FUNCTIONS {
        wat.push_str(&body(f));
    }
    let _ = writeln!(wat, ")");
    wat::parse_str(&wat).expect("the generated module is valid WAT")
}

fn throughput(c: &mut Criterion) {
    let wasm = module();
    let guardian = Guardian::new(Policy::default());
    let report = guardian.inspect(&wasm);
    assert!(report.is_accepted(), "{:#?}", report.findings);
    println!("module: {} bytes, {FUNCTIONS} functions", wasm.len());

    let mut group = c.benchmark_group("inspect");
    group.throughput(Throughput::Bytes(wasm.len() as u64));
    group.bench_function("guardian_inspect", |b| {
        b.iter(|| guardian.inspect(black_box(&wasm)))
    });
    group.bench_function("wasmparser_validate_all", |b| {
        b.iter(|| {
            Validator::new_with_features(WasmFeatures::WASM2)
                .validate_all(black_box(&wasm))
                .expect("valid")
        })
    });
    group.bench_function("guardian_validate_only", |b| {
        b.iter(|| nmp_guardian::validate(black_box(&wasm)).expect("valid"))
    });
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
