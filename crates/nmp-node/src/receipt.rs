//! The receipt stage: what the node signs about one run.
//!
//! The pipeline knows what ran and what left; the caller knows who asked, about what and when
//! ([`Context`]). [`Pipeline::receipt_body`] joins both into the `nmp.v1` `ReceiptBody` that
//! `nmp_crypto::receipt::sign` signs.

use nmp_egress::Verdict;
use nmp_wire::pb;
use sha2::{Digest as _, Sha256};

use crate::{Commitment, Dataset, Execution, Job, Outcome, Pipeline};

/// The parts of a receipt the pipeline cannot know: who asked, about what, and when.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The request id the agent chose (16 bytes on the wire; empty for a local run).
    pub request_id: &'a [u8],
    /// The capability the request named (empty for a local run).
    pub capability: &'a str,
    /// The agent's PeerId bytes (empty for a local run).
    pub agent_peer_id: &'a [u8],
    /// The commitment of each dataset the job mounted, in the job's order.
    pub datasets: &'a [(&'a Dataset, Commitment)],
    /// Unix time in milliseconds at which the node signs.
    pub issued_at_ms: u64,
}

impl Pipeline {
    /// The receipt body for one executed job: module, input and output digests (of the output
    /// as it left the node, after redaction; of the empty string when nothing left), dataset
    /// commitments, Guardian policy digest, egress verdict and rule-set digest, resources and
    /// outcome. `node_peer_id` is left for the signer to fill in.
    pub fn receipt_body(
        &self,
        job: &Job<'_>,
        execution: &Execution,
        context: &Context<'_>,
    ) -> pb::ReceiptBody {
        let leaving = execution.stdout().unwrap_or_default();
        pb::ReceiptBody {
            request_id: context.request_id.to_vec(),
            capability: context.capability.to_owned(),
            agent_peer_id: context.agent_peer_id.to_vec(),
            module_sha256: execution.guardian.module_sha256.as_bytes().to_vec(),
            input_sha256: sha256(job.input),
            output_sha256: sha256(leaving),
            datasets: context
                .datasets
                .iter()
                .map(|(dataset, c)| pb::DatasetCommitment {
                    name: dataset.name().to_owned(),
                    sha256: c.sha256.to_vec(),
                    files: c.files,
                    bytes: c.bytes,
                })
                .collect(),
            guardian_policy_digest: execution.guardian.policy_digest.as_bytes().to_vec(),
            egress_verdict: egress_verdict(execution) as i32,
            egress_rule_set_digest: self.egress_rule_set_digest().to_vec(),
            resources: Some(resources(execution)),
            outcome: wire_outcome(execution.outcome()) as i32,
            issued_at_ms: context.issued_at_ms,
            ..pb::ReceiptBody::default()
        }
    }
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

fn egress_verdict(execution: &Execution) -> pb::EgressVerdict {
    match &execution.egress {
        None => pb::EgressVerdict::NotRun,
        Some(f) if f.is_blocked() => pb::EgressVerdict::Blocked,
        Some(f) if f.is_redacted() => pb::EgressVerdict::Redacted,
        Some(f) if f.stdout.verdict == Verdict::Pass => pb::EgressVerdict::Pass,
        Some(_) => pb::EgressVerdict::Unspecified,
    }
}

fn resources(execution: &Execution) -> pb::Resources {
    let Some(run) = &execution.run else {
        return pb::Resources::default();
    };
    let stats = &run.stats;
    let micros = |d: std::time::Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
    pb::Resources {
        wall_time_us: micros(stats.wall_time),
        compile_time_us: micros(stats.compile_time),
        fuel_consumed: stats.fuel_consumed.unwrap_or(0),
        peak_memory_bytes: stats.peak_memory_bytes,
        stdout_bytes: run.outcome.stdout().len() as u64,
        stderr_bytes: run.outcome.stderr().len() as u64,
        cache_hit: stats.cache != nmp_sandbox::CacheHit::Miss,
    }
}

/// The wire's name for an outcome.
pub(crate) fn wire_outcome(outcome: Outcome) -> pb::Outcome {
    match outcome {
        Outcome::Completed => pb::Outcome::Completed,
        Outcome::ExitedNonZero(_) => pb::Outcome::ExitedNonzero,
        Outcome::Trapped => pb::Outcome::Trapped,
        Outcome::LimitExceeded(_) => pb::Outcome::LimitExceeded,
        Outcome::TimedOut => pb::Outcome::TimedOut,
        Outcome::Rejected => pb::Outcome::Rejected,
        Outcome::EgressBlocked => pb::Outcome::EgressBlocked,
    }
}
