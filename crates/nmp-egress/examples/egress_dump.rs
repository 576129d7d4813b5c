//! Prints every decision the filter takes on its test corpora and benchmark inputs, one JSON line
//! per scan: the case, the mode, the verdict, every finding (category, rule, path, span, decoders)
//! and a SHA-256 of the redacted output. Two builds that print the same lines decide the same;
//! a speed change is checked by diffing this output before and after it.
//!
//! `cargo run --release -p nmp-egress --example egress_dump > dump.jsonl`
//!
//! Scanned: the tuning corpora (`tests/corpus/*.jsonl`, `tests/tuning/*.jsonl`), the
//! evaluation corpus (`tests/eval/cases.jsonl`) and the three hold-out corpora
//! (`tests/holdout*/cases.jsonl`), each with its own
//! configuration, in block and redact mode, and again against a value index of the bundled demo
//! dataset (with a few disguises of every indexed value); the `scan` benchmark's inputs (the
//! JSON result, CSV extract and prose report of 1 MiB and 100 MiB, and 100 MiB of mixed
//! outputs); the `values` benchmark's outputs against an index of `NMP_DUMP_PATIENTS` synthetic
//! patients (default 100,000).
//!
//! The hold-out corpora must not be read while rules are written: compare their lines by count
//! (`set` and `verdict`), not by eye.

use std::path::Path;

use anyhow::Context as _;
use base64::Engine as _;
use nmp_egress::{Config, Limits, Mode, Scan, Scanner, ValueIndex};
use serde_json::json;
use sha2::{Digest as _, Sha256};

#[allow(dead_code, reason = "the example uses some of the benchmark's inputs")]
#[path = "../benches/inputs/scan.rs"]
mod scan_inputs;
#[allow(dead_code, reason = "the example uses some of the benchmark's inputs")]
#[path = "../benches/inputs/values.rs"]
mod values_inputs;

/// A benchmark input generator: bytes of about the given size.
type Generator = fn(&mut scan_inputs::Rng, usize) -> Vec<u8>;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `(id, input)` of every line of a JSON Lines corpus file.
fn cases(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path:?}"))?;
    text.lines()
        .map(|line| {
            let case: serde_json::Value = serde_json::from_str(line)?;
            let field = |f: &str| {
                case[f]
                    .as_str()
                    .map(str::to_owned)
                    .context("a string field")
            };
            Ok((field("id")?, field("input")?))
        })
        .collect()
}

fn config(path: &Path, mode: Mode) -> anyhow::Result<Config> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path:?}"))?;
    Ok(Config {
        mode,
        limits: Limits {
            max_input_bytes: 1 << 30,
            ..Limits::default()
        },
        ..serde_json::from_str(&text)?
    })
}

