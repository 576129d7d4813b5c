//! Measures what one compile of a compile bomb costs the sandbox: wall time and the growth of
//! the process's peak resident memory. Run one shape per process (peak memory never falls):
//!
//! `cargo run --release -p nmp-sandbox --example compile_bomb -- LOCALS IFS [i32|i64|v128] [NESTING]`
//! measures a [`nmp_guardian::testing::Bomb`] of that shape, `-- largest [i32|i64|v128] [NESTING]`
//! the costliest one the default policy admits, and `-- FILE.wasm` any module. The sandbox is the default one with an
//! on-demand allocator and a five-minute compile deadline, so the figure is Cranelift's own.

use std::time::{Duration, Instant};

use nmp_guardian::testing::{Bomb, LocalType};
use nmp_guardian::{Guardian, Policy};
use nmp_sandbox::{Allocator, Config, Sandbox};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: u32| -> Result<u32, std::num::ParseIntError> {
        args.get(i).map_or(Ok(default), |a| a.parse())
    };
    let type_at = if args.first().map(String::as_str) == Some("largest") {
        1
    } else {
        2
    };
    let local_type = match args.get(type_at).map(String::as_str) {
        Some("i64") => LocalType::I64,
        Some("v128") => LocalType::V128,
        _ => LocalType::I32,
    };
    let (shape, wasm) = match args.first().map(String::as_str) {
        Some(path) if path.ends_with(".wasm") => (path.to_owned(), std::fs::read(path)?),
        first => {
            let bomb = if first == Some("largest") {
                Bomb::largest(&Policy::default(), local_type, number(2, 1)?)
            } else {
                Bomb {
                    locals: number(0, 50_000)?,
                    ifs: number(1, 20_000)?,
                    local_type,
                    nesting: number(3, 1)?,
                    functions: 1,
                }
            };
            (format!("{bomb:?}"), bomb.wasm())
        }
    };
    let report = Guardian::new(Policy::default()).inspect(&wasm);
    let codes: Vec<_> = report.findings.iter().map(|f| f.code).collect();
    let sandbox = Sandbox::new(Config {
        allocator: Allocator::OnDemand,
        compile_timeout: Duration::from_secs(300),
        ..Config::default()
    })?;
    let before = peak_rss_kib()?;
    let started = Instant::now();
    let run = sandbox.run(&wasm, b"", &[])?;
    let elapsed = started.elapsed();
    let after = peak_rss_kib()?;
    println!(
        "{shape} module={} KiB guardian_accepts={} findings={codes:?} compile={:.2}s \
         peak_rss_growth={} MiB outcome={:?}",
        wasm.len() / 1024,
        report.is_accepted(),
        elapsed.as_secs_f64(),
        after.saturating_sub(before) / 1024,
        run.outcome,
    );
    Ok(())
}

/// The process's peak resident set (`VmHWM`), in KiB.
fn peak_rss_kib() -> Result<u64, Box<dyn std::error::Error>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .ok_or("no VmHWM in /proc/self/status")?;
    Ok(line
        .split_whitespace()
        .nth(1)
        .ok_or("empty VmHWM")?
        .parse()?)
}
