//! The sealed envelope: an agent seals logic and input end-to-end to one node's KEM key.
//!
//! Suite 1 is a hybrid KEM (X25519 and ML-KEM-768, FIPS 203) whose two shared secrets go through
//! HKDF-SHA256 with a transcript hash binding both ciphertexts, both public keys, both PeerIds,
//! the suite, the request id and the timestamp. It yields one AES-256-GCM key per direction. The
//! request's clear metadata is the associated data, and the agent signs the whole request with
//! its identity. `docs/crypto.md` gives the exact bytes.

pub(crate) mod aead;
mod open;
mod replay;
mod response;
pub(crate) mod schedule;

use libp2p_identity::PeerId;
use nmp_wire::{limits, pb};
use prost::Message;
use zeroize::{Zeroize, Zeroizing};

use crate::{
    identity::{Domain, Identity},
    kem::{KemKeyError, NodeKey},
};

pub use open::{Keyring, OpenConfig, OpenError, Opened, Verified};
pub(crate) use open::{check_ciphertext, check_metadata, fixed};
pub use response::ResponseKey;
pub use schedule::SUITE;

/// Length of an AES-256-GCM nonce.
pub const NONCE_BYTES: usize = 12;
/// Length of an AES-256-GCM tag, the smallest possible ciphertext.
pub const TAG_BYTES: usize = 16;
/// Length of an Ed25519 signature.
pub const SIGNATURE_BYTES: usize = 64;

/// What the agent seals and to whom. Every field ends up in the `LogicRequest`.
#[derive(Debug, Clone)]
pub struct SealParams<'a> {
    /// The agent's identity: its PeerId is `agent_peer_id` and it signs the request.
    pub agent: &'a Identity,
    /// The node the envelope is sealed to, as authenticated by its capability document.
    pub node_peer: &'a PeerId,
    /// One of the node's KEM keys from its verified capability document (normally the first).
    pub node_key: &'a pb::KemPublicKey,
    /// 16 random bytes, unique per agent; the node rejects a repeat.
    pub request_id: [u8; limits::REQUEST_ID_BYTES],
    /// The capability to run against; at most `limits::MAX_CAPABILITY_BYTES` bytes.
    pub capability: &'a str,
    /// The agent's clock, unix milliseconds; the node rejects it outside its window.
    pub timestamp_ms: u64,
    /// Limits the agent asks for (0 = node default).
    pub limits: pb::RequestedLimits,
    /// The receipt kind wanted: [`pb::ReceiptKind::Signed`], or [`pb::ReceiptKind::Tee`] from a
    /// node whose attestation the agent verified.
    pub receipt_kind: pb::ReceiptKind,
}

/// Why a request could not be sealed. Nothing was sent; fix the input and seal again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The node's published KEM key is malformed or inconsistent.
    #[error("unusable node KEM key")]
    InvalidNodeKey(#[source] KemKeyError),
    /// The node's KEM key expires before the request's timestamp: fetch a fresh capability
    /// document.
    #[error("node KEM key expired at {not_after_ms} ms, request time is {timestamp_ms} ms")]
    KeyExpired {
        /// The key's `not_after_ms`.
        not_after_ms: u64,
        /// The request's timestamp.
        timestamp_ms: u64,
    },
    /// A field exceeds its protocol limit.
    #[error("`{field}` is {actual} bytes, limit {limit}")]
    TooLarge {
        /// Which field: `capability`, `wasm` or `input`.
        field: &'static str,
        /// The limit from `nmp_wire::limits`.
        limit: usize,
        /// Its size.
        actual: usize,
    },
    /// The capability name is empty.
    #[error("empty capability name")]
    EmptyCapability,
    /// Only [`pb::ReceiptKind::Signed`] and [`pb::ReceiptKind::Tee`] can be requested from this
    /// version.
    #[error("receipt kind {0:?} is not served")]
    UnsupportedReceiptKind(pb::ReceiptKind),
    /// The session is past its expiry or has used its last counter: open a new session.
    #[error("session expired or used up")]
    SessionSpent,
}

/// Seals `payload` to the node and signs the request as the agent.
///
/// Returns the complete `LogicRequest` and the key that opens the node's sealed response. Costs
/// one ML-KEM-768 encapsulation, two X25519 multiplications, an Ed25519 signature and one pass of
/// AES-256-GCM and SHA-256 over the payload (about 0.2 ms for 1 KiB). Panics only if the
/// operating system has no random number generator.
pub fn seal(
    params: &SealParams<'_>,
    payload: &pb::LogicPayload,
) -> Result<(pb::LogicRequest, ResponseKey), SealError> {
    let mut seeds = Zeroizing::new([0; 32 + 32 + NONCE_BYTES]);
    crate::rng::fill(&mut seeds[..]);
    let (ephemeral, rest) = seeds.split_at(32);
    let (m, nonce) = rest.split_at(32);
    seal_with(
        params,
        payload,
        &SealRandomness {
            ephemeral: ephemeral.try_into().expect("32-byte split"),
            ml_kem_m: m.try_into().expect("32-byte split"),
            nonce: nonce.try_into().expect("12-byte split"),
        },
    )
}

