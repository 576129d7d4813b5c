//! The receipt stage: what the node signs about one run.
//!
//! The pipeline knows what ran and what left; the caller knows who asked, about what and when
//! ([`Context`]). [`Pipeline::receipt_body`] joins both into the `nmp.v1` `ReceiptBody` that
//! `nmp_crypto::receipt::sign` signs.

use nmp_wire::pb;
use prost::Message as _;
use sha2::{Digest as _, Sha256};

use crate::{Commitment, Dataset, Execution, Job, Outcome, Pipeline, service::report};

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
    /// Unix time in milliseconds the receipt states: when the node accepted the request, so
    /// that it says nothing of how long the guest ran.
    pub issued_at_ms: u64,
}

impl Pipeline {
    /// The receipt body for one executed job: module and input digests, the digests of the
    /// stdout and stderr as they left the node (after redaction; of the empty string when
    /// nothing left) and of the Guardian report the agent receives, dataset commitments,
    /// Guardian policy digest, egress verdict, categories and rule-set digest, and the coarse
    /// outcome. It binds exactly what the agent is told and nothing more: no exit code, no
    /// resource figures (those are the audit log's). `node_peer_id` is left for the signer.
    pub fn receipt_body(
        &self,
        job: &Job<'_>,
        execution: &Execution,
        context: &Context<'_>,
    ) -> pb::ReceiptBody {
        let stdout = execution.stdout().unwrap_or_default();
        let stderr = execution.stderr().unwrap_or_default();
        let guardian = report::guardian(&execution.guardian).encode_to_vec();
        pb::ReceiptBody {
            request_id: context.request_id.to_vec(),
            capability: context.capability.to_owned(),
            agent_peer_id: context.agent_peer_id.to_vec(),
            module_sha256: execution.guardian.module_sha256.as_bytes().to_vec(),
            input_sha256: sha256(job.input),
            output_sha256: sha256(stdout),
            stderr_sha256: sha256(stderr),
            guardian_report_sha256: sha256(&guardian),
            datasets: context
                .datasets
                .iter()
                .map(|(dataset, c)| pb::DatasetCommitment {
                    name: dataset.name().to_owned(),
                    sha256: c.sha256.to_vec(),
                    files: c.files,
                    bytes: c.bytes,
                    snapshot: None,
                })
                .collect(),
            guardian_policy_digest: execution.guardian.policy_digest.as_bytes().to_vec(),
            egress_verdict: report::egress_verdict(execution) as i32,
            egress_categories: report::egress_categories(execution),
            egress_rule_set_digest: self.egress_rule_set_digest().to_vec(),
            outcome: wire_outcome(execution.outcome()) as i32,
            issued_at_ms: context.issued_at_ms,
            ..pb::ReceiptBody::default()
        }
    }
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
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
        Outcome::PrivacyBlocked => pb::Outcome::PrivacyBlocked,
    }
}
