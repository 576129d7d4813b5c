//! Egress scan throughput: a 1 MiB realistic JSON result, and a 100 MiB mixed corpus of outputs
//! (JSON results, JSON Lines, CSV, logs, base64 attachments, with a little contraband).
//!
//! `cargo bench -p nmp-egress --bench scan`

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nmp_egress::{Config, Limits, Mode, Scanner};

#[path = "inputs/scan.rs"]
mod inputs;

use inputs::{Rng, json_result, mixed_output};

fn bench(c: &mut Criterion) {
    let scanner = Scanner::new(Config::default()).expect("default config is valid");
    let mut rng = Rng(0x05EE_D0FE_6E55);
    let result = json_result(&mut rng, 1 << 20);
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(result.len() as u64));
    group.bench_function("json_result_1MiB", |b| {
        b.iter(|| scanner.scan(black_box(&result)))
    });
    let redactor = Scanner::new(Config {
        mode: Mode::Redact,
        ..Config::default()
    })
    .expect("valid config");
    group.bench_function("json_result_1MiB_redact", |b| {
        b.iter(|| redactor.scan(black_box(&result)))
    });
    group.finish();

    let mut outputs = Vec::new();
    let mut total = 0;
    while total < 100 << 20 {
        let o = mixed_output(&mut rng);
        total += o.len();
        outputs.push(o);
    }
    let big = Scanner::new(Config {
        limits: Limits {
            max_input_bytes: 1 << 30,
            ..Limits::default()
        },
        ..Config::default()
    })
    .expect("valid config");
    let mut group = c.benchmark_group("scan_mixed");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("mixed_100MiB", |b| {
        b.iter(|| {
            outputs
                .iter()
                .map(|o| big.scan(black_box(o)).report.findings.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