fn print(set: &str, id: &str, mode: Mode, scan: &Scan) {
    let findings: Vec<_> = scan
        .report
        .findings
        .iter()
        .map(|f| json!([f.category, f.rule, f.path, f.span, f.decoded_via]))
        .collect();
    let output = scan.output.as_deref().map(|o| hex(&Sha256::digest(o)));
    let line = json!({
        "set": set, "id": id, "mode": mode, "verdict": scan.verdict,
        "format": scan.report.format, "decoded": scan.report.bytes_decoded,
        "omitted": scan.report.findings_omitted, "findings": findings, "output": output,
    });
    println!("{line}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The demo dataset's index (`patient_id`, `name`, `email`, `ssn`) and a few disguises of each
/// indexed value.
fn demo() -> anyhow::Result<(ValueIndex, Vec<(String, String)>)> {
    let path = root().join("../../examples/logic/data/patients.csv");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path:?}"))?;
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let mut builder = ValueIndex::builder();
    let mut disguised = Vec::new();
    for (r, row) in rows.iter().enumerate().skip(1) {
        for cell in &row[..4] {
            builder.add(cell)?;
            let reversed: String = cell.chars().rev().collect();
            let b64 = base64::engine::general_purpose::STANDARD.encode(cell);
            for (how, shape) in [
                ("plain", format!(r#"{{"v": "{cell}"}}"#)),
                ("upper", format!("note {} end", cell.to_uppercase())),
                ("reversed", format!(r#"{{"v": "{reversed}"}}"#)),
                ("base64", format!(r#"{{"v": "{b64}"}}"#)),
                ("dotted", format!("x,{}\n", cell.replace(['-', ' '], "."))),
            ] {
                disguised.push((format!("demo-{r}-{how}"), shape));
            }
        }
    }
    Ok((builder.build(rows.len() as u64 - 1), disguised))
}

fn main() -> anyhow::Result<()> {
    let corpus = root().join("tests/corpus");
    let mut tuning = Vec::new();
    for file in [
        "positives",
        "evasions",
        "negatives",
        "tuning-positives",
        "tuning-evasions",
        "tuning-negatives",
    ] {
        tuning.extend(cases(&corpus.join(format!("{file}.jsonl")))?);
    }
    let tuning_dir = root().join("tests/tuning");
    let mut rounds: Vec<_> = std::fs::read_dir(&tuning_dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    rounds.retain(|p| p.extension().is_some_and(|e| e == "jsonl"));
    rounds.sort();
    let mut tuned = Vec::new();
    for path in &rounds {
        tuned.extend(cases(path)?);
    }
    let eval = root().join("tests/eval");
    let evaluation = cases(&eval.join("cases.jsonl"))?;
    let holdout_dir = root().join("tests/holdout");
    let holdout = cases(&holdout_dir.join("cases.jsonl"))?;
    let holdout2_dir = root().join("tests/holdout2");
    let holdout2 = cases(&holdout2_dir.join("cases.jsonl"))?;
    let holdout3_dir = root().join("tests/holdout3");
    let holdout3 = cases(&holdout3_dir.join("cases.jsonl"))?;
    let (demo_index, disguised) = demo()?;
    for mode in [Mode::Block, Mode::Redact] {
        let sets = [
            ("corpus", corpus.join("config.json"), &tuning),
            ("tuning", tuning_dir.join("config.json"), &tuned),
            ("eval", eval.join("config.json"), &evaluation),
            ("holdout", holdout_dir.join("config.json"), &holdout),
            ("holdout2", holdout2_dir.join("config.json"), &holdout2),
            ("holdout3", holdout3_dir.join("config.json"), &holdout3),
            ("demo", corpus.join("config.json"), &disguised),
        ];
        for (set, config_path, cases) in sets {
            let scanner = Scanner::new(config(&config_path, mode)?)?;
            for (id, input) in cases.iter() {
                print(set, id, mode, &scanner.scan(input.as_bytes()));
                let with = scanner.scan_with(input.as_bytes(), &[&demo_index]);
                print(&format!("{set}+index"), id, mode, &with);
            }
        }
        let scanner = Scanner::new(Config {
            mode,
            limits: Limits {
                max_input_bytes: 1 << 30,
                ..Limits::default()
            },
            ..Config::default()
        })?;
        let mut rng = scan_inputs::Rng(0x05EE_D0FE_6E55);
        let result = scan_inputs::json_result(&mut rng, 1 << 20);
        print(
            "bench-scan",
            "json_result_1MiB",
            mode,
            &scanner.scan(&result),
        );
        // The benchmark's single outputs, each from its kind's seed as `benches/scan.rs` makes
        // them.
        let kinds: [(&str, Generator); 3] = [
            ("json", scan_inputs::json_result),
            ("csv", scan_inputs::csv_extract),
            ("prose", scan_inputs::prose_report),
        ];
        for (seed, (name, make)) in kinds.into_iter().enumerate() {
            for (size, label) in [(1 << 20, "1MiB"), (100 << 20, "100MiB")] {
                let output = make(&mut scan_inputs::Rng(0x05EE_D0FE_6E55 ^ seed as u64), size);
                print(
                    "bench-scan",
                    &format!("{name}_{label}"),
                    mode,
                    &scanner.scan(&output),
                );
            }
        }
        let mut total = 0;
        let mut i = 0;
        while total < 100 << 20 {
            let output = scan_inputs::mixed_output(&mut rng);
            total += output.len();
            print("bench-mixed", &i.to_string(), mode, &scanner.scan(&output));
            i += 1;
        }
        let patients = std::env::var("NMP_DUMP_PATIENTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000);
        let (index, _) = values_inputs::build(patients);
        let mut rng = values_inputs::Rng(42);
        let outputs = [
            ("json_1mib", values_inputs::json_output(&mut rng)),
            ("csv_1mib", values_inputs::csv_output(&mut rng)),
        ];
        for (name, output) in &outputs {
            print("bench-values", name, mode, &scanner.scan(output));
            let with = scanner.scan_with(output, &[&index]);
            print("bench-values+index", name, mode, &with);
        }
    }
    Ok(())
}
