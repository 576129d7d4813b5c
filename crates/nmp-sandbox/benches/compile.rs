//! What compiling an honest module costs, compiled cold through a sandbox run each iteration (a
//! custom section makes every iteration a distinct module with identical code), in this
//! process (`Isolation::InProcess`) and in a compile worker process (`Isolation::Process`),
//! side by side in one run: a small module (a WASI command of a few dozen bytes) and a
//! mid-size one (`examples/logic/c/aggregate.wasm`, 41 KiB of clang `-O2` output).
//!
//! `first_run` is a cold node's first request for `aggregate.wasm`: a sandbox created just
//! before (not timed), then its first run timed, with no disk cache (a compile) beside one
//! whose `cache_dir` already holds the artifact (a load), for both isolations.
//!
//! This bench binary is its own compile worker: run with `compile-worker SETTINGS`, it
//! compiles one module as `nmp compile-worker` does.
//!
//! `cargo bench -p nmp-sandbox --bench compile -- --warm-up-time 1 --measurement-time 5`

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group};
use nmp_sandbox::{Config, Isolation, Sandbox, Worker};

const WORKER: &str = "compile-worker";

fn aggregate() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/logic/c/aggregate.wasm");
    std::fs::read(path).expect("the bundled example module")
}

fn small() -> Vec<u8> {
    wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start")))"#)
        .expect("valid WAT")
}

/// `wasm` with a custom section named `salt` holding `salt`.
fn salted(wasm: &[u8], salt: u64) -> Vec<u8> {
    let mut salted = wasm.to_vec();
    salted.extend_from_slice(&[0, 13, 4, b's', b'a', b'l', b't']);
    salted.extend_from_slice(&salt.to_le_bytes());
    salted
}

fn cold_compile(c: &mut Criterion) {
    let program = std::env::current_exe().expect("this bench's own path");
    let isolations = [
        ("in_process", Isolation::InProcess),
        (
            "process",
            Isolation::Process(Worker::new(program, [WORKER])),
        ),
    ];
    let modules = [("small", small()), ("aggregate", aggregate())];
    let salt = AtomicU64::new(0);
    let mut group = c.benchmark_group("compile");
    for (module, wasm) in &modules {
        for (name, isolation) in &isolations {
            let config = Config {
                isolation: isolation.clone(),
                ..Config::default()
            };
            let sandbox = Sandbox::new(config).expect("valid config");
            group.bench_function(format!("{module}_cold/{name}"), |b| {
                b.iter_batched(
                    || salted(wasm, salt.fetch_add(1, Ordering::Relaxed)),
                    |wasm| black_box(sandbox.run(&wasm, b"", &[]).expect("the module runs")),
                    criterion::BatchSize::SmallInput,
                );
            });
        }
    }
    group.finish();
}

/// A new sandbox's first run of `aggregate.wasm`, compiling it or loading it from a warm disk
/// cache.
fn first_run(c: &mut Criterion) {
    let program = std::env::current_exe().expect("this bench's own path");
    let isolations = [
        ("in_process", Isolation::InProcess),
        (
            "process",
            Isolation::Process(Worker::new(program, [WORKER])),
        ),
    ];
    let wasm = aggregate();
    let warm = tempfile::tempdir().expect("a cache directory");
    let mut group = c.benchmark_group("first_run");
    group.sample_size(20);
    for (name, isolation) in &isolations {
        for (cache, dir) in [("no_disk_cache", None), ("disk_cache", Some(warm.path()))] {
            let config = Config {
                isolation: isolation.clone(),
                cache_dir: dir.map(Path::to_path_buf),
                ..Config::default()
            };
            // Fills the disk cache (a no-op once it holds the artifact).
            let sandbox = Sandbox::new(config.clone()).expect("valid config");
            sandbox.run(&wasm, b"", &[]).expect("the module runs");
            drop(sandbox);
            group.bench_function(format!("{cache}/{name}"), |b| {
                b.iter_batched(
                    || Sandbox::new(config.clone()).expect("valid config"),
                    |sandbox| {
                        let run = sandbox.run(&wasm, b"", &[]).expect("the module runs");
                        (sandbox, black_box(run))
                    },
                    criterion::BatchSize::PerIteration,
                );
            });
        }
    }
    group.finish();
}

criterion_group!(benches, cold_compile, first_run);

fn main() {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some(WORKER) {
        let spec = args.next().unwrap_or_default();
        std::process::exit(i32::from(nmp_sandbox::compile_worker(&spec)));
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
