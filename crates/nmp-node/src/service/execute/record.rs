//! The owner's record of one request: its audit-log entry, with every exact figure the agent
//! is not told.

use nmp_crypto::PeerId;
use nmp_wire::{Label as _, pb};
use sha2::{Digest as _, Sha256};

use crate::{
    Execution,
    audit::{Entry, Finding, Run},
    service::report,
};

/// The audit entry of a request that reached an outcome; `seq`, `prev` and `node` are the
/// log's to fill in.
pub(super) fn entry(
    request: &pb::LogicRequest,
    agent: &PeerId,
    execution: &Execution,
    receipt: &pb::Receipt,
    accepted_at_ms: u64,
) -> Entry {
    let outcome = crate::receipt::wire_outcome(execution.outcome());
    let verdict = report::egress_verdict(execution);
    let scans = execution
        .egress
        .iter()
        .flat_map(|filtered| [&filtered.stdout, &filtered.stderr]);
    let findings: Vec<_> = scans
        .clone()
        .flat_map(|scan| &scan.report.findings)
        .collect();
    Entry {
        accepted_at_ms,
        request_id: hex::encode(&request.request_id),
        agent: agent.to_base58(),
        capability: request.capability.clone(),
        module_sha256: execution.guardian.module_sha256.to_string(),
        outcome: outcome.label(),
        run: execution.run.as_ref().map(|run| Run {
            exit_code: match &run.outcome {
                nmp_sandbox::Outcome::Completed { exit_code, .. } => Some(*exit_code),
                _ => None,
            },
            detail: report::detail(execution),
            wall_time_us: micros(run.stats.wall_time),
            compile_time_us: micros(run.stats.compile_time),
            fuel_consumed: run.stats.fuel_consumed,
            peak_memory_bytes: run.stats.peak_memory_bytes,
            stdout_bytes: run.outcome.stdout().len() as u64,
            stderr_bytes: run.outcome.stderr().len() as u64,
            cache_hit: run.stats.cache != nmp_sandbox::CacheHit::Miss,
        }),
        egress_verdict: verdict.label(),
        findings_total: findings.len() as u64,
        findings: findings
            .into_iter()
            .take(crate::audit::MAX_FINDINGS)
            .map(|f| Finding {
                category: report::name_of(&f.category),
                rule: f.rule.clone(),
                path: f.path.clone().unwrap_or_default(),
                span: f.span.map(|s| [s.start as u64, s.end as u64]),
                decoded_via: f.decoded_via.iter().map(report::name_of).collect(),
            })
            .collect(),
        bytes_scanned: scans.map(|s| s.report.bytes_scanned as u64).sum(),
        receipt_body_sha256: hex::encode(Sha256::digest(&receipt.body)),
        ..Entry::default()
    }
}

/// The audit entry of a request whose agent left while its guest ran: the guest was stopped,
/// nothing was filtered, sealed or signed.
pub(super) fn cancelled(
    request: &pb::LogicRequest,
    agent: &PeerId,
    module_sha256: String,
    accepted_at_ms: u64,
) -> Entry {
    Entry {
        accepted_at_ms,
        request_id: hex::encode(&request.request_id),
        agent: agent.to_base58(),
        capability: request.capability.clone(),
        module_sha256,
        outcome: "cancelled".to_owned(),
        egress_verdict: "not_run".to_owned(),
        ..Entry::default()
    }
}

fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
