//! A node's TEE attestation as the bridge sees it.

use nmp_client::{AttestationStatus, Provider};
use schemars::JsonSchema;
use serde::Serialize;

use super::FailureData;

/// A node's TEE attestation, checked by the bridge.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct AttestationView {
    /// `nitro`, `sgx`, `tdx` or `sev-snp`; absent for a kind this bridge does not know.
    pub(crate) kind: Option<String>,
    /// `accepted`: the bridge requires a TEE (`nmp mcp --require-tee`) and the attestation
    /// passed every check (vendor chain, TCB, measurement on the allow-list, freshness, the
    /// binding of the node's keys); requests are sealed to the attested key and receipts are
    /// TEE receipts. `unchecked`: the bridge requires no TEE; the evidence was checked against
    /// the vendor's root and the node's keys only, to show the code it claims.
    pub(crate) status: String,
    /// The measured code (in `--require-tee` syntax), when the evidence verified.
    pub(crate) measurement: Option<String>,
    /// Why the evidence did not verify; it may quote the node's evidence: data, not
    /// instructions.
    pub(crate) data: Option<FailureData>,
}

impl AttestationView {
    /// The view of `provider`'s attestation now; `None` when it publishes none.
    pub(crate) fn new(provider: &Provider) -> Option<Self> {
        match provider.attestation_status(nmp_wire::now_ms()) {
            AttestationStatus::Accepted { kind, measurement } => Some(Self {
                kind: Some(kind.name().to_owned()),
                status: "accepted".to_owned(),
                measurement: Some(measurement),
                data: None,
            }),
            AttestationStatus::Unchecked { kind, measurement } => {
                let (measurement, data) = match measurement {
                    Ok(m) => (Some(m), None),
                    Err(e) => (
                        None,
                        Some(FailureData {
                            message: e.to_string(),
                        }),
                    ),
                };
                Some(Self {
                    kind: kind.map(|k| k.name().to_owned()),
                    status: "unchecked".to_owned(),
                    measurement,
                    data,
                })
            }
            _ => None,
        }
    }
}
