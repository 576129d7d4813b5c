//! Egress scan throughput on one output of 1 MiB and of 100 MiB of each kind (a JSON result, a
//! CSV extract, a prose report) and on a corpus of mixed outputs (JSON results, JSON Lines, CSV,
//! logs, base64 attachments, with a little contraband) of each total size. Next to each input,
//! the ceiling of a scan over the same bytes: one `memchr` pass for a byte, and one
//! Aho-Corasick pass for a few literals the rules look for.
//!
//! Each is measured twice: in wall time (groups `scan_1MiB`, `scan_100MiB`) and in CPU time of
//! the benchmark thread (groups `cpu_1MiB`, `cpu_100MiB`; criterion prints it as a time), which
//! a loaded machine disturbs less. Throughput per core is bytes over CPU time.
//!
//! `cargo bench -p nmp-egress --bench scan [-- GROUP-FILTER]`

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;
use std::time::Duration;

use aho_corasick::AhoCorasick;
use criterion::measurement::Measurement;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use nmp_egress::{Config, Limits, Mode, Scanner};

#[path = "measure/cpu.rs"]
mod cpu;
#[path = "inputs/scan.rs"]
mod inputs;

use inputs::{Rng, csv_extract, json_result, mixed_corpus, prose_report};

/// Literals for the Aho-Corasick ceiling: the fixed prefixes of a few rules.
const LITERALS: &[&str] = &["@", "AKIA", "ghp_", "eyJ", "-----BEGIN", "sk_live_", "xox"];

fn scanner(mode: Mode) -> Scanner {
    Scanner::new(Config {
        mode,
        limits: Limits {
            max_input_bytes: 1 << 30,
            ..Limits::default()
        },
        ..Config::default()
    })
    .expect("valid config")
}

/// The scan of `outputs` (one or many) and its two ceilings, as `<kind>`, `<kind>_memchr` and
/// `<kind>_aho`.
fn kind<M: Measurement>(
    group: &mut BenchmarkGroup<'_, M>,
    name: &str,
    outputs: &[Vec<u8>],
    scanner: &Scanner,
    ac: &AhoCorasick,
) {
    let total: usize = outputs.iter().map(Vec::len).sum();
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            outputs
                .iter()
                .map(|o| scanner.scan(black_box(o)).report.findings.len())
                .sum::<usize>()
        })
    });
    group.bench_function(format!("{name}_memchr"), |b| {
        b.iter(|| {
            outputs
                .iter()
                .map(|o| memchr::memchr_iter(b'@', black_box(o)).count())
                .sum::<usize>()
        })
    });
    group.bench_function(format!("{name}_aho"), |b| {
        b.iter(|| {
            outputs
                .iter()
                .map(|o| ac.find_iter(black_box(o.as_slice())).count())
                .sum::<usize>()
        })
    });
}

/// Options of the benchmark binary that take a value (so the value is no filter).
const VALUED: &[&str] = &[
    "--save-baseline",
    "--baseline",
    "--baseline-lenient",
    "--load-baseline",
    "--sample-size",
    "--warm-up-time",
    "--measurement-time",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--profile-time",
    "--color",
    "--plotting-backend",
    "--output-format",
    "--format",
];

/// `true` when the command line's filter (criterion's, a regex) selects benchmark `id`, so a
/// run of one benchmark does not generate the others' 100 MiB inputs.
fn selected(id: &str) -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filter = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with('-') && (*i == 0 || !VALUED.contains(&args[i - 1].as_str())));
    filter.is_none_or(|(_, f)| regex::Regex::new(f).is_ok_and(|r| r.is_match(id)))
}

fn sized<M: Measurement>(c: &mut Criterion<M>, label: &str, size: usize) {
    let block = scanner(Mode::Block);
    let ac = AhoCorasick::new(LITERALS).expect("literals build");
    let mut group = c.benchmark_group(label);
    if size > 1 << 20 {
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(30));
    }
    // Each kind from its own seed, generated only when one of its benchmarks runs.
    let wanted = |kind: &str| {
        ["", "_memchr", "_aho", "_redact"]
            .iter()
            .any(|suffix| selected(&format!("{label}/{kind}{suffix}")))
    };
    let rng = |seed: u64| Rng(0x05EE_D0FE_6E55 ^ seed);
    if wanted("json") {
        let json = vec![json_result(&mut rng(0), size)];
        kind(&mut group, "json", &json, &block, &ac);
        if size <= 1 << 20 {
            let redact = scanner(Mode::Redact);
            group.bench_function("json_redact", |b| {
                b.iter(|| redact.scan(black_box(&json[0])))
            });
        }
    }
    if wanted("csv") {
        let csv = [csv_extract(&mut rng(1), size)];
        kind(&mut group, "csv", &csv, &block, &ac);
    }
    if wanted("prose") {
        let prose = [prose_report(&mut rng(2), size)];
        kind(&mut group, "prose", &prose, &block, &ac);
    }
    if wanted("mixed") {
        let mixed = mixed_corpus(&mut rng(3), size);
        kind(&mut group, "mixed", &mixed, &block, &ac);
    }
    group.finish();
}

fn wall(c: &mut Criterion) {
    sized(c, "scan_1MiB", 1 << 20);
    sized(c, "scan_100MiB", 100 << 20);
}

fn cpu(c: &mut Criterion<cpu::CpuTime>) {
    sized(c, "cpu_1MiB", 1 << 20);
    sized(c, "cpu_100MiB", 100 << 20);
}

criterion_group!(walls, wall);
criterion_group! {
    name = cpus;
    config = Criterion::default().with_measurement(cpu::CpuTime);
    targets = cpu
}
criterion_main!(walls, cpus);
