//! The native Rust Guardian's side of the GuardianTS parity test (`ts/guardian`).
//!
//! ```text
//! verdicts corpus OUT_DIR      write the hostile-module corpus (corpus.rs) as OUT_DIR/<name>.wasm
//! verdicts reports DIR         one JSON line per .wasm file under DIR (sorted by path):
//!                              {"file": <path relative to DIR>, "report": <nmp inspect's report>}
//! verdicts time FILE [ROUNDS]  mean time of one native inspection of FILE, as JSON
//! ```
//!
//! Reports come from `nmp_guardian::Guardian::default()` itself, natively, not through the
//! WebAssembly build: the test compares the two.

mod corpus;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use nmp_guardian::Guardian;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["corpus", out] => write_corpus(Path::new(out)),
        ["reports", dir] => reports(Path::new(dir)),
        ["time", file] => time(Path::new(file), 200),
        ["time", file, rounds] => time(Path::new(file), rounds.parse().context("ROUNDS")?),
        _ => bail!("usage: verdicts corpus OUT_DIR | reports DIR | time FILE [ROUNDS]"),
    }
}

fn write_corpus(out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("create {}", out.display()))?;
    let modules = corpus::modules()?;
    for (name, wasm) in &modules {
        let path = out.join(format!("{name}.wasm"));
        std::fs::write(&path, wasm).with_context(|| format!("write {}", path.display()))?;
    }
    eprintln!(
        "wrote {} hostile modules to {}",
        modules.len(),
        out.display()
    );
    Ok(())
}

fn reports(dir: &Path) -> anyhow::Result<()> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    let guardian = Guardian::default();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for file in files {
        let wasm = std::fs::read(&file).with_context(|| format!("read {}", file.display()))?;
        let relative = file.strip_prefix(dir).unwrap_or(&file).to_string_lossy();
        let line = serde_json::json!({ "file": relative, "report": guardian.inspect(&wasm) });
        writeln!(stdout, "{line}")?;
    }
    Ok(stdout.flush()?)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "wasm") {
            files.push(path);
        }
    }
    Ok(())
}

fn time(file: &Path, rounds: u32) -> anyhow::Result<()> {
    let wasm = std::fs::read(file).with_context(|| format!("read {}", file.display()))?;
    let guardian = Guardian::default();
    let verdict = guardian.inspect(&wasm).verdict; // warm-up
    let start = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(guardian.inspect(std::hint::black_box(&wasm)));
    }
    let mean = start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds.max(1));
    let line = serde_json::json!({ "bytes": wasm.len(), "rounds": rounds, "mean_us": mean, "verdict": verdict });
    println!("{line}");
    Ok(())
}
