//! The C example `aggregate` scanning a large CSV: inside the node pipeline (Guardian, then the
//! wasmtime sandbox, with and without fuel metering) versus the same C source compiled natively,
//! in the same run.
//!
//! Two groups: `csv_scan` in wall time and `csv_scan_cpu` in CPU time (this process and its
//! children, all threads), the figure to read on a shared machine.
//!
//! `cargo bench -p nmp-node --bench csv_scan` (release). The file is generated once into
//! `NMP_BENCH_DIR` (default: the system temporary directory) and reused;
//! `NMP_BENCH_CSV_BYTES` sets its size (default 1 GiB); `NMP_BENCH_WASM` names another build
//! of `aggregate.c` to run in the sandbox.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nmp_node::{Dataset, Job, Outcome, Pipeline, PipelineConfig};

const DEFAULT_BYTES: u64 = 1 << 30;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where the generated file and the native build live: `NMP_BENCH_DIR`, or the system
/// temporary directory.
fn bench_root() -> PathBuf {
    std::env::var_os("NMP_BENCH_DIR").map_or_else(std::env::temp_dir, PathBuf::from)
}

/// A directory holding one generated `patients.csv` of `bytes` bytes, reused across runs.
fn dataset_dir(bytes: u64) -> PathBuf {
    let dir = bench_root().join(format!("nmp-bench-csv-{bytes}"));
    let csv = dir.join("patients.csv");
    if fs::metadata(&csv).map(|m| m.len()).ok() != Some(bytes) {
        fs::create_dir_all(&dir).expect("create bench dir");
        let status = Command::new("python3")
            .arg(repo().join("examples/logic/data/generate.py"))
            .args(["--bytes", &bytes.to_string(), "--out"])
            .arg(&csv)
            .status()
            .expect("run generate.py");
        assert!(status.success(), "generate.py failed");
    }
    dir
}

/// The native build of `aggregate.c`, compiled with `cc -O2` by the repo's build script.
fn native_aggregate() -> PathBuf {
    let dir = bench_root().join("nmp-bench-native");
    let status = Command::new("bash")
        .arg(repo().join("scripts/build-logic.sh"))
        .arg("--native")
        .arg(&dir)
        .stdout(Stdio::null())
        .status()
        .expect("run build-logic.sh");
    assert!(status.success(), "native build failed");
    dir.join("aggregate")
}

/// CPU time of this process and of its waited-for children (user + system, all threads): on
/// a shared machine, wall time also counts the time other processes hold the cores. The
/// sandbox's reads run on its I/O threads and the native build is a child, so both sides are
/// counted whole.
struct ProcessCpu;

fn cpu_now() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    let spent = |who| {
        getrusage(who).map_or(Duration::ZERO, |u| {
            let time = |t: nix::sys::time::TimeVal| {
                Duration::new(
                    u64::try_from(t.tv_sec()).unwrap_or(0),
                    u32::try_from(t.tv_usec()).unwrap_or(0) * 1000,
                )
            };
            time(u.user_time()) + time(u.system_time())
        })
    };
    spent(UsageWho::RUSAGE_SELF) + spent(UsageWho::RUSAGE_CHILDREN)
}

impl Measurement for ProcessCpu {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        cpu_now()
    }
    fn end(&self, start: Duration) -> Duration {
        cpu_now().saturating_sub(start)
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}

fn wall(c: &mut Criterion) {
    scan(c, "csv_scan");
}

fn cpu(c: &mut Criterion<ProcessCpu>) {
    scan(c, "csv_scan_cpu");
}

fn scan<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let bytes = std::env::var("NMP_BENCH_CSV_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_BYTES);
    let data = dataset_dir(bytes);
    let native = native_aggregate();
    // `NMP_BENCH_WASM` runs another build of the same source (it must print what the native
    // build prints).
    let wasm_path = std::env::var_os("NMP_BENCH_WASM").map_or_else(
        || repo().join("examples/logic/c/aggregate.wasm"),
        PathBuf::from,
    );
    let wasm = fs::read(wasm_path).expect("read aggregate.wasm");
    let datasets = [Dataset::new("patients", &data).expect("dataset")];

    let native_out = Command::new(&native)
        .arg(&data)
        .stdin(Stdio::null())
        .output()
        .expect("run native");
    assert!(native_out.status.success());

    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));

    group.bench_function("native", |b| {
        b.iter(|| {
            let out = Command::new(&native)
                .arg(&data)
                .stdin(Stdio::null())
                .output()
                .expect("run native");
            assert!(out.status.success());
        });
    });

    for (name, fuel) in [
        ("sandbox", None),
        ("sandbox_fuel_metered", Some(u64::MAX / 2)),
    ] {
        let mut config = PipelineConfig::default();
        config.sandbox.limits.timeout = Duration::from_secs(600);
        config.sandbox.limits.fuel = fuel;
        let pipeline = Pipeline::new(&config).expect("pipeline");
        let job = Job {
            wasm: &wasm,
            input: b"",
            datasets: &datasets,
            limits: None,
        };
        let first = pipeline.execute(job).expect("execute");
        assert_eq!(first.outcome(), Outcome::Completed);
        let stdout = first
            .run
            .as_ref()
            .map(|r| r.outcome.stdout().to_vec())
            .unwrap_or_default();
        assert_eq!(stdout, native_out.stdout, "sandbox and native disagree");
        group.bench_function(name, |b| {
            b.iter(|| {
                let execution = pipeline.execute(job).expect("execute");
                assert_eq!(execution.outcome(), Outcome::Completed);
            });
        });
    }
    group.finish();
}

criterion_group!(walls, wall);
criterion_group! {
    name = cpus;
    config = Criterion::default().with_measurement(ProcessCpu);
    targets = cpu
}
criterion_main!(walls, cpus);
