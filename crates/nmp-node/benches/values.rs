//! Data-aware egress on the 1 GiB benchmark dataset: building the value index of its
//! `patient_id` and `ssn` columns (restricted) and its `name` and `email` columns
//! (`egress_values`), against the commitment the node computes from the same files in the same
//! run. Prints the index's size, memory and false-positive figures to stderr.
//!
//! `cargo bench -p nmp-node --bench values` (release). Reuses the `csv_scan` bench's file
//! (generated once into the system temporary directory by `examples/logic/data/generate.py`);
//! `NMP_BENCH_CSV_BYTES` sets its size (default 1 GiB).

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nmp_node::Dataset;

const DEFAULT_BYTES: u64 = 1 << 30;

/// The `csv_scan` bench's directory holding one generated `patients.csv` of `bytes` bytes.
fn dataset_dir(bytes: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nmp-bench-csv-{bytes}"));
    let csv = dir.join("patients.csv");
    if fs::metadata(&csv).map(|m| m.len()).ok() != Some(bytes) {
        fs::create_dir_all(&dir).expect("create bench dir");
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/logic/data/generate.py");
        let status = Command::new("python3")
            .arg(script)
            .args(["--bytes", &bytes.to_string(), "--out"])
            .arg(&csv)
            .status()
            .expect("run generate.py");
        assert!(status.success(), "generate.py failed");
    }
    dir
}

/// Peak resident memory of this process so far (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn restricted(column: &str) -> bool {
    matches!(column, "patient_id" | "ssn")
}

fn bench(c: &mut Criterion) {
    let bytes = std::env::var("NMP_BENCH_CSV_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_BYTES);
    let dataset = Dataset::new("patients", dataset_dir(bytes))
        .expect("dataset")
        .with_value_columns(vec!["name".into(), "email".into()]);

    let started = Instant::now();
    let commitment = dataset.commitment().expect("commitment");
    let committed = started.elapsed();
    let before = peak_rss();
    let started = Instant::now();
    let indexed = dataset.indexed(restricted).expect("index builds");
    let took = started.elapsed();
    let index = indexed.values().expect("indexed");
    let probes = 1_000_000u64;
    let false_positives = (0..probes)
        .filter(|i| index.find(format!("q{i:011}z").as_bytes()).is_some())
        .count();
    eprintln!(
        "value index of {} bytes of CSV (commitment {committed:.2?}): {} forms ({} occurrences \
         too common), {} bytes ({:.2} per form), built in {took:.2?}; peak RSS {:?} MiB before, \
         {:?} MiB after; {false_positives} false positives in {probes} probes (theory {:.1e} \
         per lookup)",
        commitment.bytes,
        index.len(),
        index.common(),
        index.memory_bytes(),
        index.memory_bytes() as f64 / index.len().max(1) as f64,
        before.map(|b| b >> 20),
        peak_rss().map(|b| b >> 20),
        index.len() as f64 / 2f64.powi(64),
    );
    drop(indexed);

    let mut group = c.benchmark_group("values_1gib");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("commitment", |b| {
        b.iter(|| dataset.commitment().expect("commitment"));
    });
    group.bench_function("value_index", |b| {
        b.iter(|| dataset.indexed(restricted).expect("index builds"));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