/// The three random values one seal consumes.
pub(crate) struct SealRandomness {
    pub(crate) ephemeral: [u8; 32],
    pub(crate) ml_kem_m: [u8; 32],
    pub(crate) nonce: [u8; NONCE_BYTES],
}

impl Drop for SealRandomness {
    fn drop(&mut self) {
        self.ephemeral.zeroize();
        self.ml_kem_m.zeroize();
    }
}

pub(crate) fn seal_with(
    params: &SealParams<'_>,
    payload: &pb::LogicPayload,
    randomness: &SealRandomness,
) -> Result<(pb::LogicRequest, ResponseKey), SealError> {
    check_fields(params.capability, params.receipt_kind, payload)?;
    let node_key = NodeKey::parse(params.node_key).map_err(SealError::InvalidNodeKey)?;
    if params.timestamp_ms > params.node_key.not_after_ms {
        return Err(SealError::KeyExpired {
            not_after_ms: params.node_key.not_after_ms,
            timestamp_ms: params.timestamp_ms,
        });
    }
    let encapsulation = node_key
        .encapsulate(&randomness.ephemeral, &randomness.ml_kem_m)
        .map_err(SealError::InvalidNodeKey)?;
    let mut request = pb::LogicRequest {
        request_id: params.request_id.to_vec(),
        capability: params.capability.to_owned(),
        node_peer_id: params.node_peer.to_bytes(),
        agent_peer_id: params.agent.peer_id().to_bytes(),
        timestamp_ms: params.timestamp_ms,
        limits: Some(params.limits),
        receipt_kind: params.receipt_kind as i32,
        envelope: None,
        agent_signature: Vec::new(),
        session: None,
    };
    let transcript_hash = schedule::Transcript {
        request_id: &request.request_id,
        timestamp_ms: request.timestamp_ms,
        node_peer_id: &request.node_peer_id,
        agent_peer_id: &request.agent_peer_id,
        key_id: &node_key.published.key_id,
        node_x25519: &node_key.published.x25519,
        node_ml_kem: &node_key.published.ml_kem_768,
        ephemeral: &encapsulation.ephemeral,
        ml_kem_ciphertext: &encapsulation.ciphertext,
    }
    .hash();
    let keys = schedule::derive(&transcript_hash, &encapsulation.secrets);
    let aad = schedule::aad(&request);
    let plaintext = Zeroizing::new(payload.encode_to_vec());
    let ciphertext = aead::seal(&keys.request, &randomness.nonce, &aad, &plaintext);
    let signed = schedule::signed_message(&aad, &transcript_hash, &randomness.nonce, &ciphertext);
    request.agent_signature = params.agent.sign(Domain::Request, &signed).to_vec();
    request.envelope = Some(pb::SealedEnvelope {
        suite: SUITE,
        kem_key_id: node_key.published.key_id.clone(),
        x25519_ephemeral: encapsulation.ephemeral.to_vec(),
        ml_kem_ciphertext: encapsulation.ciphertext,
        nonce: randomness.nonce.to_vec(),
        ciphertext,
    });
    let response_key = ResponseKey::new(keys.response.clone(), params.request_id);
    Ok((request, response_key))
}

/// The checks every sealed request passes before it is sealed: a capability name of 1 to
/// `limits::MAX_CAPABILITY_BYTES` bytes, module and input within their limits, a signed receipt.
pub(crate) fn check_fields(
    capability: &str,
    receipt_kind: pb::ReceiptKind,
    payload: &pb::LogicPayload,
) -> Result<(), SealError> {
    if capability.is_empty() {
        return Err(SealError::EmptyCapability);
    }
    for (field, limit, actual) in [
        ("capability", limits::MAX_CAPABILITY_BYTES, capability.len()),
        ("wasm", limits::MAX_MODULE_BYTES, payload.wasm.len()),
        ("input", limits::MAX_INPUT_BYTES, payload.input.len()),
    ] {
        if actual > limit {
            return Err(SealError::TooLarge {
                field,
                limit,
                actual,
            });
        }
    }
    if !matches!(receipt_kind, pb::ReceiptKind::Signed | pb::ReceiptKind::Tee) {
        return Err(SealError::UnsupportedReceiptKind(receipt_kind));
    }
    Ok(())
}
