//! `nmp egress scan`: the egress filter on one payload read from stdin.

use std::{
    fs,
    io::{self, Read as _, Write as _},
    path::Path,
};

use anyhow::Context as _;
use nmp_egress::{Config, Mode, Scanner, Verdict};

use super::print_json;
use crate::{
    cli::{EgressMode, EgressScanArgs},
    exit::Status,
};

/// Largest configuration file read: 1 MiB.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

pub(crate) fn scan(args: &EgressScanArgs) -> anyhow::Result<Status> {
    let config = config(args)?;
    let scanner = Scanner::new(config.clone()).context("invalid egress configuration")?;
    // Read one byte past the filter's cap: the scanner blocks an over-size payload unread.
    let mut payload = Vec::new();
    io::stdin()
        .take(config.limits.max_input_bytes as u64 + 1)
        .read_to_end(&mut payload)
        .context("reading stdin")?;
    let scan = scanner.scan(&payload);
    let status = if scan.verdict == Verdict::Blocked {
        Status::Blocked
    } else {
        Status::Ok
    };
    match config.mode {
        Mode::Block => print_json(&scan.report)?,
        Mode::Redact => {
            if let Some(output) = &scan.output {
                let mut stdout = io::stdout().lock();
                stdout.write_all(output).context("writing stdout")?;
                stdout.flush().context("writing stdout")?;
            }
            let report = serde_json::to_string_pretty(&scan.report).context("encoding JSON")?;
            match &args.report {
                Some(path) => fs::write(path, report + "\n")
                    .with_context(|| format!("cannot write report {}", path.display()))?,
                None => eprintln!("{report}"),
            }
        }
    }
    Ok(status)
}

/// The configuration file (TOML: the keys of a node config's `[policy.egress]` table, at the top
/// level), then the flags over it.
fn config(args: &EgressScanArgs) -> anyhow::Result<Config> {
    let mut config = match &args.config {
        Some(path) => read_config(path)?,
        None => Config::default(),
    };
    config
        .restricted_keys
        .extend(args.restricted_keys.iter().cloned());
    if let Some(mode) = args.mode {
        config.mode = match mode {
            EgressMode::Block => Mode::Block,
            EgressMode::Redact => Mode::Redact,
        };
    }
    Ok(config)
}

fn read_config(path: &Path) -> anyhow::Result<Config> {
    let bytes = super::read_file(path, "egress config", MAX_CONFIG_BYTES)?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("egress config {} is not UTF-8", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|span| 1 + text[..span.start].matches('\n').count());
        let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
        anyhow::anyhow!(
            "invalid egress config {}{at}: {}",
            path.display(),
            e.message().trim()
        )
    })
}
