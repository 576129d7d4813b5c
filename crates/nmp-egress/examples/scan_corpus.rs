//! Scans JSON Lines corpus files (`{"id": ..., "input": ...}` per line) and prints one JSON line
//! per case (`id`, `flagged`, `categories`, `rules`), then a `timing` line with the bytes scanned and the
//! seconds spent over `--repeat` passes. `scripts/egress-compare.py` reads this output.
//!
//! `cargo run --release -p nmp-egress --example scan_corpus -- [--repeat N] [--config FILE] FILE...`

use std::time::Instant;

use anyhow::{Context as _, bail};
use nmp_egress::{Config, Scanner, Verdict};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Case {
    id: String,
    input: String,
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut repeat = 1usize;
    let mut config = Config::default();
    let mut files = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--repeat" => repeat = args.next().context("--repeat needs a number")?.parse()?,
            "--config" => {
                let path = args.next().context("--config needs a file")?;
                let text =
                    std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
                config = serde_json::from_str(&text).with_context(|| format!("parsing {path}"))?;
            }
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        bail!("usage: scan_corpus [--repeat N] [--config FILE] FILE...");
    }
    let scanner = Scanner::new(config)?;
    let mut cases = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
        for line in text.lines() {
            cases.push(
                serde_json::from_str::<Case>(line)
                    .with_context(|| format!("parsing a line of {file}"))?,
            );
        }
    }
    for case in &cases {
        let scan = scanner.scan(case.input.as_bytes());
        let mut categories: Vec<_> = scan.report.findings.iter().map(|f| f.category).collect();
        categories.sort();
        categories.dedup();
        let mut rules: Vec<&str> = scan
            .report
            .findings
            .iter()
            .map(|f| f.rule.as_str())
            .collect();
        rules.sort_unstable();
        rules.dedup();
        println!(
            "{}",
            json!({"id": case.id, "flagged": scan.verdict != Verdict::Pass, "categories": categories, "rules": rules})
        );
    }
    let bytes: usize = cases.iter().map(|c| c.input.len()).sum();
    let start = Instant::now();
    for _ in 0..repeat {
        for case in &cases {
            std::hint::black_box(scanner.scan(case.input.as_bytes()));
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({"timing": {"bytes": bytes * repeat, "seconds": seconds}})
    );
    Ok(())
}
