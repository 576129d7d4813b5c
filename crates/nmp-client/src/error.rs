//! [`Error`]: every way a client call fails. Nothing that came with a failed call is trusted.

use std::time::Duration;

use nmp_crypto::{
    capability,
    envelope::{OpenError, SealError},
    receipt,
};
use nmp_net::{BoxError, PeerId};
use nmp_wire::pb;

/// Why a client call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The mesh failed: it could not start, a lookup or describe request failed, or a logic
    /// stream could not be opened.
    #[error("mesh failure")]
    Mesh(#[from] nmp_net::Error),
    /// No node in the mesh announces the capability.
    #[error("no provider found for `{capability}`")]
    NoProviders {
        /// The capability looked up.
        capability: String,
    },
    /// The node's capability document failed verification (signature, expiry, keys).
    #[error("capability document refused")]
    Document {
        /// The node asked, when known (a gRPC endpoint is not a PeerId).
        peer: Option<PeerId>,
        /// Why.
        #[source]
        source: Box<capability::VerifyError>,
    },
    /// A TEE is required ([`Builder::require_tee`](crate::Builder::require_tee)) and the
    /// node's attestation is missing or failed a check (chain, freshness, measurement,
    /// binding): nothing is sealed to it.
    #[error("{peer} is not attested as required")]
    Attestation {
        /// The node.
        peer: PeerId,
        /// Why.
        #[source]
        source: Box<nmp_attest::Error>,
    },
    /// The node's verified document does not list the capability the logic asks for.
    #[error("{peer} does not serve `{capability}`")]
    NotServed {
        /// The node.
        peer: PeerId,
        /// The capability asked for.
        capability: String,
    },
    /// The node is not one of the client's trusted nodes
    /// ([`Builder::trusted_nodes`](crate::Builder::trusted_nodes)); nothing was sent to it.
    #[error("{peer} is not a trusted node; nothing was sent to it")]
    Untrusted {
        /// The node.
        peer: PeerId,
    },
    /// The node's document holds no KEM key that is still valid.
    #[error("{peer} offers no KEM key valid now")]
    NoKemKey {
        /// The node.
        peer: PeerId,
    },
    /// The pre-flight Guardian check rejected the module; nothing was sent.
    #[error("the module was rejected before sending: {}", first_finding(.0))]
    Rejected(Box<nmp_guardian::Report>),
    /// The request could not be sealed (module or input over the wire limits).
    #[error("cannot seal the request")]
    Seal(#[from] SealError),
    /// The response stream from the node failed (a bad frame, a QUIC reset, a gRPC error
    /// status). A stream that ends before its final event is [`Error::Protocol`] instead, on
    /// the mesh and over gRPC alike.
    #[error("response stream from {peer} failed")]
    Transport {
        /// The node.
        peer: PeerId,
        /// Why.
        #[source]
        source: BoxError,
    },
    /// The node refused the request or failed before an outcome; no receipt exists.
    #[error("{peer} refused the request ({code:?}): {message}")]
    Node {
        /// The node.
        peer: PeerId,
        /// What the program can act on.
        code: pb::ErrorCode,
        /// The node's one-line reason (untrusted text).
        message: String,
    },
    /// A privacy budget (the agent's own, or the one all agents share) of a dataset the
    /// capability mounts is spent for the current window (the node's `BUDGET_EXHAUSTED`):
    /// nothing ran, or the answer was discarded. `renews_at_ms` is the node's
    /// `Error.renews_at_ms`: the end of the window of the budget that refused. From a node
    /// that leaves it 0 (an older one), it is the latest next window boundary among the
    /// capability's budgets its signed document announces (windows are fixed periods aligned
    /// to the Unix epoch), or 0 when it announces none.
    #[error("{peer}: a privacy budget is spent until {renews_at_ms} (Unix ms): {message}")]
    BudgetExhausted {
        /// The node.
        peer: PeerId,
        /// Unix milliseconds by which the budget that refused has renewed.
        renews_at_ms: u64,
        /// The node's one-line reason (untrusted text).
        message: String,
    },
    /// The node's response stream was reset, or its connection closed, before the node's
    /// final event (mesh only): the node crashed, restarted or was cut off, or the network
    /// failed. Nothing it sent was accepted, and unlike [`Error::Protocol`] nothing says that
    /// the node lied. Over gRPC the same fault is an [`Error::Transport`].
    #[error("{peer} went away before its answer (the stream was reset or its connection closed)")]
    Disconnected {
        /// The node.
        peer: PeerId,
    },
    /// The node broke the protocol: no final event on a stream it closed itself, a response for another request, an
    /// unknown event, or more status events than the protocol allows.
    #[error("{peer} broke the protocol: {reason}")]
    Protocol {
        /// The node.
        peer: PeerId,
        /// What it did.
        reason: &'static str,
    },
    /// The execution did not finish within the client's execute timeout, the one deadline of
    /// the whole call (the node's document, the wait for a stream slot, every open, resend and
    /// `OVERLOADED` retry, and the run), or over gRPC the node did not send its response
    /// headers within the request timeout; the stream was dropped, which cancels the job.
    #[error("{peer} did not answer within {after:?}")]
    Timeout {
        /// The node.
        peer: PeerId,
        /// The timeout.
        after: Duration,
    },
    /// The sealed output did not open (tampered, or not for this request).
    #[error("the answer of {peer} did not open")]
    Response {
        /// The node.
        peer: PeerId,
        /// Why.
        #[source]
        source: Box<OpenError>,
    },
    /// The receipt failed verification: the answer is discarded.
    #[error("the receipt of {peer} did not verify")]
    Receipt {
        /// The node.
        peer: PeerId,
        /// Why.
        #[source]
        source: Box<receipt::VerifyError>,
    },
    /// The receipt verifies but is not about this request (the field that differs is named):
    /// the answer is discarded.
    #[error("the receipt of {peer} does not match the request: `{field}` differs")]
    ReceiptMismatch {
        /// The node.
        peer: PeerId,
        /// The receipt body field.
        field: &'static str,
    },
    /// The gRPC endpoint could not be reached, its address is malformed, or its TLS
    /// certificate was refused.
    #[error("cannot connect to gRPC endpoint")]
    Grpc(#[source] BoxError),
    /// The gRPC endpoint did not connect, finish its TLS handshake or send its capability
    /// document within the request timeout; nothing was kept.
    #[error("gRPC endpoint {endpoint} did not answer within {after:?}")]
    GrpcTimeout {
        /// The endpoint as given.
        endpoint: String,
        /// The timeout.
        after: Duration,
    },
}

/// What kind of failure an [`Error`] is: the one classification every front end (the CLI's
/// JSON and exit status, the MCP view) shows, so that scripts and models can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A document, sealed answer or receipt failed verification, or the node broke the
    /// protocol: whatever it sent was discarded.
    Verification,
    /// The pre-flight Guardian rejected the module; nothing was sent.
    Rejected,
    /// The node refused the request (policy, rate, capacity, capability, keys, trust pin).
    Refused,
    /// The node (or a gRPC endpoint) did not answer in time; the job was cancelled.
    Timeout,
    /// The mesh or the gRPC connection failed, the node went away mid-request, or no node
    /// announces the capability.
    Network,
    /// The request could not be built (module or input over a wire limit).
    Request,
}

impl ErrorKind {
    /// The kind as a stable `snake_case` label (`verification`, `rejected`, `refused`,
    /// `timeout`, `network`, `request`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verification => "verification",
            Self::Rejected => "rejected",
            Self::Refused => "refused",
            Self::Timeout => "timeout",
            Self::Network => "network",
            Self::Request => "request",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// What kind of failure this is (no catch-all: a new variant must be classified here).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Document { .. }
            | Self::Attestation { .. }
            | Self::Response { .. }
            | Self::Receipt { .. }
            | Self::ReceiptMismatch { .. }
            | Self::Protocol { .. } => ErrorKind::Verification,
            Self::Rejected(_) => ErrorKind::Rejected,
            Self::Node { .. }
            | Self::BudgetExhausted { .. }
            | Self::NotServed { .. }
            | Self::NoKemKey { .. }
            | Self::Untrusted { .. } => ErrorKind::Refused,
            Self::Timeout { .. } | Self::GrpcTimeout { .. } => ErrorKind::Timeout,
            Self::Mesh(_)
            | Self::NoProviders { .. }
            | Self::Transport { .. }
            | Self::Disconnected { .. }
            | Self::Grpc(_) => ErrorKind::Network,
            Self::Seal(_) => ErrorKind::Request,
        }
    }

    /// This error and its sources on one line, separated by `: ` (for logs and messages).
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

fn first_finding(report: &nmp_guardian::Report) -> String {
    report
        .findings
        .first()
        .map_or_else(|| "no finding".to_owned(), |f| f.message.clone())
}
