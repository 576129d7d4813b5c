//! What compiling an honest module costs: `examples/logic/c/aggregate.wasm` (41 KiB of clang
//! `-O2` output), compiled cold through a sandbox run each iteration (a custom section makes
//! every iteration a distinct module with identical code).
//!
//! `cargo bench -p nmp-sandbox --bench compile -- --warm-up-time 1 --measurement-time 5`

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use nmp_sandbox::{Config, Sandbox};

fn aggregate() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/logic/c/aggregate.wasm");
    std::fs::read(path).expect("the bundled example module")
}

/// `wasm` with a custom section named `salt` holding `salt`.
fn salted(wasm: &[u8], salt: u64) -> Vec<u8> {
    let mut salted = wasm.to_vec();
    salted.extend_from_slice(&[0, 13, 4, b's', b'a', b'l', b't']);
    salted.extend_from_slice(&salt.to_le_bytes());
    salted
}

fn cold_compile(c: &mut Criterion) {
    let wasm = aggregate();
    let sandbox = Sandbox::new(Config::default()).expect("default config is valid");
    let salt = AtomicU64::new(0);
    c.bench_function("compile/aggregate_cold", |b| {
        b.iter_batched(
            || salted(&wasm, salt.fetch_add(1, Ordering::Relaxed)),
            |wasm| black_box(sandbox.run(&wasm, b"", &[]).expect("aggregate runs")),
            criterion::BatchSize::SmallInput,
        );
    });
}

criterion_group!(benches, cold_compile);
criterion_main!(benches);
