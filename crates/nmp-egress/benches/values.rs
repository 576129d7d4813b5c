//! Data-aware egress: the value index's build time, memory and false-positive rate, and the
//! scan throughput on 1 MiB outputs with and without it (the baseline, in the same run).
//!
//! `cargo bench -p nmp-egress --bench values` (release). `NMP_BENCH_PATIENTS` sets how many
//! synthetic patients are indexed (default 10,000,000: a patient id, an SSN and a name each,
//! the row count of the 1 GiB benchmark dataset); `NMP_BENCH_CSV=/path/patients.csv` indexes
//! the `patient_id`, `ssn`, `name` and `email` columns of that file instead (e.g. the 1 GiB
//! file of `examples/logic/data/generate.py --bytes 1073741824`). Figures that are not times
//! are printed to stderr.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::{hint::black_box, time::Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nmp_egress::{Config, Scanner, ValueIndex};

#[path = "inputs/values.rs"]
mod inputs;

use inputs::{Rng, build, csv_output, json_output};

/// The index of the `patient_id`, `ssn`, `name` and `email` columns of the CSV file at `path`
/// (the 1 GiB benchmark dataset of `examples/logic/data/generate.py`, which quotes no field),
/// and the time reading and building took.
fn from_csv(path: &str) -> (ValueIndex, std::time::Duration) {
    use std::io::BufRead as _;
    let started = Instant::now();
    let file = std::fs::File::open(path).expect("NMP_BENCH_CSV is readable");
    let mut lines = std::io::BufReader::with_capacity(1 << 20, file).lines();
    let header = lines.next().expect("a header").expect("UTF-8");
    let columns: Vec<usize> = header
        .split(',')
        .enumerate()
        .filter(|(_, name)| matches!(*name, "patient_id" | "ssn" | "name" | "email"))
        .map(|(i, _)| i)
        .collect();
    let mut builder = ValueIndex::builder();
    let mut rows = 0;
    for line in lines {
        let line = line.expect("UTF-8");
        for (i, cell) in line.split(',').enumerate() {
            if columns.contains(&i) {
                builder.add(cell).expect("within the limit");
            }
        }
        rows += 1;
    }
    let index = builder.build(rows);
    (index, started.elapsed())
}

/// Probes random 12-letter strings: no form is letters alone, so every hit is a hash collision
/// (the set's own false-positive rate; two lookups per probe, the string and its reversal).
fn false_positives(index: &ValueIndex, probes: u64) -> u64 {
    let mut rng = Rng(7);
    (0..probes)
        .filter(|_| {
            let probe: Vec<u8> = (0..12).map(|_| b'a' + rng.below(26) as u8).collect();
            index.find(&probe).is_some()
        })
        .count() as u64
}

fn bench(c: &mut Criterion) {
    let patients = std::env::var("NMP_BENCH_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let csv = std::env::var("NMP_BENCH_CSV").ok();
    let (index, took) = match &csv {
        Some(path) => from_csv(path),
        None => build(patients),
    };
    let probes = 1_000_000;
    let fp = false_positives(&index, probes);
    eprintln!(
        "value index of {}: {} forms ({} common left out), {} bytes \
         ({:.2} bytes/form), built in {:.2?}; {fp} false positives in {probes} random probes \
         (theory: {:.1e} per lookup)",
        csv.unwrap_or_else(|| format!("{patients} synthetic patients")),
        index.len(),
        index.common(),
        index.memory_bytes(),
        index.memory_bytes() as f64 / index.len().max(1) as f64,
        took,
        index.len() as f64 / 2f64.powi(64),
    );

    let scanner = Scanner::new(Config::default()).expect("default configuration");
    let mut rng = Rng(42);
    let outputs = [
        ("json_1mib", json_output(&mut rng)),
        ("csv_1mib", csv_output(&mut rng)),
    ];
    let mut group = c.benchmark_group("values");
    for (name, output) in &outputs {
        assert_eq!(
            scanner.scan_with(output, &[&index]).verdict,
            scanner.scan(output).verdict,
            "{name}: the index adds no false positive"
        );
        group.throughput(Throughput::Bytes(output.len() as u64));
        group.bench_function(format!("{name}/scan"), |b| {
            b.iter(|| black_box(scanner.scan(black_box(output))));
        });
        group.bench_function(format!("{name}/scan_with_index"), |b| {
            b.iter(|| black_box(scanner.scan_with(black_box(output), &[&index])));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
