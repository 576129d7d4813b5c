//! What a run costs: a cold compile of a small WASI module, and a cached instantiate-and-run
//! with the pooling allocator and without it.
//!
//! `cargo bench -p nmp-sandbox --bench run -- --warm-up-time 1 --measurement-time 3`

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use nmp_sandbox::{Allocator, Config, Sandbox};

/// A WASI hello: writes a line to stdout. `salt` lands in a custom section, so each salt is a
/// distinct module (a cache miss) with identical code.
fn hello(salt: u64) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
             (@custom "salt" "{salt:016x}")
             (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 64) "hello, mesh\n")
             (func (export "_start")
               (i32.store (i32.const 0) (i32.const 64))
               (i32.store (i32.const 4) (i32.const 12))
               (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#
    ))
    .expect("bench WAT parses")
}

fn sandbox(allocator: Allocator) -> Sandbox {
    let config = Config {
        allocator,
        ..Config::default()
    };
    Sandbox::new(config).expect("default config is valid")
}

fn cold_compile(c: &mut Criterion) {
    let sandbox = sandbox(Allocator::Pooling);
    let salt = AtomicU64::new(0);
    c.bench_function("run/cold_compile", |b| {
        b.iter_batched(
            || hello(salt.fetch_add(1, Ordering::Relaxed)),
            |wasm| black_box(sandbox.run(&wasm, b"", &[]).expect("hello runs")),
            criterion::BatchSize::SmallInput,
        );
    });
}

fn cached(c: &mut Criterion) {
    let wasm = hello(u64::MAX);
    let mut group = c.benchmark_group("run/cached");
    for (name, allocator) in [
        ("pooling", Allocator::Pooling),
        ("on_demand", Allocator::OnDemand),
    ] {
        let sandbox = sandbox(allocator);
        sandbox.run(&wasm, b"", &[]).expect("warm the cache");
        group.bench_function(name, |b| {
            b.iter(|| black_box(sandbox.run(&wasm, b"", &[]).expect("hello runs")));
        });
    }
    group.finish();
}

criterion_group!(benches, cold_compile, cached);
criterion_main!(benches);
