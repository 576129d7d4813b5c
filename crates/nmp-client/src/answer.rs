//! [`Answer`]: what a node returned, after every check passed.

use nmp_net::PeerId;
use nmp_wire::{Label as _, pb};

use crate::Error;

/// A node's verified answer: it opened under this request's response key, and the receipt
/// verified against the node, the module, the input and the output, matches the request and
/// binds every field here. Every outcome is an answer, including a rejection by
/// the node's Guardian, a trap and a blocked output; look at [`Answer::outcome`].
#[derive(Debug, Clone)]
pub struct Answer {
    /// The node that answered and signed.
    pub peer: PeerId,
    /// How the job ended, in the protocol's coarse terms (no exit codes, traps or figures: a
    /// node keeps those in its owner's audit log).
    pub outcome: pb::Outcome,
    /// The guest's stdout as it left the node; empty when nothing was allowed to leave.
    pub output: Vec<u8>,
    /// The guest's stderr, when the node's policy returns it.
    pub stderr: Vec<u8>,
    /// The node's Guardian report on the module.
    pub guardian: pb::GuardianReport,
    /// The egress filter's verdict and the categories it found (never where or how many).
    pub egress: pb::EgressSummary,
    /// The signed receipt, as received (for storing and re-verifying later).
    pub receipt: pb::Receipt,
    /// The verified receipt body.
    pub receipt_body: pb::ReceiptBody,
    /// The status events in the order they arrived.
    pub statuses: Vec<pb::Status>,
}

impl Answer {
    /// Whether the job completed and its output left the node.
    pub fn is_completed(&self) -> bool {
        self.outcome == pb::Outcome::Completed
    }

    /// What the data owner's privacy controls applied to this run, per dataset that has any:
    /// the settings' digest (as the node's document announces it), what the run was charged
    /// (one query, the bytes that left, ε) and the agent's own remaining budget and renewal
    /// time. Bound by the verified receipt; empty when no dataset sets controls.
    pub fn privacy(&self) -> &[pb::PrivacyApplied] {
        &self.receipt_body.privacy
    }
}

/// The lower-case name of an outcome, e.g. `egress_blocked`.
pub fn outcome_name(outcome: pb::Outcome) -> String {
    outcome.label()
}

/// The lower-case name of an egress verdict as it travels, e.g. `blocked`; `unknown` for a
/// value this version does not know.
pub fn verdict_name(verdict: i32) -> String {
    pb::EgressVerdict::label_of(verdict)
}

/// One node's part of a fan-out ([`NmpClient::execute_all`](crate::NmpClient::execute_all)).
#[derive(Debug)]
pub struct NodeAnswer {
    /// The node.
    pub peer: PeerId,
    /// Its verified answer, or why there is none.
    pub answer: Result<Answer, Error>,
}
