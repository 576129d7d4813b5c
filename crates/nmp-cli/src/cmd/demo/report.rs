//! What `nmp demo` prints: a readable walk through the mesh on stdout, live progress on a
//! terminal's stderr.

use std::{
    collections::BTreeMap,
    io::{self, IsTerminal as _},
    time::Duration,
};

use nmp_client::{Answer, PeerId, Provider, Stage, Status};
use nmp_guardian::Severity;
use nmp_wire::Label as _;
use serde_json::Value;

use crate::local::Transport;

/// The last characters of a PeerId, enough to tell nodes apart on a screen.
fn short(peer: &PeerId) -> String {
    let text = peer.to_string();
    format!("…{}", &text[text.len().saturating_sub(8)..])
}

pub(super) fn title() {
    println!("NMP demo: the logic travels to the data; only verified answers come back.\n");
}

pub(super) fn step(n: u32, what: &str) {
    println!("\n[{n}/5] {what}");
}

pub(super) fn generated(name: &str, rows: u64, bytes: u64) {
    println!(
        "      {name:<10} {rows:>9} patients  {:>7.1} MB",
        bytes as f64 / 1e6
    );
}

pub(super) fn node(name: &str, transport: Transport, peer: &PeerId) {
    let transport = match transport {
        Transport::Tcp => "TCP",
        Transport::Quic => "QUIC",
    };
    println!("      Data Node {name:<10} over {transport:<4}  {peer}");
}

pub(super) fn agent(peer: &PeerId) {
    println!("      Agent (knows only the bootstrap peer)  {peer}");
}

pub(super) fn provider(provider: &Provider, capability: &str) {
    let Some(set) = provider.dataset(capability) else {
        return;
    };
    let restricted: Vec<&str> = set
        .columns
        .iter()
        .filter(|c| c.restricted)
        .map(|c| c.name.as_str())
        .collect();
    println!(
        "      {}  signed document verified: {} rows, {} columns, restricted: {}",
        short(&provider.peer),
        set.row_count,
        set.columns.len(),
        if restricted.is_empty() {
            "none".to_owned()
        } else {
            restricted.join(", ")
        }
    );
}

/// Live status on a terminal: one line, rewritten as events arrive.
pub(super) fn progress(peer: PeerId, status: &Status) {
    if io::stderr().is_terminal() {
        let stage = Stage::try_from(status.stage).map_or("?", |s| s.as_str_name());
        eprint!(
            "\r\x1b[2K      {}  {}",
            short(&peer),
            stage.trim_start_matches("STAGE_").to_lowercase()
        );
    }
}

fn clear_progress() {
    if io::stderr().is_terminal() {
        eprint!("\r\x1b[2K");
    }
}

/// One node's honest answer: the stages, the table, the receipt.
pub(super) fn answer(answer: &Answer) -> anyhow::Result<()> {
    clear_progress();
    let stages: Vec<String> = answer
        .statuses
        .iter()
        .filter_map(|s| Stage::try_from(s.stage).ok())
        .map(|s| s.label())
        .collect();
    println!(
        "\n      {}  {} → answered",
        short(&answer.peer),
        stages.join(" → "),
    );
    let json: Value = serde_json::from_slice(&answer.output)?;
    println!(
        "        {:<14} {:>8} {:>9} {:>11}",
        "diagnosis", "patients", "mean age", "mean cost"
    );
    for (name, (count, age, cost)) in groups(&json) {
        println!("        {name:<14} {count:>8} {age:>9.1} {cost:>11.2}");
    }
    println!(
        "        receipt verified: signed by the node, module {}…, output {}…, {} bytes left the node",
        hex::encode(&answer.receipt_body.module_sha256[..6]),
        hex::encode(&answer.receipt_body.output_sha256[..6]),
        answer.output.len()
    );
    for dataset in &answer.receipt_body.datasets {
        if let Some(snapshot) = &dataset.snapshot {
            println!(
                "        over the {} snapshot `{}` it took at {} (Unix ms), commitment {}…",
                snapshot.source,
                snapshot.query,
                snapshot.taken_at_ms,
                hex::encode(&dataset.sha256[..6.min(dataset.sha256.len())])
            );
        }
    }
    Ok(())
}

/// Per diagnosis: patients, mean age and mean cost, from the aggregate's answer
/// (`{"groups": {name: {count, mean_age, mean_cost_usd}}}`) or from SQL's
/// (`{"columns": [...], "rows": [[name, count, age, cost], ...]}`).
fn groups(json: &Value) -> BTreeMap<String, (u64, f64, f64)> {
    let number = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    if let Some(rows) = json["rows"].as_array() {
        return rows
            .iter()
            .map(|row| {
                let name = row[0].as_str().unwrap_or("?").to_owned();
                (
                    name,
                    (
                        row[1].as_u64().unwrap_or(0),
                        number(&row[2]),
                        number(&row[3]),
                    ),
                )
            })
            .collect();
    }
    json["groups"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, g)| {
            let count = g["count"].as_u64().unwrap_or(0);
            (
                name.clone(),
                (count, number(&g["mean_age"]), number(&g["mean_cost_usd"])),
            )
        })
        .collect()
}

/// What the hospitals keep their patients in.
pub(super) fn source(what: &str) {
    println!("      kept in {what}");
}

/// The module the honest question travels in.
pub(super) fn question(question: &super::source::Question) {
    println!(
        "      {} ({} KiB) with input {}",
        question.name,
        question.wasm.len().div_ceil(1024),
        String::from_utf8_lossy(&question.input).replace('\n', " ")
    );
}

/// A blocked exfiltration: what the egress filter found, never the data.
pub(super) fn blocked(module: &str, answer: &Answer) {
    clear_progress();
    println!(
        "      {module} on {}: BLOCKED by the egress filter (found: {}); 0 bytes returned, receipt verified",
        short(&answer.peer),
        answer.egress.categories.join(", ")
    );
}

/// A module the pre-flight Guardian refused: it never left the agent.
pub(super) fn rejected(report: &nmp_guardian::Report) {
    println!(
        "      escape.wasm: REJECTED by the Guardian before sending (every node runs the same check):"
    );
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error);
    for finding in errors {
        println!("        - {}", finding.message);
    }
}

pub(super) fn done(elapsed: Duration) {
    println!(
        "\nDone in {:.1} s: raw records never left either hospital.",
        elapsed.as_secs_f64()
    );
}
