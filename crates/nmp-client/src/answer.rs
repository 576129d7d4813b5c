//! [`Answer`]: what a node returned, after every check passed.

use nmp_net::PeerId;
use nmp_wire::pb;

use crate::Error;

/// A node's verified answer: the receipt verified against the node, the module, the input and
/// the output, and matches the request. Every outcome is an answer, including a rejection by
/// the node's Guardian, a trap and a blocked output; look at [`Answer::outcome`].
#[derive(Debug, Clone)]
pub struct Answer {
    /// The node that answered and signed.
    pub peer: PeerId,
    /// How the job ended.
    pub outcome: pb::Outcome,
    /// The guest's exit code when it exited; 0 otherwise.
    pub exit_code: i32,
    /// For traps and limits: which one (untrusted text from the node).
    pub detail: String,
    /// The guest's stdout as it left the node; empty when nothing was allowed to leave.
    pub output: Vec<u8>,
    /// The guest's stderr, when the node's policy returns it.
    pub stderr: Vec<u8>,
    /// The node's Guardian report.
    pub guardian: Option<pb::GuardianReport>,
    /// The node's egress report (counts and kinds, never the matched bytes).
    pub egress: Option<pb::EgressReport>,
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
}

/// One node's part of a fan-out ([`NmpClient::execute_all`](crate::NmpClient::execute_all)).
#[derive(Debug)]
pub struct NodeAnswer {
    /// The node.
    pub peer: PeerId,
    /// Its verified answer, or why there is none.
    pub answer: Result<Answer, Error>,
}
