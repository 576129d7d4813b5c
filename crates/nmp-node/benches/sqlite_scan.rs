//! The SQLite example guest (`examples/logic/sqlite/query.wasm`, SQLite compiled into the
//! module) answering a `GROUP BY` over a large mounted database inside the node pipeline
//! (Guardian, wasmtime sandbox, egress filter) versus Debian's `sqlite3` CLI (the same engine,
//! native) on the same file, in the same run; both answers are checked equal first.
//!
//! `cargo bench -p nmp-node --bench sqlite_scan` (release). The database is generated once
//! into the system temporary directory with `nmp_dataset::generate` and reused;
//! `NMP_BENCH_SQLITE_BYTES` sets its approximate size (default 1 GiB).

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nmp_node::{Dataset, Job, Kind, Outcome, Pipeline, PipelineConfig};

const DEFAULT_BYTES: u64 = 1 << 30;
const SQL: &str = "SELECT city, COUNT(*), SUM(age), ROUND(AVG(weight), 2), MIN(visit) \
                   FROM patients GROUP BY city ORDER BY city";

/// A directory holding one generated `patients.db` of about `bytes` bytes, reused across runs.
fn database(bytes: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nmp-bench-sqlite-{bytes}"));
    let db = dir.join("patients.db");
    if !db.exists() {
        fs::create_dir_all(&dir).expect("create bench dir");
        let sample = dir.join("sample.db");
        let _ = fs::remove_file(&sample);
        nmp_dataset::generate::sqlite(&sample, 0, 10_000).expect("sample");
        let per_row = fs::metadata(&sample).expect("sample").len() as f64 / 10_000.0;
        fs::remove_file(&sample).expect("remove sample");
        let rows = (bytes as f64 / per_row) as u64;
        let partial = dir.join("patients.db.partial");
        let _ = fs::remove_file(&partial);
        nmp_dataset::generate::sqlite(&partial, 0, rows).expect("generate");
        fs::rename(&partial, &db).expect("rename");
    }
    dir
}

fn cli(db: &Path) -> Vec<u8> {
    let out = Command::new("sqlite3")
        .arg("-readonly")
        .arg(db)
        .arg(SQL)
        .output()
        .expect("run sqlite3");
    assert!(out.status.success());
    out.stdout
}

/// The guest's JSON rows in the CLI's list format (`a|b|c` lines).
fn as_lines(stdout: &[u8]) -> Vec<u8> {
    let answer: serde_json::Value = serde_json::from_slice(stdout).expect("JSON answer");
    let mut text = String::new();
    for row in answer["rows"].as_array().expect("rows") {
        let cells: Vec<String> = row
            .as_array()
            .expect("row")
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        text.push_str(&cells.join("|"));
        text.push('\n');
    }
    text.into_bytes()
}

fn bench(c: &mut Criterion) {
    let bytes = std::env::var("NMP_BENCH_SQLITE_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_BYTES);
    let dir = database(bytes);
    let db = dir.join("patients.db");
    let size = fs::metadata(&db).expect("database").len();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let wasm = fs::read(repo.join("examples/logic/sqlite/query.wasm")).expect("query.wasm");
    let datasets = [Dataset::new("hospital", &dir)
        .expect("dataset")
        .with_kind(Kind::Sqlite)];
    let input = format!("/data/hospital/patients.db\n{SQL}");

    let mut config = PipelineConfig::default();
    config.guardian.recursion = nmp_guardian::RecursionPolicy::Allow;
    config.sandbox.limits.timeout = Duration::from_secs(600);
    config.sandbox.compile_timeout = Duration::from_secs(120);
    let pipeline = Pipeline::new(&config).expect("pipeline");
    let job = Job {
        wasm: &wasm,
        input: input.as_bytes(),
        datasets: &datasets,
        limits: None,
    };
    let first = pipeline.execute(job).expect("execute");
    assert_eq!(first.outcome(), Outcome::Completed);
    let stdout = first.stdout().expect("the answer leaves");
    assert_eq!(as_lines(stdout), cli(&db), "sandbox and sqlite3 disagree");

    let mut group = c.benchmark_group("sqlite_scan");
    group.throughput(Throughput::Bytes(size));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("sqlite3_cli", |b| b.iter(|| cli(&db)));
    group.bench_function("sandbox", |b| {
        b.iter(|| {
            let execution = pipeline.execute(job).expect("execute");
            assert_eq!(execution.outcome(), Outcome::Completed);
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
