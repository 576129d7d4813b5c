//! Integration tests of `nmp-crypto`: known-answer vectors, every refusal, byte flips, properties.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers panic on a broken fixture, like the tests"
)]

mod admission;
mod ed25519_strict;
mod envelope;
mod props;
mod receipt;
mod session;
mod tee;
mod vectors;

use nmp_crypto::{
    Identity, KemKeyPair, Keyring,
    envelope::{OpenConfig, SealParams},
};
use nmp_wire::pb;

/// The clock every fixture starts at.
pub(crate) const NOW: u64 = 1_767_225_600_000;

/// A node with a keyring, an agent, and the node key an agent would read from the capability
/// document.
#[derive(Debug)]
pub(crate) struct Fixture {
    pub(crate) agent: Identity,
    pub(crate) node: Identity,
    pub(crate) node_peer: nmp_crypto::PeerId,
    pub(crate) keyring: Keyring,
    pub(crate) node_key: pb::KemPublicKey,
}

impl Fixture {
    pub(crate) fn new(seed: u8) -> Self {
        let agent = Identity::from_secret_bytes([seed; 32]);
        let node = Identity::from_secret_bytes([seed.wrapping_add(1); 32]);
        let kem = KemKeyPair::from_seeds(&[seed; 32], &[seed; 64]);
        let not_after = NOW + 3_600_000;
        let keyring = Keyring::new(node.peer_id(), kem, not_after, OpenConfig::default());
        let node_key = keyring.public_keys(NOW).remove(0);
        Self {
            agent,
            node_peer: node.peer_id(),
            node,
            keyring,
            node_key,
        }
    }

    pub(crate) fn params(&self, request_id: u8) -> SealParams<'_> {
        SealParams {
            agent: &self.agent,
            node_peer: &self.node_peer,
            node_key: &self.node_key,
            request_id: [request_id; 16],
            capability: "demo.hospital/patients",
            timestamp_ms: NOW,
            limits: pb::RequestedLimits {
                timeout_ms: 1_000,
                memory_bytes: 1 << 20,
                fuel: 7,
            },
            receipt_kind: pb::ReceiptKind::Signed,
        }
    }
}

pub(crate) fn payload() -> pb::LogicPayload {
    pb::LogicPayload {
        wasm: b"\0asm\x01\0\0\0".to_vec(),
        input: b"{\"q\":1}".to_vec(),
    }
}
