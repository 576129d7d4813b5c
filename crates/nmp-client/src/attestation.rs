//! [`AttestationStatus`]: what an agent can say of a node's TEE attestation, for tools that
//! show it (`nmp discover`, the MCP bridge).

use nmp_attest::{Attestation, Binding, Kind, Roots};

use crate::Provider;

/// A node's attestation as this agent sees it.
#[derive(Debug)]
#[non_exhaustive]
pub enum AttestationStatus {
    /// The node's document carries no attestation.
    Absent,
    /// The client's TEE policy accepted it: vendor chain, TCB status, measurement on the
    /// allow-list, freshness and the binding of the node's keys. Requests to the node ask for
    /// `RECEIPT_KIND_TEE` receipts.
    Accepted {
        /// The kind of evidence.
        kind: Kind,
        /// The measurement that passed, in the allow-list's syntax.
        measurement: String,
    },
    /// The client has no TEE policy, so nothing depends on the attestation; checked here
    /// against the real vendor roots and the node's identity and KEM key only (no allow-list,
    /// no freshness), to show which code it claims.
    Unchecked {
        /// The kind the wire names; `None` for an unknown one.
        kind: Option<Kind>,
        /// The measurement the evidence carries when its chain verifies and it binds the
        /// node's keys, or why not.
        measurement: Result<String, nmp_attest::Error>,
    },
}

impl Provider {
    /// What this agent can say of the node's attestation at `now_ms` (Unix milliseconds).
    /// Costs nothing under a TEE policy (the document was checked when fetched); otherwise one
    /// vendor verification, a few milliseconds.
    pub fn attestation_status(&self, now_ms: u64) -> AttestationStatus {
        let Some(wire) = &self.document.attestation else {
            return AttestationStatus::Absent;
        };
        if let Some(attested) = &self.attested {
            return AttestationStatus::Accepted {
                kind: attested.kind(),
                measurement: attested.measurement().to_string(),
            };
        }
        let measurement = Attestation::from_wire(wire).and_then(|evidence| {
            let verified = evidence.verify(&Roots::vendor(), now_ms)?;
            Binding::from_wire(wire, &self.peer)?.check(&verified)?;
            Ok(verified.measurement().to_string())
        });
        AttestationStatus::Unchecked {
            kind: Kind::from_wire(wire.kind),
            measurement,
        }
    }
}
